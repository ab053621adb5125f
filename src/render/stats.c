/* SPDX-License-Identifier: BSD-3-Clause */
/* stats.c: read --stats: the conversation table (endpoints, state reached, history, bytes, duration, handshake RTT). */
#include <config.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <layerscope/teach.h>
#include <layerscope/flow.h>
#include <layerscope/strbuf.h>

#include "render-int.h"

struct lsc_stats {
	struct lsc_flow_tracker *t;
	uint32_t max, n, cap;
	uint64_t dropped;     /* conversations past max (or past memory) */
	bool finished;        /* the tracker's conversations were added and the rows sorted */
	struct lsc_explainer *explain;
	unsigned width;
	struct lsc_flow_conv *rows;
};

/* Keeps a row; the array grows by doubling up to `max`, never per frame. */
static void add_row(const struct lsc_flow_conv *c, void *ctx)
{
	struct lsc_stats *st = ctx;
	if (st->n == st->cap) {
		uint32_t cap = st->cap ? st->cap * 2 : 64;
		if (cap > st->max)
			cap = st->max;
		struct lsc_flow_conv *rows = cap > st->cap ? realloc(st->rows, cap * sizeof *rows) : NULL;
		if (rows == NULL) {
			st->dropped++;
			return;
		}
		st->rows = rows;
		st->cap = cap;
	}
	st->rows[st->n++] = *c;
}

struct lsc_stats *lsc_stats_new(struct lsc_flow_tracker *t, uint32_t max_rows)
{
	struct lsc_stats *st = calloc(1, sizeof *st);
	if (st == NULL)
		return NULL;
	st->t = t;
	st->max = max_rows ? max_rows : 4 * LSC_FLOW_DEFAULT_MAX;
	lsc_flow_on_retire(t, add_row, st);
	return st;
}

void lsc_stats_free(struct lsc_stats *st)
{
	if (st == NULL)
		return;
	free(st->rows);
	free(st);
}

static int by_id(const void *a, const void *b)
{
	uint32_t x = ((const struct lsc_flow_conv *)a)->id, y = ((const struct lsc_flow_conv *)b)->id;
	return (x > y) - (x < y);
}

void lsc_conv_cells(const struct lsc_flow_conv *c, struct lsc_conv_cells *x)
{
	struct lsc_strbuf b;
	lsc_sb_init(&b, x->client, sizeof x->client);
	lsc_flow_endpoint_text(&b, c->family, &c->ep[0]);
	lsc_sb_init(&b, x->server, sizeof x->server);
	lsc_flow_endpoint_text(&b, c->family, &c->ep[1]);
	lsc_sb_init(&b, x->dur, sizeof x->dur);
	lsc_render_secs(&b, c->last_ns - c->first_ns);
	lsc_sb_init(&b, x->rtt, sizeof x->rtt);
	if (c->handshake_rtt_ns >= 0)
		lsc_render_secs(&b, c->handshake_rtt_ns);
	else
		lsc_sb_putc(&b, '-');
	lsc_community_id_conv(c, x->cid);
	lsc_sb_init(&b, x->notes, sizeof x->notes);
	if (c->midstream)
		lsc_sb_puts(&b, _("mid-stream"));
	if (c->refused)
		lsc_sb_printf(&b, "%s%s", b.len ? "," : "", _("refused"));
	if (c->port_reused)
		lsc_sb_printf(&b, "%s%s", b.len ? "," : "", _("port-reuse"));
}

static int width(int w, const char *s)
{
	int n = (int)lsc_text_cols(s, strlen(s));
	return n > w ? n : w;
}

/* A heading in `w` columns, right- or left-aligned: printf pads bytes, and a translation's "ç" is two. */
static void head(FILE *out, const char *s, int w, bool left, const char *after)
{
	int pad = w - (int)lsc_text_cols(s, strlen(s));
	for (int i = 0; !left && i < pad; i++)
		fputc(' ', out);
	fputs(s, out);
	for (int i = 0; left && i < pad; i++)
		fputc(' ', out);
	fputs(after, out);
}

int lsc_stats_finish(struct lsc_stats *st)
{
	if (st->finished)
		return 0;
	if (lsc_flow_foreach(st->t, add_row, st) != 0)
		return -1;
	if (st->n > 1)
		qsort(st->rows, st->n, sizeof st->rows[0], by_id);
	st->finished = true;
	return 0;
}

const struct lsc_flow_conv *lsc_stats_rows(const struct lsc_stats *st, uint32_t *n, uint64_t *dropped)
{
	*n = st->n;
	*dropped = st->dropped;
	return st->rows;
}

void lsc_stats_teach(struct lsc_stats *st, struct lsc_explainer *e, unsigned width)
{
	st->explain = e;
	st->width = width;
}

/* Each history of the table spelled out, once each, in the order of the rows. */
static void explain_histories(const struct lsc_stats *st, FILE *out)
{
	struct lsc_text t;
	lsc_text_init(&t, out, false);
	for (uint32_t i = 0; i < st->n; i++) {
		bool again = false;
		for (uint32_t j = 0; j < i && !again; j++)
			again = strcmp(st->rows[j].history, st->rows[i].history) == 0;
		if (!again)
			lsc_text_explain_history(&t, st->explain, st->rows[i].history, 0, st->width);
	}
	lsc_text_flush(&t);
}

int lsc_stats_write(struct lsc_stats *st, FILE *out)
{
	if (lsc_stats_finish(st) != 0)
		return -1;

	uint32_t ntcp = 0;
	int wc = width(6, _("client")), ws = width(6, _("server")), wst = width(5, _("state")),
	    wh = width(7, _("history"));
	for (uint32_t i = 0; i < st->n; i++) {
		struct lsc_conv_cells x;
		const struct lsc_flow_conv *c = &st->rows[i];
		lsc_conv_cells(c, &x);
		ntcp += c->ipproto == 6;
		wc = width(wc, x.client);
		ws = width(ws, x.server);
		wst = width(wst, lsc_tcp_state_name(c->state));
		wh = width(wh, c->history);
	}
	fprintf(out, _("Conversations: %" PRIu64 " (TCP %" PRIu32 ", UDP %" PRIu32 ")\n"),
	        st->n + st->dropped, ntcp, st->n - ntcp);
	if (st->n == 0)
		return 0;
	/* Wider than the terminal: the counts fold under each row (the community id stays in the wide table and JSON). */
	int wide = 6 + 2 + 5 + 2 + wc + 2 + ws + 2 + wst + 2 + wh + 2 + 8 + 2 + 10 + 2 + 10 + 2 + 11 + 2 + 11 + 2 + 30;
	if (st->width != 0 && wide > (int)st->width) {
		head(out, "#", 6, false, "  ");
		head(out, _("proto"), 5, true, "  ");
		head(out, _("client"), wc, true, "  ");
		head(out, _("server"), ws, true, "  ");
		head(out, _("state"), wst, true, "  ");
		head(out, _("history"), 0, true, "\n");
		for (uint32_t i = 0; i < st->n; i++) {
			struct lsc_conv_cells x;
			const struct lsc_flow_conv *c = &st->rows[i];
			lsc_conv_cells(c, &x);
			fprintf(out, "%6" PRIu32 "  %-5s  %-*s  %-*s  %-*s  %s\n", c->id, c->ipproto == 6 ? "TCP" : "UDP",
			        wc, x.client, ws, x.server, wst, lsc_tcp_state_name(c->state), c->history);
			fprintf(out, _("%8s%" PRIu64 " frames, bytes c>s %" PRIu64 " s>c %" PRIu64 ", %s s, hs rtt %s%s%s%s\n"),
			        "", c->frames[0] + c->frames[1], c->bytes[0], c->bytes[1], x.dur, x.rtt,
			        x.rtt[0] == '-' ? "" : " s", x.notes[0] ? ", " : "", x.notes);
		}
		goto done;
	}
	head(out, "#", 6, false, "  ");
	head(out, _("proto"), 5, true, "  ");
	head(out, _("client"), wc, true, "  ");
	head(out, _("server"), ws, true, "  ");
	head(out, _("state"), wst, true, "  ");
	head(out, _("history"), wh, true, "  ");
	head(out, _("frames"), 8, false, "  ");
	head(out, _("bytes c>s"), 10, false, "  ");
	head(out, _("bytes s>c"), 10, false, "  ");
	head(out, _("duration s"), 11, false, "  ");
	head(out, _("hs rtt s"), 11, false, "  ");
	head(out, _("community id"), 30, true, "  ");
	head(out, _("notes"), 0, true, "\n");
	for (uint32_t i = 0; i < st->n; i++) {
		struct lsc_conv_cells x;
		const struct lsc_flow_conv *c = &st->rows[i];
		lsc_conv_cells(c, &x);
		fprintf(out, "%6" PRIu32 "  %-5s  %-*s  %-*s  %-*s  %-*s  %8" PRIu64 "  %10" PRIu64 "  %10" PRIu64
		             "  %11s  %11s  %-30s%s%s\n",
		        c->id, c->ipproto == 6 ? "TCP" : "UDP", wc, x.client, ws, x.server, wst,
		        lsc_tcp_state_name(c->state), wh, c->history, c->frames[0] + c->frames[1], c->bytes[0],
		        c->bytes[1], x.dur, x.rtt, x.cid, x.notes[0] ? "  " : "", x.notes);
	}
done:
	if (st->dropped != 0)
		fprintf(out, P_("(%" PRIu64 " more conversation counted but not listed: the table keeps %" PRIu32
		                " rows)\n", "(%" PRIu64 " more conversations counted but not listed: the table keeps %"
		                PRIu32 " rows)\n", st->dropped), st->dropped, st->max);
	if (lsc_teach_is_on(st->explain))
		explain_histories(st, out);
	return 0;
}
