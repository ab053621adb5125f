/* SPDX-License-Identifier: BSD-3-Clause */
/* tree.c: each frame as its stack of layers, labelled with the TCP/IP layer, field by field. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <layerscope/decode.h>
#include <layerscope/flow.h>
#include <layerscope/render.h>
#include <layerscope/source.h>

#include "render-int.h"
#include "../lib/i18n.h"

/*
 * Frame 4 · 2026-11-24 05:16:47.403747051 UTC · +0.000072574 s · 81 bytes · EN10MB
 * Link         Ethernet II · bytes 0–13 (14 bytes)
 *              Destination  00:00:00:00:00:00
 *              Type         0x0800 [IPv4]
 * Transport    Transmission Control Protocol · bytes 34–65 (32 bytes)
 *              Flags        PSH, ACK
 *              Options
 *                • timestamp, TSval 3744906744, TSecr 3262028876
 *
 * The left column is the TCP/IP layer, so the model reads down the page.
 * Wire values stand plain; what layerscope derives (names, verdicts,
 * previews) stands in [brackets], dimmed when coloured.  Lists of values
 * share one line; a list of objects gets one bulleted line per object.
 */

#define TREE_COL       13 /* width of the TCP/IP layer column */
#define TREE_MAX_DEPTH 8
#define FLOW_LABEL_W   26
#define PROCESS_LABEL_W 19 /* "Receiving process" and two spaces */

enum tree_mode {
	MODE_BLOCK = 0, /* one field a line */
	MODE_BLOCK_LIST, /* values after the label; objects one per line */
	MODE_INLINE      /* everything on the current line */
};

struct tree_level {
	uint8_t mode;
	bool list;
	bool labelled;
	unsigned n;      /* children so far */
	unsigned indent; /* where this level's lines start */
	unsigned pad;    /* block list: spaces owed after the label, paid by the first value */
};

struct tree_state {
	struct lsc_text t;
	struct lsc_sink sink;
	unsigned label_w;  /* label column of the current layer */
	unsigned depth;
	unsigned overflow; /* opens past TREE_MAX_DEPTH, flattened */
	bool line_open;
	struct tree_level lv[TREE_MAX_DEPTH];
	uint8_t label_w_proto[LSC_PROTO_COUNT];
	struct lsc_explainer *explain; /* lsc_render_opts.explain */
	unsigned width;                /* lsc_render_opts.width */
};

static void end_line(struct tree_state *st)
{
	if (st->line_open) {
		lsc_text_putc(&st->t, '\n');
		st->line_open = false;
	}
}

static void start_line(struct tree_state *st, unsigned indent)
{
	end_line(st);
	lsc_text_spaces(&st->t, indent);
	st->line_open = true;
}

/* The spaces that bring a label of `width` columns to its value. */
static unsigned label_cols(const char *label)
{
	return (unsigned)lsc_text_cols(label, strlen(label)); /* a translated label may hold "ç" */
}

static unsigned label_pad(const char *label, unsigned width)
{
	size_t n = label_cols(label);
	return n + 2 <= width ? (unsigned)(width - n) : 2u;
}

static void put_label(struct tree_state *st, const char *label, unsigned width)
{
	lsc_text_puts(&st->t, label);
	lsc_text_spaces(&st->t, label_pad(label, width));
}

static void put_derived(struct tree_state *st, const char *s)
{
	lsc_text_style(&st->t, LSC_SGR_DIM);
	lsc_text_putc(&st->t, '[');
	lsc_text_puts(&st->t, s);
	lsc_text_putc(&st->t, ']');
	lsc_text_end(&st->t);
}

/* The separator between two things on one line inside `lv`. */
static void inline_sep(struct tree_state *st, const struct tree_level *lv)
{
	if (lv->n > 0)
		lsc_text_puts(&st->t, lv->list && lv->labelled ? " " : ", ");
}

/*
 * Places a value's label as the level's layout wants.  The first text of
 * an object in a list names the object ("• mss, Value 1460"), so its label
 * is left out.
 */
static void begin_value(struct tree_state *st, const char *label, bool is_text)
{
	struct tree_level *lv = &st->lv[st->depth];
	switch (lv->mode) {
	case MODE_BLOCK:
		start_line(st, lv->indent);
		if (label != NULL)
			put_label(st, label, st->depth == 0 ? st->label_w : label_cols(label) + 2);
		break;
	case MODE_BLOCK_LIST:
		if (!st->line_open) {
			start_line(st, lv->indent + 2);
			lsc_text_puts(&st->t, "• ");
		} else if (lv->n > 0) {
			lsc_text_puts(&st->t, ", ");
		} else {
			lsc_text_spaces(&st->t, lv->pad);
		}
		break;
	default:
		inline_sep(st, lv);
		if (label != NULL && !(is_text && !lv->list && lv->n == 0)) {
			lsc_text_puts(&st->t, label);
			lsc_text_putc(&st->t, ' ');
		}
		break;
	}
	lv->n++;
}

static void end_value(struct tree_state *st)
{
	if (st->lv[st->depth].mode == MODE_BLOCK)
		end_line(st);
}

static void t_uint(struct lsc_sink *s, const char *key, const char *label, uint64_t v,
                   unsigned hex_digits, const char *name)
{
	struct tree_state *st = s->ctx;
	(void)key;
	label = label != NULL ? lsc_tr_static(label) : NULL; /* the tables hold N_() labels */
	begin_value(st, label, false);
	if (hex_digits)
		lsc_text_hex(&st->t, v, hex_digits);
	else
		lsc_text_u64(&st->t, v);
	if (name != NULL) {
		lsc_text_putc(&st->t, ' ');
		put_derived(st, lsc_tr_text(name));
	}
	end_value(st);
}

static void t_bool(struct lsc_sink *s, const char *key, const char *label, int v, const char *name)
{
	struct tree_state *st = s->ctx;
	(void)key;
	label = label != NULL ? lsc_tr_static(label) : NULL; /* the tables hold N_() labels */
	begin_value(st, label, false);
	if (name != NULL)
		put_derived(st, lsc_tr_text(name)); /* a verdict reads better than true/false/null */
	else if (v < 0)
		put_derived(st, lsc_tr_static("unknown"));
	else
		lsc_text_puts(&st->t, v ? lsc_tr_static("yes") : lsc_tr_static("no"));
	end_value(st);
}

static void t_text(struct lsc_sink *s, const char *key, const char *label, const char *v, unsigned derived)
{
	struct tree_state *st = s->ctx;
	(void)key;
	label = label != NULL ? lsc_tr_static(label) : NULL; /* the tables hold N_() labels */
	begin_value(st, label, true);
	if (v == NULL) {
		lsc_text_style(&st->t, LSC_SGR_DIM);
		lsc_text_puts(&st->t, "—");
		lsc_text_end(&st->t);
	} else if (derived != LSC_TEXT_WIRE) {
		put_derived(st, derived == LSC_TEXT_NAME ? lsc_tr_text(v) : v);
	} else {
		lsc_text_puts(&st->t, v);
	}
	end_value(st);
}

static void t_open(struct lsc_sink *s, const char *key, const char *label, bool list)
{
	struct tree_state *st = s->ctx;
	(void)key;
	label = label != NULL ? lsc_tr_static(label) : NULL; /* the tables hold N_() labels */
	if (st->depth + 1 >= TREE_MAX_DEPTH) {
		st->overflow++;
		return;
	}
	struct tree_level *parent = &st->lv[st->depth];
	struct tree_level *child = &st->lv[st->depth + 1];
	child->list = list;
	child->labelled = label != NULL;
	child->n = 0;
	child->indent = parent->indent;
	switch (parent->mode) {
	case MODE_BLOCK:
		start_line(st, parent->indent);
		child->pad = 0;
		if (label != NULL) {
			lsc_text_puts(&st->t, label);
			child->pad = label_pad(label, st->depth == 0 ? st->label_w : label_cols(label) + 2);
		}
		if (list) {
			child->mode = MODE_BLOCK_LIST;
		} else {
			end_line(st);
			child->mode = MODE_BLOCK;
			child->indent = parent->indent + 2;
		}
		break;
	case MODE_BLOCK_LIST:
		start_line(st, parent->indent + 2);
		lsc_text_puts(&st->t, "• ");
		if (list)
			lsc_text_putc(&st->t, '[');
		child->mode = MODE_INLINE;
		break;
	default:
		inline_sep(st, parent);
		if (label != NULL) {
			lsc_text_puts(&st->t, label);
			lsc_text_putc(&st->t, ' ');
		}
		if (!list)
			lsc_text_putc(&st->t, '(');
		else if (label == NULL)
			lsc_text_putc(&st->t, '[');
		child->mode = MODE_INLINE;
		break;
	}
	parent->n++;
	st->depth++;
}

static void t_close(struct lsc_sink *s, bool list)
{
	struct tree_state *st = s->ctx;
	if (st->overflow > 0) {
		st->overflow--;
		return;
	}
	if (st->depth == 0)
		return;
	struct tree_level *child = &st->lv[st->depth];
	const struct tree_level *parent = &st->lv[st->depth - 1];
	if (child->mode == MODE_BLOCK_LIST) {
		if (child->n == 0) {
			lsc_text_spaces(&st->t, child->pad);
			lsc_text_style(&st->t, LSC_SGR_DIM);
			lsc_text_puts(&st->t, lsc_tr_static("(none)"));
			lsc_text_end(&st->t);
		}
		end_line(st);
	} else if (child->mode == MODE_INLINE) {
		if (!list)
			lsc_text_puts(&st->t, parent->mode == MODE_INLINE ? ")" : "");
		else if (!child->labelled)
			lsc_text_putc(&st->t, ']');
		else if (child->n == 0)
			lsc_text_puts(&st->t, lsc_tr_static("(none)"));
	}
	st->depth--;
	if (st->depth == 0)
		end_line(st);
}

static const struct lsc_sink_ops tree_ops = { t_uint, t_bool, t_text, t_open, t_close };

/* ---- frames and layers --------------------------------------------------- */

static unsigned label_width(const struct lsc_proto_info *pi)
{
	size_t w = 6;
	for (size_t i = 0; i < pi->nfields; i++) {
		size_t n = label_cols(lsc_tr_static(pi->fields[i].label));
		if (n > w)
			w = n;
	}
	return (unsigned)(w + 2 < 255 ? w + 2 : 255);
}

static void *tree_begin(FILE *out, const struct lsc_render_opts *o)
{
	struct tree_state *st = calloc(1, sizeof *st);
	if (st == NULL)
		return NULL;
	lsc_text_init(&st->t, out, o->color);
	lsc_text_opts(&st->t, o);
	st->explain = o->explain;
	st->width = o->width;
	st->sink.ops = &tree_ops;
	st->sink.utf8 = lsc_text_utf8();
	st->sink.human = true;
	st->sink.ctx = st;
	for (unsigned p = 0; p < LSC_PROTO_COUNT; p++) {
		const struct lsc_proto_info *pi = lsc_proto_get(p);
		st->label_w_proto[p] = (uint8_t)(pi != NULL ? label_width(pi) : 8);
	}
	return st;
}

/* Starts a block of fields at the field column. */
static void fields_reset(struct tree_state *st, unsigned label_w)
{
	st->depth = 0;
	st->overflow = 0;
	st->label_w = label_w;
	st->lv[0].mode = MODE_BLOCK;
	st->lv[0].indent = TREE_COL;
	st->lv[0].n = 0;
}

/* The left column: a TCP/IP layer (coloured) or a section name. */
static void put_column(struct tree_state *st, const char *name, const char *sgr)
{
	start_line(st, 0);
	lsc_text_style(&st->t, sgr);
	lsc_text_puts(&st->t, name);
	lsc_text_end(&st->t);
	size_t n = lsc_text_cols(name, strlen(name));
	lsc_text_spaces(&st->t, n < TREE_COL ? (unsigned)(TREE_COL - n) : 1u);
}

static void put_tag(struct tree_state *st, const char *tag)
{
	lsc_text_putc(&st->t, ' ');
	put_derived(st, tag);
}

static void tree_layer(struct tree_state *st, const struct lsc_frame *f, const struct lsc_layer *l,
                       bool alt)
{
	const struct lsc_proto_info *pi = lsc_proto_get(l->proto);
	unsigned tcpip = lsc_layer_tcpip(f, l);

	put_column(st, lsc_tr_static(lsc_tcpip_title(tcpip)), lsc_text_layer_sgr(tcpip, alt));
	lsc_text_style(&st->t, LSC_SGR_BOLD);
	lsc_text_puts(&st->t, pi->title);
	lsc_text_end(&st->t);
	lsc_text_glyph(&st->t, LSC_G_DOT);
	lsc_text_range(&st->t, l);
	if (l->flags & LSC_LF_QUOTED)
		put_tag(st, lsc_tr_static("quoted inside the ICMP error"));
	if (l->flags & LSC_LF_FRAGMENT)
		put_tag(st, lsc_tr_static("a later fragment: what follows is fragment data"));
	if (l->flags & LSC_LF_CLIPPED)
		put_tag(st, lsc_tr_static("claims more bytes than the capture holds"));
	end_line(st);
	if (lsc_layer_damaged(l)) {
		start_line(st, TREE_COL);
		lsc_text_style(&st->t, LSC_SGR_DAMAGE);
		lsc_text_puts(&st->t, "! ");
		lsc_text_puts(&st->t, lsc_tr_static(lsc_layer_damage_word(l)));
		if (l->reason != NULL) {
			lsc_text_puts(&st->t, ": ");
			lsc_text_puts(&st->t, lsc_tr_static(l->reason));
		}
		lsc_text_end(&st->t);
		end_line(st);
	}
	fields_reset(st, st->label_w_proto[l->proto]);
	lsc_fields_emit(&st->sink, f, l);
	end_line(st);
}

/* The conversation block, once the track stage annotates frames. */
static void tree_flow(struct tree_state *st, const struct lsc_frame *f)
{
	if (!f->has_flow)
		return;
	start_line(st, 0);
	lsc_text_style(&st->t, LSC_SGR_BOLD);
	lsc_text_puts(&st->t, lsc_tr_static("Conversation"));
	lsc_text_end(&st->t);
	end_line(st);
	fields_reset(st, FLOW_LABEL_W);
	lsc_flow_fields_emit(&st->sink, f);
	end_line(st);
}

/* Live capture: the processes owning the frame's two sockets, as the JSON "process" object. */
static void tree_process(struct tree_state *st, const struct lsc_frame *f)
{
	if (!f->has_owner)
		return;
	start_line(st, 0);
	lsc_text_style(&st->t, LSC_SGR_BOLD);
	lsc_text_puts(&st->t, lsc_tr_static("Process"));
	lsc_text_end(&st->t);
	end_line(st);
	fields_reset(st, PROCESS_LABEL_W);
	lsc_owner_fields_emit(&st->sink, f);
	end_line(st);
}

static void tree_notes(struct tree_state *st, const struct lsc_frame *f)
{
	for (unsigned i = 0; i < f->nnotes; i++) {
		if (i == 0)
			put_column(st, lsc_tr_static("Notes"), LSC_SGR_BOLD);
		else
			start_line(st, TREE_COL);
		char shown[LSC_NOTE_SHOWN];
		lsc_text_puts(&st->t, "• ");
		lsc_text_puts(&st->t, lsc_frame_note_text(f, i, shown, sizeof shown));
		end_line(st);
	}
}

static void tree_frame(void *state, const struct lsc_frame *f)
{
	struct tree_state *st = state;
	size_t start = 0;
	if (st->width != 0) {
		lsc_text_flush(&st->t); /* the frame alone in the buffer, to fold its lines */
		start = st->t.n;
	}
	lsc_text_frame_heading(&st->t, f);
	lsc_text_putc(&st->t, '\n');
	if (f->link_unsupported) {
		put_column(st, _(lsc_tcpip_title(LSC_TCPIP_LINK)), LSC_SGR_DAMAGE);
		lsc_text_style(&st->t, LSC_SGR_DAMAGE);
		lsc_text_puts(&st->t, lsc_tr_static("link type "));
		lsc_text_puts(&st->t, lsc_linktype_name(f->linktype));
		lsc_text_puts(&st->t, lsc_tr_static(" is not decoded: its bytes follow undecoded"));
		lsc_text_end(&st->t);
		end_line(st);
	}
	if (f->caplen == 0) {
		start_line(st, TREE_COL);
		lsc_text_puts(&st->t, lsc_tr_static("(no bytes captured)"));
		end_line(st);
	}
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		bool alt = i > 0 && lsc_layer_tcpip(f, l - 1) == lsc_layer_tcpip(f, l);
		tree_layer(st, f, l, alt);
	}
	tree_flow(st, f);
	tree_process(st, f);
	tree_notes(st, f);
	lsc_text_fold_lines(&st->t, start, st->width, 0);
	if (st->explain != NULL)
		lsc_text_explain(&st->t, st->explain, f, TREE_COL, st->width);
	lsc_text_putc(&st->t, '\n');
	lsc_text_flush(&st->t);
}

static int tree_end(void *state)
{
	lsc_text_flush(&((struct tree_state *)state)->t);
	free(state);
	return 0;
}

const struct lsc_renderer lsc_render_tree = {
	"tree", "each frame as its stack of layers, field by field (the default on a terminal)",
	tree_begin, tree_frame, tree_end, false, true,
};
