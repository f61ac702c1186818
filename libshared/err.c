#include "err.h"

#include <stdarg.h>
#include <stdio.h>

void
sg_err_clear(sg_err *e)
{
	e->code = SG_OK;
	e->frame = SG_NOPOS;
	e->offset = SG_NOPOS;
	e->msg[0] = '\0';
}

static int
err_vset(sg_err *e, int code, uint64_t frame, uint64_t offset,
	 const char *fmt, va_list ap)
{
	e->code = code;
	e->frame = frame;
	e->offset = offset;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	return code;
}

int
sg_err_set(sg_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, SG_NOPOS, SG_NOPOS, fmt, ap);
	va_end(ap);
	return code;
}

int
sg_err_at(sg_err *e, int code, uint64_t frame, uint64_t offset,
	  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, frame, offset, fmt, ap);
	va_end(ap);
	return code;
}

int
sg_exit_status(int code)
{
	switch (code) {
	case SG_OK:
		return 0;
	case SG_EUSAGE:
		return 64;
	case SG_EDATA:
		return 65;
	case SG_EOPEN:
		return 66;
	case SG_ENOMEM:
		return 71;
	case SG_EIO:
	case SG_EPIPE:
		return 74;
	case SG_ERESUME:
		return 75;
	case SG_ECHILD:
		return 1;
	default:
		return 70;
	}
}
