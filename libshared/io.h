/* io.h: reading and writing file descriptors without surprises: EINTR is
 * retried, short writes are finished, a vanished reader is SG_EPIPE. */
#ifndef SG_IO_H
#define SG_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "err.h"
#include "frame.h"

/* read(2), retried on EINTR. Returns bytes read, 0 at end, or SG_EIO. */
ssize_t sg_io_read(int fd, void *buf, size_t n, sg_err *e);

/* Write all of buf, or all iovecs (which it may modify). Returns 0,
 * SG_EPIPE when the reader went away, or SG_EIO. */
int sg_io_write_all(int fd, const void *buf, size_t n, sg_err *e);
int sg_io_writev_all(int fd, struct iovec *iov, int cnt, sg_err *e);

/* Whether fd is a live input (pipe, socket, terminal): one whose records
 * must be passed on as soon as nothing more is waiting. */
int sg_io_is_live(int fd);

/* Whether reading fd now would not block (data or end of input waiting). */
int sg_io_input_waiting(int fd);

/* Open path for reading; "-" is stdin. Returns the fd, or SG_EOPEN with a
 * message from errno. */
int sg_io_open_input(const char *path, sg_err *e);

/* Grow the pipe buffer of fd when it is a pipe, so one frame moves in one
 * write. Harmless if fd is not a pipe or the kernel refuses. */
void sg_io_widen_pipe(int fd, size_t bytes);

/* An sg_emit_fn (chunker.h) writing each frame to the fd in ctx (an int *)
 * with one writev: header and payload, no copy. */
int sg_io_emit_frame(void *ctx, const sg_frame_hdr *h, const unsigned char *payload,
		     sg_err *e);

/* Frames written through a small buffer: a frame that fits is copied in,
 * a larger one goes out with one writev after what is held. For many
 * small sources (a tar of small files), where one write per frame would
 * cost more than the data. The owner flushes before it may block on
 * input (a live stream must not wait in the buffer) and before it exits,
 * also after an error, so every frame emitted is written. */
#define SG_IO_OUT_BUF (64u << 10)

typedef struct sg_io_out {
	int fd;
	size_t len;
	unsigned char buf[SG_IO_OUT_BUF];
} sg_io_out;

/* An sg_emit_fn with ctx an sg_io_out *. */
int sg_io_emit_buffered(void *ctx, const sg_frame_hdr *h, const unsigned char *payload,
			sg_err *e);

/* Write what is held. Returns 0, SG_EPIPE or SG_EIO. */
int sg_io_out_flush(sg_io_out *o, sg_err *e);

#endif
