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
#include "size.h"
#include "stage.h"
#include "transcode.h"
#include "verify.h"

enum { OPT_FRAMES = 256 };
enum output { OUT_BYTES, OUT_FRAMES, OUT_LIST };

static const struct option longopts[] = {
	{ "frames", no_argument, NULL, OPT_FRAMES },
	{ "help", no_argument, NULL, 'h' },
	{ "list", no_argument, NULL, 'l' },
	{ "threads", required_argument, NULL, 'T' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void
synopsis(FILE *out)
{
	fprintf(out, "usage: %s [-l | --frames] [-T N] [FILE...]\n", sg_progname());
}

static void
usage(FILE *out)
{
	synopsis(out);
	fprintf(out,
	    "Verify the sg stream in each FILE (or stdin, or '-') and write the\n"
	    "original bytes to stdout. Reads every codec (none, zstd, lz4) and the\n"
	    "NDJSON of 'sg-encode --json'.\n\n"
	    "  -l, --list       write one JSON object per frame instead (NDJSON)\n"
	    "      --frames     write the frames decoded (codec none) instead\n"
	    "  -T, --threads=N  N decoding workers; 0 (the default) is one per CPU\n"
	    "  -h, --help       show this help and exit\n"
	    "  -V, --version    show the version and exit\n\n"
	    "Exit status: 0 success, 64 usage, 65 corrupt or truncated input,\n"
	    "66 cannot open an input, 70 internal error, 71 out of memory, 74 I/O error.\n");
}

struct run {
	enum output output;
	sg_verify *v;
	sg_buf line;
	int out;
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
	if ((fd = sg_io_open_input(path, &e)) < 0)
		return sg_report(sg_display_name(path), &e);
	rc = sg_stage_input(p, fd, 0, &ops, x, &x->v, &e);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc < 0 ? sg_report(sg_display_name(path), &e) : 0;
}

int
main(int argc, char **argv)
{
	struct run x = { .output = OUT_BYTES, .line = SG_BUF_INIT, .out = STDOUT_FILENO };
	uint64_t threads = 0;
	int ch, status = 0, i, list = 0, frames = 0;
	sg_pool *p;
	sg_err e;

	sg_diag_init(argv);
	sg_err_clear(&e);
	while ((ch = getopt_long(argc, argv, "hlT:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'l':
			list = 1;
			break;
		case 'T':
			if (sg_count_parse(optarg, 0, 256, &threads, &e) < 0)
				return sg_usage_error(&e, synopsis);
			break;
		case 'V':
			sg_print_version();
			return 0;
		case OPT_FRAMES:
			frames = 1;
			break;
		default:
			return sg_usage_error(NULL, synopsis);
		}
	}
	argc -= optind;
	argv += optind;
	if (list && frames) {
		sg_err_set(&e, SG_EUSAGE, "--list and --frames exclude each other");
		return sg_usage_error(&e, synopsis);
	}
	x.output = list ? OUT_LIST : frames ? OUT_FRAMES : OUT_BYTES;
	if (x.output == OUT_FRAMES && (status = sg_refuse_tty_output()) != 0)
		return status;
	if ((p = sg_stage_pool((unsigned)threads, work, &x, &e)) == NULL)
		return sg_report(NULL, &e);
	if (argc == 0)
		status = decode(p, &x, "-");
	for (i = 0; i < argc; i++) {
		int rc = decode(p, &x, argv[i]);

		if (rc != 0 && (status == 0 || status == 66))
			status = rc;
		if (rc == 74)
			break;
	}
	sg_pool_free(p);
	sg_buf_free(&x.line);
	return status;
}
