/* sg-encode: compress each DATA payload of an sg stream on N threads, in
 * order, or write the stream as NDJSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "diag.h"
#include "io.h"
#include "list.h"
#include "size.h"
#include "stage.h"
#include "sum.h"
#include "transcode.h"
#include "verify.h"

enum { OPT_LEVEL = 256, OPT_JSON };

static const struct option longopts[] = {
	{ "codec", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "level", required_argument, NULL, OPT_LEVEL },
	{ "threads", required_argument, NULL, 'T' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Job flag: out holds only the headers of a stored chunk. */
#define JOB_STORED 1u

struct run {
	sg_encode_opts o;
	struct iovec iov[SG_TRANSCODE_IOV_MAX];
	int json;
	sg_verify *v;
	int out;
};

static void
synopsis(FILE *out)
{
	fprintf(out, "usage: %s [-c CODEC] [-LEVEL | --level=N] [-T N] [--json] [FILE...]\n",
	    sg_progname());
}

static void
usage(FILE *out)
{
	synopsis(out);
	fprintf(out,
	    "Compress each DATA frame of the sg stream in each FILE (or stdin, or '-')\n"
	    "on its own, on N threads, in order. Other frames pass through unchanged.\n"
	    "A zstd or auto stream is a valid .zst file, an lz4 stream a valid .lz4 file.\n\n"
	    "  -c, --codec=CODEC  zstd (default), lz4, none (uncompressed), or auto (zstd,\n"
	    "                     but chunks a quick probe finds incompressible are stored\n"
	    "                     as zstd raw blocks)\n"
	    "  -1 .. -19          compression level (default: 3 for zstd, 1 for lz4);\n"
	    "      --level=N      lz4 uses its fast mode below 3, LZ4HC from 3 to 12\n"
	    "  -T, --threads=N    N workers; 0 (the default) is one per CPU\n"
	    "      --json         write NDJSON, one object per frame: the keys of\n"
	    "                     'sg-decode --list' plus the payload as \"text\" (valid\n"
	    "                     UTF-8) or \"base64\"; sg-decode reads it back\n"
	    "  -h, --help         show this help and exit\n"
	    "  -V, --version      show the version and exit\n\n"
	    "Exit status: 0 success, 64 usage, 65 corrupt or truncated input,\n"
	    "66 cannot open an input, 70 internal error, 71 out of memory, 74 I/O error.\n");
}

/* The reader leaves inline DATA checksums to us, so that they are
 * computed on the workers. */
static int
check_inline_sum(const sg_frame *f, sg_err *e)
{
	if (f->h.codec == SG_CODEC_NONE && sg_sum(f->payload, f->h.size) != f->h.payload_sum)
		return sg_err_set(e, SG_EDATA, "payload checksum mismatch");
	return 0;
}

/* On a worker: the frame as NDJSON, or the DATA frame re-encoded. */
static int
work(void *w, sg_job *j, void *arg)
{
	const struct run *x = arg;
	const unsigned char *payload = NULL;
	sg_frame f;
	sg_meta m;
	int rc;

	sg_stage_job_frame(j, &f);
	if (f.h.type == SG_TYPE_DATA) {
		if ((rc = check_inline_sum(&f, &j->err)) < 0 ||
		    (rc = sg_transcode_decode(w, &f.h, f.payload, &j->aux, &payload, &j->err)) < 0)
			return rc;
	}
	if (!x->json) {
		/* A stored chunk is written from its payload, uncopied. */
		if ((rc = sg_transcode_encode_nocopy(w, &x->o, &f.h, payload, &j->out, &j->err)) < 0)
			return rc;
		j->flags = rc == 1 ? JOB_STORED : 0;
		return 0;
	}
	sg_meta_clear(&m);
	if (f.h.type != SG_TYPE_DATA &&
	    sg_meta_decode(f.payload, f.h.size, &m, &j->err) < 0)
		sg_meta_clear(&m); /* unknown types have no metadata */
	return sg_list_frame(&j->out, &f, &m, f.h.type == SG_TYPE_DATA ? payload : f.payload,
	    &j->err);
}

static int
needs_work(void *ctx, const sg_frame *f)
{
	const struct run *x = ctx;

	if (x->json)
		return 1;
	return f->h.type == SG_TYPE_DATA &&
	    (f->h.codec != SG_CODEC_NONE || x->o.codec != SG_CODEC_NONE);
}

/* In order: verify, then write. Nothing unverified is written. */
static int
emit(void *ctx, const sg_frame *f, sg_job *j, sg_err *e)
{
	struct run *x = ctx;
	const unsigned char *payload = f->payload;
	int rc;

	if (j != NULL && f->h.type == SG_TYPE_DATA && f->h.codec != SG_CODEC_NONE)
		payload = j->aux.p;
	if (f->h.type == SG_TYPE_DATA && !needs_work(x, f) &&
	    (rc = check_inline_sum(f, e)) < 0) {
		e->frame = f->index;
		e->offset = f->at;
		return rc;
	}
	if ((rc = sg_verify_frame(x->v, f, payload, NULL, e)) < 0)
		return rc;
	if (j != NULL && (j->flags & JOB_STORED)) {
		int cnt = sg_transcode_stored_iov(&j->out, payload, f->h.size, x->iov);

		return sg_io_writev_all(x->out, x->iov, cnt, e);
	}
	if (j != NULL && needs_work(x, f))
		return sg_io_write_all(x->out, j->out.p, j->out.len, e);
	return sg_io_write_all(x->out, f->raw, (size_t)sg_frame_wire_len(&f->h), e);
}

/* Encode one input; everything verified before a defect has been written.
 * Every DATA checksum is checked (on the workers), and END passes on to
 * sg-decode, which checks the whole-source checksum. */
static int
encode(sg_pool *p, struct run *x, const char *path)
{
	static const sg_stage_ops ops = { needs_work, emit };
	sg_err e;
	int fd, rc;

	sg_err_clear(&e);
	if ((fd = sg_io_open_input(path, &e)) < 0)
		return sg_report(sg_display_name(path), &e);
	rc = sg_stage_input(p, fd, SG_STAGE_SUMS_ELSEWHERE | SG_STAGE_EMPTY_OK, &ops, x, &x->v, &e);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc < 0 ? sg_report(sg_display_name(path), &e) : 0;
}

/* zstd-style -1 .. -19: take them out of argv before getopt sees them. */
static int
take_levels(int *argc, char **argv, int *level, sg_err *e)
{
	int i, j = 1;

	for (i = 1; i < *argc; i++) {
		const char *a = argv[i];

		/* An option's separate argument is not a level: -T -1. */
		if ((strcmp(a, "-T") == 0 || strcmp(a, "-c") == 0 || strcmp(a, "--threads") == 0 ||
		    strcmp(a, "--codec") == 0 || strcmp(a, "--level") == 0) && i + 1 < *argc) {
			argv[j++] = argv[i++];
			argv[j++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			while (i < *argc)
				argv[j++] = argv[i++];
			break;
		}
		if (a[0] == '-' && a[1] >= '0' && a[1] <= '9') {
			uint64_t v;

			if (sg_count_parse(a + 1, 1, SG_CODEC_LEVEL_MAX, &v, e) < 0)
				return sg_err_set(e, SG_EUSAGE, "level %s: use -1 to -%d", a,
				    SG_CODEC_LEVEL_MAX);
			*level = (int)v;
			continue;
		}
		argv[j++] = argv[i];
	}
	*argc = j;
	argv[j] = NULL;
	return 0;
}

int
main(int argc, char **argv)
{
	struct run x = { .o = { SG_CODEC_ZSTD, 0, 0 }, .out = STDOUT_FILENO };
	uint64_t threads = 0, v;
	int ch, status = 0, i, codec_set = 0;
	sg_pool *p;
	sg_err e;

	sg_diag_init(argv);
	sg_err_clear(&e);
	if (take_levels(&argc, argv, &x.o.level, &e) < 0)
		return sg_usage_error(&e, synopsis);
	while ((ch = getopt_long(argc, argv, "c:hT:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			codec_set = 1;
			x.o.adaptive = strcmp(optarg, "auto") == 0;
			if (!x.o.adaptive && sg_codec_parse(optarg, &x.o.codec, &e) < 0) {
				sg_err_set(&e, SG_EUSAGE, "unknown codec '%s' (zstd, lz4, none, auto)",
				    optarg);
				return sg_usage_error(&e, synopsis);
			}
			if (x.o.adaptive)
				x.o.codec = SG_CODEC_ZSTD;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'T':
			if (sg_count_parse(optarg, 0, 256, &threads, &e) < 0)
				return sg_usage_error(&e, synopsis);
			break;
		case 'V':
			sg_print_version();
			return 0;
		case OPT_JSON:
			x.json = 1;
			break;
		case OPT_LEVEL:
			if (sg_count_parse(optarg, 1, SG_CODEC_LEVEL_MAX, &v, &e) < 0)
				return sg_usage_error(&e, synopsis);
			x.o.level = (int)v;
			break;
		default:
			return sg_usage_error(NULL, synopsis);
		}
	}
	argc -= optind;
	argv += optind;
	if (x.json && (codec_set || x.o.level != 0)) {
		sg_err_set(&e, SG_EUSAGE, "--json writes payloads decoded: drop %s",
		    codec_set ? "--codec" : "the level");
		return sg_usage_error(&e, synopsis);
	}
	if (!x.json && (status = sg_refuse_tty_output()) != 0)
		return status;
	if (x.o.level == 0)
		x.o.level = x.o.codec == SG_CODEC_LZ4 ? 1 : SG_CODEC_LEVEL_DEFAULT;
	if ((p = sg_stage_pool((unsigned)threads, work, &x, &e)) == NULL)
		return sg_report(NULL, &e);
	/* A slot holds the frame read and its encoding. */
	sg_pool_commit(p, SG_POOL_IN | SG_POOL_OUT, SG_STAGE_SLOT_COMMIT);
	sg_io_widen_pipe(x.out, 1u << 20);
	if (argc == 0)
		status = encode(p, &x, "-");
	for (i = 0; i < argc; i++) {
		int rc = encode(p, &x, argv[i]);

		if (rc != 0 && (status == 0 || status == 66))
			status = rc;
		/* An input that cannot be opened adds nothing to the output;
		 * one that fails half-way has ended the output stream. */
		if (rc != 0 && rc != 66)
			break;
	}
	sg_pool_free(p);
	return status;
}
