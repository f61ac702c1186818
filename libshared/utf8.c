#include "utf8.h"

#include <stdint.h>
#include <string.h>

/* Expected length of a sequence from its lead byte, 0 if it cannot lead. */
static size_t
lead_len(unsigned char b)
{
	if (b < 0x80)
		return 1;
	if (b >= 0xC2 && b <= 0xDF)
		return 2;
	if (b >= 0xE0 && b <= 0xEF)
		return 3;
	if (b >= 0xF0 && b <= 0xF4)
		return 4;
	return 0;
}

/* Whether b may follow lead as the second byte (RFC 3629 table). */
static int
second_ok(unsigned char lead, unsigned char b)
{
	switch (lead) {
	case 0xE0: return b >= 0xA0 && b <= 0xBF;
	case 0xED: return b >= 0x80 && b <= 0x9F;
	case 0xF0: return b >= 0x90 && b <= 0xBF;
	case 0xF4: return b >= 0x80 && b <= 0x8F;
	default: return (b & 0xC0) == 0x80;
	}
}

/* How many bytes after the lead at buf[0] (within len) are valid
 * continuation bytes, up to want-1. */
static size_t
valid_tail(const unsigned char *buf, size_t len, size_t want)
{
	size_t i;

	for (i = 1; i < want && i < len; i++) {
		if (i == 1 ? !second_ok(buf[0], buf[1]) : (buf[i] & 0xC0) != 0x80)
			break;
	}
	return i;
}

size_t
sg_utf8_unit(const unsigned char *buf, size_t len)
{
	size_t want, got;

	if (len == 0)
		return 0;
	want = lead_len(buf[0]);
	if (want <= 1)
		return 1;
	got = valid_tail(buf, len, want);
	if (got == want)
		return want;
	if (got == len)
		return 0;  /* valid so far, cut short by the window */
	return 1;
}

size_t
sg_utf8_cut_ahead(const unsigned char *buf, size_t len, size_t avail, int eof)
{
	size_t back;

	/* A character straddling len has its lead at most 3 bytes back. */
	for (back = 1; back <= 3 && back <= len; back++) {
		size_t i = len - back, want, got;

		if ((buf[i] & 0xC0) == 0x80)
			continue;
		want = lead_len(buf[i]);
		if (want <= back)
			return len;
		got = valid_tail(buf + i, avail - i, want);
		if (got == want || (got == avail - i && !eof))
			return i; /* a character, or maybe one: keep it whole */
		return len;   /* invalid bytes: units of one */
	}
	return len;
}

size_t
sg_utf8_cut(const unsigned char *buf, size_t len, int eof)
{
	return sg_utf8_cut_ahead(buf, len, len, eof);
}

int
sg_utf8_valid(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i = 0;

	while (i < len) {
		size_t u;

		/* ASCII runs, eight bytes at a time. */
		while (i + 8 <= len) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if (w & UINT64_C(0x8080808080808080))
				break;
			i += 8;
		}
		if (i == len)
			break;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		u = sg_utf8_unit(p + i, len - i);
		if (u < 2)
			return 0;
		i += u;
	}
	return 1;
}
