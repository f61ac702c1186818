/* err.h: how libshared reports failure.
 *
 * The library never prints and never exits. A function that can fail returns
 * 0 (or a count) on success and a negative SG_E* code on failure, and fills an
 * sg_err with a message and, where it applies, the frame number and the byte
 * offset in the input where the defect was found. Only cmd/ turns that into a
 * line on stderr and an exit status (see sg_exit_status()).
 */
#ifndef SG_ERR_H
#define SG_ERR_H

#include <stdint.h>

enum sg_errcode {
	SG_OK = 0,
	SG_EUSAGE = -1,    /* a bad option value or combination */
	SG_EDATA = -2,     /* bad input data: corrupt frame, malformed record */
	SG_EOPEN = -3,     /* an input cannot be opened */
	SG_EIO = -4,       /* a read or write failed */
	SG_ENOMEM = -5,    /* an allocation failed */
	SG_ERESUME = -6,   /* resume refused: the input or options changed */
	SG_EPIPE = -7,     /* the reader went away; not worth a message */
	SG_EINTERNAL = -8, /* a bug: an invariant did not hold */
	SG_ECHILD = -9,    /* a command run for the user failed; the caller
	                    * passes on the command's own exit status */
};

/* Unknown position: the frame or offset fields of an sg_err do not apply. */
#define SG_NOPOS UINT64_MAX

typedef struct sg_err {
	int code;        /* an SG_E* code, or SG_OK */
	uint64_t frame;  /* frame number in the input, or SG_NOPOS */
	uint64_t offset; /* byte offset in the input, or SG_NOPOS */
	char msg[256];
} sg_err;

/* Reset e to "no error". */
void sg_err_clear(sg_err *e);

/* Record an error with no position and return code, so callers can write
 * `return sg_err_set(e, SG_EDATA, "...")`. The message is printf-formatted. */
int sg_err_set(sg_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record an error found in frame `frame` at input byte `offset`. */
int sg_err_at(sg_err *e, int code, uint64_t frame, uint64_t offset,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The exit status for an error code, from the suite's one table:
 * 0 success, 64 usage, 65 bad input data, 66 cannot open input,
 * 70 internal error, 71 out of memory, 74 I/O error, 75 resume refused. */
int sg_exit_status(int code);

#endif
