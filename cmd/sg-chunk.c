/* sg-chunk: cut files or stdin into checksummed frames at safe boundaries. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boundary.h"
#include "chunker.h"
#include "diag.h"
#include "io.h"
#include "part.h"
#include "size.h"
#include "unescape.h"

enum {
	OPT_ARRAY = 256, OPT_AVG, OPT_HEADER, OPT_MAX, OPT_MIN, OPT_OVERLAP,
	OPT_OVERSIZE, OPT_PART, OPT_UNTIL_DONE, OPT_VALIDATE,
};

static const struct option longopts[] = {
	{ "array", no_argument, NULL, OPT_ARRAY },
	{ "avg", required_argument, NULL, OPT_AVG },
	{ "delimiter", required_argument, NULL, 'd' },
	{ "header", no_argument, NULL, OPT_HEADER },
	{ "help", no_argument, NULL, 'h' },
	{ "max", required_argument, NULL, OPT_MAX },
	{ "min", required_argument, NULL, OPT_MIN },
	{ "overlap", required_argument, NULL, OPT_OVERLAP },
	{ "oversize", required_argument, NULL, OPT_OVERSIZE },
	{ "part", required_argument, NULL, OPT_PART },
	{ "records", required_argument, NULL, 'n' },
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
	int size_given;
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
	    "                [--part K/N] [FILE...]\n", sg_progname());
}

static void
usage(FILE *out)
{
	size_t i;

	synopsis(out);
	fprintf(out,
	    "Cut each FILE (or stdin, or '-') into sg frames on stdout, only at safe\n"
	    "boundaries. Decode with sg-decode.\n\n"
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
	    "  -h, --help             show this help and exit\n"
	    "  -V, --version          show the version and exit\n\n"
	    "Exit status: 0 success, 64 usage, 65 bad input (--oversize=error, --validate),\n"
	    "66 cannot open an input, 70 internal error, 71 out of memory, 74 I/O error.\n");
}

/* What BEGIN says about the source behind fd. */
static void
describe(int fd, const char *name, sg_meta *m)
{
	struct stat st;

	sg_meta_clear(m);
	sg_meta_set_name(m, name, strlen(name));
	if (fstat(fd, &st) < 0)
		return;
	if (S_ISREG(st.st_mode)) {
		m->size = (uint64_t)st.st_size;
		m->have |= SG_META_HAS(SG_META_SIZE);
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	m->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	m->mode = st.st_mode;
	m->have |= SG_META_HAS(SG_META_MTIME) | SG_META_HAS(SG_META_MODE);
}

/* Chunk up to limit bytes readable from fd as the current source. */
static int
pump(sg_chunker *c, int fd, uint64_t limit, sg_err *e)
{
	int live = sg_io_is_live(fd);
	int rc;

	while (limit > 0 && !sg_chunker_stopped(c)) {
		unsigned char *p;
		size_t room = sg_chunker_space(c, &p);
		ssize_t n;

		if (room == 0)
			return sg_err_set(e, SG_ENOMEM, "out of memory");
		if (room > limit)
			room = (size_t)limit;
		if ((n = sg_io_read(fd, p, room, e)) < 0)
			return (int)n;
		if (n == 0)
			return 0;
		limit -= (uint64_t)n;
		if ((rc = sg_chunker_commit(c, (size_t)n, e)) < 0)
			return rc;
		/* A live record goes out as soon as nothing more is waiting. */
		if (live && (size_t)n < room && !sg_io_input_waiting(fd) &&
		    (rc = sg_chunker_drain(c, e)) < 0)
			return rc;
	}
	return 0;
}

/* --part: narrow the source to its part; *limit is the part's length. */
static int
seek_part(const struct args *a, int fd, sg_meta *m, uint64_t *start, uint64_t *limit,
	  sg_err *e)
{
	uint64_t chunk, end;
	int rc;

	if (!(m->have & SG_META_HAS(SG_META_SIZE)))
		return sg_err_set(e, SG_EUSAGE, "--part needs a regular file");
	chunk = a->o.size ? a->o.size : sg_chunk_auto_size(m->size);
	if ((rc = sg_part_range(fd, m->size, a->part_k, a->part_n, a->o.strategy,
	    &a->o.params, chunk, start, &end, e)) < 0)
		return rc;
	if (lseek(fd, (off_t)*start, SEEK_SET) < 0)
		return sg_err_set(e, SG_EIO, "cannot seek to the part");
	*limit = end - *start;
	snprintf(m->part, sizeof m->part, "%u/%u", a->part_k, a->part_n);
	m->have |= SG_META_HAS(SG_META_PART);
	return 0;
}

static int
chunk_source(sg_chunker *c, const struct args *a, int fd, const char *name, sg_err *e)
{
	uint64_t start = 0, limit = UINT64_MAX;
	sg_meta m;
	int rc;

	describe(fd, name, &m);
	if (a->part_n > 0 && (rc = seek_part(a, fd, &m, &start, &limit, e)) < 0)
		return rc;
	if ((rc = sg_chunker_begin_at(c, &m, start, e)) < 0)
		return rc;
	return pump(c, fd, limit, e);
}

/* Open the first openable input from files[*i] on, reporting the others.
 * Returns the fd, or -1 when none is left. */
static int
open_next(char **files, int nfiles, int *i, int *status)
{
	for (; *i < nfiles; (*i)++) {
		sg_err e;
		int fd;

		sg_err_clear(&e);
		if ((fd = sg_io_open_input(files[*i], &e)) >= 0)
			return fd;
		*status = sg_report(sg_display_name(files[*i]), &e);
	}
	return -1;
}

static int
run(sg_chunker *c, const struct args *a)
{
	int status = 0, i = 0;
	int fd = open_next(a->files, a->nfiles, &i, &status);

	while (fd >= 0) {
		const char *name = a->files[i];
		int next_fd, j = i + 1, rc;
		sg_err e;

		sg_err_clear(&e);
		rc = chunk_source(c, a, fd, name, &e);
		if (fd != STDIN_FILENO)
			close(fd);
		if (rc < 0)
			return e.code == SG_EUSAGE ? sg_usage_error(&e, synopsis)
			    : sg_report(sg_display_name(name), &e);
		/* END says whether this is the stream's last source, so look
		 * for the next openable input first. */
		next_fd = open_next(a->files, a->nfiles, &j, &status);
		if ((rc = sg_chunker_end(c, next_fd < 0, &e)) < 0) {
			if (next_fd > STDIN_FILENO)
				close(next_fd);
			return sg_report(sg_display_name(name), &e);
		}
		if (sg_chunker_stopped(c) && sg_chunker_dropped(c) > 0)
			sg_warnx("%s: stopped after the [DONE] event; dropped %llu bytes "
			    "that followed it", sg_display_name(name),
			    (unsigned long long)sg_chunker_dropped(c));
		fd = next_fd;
		i = j;
	}
	return status;
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
		case OPT_PART: rc = sg_part_parse(optarg, &a->part_k, &a->part_n, &e); break;
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

int
main(int argc, char **argv)
{
	struct args a = { .o = { .strategy = &sg_boundary_lines,
	    .size = SG_CHUNK_SIZE_DEFAULT } };
	sg_chunker *c;
	sg_err e;
	int out = STDOUT_FILENO, status;

	sg_diag_init(argv);
	sg_err_clear(&e);
	if ((status = parse_args(argc, argv, &a)) != 0)
		return status < 0 ? 0 : status;
	if ((status = sg_refuse_tty_output()) != 0)
		return status;
	if ((c = sg_chunker_new(&a.o, sg_io_emit_frame, &out, &e)) == NULL)
		return e.code == SG_EUSAGE ? sg_usage_error(&e, synopsis) : sg_report(NULL, &e);
	sg_io_widen_pipe(out, 1u << 20);
	status = run(c, &a);
	sg_chunker_free(c);
	return status;
}
