/* size.h: the one strict parser for sizes and counts on the command line.
 * No atoi, no silent wrap-around: junk, signs, overflow and out-of-range
 * values are errors with a message naming the value. */
#ifndef SG_SIZE_H
#define SG_SIZE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Parse a byte size: digits with an optional suffix K, M, G or T (powers of
 * 1024; KiB, MiB, GiB, TiB and a trailing B are accepted too). The result
 * must lie in [min, max]. Returns 0 or SG_EUSAGE. */
int sg_size_parse(const char *s, uint64_t min, uint64_t max, uint64_t *out, sg_err *e);

/* Parse a plain decimal count in [min, max]. Returns 0 or SG_EUSAGE. */
int sg_count_parse(const char *s, uint64_t min, uint64_t max, uint64_t *out, sg_err *e);

/* Parse seconds as a plain decimal (digits and at most one point), in
 * [min, max]. opt names the option in the message. 0 or SG_EUSAGE. */
int sg_seconds_parse(const char *opt, const char *s, double min, double max,
		     double *out, sg_err *e);

/* Format n bytes for people: "1.5 MiB", "512 B". Returns buf. */
char *sg_size_format(uint64_t n, char *buf, size_t cap);

#endif
