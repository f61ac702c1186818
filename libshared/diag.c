#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *progname = "sg";

void
sg_diag_init(char *argv[])
{
	char *slash;

	if (argv[0] == NULL || *argv[0] == '\0')
		return;
	slash = strrchr(argv[0], '/');
	if (slash != NULL)
		argv[0] = slash + 1;
	progname = argv[0];
}

const char *
sg_display_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "(stdin)" : path;
}

const char *
sg_progname(void)
{
	return progname;
}

void
sg_warnx(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
sg_report(const char *what, const sg_err *e)
{
	if (e->code == SG_EPIPE)
		return sg_exit_status(e->code);
	fprintf(stderr, "%s: ", progname);
	if (what != NULL)
		fprintf(stderr, "%s: ", what);
	if (e->frame != SG_NOPOS)
		fprintf(stderr, "frame %llu at offset %llu: ",
		    (unsigned long long)e->frame, (unsigned long long)e->offset);
	else if (e->offset != SG_NOPOS)
		fprintf(stderr, "offset %llu: ", (unsigned long long)e->offset);
	fprintf(stderr, "%s\n", e->msg);
	return sg_exit_status(e->code);
}

int
sg_usage_error(const sg_err *e, void (*synopsis)(FILE *out))
{
	if (e != NULL)
		sg_report(NULL, e);
	synopsis(stderr);
	fprintf(stderr, "Try '%s --help' for more.\n", sg_progname());
	return sg_exit_status(SG_EUSAGE);
}

void
sg_print_version(void)
{
	printf("%s (sg) %s\n", progname, SG_VERSION);
}

int
sg_refuse_tty_output(void)
{
	if (!isatty(STDOUT_FILENO))
		return 0;
	sg_warnx("refusing to write binary frames to a terminal; "
	    "redirect stdout or pipe it into sg-decode");
	return sg_exit_status(SG_EUSAGE);
}
