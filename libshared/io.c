#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

ssize_t
sg_io_read(int fd, void *buf, size_t n, sg_err *e)
{
	for (;;) {
		ssize_t r = read(fd, buf, n);

		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		return sg_err_set(e, SG_EIO, "read error: %s", strerror(errno));
	}
}

static int
write_error(sg_err *e)
{
	if (errno == EPIPE)
		return sg_err_set(e, SG_EPIPE, "broken pipe");
	return sg_err_set(e, SG_EIO, "write error: %s", strerror(errno));
}

int
sg_io_write_all(int fd, const void *buf, size_t n, sg_err *e)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return write_error(e);
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
sg_io_writev_all(int fd, struct iovec *iov, int cnt, sg_err *e)
{
	while (cnt > 0) {
		ssize_t w = writev(fd, iov, cnt < IOV_MAX ? cnt : IOV_MAX);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return write_error(e);
		}
		while (cnt > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

int
sg_io_is_live(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return 1;
	return !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode);
}

int
sg_io_input_waiting(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, 0) < 0)
		if (errno != EINTR)
			return 1; /* let read() report the problem */
	return p.revents != 0;
}

int
sg_io_open_input(const char *path, sg_err *e)
{
	struct stat st;
	int fd;

	if (strcmp(path, "-") == 0)
		return 0;
	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return sg_err_set(e, SG_EOPEN, "%s", strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return sg_err_set(e, SG_EOPEN, "is a directory");
	}
	return fd;
}

void
sg_io_widen_pipe(int fd, size_t bytes)
{
#ifdef F_SETPIPE_SZ
	int cur = fcntl(fd, F_GETPIPE_SZ);

	if (cur > 0 && (size_t)cur < bytes)
		(void)fcntl(fd, F_SETPIPE_SZ, (int)bytes);
#else
	(void)fd;
	(void)bytes;
#endif
}

int
sg_io_emit_frame(void *ctx, const sg_frame_hdr *h, const unsigned char *payload,
		 sg_err *e)
{
	unsigned char hdr[SG_FRAME_HDR_LEN];
	struct iovec iov[2];

	sg_frame_encode(h, hdr);
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof hdr;
	iov[1].iov_base = (void *)payload;
	iov[1].iov_len = h->stored;
	return sg_io_writev_all(*(int *)ctx, iov, h->stored ? 2 : 1, e);
}

int
sg_io_out_flush(sg_io_out *o, sg_err *e)
{
	size_t n = o->len;

	o->len = 0;
	return n > 0 ? sg_io_write_all(o->fd, o->buf, n, e) : 0;
}

int
sg_io_emit_buffered(void *ctx, const sg_frame_hdr *h, const unsigned char *payload,
		    sg_err *e)
{
	sg_io_out *o = ctx;
	size_t need = SG_FRAME_HDR_LEN + (size_t)h->stored;
	unsigned char hdr[SG_FRAME_HDR_LEN];
	struct iovec iov[3];
	int cnt = 0;

	if (o->len + need <= sizeof o->buf) {
		sg_frame_encode(h, o->buf + o->len);
		if (h->stored > 0)
			memcpy(o->buf + o->len + SG_FRAME_HDR_LEN, payload, h->stored);
		o->len += need;
		return 0;
	}
	/* Too big to hold: out in one writev with what is held. */
	sg_frame_encode(h, hdr);
	if (o->len > 0) {
		iov[cnt].iov_base = o->buf;
		iov[cnt++].iov_len = o->len;
	}
	iov[cnt].iov_base = hdr;
	iov[cnt++].iov_len = sizeof hdr;
	if (h->stored > 0) {
		iov[cnt].iov_base = (void *)payload;
		iov[cnt++].iov_len = h->stored;
	}
	o->len = 0;
	return sg_io_writev_all(o->fd, iov, cnt, e);
}
