#include "size.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Digits only, into *out; the end of the digits in *end. */
static int
parse_digits(const char *s, uint64_t *out, const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -2;
		v = v * 10 + d;
	}
	*out = v;
	*end = p;
	return 0;
}

/* K, M, G, T in either case, alone or followed by B or iB: powers of 1024. */
static int
suffix_shift(const char *p, unsigned *shift)
{
	static const char units[] = "kmgt";
	const char *u;

	if (*p == '\0' || strcmp(p, "B") == 0) {
		*shift = 0;
		return 0;
	}
	if ((u = strchr(units, tolower((unsigned char)*p))) == NULL)
		return -1;
	p++;
	if (*p != '\0' && strcmp(p, "B") != 0 && strcmp(p, "iB") != 0)
		return -1;
	*shift = 10 * (unsigned)(u - units + 1);
	return 0;
}

static int
range_check(const char *s, uint64_t v, uint64_t min, uint64_t max, sg_err *e)
{
	if (v < min || v > max)
		return sg_err_set(e, SG_EUSAGE, "'%s' is out of range (%llu..%llu)", s,
		    (unsigned long long)min, (unsigned long long)max);
	return 0;
}

int
sg_size_parse(const char *s, uint64_t min, uint64_t max, uint64_t *out, sg_err *e)
{
	const char *end;
	uint64_t v;
	unsigned shift;
	int rc = parse_digits(s, &v, &end);

	if (rc == -2)
		return sg_err_set(e, SG_EUSAGE, "'%s' is too large", s);
	if (rc < 0 || suffix_shift(end, &shift) < 0)
		return sg_err_set(e, SG_EUSAGE,
		    "'%s' is not a size (digits with an optional K, M, G or T suffix)", s);
	if (shift > 0 && v > (UINT64_MAX >> shift))
		return sg_err_set(e, SG_EUSAGE, "'%s' is too large", s);
	v <<= shift;
	if ((rc = range_check(s, v, min, max, e)) < 0)
		return rc;
	*out = v;
	return 0;
}

int
sg_count_parse(const char *s, uint64_t min, uint64_t max, uint64_t *out, sg_err *e)
{
	const char *end;
	uint64_t v;
	int rc = parse_digits(s, &v, &end);

	if (rc == -2)
		return sg_err_set(e, SG_EUSAGE, "'%s' is too large", s);
	if (rc < 0 || *end != '\0')
		return sg_err_set(e, SG_EUSAGE, "'%s' is not a whole number", s);
	if ((rc = range_check(s, v, min, max, e)) < 0)
		return rc;
	*out = v;
	return 0;
}

char *
sg_size_format(uint64_t n, char *buf, size_t cap)
{
	static const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)n;
	unsigned u = 0;

	/* 1023.95 and up would print as 1024.0 of the smaller unit. */
	while (v >= 1023.95 && u + 1 < sizeof unit / sizeof unit[0]) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, cap, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, cap, "%.1f %s", v, unit[u]);
	return buf;
}

int
sg_seconds_parse(const char *opt, const char *s, double min, double max, double *out,
		 sg_err *e)
{
	char *end;
	double v;

	if (strspn(s, "0123456789.") != strlen(s) || strchr(s, '.') != strrchr(s, '.'))
		goto bad;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !(v >= min && v <= max))
		goto bad;
	*out = v;
	return 0;
bad:
	return sg_err_set(e, SG_EUSAGE, "%s takes seconds from %g to %g, not '%s'",
	    opt, min, max, s);
}
