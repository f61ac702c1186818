/* boundary.h: the chunking strategies behind one small interface.
 *
 * A strategy knows where records end. The chunker (chunker.h) hands it a
 * window of pending bytes and asks for the best cut; the strategy never sees
 * the frames. A new strategy is a new boundary_<name>.c with one
 * sg_boundary_ops, listed in boundary.c.
 *
 * The chunker calls, per source: reset; then find, any number of times,
 * each followed (when it cuts) by flags and consumed for the bytes it
 * emits. A strategy that caches scan state between finds (json, csv, sse,
 * delim, cdc) keeps it relative to buf[0] and rebases it in consumed.
 */
#ifndef SG_BOUNDARY_H
#define SG_BOUNDARY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* What a strategy's options may say; each strategy reads its own. */
typedef struct sg_boundary_params {
	const unsigned char *delim; /* delim: the separator (-d), unescaped */
	size_t delim_len;
	int json_array;             /* json: --array, always cut between the
	                             * elements of a top-level array */
	int json_validate;          /* json: --validate, RFC 8259 per record */
	int until_done;             /* sse: --until-done, stop after [DONE] */
	uint64_t cdc_min, cdc_avg, cdc_max; /* cdc: sizes (0: the default) */
} sg_boundary_params;

/* Options a strategy accepts (sg_boundary_ops.options); the chunker
 * refuses the others with a usage error. */
enum sg_boundary_option {
	SG_BOPT_DELIM = 1u << 0,
	SG_BOPT_ARRAY = 1u << 1,
	SG_BOPT_VALIDATE = 1u << 2,
	SG_BOPT_UNTIL_DONE = 1u << 3,
	SG_BOPT_CDC = 1u << 4,
	SG_BOPT_HEADER = 1u << 5,   /* --header: repeat the first record */
	SG_BOPT_OVERLAP = 1u << 6,  /* --overlap N */
};

/* How --part finds a part boundary near a byte position, locally. */
enum sg_boundary_part {
	SG_PART_NONE = 0,  /* no local boundary: --part is refused */
	SG_PART_BYTES,     /* a multiple of --size */
	SG_PART_UTF8,      /* the next character boundary */
	SG_PART_LINE,      /* just after the next LF */
	SG_PART_NDJSON,    /* just after the next LF, when the input is NDJSON
	                    * (not one top-level array, no --array) */
	SG_PART_DELIM,     /* just after the next separator */
};

/* cdc sizes when --min, --avg, --max are not given. */
#define SG_CDC_MIN_DEFAULT (256u << 10)
#define SG_CDC_AVG_DEFAULT (1u << 20)
#define SG_CDC_MAX_DEFAULT (4u << 20)

/* find returns this after a data error (json --validate); error() says
 * what and where. */
#define SG_BOUNDARY_FAIL ((size_t)-1)

typedef struct sg_boundary_ops {
	const char *name;
	const char *summary;   /* one line for --help */
	int has_records;       /* whether --records means anything */
	unsigned options;      /* SG_BOPT_* it accepts */
	int part;              /* enum sg_boundary_part */
	size_t state_size;     /* bytes of per-source state, may be 0 */

	/* Check the parameters once, before any source. May be NULL.
	 * Returns 0 or SG_EUSAGE with e set. */
	int (*check)(const sg_boundary_params *p, sg_err *e);

	/* Start a new source. st points to state_size zeroed bytes; p lives
	 * as long as the chunker. May be NULL. */
	void (*reset)(void *st, const sg_boundary_params *p);

	/* The best cut in the window buf[0..len): the largest p in 1..len
	 * at which a record ends, such that buf[0..p) holds at most
	 * max_records records (0: no limit). avail >= len bytes are
	 * readable at buf, as lookahead. If eof, the input ends at avail.
	 * Returns 0 when no record ends in the window, or SG_BOUNDARY_FAIL.
	 * buf[0] always starts a record, or continues one cut as oversize.
	 * Cuts must not depend on how often find was called before. */
	size_t (*find)(void *st, const unsigned char *buf, size_t len, size_t avail,
		       int eof, uint64_t max_records);

	/* Extra SG_FLAG_* bits for the chunk buf[0..n) about to be emitted
	 * (n was returned by find, or is an oversize cut). May be NULL. */
	uint16_t (*flags)(void *st, const unsigned char *buf, size_t n);

	/* The chunker emitted buf[0..n): strategies that cache scan state
	 * rebase it. May be NULL. */
	void (*consumed)(void *st, size_t n);

	/* After SG_BOUNDARY_FAIL: set e (SG_EDATA) naming the record and its
	 * source offset; base is the source offset of the buf[0] that find
	 * saw. May be NULL only if find never fails. */
	int (*error)(void *st, uint64_t base, sg_err *e);

	/* Whether the source is over for this strategy (sse --until-done
	 * after the [DONE] event was consumed): the chunker stops cutting
	 * and drops the rest. May be NULL. */
	int (*stopped)(void *st);

	/* --overlap: how many trailing bytes of the chunk buf[0..n) to
	 * repeat at the start of the next one, at most max, starting at a
	 * character boundary. May be NULL when SG_BOPT_OVERLAP is not set. */
	size_t (*overlap)(const unsigned char *buf, size_t n, size_t max);
} sg_boundary_ops;

/* The strategy named name, or NULL. */
const sg_boundary_ops *sg_boundary_lookup(const char *name);

/* All strategies, NULL-terminated, in the order --help lists them. */
extern const sg_boundary_ops *const sg_boundary_all[];

extern const sg_boundary_ops sg_boundary_bytes;
extern const sg_boundary_ops sg_boundary_utf8;
extern const sg_boundary_ops sg_boundary_lines;
extern const sg_boundary_ops sg_boundary_paragraph;
extern const sg_boundary_ops sg_boundary_json;
extern const sg_boundary_ops sg_boundary_csv;
extern const sg_boundary_ops sg_boundary_sse;
extern const sg_boundary_ops sg_boundary_delim;
extern const sg_boundary_ops sg_boundary_cdc;

#endif
