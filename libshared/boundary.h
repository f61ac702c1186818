/* boundary.h: the chunking strategies behind one small interface.
 *
 * A strategy knows where records end. The chunker (chunker.h) hands it a
 * window of pending bytes and asks for the best cut; the strategy never sees
 * the frames. A new strategy is a new boundary_<name>.c with one
 * sg_boundary_ops, listed in boundary.c.
 */
#ifndef SG_BOUNDARY_H
#define SG_BOUNDARY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct sg_boundary_ops {
	const char *name;
	const char *summary;   /* one line for --help */
	int has_records;       /* whether --records means anything */
	size_t state_size;     /* bytes of per-source state, may be 0 */

	/* Start a new source. st points to state_size zeroed bytes. */
	void (*reset)(void *st);

	/* The best cut in the window buf[0..len): the largest p in 1..len
	 * at which a record ends, such that buf[0..p) holds at most
	 * max_records records (0: no limit). avail >= len bytes are
	 * readable at buf, as lookahead. If eof, the input ends at avail.
	 * Returns 0 when no record ends in the window. buf[0] always starts
	 * a record, or continues one cut as oversize. */
	size_t (*find)(void *st, const unsigned char *buf, size_t len, size_t avail,
		       int eof, uint64_t max_records);

	/* The chunker emitted buf[0..n): strategies that cache scan state
	 * rebase it. May be NULL. */
	void (*consumed)(void *st, size_t n);
} sg_boundary_ops;

/* The strategy named name, or NULL. */
const sg_boundary_ops *sg_boundary_lookup(const char *name);

/* All strategies, NULL-terminated, in the order --help lists them. */
extern const sg_boundary_ops *const sg_boundary_all[];

extern const sg_boundary_ops sg_boundary_bytes;
extern const sg_boundary_ops sg_boundary_utf8;
extern const sg_boundary_ops sg_boundary_lines;

#endif
