/* strbuf.h: a fixed-size text buffer for summaries and labels; never overflows. */
#ifndef LAYERSCOPE_STRBUF_H
#define LAYERSCOPE_STRBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Appends to a caller-owned buffer of `cap` bytes, always NUL-terminated.
 * Text that does not fit is cut and `cut` is set; nothing is allocated.
 */
struct lsc_strbuf {
	char *buf;
	size_t cap;
	size_t len;
	int cut;
};

void lsc_sb_init(struct lsc_strbuf *b, char *buf, size_t cap);
void lsc_sb_u64(struct lsc_strbuf *b, uint64_t v);
/* v / 10^digits with exactly `digits` (at most 18) decimals; v may be negative: "-0.000250". */
void lsc_sb_fixed(struct lsc_strbuf *b, int64_t v, unsigned digits);
/* The last `digits` decimal digits of v, zero-padded, at dst (no NUL): fractions of a second. */
void lsc_zero_padded(char *dst, uint64_t v, unsigned digits);

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

void lsc_sb_printf(struct lsc_strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Address text: "aa:bb:cc:dd:ee:ff", dotted quad, RFC 5952 IPv6, hex with colons. */
void lsc_sb_mac(struct lsc_strbuf *b, const uint8_t mac[6]);
void lsc_sb_ipv4(struct lsc_strbuf *b, const uint8_t a[4]);
void lsc_sb_ipv6(struct lsc_strbuf *b, const uint8_t a[16]);
void lsc_sb_hexcolon(struct lsc_strbuf *b, const uint8_t *p, size_t n);

/* Longest address text plus NUL: an IPv6 address with an embedded IPv4. */
#define LSC_ADDRSTRLEN 48

#endif
