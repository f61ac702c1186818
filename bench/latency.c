/* latency: how long one line takes to cross a pipeline.
 *
 *   latency [-n LINES] 'COMMAND'
 *
 * Runs COMMAND under /bin/sh with its stdin and stdout on pipes, writes one
 * short line at a time, and times until that line comes out. Prints the
 * median, 90th percentile and maximum in milliseconds. Used by bench/run.sh
 * to check the "live" guarantee: a record reaches the end of the pipeline
 * within milliseconds, not when a buffer fills.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Read until a newline arrives; give up after timeout_ms. */
static int
read_line(int fd, int timeout_ms)
{
	char buf[4096];
	double deadline = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)(deadline - now_ms());
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			return -1;
		if ((n = read(fd, buf, sizeof buf)) <= 0)
			return -1;
		if (memchr(buf, '\n', (size_t)n) != NULL)
			return 0;
	}
}

int
main(int argc, char **argv)
{
	int in[2], out[2], lines = 50, i;
	double *t;
	pid_t pid;

	if (argc == 4 && strcmp(argv[1], "-n") == 0) {
		lines = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc != 2 || lines < 1) {
		fprintf(stderr, "usage: latency [-n LINES] 'COMMAND'\n");
		return 64;
	}
	if ((t = calloc((size_t)lines, sizeof *t)) == NULL || pipe(in) < 0 || pipe(out) < 0)
		return 71;
	signal(SIGPIPE, SIG_IGN);
	if ((pid = fork()) == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]); close(in[1]); close(out[0]); close(out[1]);
		execl("/bin/sh", "sh", "-c", argv[1], (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	for (i = 0; i < lines; i++) {
		char line[64];
		int n = snprintf(line, sizeof line, "live line %d\n", i);
		double start = now_ms();

		if (write(in[1], line, (size_t)n) != n || read_line(out[0], 5000) < 0) {
			fprintf(stderr, "latency: line %d did not come out within 5 s\n", i);
			return 1;
		}
		t[i] = now_ms() - start;
		usleep(10000);
	}
	close(in[1]);
	waitpid(pid, NULL, 0);
	qsort(t, (size_t)lines, sizeof *t, cmp_double);
	printf("median %.3f ms  p90 %.3f ms  max %.3f ms  (%d lines)\n",
	    t[lines / 2], t[lines * 9 / 10], t[lines - 1], lines);
	return 0;
}
