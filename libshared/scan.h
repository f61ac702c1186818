/* scan.h: follows a stream of sg frames as it passes by, without holding it.
 *
 * A pass-through tool (sg-progress) reads a block, writes it on unchanged
 * and hands the same block to the scanner, which calls back once per frame:
 *
 *   s = sg_scan_new(on_frame, ctx);
 *   while ((n = read(fd, buf, sizeof buf)) > 0) {
 *           write n bytes of buf to stdout;
 *           sg_scan_feed(s, buf, n, e);       calls on_frame per frame
 *   }
 *   sg_scan_finish(s, e);                     truncated inside a frame?
 *
 * Memory is bounded whatever the stream holds: one header (at most
 * SG_FRAME_HDR_MAX bytes) and one metadata payload (at most
 * SG_FRAME_META_MAX) are gathered across block boundaries, about 72 KiB in
 * all; DATA payloads (up to SG_FRAME_STORED_MAX) are passed over by
 * counting, never buffered or read.
 *
 * The scanner checks what reader.h checks of a header (magic, header
 * checksum, version, limits, lengths), and the checksum and syntax of each
 * metadata payload. It does not check DATA payloads (that is sg-decode's
 * job: here it would cost a pass over every byte), nor the order of frames
 * (verify.h). NDJSON frames are not sg frames to the scanner:
 * sg_scan_looks_like_frames() tells the two apart.
 */
#ifndef SG_SCAN_H
#define SG_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "frame.h"
#include "meta.h"

typedef struct sg_scan sg_scan;

/* Called once per frame when its header (and, for BEGIN, END and PROGRESS,
 * its metadata payload) has passed. m is the parsed metadata for BEGIN,
 * END and PROGRESS, NULL for DATA and unknown types. at is the frame's byte
 * offset in the input. Returns 0 or a negative SG_E* code, which stops
 * the scan and is returned by sg_scan_feed. h and m are valid during the
 * call only. */
typedef int (*sg_scan_fn)(void *ctx, const sg_frame_hdr *h, const sg_meta *m,
			  uint64_t at, sg_err *e);

/* A scanner at the start of a stream, calling fn(ctx, ...). NULL when out
 * of memory. */
sg_scan *sg_scan_new(sg_scan_fn fn, void *ctx);
void sg_scan_free(sg_scan *s);

/* Follow n more bytes. Returns 0, SG_EDATA (the bytes are not sg frames,
 * or a header or metadata checksum fails) with e naming the frame number
 * and offset (sg_err_at), or the callback's code. After an error the
 * scanner is spent: further calls return the same code, and e again. */
int sg_scan_feed(sg_scan *s, const unsigned char *p, size_t n, sg_err *e);

/* The input ended: 0 at a frame boundary, SG_EDATA when it ended inside
 * a frame ("truncated"), with e naming that frame; a spent scanner's
 * code. */
int sg_scan_finish(sg_scan *s, sg_err *e);

/* Bytes followed so far (after an error: up to where the scan stopped),
 * and frames whose header has passed. */
uint64_t sg_scan_offset(const sg_scan *s);
uint64_t sg_scan_frames(const sg_scan *s);

/* Whether p[0..n) starts like an sg frame stream (the magic; n >= 4, else
 * 0), for telling sg streams from other bytes. */
int sg_scan_looks_like_frames(const unsigned char *p, size_t n);

#endif
