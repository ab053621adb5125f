/* SPDX-License-Identifier: BSD-3-Clause */
/* teach.c: what the text formats share for teaching: text wrapped to the terminal's width, and the explanations. */
#include <config.h>

#include <string.h>

#include <layerscope/teach.h>

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

/*
 * `text` broken at spaces into lines of at most `width` columns: the first
 * starts where the output stands (`first` columns used), the next ones at
 * column `col`.
 */
static void wrap(struct lsc_text *t, const char *text, unsigned first_used, unsigned col, unsigned width)
{
	const char *p = text;
	size_t used = first_used;
	for (bool first = true;; first = false) {
		size_t n = strlen(p);
		if (!first) {
			lsc_text_spaces(t, col);
			used = col;
		}
		size_t avail = width > used + 10 ? width - used : 10;
		if (lsc_text_cols(p, n) <= avail) {
			lsc_text_putn(t, p, n);
			lsc_text_putc(t, '\n');
			return;
		}
		size_t fit = fit_bytes(p, n, avail), cut = fit;
		while (cut > 0 && p[cut] != ' ')
			cut--;
		while (cut > 0 && p[cut - 1] == ' ')
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

static void fold_para(struct lsc_text *t, const char *line, unsigned col, unsigned width)
{
	wrap(t, line, 0, col, width);
}

void lsc_text_para(struct lsc_text *t, const char *text, unsigned col, unsigned width)
{
	if (width != 0 && width >= col + 20) {
		wrap(t, text, col, col, width);
		return;
	}
	lsc_text_puts(t, text);
	lsc_text_putc(t, '\n');
}

void lsc_text_wrapped(struct lsc_text *t, const char *text, unsigned indent, const char *lead,
                      unsigned width)
{
	lsc_text_spaces(t, indent);
	lsc_text_puts(t, lead);
	lsc_text_para(t, text, indent + (unsigned)lsc_text_cols(lead, strlen(lead)), width);
}

void lsc_text_fold(struct lsc_text *t, size_t start, unsigned width, unsigned indent)
{
	char line[LSC_TEXT_BUF];
	size_t n = t->n - start;
	if (width == 0 || n == 0 || n > sizeof line || lsc_text_cols(t->buf + start, n) <= width + 1u)
		return;
	memcpy(line, t->buf + start, n);
	if (line[n - 1] == '\n')
		n--;
	t->n = start;
	/* Pieces are separated by two spaces; a line takes pieces while they fit. */
	size_t col = 0, i = 0;
	bool first = true;
	while (i < n) {
		size_t j = i;
		while (j < n && !(line[j] == ' ' && j + 1 < n && line[j + 1] == ' '))
			j++;
		size_t cols = lsc_text_cols(line + i, j - i);
		if (!first && col + 2 + cols > width) {
			lsc_text_putc(t, '\n');
			lsc_text_spaces(t, indent);
			col = indent;
		} else if (!first) {
			lsc_text_puts(t, "  ");
			col += 2;
		}
		if (col + cols > width && cols > 0) {
			/* A piece wider than a line by itself is broken at its spaces. */
			char piece[LSC_TEXT_BUF];
			memcpy(piece, line + i, j - i);
			piece[j - i] = '\0';
			lsc_text_para(t, piece, (unsigned)col, width);
			t->n--; /* the paragraph's newline: the next piece decides */
			col = width; /* the next piece starts a line */
		} else {
			lsc_text_putn(t, line + i, j - i);
			col += cols;
		}
		first = false;
		i = j;
		while (i < n && line[i] == ' ')
			i++;
	}
	lsc_text_putc(t, '\n');
}

/* Where a long line's continuation starts: under its value, past a label and two spaces, else indented by 2. */
static unsigned hang(const char *line, size_t n, unsigned width)
{
	size_t i = 0;
	while (i < n && line[i] == ' ')
		i++;
	size_t lead = i;
	while (i + 1 < n && !(line[i] == ' ' && line[i + 1] == ' '))
		i++;
	while (i < n && line[i] == ' ')
		i++;
	size_t col = lsc_text_cols(line, i);
	if (i < n && col < width / 2)
		return (unsigned)col;
	return (unsigned)lsc_text_cols(line, lead) + 2;
}

void lsc_text_fold_lines(struct lsc_text *t, size_t start, unsigned width, unsigned min_col)
{
	char text[LSC_TEXT_BUF];
	size_t n = t->n - start;
	if (width == 0 || n == 0 || n >= sizeof text)
		return;
	memcpy(text, t->buf + start, n);
	text[n] = '\0';
	t->n = start;
	for (char *p = text; *p != '\0';) {
		char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (lsc_text_cols(p, len) <= width) {
			lsc_text_putn(t, p, len);
			lsc_text_putc(t, '\n');
		} else {
			unsigned col = hang(p, len, width);
			if (col < min_col)
				col = min_col;
			char save = p[len];
			p[len] = '\0';
			/* The paragraph from the line's start: its first line starts at column 0. */
			fold_para(t, p, col, width);
			p[len] = save;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
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
	return lsc_teach_frame(e, f, explain_line, &o);
}

unsigned lsc_text_explain_reads(struct lsc_text *t, struct lsc_explainer *e, const char *reader,
                                uint64_t frame, unsigned segments, uint64_t bytes,
                                const uint32_t *reads, unsigned nreads, unsigned indent, unsigned width)
{
	struct explain_out o = { t, indent, width };
	return lsc_teach_reads(e, reader, frame, segments, bytes, reads, nreads, explain_line, &o);
}

unsigned lsc_text_explain_history(struct lsc_text *t, struct lsc_explainer *e, const char *history,
                                  unsigned indent, unsigned width)
{
	struct explain_out o = { t, indent, width };
	return lsc_teach_history(e, history, explain_line, &o);
}
