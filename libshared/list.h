/* list.h: one frame as one line of JSON (NDJSON), the format of
 * `sg-decode --list`. Keys, in order:
 *   frame, at        frame number and byte offset in the input
 *   type             "begin", "data", "end", "progress" or "unknown"
 *   source, seq, offset, size, stored, context
 *   codec            "none", "zstd", "lz4" or "unknown"
 *   flags            array of "oversize", "overlap", "header", "last", and
 *                    "0x...." for bits this version does not know
 *   checksum         payload XXH3-64, 16 hex digits
 * BEGIN adds name, source_size (when known), mtime (RFC 3339, UTC),
 * mode (octal string), strategy, chunk_size, records, oversize.
 * END adds total, frames, source_checksum. PROGRESS adds consumed and
 * input_total (null when unknown). An unknown type adds its numeric "type_id".
 * A BEGIN whose name is not valid UTF-8 adds name_base64, the exact bytes.
 *
 * With the payload (sg-encode --json), a DATA frame is shown as it decodes
 * (codec "none", stored = size) and adds "text", the payload as a JSON
 * string when it is valid UTF-8, else "base64"; an unknown type adds its
 * payload the same way.
 */
#ifndef SG_LIST_H
#define SG_LIST_H

#include "buf.h"
#include "meta.h"
#include "reader.h"

/* Append f as one line to out: m is its parsed metadata (BEGIN, END,
 * PROGRESS); data, when not NULL, is its payload (decoded, f->h.size
 * bytes) to include. Returns 0 or SG_ENOMEM. */
int sg_list_frame(sg_buf *out, const sg_frame *f, const sg_meta *m,
		  const unsigned char *data, sg_err *e);

#endif
