/* sink_split.c: sg-decode --split DIR: each DATA chunk (its whole payload,
 * context bytes included) as a file of its own under DIR, named by a
 * template, and its path on out_fd once the file is complete.
 *
 * A chunk is written to a hidden temporary name (".NAME.tmp") and renamed
 * into place after a checked close, so a reader that takes the paths from
 * out_fd, or watches DIR, never sees a partial file under the final name.
 * All names are resolved relative to one O_DIRECTORY descriptor, so DIR
 * being renamed or replaced during the run cannot redirect the writes.
 */
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"

/* The temporary name wraps NAME in "." and ".tmp"; a NAME too long for
 * that is cut, which is safe because chunks are written one at a time. */
#define TMP_EXTRA 5
#define TMP_KEEP (NAME_MAX - TMP_EXTRA)

enum piece_kind { P_LIT, P_NAME, P_SOURCE, P_SEQ, P_OFFSET };

typedef struct piece {
	enum piece_kind kind;
	unsigned width;       /* numbers: zero-padded to this many digits */
	size_t at, len;       /* P_LIT: bytes of lit */
} piece;

typedef struct split_sink {
	sg_sink base;
	int dirfd;
	int out_fd;
	char sep;
	char *tmpl;           /* the template as given, for messages */
	char *lit;            /* literal bytes of the template, %% as % */
	piece *pc;
	size_t npc;

	char *path;           /* "DIR/" then a file name; printed on out_fd */
	size_t prefix;        /* bytes of "DIR/" in path */
	char name[NAME_MAX + 1];
	char tmp[NAME_MAX + 1];
	int tmp_live;         /* tmp exists in DIR and is not yet renamed */

	int in_source;
	uint64_t nsrc;        /* sources begun so far: %i is nsrc - 1 */
	char src[112];        /* source name for messages, cut to fit them */
	char fname[SG_META_NAME_MAX + 1]; /* the same made safe for %n */
	size_t fname_len;
} split_sink;

static int
usage(sg_err *e, const char *tmpl, const char *why)
{
	return sg_err_set(e, SG_EUSAGE, "split template '%s': %s", tmpl, why);
}

/* Parse the template into pieces; refuse what cannot make a safe, unique
 * name. */
static int
parse_template(split_sink *s, const char *t, sg_err *e)
{
	size_t n = strlen(t), i = 0, nlit = 0, minlen = 0;
	int directives = 0;

	if (strchr(t, '/') != NULL)
		return usage(e, t, "'/' is not allowed in a file name");
	/* Every piece takes at least one byte of t: n + 1 bounds their count. */
	s->pc = calloc(n + 1, sizeof *s->pc);
	s->lit = malloc(n + 1);
	if (s->pc == NULL || s->lit == NULL)
		return sg_err_set(e, SG_ENOMEM, "out of memory");
	while (i < n) {
		piece *p = &s->pc[s->npc];
		unsigned width = 0;
		int has_width = 0;
		char c;

		if (t[i] != '%') {
			size_t k = strcspn(t + i, "%");

			if (s->npc > 0 && s->pc[s->npc - 1].kind == P_LIT) {
				p = &s->pc[s->npc - 1];
			} else {
				p->kind = P_LIT;
				p->at = nlit;
				s->npc++;
			}
			memcpy(s->lit + nlit, t + i, k);
			nlit += k;
			p->len += k;
			minlen += k;
			i += k;
			continue;
		}
		i++;
		while (t[i] >= '0' && t[i] <= '9') {
			if (width > NAME_MAX)
				break;
			width = width * 10 + (unsigned)(t[i] - '0');
			has_width = 1;
			i++;
		}
		if (width > NAME_MAX)
			return usage(e, t, "a width makes names longer than 255 bytes");
		c = t[i];
		if (c == '\0')
			return usage(e, t, "it ends inside a directive");
		i++;
		switch (c) {
		case '%':
			if (has_width)
				return usage(e, t, "'%%' takes no width");
			if (s->npc > 0 && s->pc[s->npc - 1].kind == P_LIT) {
				p = &s->pc[s->npc - 1];
			} else {
				p->kind = P_LIT;
				p->at = nlit;
				s->npc++;
			}
			s->lit[nlit++] = '%';
			p->len++;
			minlen++;
			continue;
		case 'n':
			p->kind = P_NAME;
			break;
		case 'i':
			p->kind = P_SOURCE;
			break;
		case 'q':
			p->kind = P_SEQ;
			break;
		case 'o':
			p->kind = P_OFFSET;
			break;
		case '-': case '+': case ' ': case '#': case '.': case '*': case '\'':
			return usage(e, t, "a width is digits only (as in %06i)");
		default: {
			char why[64];

			if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
				snprintf(why, sizeof why, "unknown directive (byte 0x%02x after '%%')",
				    (unsigned char)c);
			else
				snprintf(why, sizeof why, "unknown directive '%%%c'", c);
			return usage(e, t, why);
		}
		}
		/* %n ignores a width: a name is not a number. */
		p->width = p->kind == P_NAME ? 0 : width;
		minlen += p->width > 1 ? p->width : 1;
		s->npc++;
		directives++;
	}
	if (directives == 0)
		return usage(e, t, "it has none of %i %n %q %o, so every chunk would get the same name");
	if (minlen > NAME_MAX)
		return usage(e, t, "it makes names longer than 255 bytes");
	return 0;
}

/* Append n bytes to the name being built; 0, or -1 once it is too long. */
static int
put(split_sink *s, size_t *len, const char *p, size_t n)
{
	if (n > NAME_MAX - *len)
		return -1;
	memcpy(s->name + *len, p, n);
	*len += n;
	return 0;
}

static int
put_num(split_sink *s, size_t *len, unsigned width, uint64_t v)
{
	char num[NAME_MAX + 24];
	int k = snprintf(num, sizeof num, "%0*" PRIu64, (int)width, v);

	return put(s, len, num, (size_t)k);
}

/* s->name for chunk h, and its temporary twin in s->tmp. */
static int
make_name(split_sink *s, const sg_frame_hdr *h, sg_err *e)
{
	size_t len = 0, i, keep;
	int bad = 0;

	for (i = 0; i < s->npc && !bad; i++) {
		const piece *p = &s->pc[i];

		switch (p->kind) {
		case P_LIT:
			bad = put(s, &len, s->lit + p->at, p->len);
			break;
		case P_NAME:
			bad = put(s, &len, s->fname, s->fname_len);
			break;
		case P_SOURCE:
			bad = put_num(s, &len, p->width, s->nsrc - 1);
			break;
		case P_SEQ:
			bad = put_num(s, &len, p->width, h->seq);
			break;
		case P_OFFSET:
			bad = put_num(s, &len, p->width, h->offset);
			break;
		}
	}
	if (bad)
		return sg_err_set(e, SG_EDATA,
		    "%s: chunk %" PRIu64 " (offset %" PRIu64 "): its file name from "
		    "template '%s' would be longer than 255 bytes",
		    s->src, h->seq, h->offset, s->tmpl);
	s->name[len] = '\0';
	/* Not reachable through the template checks and %n's mapping; kept so
	 * that no change there can make a chunk write over DIR itself. */
	if (strcmp(s->name, ".") == 0 || strcmp(s->name, "..") == 0)
		return sg_err_set(e, SG_EDATA, "%s: chunk %" PRIu64 ": file name '%s' is not allowed",
		    s->src, h->seq, s->name);
	keep = len < TMP_KEEP ? len : TMP_KEEP;
	snprintf(s->tmp, sizeof s->tmp, ".%.*s.tmp", (int)keep, s->name);
	return 0;
}

/* The path of file name f in DIR, as printed: in s->path. */
static const char *
path_of(split_sink *s, const char *f)
{
	strcpy(s->path + s->prefix, f);
	return s->path;
}

static void
drop_tmp(split_sink *s)
{
	if (s->tmp_live) {
		unlinkat(s->dirfd, s->tmp, 0);
		s->tmp_live = 0;
	}
}

static int
write_file(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
split_begin(sg_sink *base, const sg_frame_hdr *h, const sg_meta *m, sg_err *e)
{
	split_sink *s = (split_sink *)base;
	const char *name = sg_sink_source_name(m);
	size_t i, n = strlen(name);

	(void)h;
	(void)e;
	/* sg_err holds 256 bytes: a long name must leave room for the rest. */
	if (n < sizeof s->src)
		memcpy(s->src, name, n + 1);
	else
		snprintf(s->src, sizeof s->src, "%.*s...", (int)sizeof s->src - 4, name);
	for (i = 0; i < n; i++)
		s->fname[i] = name[i] == '/' ? '_' : name[i];
	s->fname[n] = '\0';
	/* "." and ".." would name a directory, and an empty %n could make two
	 * templates' names meet: all become "_". */
	if (n == 0 || strcmp(s->fname, ".") == 0 || strcmp(s->fname, "..") == 0) {
		strcpy(s->fname, "_");
		n = 1;
	}
	s->fname_len = n;
	s->nsrc++;
	s->in_source = 1;
	return 0;
}

static int
split_data(sg_sink *base, const sg_frame_hdr *h, const unsigned char *payload, sg_err *e)
{
	split_sink *s = (split_sink *)base;
	size_t plen;
	int fd, err, rc;

	if (!s->in_source)
		return sg_err_set(e, SG_EINTERNAL, "split: data outside a source");
	if ((rc = make_name(s, h, e)) != 0)
		return rc;
	/* A temporary left by an earlier, killed run would make O_EXCL fail;
	 * the name is ours. */
	unlinkat(s->dirfd, s->tmp, 0);
	fd = openat(s->dirfd, s->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0) {
		err = errno;
		return sg_err_set(e, SG_EIO, "%s: cannot create '%s': %s", s->src,
		    path_of(s, s->tmp), strerror(err));
	}
	s->tmp_live = 1;
	err = write_file(fd, payload, h->size);
	if (close(fd) != 0 && err == 0)
		err = errno;
	if (err != 0) {
		drop_tmp(s);
		return sg_err_set(e, SG_EIO, "%s: cannot write '%s': %s", s->src,
		    path_of(s, s->name), strerror(err));
	}
	if (renameat(s->dirfd, s->tmp, s->dirfd, s->name) != 0) {
		err = errno;
		drop_tmp(s);
		return sg_err_set(e, SG_EIO, "%s: cannot rename '%s' to '%s': %s", s->src,
		    s->tmp, path_of(s, s->name), strerror(err));
	}
	s->tmp_live = 0;
	/* One write per path, so a reader of a pipe shared with others never
	 * sees a path cut in two by someone else's bytes. */
	path_of(s, s->name);
	plen = strlen(s->path);
	s->path[plen] = s->sep;
	rc = sg_io_write_all(s->out_fd, s->path, plen + 1, e);
	s->path[plen] = '\0';
	if (rc == SG_EIO) {
		char why[sizeof e->msg];

		snprintf(why, sizeof why, "%s", e->msg);
		return sg_err_set(e, SG_EIO, "%s: cannot print the path of '%s': %s", s->src,
		    s->path, why);
	}
	return rc;
}

static int
split_end(sg_sink *base, const sg_frame_hdr *h, const sg_meta *m, sg_err *e)
{
	split_sink *s = (split_sink *)base;

	(void)h;
	(void)m;
	(void)e;
	s->in_source = 0;
	return 0;
}

static int
split_finish(sg_sink *base, sg_err *e)
{
	(void)base;
	(void)e;
	return 0;
}

static void
split_free(sg_sink *base)
{
	split_sink *s = (split_sink *)base;

	if (s == NULL)
		return;
	if (s->dirfd >= 0) {
		drop_tmp(s);
		close(s->dirfd);
	}
	free(s->tmpl);
	free(s->lit);
	free(s->pc);
	free(s->path);
	free(s);
}

static const sg_sink_ops split_ops = {
	.begin = split_begin,
	.data = split_data,
	.end = split_end,
	.finish = split_finish,
	.free = split_free,
};

/* Create dir when missing (one level) and open it. */
static int
open_dir(const char *dir, sg_err *e)
{
	int fd, err;

	if (*dir == '\0')
		return sg_err_set(e, SG_EUSAGE, "split directory: empty name");
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		err = errno;
		return sg_err_set(e, SG_EIO, "cannot create directory '%s': %s", dir, strerror(err));
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == ENOTDIR)
			return sg_err_set(e, SG_EIO, "'%s' is not a directory", dir);
		return sg_err_set(e, SG_EIO, "cannot open directory '%s': %s", dir, strerror(err));
	}
	return fd;
}

sg_sink *
sg_sink_split_new(const char *dir, const char *template, int out_fd, int sep, sg_err *e)
{
	split_sink *s;
	size_t dlen;

	if (sep != '\n' && sep != '\0') {
		sg_err_set(e, SG_EINTERNAL, "split: separator must be newline or NUL");
		return NULL;
	}
	if (template == NULL)
		template = SG_SPLIT_TEMPLATE_DEFAULT;
	s = calloc(1, sizeof *s);
	if (s == NULL) {
		sg_err_set(e, SG_ENOMEM, "out of memory");
		return NULL;
	}
	s->base.ops = &split_ops;
	s->dirfd = -1;
	s->out_fd = out_fd;
	s->sep = (char)sep;
	s->tmpl = strdup(template);
	if (s->tmpl == NULL) {
		sg_err_set(e, SG_ENOMEM, "out of memory");
		goto fail;
	}
	if (parse_template(s, template, e) != 0)
		goto fail;
	/* DIR as given, then '/' unless it ends in one already: "out" and
	 * "out/" both print "out/NAME", "/" prints "/NAME". */
	dlen = strlen(dir);
	s->path = malloc(dlen + 1 + NAME_MAX + 2);
	if (s->path == NULL) {
		sg_err_set(e, SG_ENOMEM, "out of memory");
		goto fail;
	}
	memcpy(s->path, dir, dlen);
	if (dlen == 0 || s->path[dlen - 1] != '/')
		s->path[dlen++] = '/';
	s->path[dlen] = '\0';
	s->prefix = dlen;
	if ((s->dirfd = open_dir(dir, e)) < 0) {
		s->dirfd = -1;
		goto fail;
	}
	return &s->base;
fail:
	split_free(&s->base);
	return NULL;
}
