/* SPDX-License-Identifier: BSD-3-Clause */
/* test_jsonw.c: the JSON writer: escaping, numbers, buffering, and RFC 3339 times against gmtime_r. */
#include <config.h>

#include <stdio.h>
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
		cmocka_unit_test(test_longer_than_buffer),
		cmocka_unit_test(test_rfc3339),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
