/* sg-decode: verify sg frames and write back the original bytes. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "io.h"
#include "list.h"
#include "reader.h"
#include "verify.h"

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "list", no_argument, NULL, 'l' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void
synopsis(FILE *out)
{
	fprintf(out, "usage: %s [-l] [FILE...]\n", sg_progname());
}

static void
usage(FILE *out)
{
	synopsis(out);
	fprintf(out,
	    "Verify the sg stream in each FILE (or stdin, or '-') and write the\n"
	    "original bytes to stdout.\n\n"
	    "  -l, --list     write one JSON object per frame instead (NDJSON)\n"
	    "  -h, --help     show this help and exit\n"
	    "  -V, --version  show the version and exit\n\n"
	    "Exit status: 0 success, 64 usage, 65 corrupt or truncated input,\n"
	    "66 cannot open an input, 70 internal error, 71 out of memory, 74 I/O error.\n");
}

/* Decode one input; everything verified before a defect has been written. */
static int
decode(const char *path, int list)
{
	const char *name = sg_display_name(path);
	sg_reader *r = NULL;
	sg_verify *v = NULL;
	sg_frame f;
	sg_meta m;
	sg_err e;
	int fd, rc;

	sg_err_clear(&e);
	if ((fd = sg_io_open_input(path, &e)) < 0)
		return sg_report(name, &e);
	if ((r = sg_reader_new(sg_reader_fd, &fd)) == NULL ||
	    (v = sg_verify_new()) == NULL) {
		rc = sg_err_set(&e, SG_ENOMEM, "out of memory");
		goto done;
	}
	while ((rc = sg_reader_next(r, &f, &e)) > 0) {
		if (f.h.type == SG_TYPE_DATA && f.h.codec != SG_CODEC_NONE) {
			rc = sg_err_at(&e, SG_EDATA, f.index, f.at,
			    "codec %s is not supported by this sg-decode",
			    sg_frame_codec_name(f.h.codec));
			break;
		}
		if ((rc = sg_verify_frame(v, &f, f.payload, &m, &e)) < 0)
			break;
		if (list) {
			sg_list_frame(stdout, &f, &m);
			if (ferror(stdout)) {
				rc = errno == EPIPE ? sg_err_set(&e, SG_EPIPE, "broken pipe")
				    : sg_err_set(&e, SG_EIO, "write error: %s", strerror(errno));
				break;
			}
		} else if (f.h.type == SG_TYPE_DATA &&
		    (rc = sg_io_write_all(STDOUT_FILENO, f.payload + f.h.context,
		    f.h.size - f.h.context, &e)) < 0)
			break;
	}
	if (rc == 0)
		rc = sg_verify_finish(v, sg_reader_count(r), sg_reader_tell(r), &e);
done:
	sg_reader_free(r);
	sg_verify_free(v);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc < 0 ? sg_report(name, &e) : 0;
}

int
main(int argc, char **argv)
{
	int ch, list = 0, status = 0, i;

	sg_diag_init(argv);
	while ((ch = getopt_long(argc, argv, "hlV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'l':
			list = 1;
			break;
		case 'V':
			sg_print_version();
			return 0;
		default:
			synopsis(stderr);
			fprintf(stderr, "Try '%s --help' for more.\n", sg_progname());
			return 64;
		}
	}
	argc -= optind;
	argv += optind;
	if (list)
		setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 0)
		return decode("-", list);
	for (i = 0; i < argc; i++) {
		int rc = decode(argv[i], list);

		if (rc != 0 && (status == 0 || status == 66))
			status = rc;
		if (rc == 74)
			break;
	}
	if (fflush(stdout) != 0 && status == 0) {
		if (errno != EPIPE)
			sg_warnx("write error: %s", strerror(errno));
		status = 74;
	}
	return status;
}
