/* teach.c: what the text formats share for teaching: text wrapped to the terminal's width, and the explanations. */
#include <config.h>

#include <string.h>

#include <layerscope/explain.h>

#include "render-int.h"

size_t lsc_text_cols(const char *s, size_t n)
{
	size_t cols = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0x1b) { /* an SGR escape takes no column: skip to its 'm' */
			while (i < n && s[i] != 'm')
				i++;
			continue;
		}
		if ((c & 0xc0) != 0x80)
			cols++;
	}
	return cols;
}

/* Bytes of `s` (n bytes) that fit in `cols` columns. */
static size_t fit_bytes(const char *s, size_t n, size_t cols)
{
	size_t used = 0, i = 0;
	while (i < n) {
		size_t j = i + 1;
		while (j < n && ((unsigned char)s[j] & 0xc0) == 0x80)
			j++;
		if (used + 1 > cols)
			break;
		used++;
		i = j;
	}
	return i;
}

void lsc_text_para(struct lsc_text *t, const char *text, unsigned col, unsigned width)
{
	size_t avail = width >= col + 20 ? width - col : 0;
	const char *p = text;
	for (bool first = true;; first = false) {
		size_t n = strlen(p);
		if (!first)
			lsc_text_spaces(t, col);
		if (avail == 0 || lsc_text_cols(p, n) <= avail) {
			lsc_text_putn(t, p, n);
			lsc_text_putc(t, '\n');
			return;
		}
		/* Break at the last space that keeps the line within the width; a longer word is cut. */
		size_t fit = fit_bytes(p, n, avail), cut = fit;
		while (cut > 0 && p[cut] != ' ')
			cut--;
		if (cut == 0)
			cut = fit;
		lsc_text_putn(t, p, cut);
		lsc_text_putc(t, '\n');
		p += cut;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return;
	}
}

void lsc_text_wrapped(struct lsc_text *t, const char *text, unsigned indent, const char *lead,
                      unsigned width)
{
	lsc_text_spaces(t, indent);
	lsc_text_puts(t, lead);
	lsc_text_para(t, text, indent + (unsigned)lsc_text_cols(lead, strlen(lead)), width);
}

struct explain_out {
	struct lsc_text *t;
	unsigned indent, width;
};

static void explain_line(void *ctx, unsigned id, const char *text)
{
	struct explain_out *o = ctx;
	(void)id;
	lsc_text_style(o->t, LSC_SGR_EXPLAIN);
	lsc_text_wrapped(o->t, text, o->indent, "↳ ", o->width);
	lsc_text_end(o->t);
}

unsigned lsc_text_explain(struct lsc_text *t, struct lsc_explainer *e, const struct lsc_frame *f,
                          unsigned indent, unsigned width)
{
	struct explain_out o = { t, indent, width };
	return lsc_explain_frame(e, f, explain_line, &o);
}

unsigned lsc_text_explain_reads(struct lsc_text *t, struct lsc_explainer *e, const char *reader,
                                uint64_t frame, unsigned segments, uint64_t bytes,
                                const uint32_t *reads, unsigned nreads, unsigned indent, unsigned width)
{
	struct explain_out o = { t, indent, width };
	return lsc_explain_reads(e, reader, frame, segments, bytes, reads, nreads, explain_line, &o);
}

unsigned lsc_text_explain_history(struct lsc_text *t, struct lsc_explainer *e, const char *history,
                                  unsigned indent, unsigned width)
{
	struct explain_out o = { t, indent, width };
	return lsc_explain_history(e, history, explain_line, &o);
}
