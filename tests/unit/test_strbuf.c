/* SPDX-License-Identifier: BSD-3-Clause */
/* test_strbuf.c: the shared helpers: bounded text building, IPv6 text against inet_ntop(), cache-line allocations. */
#include <config.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "unit.h"

#include <layerscope/strbuf.h>


static void ipv6_text(const uint8_t a[16], char *out, size_t cap)
{
	struct lsc_strbuf b;
	lsc_sb_init(&b, out, cap);
	lsc_sb_ipv6(&b, a);
}

/* Groups that are zero, ffff or anything, in every mix: each zero-run shape occurs. */
static void test_ipv6_like_inet_ntop(void **state)
{
	uint8_t a[16];
	char got[LSC_ADDRSTRLEN], want[INET6_ADDRSTRLEN];
	uint32_t seed = 12345;
	(void)state;
	for (unsigned round = 0; round < 200000; round++) {
		for (int i = 0; i < 8; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned kind = (seed >> 16) % 4, v = (seed >> 4) & 0xffff;
			unsigned word = kind < 2 ? 0 : kind == 2 ? 0xffff : v >> (seed % 13);
			a[2 * i] = (uint8_t)(word >> 8);
			a[2 * i + 1] = (uint8_t)word;
		}
		assert_non_null(inet_ntop(AF_INET6, a, want, sizeof want));
		ipv6_text(a, got, sizeof got);
		assert_string_equal(got, want);
	}
}

static void test_ipv6_known(void **state)
{
	static const struct { uint8_t a[16]; const char *text; } cases[] = {
		{ { 0 }, "::" },
		{ { [15] = 1 }, "::1" },
		{ { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, "2001:db8::1" },
		{ { 0xfe, 0x80, [8] = 0x02, 0x1a, 0x2b, 0xff, 0xfe, 0x3c, 0x4d, 0x5e }, "fe80::21a:2bff:fe3c:4d5e" },
		{ { [10] = 0xff, 0xff, 192, 0, 2, 1 }, "::ffff:192.0.2.1" },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 }, "2001:db8:0:1::1" },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1 }, "2001:db8::1:0:0:1" },
	};
	char got[LSC_ADDRSTRLEN];
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ipv6_text(cases[i].a, got, sizeof got);
		assert_string_equal(got, cases[i].text);
	}
}

/*
 * Addresses written again come from the memo of recent ones: a run of a few
 * hosts, some sharing a slot, and each text still inet_ntop()'s (IPv6) or
 * the dotted quad (IPv4), also when the buffer cuts it.
 */
static void test_address_memo(void **state)
{
	char got[LSC_ADDRSTRLEN], want[INET6_ADDRSTRLEN], cut[6];
	struct lsc_strbuf b;
	(void)state;
	for (unsigned round = 0; round < 3000; round++) {
		uint8_t a6[16] = { 0xfd, 0x00 }, a4[4] = { 10, 0, 0, 0 };
		unsigned host = (round * 7u) % 41u; /* 41 hosts over 16 entries, out of order: evictions */
		a6[14] = (uint8_t)(host & 1), a6[15] = (uint8_t)(host * 37u);
		a4[2] = (uint8_t)(host & 1), a4[3] = (uint8_t)(host * 37u);
		lsc_sb_init(&b, got, sizeof got);
		lsc_sb_ipv6(&b, a6);
		assert_non_null(inet_ntop(AF_INET6, a6, want, sizeof want));
		assert_string_equal(got, want);
		lsc_sb_init(&b, got, sizeof got);
		lsc_sb_ipv4(&b, a4);
		assert_non_null(inet_ntop(AF_INET, a4, want, sizeof want));
		assert_string_equal(got, want);
		lsc_sb_init(&b, cut, sizeof cut);
		lsc_sb_ipv4(&b, a4);
		assert_int_equal(strncmp(cut, want, sizeof cut - 1), 0);
		assert_int_equal(b.cut, 1);
	}
}

/* Text that does not fit is cut, marked, and still a C string. */
static void test_cut(void **state)
{
	char buf[8];
	struct lsc_strbuf b;
	(void)state;
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_puts(&b, "0123456789");
	assert_string_equal(buf, "0123456");
	assert_true(b.cut);
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_u64(&b, 42);
	lsc_sb_putc(&b, '/');
	lsc_sb_printf(&b, "%s", "abcdef");
	assert_string_equal(buf, "42/abcd");
	assert_true(b.cut);
}

/* Numbers as printf writes them, written in place or cut like any other text. */
static void test_numbers(void **state)
{
	static const uint64_t v[] = { 0, 9, 10, 99, 100, 65535, 4294967295u, 4294967296u,
	                              10000000000000000000u, UINT64_MAX };
	char buf[32], want[32];
	struct lsc_strbuf b;
	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		lsc_sb_init(&b, buf, sizeof buf);
		lsc_sb_u64(&b, v[i]);
		snprintf(want, sizeof want, "%llu", (unsigned long long)v[i]);
		assert_string_equal(buf, want);
		assert_int_equal(b.len, strlen(want));
	}
	/* Each side of every power of ten and of two: where the digit count changes. */
	for (unsigned k = 0; k < 64; k++) {
		uint64_t p10 = 1, edges[6];
		for (unsigned j = 0; j < k % 20; j++)
			p10 *= 10;
		edges[0] = p10 - 1, edges[1] = p10, edges[2] = p10 + 1;
		edges[3] = (1ull << k) - 1, edges[4] = 1ull << k, edges[5] = (1ull << k) + 1;
		for (size_t i = 0; i < 6; i++) {
			lsc_sb_init(&b, buf, sizeof buf);
			lsc_sb_u64(&b, edges[i]);
			snprintf(want, sizeof want, "%llu", (unsigned long long)edges[i]);
			assert_string_equal(buf, want);
		}
	}
	/*
	 * Every number below 2,000,000 (the sizes of small_digits and the split
	 * of frame numbers around 100000), then every 9973rd of 32 bits, where
	 * the split in 32 bits gives way to the loop.
	 */
	for (uint64_t x = 0; x <= UINT64_C(0x100000000) + 20000; x += x < 2000000 ? 1 : 9973) {
		char *end = lsc_w_u64(buf, x);
		int n = snprintf(want, sizeof want, "%llu", (unsigned long long)x);
		if (end - buf != n || memcmp(buf, want, (size_t)n) != 0)
			fail_msg("%llu written as %.*s", (unsigned long long)x, (int)(end - buf), buf);
	}
	lsc_sb_init(&b, buf, 4);
	lsc_sb_u64(&b, 123456);
	assert_string_equal(buf, "123");
	assert_true(b.cut);
}

/* Fixed point: the sign, the integer part, and exactly `digits` decimals. */
static void test_fixed(void **state)
{
	char buf[48];
	struct lsc_strbuf b;
	(void)state;
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_fixed(&b, 41000, 6);
	assert_string_equal(buf, "0.041000");
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_fixed(&b, -1500250, 6);
	assert_string_equal(buf, "-1.500250");
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_fixed(&b, 7, 0);
	assert_string_equal(buf, "7");
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_fixed(&b, INT64_MIN, 9);
	assert_string_equal(buf, "-9223372036.854775808");
	/* Fractions of a second as the clock writes them: every microsecond value, and nanoseconds. */
	char want[16];
	for (uint32_t v = 0; v < 1000000; v++) {
		lsc_zero_padded(buf, v, 6);
		snprintf(want, sizeof want, "%06u", (unsigned)v);
		if (memcmp(buf, want, 6) != 0)
			fail_msg("%u as six digits: %.6s", (unsigned)v, buf);
	}
	for (uint32_t v = 0; v < 1000000000; v += 999983) {
		lsc_zero_padded(buf, v, 9);
		snprintf(want, sizeof want, "%09u", (unsigned)v);
		assert_memory_equal(buf, want, 9);
	}
	lsc_zero_padded(buf, 1234567, 6); /* past six digits: the last six */
	assert_memory_equal(buf, "234567", 6);
	/* Values past 2^32 with an odd count: the last digits, not those of a 32-bit cut. */
	lsc_zero_padded(buf, UINT64_C(1000000000000), 3);
	assert_memory_equal(buf, "000", 3);
	lsc_zero_padded(buf, UINT64_C(5000000000), 1);
	assert_memory_equal(buf, "0", 1);
	lsc_zero_padded(buf, UINT64_C(123456789012345), 5);
	assert_memory_equal(buf, "12345", 5);
}

/* Notes: fixed text copied, printf text formatted, both cut alike; no more than LSC_MAX_NOTES. */
static void test_notes(void **state)
{
#define TEN "0123456789"
#define LONGER TEN TEN TEN TEN TEN TEN TEN TEN TEN TEN TEN TEN TEN /* > LSC_NOTE_LEN */
	static struct lsc_frame f;
	struct lsc_strbuf b;
	(void)state;
	assert_true(sizeof LONGER > LSC_NOTE_LEN);
	lsc_frame_note(&f, "plain text");
	lsc_frame_note(&f, "frame %d", 7);
	lsc_frame_note(&f, LONGER);
	lsc_frame_note(&f, "%s", LONGER);
	assert_int_equal(f.nnotes, 4);
	assert_string_equal(f.notes[0], "plain text");
	assert_string_equal(f.notes[1], "frame 7");
	assert_int_equal(strlen(f.notes[2]), LSC_NOTE_LEN - 1);
	assert_string_equal(f.notes[2], f.notes[3]);
	while (lsc_frame_note_buf(&f, &b))
		lsc_sb_puts(&b, "by hand");
	assert_int_equal(f.nnotes, LSC_MAX_NOTES);
	assert_string_equal(f.notes[LSC_MAX_NOTES - 1], "by hand");
	lsc_frame_note(&f, "dropped");
	assert_int_equal(f.nnotes, LSC_MAX_NOTES);
}

/* lsc_escape: one rule for text from outside; UTF-8 kept only where asked, never its controls. */
static void test_escape(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		unsigned flags;
		const char *out;
	} cases[] = {
		{ "\x1b[2J\x1b]0;X\x07\x9b", 0, "\\x1b[2J\\x1b]0;X\\x07\\x9b" },
		{ "a\tb\r\n\\\"", 0, "a\\tb\\r\\n\\\\\"" },
		{ "say \"hi\"", LSC_ESC_QUOTE, "say \\\"hi\\\"" },
		{ "ação", 0, "a\\xc3\\xa7\\xc3\\xa3o" },           /* payload rule: bytes */
		{ "ação — ok", LSC_ESC_UTF8, "ação — ok" },         /* messages: text stays text */
		{ "\xc2\x9b" "1m", LSC_ESC_UTF8, "\\u{009b}1m" },   /* U+009B, a C1 CSI */
		{ "\x9b", LSC_ESC_UTF8, "\\x9b" },                  /* a lone continuation byte */
		{ "\xe2\x80\xae" "fdp.exe", LSC_ESC_UTF8, "\\u{202e}fdp.exe" }, /* U+202E */
		{ "\xc0\xaf", LSC_ESC_UTF8, "\\xc0\\xaf" },         /* overlong '/' */
		{ "\xed\xa0\x80", LSC_ESC_UTF8, "\\xed\\xa0\\x80" }, /* a surrogate */
		{ "\xf0\x9f\x98\x80", LSC_ESC_UTF8, "\xf0\x9f\x98\x80" }, /* U+1F600 */
		{ "\xf0\x9f\x98", LSC_ESC_UTF8, "\\xf0\\x9f\\x98" },  /* cut short */
		{ "\x7f", LSC_ESC_UTF8, "\\x7f" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[LSC_ESC_MAX(32)];
		size_t n = lsc_escape(out, cases[i].in, strlen(cases[i].in), cases[i].flags);
		assert_string_equal(out, cases[i].out);
		assert_int_equal(n, strlen(cases[i].out));
	}
	/* The worst case fills LSC_ESC_MAX exactly. */
	char all[4], out[LSC_ESC_MAX(4)];
	memset(all, 0x01, sizeof all);
	assert_int_equal(lsc_escape(out, all, sizeof all, LSC_ESC_UTF8), sizeof out - 1);
}

/* Payload text: UTF-8 shown under a UTF-8 terminal, escaped otherwise; controls, C1, bidi and invalid bytes always escaped. */
static void text_of(char *out, size_t cap, const char *in, size_t n, bool utf8, char quote)
{
	struct lsc_strbuf b;
	lsc_sb_init(&b, out, cap);
	unsigned flags = (utf8 ? LSC_ESC_UTF8 : 0) | (quote == '"' ? LSC_ESC_QUOTE : 0);
	assert_int_equal(lsc_sb_text(&b, (const uint8_t *)in, n, flags), n);
}

static void test_text(void **state)
{
	char out[256];
	(void)state;
	text_of(out, sizeof out, "Ol\xc3\xa1, Introdu\xc3\xa7\xc3\xa3o\n", 19, true, 0);
	assert_string_equal(out, "Ol\xc3\xa1, Introdu\xc3\xa7\xc3\xa3o\\n");
	text_of(out, sizeof out, "Ol\xc3\xa1", 4, false, 0);
	assert_string_equal(out, "Ol\\xc3\\xa1");
	/* C1 control U+0085, a right-to-left override U+202E, a line separator U+2028 */
	text_of(out, sizeof out, "a\xc2\x85" "b\xe2\x80\xae" "c\xe2\x80\xa8", 11, true, 0);
	assert_string_equal(out, "a\\u{0085}b\\u{202e}c\\u{2028}");
	/* invalid: a lone continuation byte, an overlong '/', a surrogate, a cut sequence, ESC */
	text_of(out, sizeof out, "\x80\xc0\xaf\xed\xa0\x80\xe2\x82\x1b", 9, true, 0);
	assert_string_equal(out, "\\x80\\xc0\\xaf\\xed\\xa0\\x80\\xe2\\x82\\x1b");
	text_of(out, sizeof out, "say \"hi\"\\", 9, true, '"');
	assert_string_equal(out, "say \\\"hi\\\"\\\\");
	text_of(out, sizeof out, "\xf0\x9f\x99\x82\t", 5, true, 0);
	assert_string_equal(out, "\xf0\x9f\x99\x82\\t");
}

/* The bytes a stream cut left of a UTF-8 character: kept for the next piece; anything else is not. */
static void test_utf8_partial(void **state)
{
	(void)state;
	assert_int_equal(lsc_utf8_partial((const uint8_t *)"Introdu\xc3", 8), 1);      /* ç cut after its lead */
	assert_int_equal(lsc_utf8_partial((const uint8_t *)"a\xe2\x86", 3), 2);        /* → cut after two */
	assert_int_equal(lsc_utf8_partial((const uint8_t *)"a\xf0\x9f\x98", 4), 3);    /* 😀 cut after three */
	assert_int_equal(lsc_utf8_partial((const uint8_t *)"Ol\xc3\xa1", 4), 0);       /* á whole */
	assert_int_equal(lsc_utf8_partial((const uint8_t *)"abc", 3), 0);
	assert_int_equal(lsc_utf8_partial((const uint8_t *)"a\xc0", 2), 0);            /* never a lead byte */
	assert_int_equal(lsc_utf8_partial((const uint8_t *)"a\xf8", 2), 0);
	assert_int_equal(lsc_utf8_partial((const uint8_t *)"\x80\x80\x80", 3), 0);    /* continuations alone */
	assert_int_equal(lsc_utf8_partial((const uint8_t *)"", 0), 0);
	/* One character at a time, the rule of lsc_escape. */
	char e[LSC_ESC_CHAR + 1];
	size_t len;
	assert_int_equal(lsc_escape_char(e, &len, (const uint8_t *)"\xc3\xa7o", 3, LSC_ESC_UTF8), 2);
	assert_int_equal(len, 2);
	assert_memory_equal(e, "\xc3\xa7", 2);
	assert_int_equal(lsc_escape_char(e, &len, (const uint8_t *)"\xc3\xa7o", 3, 0), 1);
	assert_memory_equal(e, "\\xc3", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv6_like_inet_ntop),
		cmocka_unit_test(test_ipv6_known),
		cmocka_unit_test(test_address_memo),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_utf8_partial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
