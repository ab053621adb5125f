/* SPDX-License-Identifier: BSD-3-Clause */
/* strbuf.h: a fixed-size text buffer for summaries and labels; never overflows. */
#ifndef LAYERSCOPE_STRBUF_H
#define LAYERSCOPE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <layerscope/api.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Appends to a caller-owned buffer of `cap` bytes, always NUL-terminated.
 * Text that does not fit is cut and `cut` is set; nothing is allocated.
 * `ascii` says the text is for a terminal that is not UTF-8: writers of
 * glyphs (lsc_w_to) then write the ASCII a person would type instead.
 */
struct lsc_strbuf {
	char *buf;
	size_t cap;
	size_t len;
	int cut;
	bool ascii;
};

/* Inline: every summary starts one, several a frame. */
static inline void lsc_sb_init(struct lsc_strbuf *b, char *buf, size_t cap)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->cut = 0;
	b->ascii = false;
	if (cap > 0)
		buf[0] = '\0';
}
LSC_API void lsc_sb_u64(struct lsc_strbuf *b, uint64_t v);
/* v / 10^digits with exactly `digits` (at most 18) decimals; v may be negative: "-0.000250". */
LSC_API void lsc_sb_fixed(struct lsc_strbuf *b, int64_t v, unsigned digits);
/* The last `digits` decimal digits of v, zero-padded, at dst (no NUL): fractions of a second. */
LSC_API void lsc_zero_padded(char *dst, uint64_t v, unsigned digits);

/*
 * The appends are inline: summaries call them a dozen times a frame, and
 * inlined, a constant string's strlen() and memcpy() fold into a few stores.
 */
static inline void lsc_sb_putn(struct lsc_strbuf *b, const char *s, size_t n)
{
	if (b->cap == 0)
		return;
	size_t room = b->cap - 1 - b->len; /* len < cap always holds */
	if (n > room) {
		n = room;
		b->cut = 1;
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static inline void lsc_sb_puts(struct lsc_strbuf *b, const char *s)
{
	lsc_sb_putn(b, s, strlen(s));
}

static inline void lsc_sb_putc(struct lsc_strbuf *b, char ch)
{
	lsc_sb_putn(b, &ch, 1);
}

/*
 * Unchecked writers, for text written on every frame: each writes at p and
 * returns the end.  The caller has made sure of the room once, for the whole
 * piece (lsc_sb_reserve), where an append checks it at every step.  Address
 * writers copy a whole kept text, so they may write past the end they
 * return, up to LSC_W_ADDR4 or LSC_W_ADDR6 bytes from p: reserve that much.
 */
#define LSC_W_U64 20   /* the longest number */
#define LSC_W_FIXED 40 /* the longest lsc_w_fixed: sign, 20 digits, point, 18 decimals */
#define LSC_W_ADDR4 16
#define LSC_W_ADDR6 48

static inline char *lsc_w_lit(char *p, const char *s)
{
	size_t n = strlen(s); /* a constant, once inlined with a literal */
	memcpy(p, s, n);
	return p + n;
}

/* From one end to the other: " → ", or " -> " in ASCII (a strbuf's `ascii`). */
static inline char *lsc_w_to(char *p, bool ascii)
{
	return ascii ? lsc_w_lit(p, " -> ") : lsc_w_lit(p, " → ");
}

/* lsc_w_to() as a checked append: " → ", or " -> " when b is for ASCII. */
static inline void lsc_sb_to(struct lsc_strbuf *b)
{
	lsc_sb_puts(b, b->ascii ? " -> " : " → ");
}

LSC_API char *lsc_w_u64(char *p, uint64_t v);
/* v / 10^digits with exactly `digits` (at most 18) decimals, as lsc_sb_fixed(). */
LSC_API char *lsc_w_fixed(char *p, int64_t v, unsigned digits);
LSC_API char *lsc_w_ipv4(char *p, const uint8_t a[4]);
LSC_API char *lsc_w_ipv6(char *p, const uint8_t a[16]);

/*
 * Where `max` bytes can be written unchecked: the end of b's text when b has
 * the room, else `scratch` (max bytes).  lsc_sb_commit() then appends what
 * was written, from scratch through a checked append that cuts as usual.
 */
static inline char *lsc_sb_reserve(struct lsc_strbuf *b, size_t max, char *scratch)
{
	return b->cap > b->len + max ? b->buf + b->len : scratch;
}

static inline void lsc_sb_commit(struct lsc_strbuf *b, const char *scratch, const char *start,
                                 const char *end)
{
	if (start == scratch) {
		lsc_sb_putn(b, start, (size_t)(end - start));
		return;
	}
	b->len += (size_t)(end - start);
	b->buf[b->len] = '\0';
}

LSC_API void lsc_sb_printf(struct lsc_strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Address text: "aa:bb:cc:dd:ee:ff", dotted quad, RFC 5952 IPv6, hex with colons. */
LSC_API void lsc_sb_mac(struct lsc_strbuf *b, const uint8_t mac[6]);
LSC_API void lsc_sb_ipv4(struct lsc_strbuf *b, const uint8_t a[4]);
LSC_API void lsc_sb_ipv6(struct lsc_strbuf *b, const uint8_t a[16]);
LSC_API void lsc_sb_hexcolon(struct lsc_strbuf *b, const uint8_t *p, size_t n);

/*
 * Text from outside (payloads, process names, file names, arguments) made
 * safe for a terminal and for JSON, one rule for all: \n \r \t \\ as C
 * escapes, printable ASCII as it is, every other byte \xHH.  Flags:
 * LSC_ESC_UTF8 (the terminal speaks UTF-8) also keeps well-formed UTF-8
 * characters as they are ("Olá"), but for those a terminal would act on
 * rather than show, which could reorder or hide what follows: C1 controls
 * (a lone 0x9b is a CSI to some terminals), line and paragraph separators,
 * the marks and overrides of bidirectional text; those as \u{XXXX}.
 * LSC_ESC_QUOTE also writes " as \".  Writes at most LSC_ESC_MAX(n) bytes
 * with the NUL at dst; returns the length written.
 */
#define LSC_ESC_UTF8  1u
#define LSC_ESC_QUOTE 2u
#define LSC_ESC_MAX(n) (4 * (n) + 1)
LSC_API size_t lsc_escape(char *dst, const void *src, size_t n, unsigned flags);
/* The same, appended to `b`; returns the bytes of `p` consumed (all of them unless `b` filled up). */
LSC_API size_t lsc_sb_text(struct lsc_strbuf *b, const uint8_t *p, size_t n, unsigned flags);
/*
 * The same rule for the one character at p (n > 0 bytes there): its form
 * at out (LSC_ESC_CHAR + 1 bytes of room; at most LSC_ESC_CHAR written, no
 * NUL promised), its length in *olen; returns the bytes of p it took (1 to
 * 4).  For text that comes in pieces.
 */
#define LSC_ESC_CHAR 8
LSC_API size_t lsc_escape_char(char *out, size_t *olen, const uint8_t *p, size_t n, unsigned flags);
/*
 * How many of the last bytes of p (n bytes) begin a UTF-8 character that
 * the bytes do not finish (0 to 3): a stream cut there, as a TCP segment may
 * cut "ç", keeps them for the next piece rather than escaping each alone.
 */
LSC_API size_t lsc_utf8_partial(const uint8_t *p, size_t n);

/* Longest address text plus NUL: an IPv6 address with an embedded IPv4. */
#define LSC_ADDRSTRLEN 48

#ifdef __cplusplus
}
#endif

#endif
