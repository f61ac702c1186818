/* sg-decode: verify sg frames (any codec, or NDJSON) and write back the
 * original bytes, plain frames, or a listing. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "io.h"
#include "list.h"
#include "sink.h"
#include "size.h"
#include "stage.h"
#include "transcode.h"
#include "verify.h"

enum { OPT_EXEC = 256, OPT_EXTRACT, OPT_FRAMES, OPT_NAME, OPT_SPLIT, OPT_TAR };
enum output { OUT_BYTES, OUT_FRAMES, OUT_LIST, OUT_SINK };

static const struct option longopts[] = {
	{ "exec", required_argument, NULL, OPT_EXEC },
	{ "extract", required_argument, NULL, OPT_EXTRACT },
	{ "frames", no_argument, NULL, OPT_FRAMES },
	{ "help", no_argument, NULL, 'h' },
	{ "list", no_argument, NULL, 'l' },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "null", no_argument, NULL, '0' },
	{ "split", required_argument, NULL, OPT_SPLIT },
	{ "tar", no_argument, NULL, OPT_TAR },
	{ "threads", required_argument, NULL, 'T' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void
synopsis(FILE *out)
{
	fprintf(out,
	    "usage: %s [-l | --frames | --tar | --extract DIR | --exec CMD |\n"
	    "                 --split DIR [--name TEMPLATE] [-0]] [-T N] [FILE...]\n",
	    sg_progname());
}

static void
usage(FILE *out)
{
	synopsis(out);
	fprintf(out,
	    "Verify the sg stream in each FILE (or stdin, or '-') and write the\n"
	    "original bytes to stdout. Reads every codec (none, zstd, lz4) and the\n"
	    "NDJSON of 'sg-encode --json'.\n\n"
	    "  -l, --list          write one JSON object per frame instead (NDJSON)\n"
	    "      --frames        write the frames decoded (codec none) instead\n"
	    "      --tar           write a POSIX pax tar, one file per source\n"
	    "      --extract=DIR   write each source as a file under DIR; names that\n"
	    "                      are absolute, hold '..' or lead through a symbolic\n"
	    "                      link are refused (reported, exit 65 at the end)\n"
	    "      --split=DIR     write each chunk to a file under DIR and print its\n"
	    "                      path when it is complete\n"
	    "      --name=TEMPLATE --split file names: %%n source name, %%i source\n"
	    "                      number, %%q sequence, %%o offset, %%%% (default %s)\n"
	    "  -0, --null          --split: end each path with NUL, not newline\n"
	    "      --exec=CMD      run 'sh -c CMD' once per chunk, the chunk on its stdin;\n"
	    "                      SG_SOURCE, SG_NAME, SG_SEQ, SG_OFFSET, SG_SIZE and\n"
	    "                      SG_CONTEXT in its environment\n"
	    "  -T, --threads=N     N decoding workers; 0 (the default) is one per CPU\n"
	    "  -h, --help          show this help and exit\n"
	    "  -V, --version       show the version and exit\n\n"
	    "Exit status: 0 success, 64 usage, 65 corrupt or truncated input (or an\n"
	    "entry --extract refused), 66 cannot open an input, 70 internal error,\n"
	    "71 out of memory, 74 I/O error; with --exec, a failing command's status.\n",
	    SG_SPLIT_TEMPLATE_DEFAULT);
}

struct run {
	enum output output;
	sg_verify *v;
	sg_buf line;
	int out;
	sg_sink *sink;      /* OUT_SINK: where sources go */
	const char *input;  /* the input being decoded, for messages */
	int refused;        /* the sink refused a source */
};

/* On a worker: decode one compressed payload and check its checksum. */
static int
work(void *w, sg_job *j, void *arg)
{
	const unsigned char *payload;
	sg_frame f;

	(void)arg;
	sg_stage_job_frame(j, &f);
	return sg_transcode_decode(w, &f.h, f.payload, &j->aux, &payload, &j->err);
}

static int
needs_work(void *ctx, const sg_frame *f)
{
	(void)ctx;
	return f->h.type == SG_TYPE_DATA && f->h.codec != SG_CODEC_NONE;
}

static int
write_frame(struct run *x, const sg_frame *f, const unsigned char *payload, sg_err *e)
{
	struct iovec iov[2];
	int rc;

	if (f->h.type != SG_TYPE_DATA)
		return sg_io_write_all(x->out, f->raw, (size_t)sg_frame_wire_len(&f->h), e);
	x->line.len = 0;
	if ((rc = sg_transcode_plain_header(&f->h, &x->line, e)) < 0)
		return rc;
	iov[0].iov_base = x->line.p;
	iov[0].iov_len = x->line.len;
	iov[1].iov_base = (void *)payload;
	iov[1].iov_len = f->h.size;
	return sg_io_writev_all(x->out, iov, 2, e);
}

/* A verified frame to the sink; a refused source is reported here and
 * the run goes on. */
static int
to_sink(struct run *x, const sg_frame *f, const unsigned char *payload, const sg_meta *m,
	sg_err *e)
{
	sg_sink *s = x->sink;
	int rc;

	switch (f->h.type) {
	case SG_TYPE_BEGIN:
		if ((rc = s->ops->begin(s, &f->h, m, e)) == SG_SINK_REFUSED) {
			sg_warnx("%s: %s", sg_display_name(x->input), e->msg);
			sg_err_clear(e);
			x->refused = 1;
			return 0;
		}
		return rc;
	case SG_TYPE_DATA:
		return s->ops->data(s, &f->h, payload, e);
	case SG_TYPE_END:
		return s->ops->end(s, &f->h, m, e);
	default:
		return 0;
	}
}

/* In order: verify, then write. Nothing unverified is written. */
static int
emit(void *ctx, const sg_frame *f, sg_job *j, sg_err *e)
{
	struct run *x = ctx;
	const unsigned char *payload = f->payload;
	sg_meta m;
	int rc;

	if (j != NULL && needs_work(x, f))
		payload = j->aux.p;
	if ((rc = sg_verify_frame(x->v, f, payload, &m, e)) < 0)
		return rc;
	switch (x->output) {
	case OUT_LIST:
		x->line.len = 0;
		if ((rc = sg_list_frame(&x->line, f, &m, NULL, e)) < 0)
			return rc;
		return sg_io_write_all(x->out, x->line.p, x->line.len, e);
	case OUT_FRAMES:
		return write_frame(x, f, payload, e);
	case OUT_SINK:
		return to_sink(x, f, payload, &m, e);
	default:
		if (f->h.type != SG_TYPE_DATA)
			return 0;
		return sg_io_write_all(x->out, payload + f->h.context,
		    f->h.size - f->h.context, e);
	}
}

/* Decode one input; everything verified before a defect has been written. */
static int
decode(sg_pool *p, struct run *x, const char *path)
{
	static const sg_stage_ops ops = { needs_work, emit };
	sg_err e;
	int fd, rc;

	sg_err_clear(&e);
	x->input = path;
	if ((fd = sg_io_open_input(path, &e)) < 0)
		return sg_report(sg_display_name(path), &e);
	rc = sg_stage_input(p, fd, 0, &ops, x, &x->v, &e);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc < 0 ? sg_report(sg_display_name(path), &e) : 0;
}

/* What the command line asks for. */
struct args {
	enum output output;
	unsigned threads;
	int tar;                 /* --tar */
	const char *extract;     /* --extract DIR */
	const char *split;       /* --split DIR */
	const char *name;        /* --name TEMPLATE */
	int sep;                 /* -0: '\0', else '\n' */
	const char *exec;        /* --exec CMD */
	char **files;
	int nfiles;
};

/* Fill a from argv. Returns 0, or an exit status after a usage error (or
 * -1 after --help or --version, which exit 0). */
static int
parse_args(int argc, char **argv, struct args *a)
{
	static char *stdin_only[] = { "-" };
	uint64_t threads = 0;
	int ch, outputs = 0;
	sg_err e;

	sg_err_clear(&e);
	a->sep = '\n';
	while ((ch = getopt_long(argc, argv, "0hlT:V", longopts, NULL)) != -1) {
		switch (ch) {
		case '0': a->sep = '\0'; break;
		case 'h':
			usage(stdout);
			return -1;
		case 'l': a->output = OUT_LIST; outputs++; break;
		case 'T':
			if (sg_count_parse(optarg, 0, 256, &threads, &e) < 0)
				return sg_usage_error(&e, synopsis);
			break;
		case 'V':
			sg_print_version();
			return -1;
		case OPT_EXEC: a->exec = optarg; outputs++; break;
		case OPT_EXTRACT: a->extract = optarg; outputs++; break;
		case OPT_FRAMES: a->output = OUT_FRAMES; outputs++; break;
		case OPT_NAME: a->name = optarg; break;
		case OPT_SPLIT: a->split = optarg; outputs++; break;
		case OPT_TAR: a->tar = 1; outputs++; break;
		default:
			return sg_usage_error(NULL, synopsis);
		}
	}
	a->threads = (unsigned)threads;
	a->files = argc > optind ? argv + optind : stdin_only;
	a->nfiles = argc > optind ? argc - optind : 1;
	if (a->tar || a->extract || a->split || a->exec)
		a->output = OUT_SINK;
	if (outputs > 1)
		sg_err_set(&e, SG_EUSAGE, "-l, --frames, --tar, --extract, --split and "
		    "--exec exclude each other");
	else if ((a->name != NULL || a->sep == '\0') && a->split == NULL)
		sg_err_set(&e, SG_EUSAGE, "--name and -0 go with --split");
	return e.code != 0 ? sg_usage_error(&e, synopsis) : 0;
}

static sg_sink *
new_sink(const struct args *a, sg_err *e)
{
	if (a->tar)
		return sg_sink_tar_new(STDOUT_FILENO, e);
	if (a->extract != NULL)
		return sg_sink_extract_new(a->extract, e);
	if (a->split != NULL)
		return sg_sink_split_new(a->split, a->name, STDOUT_FILENO, a->sep, e);
	return sg_sink_exec_new(a->exec, e);
}

/* The sink's last word after all input; returns the run's exit status. */
static int
finish_sink(struct run *x, const struct args *a, int status)
{
	sg_err e;
	int rc;

	sg_err_clear(&e);
	rc = x->sink->ops->finish(x->sink, &e);
	if (rc < 0 && status == 0)
		status = sg_report(NULL, &e);
	if (a->exec != NULL && sg_sink_exec_status(x->sink) != 0)
		status = sg_sink_exec_status(x->sink);
	if (status == 0 && x->refused)
		status = sg_exit_status(SG_EDATA);
	x->sink->ops->free(x->sink);
	return status;
}

int
main(int argc, char **argv)
{
	struct run x = { .output = OUT_BYTES, .line = SG_BUF_INIT, .out = STDOUT_FILENO };
	struct args a = { .output = OUT_BYTES };
	int status, i;
	sg_pool *p;
	sg_err e;

	sg_diag_init(argv);
	sg_err_clear(&e);
	if ((status = parse_args(argc, argv, &a)) != 0)
		return status < 0 ? 0 : status;
	x.output = a.output;
	if ((x.output == OUT_FRAMES || a.tar) && (status = sg_refuse_tty_output()) != 0)
		return status;
	if (x.output == OUT_SINK && (x.sink = new_sink(&a, &e)) == NULL)
		return e.code == SG_EUSAGE ? sg_usage_error(&e, synopsis) : sg_report(NULL, &e);
	if ((p = sg_stage_pool(a.threads, work, &x, &e)) == NULL)
		return sg_report(NULL, &e);
	/* A slot holds the frame read and its decoded payload. */
	sg_pool_commit(p, SG_POOL_IN | SG_POOL_AUX, SG_STAGE_SLOT_COMMIT);
	for (i = 0; i < a.nfiles; i++) {
		int rc = decode(p, &x, a.files[i]);

		if (rc != 0 && (status == 0 || status == 66))
			status = rc;
		if (rc == 74 || (rc != 0 && x.output == OUT_SINK && rc != 66))
			break;
	}
	if (x.sink != NULL)
		status = finish_sink(&x, &a, status);
	sg_pool_free(p);
	sg_buf_free(&x.line);
	return status;
}
