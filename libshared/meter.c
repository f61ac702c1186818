/* meter.c: the arithmetic and the text of sg-progress (see meter.h). */
#include "meter.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

#define NONE UINT64_MAX        /* an unknown total */
#define MOST (UINT64_MAX - 1)  /* bytes saturate here, short of NONE */
#define ETA_SHOWN 36e6         /* 10000 hours: longer is no estimate */
#define BAR_MIN 4              /* a narrower bar says nothing */

static uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return a >= MOST || b >= MOST - a ? MOST : a + b;
}

/* v rounded to a whole number, clamped to what a uint64_t holds; NaN and
 * negatives are 0 (a cast of those would be undefined). */
static uint64_t
whole(double v)
{
	if (!(v > 0))
		return 0;
	if (v >= 18446744073709549568.0)
		return UINT64_MAX;
	return (uint64_t)(v + 0.5);
}

/* ------------------------------------------------------------ arithmetic */

void
sg_meter_init(sg_meter *m, double now)
{
	memset(m, 0, sizeof *m);
	m->total = NONE;
	m->source = -1;
	m->start = m->now = m->last = now;
	m->eta_s = -1;
	m->percent = -1;
}

void
sg_meter_add(sg_meter *m, uint64_t n)
{
	m->bytes = sat_add(m->bytes, n);
	m->moved = sat_add(m->moved, n);
}

void
sg_meter_set_total(sg_meter *m, uint64_t total)
{
	m->total = total;
}

void
sg_meter_progress(sg_meter *m, uint64_t consumed, uint64_t total)
{
	if (consumed > MOST)
		consumed = MOST;
	/* Only forward steps are work done: a new input restarting at 0
	 * must not count as bytes, nor as negative ones. */
	if (consumed > m->bytes)
		m->moved = sat_add(m->moved, consumed - m->bytes);
	m->bytes = consumed;
	m->total = total;
}

void
sg_meter_source(sg_meter *m, int64_t index, const char *name, size_t len)
{
	if (index < 0 || name == NULL)
		len = 0;
	if (len > SG_METER_NAME_MAX) {
		const unsigned char *p = (const unsigned char *)name;
		size_t at = SG_METER_NAME_MAX;

		/* Cut before the character that straddles the limit, if one
		 * does (JSON would show its first bytes as U+FFFD). */
		while (at > SG_METER_NAME_MAX - 3 && (p[at] & 0xC0) == 0x80)
			at--;
		len = at + sg_utf8_unit(p + at, len - at) > SG_METER_NAME_MAX ? at
		    : SG_METER_NAME_MAX;
	}
	if (len > 0)
		memcpy(m->source_name, name, len);
	m->source_name[len] = '\0';
	m->name_len = len;
	m->source = index < 0 ? -1 : index;
}

void
sg_meter_frame(sg_meter *m)
{
	m->frames++;
}

static double
percent_of(const sg_meter *m)
{
	double p;

	if (m->total == NONE)
		return -1;
	if (m->total == 0)
		return m->done ? 100 : 0;
	if (m->bytes >= m->total)
		return 100;
	p = (double)m->bytes / (double)m->total * 100;
	/* Short of the total is short of 100%, even where a double rounds
	 * the ratio up to 1. */
	return p < 99.999 ? p : 99.999;
}

static double
eta_of(const sg_meter *m)
{
	if (m->total == NONE || m->bytes > m->total || !(m->rate > 0))
		return -1;
	return (double)(m->total - m->bytes) / m->rate;
}

void
sg_meter_tick(sg_meter *m, double now)
{
	double dt = now - m->last;

	m->now = now;
	if (dt > 0) {
		m->rate = (double)(m->moved - m->last_moved) / dt;
		m->last = now;
		m->last_moved = m->moved;
	}
	m->percent = percent_of(m);
	m->eta_s = eta_of(m);
}

void
sg_meter_finish(sg_meter *m, double now)
{
	double elapsed = now - m->start;

	m->now = now;
	m->done = 1;
	m->rate = elapsed > 0 ? (double)m->moved / elapsed : 0;
	if (m->total == NONE)
		m->total = m->bytes;
	m->percent = percent_of(m);
	m->eta_s = m->bytes >= m->total ? 0 : -1;
}

/* ------------------------------------------------------------------ text */

/* Text built into a caller's buffer; full once something did not fit. */
struct out {
	char *p;
	size_t cap, len;
	int full;
};

static void
out_init(struct out *o, char *buf, size_t cap)
{
	o->p = buf;
	o->cap = cap;
	o->len = 0;
	o->full = cap == 0;
	if (cap > 0)
		buf[0] = '\0';
}

static void
put(struct out *o, const void *s, size_t n)
{
	size_t room = o->cap > o->len ? o->cap - o->len - 1 : 0;

	if (n > room) {
		n = room;
		o->full = 1;
	}
	if (o->cap == 0)
		return;
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void
put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void putf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
putf(struct out *o, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof tmp) {
		n = sizeof tmp - 1;
		o->full = 1;
	}
	put(o, tmp, (size_t)n);
}

/* v bytes for people, IEC with three significant digits: "512 B",
 * "1.50 KiB", "98.1 MiB", "1000 KiB". */
static void
human(struct out *o, double v, const char *per)
{
	static const char *unit[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned u = 0;
	uint64_t n;

	if (!(v >= 0))
		v = 0;
	if (v < 1023.5) {
		putf(o, "%llu B%s", (unsigned long long)whole(v), per);
		return;
	}
	/* 1023.5 and up would print as 1024 of the smaller unit. */
	v /= 1024;
	while (v >= 1023.5 && u + 1 < sizeof unit / sizeof unit[0]) {
		v /= 1024;
		u++;
	}
	if (v < 9.995) {
		n = whole(v * 100);
		putf(o, "%llu.%02llu %s%s", (unsigned long long)(n / 100),
		    (unsigned long long)(n % 100), unit[u], per);
	} else if (v < 99.95) {
		n = whole(v * 10);
		putf(o, "%llu.%llu %s%s", (unsigned long long)(n / 10),
		    (unsigned long long)(n % 10), unit[u], per);
	} else
		putf(o, "%llu %s%s", (unsigned long long)whole(v), unit[u], per);
}

/* A percentage in tenths, rounded, but 100.0 only when it is 100. */
static unsigned
tenths(double percent)
{
	uint64_t t;

	if (percent >= 100)
		return 1000;
	t = whole(percent * 10);
	return t >= 1000 ? 999 : (unsigned)t;
}

static void
put_percent(struct out *o, double percent)
{
	unsigned t = tenths(percent);

	putf(o, "%u.%u%%", t / 10, t % 10);
}

static void
put_clock(struct out *o, double seconds)
{
	uint64_t s = whole(seconds);

	putf(o, "%llu:%02u:%02u", (unsigned long long)(s / 3600),
	    (unsigned)(s / 60 % 60), (unsigned)(s % 60));
}

static void
put_count(struct out *o, uint64_t n, const char *what, const char *sep)
{
	putf(o, "%s%llu %s%s", sep, (unsigned long long)n, what, n == 1 ? "" : "s");
}

/* The unit of a label at p[0..len): its length, and whether it must show
 * as '?' instead (then it is one byte). Control bytes (C0, DEL and the C1
 * controls U+0080..U+009F) could move the cursor or split a line, and a
 * byte that is not UTF-8 could swallow what follows. */
static size_t
label_unit(const unsigned char *p, size_t len, int *bad)
{
	size_t u = sg_utf8_unit(p, len);

	*bad = u <= 1 ? p[0] < 0x20 || p[0] >= 0x7F : u == 2 && p[0] == 0xC2 && p[1] < 0xA0;
	return *bad ? 1 : u;
}

/* The label for a terminal or a log, each bad byte as '?' (so it is as
 * many bytes as the label). When longer than max bytes (max >= 4), its
 * start cut before a character and "...". */
static void
put_label(struct out *o, const char *label, size_t max)
{
	const unsigned char *p = (const unsigned char *)label;
	size_t len = strlen(label), end = len, i, u;
	int bad;

	if (len > max) {
		for (end = i = 0; i < len; i += u) {
			u = label_unit(p + i, len - i, &bad);
			if (i + u > max - 3)
				break;
			end = i + u;
		}
	}
	for (i = 0; i < end; i += u) {
		u = label_unit(p + i, end - i, &bad);
		put(o, bad ? "?" : (const char *)p + i, u);
	}
	if (end < len)
		put(o, "...", 3);
}

/* ---------------------------------------------------------- terminal line */

/* The parts of a terminal line, in order, each present or not. */
enum { P_LABEL, P_BYTES, P_TOTAL, P_PERCENT, P_BAR, P_RATE, P_ETA, P_COUNTS, P_N };

struct part {
	char s[320];
	size_t len;
	int on;
};

static void
render(struct part *pt, const sg_meter *m, int k, void (*fill)(struct out *, const sg_meter *))
{
	struct out o;

	out_init(&o, pt[k].s, sizeof pt[k].s);
	fill(&o, m);
	pt[k].len = o.len;
	pt[k].on = o.len > 0;
}

static void
fill_bytes(struct out *o, const sg_meter *m)
{
	human(o, (double)m->bytes, "");
}

static void
fill_total(struct out *o, const sg_meter *m)
{
	if (m->total == NONE)
		return;
	put_str(o, " / ");
	human(o, (double)m->total, "");
}

static void
fill_percent(struct out *o, const sg_meter *m)
{
	if (m->total != NONE && m->percent >= 0)
		put_percent(o, m->percent);
}

static void
fill_rate(struct out *o, const sg_meter *m)
{
	human(o, m->rate, "/s");
}

static void
fill_eta(struct out *o, const sg_meter *m)
{
	if (m->done) {
		put_str(o, "in ");
		put_clock(o, m->now - m->start);
	} else if (m->total != NONE) {
		put_str(o, "ETA ");
		if (m->eta_s >= 0 && m->eta_s < ETA_SHOWN)
			put_clock(o, m->eta_s);
		else
			put_str(o, "-:--:--");
	}
}

static void
fill_counts(struct out *o, const sg_meter *m)
{
	if (m->frames > 0)
		put_count(o, m->frames, "frame", "");
	if (m->sources > 0)
		put_count(o, m->sources, "source", m->frames > 0 ? " " : "");
}

/* Length of the line with the parts that are on, the bar aside. */
static size_t
line_len(const struct part *pt)
{
	size_t n = 0;
	int k, first = 1;

	for (k = 0; k < P_N; k++) {
		if (!pt[k].on || k == P_BAR)
			continue;
		/* The total hangs on the bytes: " / 4.00 GiB". */
		if (!first && k != P_TOTAL)
			n += 2;
		n += pt[k].len;
		first = 0;
	}
	return n;
}

size_t
sg_meter_line(const sg_meter *m, const char *label, int width, char *buf, size_t cap)
{
	/* The order the parts give way in when the width is short. The
	 * label (already cut to a third) outlasts the rate and the total:
	 * it tells two meters on one terminal apart. */
	static const int drop[] = { P_BAR, P_COUNTS, P_ETA, P_RATE, P_TOTAL, P_LABEL, P_PERCENT };
	struct part pt[P_N];
	struct out o;
	size_t w, bar = 0, i;
	int k, first = 1;

	out_init(&o, buf, cap);
	if (width <= 0 || cap == 0)
		return 0;
	w = (size_t)width < cap - 1 ? (size_t)width : cap - 1;

	memset(pt, 0, sizeof pt);
	if (label != NULL && *label != '\0') {
		struct out lo;
		size_t max = w / 3 < sizeof pt[P_LABEL].s - 1 ? w / 3 : sizeof pt[P_LABEL].s - 1;

		out_init(&lo, pt[P_LABEL].s, sizeof pt[P_LABEL].s);
		if (max >= 4)
			put_label(&lo, label, max);
		pt[P_LABEL].len = lo.len;
		pt[P_LABEL].on = lo.len > 0;
	}
	render(pt, m, P_BYTES, fill_bytes);
	render(pt, m, P_TOTAL, fill_total);
	render(pt, m, P_PERCENT, fill_percent);
	render(pt, m, P_RATE, fill_rate);
	render(pt, m, P_ETA, fill_eta);
	render(pt, m, P_COUNTS, fill_counts);
	pt[P_BAR].on = pt[P_PERCENT].on;

	for (i = 0; i < sizeof drop / sizeof drop[0]; i++) {
		size_t n = line_len(pt);

		if (pt[P_BAR].on) {
			/* " [" ... "]" after the percent takes what is left. */
			if (n + 3 + BAR_MIN <= w) {
				bar = w - n - 3;
				break;
			}
		} else if (n <= w)
			break;
		pt[drop[i]].on = 0;
	}

	for (k = 0; k < P_N; k++) {
		if (!pt[k].on)
			continue;
		if (k == P_BAR) {
			/* percent >= 0 here: the bar needs a percent shown. */
			size_t fill = m->percent >= 100 ? bar
			    : (size_t)(m->percent / 100 * (double)bar);

			put_str(&o, " [");
			for (i = 0; i < bar; i++)
				put(&o, i < fill ? "=" : i == fill ? ">" : " ", 1);
			put_str(&o, "]");
			continue;
		}
		if (!first && k != P_TOTAL)
			put_str(&o, "  ");
		put(&o, pt[k].s, pt[k].len);
		first = 0;
	}
	/* Only the bytes are left and still too wide: cut them. */
	if (o.len > w) {
		o.len = w;
		buf[w] = '\0';
	}
	return o.len;
}

/* ------------------------------------------------------------ log lines */

static void
put_head(struct out *o, const char *prog, const char *label)
{
	if (prog != NULL && *prog != '\0') {
		put_str(o, prog);
		put_str(o, ": ");
	}
	if (label != NULL && *label != '\0') {
		put_label(o, label, SIZE_MAX);
		put_str(o, ": ");
	}
}

size_t
sg_meter_log(const sg_meter *m, const char *prog, const char *label, char *buf, size_t cap)
{
	struct out o;

	out_init(&o, buf, cap);
	put_head(&o, prog, label);
	putf(&o, "%llu/", (unsigned long long)m->bytes);
	if (m->total == NONE)
		put_str(&o, "? bytes (?), ");
	else {
		putf(&o, "%llu bytes (", (unsigned long long)m->total);
		if (m->percent >= 0)
			put_percent(&o, m->percent);
		else
			put_str(&o, "?");
		put_str(&o, "), ");
	}
	human(&o, m->rate, "/s");
	if (m->eta_s >= 0 && m->eta_s < ETA_SHOWN)
		putf(&o, ", ETA %llu s", (unsigned long long)whole(m->eta_s));
	else
		put_str(&o, ", ETA ?");
	put_count(&o, m->frames, "frame", ", ");
	put_count(&o, m->sources, "source", ", ");
	return o.len;
}

size_t
sg_meter_summary(const sg_meter *m, const char *prog, const char *label, char *buf, size_t cap)
{
	double elapsed = m->now - m->start;
	uint64_t t;
	struct out o;

	if (!(elapsed > 0))
		elapsed = 0;
	out_init(&o, buf, cap);
	put_head(&o, prog, label);
	if (m->total != NONE && m->bytes < m->total) {
		putf(&o, "%llu/%llu bytes (", (unsigned long long)m->bytes,
		    (unsigned long long)m->total);
		human(&o, (double)m->bytes, ", ");
		put_percent(&o, percent_of(m));
		put_str(&o, ")");
	} else {
		putf(&o, "%llu bytes (", (unsigned long long)m->bytes);
		human(&o, (double)m->bytes, ")");
	}
	t = whole(elapsed * 10);
	putf(&o, " in %llu.%u s, ", (unsigned long long)(t / 10), (unsigned)(t % 10));
	human(&o, elapsed > 0 ? (double)m->moved / elapsed : 0, "/s average");
	/* Plain bytes (no frames at all) have nothing to count. */
	if (m->frames > 0 || m->sources > 0) {
		put_count(&o, m->frames, "frame", ", ");
		put_count(&o, m->sources, "source", ", ");
	}
	return o.len;
}

/* ----------------------------------------------------------------- JSON */

/* s[0..len) as a JSON string with the rules of sg_json_string (json.h),
 * written here because that one appends to a growing sg_buf and this
 * writes into the caller's fixed buffer: valid UTF-8 passes, '"', '\\'
 * and control characters are escaped, any other byte becomes U+FFFD. */
static void
put_json_string(struct out *o, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	put(o, "\"", 1);
	while (i < len && !o->full) {
		unsigned char b = p[i];
		size_t u;

		if (b >= 0x20 && b < 0x80 && b != '"' && b != '\\') {
			size_t run = i + 1;

			while (run < len && p[run] >= 0x20 && p[run] < 0x80 &&
			    p[run] != '"' && p[run] != '\\')
				run++;
			put(o, p + i, run - i);
			i = run;
		} else if (b == '"' || b == '\\') {
			put(o, "\\", 1);
			put(o, &b, 1);
			i++;
		} else if (b < 0x20) {
			if (b == '\n')
				put_str(o, "\\n");
			else if (b == '\r')
				put_str(o, "\\r");
			else if (b == '\t')
				put_str(o, "\\t");
			else
				putf(o, "\\u%04x", b);
			i++;
		} else if ((u = sg_utf8_unit(p + i, len - i)) > 1) {
			put(o, p + i, u);
			i += u;
		} else {
			put_str(o, "\\ufffd");
			i++;
		}
	}
	put(o, "\"", 1);
}

static void
put_tenths(struct out *o, double v)
{
	uint64_t t = whole(v * 10);

	putf(o, "%llu.%u", (unsigned long long)(t / 10), (unsigned)(t % 10));
}

size_t
sg_meter_json(const sg_meter *m, const char *label, struct timespec wall, char *buf, size_t cap)
{
	struct out o;
	struct tm tm;
	time_t sec = wall.tv_sec;
	long ms = wall.tv_nsec / 1000000;

	out_init(&o, buf, cap);
	if (ms < 0 || ms > 999)
		ms = 0;
	if (gmtime_r(&sec, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	putf(&o, "{\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\",\"label\":",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, ms);
	if (label != NULL && *label != '\0')
		put_json_string(&o, label, strlen(label));
	else
		put_str(&o, "null");
	if (m->source >= 0)
		putf(&o, ",\"source\":%lld", (long long)m->source);
	else
		put_str(&o, ",\"source\":null");
	put_str(&o, ",\"name\":");
	if (m->source >= 0 && m->name_len > 0)
		put_json_string(&o, m->source_name, m->name_len);
	else
		put_str(&o, "null");
	putf(&o, ",\"bytes\":%llu", (unsigned long long)m->bytes);
	if (m->total != NONE)
		putf(&o, ",\"total\":%llu", (unsigned long long)m->total);
	else
		put_str(&o, ",\"total\":null");
	put_str(&o, ",\"percent\":");
	if (m->percent >= 0) {
		unsigned t = tenths(m->percent);

		putf(&o, "%u.%u", t / 10, t % 10);
	} else
		put_str(&o, "null");
	putf(&o, ",\"rate\":%llu", (unsigned long long)whole(m->rate));
	put_str(&o, ",\"eta_s\":");
	if (m->eta_s >= 0 && isfinite(m->eta_s))
		put_tenths(&o, m->eta_s);
	else
		put_str(&o, "null");
	putf(&o, ",\"frames\":%llu,\"sources\":%llu,\"done\":%s}\n",
	    (unsigned long long)m->frames, (unsigned long long)m->sources,
	    m->done ? "true" : "false");
	if (o.full) {
		/* Half an event would break every reader of the stream. */
		if (cap > 0)
			buf[0] = '\0';
		return 0;
	}
	return o.len;
}
