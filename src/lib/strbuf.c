/* strbuf.c: bounded text building for summaries, labels and addresses. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

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

void lsc_sb_u64(struct lsc_strbuf *b, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof tmp;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
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

/* RFC 5952 text as the C library writes it (tshark uses the same), so the
 * differential test compares like with like. */
void lsc_sb_ipv6(struct lsc_strbuf *b, const uint8_t a[16])
{
	char t[INET6_ADDRSTRLEN];
	if (inet_ntop(AF_INET6, a, t, sizeof t) != NULL)
		lsc_sb_puts(b, t);
	else
		lsc_sb_puts(b, "?");
}
