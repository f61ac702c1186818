/* test_meter.c: the meter of sg-progress (meter.h): rates, ETA and percent
 * over ticks at synthetic times, stalls, unknown totals, PROGRESS going
 * backwards, the end, and the four renderings: exact log, summary and
 * terminal lines, the terminal line at every width, and NDJSON events read
 * back by a small strict parser written here. */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "meter.h"
#include "utf8.h"

#define GiB (1ull << 30)
#define MiB (1ull << 20)
#define T0 1000.0          /* monotonic seconds at init */

/* Percentages are quotients: equal to within rounding. */
#define assert_near(a, b) assert_true((a) - (b) < 1e-9 && (b) - (a) < 1e-9)

/* --------------------------------------------------------- arithmetic */

static void
test_init(void **state)
{
	sg_meter m;

	(void)state;
	memset(&m, 0x5A, sizeof m);
	sg_meter_init(&m, T0);
	assert_int_equal(m.bytes, 0);
	assert_true(m.total == UINT64_MAX);
	assert_int_equal(m.frames, 0);
	assert_int_equal(m.sources, 0);
	assert_string_equal(m.source_name, "");
	assert_int_equal(m.source, -1);
	assert_int_equal(m.done, 0);
	assert_true(m.start == T0 && m.now == T0);
	assert_true(m.rate == 0);
	assert_true(m.eta_s < 0);
	assert_true(m.percent < 0);
}

/* 20 MB/s for six ticks is 20e6 every time, exactly; the ETA falls by the
 * interval at each tick and the percent climbs. */
static void
test_constant_rate(void **state)
{
	sg_meter m;
	double last_eta = 1e300, last_pct = -1;
	int i;

	(void)state;
	sg_meter_init(&m, T0);
	sg_meter_set_total(&m, 200000000);
	for (i = 1; i <= 6; i++) {
		sg_meter_add(&m, 2000000);
		sg_meter_add(&m, 3000000);
		sg_meter_tick(&m, T0 + 0.25 * i);
		assert_true(m.rate == 20e6);
		assert_int_equal(m.bytes, 5000000ull * i);
		assert_true(m.eta_s == (200e6 - 5e6 * i) / 20e6);
		assert_true(m.eta_s < last_eta);
		assert_true(m.eta_s == 0.25 * (40 - i));
		assert_true(m.percent > last_pct);
		assert_near(m.percent, 2.5 * i);
		last_eta = m.eta_s;
		last_pct = m.percent;
	}
	assert_true(m.now == T0 + 1.5);
}

/* The first tick measures from init; later ticks only from the one before. */
static void
test_window(void **state)
{
	sg_meter m;

	(void)state;
	sg_meter_init(&m, T0);
	sg_meter_add(&m, 3000);
	sg_meter_tick(&m, T0 + 2);
	assert_true(m.rate == 1500);
	sg_meter_add(&m, 1000);
	sg_meter_tick(&m, T0 + 2.5);
	assert_true(m.rate == 2000);     /* not 4000 / 2.5 */
	/* A tick at the same time (or earlier) keeps the rate and carries its
	 * bytes into the next interval. */
	sg_meter_add(&m, 500);
	sg_meter_tick(&m, T0 + 2.5);
	assert_true(m.rate == 2000);
	sg_meter_tick(&m, T0 + 2.0);
	assert_true(m.rate == 2000);
	assert_true(m.now == T0 + 2.0);
	sg_meter_add(&m, 500);
	sg_meter_tick(&m, T0 + 3.5);
	assert_true(m.rate == 1000);     /* 1000 bytes over one second */
}

/* A stalled producer: rate 0 and no ETA, never a frozen one; then it
 * moves again. */
static void
test_stall(void **state)
{
	sg_meter m;

	(void)state;
	sg_meter_init(&m, T0);
	sg_meter_set_total(&m, 1000000);
	sg_meter_add(&m, 100000);
	sg_meter_tick(&m, T0 + 1);
	assert_true(m.rate == 100000);
	assert_true(m.eta_s == 9);
	sg_meter_tick(&m, T0 + 2);
	assert_true(m.rate == 0);
	assert_true(m.eta_s < 0);
	assert_near(m.percent, 10);
	sg_meter_tick(&m, T0 + 3);
	assert_true(m.rate == 0);
	assert_true(m.eta_s < 0);
	sg_meter_add(&m, 450000);
	sg_meter_tick(&m, T0 + 4);
	assert_true(m.rate == 450000);
	assert_true(m.eta_s == 1);
	assert_near(m.percent, 55);
}

/* Percent climbs to 100 and reaches it only with the last byte, also where
 * a double cannot tell total - 1 from total; the rendering says 100.0%
 * only then. */
static void
test_percent_monotonic(void **state)
{
	static const uint64_t totals[] = { 1, 7, 1000, 123456789, 1ull << 62 };
	sgt_rng r;
	size_t k;

	(void)state;
	sgt_rng_init(&r, "percent_monotonic");
	for (k = 0; k < sizeof totals / sizeof totals[0]; k++) {
		uint64_t total = totals[k];
		double last = -1, t = T0;
		sg_meter m;
		char log[256];

		sg_meter_init(&m, T0);
		sg_meter_set_total(&m, total);
		while (m.bytes < total) {
			uint64_t left = total - m.bytes;
			uint64_t n = sgt_chance(&r, 20) ? left - (left > 1) : sgt_range(&r, 1, left / 8 + 1);

			sg_meter_add(&m, n);
			sg_meter_tick(&m, t += 0.5);
			assert_true(m.percent >= last);
			assert_true(m.percent >= 0 && m.percent <= 100);
			sg_meter_log(&m, "p", "", log, sizeof log);
			if (m.bytes < total) {
				assert_true(m.percent < 100);
				assert_null(strstr(log, "(100.0%)"));
			} else {
				assert_true(m.percent == 100);
				assert_non_null(strstr(log, "(100.0%)"));
			}
			last = m.percent;
		}
	}
}

static void
test_total_zero(void **state)
{
	sg_meter m;

	(void)state;
	sg_meter_init(&m, T0);
	sg_meter_set_total(&m, 0);
	sg_meter_tick(&m, T0 + 1);
	assert_true(m.percent == 0);
	assert_true(m.eta_s < 0);       /* rate 0 */
	sg_meter_finish(&m, T0 + 2);
	assert_true(m.percent == 100);
	assert_true(m.eta_s == 0);
	assert_int_equal(m.total, 0);
	assert_true(m.rate == 0);
}

/* Unknown total: no percent, no ETA, at any rate; the end makes the total
 * known. */
static void
test_unknown_total(void **state)
{
	sg_meter m;

	(void)state;
	sg_meter_init(&m, T0);
	sg_meter_add(&m, 4096);
	sg_meter_tick(&m, T0 + 1);
	assert_true(m.rate == 4096);
	assert_true(m.percent < 0);
	assert_true(m.eta_s < 0);
	/* A total that turns out unknown after all (a BEGIN without a size). */
	sg_meter_set_total(&m, 10000);
	sg_meter_add(&m, 4096);
	sg_meter_tick(&m, T0 + 2);
	assert_near(m.percent, 81.92);
	assert_true(m.eta_s > 0);
	sg_meter_set_total(&m, UINT64_MAX);
	sg_meter_tick(&m, T0 + 3);
	assert_true(m.percent < 0);
	assert_true(m.eta_s < 0);
	sg_meter_add(&m, 808);
	sg_meter_finish(&m, T0 + 4);
	assert_int_equal(m.done, 1);
	assert_int_equal(m.total, 9000);
	assert_true(m.percent == 100);
	assert_true(m.eta_s == 0);
	assert_true(m.rate == 2250);     /* average: 9000 over 4 s */
}

/* More bytes than the total said: 100%, and no ETA rather than a negative
 * one. */
static void
test_past_total(void **state)
{
	sg_meter m;

	(void)state;
	sg_meter_init(&m, T0);
	sg_meter_set_total(&m, 1000);
	sg_meter_add(&m, 1500);
	sg_meter_tick(&m, T0 + 1);
	assert_true(m.percent == 100);
	assert_true(m.eta_s < 0);
	sg_meter_finish(&m, T0 + 1);
	assert_true(m.percent == 100);
	assert_true(m.eta_s == 0);
	assert_int_equal(m.total, 1000);
}

/* PROGRESS positions: authoritative bytes and total; a new input starting
 * again at 0 is no movement, and the forward steps after it are. */
static void
test_progress_backwards(void **state)
{
	sg_meter m;

	(void)state;
	sg_meter_init(&m, T0);
	sg_meter_progress(&m, 4000000, 8000000);
	sg_meter_tick(&m, T0 + 1);
	assert_int_equal(m.bytes, 4000000);
	assert_int_equal(m.total, 8000000);
	assert_true(m.rate == 4e6);
	assert_true(m.percent == 50);
	assert_true(m.eta_s == 1);
	sg_meter_progress(&m, 6000000, 8000000);
	sg_meter_progress(&m, 5000000, 8000000);   /* back: no negative bytes */
	sg_meter_tick(&m, T0 + 2);
	assert_true(m.rate == 2e6);
	assert_int_equal(m.bytes, 5000000);
	/* The next input, from 0: this tick moved nothing. */
	sg_meter_progress(&m, 0, 1000000);
	sg_meter_tick(&m, T0 + 3);
	assert_int_equal(m.bytes, 0);
	assert_int_equal(m.total, 1000000);
	assert_true(m.rate == 0);
	assert_true(m.eta_s < 0);
	assert_true(m.percent == 0);
	/* Back and forward in one tick: the forward part counts. */
	sg_meter_progress(&m, 250000, 1000000);
	sg_meter_progress(&m, 100000, 1000000);
	sg_meter_progress(&m, 300000, 1000000);
	sg_meter_tick(&m, T0 + 4);
	assert_true(m.rate == 450000);
	assert_near(m.percent, 30);
	/* An input of unknown size. */
	sg_meter_progress(&m, 400000, UINT64_MAX);
	sg_meter_tick(&m, T0 + 5);
	assert_true(m.percent < 0);
	assert_true(m.eta_s < 0);
	assert_true(m.rate == 100000);
	/* The average is all forward movement: 6e6 + 0.45e6 + 0.1e6 over 5 s. */
	sg_meter_finish(&m, T0 + 5);
	assert_true(m.rate == 6.55e6 / 5);
	assert_int_equal(m.total, 400000);
}

/* The end of an input that stopped short of its known total. */
static void
test_finish_short(void **state)
{
	sg_meter m;
	char s[256];

	(void)state;
	sg_meter_init(&m, T0);
	sg_meter_set_total(&m, 4000);
	sg_meter_add(&m, 1000);
	sg_meter_frame(&m);
	sg_meter_frame(&m);
	sg_meter_frame(&m);
	m.sources = 1;
	sg_meter_finish(&m, T0 + 2);
	assert_int_equal(m.done, 1);
	assert_near(m.percent, 25);
	assert_true(m.eta_s < 0);
	assert_true(m.rate == 500);
	assert_int_equal(m.frames, 3);
	sg_meter_summary(&m, "sg-progress", "in", s, sizeof s);
	assert_string_equal(s, "sg-progress: in: 1000/4000 bytes (1000 B, 25.0%) in 2.0 s, "
	    "500 B/s average, 3 frames, 1 source");
}

static void
test_saturation(void **state)
{
	sg_meter m;

	(void)state;
	sg_meter_init(&m, T0);
	sg_meter_add(&m, UINT64_MAX - 10);
	sg_meter_add(&m, 100);
	assert_true(m.bytes == UINT64_MAX - 1);
	sg_meter_finish(&m, T0 + 1);
	assert_true(m.total == UINT64_MAX - 1);   /* known, not "unknown" */
	sg_meter_init(&m, T0);
	sg_meter_progress(&m, UINT64_MAX, UINT64_MAX);
	assert_true(m.bytes == UINT64_MAX - 1);
}

/* Source names: kept whole up to 255 bytes, cut before a character, not
 * inside it; NULs kept for JSON; index < 0 clears. */
static void
test_source(void **state)
{
	char name[300];
	sg_meter m;

	(void)state;
	sg_meter_init(&m, T0);
	sg_meter_source(&m, 3, "a.txt", 5);
	assert_int_equal(m.source, 3);
	assert_string_equal(m.source_name, "a.txt");
	assert_int_equal(m.sources, 0);   /* the caller counts */
	sg_meter_source(&m, 4, "b.txtXXX", 5);
	assert_string_equal(m.source_name, "b.txt");
	sg_meter_source(&m, -5, "c", 1);
	assert_int_equal(m.source, -1);
	assert_string_equal(m.source_name, "");
	sg_meter_source(&m, 5, NULL, 0);
	assert_int_equal(m.source, 5);
	assert_string_equal(m.source_name, "");

	/* A three-byte character at 253..255 straddles the limit. */
	memset(name, 'x', sizeof name);
	memcpy(name + 253, "\xE2\x82\xAC", 3);
	sg_meter_source(&m, 0, name, sizeof name);
	assert_int_equal(strlen(m.source_name), 253);
	assert_true(sg_utf8_valid(m.source_name, strlen(m.source_name)));
	/* Ending exactly at the limit: all of it, though a stray
	 * continuation byte follows. */
	memcpy(name + 252, "\xE2\x82\xAC", 3);
	assert_true((unsigned char)name[255] == 0xAC);
	sg_meter_source(&m, 0, name, sizeof name);
	assert_int_equal(strlen(m.source_name), 255);
	assert_memory_equal(m.source_name + 252, "\xE2\x82\xAC", 3);
	/* Continuation bytes that are no character: cut at the limit. */
	memset(name + 250, 0x80, 10);
	sg_meter_source(&m, 0, name, sizeof name);
	assert_int_equal(strlen(m.source_name), 255);
	/* An embedded NUL. */
	sg_meter_source(&m, 1, "a\0b", 3);
	assert_int_equal(m.name_len, 3);
	assert_memory_equal(m.source_name, "a\0b", 4);
}

/* ----------------------------------------------------------- log lines */

/* The state of the header's examples. */
static void
example(sg_meter *m)
{
	sg_meter_init(m, T0);
	sg_meter_set_total(m, 4294967296ull);
	sg_meter_add(m, 1288490188);
	sg_meter_tick(m, T0 + 13);
	m->rate = 98.1 * MiB;
	m->eta_s = (double)(m->total - m->bytes) / m->rate;
	m->frames = 12;
	m->sources = 3;
}

static void
test_log(void **state)
{
	char s[512];
	sg_meter m;
	size_t n;

	(void)state;
	example(&m);
	n = sg_meter_log(&m, "sg-progress", "LABEL", s, sizeof s);
	assert_string_equal(s, "sg-progress: LABEL: 1288490188/4294967296 bytes (30.0%), "
	    "98.1 MiB/s, ETA 29 s, 12 frames, 3 sources");
	assert_int_equal(n, strlen(s));

	/* Unknown total, stalled, no label, one frame. */
	sg_meter_init(&m, T0);
	sg_meter_add(&m, 1288490188);
	sg_meter_frame(&m);
	sg_meter_tick(&m, T0);
	n = sg_meter_log(&m, "sg-progress", "", s, sizeof s);
	assert_string_equal(s, "sg-progress: 1288490188/? bytes (?), 0 B/s, ETA ?, 1 frame, 0 sources");
	assert_int_equal(n, strlen(s));
	sg_meter_log(&m, "sg-progress", NULL, s, sizeof s);
	assert_string_equal(s, "sg-progress: 1288490188/? bytes (?), 0 B/s, ETA ?, 1 frame, 0 sources");

	/* Known total, stalled: the ETA is unknown, not frozen. */
	sg_meter_set_total(&m, 2000000000);
	sg_meter_tick(&m, T0 + 1);
	sg_meter_tick(&m, T0 + 2);
	sg_meter_log(&m, "p", "x", s, sizeof s);
	assert_string_equal(s, "p: x: 1288490188/2000000000 bytes (64.4%), 0 B/s, ETA ?, 1 frame, 0 sources");

	/* A rate that rounds to 1024 B/s is 1.00 KiB/s. */
	m.rate = 1023.4;
	sg_meter_log(&m, "p", "", s, sizeof s);
	assert_non_null(strstr(s, ", 1023 B/s,"));
	m.rate = 1023.6;
	sg_meter_log(&m, "p", "", s, sizeof s);
	assert_non_null(strstr(s, ", 1.00 KiB/s,"));
	m.rate = 0;

	/* A label that would break the line is shown with '?'. */
	sg_meter_log(&m, "p", "a\nb\x1b[2J\xff", s, sizeof s);
	assert_string_equal(s, "p: a?b?[2J?: 1288490188/2000000000 bytes (64.4%), 0 B/s, ETA ?, "
	    "1 frame, 0 sources");
}

/* Human sizes, through the summary: three significant digits, IEC. */
static void
summary_is(uint64_t bytes, double elapsed, const char *want)
{
	char s[256];
	sg_meter m;

	sg_meter_init(&m, T0);
	sg_meter_add(&m, bytes);
	sg_meter_finish(&m, T0 + elapsed);
	sg_meter_summary(&m, "p", "", s, sizeof s);
	if (strcmp(s, want) != 0)
		fail_msg("summary of %llu bytes in %g s:\n got  %s\n want %s",
		    (unsigned long long)bytes, elapsed, s, want);
}

static void
test_summary(void **state)
{
	char s[512];
	sg_meter m;

	(void)state;
	sg_meter_init(&m, T0);
	sg_meter_set_total(&m, 4294967296ull);
	sg_meter_add(&m, 4294967296ull);
	m.frames = 512;
	m.sources = 3;
	sg_meter_finish(&m, T0 + 43.8);
	sg_meter_summary(&m, "sg-progress", "LABEL", s, sizeof s);
	assert_string_equal(s, "sg-progress: LABEL: 4294967296 bytes (4.00 GiB) in 43.8 s, "
	    "93.5 MiB/s average, 512 frames, 3 sources");

	summary_is(0, 0, "p: 0 bytes (0 B) in 0.0 s, 0 B/s average");
	sg_meter_init(&m, T0);
	m.sources = 1;
	sg_meter_finish(&m, T0);
	sg_meter_summary(&m, NULL, NULL, s, sizeof s);
	assert_string_equal(s, "0 bytes (0 B) in 0.0 s, 0 B/s average, 0 frames, 1 source");
	summary_is(512, 1, "p: 512 bytes (512 B) in 1.0 s, 512 B/s average");
	summary_is(1023, 1, "p: 1023 bytes (1023 B) in 1.0 s, 1023 B/s average");
	summary_is(1024, 2, "p: 1024 bytes (1.00 KiB) in 2.0 s, 512 B/s average");
	summary_is(1536, 0.5, "p: 1536 bytes (1.50 KiB) in 0.5 s, 3.00 KiB/s average");
	summary_is(10234, 1, "p: 10234 bytes (9.99 KiB) in 1.0 s, 9.99 KiB/s average");
	summary_is(10235, 1, "p: 10235 bytes (10.0 KiB) in 1.0 s, 10.0 KiB/s average");
	summary_is(102348, 1, "p: 102348 bytes (99.9 KiB) in 1.0 s, 99.9 KiB/s average");
	summary_is(102349, 1, "p: 102349 bytes (100 KiB) in 1.0 s, 100 KiB/s average");
	summary_is(1024 * 1000, 1, "p: 1024000 bytes (1000 KiB) in 1.0 s, 1000 KiB/s average");
	summary_is(1048063, 1, "p: 1048063 bytes (1023 KiB) in 1.0 s, 1023 KiB/s average");
	summary_is(1048064, 1, "p: 1048064 bytes (1.00 MiB) in 1.0 s, 1.00 MiB/s average");
	summary_is(5 * GiB / 4, 3600, "p: 1342177280 bytes (1.25 GiB) in 3600.0 s, 364 KiB/s average");
	summary_is(1ull << 40, 0.5, "p: 1099511627776 bytes (1.00 TiB) in 0.5 s, 2.00 TiB/s average");
	summary_is(UINT64_MAX, 1, "p: 18446744073709551614 bytes (16.0 EiB) in 1.0 s, "
	    "16.0 EiB/s average");
}

/* ------------------------------------------------------- terminal line */

static void
line_is(const sg_meter *m, const char *label, int width, const char *want)
{
	char s[512];
	size_t n = sg_meter_line(m, label, width, s, sizeof s);

	if (getenv("SHOW") != NULL)
		printf("%3d |%s|\n", width, s);
	if (strcmp(s, want) != 0 && getenv("SHOW") == NULL)
		fail_msg("line at width %d:\n got  '%s'\n want '%s'", width, s, want);
	assert_int_equal(n, strlen(s));
	assert_true(n <= (size_t)width);
}

static void
test_line(void **state)
{
	sg_meter m;

	(void)state;
	example(&m);
	/* The widths of the brief: the bar gives way first, then the counts,
	 * the ETA, the rate, the total, the label, the percent. */
	line_is(&m, "LABEL", 120, "LABEL  1.20 GiB / 4.00 GiB  30.0% [===========>"
	    "                          ]  98.1 MiB/s  ETA 0:00:29  12 frames 3 sources");
	line_is(&m, "LABEL", 80, "LABEL  1.20 GiB / 4.00 GiB  30.0%  98.1 MiB/s  ETA 0:00:29  "
	    "12 frames 3 sources");
	line_is(&m, "LABEL", 40, "LABEL  1.20 GiB / 4.00 GiB  30.0%");
	line_is(&m, "LABEL", 32, "LABEL  1.20 GiB  30.0%");
	line_is(&m, "LABEL", 21, "1.20 GiB  30.0%");   /* a label of 7 bytes at most */
	line_is(&m, "LABEL", 20, "1.20 GiB  30.0%");
	line_is(&m, "LABEL", 8, "1.20 GiB");
	line_is(&m, "LABEL", 5, "1.20 ");
	line_is(&m, "LABEL", 0, "");
	line_is(&m, "LABEL", -3, "");
	/* The narrowest bar, and one column less. */
	line_is(&m, NULL, 79, "1.20 GiB / 4.00 GiB  30.0% [=>  ]  98.1 MiB/s  ETA 0:00:29  "
	    "12 frames 3 sources");
	line_is(&m, "", 78, "1.20 GiB / 4.00 GiB  30.0%  98.1 MiB/s  ETA 0:00:29  "
	    "12 frames 3 sources");
	line_is(&m, "", 72, "1.20 GiB / 4.00 GiB  30.0%  98.1 MiB/s  ETA 0:00:29  "
	    "12 frames 3 sources");
	line_is(&m, "", 71, "1.20 GiB / 4.00 GiB  30.0%  98.1 MiB/s  ETA 0:00:29");
	line_is(&m, "", 51, "1.20 GiB / 4.00 GiB  30.0%  98.1 MiB/s  ETA 0:00:29");
	line_is(&m, "", 50, "1.20 GiB / 4.00 GiB  30.0%  98.1 MiB/s");
	line_is(&m, "", 37, "1.20 GiB / 4.00 GiB  30.0%");
	line_is(&m, "", 25, "1.20 GiB  30.0%");
	line_is(&m, "", 14, "1.20 GiB");

	/* A long label is cut to a third of the width, before a character;
	 * bytes that could drive the terminal show as '?'. */
	line_is(&m, "a very long label indeed, one that goes on", 60,
	    "a very long label...  1.20 GiB / 4.00 GiB  30.0%  98.1 MiB/s");
	line_is(&m, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 80,
	    "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9  1.20 GiB / 4.00 GiB  30.0%  98.1 MiB/s  ETA 0:00:29");
	line_is(&m, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 26, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9  1.20 GiB  30.0%");
	line_is(&m, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 24, "1.20 GiB  30.0%");
	line_is(&m, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 30,
	    "\xC3\xA9\xC3\xA9\xC3\xA9...  1.20 GiB  30.0%");
	line_is(&m, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 33,
	    "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9...  1.20 GiB  30.0%");
	line_is(&m, "ab\tc\xC2\x9B" "d", 60, "ab?c??d  1.20 GiB / 4.00 GiB  30.0%  98.1 MiB/s  "
	    "ETA 0:00:29");

	/* Unknown total: no total, percent, bar or ETA. */
	sg_meter_set_total(&m, UINT64_MAX);
	sg_meter_tick(&m, T0 + 13);       /* no time passed: the rate stays */
	assert_true(m.rate == 98.1 * MiB);
	m.sources = 0;
	line_is(&m, "", 120, "1.20 GiB  98.1 MiB/s  12 frames");
	line_is(&m, "", 20, "1.20 GiB  98.1 MiB/s");
	line_is(&m, "", 19, "1.20 GiB");
	m.frames = 0;
	m.sources = 2;
	line_is(&m, "", 120, "1.20 GiB  98.1 MiB/s  2 sources");

	/* Stalled with a known total; the bar at 0 and at 100%. */
	sg_meter_init(&m, T0);
	sg_meter_set_total(&m, 1000);
	sg_meter_tick(&m, T0 + 1);
	line_is(&m, "", 60, "0 B / 1000 B  0.0% [>                  ]  0 B/s  ETA -:--:--");
	sg_meter_add(&m, 1000);
	sg_meter_tick(&m, T0 + 2);
	line_is(&m, "", 60, "1000 B / 1000 B  100.0% [===========]  1000 B/s  ETA 0:00:00");
	/* Finished: the time it took, and the average rate. */
	m.frames = 1;
	m.sources = 1;
	sg_meter_finish(&m, T0 + 3723);
	line_is(&m, "", 80, "1000 B / 1000 B  100.0% [=================]  0 B/s  in 1:02:03  "
	    "1 frame 1 source");

	/* An ETA of 10000 hours or more is none. */
	sg_meter_init(&m, T0);
	sg_meter_set_total(&m, 36000001);
	sg_meter_add(&m, 1);
	sg_meter_tick(&m, T0 + 1);
	assert_true(m.eta_s == 36e6);
	line_is(&m, "", 50, "1 B / 34.3 MiB  0.0% [>      ]  1 B/s  ETA -:--:--");
	sg_meter_set_total(&m, 35999999);
	sg_meter_tick(&m, T0 + 1);
	line_is(&m, "", 50, "1 B / 34.3 MiB  0.0% [>   ]  1 B/s  ETA 9999:59:58");
}

/* Every width from 0 to 200, states of every kind, labels of every kind:
 * never longer than the width, never a control byte, a label never cut
 * inside a character, and the widths 120, 80, 40 and 20 of the brief. */
static void
test_line_widths(void **state)
{
	static const char *labels[] = {
		"", "x", "LABEL", "a label that is much too long for any narrow terminal line",
		"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE3\x83\xA9\xE3\x83\x99\xE3\x83\xAB"
		"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E",
		"bad \xff\xfe\x1b[31m\r\n\x7f label \xF0\x9F\x98",
	};
	sgt_rng r;
	unsigned iter, n = sgt_iters(300);

	(void)state;
	sgt_rng_init(&r, "line_widths");
	for (iter = 0; iter < n; iter++) {
		const char *label = labels[sgt_below(&r, sizeof labels / sizeof labels[0])];
		sg_meter m;
		int width;

		sg_meter_init(&m, T0);
		if (sgt_chance(&r, 70))
			sg_meter_set_total(&m, sgt_chance(&r, 10) ? 0 : sgt_next(&r) >> sgt_below(&r, 64));
		sg_meter_add(&m, sgt_next(&r) >> sgt_below(&r, 64));
		m.frames = sgt_chance(&r, 30) ? 0 : sgt_next(&r) >> sgt_below(&r, 64);
		m.sources = sgt_chance(&r, 30) ? 0 : sgt_next(&r) >> sgt_below(&r, 64);
		sg_meter_tick(&m, T0 + (double)sgt_range(&r, 1, 1000000) / 1000);
		if (sgt_chance(&r, 20))
			sg_meter_finish(&m, T0 + (double)sgt_range(&r, 0, 1000000000) / 1000);
		if (sgt_chance(&r, 10))   /* the fields are public: a caller's */
			m.percent = (double)sgt_range(&r, 0, 3000) / 10 - 50;
		for (width = 0; width <= 200; width++) {
			char s[512];
			size_t len = sg_meter_line(&m, label, width, s, sizeof s), i;

			assert_int_equal(len, strlen(s));
			if (len > (size_t)width)
				fail_msg("width %d: %zu bytes: '%s'", width, len, s);
			for (i = 0; i < len; i++)
				assert_true((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
			assert_true(sg_utf8_valid(s, len) || width < 8);
			if (width >= 8)
				assert_non_null(strchr(s, 'B'));   /* the bytes stay */
			if (m.total == UINT64_MAX)      /* no percent, no bar */
				assert_null(strstr(s, "% ["));
		}
	}
}

/* A small buffer: always terminated, never overrun. */
static void
test_small_cap(void **state)
{
	char s[64];
	sg_meter m;
	size_t cap, n;
	struct timespec wall = { 0, 0 };

	(void)state;
	example(&m);
	for (cap = 0; cap < sizeof s; cap++) {
		memset(s, 'Z', sizeof s);
		n = sg_meter_line(&m, "LABEL", 120, s, cap);
		assert_true(cap == 0 ? n == 0 && s[0] == 'Z' : n < cap && s[n] == '\0');
		assert_true(cap == sizeof s || s[cap] == 'Z' || cap + 1 == sizeof s);
		memset(s, 'Z', sizeof s);
		n = sg_meter_log(&m, "sg-progress", "LABEL", s, cap);
		assert_true(cap == 0 ? n == 0 && s[0] == 'Z' : n < cap && s[n] == '\0');
		assert_true(s[cap] == 'Z' || cap + 1 == sizeof s);
		memset(s, 'Z', sizeof s);
		n = sg_meter_summary(&m, "sg-progress", "LABEL", s, cap);
		assert_true(cap == 0 ? n == 0 && s[0] == 'Z' : n < cap && s[n] == '\0');
		memset(s, 'Z', sizeof s);
		n = sg_meter_json(&m, "LABEL", wall, s, cap);
		assert_int_equal(n, 0);           /* no event fits in 64 bytes */
		assert_true(cap == 0 ? s[0] == 'Z' : s[0] == '\0');
	}
}

/* --------------------------------------------------------------- JSON */

/* A strict reader for the flat objects sg_meter_json writes: string keys,
 * values that are strings, non-negative numbers, null, true or false. */
struct jfield {
	char key[16];
	int kind;               /* 's' string, 'n' number, '0' null, 't', 'f' */
	char val[2048];         /* a string decoded to UTF-8, a number's text */
	size_t len;
};

static void
put_utf8(struct jfield *f, unsigned c)
{
	unsigned char *o = (unsigned char *)f->val + f->len;

	assert_true(f->len + 4 < sizeof f->val);
	if (c < 0x80) {
		o[0] = (unsigned char)c;
		f->len += 1;
	} else if (c < 0x800) {
		o[0] = (unsigned char)(0xC0 | c >> 6);
		o[1] = (unsigned char)(0x80 | (c & 0x3F));
		f->len += 2;
	} else {
		assert_true(c < 0xD800 || c > 0xDFFF);
		o[0] = (unsigned char)(0xE0 | c >> 12);
		o[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
		o[2] = (unsigned char)(0x80 | (c & 0x3F));
		f->len += 3;
	}
}

/* A JSON string at *p, decoded into f->val. */
static void
jstring(const char **p, struct jfield *f)
{
	const char *s = *p;

	f->len = 0;
	if (*s != '"')
		fail_msg("expected a string at '%s'", s);
	s++;
	while (*s != '"') {
		unsigned char c = (unsigned char)*s;

		if (c == '\0' || c < 0x20)
			fail_msg("raw control byte 0x%02x in a JSON string", c);
		if (c != '\\') {
			assert_true(f->len + 1 < sizeof f->val);
			f->val[f->len++] = (char)c;
			s++;
			continue;
		}
		s++;
		switch (*s) {
		case '"': case '\\': case '/': put_utf8(f, (unsigned char)*s); s++; break;
		case 'b': put_utf8(f, '\b'); s++; break;
		case 'f': put_utf8(f, '\f'); s++; break;
		case 'n': put_utf8(f, '\n'); s++; break;
		case 'r': put_utf8(f, '\r'); s++; break;
		case 't': put_utf8(f, '\t'); s++; break;
		case 'u': {
			char hex[5] = { 0 }, *end;

			memcpy(hex, s + 1, 4);
			put_utf8(f, (unsigned)strtoul(hex, &end, 16));
			assert_true(end == hex + 4);
			s += 5;
			break;
		}
		default:
			fail_msg("bad escape \\%c", *s);
		}
	}
	f->val[f->len] = '\0';
	*p = s + 1;
}

/* Parse one event (with its newline) into f[0..n); returns n. */
static size_t
jparse(const char *s, struct jfield *f, size_t max)
{
	size_t n = 0;
	size_t len = strlen(s);

	assert_true(len >= 3);
	assert_true(s[len - 1] == '\n');
	assert_null(memchr(s, '\n', len - 1));
	assert_true(*s++ == '{');
	for (;;) {
		struct jfield *x = &f[n];

		assert_true(n < max);
		jstring(&s, x);
		assert_true(x->len < sizeof x->key);
		memcpy(x->key, x->val, x->len + 1);
		assert_true(*s++ == ':');
		if (*s == '"') {
			x->kind = 's';
			jstring(&s, x);
		} else if (strncmp(s, "null", 4) == 0) {
			x->kind = '0';
			s += 4;
		} else if (strncmp(s, "true", 4) == 0) {
			x->kind = 't';
			s += 4;
		} else if (strncmp(s, "false", 5) == 0) {
			x->kind = 'f';
			s += 5;
		} else {
			/* JSON numbers: no leading zeros, digits after a dot. */
			const char *b = s;

			x->kind = 'n';
			assert_true(*s >= '0' && *s <= '9');
			if (*s == '0')
				s++;
			else
				while (*s >= '0' && *s <= '9')
					s++;
			if (*s == '.') {
				s++;
				assert_true(*s >= '0' && *s <= '9');
				while (*s >= '0' && *s <= '9')
					s++;
			}
			x->len = (size_t)(s - b);
			memcpy(x->val, b, x->len);
			x->val[x->len] = '\0';
		}
		n++;
		if (*s == '}')
			break;
		assert_true(*s++ == ',');
	}
	assert_string_equal(s, "}\n");
	return n;
}

static const char *keys[] = { "time", "label", "source", "name", "bytes", "total", "percent",
	"rate", "eta_s", "frames", "sources", "done" };

static void
check_keys(const struct jfield *f, size_t n)
{
	size_t i;

	assert_int_equal(n, sizeof keys / sizeof keys[0]);
	for (i = 0; i < n; i++)
		assert_string_equal(f[i].key, keys[i]);
}

static void
test_json(void **state)
{
	struct timespec wall = { 1795269787, 123999999 };
	struct jfield f[16];
	char s[4096];
	sg_meter m;
	size_t n;

	(void)state;
	example(&m);
	sg_meter_source(&m, 2, "a\"b\nc\xff\xC3\xA9", 8);
	n = sg_meter_json(&m, "LABEL", wall, s, sizeof s);
	assert_string_equal(s, "{\"time\":\"2026-11-21T14:03:07.123Z\",\"label\":\"LABEL\","
	    "\"source\":2,\"name\":\"a\\\"b\\nc\\ufffd\xC3\xA9\",\"bytes\":1288490188,"
	    "\"total\":4294967296,\"percent\":30.0,\"rate\":102865306,\"eta_s\":29.2,"
	    "\"frames\":12,\"sources\":3,\"done\":false}\n");
	assert_int_equal(n, strlen(s));
	check_keys(f, jparse(s, f, 16));
	assert_string_equal(f[3].val, "a\"b\nc\xEF\xBF\xBD\xC3\xA9");
	assert_int_equal(f[2].kind, 'n');
	assert_int_equal(f[11].kind, 'f');

	/* Unknowns are null; no label, no source. */
	sg_meter_init(&m, T0);
	sg_meter_add(&m, 7);
	sg_meter_tick(&m, T0 + 2);
	wall.tv_sec = 0;
	wall.tv_nsec = 5000000;
	sg_meter_json(&m, "", wall, s, sizeof s);
	assert_string_equal(s, "{\"time\":\"1970-01-01T00:00:00.005Z\",\"label\":null,"
	    "\"source\":null,\"name\":null,\"bytes\":7,\"total\":null,\"percent\":null,"
	    "\"rate\":4,\"eta_s\":null,\"frames\":0,\"sources\":0,\"done\":false}\n");
	check_keys(f, jparse(s, f, 16));
	sg_meter_json(&m, NULL, wall, s, sizeof s);
	assert_non_null(strstr(s, "\"label\":null,"));

	/* A source without a name; a label to escape. */
	sg_meter_source(&m, 0, "", 0);
	sg_meter_finish(&m, T0 + 4);
	sg_meter_json(&m, "tab\there \\ \x01\x7f", wall, s, sizeof s);
	assert_string_equal(s, "{\"time\":\"1970-01-01T00:00:00.005Z\",\"label\":"
	    "\"tab\\there \\\\ \\u0001\x7f\",\"source\":0,\"name\":null,\"bytes\":7,"
	    "\"total\":7,\"percent\":100.0,\"rate\":2,\"eta_s\":0.0,\"frames\":0,"
	    "\"sources\":0,\"done\":true}\n");
	check_keys(f, jparse(s, f, 16));
	assert_string_equal(f[1].val, "tab\there \\ \x01\x7f");
	assert_int_equal(f[11].kind, 't');
}

/* Random names and labels escape exactly as sg_json_string does, read
 * back to what they were (invalid bytes as U+FFFD), and fit in
 * SG_METER_JSON_CAP at the worst. */
static void
test_json_property(void **state)
{
	static const unsigned char pick[] = { 'a', '"', '\\', '\n', 0, 0x1f, 0x7f, 0x80, 0xBF,
		0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0xED, 0xA0, 0xFF, 0xC0 };
	struct jfield f[16];
	sgt_rng r;
	unsigned iter, n = sgt_iters(2000);

	(void)state;
	sgt_rng_init(&r, "json_property");
	for (iter = 0; iter < n; iter++) {
		unsigned char name[SG_METER_NAME_MAX], label[200];
		size_t nlen = sgt_below(&r, sizeof name + 1), llen = sgt_below(&r, sizeof label), i;
		struct timespec wall = { (time_t)sgt_below(&r, 4102444800u), (long)sgt_below(&r, 1000000000) };
		char *s, want[sizeof name * 6 + 3];
		size_t cap = SG_METER_JSON_CAP(llen), len;
		sg_buf b = SG_BUF_INIT;
		sg_meter m;
		sg_err e;

		for (i = 0; i < nlen; i++)
			name[i] = sgt_chance(&r, 50) ? pick[sgt_below(&r, sizeof pick)]
			    : (unsigned char)sgt_below(&r, 256);
		for (i = 0; i < llen; i++) {
			label[i] = sgt_chance(&r, 50) ? pick[sgt_below(&r, sizeof pick)]
			    : (unsigned char)sgt_below(&r, 256);
			if (label[i] == 0)
				label[i] = 1;
		}
		label[llen] = '\0';
		sg_meter_init(&m, T0);
		sg_meter_set_total(&m, sgt_chance(&r, 50) ? UINT64_MAX : UINT64_MAX - 1);
		sg_meter_add(&m, UINT64_MAX);
		m.frames = m.sources = UINT64_MAX;
		sg_meter_source(&m, INT64_MAX, (const char *)name, nlen);
		sg_meter_tick(&m, T0 + 1e-9);
		if (sgt_chance(&r, 30))
			sg_meter_finish(&m, T0 + 1e-9);
		assert_non_null(s = malloc(cap));
		len = sg_meter_json(&m, (const char *)label, wall, s, cap);
		assert_true(len > 0);
		assert_int_equal(len, strlen(s));
		check_keys(f, jparse(s, f, 16));

		sg_err_clear(&e);
		if (nlen > 0) {
			assert_int_equal(sg_json_string(&b, name, nlen, &e), 0);
			memcpy(want, b.p, b.len);
			want[b.len] = '\0';
			if (strstr(s, want) == NULL)
				fail_msg("name escaped unlike sg_json_string: want %s in %s", want, s);
			assert_int_equal(f[3].kind, 's');
			/* Read back: valid UTF-8, and the original when it was. */
			assert_true(sg_utf8_valid(f[3].val, f[3].len));
			if (sg_utf8_valid(name, nlen)) {
				assert_int_equal(f[3].len, nlen);
				assert_memory_equal(f[3].val, name, nlen);
			}
		} else
			assert_int_equal(f[3].kind, '0');
		b.len = 0;
		if (llen > 0) {
			assert_int_equal(sg_json_string(&b, label, llen, &e), 0);
			assert_true(strncmp(s + strlen("{\"time\":\"2026-11-21T14:03:07.123Z\",\"label\":"),
			    (const char *)b.p, b.len) == 0);
			if (sg_utf8_valid(label, llen))
				assert_string_equal(f[1].val, (const char *)label);
		}
		sg_buf_free(&b);
		/* One byte less and there is no event at all. */
		len = sg_meter_json(&m, (const char *)label, wall, s, len);
		assert_int_equal(len, 0);
		assert_string_equal(s, "");
		free(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_constant_rate),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_stall),
		cmocka_unit_test(test_percent_monotonic),
		cmocka_unit_test(test_total_zero),
		cmocka_unit_test(test_unknown_total),
		cmocka_unit_test(test_past_total),
		cmocka_unit_test(test_progress_backwards),
		cmocka_unit_test(test_finish_short),
		cmocka_unit_test(test_saturation),
		cmocka_unit_test(test_source),
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_line_widths),
		cmocka_unit_test(test_small_cap),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_property),
	};

	return cmocka_run_group_tests_name("meter", tests, NULL, NULL);
}
