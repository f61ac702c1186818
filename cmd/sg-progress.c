/* sg-progress: pass bytes through unchanged and show how far they are,
 * against the true total that sg frames announce. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "io.h"
#include "meter.h"
#include "scan.h"
#include "size.h"
#include "ttyline.h"

#define BLOCK (256u << 10)

enum { OPT_EVENTS = 256, OPT_INTERVAL, OPT_JSON, OPT_LABEL, OPT_RAW };

static const struct option longopts[] = {
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "help", no_argument, NULL, 'h' },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "size", required_argument, NULL, 's' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct args {
	int json;
	double interval;
	const char *label;
	uint64_t size;          /* -s, or UINT64_MAX */
	const char *events;     /* --events FILE */
	int raw;
	char **files;
	int nfiles;
};

/* The run: the meter and where it is shown. */
struct run {
	const struct args *a;
	sg_meter m;
	sg_scan *scan;          /* NULL in raw mode */
	int mode_known;         /* frames or raw decided */
	int sg_failed;          /* the frames stopped making sense */
	uint64_t sized;         /* sum of BEGIN sizes */
	int unsized;            /* a BEGIN without a size */
	int progress_seen;      /* PROGRESS frames drive the position */
	sg_ttyline *tty;        /* the terminal line, or NULL */
	int no_splice;          /* splice(2) does not work for these ends */
	sg_err splice_err;
	FILE *events;           /* NDJSON events, or NULL */
	int log;                /* plain log lines on stderr */
	double next_tick;
};

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

static void
synopsis(FILE *out)
{
	fprintf(out,
	    "usage: %s [--json] [--interval SECONDS] [--label NAME] [-s SIZE]\n"
	    "                   [--events FILE] [--raw] [FILE...]\n", sg_progname());
}

static void
usage(FILE *out)
{
	synopsis(out);
	fprintf(out,
	    "Copy each FILE (or stdin, or '-') to stdout unchanged and show the\n"
	    "progress on stderr: for sg frames against the total that BEGIN and\n"
	    "PROGRESS frames announce (the real input, even compressed), for other\n"
	    "bytes against -s SIZE or the size of a regular file.\n\n"
	    "      --json            NDJSON events, one per interval and a last one with\n"
	    "                        \"done\": true, on stderr or to --events\n"
	    "      --events=FILE     write the --json events to FILE (a FIFO is fine)\n"
	    "      --interval=SECONDS  how often to report (default 1)\n"
	    "      --label=NAME      name this meter (two meters on one terminal)\n"
	    "      --raw             count bytes, even when they are sg frames\n"
	    "  -s, --size=SIZE       the total, for input whose size is not known\n"
	    "  -h, --help            show this help and exit\n"
	    "  -V, --version         show the version and exit\n\n"
	    "On a terminal, one line redrawn in place; otherwise one line per interval.\n"
	    "Exit status: 0 success, 64 usage, 65 frames that stop making sense,\n"
	    "66 cannot open an input, 74 I/O error.\n");
}

static double
monotonic(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------- frames */

static int
on_frame(void *ctx, const sg_frame_hdr *h, const sg_meta *m, uint64_t at, sg_err *e)
{
	struct run *r = ctx;

	(void)at;
	(void)e;
	sg_meter_frame(&r->m);
	switch (h->type) {
	case SG_TYPE_BEGIN:
		r->m.sources++;
		sg_meter_source(&r->m, h->source, m->have & SG_META_HAS(SG_META_NAME)
		    ? m->name : "", m->have & SG_META_HAS(SG_META_NAME) ? m->name_len : 0);
		if (m->have & SG_META_HAS(SG_META_SIZE))
			r->sized += m->size;
		else
			r->unsized = 1;
		if (!r->progress_seen && r->a->size == UINT64_MAX)
			sg_meter_set_total(&r->m, r->unsized ? UINT64_MAX : r->sized);
		break;
	case SG_TYPE_DATA:
		if (!r->progress_seen)
			sg_meter_add(&r->m, h->size - h->context);
		break;
	case SG_TYPE_PROGRESS:
		/* The underlying input's own position: the true percentage
		 * through compression, and through archives of many sources. */
		r->progress_seen = 1;
		sg_meter_progress(&r->m, m->consumed,
		    m->have & SG_META_HAS(SG_META_INPUT_TOTAL) ? m->input_total : UINT64_MAX);
		break;
	default:
		break;
	}
	return 0;
}

/* ------------------------------------------------------------- reporting */

static void
report(struct run *r, int final)
{
	char line[SG_METER_JSON_CAP(1024)];
	size_t n;

	if (r->tty != NULL) {
		size_t width = (size_t)sg_ttyline_width(r->tty) - 1;

		n = final ? sg_meter_summary(&r->m, sg_progname(), r->a->label, line, sizeof line)
		    : sg_meter_line(&r->m, r->a->label, (int)width, line, sizeof line);
		/* A line that wrapped would push the other meters' lines. */
		if (n > width) {
			n = width;
			while (n > 0 && ((unsigned char)line[n] & 0xC0) == 0x80)
				n--;
		}
		(void)sg_ttyline_draw(r->tty, line, n);
	} else if (r->log) {
		n = final ? sg_meter_summary(&r->m, sg_progname(), r->a->label, line, sizeof line)
		    : sg_meter_log(&r->m, sg_progname(), r->a->label, line, sizeof line);
		fprintf(stderr, "%.*s\n", (int)n, line);
	}
	if (r->events != NULL) {
		struct timespec wall;

		clock_gettime(CLOCK_REALTIME, &wall);
		n = sg_meter_json(&r->m, r->a->label, wall, line, sizeof line);
		fwrite(line, 1, n, r->events);
		fflush(r->events);
	}
}

static void
tick(struct run *r, double now)
{
	sg_meter_tick(&r->m, now);
	report(r, 0);
	while (r->next_tick <= now)
		r->next_tick += r->a->interval;
}

/* --------------------------------------------------------------- copying */

/* On the first block: frames or other bytes. Frames, like every sg tool's,
 * refuse to go to a terminal. Returns 0 or an exit status. */
static int
decide(struct run *r, const unsigned char *p, size_t n)
{
	sg_err e;

	r->mode_known = 1;
	if (r->a->raw || !sg_scan_looks_like_frames(p, n))
		return 0;
	if (sg_refuse_tty_output() != 0)
		return sg_exit_status(SG_EUSAGE);
	if ((r->scan = sg_scan_new(on_frame, r)) == NULL) {
		sg_err_set(&e, SG_ENOMEM, "out of memory");
		return sg_report(NULL, &e);
	}
	return 0;
}

/* The scan failed at the frame e names: count the bytes from its start to
 * end, the input offset of what has passed, which no frame counted. */
static void
count_from(struct run *r, const sg_err *e, uint64_t end)
{
	if (e->offset != SG_NOPOS && e->offset <= end)
		sg_meter_add(&r->m, end - e->offset);
}

/* Follow one block: count its bytes, or its frames. */
static void
follow(struct run *r, const unsigned char *p, size_t n, const char *name)
{
	uint64_t end;
	sg_err e;

	if (r->scan == NULL || r->sg_failed) {
		sg_meter_add(&r->m, n);
		return;
	}
	sg_err_clear(&e);
	end = sg_scan_offset(r->scan) + n;
	if (sg_scan_feed(r->scan, p, n, &e) < 0) {
		/* Still passed on unchanged; from here on only counted,
		 * from the start of the frame that failed. */
		size_t len = strlen(e.msg);

		count_from(r, &e, end);

		snprintf(e.msg + len, sizeof e.msg - len, "; counting bytes from here on");
		(void)sg_report(sg_display_name(name), &e);
		r->sg_failed = 1;
	}
}

/* splice(2) up to SPLICE_MAX bytes of fd to stdout and count them.
 * Returns the bytes moved, 0 at the end of the input, -1 when splice
 * cannot be used here (r->no_splice set: read and write instead), -2 when
 * the reader went away, -3 on an I/O error (r->splice_err). */
#define SPLICE_MAX (1u << 20)
static ssize_t
move(struct run *r, int fd)
{
	ssize_t n;

	do
		n = splice(fd, NULL, STDOUT_FILENO, NULL, SPLICE_MAX, SPLICE_F_MOVE);
	while (n < 0 && errno == EINTR && !stop_signal);
	if (n > 0)
		sg_meter_add(&r->m, (uint64_t)n);
	if (n >= 0)
		return n;
	if (errno == EINVAL || errno == ENOSYS || errno == EBADF) {
		r->no_splice = 1;
		return -1;
	}
	if (errno == EPIPE)
		return -2;
	if (errno == EINTR)
		return -1;
	sg_err_set(&r->splice_err, SG_EIO, "cannot copy: %s", strerror(errno));
	return -3;
}

/* Copy one input to stdout. Returns 0, an exit status, or -1 when stdout
 * went away. */
static int
copy(struct run *r, int fd, const char *name, unsigned char *buf)
{
	for (;;) {
		double now = monotonic();
		int wait = (int)ceil((r->next_tick - now) * 1000);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		sg_err e;
		int rc;

		if (stop_signal)
			return 128 + stop_signal;
		if (now >= r->next_tick) {
			tick(r, now);
			continue;
		}
		/* Wait for input no longer than the next report: a stalled
		 * producer still gets its rate of 0. A signal ends the wait. */
		if ((rc = poll(&pfd, 1, wait < 1 ? 1 : wait)) == 0 ||
		    (rc < 0 && errno == EINTR))
			continue;
		/* Bytes that are only counted move pipe to pipe (or file to
		 * pipe) inside the kernel, as pv moves them. */
		if (r->mode_known && r->scan == NULL && !r->no_splice) {
			if ((n = move(r, fd)) > 0)
				continue;
			if (n == 0)
				return 0;
			if (n == -2)
				return -1;
			if (n == -3)
				return sg_report(sg_display_name(name), &r->splice_err);
		}
		sg_err_clear(&e);
		if ((n = sg_io_read(fd, buf, BLOCK, &e)) < 0) {
			if (stop_signal)
				return 128 + stop_signal;
			return sg_report(sg_display_name(name), &e);
		}
		if (n == 0)
			return 0;
		if (!r->mode_known && (rc = decide(r, buf, (size_t)n)) != 0)
			return rc;
		if (sg_io_write_all(STDOUT_FILENO, buf, (size_t)n, &e) < 0) {
			if (e.code == SG_EPIPE)
				return -1;
			return sg_report(NULL, &e);
		}
		follow(r, buf, (size_t)n, name);
	}
}

/* The total of raw input that is regular files: their sizes. */
static uint64_t
raw_total(const struct args *a)
{
	uint64_t total = 0;
	int i;

	for (i = 0; i < a->nfiles; i++) {
		struct stat st;
		int ok = strcmp(a->files[i], "-") == 0 ? fstat(STDIN_FILENO, &st) == 0
		    : stat(a->files[i], &st) == 0;

		if (!ok || !S_ISREG(st.st_mode))
			return UINT64_MAX;
		total += (uint64_t)st.st_size;
	}
	return total;
}

static int
run(struct run *r, unsigned char *buf)
{
	int status = 0, i;
	sg_err e;

	for (i = 0; i < r->a->nfiles; i++) {
		const char *name = r->a->files[i];
		int fd, rc;

		sg_err_clear(&e);
		if ((fd = sg_io_open_input(name, &e)) < 0) {
			status = sg_report(sg_display_name(name), &e);
			continue;
		}
		rc = copy(r, fd, name, buf);
		if (fd != STDIN_FILENO)
			close(fd);
		if (rc != 0)
			return rc;
	}
	if (r->scan != NULL && !r->sg_failed) {
		sg_err_clear(&e);
		if (sg_scan_finish(r->scan, &e) < 0) {
			count_from(r, &e, sg_scan_offset(r->scan));
			status = sg_report(sg_display_name(r->a->files[r->a->nfiles - 1]), &e);
		}
	}
	if (stop_signal)
		return 128 + stop_signal;
	return r->sg_failed && status == 0 ? sg_exit_status(SG_EDATA) : status;
}

/* ------------------------------------------------------------- arguments */

static int
parse_args(int argc, char **argv, struct args *a)
{
	static char *stdin_only[] = { "-" };
	int ch, rc;
	sg_err e;

	sg_err_clear(&e);
	while ((ch = getopt_long(argc, argv, "hs:V", longopts, NULL)) != -1) {
		rc = 0;
		switch (ch) {
		case 'h':
			usage(stdout);
			return -1;
		case 's': rc = sg_size_parse(optarg, 0, UINT64_MAX - 1, &a->size, &e); break;
		case 'V':
			sg_print_version();
			return -1;
		case OPT_EVENTS: a->events = optarg; a->json = 1; break;
		case OPT_INTERVAL:
			rc = sg_seconds_parse("--interval", optarg, 0.01, 86400, &a->interval, &e);
			break;
		case OPT_JSON: a->json = 1; break;
		case OPT_LABEL:
			if (strlen(optarg) > 1024)
				rc = sg_err_set(&e, SG_EUSAGE, "--label is longer than 1024 bytes");
			a->label = optarg;
			break;
		case OPT_RAW: a->raw = 1; break;
		default:
			return sg_usage_error(NULL, synopsis);
		}
		if (rc < 0)
			return sg_usage_error(&e, synopsis);
	}
	a->files = argc > optind ? argv + optind : stdin_only;
	a->nfiles = argc > optind ? argc - optind : 1;
	return 0;
}

/* Where the meter shows: a terminal line, log lines, events. */
static int
open_outputs(struct run *r)
{
	const struct args *a = r->a;
	sg_err e;

	sg_err_clear(&e);
	if (a->events != NULL) {
		int fd = open(a->events, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

		if (fd < 0 || (r->events = fdopen(fd, "w")) == NULL) {
			sg_err_set(&e, SG_EOPEN, "cannot open %s: %s", a->events, strerror(errno));
			return sg_report(NULL, &e);
		}
	} else if (a->json)
		r->events = stderr;
	if (r->events != stderr) {
		if (isatty(STDERR_FILENO))
			r->tty = sg_ttyline_open(STDERR_FILENO, &e);
		r->log = r->tty == NULL;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct args a = { .interval = 1.0, .size = UINT64_MAX, .label = "" };
	struct run r = { .a = &a };
	struct sigaction sa;
	unsigned char *buf;
	int status;

	sg_diag_init(argv);
	if ((status = parse_args(argc, argv, &a)) != 0)
		return status < 0 ? 0 : status;
	if ((buf = malloc(BLOCK)) == NULL)
		return sg_exit_status(SG_ENOMEM);
	/* A vanished reader is an EPIPE to handle, not a death mid-line;
	 * Ctrl-C ends the line cleanly before the process goes. */
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if ((status = open_outputs(&r)) != 0) {
		free(buf);
		return status;
	}
	sg_meter_init(&r.m, monotonic());
	r.next_tick = r.m.start + a.interval;
	sg_meter_set_total(&r.m, a.size != UINT64_MAX ? a.size : raw_total(&a));
	sg_io_widen_pipe(STDOUT_FILENO, 1u << 20);
	status = run(&r, buf);
	sg_meter_finish(&r.m, monotonic());
	report(&r, 1);
	sg_ttyline_close(r.tty);
	if (r.events != NULL && r.events != stderr)
		fclose(r.events);
	sg_scan_free(r.scan);
	free(buf);
	if (status == -1 || status > 128) {
		/* Die the way the signal (or the vanished reader) asks. */
		int sig = status == -1 ? SIGPIPE : status - 128;

		signal(sig, SIG_DFL);
		raise(sig);
	}
	return status;
}
