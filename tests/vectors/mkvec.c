/* mkvec.c: writes the frame test vectors of this directory, field by field
 * from the v1 layout in libshared/frame.h and meta.h. It uses libxxhash
 * and nothing of libshared, so the vectors check the library rather than
 * echo it. Run through make-vectors.sh, which also compares the valid
 * vectors with what bin/sg-chunk writes for the same files.
 *
 * Each vector NAME.sg comes with NAME.hex: the same bytes, one field per
 * line, with '#' comments naming each field.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#define MTIME_NS 1700000000000000000ull  /* touch -d @1700000000 */
#define MODE_REG_644 0100644u

typedef struct ann {
	size_t off, len;
	char text[160];
} ann;

typedef struct vec {
	unsigned char b[1 << 16];
	size_t len;
	ann a[1024];
	size_t na;
	unsigned frames;
} vec;

static void
die(const char *msg)
{
	fprintf(stderr, "mkvec: %s\n", msg);
	exit(1);
}

static void
note(vec *v, size_t len, const char *fmt, va_list ap)
{
	ann *a;

	if (v->na == sizeof v->a / sizeof v->a[0])
		die("too many fields");
	a = &v->a[v->na++];
	a->off = v->len;
	a->len = len;
	vsnprintf(a->text, sizeof a->text, fmt, ap);
}

static void put(vec *v, const void *p, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void
put(vec *v, const void *p, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (v->len + n > sizeof v->b)
		die("vector too large");
	va_start(ap, fmt);
	note(v, n, fmt, ap);
	va_end(ap);
	memcpy(v->b + v->len, p, n);
	v->len += n;
}

static void putle(vec *v, uint64_t x, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void
putle(vec *v, uint64_t x, size_t n, const char *fmt, ...)
{
	unsigned char b[8];
	va_list ap;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(x >> (8 * i));
	if (v->len + n > sizeof v->b)
		die("vector too large");
	va_start(ap, fmt);
	note(v, n, fmt, ap);
	va_end(ap);
	memcpy(v->b + v->len, b, n);
	v->len += n;
}

static void section(vec *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
section(vec *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	note(v, 0, fmt, ap);
	va_end(ap);
}

/* A C-like quoting of bytes for comments. */
static const char *
quote(const unsigned char *p, size_t n)
{
	static char out[128];
	size_t i, o = 0;

	out[o++] = '"';
	for (i = 0; i < n && o + 6 < sizeof out; i++) {
		if (p[i] == '\n')
			o += (size_t)snprintf(out + o, sizeof out - o, "\\n");
		else if (p[i] >= 0x20 && p[i] < 0x7F && p[i] != '"' && p[i] != '\\')
			out[o++] = (char)p[i];
		else
			o += (size_t)snprintf(out + o, sizeof out - o, "\\x%02X", p[i]);
	}
	if (i < n)
		o += (size_t)snprintf(out + o, sizeof out - o, "...");
	out[o++] = '"';
	out[o] = '\0';
	return out;
}

/* --- metadata payloads (meta.h): tag u16 | length u16 | value ----------- */

static const char *
tag_name(unsigned tag)
{
	switch (tag) {
	case 1: return "NAME"; case 2: return "SIZE"; case 3: return "MTIME";
	case 4: return "MODE"; case 5: return "STRATEGY"; case 6: return "CHUNK_SIZE";
	case 7: return "RECORDS"; case 8: return "OVERSIZE"; case 16: return "TOTAL";
	case 17: return "FRAMES"; case 18: return "SOURCE_SUM"; case 32: return "CONSUMED";
	case 33: return "INPUT_TOTAL"; default: return "unknown to v1 readers";
	}
}

static void
meta_bytes(vec *m, unsigned tag, const void *p, size_t n)
{
	putle(m, tag, 2, "  tag %u (%s)", tag, tag_name(tag));
	putle(m, n, 2, "  length %zu", n);
	put(m, p, n, "  %s", quote(p, n));
}

static void
meta_u64(vec *m, unsigned tag, uint64_t x)
{
	putle(m, tag, 2, "  tag %u (%s)", tag, tag_name(tag));
	putle(m, 8, 2, "  length 8");
	putle(m, x, 8, "  %llu (0x%llx)", (unsigned long long)x, (unsigned long long)x);
}

static void
meta_str(vec *m, unsigned tag, const char *s)
{
	meta_bytes(m, tag, s, strlen(s));
}

/* --- frames (frame.h) ---------------------------------------------------- */

enum { BEGIN = 1, DATA = 2, END = 3, PROGRESS = 4 };

static const char *
type_name(unsigned t)
{
	switch (t) {
	case BEGIN: return "BEGIN"; case DATA: return "DATA"; case END: return "END";
	case PROGRESS: return "PROGRESS"; default: return "unknown type";
	}
}

/* Deviations from a well-formed header, for the corrupt vectors. */
typedef struct dev {
	int on;
	uint32_t magic;        /* 0: the sg magic */
	uint16_t hdr_len;      /* 0: 64 + extension */
	int sizes;             /* declare size and stored below */
	uint32_t size, stored;
} dev;

typedef struct fr {
	unsigned type, flags;
	uint32_t source;
	uint64_t seq, offset;
	const unsigned char *ext;  /* extension header bytes, or NULL */
	size_t ext_len;
	dev d;
} fr;

/* Append one frame with codec none; pay holds the payload and, when it is
 * metadata, its own field notes (else pay_text describes it). */
static void
frame(vec *v, const fr *f, const vec *pay, const unsigned char *raw, size_t n)
{
	const unsigned char *p = pay != NULL ? pay->b : raw;
	size_t len = pay != NULL ? pay->len : n, start = v->len, i;
	uint16_t hdr_len = (uint16_t)(f->d.hdr_len ? f->d.hdr_len : 64 + f->ext_len);
	uint32_t size = f->d.sizes ? f->d.size : (uint32_t)len;
	uint32_t stored = f->d.sizes ? f->d.stored : (uint32_t)len;
	uint32_t magic = f->d.magic ? f->d.magic : 0x184D2A53u;
	uint64_t hs;

	if (f->d.hdr_len)
		section(v, "frame %u at offset %zu: %s, a 64-byte header declaring hdr_len %u, "
		    "payload %zu bytes", v->frames, start, type_name(f->type), hdr_len, len);
	else
		section(v, "frame %u at offset %zu: %s, header %u bytes, payload %zu bytes",
		    v->frames, start, type_name(f->type), hdr_len, len);
	putle(v, magic, 4, "magic 0x%08X%s", magic,
	    magic == 0x184D2A53u ? " (a zstd/LZ4 skippable-frame magic)" : " (NOT the sg magic)");
	putle(v, (uint32_t)(hdr_len - 8u + stored), 4, "frame_size %u: hdr_len - 8 + stored",
	    (uint32_t)(hdr_len - 8u + stored));
	putle(v, hdr_len, 2, "hdr_len %u", hdr_len);
	putle(v, 1, 1, "version 1");
	putle(v, f->type, 1, "type %u (%s)", f->type, type_name(f->type));
	putle(v, 0, 1, "codec 0 (none: the payload is inline)");
	putle(v, 0, 1, "reserved 0");
	putle(v, f->flags, 2, "flags 0x%04X%s%s", f->flags,
	    f->flags & 1 ? " OVERSIZE" : "", f->flags & 8 ? " LAST" : "");
	putle(v, f->source, 4, "source %u", f->source);
	putle(v, 0, 4, "context 0");
	putle(v, f->seq, 8, "seq %llu", (unsigned long long)f->seq);
	putle(v, f->offset, 8, "offset %llu", (unsigned long long)f->offset);
	putle(v, size, 4, "size %u", size);
	putle(v, stored, 4, "stored %u", stored);
	putle(v, XXH3_64bits(p, len), 8, "payload_sum XXH3-64 0x%016llx",
	    (unsigned long long)XXH3_64bits(p, len));
	hs = XXH3_64bits(v->b + start, 56);
	if (f->ext_len > 0)
		hs = XXH3_64bits_withSeed(f->ext, f->ext_len, hs);
	putle(v, hs, 8, "header_sum XXH3-64 of bytes 0..55%s", f->ext_len ?
	    ", as the seed of XXH3-64 of the extension" : "");
	if (f->ext_len > 0)
		put(v, f->ext, f->ext_len, "header extension (v1 readers skip it): %s",
		    quote(f->ext, f->ext_len));
	if (pay != NULL) {
		section(v, "%s metadata", type_name(f->type));
		for (i = 0; i < pay->na; i++) {
			if (pay->a[i].len == 0)
				continue;
			put(v, pay->b + pay->a[i].off, pay->a[i].len, "%s", pay->a[i].text);
		}
	} else if (len > 0) {
		put(v, raw, len, "payload %s", quote(raw, len));
	}
	v->frames++;
}

/* --- sources as sg-chunk writes them ------------------------------------- */

typedef struct src {
	const char *name;
	const char *text;
	size_t len;
	uint64_t chunk_size;
	const size_t *cuts;        /* DATA payload lengths, 0-terminated */
	const unsigned *flags;     /* flags of each DATA frame, or NULL */
	const char *oversize;
	int last;
	/* deviations */
	int no_end, swap_data;     /* leave END out; swap DATA frames 0 and 1 */
	uint64_t end_sum_xor;      /* damage END's source checksum */
	int dev_frame;             /* index within the source, with dev */
	dev d;
	int future;                /* the forward-compatibility extras */
} src;

static void
source(vec *v, uint32_t idx, const src *s)
{
	vec *m = calloc(1, sizeof *m);
	fr f = { 0 };
	size_t off[16], n = 0, i, k;
	uint64_t seq = 0;

	section(v, "source %u: %s, %zu bytes %s", idx, s->name, s->len,
	    quote((const unsigned char *)s->text, s->len));
	meta_str(m, 1, s->name);
	meta_u64(m, 2, s->len);
	meta_u64(m, 3, MTIME_NS);
	meta_u64(m, 4, MODE_REG_644);
	meta_str(m, 5, "lines");
	meta_u64(m, 6, s->chunk_size);
	meta_u64(m, 7, 0);
	meta_str(m, 8, s->oversize ? s->oversize : "split");
	if (s->future)
		meta_str(m, 40, "a field from a later version");
	f.type = BEGIN;
	f.source = idx;
	f.seq = seq++;
	f.d = s->dev_frame == 0 ? s->d : (dev){ 0 };
	frame(v, &f, m, NULL, 0);

	for (i = 0, k = 0; s->cuts[i] != 0; i++) {
		off[n++] = k;
		k += s->cuts[i];
	}
	if (k != s->len)
		die("cuts do not add up to the source");
	if (s->future) {
		/* PROGRESS carries no sequence; an unknown type is skipped */
		vec *p = calloc(1, sizeof *p);
		fr g = { .type = PROGRESS, .source = idx };

		meta_u64(p, 32, 0);
		meta_u64(p, 33, s->len);
		frame(v, &g, p, NULL, 0);
		g.type = 9;
		frame(v, &g, NULL, (const unsigned char *)"\x01\x02\x03\x04", 4);
		free(p);
	}
	for (i = 0; i < n; i++) {
		size_t j = s->swap_data && i < 2 ? 1 - i : i;
		static const unsigned char ext[8] = { 'x', '-', 'f', 'u', 't', 'u', 'r', 'e' };

		memset(&f, 0, sizeof f);
		f.type = DATA;
		f.flags = s->flags ? s->flags[j] : 0;
		f.source = idx;
		f.seq = 1 + j;
		f.offset = off[j];
		if (s->future && j == 0) {
			f.ext = ext;
			f.ext_len = sizeof ext;
		}
		f.d = s->dev_frame == (int)(1 + i) ? s->d : (dev){ 0 };
		frame(v, &f, NULL, (const unsigned char *)s->text + off[j], s->cuts[j]);
	}
	seq += n;
	if (!s->no_end) {
		memset(m, 0, sizeof *m);
		meta_u64(m, 16, s->len);
		meta_u64(m, 17, n);
		meta_u64(m, 18, XXH3_64bits(s->text, s->len) ^ s->end_sum_xor);
		memset(&f, 0, sizeof f);
		f.type = END;
		f.flags = s->last ? 8 : 0;
		f.source = idx;
		f.seq = seq;
		f.offset = s->len;
		f.d = s->dev_frame == (int)seq ? s->d : (dev){ 0 };
		frame(v, &f, m, NULL, 0);
	}
	free(m);
}

/* --- output ---------------------------------------------------------------- */

static void
write_vector(const char *name, const vec *v, const char *about)
{
	char path[256];
	FILE *fp;
	size_t i, k;

	snprintf(path, sizeof path, "%s.sg", name);
	if ((fp = fopen(path, "wb")) == NULL || fwrite(v->b, 1, v->len, fp) != v->len ||
	    fclose(fp) != 0)
		die("cannot write a vector");
	snprintf(path, sizeof path, "%s.hex", name);
	if ((fp = fopen(path, "w")) == NULL)
		die("cannot write a hex dump");
	fprintf(fp, "# %s.sg: %s.\n# %zu bytes, written by make-vectors.sh. Each line holds one field\n"
	    "# (at most 16 bytes a line), named after '#'; integers are little-endian.\n",
	    name, about, v->len);
	for (i = 0; i < v->na; i++) {
		const ann *a = &v->a[i];
		size_t n;

		if (a->off > v->len || (a->off == v->len && a->len > 0))
			break;  /* a truncated vector ends here */
		if (a->len == 0) {
			fprintf(fp, "\n# %s\n", a->text);
			continue;
		}
		n = a->off + a->len <= v->len ? a->len : v->len - a->off;
		for (k = 0; k < n; k++) {
			fprintf(fp, "%s%02x", k % 16 ? " " : "", v->b[a->off + k]);
			if (k == 15 || k + 1 == n) {
				if (k < 16)
					fprintf(fp, "%*s# %s%s", (int)(3 * (15 - k) + 2), "", a->text,
					    n < a->len ? " (the input ends here)" : "");
				fputc('\n', fp);
			} else if (k % 16 == 15) {
				fputc('\n', fp);
			}
		}
	}
	if (fclose(fp) != 0)
		die("cannot write a hex dump");
}

static void
flip(vec *v, size_t off, unsigned bit)
{
	v->b[off] ^= (unsigned char)(1u << bit);
}

/* Mark the field holding byte off. */
static void
mark(vec *v, size_t off, const char *what)
{
	size_t i;

	for (i = 0; i < v->na; i++) {
		ann *a = &v->a[i];

		if (a->len > 0 && off >= a->off && off < a->off + a->len) {
			size_t n = strlen(a->text);

			snprintf(a->text + n, sizeof a->text - n, " %s", what);
			return;
		}
	}
}

/* --- the vectors ------------------------------------------------------------ */

static const size_t cuts_hi[] = { 3, 0 };
static const size_t cuts_lines[] = { 8, 6, 0 };
static const size_t cuts_none[] = { 0 };
static const size_t cuts_fwd[] = { 4, 0 };
static const size_t cuts_wide[] = { 7, 5, 0 };
static const unsigned flags_wide[] = { 1, 0 };

static src
src_hi(uint64_t chunk, int last)
{
	src s = { .name = "hi.txt", .text = "hi\n", .len = 3, .chunk_size = chunk,
		.cuts = cuts_hi, .last = last, .dev_frame = -1 };
	return s;
}

int
main(void)
{
	vec *v = calloc(1, sizeof *v);
	src s, t;
	/* in v1: BEGIN, DATA (64 + 3 bytes), END (64 + 3 fields of 12 bytes) */
	size_t data_at;
#define V1_DATA_PAYLOAD(v) ((v)->len - (64 + 36) - 3)

	/* valid */
	s = src_hi(1 << 20, 1);
	source(v, 0, &s);
	write_vector("v1-hi", v, "one source, hi.txt holding \"hi\\n\" (sg-chunk hi.txt)");

	memset(v, 0, sizeof *v);
	s = src_hi(8, 0);
	source(v, 0, &s);
	t = (src){ .name = "lines.txt", .text = "one\ntwo\nthree\n", .len = 14, .chunk_size = 8,
		.cuts = cuts_lines, .last = 1, .dev_frame = -1 };
	source(v, 1, &t);
	write_vector("v2-two", v, "two sources: hi.txt, and lines.txt in two chunks "
	    "(sg-chunk -b 8 hi.txt lines.txt)");

	memset(v, 0, sizeof *v);
	t = (src){ .name = "empty.txt", .text = "", .len = 0, .chunk_size = 1 << 20,
		.cuts = cuts_none, .last = 1, .dev_frame = -1 };
	source(v, 0, &t);
	write_vector("v3-empty", v, "one empty source: BEGIN and END, no DATA (sg-chunk empty.txt)");

	memset(v, 0, sizeof *v);
	t = (src){ .name = "wide.txt", .text = "w\xC3\xB6rld \xF0\x9D\x84\x9E\n", .len = 12,
		.chunk_size = 8, .cuts = cuts_wide, .flags = flags_wide, .last = 1,
		.dev_frame = -1 };
	source(v, 0, &t);
	write_vector("v4-oversize", v, "a 12-byte line cut with -b 8 before a 4-byte "
	    "character and flagged OVERSIZE (sg-chunk -b 8 wide.txt)");

	memset(v, 0, sizeof *v);
	t = (src){ .name = "fwd.txt", .text = "fwd\n", .len = 4, .chunk_size = 1 << 20,
		.cuts = cuts_fwd, .last = 1, .dev_frame = -1, .future = 1 };
	source(v, 0, &t);
	write_vector("v5-forward", v, "what a v1 reader must skip: an unknown metadata tag, "
	    "a PROGRESS frame, a frame of unknown type 9, a 72-byte header");

	/* corrupt: all from v1 unless said otherwise */
	memset(v, 0, sizeof *v);
	s = src_hi(1 << 20, 1);
	source(v, 0, &s);
	data_at = V1_DATA_PAYLOAD(v);
	flip(v, data_at, 0);
	mark(v, data_at, "<- bit 0 flipped: 'h' became 'i'");
	write_vector("c1-payload-flip", v, "v1 with one payload bit flipped in frame 1");

	memset(v, 0, sizeof *v);
	source(v, 0, &s);
	data_at = V1_DATA_PAYLOAD(v);
	flip(v, data_at - 64 + 32, 1);
	mark(v, data_at - 64 + 32, "<- bit 1 flipped: offset 0 became 2");
	write_vector("c2-header-flip", v, "v1 with one bit of frame 1's offset field flipped");

	memset(v, 0, sizeof *v);
	source(v, 0, &s);
	data_at = V1_DATA_PAYLOAD(v);
	v->len = data_at + 1;
	write_vector("c3-truncated", v, "v1 cut one byte into frame 1's payload");

	memset(v, 0, sizeof *v);
	s.no_end = 1;
	source(v, 0, &s);
	write_vector("c4-no-end", v, "v1 without its END frame");

	memset(v, 0, sizeof *v);
	s = src_hi(1 << 20, 0);
	source(v, 0, &s);
	write_vector("c5-no-last", v, "v1 with the LAST flag of its END cleared (and the "
	    "header checksum redone): the stream promises another source");

	memset(v, 0, sizeof *v);
	s = src_hi(1 << 20, 1);
	s.dev_frame = 0;
	s.d.magic = 0xFD2FB528u;
	source(v, 0, &s);
	write_vector("c6-bad-magic", v, "v1 with frame 0's magic replaced by a zstd frame's");

	memset(v, 0, sizeof *v);
	s.d.magic = 0x184D2A50u;
	source(v, 0, &s);
	write_vector("c7-foreign-skippable", v, "v1 with frame 0's magic another skippable "
	    "frame's (0x184D2A50): not sg's");

	memset(v, 0, sizeof *v);
	s = src_hi(1 << 20, 1);
	s.dev_frame = 1;
	s.d.sizes = 1;
	s.d.size = s.d.stored = 0xFFFFFFFFu;
	source(v, 0, &s);
	write_vector("c8-4gib", v, "v1 with frame 1 declaring a 4 GiB payload (size and "
	    "stored 0xFFFFFFFF, header checksum valid)");

	memset(v, 0, sizeof *v);
	s = src_hi(1 << 20, 1);
	s.dev_frame = 1;
	s.d.hdr_len = 4097;
	source(v, 0, &s);
	write_vector("c9-hdr-4097", v, "v1 with frame 1's hdr_len 4097, one more than the "
	    "4096 a reader accepts");

	memset(v, 0, sizeof *v);
	s = src_hi(8, 0);
	source(v, 0, &s);
	t = (src){ .name = "lines.txt", .text = "one\ntwo\nthree\n", .len = 14, .chunk_size = 8,
		.cuts = cuts_lines, .last = 1, .dev_frame = -1, .swap_data = 1 };
	source(v, 1, &t);
	write_vector("c10-reordered", v, "v2 with the two DATA frames of source 1 swapped");

	memset(v, 0, sizeof *v);
	s = src_hi(1 << 20, 1);
	s.end_sum_xor = 1;
	source(v, 0, &s);
	write_vector("c11-source-sum", v, "v1 with END's whole-source checksum off by one bit "
	    "(END's own checksums valid)");

	free(v);
	return 0;
}
