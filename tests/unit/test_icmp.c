/* SPDX-License-Identifier: BSD-3-Clause */
/* test_icmp.c: ICMP (RFC 792) and ICMPv6 (RFC 4443): names, echo, checksums, quoted headers of error messages. */
#include <config.h>

#include <pcap/dlt.h>

#include "decode-test.h"
#include "veth-frames.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

#define ICMP_OFF 34

#define QIP_OFF 42
#define QTCP_OFF 62

#define ICMP6_OFF 54

/* $CORPORA/local/lo_linux_sll2.pcap, frame 26: ICMPv6 port unreachable on lo through `-i any`. */
static const uint8_t sll2_unreach6_frame[] = {
	0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04, 0x00, 0x06,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x60, 0x07, 0x56, 0x87,
	0x00, 0x39, 0x3a, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x01, 0x04, 0x9c, 0xf8, 0x00, 0x00, 0x00, 0x00, 0x60, 0x03, 0xb0, 0x9c,
	0x00, 0x09, 0x11, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xc7, 0x74, 0x00, 0x09, 0x00, 0x09, 0x00, 0x1c, 0x78,
};

/* Rewrites the IPv4 header checksum at `ip` after an edit. */
static void fix_ip_checksum(uint8_t *ip)
{
	uint32_t sum = 0;
	ip[10] = ip[11] = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;
}

/* Rewrites the ICMP checksum over `len` message bytes at `icmp`. */
static void fix_icmp_checksum(uint8_t *icmp, size_t len)
{
	uint32_t sum = 0;
	icmp[2] = icmp[3] = 0;
	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)(icmp[i] << 8 | (i + 1 < len ? icmp[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	icmp[2] = (uint8_t)(~sum >> 8);
	icmp[3] = (uint8_t)~sum;
}

/* ---- ICMP ---------------------------------------------------------------- */

static void test_echo(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_EN10MB, echo_frame, sizeof echo_frame);
	assert_int_equal(f.nlayers, 4);
	const struct lsc_layer *l = test_layer(&f, LSC_PROTO_ICMP);
	const struct lsc_icmp *ic = &l->u.icmp;
	assert_int_equal(l->offset, ICMP_OFF);
	assert_int_equal(l->hdr_len, 8);
	assert_int_equal(l->body_len, 16);
	assert_int_equal(ic->type, 8);
	assert_int_equal(ic->code, 0);
	assert_true(ic->has_echo);
	assert_int_equal(ic->id, 0x1234);
	assert_int_equal(ic->seq, 1);
	assert_int_equal(ic->csum, LSC_CSUM_GOOD);
	assert_ptr_equal(lsc_frame_transport(&f), l);
	assert_int_equal(f.layers[3].u.payload.length, 16);
	test_summary_is(&f, 2, "echo request id 4660 seq 1");
	test_json_has(&f, "\"proto\":\"icmp\",\"offset\":34,\"length\":8,\"type\":8,\"code\":0,"
	                  "\"checksum\":51387,\"checksum_ok\":true,\"id\":4660,\"seq\":1");
	test_frame_free(&f);

	uint8_t *p = test_copy(echo_frame, sizeof echo_frame);
	p[sizeof echo_frame - 1] ^= 1;
	test_decode(&f, DLT_EN10MB, p, sizeof echo_frame);
	assert_int_equal(test_layer(&f, LSC_PROTO_ICMP)->u.icmp.csum, LSC_CSUM_BAD);
	test_frame_free(&f);
	free(p);
	/* the message was not captured whole: no verdict */
	test_decode(&f, DLT_EN10MB, echo_frame, sizeof echo_frame - 1);
	assert_int_equal(test_layer(&f, LSC_PROTO_ICMP)->u.icmp.csum, LSC_CSUM_UNKNOWN);
	test_frame_free(&f);
}

static void test_error_quotes_tcp(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_EN10MB, ttl_frame, sizeof ttl_frame);
	assert_int_equal(f.nlayers, 5);
	const struct lsc_layer *ic = &f.layers[2], *qip = &f.layers[3], *qtcp = &f.layers[4];
	assert_int_equal(ic->proto, LSC_PROTO_ICMP);
	assert_int_equal(ic->u.icmp.type, 11);
	assert_int_equal(ic->u.icmp.code, 0);
	assert_false(ic->u.icmp.has_echo);
	assert_int_equal(ic->u.icmp.csum, LSC_CSUM_GOOD);
	assert_false(ic->flags & LSC_LF_QUOTED);
	assert_int_equal(qip->proto, LSC_PROTO_IPV4);
	assert_int_equal(qip->offset, QIP_OFF);
	assert_true(qip->flags & LSC_LF_QUOTED);
	assert_int_equal(qip->u.ipv4.ttl, 1);
	assert_int_equal(qtcp->proto, LSC_PROTO_TCP);
	assert_int_equal(qtcp->offset, QTCP_OFF);
	assert_true(qtcp->flags & LSC_LF_QUOTED);
	assert_int_equal(qtcp->u.tcp.sport, 57588);
	assert_int_equal(qtcp->u.tcp.dport, 8082);
	assert_int_equal(qtcp->u.tcp.seq, 3948325538u);
	assert_int_equal(qtcp->u.tcp.flags, LSC_TCP_SYN);
	/* the frame's own layers are the outer ones */
	assert_ptr_equal(lsc_frame_network(&f), &f.layers[1]);
	assert_ptr_equal(lsc_frame_transport(&f), ic);
	assert_ptr_equal(lsc_frame_find(&f, LSC_PROTO_IPV4), &f.layers[1]);
	assert_null(lsc_frame_find(&f, LSC_PROTO_TCP));
	assert_false(lsc_frame_damaged(&f));
	test_summary_is(&f, 2, "time exceeded: TTL exceeded in transit");
	test_json_has(&f, "\"type\":11,\"code\":0,\"checksum\":46382,\"checksum_ok\":true");
	test_json_has(&f, "\"proto\":\"tcp\",\"offset\":62,\"length\":40,\"quoted\":true,"
	                  "\"sport\":57588,\"dport\":8082,\"seq\":3948325538");
	test_frame_free(&f);

	test_decode(&f, DLT_EN10MB, net_unreach_frame, sizeof net_unreach_frame);
	assert_int_equal(f.layers[2].u.icmp.type, 3);
	assert_int_equal(f.layers[2].u.icmp.code, 0);
	assert_int_equal(f.layers[4].proto, LSC_PROTO_TCP);
	assert_int_equal(f.layers[4].u.tcp.sport, 46014);
	test_frame_free(&f);
}

/*
 * RFC 792 asks for the IP header and only 8 bytes of the datagram: cut the
 * quote after the TCP ports and sequence number.  The quoted IP header's
 * total length (60) then claims more than is quoted; that must not stop the
 * quoted TCP layer, which shows what it has and is truncated, not malformed,
 * and leaves the frame's own layers alone.
 */
static void test_error_quotes_8_bytes(void **state)
{
	static struct lsc_frame f;
	const size_t n = QTCP_OFF + 8;
	(void)state;
	for (size_t trailer = 0; trailer <= 6; trailer += 6) {
		uint8_t *p = calloc(1, n + trailer); /* trailer: bytes past the outer IP datagram */
		assert_non_null(p);
		memcpy(p, ttl_frame, n);
		p[14 + 3] = (uint8_t)(n - 14); /* outer total length */
		fix_ip_checksum(p + 14);
		fix_icmp_checksum(p + ICMP_OFF, n - ICMP_OFF);
		test_decode(&f, DLT_EN10MB, p, n + trailer);
		assert_int_equal(f.nlayers, 5);
		const struct lsc_layer *qip = &f.layers[3], *qtcp = &f.layers[4];
		assert_int_equal(f.layers[1].flags, 0);
		assert_int_equal(f.layers[2].flags, 0);
		assert_int_equal(f.layers[2].u.icmp.csum, LSC_CSUM_GOOD);
		assert_true(qip->flags & LSC_LF_QUOTED);
		assert_true(qip->flags & LSC_LF_CLIPPED);
		assert_false(qip->flags & (LSC_LF_TRUNCATED | LSC_LF_MALFORMED));
		assert_true(qtcp->flags & LSC_LF_QUOTED);
		assert_true(qtcp->flags & LSC_LF_TRUNCATED);
		assert_false(qtcp->flags & LSC_LF_MALFORMED);
		assert_string_equal(qtcp->reason, "TCP header cut short (needs 20 bytes)");
		assert_int_equal(qtcp->cap_len, 8);
		assert_int_equal(qtcp->u.tcp.sport, 57588);
		assert_int_equal(qtcp->u.tcp.dport, 8082);
		assert_int_equal(qtcp->u.tcp.seq, 3948325538u);
		assert_false(lsc_frame_damaged(&f));
		char *json = test_json(&f);
		assert_non_null(strstr(json, "\"sport\":57588,\"dport\":8082,\"seq\":3948325538,\"header_length\":20}"));
		assert_null(strstr(json, "\"ack\""));
		free(json);
		test_frame_free(&f);
		free(p);
	}
}

static void test_error_quotes_udp(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_EN10MB, port_unreach_frame, sizeof port_unreach_frame);
	assert_int_equal(f.nlayers, 6);
	assert_int_equal(f.layers[2].u.icmp.type, 3);
	assert_int_equal(f.layers[2].u.icmp.code, 3);
	test_summary_is(&f, 2, "destination unreachable: port unreachable");
	const struct lsc_layer *u = &f.layers[4];
	assert_int_equal(u->proto, LSC_PROTO_UDP);
	assert_true(u->flags & LSC_LF_QUOTED);
	assert_int_equal(u->u.udp.sport, 34854);
	assert_int_equal(u->u.udp.dport, 9);
	/* quoted whole, so checkable: the sender's offload left the partial sum, quoted as it came */
	assert_int_equal(u->u.udp.csum, LSC_CSUM_OFFLOAD);
	assert_true(f.layers[5].flags & LSC_LF_QUOTED);
	assert_int_equal(f.layers[5].u.payload.length, 5);
	assert_false(lsc_frame_damaged(&f));
	test_json_has(&f, "\"proto\":\"udp\",\"offset\":62,\"quoted\":true,"
	                  "\"sport\":34854,\"dport\":9");
	test_frame_free(&f);
}

static void test_icmp_truncation(void **state)
{
	(void)state;
	test_truncation_sweep(DLT_EN10MB, echo_frame, sizeof echo_frame, LSC_PROTO_ICMP, 34, 42);
	test_truncation_sweep(DLT_EN10MB, ttl_frame, sizeof ttl_frame, LSC_PROTO_ICMP, 34, 42);
	test_truncation_sweep(DLT_EN10MB, port_unreach_frame, sizeof port_unreach_frame,
	                      LSC_PROTO_ICMP, 34, 42);
	/* a capture that ends inside the quote: the quoted header is truncated, and the frame damaged */
	static struct lsc_frame f;
	test_decode(&f, DLT_EN10MB, ttl_frame, QIP_OFF + 10);
	assert_true(f.layers[3].flags & LSC_LF_QUOTED);
	assert_true(f.layers[3].flags & LSC_LF_TRUNCATED);
	assert_false(f.layers[3].flags & LSC_LF_MALFORMED);
	assert_true(lsc_frame_damaged(&f));
	test_frame_free(&f);
	test_expect_damage(DLT_EN10MB, echo_frame, 40, LSC_PROTO_ICMP, LSC_LF_TRUNCATED,
	                   "ICMP header cut short (needs 8 bytes)");
}

static void test_icmp_impossible(void **state)
{
	uint8_t *p = test_copy(echo_frame, sizeof echo_frame);
	(void)state;
	/* the IP total length leaves 4 bytes for an 8-byte header */
	p[14 + 3] = 24;
	fix_ip_checksum(p + 14);
	test_expect_damage(DLT_EN10MB, p, sizeof echo_frame, LSC_PROTO_ICMP, LSC_LF_MALFORMED,
	                   "ICMP header cut short (needs 8 bytes)");
	free(p);

	/* a quoted IPv4 header with IHL 4: the quote is malformed, and that is damage */
	static struct lsc_frame f;
	p = test_copy(ttl_frame, sizeof ttl_frame);
	p[QIP_OFF] = 0x44;
	test_decode(&f, DLT_EN10MB, p, sizeof ttl_frame);
	const struct lsc_layer *qip = &f.layers[3];
	assert_true(qip->flags & LSC_LF_QUOTED);
	assert_true(qip->flags & LSC_LF_MALFORMED);
	assert_string_equal(qip->reason, "IPv4 header length < 20");
	assert_true(lsc_frame_damaged(&f));
	test_frame_free(&f);
	free(p);
}

static void test_icmp_rest_fields(void **state)
{
	static struct lsc_frame f;
	uint8_t *p = test_copy(net_unreach_frame, sizeof net_unreach_frame);
	(void)state;
	p[ICMP_OFF + 1] = 4; /* fragmentation needed, next-hop MTU 1400 (RFC 1191) */
	p[ICMP_OFF + 6] = 0x05;
	p[ICMP_OFF + 7] = 0x78;
	fix_icmp_checksum(p + ICMP_OFF, sizeof net_unreach_frame - ICMP_OFF);
	test_decode(&f, DLT_EN10MB, p, sizeof net_unreach_frame);
	assert_int_equal(f.layers[2].u.icmp.csum, LSC_CSUM_GOOD);
	test_json_has(&f, "\"type\":3,\"code\":4,");
	test_json_has(&f, "\"mtu\":1400");
	test_frame_free(&f);

	p[ICMP_OFF] = 5; /* redirect to gateway 10.99.0.254 */
	p[ICMP_OFF + 1] = 1;
	memcpy(p + ICMP_OFF + 4, "\x0a\x63\x00\xfe", 4);
	test_decode(&f, DLT_EN10MB, p, sizeof net_unreach_frame);
	test_json_has(&f, "\"gateway\":\"10.99.0.254\"");
	assert_int_equal(f.layers[3].proto, LSC_PROTO_IPV4);
	assert_true(f.layers[3].flags & LSC_LF_QUOTED);
	test_frame_free(&f);

	p[ICMP_OFF] = 12; /* parameter problem, pointer 9 */
	p[ICMP_OFF + 1] = 0;
	p[ICMP_OFF + 4] = 9;
	test_decode(&f, DLT_EN10MB, p, sizeof net_unreach_frame);
	test_json_has(&f, "\"pointer\":9");
	test_frame_free(&f);
	free(p);
}

/* ---- ICMPv6 -------------------------------------------------------------- */

static void test_echo6(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_EN10MB, echo6_frame, sizeof echo6_frame);
	const struct lsc_layer *l = test_layer(&f, LSC_PROTO_ICMPV6);
	assert_int_equal(l->offset, ICMP6_OFF);
	assert_int_equal(l->u.icmp.type, 128);
	assert_int_equal(l->u.icmp.code, 0);
	assert_true(l->u.icmp.has_echo);
	assert_int_equal(l->u.icmp.id, 0x4321);
	assert_int_equal(l->u.icmp.seq, 7);
	assert_int_equal(l->u.icmp.csum, LSC_CSUM_GOOD);
	test_summary_is(&f, 2, "echo request id 17185 seq 7");
	test_json_has(&f, "\"proto\":\"icmpv6\",\"offset\":54,\"length\":8,\"type\":128,\"code\":0,"
	                  "\"checksum\":9279,\"checksum_ok\":true,\"id\":17185,\"seq\":7");
	test_frame_free(&f);

	test_decode(&f, DLT_EN10MB, echo6_reply_frame, sizeof echo6_reply_frame);
	l = test_layer(&f, LSC_PROTO_ICMPV6);
	assert_int_equal(l->u.icmp.type, 129);
	assert_int_equal(l->u.icmp.seq, 7);
	assert_int_equal(l->u.icmp.csum, LSC_CSUM_GOOD);
	test_frame_free(&f);

	uint8_t *p = test_copy(echo6_frame, sizeof echo6_frame);
	p[ICMP6_OFF + 9] ^= 0x20;
	test_decode(&f, DLT_EN10MB, p, sizeof echo6_frame);
	assert_int_equal(test_layer(&f, LSC_PROTO_ICMPV6)->u.icmp.csum, LSC_CSUM_BAD);
	test_frame_free(&f);
	free(p);
}

static void test_error6_quotes_udp(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_EN10MB, unreach6_frame, sizeof unreach6_frame);
	assert_int_equal(f.nlayers, 6);
	const struct lsc_layer *ic = &f.layers[2], *qip = &f.layers[3], *qu = &f.layers[4];
	assert_int_equal(ic->u.icmp.type, 1);
	assert_int_equal(ic->u.icmp.code, 4);
	test_summary_is(&f, 2, "destination unreachable: port unreachable");
	assert_int_equal(ic->u.icmp.csum, LSC_CSUM_GOOD);
	assert_int_equal(qip->proto, LSC_PROTO_IPV6);
	assert_true(qip->flags & LSC_LF_QUOTED);
	assert_int_equal(qu->proto, LSC_PROTO_UDP);
	assert_true(qu->flags & LSC_LF_QUOTED);
	assert_int_equal(qu->u.udp.sport, 54954);
	assert_int_equal(qu->u.udp.dport, 9);
	assert_int_equal(qu->u.udp.csum, LSC_CSUM_OFFLOAD);
	assert_ptr_equal(lsc_frame_network(&f), &f.layers[1]);
	assert_false(lsc_frame_damaged(&f));
	test_frame_free(&f);

	/* the same on lo through SLL2 */
	test_decode(&f, DLT_LINUX_SLL2, sll2_unreach6_frame, sizeof sll2_unreach6_frame);
	assert_int_equal(f.layers[2].proto, LSC_PROTO_ICMPV6);
	assert_int_equal(f.layers[2].u.icmp.type, 1);
	assert_int_equal(f.layers[2].u.icmp.csum, LSC_CSUM_GOOD);
	assert_int_equal(f.layers[4].proto, LSC_PROTO_UDP);
	assert_true(f.layers[4].flags & LSC_LF_QUOTED);
	assert_int_equal(f.layers[4].u.udp.sport, 51060);
	test_frame_free(&f);

	/* packet too big carries the MTU */
	uint8_t *p = test_copy(unreach6_frame, sizeof unreach6_frame);
	p[ICMP6_OFF] = 2;
	p[ICMP6_OFF + 1] = 0;
	p[ICMP6_OFF + 6] = 0x05;
	p[ICMP6_OFF + 7] = 0x00;
	test_decode(&f, DLT_EN10MB, p, sizeof unreach6_frame);
	test_json_has(&f, "\"type\":2,\"code\":0,");
	test_json_has(&f, "\"mtu\":1280");
	assert_true(f.layers[3].flags & LSC_LF_QUOTED);
	test_frame_free(&f);
	free(p);
}

static void test_icmp6_truncation(void **state)
{
	(void)state;
	test_truncation_sweep(DLT_EN10MB, echo6_frame, sizeof echo6_frame, LSC_PROTO_ICMPV6, 54, 62);
	test_truncation_sweep(DLT_EN10MB, unreach6_frame, sizeof unreach6_frame, LSC_PROTO_ICMPV6, 54, 62);
	test_expect_damage(DLT_EN10MB, echo6_frame, 60, LSC_PROTO_ICMPV6, LSC_LF_TRUNCATED,
	                   "ICMPv6 header cut short (needs 8 bytes)");
	uint8_t *p = test_copy(echo6_frame, sizeof echo6_frame);
	p[14 + 5] = 6; /* payload length 6: no room for the header */
	test_expect_damage(DLT_EN10MB, p, sizeof echo6_frame, LSC_PROTO_ICMPV6, LSC_LF_MALFORMED,
	                   "ICMPv6 header cut short (needs 8 bytes)");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_error_quotes_tcp),
		cmocka_unit_test(test_error_quotes_8_bytes),
		cmocka_unit_test(test_error_quotes_udp),
		cmocka_unit_test(test_icmp_truncation),
		cmocka_unit_test(test_icmp_impossible),
		cmocka_unit_test(test_icmp_rest_fields),
		cmocka_unit_test(test_echo6),
		cmocka_unit_test(test_error6_quotes_udp),
		cmocka_unit_test(test_icmp6_truncation),
	};
	return cmocka_run_group_tests_name("icmp", tests, NULL, NULL);
}
