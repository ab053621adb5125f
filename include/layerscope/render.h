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
/*
 * Where a text value comes from; false and true, as the callers write them,
 * are the first two.  A person sees a name in their language and the other
 * derived texts as they are: a payload that reads "yes" is not "sim".
 */
enum lsc_text_kind {
	LSC_TEXT_WIRE = 0, /* the wire's own value */
	LSC_TEXT_NAME = 1, /* a name the program gives it ("correct", "SYN_SENT"): translated for a person */
	LSC_TEXT_DATA = 2, /* made from bytes from outside (a payload's preview): derived, never translated */
};

struct lsc_sink;
struct lsc_sink_ops {
	void (*uint)(struct lsc_sink *s, const char *key, const char *label,
	             uint64_t v, unsigned hex_digits, const char *name);
	/* v: 1 true, 0 false, -1 null */
	void (*boolean)(struct lsc_sink *s, const char *key, const char *label,
	                int v, const char *name);
	/* v NULL is JSON null; `derived` (enum lsc_text_kind) says where the text comes from */
	void (*text)(struct lsc_sink *s, const char *key, const char *label,
	             const char *v, unsigned derived);
	void (*open)(struct lsc_sink *s, const char *key, const char *label, bool list);
	void (*close)(struct lsc_sink *s, bool list);
};
struct lsc_sink {
	const struct lsc_sink_ops *ops;
	void *ctx;
	bool utf8; /* a terminal that speaks UTF-8: payload text may show it (lsc_sb_text) */
	bool human; /* a person reads it: words built at run time come in their language (lsc_flow_step_label) */
};

/* Emits every field of `l` that was captured, in table order. */
LSC_API void lsc_fields_emit(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l);

enum lsc_color { LSC_COLOR_NEVER = 0, LSC_COLOR_ALWAYS, LSC_COLOR_AUTO };

/* The time column of the line format, as tcpdump's -t options choose it. */
enum lsc_time_format {
	LSC_TIME_CLOCK = 0,  /* HH:MM:SS.frac, local time (tcpdump's default; UTC with --utc) */
	LSC_TIME_NONE,       /* -t: none */
	LSC_TIME_EPOCH,      /* -tt: seconds since 1970 */
	LSC_TIME_DELTA,      /* -ttt: since the previous frame shown, HH:MM:SS.frac */
	LSC_TIME_DATE,       /* -tttt: YYYY-MM-DD HH:MM:SS.frac, local time */
	LSC_TIME_SINCE_FIRST /* -ttttt: since the input's first frame, HH:MM:SS.frac */
};

struct lsc_render_opts {
	bool color;            /* resolved: write ANSI colour */
	bool mermaid;          /* ladder: emit Mermaid instead of text */
	uint32_t chunk;        /* follow: reader's recv() size, 0 = off */
	uint64_t follow;       /* follow: conversation number */
	const char *source;    /* file name or interface, for headings */
	const char *const *files; /* several files read at once: their names, by lsc_frame.file */
	unsigned nfiles;       /* 0 or 1: frames do not say their file */
	uint8_t time_format;   /* line format's time: enum lsc_time_format (tcpdump's -t count) */
	bool utc;              /* clock times in UTC rather than local time (--utc); JSON is always UTC */
	bool link_header;      /* line format: the link layer's summary too (tcpdump -e) */
	bool quiet;            /* line format: no conversation tag, process or notes (tcpdump -q) */
	bool batch;            /* nothing else writes to the output before end(): text may
	                          go to it in blocks rather than a frame at a time */
	struct lsc_explainer *explain; /* explanations to show (teach.h), or NULL; the caller's */
	unsigned width;        /* the terminal's columns to fit; 0: no limit (a pipe) */
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
	/* On a terminal that is not UTF-8 it writes ASCII itself (every byte
	 * through lsc_text, which folds what it holds): no folding stream. */
	bool folds_itself;
};

/*
 * read --stats: the conversation table.  lsc_stats_new() follows tracker
 * `t` so that conversations it evicts still get their row; at most
 * `max_rows` rows are kept (0: four times LSC_FLOW_DEFAULT_MAX), later ones
 * are counted.  lsc_stats_write() adds the conversations still in the
 * tracker and prints the table in conversation order; -1 when out of memory.
 */
struct lsc_explainer;
struct lsc_flow_tracker;
struct lsc_flow_conv;
struct lsc_stats;
LSC_API struct lsc_stats *lsc_stats_new(struct lsc_flow_tracker *t, uint32_t max_rows);
LSC_API int lsc_stats_write(struct lsc_stats *st, FILE *out);
/*
 * Teaching for the table: rows wider than `width` columns (0: no limit)
 * fold their last columns under the row, and with explanations on (`e`,
 * may be NULL) the history letters are spelled out after the table.
 */
LSC_API void lsc_stats_teach(struct lsc_stats *st, struct lsc_explainer *e, unsigned width);
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
