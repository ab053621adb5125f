/* test_strbuf.c: bounded text building, and IPv6 text against inet_ntop(). */
#include <config.h>

#include <arpa/inet.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv6_like_inet_ntop),
		cmocka_unit_test(test_ipv6_known),
		cmocka_unit_test(test_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
