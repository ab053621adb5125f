/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * note.c: a frame's notes.  Each note is kept twice: as English text, which
 * JSON carries and every tool reads the same in any locale, and as its
 * source (a catalogue format and its values), from which a renderer makes
 * the person's language at output time.  One formatter makes both, so the
 * English text is always what the source says.
 */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <layerscope/frame.h>
#include <layerscope/strbuf.h>

#include "../lib/i18n.h"

/* One printf conversion: "%-5llu" is flags/width/precision "-5", length "ll", conversion 'u'. */
struct conv {
	const char *opts;  /* flags, width and precision */
	size_t nopts;
	const char *len;   /* length modifier */
	size_t nlen;
	char c;
};

/*
 * Reads the conversion at pct ('%', not "%%"); returns its end, or NULL for
 * one a note may not use: a '*' width, a positional "%1$", or anything but
 * d i u x X o c s.
 */
static const char *read_conv(const char *pct, struct conv *cv)
{
	const char *q = pct + 1;
	cv->opts = q;
	q += strspn(q, "-+ #0");
	q += strspn(q, "0123456789");
	if (*q == '.') {
		q++;
		q += strspn(q, "0123456789");
	}
	cv->nopts = (size_t)(q - cv->opts);
	cv->len = q;
	q += strspn(q, "hlzjt");
	cv->nlen = (size_t)(q - cv->len);
	cv->c = *q;
	if (cv->nlen > 2 || cv->c == '\0' || strchr("diuxXocs", cv->c) == NULL)
		return NULL;
	return q + 1;
}

static bool is_len(const struct conv *cv, const char *len)
{
	return cv->nlen == strlen(len) && memcmp(cv->len, len, cv->nlen) == 0;
}

/* Takes the values of fmt's conversions from ap; false for a format a note may not use. */
static bool take_args(struct lsc_note_src *src, const char *fmt, va_list ap)
{
	src->nargs = 0;
	for (const char *p = strchr(fmt, '%'); p != NULL; p = strchr(p, '%')) {
		if (p[1] == '%') {
			p += 2;
			continue;
		}
		struct conv cv;
		if ((p = read_conv(p, &cv)) == NULL || src->nargs == LSC_NOTE_ARGS)
			return false;
		union lsc_note_arg *a = &src->args[src->nargs++];
		switch (cv.c) {
		case 's':
			a->s = va_arg(ap, const char *);
			break;
		case 'd':
		case 'i':
		case 'c':
			a->i = is_len(&cv, "ll") || is_len(&cv, "j") ? va_arg(ap, long long)
			       : is_len(&cv, "l") || is_len(&cv, "t") ? va_arg(ap, long)
			       : is_len(&cv, "z")                     ? va_arg(ap, ssize_t)
			                                              : va_arg(ap, int);
			break;
		default: /* u x X o */
			a->u = is_len(&cv, "ll") || is_len(&cv, "j") ? va_arg(ap, unsigned long long)
			       : is_len(&cv, "l")                     ? va_arg(ap, unsigned long)
			       : is_len(&cv, "z") || is_len(&cv, "t") ? va_arg(ap, size_t)
			                                              : va_arg(ap, unsigned);
			break;
		}
	}
	return true;
}

/* fmt with src's values; each %s value translated too when `translate` (they are static messages). */
static void format(char *buf, size_t cap, const char *fmt, const struct lsc_note_src *src, bool translate)
{
	struct lsc_strbuf b;
	lsc_sb_init(&b, buf, cap);
	unsigned k = 0;
	const char *p = fmt;
	while (*p != '\0' && b.cap > 0) {
		const char *pct = strchr(p, '%');
		if (pct == NULL) {
			lsc_sb_puts(&b, p);
			break;
		}
		lsc_sb_putn(&b, p, (size_t)(pct - p));
		if (pct[1] == '%') {
			lsc_sb_putc(&b, '%');
			p = pct + 2;
			continue;
		}
		struct conv cv;
		const char *end = read_conv(pct, &cv);
		if (end == NULL || k >= src->nargs) { /* not a note's format: shown as it is */
			lsc_sb_puts(&b, pct);
			break;
		}
		/* The value is kept in 64 bits, so the conversion is rewritten to take that. */
		char spec[24];
		if (cv.nopts > sizeof spec - 5)
			break;
		spec[0] = '%';
		memcpy(spec + 1, cv.opts, cv.nopts);
		char *e = spec + 1 + cv.nopts;
		if (strchr("diuxXo", cv.c) != NULL) {
			*e++ = 'l';
			*e++ = 'l';
		}
		*e++ = cv.c;
		*e = '\0';
		const union lsc_note_arg *a = &src->args[k++];
		size_t room = b.cap - b.len;
		int n;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		switch (cv.c) {
		case 's':
			n = snprintf(b.buf + b.len, room, spec, translate ? lsc_tr_static(a->s) : a->s);
			break;
		case 'c':
			n = snprintf(b.buf + b.len, room, spec, (int)a->i);
			break;
		case 'd':
		case 'i':
			n = snprintf(b.buf + b.len, room, spec, a->i);
			break;
		default:
			n = snprintf(b.buf + b.len, room, spec, a->u);
			break;
		}
#pragma GCC diagnostic pop
		if (n > 0)
			b.len += (size_t)n < room ? (size_t)n : room - 1;
		p = end;
	}
}

void lsc_note_format(char *buf, size_t cap, const char *fmt, const struct lsc_note_src *src)
{
	format(buf, cap, fmt, src, false);
}

bool lsc_frame_note_buf(struct lsc_frame *f, struct lsc_strbuf *b)
{
	if (f->nnotes >= LSC_MAX_NOTES)
		return false;
	f->note_src[f->nnotes].fmt = NULL;
	lsc_sb_init(b, f->notes[f->nnotes++], LSC_NOTE_LEN);
	return true;
}

void lsc_frame_note_source(struct lsc_frame *f, const char *fmt, unsigned nargs, const union lsc_note_arg *args)
{
	if (f->nnotes == 0 || nargs > LSC_NOTE_ARGS)
		return;
	struct lsc_note_src *src = &f->note_src[f->nnotes - 1];
	src->fmt = fmt;
	src->nargs = (uint8_t)nargs;
	memcpy(src->args, args, nargs * sizeof *args);
}

void lsc_frame_note(struct lsc_frame *f, const char *fmt, ...)
{
	struct lsc_strbuf b;
	if (!lsc_frame_note_buf(f, &b))
		return;
	struct lsc_note_src *src = &f->note_src[f->nnotes - 1];
	/* Most notes are fixed text: a copy. */
	if (strchr(fmt, '%') == NULL) {
		src->fmt = fmt;
		src->nargs = 0;
		lsc_sb_puts(&b, fmt);
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	bool ok = take_args(src, fmt, ap);
	va_end(ap);
	if (ok) {
		src->fmt = fmt;
		format(b.buf, b.cap, fmt, src, false);
		return;
	}
	/* A conversion a note may not use: English only, as printf makes it. */
	va_start(ap, fmt);
	vsnprintf(b.buf, b.cap, fmt, ap);
	va_end(ap);
}

const char *lsc_frame_note_text(const struct lsc_frame *f, unsigned i, char *buf, size_t cap)
{
	if (i >= f->nnotes)
		return "";
	const struct lsc_note_src *src = &f->note_src[i];
	if (src->fmt == NULL)
		return f->notes[i];
	const char *tr = lsc_tr_static(src->fmt);
	if (tr == src->fmt)
		return f->notes[i]; /* not translated: the English text */
	format(buf, cap, tr, src, true);
	return buf;
}
