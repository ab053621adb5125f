/* SPDX-License-Identifier: BSD-3-Clause */
/* jsonw.c: streaming JSON output (RFC 8259): escaping, valid UTF-8 (RFC 3629), commas, fixed-point numbers. */
#include <config.h>

#include <string.h>

#include <layerscope/strbuf.h>

#include "jsonw.h"

void lsc_json_init(struct lsc_json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
	j->len = 0;
}

void lsc_json_flush(struct lsc_json *j)
{
	if (j->len > 0)
		fwrite_unlocked(j->buf, 1, j->len, j->out);
	j->len = 0;
}

/* Where the next n bytes (n <= LSC_JSON_BUF) go; flushes first when they do not fit. */
static inline char *room(struct lsc_json *j, size_t n)
{
	if (n > LSC_JSON_BUF - j->len)
		lsc_json_flush(j);
	return j->buf + j->len;
}

static inline void putch(struct lsc_json *j, char ch)
{
	*room(j, 1) = ch;
	j->len++;
}

static void put(struct lsc_json *j, const char *s, size_t n)
{
	if (n > LSC_JSON_BUF) {
		lsc_json_flush(j);
		fwrite_unlocked(s, 1, n, j->out);
		return;
	}
	memcpy(room(j, n), s, n);
	j->len += n;
}

/* The comma before a value or key, unless it follows a key or opens a container. */
static void sep(struct lsc_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0 && !j->first[j->depth])
		putch(j, ',');
	j->first[j->depth] = false;
}

static const char hexd[] = "0123456789abcdef";

/*
 * How a byte goes into a JSON string: 0 as it is, 'u' as \u00XX, '8' the
 * first byte of a UTF-8 sequence to check, else '\' and this letter.
 */
#define U8 '8'
#define U8x4(b) [b] = U8, [(b) + 1] = U8, [(b) + 2] = U8, [(b) + 3] = U8
#define U8x16(b) U8x4(b), U8x4((b) + 4), U8x4((b) + 8), U8x4((b) + 12)
static const char esc_table[256] = {
	U8x16(0x80), U8x16(0x90), U8x16(0xa0), U8x16(0xb0), U8x16(0xc0), U8x16(0xd0),
	U8x16(0xe0), U8x16(0xf0),
	['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
	['"'] = '"', ['\\'] = '\\',
	[0x00] = 'u', [0x01] = 'u', [0x02] = 'u', [0x03] = 'u', [0x04] = 'u', [0x05] = 'u',
	[0x06] = 'u', [0x07] = 'u', [0x0b] = 'u', [0x0e] = 'u', [0x0f] = 'u', [0x10] = 'u',
	[0x11] = 'u', [0x12] = 'u', [0x13] = 'u', [0x14] = 'u', [0x15] = 'u', [0x16] = 'u',
	[0x17] = 'u', [0x18] = 'u', [0x19] = 'u', [0x1a] = 'u', [0x1b] = 'u', [0x1c] = 'u',
	[0x1d] = 'u', [0x1e] = 'u', [0x1f] = 'u', [0x7f] = 'u',
};

/* Writes the escape of one byte that needs one. */
static void put_escape(struct lsc_json *j, unsigned char ch)
{
	char e[6] = { '\\', esc_table[ch], '0', '0', hexd[ch >> 4], hexd[ch & 15] };
	if (e[1] == 'u') {
		e[2] = '0'; /* \u00XX */
		put(j, e, 6);
	} else {
		put(j, e, 2);
	}
}

/*
 * The length of the well-formed UTF-8 sequence at s (RFC 3629 section 4:
 * no overlong forms, no surrogates, nothing past U+10FFFF), 0 when the
 * bytes are not one.
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		lo = c == 0xe0 ? 0xa0 : 0x80; /* below: overlong */
		hi = c == 0xed ? 0x9f : 0xbf; /* above: UTF-16 surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		lo = c == 0xf0 ? 0x90 : 0x80; /* below: overlong */
		hi = c == 0xf4 ? 0x8f : 0xbf; /* above: past U+10FFFF */
	} else {
		return 0; /* a continuation byte alone, C0/C1 (overlong), F5-FF */
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/*
 * Bytes from outside (a process name, a file name, a payload) need not be
 * UTF-8, and JSON text must be: each byte that does not start a well-formed
 * sequence becomes U+FFFD, the replacement character, as a decoder
 * replaces it (Unicode's "maximal subpart" practice, one a byte).
 */
void lsc_json_strn(struct lsc_json *j, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	sep(j);
	putch(j, '"');
	size_t i = 0;
	while (i < n) {
		size_t k = i;
		while (k < n && esc_table[u[k]] == 0)
			k++;
		put(j, s + i, k - i); /* the run of bytes that go as they are */
		if (k == n)
			break;
		if (esc_table[u[k]] != U8) {
			put_escape(j, u[k]);
			i = k + 1;
			continue;
		}
		size_t len = utf8_len(u + k, n - k);
		if (len > 0)
			put(j, s + k, len);
		else
			put(j, "\\ufffd", 6);
		i = k + (len > 0 ? len : 1);
	}
	putch(j, '"');
}

void lsc_json_str(struct lsc_json *j, const char *s)
{
	if (s == NULL)
		lsc_json_null(j);
	else
		lsc_json_strn(j, s, strlen(s));
}

void lsc_json_key(struct lsc_json *j, const char *key)
{
	size_t n = strlen(key); /* keys are the program's own ASCII names */
	sep(j);
	if (n + 3 > LSC_JSON_BUF)
		n = LSC_JSON_BUF - 3;
	char *p = room(j, n + 3);
	p[0] = '"';
	memcpy(p + 1, key, n);
	p[n + 1] = '"';
	p[n + 2] = ':';
	j->len += n + 3;
	j->after_key = true;
}

void lsc_json_open(struct lsc_json *j, char bracket)
{
	sep(j);
	putch(j, bracket);
	if (j->depth + 1 < LSC_JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

void lsc_json_close(struct lsc_json *j, char bracket)
{
	putch(j, bracket);
	if (j->depth > 0)
		j->depth--;
	j->after_key = false;
	if (j->depth == 0)
		lsc_json_flush(j); /* a whole top-level value: hand it over */
}

/* Decimal text of v, by the one formatter strbuf.c has, straight into the buffer. */
static void put_u64(struct lsc_json *j, uint64_t v)
{
	struct lsc_strbuf b;
	lsc_sb_init(&b, room(j, 21), 21); /* 20 digits and strbuf's NUL */
	lsc_sb_u64(&b, v);
	j->len += b.len;
}

/*
 * The low `digits` (at most 18) decimal digits of r < 10^digits, zero padded,
 * at p: the digits of 10^digits + r without its leading 1.
 */
static void fmt_frac(char *p, uint64_t r, unsigned digits)
{
	char t[21];
	struct lsc_strbuf b;
	uint64_t scale = 1;
	for (unsigned i = 0; i < digits; i++)
		scale *= 10;
	lsc_sb_init(&b, t, sizeof t);
	lsc_sb_u64(&b, scale + r % scale);
	memcpy(p, t + 1, digits);
}

void lsc_json_u64(struct lsc_json *j, uint64_t v)
{
	sep(j);
	put_u64(j, v);
}

void lsc_json_i64(struct lsc_json *j, int64_t v)
{
	sep(j);
	if (v < 0) {
		putch(j, '-');
		put_u64(j, (uint64_t)0 - (uint64_t)v);
	} else {
		put_u64(j, (uint64_t)v);
	}
}

void lsc_json_fixed(struct lsc_json *j, int64_t v, unsigned digits)
{
	struct lsc_strbuf b;
	sep(j);
	lsc_sb_init(&b, room(j, 41), 41); /* sign, 19 digits, point, 18 decimals, NUL */
	lsc_sb_fixed(&b, v, digits);
	j->len += b.len;
}

void lsc_json_bool(struct lsc_json *j, bool v)
{
	sep(j);
	if (v)
		put(j, "true", 4);
	else
		put(j, "false", 5);
}

void lsc_json_null(struct lsc_json *j)
{
	sep(j);
	put(j, "null", 4);
}

void lsc_json_newline(struct lsc_json *j)
{
	putch(j, '\n');
	lsc_json_flush(j);
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

/* ---- the field sink ------------------------------------------------------ */

static void sink_key(struct lsc_json *j, const char *key)
{
	if (key != NULL)
		lsc_json_key(j, key);
}

static void s_uint(struct lsc_sink *s, const char *key, const char *label, uint64_t v,
                   unsigned hex_digits, const char *name)
{
	(void)label, (void)hex_digits, (void)name;
	sink_key(s->ctx, key);
	lsc_json_u64(s->ctx, v);
}

static void s_bool(struct lsc_sink *s, const char *key, const char *label, int v, const char *name)
{
	(void)label, (void)name;
	sink_key(s->ctx, key);
	if (v < 0)
		lsc_json_null(s->ctx);
	else
		lsc_json_bool(s->ctx, v != 0);
}

static void s_text(struct lsc_sink *s, const char *key, const char *label, const char *v, unsigned derived)
{
	(void)label, (void)derived;
	sink_key(s->ctx, key);
	lsc_json_str(s->ctx, v);
}

static void s_open(struct lsc_sink *s, const char *key, const char *label, bool list)
{
	(void)label;
	sink_key(s->ctx, key);
	lsc_json_open(s->ctx, list ? '[' : '{');
}

static void s_close(struct lsc_sink *s, bool list)
{
	lsc_json_close(s->ctx, list ? ']' : '}');
}

static const struct lsc_sink_ops json_sink_ops = { s_uint, s_bool, s_text, s_open, s_close };

void lsc_json_sink(struct lsc_sink *s, struct lsc_json *j)
{
	s->ops = &json_sink_ops;
	s->ctx = j;
}

/*
 * The civil (proleptic Gregorian) date of a day counted from 1970-01-01,
 * for any day: shift to an era of 400 years that starts on March 1st, where
 * leap days fall at the end of a year, then back to January-based months.
 */
static void civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
	days += 719468; /* from 0000-03-01 */
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	unsigned doe = (unsigned)(days - era * 146097);                          /* [0, 146096] */
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;     /* [0, 399] */
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                   /* [0, 365] */
	unsigned mp = (5 * doy + 2) / 153;                                        /* March = 0 */
	*day = doy - (153 * mp + 2) / 5 + 1;
	*month = mp < 10 ? mp + 3 : mp - 9;
	*year = (int64_t)yoe + era * 400 + (*month <= 2);
}

static char *two(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

void lsc_format_rfc3339(char *buf, size_t cap, int64_t sec, uint32_t nsec, unsigned digits)
{
	/* By hand: gmtime_r, strftime and snprintf cost more than the rest of a frame. */
	char t[64], *p = t;
	int64_t days = sec / 86400, rem = sec % 86400, year;
	unsigned month, day;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &year, &month, &day);
	if (year < 0) {
		*p++ = '-';
		year = -year;
	}
	if (year < 1000) /* at least four digits */
		*p++ = '0';
	if (year < 100)
		*p++ = '0';
	if (year < 10)
		*p++ = '0';
	struct lsc_strbuf yb;
	lsc_sb_init(&yb, p, 21);
	lsc_sb_u64(&yb, (uint64_t)year);
	p += yb.len;
	*p++ = '-';
	p = two(p, month);
	*p++ = '-';
	p = two(p, day);
	*p++ = 'T';
	p = two(p, (unsigned)(rem / 3600));
	*p++ = ':';
	p = two(p, (unsigned)(rem / 60 % 60));
	*p++ = ':';
	p = two(p, (unsigned)(rem % 60));
	if (digits > 9)
		digits = 9;
	if (digits > 0) {
		uint32_t frac = nsec % 1000000000u;
		for (unsigned i = digits; i < 9; i++)
			frac /= 10;
		*p++ = '.';
		fmt_frac(p, frac, digits);
		p += digits;
	}
	*p++ = 'Z';
	size_t n = (size_t)(p - t);
	if (cap == 0)
		return;
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, t, n);
	buf[n] = '\0';
}
