/* unescape.h: backslash escapes in a separator given on the command line
 * (sg-chunk -d), so that NUL, CR and any byte can be typed. */
#ifndef SG_UNESCAPE_H
#define SG_UNESCAPE_H

#include <stddef.h>

#include "err.h"

/* Decode s into out[0..cap): \0 (NUL), \a \b \t \n \v \f \r, \e (ESC),
 * \\ (backslash), \xHH (one byte, one or two hex digits) and \NNN (one
 * byte, up to three octal digits; \0 is the case of one digit). Any other
 * byte stands for itself. A trailing lone backslash, an unknown escape,
 * \x without a digit, an octal value above 255 or a result longer than
 * cap are errors. Sets *len and returns 0, or SG_EUSAGE. */
int sg_unescape(const char *s, unsigned char *out, size_t cap, size_t *len, sg_err *e);

#endif
