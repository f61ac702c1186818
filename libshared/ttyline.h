/* ttyline.h: one status line per process on a terminal that several
 * processes share (two sg-progress in one pipeline).
 *
 * Each process claims a slot in a small registry file for its terminal,
 * under flock(2), and reserves its line by writing one newline while it
 * holds the lock: slot k's line is then N - k lines above the cursor,
 * where N is the number of slots claimed. Every redraw is one write(2):
 * save the cursor, move up to the line, rewrite it, erase the rest,
 * restore the cursor. The terminal's modes are never changed, so
 * whatever stops the process (Ctrl-C included) leaves it usable, with the
 * cursor below every line. A slot is kept until every process that
 * claimed one on this terminal has gone, so that lines never move; the
 * next pipeline then starts afresh.
 *
 * The registry is $XDG_RUNTIME_DIR/sg-progress-DEV (or /tmp/sg-progress-
 * UID-DEV), DEV the terminal's device number in hex.
 */
#ifndef SG_TTYLINE_H
#define SG_TTYLINE_H

#include <stddef.h>

#include "err.h"

typedef struct sg_ttyline sg_ttyline;

/* Claim a line on the terminal open as fd. NULL with e set when fd is not
 * a terminal or the registry cannot be used; the caller then writes
 * plain lines instead. */
sg_ttyline *sg_ttyline_open(int fd, sg_err *e);

/* Rewrite this process's line with text (no newline, no escapes, at most
 * the terminal's width). Returns 0 or SG_EIO. */
int sg_ttyline_draw(sg_ttyline *t, const char *text, size_t len);

/* The terminal's width in columns (80 when it cannot tell). */
int sg_ttyline_width(const sg_ttyline *t);

/* Leave the line as last drawn and let go. NULL is fine. */
void sg_ttyline_close(sg_ttyline *t);

#endif
