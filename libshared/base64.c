#include "base64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
sg_base64_encode(sg_buf *out, const void *p, size_t n, sg_err *e)
{
	const unsigned char *s = p;
	unsigned char *o;
	size_t i, need = (n + 2) / 3 * 4;
	int rc;

	if ((rc = sg_buf_reserve(out, out->len + need, e)) < 0)
		return rc;
	o = out->p + out->len;
	for (i = 0; i + 3 <= n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];

		*o++ = (unsigned char)alphabet[v >> 18];
		*o++ = (unsigned char)alphabet[(v >> 12) & 63];
		*o++ = (unsigned char)alphabet[(v >> 6) & 63];
		*o++ = (unsigned char)alphabet[v & 63];
	}
	if (i < n) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0);

		*o++ = (unsigned char)alphabet[v >> 18];
		*o++ = (unsigned char)alphabet[(v >> 12) & 63];
		*o++ = i + 1 < n ? (unsigned char)alphabet[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	out->len += need;
	return 0;
}

void
sg_base64_dec_init(sg_base64_dec *d)
{
	d->acc = d->nchars = d->pad = 0;
}

static int
value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
sg_base64_dec_feed(sg_base64_dec *d, sg_buf *out, size_t max, const char *s, size_t n,
		   sg_err *e)
{
	size_t i;
	int rc;

	/* Each 4 characters give at most 3 bytes, and nothing is written
	 * past max. */
	size_t want = out->len + n / 4 * 3 + 3;

	if ((rc = sg_buf_reserve(out, want < max ? want : max, e)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int v;

		if (c == '=') {
			if (d->nchars % 4 < 2 || d->pad == 2 ||
			    (d->pad == 1 && d->nchars % 4 != 3))
				return sg_err_set(e, SG_EDATA, "misplaced base64 padding");
			d->pad++;
			d->nchars++;
			if (d->nchars % 4 == 0) {
				/* The last group: 2 or 3 characters of data. */
				unsigned bytes = 3 - d->pad;

				if (out->len + bytes > max)
					return sg_err_set(e, SG_EDATA, "base64 payload exceeds %zu bytes", max);
				out->p[out->len++] = (unsigned char)(d->acc >> (d->pad == 2 ? 4 : 10));
				if (bytes == 2)
					out->p[out->len++] = (unsigned char)(d->acc >> 2);
			}
			continue;
		}
		if (d->pad != 0)
			return sg_err_set(e, SG_EDATA, "base64 data after padding");
		if ((v = value(c)) < 0)
			return sg_err_set(e, SG_EDATA, "invalid base64 character 0x%02x", c);
		d->acc = (d->acc << 6 | (unsigned)v) & 0xFFFFFFu;
		if (++d->nchars % 4 == 0) {
			if (out->len + 3 > max)
				return sg_err_set(e, SG_EDATA, "base64 payload exceeds %zu bytes", max);
			out->p[out->len++] = (unsigned char)(d->acc >> 16);
			out->p[out->len++] = (unsigned char)(d->acc >> 8);
			out->p[out->len++] = (unsigned char)d->acc;
		}
	}
	return 0;
}

int
sg_base64_dec_finish(sg_base64_dec *d, sg_err *e)
{
	if (d->nchars % 4 != 0)
		return sg_err_set(e, SG_EDATA, "base64 length %u is not a multiple of 4", d->nchars);
	return 0;
}
