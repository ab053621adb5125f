/* SPDX-License-Identifier: BSD-3-Clause */
/* md.c: the report as Markdown (CommonMark with GitHub tables): the same content as the HTML, as text. */
#include <config.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/i18n.h"
#include "report-int.h"

/*
 * Diagrams that HTML draws are text here: the nested boxes and the byte
 * dump (the hex renderer's own output) in code blocks, each ladder as a
 * Mermaid block and as the text ladder of `read -f ladder`.  Values stand
 * in code spans and everything else is backslash-escaped, so nothing from
 * the capture can open a link, an HTML tag or a table cell.
 */

struct md_state {
	const struct lsc_renderer *hex;
	void *hex_tmp; /* the hex renderer writing frame dumps into the temporary file */
};

/* ---- escaping ------------------------------------------------------------------- */

static bool alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/*
 * GitHub's Markdown makes links of bare www.x, scheme://x and a@b.c (the
 * GFM autolink extension), with no markup character to escape.  A
 * backslash before the '.', ':' or '@' that makes the pattern splits the
 * text where the extension looks for it, so no link forms; the text reads
 * the same.
 */
static bool autolink_char(const unsigned char *s, const unsigned char *p)
{
	if (*p == '@')
		return true;
	if (*p == ':')
		return p[1] == '/' && p[2] == '/';
	return *p == '.' && p - s >= 3 && strncasecmp((const char *)p - 3, "www", 3) == 0;
}

/*
 * Writes s with control characters and invalid UTF-8 replaced by U+FFFD;
 * with `escape`, also a backslash before every character Markdown could
 * read as markup, or as a link (autolink_char).  An underscore between
 * letters or digits is left alone: it cannot start or end emphasis there
 * (CommonMark 6.2), and TIME_WAIT reads better.
 */
static void put_text(FILE *o, const char *s, bool escape)
{
	const unsigned char *s8 = (const unsigned char *)s, *p = s8;
	while (*p) {
		unsigned n = *p < 0x80 ? 1 : lsc_report_utf8_len(p);
		if (n == 0 || *p < 0x20 || *p == 0x7f) {
			fputs("\xef\xbf\xbd", o);
			p++;
			continue;
		}
		bool inword = *p == '_' && p > s8 && alnum(p[-1]) && alnum(p[1]);
		if (escape && n == 1 && !inword && (strchr("\\`*_[]<>|&~#!", *p) != NULL || autolink_char(s8, p)))
			fputc('\\', o);
		fwrite(p, 1, n, o);
		p += n;
	}
}

static void esc(FILE *o, const char *s)
{
	put_text(o, s, true);
}

/* A code span, its fence longer than any run of backticks inside (CommonMark 6.1). */
static void code(FILE *o, const char *s)
{
	size_t run = 0, longest = 0, n = strlen(s);
	for (const char *p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	bool pad = n == 0 || s[0] == '`' || s[n - 1] == '`' || s[0] == ' ';
	for (size_t i = 0; i <= longest; i++)
		fputc('`', o);
	fputs(pad ? " " : "", o);
	put_text(o, s, false);
	fputs(pad ? " " : "", o);
	for (size_t i = 0; i <= longest; i++)
		fputc('`', o);
}

static void derived(FILE *o, const char *s)
{
	fputc('_', o);
	esc(o, s);
	fputc('_', o);
}

static const struct lsc_report_markup markup = {
	esc, code, derived,
	"- **", "**: ", "\n",
	"", "\n  - ", "", "",
	N_("none"),
};

/* ---- nested boxes as text ---------------------------------------------------------- */

/* Columns a UTF-8 string takes: one a code point (the program's own text has no wide ones). */
static size_t cols(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void repeat(FILE *o, const char *s, size_t n)
{
	while (n-- > 0)
		fputs(s, o);
}

#define BOX_MAX_TEXT 200

struct box_text {
	char head[BOX_MAX_TEXT], sum[BOX_MAX_TEXT];
};

static void box_texts(const struct lsc_frame *f, unsigned i, struct box_text *t)
{
	const struct lsc_layer *l = &f->layers[i];
	struct lsc_strbuf b;
	lsc_sb_init(&b, t->head, sizeof t->head);
	lsc_sb_printf(&b, "%s · %s · ", lsc_tr_static(lsc_tcpip_title(lsc_layer_tcpip(f, l))),
	              lsc_proto_get(l->proto)->title);
	lsc_report_layer_span(&b, l);
	if (lsc_layer_damaged(l))
		lsc_sb_printf(&b, " · %s!", _(lsc_layer_damage_word(l)));
	if (l->flags & LSC_LF_QUOTED)
		lsc_sb_printf(&b, " · %s", _("quoted"));
	lsc_sb_init(&b, t->sum, sizeof t->sum);
	if (l->proto != LSC_PROTO_PAYLOAD) /* its summary is its size, already in the heading */
		lsc_report_layer_summary(&b, f, l);
}

/*
 * ┌─ Link · Ethernet II · header 14 B · bytes 0–13 ──────┐
 * │ 00:00:00:00:00:00 → 00:00:00:00:00:00                 │
 * │ ┌─ Network · ... ─────────────────────────────────┐ │
 */
static void boxes(FILE *o, const struct lsc_frame *f)
{
	struct box_text t;
	size_t w = 40;
	unsigned n = f->nlayers;
	if (n == 0)
		return;
	for (unsigned i = 0; i < n; i++) {
		box_texts(f, i, &t);
		size_t need = 4 * i + 6 + cols(t.head);
		size_t need2 = 4 * i + 4 + cols(t.sum);
		w = need > w ? need : w;
		w = need2 > w ? need2 : w;
	}
	fputs("```text\n", o);
	for (unsigned i = 0; i < n; i++) {
		box_texts(f, i, &t);
		repeat(o, "│ ", i);
		fprintf(o, "┌─ %s ", t.head);
		repeat(o, "─", w - 4 * i - 5 - cols(t.head));
		fputs("┐", o);
		repeat(o, " │", i);
		fputc('\n', o);
		if (t.sum[0] != '\0') {
			repeat(o, "│ ", i + 1);
			fputs(t.sum, o);
			repeat(o, " ", w - 4 * (i + 1) - cols(t.sum));
			repeat(o, " │", i + 1);
			fputc('\n', o);
		}
	}
	for (unsigned i = n; i-- > 0;) {
		repeat(o, "│ ", i);
		fputs("└", o);
		repeat(o, "─", w - 4 * i - 2);
		fputs("┘", o);
		repeat(o, " │", i);
		fputc('\n', o);
	}
	fputs("```\n\n", o);
}

/* The frame's bytes as `read -f hex` shows them: a letter a byte names its layer. */
static void hex_block(FILE *o, const struct lsc_renderer *hex, void *st, const struct lsc_frame *f)
{
	if (f->caplen == 0)
		return;
	fputs("```text\n", o);
	fflush(o);
	hex->frame(st, f);
	fputs("```\n\n", o);
}

/* ---- a frame ------------------------------------------------------------------------ */

static void layer_fields(FILE *o, const struct lsc_frame *f, const struct lsc_layer *l)
{
	struct lsc_report_fields rf;
	char buf[160];
	struct lsc_strbuf b;
	fputs("**", o);
	esc(o, lsc_tr_static(lsc_tcpip_title(lsc_layer_tcpip(f, l))));
	fputs(" — ", o);
	esc(o, lsc_proto_get(l->proto)->title);
	fputs("** · ", o);
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_report_layer_span(&b, l);
	esc(o, buf);
	if (lsc_layer_damaged(l)) {
		fputs(" · **", o);
		esc(o, _(lsc_layer_damage_word(l)));
		fputs("**", o);
		if (l->reason != NULL) {
			fputs(": ", o);
			esc(o, lsc_tr_static(l->reason));
		}
	}
	fputs("\n\n", o);
	lsc_report_fields_init(&rf, o, &markup);
	lsc_fields_emit(&rf.sink, f, l);
	if (rf.lv[0].n == 0)
		fprintf(o, "_%s_\n", _("no fields captured"));
	fputc('\n', o);
}

static void md_frame(struct lsc_report *r, FILE *o, const struct lsc_frame *f)
{
	struct md_state *st = r->fs;
	char buf[256];
	struct lsc_strbuf b;
	fprintf(o, "### %s %" PRIu64 " <a id=\"f%" PRIu64 "\"></a>\n\n", _("Frame"), f->number, f->number);
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_report_frame_meta(r, &b, f);
	esc(o, buf);
	fputs("\n\n", o);
	if (f->link_unsupported) {
		char msg[160];
		snprintf(msg, sizeof msg, _("Link type %s is not decoded: its bytes follow undecoded."),
		         lsc_linktype_name(f->linktype));
		esc(o, msg);
		fputs("\n\n", o);
	}
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_report_flow_line(&b, f);
	if (b.len != 0) {
		fprintf(o, "%s [%" PRIu32 "](#c%" PRIu32 ") · ", _("Conversation"), f->flow.id, f->flow.id);
		esc(o, buf);
		fputs("\n\n", o);
	}
	boxes(o, f);
	for (unsigned i = 0; i < f->nlayers; i++)
		layer_fields(o, f, &f->layers[i]);
	if (f->has_flow) {
		struct lsc_report_fields rf;
		fprintf(o, "**%s** — ", _("Conversation"));
		esc(o, _("what the track stage reads into the frame"));
		fputs("\n\n", o);
		lsc_report_fields_init(&rf, o, &markup);
		lsc_flow_fields_emit(&rf.sink, f);
		fputc('\n', o);
	}
	if (f->nnotes != 0) {
		fprintf(o, "**%s**\n\n", _("Notes"));
		for (unsigned i = 0; i < f->nnotes; i++) {
			fputs("- ", o);
			char shown[LSC_NOTE_SHOWN];
			esc(o, lsc_frame_note_text(f, i, shown, sizeof shown));
			fputc('\n', o);
		}
		fputc('\n', o);
	}
	char why[64];
	snprintf(why, sizeof why, "**%s**\n\n", _("Why"));
	lsc_report_explain(o, r->o.explain, f, why, "- ", "\n", "\n", esc);
	hex_block(o, st->hex, st->hex_tmp, f);
}

/* ---- the summaries ------------------------------------------------------------------- */

static void row(FILE *o, const char *k, const char *v)
{
	fputs("| ", o);
	esc(o, k);
	fputs(" | ", o);
	esc(o, v);
	fputs(" |\n", o);
}

static void mix_row(FILE *o, const struct lsc_report_mix_row *m)
{
	fprintf(o, "| %s | ", m->first ? lsc_tr_static(lsc_tcpip_title(m->layer)) : "");
	if (m->proto == NULL) {
		fprintf(o, "_%s_", _("none at this layer"));
	} else {
		esc(o, m->proto->title);
		fputs(" (", o);
		code(o, m->proto->key);
		fputs(")", o);
	}
	fprintf(o, " | %" PRIu64 " | %s | ", m->frames, m->pct);
	if (m->proto != NULL)
		fprintf(o, "%" PRIu64, m->bytes);
	fputs(" |\n", o);
}

static void summary(struct lsc_report *r, FILE *o)
{
	fprintf(o, "## %s <a id=\"summary\"></a>\n\n| | |\n|---|---|\n", _("Capture summary"));
	lsc_report_summary(r, row, o);
	fprintf(o, "\n### %s\n\n| %s | %s | %s | %s | %s |\n|---|---|---:|---:|---:|\n",
	        _("Protocol mix by layer"), _("Layer"), _("Protocol"), _("Frames"),
	        /* xgettext:no-c-format */
	        _("% of frames"), _("Bytes"));
	lsc_report_mix(r, mix_row, o);
	fputc('\n', o);
}

/* A paragraph of text the core words, and a blank line. */
static void para(FILE *o, void (*words)(struct lsc_strbuf *b, const struct lsc_report *r),
                 const struct lsc_report *r)
{
	char buf[1024];
	struct lsc_strbuf b;
	lsc_sb_init(&b, buf, sizeof buf);
	words(&b, r);
	esc(o, buf);
	fputs("\n\n", o);
}

static void model(struct lsc_report *r, FILE *o)
{
	const struct lsc_frame *f = r->model;
	char buf[160];
	struct lsc_strbuf b;
	fprintf(o, "## %s <a id=\"model\"></a>\n\n", _("The TCP/IP layer model"));
	if (f == NULL) {
		fprintf(o, "%s\n\n", _("The capture holds no frames."));
		return;
	}
	esc(o, _("Every frame is a stack of headers, one inside the other: each layer adds its header in front of "
	         "what the layer above handed it."));
	fprintf(o, " %s ", _("Frame"));
	if (f->number <= r->last_detailed)
		fprintf(o, "[%" PRIu64 "](#f%" PRIu64 ")", f->number, f->number);
	else
		fprintf(o, "%" PRIu64, f->number);
	para(o, lsc_report_model_intro, r);
	boxes(o, f);
	fprintf(o, "| %s | %s | ", _("Layer"), _("What it does"));
	fprintf(o, _("In frame %" PRIu64), f->number);
	fputs(" |\n|---|---|---|\n", o);
	for (unsigned t = 4; t-- > 0;) {
		fprintf(o, "| %u · %s | ", t + 1, _(lsc_tcpip_title(t)));
		esc(o, _(lsc_report_model_text[t]));
		fputs(" | ", o);
		lsc_sb_init(&b, buf, sizeof buf);
		if (lsc_report_model_cell(&b, f, t))
			esc(o, buf);
		else
			fprintf(o, "_%s_", _("not in this frame"));
		fputs(" |\n", o);
	}
	fputc('\n', o);
	const struct lsc_renderer *hex = ((struct md_state *)r->fs)->hex;
	struct lsc_render_opts ho = { .utc = r->o.utc };
	void *st = hex->begin(o, &ho);
	if (st != NULL) {
		hex_block(o, hex, st, f);
		hex->end(st);
	}
}

static void conv_table(struct lsc_report *r, FILE *o)
{
	uint32_t n;
	uint64_t dropped;
	const struct lsc_flow_conv *c = lsc_report_convs(r, &n, &dropped);
	fprintf(o, "## %s <a id=\"conversations\"></a>\n\n", _("Conversations"));
	para(o, lsc_report_conv_intro, r);
	if (n != 0)
		fprintf(o, "| # | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n"
		        "|---:|---|---|---|---|---|---|---:|---:|---:|---:|---:|---|\n", _("Proto"), _("Client"),
		        _("Server"), _("Service"), _("State reached"), _("History"), _("Frames"), _("Bytes c→s"),
		        _("Bytes s→c"), _("Duration s"), _("Handshake RTT s"), _("Notes"));
	for (uint32_t i = 0; i < n; i++) {
		struct lsc_conv_cells x;
		struct lsc_ladder_diagram d;
		uint32_t nrows;
		lsc_conv_cells(&c[i], &x);
		if (lsc_report_diagram(r, &c[i], &d, &nrows))
			fprintf(o, "| [%" PRIu32 "](#c%" PRIu32 ") | ", c[i].id, c[i].id);
		else
			fprintf(o, "| %" PRIu32 " | ", c[i].id);
		fprintf(o, "%s | ", c[i].ipproto == 6 ? "TCP" : "UDP");
		const char *svc = lsc_report_conv_service(&c[i]);
		const char *cells[] = { x.client, x.server, svc != NULL ? svc : "", lsc_tcp_state_name(c[i].state),
		                        c[i].history };
		for (size_t k = 0; k < sizeof cells / sizeof cells[0]; k++) {
			esc(o, cells[k]);
			fputs(" | ", o);
		}
		fprintf(o, "%" PRIu64 " | %" PRIu64 " | %" PRIu64 " | %s | %s | ", c[i].frames[0] + c[i].frames[1],
		        c[i].bytes[0], c[i].bytes[1], x.dur, x.rtt);
		esc(o, x.notes);
		fputs(" |\n", o);
	}
	if (dropped != 0) {
		fputc('\n', o);
		fprintf(o, P_("%" PRIu64 " more conversation counted but not listed.",
		              "%" PRIu64 " more conversations counted but not listed.", dropped), dropped);
		fputc('\n', o);
	}
	fputc('\n', o);
}

static void ladders(struct lsc_report *r, FILE *o)
{
	uint32_t n;
	uint64_t dropped;
	const struct lsc_flow_conv *c = lsc_report_convs(r, &n, &dropped);
	fprintf(o, "## %s <a id=\"ladders\"></a>\n\n", _("Ladder diagrams"));
	para(o, lsc_report_ladder_intro, r);
	for (uint32_t i = 0; i < n; i++) {
		struct lsc_ladder_diagram d;
		uint32_t nrows;
		char buf[160];
		struct lsc_strbuf b;
		if (!lsc_report_diagram(r, &c[i], &d, &nrows))
			continue;
		const char *svc = lsc_report_conv_service(&c[i]);
		fprintf(o, "### %s %" PRIu32 " <a id=\"c%" PRIu32 "\"></a>\n\n", _("Conversation"), c[i].id, c[i].id);
		if (svc != NULL) {
			fprintf(o, "%s: ", _("Service"));
			esc(o, svc);
			fputs("\n\n", o);
		}
		fputs("```mermaid\n", o);
		lsc_ladder_mermaid(o, &d);
		fputs("```\n\n```text\n", o);
		lsc_ladder_text(o, &d);
		fputs("```\n\n", o);
		lsc_sb_init(&b, buf, sizeof buf);
		lsc_report_ladder_rest(&b, &c[i], nrows);
		if (b.len != 0) {
			esc(o, buf);
			fputs("\n\n", o);
		}
	}
}

static void timeline_line(FILE *o, const char *s)
{
	put_text(o, s, false);
	fputc('\n', o);
}

/* The calls and the frames in time order, as the demo shows them, in a fence no line of it closes. */
static void timeline(struct lsc_report *r, FILE *o)
{
	if (r->o.calls == NULL)
		return;
	size_t fence = lsc_report_timeline(r, o, NULL) + 1;
	fputs("## ", o);
	esc(o, _("Socket calls and frames"));
	fputs(" <a id=\"timeline\"></a>\n\n", o);
	para(o, lsc_report_timeline_intro, r);
	repeat(o, "`", fence < 3 ? 3 : fence);
	fputs("text\n", o);
	lsc_report_timeline(r, o, timeline_line);
	repeat(o, "`", fence < 3 ? 3 : fence);
	fputs("\n\n", o);
}

static void md_head(struct lsc_report *r, FILE *o)
{
	uint32_t n;
	uint64_t dropped;
	char buf[96];
	struct lsc_strbuf b;
	lsc_report_convs(r, &n, &dropped);
	fputs(_("# layerscope report: "), o);
	code(o, r->o.source);
	fputs("\n\n", o);
	fprintf(o, P_("%" PRIu64 " frame", "%" PRIu64 " frames", r->frames), r->frames);
	fputs(" · ", o);
	fprintf(o, P_("%" PRIu64 " conversation", "%" PRIu64 " conversations", n + dropped), n + dropped);
	if (r->frames != 0) {
		lsc_sb_init(&b, buf, sizeof buf);
		lsc_report_time(r, &b, r->first_ns, r->ts_digits);
		fputs(_(" · from "), o);
		esc(o, buf);
	}
	fprintf(o, _("\n\nContents: [%s](#summary) · [%s](#model) · [%s](#conversations) · [%s](#ladders) · "
	             "[%s](#frames)\n\n"), _("Capture summary"), _("Layer model"), _("Conversations"),
	        _("Ladder diagrams"), _("Frames"));
	if (r->o.calls != NULL) {
		fputc('[', o);
		esc(o, _("Socket calls and frames"));
		fputs("](#timeline)\n\n", o);
	}
	summary(r, o);
	model(r, o);
	conv_table(r, o);
	ladders(r, o);
	timeline(r, o);
	fprintf(o, "## %s <a id=\"frames\"></a>\n\n", _("Frames"));
	para(o, lsc_report_frames_intro, r);
}

static void md_tail(struct lsc_report *r, FILE *o)
{
	(void)r;
	fprintf(o, "---\n\n%s\n", _("Written by layerscope. Derived values (names, verdicts, previews) are in _italics_; "
	                          "values read from the wire are in `code`."));
}

static int md_begin(struct lsc_report *r)
{
	struct md_state *st = calloc(1, sizeof *st);
	struct lsc_render_opts ho = { .utc = r->o.utc };
	if (st == NULL)
		return -1;
	r->fs = st;
	st->hex = lsc_renderer_find("hex");
	if (st->hex == NULL || (st->hex_tmp = st->hex->begin(r->tmp, &ho)) == NULL)
		return -1;
	return 0;
}

static void md_end(struct lsc_report *r)
{
	struct md_state *st = r->fs;
	if (st == NULL)
		return;
	if (st->hex_tmp != NULL)
		st->hex->end(st->hex_tmp);
	free(st);
	r->fs = NULL;
}

const struct lsc_report_fmt lsc_report_md = {
	"md", md_begin, md_frame, md_head, md_tail, md_end,
};
