/* Fuzz target: the resume checkpoint parser (checkpoint.h).
 *
 * Whatever the input, parse either refuses it as bad data with a message
 * naming the line (or the size), or accepts it; and the parser accepts
 * only the one spelling that format writes, so an accepted input must
 * come back from format byte for byte, and parse again to the same text.
 *
 * A mutated checkpoint almost never keeps a right sum, so each input is
 * also tried resealed: its last "sum " line rewritten with the sum of the
 * bytes before it. That lets the fuzzer reach past the sum and check the
 * one-spelling rule on texts no writer made. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "sum.h"

static void
check(const char *data, size_t size)
{
	static sg_ckpt c, back;
	static char out[SG_CKPT_MAX], again[SG_CKPT_MAX];
	sg_err e;
	int n, m;

	sg_err_clear(&e);
	if (sg_ckpt_parse(data, size, &c, &e) < 0) {
		if (e.code != SG_EDATA || (strncmp(e.msg, "line ", 5) != 0 &&
		    strstr(e.msg, "larger than") == NULL))
			abort(); /* bad data, with the line it is on */
		return;
	}
	n = sg_ckpt_format(&c, out, sizeof out, &e);
	if (n < 0)
		abort(); /* what parse accepts can be written */
	if ((size_t)n != size || memcmp(out, data, size) != 0)
		abort(); /* an accepted text is the one format writes */
	if (sg_ckpt_parse(out, (size_t)n, &back, &e) < 0)
		abort();
	m = sg_ckpt_format(&back, again, sizeof again, &e);
	if (m != n || memcmp(out, again, (size_t)n) != 0)
		abort(); /* the canonical form is stable */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char copy[SG_CKPT_MAX + 1];
	size_t i;

	check((const char *)data, size);
	if (size > sizeof copy)
		return 0;
	memcpy(copy, data, size);
	for (i = size; i-- > 0;) {
		if (copy[i] == '\n' && size - i > 20 && memcmp(copy + i + 1, "sum ", 4) == 0) {
			char hex[17];

			snprintf(hex, sizeof hex, "%016llx",
			    (unsigned long long)sg_sum(copy, i + 1));
			memcpy(copy + i + 5, hex, 16);
			check(copy, size);
			break;
		}
	}
	return 0;
}
