/* SPDX-License-Identifier: BSD-3-Clause */
/* ladder.c: a sequence (ladder) diagram per conversation, as text or as a Mermaid sequenceDiagram. */
#include <config.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <layerscope/decode.h>
#include <layerscope/flow.h>
#include <layerscope/strbuf.h>

#include "render-int.h"

/*
 * Frames are kept per conversation and a conversation's diagram is written
 * when it closes (both FINs acknowledged, or a RST), or at the end.  Both
 * pools are fixed: when either is full every pending diagram is written,
 * and a conversation seen again later continues in a new block.
 */
#define LADDER_ROWS  65536
#define LADDER_CONVS 4096
#define LADDER_HASH  8192  /* buckets, a power of two */
#define LANE         48    /* columns between the client's and the server's bar */

struct ladder_conv {
	struct lsc_flow_conv c; /* as of its latest frame */
	bool continued;         /* an earlier block of this conversation was written */
	uint32_t head, tail;    /* rows, index + 1 */
	uint32_t hnext;         /* hash chain, index + 1 */
};

struct ladder {
	FILE *out;
	bool mermaid;
	unsigned width;         /* lsc_render_opts.width */
	bool written;           /* a diagram was written: separate the next */
	uint64_t untracked;     /* frames of no TCP/UDP conversation */
	uint32_t free_row;      /* free lists, index + 1 */
	uint32_t free_conv;
	/*
	 * Rows and conversation slots are allocated as they fill (doubling up to
	 * the caps) and handed out in order until first released: a short
	 * capture never pays for 65536 rows.
	 */
	uint32_t fresh_rows, rows_cap;
	uint32_t fresh_convs, convs_cap; /* `order` is convs_cap long too */
	uint32_t bucket[LADDER_HASH];
	struct pending {
		uint32_t id, ci;
	} *order;               /* flush_all()'s scratch, convs_cap long */
	struct ladder_conv *convs;
	struct lsc_ladder_row *rows;
};

static void *ladder_begin(FILE *out, const struct lsc_render_opts *o)
{
	struct ladder *ld = calloc(1, sizeof *ld);
	if (ld == NULL)
		return NULL;
	ld->out = out;
	ld->mermaid = o->mermaid;
	ld->width = o->width;
	return ld;
}

/* ---- drawing (shared with reports: render-int.h) ---------------------------- */

bool lsc_ladder_row_set(struct lsc_ladder_row *r, const struct lsc_frame *f)
{
	const struct lsc_layer *l4 = lsc_frame_transport(f);
	if (!f->has_flow || f->flow.conv == NULL || l4 == NULL)
		return false;
	r->frame = f->number;
	r->ns = lsc_time_ns(f->ts_sec, f->ts_nsec);
	r->len = l4->body_len;
	r->flags = l4->proto == LSC_PROTO_TCP ? l4->u.tcp.flags : 0;
	r->a = f->flow;
	r->a.conv = NULL; /* only valid while the frame is current */
	r->next = 0;
	return true;
}

void lsc_ladder_revise(struct lsc_ladder_row *rows, uint32_t head, const struct lsc_flow_ann *a)
{
	for (uint32_t i = head; a->revised_frame != 0 && i != 0; i = rows[i - 1].next)
		if (rows[i - 1].frame == a->revised_frame)
			rows[i - 1].a.socket_call = a->revised_call;
}

unsigned lsc_ladder_group(const struct lsc_ladder_row *r)
{
	if (!r->a.tcp)
		return LSC_LG_NONE;
	if (r->a.step_kind == LSC_STEP_HANDSHAKE)
		return LSC_LG_HANDSHAKE;
	if (r->a.step_kind == LSC_STEP_TEARDOWN || r->a.event == LSC_EV_RST)
		return LSC_LG_TEARDOWN;
	return LSC_LG_DATA;
}

const char *lsc_ladder_group_name(unsigned g)
{
	/* JSON's "group" values; the text ladder shows their translations (N_). */
	static const char *const names[] = { "", N_("handshake"), N_("data"), N_("teardown") };
	return g < sizeof names / sizeof names[0] ? names[g] : "";
}

void lsc_ladder_label(struct lsc_strbuf *b, const struct lsc_ladder_row *r)
{
	lsc_render_segment_label(b, r->flags, &r->a, r->len);
}

/*
 * What the arrow means: the socket call, the step, and events the flags do
 * not show.  For a person (`human`) in the user's language, with the
 * locale's decimal separator; the report's JSON keeps the English.
 */
void lsc_ladder_notes(struct lsc_strbuf *b, const struct lsc_flow_conv *c, const struct lsc_ladder_row *r,
                      bool human)
{
	if (human)
		lsc_flow_call_label(b, r->a.socket_call, r->a.call_source);
	else
		lsc_flow_call_text(b, r->a.socket_call, r->a.call_source);
	if (r->a.event == LSC_EV_RST && c->refused && r->a.dir == LSC_FLOW_S2C)
		lsc_sb_puts(b, human ? _(": connection refused") : ": connection refused");
	if (r->a.step != 0) {
		lsc_sb_puts(b, b->len ? ", " : "");
		if (human)
			lsc_flow_step_label(b, &r->a);
		else
			lsc_flow_step_text(b, &r->a);
	}
	switch (r->a.event) {
	case LSC_EV_RETRANSMISSION: case LSC_EV_OUT_OF_ORDER: case LSC_EV_DUP_ACK:
	case LSC_EV_ZERO_WINDOW: case LSC_EV_WINDOW_UPDATE: case LSC_EV_KEEP_ALIVE: {
		const char *ev = lsc_flow_event_name(r->a.event);
		lsc_sb_printf(b, "%s%s", b->len ? ", " : "", human ? lsc_tr_static(ev) : ev);
		break;
	}
	default:
		break;
	}
	if (r->a.rtt_ns >= 0) {
		lsc_sb_puts(b, b->len ? ", " : "");
		if (r->a.event != LSC_EV_HANDSHAKE_ACK)
			lsc_sb_printf(b, human ? _("reply to %" PRIu64 ", ") : "reply to %" PRIu64 ", ", r->a.ref_frame);
		lsc_sb_puts(b, "rtt ");
		if (human)
			lsc_render_secs(b, r->a.rtt_ns);
		else
			lsc_render_duration(b, r->a.rtt_ns);
		lsc_sb_puts(b, " s");
	}
}

void lsc_ladder_texts(struct lsc_ladder_texts *t, const struct lsc_flow_conv *c, const struct lsc_ladder_row *r,
                      bool human)
{
	struct lsc_strbuf b;
	lsc_sb_init(&b, t->label, sizeof t->label);
	lsc_ladder_label(&b, r);
	lsc_sb_init(&b, t->notes, sizeof t->notes);
	lsc_ladder_notes(&b, c, r, human);
	lsc_sb_init(&b, t->time, sizeof t->time);
	lsc_render_duration(&b, r->ns - c->first_ns);
}

static void put_repeat(FILE *out, char ch, int n)
{
	for (int i = 0; i < n; i++)
		fputc(ch, out);
}

#define LANE_MIN 24
#define ROW_LEAD 21 /* frame and time columns, before the client's bar */

/* The lane's width for `width` columns (0: no limit): what is left after the notes' share. */
static int lane_for(unsigned width)
{
	if (width == 0)
		return LANE;
	int lane = (int)width - ROW_LEAD - 2 - 24;
	return lane > LANE ? LANE : lane < LANE_MIN ? LANE_MIN : lane;
}

/* Notes that do not fit beside the arrow go between the bars, under it, broken at spaces. */
static void notes_under(FILE *out, const char *notes, int lane)
{
	const char *p = notes;
	int room = lane - 3;
	while (*p != '\0') {
		int n = (int)strlen(p);
		if (n > room) {
			n = room;
			while (n > 0 && p[n] != ' ')
				n--;
			if (n == 0)
				n = room;
		}
		fprintf(out, "%*s|  %-*.*s|\n", ROW_LEAD, "", lane - 2, n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
}

static void text_row(FILE *out, const struct lsc_flow_conv *c, const struct lsc_ladder_row *r, int lane,
                     unsigned width)
{
	struct lsc_ladder_texts t;
	lsc_ladder_texts(&t, c, r, true);
	char *dot = strchr(t.time, '.'); /* the report's JSON has '.'; a person reads the locale's separator */
	if (dot != NULL && lsc_decimal_point()[0] == ',')
		*dot = ',';

	int fill = lane - 2 - 2 - (int)strlen(t.label); /* two dashes and the arrow head, a space each side */
	if (fill < 1)
		fill = 1;
	fprintf(out, "%7" PRIu64 "  %10s  |", r->frame, t.time);
	if (r->a.dir == LSC_FLOW_C2S) {
		fprintf(out, "-- %s ", t.label);
		put_repeat(out, '-', fill);
		fputs(">|", out);
	} else {
		fputc('<', out);
		put_repeat(out, '-', fill);
		fprintf(out, " %s --|", t.label);
	}
	int used = ROW_LEAD + 7 + (int)strlen(t.label) + fill; /* the bar, the arrow and its spaces */
	if (width != 0 && t.notes[0] && used + 2 + (int)strlen(t.notes) > (int)width) {
		fputc('\n', out);
		notes_under(out, t.notes, lane);
		return;
	}
	fprintf(out, "%s%s\n", t.notes[0] ? "  " : "", t.notes);
}

static void text_bar(FILE *out, const char *label, int lane)
{
	int n = lane - (int)lsc_text_cols(label, strlen(label)) - 2;
	fprintf(out, "%7s  %10s  +", "", "");
	put_repeat(out, '-', n / 2);
	fprintf(out, " %s ", label);
	put_repeat(out, '-', n - n / 2);
	fputs("+\n", out);
}

void lsc_ladder_names(const struct lsc_ladder_diagram *d, struct lsc_ladder_names *n)
{
	struct lsc_strbuf b;
	lsc_sb_init(&b, n->head, sizeof n->head);
	lsc_render_conv_heading(&b, d->c);
	if (d->continued)
		lsc_sb_puts(&b, _(" (continued)"));
	lsc_sb_init(&b, n->client, sizeof n->client);
	lsc_flow_endpoint_text(&b, d->c->family, &d->c->ep[0]);
	lsc_sb_init(&b, n->server, sizeof n->server);
	lsc_flow_endpoint_text(&b, d->c->family, &d->c->ep[1]);
}

void lsc_ladder_text(FILE *out, const struct lsc_ladder_diagram *d)
{
	lsc_ladder_text_fit(out, d, 0);
}

void lsc_ladder_text_fit(FILE *out, const struct lsc_ladder_diagram *d, unsigned width)
{
	const struct lsc_flow_conv *c = d->c;
	struct lsc_ladder_names n;
	int lane = lane_for(width);
	lsc_ladder_names(d, &n);

	fprintf(out, "%s\n\n", n.head);
	fprintf(out, "%7s  %10s  ", _("frame"), _("time (s)"));
	fputs(_("client"), out);
	for (int i = (int)lsc_text_cols(_("client"), strlen(_("client"))); i < lane + 1; i++)
		fputc(' ', out);
	fprintf(out, "%s\n", _("server"));
	fprintf(out, "%7s  %10s  %-*s%s\n", "", "", lane + 1, n.client, n.server);
	unsigned g = LSC_LG_NONE;
	for (uint32_t i = d->head; i; i = d->rows[i - 1].next) {
		const struct lsc_ladder_row *r = &d->rows[i - 1];
		if (lsc_ladder_group(r) != g && lsc_ladder_group(r) != LSC_LG_NONE) {
			g = lsc_ladder_group(r);
			text_bar(out, _(lsc_ladder_group_name(g)), lane);
		}
		text_row(out, c, r, lane, width);
	}
	if (c->ipproto == 6)
		fprintf(out, _("\nstate %s (client %s, server %s), history %s\n"),
		        lsc_tcp_state_name(c->state), lsc_tcp_state_name(c->end_state[0]),
		        lsc_tcp_state_name(c->end_state[1]), c->history);
	else
		fprintf(out, _("\nhistory %s\n"), c->history);
	/* Four counts, each with its own plural: each is a message of its own. */
	char cnt[4][48];
	for (int i = 0; i < 2; i++) {
		snprintf(cnt[2 * i], sizeof cnt[0], P_("%" PRIu64 " byte", "%" PRIu64 " bytes", c->bytes[i]), c->bytes[i]);
		snprintf(cnt[2 * i + 1], sizeof cnt[0], P_("%" PRIu64 " frame", "%" PRIu64 " frames", c->frames[i]),
		         c->frames[i]);
	}
	fprintf(out, _("client sent %s in %s, server %s in %s\n"), cnt[0], cnt[1], cnt[2], cnt[3]);
}

/* ---- Mermaid ------------------------------------------------------------------ */

/* Mermaid reads ';' as a statement end and '#' as an entity: keep both out of messages. */
static void mermaid_text(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc(*s == ';' || *s == '#' ? ',' : *s, out);
}

static const char *mermaid_arrow(const struct lsc_ladder_row *r)
{
	if (r->a.event == LSC_EV_RST)
		return "-x";
	if (r->a.event == LSC_EV_RETRANSMISSION)
		return "-->>";
	return "->>";
}

void lsc_ladder_mermaid(FILE *out, const struct lsc_ladder_diagram *d)
{
	const struct lsc_flow_conv *c = d->c;
	struct lsc_ladder_names n;
	lsc_ladder_names(d, &n);

	fprintf(out, "sequenceDiagram\n    %%%% %s\n", n.head);
	fprintf(out, "    participant C as %s %s\n    participant S as %s %s\n", _("client"), n.client, _("server"),
	        n.server);
	unsigned g = LSC_LG_NONE;
	for (uint32_t i = d->head; i; i = d->rows[i - 1].next) {
		const struct lsc_ladder_row *r = &d->rows[i - 1];
		struct lsc_ladder_texts t;
		lsc_ladder_texts(&t, c, r, true);
		if (lsc_ladder_group(r) != g && lsc_ladder_group(r) != LSC_LG_NONE) {
			if (g != LSC_LG_NONE)
				fputs("    end\n", out);
			g = lsc_ladder_group(r);
			fprintf(out, "    rect rgb(%s)\n    Note over C,S: %s\n",
			        g == LSC_LG_DATA ? "240, 240, 240" : "225, 238, 255", _(lsc_ladder_group_name(g)));
		}
		bool c2s = r->a.dir == LSC_FLOW_C2S;
		fprintf(out, "    %s%s%s: %" PRIu64 ". ", c2s ? "C" : "S", mermaid_arrow(r), c2s ? "S" : "C",
		        r->frame);
		mermaid_text(out, t.label);
		if (t.notes[0]) {
			fputs(", ", out);
			mermaid_text(out, t.notes);
		}
		fputc('\n', out);
	}
	if (g != LSC_LG_NONE)
		fputs("    end\n", out);
	fprintf(out, "    Note over C,S: %s%s %s %s\n",
	        c->ipproto == 6 ? lsc_tcp_state_name(c->state) : "", c->ipproto == 6 ? "," : "",
	        _("history"), c->history);
}

/* ---- keeping rows ------------------------------------------------------------- */

static uint32_t *hash_link(struct ladder *ld, uint32_t id)
{
	uint32_t *link = &ld->bucket[(id * 2654435761u) & (LADDER_HASH - 1)];
	while (*link && ld->convs[*link - 1].c.id != id)
		link = &ld->convs[*link - 1].hnext;
	return link;
}

/* Writes a conversation's diagram and gives its rows and slot back. */
static void flush_conv(struct ladder *ld, uint32_t ci)
{
	struct ladder_conv *lc = &ld->convs[ci - 1];
	if (ld->written)
		fputs(ld->mermaid ? "\n%% ----\n\n" : "\n\n", ld->out);
	ld->written = true;
	struct lsc_ladder_diagram d = { &lc->c, lc->continued, ld->rows, lc->head };
	if (ld->mermaid)
		lsc_ladder_mermaid(ld->out, &d);
	else
		lsc_ladder_text_fit(ld->out, &d, ld->width);
	ld->rows[lc->tail - 1].next = ld->free_row;
	ld->free_row = lc->head;
	*hash_link(ld, lc->c.id) = lc->hnext;
	lc->hnext = ld->free_conv;
	ld->free_conv = ci;
}

static int by_conv_id(const void *a, const void *b)
{
	uint32_t x = ((const struct pending *)a)->id, y = ((const struct pending *)b)->id;
	return (x > y) - (x < y);
}

/* Writes every pending diagram, in conversation order. */
static void flush_all(struct ladder *ld)
{
	struct pending *order = ld->order;
	uint32_t n = 0;
	for (uint32_t b = 0; b < LADDER_HASH; b++)
		for (uint32_t i = ld->bucket[b]; i; i = ld->convs[i - 1].hnext)
			order[n++] = (struct pending){ ld->convs[i - 1].c.id, i };
	if (n == 0)
		return;
	qsort(order, n, sizeof order[0], by_conv_id);
	for (uint32_t k = 0; k < n; k++)
		flush_conv(ld, order[k].ci);
}

static bool conv_over(const struct lsc_flow_conv *c)
{
	return c->state == LSC_TCPS_TIME_WAIT || c->state == LSC_TCPS_CLOSED || c->state == LSC_TCPS_RESET;
}

/* The next size of an array that doubles from `first` up to `max`; 0 when it is at `max`. */
static uint32_t next_cap(uint32_t cap, uint32_t first, uint32_t max)
{
	if (cap >= max)
		return 0;
	uint32_t n = cap ? cap * 2 : first;
	return n < max ? n : max;
}

/* Whether a row can be taken, growing the array when the allocated rows are all in use. */
static bool row_available(struct ladder *ld)
{
	if (ld->free_row != 0 || ld->fresh_rows < ld->rows_cap)
		return true;
	uint32_t cap = next_cap(ld->rows_cap, 256, LADDER_ROWS);
	if (cap == 0)
		return false;
	struct lsc_ladder_row *rows = realloc(ld->rows, cap * sizeof *rows);
	if (rows == NULL)
		return false;
	ld->rows = rows;
	ld->rows_cap = cap;
	return true;
}

/* A free row (index + 1): a released one first, else one never used; row_available() said there is one. */
static uint32_t take_row(struct ladder *ld)
{
	uint32_t ri = ld->free_row;
	if (ri != 0)
		ld->free_row = ld->rows[ri - 1].next;
	else
		ri = ++ld->fresh_rows;
	return ri;
}

/* The same for conversations; `order` grows with them, as flush_all() may list every one. */
static bool conv_available(struct ladder *ld)
{
	if (ld->free_conv != 0 || ld->fresh_convs < ld->convs_cap)
		return true;
	uint32_t cap = next_cap(ld->convs_cap, 16, LADDER_CONVS);
	if (cap == 0)
		return false;
	struct pending *order = realloc(ld->order, cap * sizeof *order);
	if (order == NULL)
		return false;
	ld->order = order;
	struct ladder_conv *convs = realloc(ld->convs, cap * sizeof *convs);
	if (convs == NULL)
		return false;
	ld->convs = convs;
	ld->convs_cap = cap;
	return true;
}

/* A free conversation slot (index + 1); conv_available() said there is one. */
static uint32_t take_conv(struct ladder *ld)
{
	uint32_t ci = ld->free_conv;
	if (ci != 0)
		ld->free_conv = ld->convs[ci - 1].hnext;
	else
		ci = ++ld->fresh_convs;
	return ci;
}

static bool ladder_full(struct ladder *ld)
{
	return !row_available(ld) || !conv_available(ld);
}

static void ladder_frame(void *state, const struct lsc_frame *f)
{
	struct ladder *ld = state;
	struct lsc_ladder_row row;
	if (!lsc_ladder_row_set(&row, f)) {
		ld->untracked++;
		return;
	}
	if (ladder_full(ld))
		flush_all(ld);
	if (!row_available(ld) || !conv_available(ld)) { /* out of memory: the frame goes unshown */
		ld->untracked++;
		return;
	}
	uint32_t *link = hash_link(ld, f->flow.id);
	uint32_t ci = *link;
	if (ci == 0) {
		ci = take_conv(ld);
		struct ladder_conv *lc = &ld->convs[ci - 1];
		memset(lc, 0, sizeof *lc);
		lc->c.id = f->flow.id;
		lc->continued = f->number != f->flow.conv->first_frame;
		*link = ci;
	}
	struct ladder_conv *lc = &ld->convs[ci - 1];
	lc->c = *f->flow.conv;
	lsc_ladder_revise(ld->rows, lc->head, &f->flow);

	uint32_t ri = take_row(ld);
	ld->rows[ri - 1] = row;
	if (lc->tail)
		ld->rows[lc->tail - 1].next = ri;
	else
		lc->head = ri;
	lc->tail = ri;
	if (lc->c.ipproto == 6 && conv_over(&lc->c))
		flush_conv(ld, ci);
}

static int ladder_end(void *state)
{
	struct ladder *ld = state;
	flush_all(ld);
	if (ld->untracked != 0)
		fprintf(ld->out, P_("%s%s(%" PRIu64 " frame outside any TCP or UDP conversation not shown)\n",
		                    "%s%s(%" PRIu64 " frames outside any TCP or UDP conversation not shown)\n",
		                    ld->untracked),
		        ld->written ? "\n" : "", ld->mermaid ? "%% " : "", ld->untracked);
	free(ld->rows);
	free(ld->convs);
	free(ld->order);
	free(ld);
	return 0;
}

const struct lsc_renderer lsc_render_ladder = {
	"ladder", "a sequence diagram per conversation (--mermaid for Mermaid)",
	ladder_begin, ladder_frame, ladder_end, false, false,
};
