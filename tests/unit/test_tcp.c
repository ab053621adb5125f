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

	uint16_t right = (uint16_t)(p[TCP_OFF + 16] << 8 | p[TCP_OFF + 17]);
	p[TCP_OFF + 17] ^= 0x5a; /* neither right nor the offload partial sum */
	test_decode(&f, DLT_EN10MB, p, sizeof p);
	assert_int_equal(test_layer(&f, LSC_PROTO_TCP)->u.tcp.csum, LSC_CSUM_BAD);
	/* the value it should have held, and a note saying so */
	assert_int_equal(test_layer(&f, LSC_PROTO_TCP)->u.tcp.csum_calc, right);
	assert_int_equal(f.nnotes, 1);
	assert_non_null(strstr(f.notes[0], "TCP checksum"));
	assert_non_null(strstr(f.notes[0], "is incorrect"));
	test_frame_free(&f);

	/* The IPv4 header's, likewise. */
	uint16_t ip_right = (uint16_t)(p[24] << 8 | p[25]);
	p[TCP_OFF + 17] ^= 0x5a;
	p[25] ^= 0x01;
	test_decode(&f, DLT_EN10MB, p, sizeof p);
	assert_int_equal(test_layer(&f, LSC_PROTO_IPV4)->u.ipv4.csum, LSC_CSUM_BAD);
	assert_int_equal(test_layer(&f, LSC_PROTO_IPV4)->u.ipv4.csum_calc, ip_right);
	assert_int_equal(test_layer(&f, LSC_PROTO_TCP)->u.tcp.csum, LSC_CSUM_GOOD);
	assert_int_equal(f.nnotes, 1);
	test_frame_free(&f);
	p[25] ^= 0x01;

	/* Offload's partial sum is not called incorrect, and has no note. */
	test_decode(&f, DLT_EN10MB, syn_frame, sizeof syn_frame);
	assert_int_equal(test_layer(&f, LSC_PROTO_TCP)->u.tcp.csum, LSC_CSUM_OFFLOAD);
	assert_int_equal(f.nnotes, 0);
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

/*
 * A snapshot length that cuts the options or the payload leaves the segment
 * as long as the IP header says (tshark's tcp.len); what was captured is apart.
 */
static void test_cut_by_snaplen(void **state)
{
	static struct lsc_frame f;
	uint8_t p[sizeof syn_frame + 40];
	(void)state;
	memcpy(p, syn_frame, sizeof syn_frame);
	memset(p + sizeof syn_frame, 'x', 40);
	p[17] = 0x3c + 40; /* IPv4 total length: 40 bytes of payload more */
	for (size_t cap = TCP_OFF + 20; cap <= sizeof p; cap++) {
		test_decode(&f, DLT_EN10MB, p, cap);
		const struct lsc_layer *l = test_layer(&f, LSC_PROTO_TCP);
		assert_int_equal(l->u.tcp.payload_length, 40);
		assert_int_equal(l->body_len, 40);
		size_t want = cap > TCP_OFF + 40 ? cap - (TCP_OFF + 40) : 0;
		assert_int_equal(l->u.tcp.payload_captured, want);
		/* cut inside the options: truncated, never malformed; the options captured whole are kept */
		assert_int_equal((l->flags & LSC_LF_TRUNCATED) != 0, cap < TCP_OFF + 40);
		assert_int_equal(l->flags & LSC_LF_MALFORMED, 0);
		if (cap == TCP_OFF + 32) /* mss, sack_perm, and the timestamp's first 6 bytes */
			assert_int_equal(l->u.tcp.opt_count, 2);
		test_frame_free(&f);
	}
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

/* The SYN with other options: TFO cookie (8 bytes), MPTCP MP_CAPABLE v1, TFO cookie request, 4 NOPs. */
static void tfo_mptcp_frame(uint8_t *p)
{
	static const uint8_t opts[20] = {
		34, 10, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04,
		30, 4, 0x01, 0x81,
		34, 2,
		1, 1, 1, 1,
	};
	memcpy(p, syn_frame, sizeof syn_frame);
	memcpy(p + TCP_OFF + 20, opts, sizeof opts);
}

static void test_tfo_mptcp(void **state)
{
	static struct lsc_frame f;
	uint8_t p[sizeof syn_frame];
	(void)state;
	tfo_mptcp_frame(p);
	test_decode(&f, DLT_EN10MB, p, sizeof p);
	const struct lsc_tcp *t = &test_layer(&f, LSC_PROTO_TCP)->u.tcp;
	assert_int_equal(t->opt_count, 7);
	const struct lsc_tcp_opt *o = &f.tcp_opts[t->opt_first];
	assert_int_equal(o[0].kind, LSC_TCPOPT_TFO);
	assert_false(o[0].bad);
	assert_int_equal(o[0].v[0], 0xdeadbeef);
	assert_int_equal(o[0].v[1], 0x01020304);
	assert_int_equal(o[1].kind, LSC_TCPOPT_MPTCP);
	assert_int_equal(o[1].v[0], 0); /* MP_CAPABLE */
	assert_int_equal(o[1].v[1], 1); /* version 1 */
	assert_int_equal(o[2].kind, LSC_TCPOPT_TFO);
	assert_int_equal(o[2].length, 2);

	/* Every format gets them through the field table: the JSON shows names and contents. */
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	const struct lsc_renderer *r = lsc_renderer_find("json");
	struct lsc_render_opts ro = { 0 };
	void *st = r->begin(out, &ro);
	r->frame(st, &f);
	r->end(st);
	fclose(out);
	assert_non_null(strstr(buf, "{\"kind\":34,\"length\":10,\"name\":\"tfo\",\"cookie\":\"deadbeef01020304\"}"));
	assert_non_null(strstr(buf, "{\"kind\":30,\"length\":4,\"name\":\"mptcp\",\"subtype\":0,\"version\":1}"));
	assert_non_null(strstr(buf, "{\"kind\":34,\"length\":2,\"name\":\"tfo\",\"request\":true}"));
	free(buf);
	test_frame_free(&f);

	/* Impossible lengths: MPTCP shorter than 3, a TFO cookie of 2 bytes. */
	tfo_mptcp_frame(p);
	p[TCP_OFF + 20 + 11] = 2; /* MPTCP length 2: its subtype byte becomes the next option */
	p[TCP_OFF + 20 + 12] = 1;
	p[TCP_OFF + 20 + 13] = 1;
	p[TCP_OFF + 20 + 1] = 4; /* TFO length 4: a 2-byte cookie */
	p[TCP_OFF + 20 + 4] = 1;
	p[TCP_OFF + 20 + 5] = 1;
	p[TCP_OFF + 20 + 6] = 1;
	p[TCP_OFF + 20 + 7] = 1;
	p[TCP_OFF + 20 + 8] = 1;
	p[TCP_OFF + 20 + 9] = 1;
	test_decode(&f, DLT_EN10MB, p, sizeof p);
	t = &test_layer(&f, LSC_PROTO_TCP)->u.tcp;
	o = &f.tcp_opts[t->opt_first];
	assert_int_equal(o[0].kind, LSC_TCPOPT_TFO);
	assert_true(o[0].bad);
	bool saw_mptcp = false;
	for (unsigned i = 0; i < t->opt_count; i++)
		if (o[i].kind == LSC_TCPOPT_MPTCP) {
			assert_true(o[i].bad);
			saw_mptcp = true;
		}
	assert_true(saw_mptcp);
	test_frame_free(&f);
}

/*
 * A named kind (TFO, MPTCP) with a length below 2, or a kind with its length
 * missing, or one past the header: the layer is malformed, and every format
 * shows the option as it is (kind, length, error) without reading a body it
 * does not have.  The fuzzer found TFO lengths 0 and 168 read as cookies.
 */
static void test_named_kind_short_length(void **state)
{
	static struct lsc_frame f;
	static const uint8_t kinds[] = { LSC_TCPOPT_TFO, LSC_TCPOPT_MPTCP };
	uint8_t p[sizeof syn_frame];
	(void)state;
	for (unsigned k = 0; k < sizeof kinds; k++) {
		for (uint8_t len = 0; len <= 3; len++) {
			memcpy(p, syn_frame, sizeof p);
			p[TCP_OFF + 20] = kinds[k];
			p[TCP_OFF + 21] = len == 3 ? 168 : len; /* 3: a length past the header */
			if (len == 2) { /* as the last byte: its length is missing */
				p[TCP_OFF + 36] = 1;
				p[TCP_OFF + 37] = 1;
				p[TCP_OFF + 38] = 1;
				p[TCP_OFF + 39] = kinds[k];
			}
			test_decode(&f, DLT_EN10MB, p, sizeof p);
			const struct lsc_layer *l = test_layer(&f, LSC_PROTO_TCP);
			assert_true(l->flags & LSC_LF_MALFORMED);
			for (size_t r = 0; lsc_renderer_at(r) != NULL; r++) {
				char *buf = NULL;
				size_t n = 0;
				FILE *out = open_memstream(&buf, &n);
				assert_non_null(out);
				struct lsc_render_opts ro = { 0 };
				void *st = lsc_renderer_at(r)->begin(out, &ro);
				assert_non_null(st);
				lsc_renderer_at(r)->frame(st, &f);
				lsc_renderer_at(r)->end(st);
				fclose(out);
				if (strcmp(lsc_renderer_at(r)->name, "json") == 0 && len != 2) {
					char want[64];
					snprintf(want, sizeof want, "{\"kind\":%u,\"length\":%u,\"error\"", kinds[k],
					         len == 3 ? 168u : len);
					assert_non_null(strstr(buf, want));
				}
				free(buf);
			}
			test_frame_free(&f);
		}
	}
}

static void test_tfo_mptcp_truncation(void **state)
{
	uint8_t p[sizeof syn_frame];
	(void)state;
	tfo_mptcp_frame(p);
	test_truncation_sweep(DLT_EN10MB, p, sizeof p, LSC_PROTO_TCP, TCP_OFF, TCP_OFF + 40);
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
		cmocka_unit_test(test_cut_by_snaplen),
		cmocka_unit_test(test_impossible_lengths),
		cmocka_unit_test(test_wrong_length_for_kind),
		cmocka_unit_test(test_tfo_mptcp),
		cmocka_unit_test(test_tfo_mptcp_truncation),
		cmocka_unit_test(test_named_kind_short_length),
	};
	return cmocka_run_group_tests_name("tcp", tests, NULL, NULL);
}
