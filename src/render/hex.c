/* SPDX-License-Identifier: BSD-3-Clause */
/* hex.c: the frame's bytes, 16 a line in hex and ASCII, each byte marked with the layer it belongs to. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <layerscope/decode.h>
#include <layerscope/render.h>

#include "render-int.h"

/*
 * Frame 4 · 2026-11-24 05:16:47.403747051 UTC · +0.000072574 s · 81 bytes · EN10MB
 *   E  Link         Ethernet II                    bytes 0–13 (14 bytes)
 *   I  Network      Internet Protocol version 4    bytes 14–33 (20 bytes)
 *   0000  00 00 00 00 00 00 00 00  00 00 00 00 08 00 45 00  ..............E.  EEEEEEEEEEEEEEII
 *
 * The spans come from each layer's offset and captured header length, so
 * nothing is parsed here.  With colour the bytes take their layer's colour;
 * without it a column of one letter per byte names the layer, which the
 * legend above spells out.  '.' marks bytes no layer claims (padding, an
 * Ethernet trailer).
 */

#define HEX_PER_LINE 16

struct hex_state {
	struct lsc_text t;
	unsigned per_line; /* bytes a line: HEX_PER_LINE, or half where the width wants it */
	unsigned width;    /* lsc_render_opts.width */
	char letter[LSC_MAX_LAYERS];
	const char *sgr[LSC_MAX_LAYERS];
};

static void *hex_begin(FILE *out, const struct lsc_render_opts *o)
{
	struct hex_state *st = calloc(1, sizeof *st);
	if (st == NULL)
		return NULL;
	lsc_text_init(&st->t, out, o->color);
	lsc_text_opts(&st->t, o);
	st->width = o->width;
	/* 16 bytes take 74 columns, 92 with the marker column (no colour): 8 a line when narrower. */
	st->per_line = o->width != 0 && o->width < (o->color ? 76u : 94u) ? HEX_PER_LINE / 2 : HEX_PER_LINE;
	return st;
}

static char upper_alnum(char c)
{
	if (c >= 'a' && c <= 'z')
		return (char)(c - 'a' + 'A');
	if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return c;
	return 0;
}

/* One letter a layer, from its abbreviation where free ("E" for ETH), unique in the frame. */
static void assign_marks(struct hex_state *st, const struct lsc_frame *f)
{
	static const char spare[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	bool used[128] = { false };
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		const char *ab = lsc_proto_get(l->proto)->abbrev;
		char c = 0;
		for (const char *p = ab; *p != '\0' && c == 0; p++) {
			char u = upper_alnum(*p);
			if (u != 0 && !used[(unsigned char)u])
				c = u;
		}
		for (const char *p = spare; *p != '\0' && c == 0; p++)
			if (!used[(unsigned char)*p])
				c = *p;
		if (c == 0)
			c = '?';
		used[(unsigned char)c] = true;
		st->letter[i] = c;

		unsigned tcpip = lsc_layer_tcpip(f, l);
		bool alt = i > 0 && lsc_layer_tcpip(f, l - 1) == tcpip;
		st->sgr[i] = lsc_layer_damaged(l) ? LSC_SGR_DAMAGE : lsc_text_layer_sgr(tcpip, alt);
	}
}

static void legend(struct hex_state *st, const struct lsc_frame *f)
{
	struct lsc_text *t = &st->t;
	size_t title_w = 0;
	uint64_t claimed = 0;
	for (unsigned i = 0; i < f->nlayers; i++) {
		size_t n = strlen(lsc_proto_get(f->layers[i].proto)->title);
		if (n > title_w)
			title_w = n;
		claimed += f->layers[i].cap_len;
	}
	if (f->link_unsupported) {
		lsc_text_style(t, LSC_SGR_DAMAGE);
		lsc_text_puts(t, "  ");
		lsc_text_puts(t, lsc_tr_static("link type "));
		lsc_text_puts(t, lsc_linktype_name(f->linktype));
		lsc_text_puts(t, lsc_tr_static(" is not decoded: its bytes follow undecoded"));
		lsc_text_end(t);
		lsc_text_putc(t, '\n');
	}
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		const struct lsc_proto_info *pi = lsc_proto_get(l->proto);
		const char *tcpip = lsc_tr_static(lsc_tcpip_title(lsc_layer_tcpip(f, l)));
		lsc_text_puts(t, "  ");
		lsc_text_style(t, st->sgr[i]);
		lsc_text_putc(t, st->letter[i]);
		lsc_text_puts(t, "  ");
		lsc_text_puts(t, tcpip);
		lsc_text_end(t);
		size_t tw = lsc_text_cols(tcpip, strlen(tcpip)); /* columns: a translation may have accents */
		lsc_text_spaces(t, tw < 12 ? (unsigned)(13 - tw) : 1);
		lsc_text_puts(t, pi->title);
		lsc_text_spaces(t, (unsigned)(title_w - strlen(pi->title) + 2));
		lsc_text_range(t, l);
		if (l->flags & LSC_LF_QUOTED)
			lsc_text_puts(t, lsc_tr_static(" [quoted]"));
		if (lsc_layer_damaged(l)) {
			lsc_text_style(t, LSC_SGR_DAMAGE);
			lsc_text_puts(t, "  ! ");
			lsc_text_puts(t, lsc_tr_static(lsc_layer_damage_word(l)));
			if (l->reason != NULL) {
				lsc_text_puts(t, ": ");
				lsc_text_puts(t, lsc_tr_static(l->reason));
			}
			lsc_text_end(t);
		}
		lsc_text_putc(t, '\n');
	}
	if (claimed < f->caplen) {
		lsc_text_style(t, LSC_SGR_DIM);
		lsc_text_puts(t, "  .  ");
		lsc_text_puts(t, lsc_tr_static("bytes no layer claims (padding, a trailer)"));
		lsc_text_end(t);
		lsc_text_putc(t, '\n');
	}
	if (f->caplen == 0)
		lsc_text_puts(t, lsc_tr_static("  (no bytes captured)\n"));
}

/* Switches colour to `sgr` (NULL: plain) when it differs from *cur. */
static void switch_color(struct lsc_text *t, const char **cur, const char *sgr)
{
	if (*cur == sgr)
		return;
	if (*cur != NULL)
		lsc_text_end(t);
	if (sgr != NULL)
		lsc_text_style(t, sgr);
	*cur = sgr;
}

static const char hexd[] = "0123456789abcdef";

void lsc_hex_owners(const struct lsc_frame *f, uint32_t start, uint32_t n, unsigned *li, int *own)
{
	/* Spans are in order and never overlap, so one index moves forward through the frame. */
	for (uint32_t k = 0; k < n; k++) {
		uint32_t b = start + k;
		while (*li < f->nlayers &&
		       b >= f->layers[*li].offset + (uint64_t)f->layers[*li].cap_len)
			(*li)++;
		own[k] = *li < f->nlayers && b >= f->layers[*li].offset ? (int)*li : -1;
	}
}

static void dump_line(struct hex_state *st, const struct lsc_frame *f, uint32_t start, unsigned width,
                      unsigned *li)
{
	struct lsc_text *t = &st->t;
	const char *cur = NULL;
	uint32_t per = st->per_line;
	uint32_t n = f->caplen - start < per ? f->caplen - start : per;
	int own[HEX_PER_LINE];
	char hex[3] = { 0, 0, ' ' };

	lsc_hex_owners(f, start, n, li, own);
	lsc_text_puts(t, "  ");
	for (unsigned d = width; d > 0; d--)
		lsc_text_putc(t, hexd[(start >> (4 * (d - 1))) & 15]);
	lsc_text_puts(t, "  ");
	for (uint32_t k = 0; k < per; k++) {
		if (k == 8)
			lsc_text_putc(t, ' ');
		if (k >= n) {
			switch_color(t, &cur, NULL);
			lsc_text_puts(t, "   ");
			continue;
		}
		switch_color(t, &cur, own[k] < 0 ? LSC_SGR_DIM : st->sgr[own[k]]);
		uint8_t v = f->data[start + k];
		hex[0] = hexd[v >> 4];
		hex[1] = hexd[v & 15];
		lsc_text_putn(t, hex, 3);
	}
	switch_color(t, &cur, NULL);
	lsc_text_putc(t, ' ');
	for (uint32_t k = 0; k < n; k++) {
		switch_color(t, &cur, own[k] < 0 ? LSC_SGR_DIM : st->sgr[own[k]]);
		uint8_t v = f->data[start + k];
		lsc_text_putc(t, v >= 0x20 && v < 0x7f ? (char)v : '.');
	}
	switch_color(t, &cur, NULL);
	if (!t->color) {
		/* the marker column: the letter of each byte's layer */
		lsc_text_spaces(t, per - n + 2);
		for (uint32_t k = 0; k < n; k++)
			lsc_text_putc(t, own[k] < 0 ? '.' : st->letter[own[k]]);
	}
	lsc_text_putc(t, '\n');
}

static void hex_frame(void *state, const struct lsc_frame *f)
{
	struct hex_state *st = state;
	unsigned width = 4, li = 0;
	while (width < 8 && f->caplen > (1u << (4 * width)))
		width++;

	size_t start = 0;
	if (st->width != 0) {
		lsc_text_flush(&st->t);
		start = st->t.n;
	}
	lsc_text_frame_heading(&st->t, f);
	lsc_text_putc(&st->t, '\n');
	lsc_text_fold_lines(&st->t, start, st->width, 0);
	assign_marks(st, f);
	legend(st, f);
	for (uint32_t off = 0; off < f->caplen; off += st->per_line)
		dump_line(st, f, off, width, &li);
	lsc_text_putc(&st->t, '\n');
	lsc_text_flush(&st->t);
}

static int hex_end(void *state)
{
	lsc_text_flush(&((struct hex_state *)state)->t);
	free(state);
	return 0;
}

const struct lsc_renderer lsc_render_hex = {
	"hex", "the frame's bytes in hex and ASCII, each byte marked with its layer",
	hex_begin, hex_frame, hex_end, false, true,
};
