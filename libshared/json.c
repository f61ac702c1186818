#include "json.h"

#include <stdio.h>
#include <string.h>

#include "utf8.h"

/* Bytes that pass through a JSON string unescaped. */
static int
plain(unsigned char b)
{
	return b >= 0x20 && b < 0x80 && b != '"' && b != '\\';
}

int
sg_json_string(sg_buf *out, const void *s, size_t len, sg_err *e)
{
	const unsigned char *p = s;
	size_t i = 0;
	int rc;

	/* Worst case: every byte becomes \ufffd (6 bytes), plus quotes. */
	if (len > (SIZE_MAX - 2) / 6 - out->len)
		return sg_err_set(e, SG_ENOMEM, "string too long for JSON");
	if ((rc = sg_buf_reserve(out, out->len + 6 * len + 2, e)) < 0)
		return rc;
	unsigned char *o = out->p + out->len;

	*o++ = '"';
	while (i < len) {
		unsigned char b = p[i];
		size_t u;

		if (plain(b)) {
			size_t run = i + 1;

			while (run < len && plain(p[run]))
				run++;
			memcpy(o, p + i, run - i);
			o += run - i;
			i = run;
		} else if (b == '"' || b == '\\') {
			*o++ = '\\';
			*o++ = b;
			i++;
		} else if (b < 0x20) {
			*o++ = '\\';
			switch (b) {
			case '\n': *o++ = 'n'; break;
			case '\r': *o++ = 'r'; break;
			case '\t': *o++ = 't'; break;
			default:
				o += snprintf((char *)o, 6, "u%04x", b);
				break;
			}
			i++;
		} else if ((u = sg_utf8_unit(p + i, len - i)) > 1) {
			memcpy(o, p + i, u);
			o += u;
			i += u;
		} else {
			memcpy(o, "\\ufffd", 6);
			o += 6;
			i++;
		}
	}
	*o++ = '"';
	out->len = (size_t)(o - out->p);
	return 0;
}
