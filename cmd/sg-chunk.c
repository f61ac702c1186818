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
#include "size.h"

enum { OPT_OVERSIZE = 256 };

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "oversize", required_argument, NULL, OPT_OVERSIZE },
	{ "records", required_argument, NULL, 'n' },
	{ "size", required_argument, NULL, 'b' },
	{ "strategy", required_argument, NULL, 's' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void
synopsis(FILE *out)
{
	fprintf(out,
	    "usage: %s [-s STRATEGY] [-b SIZE] [-n RECORDS] [--oversize=split|keep|error]\n"
	    "                [FILE...]\n", sg_progname());
}

static void
usage(FILE *out)
{
	size_t i;

	synopsis(out);
	fprintf(out,
	    "Cut each FILE (or stdin, or '-') into sg frames on stdout, only at safe\n"
	    "boundaries. Decode with sg-decode.\n\n"
	    "  -s, --strategy=NAME    where to cut (default lines):\n");
	for (i = 0; sg_boundary_all[i] != NULL; i++)
		fprintf(out, "                           %-6s %s\n",
		    sg_boundary_all[i]->name, sg_boundary_all[i]->summary);
	fprintf(out,
	    "  -b, --size=SIZE        largest chunk, with a K, M or G suffix, or 'auto'\n"
	    "                         (64K..4M by input size); default 1M, at most 64M\n"
	    "  -n, --records=N        at most N records (lines) per chunk\n"
	    "      --oversize=POLICY  a record larger than SIZE is split at a character\n"
	    "                         boundary and flagged (split, the default), kept whole\n"
	    "                         up to 64 MiB (keep), or an error (error)\n"
	    "  -h, --help             show this help and exit\n"
	    "  -V, --version          show the version and exit\n\n"
	    "Exit status: 0 success, 64 usage, 65 bad input (--oversize=error),\n"
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

/* Chunk everything readable from fd as the current source. */
static int
pump(sg_chunker *c, int fd, sg_err *e)
{
	int live = sg_io_is_live(fd);
	int rc;

	for (;;) {
		unsigned char *p;
		size_t room = sg_chunker_space(c, &p);
		ssize_t n;

		if (room == 0)
			return sg_err_set(e, SG_ENOMEM, "out of memory");
		if ((n = sg_io_read(fd, p, room, e)) < 0)
			return (int)n;
		if (n == 0)
			return 0;
		if ((rc = sg_chunker_commit(c, (size_t)n, e)) < 0)
			return rc;
		/* A live record goes out as soon as nothing more is waiting. */
		if (live && (size_t)n < room && !sg_io_input_waiting(fd) &&
		    (rc = sg_chunker_drain(c, e)) < 0)
			return rc;
	}
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
run(sg_chunker *c, char **files, int nfiles)
{
	int status = 0, i = 0;
	int fd = open_next(files, nfiles, &i, &status);

	while (fd >= 0) {
		const char *name = files[i];
		int next_fd, j = i + 1, rc;
		sg_meta m;
		sg_err e;

		sg_err_clear(&e);
		describe(fd, name, &m);
		rc = sg_chunker_begin(c, &m, &e);
		if (rc == 0)
			rc = pump(c, fd, &e);
		if (fd != STDIN_FILENO)
			close(fd);
		if (rc < 0)
			return sg_report(sg_display_name(name), &e);
		/* END says whether this is the stream's last source, so look
		 * for the next openable input first. */
		next_fd = open_next(files, nfiles, &j, &status);
		if ((rc = sg_chunker_end(c, next_fd < 0, &e)) < 0) {
			if (next_fd > STDIN_FILENO)
				close(next_fd);
			return sg_report(sg_display_name(name), &e);
		}
		fd = next_fd;
		i = j;
	}
	return status;
}

int
main(int argc, char **argv)
{
	static char *stdin_only[] = { "-" };
	sg_chunk_opts o = { .strategy = &sg_boundary_lines, .size = SG_CHUNK_SIZE_DEFAULT };
	sg_chunker *c;
	sg_err e;
	int ch, out = STDOUT_FILENO, status;

	sg_diag_init(argv);
	sg_err_clear(&e);
	while ((ch = getopt_long(argc, argv, "b:hn:s:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			if (strcmp(optarg, "auto") == 0)
				o.size = 0;
			else if (sg_size_parse(optarg, 1, SG_CHUNK_SIZE_MAX, &o.size, &e) < 0)
				return sg_usage_error(&e, synopsis);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'n':
			if (sg_count_parse(optarg, 1, UINT32_MAX, &o.records, &e) < 0)
				return sg_usage_error(&e, synopsis);
			break;
		case 's':
			if ((o.strategy = sg_boundary_lookup(optarg)) == NULL) {
				sg_err_set(&e, SG_EUSAGE, "unknown strategy '%s'", optarg);
				return sg_usage_error(&e, synopsis);
			}
			break;
		case 'V':
			sg_print_version();
			return 0;
		case OPT_OVERSIZE:
			if ((o.oversize = sg_oversize_parse(optarg)) < 0) {
				sg_err_set(&e, SG_EUSAGE,
				    "--oversize takes split, keep or error, not '%s'", optarg);
				return sg_usage_error(&e, synopsis);
			}
			break;
		default:
			return sg_usage_error(NULL, synopsis);
		}
	}
	argc -= optind;
	argv += optind;
	if ((status = sg_refuse_tty_output()) != 0)
		return status;
	if ((c = sg_chunker_new(&o, sg_io_emit_frame, &out, &e)) == NULL)
		return e.code == SG_EUSAGE ? sg_usage_error(&e, synopsis) : sg_report(NULL, &e);
	sg_io_widen_pipe(out, 1u << 20);
	status = argc > 0 ? run(c, argv, argc) : run(c, stdin_only, 1);
	sg_chunker_free(c);
	return status;
}
