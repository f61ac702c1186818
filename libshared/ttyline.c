/* ttyline.c: one status line per process on a shared terminal (see
 * ttyline.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"
#include "ttyline.h"

#define REGISTRY_MAX 4096 /* "pid slot\n" lines: far more than fit on a screen */

struct sg_ttyline {
	int tty;       /* the terminal (the caller's descriptor) */
	int reg;       /* the registry, open */
	char path[256];
	int slot;
};

/* The registry's entries: pids in slot order. Returns how many. */
static int
read_registry(int reg, pid_t *pids, int max)
{
	char buf[REGISTRY_MAX + 1], *p, *end;
	ssize_t n;
	int count = 0;

	if (lseek(reg, 0, SEEK_SET) < 0 || (n = read(reg, buf, REGISTRY_MAX)) < 0)
		return 0;
	buf[n] = '\0';
	for (p = buf; *p != '\0' && count < max; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		pids[count++] = (pid_t)pid;
		while (*end != '\0' && *end++ != '\n')
			;
	}
	return count;
}

static int
alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

/* Whether any process but this one still holds a slot. */
static int
others_alive(const pid_t *pids, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pids[i] != getpid() && alive(pids[i]))
			return 1;
	return 0;
}

static int
registry_path(int tty, char *path, size_t cap)
{
	const char *dir = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	int n;

	if (fstat(tty, &st) < 0)
		return -1;
	if (dir != NULL && dir[0] == '/')
		n = snprintf(path, cap, "%s/sg-progress-%llx", dir,
		    (unsigned long long)st.st_rdev);
	else
		n = snprintf(path, cap, "/tmp/sg-progress-%u-%llx", (unsigned)getuid(),
		    (unsigned long long)st.st_rdev);
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

sg_ttyline *
sg_ttyline_open(int fd, sg_err *e)
{
	pid_t pids[REGISTRY_MAX / 4];
	sg_ttyline *t;
	struct stat st;
	char line[64];
	int n, len;

	if (!isatty(fd)) {
		sg_err_set(e, SG_EUSAGE, "not a terminal");
		return NULL;
	}
	if ((t = calloc(1, sizeof *t)) == NULL) {
		sg_err_set(e, SG_ENOMEM, "out of memory");
		return NULL;
	}
	t->tty = fd;
	if (registry_path(fd, t->path, sizeof t->path) < 0 ||
	    (t->reg = open(t->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
		sg_err_set(e, SG_EIO, "cannot open the terminal registry %s: %s", t->path,
		    strerror(errno));
		free(t);
		return NULL;
	}
	/* In a shared directory, only a registry of our own will do. */
	if (fstat(t->reg, &st) < 0 || st.st_uid != getuid() || !S_ISREG(st.st_mode) ||
	    flock(t->reg, LOCK_EX) < 0) {
		sg_err_set(e, SG_EIO, "cannot use the terminal registry %s", t->path);
		close(t->reg);
		free(t);
		return NULL;
	}
	n = read_registry(t->reg, pids, (int)(sizeof pids / sizeof pids[0]));
	/* Nobody left on this terminal: a new pipeline, lines start here. */
	if (!others_alive(pids, n)) {
		n = 0;
		(void)ftruncate(t->reg, 0);
	}
	t->slot = n;
	len = snprintf(line, sizeof line, "%ld %d\n", (long)getpid(), n);
	if (lseek(t->reg, 0, SEEK_END) < 0 || write(t->reg, line, (size_t)len) != len ||
	    sg_io_write_all(fd, "\n", 1, e) < 0) {
		sg_err_set(e, SG_EIO, "cannot claim a terminal line");
		flock(t->reg, LOCK_UN);
		close(t->reg);
		free(t);
		return NULL;
	}
	flock(t->reg, LOCK_UN);
	return t;
}

int
sg_ttyline_draw(sg_ttyline *t, const char *text, size_t len)
{
	pid_t pids[REGISTRY_MAX / 4];
	char out[1024];
	size_t n;
	int up, head, rc;
	sg_err e;

	/* Under the lock: a line claimed meanwhile moves every line up. */
	if (flock(t->reg, LOCK_EX) < 0)
		return SG_EIO;
	up = read_registry(t->reg, pids, (int)(sizeof pids / sizeof pids[0])) - t->slot;
	if (up < 1)
		up = 1;
	head = snprintf(out, sizeof out, "\0337\033[%dA\r", up);
	n = (size_t)head;
	if (len > sizeof out - n - 8)
		len = sizeof out - n - 8;
	memcpy(out + n, text, len);
	n += len;
	memcpy(out + n, "\033[K\0338", 5);
	n += 5;
	sg_err_clear(&e);
	rc = sg_io_write_all(t->tty, out, n, &e);
	flock(t->reg, LOCK_UN);
	return rc;
}

int
sg_ttyline_width(const sg_ttyline *t)
{
	struct winsize ws;

	if (ioctl(t->tty, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

void
sg_ttyline_close(sg_ttyline *t)
{
	pid_t pids[REGISTRY_MAX / 4];

	if (t == NULL)
		return;
	/* The last one out removes the registry. */
	if (flock(t->reg, LOCK_EX) == 0) {
		if (!others_alive(pids, read_registry(t->reg, pids,
		    (int)(sizeof pids / sizeof pids[0]))))
			(void)unlink(t->path);
		flock(t->reg, LOCK_UN);
	}
	close(t->reg);
	free(t);
}
