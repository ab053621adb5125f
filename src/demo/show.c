/* SPDX-License-Identifier: BSD-3-Clause */
/* show.c: the demo's output: the timeline as it happens, then a ladder per conversation and the table. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <layerscope/decode.h>
#include <layerscope/flow.h>
#include <layerscope/frame.h>
#include <layerscope/render.h>

#include "demo-int.h"

struct demo_show {
	FILE *out;
	struct lsc_timeline *tl;
	struct lsc_flow_tracker *flows;
	struct lsc_stats *stats;
	const struct lsc_renderer *ladder;
	void *ladder_st;
	FILE *ladder_out;     /* the ladders wait here until the timeline is done */
	char *ladder_buf;
	size_t ladder_len;
	long long frames;
	struct lsc_frame f;   /* large: one, reused */
};

struct demo_show *demo_show_new(const struct lsc_demo_opts *o, char *err)
{
	FILE *out = o->out;
	bool color = o->color;
	struct demo_show *s = calloc(1, sizeof *s);
	struct lsc_render_opts ro;
	if (s == NULL)
		goto oom;
	s->out = out;
	s->tl = lsc_timeline_new(out, color);
	s->flows = lsc_flow_new(0);
	s->stats = s->flows != NULL ? lsc_stats_new(s->flows, 0) : NULL;
	s->ladder = lsc_renderer_find("ladder");
	s->ladder_out = open_memstream(&s->ladder_buf, &s->ladder_len);
	if (s->tl == NULL || s->stats == NULL || s->ladder == NULL || s->ladder_out == NULL)
		goto oom;
	lsc_timeline_teach(s->tl, o->explain, o->width);
	lsc_stats_teach(s->stats, o->explain, o->width);
	memset(&ro, 0, sizeof ro);
	ro.color = color;
	ro.width = o->width;
	s->ladder_st = s->ladder->begin(s->ladder_out, &ro);
	if (s->ladder_st == NULL)
		goto oom;
	return s;
oom:
	snprintf(err, LSC_ERRBUF_SIZE, "out of memory setting up the demo's output");
	demo_show_free(s);
	return NULL;
}

void demo_show_intro(struct demo_show *s, unsigned clients, bool udp, unsigned port)
{
	lsc_timeline_intro(s->tl, clients, udp, port);
}

void demo_show_free(struct demo_show *s)
{
	if (s == NULL)
		return;
	if (s->ladder_st != NULL)
		s->ladder->end(s->ladder_st);
	if (s->ladder_out != NULL)
		fclose(s->ladder_out);
	free(s->ladder_buf);
	lsc_stats_free(s->stats);
	lsc_flow_free(s->flows);
	lsc_timeline_free(s->tl);
	free(s);
}

static void show_call(struct demo_show *s, const struct demo_item *it)
{
	for (unsigned i = 0; i < it->nnames; i++) {
		const struct demo_name *n = &it->names[i];
		if (n->host)
			lsc_timeline_name_host(s->tl, n->family, n->addr, n->role);
		else
			lsc_timeline_name_port(s->tl, n->port, n->role);
	}
	lsc_timeline_call(s->tl, it->ns / 1000000000LL, (uint32_t)(it->ns % 1000000000LL), it->role,
	                  it->text);
}

static void show_frame(struct demo_show *s, const struct demo_item *it)
{
	struct lsc_frame *f = &s->f;
	memset(f, 0, sizeof *f);
	f->number = it->number;
	f->ts_sec = it->ns / 1000000000LL;
	f->ts_nsec = (uint32_t)(it->ns % 1000000000LL);
	f->ts_digits = it->digits;
	f->rel_ns = it->rel_ns;
	f->caplen = it->caplen;
	f->len = it->len;
	f->linktype = it->linktype;
	f->data = it->data;
	lsc_decode_frame(f);
	lsc_flow_track(s->flows, f);
	lsc_timeline_frame(s->tl, f);
	s->ladder->frame(s->ladder_st, f);
	s->frames++;
}

void demo_show_items(struct demo_show *s, struct demo_item **items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (items[i]->frame)
			show_frame(s, items[i]);
		else
			show_call(s, items[i]);
		demo_item_free(items[i]);
	}
	free(items);
	fflush(s->out);
}

static void heading(FILE *out, const char *title)
{
	fprintf(out, "\n==== %s ====\n\n", title);
}

long long demo_show_finish(struct demo_show *s, char *err)
{
	int rc = s->ladder->end(s->ladder_st);
	s->ladder_st = NULL;
	if (rc != 0 || fflush(s->ladder_out) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, "writing the ladder diagrams: %s", strerror(errno));
		return -1;
	}
	heading(s->out, "each conversation as a ladder (client left, server right)");
	fwrite(s->ladder_buf, 1, s->ladder_len, s->out);
	heading(s->out, "the conversations");
	if (lsc_stats_write(s->stats, s->out) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, "out of memory sorting the conversation table");
		return -1;
	}
	if (fflush(s->out) != 0 || ferror(s->out)) {
		snprintf(err, LSC_ERRBUF_SIZE, "writing the output: %s — check the disk or device it goes to",
		         strerror(errno));
		return -1;
	}
	return s->frames;
}
