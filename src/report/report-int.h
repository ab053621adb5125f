/* SPDX-License-Identifier: BSD-3-Clause */
/* report-int.h: what the report core (report.c) and its formats (html.c, md.c, json.c) share. */
#ifndef LAYERSCOPE_REPORT_INT_H
#define LAYERSCOPE_REPORT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <layerscope/decode.h>
#include <layerscope/flow.h>
#include <layerscope/render.h>
#include <layerscope/report.h>
#include <layerscope/strbuf.h>

#include "../render/render-int.h"

/* Bytes of a frame shown in a hex dump; the rest is counted. */
#define LSC_REPORT_HEX_MAX 4096
#define LSC_REPORT_LINKTYPES 4

/*
 * One output format.  begin() sets up its state (0, or -1 when out of
 * memory); frame() writes a frame's section into the temporary file as the
 * capture streams; head() writes everything before the frame sections (the
 * summaries, the model, the conversations and their ladders) and tail()
 * what comes after them, both once all frames are in; end() frees.
 */
struct lsc_report_fmt {
	const char *name;
	int (*begin)(struct lsc_report *r);
	void (*frame)(struct lsc_report *r, FILE *o, const struct lsc_frame *f);
	void (*head)(struct lsc_report *r, FILE *o);
	void (*tail)(struct lsc_report *r, FILE *o);
	void (*end)(struct lsc_report *r);
};

extern const struct lsc_report_fmt lsc_report_html;
extern const struct lsc_report_fmt lsc_report_md;
extern const struct lsc_report_fmt lsc_report_json;

/* Frames and captured bytes a protocol accounts for at one TCP/IP layer. */
struct lsc_report_mix {
	uint64_t frames;
	uint64_t bytes;
};

/* The ladder rows a conversation has among the detailed frames. */
struct lsc_report_conv_rows {
	uint32_t head, tail; /* index + 1 into lsc_report.rows */
	uint32_t n;
};

struct lsc_report {
	struct lsc_report_opts o;
	const struct lsc_report_fmt *fmt;
	void *fs;                 /* the format's state */
	struct lsc_stats *stats;  /* the conversation table, evicted conversations included */
	FILE *tmp;                /* frame sections, written as frames stream */
	bool written;
	bool oom;                 /* a copy or a row could not be kept: the report fails at the end */

	/* The capture summary: every frame counts. */
	uint64_t frames;          /* frames that passed the filter */
	uint64_t frames_read;     /* frames read, filtered ones included */
	uint64_t detailed;        /* frames with a section (at most o.max_frames) */
	uint64_t last_detailed;   /* the number of the last of them: frame N has a section when N <= it */
	uint64_t bytes, wire_bytes;
	uint64_t damaged;         /* frames with a truncated or malformed layer */
	uint64_t noted;           /* frames with notes */
	uint64_t untracked;       /* frames of no TCP or UDP conversation */
	int64_t first_ns, last_ns;
	uint8_t ts_digits;
	int linktypes[LSC_REPORT_LINKTYPES];
	unsigned nlinktypes;
	bool more_linktypes;
	struct lsc_report_mix mix[4][LSC_PROTO_COUNT];
	uint64_t mix_none[4];     /* frames without a layer of that TCP/IP layer */

	/* The frame the layer model is drawn from: the first with application data, else the first. */
	struct lsc_frame *model;
	uint8_t *model_data;
	bool model_app;           /* it carries application data */

	/* Ladder rows of the detailed frames, linked per conversation. */
	struct lsc_ladder_row *rows;
	uint32_t nrows, cap_rows;
	struct lsc_report_conv_rows *conv_rows; /* indexed by conversation number */
	uint32_t cap_conv_rows;

	/* With o.calls: the calls and the detailed frames in time order, as the demo shows them. */
	struct lsc_timeline *tl;
	FILE *tl_tmp;             /* its text, copied into the document at the end */
	size_t next_call;         /* o.calls->v[next_call] is the next to show */
	uint64_t observed;        /* detailed frames whose socket call was observed */
};

/* ---- helpers for the formats (report.c) ------------------------------------ */

/* A conversation's diagram over the detailed frames; false when it has no rows there. */
bool lsc_report_diagram(const struct lsc_report *r, const struct lsc_flow_conv *c,
                        struct lsc_ladder_diagram *d, uint32_t *nrows);
/* The conversations of the table, in order; *dropped: counted but not kept. */
const struct lsc_flow_conv *lsc_report_convs(const struct lsc_report *r, uint32_t *n, uint64_t *dropped);
/* Conversations with a diagram. */
uint32_t lsc_report_ndiagrams(const struct lsc_report *r);

/* The conversation's service: the server port's, else the client port's, or NULL. */
const char *lsc_report_conv_service(const struct lsc_flow_conv *c);
/* The address of an endpoint alone: "127.0.0.1", "::1". */
void lsc_report_addr(struct lsc_strbuf *b, const struct lsc_flow_conv *c, unsigned end);

/* "2026-11-24 05:16:47.403747816 UTC" with `digits` decimals. */
void lsc_report_time(const struct lsc_report *r, struct lsc_strbuf *b, int64_t ns, unsigned digits);
/* Seconds with the capture's precision: "0.004394". */
void lsc_report_secs(struct lsc_strbuf *b, const struct lsc_report *r, int64_t ns);
/* "Frame 4 · 2026-11-24 05:16:47.403747816 UTC · +0.000073339 s · 81 bytes · EN10MB" without "Frame N · ". */
void lsc_report_frame_meta(const struct lsc_report *r, struct lsc_strbuf *b, const struct lsc_frame *f);
/* "header 20 B · bytes 14–33", or what of it was captured. */
void lsc_report_layer_span(struct lsc_strbuf *b, const struct lsc_layer *l);
/* "[#1 c2s] data · send() · [P.] seq=1 ack=1 len=15" for a tracked frame; nothing otherwise. */
void lsc_report_flow_line(struct lsc_strbuf *b, const struct lsc_frame *f);
/* The protocol's one-line summary of a layer (the line format's text). */
void lsc_report_layer_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l);
/*
 * Length of the valid UTF-8 sequence at s (2-4 for a lead byte >= 0x80,
 * checking its continuation bytes), or 0: escapers replace such bytes.
 */
unsigned lsc_report_utf8_len(const unsigned char *s);
/* Percent of `part` in `whole` with one decimal: "92.3". */
void lsc_report_percent(struct lsc_strbuf *b, uint64_t part, uint64_t whole);

/*
 * The timeline (r->tl_tmp) a line at a time through `line` (which escapes
 * it); nothing without calls.  Returns the longest run of backticks seen
 * when `line` is NULL (Markdown's fence must be longer).
 */
size_t lsc_report_timeline(const struct lsc_report *r, FILE *o, void (*line)(FILE *o, const char *s));

/* ---- what every format says, each in its own markup (report.c) ------------- */

/* The capture summary as rows of (label, value), in order. */
typedef void (*lsc_report_row_fn)(FILE *o, const char *label, const char *value);
void lsc_report_summary(const struct lsc_report *r, lsc_report_row_fn row, FILE *o);

/* One row of the protocol mix: a protocol at a TCP/IP layer, or (proto NULL) the frames without one. */
struct lsc_report_mix_row {
	unsigned layer;          /* enum lsc_tcpip */
	const struct lsc_proto_info *proto;
	bool first;              /* the layer's first row */
	unsigned rows;           /* the layer's rows */
	uint64_t frames, bytes;
	char pct[16];            /* of all frames: "92.3" */
};
typedef void (*lsc_report_mix_fn)(FILE *o, const struct lsc_report_mix_row *m);
void lsc_report_mix(const struct lsc_report *r, lsc_report_mix_fn fn, FILE *o);

/* What each TCP/IP layer does, in one sentence, indexed by enum lsc_tcpip. */
extern const char *const lsc_report_model_text[4];
/* The model frame's layers at one TCP/IP layer: "Ethernet II: header 14 B · bytes 0–13"; false when none. */
bool lsc_report_model_cell(struct lsc_strbuf *b, const struct lsc_frame *f, unsigned tcpip);
/* What follows "Frame N" in the model's introduction. */
void lsc_report_model_intro(struct lsc_strbuf *b, const struct lsc_report *r);
/* The paragraphs before the conversation table, the ladders and the frames. */
void lsc_report_conv_intro(struct lsc_strbuf *b, const struct lsc_report *r);
void lsc_report_ladder_intro(struct lsc_strbuf *b, const struct lsc_report *r);
void lsc_report_frames_intro(struct lsc_strbuf *b, const struct lsc_report *r);
void lsc_report_timeline_intro(struct lsc_strbuf *b, const struct lsc_report *r);
/* The handout's few sentences on what happened in this capture, with its own numbers. */
void lsc_report_story(struct lsc_strbuf *b, const struct lsc_report *r);
/* Under a ladder cut by --frames: how many of its frames are not drawn; nothing otherwise. */
void lsc_report_ladder_rest(struct lsc_strbuf *b, const struct lsc_flow_conv *c, uint32_t nrows);

/* ---- fields as labelled rows, for HTML and Markdown (fields.c) ------------- */

/*
 * A layer's fields written as rows through a markup: one row a field;
 * a list of objects (TCP options) as a nested list, one item each; a list
 * of values on one line; objects inside items inline.  Every value passes
 * through value() (which escapes it: values are untrusted), every label
 * and derived name through esc().
 */
struct lsc_report_markup {
	void (*esc)(FILE *o, const char *s);
	void (*value)(FILE *o, const char *s);      /* a wire value */
	void (*derived)(FILE *o, const char *s);    /* what layerscope reads into it */
	const char *row_open, *row_mid, *row_close; /* around the label, then the value */
	const char *sub_open, *item_open, *item_close, *sub_close;
	const char *none;                           /* an empty list */
};

struct lsc_report_fields {
	struct lsc_sink sink;
	FILE *o;
	const struct lsc_report_markup *m;
	unsigned depth;
	struct {
		bool list;
		char bracket;  /* what closes an inline list or object, or 0 */
		unsigned sub;  /* how children are laid out: inline, nested items, or not known yet */
		unsigned n;    /* children so far */
	} lv[8];
	unsigned overflow; /* opens past lv[], flattened */
};

/* Sets up `rf` as a sink writing to `o` with markup `m`. */
void lsc_report_fields_init(struct lsc_report_fields *rf, FILE *o, const struct lsc_report_markup *m);

/*
 * The frame's due explanations as a list: `open`, then each text escaped
 * by `esc` between `item` and `item_end`, then `close`; nothing when none.
 */
struct lsc_explainer;
void lsc_report_explain(FILE *o, struct lsc_explainer *e, const struct lsc_frame *f, const char *open,
                        const char *item, const char *item_end, const char *close,
                        void (*esc)(FILE *o, const char *s));

#endif
