#include "unescape.h"

#include <string.h>

static int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The escape at s (after the backslash): its byte, and how many
 * characters it took; -1 when it is not an escape. */
static int
escape(const char *s, unsigned *byte, size_t *used)
{
	static const char from[] = "abtnvfre\\", to[] = "\a\b\t\n\v\f\r\033\\";
	const char *p;
	unsigned v = 0;
	size_t i;

	if (*s == 'x') {
		for (i = 1; i <= 2 && hex_digit(s[i]) >= 0; i++)
			v = v * 16 + (unsigned)hex_digit(s[i]);
		if (i == 1)
			return -1;
		*byte = v;
		*used = i;
		return 0;
	}
	if (*s >= '0' && *s <= '7') {
		for (i = 0; i < 3 && s[i] >= '0' && s[i] <= '7'; i++)
			v = v * 8 + (unsigned)(s[i] - '0');
		if (v > 255)
			return -1;
		*byte = v;
		*used = i;
		return 0;
	}
	if (*s == '\0' || (p = strchr(from, *s)) == NULL)
		return -1;
	*byte = (unsigned char)to[p - from];
	*used = 1;
	return 0;
}

int
sg_unescape(const char *s, unsigned char *out, size_t cap, size_t *len, sg_err *e)
{
	const char *start = s;
	size_t n = 0;

	while (*s != '\0') {
		unsigned byte = (unsigned char)*s;
		size_t used = 1;

		if (*s == '\\') {
			if (escape(s + 1, &byte, &used) < 0)
				return sg_err_set(e, SG_EUSAGE, "bad escape '\\%.1s' in '%s' "
				    "(known: \\0 \\t \\n \\r \\\\ \\xHH \\NNN ...)", s + 1, start);
			used++;
		}
		if (n == cap)
			return sg_err_set(e, SG_EUSAGE, "'%s' is longer than %zu bytes", start, cap);
		out[n++] = (unsigned char)byte;
		s += used;
	}
	*len = n;
	return 0;
}
