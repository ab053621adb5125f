/* SPDX-License-Identifier: BSD-3-Clause */
/* html.c: the report as one self-contained HTML page: inline CSS and SVG, no scripts, escaped throughout. */
#include <config.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/i18n.h"
#include "report-int.h"

/*
 * The page reads top to bottom: the capture summary, the TCP/IP model
 * drawn from one of the capture's frames, the conversation table, a ladder
 * per conversation (SVG; each arrow links to its frame) and a section per
 * frame with its layers as nested boxes and its bytes coloured by layer.
 * Colours follow the terminal renderers: link cyan, network green,
 * transport yellow, application magenta, damage red.  Everything that
 * comes from the capture or the command line is escaped.
 */

/* ---- escaping ---------------------------------------------------------------- */

/* Text as HTML character data or attribute value: markup characters and invalid bytes never pass. */
static void esc(FILE *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned n;
		switch (*p) {
		case '&': fputs("&amp;", o); p++; continue;
		case '<': fputs("&lt;", o); p++; continue;
		case '>': fputs("&gt;", o); p++; continue;
		case '"': fputs("&quot;", o); p++; continue;
		case '\'': fputs("&#39;", o); p++; continue;
		default: break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			fputs(*p == '\n' || *p == '\t' ? " " : "&#xfffd;", o);
			p++;
		} else if (*p < 0x80) {
			fputc(*p++, o);
		} else if ((n = lsc_report_utf8_len(p)) != 0) {
			fwrite(p, 1, n, o);
			p += n;
		} else {
			fputs("&#xfffd;", o);
			p++;
		}
	}
}

static void derived(FILE *o, const char *s)
{
	fputs("<span class=\"d\">", o);
	esc(o, s);
	fputs("</span>", o);
}

static const struct lsc_report_markup markup = {
	esc, esc, derived,
	"<tr><th>", "</th><td>", "</td></tr>\n",
	"<ul>", "<li>", "</li>", "</ul>",
	N_("none"),
};

/* ---- the style sheet ------------------------------------------------------------ */

static const char css[] =
	":root{--k0:#00838f;--k0b:#e0f7fa;--k0a:#b2ebf2;--k1:#2e7d32;--k1b:#e8f5e9;--k1a:#c8e6c9;"
	"--k2:#9a7300;--k2b:#fff8d9;--k2a:#ffecb3;--k3:#ad1457;--k3b:#fce4ec;--k3a:#f8bbd0;"
	"--bad:#c62828;--badb:#ffebee;--ink:#1f2328;--dim:#656d76;--rule:#d0d7de}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;color:var(--ink);background:#fff;font:15px/1.5 system-ui,-apple-system,"
	"'Segoe UI',Roboto,'Noto Sans','DejaVu Sans',sans-serif}\n"
	"main,header.top{max-width:1180px;margin:0 auto;padding:0 24px}\n"
	"header.top{padding-top:28px;padding-bottom:8px;border-bottom:1px solid var(--rule)}\n"
	"h1{font-size:28px;margin:0 0 4px;font-weight:650}h1 .file{font-weight:400;color:var(--dim);"
	"margin-left:.5em;font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:20px}\n"
	"h2{font-size:21px;margin:36px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--ink)}\n"
	"h3{font-size:16px;margin:20px 0 8px}\n"
	"p.sub{margin:0 0 10px;color:var(--dim)}\n"
	"nav.toc a{display:inline-block;margin:0 14px 6px 0;color:#0969da;text-decoration:none;font-weight:500}\n"
	"a{color:#0969da}\n"
	"code,pre,.mono,td.m{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:13px}\n"
	"table{border-collapse:collapse}\n"
	"table.kv th{text-align:left;font-weight:500;color:var(--dim);padding:3px 18px 3px 0;vertical-align:top}\n"
	"table.kv td{padding:3px 0}\n"
	"table.grid{width:100%;font-size:14px}\n"
	"table.grid th,table.grid td{border-bottom:1px solid var(--rule);padding:5px 10px 5px 0;text-align:left;"
	"vertical-align:top}\n"
	"table.grid thead th{font-weight:600;border-bottom:2px solid var(--ink);white-space:nowrap}\n"
	"table.grid .n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"th.lay{font-weight:700;white-space:nowrap}\n"
	".bar{display:inline-block;height:10px;border-radius:2px;min-width:2px;vertical-align:middle}\n"
	".k0{--c:var(--k0);--bg:var(--k0b)}.k0a{--c:var(--k0);--bg:var(--k0a)}"
	".k1{--c:var(--k1);--bg:var(--k1b)}.k1a{--c:var(--k1);--bg:var(--k1a)}"
	".k2{--c:var(--k2);--bg:var(--k2b)}.k2a{--c:var(--k2);--bg:var(--k2a)}"
	".k3{--c:var(--k3);--bg:var(--k3b)}.k3a{--c:var(--k3);--bg:var(--k3a)}"
	".bad{--c:var(--bad);--bg:var(--badb)}.u{--c:var(--dim);--bg:#f0f0f0}\n"
	".bar{background:var(--c)}th.lay{color:var(--c)}\n"
	".chip{display:inline-block;padding:1px 8px;border-radius:10px;background:var(--bg);color:var(--c);"
	"border:1px solid var(--c);font-weight:600;font-size:13px}\n"
	".stack .sep{color:var(--dim);margin:0 5px}\n"
	".bytebar{display:flex;gap:2px;margin:12px 0 6px}\n"
	".seg{min-width:8.5em;background:var(--bg);border-top:6px solid var(--c);padding:4px 8px;font-size:13px}\n"
	".seg b{display:block;color:var(--c)}\n"
	"table.model{width:100%;margin-top:10px}\n"
	"table.model th,table.model td{padding:8px 12px;text-align:left;vertical-align:top;border-bottom:2px solid #fff}\n"
	"table.model tr{background:var(--bg)}table.model th{color:var(--c);border-left:8px solid var(--c);"
	"white-space:nowrap;width:12em}\n"
	".scroll{overflow-x:auto}\n"
	"figure.ladder{margin:18px 0 26px;padding:0}\n"
	"figure.ladder figcaption{font-size:15px;margin-bottom:6px}\n"
	"svg.lad{max-width:100%;height:auto;display:block;border:1px solid var(--rule);border-radius:6px}\n"
	"svg.lad text{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:12px;fill:var(--ink)}\n"
	"svg.lad .nt{font-family:system-ui,'DejaVu Sans',sans-serif;font-size:11.5px;fill:var(--dim)}\n"
	"svg.lad .gl{font-family:system-ui,'DejaVu Sans',sans-serif;font-size:11px;letter-spacing:.08em;"
	"text-transform:uppercase;fill:var(--dim)}\n"
	"svg.lad .fn{font-weight:700;fill:#0969da}svg.lad .tm{fill:var(--dim);font-size:11px}\n"
	"svg.lad .life{stroke:#8c959f;stroke-width:1.5;stroke-dasharray:4 4}\n"
	"svg.lad .pbox{fill:#f6f8fa;stroke:#8c959f}svg.lad .ptl{font-family:system-ui,'DejaVu Sans',sans-serif;"
	"font-weight:600;font-size:12px}\n"
	"svg.lad .band-handshake{fill:#eef4ff}svg.lad .band-data{fill:#fafafa}svg.lad .band-teardown{fill:#fff4ec}\n"
	"svg.lad .ar line{stroke-width:2}svg.lad .hit{fill:transparent}svg.lad a:hover .hit{fill:#0969da14}\n"
	"svg.lad .g1 line{stroke:#1565c0}svg.lad .g1 polygon{fill:#1565c0}"
	"svg.lad .g2 line,svg.lad .g0 line{stroke:#37474f}svg.lad .g2 polygon,svg.lad .g0 polygon{fill:#37474f}"
	"svg.lad .g3 line{stroke:#e65100}svg.lad .g3 polygon{fill:#e65100}"
	"svg.lad .rst line{stroke:#c62828}svg.lad .rst polygon{fill:#c62828}"
	"svg.lad .rtx line{stroke-dasharray:6 4}\n"
	"svg.lad .obs{fill:#0a3069;font-weight:600}\n"
	"pre.tl{background:#fbfbfc;border:1px solid var(--rule);border-radius:6px;padding:8px 10px;"
	"line-height:1.4;overflow-x:auto}\n"
	"p.story{font-size:16px;max-width:60em}\n"
	"div.first{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.15fr);gap:0 28px;align-items:start}\n"
	"div.first h2{margin-top:10px}\n"
	"@media (max-width:900px){div.first{display:block}}\n"
	"p.after{margin:6px 0 0;color:var(--dim);font-size:14px}\n"
	"p.note{color:var(--dim);font-style:italic}\n"
	"section.frame{border-top:1px solid var(--rule);padding:6px 0 18px}\n"
	"section.frame h3{margin:14px 0 6px}section.frame h3 .meta{font-weight:400;color:var(--dim);font-size:14px;"
	"margin-left:.6em}\n"
	"a.num{color:var(--ink);text-decoration:none}\n"
	"p.stack,p.flow{margin:4px 0}p.flow{font-size:14px}\n"
	".box{border:1px solid var(--c);border-left:6px solid var(--c);background:var(--bg);border-radius:6px;"
	"padding:5px 10px 8px;margin:8px 0 0}\n"
	".box .box{margin-left:6px}\n"
	".bh{font-size:14px}.bh .tl{color:var(--c);font-weight:700;text-transform:uppercase;font-size:11.5px;"
	"letter-spacing:.06em;margin-right:.5em}.bh .sp{color:var(--dim);margin-left:.6em;font-size:13px}\n"
	".bh .tag{color:var(--dim);font-style:italic;margin-left:.6em;font-size:13px}\n"
	".sum{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:13px;margin:2px 0 4px}\n"
	".dmg{color:var(--bad);font-weight:600;font-size:14px}\n"
	".box.conv{--c:#57606a;--bg:#f6f8fa}\n"
	"table.f{display:block;font-size:13px;margin-top:2px}\n"
	"table.f tbody{display:grid;grid-template-columns:repeat(auto-fill,minmax(21em,1fr));column-gap:28px}\n"
	"table.f tr{display:flex;align-items:baseline}\n"
	"table.f th{flex:none;width:12.5em;text-align:left;font-weight:400;color:var(--dim);padding:1px 10px 1px 0}\n"
	"table.f td{font-family:ui-monospace,'DejaVu Sans Mono',monospace;padding:1px 0;overflow-wrap:anywhere;"
	"min-width:0}\n"
	"table.f ul{margin:0;padding-left:1.2em}\n"
	".d{color:var(--dim);font-style:italic;font-family:system-ui,'DejaVu Sans',sans-serif}\n"
	"ul.notes{margin:8px 0 0;padding-left:1.2em;font-size:14px}ul.notes li::marker{color:#bf8700}\n"
	"table.crossing{border-collapse:collapse;font-size:13px;margin:6px 0}table.crossing td{padding:1px 8px}"
	"table.crossing td.n{text-align:right;white-space:nowrap}table.crossing tr.wire td{font-weight:bold;border-top:1px solid "
	"var(--rule);border-bottom:1px solid var(--rule)}table.crossing tr.who td{color:var(--dim);font-style:italic}\n"
	"ul.why{margin:8px 0 0;padding-left:1.2em;font-size:14px;font-style:italic}ul.why li::marker{color:#0969da}\n"
	"pre.hex{background:#fbfbfc;border:1px solid var(--rule);border-radius:6px;padding:8px 10px;margin:10px 0 0;"
	"line-height:1.45;overflow-x:auto}\n"
	"pre.hex .o{color:var(--dim)}pre.hex span.k0,pre.hex span.k0a,pre.hex span.k1,pre.hex span.k1a,"
	"pre.hex span.k2,pre.hex span.k2a,pre.hex span.k3,pre.hex span.k3a,pre.hex span.bad,pre.hex span.u"
	"{color:var(--c);background:var(--bg)}\n"
	"footer{max-width:1180px;margin:30px auto;padding:12px 24px;color:var(--dim);font-size:13px;"
	"border-top:1px solid var(--rule)}\n"
	"@page{size:A4;margin:12mm}\n"
	"@media print{body.handout{font-size:9pt}body.handout h1{font-size:17pt}body.handout h2{font-size:12pt;"
	"margin:8px 0 4px}body.handout p.story{font-size:9.5pt;margin:4px 0}body.handout div.first{display:block}"
	"body.handout svg.lad{width:100%;max-height:235mm}body.handout .seg{font-size:8pt}"
	"body.handout table.model th,body.handout table.model td{padding:3px 8px}"
	"body.handout table.crossing{font-size:8.5pt}body.handout header.top{padding-top:0}"
	"body.handout footer{margin:6px 0 0;padding:4px 0}}\n"
	"@media print{body{font-size:10pt}nav.toc{display:none}header.top,main,footer{max-width:none;padding:0}"
	"section.frame,figure.ladder,table.model{break-inside:avoid}h2{break-after:avoid}"
	"a{color:inherit;text-decoration:none}.scroll{overflow:visible}pre.hex{overflow:visible;white-space:pre-wrap}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* ---- pieces ------------------------------------------------------------------------ */

/* The CSS class of a layer: its TCP/IP layer, a second shade after a neighbour of the same, or damage. */
static void layer_class(char *buf, const struct lsc_frame *f, unsigned i)
{
	const struct lsc_layer *l = &f->layers[i];
	unsigned t = lsc_layer_tcpip(f, l);
	bool alt = i > 0 && lsc_layer_tcpip(f, l - 1) == t;
	if (lsc_layer_damaged(l) || t > LSC_TCPIP_APPLICATION)
		strcpy(buf, "bad");
	else
		snprintf(buf, 8, "k%u%s", t, alt ? "a" : "");
}

static void td_text(FILE *o, const char *cls, const char *s)
{
	fprintf(o, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	esc(o, s);
	fputs("</td>", o);
}

static void td_u64(FILE *o, uint64_t v)
{
	fprintf(o, "<td class=\"n\">%" PRIu64 "</td>", v);
}

static void kv(FILE *o, const char *k, const char *v)
{
	fputs("<tr><th>", o);
	esc(o, k);
	fputs("</th>", o);
	td_text(o, NULL, v);
	fputs("</tr>\n", o);
}

/* The bytes of a frame, 16 a line, each coloured by the layer that owns it. */
static void hex_dump(FILE *o, const struct lsc_frame *f)
{
	static const char hexd[] = "0123456789abcdef";
	char cls[LSC_MAX_LAYERS][8];
	uint32_t shown = f->caplen < LSC_REPORT_HEX_MAX ? f->caplen : LSC_REPORT_HEX_MAX;
	unsigned li = 0;
	for (unsigned i = 0; i < f->nlayers; i++)
		layer_class(cls[i], f, i);
	if (shown == 0)
		return;
	fputs("<pre class=\"hex\">", o);
	for (uint32_t start = 0; start < shown; start += 16) {
		int own[16];
		uint32_t n = shown - start < 16 ? shown - start : 16;
		lsc_hex_owners(f, start, n, &li, own);
		fprintf(o, "<span class=\"o\">%04" PRIx32 "</span>  ", start);
		for (int pass = 0; pass < 2; pass++) {
			int cur = -2;
			for (uint32_t k = 0; k < n; k++) {
				if (own[k] != cur) {
					fputs(cur == -2 ? "" : "</span>", o);
					fprintf(o, "<span class=\"%s\">", own[k] < 0 ? "u" : cls[own[k]]);
					cur = own[k];
				}
				uint8_t v = f->data[start + k];
				if (pass == 0) {
					fputc(hexd[v >> 4], o);
					fputc(hexd[v & 15], o);
					if (k + 1 < n)
						fputs(k == 7 ? "  " : " ", o);
				} else if (v == '<' || v == '>' || v == '&') {
					fputs(v == '<' ? "&lt;" : v == '>' ? "&gt;" : "&amp;", o);
				} else {
					fputc(v >= 0x20 && v < 0x7f ? (char)v : '.', o);
				}
			}
			fputs("</span>", o);
			if (pass == 0) /* a full line's hex is 48 columns: 16 bytes, 15 spaces, one more in the middle */
				fprintf(o, "%*s", (int)(48 - (3 * n - 1 + (n > 8)) + 2), "");
		}
		fputc('\n', o);
	}
	if (f->caplen > shown) {
		fputs("<span class=\"o\">… ", o);
		fprintf(o, _("%" PRIu32 " more bytes not shown"), f->caplen - shown);
		fputs("</span>\n", o);
	}
	fputs("</pre>\n", o);
}

/* ---- a frame ------------------------------------------------------------------------ */

static void frame_stack(FILE *o, const struct lsc_frame *f)
{
	char cls[8];
	bool quoting = false;
	fputs("<p class=\"stack\">", o);
	if (f->link_unsupported) {
		fputs("<span class=\"chip bad\">", o);
		esc(o, lsc_linktype_name(f->linktype));
		fputs("?</span>", o);
	}
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		char sum[64];
		struct lsc_strbuf b;
		layer_class(cls, f, i);
		if (i > 0 || f->link_unsupported)
			fputs("<span class=\"sep\">›</span>", o);
		if ((l->flags & LSC_LF_QUOTED) && !quoting) /* the datagram an ICMP error quotes back */
			fputs("<span class=\"sep\">[</span>", o);
		quoting = (l->flags & LSC_LF_QUOTED) != 0;
		fprintf(o, "<span class=\"chip %s\">", cls);
		lsc_sb_init(&b, sum, sizeof sum);
		if (l->proto == LSC_PROTO_PAYLOAD)
			lsc_report_layer_summary(&b, f, l);
		else
			lsc_sb_puts(&b, lsc_proto_get(l->proto)->abbrev);
		esc(o, sum);
		fputs(lsc_layer_damaged(l) ? "!" : "", o);
		fputs("</span>", o);
	}
	if (quoting)
		fputs("<span class=\"sep\">]</span>", o);
	if (f->nlayers == 0 && !f->link_unsupported)
		fprintf(o, "<span class=\"d\">%s</span>", _("no bytes captured"));
	fputs("</p>\n", o);
}

static void layer_head(FILE *o, const struct lsc_frame *f, const struct lsc_layer *l)
{
	char buf[128];
	struct lsc_strbuf b;
	fputs("<div class=\"bh\"><span class=\"tl\">", o);
	esc(o, lsc_tr_static(lsc_tcpip_title(lsc_layer_tcpip(f, l))));
	fputs("</span><b>", o);
	esc(o, lsc_proto_get(l->proto)->title);
	fputs("</b><span class=\"sp\">", o);
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_report_layer_span(&b, l);
	if (l->body_len != 0 && l->proto != LSC_PROTO_PAYLOAD)
		lsc_sb_printf(&b, _(" · carries %" PRIu32 " B"), l->body_len);
	esc(o, buf);
	fputs("</span>", o);
	if (l->flags & LSC_LF_QUOTED)
		fprintf(o, "<span class=\"tag\">%s</span>", _("quoted inside the ICMP error"));
	if (l->flags & LSC_LF_FRAGMENT)
		fprintf(o, "<span class=\"tag\">%s</span>", _("a later fragment: what follows is fragment data"));
	if (l->flags & LSC_LF_CLIPPED)
		fprintf(o, "<span class=\"tag\">%s</span>", _("claims more bytes than the capture holds"));
	fputs("</div>\n", o);
	if (lsc_layer_damaged(l)) {
		fputs("<div class=\"dmg\">", o);
		esc(o, _(lsc_layer_damage_word(l)));
		if (l->reason != NULL) {
			fputs(": ", o);
			esc(o, lsc_tr_static(l->reason));
		}
		fputs("</div>\n", o);
	}
}

/*
 * The frame crossing the layers (as -f stack draws it): down the sender's,
 * the wire, up the receiver's, each row with its group of the course
 * (application, operating system, drivers and hardware).
 */
static void frame_crossing(FILE *o, const struct lsc_frame *f, bool open)
{
	struct lsc_stack *s = malloc(sizeof *s);
	if (s == NULL)
		return; /* the boxes below say the same, less drawn */
	lsc_stack_rows(s, f);
	if (open)
		fputs("<table class=\"crossing\">", o);
	else
		fprintf(o, "<details class=\"crossing\"><summary>%s</summary><table class=\"crossing\">",
		        _("The layers crossed"));
	for (unsigned i = 0; i < s->n; i++) {
		const struct lsc_stack_row *r = &s->rows[i];
		if (i == 0 || s->rows[i - 1].dir != r->dir) {
			if (r->dir == LSC_STACK_UP) {
				fputs("<tr class=\"wire\"><td colspan=\"5\">", o);
				fprintf(o, _("the wire: %" PRIu32 " bytes"), s->wire);
				fputs("</td></tr>", o);
			}
			fputs("<tr class=\"who\"><td colspan=\"5\">", o);
			fputs(r->dir == LSC_STACK_DOWN ? _("sender: ") : _("receiver: "), o);
			esc(o, r->dir == LSC_STACK_DOWN ? s->from : s->to);
			fputs("</td></tr>", o);
		}
		fprintf(o, "<tr class=\"l%u\"><td>%s</td><td>", r->tcpip, r->dir == LSC_STACK_DOWN ? "▼" : "▲");
		esc(o, r->group);
		fputs("</td><td>", o);
		esc(o, r->layer);
		fprintf(o, "</td><td class=\"n\">%" PRIu32 " B</td><td>", r->bytes);
		esc(o, r->text);
		fputs("</td></tr>", o);
	}
	fputs(open ? "</table>\n" : "</table></details>\n", o);
	free(s);
}

/* The layers as nested boxes: each holds its fields, then the layer it carries. */
static void frame_boxes(FILE *o, const struct lsc_frame *f)
{
	struct lsc_report_fields rf;
	char cls[8], sum[256];
	struct lsc_strbuf b;
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		layer_class(cls, f, i);
		fprintf(o, "<div class=\"box %s\">", cls);
		layer_head(o, f, l);
		lsc_sb_init(&b, sum, sizeof sum);
		lsc_report_layer_summary(&b, f, l);
		if (b.len != 0 && l->proto != LSC_PROTO_PAYLOAD) {
			fputs("<div class=\"sum\">", o);
			esc(o, sum);
			fputs("</div>\n", o);
		}
		fputs("<table class=\"f\">\n", o);
		lsc_report_fields_init(&rf, o, &markup);
		lsc_fields_emit(&rf.sink, f, l);
		fputs("</table>\n", o);
	}
	for (unsigned i = 0; i < f->nlayers; i++)
		fputs("</div>", o);
	if (f->nlayers)
		fputc('\n', o);
}

/* One line: the conversation, linked to its ladder, and what the frame is in it. */
static void frame_flow_line(FILE *o, const struct lsc_frame *f)
{
	char line[256];
	struct lsc_strbuf b;
	lsc_sb_init(&b, line, sizeof line);
	lsc_report_flow_line(&b, f);
	if (b.len == 0)
		return;
	fprintf(o, "<p class=\"flow\">%s <a href=\"#c%" PRIu32 "\">%" PRIu32 "</a> · ", _("Conversation"),
	        f->flow.id, f->flow.id);
	esc(o, line);
	fputs("</p>\n", o);
}

static void frame_flow(FILE *o, const struct lsc_frame *f)
{
	struct lsc_report_fields rf;
	if (!f->has_flow)
		return;
	fprintf(o, "<div class=\"box conv\"><div class=\"bh\"><span class=\"tl\">%s</span>"
	        "<b>%s</b></div>\n<table class=\"f\">\n", _("Conversation"),
	        _("what the track stage reads into the frame"));
	lsc_report_fields_init(&rf, o, &markup);
	lsc_flow_fields_emit(&rf.sink, f);
	fputs("</table></div>\n", o);
}

static void html_frame(struct lsc_report *r, FILE *o, const struct lsc_frame *f)
{
	char meta[160];
	struct lsc_strbuf b;
	if (r->o.handout)
		return; /* a lesson, not the reference: no frame sections */
	lsc_sb_init(&b, meta, sizeof meta);
	lsc_report_frame_meta(r, &b, f);
	fprintf(o, "<section class=\"frame\" id=\"f%" PRIu64 "\">\n<h3><a class=\"num\" href=\"#f%" PRIu64
	           "\">%s %" PRIu64 "</a><span class=\"meta\">", f->number, f->number, _("Frame"), f->number);
	esc(o, meta);
	fputs("</span></h3>\n", o);
	frame_stack(o, f);
	frame_flow_line(o, f);
	if (f->link_unsupported) {
		char msg[160];
		snprintf(msg, sizeof msg, _("link type %s is not decoded: its bytes follow undecoded"),
		         lsc_linktype_name(f->linktype));
		fputs("<p class=\"dmg\">", o);
		esc(o, msg);
		fputs("</p>\n", o);
	}
	frame_crossing(o, f, false);
	frame_boxes(o, f);
	frame_flow(o, f);
	if (f->nnotes != 0) {
		fputs("<ul class=\"notes\">", o);
		for (unsigned i = 0; i < f->nnotes; i++) {
			fputs("<li>", o);
			char shown[LSC_NOTE_SHOWN];
			esc(o, lsc_frame_note_text(f, i, shown, sizeof shown));
			fputs("</li>", o);
		}
		fputs("</ul>\n", o);
	}
	lsc_report_explain(o, r->o.explain, f, "<ul class=\"why\">", "<li>", "</li>", "</ul>\n", esc);
	hex_dump(o, f);
	fputs("</section>\n", o);
}

/* ---- the summary -------------------------------------------------------------------- */

static void mix_row(FILE *o, const struct lsc_report_mix_row *m)
{
	if (m->first)
		fprintf(o, "%s<tbody class=\"k%u\"><tr><th class=\"lay\" rowspan=\"%u\">%s</th>",
		        m->layer ? "</tbody>\n" : "", m->layer, m->rows, _(lsc_tcpip_title(m->layer)));
	else
		fputs("<tr>", o);
	if (m->proto == NULL) {
		fprintf(o, "<td><span class=\"d\">%s</span></td>", _("none at this layer"));
	} else {
		fputs("<td>", o);
		esc(o, m->proto->title);
		fputs(" <code>", o);
		esc(o, m->proto->key);
		fputs("</code></td>", o);
	}
	td_u64(o, m->frames);
	td_text(o, "n", m->pct);
	if (m->proto == NULL)
		fputs("<td class=\"n\"></td>", o);
	else
		td_u64(o, m->bytes);
	fprintf(o, "<td><span class=\"bar%s\" style=\"width:%s%%\"></span></td></tr>\n",
	        m->proto == NULL ? " u" : "", m->pct);
}

static void summary(struct lsc_report *r, FILE *o)
{
	fprintf(o, "<section id=\"summary\">\n<h2>%s</h2>\n<table class=\"kv\">\n", _("Capture summary"));
	lsc_report_summary(r, kv, o);
	fprintf(o, "</table>\n<h3>%s</h3>\n<div class=\"scroll\"><table class=\"grid mix\">\n"
	        "<thead><tr><th>%s</th><th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s"
	        "</th><th class=\"n\">%s</th><th style=\"width:30%%\"></th></tr></thead>\n",
	        _("Protocol mix by layer"), _("Layer"), _("Protocol"), _("Frames"),
	        /* xgettext:no-c-format */
	        _("% of frames"), _("Bytes"));
	lsc_report_mix(r, mix_row, o);
	fputs(r->frames ? "</tbody></table></div>\n</section>\n" : "</table></div>\n</section>\n", o);
}

/* A paragraph of text the core words. */
static void para(FILE *o, const char *cls, void (*words)(struct lsc_strbuf *b, const struct lsc_report *r),
                 const struct lsc_report *r)
{
	char buf[1024];
	struct lsc_strbuf b;
	lsc_sb_init(&b, buf, sizeof buf);
	words(&b, r);
	if (b.len == 0)
		return;
	fprintf(o, "<p%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	esc(o, buf);
	fputs("</p>\n", o);
}

/* ---- the layer model ------------------------------------------------------------------ */

/* The model frame's bytes as one bar, a segment a layer, as wide as its share. */
static void model_bar(FILE *o, const struct lsc_frame *f)
{
	char cls[8], buf[160];
	struct lsc_strbuf b;
	fputs("<div class=\"bytebar\">", o);
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		layer_class(cls, f, i);
		fprintf(o, "<div class=\"seg %s\" style=\"flex:%" PRIu32 " 1 0\"><b>", cls,
		        l->cap_len ? l->cap_len : 1);
		esc(o, lsc_proto_get(l->proto)->title);
		fputs("</b>", o);
		lsc_sb_init(&b, buf, sizeof buf);
		lsc_report_layer_span(&b, l);
		esc(o, buf);
		fputs("</div>", o);
	}
	fputs("</div>\n", o);
}

/* What each TCP/IP layer does, and what of it the model frame holds. */
static void model_table(FILE *o, const struct lsc_frame *f)
{
	char buf[160];
	struct lsc_strbuf b;
	fputs("<table class=\"model\">\n", o);
	for (unsigned t = 4; t-- > 0;) {
		fprintf(o, "<tr class=\"k%u\"><th>%u · %s</th><td>", t, t + 1, _(lsc_tcpip_title(t)));
		esc(o, _(lsc_report_model_text[t]));
		fputs("</td><td>", o);
		lsc_sb_init(&b, buf, sizeof buf);
		if (lsc_report_model_cell(&b, f, t))
			esc(o, buf);
		else
			fprintf(o, "<span class=\"d\">%s</span>", _("not in this frame"));
		fputs("</td></tr>\n", o);
	}
	fputs("</table>\n", o);
}

/* "Frame N, the first that carries application data, shows which of its B bytes belong to which layer:" */
static void model_intro(struct lsc_report *r, FILE *o, bool link)
{
	char buf[160];
	struct lsc_strbuf b;
	const struct lsc_frame *f = r->model;
	fprintf(o, "%s ", _("Frame"));
	if (link && f->number <= r->last_detailed)
		fprintf(o, "<a href=\"#f%" PRIu64 "\">%" PRIu64 "</a>", f->number, f->number);
	else
		fprintf(o, "%" PRIu64, f->number);
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_report_model_intro(&b, r);
	esc(o, buf);
}

static void model(struct lsc_report *r, FILE *o)
{
	const struct lsc_frame *f = r->model;
	fprintf(o, "<section id=\"model\">\n<h2>%s</h2>\n", _("The TCP/IP layer model"));
	if (f == NULL) {
		fprintf(o, "<p class=\"note\">%s</p>\n</section>\n", _("The capture holds no frames."));
		return;
	}
	fputs("<p>", o);
	esc(o, _("Every frame is a stack of headers, one inside the other: each layer adds its header in front of "
	         "what the layer above handed it."));
	fputc(' ', o);
	model_intro(r, o, true);
	fputs("</p>\n", o);
	model_bar(o, f);
	model_table(o, f);
	hex_dump(o, f);
	fputs("</section>\n", o);
}

/* ---- conversations ------------------------------------------------------------------ */

static void conv_row(struct lsc_report *r, FILE *o, const struct lsc_flow_conv *c)
{
	struct lsc_conv_cells x;
	struct lsc_ladder_diagram d;
	uint32_t nrows;
	lsc_conv_cells(c, &x);
	if (lsc_report_diagram(r, c, &d, &nrows))
		fprintf(o, "<tr><td class=\"n\"><a href=\"#c%" PRIu32 "\">%" PRIu32 "</a></td>", c->id, c->id);
	else
		fprintf(o, "<tr><td class=\"n\">%" PRIu32 "</td>", c->id);
	fprintf(o, "<td>%s</td>", c->ipproto == 6 ? "TCP" : "UDP");
	td_text(o, "m", x.client);
	td_text(o, "m", x.server);
	const char *svc = lsc_report_conv_service(c);
	td_text(o, NULL, svc != NULL ? svc : "");
	if (c->ipproto == 6) {
		fprintf(o, "<td class=\"m\">%s<br><span class=\"d\">", lsc_tcp_state_name(c->state));
		fprintf(o, _("client %s, server %s"), lsc_tcp_state_name(c->end_state[0]),
		        lsc_tcp_state_name(c->end_state[1]));
		fputs("</span></td>", o);
	}
	else
		fputs("<td class=\"m\">UDP</td>", o);
	td_text(o, "m", c->history);
	td_u64(o, c->frames[0] + c->frames[1]);
	td_u64(o, c->bytes[0]);
	td_u64(o, c->bytes[1]);
	td_text(o, "n", x.dur);
	td_text(o, "n", x.rtt);
	td_text(o, NULL, x.notes);
	fputs("</tr>\n", o);
}

static void conv_table(struct lsc_report *r, FILE *o)
{
	uint32_t n;
	uint64_t dropped;
	const struct lsc_flow_conv *c = lsc_report_convs(r, &n, &dropped);
	fprintf(o, "<section id=\"conversations\">\n<h2>%s</h2>\n", _("Conversations"));
	para(o, NULL, lsc_report_conv_intro, r);
	if (n != 0) {
		fprintf(o, "<div class=\"scroll\"><table class=\"grid convs\">\n<thead><tr><th class=\"n\">#</th>"
		        "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
		        "<th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
		        "<th class=\"n\">%s</th><th class=\"n\">%s</th>"
		        "<th class=\"n\">%s</th><th>%s</th></tr></thead>\n<tbody>\n", _("Proto"), _("Client"),
		        _("Server"), _("Service"), _("State reached"), _("History"), _("Frames"), _("Bytes c→s"),
		        _("Bytes s→c"), _("Duration s"), _("Handshake RTT s"), _("Notes"));
		for (uint32_t i = 0; i < n; i++)
			conv_row(r, o, &c[i]);
		fputs("</tbody></table></div>\n", o);
	}
	if (dropped != 0) {
		fputs("<p class=\"note\">", o);
		fprintf(o, P_("%" PRIu64 " more conversation counted but not listed.",
		              "%" PRIu64 " more conversations counted but not listed.", dropped), dropped);
		fputs("</p>\n", o);
	}
	fputs("</section>\n", o);
}

/* ---- ladders as SVG ------------------------------------------------------------------ */

#define SVG_W    920
#define SVG_CX   250  /* the client's lifeline */
#define SVG_SX   730  /* the server's */
#define SVG_TOP  76   /* the first row */
#define SVG_ROW  42

/* The top of row k: 64-bit, as a ladder of --frames arrows can be taller than an int counts. */
static int64_t row_y(uint64_t k)
{
	return SVG_TOP + (int64_t)k * SVG_ROW;
}

static void svg_text(FILE *o, const char *cls, int x, int64_t y, const char *anchor, const char *s)
{
	fprintf(o, "<text class=\"%s\" x=\"%d\" y=\"%" PRId64 "\"%s%s%s>", cls, x, y, anchor ? " text-anchor=\"" : "",
	        anchor ? anchor : "", anchor ? "\"" : "");
	esc(o, s);
	fputs("</text>", o);
}

/* The band behind the rows first..end-1 of one group. */
static void svg_band(FILE *o, unsigned g, uint32_t first, uint32_t end)
{
	int64_t y = row_y(first);
	fprintf(o, "<rect class=\"band-%s\" x=\"1\" y=\"%" PRId64 "\" width=\"%d\" height=\"%" PRId64 "\"/>",
	        lsc_ladder_group_name(g), y, SVG_W - 2, row_y(end) - y);
	svg_text(o, "gl", SVG_W - 12, y + 16, "end", _(lsc_ladder_group_name(g)));
	fputc('\n', o);
}

static void svg_bands(FILE *o, const struct lsc_ladder_diagram *d)
{
	unsigned g = LSC_LG_NONE;
	uint32_t k = 0, start = 0;
	for (uint32_t i = d->head; i; i = d->rows[i - 1].next, k++) {
		unsigned rg = lsc_ladder_group(&d->rows[i - 1]);
		if (rg == g || rg == LSC_LG_NONE)
			continue;
		if (g != LSC_LG_NONE)
			svg_band(o, g, start, k);
		g = rg;
		start = k;
	}
	if (g != LSC_LG_NONE)
		svg_band(o, g, start, k);
}

static void svg_participant(FILE *o, int x, const char *role, const char *addr, const char *svc)
{
	char buf[96];
	struct lsc_strbuf b;
	fprintf(o, "<rect class=\"pbox\" x=\"%d\" y=\"10\" width=\"230\" height=\"46\" rx=\"6\"/>", x - 115);
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_puts(&b, role);
	if (svc != NULL)
		lsc_sb_printf(&b, " · %s", svc);
	svg_text(o, "ptl", x, 29, "middle", buf);
	svg_text(o, "", x, 46, "middle", addr);
	fputc('\n', o);
}

static void svg_arrow(FILE *o, const struct lsc_flow_conv *c, const struct lsc_ladder_row *r, uint32_t k)
{
	struct lsc_ladder_texts t;
	lsc_ladder_texts(&t, c, r, true);
	char *dot = strchr(t.time, '.'); /* a person reads the locale's separator, as on the text ladder */
	if (dot != NULL && lsc_decimal_point()[0] == ',')
		*dot = ',';

	int64_t top = row_y(k), y = top + 24;
	bool c2s = r->a.dir == LSC_FLOW_C2S;
	int from = c2s ? SVG_CX : SVG_SX, to = c2s ? SVG_SX : SVG_CX, dx = c2s ? -10 : 10;
	fprintf(o, "<a href=\"#f%" PRIu64 "\"><title>%s %" PRIu64 ": ", r->frame, _("Frame"), r->frame);
	esc(o, t.label);
	if (t.notes[0]) {
		fputs(" — ", o);
		esc(o, t.notes);
	}
	fprintf(o, "</title><g class=\"ar g%u%s%s\">", lsc_ladder_group(r),
	        r->a.event == LSC_EV_RST ? " rst" : "", r->a.event == LSC_EV_RETRANSMISSION ? " rtx" : "");
	fprintf(o, "<rect class=\"hit\" x=\"0\" y=\"%" PRId64 "\" width=\"%d\" height=\"%d\"/>", top, SVG_W,
	        SVG_ROW);
	fprintf(o, "<text class=\"fn\" x=\"14\" y=\"%" PRId64 "\">%" PRIu64 "</text>", y - 3, r->frame);
	svg_text(o, "tm", 14, y + 11, NULL, t.time);
	fprintf(o, "<line x1=\"%d\" y1=\"%" PRId64 "\" x2=\"%d\" y2=\"%" PRId64 "\"/>", from, y, to + dx, y);
	fprintf(o, "<polygon points=\"%d,%" PRId64 " %d,%" PRId64 " %d,%" PRId64 "\"/>", to, y, to + dx, y - 5,
	        to + dx, y + 5);
	svg_text(o, "lb", (SVG_CX + SVG_SX) / 2, y - 6, "middle", t.label);
	if (t.notes[0])
		svg_text(o, r->a.call_source == LSC_CALL_OBSERVED ? "nt obs" : "nt", (SVG_CX + SVG_SX) / 2, y + 15,
		         "middle", t.notes);
	fputs("</g></a>\n", o);
}

static void svg_ladder(FILE *o, const struct lsc_ladder_diagram *d, uint32_t nrows)
{
	const struct lsc_flow_conv *c = d->c;
	struct lsc_ladder_names n;
	int64_t h = row_y(nrows) + 18;
	lsc_ladder_names(d, &n);
	fprintf(o, "<svg class=\"lad\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %" PRId64 "\" "
	           "width=\"%d\" height=\"%" PRId64 "\" role=\"img\" aria-label=\"", SVG_W, h, SVG_W, h);
	fprintf(o, _("ladder diagram of conversation %" PRIu32), c->id);
	fputs("\">\n", o);
	svg_bands(o, d);
	for (int x = SVG_CX; x <= SVG_SX; x += SVG_SX - SVG_CX)
		fprintf(o, "<line class=\"life\" x1=\"%d\" y1=\"56\" x2=\"%d\" y2=\"%" PRId64 "\"/>", x, x, h - 8);
	fputc('\n', o);
	svg_participant(o, SVG_CX, _("client"), n.client, lsc_report_service(c->ipproto, c->ep[0].port));
	svg_participant(o, SVG_SX, _("server"), n.server, lsc_report_service(c->ipproto, c->ep[1].port));
	svg_text(o, "gl", 14, 46, NULL, _("frame · s"));
	fputc('\n', o);
	uint32_t k = 0;
	for (uint32_t i = d->head; i; i = d->rows[i - 1].next)
		svg_arrow(o, c, &d->rows[i - 1], k++);
	fputs("</svg>\n", o);
}

/* The rest of the ladder's caption: state, history, bytes each way, and what --frames left out. */
static void ladder_after(FILE *o, const struct lsc_flow_conv *c, uint32_t nrows)
{
	char buf[160];
	struct lsc_strbuf b;
	fputs("<p class=\"after\">", o);
	if (c->ipproto == 6) {
		fprintf(o, _("State %s (client %s, server %s)"), lsc_tcp_state_name(c->state),
		        lsc_tcp_state_name(c->end_state[0]), lsc_tcp_state_name(c->end_state[1]));
		fputs(" · ", o);
	}
	fprintf(o, "%s <code>", _("history"));
	esc(o, c->history);
	/* Four counts, each with its own plural, as the text ladder's last line. */
	char cnt[4][48];
	for (int i = 0; i < 2; i++) {
		snprintf(cnt[2 * i], sizeof cnt[0], P_("%" PRIu64 " byte", "%" PRIu64 " bytes", c->bytes[i]),
		         c->bytes[i]);
		snprintf(cnt[2 * i + 1], sizeof cnt[0], P_("%" PRIu64 " frame", "%" PRIu64 " frames", c->frames[i]),
		         c->frames[i]);
	}
	fputs("</code> · ", o);
	fprintf(o, _("client sent %s in %s, server %s in %s"), cnt[0], cnt[1], cnt[2], cnt[3]);
	fputs("</p>\n", o);
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_report_ladder_rest(&b, c, nrows);
	if (b.len != 0) {
		fputs("<p class=\"note\">", o);
		esc(o, buf);
		fputs("</p>\n", o);
	}
}

static void ladder_figure(struct lsc_report *r, FILE *o, const struct lsc_flow_conv *c)
{
	struct lsc_ladder_diagram d;
	struct lsc_ladder_names nm;
	uint32_t nrows;
	if (!lsc_report_diagram(r, c, &d, &nrows))
		return;
	lsc_ladder_names(&d, &nm);
	fprintf(o, "<figure class=\"ladder\" id=\"c%" PRIu32 "\">\n<figcaption><b>%s %" PRIu32
	           "</b> · %s · %s <code>", c->id, _("Conversation"), c->id, c->ipproto == 6 ? "TCP" : "UDP",
	        _("client"));
	esc(o, nm.client);
	fprintf(o, "</code> → %s <code>", _("server"));
	esc(o, nm.server);
	fputs("</code>", o);
	const char *svc = lsc_report_conv_service(c);
	if (svc != NULL) {
		fputs(" · ", o);
		esc(o, svc);
	}
	fputs("</figcaption>\n<div class=\"scroll\">", o);
	svg_ladder(o, &d, nrows);
	fputs("</div>\n", o);
	ladder_after(o, c, nrows);
	fputs("</figure>\n", o);
}

static void ladders(struct lsc_report *r, FILE *o)
{
	uint32_t n;
	uint64_t dropped;
	const struct lsc_flow_conv *c = lsc_report_convs(r, &n, &dropped);
	fprintf(o, "<section id=\"ladders\">\n<h2>%s</h2>\n", _("Ladder diagrams"));
	para(o, NULL, lsc_report_ladder_intro, r);
	for (uint32_t i = 0; i < n; i++)
		ladder_figure(r, o, &c[i]);
	fputs("</section>\n", o);
}

static void timeline_line(FILE *o, const char *s)
{
	esc(o, s);
	fputc('\n', o);
}

/* The calls and the frames in time order, as the demo shows them: only with the calls recorded. */
static void timeline(struct lsc_report *r, FILE *o)
{
	if (r->o.calls == NULL)
		return;
	fputs("<section id=\"timeline\">\n<h2>", o);
	esc(o, _("Socket calls and frames"));
	fputs("</h2>\n", o);
	para(o, NULL, lsc_report_timeline_intro, r);
	fputs("<pre class=\"tl\">", o);
	lsc_report_timeline(r, o, timeline_line);
	fputs("</pre>\n</section>\n", o);
}

/* ---- the document ---------------------------------------------------------------------- */

/* Everything up to <body>: the page's title says what it is. */
static void page_start(struct lsc_report *r, FILE *o, const char *title, const char *body_class)
{
	/* TRANSLATORS: your language as HTML's lang attribute (BCP 47), e.g. pt-BR. */
	fprintf(o, "<!DOCTYPE html>\n<html lang=\"%s\">\n", _("en"));
	fputs("<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", o);
	fputs("<meta name=\"generator\" content=\"layerscope ", o);
	esc(o, r->o.version != NULL ? r->o.version : "");
	fputs("\">\n<title>", o);
	esc(o, title);
	fputs(": ", o);
	esc(o, r->o.source);
	fprintf(o, "</title>\n<style>\n%s</style>\n</head>\n<body%s%s%s>\n<header class=\"top\">\n<h1>", css,
	        body_class ? " class=\"" : "", body_class ? body_class : "", body_class ? "\"" : "");
	esc(o, title);
	fputs("<span class=\"file\">", o);
	esc(o, r->o.source);
	fputs("</span></h1>\n", o);
}

/* The first conversation with a ladder, or NULL. */
static const struct lsc_flow_conv *first_drawn(const struct lsc_report *r)
{
	uint32_t n, nrows;
	uint64_t dropped;
	struct lsc_ladder_diagram d;
	const struct lsc_flow_conv *c = lsc_report_convs(r, &n, &dropped);
	for (uint32_t i = 0; i < n; i++)
		if (lsc_report_diagram(r, &c[i], &d, &nrows))
			return &c[i];
	return NULL;
}

/*
 * --handout: a lesson on one or two printed pages.  The first screen holds
 * what happened in this capture in a few sentences, the layers drawn over
 * one data frame (the -f stack view) and the first conversation's ladder
 * with its calls; then what each layer does.  No frame sections: the full
 * report is the reference.
 */
static void handout(struct lsc_report *r, FILE *o)
{
	char story[2048];
	struct lsc_strbuf b;
	page_start(r, o, _("What happened in this capture"), "handout");
	fputs("</header>\n<main>\n<p class=\"story\">", o);
	lsc_sb_init(&b, story, sizeof story);
	lsc_report_story(&b, r);
	esc(o, story);
	fputs("</p>\n<div class=\"first\">\n<section id=\"model\">\n<h2>", o);
	esc(o, _("The layers, over one frame"));
	fputs("</h2>\n", o);
	if (r->model != NULL) {
		fputs("<p>", o);
		model_intro(r, o, false);
		fputs("</p>\n", o);
		model_bar(o, r->model);
		frame_crossing(o, r->model, true);
	} else {
		fprintf(o, "<p class=\"note\">%s</p>\n", _("The capture holds no frames."));
	}
	fputs("</section>\n<section id=\"ladders\">\n<h2>", o);
	esc(o, _("The first conversation, as a ladder"));
	fputs("</h2>\n", o);
	const struct lsc_flow_conv *c = first_drawn(r);
	if (c != NULL)
		ladder_figure(r, o, c);
	else
		fprintf(o, "<p class=\"note\">%s</p>\n", _("No TCP or UDP conversation to draw."));
	fputs("</section>\n</div>\n", o);
	if (r->model != NULL) {
		fputs("<section id=\"layers\">\n<h2>", o);
		esc(o, _("What each layer does"));
		fputs("</h2>\n", o);
		model_table(o, r->model);
		fputs("</section>\n", o);
	}
	fputs("<p class=\"after\">", o);
	esc(o, _("In the ladder, a call without a question mark was observed (the programs' calls recorded beside "
	         "the capture); one with a question mark (connect()?) is inferred from the wire. The full "
	         "report, without --handout, has every frame."));
	fputs("</p>\n", o);
}

static void html_head(struct lsc_report *r, FILE *o)
{
	char buf[160];
	struct lsc_strbuf b;
	uint32_t n;
	uint64_t dropped;
	if (r->o.handout) {
		handout(r, o);
		return;
	}
	lsc_report_convs(r, &n, &dropped);
	page_start(r, o, _("layerscope report"), NULL);
	fputs("<p class=\"sub\">", o);
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_printf(&b, P_("%" PRIu64 " frame", "%" PRIu64 " frames", r->frames), r->frames);
	lsc_sb_puts(&b, " · ");
	lsc_sb_printf(&b, P_("%" PRIu64 " conversation", "%" PRIu64 " conversations", n + dropped), n + dropped);
	if (r->frames != 0) {
		lsc_sb_puts(&b, _(" · from "));
		lsc_report_time(r, &b, r->first_ns, r->ts_digits);
	}
	esc(o, buf);
	fprintf(o, "</p>\n<nav class=\"toc\"><a href=\"#model\">%s</a><a href=\"#ladders\">%s</a>", _("Layer model"),
	        _("Ladder diagrams"));
	if (r->o.calls != NULL) {
		fputs("<a href=\"#timeline\">", o);
		esc(o, _("Socket calls and frames"));
		fputs("</a>", o);
	}
	fprintf(o, "<a href=\"#conversations\">%s</a><a href=\"#frames\">%s</a>"
	        "<a href=\"#summary\">%s</a></nav>\n</header>\n<main>\n", _("Conversations"), _("Frames"),
	        _("Capture summary"));
	/* What a student looks at first (the layers, the ladders) comes first; the file's facts at the end. */
	model(r, o);
	ladders(r, o);
	timeline(r, o);
	conv_table(r, o);
	fprintf(o, "<section id=\"frames\">\n<h2>%s</h2>\n", _("Frames"));
	para(o, NULL, lsc_report_frames_intro, r);
}

static void html_tail(struct lsc_report *r, FILE *o)
{
	if (!r->o.handout) {
		fputs("</section>\n", o);
		summary(r, o);
	}
	fputs("</main>\n<footer>", o);
	char who[512];
	snprintf(who, sizeof who, _("Written by layerscope %s from %s."), r->o.version != NULL ? r->o.version : "",
	         r->o.source);
	esc(o, who);
	fputc(' ', o);
	/* TRANSLATORS: HTML; keep the <span> around the words "grey italics". */
	fputs(_("Derived values (names, verdicts, previews) are in <span class=\"d\">grey italics</span>; "
	        "everything else is read from the wire."), o);
	fputs("</footer>\n</body>\n</html>\n", o);
}

static int html_begin(struct lsc_report *r)
{
	(void)r;
	return 0;
}

static void html_end(struct lsc_report *r)
{
	(void)r;
}

const struct lsc_report_fmt lsc_report_html = {
	"html", html_begin, html_frame, html_head, html_tail, html_end,
};
