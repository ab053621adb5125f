/* SPDX-License-Identifier: BSD-3-Clause */
/* strbuf.c: bounded text building for summaries, labels and addresses. */
#include <config.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <layerscope/strbuf.h>

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static const uint64_t pow10_table[20] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
	100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
	10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
	100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull,
};

/*
 * How many decimal digits v has (1 to 20), without a loop: a number of b
 * bits has floor(b * log10(2)) or one more digits, and 1233 / 4096 is
 * log10(2) to within what 64 bits need.
 */
static unsigned u64_width(uint64_t v)
{
	unsigned bits = 64u - (unsigned)__builtin_clzll(v | 1);
	unsigned t = (bits * 1233u) >> 12;
	unsigned n = t + (v >= pow10_table[t]);
	return n ? n : 1;
}

/*
 * The digits of v, ending just before `end`: two a division, and in 32-bit
 * arithmetic once v fits, which is every number but a timestamp.
 */
static void put_digits(char *end, uint64_t v)
{
	while (v > UINT32_MAX) {
		end -= 2;
		memcpy(end, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	uint32_t w = (uint32_t)v;
	while (w >= 100) {
		end -= 2;
		memcpy(end, digit_pairs + 2 * (w % 100), 2);
		w /= 100;
	}
	if (w >= 10)
		memcpy(end - 2, digit_pairs + 2 * w, 2);
	else
		end[-1] = (char)('0' + w);
}

/* The digits of w < 100000 at p, by its size: no loop; returns how many.  Inline in both of
 * lsc_w_u64's uses: as a call it cost more than it saves. */
static inline __attribute__((always_inline)) unsigned small_digits(char *p, uint32_t w)
{
	if (w < 100) {
		if (w < 10) {
			p[0] = (char)('0' + w);
			return 1;
		}
		memcpy(p, digit_pairs + 2 * w, 2);
		return 2;
	}
	if (w < 10000) {
		uint32_t hi = w / 100, lo = w - hi * 100;
		if (hi < 10) {
			p[0] = (char)('0' + hi);
			memcpy(p + 1, digit_pairs + 2 * lo, 2);
			return 3;
		}
		memcpy(p, digit_pairs + 2 * hi, 2);
		memcpy(p + 2, digit_pairs + 2 * lo, 2);
		return 4;
	}
	uint32_t top = w / 10000, rest = w - top * 10000, hi = rest / 100, lo = rest - hi * 100;
	p[0] = (char)('0' + top);
	memcpy(p + 1, digit_pairs + 2 * hi, 2);
	memcpy(p + 3, digit_pairs + 2 * lo, 2);
	return 5;
}

/* w < 100000 as exactly five digits, zero-padded. */
static char *five_digits(char *p, uint32_t w)
{
	uint32_t top = w / 10000, rest = w - top * 10000, hi = rest / 100, lo = rest - hi * 100;
	p[0] = (char)('0' + top);
	memcpy(p + 1, digit_pairs + 2 * hi, 2);
	memcpy(p + 3, digit_pairs + 2 * lo, 2);
	return p + 5;
}

char *lsc_w_u64(char *p, uint64_t v)
{
	/* Most numbers are ports, lengths and counters. */
	if (v < 100000)
		return p + small_digits(p, (uint32_t)v);
	/* Frame numbers and conversation ids: two pieces in 32 bits, no loop. */
	if (v <= UINT32_MAX) {
		uint32_t w = (uint32_t)v, hi = w / 100000;
		p += small_digits(p, hi);
		return five_digits(p, w - hi * 100000);
	}
	unsigned n = u64_width(v);
	put_digits(p + n, v);
	return p + n;
}

/* Every number the renderers print goes through here: straight into the buffer when it fits. */
void lsc_sb_u64(struct lsc_strbuf *b, uint64_t v)
{
	char tmp[LSC_W_U64];
	char *start = lsc_sb_reserve(b, LSC_W_U64, tmp);
	lsc_sb_commit(b, tmp, start, lsc_w_u64(start, v));
}

void lsc_zero_padded(char *dst, uint64_t v, unsigned digits)
{
	/* Microseconds, on every line: three pairs, no loop. */
	if (digits == 6 && v < 1000000) {
		uint32_t w = (uint32_t)v, hi = w / 10000, rest = w - hi * 10000, mid = rest / 100;
		memcpy(dst, digit_pairs + 2 * hi, 2);
		memcpy(dst + 2, digit_pairs + 2 * mid, 2);
		memcpy(dst + 4, digit_pairs + 2 * (rest - mid * 100), 2);
		return;
	}
	/* Two digits a step from the right; an odd count starts with one alone. */
	unsigned i = digits;
	for (; i >= 2 && v > UINT32_MAX; i -= 2) {
		memcpy(dst + i - 2, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	/* Left above 2^32 only when at most one digit is: keep the last two. */
	if (v > UINT32_MAX)
		v %= 100;
	/* The rest in 32 bits, as every fraction of a second is: cheaper divisions. */
	uint32_t w = (uint32_t)v;
	for (; i >= 2; i -= 2) {
		memcpy(dst + i - 2, digit_pairs + 2 * (w % 100), 2);
		w /= 100;
	}
	if (i == 1)
		dst[0] = (char)('0' + w % 10);
}

char *lsc_w_fixed(char *p, int64_t v, unsigned digits)
{
	if (digits > 18)
		digits = 18;
	uint64_t scale = pow10_table[digits];
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	if (v < 0)
		*p++ = '-';
	p = lsc_w_u64(p, a / scale);
	if (digits == 0)
		return p;
	*p++ = '.';
	lsc_zero_padded(p, a % scale, digits);
	return p + digits;
}

void lsc_sb_fixed(struct lsc_strbuf *b, int64_t v, unsigned digits)
{
	char tmp[LSC_W_FIXED];
	char *start = lsc_sb_reserve(b, LSC_W_FIXED, tmp);
	lsc_sb_commit(b, tmp, start, lsc_w_fixed(start, v, digits));
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

/*
 * Address text is built in a local buffer and appended once: these run
 * several times a frame, and a strbuf append per character is most of their
 * cost.
 */
void lsc_sb_hexcolon(struct lsc_strbuf *b, const uint8_t *p, size_t n)
{
	char t[48];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k + 3 > sizeof t) { /* long addresses go in pieces */
			lsc_sb_putn(b, t, k);
			k = 0;
		}
		if (i > 0)
			t[k++] = ':';
		t[k++] = hexdigits[p[i] >> 4];
		t[k++] = hexdigits[p[i] & 15];
	}
	lsc_sb_putn(b, t, k);
}

void lsc_sb_mac(struct lsc_strbuf *b, const uint8_t mac[6])
{
	lsc_sb_hexcolon(b, mac, 6);
}

/* The dotted quad at t; returns its length (at most 15). */
static size_t ipv4_text(char *t, const uint8_t a[4])
{
	size_t k = 0;
	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];
		if (i)
			t[k++] = '.';
		if (v >= 100)
			t[k++] = (char)('0' + v / 100);
		if (v >= 10)
			t[k++] = (char)('0' + v / 10 % 10);
		t[k++] = (char)('0' + v % 10);
	}
	return k;
}

/*
 * The text of addresses written lately: a capture names the same few hosts
 * frame after frame, and a copy costs a tenth of writing the text anew.
 * Per family, eight sets of two, a set chosen by the address's last bytes
 * (where hosts of one network differ): two ways, so a server and the client
 * whose address falls in its set both stay (with one slot each set, one
 * client in four evicted the server on every frame).  Per thread, so any
 * thread may write addresses.
 */
#define MEMO_SETS 8

struct addr_memo {
	uint8_t used;            /* bytes of addr that are set: 0 (empty), 4 or 16 */
	uint8_t len;             /* of text */
	uint8_t addr[16];
	char text[LSC_ADDRSTRLEN];
};

struct memo_set {
	struct addr_memo way[2];
	uint8_t older;           /* the way to replace next */
};

static _Thread_local struct memo_set memo4[MEMO_SETS], memo6[MEMO_SETS];

/* n (4 or 16) bytes equal: fixed-size compares, where memcmp() of n bytes is a call. */
static bool addr_eq(const uint8_t *x, const uint8_t *y, size_t n)
{
	if (n == 4)
		return memcmp(x, y, 4) == 0;
	return memcmp(x, y, 16) == 0;
}

/* The memo of `a` (n bytes) in its set, or the way to replace, with *hit saying which. */
static struct addr_memo *memo_find(struct memo_set *memo, const uint8_t *a, size_t n, bool *hit)
{
	struct memo_set *set = &memo[(a[n - 1] ^ a[n - 2] ^ a[n - 3]) & (MEMO_SETS - 1)];
	for (unsigned w = 0; w < 2; w++) {
		struct addr_memo *m = &set->way[w];
		if (m->used == n && addr_eq(m->addr, a, n)) {
			set->older = (uint8_t)!w;
			*hit = true;
			return m;
		}
	}
	struct addr_memo *m = &set->way[set->older];
	set->older = (uint8_t)!set->older;
	*hit = false;
	return m;
}

_Static_assert(LSC_W_ADDR6 == sizeof ((struct addr_memo *)0)->text, "an IPv6 text copies whole");
_Static_assert(LSC_W_ADDR4 > 15, "a dotted quad copies whole");

static void memo_keep(struct addr_memo *m, const uint8_t *a, size_t n, const char *t, size_t len)
{
	m->used = (uint8_t)n;
	m->len = (uint8_t)len;
	memcpy(m->addr, a, n);
	memcpy(m->text, t, sizeof m->text); /* fixed size: no rep movs */
}

/*
 * The kept text of an address, copied whole (block bytes, a constant):
 * a copy of m->len bytes, a length the compiler can bound, is `rep movs`.
 */
static char *memo_write(char *p, const struct addr_memo *m, size_t block)
{
	memcpy(p, m->text, block);
	return p + m->len;
}

/*
 * An address of n bytes through its family's memo; `text` writes it anew.
 * Inline in both callers, so `block` is a constant and the copy a few moves.
 */
static inline __attribute__((always_inline)) char *w_addr(char *p, struct memo_set *memo,
                                                          const uint8_t *a, size_t n,
                                                          size_t (*text)(char *t, const uint8_t *a),
                                                          size_t block)
{
	bool hit;
	struct addr_memo *m = memo_find(memo, a, n, &hit);
	if (!hit) {
		char t[LSC_ADDRSTRLEN] = { 0 };
		memo_keep(m, a, n, t, text(t, a));
	}
	return memo_write(p, m, block);
}

char *lsc_w_ipv4(char *p, const uint8_t a[4])
{
	return w_addr(p, memo4, a, 4, ipv4_text, LSC_W_ADDR4);
}

void lsc_sb_ipv4(struct lsc_strbuf *b, const uint8_t a[4])
{
	char tmp[LSC_W_ADDR4];
	char *start = lsc_sb_reserve(b, LSC_W_ADDR4, tmp);
	lsc_sb_commit(b, tmp, start, lsc_w_ipv4(start, a));
}

/* A group without leading zeros at t; returns its length (1 to 4). */
static size_t hex16_text(char *t, unsigned w)
{
	/* All four digits go out; the length says how many of the last count. */
	size_t n = 1 + (w > 0xf) + (w > 0xff) + (w > 0xfff);
	char d[4] = { hexdigits[w >> 12], hexdigits[(w >> 8) & 15], hexdigits[(w >> 4) & 15],
	              hexdigits[w & 15] };
	for (size_t i = 0; i < n; i++)
		t[i] = d[4 - n + i];
	return n;
}

/*
 * RFC 5952 text exactly as glibc's inet_ntop() writes it (the differential
 * test holds tshark's text to the same rules): lowercase, no leading zeros,
 * the first longest run of two or more zero groups as "::", and the last 32
 * bits as a dotted quad for ::a.b.c.d and ::ffff:a.b.c.d.  By hand, because
 * inet_ntop() formats each group with sprintf.
 */
static size_t ipv6_text(char *t, const uint8_t a[16]);

char *lsc_w_ipv6(char *p, const uint8_t a[16])
{
	return w_addr(p, memo6, a, 16, ipv6_text, LSC_W_ADDR6);
}

void lsc_sb_ipv6(struct lsc_strbuf *b, const uint8_t a[16])
{
	char tmp[LSC_W_ADDR6];
	char *start = lsc_sb_reserve(b, LSC_W_ADDR6, tmp);
	lsc_sb_commit(b, tmp, start, lsc_w_ipv6(start, a));
}

/* The text of an IPv6 address at t (at most 45 bytes); returns its length. */
static size_t ipv6_text(char *t, const uint8_t a[16])
{
	unsigned w[8];
	/* The first longest run of two or more zero groups, found in the one pass that reads them. */
	int best = -1, best_len = 1, run = 0;
	for (int i = 0; i < 8; i++) {
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
		run = w[i] == 0 ? run + 1 : 0;
		if (run > best_len) {
			best_len = run;
			best = i - run + 1;
		}
	}
	size_t k = 0;
	if (best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
		/* ::a.b.c.d and ::ffff:a.b.c.d */
		const char *head = best_len == 6 ? "::" : "::ffff:";
		k = strlen(head);
		memcpy(t, head, k);
		return k + ipv4_text(t + k, a + 12);
	}
	for (int i = 0; i < 8;) {
		if (i == best) {
			t[k++] = ':';
			t[k++] = ':';
			i += best_len;
			continue;
		}
		if (i != 0 && i != best + best_len)
			t[k++] = ':';
		k += hex16_text(t + k, w[i]);
		i++;
	}
	return k;
}

/* ---- escaping text from outside ---------------------------------------- */

/* The length of the valid UTF-8 character at p (2 to 4 bytes) and its code point, or 0. */
static size_t utf8_char(const uint8_t *p, size_t n, uint32_t *cp)
{
	size_t len = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
	if (len == 0 || p[0] > 0xf4 || len > n)
		return 0;
	uint32_t c = p[0] & (0x7fu >> len);
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3fu);
	}
	/* Overlong forms, surrogates and past U+10FFFF are not UTF-8. */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Characters a terminal would act on rather than show: C1 controls, separators, bidi controls. */
static bool hidden_char(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 || (c >= 0x200e && c <= 0x200f) ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x061c || c == 0xfeff;
}

/*
 * The one rule for a character of text from outside: its escaped form in
 * out (at most LSC_ESC_CHAR bytes, never more than 4 a byte taken, no NUL)
 * and its length in *olen; returns the bytes of p it took (1 to 4).
 */
size_t lsc_escape_char(char *out, size_t *olen, const uint8_t *p, size_t n, unsigned flags)
{
	static const char hexd[] = "0123456789abcdef";
	uint8_t ch = p[0];
	char esc = ch == '\n' ? 'n' : ch == '\r' ? 'r' : ch == '\t' ? 't' : ch == '\\' ? '\\'
	         : ch == '"' && (flags & LSC_ESC_QUOTE) ? '"' : 0;
	uint32_t cp;
	size_t len;
	if (esc) {
		out[0] = '\\';
		out[1] = esc;
		*olen = 2;
		return 1;
	}
	if (ch >= 0x20 && ch < 0x7f) {
		out[0] = (char)ch;
		*olen = 1;
		return 1;
	}
	if ((flags & LSC_ESC_UTF8) && ch >= 0x80 && (len = utf8_char(p, n, &cp)) != 0) {
		if (hidden_char(cp)) /* 2 bytes or more in, 8 out */
			*olen = (size_t)snprintf(out, LSC_ESC_CHAR + 1, "\\u{%04x}", (unsigned)cp);
		else {
			memcpy(out, p, len);
			*olen = len;
		}
		return len;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hexd[ch >> 4];
	out[3] = hexd[ch & 15];
	*olen = 4;
	return 1;
}

size_t lsc_utf8_partial(const uint8_t *p, size_t n)
{
	/* A lead byte among the last three, with fewer continuation bytes after it than it announces. */
	for (size_t back = 1; back <= 3 && back <= n; back++) {
		uint8_t c = p[n - back];
		if ((c & 0xc0) == 0x80)
			continue;
		size_t want = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
		if (c >= 0xf5 || want <= back)
			return 0;
		/* What is there must be continuation bytes: checked by the caller's escape once whole. */
		return back;
	}
	return 0;
}

size_t lsc_escape(char *dst, const void *src, size_t n, unsigned flags)
{
	const uint8_t *p = src;
	char *o = dst;
	for (size_t i = 0; i < n;) {
		size_t k;
		i += lsc_escape_char(o, &k, p + i, n - i, flags);
		o += k;
	}
	*o = '\0';
	return (size_t)(o - dst);
}

size_t lsc_sb_text(struct lsc_strbuf *b, const uint8_t *p, size_t n, unsigned flags)
{
	size_t i = 0;
	while (i < n && !b->cut) {
		char e[LSC_ESC_CHAR + 1];
		size_t k;
		i += lsc_escape_char(e, &k, p + i, n - i, flags);
		lsc_sb_putn(b, e, k);
	}
	return i;
}
