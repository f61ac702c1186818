/* sg-resume: the durable end of a pipeline. Writes frames (or the
 * original bytes) to OUTPUT, fsyncs, and records a checkpoint, so that the
 * same command line run again continues exactly where OUTPUT ends. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint.h"
#include "diag.h"
#include "json.h"
#include "reader.h"
#include "resume.h"
#include "size.h"

enum { OPT_EVERY = 256, OPT_JSON, OPT_RAW };

static const struct option longopts[] = {
	{ "every", required_argument, NULL, OPT_EVERY },
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "output", required_argument, NULL, 'o' },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

#define EVERY_SECONDS_DEFAULT 1.0
#define EVERY_BYTES_DEFAULT (64u << 20)

struct args {
	sg_resume_opts o;
	int status;          /* the status subcommand */
	int json;            /* status --json */
};

static void
synopsis(FILE *out)
{
	fprintf(out,
	    "usage: %s CHECKPOINT -o OUTPUT [--raw] [--every SECONDS|SIZE]\n"
	    "       %s status [--json] CHECKPOINT\n", sg_progname(), sg_progname());
}

static void
usage(FILE *out)
{
	synopsis(out);
	fprintf(out,
	    "Write the sg stream on stdin to OUTPUT durably: fsync OUTPUT, then record\n"
	    "in CHECKPOINT how much of it is on disk and where in the input it ends.\n"
	    "Run the same pipeline again after any interruption (with sg-chunk\n"
	    "--resume CHECKPOINT) and it continues where OUTPUT ends; the result is\n"
	    "the same, byte for byte, as a run that was never interrupted.\n\n"
	    "  -o, --output=OUTPUT  the file to write (a regular file)\n"
	    "      --raw            write the original bytes, not the frames\n"
	    "      --every=N        sync every N seconds (N, Ns) or every N bytes (with\n"
	    "                       a K, M, G suffix); default every 1s or 64M, and at\n"
	    "                       the end of every source\n"
	    "      --json           status: one JSON object\n"
	    "  -h, --help           show this help and exit\n"
	    "  -V, --version        show the version and exit\n\n"
	    "status reports the input, the progress, OUTPUT's durable length and the\n"
	    "state: fresh, running, interrupted or done.\n\n"
	    "Exit status: 0 done (the stream's end is on disk), 64 usage, 65 bad input\n"
	    "or a damaged OUTPUT, 66 cannot open, 70 internal error, 71 out of memory,\n"
	    "74 I/O error (a full disk), 75 not done yet (the input stopped early: run\n"
	    "again) or resume refused (the input, options or OUTPUT do not match).\n");
}

/* --every: seconds ("5", "0.5", "5s") or a size with its suffix ("64M",
 * "64MiB"). */
static int
parse_every(const char *s, sg_resume_opts *o, sg_err *e)
{
	size_t n = strlen(s), digits = strspn(s, "0123456789.");
	char secs[64];

	if (n > 0 && digits < n && !(digits == n - 1 && s[n - 1] == 's')) {
		o->every_seconds = 0;
		return sg_size_parse(s, 1, UINT64_MAX, &o->every_bytes, e) < 0
		    ? sg_err_set(e, SG_EUSAGE, "--every takes seconds (5, 0.5, 5s) or a "
		    "size (64M), not '%s'", s) : 0;
	}
	o->every_bytes = 0;
	if (n >= sizeof secs)
		return sg_err_set(e, SG_EUSAGE, "--every takes seconds or a size, not '%s'", s);
	snprintf(secs, sizeof secs, "%.*s", (int)(digits < n ? n - 1 : n), s);
	return sg_seconds_parse("--every", secs, 0.001, 86400, &o->every_seconds, e);
}

/* ---------------------------------------------------------------- status */

/* What status says of the job: its state now, with whether a live
 * sg-resume holds OUTPUT's lock. */
static const char *
live_state(const sg_ckpt *c, uint64_t *file_len)
{
	struct stat st;
	int fd, running = 0;

	*file_len = UINT64_MAX;
	if ((fd = open(c->output, O_RDONLY | O_CLOEXEC)) >= 0) {
		if (fstat(fd, &st) == 0)
			*file_len = (uint64_t)st.st_size;
		running = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
		close(fd);
	}
	if (c->state == SG_CKPT_DONE)
		return "done";
	if (running)
		return "running";
	return c->state == SG_CKPT_FRESH ? "fresh" : "interrupted";
}

/* Percent done, or -1 when unknown: the input consumed (compressed and
 * archived inputs say it in PROGRESS) or the current source's offset. */
static double
percent(const sg_ckpt *c)
{
	if (c->state == SG_CKPT_DONE)
		return 100;
	/* Rounded down to a tenth, as sg-progress does: 100% means all. */
	if (c->total != SG_CKPT_UNKNOWN && c->total > 0 && c->consumed != SG_CKPT_UNKNOWN)
		return floor(1000.0 * (double)(c->consumed < c->total ? c->consumed : c->total) /
		    (double)c->total) / 10;
	if (c->begun && c->size != SG_CKPT_UNKNOWN && c->size > 0)
		return floor(1000.0 * (double)c->offset / (double)c->size) / 10;
	return -1;
}

static void
print_status_json(const char *path, const sg_ckpt *c, const char *state, uint64_t file_len)
{
	sg_buf b = SG_BUF_INIT;
	sg_err e;
	double pct = percent(c);

	sg_err_clear(&e);
	sg_buf_printf(&b, &e, "{\"checkpoint\":");
	sg_json_string(&b, path, strlen(path), &e);
	sg_buf_printf(&b, &e, ",\"state\":\"%s\",\"output\":", state);
	sg_json_string(&b, c->output, strlen(c->output), &e);
	sg_buf_printf(&b, &e, ",\"mode\":\"%s\",\"durable_bytes\":%" PRIu64,
	    c->raw ? "raw" : "frames", c->length);
	if (file_len != UINT64_MAX)
		sg_buf_printf(&b, &e, ",\"output_bytes\":%" PRIu64, file_len);
	else
		sg_buf_printf(&b, &e, ",\"output_bytes\":null");
	sg_buf_printf(&b, &e, ",\"sources_done\":%" PRIu64 ",\"source\":%" PRIu64
	    ",\"name\":", c->sources_done, c->source);
	if (c->begun)
		sg_json_string(&b, c->name, c->name_len, &e);
	else
		sg_buf_printf(&b, &e, "null");
	sg_buf_printf(&b, &e, ",\"offset\":%" PRIu64 ",\"seq\":%" PRIu64, c->offset, c->seq);
	if (c->begun && c->size != SG_CKPT_UNKNOWN)
		sg_buf_printf(&b, &e, ",\"size\":%" PRIu64, c->size);
	else
		sg_buf_printf(&b, &e, ",\"size\":null");
	if (c->consumed != SG_CKPT_UNKNOWN)
		sg_buf_printf(&b, &e, ",\"input_consumed\":%" PRIu64, c->consumed);
	else
		sg_buf_printf(&b, &e, ",\"input_consumed\":null");
	if (c->total != SG_CKPT_UNKNOWN)
		sg_buf_printf(&b, &e, ",\"input_total\":%" PRIu64, c->total);
	else
		sg_buf_printf(&b, &e, ",\"input_total\":null");
	if (pct >= 0)
		sg_buf_printf(&b, &e, ",\"percent\":%.1f", pct);
	else
		sg_buf_printf(&b, &e, ",\"percent\":null");
	sg_buf_printf(&b, &e, ",\"options\":");
	if (c->options_len > 0)
		sg_json_string(&b, c->options, c->options_len, &e);
	else
		sg_buf_printf(&b, &e, "null");
	sg_buf_printf(&b, &e, ",\"updated_ns\":%" PRId64 "}\n", c->updated_ns);
	if (e.code == 0)
		fwrite(b.p, 1, b.len, stdout);
	sg_buf_free(&b);
}

static void
print_status_text(const char *path, const sg_ckpt *c, const char *state, uint64_t file_len)
{
	char when[64], sz1[32], sz2[32];
	time_t t = (time_t)(c->updated_ns / 1000000000);
	struct tm tm;
	double pct = percent(c);

	if (gmtime_r(&t, &tm) == NULL || strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(when, sizeof when, "?");
	printf("%s: %s\n", path, state);
	if (c->begun)
		printf("  input:    source %" PRIu64 " '%s', at byte %" PRIu64 "%s%s%s\n",
		    c->source, c->name, c->offset, c->size != SG_CKPT_UNKNOWN ? " of " : "",
		    c->size != SG_CKPT_UNKNOWN ? sg_size_format(c->size, sz1, sizeof sz1) : "",
		    "");
	else if (c->state != SG_CKPT_DONE)
		printf("  input:    next is source %" PRIu64 "\n", c->source);
	printf("  sources:  %" PRIu64 " done\n", c->sources_done);
	if (pct >= 0)
		printf("  progress: %.1f%%\n", pct);
	else
		printf("  progress: unknown\n");
	printf("  output:   %s (%s), %" PRIu64 " bytes on disk (%s)",
	    c->output, c->raw ? "raw" : "frames", c->length,
	    sg_size_format(c->length, sz2, sizeof sz2));
	if (file_len != UINT64_MAX && file_len != c->length)
		printf(", file now %" PRIu64 " bytes", file_len);
	printf("\n");
	if (c->options_len > 0)
		printf("  options:  %s\n", c->options);
	printf("  updated:  %s\n", when);
}

static int
show_status(const struct args *a)
{
	sg_ckpt *c = malloc(sizeof *c);
	const char *state;
	uint64_t file_len;
	sg_err e;
	int rc;

	sg_err_clear(&e);
	if (c == NULL)
		return sg_report(NULL, (sg_err_set(&e, SG_ENOMEM, "out of memory"), &e));
	if ((rc = sg_ckpt_load(a->o.checkpoint, c, &e)) <= 0) {
		if (rc == 0)
			sg_err_set(&e, SG_EOPEN, "no such checkpoint");
		free(c);
		/* The loader's messages name the file already. */
		return sg_report(rc == 0 ? a->o.checkpoint : NULL, &e);
	}
	state = live_state(c, &file_len);
	if (a->json)
		print_status_json(a->o.checkpoint, c, state, file_len);
	else
		print_status_text(a->o.checkpoint, c, state, file_len);
	free(c);
	return fflush(stdout) == 0 ? 0 : sg_exit_status(SG_EIO);
}

/* ------------------------------------------------------------------ run */

/* Whether the reader's error is the input stopping inside a frame: an
 * upstream stage that was killed, not a damaged stream. */
static int
cut_short(const sg_err *e)
{
	return e->code == SG_EDATA && strncmp(e->msg, "truncated ", 10) == 0;
}

/* stdin for the reader, and the sink whose time rule may not wait for it. */
struct input {
	int fd;
	sg_resume *r;
};

/* An sg_read_fn: read stdin, but while nothing arrives, sync what is
 * pending when the time rule says so, also in the middle of a frame: a slow
 * or stalled producer still gets a checkpoint every interval. */
static ssize_t
read_or_sync(void *ctx, void *buf, size_t n, sg_err *e)
{
	struct input *in = ctx;
	int ms;

	while (sg_resume_pending(in->r, &ms)) {
		struct pollfd p = { .fd = in->fd, .events = POLLIN };
		int k = ms == 0 ? 0 : poll(&p, 1, ms);
		int rc;

		if (k > 0 || (k < 0 && errno != EINTR))
			break;
		if (k == 0 && (rc = sg_resume_sync(in->r, e)) < 0)
			return rc;
	}
	return sg_reader_fd(&in->fd, buf, n, e);
}

static int
run(const struct args *a)
{
	struct input in = { .fd = STDIN_FILENO };
	int rc, status = 0;
	sg_reader *rd = NULL;
	sg_resume *r;
	sg_frame f;
	sg_err e, ce;

	sg_err_clear(&e);
	if ((r = sg_resume_open(&a->o, &e)) == NULL)
		return e.code == SG_EUSAGE ? sg_usage_error(&e, synopsis) : sg_report(NULL, &e);
	if (sg_resume_torn(r) > 0)
		sg_warnx("%s: cut off %" PRIu64 " bytes written after the last checkpoint",
		    a->o.output, sg_resume_torn(r));
	if (sg_resume_done(r))
		goto close;
	in.r = r;
	if ((rd = sg_reader_new(read_or_sync, &in)) == NULL) {
		status = sg_report(NULL, (sg_err_set(&e, SG_ENOMEM, "out of memory"), &e));
		goto close;
	}
	while ((rc = sg_reader_next(rd, &f, &e)) == 1) {
		if ((rc = sg_resume_frame(r, &f, &e)) < 0)
			break;
		if (sg_resume_done(r))
			break;
	}
	if (rc < 0 && !cut_short(&e))
		status = sg_report(e.code == SG_EIO ? NULL : "(stdin)", &e);
close:
	if (status == 0 && rd != NULL && !sg_resume_done(r)) {
		const sg_ckpt *c = sg_resume_state(r);

		/* Not an error in the data: the upstream stopped. */
		sg_warnx("the input stopped %s source %" PRIu64 "%s%s%s; %s holds it up to "
		    "there: run the same pipeline again to continue",
		    c->begun ? "inside" : "before", c->source, c->begun ? " ('" : "",
		    c->begun ? c->name : "", c->begun ? "')" : "", a->o.output);
		status = sg_exit_status(SG_ERESUME);
	}
	sg_err_clear(&ce);
	if (sg_resume_close(r, &ce) < 0 && (status == 0 || status == sg_exit_status(SG_ERESUME)))
		status = sg_report(NULL, &ce);
	sg_reader_free(rd);
	return status;
}

static int
parse_args(int argc, char **argv, struct args *a)
{
	int ch;
	sg_err e;

	sg_err_clear(&e);
	a->o.every_seconds = EVERY_SECONDS_DEFAULT;
	a->o.every_bytes = EVERY_BYTES_DEFAULT;
	if (argc > 1 && strcmp(argv[1], "status") == 0) {
		a->status = 1;
		argv++;
		argc--;
	}
	while ((ch = getopt_long(argc, argv, "ho:V", longopts, NULL)) != -1) {
		int rc = 0;

		switch (ch) {
		case 'h': usage(stdout); return -1;
		case 'o': a->o.output = optarg; break;
		case 'V': sg_print_version(); return -1;
		case OPT_EVERY: rc = parse_every(optarg, &a->o, &e); break;
		case OPT_JSON: a->json = 1; break;
		case OPT_RAW: a->o.raw = 1; break;
		default: return sg_usage_error(NULL, synopsis);
		}
		if (rc < 0)
			return sg_usage_error(&e, synopsis);
	}
	if (argc - optind != 1)
		sg_err_set(&e, SG_EUSAGE, argc == optind ? "no CHECKPOINT given"
		    : "one CHECKPOINT only");
	else
		a->o.checkpoint = argv[optind];
	if (e.code == 0 && a->status && (a->o.output != NULL || a->o.raw))
		sg_err_set(&e, SG_EUSAGE, "status takes only --json and CHECKPOINT");
	else if (e.code == 0 && !a->status && a->json)
		sg_err_set(&e, SG_EUSAGE, "--json goes with status");
	else if (e.code == 0 && !a->status && a->o.output == NULL)
		sg_err_set(&e, SG_EUSAGE, "no OUTPUT given (-o OUTPUT)");
	return e.code != 0 ? sg_usage_error(&e, synopsis) : 0;
}

int
main(int argc, char **argv)
{
	struct args a = { 0 };
	int status;

	sg_diag_init(argv);
	if ((status = parse_args(argc, argv, &a)) != 0)
		return status < 0 ? 0 : status;
	return a.status ? show_status(&a) : run(&a);
}
