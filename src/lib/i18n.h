/* SPDX-License-Identifier: BSD-3-Clause */
/* i18n.h: translation markers and the locale facts every text output asks about. */
#ifndef LSC_I18N_H
#define LSC_I18N_H

#include <stdbool.h>
#include <stdio.h>

#ifdef ENABLE_NLS
#include <libintl.h>
/* The library translates in its own domain, so a program that links it keeps its own. */
#define _(s) dgettext(PACKAGE, s)
#define P_(one, many, n) dngettext(PACKAGE, one, many, n)
#else
#define _(s) (s)
#define P_(one, many, n) ((n) == 1 ? (one) : (many))

#endif
/* N_() marks a string a table holds; it is translated with _() where it is shown. */
#define N_(s) (s)

/*
 * _() for a string of static storage that never changes (a field table's N_()
 * label), remembered by its address: a renderer asks for the same labels every
 * frame, and each gettext lookup takes locks, reads the environment and
 * hashes the string again.  Never for text built at run time.  A format
 * stays checked through it (format_arg), as through _().
 */
const char *lsc_tr_static(const char *msgid) __attribute__((format_arg(1)));

/*
 * _() for a short text that may be built at run time (a field's derived
 * value: "correct", "12 bytes"), remembered by its content; "" stays "".
 */
const char *lsc_tr_text(const char *msgid);

/*
 * lsc_i18n_init: take the user's locale for messages, character set and the
 * decimal point of human-readable numbers, and bind the catalogue. Numbers the
 * C library formats (printf, strtod) stay in the C locale, so JSON, option
 * values and everything a program reads never change with the user's language.
 * A locale that is not installed leaves the C locale: English, ASCII, no warning.
 */
void lsc_i18n_init(void);

/* True when the terminal's character set is UTF-8 (nl_langinfo(CODESET)). */
bool lsc_text_utf8(void);

/* The user's decimal separator for durations a person reads: "." or ",". */
const char *lsc_decimal_point(void);


/*
 * lsc_ascii_fold: write n bytes of UTF-8 text to out in ASCII, each glyph by
 * the table in i18n.c ("->" for an arrow, '|' and '+' for box drawing, a
 * letter without its accent); returns how many bytes it took, fewer than n
 * when the last character is cut (the caller hands it over again).
 */
size_t lsc_ascii_fold(FILE *out, const char *s, size_t n);

/*
 * lsc_ascii_fold_in: the same fold, in place (no glyph's ASCII is longer
 * than its UTF-8); *len is the text's new length.  Returns how many bytes it
 * read: fewer than n when the last character is cut.
 */
size_t lsc_ascii_fold_in(char *s, size_t n, size_t *len);

/*
 * lsc_ascii_stream: f itself on a UTF-8 terminal; otherwise a stream that
 * folds everything written to it into f (fclose it to flush). Only for text
 * a person reads: never JSON, never a capture.
 */
FILE *lsc_ascii_stream(FILE *f);

#endif
