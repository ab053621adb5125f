/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp.c: the TCP decoder: fields, every option, truncation, impossible lengths, checksums. */
#include <config.h>

#include <pcap/dlt.h>

#include "unit.h"
#include "../../src/decode/decode-int.h"

/* A Linux SYN on lo: mss 65495, sackOK, TS val 3744906744 ecr 0, nop, wscale 10.
 * The TCP checksum (0xfe30) is the partial sum checksum offload leaves. */
static const uint8_t syn_frame[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x3c, 0x81, 0x68, 0x40, 0x00, 0x40, 0x06, 0xbb, 0x51,
	0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
	0x9f, 0xf6, 0x83, 0xcf, 0x43, 0x41, 0x1b, 0x1d, 0x00, 0x00, 0x00, 0x00,
	0xa0, 0x02, 0xff, 0xd7, 0xfe, 0x30, 0x00, 0x00,
	0x02, 0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, 0xdf, 0x36, 0xbd, 0xf8,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};
#define TCP_OFF 34

static void test_syn_fields(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_EN10MB, syn_frame, sizeof syn_frame);
	assert_int_equal(f.nlayers, 3);
	const struct lsc_layer *l = test_layer(&f, LSC_PROTO_TCP);
	const struct lsc_tcp *t = &l->u.tcp;
	assert_int_equal(l->offset, TCP_OFF);
	assert_int_equal(l->hdr_len, 40);
	assert_int_equal(t->sport, 40950);
	assert_int_equal(t->dport, 33743);
	assert_int_equal(t->seq, 1128340253u);
	assert_int_equal(t->ack, 0);
	assert_int_equal(t->data_offset, 40);
	assert_int_equal(t->flags, LSC_TCP_SYN);
	assert_int_equal(t->window, 65495);
	assert_int_equal(t->checksum, 0xfe30);
	assert_int_equal(t->csum, LSC_CSUM_OFFLOAD);
	assert_int_equal(t->payload_length, 0);
	assert_int_equal(l->flags & (LSC_LF_TRUNCATED | LSC_LF_MALFORMED), 0);

	assert_int_equal(t->opt_count, 5);
	const struct lsc_tcp_opt *o = &f.tcp_opts[t->opt_first];
	assert_int_equal(o[0].kind, LSC_TCPOPT_MSS);
	assert_int_equal(o[0].v[0], 65495);
	assert_int_equal(o[1].kind, LSC_TCPOPT_SACK_PERM);
	assert_int_equal(o[2].kind, LSC_TCPOPT_TIMESTAMP);
	assert_int_equal(o[2].v[0], 3744906744u);
	assert_int_equal(o[2].v[1], 0);
	assert_int_equal(o[3].kind, LSC_TCPOPT_NOP);
	assert_int_equal(o[4].kind, LSC_TCPOPT_WSCALE);
	assert_int_equal(o[4].v[0], 10);
	assert_false(o[4].bad);
	test_frame_free(&f);
}

/* Fixes the TCP checksum of a copy of syn_frame after an edit. */
static void fix_tcp_checksum(uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	p[TCP_OFF + 16] = p[TCP_OFF + 17] = 0;
	for (size_t i = 26; i < 34; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	sum += 6 + (uint32_t)(n - TCP_OFF);
	for (size_t i = TCP_OFF; i < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | (i + 1 < n ? p[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	p[TCP_OFF + 16] = (uint8_t)(sum >> 8);
	p[TCP_OFF + 17] = (uint8_t)sum;
}

static void test_checksum_verdicts(void **state)
{
	static struct lsc_frame f;
	uint8_t p[sizeof syn_frame];
	(void)state;
	memcpy(p, syn_frame, sizeof p);
	fix_tcp_checksum(p, sizeof p);
	test_decode(&f, DLT_EN10MB, p, sizeof p);
	assert_int_equal(test_layer(&f, LSC_PROTO_TCP)->u.tcp.csum, LSC_CSUM_GOOD);
	assert_int_equal(test_layer(&f, LSC_PROTO_IPV4)->u.ipv4.csum, LSC_CSUM_GOOD);
	test_frame_free(&f);

	p[TCP_OFF + 17] ^= 0x5a; /* neither right nor the offload partial sum */
	test_decode(&f, DLT_EN10MB, p, sizeof p);
	assert_int_equal(test_layer(&f, LSC_PROTO_TCP)->u.tcp.csum, LSC_CSUM_BAD);
	test_frame_free(&f);

	/* A capture cut inside the segment cannot be verified. */
	test_decode(&f, DLT_EN10MB, syn_frame, sizeof syn_frame - 1);
	assert_int_equal(test_layer(&f, LSC_PROTO_TCP)->u.tcp.csum, LSC_CSUM_UNKNOWN);
	test_frame_free(&f);
}

/* RFC 1071 taken literally: big-endian 16-bit words, the odd byte padded with zero. */
static uint32_t csum_reference(uint32_t sum, const uint8_t *p, size_t n)
{
	uint64_t acc = sum;
	for (size_t i = 0; i < n; i += 2)
		acc += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
	while (acc >> 16)
		acc = (acc & 0xffffu) + (acc >> 16);
	return (uint32_t)acc;
}

/* The word-at-a-time sum against the literal one: every length, alignment and carry. */
static void test_checksum_sum(void **state)
{
	(void)state;
	uint8_t buf[300];
	uint32_t seed = 12345;
	for (int round = 0; round < 4; round++) {
		for (size_t i = 0; i < sizeof buf; i++) {
			seed = seed * 1103515245u + 12345u;
			/* round 1: all 0xff, the most carries; round 2: all zero */
			buf[i] = round == 1 ? 0xff : round == 2 ? 0 : (uint8_t)(seed >> 16);
		}
		for (size_t off = 0; off < 8; off++)
			for (size_t n = 0; n + off <= sizeof buf; n++) {
				uint32_t start = (uint32_t)(n * 2654435761u) & 0x1ffffu;
				assert_int_equal(lsc_csum_fold(lsc_csum_add(start, buf + off, n)),
				                 csum_reference(start, buf + off, n));
				assert_true(lsc_csum_add(start, buf + off, n) <= 0xffffu);
			}
	}
}

static void test_truncation(void **state)
{
	(void)state;
	test_truncation_sweep(DLT_EN10MB, syn_frame, sizeof syn_frame, LSC_PROTO_TCP,
	                      TCP_OFF, TCP_OFF + 40);
}

static void expect_malformed(const uint8_t *p, size_t n, const char *reason)
{
	static struct lsc_frame f;
	test_decode(&f, DLT_EN10MB, p, n);
	const struct lsc_layer *l = test_layer(&f, LSC_PROTO_TCP);
	assert_true(l->flags & LSC_LF_MALFORMED);
	assert_string_equal(l->reason, reason);
	/* the malformed layer is the last decoded; only payload may follow */
	for (const struct lsc_layer *q = l + 1; q < f.layers + f.nlayers; q++)
		assert_int_equal(q->proto, LSC_PROTO_PAYLOAD);
	test_frame_free(&f);
}

static void test_impossible_lengths(void **state)
{
	uint8_t p[sizeof syn_frame];
	(void)state;

	memcpy(p, syn_frame, sizeof p);
	p[TCP_OFF + 12] = 0x40; /* data offset 16 bytes */
	expect_malformed(p, sizeof p, "TCP data offset < 20");

	memcpy(p, syn_frame, sizeof p);
	p[TCP_OFF + 12] = 0xf0; /* 60 bytes, but the IP datagram holds 40 */
	expect_malformed(p, sizeof p, "TCP data offset past the segment");

	memcpy(p, syn_frame, sizeof p);
	p[TCP_OFF + 21] = 0x30; /* MSS option claims 48 bytes */
	expect_malformed(p, sizeof p, "TCP option runs past the header");

	memcpy(p, syn_frame, sizeof p);
	p[TCP_OFF + 21] = 0x01; /* MSS option length 1 */
	expect_malformed(p, sizeof p, "TCP option length < 2");

	memcpy(p, syn_frame, sizeof p);
	p[TCP_OFF + 37] = 0x01; /* wscale becomes two NOPs and a kind 0x22 */
	p[TCP_OFF + 38] = 0x01;
	p[TCP_OFF + 39] = 0x22; /* as the last byte: its length is missing */
	expect_malformed(p, sizeof p, "TCP option length missing");
}

static void test_wrong_length_for_kind(void **state)
{
	static struct lsc_frame f;
	uint8_t p[sizeof syn_frame];
	(void)state;
	memcpy(p, syn_frame, sizeof p);
	/* wscale (offset 37) with length 2 instead of 3: the shift byte becomes a NOP */
	p[TCP_OFF + 38] = 0x02;
	p[TCP_OFF + 39] = 0x01;
	p[TCP_OFF + 37] = 0x03;
	test_decode(&f, DLT_EN10MB, p, sizeof p);
	const struct lsc_tcp *t = &test_layer(&f, LSC_PROTO_TCP)->u.tcp;
	const struct lsc_tcp_opt *o = &f.tcp_opts[t->opt_first + t->opt_count - 2];
	assert_int_equal(o->kind, LSC_TCPOPT_WSCALE);
	assert_true(o->bad);
	test_frame_free(&f);
}

/* The own-layer table agrees with the protocols' TCP/IP layers (ARP, a network layer, excepted). */
static void test_own_kind_table(void **state)
{
	(void)state;
	assert_true(lsc_own_kind_agrees());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_kind_table),
		cmocka_unit_test(test_syn_fields),
		cmocka_unit_test(test_checksum_verdicts),
		cmocka_unit_test(test_checksum_sum),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_impossible_lengths),
		cmocka_unit_test(test_wrong_length_for_kind),
	};
	return cmocka_run_group_tests_name("tcp", tests, NULL, NULL);
}
