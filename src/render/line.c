/* SPDX-License-Identifier: BSD-3-Clause */
/* line.c: one line per frame, tcpdump -nn-like, with the stack of layers visible. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <layerscope/decode.h>
#include <layerscope/teach.h>
#include <layerscope/flow.h>
#include <layerscope/render.h>
#include <layerscope/strbuf.h>

#include "render-int.h"

/*
 *   4  05:16:47.403747  ETH › IPv4 › TCP › 15 B  127.0.0.1 → 127.0.0.1 ttl 64 id 33130  40950 → 33743 [P.] ...
 *
 * number, time, stack, then each layer's own summary.  Link layers are left
 * out once a network layer follows (as tcpdump without -e), quoted layers
 * are summed up by the ICMP error that quotes them, and a layer whose fixed
 * header was not captured shows the fields it holds as key=value rather
 * than a summary built from zeros.  Damage and notes close the line.
 */

#define KV_MAX_DEPTH 8
#define TAG_MEMOS 64 /* a power of two */

struct line_state {
	struct lsc_text t;
	struct lsc_sink kv;
	unsigned kv_depth;
	bool kv_first[KV_MAX_DEPTH];
	uint32_t fixed[LSC_PROTO_COUNT]; /* lsc_proto_fixed_len, per protocol */
	bool batch;                      /* lsc_render_opts.batch */
	uint8_t time_format;             /* lsc_render_opts.time_format */
	bool link_header, quiet;         /* lsc_render_opts: tcpdump's -e and -q */
	bool have_prev;
	int64_t prev_ns;                 /* the previous frame's time, for -ttt */
	struct lsc_explainer *explain;   /* lsc_render_opts.explain */
	unsigned width;                  /* lsc_render_opts.width */
	struct lsc_text_memo tags[TAG_MEMOS]; /* the conversation tag after its number */
};

/* ---- key=value sink: a layer's captured fields, or the flow, in one run --- */

static void kv_sep(struct line_state *st, const char *key)
{
	unsigned d = st->kv_depth;
	if (!st->kv_first[d])
		lsc_text_putc(&st->t, d == 0 ? ' ' : ',');
	st->kv_first[d] = false;
	if (key != NULL) {
		lsc_text_puts(&st->t, key);
		lsc_text_putc(&st->t, '=');
	}
}

static void kv_uint(struct lsc_sink *s, const char *key, const char *label, uint64_t v,
                    unsigned hex_digits, const char *name)
{
	struct line_state *st = s->ctx;
	(void)label, (void)name;
	kv_sep(st, key);
	if (hex_digits)
		lsc_text_hex(&st->t, v, hex_digits);
	else
		lsc_text_u64(&st->t, v);
}

static void kv_bool(struct lsc_sink *s, const char *key, const char *label, int v, const char *name)
{
	struct line_state *st = s->ctx;
	(void)label, (void)name;
	kv_sep(st, key);
	lsc_text_puts(&st->t, v < 0 ? "null" : v ? "true" : "false");
}

static void kv_text(struct lsc_sink *s, const char *key, const char *label, const char *v, unsigned derived)
{
	struct line_state *st = s->ctx;
	(void)label, (void)derived;
	if (v == NULL)
		return; /* nothing to say */
	kv_sep(st, key);
	lsc_text_puts(&st->t, v);
}

static void kv_open(struct lsc_sink *s, const char *key, const char *label, bool list)
{
	struct line_state *st = s->ctx;
	(void)label;
	kv_sep(st, key);
	lsc_text_putc(&st->t, list ? '[' : '{');
	if (st->kv_depth + 1 < KV_MAX_DEPTH)
		st->kv_depth++;
	st->kv_first[st->kv_depth] = true;
}

static void kv_close(struct lsc_sink *s, bool list)
{
	struct line_state *st = s->ctx;
	lsc_text_putc(&st->t, list ? ']' : '}');
	if (st->kv_depth > 0)
		st->kv_depth--;
}

static const struct lsc_sink_ops kv_ops = { kv_uint, kv_bool, kv_text, kv_open, kv_close };

static void kv_start(struct line_state *st)
{
	st->kv_depth = 0;
	st->kv_first[0] = true;
}

/* ---- the line ------------------------------------------------------------ */

static void *line_begin(FILE *out, const struct lsc_render_opts *o)
{
	struct line_state *st = calloc(1, sizeof *st);
	if (st == NULL)
		return NULL;
	lsc_text_init(&st->t, out, o->color);
	lsc_text_opts(&st->t, o);
	st->batch = o->batch;
	st->time_format = o->time_format;
	st->link_header = o->link_header;
	st->quiet = o->quiet;
	st->explain = o->explain;
	st->width = o->width;
	st->kv.ops = &kv_ops;
	st->kv.ctx = st;
	for (unsigned p = 0; p < LSC_PROTO_COUNT; p++) {
		const struct lsc_proto_info *pi = lsc_proto_get(p);
		st->fixed[p] = pi != NULL ? lsc_proto_fixed_len(pi) : 0;
	}
	return st;
}

/* Whether a layer above the link layer was decoded (the link summary then adds nothing). */
static bool has_upper(const struct lsc_frame *f)
{
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		if (l->proto != LSC_PROTO_PAYLOAD && !(l->flags & LSC_LF_QUOTED) &&
		    lsc_layer_tcpip(f, l) > LSC_TCPIP_LINK)
			return true;
	}
	return false;
}

/* Whether any field of the layer was captured (else it has nothing to show). */
static bool has_fields(const struct lsc_proto_info *pi, const struct lsc_layer *l)
{
	for (size_t i = 0; i < pi->nfields; i++)
		if (pi->fields[i].wire_end <= l->cap_len)
			return true;
	return false;
}

static void layer_text(struct line_state *st, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_proto_info *pi = lsc_proto_get(l->proto);
	if (pi->summary != NULL && l->cap_len >= st->fixed[l->proto]) {
		lsc_text_puts(&st->t, "  ");
		lsc_text_summary(&st->t, f, l, 255);
	} else if (has_fields(pi, l)) {
		lsc_text_puts(&st->t, "  ");
		kv_start(st);
		lsc_fields_emit(&st->kv, f, l);
	}
}

static void line_summaries(struct line_state *st, const struct lsc_frame *f)
{
	bool upper = has_upper(f) && !st->link_header, any = false;
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		if (l->proto == LSC_PROTO_PAYLOAD || (l->flags & LSC_LF_QUOTED))
			continue;
		if (upper && lsc_layer_tcpip(f, l) == LSC_TCPIP_LINK)
			continue;
		layer_text(st, f, l);
		any = true;
	}
	if (any)
		return;
	if (f->link_unsupported) {
		lsc_text_puts(&st->t, "  link type ");
		lsc_text_puts(&st->t, lsc_linktype_name(f->linktype));
		lsc_text_puts(&st->t, " is not decoded");
	} else if (f->caplen == 0) {
		lsc_text_puts(&st->t, "  no bytes captured");
	}
}

/*
 * The conversation tag: where the frame stands and what caused it, in the
 * words of the sockets exercise: "[#1 c2s] syn · handshake 1/3 · connect()".
 * The tree and JSON carry every flow field; a line keeps to these.
 */
static void flow_tail(struct lsc_text *t, const struct lsc_flow_ann *a)
{
	const char *dir = lsc_flow_dir_name(a->dir);
	const char *event = lsc_flow_event_name(a->event);
	char step[48], call[48];
	struct lsc_strbuf b, cb;

	lsc_sb_init(&b, step, sizeof step);
	lsc_flow_step_label(&b, a); /* the user's words, each remembered by address (lsc_tr_static) */
	if (dir != NULL) {
		lsc_text_putc(t, ' ');
		lsc_text_puts(t, dir);
	}
	lsc_text_puts(t, "] ");
	lsc_text_end(t);
	lsc_text_puts(t, event != NULL ? lsc_tr_static(event) : "-");
	if (b.len > 0) {
		lsc_text_glyph(t, LSC_G_DOT);
		lsc_text_puts(t, step);
	}
	lsc_sb_init(&cb, call, sizeof call);
	lsc_flow_call_label(&cb, a->socket_call, a->call_source);
	if (cb.len > 0) {
		lsc_text_glyph(t, LSC_G_DOT);
		lsc_text_puts(t, call);
	}
}

/* What the tag says after the conversation's number; never 0. */
static uint64_t tag_key(const struct lsc_flow_ann *a)
{
	return 1u | (uint64_t)a->dir << 8 | (uint64_t)a->event << 16 | (uint64_t)a->socket_call << 24 |
	       (uint64_t)a->step_kind << 32 | (uint64_t)a->step << 40 | (uint64_t)a->step_total << 48 |
	       (uint64_t)a->call_source << 56;
}

static void line_flow(struct line_state *st, const struct lsc_frame *f)
{
	const struct lsc_flow_ann *a = &f->flow;
	if (!f->has_flow)
		return;
	lsc_text_style(&st->t, LSC_SGR_BOLD);
	lsc_text_puts(&st->t, "  [#");
	lsc_text_u64(&st->t, a->id);
	/*
	 * A few dozen kinds of tag make up a capture: the rest is kept and
	 * copied.  The slot mixes what tells common tags apart (the event, the
	 * direction, the step): the two dozen kinds of the echo exercise take
	 * 22 slots, where a multiplicative hash put three in one.
	 */
	uint64_t key = tag_key(a);
	unsigned i = ((a->event * 3u + a->dir) * 5u + a->step) & (TAG_MEMOS - 1);
	struct lsc_text_memo *m = &st->tags[i];
	if (lsc_text_memo_put(&st->t, m, key))
		return;
	size_t start = lsc_text_memo_start(&st->t);
	flow_tail(&st->t, a);
	lsc_text_memo_keep(&st->t, m, key, start);
}

/* Live capture: the processes owning the two sockets, "pid 812 server → pid 901 client". */
static void line_owner_side(struct line_state *st, const struct lsc_owner *o)
{
	if (o->pid == 0) {
		lsc_text_putc(&st->t, '?');
		return;
	}
	lsc_text_puts(&st->t, "pid ");
	lsc_text_u64(&st->t, (uint64_t)o->pid);
	if (o->comm[0] != '\0') {
		/* Any user names its processes: escaped as payload text is (lsc_escape). */
		char comm[LSC_ESC_MAX(sizeof o->comm)];
		lsc_escape(comm, o->comm, strnlen(o->comm, sizeof o->comm), 0);
		lsc_text_putc(&st->t, ' ');
		lsc_text_puts(&st->t, comm);
	}
}

static void line_owner(struct line_state *st, const struct lsc_frame *f)
{
	if (!f->has_owner)
		return;
	lsc_text_style(&st->t, LSC_SGR_DIM);
	lsc_text_puts(&st->t, "  (");
	line_owner_side(st, &f->src_owner);
	lsc_text_glyph(&st->t, LSC_G_TO);
	line_owner_side(st, &f->dst_owner);
	lsc_text_putc(&st->t, ')');
	lsc_text_end(&st->t);
}

static void line_damage(struct line_state *st, const struct lsc_frame *f)
{
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		if (!lsc_layer_damaged(l))
			continue;
		lsc_text_style(&st->t, LSC_SGR_DAMAGE);
		lsc_text_puts(&st->t, "  ! ");
		lsc_text_puts(&st->t, lsc_tr_static(lsc_layer_damage_word(l)));
		lsc_text_puts(&st->t, ": ");
		lsc_text_puts(&st->t, l->reason != NULL ? lsc_tr_static(l->reason) : lsc_proto_get(l->proto)->abbrev);
		lsc_text_end(&st->t);
	}
}

static void line_notes(struct line_state *st, const struct lsc_frame *f)
{
	for (unsigned i = 0; i < f->nnotes; i++) {
		char shown[LSC_NOTE_SHOWN];
		const char *note = lsc_frame_note_text(f, i, shown, sizeof shown);
		lsc_text_style(&st->t, LSC_SGR_DIM);
		lsc_text_puts(&st->t, "  [");
		if (note == f->notes[i]) /* English: the note's whole block copied, as the other kept texts */
			lsc_text_putb(&st->t, note, strnlen(note, LSC_NOTE_LEN), LSC_NOTE_LEN);
		else
			lsc_text_puts(&st->t, note);
		lsc_text_putc(&st->t, ']');
		lsc_text_end(&st->t);
	}
}

static void line_frame(void *state, const struct lsc_frame *f)
{
	struct line_state *st = state;
	size_t start = 0;
	if (st->width != 0) {
		lsc_text_flush(&st->t); /* the whole line in the buffer, to fold it */
		start = st->t.n;
	}
	lsc_text_u64(&st->t, f->number);
	lsc_text_puts(&st->t, "  ");
	int64_t ns = lsc_time_ns(f->ts_sec, f->ts_nsec);
	if (lsc_text_time(&st->t, f, st->time_format, st->have_prev ? st->prev_ns : ns))
		lsc_text_puts(&st->t, "  ");
	st->prev_ns = ns;
	st->have_prev = true;
	if (lsc_text_file(&st->t, f))
		lsc_text_puts(&st->t, "  ");
	lsc_text_stack(&st->t, f);
	line_summaries(st, f);
	if (!st->quiet) {
		line_flow(st, f);
		line_owner(st, f);
	}
	line_damage(st, f);
	if (!st->quiet)
		line_notes(st, f);
	lsc_text_putc(&st->t, '\n');
	if (st->width != 0)
		lsc_text_fold(&st->t, start, st->width, 4);
	if (st->explain != NULL)
		lsc_text_explain(&st->t, st->explain, f, 4, st->width);
	/* A stdio call a frame costs as much as a summary; the buffer flushes itself when full. */
	if (!st->batch)
		lsc_text_flush(&st->t);
}

static int line_end(void *state)
{
	lsc_text_flush(&((struct line_state *)state)->t);
	free(state);
	return 0;
}

const struct lsc_renderer lsc_render_line = {
	"line", "one line per frame: number, time, the stack of layers, each layer's summary",
	line_begin, line_frame, line_end, false, true,
};
