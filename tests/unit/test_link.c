/* SPDX-License-Identifier: BSD-3-Clause */
/* test_link.c: the link-layer decoders: 802.2 LLC and SNAP, VLAN tags (stacked), Linux SLL and SLL2, BSD NULL/LOOP. */
#include <config.h>

#include <pcap/dlt.h>

#include "decode-test.h"
#include "veth-frames.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

/* $CORPORA/tcpdump/802.1D_spanning_tree.pcap, frame 1: 802.3 length 38, LLC 42/42 UI, an STP BPDU, 8 bytes of padding. */
static const uint8_t stp_frame[] = {
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, 0x00, 0x19, 0x06, 0xea, 0xb8, 0x85,
	0x00, 0x26, 0x42, 0x42, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x01,
	0x00, 0x19, 0x06, 0xea, 0xb8, 0x80, 0x00, 0x00, 0x00, 0x00, 0x80, 0x01,
	0x00, 0x19, 0x06, 0xea, 0xb8, 0x80, 0x80, 0x05, 0x00, 0x00, 0x14, 0x00,
	0x02, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* $CORPORA/tcpdump/kday4.pcap, frame 3: type field 0x0200 (512, so an 802.3 length), read as an LLC I-frame. */
static const uint8_t iframe_frame[] = {
	0x0c, 0xc4, 0x7a, 0x08, 0xe9, 0x12, 0x84, 0xb5, 0x9c, 0xbe, 0x30, 0x48,
	0x02, 0x00, 0x45, 0x10, 0x00, 0x34, 0xf5, 0xc8, 0x40, 0x00, 0x3e, 0x06,
	0x45, 0x04, 0xcc, 0x09, 0x33, 0x84, 0xcc, 0x09, 0x36, 0x50, 0xc3, 0x9f,
	0x00, 0x16, 0x49, 0xd1, 0xc8, 0x54, 0x6c, 0x6f, 0x13, 0x22, 0x80, 0x10,
	0x0f, 0xfc, 0x85, 0x8b, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x38, 0x1c,
	0x32, 0x09, 0x4f, 0xe7, 0xcf, 0xd4,
};

/* arp_request (veth-frames.h) re-encapsulated as RFC 1042 does on 802.3: length 36, LLC AA/AA UI, SNAP OUI 0 PID 0x0806. */
static uint8_t snap_frame[sizeof arp_request + 8];

/* $CORPORA/tcpdump/ipv4_tcp_http_xml.pcap, frame 1, first 72 of 663 bytes: one 802.1Q tag, VLAN 165. */
static const uint8_t vlan_frame[] = {
	0x00, 0x03, 0xb2, 0x78, 0x04, 0x17, 0x00, 0x50, 0x56, 0x9f, 0x36, 0x9f,
	0x81, 0x00, 0x00, 0xa5, 0x08, 0x00, 0x45, 0x00, 0x02, 0x85, 0x59, 0xef,
	0x40, 0x00, 0x80, 0x06, 0x19, 0x27, 0x0a, 0x15, 0x0b, 0x5e, 0x0a, 0x72,
	0x65, 0x78, 0x00, 0x50, 0x16, 0x87, 0x36, 0x27, 0xf4, 0x12, 0xa0, 0x8e,
	0xb5, 0x75, 0x50, 0x18, 0xf9, 0x06, 0xbd, 0xc4, 0x00, 0x00, 0x48, 0x54,
	0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31, 0x20, 0x32, 0x30, 0x30, 0x20, 0x4f,
};

/*
 * Stacked tags (QinQ).  No peer capture has two tags and the test machine's
 * kernel has no 8021q module, so this is udp_frame (veth-frames.h) with an
 * 802.1ad service tag (pcp 3, VLAN 200) and an 802.1Q customer tag (pcp 5,
 * DEI, VLAN 100) inserted after the MAC addresses.
 */
static uint8_t qinq_frame[sizeof udp_frame + 8];

static int build_frames(void **state)
{
	static const uint8_t llc_snap[] = { 0x00, 0x24, 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x06 };
	static const uint8_t tags[] = { 0x88, 0xa8, 0x60, 0xc8, 0x81, 0x00, 0xb0, 0x64 };
	(void)state;
	memcpy(snap_frame, arp_request, 12);
	memcpy(snap_frame + 12, llc_snap, sizeof llc_snap);
	memcpy(snap_frame + 22, arp_request + 14, sizeof arp_request - 14);
	memcpy(qinq_frame, udp_frame, 12);
	memcpy(qinq_frame + 12, tags, sizeof tags);
	memcpy(qinq_frame + 20, udp_frame + 12, sizeof udp_frame - 12);
	return 0;
}

/* $CORPORA/local/lo_linux_sll.pcap, frame 11: UDP "udp hello" on lo, pkttype 0, hatype 772 (loopback). */
static const uint8_t sll_frame[] = {
	0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x08, 0x00, 0x45, 0x00, 0x00, 0x25, 0x9a, 0xdb, 0x40, 0x00,
	0x40, 0x11, 0xa1, 0xea, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
	0xb6, 0x05, 0xb6, 0x05, 0x00, 0x11, 0xfe, 0x24, 0x75, 0x64, 0x70, 0x20,
	0x68, 0x65, 0x6c, 0x6c, 0x6f,
};

/* $CORPORA/local/lo_linux_sll2.pcap, frame 11: the same datagram through `-i any`, ifindex 1. */
static const uint8_t sll2_frame[] = {
	0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04, 0x00, 0x06,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x25,
	0x99, 0x80, 0x40, 0x00, 0x40, 0x11, 0xa3, 0x45, 0x7f, 0x00, 0x00, 0x01,
	0x7f, 0x00, 0x00, 0x01, 0x97, 0xc2, 0x97, 0xc2, 0x00, 0x11, 0xfe, 0x24,
	0x75, 0x64, 0x70, 0x20, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
};

/* $CORPORA/tcpdump/dns-badcookie.pcap, frame 1 (72 bytes): family 2 little-endian, a DNS query over UDP. */
static const uint8_t null_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x44, 0x00, 0x0f, 0x00, 0x00,
	0x40, 0x11, 0x00, 0x00, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
	0xd6, 0xaa, 0x00, 0x35, 0x00, 0x30, 0xfe, 0x43, 0xf6, 0xab, 0x01, 0x20,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x06, 0x00,
	0x01, 0x00, 0x00, 0x29, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c,
	0x00, 0x0a, 0x00, 0x08, 0x36, 0xbf, 0x11, 0x1f, 0xef, 0x2e, 0x01, 0x09,
};

/* $CORPORA/tcpdump/quic_handshake.pcap, frame 1, first 60 of 1252 bytes: family 30 (macOS AF_INET6). */
static const uint8_t null6_frame[] = {
	0x1e, 0x00, 0x00, 0x00, 0x60, 0x0a, 0x0f, 0x00, 0x04, 0xb8, 0x11, 0x40,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xc5, 0xae, 0x01, 0xbb,
	0x04, 0xb8, 0x04, 0xcb, 0xce, 0x00, 0x00, 0x00, 0x01, 0x08, 0x84, 0xac,
};

/* ---- LLC ----------------------------------------------------------------- */

static void test_llc_stp(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_EN10MB, stp_frame, sizeof stp_frame);
	assert_int_equal(f.nlayers, 3);
	const struct lsc_layer *l = test_layer(&f, LSC_PROTO_LLC);
	assert_int_equal(l->offset, 14);
	assert_int_equal(l->hdr_len, 3);
	assert_int_equal(l->u.llc.length, 38);
	assert_int_equal(l->u.llc.dsap, 0x42);
	assert_int_equal(l->u.llc.ssap, 0x42);
	assert_int_equal(l->u.llc.control, 0x03);
	assert_false(l->u.llc.snap);
	/* the BPDU is the payload; the 8 padding bytes past the 802.3 length are not */
	assert_int_equal(f.layers[2].proto, LSC_PROTO_PAYLOAD);
	assert_int_equal(f.layers[2].u.payload.length, 35);
	assert_false(lsc_frame_damaged(&f));
	test_summary_is(&f, 1, "DSAP 0x42 (Spanning Tree BPDU) SSAP 0x42 U-frame UI");
	test_json_has(&f, "\"proto\":\"llc\",\"offset\":14,\"length\":3,\"ieee8023_length\":38,"
	                  "\"dsap\":66,\"ssap\":66,\"control\":3");
	test_frame_free(&f);
}

static void test_llc_iframe(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_EN10MB, iframe_frame, sizeof iframe_frame);
	const struct lsc_layer *e = test_layer(&f, LSC_PROTO_ETH);
	const struct lsc_layer *l = test_layer(&f, LSC_PROTO_LLC);
	assert_true(e->flags & LSC_LF_CLIPPED); /* 512 claimed, 52 captured */
	assert_int_equal(l->hdr_len, 4);
	assert_int_equal(l->u.llc.dsap, 0x45);
	assert_int_equal(l->u.llc.ssap, 0x10);
	assert_int_equal(l->u.llc.control, 0x3400); /* N(S) 0, N(R) 26, as tshark shows it */
	test_frame_free(&f);
}

static void test_llc_snap(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_EN10MB, snap_frame, sizeof snap_frame);
	assert_int_equal(f.nlayers, 3);
	const struct lsc_layer *l = test_layer(&f, LSC_PROTO_LLC);
	assert_true(l->u.llc.snap);
	assert_int_equal(l->hdr_len, 8);
	assert_int_equal(l->u.llc.oui, 0);
	assert_int_equal(l->u.llc.pid, 0x0806);
	assert_int_equal(f.layers[2].proto, LSC_PROTO_ARP);
	assert_int_equal(f.layers[2].u.arp.op, 1);
	test_json_has(&f, "\"oui\":0,\"pid\":2054");
	test_summary_is(&f, 1, "DSAP 0xaa (SNAP) SSAP 0xaa U-frame UI OUI 0x000000 PID 0x0806");
	test_frame_free(&f);
}

static void test_llc_truncation(void **state)
{
	(void)state;
	test_truncation_sweep(DLT_EN10MB, stp_frame, sizeof stp_frame, LSC_PROTO_LLC, 14, 17);
	test_truncation_sweep(DLT_EN10MB, snap_frame, sizeof snap_frame, LSC_PROTO_LLC, 14, 22);
}

static void test_llc_impossible(void **state)
{
	uint8_t *p = test_copy(stp_frame, sizeof stp_frame);
	(void)state;
	/* an 802.3 length of 2 leaves no room for the 3-byte LLC header: the length lies */
	p[13] = 2;
	test_expect_damage(DLT_EN10MB, p, sizeof stp_frame, LSC_PROTO_LLC, LSC_LF_MALFORMED,
	                   "LLC header cut short (needs 3 bytes)");
	/* a SNAP header that the 802.3 length cuts */
	free(p);
	p = test_copy(snap_frame, sizeof snap_frame);
	p[13] = 6;
	test_expect_damage(DLT_EN10MB, p, sizeof snap_frame, LSC_PROTO_LLC, LSC_LF_MALFORMED,
	                   "SNAP header cut short (needs 8 bytes)");
	free(p);
}

static void test_novell_raw(void **state)
{
	static struct lsc_frame f;
	uint8_t *p = test_copy(stp_frame, sizeof stp_frame);
	(void)state;
	p[14] = p[15] = 0xff; /* IPX checksum where DSAP/SSAP would be */
	test_decode(&f, DLT_EN10MB, p, sizeof stp_frame);
	assert_int_equal(f.nlayers, 2);
	assert_int_equal(f.layers[1].proto, LSC_PROTO_PAYLOAD);
	assert_int_equal(f.layers[1].u.payload.length, 38);
	assert_int_equal(f.nnotes, 1);
	assert_string_equal(f.notes[0], "802.3 frame without an LLC header: Novell raw IPX");
	test_frame_free(&f);
	free(p);
}

/* ---- VLAN ---------------------------------------------------------------- */

static void test_vlan_single(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_EN10MB, vlan_frame, sizeof vlan_frame);
	const struct lsc_layer *v = test_layer(&f, LSC_PROTO_VLAN);
	assert_int_equal(v->offset, 14);
	assert_int_equal(v->hdr_len, 4);
	assert_int_equal(v->u.vlan.tpid, 0x8100);
	assert_int_equal(v->u.vlan.id, 165);
	assert_int_equal(v->u.vlan.pcp, 0);
	assert_int_equal(v->u.vlan.dei, 0);
	assert_int_equal(v->u.vlan.type, 0x0800);
	assert_int_equal(lsc_proto_get(LSC_PROTO_VLAN)->tcpip, LSC_TCPIP_LINK);
	assert_int_equal(test_layer(&f, LSC_PROTO_IPV4)->offset, 18);
	assert_int_equal(test_layer(&f, LSC_PROTO_TCP)->u.tcp.dport, 5767);
	test_json_has(&f, "\"proto\":\"vlan\",\"offset\":14,\"length\":4,\"tpid\":33024,"
	                  "\"pcp\":0,\"dei\":0,\"id\":165,\"type\":2048");
	test_frame_free(&f);
}

static void test_vlan_stacked(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_EN10MB, qinq_frame, sizeof qinq_frame);
	assert_int_equal(f.nlayers, 6);
	const struct lsc_layer *outer = &f.layers[1], *inner = &f.layers[2];
	assert_int_equal(outer->proto, LSC_PROTO_VLAN);
	assert_int_equal(inner->proto, LSC_PROTO_VLAN);
	assert_int_equal(outer->u.vlan.tpid, 0x88a8);
	assert_int_equal(outer->u.vlan.id, 200);
	assert_int_equal(outer->u.vlan.pcp, 3);
	assert_int_equal(outer->u.vlan.dei, 0);
	assert_int_equal(outer->u.vlan.type, 0x8100);
	assert_int_equal(inner->offset, 18);
	assert_int_equal(inner->u.vlan.tpid, 0x8100);
	assert_int_equal(inner->u.vlan.id, 100);
	assert_int_equal(inner->u.vlan.pcp, 5);
	assert_int_equal(inner->u.vlan.dei, 1);
	assert_int_equal(inner->u.vlan.type, 0x0800);
	test_summary_is(&f, 1, "s-vlan 200 pcp 3");
	test_summary_is(&f, 2, "vlan 100 pcp 5 dei");
	const struct lsc_layer *u = test_layer(&f, LSC_PROTO_UDP);
	assert_int_equal(u->u.udp.sport, 34854);
	assert_int_equal(u->u.udp.dport, 9);
	/* recorded on the sender, whose checksum offload left the pseudo-header sum */
	assert_int_equal(u->u.udp.csum, LSC_CSUM_OFFLOAD);
	assert_int_equal(f.layers[5].u.payload.length, 5);
	test_frame_free(&f);

	/* the pre-standard 0x9100 outer tag is a tag too */
	uint8_t *p = test_copy(qinq_frame, sizeof qinq_frame);
	p[12] = 0x91;
	p[13] = 0x00;
	test_decode(&f, DLT_EN10MB, p, sizeof qinq_frame);
	assert_int_equal(f.layers[1].proto, LSC_PROTO_VLAN);
	assert_int_equal(f.layers[1].u.vlan.tpid, 0x9100);
	assert_int_equal(f.layers[2].proto, LSC_PROTO_VLAN);
	test_frame_free(&f);
	free(p);
}

static void test_vlan_truncation(void **state)
{
	(void)state;
	test_truncation_sweep(DLT_EN10MB, qinq_frame, sizeof qinq_frame, LSC_PROTO_VLAN, 14, 18);
	/* cut inside the inner tag: the second VLAN layer is the truncated one */
	static struct lsc_frame f;
	test_decode(&f, DLT_EN10MB, qinq_frame, 20);
	assert_int_equal(f.nlayers, 3);
	assert_true(f.layers[1].flags == 0);
	assert_true(f.layers[2].flags & LSC_LF_TRUNCATED);
	assert_string_equal(f.layers[2].reason, "VLAN tag cut short (needs 4 bytes)");
	assert_int_equal(f.layers[2].u.vlan.id, 100); /* the TCI was captured */
	test_frame_free(&f);
}

static void test_vlan_length_type(void **state)
{
	static struct lsc_frame f;
	uint8_t p[sizeof stp_frame + 4];
	(void)state;
	/* 802.1Q tag in front of an 802.3 length: LLC follows, as on the untagged frame */
	memcpy(p, stp_frame, 12);
	p[12] = 0x81;
	p[13] = 0x00;
	p[14] = 0x00;
	p[15] = 0x07;
	memcpy(p + 16, stp_frame + 12, sizeof stp_frame - 12);
	test_decode(&f, DLT_EN10MB, p, sizeof p);
	assert_int_equal(f.layers[1].u.vlan.type, 38);
	const struct lsc_layer *l = test_layer(&f, LSC_PROTO_LLC);
	assert_int_equal(l->offset, 18);
	assert_int_equal(l->u.llc.length, 38);
	assert_int_equal(l->u.llc.dsap, 0x42);
	test_frame_free(&f);
}

/* ---- SLL and SLL2 -------------------------------------------------------- */

static void test_sll_fields(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_LINUX_SLL, sll_frame, sizeof sll_frame);
	assert_int_equal(f.nlayers, 4);
	const struct lsc_sll *s = &test_layer(&f, LSC_PROTO_SLL)->u.sll;
	assert_int_equal(f.layers[0].hdr_len, 16);
	assert_int_equal(s->pkttype, 0);
	assert_int_equal(s->hatype, 772);
	assert_int_equal(s->addrlen, 6);
	assert_int_equal(s->protocol, 0x0800);
	assert_int_equal(f.direction, LSC_DIR_IN);
	test_summary_is(&f, 0, "unicast to us from 00:00:00:00:00:00");
	assert_int_equal(test_layer(&f, LSC_PROTO_IPV4)->offset, 16);
	assert_int_equal(test_layer(&f, LSC_PROTO_UDP)->u.udp.sport, 46597);
	test_json_has(&f, "\"proto\":\"sll\",\"offset\":0,\"length\":16,\"pkttype\":0,\"hatype\":772,"
	                  "\"addrlen\":6,\"addr\":\"00:00:00:00:00:00\",\"protocol\":2048");
	test_frame_free(&f);

	uint8_t *p = test_copy(sll_frame, sizeof sll_frame);
	p[1] = 4; /* sent by us */
	test_decode(&f, DLT_LINUX_SLL, p, sizeof sll_frame);
	assert_int_equal(f.direction, LSC_DIR_OUT);
	test_frame_free(&f);
	p[1] = 0;
	p[5] = 20; /* addrlen past the 8-byte field: shown capped */
	memset(p + 6, 0xab, 8);
	test_decode(&f, DLT_LINUX_SLL, p, sizeof sll_frame);
	test_json_has(&f, "\"addrlen\":20,\"addr\":\"ab:ab:ab:ab:ab:ab:ab:ab\"");
	test_frame_free(&f);
	free(p);
}

static void test_sll_protocols(void **state)
{
	static struct lsc_frame f;
	uint8_t p[16 + sizeof stp_frame - 14];
	(void)state;
	/* protocol 4 (ETH_P_802_2): the STP BPDU's LLC header follows directly */
	memcpy(p, sll_frame, 16);
	p[14] = 0x00;
	p[15] = 0x04;
	memcpy(p + 16, stp_frame + 14, sizeof stp_frame - 14);
	test_decode(&f, DLT_LINUX_SLL, p, sizeof p);
	const struct lsc_layer *l = test_layer(&f, LSC_PROTO_LLC);
	assert_int_equal(l->offset, 16);
	assert_int_equal(l->u.llc.dsap, 0x42);
	assert_int_equal(l->u.llc.length, sizeof p - 16); /* no 802.3 length: what was captured */
	test_frame_free(&f);

	/* protocol 1 (ETH_P_802_3, Novell raw IPX) and 0x0c (CAN) are no EtherTypes: payload */
	p[15] = 0x01;
	test_decode(&f, DLT_LINUX_SLL, p, sizeof p);
	assert_int_equal(f.nlayers, 2);
	assert_int_equal(f.layers[1].proto, LSC_PROTO_PAYLOAD);
	test_json_has(&f, "\"protocol\":1");
	test_frame_free(&f);
	p[15] = 0x0c;
	test_decode(&f, DLT_LINUX_SLL, p, sizeof p);
	assert_int_equal(f.layers[1].proto, LSC_PROTO_PAYLOAD);
	test_frame_free(&f);

	/* netlink (hatype 824): the protocol is a netlink family, even 0x0800 */
	uint8_t *n = test_copy(sll_frame, sizeof sll_frame);
	n[2] = 0x03;
	n[3] = 0x38;
	test_decode(&f, DLT_LINUX_SLL, n, sizeof sll_frame);
	assert_int_equal(f.nlayers, 2);
	assert_int_equal(f.layers[1].proto, LSC_PROTO_PAYLOAD);
	test_frame_free(&f);
	free(n);
}

static void test_sll2_fields(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_LINUX_SLL2, sll2_frame, sizeof sll2_frame);
	assert_int_equal(f.nlayers, 4);
	const struct lsc_layer *l = test_layer(&f, LSC_PROTO_SLL2);
	assert_int_equal(l->hdr_len, 20);
	assert_int_equal(l->u.sll.protocol, 0x0800);
	assert_int_equal(l->u.sll.ifindex, 1);
	assert_int_equal(l->u.sll.hatype, 772);
	assert_int_equal(l->u.sll.pkttype, 0);
	assert_int_equal(l->u.sll.addrlen, 6);
	assert_int_equal(f.direction, LSC_DIR_IN);
	assert_int_equal(test_layer(&f, LSC_PROTO_IPV4)->offset, 20);
	test_summary_is(&f, 0, "ifindex 1 unicast to us from 00:00:00:00:00:00");
	test_json_has(&f, "\"proto\":\"sll2\",\"offset\":0,\"length\":20,\"protocol\":2048,\"ifindex\":1,"
	                  "\"hatype\":772,\"pkttype\":0,\"addrlen\":6,\"addr\":\"00:00:00:00:00:00\"");
	test_frame_free(&f);

	uint8_t *p = test_copy(sll2_frame, sizeof sll2_frame);
	p[10] = 4;
	test_decode(&f, DLT_LINUX_SLL2, p, sizeof sll2_frame);
	assert_int_equal(f.direction, LSC_DIR_OUT);
	test_frame_free(&f);
	free(p);
}

static void test_sll_truncation(void **state)
{
	(void)state;
	test_truncation_sweep(DLT_LINUX_SLL, sll_frame, sizeof sll_frame, LSC_PROTO_SLL, 0, 16);
	test_truncation_sweep(DLT_LINUX_SLL2, sll2_frame, sizeof sll2_frame, LSC_PROTO_SLL2, 0, 20);
	test_expect_damage(DLT_LINUX_SLL, sll_frame, 15, LSC_PROTO_SLL, LSC_LF_TRUNCATED,
	                   "Linux cooked header cut short (needs 16 bytes)");
	test_expect_damage(DLT_LINUX_SLL2, sll2_frame, 19, LSC_PROTO_SLL2, LSC_LF_TRUNCATED,
	                   "Linux cooked v2 header cut short (needs 20 bytes)");
}

/* ---- NULL and LOOP ------------------------------------------------------- */

static void test_null_families(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_NULL, null_frame, sizeof null_frame);
	assert_int_equal(f.nlayers, 4);
	assert_int_equal(f.layers[0].u.null.family, 2);
	assert_int_equal(f.layers[0].u.null.order, LSC_NULL_LE);
	assert_int_equal(test_layer(&f, LSC_PROTO_UDP)->u.udp.dport, 53);
	test_summary_is(&f, 0, "family 2 (IPv4)");
	test_json_has(&f, "\"proto\":\"null\",\"offset\":0,\"length\":4,\"family\":2");
	test_frame_free(&f);

	/* the same frame from a big-endian host */
	uint8_t *p = test_copy(null_frame, sizeof null_frame);
	p[0] = 0;
	p[3] = 2;
	test_decode(&f, DLT_NULL, p, sizeof null_frame);
	assert_int_equal(f.layers[0].u.null.family, 2);
	assert_int_equal(f.layers[0].u.null.order, LSC_NULL_BE);
	assert_int_equal(f.layers[1].proto, LSC_PROTO_IPV4);
	test_frame_free(&f);

	/* DLT_LOOP is always network order */
	test_decode(&f, DLT_LOOP, p, sizeof null_frame);
	assert_int_equal(f.layers[0].u.null.family, 2);
	assert_int_equal(f.layers[0].u.null.order, LSC_NULL_NETWORK);
	assert_int_equal(f.layers[1].proto, LSC_PROTO_IPV4);
	test_frame_free(&f);
	test_decode(&f, DLT_LOOP, null_frame, sizeof null_frame);
	assert_int_equal(f.layers[0].u.null.family, 0x02000000u);
	assert_int_equal(f.layers[1].proto, LSC_PROTO_PAYLOAD);
	test_frame_free(&f);
	free(p);

	test_decode(&f, DLT_NULL, null6_frame, sizeof null6_frame);
	assert_int_equal(f.layers[0].u.null.family, 30);
	assert_int_equal(f.layers[1].proto, LSC_PROTO_IPV6);
	test_frame_free(&f);
	uint8_t fam[] = { 24, 28 };
	p = test_copy(null6_frame, sizeof null6_frame);
	for (size_t i = 0; i < sizeof fam; i++) {
		p[0] = fam[i];
		test_decode(&f, DLT_NULL, p, sizeof null6_frame);
		assert_int_equal(f.layers[1].proto, LSC_PROTO_IPV6);
		test_frame_free(&f);
	}
	p[0] = 7; /* OSI: no decoder, payload */
	test_decode(&f, DLT_NULL, p, sizeof null6_frame);
	assert_int_equal(f.nlayers, 2);
	assert_int_equal(f.layers[1].proto, LSC_PROTO_PAYLOAD);
	test_frame_free(&f);
	free(p);
}

static void test_null_truncation(void **state)
{
	(void)state;
	test_truncation_sweep(DLT_NULL, null_frame, sizeof null_frame, LSC_PROTO_NULL, 0, 4);
	test_truncation_sweep(DLT_LOOP, null_frame, sizeof null_frame, LSC_PROTO_NULL, 0, 4);
	test_expect_damage(DLT_NULL, null_frame, 3, LSC_PROTO_NULL, LSC_LF_TRUNCATED,
	                   "loopback header cut short (needs 4 bytes)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_llc_stp),
		cmocka_unit_test(test_llc_iframe),
		cmocka_unit_test(test_llc_snap),
		cmocka_unit_test(test_llc_truncation),
		cmocka_unit_test(test_llc_impossible),
		cmocka_unit_test(test_novell_raw),
		cmocka_unit_test(test_vlan_single),
		cmocka_unit_test(test_vlan_stacked),
		cmocka_unit_test(test_vlan_truncation),
		cmocka_unit_test(test_vlan_length_type),
		cmocka_unit_test(test_sll_fields),
		cmocka_unit_test(test_sll_protocols),
		cmocka_unit_test(test_sll2_fields),
		cmocka_unit_test(test_sll_truncation),
		cmocka_unit_test(test_null_families),
		cmocka_unit_test(test_null_truncation),
	};
	return cmocka_run_group_tests_name("link", tests, build_frames, NULL);
}
