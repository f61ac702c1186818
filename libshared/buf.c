#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_ALIGN 4096u
#define BUF_MIN 4096u
#define BUF_BIG (1u << 20)

int
sg_buf_reserve(sg_buf *b, size_t n, sg_err *e)
{
	size_t cap;
	void *p;

	if (n <= b->cap)
		return 0;
	/* Double while small; past 1 MiB grow by a quarter, so a big
	 * buffer overshoots what it needs by little. */
	cap = b->cap < BUF_MIN ? BUF_MIN : b->cap;
	while (cap < n)
		cap = cap > SIZE_MAX / 2 ? n : cap < BUF_BIG ? cap * 2 : cap + cap / 4;
	if (n <= b->commit)
		cap = b->commit;
	if (posix_memalign(&p, BUF_ALIGN, cap) != 0)
		return sg_err_set(e, SG_ENOMEM, "out of memory for %zu bytes", n);
	if (b->len != 0)
		memcpy(p, b->p, b->len);
	if (b->commit != 0)
		memset((unsigned char *)p + b->len, 0, cap - b->len);
	free(b->p);
	b->p = p;
	b->cap = cap;
	return 0;
}

int
sg_buf_append(sg_buf *b, const void *p, size_t n, sg_err *e)
{
	int rc;

	if (n > SIZE_MAX - b->len)
		return sg_err_set(e, SG_ENOMEM, "buffer size overflow");
	if ((rc = sg_buf_reserve(b, b->len + n, e)) < 0)
		return rc;
	if (n != 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

int
sg_buf_printf(sg_buf *b, sg_err *e, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return sg_err_set(e, SG_EINTERNAL, "bad format");
	if ((rc = sg_buf_reserve(b, b->len + (size_t)n + 1, e)) < 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
sg_buf_trim(sg_buf *b, size_t keep)
{
	b->len = 0;
	if (b->cap > keep) {
		free(b->p);
		b->p = NULL;
		b->cap = 0;
	}
}

void
sg_buf_free(sg_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
