/* SPDX-License-Identifier: BSD-3-Clause */
/* text.c: what the text formats (line, tree, hex) share: numbers, colour, the clock, the layer stack. */
#include <config.h>

#include <stdint.h>
#include <string.h>
#include <time.h>

#include <layerscope/decode.h>
#include <layerscope/strbuf.h>

#include "render-int.h"

/* Numbers by strbuf.c's one pair of writers (lsc_w_u64, lsc_w_fixed). */
void lsc_put_u64(FILE *o, uint64_t v)
{
	char buf[LSC_W_U64];
	fwrite_unlocked(buf, 1, (size_t)(lsc_w_u64(buf, v) - buf), o);
}

void lsc_put_fixed(FILE *o, int64_t v, unsigned digits)
{
	char buf[LSC_W_FIXED];
	fwrite_unlocked(buf, 1, (size_t)(lsc_w_fixed(buf, v, digits) - buf), o);
}

/*
 * A strbuf over the next `max` bytes of the output buffer (lsc_text_w's
 * room), so summaries are written in place; text_keep() adds what was written.
 */
static void text_room(struct lsc_text *t, struct lsc_strbuf *b, size_t max)
{
	lsc_sb_init(b, lsc_text_w(t, max + 1), max + 1);
}

static void text_keep(struct lsc_text *t, const struct lsc_strbuf *b)
{
	t->n += b->len;
}

void lsc_text_u64(struct lsc_text *t, uint64_t v)
{
	lsc_text_wrote(t, lsc_w_u64(lsc_text_w(t, LSC_W_U64), v));
}

void lsc_text_fixed(struct lsc_text *t, int64_t v, unsigned digits)
{
	lsc_text_wrote(t, lsc_w_fixed(lsc_text_w(t, LSC_W_FIXED), v, digits));
}

void lsc_text_secs(struct lsc_text *t, int64_t v, unsigned digits)
{
	char *start = lsc_text_w(t, LSC_W_FIXED), *end = lsc_w_fixed(start, v, digits);
	char *dot = memchr(start, '.', (size_t)(end - start));
	if (dot != NULL && lsc_decimal_point()[0] == ',') /* "0,000038 s" in pt_BR; one byte either way */
		*dot = ',';
	lsc_text_wrote(t, end);
}

static const char hexd[] = "0123456789abcdef";

void lsc_text_hex(struct lsc_text *t, uint64_t v, unsigned digits)
{
	char tmp[18];
	unsigned n = 0;
	if (digits > 16)
		digits = 16;
	do {
		tmp[sizeof tmp - 1 - n++] = hexd[v & 15];
		v >>= 4;
	} while (v != 0 && n < 16);
	while (n < digits)
		tmp[sizeof tmp - 1 - n++] = '0';
	tmp[sizeof tmp - 1 - n++] = 'x';
	tmp[sizeof tmp - 1 - n++] = '0';
	lsc_text_putn(t, tmp + sizeof tmp - n, n);
}

void lsc_text_spaces(struct lsc_text *t, unsigned n)
{
	while (n > 0) {
		if (t->n == LSC_TEXT_BUF)
			lsc_text_flush(t);
		size_t k = LSC_TEXT_BUF - t->n < n ? LSC_TEXT_BUF - t->n : n;
		memset(t->buf + t->n, ' ', k);
		t->n += k;
		n -= (unsigned)k;
	}
}

void lsc_text_flush(struct lsc_text *t)
{
	if (t->n == 0)
		return;
	if (!t->ascii) {
		fwrite_unlocked(t->buf, 1, t->n, t->out);
		t->n = 0;
		return;
	}
	/* Not UTF-8: what is left to fold (a translation, a file name) is folded
	 * here.  The buffer holds whole pieces, so a character cut at its end is
	 * not UTF-8, and gets a '?' as any such byte does. */
	if (lsc_ascii_fold(t->out, t->buf, t->n) < t->n)
		fputc_unlocked('?', t->out);
	t->n = 0;
}

void lsc_text_init(struct lsc_text *t, FILE *out, bool color)
{
	static const char *const glyphs[LSC_NGLYPHS] = {
		[LSC_G_NEXT] = " › ", [LSC_G_TO] = " → ", [LSC_G_DOT] = " · ", [LSC_G_CUT] = "…",
	};
	memset(t, 0, sizeof *t);
	t->out = out;
	t->color = color;
	t->ascii = !lsc_text_utf8();
	for (unsigned g = 0; g < LSC_NGLYPHS; g++) {
		size_t len = strlen(glyphs[g]);
		memcpy(t->glyph[g], glyphs[g], len);
		if (t->ascii)
			lsc_ascii_fold_in(t->glyph[g], len, &len);
		t->glyph_len[g] = (uint8_t)len;
	}
	lsc_clock_init(&t->clock, false);
}

void lsc_text_opts(struct lsc_text *t, const struct lsc_render_opts *o)
{
	lsc_clock_init(&t->clock, o->utc);
	t->files = o->nfiles > 1 ? o->files : NULL;
	t->nfiles = o->nfiles > 1 ? o->nfiles : 0;
}

bool lsc_text_file(struct lsc_text *t, const struct lsc_frame *f)
{
	if (t->files == NULL || f->file >= t->nfiles)
		return false;
	/* A file name is the user's, but may hold any byte: no control character reaches the terminal. */
	for (const unsigned char *p = (const unsigned char *)t->files[f->file]; *p != '\0'; p++) {
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			lsc_text_putc(t, '?'); /* a C1 control in UTF-8 */
			p++;
		} else {
			lsc_text_putc(t, *p < 0x20 || *p == 0x7f ? '?' : (char)*p);
		}
	}
	return true;
}

void lsc_text_sgr(struct lsc_text *t, const char *sgr)
{
	lsc_text_puts(t, "\033[");
	lsc_text_puts(t, sgr);
	lsc_text_putc(t, 'm');
}

const char *lsc_text_layer_sgr(unsigned tcpip, bool alt)
{
	/* link cyan, network green, transport yellow, application magenta */
	static const char *const plain[] = { "36", "32", "33", "35" };
	static const char *const second[] = { "1;36", "1;32", "1;33", "1;35" };
	if (tcpip > LSC_TCPIP_APPLICATION)
		return LSC_SGR_RESET;
	return alt ? second[tcpip] : plain[tcpip];
}

static unsigned ts_digits(const struct lsc_frame *f)
{
	return f->ts_digits == 9 ? 9u : 6u;
}

void lsc_text_clock(struct lsc_text *t, const struct lsc_frame *f)
{
	lsc_text_clock_at(t, f->ts_sec, f->ts_nsec, ts_digits(f));
}

void lsc_text_clock_at(struct lsc_text *t, int64_t sec, uint32_t nsec, unsigned d)
{
	lsc_text_wrote(t, lsc_clock_w(&t->clock, lsc_text_w(t, LSC_CLOCK_W), sec, nsec, d));
}

/* A span of nanoseconds as HH:MM:SS.frac with d digits; hours go past 24, a negative span gets '-'. */
static void text_span(struct lsc_text *t, int64_t ns, unsigned d)
{
	uint64_t u = ns < 0 ? (uint64_t)-(ns + 1) + 1 : (uint64_t)ns;
	if (ns < 0)
		lsc_text_putc(t, '-');
	uint64_t s = u / 1000000000u;
	char buf[48];
	struct lsc_strbuf b;
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_printf(&b, "%02llu:%02u:%02u.", (unsigned long long)(s / 3600), (unsigned)(s / 60 % 60),
	              (unsigned)(s % 60));
	lsc_text_puts(t, buf);
	uint64_t frac = u % 1000000000u;
	char *p = lsc_text_w(t, 9);
	lsc_zero_padded(p, d == 9 ? frac : frac / 1000u, d);
	lsc_text_wrote(t, p + d);
}

bool lsc_text_time(struct lsc_text *t, const struct lsc_frame *f, unsigned fmt, int64_t prev_ns)
{
	unsigned d = ts_digits(f) == 9 ? 9 : 6;
	switch (fmt) {
	case LSC_TIME_NONE:
		return false;
	case LSC_TIME_EPOCH: {
		char *p;
		if (f->ts_sec < 0)
			lsc_text_putc(t, '-');
		lsc_text_u64(t, f->ts_sec < 0 ? (uint64_t)-f->ts_sec : (uint64_t)f->ts_sec);
		lsc_text_putc(t, '.');
		p = lsc_text_w(t, 9);
		lsc_zero_padded(p, d == 9 ? f->ts_nsec : f->ts_nsec / 1000u, d);
		lsc_text_wrote(t, p + d);
		return true;
	}
	case LSC_TIME_DELTA:
		text_span(t, lsc_time_ns(f->ts_sec, f->ts_nsec) - prev_ns, d);
		return true;
	case LSC_TIME_DATE:
		lsc_clock_at(&t->clock, f->ts_sec);
		lsc_text_puts(t, t->clock.date);
		lsc_text_putc(t, ' ');
		lsc_text_clock(t, f);
		return true;
	case LSC_TIME_SINCE_FIRST:
		text_span(t, f->rel_ns, d);
		return true;
	default:
		lsc_text_clock(t, f);
		return true;
	}
}

const char *lsc_layer_damage_word(const struct lsc_layer *l)
{
	/* Cut short by the parent's length field is the packet's own fault. */
	return (l->flags & LSC_LF_MALFORMED) ? N_("malformed") : N_("truncated"); /* shown through _() */
}

void lsc_text_summary(struct lsc_text *t, const struct lsc_frame *f, const struct lsc_layer *l, size_t max)
{
	const struct lsc_proto_info *pi = lsc_proto_get(l->proto);
	struct lsc_strbuf b;
	if (pi->summary == NULL)
		return;
	text_room(t, &b, max);
	b.ascii = t->ascii;
	pi->summary(&b, f, l);
	text_keep(t, &b);
}

/* Writes layers [from, to) of the stack; `first` and `quoting` carry from one call to the next. */
static void stack_layers(struct lsc_text *t, const struct lsc_frame *f, unsigned from, unsigned to,
                         bool *first, bool *quoting)
{
	for (unsigned i = from; i < to; i++) {
		const struct lsc_layer *l = &f->layers[i];
		if (!*first) {
			lsc_text_style(t, LSC_SGR_DIM);
			lsc_text_glyph(t, LSC_G_NEXT);
			lsc_text_end(t);
		}
		*first = false;
		if ((l->flags & LSC_LF_QUOTED) && !*quoting) {
			lsc_text_putc(t, '[');
			*quoting = true;
		}
		bool bad = lsc_layer_damaged(l);
		if (t->color) /* the layer's colour is worth working out only then */
			lsc_text_sgr(t, bad ? LSC_SGR_DAMAGE : lsc_text_layer_sgr(lsc_layer_tcpip(f, l), false));
		if (l->proto == LSC_PROTO_PAYLOAD) {
			lsc_text_summary(t, f, l, 63);
		} else {
			lsc_text_puts(t, lsc_proto_get(l->proto)->abbrev);
			if (bad)
				lsc_text_putc(t, '!');
			else if (l->flags & LSC_LF_CLIPPED)
				lsc_text_glyph(t, LSC_G_CUT);
		}
		lsc_text_end(t);
	}
}

/*
 * What makes the text of layers [0, k) the same from frame to frame: their
 * protocols and flags, for up to four layers before the payload (k > 0),
 * none quoted and no colour.  0 when the frame does not qualify.
 */
static uint64_t stack_key(const struct lsc_text *t, const struct lsc_frame *f, unsigned *k)
{
	unsigned n = f->nlayers;
	if (n > 0 && f->layers[n - 1].proto == LSC_PROTO_PAYLOAD)
		n--;
	if (t->color || f->link_unsupported || n == 0 || n > 4)
		return 0;
	uint64_t key = n;
	for (unsigned i = 0; i < n; i++) {
		const struct lsc_layer *l = &f->layers[i];
		if (l->flags & LSC_LF_QUOTED)
			return 0;
		key = key << 16 | (uint64_t)l->proto << 8 | l->flags;
	}
	*k = n;
	return key;
}

bool lsc_text_memo_put(struct lsc_text *t, const struct lsc_text_memo *m, uint64_t key)
{
	if (key != m->key)
		return false;
	lsc_text_putb(t, m->text, m->len, sizeof m->text);
	return true;
}

size_t lsc_text_memo_start(struct lsc_text *t)
{
	/* Written in one piece of the buffer, so it can be kept. */
	return (size_t)(lsc_text_w(t, sizeof ((struct lsc_text_memo *)NULL)->text) - t->buf);
}

void lsc_text_memo_keep(struct lsc_text *t, struct lsc_text_memo *m, uint64_t key, size_t start)
{
	/* A piece too long for the memo may have flushed the buffer on the way. */
	size_t len = t->n >= start ? t->n - start : SIZE_MAX;
	if (len > sizeof m->text) {
		m->key = 0;
		return;
	}
	memcpy(m->text, t->buf + start, len);
	m->len = (uint8_t)len;
	m->key = key;
}

/*
 * Frames of one capture mostly share their stack ("ETH › IPv4 › TCP"), so
 * the text of the layers before the payload is kept and copied when the
 * next frame's key matches; the payload's size is written each time.
 */
void lsc_text_stack(struct lsc_text *t, const struct lsc_frame *f)
{
	bool first = true, quoting = false;
	unsigned k = 0;
	uint64_t key = stack_key(t, f, &k);
	/* A few stacks take turns (IPv4 and IPv6, TCP and UDP): Ethernet's four get a slot each. */
	struct lsc_text_memo *m = &t->stack[(key * 0x9e3779b97f4a7c15ull) >> 61 & (LSC_STACK_MEMOS - 1)];
	if (key != 0 && lsc_text_memo_put(t, m, key)) {
		first = false;
	} else if (key != 0) {
		size_t start = lsc_text_memo_start(t);
		stack_layers(t, f, 0, k, &first, &quoting);
		lsc_text_memo_keep(t, m, key, start);
	}
	if (f->link_unsupported) {
		lsc_text_style(t, LSC_SGR_DAMAGE);
		lsc_text_puts(t, lsc_linktype_name(f->linktype));
		lsc_text_putc(t, '?');
		lsc_text_end(t);
		first = false;
	}
	stack_layers(t, f, k, f->nlayers, &first, &quoting);
	if (quoting)
		lsc_text_putc(t, ']');
	if (first)
		lsc_text_puts(t, "(empty)");
}

void lsc_text_frame_heading(struct lsc_text *t, const struct lsc_frame *f)
{
	lsc_text_style(t, LSC_SGR_BOLD);
	lsc_text_puts(t, lsc_tr_static("Frame "));
	lsc_text_u64(t, f->number);
	lsc_text_end(t);
	lsc_text_glyph(t, LSC_G_DOT);
	lsc_clock_at(&t->clock, f->ts_sec);
	lsc_text_puts(t, t->clock.date);
	lsc_text_putc(t, ' ');
	lsc_text_clock(t, f);
	if (t->clock.zone[0] != '\0') {
		lsc_text_putc(t, ' ');
		lsc_text_puts(t, t->clock.zone);
	}
	lsc_text_glyph(t, LSC_G_DOT);
	lsc_text_putc(t, '+');
	unsigned d = ts_digits(f);
	lsc_text_secs(t, d == 9 ? f->rel_ns : f->rel_ns / 1000, d);
	lsc_text_puts(t, " s");
	lsc_text_glyph(t, LSC_G_DOT);
	lsc_text_u64(t, f->caplen);
	if (f->caplen != f->len) {
		lsc_text_puts(t, lsc_tr_static(" of "));
		lsc_text_u64(t, f->len);
		lsc_text_puts(t, lsc_tr_static(" bytes captured"));
	} else {
		lsc_text_puts(t, lsc_tr_static(" bytes"));
	}
	lsc_text_glyph(t, LSC_G_DOT);
	lsc_text_puts(t, lsc_linktype_name(f->linktype));
	if (t->files != NULL) {
		lsc_text_glyph(t, LSC_G_DOT);
		lsc_text_file(t, f);
	}
}

void lsc_text_range(struct lsc_text *t, const struct lsc_layer *l)
{
	if (l->cap_len == 0) {
		lsc_text_puts(t, lsc_tr_static("at byte "));
		lsc_text_u64(t, l->offset);
		lsc_text_puts(t, lsc_tr_static(" (none of its "));
		lsc_text_u64(t, l->hdr_len);
		lsc_text_puts(t, lsc_tr_static(" bytes captured)"));
		return;
	}
	lsc_text_puts(t, lsc_tr_static("bytes "));
	lsc_text_u64(t, l->offset);
	lsc_text_puts(t, "–");
	lsc_text_u64(t, (uint64_t)l->offset + l->cap_len - 1);
	lsc_text_puts(t, " (");
	lsc_text_u64(t, l->cap_len);
	if (l->cap_len < l->hdr_len) {
		lsc_text_puts(t, lsc_tr_static(" of "));
		lsc_text_u64(t, l->hdr_len);
		lsc_text_puts(t, lsc_tr_static(" captured)"));
	} else {
		lsc_text_puts(t, P_(" byte)", " bytes)", l->cap_len));
	}
}

uint32_t lsc_proto_fixed_len(const struct lsc_proto_info *pi)
{
	uint32_t n = 0;
	for (size_t i = 0; i < pi->nfields; i++)
		if (pi->fields[i].wire_end > n)
			n = pi->fields[i].wire_end;
	return n;
}
