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
 */
#ifndef SG_LIST_H
#define SG_LIST_H

#include <stdio.h>

#include "meta.h"
#include "reader.h"

/* Write f (and m, its parsed metadata, for BEGIN/END/PROGRESS) as one line. */
void sg_list_frame(FILE *out, const sg_frame *f, const sg_meta *m);

#endif
