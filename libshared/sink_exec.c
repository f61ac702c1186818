/* sink_exec.c: sg-decode --exec CMD: `/bin/sh -c CMD` once per DATA chunk,
 * one at a time, with the whole payload (context included) on its stdin
 * and the chunk described in SG_* environment variables.
 *
 * Like split --filter, a command may stop reading early: the EPIPE this
 * gives our write is not an error, and the SIGPIPE that comes with it is
 * blocked and consumed so that it cannot kill sg-decode, whatever the
 * caller's disposition of SIGPIPE. The command is started with
 * posix_spawn, which is safe with other threads running.
 */
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io.h"

/* The variables we set, in the order of the values in exec_data. */
static const char *const env_names[] = {
	"SG_SOURCE", "SG_NAME", "SG_SEQ", "SG_OFFSET", "SG_SIZE", "SG_CONTEXT",
};
#define NENV (sizeof env_names / sizeof env_names[0])

typedef struct exec_sink {
	sg_sink base;
	char *cmd;
	int status;           /* the failed command's exit status, or 0 */
	int in_source;
	uint64_t nsrc;        /* sources begun so far: SG_SOURCE is nsrc - 1 */
	char name[112];       /* source name for messages, cut to fit them */
	char env_name[sizeof "SG_NAME=" + SG_META_NAME_MAX];
} exec_sink;

/* Whether environment entry v sets one of our names. */
static int
ours(const char *v)
{
	size_t i, n;

	if (strncmp(v, "SG_", 3) != 0)
		return 0;
	for (i = 0; i < NENV; i++) {
		n = strlen(env_names[i]);
		if (strncmp(v, env_names[i], n) == 0 && v[n] == '=')
			return 1;
	}
	return 0;
}

/* environ without our names, then vars: a malloc'd array (the strings are
 * not copied), or NULL. */
static char **
make_env(char *const *vars)
{
	size_t n = 0, k = 0, i;
	char **env;

	if (environ != NULL)
		while (environ[n] != NULL)
			n++;
	env = malloc((n + NENV + 1) * sizeof *env);
	if (env == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (!ours(environ[i]))
			env[k++] = environ[i];
	for (i = 0; i < NENV; i++)
		env[k++] = vars[i];
	env[k] = NULL;
	return env;
}

/* A new pipe, both ends close-on-exec and above 2, so that the dup2 onto
 * the child's stdin always clears the flag and the child keeps no other
 * end even when our own 0, 1 or 2 was closed. */
static int
make_pipe(int p[2])
{
	int i;

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	for (i = 0; i < 2; i++) {
		if (p[i] <= 2) {
			int fd = fcntl(p[i], F_DUPFD_CLOEXEC, 3);
			int err = errno;

			if (fd < 0) {
				close(p[0]);
				close(p[1]);
				errno = err;
				return -1;
			}
			close(p[i]);
			p[i] = fd;
		}
	}
	return 0;
}

/* Start the command with its stdin on p[0]: 0 and *pid, or an errno. */
static int
spawn(const exec_sink *s, char **env, int p[2], pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t mask, def;
	char *argv[] = { "sh", "-c", s->cmd, NULL };
	int rc;

	if ((rc = posix_spawn_file_actions_init(&fa)) != 0)
		return rc;
	if ((rc = posix_spawnattr_init(&at)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return rc;
	}
	/* The command gets SIGPIPE at its default, unblocked, as a shell
	 * pipeline of its own expects, even if we ignore or block it. */
	pthread_sigmask(SIG_SETMASK, NULL, &mask);
	sigdelset(&mask, SIGPIPE);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	rc = posix_spawn_file_actions_adddup2(&fa, p[0], 0);
	if (rc == 0)
		rc = posix_spawnattr_setsigmask(&at, &mask);
	if (rc == 0)
		rc = posix_spawnattr_setsigdefault(&at, &def);
	if (rc == 0)
		rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (rc == 0)
		rc = posix_spawn(pid, "/bin/sh", &fa, &at, argv, env);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

/* Write the payload to the command. A command that stopped reading is not
 * an error: its EPIPE ends the write, and the SIGPIPE raised with it is
 * taken while blocked. Returns 0 or an errno. */
static int
feed(int fd, const unsigned char *p, size_t n)
{
	static const struct timespec now = { 0, 0 };
	sigset_t pipe_set, old, pending;
	int was_pending, err = 0;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	/* A SIGPIPE already pending (the caller blocks it) is not ours to take. */
	sigemptyset(&pending);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	if (err == EPIPE) {
		err = 0;
		if (!was_pending)
			while (sigtimedwait(&pipe_set, NULL, &now) < 0 && errno == EINTR)
				;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}

static int
exec_begin(sg_sink *base, const sg_frame_hdr *h, const sg_meta *m, sg_err *e)
{
	exec_sink *s = (exec_sink *)base;
	const char *name = sg_sink_source_name(m);

	(void)h;
	(void)e;
	/* Up to the first NUL: an environment string cannot hold one. */
	snprintf(s->env_name, sizeof s->env_name, "SG_NAME=%s", name);
	/* sg_err holds 256 bytes: a long name must leave room for the rest. */
	if (strlen(name) < sizeof s->name)
		strcpy(s->name, name);
	else
		snprintf(s->name, sizeof s->name, "%.*s...", (int)sizeof s->name - 4, name);
	s->nsrc++;
	s->in_source = 1;
	return 0;
}

/* The message and status for a command that did not exit 0. */
static int
failed(exec_sink *s, const sg_frame_hdr *h, int st, sg_err *e)
{
	if (WIFSIGNALED(st)) {
		int sig = WTERMSIG(st);
		const char *abbrev = sigabbrev_np(sig);

		s->status = 128 + sig;
		return sg_err_set(e, SG_ECHILD,
		    "command killed by signal %d (SIG%s) on chunk %" PRIu64 " of '%s' (offset %"
		    PRIu64 ")", sig, abbrev != NULL ? abbrev : "?", h->seq, s->name, h->offset);
	}
	s->status = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	return sg_err_set(e, SG_ECHILD,
	    "command failed with exit status %d on chunk %" PRIu64 " of '%s' (offset %" PRIu64 ")",
	    s->status, h->seq, s->name, h->offset);
}

static int
exec_data(sg_sink *base, const sg_frame_hdr *h, const unsigned char *payload, sg_err *e)
{
	exec_sink *s = (exec_sink *)base;
	char v_source[40], v_seq[40], v_offset[40], v_size[40], v_context[40];
	char *vars[NENV] = { v_source, s->env_name, v_seq, v_offset, v_size, v_context };
	char **env;
	int p[2], rc, err, st;
	pid_t pid;

	if (!s->in_source)
		return sg_err_set(e, SG_EINTERNAL, "exec: data outside a source");
	snprintf(v_source, sizeof v_source, "SG_SOURCE=%" PRIu64, s->nsrc - 1);
	snprintf(v_seq, sizeof v_seq, "SG_SEQ=%" PRIu64, h->seq);
	snprintf(v_offset, sizeof v_offset, "SG_OFFSET=%" PRIu64, h->offset);
	snprintf(v_size, sizeof v_size, "SG_SIZE=%" PRIu32, h->size);
	snprintf(v_context, sizeof v_context, "SG_CONTEXT=%" PRIu32, h->context);
	/* Built per chunk: the caller may change its environment between. */
	if ((env = make_env(vars)) == NULL)
		return sg_err_set(e, SG_ENOMEM, "out of memory");
	if (make_pipe(p) != 0) {
		err = errno;
		free(env);
		return sg_err_set(e, SG_EIO, "%s: cannot make a pipe for the command: %s", s->name,
		    strerror(err));
	}
	rc = spawn(s, env, p, &pid);
	free(env);
	close(p[0]);
	if (rc != 0) {
		close(p[1]);
		/* As the shell reports a command it cannot run. */
		s->status = 127;
		return sg_err_set(e, SG_ECHILD,
		    "cannot run /bin/sh: %s, on chunk %" PRIu64 " of '%s' (offset %" PRIu64 ")",
		    strerror(rc), h->seq, s->name, h->offset);
	}
	err = feed(p[1], payload, h->size);
	close(p[1]);
	while ((rc = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	if (rc < 0) {
		int werr = errno;

		return sg_err_set(e, SG_EIO, "%s: cannot wait for the command on chunk %" PRIu64
		    ": %s", s->name, h->seq, strerror(werr));
	}
	if (err != 0)
		return sg_err_set(e, SG_EIO, "%s: cannot write chunk %" PRIu64
		    " to the command: %s", s->name, h->seq, strerror(err));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	return failed(s, h, st, e);
}

static int
exec_end(sg_sink *base, const sg_frame_hdr *h, const sg_meta *m, sg_err *e)
{
	exec_sink *s = (exec_sink *)base;

	(void)h;
	(void)m;
	(void)e;
	s->in_source = 0;
	return 0;
}

static int
exec_finish(sg_sink *base, sg_err *e)
{
	(void)base;
	(void)e;
	return 0;
}

static void
exec_free(sg_sink *base)
{
	exec_sink *s = (exec_sink *)base;

	if (s == NULL)
		return;
	free(s->cmd);
	free(s);
}

static const sg_sink_ops exec_ops = {
	.begin = exec_begin,
	.data = exec_data,
	.end = exec_end,
	.finish = exec_finish,
	.free = exec_free,
};

sg_sink *
sg_sink_exec_new(const char *cmd, sg_err *e)
{
	exec_sink *s;

	if (cmd == NULL || *cmd == '\0') {
		sg_err_set(e, SG_EUSAGE, "exec: empty command");
		return NULL;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL || (s->cmd = strdup(cmd)) == NULL) {
		free(s);
		sg_err_set(e, SG_ENOMEM, "out of memory");
		return NULL;
	}
	s->base.ops = &exec_ops;
	return &s->base;
}

int
sg_sink_exec_status(const sg_sink *s)
{
	return ((const exec_sink *)s)->status;
}
