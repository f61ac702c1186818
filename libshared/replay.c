#include "replay.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "meta.h"

void
sg_replay_init(sg_replay *r, const sg_ckpt *ck, sg_emit_fn emit, void *ctx)
{
	memset(r, 0, sizeof *r);
	r->ck = ck;
	r->emit = emit;
	r->ctx = ctx;
	r->live = ck->state == SG_CKPT_FRESH ||
	    (ck->source == 0 && !ck->begun && ck->state != SG_CKPT_DONE);
}

int
sg_replay_skips(const sg_replay *r, uint64_t i)
{
	return !r->live && i < r->ck->source;
}

/* What differs between the checkpoint's source and the BEGIN now. */
static int
begin_changed(const sg_replay *r, const sg_frame_hdr *h, const unsigned char *payload,
	      sg_err *e)
{
	const sg_ckpt *ck = r->ck;
	sg_meta *m = NULL, mbuf;
	sg_err me;

	sg_err_clear(&me);
	if (sg_meta_decode(payload, h->size, &mbuf, &me) == 0)
		m = &mbuf;
	if (m != NULL && (m->name_len != ck->name_len ||
	    memcmp(m->name, ck->name, ck->name_len) != 0))
		return sg_err_set(e, SG_ERESUME, "source %" PRIu32 " was '%s', now it is '%s'",
		    h->source, ck->name, m->name);
	if (m != NULL) {
		uint64_t size = (m->have & SG_META_HAS(SG_META_SIZE)) ? m->size : SG_CKPT_UNKNOWN;
		int has_mtime = (m->have & SG_META_HAS(SG_META_MTIME)) != 0;

		if (size != ck->size) {
			char was[32] = "unknown", now[32] = "unknown";

			if (ck->size != SG_CKPT_UNKNOWN)
				snprintf(was, sizeof was, "%" PRIu64 " bytes", ck->size);
			if (size != SG_CKPT_UNKNOWN)
				snprintf(now, sizeof now, "%" PRIu64 " bytes", size);
			return sg_err_set(e, SG_ERESUME, "its size changed since the checkpoint "
			    "(was %s, now %s)", was, now);
		}
		if (has_mtime != ck->has_mtime || (has_mtime && m->mtime_ns != ck->mtime_ns))
			return sg_err_set(e, SG_ERESUME, "it was modified since the checkpoint "
			    "(its mtime changed)");
	}
	return sg_err_set(e, SG_ERESUME, "its BEGIN frame differs from the checkpoint's "
	    "(file mode, or the options)");
}

/* The current source begins: check what went before, and it. */
static int
begin_current(sg_replay *r, const sg_frame_hdr *h, const unsigned char *payload, sg_err *e)
{
	const sg_ckpt *ck = r->ck;

	if (r->digest != ck->sources_digest)
		return sg_err_set(e, SG_ERESUME, "the %" PRIu64 " source%s before the "
		    "checkpoint's changed (a name, size, mtime or mode)",
		    ck->source, ck->source == 1 ? "" : "s");
	if (!ck->begun) {
		sg_frame_hdr b = *h;

		b.flags |= SG_FLAG_RESUMED;   /* after sources the sink holds */
		r->live = 1;
		return r->emit(r->ctx, &b, payload, e);
	}
	if (h->payload_sum != ck->begin_sum)
		return begin_changed(r, h, payload, e);
	if (h->size > sizeof r->begin_payload)
		return sg_err_set(e, SG_EINTERNAL, "BEGIN metadata too long");
	r->begin = *h;
	r->begin.flags |= SG_FLAG_RESUMED;
	memcpy(r->begin_payload, payload, h->size);
	if (ck->seq <= 1)
		return (r->live = 1, r->emit(r->ctx, &r->begin, r->begin_payload, e));
	return 0;
}

int
sg_replay_emit(void *ctx, const sg_frame_hdr *h, const unsigned char *payload, sg_err *e)
{
	sg_replay *r = ctx;
	const sg_ckpt *ck = r->ck;
	uint64_t end;

	if (r->live)
		return r->emit(r->ctx, h, payload, e);
	if (h->type == SG_TYPE_PROGRESS)
		return 0;
	if (h->source < ck->source) {
		/* A source OUTPUT holds whole: only its BEGIN comes by. */
		if (h->type == SG_TYPE_BEGIN)
			r->digest = sg_ckpt_digest(r->digest, h->payload_sum);
		return 0;
	}
	if (h->source > ck->source)
		return sg_err_set(e, SG_ERESUME, "the input has no source %" PRIu64
		    " ('%s'), which the checkpoint is in", ck->source, ck->name);
	if (h->type == SG_TYPE_BEGIN)
		return begin_current(r, h, payload, e);
	if (h->type == SG_TYPE_END)
		return sg_err_set(e, SG_ERESUME, "it ended at byte %" PRIu64 ", before the "
		    "checkpoint's offset %" PRIu64 ": it changed", h->offset, ck->offset);
	if (h->type != SG_TYPE_DATA)
		return 0;
	r->chain = sg_ckpt_chain(r->chain, h);
	end = h->offset + (h->size - h->context);
	if (h->seq + 1 < ck->seq && end < ck->offset)
		return 0;
	if (h->seq + 1 != ck->seq || end != ck->offset || r->chain != ck->chain)
		return sg_err_set(e, SG_ERESUME, "it changed before offset %" PRIu64
		    " (the chunks cut from it now differ from those in the output)",
		    ck->offset);
	/* Every byte before the checkpoint is as it was: go on from here. */
	r->live = 1;
	return r->emit(r->ctx, &r->begin, r->begin_payload, e);
}

int
sg_replay_finish(const sg_replay *r, sg_err *e)
{
	if (r->live || r->ck->state == SG_CKPT_DONE)
		return 0;
	return sg_err_set(e, SG_ERESUME, "the input ends before the checkpoint: it has "
	    "fewer sources than the %" PRIu64 " the checkpoint has begun",
	    r->ck->source + 1);
}

/* The value of key in a job string ("k=v k=v"), or NULL; *len its length. */
static const char *
job_value(const char *job, const char *key, size_t klen, size_t *len)
{
	const char *p = job;

	while (*p != '\0') {
		const char *w = p, *eq;
		size_t wl = strcspn(p, " ");

		p += wl;
		p += strspn(p, " ");
		eq = memchr(w, '=', wl);
		if (eq != NULL && (size_t)(eq - w) == klen && memcmp(w, key, klen) == 0) {
			*len = wl - klen - 1;
			return eq + 1;
		}
	}
	return NULL;
}

/* Append " --KEY was OLD, now NEW;" for each key of `now` whose value in
 * `then` differs (or that `then` lacks); with missing, the keys of `then`
 * that `now` lacks instead. */
static size_t
name_changes(char *msg, size_t used, size_t cap, const char *then, const char *now,
	     int missing)
{
	const char *p;
	int n;

	for (p = now; *p != '\0' && used < cap;) {
		const char *w = p, *eq, *old;
		size_t wl = strcspn(p, " "), klen, vlen, olen = 0;

		p += wl;
		p += strspn(p, " ");
		if ((eq = memchr(w, '=', wl)) == NULL)
			continue;
		klen = (size_t)(eq - w);
		vlen = wl - klen - 1;
		old = job_value(then, w, klen, &olen);
		if (missing ? old != NULL
		    : old != NULL && olen == vlen && memcmp(old, eq + 1, vlen) == 0)
			continue;
		/* The FILE operands are kept as their count and a hash. */
		if (klen == 5 && memcmp(w, "files", 5) == 0)
			n = snprintf(msg + used, cap - used, " the FILE operands differ;");
		else if (missing)
			n = snprintf(msg + used, cap - used, " --%.*s was %.*s, now unset;",
			    (int)klen, w, (int)vlen, eq + 1);
		else
			n = snprintf(msg + used, cap - used, " --%.*s was %.*s, now %.*s;",
			    (int)klen, w, old != NULL ? (int)olen : 5,
			    old != NULL ? old : "unset", (int)vlen, eq + 1);
		used += n > 0 ? (size_t)n : 0;
	}
	return used < cap ? used : cap - 1;
}

int
sg_replay_check_job(const sg_ckpt *ck, const char *job, sg_err *e)
{
	static const char head[] = "the options changed since the checkpoint:";
	char msg[sizeof e->msg];
	size_t used = sizeof head - 1;

	if (ck->options_len == 0 || strcmp(ck->options, job) == 0)
		return 0;
	memcpy(msg, head, sizeof head);
	used = name_changes(msg, used, sizeof msg, ck->options, job, 0);
	used = name_changes(msg, used, sizeof msg, job, ck->options, 1);
	if (used == sizeof head - 1)
		return sg_err_set(e, SG_ERESUME, "the options changed since the checkpoint "
		    "(was '%s')", ck->options);
	if (msg[used - 1] == ';')
		msg[used - 1] = '\0';
	return sg_err_set(e, SG_ERESUME, "%s", msg);
}
