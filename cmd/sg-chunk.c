/* sg-chunk: cut files or stdin into checksummed frames at safe boundaries. */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "boundary.h"
#include "checkpoint.h"
#include "chunker.h"
#include "diag.h"
#include "input.h"
#include "io.h"
#include "part.h"
#include "replay.h"
#include "size.h"
#include "sum.h"
#include "unescape.h"

enum {
	OPT_ARRAY = 256, OPT_AVG, OPT_HEADER, OPT_MAX, OPT_MIN, OPT_NO_DECOMPRESS,
	OPT_OVERLAP, OPT_OVERSIZE, OPT_PART, OPT_RAW, OPT_RESUME, OPT_UNTIL_DONE,
	OPT_VALIDATE,
};

static const struct option longopts[] = {
	{ "array", no_argument, NULL, OPT_ARRAY },
	{ "avg", required_argument, NULL, OPT_AVG },
	{ "delimiter", required_argument, NULL, 'd' },
	{ "header", no_argument, NULL, OPT_HEADER },
	{ "help", no_argument, NULL, 'h' },
	{ "max", required_argument, NULL, OPT_MAX },
	{ "min", required_argument, NULL, OPT_MIN },
	{ "no-archive", no_argument, NULL, OPT_RAW },
	{ "no-decompress", no_argument, NULL, OPT_NO_DECOMPRESS },
	{ "overlap", required_argument, NULL, OPT_OVERLAP },
	{ "oversize", required_argument, NULL, OPT_OVERSIZE },
	{ "part", required_argument, NULL, OPT_PART },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "records", required_argument, NULL, 'n' },
	{ "resume", required_argument, NULL, OPT_RESUME },
	{ "size", required_argument, NULL, 'b' },
	{ "strategy", required_argument, NULL, 's' },
	{ "until-done", no_argument, NULL, OPT_UNTIL_DONE },
	{ "validate", no_argument, NULL, OPT_VALIDATE },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Everything the command line says. */
struct args {
	sg_chunk_opts o;
	unsigned char delim[256];
	uint32_t part_k, part_n;   /* --part K/N, or 0 */
	unsigned input_flags;      /* SG_INPUT_*: --raw, --no-decompress */
	int size_given;
	const char *resume;        /* --resume CHECKPOINT, or NULL */
	char job[SG_META_JOB_MAX + 1]; /* with --resume: the options, for BEGIN */
	char **files;
	int nfiles;
};

static void
synopsis(FILE *out)
{
	fprintf(out,
	    "usage: %s [-s STRATEGY] [-b SIZE] [-n RECORDS] [--oversize=split|keep|error]\n"
	    "                [-d SEP] [--array] [--validate] [--header] [--until-done]\n"
	    "                [--overlap N] [--min SIZE] [--avg SIZE] [--max SIZE]\n"
	    "                [--part K/N] [--raw] [--no-decompress] [--resume CHECKPOINT]\n"
	    "                [FILE...]\n", sg_progname());
}

static void
usage(FILE *out)
{
	size_t i;

	synopsis(out);
	fprintf(out,
	    "Cut each FILE (or stdin, or '-') into sg frames on stdout, only at safe\n"
	    "boundaries. Compressed input is decompressed, and each regular file in an\n"
	    "archive (tar, zip, cpio, 7z, ISO 9660, ar, ...) is a source of its own.\n"
	    "Decode with sg-decode.\n\n"
	    "  -s, --strategy=NAME    where to cut (default lines; delim with -d):\n");
	for (i = 0; sg_boundary_all[i] != NULL; i++)
		fprintf(out, "                           %-9s %s\n",
		    sg_boundary_all[i]->name, sg_boundary_all[i]->summary);
	fprintf(out,
	    "  -b, --size=SIZE        largest chunk, with a K, M, G or T suffix, or 'auto'\n"
	    "                         (64K..4M by input size); default 1M, at most 64M\n"
	    "  -n, --records=N        at most N records per chunk (-n 1: one per frame)\n"
	    "      --oversize=POLICY  a record larger than SIZE is split at a character\n"
	    "                         boundary and flagged (split, the default), kept whole\n"
	    "                         up to 64 MiB (keep), or an error (error)\n"
	    "  -d, --delimiter=SEP    delim: cut after SEP; escapes \\0 \\t \\n \\r \\\\ \\xHH \\NNN\n"
	    "      --array            json: cut between the elements of top-level arrays\n"
	    "      --validate         json: stop at the first record that is not RFC 8259\n"
	    "      --header           csv: repeat the first record at the start of each chunk\n"
	    "      --until-done       sse: stop after the 'data: [DONE]' event\n"
	    "      --overlap=N        paragraph: repeat up to N bytes of the previous chunk\n"
	    "      --min, --avg, --max=SIZE  cdc: chunk sizes (default 256K, 1M, 4M)\n"
	    "      --part=K/N         only the K-th of N boundary-aligned parts of FILE\n"
	    "                         (bytes, utf8, lines, delim, json on NDJSON)\n"
	    "      --raw, --no-archive  read an archive as one source of bytes (still\n"
	    "                         decompressed)\n"
	    "      --no-decompress    read every input as the bytes it holds\n"
	    "      --resume=CHECKPOINT  continue the job that sg-resume records in\n"
	    "                         CHECKPOINT: skip what its output holds, after\n"
	    "                         checking that the input and options are the same\n"
	    "  -h, --help             show this help and exit\n"
	    "  -V, --version          show the version and exit\n\n"
	    "Exit status: 0 success, 64 usage, 65 bad input (--oversize=error, --validate),\n"
	    "66 cannot open an input, 70 internal error, 71 out of memory, 74 I/O error,\n"
	    "75 resume refused (the input or the options changed).\n");
}

/* Where sg-chunk is in its inputs: the open input and the files left. */
struct inputs {
	const struct args *a;
	sg_chunker *c;
	sg_io_out *out;      /* where frames go */
	sg_replay *replay;   /* with --resume: what the output holds, else NULL */
	sg_input *in;        /* the input being read, or NULL */
	int live;            /* it is a pipe, socket or terminal */
	const char *path;    /* its path */
	int next;            /* files[next] is the next to open */
	int status;          /* exit status of the inputs that failed to open */
	uint64_t sources;    /* sources begun */
	struct timespec last_progress;
};

static double
elapsed_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (now.tv_nsec - t->tv_nsec) / 1e9;
}

/* A PROGRESS frame for compressed and archived input: now (force), or
 * when a second has passed since the last. */
static int
progress(struct inputs *it, int force, sg_err *e)
{
	uint64_t consumed, total;

	/* Before the first BEGIN a PROGRESS frame would belong to no source. */
	if (it->sources == 0 || !sg_input_progress(it->in, &consumed, &total) ||
	    (!force && elapsed_since(&it->last_progress) < 1.0))
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &it->last_progress);
	return sg_chunker_progress(it->c, consumed, total, e);
}

/* Done with the current input: its last PROGRESS (all consumed) and what
 * it skipped. */
static int
close_input(struct inputs *it, sg_err *e)
{
	uint64_t dirs, others;
	int rc = progress(it, 1, e);

	sg_input_skipped(it->in, &dirs, &others);
	if (dirs + others > 0)
		sg_warnx("%s: skipped what is not a regular file: %llu director%s, "
		    "%llu other entr%s (links, devices, fifos)", sg_display_name(it->path),
		    (unsigned long long)dirs, dirs == 1 ? "y" : "ies",
		    (unsigned long long)others, others == 1 ? "y" : "ies");
	sg_input_close(it->in);
	it->in = NULL;
	return rc;
}

/* Move to the next source of all the inputs, describing it in m. Returns
 * 1, 0 when there is none, or a negative SG_E* code for the input at
 * it->path. An input that cannot be opened is reported and passed over. */
static int
next_source(struct inputs *it, sg_meta *m, sg_err *e)
{
	for (;;) {
		int rc;

		/* What is next may block: what is cut so far goes out first. */
		if ((it->in == NULL || it->live) && (rc = sg_io_out_flush(it->out, e)) < 0)
			return rc;
		if (it->in == NULL) {
			if (it->next >= it->a->nfiles)
				return 0;
			it->path = it->a->files[it->next++];
			sg_err_clear(e);
			if ((it->in = sg_input_open(it->path, it->a->input_flags, e)) == NULL) {
				if (e->code != SG_EOPEN)
					return e->code;
				it->status = sg_report(sg_display_name(it->path), e);
				continue;
			}
			it->last_progress = (struct timespec){ 0, 0 };
			it->live = sg_io_is_live(sg_input_fd(it->in));
		}
		if ((rc = sg_input_next(it->in, m, e)) != 0)
			return rc;
		if ((rc = close_input(it, e)) < 0)
			return rc;
	}
}

/* Chunk what is left of the current source, up to limit bytes. */
static int
pump(struct inputs *it, uint64_t limit, sg_err *e)
{
	sg_chunker *c = it->c;
	int fd = sg_input_fd(it->in);
	int live = it->live;
	int rc;

	while (limit > 0 && !sg_chunker_stopped(c)) {
		unsigned char *p;
		size_t room = sg_chunker_space(c, &p);
		ssize_t n;

		/* A live input may block: nothing cut may wait for it. */
		if (live && (rc = sg_io_out_flush(it->out, e)) < 0)
			return rc;
		if (room == 0)
			return sg_err_set(e, SG_ENOMEM, "out of memory");
		if (room > limit)
			room = (size_t)limit;
		if ((n = sg_input_read(it->in, p, room, e)) < 0)
			return (int)n;
		if (n == 0)
			return 0;
		limit -= (uint64_t)n;
		if ((rc = sg_chunker_commit(c, (size_t)n, e)) < 0)
			return rc;
		/* A live record goes out as soon as nothing more is waiting
		 * (but not when resuming: cuts must not depend on timing). */
		if (live && it->replay == NULL && (size_t)n < room && !sg_io_input_waiting(fd) &&
		    (rc = sg_chunker_drain(c, e)) < 0)
			return rc;
		if ((rc = progress(it, 0, e)) < 0)
			return rc;
	}
	return 0;
}

/* --part: narrow the source to its part; *limit is the part's length. */
static int
seek_part(const struct args *a, sg_input *in, sg_meta *m, uint64_t *start,
	  uint64_t *limit, sg_err *e)
{
	uint64_t chunk, end;
	int rc;

	if ((rc = sg_input_seek(in, 0, e)) < 0)
		return rc;
	chunk = a->o.size ? a->o.size : sg_chunk_auto_size(m->size);
	if ((rc = sg_part_range(sg_input_fd(in), m->size, a->part_k, a->part_n,
	    a->o.strategy, &a->o.params, chunk, start, &end, e)) < 0)
		return rc;
	if ((rc = sg_input_seek(in, *start, e)) < 0)
		return rc;
	*limit = end - *start;
	snprintf(m->part, sizeof m->part, "%u/%u", a->part_k, a->part_n);
	m->have |= SG_META_HAS(SG_META_PART);
	return 0;
}

static int
chunk_source(struct inputs *it, sg_meta *m, sg_err *e)
{
	uint64_t start = 0, limit = UINT64_MAX;
	int rc;

	if (it->a->part_n > 0 && (rc = seek_part(it->a, it->in, m, &start, &limit, e)) < 0)
		return rc;
	if (it->a->resume != NULL)
		sg_meta_set_job(m, it->a->job, strlen(it->a->job));
	if ((rc = sg_chunker_begin_at(it->c, m, start, e)) < 0)
		return rc;
	/* A source the output holds whole: its BEGIN only, to be checked. */
	if (it->replay != NULL && sg_replay_skips(it->replay, it->sources)) {
		sg_chunker_abandon(it->c);
		it->sources++;
		return 1;
	}
	it->sources++;
	return pump(it, limit, e);
}

static int
fail(const struct inputs *it, const sg_err *e)
{
	return e->code == SG_EUSAGE ? sg_usage_error(e, synopsis)
	    : sg_report(sg_display_name(it->path), e);
}

static int
run(sg_chunker *c, sg_io_out *out, sg_replay *replay, const struct args *a)
{
	struct inputs it = { .a = a, .c = c, .out = out, .replay = replay };
	sg_meta m;
	sg_err e, end_e;
	int rc;

	sg_err_clear(&e);
	if ((rc = next_source(&it, &m, &e)) < 0)
		return fail(&it, &e);
	while (rc == 1) {
		const char *path = it.path;
		int more;

		if ((rc = chunk_source(&it, &m, &e)) < 0)
			break;
		if (rc == 1) {          /* skipped whole (--resume) */
			rc = next_source(&it, &m, &e);
			continue;
		}
		/* END says whether this is the stream's last source, so look
		 * for the next one first. A bad next archive entry still lets
		 * this source end whole, though not as the last. */
		more = next_source(&it, &m, &e);
		sg_err_clear(&end_e);
		if ((rc = sg_chunker_end(c, more == 0, &end_e)) < 0) {
			e = end_e;
			it.path = path;
			break;
		}
		if (sg_chunker_stopped(c) && sg_chunker_dropped(c) > 0)
			sg_warnx("%s: stopped after the [DONE] event; dropped %llu bytes "
			    "that followed it", sg_display_name(path),
			    (unsigned long long)sg_chunker_dropped(c));
		rc = more;
	}
	/* Every frame cut goes out, also before an error is reported. */
	sg_err_clear(&end_e);
	if (sg_io_out_flush(out, &end_e) < 0 && rc >= 0) {
		e = end_e;
		rc = e.code;
	}
	if (rc >= 0 && replay != NULL && (rc = sg_replay_finish(replay, &e)) < 0)
		it.path = a->resume;
	if (rc < 0) {
		rc = fail(&it, &e);
		sg_input_close(it.in);
		return rc;
	}
	/* A stream holds at least one source; archives with no regular file
	 * give none. */
	if (it.sources == 0 && it.status == 0) {
		sg_err_set(&e, SG_EDATA, "no regular file in the input: nothing to write");
		return fail(&it, &e);
	}
	return it.status;
}

/* Fill a from argv. Returns 0, or an exit status after a usage error (or
 * -1 after --help or --version, which exit 0). */
static int
parse_args(int argc, char **argv, struct args *a)
{
	static char *stdin_only[] = { "-" };
	sg_boundary_params *p = &a->o.params;
	int ch, strategy_given = 0;
	sg_err e;

	sg_err_clear(&e);
	while ((ch = getopt_long(argc, argv, "b:d:hn:s:V", longopts, NULL)) != -1) {
		int rc = 0;

		switch (ch) {
		case 'b':
			a->size_given = 1;
			if (strcmp(optarg, "auto") == 0)
				a->o.size = 0;
			else
				rc = sg_size_parse(optarg, 1, SG_CHUNK_SIZE_MAX, &a->o.size, &e);
			break;
		case 'd':
			if ((rc = sg_unescape(optarg, a->delim, sizeof a->delim - 1,
			    &p->delim_len, &e)) == 0) {
				p->delim = a->delim;
				if (!strategy_given)
					a->o.strategy = &sg_boundary_delim;
			}
			break;
		case 'h':
			usage(stdout);
			return -1;
		case 'n':
			rc = sg_count_parse(optarg, 1, UINT32_MAX, &a->o.records, &e);
			break;
		case 's':
			strategy_given = 1;
			if ((a->o.strategy = sg_boundary_lookup(optarg)) == NULL)
				rc = sg_err_set(&e, SG_EUSAGE, "unknown strategy '%s'", optarg);
			break;
		case 'V':
			sg_print_version();
			return -1;
		case OPT_ARRAY: p->json_array = 1; break;
		case OPT_AVG: rc = sg_size_parse(optarg, 64, SG_CHUNK_SIZE_MAX, &p->cdc_avg, &e); break;
		case OPT_HEADER: a->o.header = 1; break;
		case OPT_MAX: rc = sg_size_parse(optarg, 64, SG_CHUNK_SIZE_MAX, &p->cdc_max, &e); break;
		case OPT_MIN: rc = sg_size_parse(optarg, 64, SG_CHUNK_SIZE_MAX, &p->cdc_min, &e); break;
		case OPT_OVERLAP:
			rc = sg_size_parse(optarg, 0, SG_CHUNK_SIZE_MAX / 2, &a->o.overlap, &e);
			break;
		case OPT_OVERSIZE:
			if ((a->o.oversize = sg_oversize_parse(optarg)) < 0)
				rc = sg_err_set(&e, SG_EUSAGE,
				    "--oversize takes split, keep or error, not '%s'", optarg);
			break;
		case OPT_NO_DECOMPRESS:
			a->input_flags |= SG_INPUT_NO_DECOMPRESS | SG_INPUT_NO_ARCHIVE;
			break;
		case OPT_PART: rc = sg_part_parse(optarg, &a->part_k, &a->part_n, &e); break;
		case OPT_RAW: a->input_flags |= SG_INPUT_NO_ARCHIVE; break;
		case OPT_RESUME: a->resume = optarg; break;
		case OPT_UNTIL_DONE: p->until_done = 1; break;
		case OPT_VALIDATE: p->json_validate = 1; break;
		default:
			return sg_usage_error(NULL, synopsis);
		}
		if (rc < 0)
			return sg_usage_error(&e, synopsis);
	}
	a->files = argc > optind ? argv + optind : stdin_only;
	a->nfiles = argc > optind ? argc - optind : 1;
	if (a->o.strategy == &sg_boundary_cdc) {
		if (a->size_given)
			sg_err_set(&e, SG_EUSAGE, "cdc chunks end by --max, not --size");
	}
	if (a->part_n > 0 && a->nfiles != 1)
		sg_err_set(&e, SG_EUSAGE, "--part takes exactly one FILE");
	return e.code != 0 ? sg_usage_error(&e, synopsis) : 0;
}

/* The options that decide the output, as BEGIN's job field: resume
 * compares them word by word (replay.h). */
static void
make_job(struct args *a)
{
	const sg_chunk_opts *o = &a->o;
	const sg_boundary_params *p = &o->params;
	char size[24], delim[2 * sizeof a->delim + 1] = "-";
	uint64_t names = 0;
	size_t i;
	int k;

	if (o->size == 0)
		snprintf(size, sizeof size, "auto");
	else
		snprintf(size, sizeof size, "%llu", (unsigned long long)o->size);
	for (i = 0; p->delim != NULL && i < p->delim_len; i++)
		snprintf(delim + 2 * i, 3, "%02x", p->delim[i]);
	/* The FILE operands, in order, each with its NUL. */
	for (k = 0; k < a->nfiles; k++)
		names = sg_sum_seeded(a->files[k], strlen(a->files[k]) + 1, names);
	snprintf(a->job, sizeof a->job,
	    "strategy=%s size=%s records=%llu oversize=%s delimiter=%s array=%d "
	    "validate=%d header=%d overlap=%llu until-done=%d min=%llu avg=%llu "
	    "max=%llu part=%u/%u raw=%d no-decompress=%d files=%d:%016llx",
	    o->strategy->name, size, (unsigned long long)o->records,
	    sg_oversize_name(o->oversize), delim, p->json_array, p->json_validate,
	    o->header, (unsigned long long)o->overlap, p->until_done,
	    (unsigned long long)p->cdc_min, (unsigned long long)p->cdc_avg,
	    (unsigned long long)p->cdc_max, a->part_k, a->part_n,
	    (a->input_flags & SG_INPUT_NO_ARCHIVE) != 0,
	    (a->input_flags & SG_INPUT_NO_DECOMPRESS) != 0, a->nfiles,
	    (unsigned long long)names);
}

/* --resume: the checkpoint, checked against the options now. Returns 0,
 * 1 when the job is done (nothing to do), or an exit status. */
static int
load_resume(struct args *a, sg_ckpt *ck)
{
	sg_err e;
	int rc;

	sg_err_clear(&e);
	make_job(a);
	if ((rc = sg_ckpt_load(a->resume, ck, &e)) < 0 ||
	    (rc = sg_replay_check_job(ck, a->job, &e)) < 0)
		return sg_report(a->resume, &e);
	return ck->state == SG_CKPT_DONE;
}

int
main(int argc, char **argv)
{
	struct args a = { .o = { .strategy = &sg_boundary_lines,
	    .size = SG_CHUNK_SIZE_DEFAULT } };
	sg_io_out *out;
	sg_chunker *c;
	sg_ckpt *ck = NULL;
	sg_replay *replay = NULL;
	sg_emit_fn emit = sg_io_emit_buffered;
	void *emit_ctx;
	sg_err e;
	int status;

	sg_diag_init(argv);
	/* Archive entry names are bytes; in a UTF-8 locale libarchive hands
	 * UTF-8 names over unchanged, whatever the user's locale. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		(void)setlocale(LC_CTYPE, "");
	sg_err_clear(&e);
	if ((status = parse_args(argc, argv, &a)) != 0)
		return status < 0 ? 0 : status;
	if ((status = sg_refuse_tty_output()) != 0)
		return status;
	if ((out = malloc(sizeof *out)) == NULL ||
	    (a.resume != NULL && ((ck = malloc(sizeof *ck)) == NULL ||
	    (replay = malloc(sizeof *replay)) == NULL))) {
		sg_err_set(&e, SG_ENOMEM, "out of memory");
		status = sg_report(NULL, &e);
		goto out;
	}
	out->fd = STDOUT_FILENO;
	out->len = 0;
	emit_ctx = out;
	if (a.resume != NULL) {
		/* A job already done writes nothing and succeeds. */
		if ((status = load_resume(&a, ck)) != 0) {
			status = status == 1 ? 0 : status;
			goto out;
		}
		sg_replay_init(replay, ck, sg_io_emit_buffered, out);
		emit = sg_replay_emit;
		emit_ctx = replay;
	}
	if ((c = sg_chunker_new(&a.o, emit, emit_ctx, &e)) == NULL) {
		status = e.code == SG_EUSAGE ? sg_usage_error(&e, synopsis) : sg_report(NULL, &e);
		goto out;
	}
	sg_io_widen_pipe(out->fd, 1u << 20);
	status = run(c, out, replay, &a);
	sg_chunker_free(c);
out:
	free(replay);
	free(ck);
	free(out);
	return status;
}
