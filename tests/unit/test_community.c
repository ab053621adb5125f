/* SPDX-License-Identifier: BSD-3-Clause */
/* test_community.c: the Community ID v1 flow hash against the spec's published baseline vectors. */
#include <config.h>

#include <arpa/inet.h>
#include <pcap/dlt.h>
#include <stdbool.h>

#include <layerscope/flow.h>

#include "unit.h"

/*
 * baseline/baseline_deflt.json (seed 0) and baseline_seed1.json (seed 1) of
 * github.com/corelight/community-id-spec: each flow of its combined.pcap
 * with the ID pycommunityid computes.  For ICMP and ICMPv6 the "ports" are
 * already mapped: the type, and the counterpart's type or the code.
 */
struct vector {
	uint16_t seed;
	int family;
	uint8_t proto;
	const char *saddr, *daddr;
	uint16_t sport, dport;
	bool ports;
	const char *id;
};

static const struct vector vectors[] = {
	{ 0, 6, 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136, true, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
	{ 0, 6, 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 135, true, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
	{ 0, 6, 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 136, true, "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
	{ 0, 6, 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 135, true, "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
	{ 0, 6, 58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0, true, "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=" },
	{ 0, 6, 58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4, true, "1:hLZd0XGWojozrvxqE0dWB1iM6R0=" },
	{ 0, 6, 58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129, true, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
	{ 0, 6, 58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 128, true, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
	{ 0, 6, 58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 134, true, "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=" },
	{ 0, 6, 58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 133, true, "1:pkvHqCL88/tg1k4cPigmZXUtL00=" },
	{ 0, 4, 1, "192.168.0.89", "192.168.0.1", 8, 0, true, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
	{ 0, 4, 1, "192.168.0.1", "192.168.0.89", 0, 8, true, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
	{ 0, 4, 1, "10.0.0.1", "10.0.0.2", 11, 0, true, "1:YHxtAirCG//0OzkcVAukqKQN9xM=" },
	{ 0, 6, 6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25, true, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
	{ 0, 6, 6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943, true, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
	{ 0, 4, 132, "192.168.170.8", "192.168.170.56", 7, 7, true, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
	{ 0, 4, 132, "192.168.170.56", "192.168.170.8", 7, 7, true, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
	{ 0, 4, 6, "128.232.110.120", "66.35.250.204", 34855, 80, true, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
	{ 0, 4, 6, "66.35.250.204", "128.232.110.120", 80, 34855, true, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
	{ 0, 4, 17, "192.168.1.52", "8.8.8.8", 54585, 53, true, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
	{ 0, 4, 17, "8.8.8.8", "192.168.1.52", 53, 54585, true, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
	{ 0, 4, 46, "10.1.12.1", "10.1.12.2", 0, 0, false, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
	{ 0, 4, 46, "10.1.12.2", "10.1.12.1", 0, 0, false, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
	{ 1, 6, 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136, true, "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=" },
	{ 1, 6, 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 135, true, "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=" },
	{ 1, 6, 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 136, true, "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM=" },
	{ 1, 6, 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 135, true, "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM=" },
	{ 1, 6, 58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0, true, "1:lVEtCZpYu84Xqaa++3lXFyuu2n4=" },
	{ 1, 6, 58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4, true, "1:W8MHwXpWzpoSTD+cGcaJr4u0ys8=" },
	{ 1, 6, 58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129, true, "1:GfZxjAkDk2MkegpBYHV6tadtFXQ=" },
	{ 1, 6, 58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 128, true, "1:GfZxjAkDk2MkegpBYHV6tadtFXQ=" },
	{ 1, 6, 58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 134, true, "1:L7Ka0ZMYu+J3bL4ulW2PrqyXNo8=" },
	{ 1, 6, 58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 133, true, "1:K/ee5UCqAMAQXDorP5nSa2CGLjc=" },
	{ 1, 4, 1, "192.168.0.89", "192.168.0.1", 8, 0, true, "1:03g6IloqVBdcZlPyX8r0hgoE7kA=" },
	{ 1, 4, 1, "192.168.0.1", "192.168.0.89", 0, 8, true, "1:03g6IloqVBdcZlPyX8r0hgoE7kA=" },
	{ 1, 4, 1, "10.0.0.1", "10.0.0.2", 11, 0, true, "1:XjUibYHaafLQ3pxQeiMI8g25q20=" },
	{ 1, 6, 6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25, true, "1:eJYTW6AOzFLlSUoESovMjnu7rMw=" },
	{ 1, 6, 6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943, true, "1:eJYTW6AOzFLlSUoESovMjnu7rMw=" },
	{ 1, 4, 132, "192.168.170.8", "192.168.170.56", 7, 7, true, "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=" },
	{ 1, 4, 132, "192.168.170.56", "192.168.170.8", 7, 7, true, "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=" },
	{ 1, 4, 6, "128.232.110.120", "66.35.250.204", 34855, 80, true, "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
	{ 1, 4, 6, "66.35.250.204", "128.232.110.120", 80, 34855, true, "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
	{ 1, 4, 17, "192.168.1.52", "8.8.8.8", 54585, 53, true, "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=" },
	{ 1, 4, 17, "8.8.8.8", "192.168.1.52", 53, 54585, true, "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=" },
	{ 1, 4, 46, "10.1.12.1", "10.1.12.2", 0, 0, false, "1:rYir8gphR31noO9iDRQmF/BteEI=" },
	{ 1, 4, 46, "10.1.12.2", "10.1.12.1", 0, 0, false, "1:rYir8gphR31noO9iDRQmF/BteEI=" },
};

static void tuple_of(const struct vector *v, struct lsc_community_tuple *t)
{
	memset(t, 0, sizeof *t);
	t->family = (uint8_t)v->family;
	t->proto = v->proto;
	t->has_ports = v->ports;
	int af = v->family == 6 ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(af, v->saddr, t->saddr), 1);
	assert_int_equal(inet_pton(af, v->daddr, t->daddr), 1);
	t->sport = v->sport;
	t->dport = v->dport;
	if (v->proto == 1 || v->proto == 58) {
		/* The vector's sport is the type; its dport the counterpart, or for a one-way message the code. */
		uint16_t sp, dp;
		t->one_way = lsc_community_icmp_ports(v->proto == 58, (uint8_t)v->sport, (uint8_t)v->dport, &sp, &dp);
		assert_int_equal(sp, v->sport);
		assert_int_equal(dp, v->dport);
	}
}

static void test_baseline(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		struct lsc_community_tuple t;
		char id[LSC_COMMUNITY_ID_SIZE];
		tuple_of(&vectors[i], &t);
		lsc_community_id(&t, vectors[i].seed, id);
		if (strcmp(id, vectors[i].id) != 0)
			fail_msg("vector %zu (%s -> %s proto %u seed %u): %s, not %s", i, vectors[i].saddr,
			         vectors[i].daddr, vectors[i].proto, vectors[i].seed, id, vectors[i].id);
	}
}

/* A one-way ICMP message keeps its endpoints' order even when the source is the larger. */
static void test_one_way_keeps_order(void **state)
{
	(void)state;
	struct lsc_community_tuple t = { .family = 4, .proto = 1, .has_ports = true };
	uint8_t a[4] = { 10, 0, 0, 2 }, b[4] = { 10, 0, 0, 1 };
	memcpy(t.saddr, a, 4);
	memcpy(t.daddr, b, 4);
	t.one_way = lsc_community_icmp_ports(false, 3, 3, &t.sport, &t.dport); /* port unreachable */
	assert_true(t.one_way);
	char id[LSC_COMMUNITY_ID_SIZE];
	lsc_community_id(&t, 0, id);
	/* sha1(00 00 | 0a000002 | 0a000001 | 01 00 | 0003 0003), by Python's hashlib */
	assert_string_equal(id, "1:LhjXG72oBqb/FpYqPl9LboG4/B4=");
	t.one_way = false;
	lsc_community_id(&t, 0, id);
	assert_string_equal(id, "1:sn6MAmXQ6UD1gYE1XbV3XTNewrk=");
}

/* From a decoded frame: the TCP vector of the baseline, both directions, and nothing for ARP. */
static void test_frame(void **state)
{
	(void)state;
	static const uint8_t syn[] = {
		/* IPv4 128.232.110.120 -> 66.35.250.204, TCP 34855 -> 80 SYN */
		0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
		128, 232, 110, 120, 66, 35, 250, 204,
		0x88, 0x27, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
	};
	uint8_t back[sizeof syn];
	memcpy(back, syn, sizeof syn);
	memcpy(back + 12, syn + 16, 4);
	memcpy(back + 16, syn + 12, 4);
	memcpy(back + 20, syn + 22, 2);
	memcpy(back + 22, syn + 20, 2);
	struct lsc_frame f;
	char id[LSC_COMMUNITY_ID_SIZE];
	test_decode(&f, DLT_RAW, syn, sizeof syn);
	assert_true(lsc_community_id_frame(&f, id));
	assert_string_equal(id, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
	test_frame_free(&f);
	test_decode(&f, DLT_RAW, back, sizeof back);
	assert_true(lsc_community_id_frame(&f, id));
	assert_string_equal(id, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
	test_frame_free(&f);
	/* Cut inside the ports: no ID; cut just after them: the same ID. */
	for (size_t n = 0; n < sizeof syn; n++) {
		test_decode(&f, DLT_RAW, syn, n);
		strcpy(id, "untouched");
		bool got = lsc_community_id_frame(&f, id);
		assert_int_equal(got, n >= 24);
		assert_string_equal(id, got ? "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" : "untouched");
		test_frame_free(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_one_way_keeps_order),
		cmocka_unit_test(test_frame),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
