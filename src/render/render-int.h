/* SPDX-License-Identifier: BSD-3-Clause */
/* render-int.h: the renderers' table entries and what they share. */
#ifndef LAYERSCOPE_RENDER_INT_H
#define LAYERSCOPE_RENDER_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <layerscope/flow.h>
#include <layerscope/render.h>

#include "../lib/clock.h"
#include "../lib/i18n.h"

extern const struct lsc_renderer lsc_render_json;
extern const struct lsc_renderer lsc_render_line;
extern const struct lsc_renderer lsc_render_tree;
extern const struct lsc_renderer lsc_render_hex;

/* ---- text output shared by line, tree and hex (text.c) ------------------- */

/*
 * Numbers are written digit by digit (no printf on the hot path).  These
 * write to a FILE, for jsonw.c; the text formats use the lsc_text_ ones.
 */
void lsc_put_u64(FILE *o, uint64_t v);
/* v / 10^digits with exactly `digits` decimals; v may be negative. */
void lsc_put_fixed(FILE *o, int64_t v, unsigned digits);

/* ANSI SGR styles.  A renderer writes them only when colour is on. */
#define LSC_SGR_RESET  "0"
#define LSC_SGR_BOLD   "1"
#define LSC_SGR_DIM    "2"
#define LSC_SGR_DAMAGE "1;31"
#define LSC_SGR_EXPLAIN "3" /* italic: the explanations */

#define LSC_TEXT_BUF 8192
#define LSC_STACK_MEMOS 8 /* a power of two */

/*
 * A piece of output kept for reuse: text that many frames repeat (their
 * stack of layers, their conversation tag) is written once, kept with the
 * key of what it says, and copied while the key matches.
 */
struct lsc_text_memo {
	uint64_t key; /* 0: nothing kept */
	uint8_t len;
	char text[64];
};

/*
 * The glyphs the text formats put between pieces.  On a terminal that is not
 * UTF-8 they are kept as the ASCII lsc_ascii_fold makes of them, so that the
 * common line reaches the folding stream with nothing left to fold.
 */
enum lsc_glyph {
	LSC_G_NEXT, /* " › ": the next layer */
	LSC_G_TO,   /* " → ": from one end to the other */
	LSC_G_DOT,  /* " · ": between the pieces of a heading or a tag */
	LSC_G_CUT,  /* "…": cut short */
	LSC_NGLYPHS
};

/*
 * A text renderer's output.  Text gathers in `buf` and goes to the FILE in
 * one write a frame (lsc_text_flush): one bounds check and a memcpy per
 * piece instead of a stdio call per piece.  The clock holds the
 * wall-clock text of the last second seen, so local time is computed once a
 * second rather than once a frame.
 */
struct lsc_text {
	FILE *out;
	bool color;
	struct lsc_clock clock; /* local time, or UTC (lsc_render_opts.utc) */
	const char *const *files; /* several input files: each frame names its own (lsc_text_file) */
	unsigned nfiles;
	/* The stack text of recent frames' layers before their payload (lsc_text_stack). */
	struct lsc_text_memo stack[LSC_STACK_MEMOS];
	bool ascii;    /* the terminal is not UTF-8: glyphs and summaries are written in ASCII */
	uint8_t glyph_len[LSC_NGLYPHS];
	char glyph[LSC_NGLYPHS][8];
	size_t n;      /* bytes waiting in buf */
	char buf[LSC_TEXT_BUF];
};

/* A text output in local time; lsc_text_opts() then takes a renderer's options. */
void lsc_text_init(struct lsc_text *t, FILE *out, bool color);
/*
 * The options every text format honours: the clock (o->utc), and with
 * several input files (o->nfiles > 1) their names, which each frame then names.
 */
void lsc_text_opts(struct lsc_text *t, const struct lsc_render_opts *o);
/* The name of f's file, control characters shown as '?'; false (nothing written) for a single file. */
bool lsc_text_file(struct lsc_text *t, const struct lsc_frame *f);
/* Hands what is buffered to the FILE; renderers call it at the end of each frame. */
void lsc_text_flush(struct lsc_text *t);

static inline void lsc_text_putn(struct lsc_text *t, const char *s, size_t n)
{
	if (n > LSC_TEXT_BUF - t->n) {
		lsc_text_flush(t);
		if (n > LSC_TEXT_BUF) { /* more than the buffer holds: in pieces of whole characters */
			while (n > 0) {
				size_t k = n < LSC_TEXT_BUF ? n : LSC_TEXT_BUF;
				while (k < n && k > LSC_TEXT_BUF - 4 && ((unsigned char)s[k] & 0xc0) == 0x80)
					k--;
				memcpy(t->buf, s, k);
				t->n = k;
				s += k;
				n -= k;
				lsc_text_flush(t);
			}
			return;
		}
	}
	memcpy(t->buf + t->n, s, n);
	t->n += n;
}

/*
 * Appends the first n bytes of a `block`-byte source (n <= block; block a
 * constant) by copying the whole block and keeping n: a copy of a length
 * the compiler can bound becomes `rep movs`, whose start-up costs more than
 * the short text it copies.  The kept texts (clock, stack, addresses) use it.
 */
static inline void lsc_text_putb(struct lsc_text *t, const char *s, size_t n, size_t block)
{
	if (block > LSC_TEXT_BUF - t->n) {
		lsc_text_putn(t, s, n);
		return;
	}
	memcpy(t->buf + t->n, s, block);
	t->n += n;
}

/*
 * Where `max` (at most LSC_TEXT_BUF) bytes can be written unchecked, with
 * strbuf.h's lsc_w_* writers; lsc_text_wrote() keeps what was written.
 */
static inline char *lsc_text_w(struct lsc_text *t, size_t max)
{
	if (max > LSC_TEXT_BUF - t->n)
		lsc_text_flush(t);
	return t->buf + t->n;
}

static inline void lsc_text_wrote(struct lsc_text *t, const char *end)
{
	t->n = (size_t)(end - t->buf);
}

static inline void lsc_text_glyph(struct lsc_text *t, enum lsc_glyph g)
{
	lsc_text_putn(t, t->glyph[g], t->glyph_len[g]);
}

static inline void lsc_text_puts(struct lsc_text *t, const char *s)
{
	lsc_text_putn(t, s, strlen(s));
}

static inline void lsc_text_putc(struct lsc_text *t, char c)
{
	if (t->n == LSC_TEXT_BUF)
		lsc_text_flush(t);
	t->buf[t->n++] = c;
}

/*
 * Copies the memo's text and returns true when it holds `key` (never 0).
 * Otherwise returns false and starts a piece to keep: write it, then call
 * lsc_text_memo_keep() with the value lsc_text_memo_start() returned.
 */
bool lsc_text_memo_put(struct lsc_text *t, const struct lsc_text_memo *m, uint64_t key);
size_t lsc_text_memo_start(struct lsc_text *t);
/* Keeps what was written since `start` under `key`, when it fits the memo. */
void lsc_text_memo_keep(struct lsc_text *t, struct lsc_text_memo *m, uint64_t key, size_t start);

void lsc_text_u64(struct lsc_text *t, uint64_t v);
/* `v` as lowercase hex, zero-padded to `digits`, with a 0x prefix. */
void lsc_text_hex(struct lsc_text *t, uint64_t v, unsigned digits);
void lsc_text_fixed(struct lsc_text *t, int64_t v, unsigned digits);
/* A duration a person reads: lsc_text_fixed with the locale's decimal separator (never in JSON). */
void lsc_text_secs(struct lsc_text *t, int64_t v, unsigned digits);
void lsc_text_spaces(struct lsc_text *t, unsigned n);

/* Writes an SGR escape: "\033[" sgr "m". */
void lsc_text_sgr(struct lsc_text *t, const char *sgr);

/*
 * Starts an SGR style (a no-op without colour); lsc_text_end() returns to
 * plain.  Inline, since most output has no colour and a frame has a dozen.
 */
static inline void lsc_text_style(struct lsc_text *t, const char *sgr)
{
	if (t->color)
		lsc_text_sgr(t, sgr);
}

static inline void lsc_text_end(struct lsc_text *t)
{
	if (t->color)
		lsc_text_puts(t, "\033[0m");
}
/* The colour of a TCP/IP layer; `alt` gives a second shade for a neighbour of the same layer. */
const char *lsc_text_layer_sgr(unsigned tcpip, bool alt);

/* "HH:MM:SS.ffffff" in local time (UTC with --utc: t->clock), with the file's precision. */
void lsc_text_clock(struct lsc_text *t, const struct lsc_frame *f);
/*
 * f's time as `fmt` (enum lsc_time_format) says; prev_ns: the capture time
 * of the frame shown before it (LSC_TIME_DELTA), or f's own for the first.
 * Returns false when nothing was written (LSC_TIME_NONE).
 */
bool lsc_text_time(struct lsc_text *t, const struct lsc_frame *f, unsigned fmt, int64_t prev_ns);
/* The same for any instant (`digits` 6 or 9): socket calls on the frames' clock. */
void lsc_text_clock_at(struct lsc_text *t, int64_t sec, uint32_t nsec, unsigned digits);

/* ---- teaching (teach.c) -------------------------------------------------- */

/* Terminal columns of n bytes of UTF-8 text; SGR escapes take none. */
size_t lsc_text_cols(const char *s, size_t n);
/*
 * `text` from column `col`, where the output stands, to the end of the
 * line: broken at spaces to stay within `width` columns (0: one line), the
 * next lines starting at `col` too.  Ends with a newline.
 */
void lsc_text_para(struct lsc_text *t, const char *text, unsigned col, unsigned width);
/*
 * `text` as a paragraph: the first line starts with `indent` spaces and
 * `lead`, the next ones line up under the text; lines break at spaces to
 * stay within `width` columns (0: one line).  Ends with a newline.
 */
void lsc_text_wrapped(struct lsc_text *t, const char *text, unsigned indent, const char *lead,
                      unsigned width);
/*
 * Folds the line written since buffer offset `start` (ending with its
 * newline) to `width` columns (0: leaves it): its pieces, separated by two
 * spaces, go on continuation lines indented by `indent`.
 */
void lsc_text_fold(struct lsc_text *t, size_t start, unsigned width, unsigned indent);
/*
 * Folds each line written since `start` that is wider than `width` (0:
 * none) at its spaces, the continuation under the line's value (past its
 * label) or indented by two, at column `min_col` at least.
 */
void lsc_text_fold_lines(struct lsc_text *t, size_t start, unsigned width, unsigned min_col);
/* The frame's due explanations (teach.h), a paragraph each, "↳ " first; returns how many. */
struct lsc_explainer;
unsigned lsc_text_explain(struct lsc_text *t, struct lsc_explainer *e, const struct lsc_frame *f,
                          unsigned indent, unsigned width);
/* The same for lsc_teach_reads() and lsc_teach_history(). */
unsigned lsc_text_explain_reads(struct lsc_text *t, struct lsc_explainer *e, const char *reader,
                                uint64_t frame, unsigned segments, uint64_t bytes,
                                const uint32_t *reads, unsigned nreads, unsigned indent, unsigned width);
unsigned lsc_text_explain_history(struct lsc_text *t, struct lsc_explainer *e, const char *history,
                                  unsigned indent, unsigned width);

/* Whether a layer is truncated or malformed, and the word for it. */
static inline bool lsc_layer_damaged(const struct lsc_layer *l)
{
	return (l->flags & (LSC_LF_TRUNCATED | LSC_LF_MALFORMED)) != 0;
}
const char *lsc_layer_damage_word(const struct lsc_layer *l);

/*
 * The stack of layers as one line: "ETH › IPv4 › TCP › 15 B".  A damaged
 * layer is marked "TCP!", one that claims more bytes than the capture holds
 * "TCP…", quoted layers (inside an ICMP error) stand in
 * brackets, an unsupported link type leads as "DBUS?", and the undecoded
 * rest shows as its size.
 */
void lsc_text_stack(struct lsc_text *t, const struct lsc_frame *f);

/*
 * The layer's one-line summary, cut at `max` bytes (at most LSC_TEXT_BUF - 1),
 * written straight into the output buffer: no copy and no strlen a layer.
 */
void lsc_text_summary(struct lsc_text *t, const struct lsc_frame *f, const struct lsc_layer *l, size_t max);

/*
 * The heading of a frame in the tree and hex formats:
 * "Frame 4 · 2026-11-24 05:16:47.403747 UTC · +0.000072 s · 81 bytes · EN10MB".
 */
void lsc_text_frame_heading(struct lsc_text *t, const struct lsc_frame *f);

/* A layer's bytes: "bytes 14–33 (20)", or how much of it was captured. */
void lsc_text_range(struct lsc_text *t, const struct lsc_layer *l);

/*
 * The layer owning each of the bytes start..start+n-1: the index of the
 * layer whose captured header span holds it, or -1 (padding, a trailer).
 * *li starts at 0 for a frame's first byte and carries over between calls
 * that walk the frame forward.
 */
void lsc_hex_owners(const struct lsc_frame *f, uint32_t start, uint32_t n, unsigned *li, int *own);

/* Header bytes the layer's fixed fields need (the largest wire_end in its table). */
uint32_t lsc_proto_fixed_len(const struct lsc_proto_info *pi);
extern const struct lsc_renderer lsc_render_ladder;
extern const struct lsc_renderer lsc_render_follow;
extern const struct lsc_renderer lsc_render_none;
extern const struct lsc_renderer lsc_render_stack;

/*
 * stack.c: a frame crossing the layers, as rows: down the sender's layers
 * (the program's call, then each header added), up the receiver's (each
 * header taken off, then the program).  Shared by -f stack and the HTML
 * report.
 */
enum lsc_stack_dir { LSC_STACK_DOWN = 0, LSC_STACK_UP };
#define LSC_STACK_ROWS (2 * LSC_MAX_LAYERS + 2)
struct lsc_stack_row {
	uint8_t dir;        /* enum lsc_stack_dir */
	uint8_t tcpip;      /* enum lsc_tcpip */
	const char *group;  /* "application", "operating system", "drivers, hardware" */
	const char *layer;  /* "Transport" */
	uint32_t bytes;     /* the frame's size at this layer, headers below it left out */
	char text[192];     /* "+ 32 B TCP ports 43248 → 8082, [P.] seq 1 ack 1" */
};
struct lsc_stack {
	char from[80], to[80]; /* "client, host 10.1.1.5" */
	uint32_t wire;         /* bytes on the wire */
	uint32_t cooked;       /* bytes of a cooked header (SLL) the capture wrote, 0 when none */
	unsigned n;
	struct lsc_stack_row rows[LSC_STACK_ROWS];
};
void lsc_stack_rows(struct lsc_stack *s, const struct lsc_frame *f);

/* flowtext.c: what the conversation renderers (ladder, follow, stats) share. */
#define PLURAL(n) ((n) == 1 ? "" : "s")
struct lsc_strbuf;
struct lsc_flow_conv;
struct lsc_flow_ann;
/* Seconds with microseconds: "0.004395". */
void lsc_render_duration(struct lsc_strbuf *b, int64_t ns);
/* The same for a person: the locale's decimal separator ("0,000038" in pt_BR); never for JSON. */
void lsc_render_secs(struct lsc_strbuf *b, int64_t ns);
/* "Conversation 1: TCP  client 127.0.0.1:40950 -> server 127.0.0.1:33743". */
void lsc_render_conv_heading(struct lsc_strbuf *b, const struct lsc_flow_conv *c);
/* "[S.] seq=0 ack=1", "[P.] seq=1 ack=1 len=15", "UDP len=9". */
void lsc_render_segment_label(struct lsc_strbuf *b, uint16_t flags, const struct lsc_flow_ann *a,
                              uint32_t len);
/* The cells of a conversation's row in the --stats table (stats.c), and in reports. */
struct lsc_conv_cells {
	char client[64], server[64]; /* "127.0.0.1:40950" */
	char dur[32], rtt[32];       /* seconds; the handshake RTT "-" when none was seen */
	char notes[48];              /* "mid-stream,refused,port-reuse" */
	char cid[LSC_COMMUNITY_ID_SIZE]; /* the Community ID, "1:...=" */
};
void lsc_conv_cells(const struct lsc_flow_conv *c, struct lsc_conv_cells *x);
/* The frame's own transport payload as captured: sets *data, returns its length. */
uint32_t lsc_render_payload(const struct lsc_frame *f, const uint8_t **data);

/*
 * ladder.c: one conversation's sequence diagram, shared by -f ladder and
 * the reports (src/report/), which keep rows their own way and draw them
 * the same way.
 */
struct lsc_ladder_row {
	uint64_t frame;
	int64_t ns;            /* capture time */
	uint32_t len;          /* transport payload bytes */
	uint32_t next;         /* the conversation's next row, index + 1 into the caller's array; 0 ends */
	uint16_t flags;        /* TCP flags */
	struct lsc_flow_ann a; /* a.conv is NULL: it is only valid while the frame is current */
};
/* Fills a row from a tracked frame (next = 0); false when the frame is in no conversation. */
bool lsc_ladder_row_set(struct lsc_ladder_row *r, const struct lsc_frame *f);
/*
 * The diagram is drawn after its frames: the row of a.revised_frame, in the
 * list that starts at 1-based index `head`, takes the call a frame proved it was.
 */
void lsc_ladder_revise(struct lsc_ladder_row *rows, uint32_t head, const struct lsc_flow_ann *a);

/* The part of the conversation a row belongs to: bars in text, bands in drawings. */
enum lsc_ladder_group { LSC_LG_NONE = 0, LSC_LG_HANDSHAKE, LSC_LG_DATA, LSC_LG_TEARDOWN };
unsigned lsc_ladder_group(const struct lsc_ladder_row *r);
const char *lsc_ladder_group_name(unsigned g); /* "handshake", "data", "teardown"; "" */
/* The arrow's label: "[S.] seq=0 ack=1", "UDP len=9". */
void lsc_ladder_label(struct lsc_strbuf *b, const struct lsc_ladder_row *r);
/* What the arrow means: "connect(), handshake 1/3", "send()", "accept(), handshake 3/3, rtt 0.000029 s". */
void lsc_ladder_notes(struct lsc_strbuf *b, const struct lsc_flow_conv *c, const struct lsc_ladder_row *r,
                      bool human);
/* An arrow's label, its notes, and its time since the conversation began ("0.000073"); notes as above. */
struct lsc_ladder_texts {
	char label[96], notes[160], time[32];
};
void lsc_ladder_texts(struct lsc_ladder_texts *t, const struct lsc_flow_conv *c, const struct lsc_ladder_row *r,
                      bool human);

/* A diagram: the conversation's summary and its rows, from rows[head - 1] along `next`. */
struct lsc_ladder_diagram {
	const struct lsc_flow_conv *c;
	bool continued;        /* an earlier block of this conversation was drawn */
	const struct lsc_ladder_row *rows;
	uint32_t head;         /* index + 1; 0: no rows */
};
/* The heading ("Conversation 1: TCP  client ... -> server ...") and the two participants. */
struct lsc_ladder_names {
	char head[160], client[64], server[64];
};
void lsc_ladder_names(const struct lsc_ladder_diagram *d, struct lsc_ladder_names *n);
/* The diagram as text (the -f ladder layout) and as a Mermaid sequenceDiagram. */
void lsc_ladder_text(FILE *out, const struct lsc_ladder_diagram *d);
/* The text diagram scaled to `width` columns (0: as lsc_ladder_text), notes folded between the bars. */
void lsc_ladder_text_fit(FILE *out, const struct lsc_ladder_diagram *d, unsigned width);
void lsc_ladder_mermaid(FILE *out, const struct lsc_ladder_diagram *d);

#endif
