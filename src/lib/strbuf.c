/* strbuf.c: bounded text building for summaries, labels and addresses. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <layerscope/strbuf.h>

void lsc_sb_init(struct lsc_strbuf *b, char *buf, size_t cap)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->cut = 0;
	if (cap > 0)
		buf[0] = '\0';
}

void lsc_sb_putn(struct lsc_strbuf *b, const char *s, size_t n)
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

void lsc_sb_puts(struct lsc_strbuf *b, const char *s)
{
	lsc_sb_putn(b, s, strlen(s));
}

void lsc_sb_putc(struct lsc_strbuf *b, char ch)
{
	lsc_sb_putn(b, &ch, 1);
}

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Two digits a division: every number the renderers print goes through here. */
void lsc_sb_u64(struct lsc_strbuf *b, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof tmp;
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		i -= 2;
		memcpy(tmp + i, digit_pairs + 2 * r, 2);
	}
	if (v >= 10) {
		i -= 2;
		memcpy(tmp + i, digit_pairs + 2 * v, 2);
	} else {
		tmp[--i] = (char)('0' + v);
	}
	lsc_sb_putn(b, tmp + i, sizeof tmp - i);
}

void lsc_sb_printf(struct lsc_strbuf *b, const char *fmt, ...)
{
	if (b->cap == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	size_t room = b->cap - b->len;
	int n = vsnprintf(b->buf + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		b->len = b->cap - 1;
		b->cut = 1;
	} else {
		b->len += (size_t)n;
	}
}

static const char hexdigits[] = "0123456789abcdef";

void lsc_sb_hexcolon(struct lsc_strbuf *b, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char t[3] = { hexdigits[p[i] >> 4], hexdigits[p[i] & 15], ':' };
		lsc_sb_putn(b, t, i + 1 < n ? 3 : 2);
	}
}

void lsc_sb_mac(struct lsc_strbuf *b, const uint8_t mac[6])
{
	lsc_sb_hexcolon(b, mac, 6);
}

void lsc_sb_ipv4(struct lsc_strbuf *b, const uint8_t a[4])
{
	for (int i = 0; i < 4; i++) {
		if (i)
			lsc_sb_putc(b, '.');
		lsc_sb_u64(b, a[i]);
	}
}

static void put_hex16(struct lsc_strbuf *b, unsigned w)
{
	char t[4];
	size_t n = 0;
	for (int shift = 12; shift >= 0; shift -= 4)
		if ((w >> shift) != 0 || shift == 0)
			t[n++] = hexdigits[(w >> shift) & 15];
	lsc_sb_putn(b, t, n);
}

/*
 * RFC 5952 text exactly as glibc's inet_ntop() writes it (the differential
 * test holds tshark's text to the same rules): lowercase, no leading zeros,
 * the first longest run of two or more zero groups as "::", and the last 32
 * bits as a dotted quad for ::a.b.c.d and ::ffff:a.b.c.d.  By hand, because
 * inet_ntop() formats each group with sprintf.
 */
void lsc_sb_ipv6(struct lsc_strbuf *b, const uint8_t a[16])
{
	unsigned w[8];
	int best = -1, best_len = 0;
	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (int i = 0; i < 8;) {
		int k = i;
		while (k < 8 && w[k] == 0)
			k++;
		if (k - i > best_len && k - i >= 2) {
			best = i;
			best_len = k - i;
		}
		i = k > i ? k : i + 1;
	}
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				lsc_sb_putc(b, ':');
			continue;
		}
		if (i != 0)
			lsc_sb_putc(b, ':');
		if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
			lsc_sb_ipv4(b, a + 12);
			return;
		}
		put_hex16(b, w[i]);
	}
	if (best >= 0 && best + best_len == 8)
		lsc_sb_putc(b, ':');
}
