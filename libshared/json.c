#include "json.h"

#include "utf8.h"

void
sg_json_string(FILE *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	putc('"', out);
	while (i < len) {
		unsigned char b = p[i];
		size_t u;

		if (b == '"' || b == '\\') {
			putc('\\', out);
			putc(b, out);
			i++;
		} else if (b < 0x20) {
			switch (b) {
			case '\n': fputs("\\n", out); break;
			case '\r': fputs("\\r", out); break;
			case '\t': fputs("\\t", out); break;
			default: fprintf(out, "\\u%04x", b); break;
			}
			i++;
		} else if (b < 0x80) {
			putc(b, out);
			i++;
		} else if ((u = sg_utf8_unit(p + i, len - i)) > 1) {
			fwrite(p + i, 1, u, out);
			i += u;
		} else {
			fputs("\\ufffd", out);
			i++;
		}
	}
	putc('"', out);
}
