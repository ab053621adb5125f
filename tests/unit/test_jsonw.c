/* SPDX-License-Identifier: BSD-3-Clause */
/* test_jsonw.c: the JSON writer: escaping, numbers, buffering, and RFC 3339 times against gmtime_r. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "unit.h"
#include "../../src/render/jsonw.h"

/* What the writer put into a memory stream, NUL-terminated; free() it. */
struct mem {
	FILE *fp;
	char *buf;
	size_t len;
};

static void mem_open(struct mem *m, struct lsc_json *j)
{
	m->fp = open_memstream(&m->buf, &m->len);
	assert_non_null(m->fp);
	lsc_json_init(j, m->fp);
}

static char *mem_close(struct mem *m)
{
	assert_int_equal(fclose(m->fp), 0);
	return m->buf;
}

static void test_object_and_escapes(void **state)
{
	static struct lsc_json j;
	struct mem m;
	(void)state;
	mem_open(&m, &j);
	lsc_json_open(&j, '{');
	lsc_json_key(&j, "s");
	lsc_json_str(&j, "a\"b\\c\nd\re\tf\x01g\x7fh");
	lsc_json_key(&j, "n");
	lsc_json_u64(&j, 18446744073709551615ull);
	lsc_json_key(&j, "i");
	lsc_json_i64(&j, -9223372036854775807ll - 1);
	lsc_json_key(&j, "list");
	lsc_json_open(&j, '[');
	lsc_json_bool(&j, true);
	lsc_json_bool(&j, false);
	lsc_json_null(&j);
	lsc_json_fixed(&j, -1500000, 6);
	lsc_json_fixed(&j, 42, 9);
	lsc_json_fixed(&j, 7, 0);
	lsc_json_str(&j, NULL);
	lsc_json_close(&j, ']');
	lsc_json_close(&j, '}');
	lsc_json_newline(&j);
	char *out = mem_close(&m);
	assert_string_equal(out,
		"{\"s\":\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u007fh\",\"n\":18446744073709551615,"
		"\"i\":-9223372036854775808,\"list\":[true,false,null,-1.500000,0.000000042,7,null]}\n");
	free(out);
}

/* One string as the writer puts it, quotes included; free() it. */
static char *one_string(const char *s, size_t n)
{
	static struct lsc_json j;
	struct mem m;
	mem_open(&m, &j);
	lsc_json_strn(&j, s, n);
	lsc_json_flush(&j);
	return mem_close(&m);
}

static void json_is(const char *in, size_t n, const char *want)
{
	char *out = one_string(in, n);
	assert_string_equal(out, want);
	free(out);
}

/*
 * Whether the bytes are UTF-8, decided another way than the writer's table:
 * by decoding each code point and checking its value (RFC 3629 section 3).
 */
static bool strict_utf8(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned len = u[i] < 0x80 ? 1 : (u[i] & 0xe0) == 0xc0 ? 2 : (u[i] & 0xf0) == 0xe0 ? 3
		             : (u[i] & 0xf8) == 0xf0 ? 4 : 0;
		if (len == 0)
			return false;
		if (i + len > n)
			return false;
		uint32_t cp = u[i] & (len == 1 ? 0x7fu : len == 2 ? 0x1fu : len == 3 ? 0x0fu : 0x07u);
		for (unsigned k = 1; k < len; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (u[i + k] & 0x3f);
		}
		static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
		if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* Bytes that are not UTF-8 never reach the JSON: each becomes U+FFFD; UTF-8 passes whole. */
static void test_invalid_utf8(void **state)
{
	(void)state;
#define S(lit) lit, sizeof lit - 1
	json_is(S("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	json_is(S("\xef\xbf\xbf\xf4\x8f\xbf\xbf"), "\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\"");   /* U+FFFF, U+10FFFF */
	json_is(S("a\x80" "b"), "\"a\\ufffd" "b\"");                                /* a lone continuation */
	json_is(S("\xc3"), "\"\\ufffd\"");                                   /* cut short at the end */
	json_is(S("\xe2\x82x"), "\"\\ufffd\\ufffdx\"");                       /* cut short inside */
	json_is(S("\xc0\xaf"), "\"\\ufffd\\ufffd\"");                         /* overlong '/' */
	json_is(S("\xc1\xbf"), "\"\\ufffd\\ufffd\"");
	json_is(S("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\"");                 /* overlong, 3 bytes */
	json_is(S("\xf0\x80\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");         /* overlong, 4 bytes */
	json_is(S("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");                 /* surrogate U+D800 */
	json_is(S("\xed\xbf\xbf"), "\"\\ufffd\\ufffd\\ufffd\"");                 /* surrogate U+DFFF */
	json_is(S("\xed\x9f\xbf"), "\"\xed\x9f\xbf\"");                       /* U+D7FF is fine */
	json_is(S("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");         /* past U+10FFFF */
	json_is(S("\xf5\xfe\xff"), "\"\\ufffd\\ufffd\\ufffd\"");
	json_is(S("\xff\n\xc3\xa9"), "\"\\ufffd\\n\xc3\xa9\"");
#undef S

	/* Random bytes, biased to the edges of the table: the output is always UTF-8. */
	assert_false(strict_utf8("\xf4\x90\x80\x80", 4)); /* the oracle itself */
	assert_false(strict_utf8("\xed\xa0\x80", 3));
	assert_false(strict_utf8("\xc1\xbf", 2));
	assert_true(strict_utf8("\xf4\x8f\xbf\xbf", 4));
	srand(7);
	for (int t = 0; t < 20000; t++) {
		static const unsigned char edge[] = { 0x00, 0x22, 0x41, 0x5c, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0,
		                                      0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4,
		                                      0xf5, 0xff };
		char in[12];
		size_t n = (size_t)(rand() % (int)sizeof in);
		for (size_t i = 0; i < n; i++)
			in[i] = (char)(rand() % 2 ? edge[rand() % (int)sizeof edge] : rand());
		char *out = one_string(in, n);
		assert_true(strict_utf8(out, strlen(out)));
		/* Input that was UTF-8 without controls comes out as it went in. */
		bool plain = strict_utf8(in, n);
		for (size_t i = 0; i < n && plain; i++)
			plain = (unsigned char)in[i] >= 0x20 && in[i] != '"' && in[i] != '\\' && in[i] != 0x7f;
		if (plain) {
			assert_int_equal(strlen(out), n + 2);
			assert_memory_equal(out + 1, in, n);
		}
		free(out);
	}
}

/* Strings and documents longer than the writer's buffer arrive whole and in order. */
static void test_longer_than_buffer(void **state)
{
	static struct lsc_json j;
	static char big[3 * LSC_JSON_BUF + 17];
	struct mem m;
	(void)state;
	for (size_t i = 0; i < sizeof big - 1; i++)
		big[i] = (char)('a' + i % 26);
	big[100] = '"'; /* an escape in the middle of a long run */
	big[sizeof big - 1] = '\0';
	mem_open(&m, &j);
	lsc_json_open(&j, '[');
	for (int k = 0; k < 2000; k++)
		lsc_json_u64(&j, (uint64_t)k);
	lsc_json_str(&j, big);
	lsc_json_close(&j, ']');
	/* No newline: closing the outermost container must hand it over (reports). */
	assert_int_equal(fflush(m.fp), 0);
	size_t digits = 10 * 1 + 90 * 2 + 900 * 3 + 1000 * 4; /* 0..1999 */
	size_t before = 1 + digits + 2000 + 1;                 /* '[', numbers, commas, '"' */
	assert_int_equal(m.len, before + (sizeof big - 1) + 1 + 1 + 1); /* escape, '"', ']' */
	char *out = mem_close(&m);
	assert_memory_equal(out, "[0,1,2,3,", 9);
	assert_memory_equal(out + before + 100, "\\\"", 2);
	assert_int_equal(out[strlen(out) - 1], ']');
	free(out);
}

/* The writer's time against gmtime_r, second by second around the edges. */
static void check_time(int64_t sec, uint32_t nsec)
{
	char got[48], want[64], date[40];
	struct tm tm;
	time_t t = (time_t)sec;
	assert_non_null(gmtime_r(&t, &tm));
	/* Not strftime's %Y: RFC 3339 wants four digits for the year 1 too. */
	snprintf(date, sizeof date, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	snprintf(want, sizeof want, "%s.%06uZ", date, nsec / 1000);
	lsc_format_rfc3339(got, sizeof got, sec, nsec, 6);
	assert_string_equal(got, want);
	snprintf(want, sizeof want, "%s.%09uZ", date, nsec);
	lsc_format_rfc3339(got, sizeof got, sec, nsec, 9);
	assert_string_equal(got, want);
	snprintf(want, sizeof want, "%sZ", date);
	lsc_format_rfc3339(got, sizeof got, sec, nsec, 0);
	assert_string_equal(got, want);
}

static void test_rfc3339(void **state)
{
	static const int64_t edges[] = {
		0, -1, 59, 86399, 86400, 951782399, 951782400, 951868800, /* 2000-02-29 */
		1700000000, 2147483647, 2147483648ll, 4102444800ll, 4294967295ll,
		-2147483648ll, -62135596800ll, /* 0001-01-01 */ 253402300799ll, /* 9999-12-31 */
	};
	(void)state;
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
		check_time(edges[i], 999999999u);
	/* Every day from 1890 to 2130, at a time that moves through the day. */
	for (int64_t s = -2524521600ll, k = 0; s < 5049187200ll; s += 86400 + 7, k++)
		check_time(s, (uint32_t)(k * 7919u % 1000000000u));
	/* A buffer too small cuts the text and still ends it. */
	char small[8];
	lsc_format_rfc3339(small, sizeof small, 0, 0, 6);
	assert_string_equal(small, "1970-01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_object_and_escapes),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_longer_than_buffer),
		cmocka_unit_test(test_rfc3339),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
