/* input.h: one input of sg-chunk (a file, or stdin) as the sources in it.
 *
 * A plain input is one source, read straight from its file descriptor:
 * the fast path, no library in between. A compressed input (gzip, bzip2,
 * xz, lzma, lzip, lzop, zstd, lz4, compress, ... whatever the installed
 * libarchive reads) is one source of the decompressed bytes. An archive
 * (tar in its variants, zip, cpio, 7z, ISO 9660, ar, cab, rar, xar, lha,
 * compressed or not) is one source per regular-file entry; directories and
 * other entries are skipped and counted.
 *
 * Detection is libarchive's. A regular file is probed in place (seekable,
 * so zip's central directory and 7z work) and rewound when plain. Any
 * other input (a pipe, a terminal, a device) is probed on the bytes that
 * have already arrived, at most SG_INPUT_PROBE_MAX, without waiting for
 * more, so a live stream is never held back; those bytes are then read
 * again from memory. Only a compressed start that does not decode yet (a
 * bzip2 or lz4 block is decoded whole) waits for more, up to
 * SG_INPUT_PROBE_GROW. An input whose first 512 bytes are all zero is plain
 * (tar would call it an empty archive).
 *
 *   in = sg_input_open(path, flags, e);
 *   while ((rc = sg_input_next(in, &meta, e)) == 1)
 *       while ((n = sg_input_read(in, buf, size, e)) > 0) ...
 */
#ifndef SG_INPUT_H
#define SG_INPUT_H

#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "meta.h"

#define SG_INPUT_PROBE_MAX (64u << 10)
#define SG_INPUT_PROBE_GROW (8u << 20) /* a compressed start that does not
                                        * decode yet may wait for this much */

enum sg_input_flag {
	SG_INPUT_NO_ARCHIVE = 1u << 0,    /* --raw: an archive is one source */
	SG_INPUT_NO_DECOMPRESS = 1u << 1, /* --no-decompress: read bytes as they are */
};

enum sg_input_kind {
	SG_INPUT_PLAIN,      /* read straight from the fd */
	SG_INPUT_COMPRESSED, /* one source, decompressed by libarchive */
	SG_INPUT_ARCHIVE,    /* one source per regular-file entry */
};

typedef struct sg_input sg_input;

/* Open path ("-" is stdin) and find out what it holds. NULL with e set:
 * SG_EOPEN when it cannot be opened, SG_EDATA when it is compressed or
 * archived but unreadable from the start, SG_ENOMEM. */
sg_input *sg_input_open(const char *path, unsigned flags, sg_err *e);

/* Close the input (not stdin's descriptor). NULL is fine. */
void sg_input_close(sg_input *in);

enum sg_input_kind sg_input_kind(const sg_input *in);

/* The descriptor the bytes come from: for the live-input checks, and
 * for --part's preads on a plain regular file. */
int sg_input_fd(const sg_input *in);

/* Move to the next source and describe it in m (cleared first): name,
 * and size, mtime and mode where known. Returns 1, 0 when the input holds
 * no more sources, or a negative SG_E* code with e naming the entry. */
int sg_input_next(sg_input *in, sg_meta *m, sg_err *e);

/* Read up to n bytes of the current source into buf. Returns the bytes
 * read, 0 at its end, or a negative SG_E* code with e naming the entry. */
ssize_t sg_input_read(sg_input *in, void *buf, size_t n, sg_err *e);

/* A plain regular file only: continue reading at byte off (--part). */
int sg_input_seek(sg_input *in, uint64_t off, sg_err *e);

/* For compressed and archived input: bytes of the underlying input
 * consumed so far, and its size (UINT64_MAX when unknown). Returns 0 for
 * a plain input, which has no such progress to report, else 1. */
int sg_input_progress(const sg_input *in, uint64_t *consumed, uint64_t *total);

/* Archive entries skipped: directories, and everything else that is not
 * a regular file with data (symbolic and hard links, devices, fifos). */
void sg_input_skipped(const sg_input *in, uint64_t *dirs, uint64_t *others);

/* What libarchive calls the compression and the format ("gzip",
 * "GNU tar format"), for messages; "none"/"plain" for plain input. */
const char *sg_input_filter_name(const sg_input *in);
const char *sg_input_format_name(const sg_input *in);

#endif
