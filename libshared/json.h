/* json.h: writing JSON text for --list, --json and other NDJSON output. */
#ifndef SG_JSON_H
#define SG_JSON_H

#include <stddef.h>

#include "buf.h"

/* Append s[0..len) as a JSON string, quotes included. Valid UTF-8 passes
 * through; '"', '\\' and control characters are escaped; each byte that is
 * not part of a valid character becomes U+FFFD, so the output is always
 * valid JSON (and exact whenever sg_utf8_valid(s, len)). 0 or SG_ENOMEM. */
int sg_json_string(sg_buf *out, const void *s, size_t len, sg_err *e);

#endif
