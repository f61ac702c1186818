/* meter.h: the state, arithmetic and text of sg-progress.
 *
 * A meter follows how many bytes have passed against a total that may be
 * unknown, derives the rate over the last interval, the ETA and the
 * percentage, and renders them four ways: one terminal line that fits a
 * width, a plain log line, a summary at the end, and an NDJSON event.
 *
 * The meter never reads a clock and does no I/O: the caller passes times,
 * monotonic seconds (CLOCK_MONOTONIC as a double) for the arithmetic and a
 * wall-clock timespec for the events, so every number is reproducible in
 * a test. All text is built with integer arithmetic, so a locale with a
 * decimal comma cannot break the JSON.
 *
 * Feed a meter either with sg_meter_add (bytes that passed) or with
 * sg_meter_progress (an authoritative position), not both.
 */
#ifndef SG_METER_H
#define SG_METER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Bytes kept of a source name; longer names are cut at a character. */
#define SG_METER_NAME_MAX 255

/* A buffer this large always holds sg_meter_json's event for a label of
 * label_len bytes (every byte of label and name escaped to six). */
#define SG_METER_JSON_CAP(label_len) (512 + 6 * (SG_METER_NAME_MAX + (size_t)(label_len)))

typedef struct sg_meter {
	/* what has passed */
	uint64_t bytes;        /* progress so far: see sg_meter_add / sg_meter_progress */
	uint64_t total;        /* UINT64_MAX: unknown */
	uint64_t frames, sources;
	char source_name[SG_METER_NAME_MAX + 1]; /* current source name ("" none) */
	int64_t source;        /* current source index, -1 none */
	int done;
	/* derived by sg_meter_tick */
	double start, now;     /* monotonic seconds */
	double rate;           /* bytes/s over the last interval; 0 when stalled */
	double eta_s;          /* seconds left; < 0 unknown */
	double percent;        /* 0..100; < 0 unknown */
	/* private: the rate window */
	size_t name_len;       /* source_name may hold NULs */
	uint64_t moved;        /* forward movement of bytes, ever (never goes back) */
	uint64_t last_moved;   /* moved at the previous tick */
	double last;           /* time of the previous tick (start at first) */
} sg_meter;

/* Start a meter at monotonic time now: nothing passed, total unknown, no
 * source, rate 0, ETA and percent unknown. */
void sg_meter_init(sg_meter *m, double now);

/* n more bytes done. Saturates at UINT64_MAX - 1. */
void sg_meter_add(sg_meter *m, uint64_t n);

/* The total the bytes run to; UINT64_MAX: unknown. Takes effect in the
 * percent and ETA at the next sg_meter_tick. */
void sg_meter_set_total(sg_meter *m, uint64_t total);

/* An authoritative position (PROGRESS frames: compressed bytes consumed of
 * the input's total): bytes = consumed, total = total (UINT64_MAX:
 * unknown). A position below the last one (a new input starting again at
 * 0) moves nothing for the rate; only forward steps count. */
void sg_meter_progress(sg_meter *m, uint64_t consumed, uint64_t total);

/* The current source: index >= 0 with its name (name[0..len), may be NULL
 * when len is 0; kept up to SG_METER_NAME_MAX bytes, cut before a
 * character rather than inside it), or index < 0 for none, which clears
 * the name. Does not count sources: the caller owns m->sources. */
void sg_meter_source(sg_meter *m, int64_t index, const char *name, size_t len);

/* One more frame seen. */
void sg_meter_frame(sg_meter *m);

/* Recompute rate, ETA and percent at time now (called once per interval,
 * also when no byte arrived). The rate is the forward movement since the
 * previous tick (the first measures from init) over the time between: a
 * stalled producer shows rate 0 and an unknown ETA, never a frozen one. A
 * tick no later than the previous one keeps the rate and carries its
 * bytes into the next interval. percent: bytes/total*100,
 * capped at 100, when the total is known and > 0; a total of 0 is 0% until
 * done, then 100%. eta_s: (total - bytes)/rate when the total is known,
 * bytes <= total and the rate > 0; else < 0. */
void sg_meter_tick(sg_meter *m, double now);

/* The end at time now: done = 1; rate becomes the average over the whole
 * run (all forward movement over now - start; 0 if no time passed). An
 * unknown total becomes bytes (the true total is known now). percent is
 * 100 when bytes >= total, else what is reached (a short input shows
 * less); eta_s is 0 when bytes >= total, else unknown. */
void sg_meter_finish(sg_meter *m, double now);

/* The renderings write into buf (cap bytes, always NUL-terminated when cap
 * > 0) and return the length written, which is less than cap. They read
 * the derived fields as the last sg_meter_tick or sg_meter_finish left
 * them. Sizes are IEC with three significant digits ("512 B", "1.50 KiB",
 * "98.1 MiB", "1000 KiB"), rates the same with "/s"; percentages are
 * rounded down to one decimal, so 100.0% means everything. */

/* One terminal line of at most width bytes (each column costs at least a
 * byte, so it fits width columns), no newline, no escapes:
 *   LABEL  1.23 GiB / 4.00 GiB  30.7% [=======>        ]  98.1 MiB/s  ETA 0:00:29  12 frames 3 sources
 * The bar takes the room that is left. The label (control bytes and
 * invalid UTF-8 shown as '?') is cut to a third of the width, ending in
 * "..."; frames and sources show once there are some. When the width is
 * small, parts go in this order until the rest fits: the bar shrinks and
 * goes, then frames and sources, the ETA, the rate, the total, the label,
 * the percent; the bytes alone are cut to width. An unknown total has no
 * total, percent, bar or ETA ("1.23 GiB  98.1 MiB/s  12 frames"); a known
 * total without an ETA shows "ETA -:--:--"; a finished meter shows the
 * elapsed time instead ("in 0:00:43"). An ETA of 10000 hours or more is
 * shown as unknown. */
size_t sg_meter_line(const sg_meter *m, const char *label, int width, char *buf, size_t cap);

/* The plain log line (not a terminal), no newline: the same facts, no
 * bar, fixed order, unknown fields as "?":
 *   PROG: LABEL: 1288490188/4294967296 bytes (30.0%), 98.1 MiB/s, ETA 29 s, 12 frames, 3 sources
 *   PROG: 1288490188/? bytes (?), 0 B/s, ETA ?, 12 frames, 0 sources
 * "LABEL: " only with a label; the ETA in whole seconds. */
size_t sg_meter_log(const sg_meter *m, const char *prog, const char *label, char *buf,
		    size_t cap);

/* The summary at the end (after sg_meter_finish), no newline:
 *   PROG: LABEL: 4294967296 bytes (4.00 GiB) in 43.8 s, 98.1 MiB/s average, 512 frames, 3 sources
 * When the input stopped short of a known total:
 *   PROG: LABEL: 1000/4000 bytes (1000 B, 25.0%) in 2.0 s, 500 B/s average, 3 frames, 1 source
 * The average is all forward movement over now - start. Plain bytes (no
 * frames and no sources) end after the average. */
size_t sg_meter_summary(const sg_meter *m, const char *prog, const char *label, char *buf,
			size_t cap);

/* One NDJSON event, newline included, keys in this order:
 *   {"time":"2026-11-21T14:03:07.123Z","label":"..."|null,"source":N|null,
 *    "name":"..."|null,"bytes":N,"total":N|null,"percent":F|null,"rate":F,
 *    "eta_s":F|null,"frames":N,"sources":N,"done":false}
 * time is RFC 3339 UTC with milliseconds (truncated) from wall; label is
 * null when empty, source and name null with no current source (name also
 * when empty); strings are escaped as sg_json_string does (json.h). percent
 * has one decimal, rate none (bytes/s), eta_s one decimal. Never a partial
 * event: when it does not fit in cap (see SG_METER_JSON_CAP) it returns 0
 * and buf holds "". */
size_t sg_meter_json(const sg_meter *m, const char *label, struct timespec wall, char *buf,
		     size_t cap);

#endif
