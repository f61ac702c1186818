/* json.h: writing JSON text for --list and other NDJSON output. */
#ifndef SG_JSON_H
#define SG_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Write s[0..len) as a JSON string, quotes included. Valid UTF-8 passes
 * through; control characters are escaped; each byte that is not part of a
 * valid character becomes U+FFFD, so the output is always valid JSON. */
void sg_json_string(FILE *out, const char *s, size_t len);

#endif
