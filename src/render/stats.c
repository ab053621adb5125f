/* SPDX-License-Identifier: BSD-3-Clause */
/* stats.c: read --stats: the conversation table (endpoints, state reached, history, bytes, duration, handshake RTT). */
#include <config.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <layerscope/flow.h>
#include <layerscope/strbuf.h>

#include "render-int.h"

struct lsc_stats {
	struct lsc_flow_tracker *t;
	uint32_t max, n, cap;
	uint64_t dropped;     /* conversations past max (or past memory) */
	bool finished;        /* the tracker's conversations were added and the rows sorted */
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
	lsc_render_duration(&b, c->last_ns - c->first_ns);
	lsc_sb_init(&b, x->rtt, sizeof x->rtt);
	if (c->handshake_rtt_ns >= 0)
		lsc_render_duration(&b, c->handshake_rtt_ns);
	else
		lsc_sb_putc(&b, '-');
	lsc_sb_init(&b, x->notes, sizeof x->notes);
	if (c->midstream)
		lsc_sb_puts(&b, "mid-stream");
	if (c->refused)
		lsc_sb_printf(&b, "%srefused", b.len ? "," : "");
	if (c->port_reused)
		lsc_sb_printf(&b, "%sport-reuse", b.len ? "," : "");
}

static int width(int w, const char *s)
{
	int n = (int)strlen(s);
	return n > w ? n : w;
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

int lsc_stats_write(struct lsc_stats *st, FILE *out)
{
	if (lsc_stats_finish(st) != 0)
		return -1;

	uint32_t ntcp = 0;
	int wc = 6, ws = 6, wst = 5, wh = 7;
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
	fprintf(out, "Conversations: %" PRIu64 " (TCP %" PRIu32 ", UDP %" PRIu32 ")\n",
	        st->n + st->dropped, ntcp, st->n - ntcp);
	if (st->n == 0)
		return 0;
	fprintf(out, "%6s  %-5s  %-*s  %-*s  %-*s  %-*s  %8s  %10s  %10s  %11s  %11s  %s\n", "#", "proto",
	        wc, "client", ws, "server", wst, "state", wh, "history", "frames", "bytes c>s", "bytes s>c",
	        "duration s", "hs rtt s", "notes");
	for (uint32_t i = 0; i < st->n; i++) {
		struct lsc_conv_cells x;
		const struct lsc_flow_conv *c = &st->rows[i];
		lsc_conv_cells(c, &x);
		fprintf(out, "%6" PRIu32 "  %-5s  %-*s  %-*s  %-*s  %-*s  %8" PRIu64 "  %10" PRIu64 "  %10" PRIu64
		             "  %11s  %11s%s%s\n",
		        c->id, c->ipproto == 6 ? "TCP" : "UDP", wc, x.client, ws, x.server, wst,
		        lsc_tcp_state_name(c->state), wh, c->history, c->frames[0] + c->frames[1], c->bytes[0],
		        c->bytes[1], x.dur, x.rtt, x.notes[0] ? "  " : "", x.notes);
	}
	if (st->dropped != 0)
		fprintf(out, "(%" PRIu64 " more conversation%s counted but not listed: the table keeps %" PRIu32
		             " rows)\n", st->dropped, PLURAL(st->dropped), st->max);
	return 0;
}
