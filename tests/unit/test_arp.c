/* SPDX-License-Identifier: BSD-3-Clause */
/* test_arp.c: the ARP/RARP decoder (RFC 826, RFC 903): fields, address text, truncation, impossible lengths. */
#include <config.h>

#include <pcap/dlt.h>

#include "decode-test.h"
#include "veth-frames.h"

/* $CORPORA/tcpdump/arp-too-long-tha.pcap, frame 1: an 802.1ad tag, then ARP with 14-byte hardware addresses. */
static const uint8_t arp_long[] = {
	0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
	0x88, 0xa8, 0x30, 0x30, 0x08, 0x06, 0x30, 0x30, 0x08, 0x00, 0x0e, 0x04,
	0x00, 0x01, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
	0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
	0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
	0x30, 0x30, 0x30, 0x30,
};

/* $CORPORA/tcpdump/getname_2_read4_asan.pcap, frame 1: RARP (0x8035) with hardware length 0. */
static const uint8_t rarp_bad[] = {
	0x00, 0x0c, 0xff, 0x7f, 0x96, 0x77, 0xc0, 0xc1, 0xc0, 0xa0, 0x00, 0x64,
	0x80, 0x35, 0xff, 0x00, 0x8b, 0x01, 0x00, 0x00, 0x00, 0x04,
};

static void test_request_reply(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_EN10MB, arp_request, sizeof arp_request);
	assert_int_equal(f.nlayers, 2);
	const struct lsc_layer *l = test_layer(&f, LSC_PROTO_ARP);
	const struct lsc_arp *a = &l->u.arp;
	assert_int_equal(l->offset, 14);
	assert_int_equal(l->hdr_len, 28);
	assert_int_equal(a->htype, 1);
	assert_int_equal(a->ptype, 0x0800);
	assert_int_equal(a->hlen, 6);
	assert_int_equal(a->plen, 4);
	assert_int_equal(a->op, 1);
	assert_memory_equal(a->sha, arp_request + 6, 6);
	assert_memory_equal(a->spa, "\x0a\x63\x00\x02", 4);
	assert_memory_equal(a->tpa, "\x0a\x63\x00\x01", 4);
	assert_false(lsc_frame_damaged(&f));
	test_summary_is(&f, 1, "who-has 10.99.0.1 tell 10.99.0.2");
	test_json_has(&f, "\"proto\":\"arp\",\"offset\":14,\"length\":28,\"htype\":1,\"ptype\":2048,"
	                  "\"hlen\":6,\"plen\":4,\"op\":1,\"sha\":\"a2:ec:79:a1:99:0c\",\"spa\":\"10.99.0.2\","
	                  "\"tha\":\"00:00:00:00:00:00\",\"tpa\":\"10.99.0.1\"");
	test_frame_free(&f);

	test_decode(&f, DLT_EN10MB, arp_reply, sizeof arp_reply);
	a = &test_layer(&f, LSC_PROTO_ARP)->u.arp;
	assert_int_equal(a->op, 2);
	test_summary_is(&f, 1, "10.99.0.1 is-at 12:c4:df:10:68:3a");
	test_json_has(&f, "\"sha\":\"12:c4:df:10:68:3a\",\"spa\":\"10.99.0.1\","
	                  "\"tha\":\"a2:ec:79:a1:99:0c\",\"tpa\":\"10.99.0.2\"");
	test_frame_free(&f);
}

static void test_padding_is_no_payload(void **state)
{
	static struct lsc_frame f;
	uint8_t p[60] = { 0 };
	(void)state;
	memcpy(p, arp_request, sizeof arp_request); /* padded to Ethernet's minimum */
	test_decode(&f, DLT_EN10MB, p, sizeof p);
	assert_int_equal(f.nlayers, 2);
	assert_int_equal(f.layers[1].proto, LSC_PROTO_ARP);
	test_frame_free(&f);
}

static void test_long_addresses(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_EN10MB, arp_long, sizeof arp_long);
	assert_int_equal(f.layers[1].proto, LSC_PROTO_VLAN);
	assert_int_equal(f.layers[1].u.vlan.tpid, 0x88a8);
	const struct lsc_layer *l = test_layer(&f, LSC_PROTO_ARP);
	assert_int_equal(l->hdr_len, 8 + 2 * (14 + 4));
	assert_int_equal(l->u.arp.hlen, 14);
	assert_false(l->flags & (LSC_LF_TRUNCATED | LSC_LF_MALFORMED));
	/* 14-byte hardware addresses are hex with colons; the IPv4 ones dotted quads */
	test_json_has(&f, "\"sha\":\"30:30:30:30:30:30:30:30:30:30:30:30:30:30\",\"spa\":\"48.48.48.48\"");
	test_frame_free(&f);
}

static void test_rarp(void **state)
{
	static struct lsc_frame f;
	uint8_t p[sizeof arp_request];
	(void)state;
	memcpy(p, arp_request, sizeof p);
	p[12] = 0x80;
	p[13] = 0x35;
	p[21] = 3; /* RARP request */
	test_decode(&f, DLT_EN10MB, p, sizeof p);
	const struct lsc_layer *l = test_layer(&f, LSC_PROTO_ARP);
	assert_int_equal(l->u.arp.op, 3);
	test_summary_is(&f, 1, "who-is 00:00:00:00:00:00 tell a2:ec:79:a1:99:0c");
	assert_false(l->flags & (LSC_LF_TRUNCATED | LSC_LF_MALFORMED));
	test_frame_free(&f);

	test_expect_damage(DLT_EN10MB, rarp_bad, sizeof rarp_bad, LSC_PROTO_ARP, LSC_LF_MALFORMED,
	                   "ARP hardware address length 0");
}

static void test_truncation(void **state)
{
	(void)state;
	test_truncation_sweep(DLT_EN10MB, arp_request, sizeof arp_request, LSC_PROTO_ARP, 14, 42);
	test_expect_damage(DLT_EN10MB, arp_request, 21, LSC_PROTO_ARP, LSC_LF_TRUNCATED,
	                   "ARP header cut short (needs 8 bytes)");
	test_expect_damage(DLT_EN10MB, arp_request, 41, LSC_PROTO_ARP, LSC_LF_TRUNCATED,
	                   "ARP addresses cut short (hlen and plen claim more than was captured)");
}

static void test_impossible_lengths(void **state)
{
	uint8_t *p = test_copy(arp_request, sizeof arp_request);
	(void)state;
	p[18] = 0;
	test_expect_damage(DLT_EN10MB, p, sizeof arp_request, LSC_PROTO_ARP, LSC_LF_MALFORMED,
	                   "ARP hardware address length 0");
	p[18] = 6;
	p[19] = 0;
	test_expect_damage(DLT_EN10MB, p, sizeof arp_request, LSC_PROTO_ARP, LSC_LF_MALFORMED,
	                   "ARP protocol address length 0");
	p[19] = 200; /* 2 * (6 + 200) bytes of addresses in a 42-byte frame */
	test_expect_damage(DLT_EN10MB, p, sizeof arp_request, LSC_PROTO_ARP, LSC_LF_TRUNCATED,
	                   "ARP addresses cut short (hlen and plen claim more than was captured)");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_reply),
		cmocka_unit_test(test_padding_is_no_payload),
		cmocka_unit_test(test_long_addresses),
		cmocka_unit_test(test_rarp),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_impossible_lengths),
	};
	return cmocka_run_group_tests_name("arp", tests, NULL, NULL);
}
