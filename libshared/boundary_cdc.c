/* cdc: content-defined chunking for deduplication, after FastCDC (Xia et
 * al., USENIX ATC 2016): a gear rolling hash with normalized chunking.
 * Written from the paper's idea; the exact rule below is sg's own, and the
 * cut points it gives are a compatibility promise (sg-chunk(1) cites it):
 * the same bytes and the same --min, --avg, --max cut the same, on every
 * machine, however the input is read.
 *
 * Sizes: min, avg, max (--min, --avg, --max; 0 takes the default 256 KiB,
 * 1 MiB, 4 MiB), with 64 <= min < avg < max <= 64 MiB, avg a power of two.
 *
 * Gear table: gear[i] for i = 0..255 is the (i+1)-th output of splitmix64
 * started from the state 0x73672D6364632D31 (the ASCII of "sg-cdc-1"):
 *
 *     state += 0x9E3779B97F4A7C15;
 *     z = state;
 *     z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
 *     z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
 *     gear[i] = z ^ (z >> 31);
 *
 * Hash: each chunk starts with h = 0 at its first byte, and every byte b of
 * the chunk, in order, updates h = (h << 1) + gear[b] modulo 2^64. After
 * 64 bytes the older ones have been shifted out, so h at a position is a
 * function of the 64 bytes before it alone: once min >= 64 (enforced),
 * whether a position is a cut never depends on where the chunk started,
 * only on the content. (The code therefore skips hashing the first
 * min - 64 bytes of a chunk; the result is the same.)
 *
 * Cut: with h_L the hash after the first L bytes of the chunk, the chunk
 * is the first L with min <= L < max where
 *
 *     L <  avg:  h_L >> (64 - (log2(avg) + 2)) == 0   (stricter: 1 in 4 avg)
 *     L >= avg:  h_L >> (64 - (log2(avg) - 2)) == 0   (looser:   4 in avg)
 *
 * that is, the top log2(avg) + 2 (resp. log2(avg) - 2) bits of h_L are all
 * zero; the top bits are the ones that depend on all 64 bytes. This is
 * normalized chunking level 2: chunk sizes bunch around avg (the mean on
 * random data is about 1.15 avg with min = avg/4, max = 4 avg). If no such
 * L exists the chunk is max bytes; at the end of the input, the rest. The
 * chunker's window is max bytes for cdc, so a full window without a
 * content cut is cut at max (never an oversize record).
 *
 * Speed: one shift, add, table load and test per byte, with no calls and
 * a cached position, so a live input arriving in pieces is hashed once.
 */
#include "boundary.h"

#include "chunker.h"

typedef struct cdc_state {
	uint64_t gear[256];
	size_t min, avg, max;
	uint64_t mask_s;   /* before avg: the top log2(avg) + 2 bits */
	uint64_t mask_l;   /* from avg on: the top log2(avg) - 2 bits */
	/* The scan, relative to buf[0] (the chunk start): h is the hash of
	 * buf[0..pos), no chunk length L < pos is a cut, and cut is pos when
	 * L = pos is one (0 while none is known). */
	size_t pos, cut;
	uint64_t h;
} cdc_state;

#define CDC_SEED 0x73672D6364632D31ull /* "sg-cdc-1" */
#define CDC_WINDOW 64u                 /* bytes that h depends on */

static void
sizes(const sg_boundary_params *p, uint64_t *min, uint64_t *avg, uint64_t *max)
{
	*min = p->cdc_min ? p->cdc_min : SG_CDC_MIN_DEFAULT;
	*avg = p->cdc_avg ? p->cdc_avg : SG_CDC_AVG_DEFAULT;
	*max = p->cdc_max ? p->cdc_max : SG_CDC_MAX_DEFAULT;
}

static unsigned
log2u(uint64_t v)
{
	unsigned n = 0;

	while (v >>= 1)
		n++;
	return n;
}

static int
cdc_check(const sg_boundary_params *p, sg_err *e)
{
	uint64_t min, avg, max;

	sizes(p, &min, &avg, &max);
	if (min < CDC_WINDOW)
		return sg_err_set(e, SG_EUSAGE, "--min %llu is below %u bytes",
		    (unsigned long long)min, CDC_WINDOW);
	if (avg & (avg - 1))
		return sg_err_set(e, SG_EUSAGE, "--avg %llu is not a power of two",
		    (unsigned long long)avg);
	if (max > SG_CHUNK_SIZE_MAX)
		return sg_err_set(e, SG_EUSAGE, "--max %llu is above %u bytes",
		    (unsigned long long)max, SG_CHUNK_SIZE_MAX);
	if (min >= avg)
		return sg_err_set(e, SG_EUSAGE, "--min %llu is not below --avg %llu",
		    (unsigned long long)min, (unsigned long long)avg);
	if (avg >= max)
		return sg_err_set(e, SG_EUSAGE, "--avg %llu is not below --max %llu",
		    (unsigned long long)avg, (unsigned long long)max);
	return 0;
}

static void
cdc_reset(void *st, const sg_boundary_params *p)
{
	cdc_state *s = st;
	uint64_t min, avg, max, x = CDC_SEED;
	unsigned i, bits;

	for (i = 0; i < 256; i++) {
		uint64_t z = (x += 0x9E3779B97F4A7C15ull);

		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
		s->gear[i] = z ^ (z >> 31);
	}
	sizes(p, &min, &avg, &max);
	s->min = (size_t)min;
	s->avg = (size_t)avg;
	s->max = (size_t)max;
	bits = log2u(avg); /* check() made avg a power of two >= 128 */
	s->mask_s = ~(uint64_t)0 << (64 - (bits + 2));
	s->mask_l = ~(uint64_t)0 << (64 - (bits - 2));
	s->pos = s->min - CDC_WINDOW;
	s->cut = 0;
	s->h = 0;
}

/* Hash buf[pos..end) into h without looking for a cut. */
static void
roll(cdc_state *s, const unsigned char *buf, size_t end)
{
	const uint64_t *g = s->gear;
	uint64_t h = s->h;
	size_t i;

	for (i = s->pos; i < end; i++)
		h = (h << 1) + g[buf[i]];
	s->h = h;
	s->pos = end;
}

/* Hash buf[pos..end) into h, stopping after the first byte that leaves
 * the bits of mask clear: returns the chunk length there, or 0. */
static size_t
scan(cdc_state *s, const unsigned char *buf, size_t end, uint64_t mask)
{
	const uint64_t *g = s->gear;
	uint64_t h = s->h;
	size_t i = s->pos;

	/* Unrolled: the loads and tests of four bytes overlap, leaving only
	 * the shift-add chain serial. */
#define STEP(k) do { \
	h = (h << 1) + g[buf[i + (k)]]; \
	if (__builtin_expect((h & mask) == 0, 0)) { \
		i += (k) + 1; \
		goto cut; \
	} \
} while (0)
	for (; end - i >= 4; i += 4) {
		STEP(0);
		STEP(1);
		STEP(2);
		STEP(3);
	}
	for (; i < end; i++)
		STEP(0);
#undef STEP
	s->h = h;
	s->pos = i;
	return 0;
cut:
	s->h = h;
	s->pos = i;
	return i;
}

static size_t
cdc_find(void *st, const unsigned char *buf, size_t len, size_t avail, int eof,
	 uint64_t max_records)
{
	cdc_state *s = st;
	size_t lim = len < s->max ? len : s->max, end, cut;

	(void)max_records; /* --records is refused: no records here */
	/* Asked again before the chunker took the cut: the same answer. */
	if (s->cut > 0 && s->cut <= len)
		return s->cut;
	/* The hash of the first candidate, L = min, needs the 64 bytes
	 * before it; bytes up to min - 1 are hashed without a test. */
	end = s->min - 1 < lim ? s->min - 1 : lim;
	if (s->pos < end)
		roll(s, buf, end);
	end = s->avg - 1 < lim ? s->avg - 1 : lim;
	if (s->pos < end && (cut = scan(s, buf, end, s->mask_s)) > 0)
		return s->cut = cut;
	if (s->pos < lim && (cut = scan(s, buf, lim, s->mask_l)) > 0)
		return s->cut = cut;
	/* No content cut in the window: a full one ends at max; the end of
	 * the input ends the last chunk; a drained window waits for more. */
	if (len >= s->max)
		return s->max;
	if (eof && len == avail)
		return len;
	return 0;
}

static void
cdc_consumed(void *st, size_t n)
{
	cdc_state *s = st;

	(void)n; /* every cut starts a chunk, and a chunk's hash starts fresh */
	s->pos = s->min - CDC_WINDOW;
	s->cut = 0;
	s->h = 0;
}

const sg_boundary_ops sg_boundary_cdc = {
	.name = "cdc",
	.summary = "content-defined (FastCDC-style gear hash), for deduplication",
	.has_records = 0,
	.options = SG_BOPT_CDC,
	.part = SG_PART_NONE,
	.state_size = sizeof(cdc_state),
	.check = cdc_check,
	.reset = cdc_reset,
	.find = cdc_find,
	.consumed = cdc_consumed,
};
