/* diag.h: how the tools talk to the user. Used by cmd/ only: the library
 * itself never prints. Every message is one line on stderr:
 *   sg-decode: FILE: frame 12 at offset 1048576: payload checksum mismatch
 */
#ifndef SG_DIAG_H
#define SG_DIAG_H

#include <stdio.h>

#include "err.h"

#define SG_VERSION "0.1.0"

/* Set the program name once, from argv[0]'s last component, and point
 * argv[0] at it so that getopt's messages use the same name. */
void sg_diag_init(char *argv[]);
const char *sg_progname(void);

/* How messages name an input: "(stdin)" for "-", else the path. */
const char *sg_display_name(const char *path);

/* "prog: msg" */
void sg_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "prog: what: [frame N at offset X: ]msg" for an sg_err. Says nothing
 * for SG_EPIPE (the reader went away, as with head). Returns the exit
 * status for e. */
int sg_report(const char *what, const sg_err *e);

/* A usage error: e's message (when not NULL), the synopsis, and "Try
 * 'prog --help' for more.", all on stderr. Returns the usage exit status. */
int sg_usage_error(const sg_err *e, void (*synopsis)(FILE *out));

/* Print "prog (sg) VERSION" to stdout. */
void sg_print_version(void);

/* Refuse binary output to a terminal, as zstd does: returns 0 when fd 1 is
 * not a terminal, else reports and returns the usage exit status. */
int sg_refuse_tty_output(void);

#endif
