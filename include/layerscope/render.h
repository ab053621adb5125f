/* SPDX-License-Identifier: BSD-3-Clause */
/* render.h: output formats over decoded and tracked frames. */
#ifndef LAYERSCOPE_RENDER_H
#define LAYERSCOPE_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <layerscope/frame.h>
#include <layerscope/decode.h>
#include <layerscope/api.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A sink receives a layer's fields as typed values; each output format
 * implements one (JSON writes keys and values, the tree writes labelled
 * lines), and lsc_fields_emit() walks a protocol's field table into it, so
 * a field is described once for every format.
 *
 * `key` is the JSON name and `label` the text label; inside a list both are
 * NULL.  `name` is a derived reading of the value ("IPv4" for 0x0800),
 * shown apart from the wire value, or NULL.
 */
struct lsc_sink;
struct lsc_sink_ops {
	void (*uint)(struct lsc_sink *s, const char *key, const char *label,
	             uint64_t v, unsigned hex_digits, const char *name);
	/* v: 1 true, 0 false, -1 null */
	void (*boolean)(struct lsc_sink *s, const char *key, const char *label,
	                int v, const char *name);
	/* v NULL is JSON null; `derived` marks text the wire does not carry */
	void (*text)(struct lsc_sink *s, const char *key, const char *label,
	             const char *v, bool derived);
	void (*open)(struct lsc_sink *s, const char *key, const char *label, bool list);
	void (*close)(struct lsc_sink *s, bool list);
};
struct lsc_sink {
	const struct lsc_sink_ops *ops;
	void *ctx;
};

/* Emits every field of `l` that was captured, in table order. */
LSC_API void lsc_fields_emit(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l);

enum lsc_color { LSC_COLOR_NEVER = 0, LSC_COLOR_ALWAYS, LSC_COLOR_AUTO };

struct lsc_render_opts {
	bool color;            /* resolved: write ANSI colour */
	bool mermaid;          /* ladder: emit Mermaid instead of text */
	uint32_t chunk;        /* follow: reader's recv() size, 0 = off */
	uint64_t follow;       /* follow: conversation number */
	const char *source;    /* file name or interface, for headings */
	bool batch;            /* nothing else writes to the output before end(): text may
	                          go to it in blocks rather than a frame at a time */
};

/*
 * One output format.  begin() returns the format's state (NULL on an
 * allocation failure), frame() renders one decoded frame, end() finishes the
 * output and frees the state.  All write to `out`, which the caller owns.
 */
struct lsc_renderer {
	const char *name;
	const char *help;
	void *(*begin)(FILE *out, const struct lsc_render_opts *o);
	void (*frame)(void *state, const struct lsc_frame *f);
	int (*end)(void *state);
	/* frame() shows nothing (-f none): --stats follows without a blank line,
	 * and --step has nothing to wait on. */
	bool shows_nothing;
};

/*
 * read --stats: the conversation table.  lsc_stats_new() follows tracker
 * `t` so that conversations it evicts still get their row; at most
 * `max_rows` rows are kept (0: four times LSC_FLOW_DEFAULT_MAX), later ones
 * are counted.  lsc_stats_write() adds the conversations still in the
 * tracker and prints the table in conversation order; -1 when out of memory.
 */
struct lsc_flow_tracker;
struct lsc_flow_conv;
struct lsc_stats;
LSC_API struct lsc_stats *lsc_stats_new(struct lsc_flow_tracker *t, uint32_t max_rows);
LSC_API int lsc_stats_write(struct lsc_stats *st, FILE *out);
LSC_API void lsc_stats_free(struct lsc_stats *st);

/*
 * For other tables of conversations (reports): lsc_stats_finish() adds the
 * conversations still in the tracker and sorts the rows by conversation
 * number, once (later calls do nothing); -1 when out of memory.  Then
 * lsc_stats_rows() gives the rows, their number in *n, and in *dropped
 * how many more were counted but not kept.
 */
LSC_API int lsc_stats_finish(struct lsc_stats *st);
LSC_API const struct lsc_flow_conv *lsc_stats_rows(const struct lsc_stats *st, uint32_t *n, uint64_t *dropped);

/* The renderer named `name`, or NULL. */
LSC_API const struct lsc_renderer *lsc_renderer_find(const char *name);
/* Comma-separated names of every renderer, for usage messages. */
LSC_API const char *lsc_renderer_names(void);
/* The i-th output format, in the order of lsc_renderer_names(); NULL past the last. */
LSC_API const struct lsc_renderer *lsc_renderer_at(size_t i);

#ifdef __cplusplus
}
#endif

#endif
