/* SPDX-License-Identifier: BSD-3-Clause */
/* test_craft.c: crafting: flag and address parsing, limits, frames built with libnet and decoded back. */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/dlt.h>
#include <sys/socket.h>
#include <unistd.h>

#include <layerscope/craft.h>
#include <layerscope/strbuf.h>

#include "unit.h"

/* ---- flags ---------------------------------------------------------------- */

static uint16_t flags_ok(const char *s)
{
	char err[LSC_ERRBUF_SIZE] = "";
	uint16_t f = 0xffff;
	assert_int_equal(lsc_craft_parse_flags(s, &f, err), 0);
	return f;
}

static void flags_bad(const char *s, const char *needle)
{
	char err[LSC_ERRBUF_SIZE] = "";
	uint16_t f = 0x1234;
	assert_int_equal(lsc_craft_parse_flags(s, &f, err), -1);
	assert_int_equal(f, 0x1234);
	if (strstr(err, needle) == NULL)
		fail_msg("'%s': '%s' lacks '%s'", s, err, needle);
}

static void test_flag_letters(void **state)
{
	(void)state;
	assert_int_equal(flags_ok("S"), LSC_TCP_SYN);
	assert_int_equal(flags_ok("S."), LSC_TCP_SYN | LSC_TCP_ACK);
	assert_int_equal(flags_ok("."), LSC_TCP_ACK);
	assert_int_equal(flags_ok("FP."), LSC_TCP_FIN | LSC_TCP_PSH | LSC_TCP_ACK);
	assert_int_equal(flags_ok("R"), LSC_TCP_RST);
	assert_int_equal(flags_ok("U"), LSC_TCP_URG);
	assert_int_equal(flags_ok("E"), LSC_TCP_ECE);
	assert_int_equal(flags_ok("W"), LSC_TCP_CWR);
	assert_int_equal(flags_ok("SEW"), LSC_TCP_SYN | LSC_TCP_ECE | LSC_TCP_CWR);
	/* scapy's letters for ACK and CWR */
	assert_int_equal(flags_ok("SA"), LSC_TCP_SYN | LSC_TCP_ACK);
	assert_int_equal(flags_ok("C"), LSC_TCP_CWR);
	assert_int_equal(flags_ok("none"), 0);
}

static void test_flag_names_and_numbers(void **state)
{
	(void)state;
	assert_int_equal(flags_ok("syn"), LSC_TCP_SYN);
	assert_int_equal(flags_ok("syn,ack"), LSC_TCP_SYN | LSC_TCP_ACK);
	assert_int_equal(flags_ok("FIN|PSH|ACK"), LSC_TCP_FIN | LSC_TCP_PSH | LSC_TCP_ACK);
	assert_int_equal(flags_ok("rst+ack"), LSC_TCP_RST | LSC_TCP_ACK);
	/* a word that is a name wins over the same letters */
	assert_int_equal(flags_ok("ECE"), LSC_TCP_ECE);
	assert_int_equal(flags_ok("urg,cwr"), LSC_TCP_URG | LSC_TCP_CWR);
	assert_int_equal(flags_ok("0x12"), LSC_TCP_SYN | LSC_TCP_ACK);
	assert_int_equal(flags_ok("18"), LSC_TCP_SYN | LSC_TCP_ACK);
	assert_int_equal(flags_ok("0"), 0);
}

static void test_flag_errors(void **state)
{
	(void)state;
	flags_bad("", "empty");
	flags_bad("SX", "'X'");
	flags_bad("s", "name 's'");
	flags_bad("syn,", "name ''");
	flags_bad("syn,foo", "name 'foo'");
	flags_bad("S,", "name 'S'");
	flags_bad("S.X", "'X'");
	flags_bad("0x100", "0 to 0xff");
	flags_bad("12z", "0 to 0xff");
}

/* ---- addresses and ports --------------------------------------------------- */

struct ep {
	uint8_t family;
	uint8_t addr[16];
	uint16_t port;
	bool has_port;
};

static struct ep ep_ok(const char *s)
{
	char err[LSC_ERRBUF_SIZE] = "";
	struct ep e;
	memset(&e, 0, sizeof e);
	if (lsc_craft_parse_endpoint(s, &e.family, e.addr, &e.port, &e.has_port, err) != 0)
		fail_msg("'%s': %s", s, err);
	return e;
}

static void ep_bad(const char *s, const char *needle)
{
	char err[LSC_ERRBUF_SIZE] = "";
	struct ep e;
	assert_int_equal(lsc_craft_parse_endpoint(s, &e.family, e.addr, &e.port, &e.has_port, err), -1);
	if (strstr(err, needle) == NULL)
		fail_msg("'%s': '%s' lacks '%s'", s, err, needle);
}

static void test_endpoints_ipv4(void **state)
{
	static const uint8_t lo[4] = { 127, 0, 0, 1 };
	(void)state;
	struct ep e = ep_ok("127.0.0.1:8082");
	assert_int_equal(e.family, 4);
	assert_memory_equal(e.addr, lo, 4);
	assert_true(e.has_port);
	assert_int_equal(e.port, 8082);

	e = ep_ok("10.1.1.5");
	assert_int_equal(e.family, 4);
	assert_false(e.has_port);
	assert_int_equal(e.addr[0], 10);
	assert_int_equal(e.addr[3], 5);

	e = ep_ok("0.0.0.0:0");
	assert_true(e.has_port);
	assert_int_equal(e.port, 0);
	assert_int_equal(ep_ok("1.2.3.4:65535").port, 65535);
}

static void test_endpoints_ipv6(void **state)
{
	static const uint8_t lo6[16] = { [15] = 1 };
	(void)state;
	struct ep e = ep_ok("[::1]:8082");
	assert_int_equal(e.family, 6);
	assert_memory_equal(e.addr, lo6, 16);
	assert_true(e.has_port);
	assert_int_equal(e.port, 8082);

	e = ep_ok("::1");
	assert_int_equal(e.family, 6);
	assert_false(e.has_port);
	assert_memory_equal(e.addr, lo6, 16);

	/* without brackets every colon belongs to the address */
	e = ep_ok("::1:80");
	assert_false(e.has_port);
	assert_int_equal(e.addr[14], 0x00);
	assert_int_equal(e.addr[15], 0x80);

	e = ep_ok("[fe80::1]");
	assert_false(e.has_port);
	assert_int_equal(e.addr[0], 0xfe);
	assert_int_equal(e.addr[1], 0x80);

	e = ep_ok("[2001:db8::5]:443");
	assert_int_equal(e.port, 443);
	assert_int_equal(e.addr[1], 0x01);
	assert_int_equal(e.addr[3], 0xb8);
	assert_int_equal(e.addr[15], 5);

	e = ep_ok("::ffff:10.1.1.1");
	assert_int_equal(e.family, 6);
	assert_int_equal(e.addr[10], 0xff);
	assert_int_equal(e.addr[12], 10);
}

static void test_endpoint_errors(void **state)
{
	(void)state;
	ep_bad("", "not a numeric");
	ep_bad("localhost:80", "not a numeric");
	ep_bad("1.2.3:80", "not a numeric");
	ep_bad("256.1.1.1", "not a numeric");
	ep_bad("127.0.0.1:", "port must be");
	ep_bad("127.0.0.1:65536", "port must be");
	ep_bad("127.0.0.1:-1", "port must be");
	ep_bad("127.0.0.1:80x", "port must be");
	ep_bad("127.0.0.1:99999999999999999999", "port must be");
	ep_bad("[::1", "missing ']'");
	ep_bad("[::1]80", "expected ':PORT'");
	ep_bad("[10.0.0.1]:80", "brackets are for IPv6");
	ep_bad("[::1]:http", "port must be");
	ep_bad("::g", "not a numeric");
}

/* ---- limits ------------------------------------------------------------------ */

static void test_payload_limits(void **state)
{
	struct lsc_craft c;
	(void)state;
	lsc_craft_init(&c, LSC_CRAFT_TCP);
	assert_int_equal(lsc_craft_payload_max(&c), 65535 - 20 - 20);
	c.given |= LSC_CG_MSS;
	assert_int_equal(lsc_craft_payload_max(&c), 65535 - 20 - 24);
	c.family = 6;
	assert_int_equal(lsc_craft_payload_max(&c), 65535 - 24);
	lsc_craft_init(&c, LSC_CRAFT_UDP);
	assert_int_equal(lsc_craft_payload_max(&c), 65535 - 20 - 8);
	c.family = 6;
	assert_int_equal(lsc_craft_payload_max(&c), 65535 - 8);
	lsc_craft_init(&c, LSC_CRAFT_ICMP_ECHO);
	assert_int_equal(lsc_craft_payload_max(&c), 65535 - 20 - 8);
	assert_int_equal(c.seq, 1);
	lsc_craft_init(&c, LSC_CRAFT_ARP);
	assert_int_equal(lsc_craft_payload_max(&c), 0);
	lsc_craft_init(&c, LSC_CRAFT_TCP);
	assert_int_equal(c.tcp_flags, LSC_TCP_SYN);
	assert_int_equal(c.ttl, 64);
	assert_int_equal(c.window, 64240);
	assert_int_equal(lsc_craft_linktype(&c), DLT_RAW);
	c.ifname = "lo";
	assert_int_equal(lsc_craft_linktype(&c), DLT_EN10MB);
}

/* ---- frames: build with libnet, decode with lsc_decode_frame ------------------ */

static const char payload[] = "hello, layers";

/* RFC 1071 over the pseudo-header and the segment, computed here, apart from the decoders. */
static uint16_t l4_sum(const uint8_t *ip, bool v6, const uint8_t *seg, size_t n, uint8_t proto)
{
	uint32_t sum = 0;
	size_t alen = v6 ? 16 : 4;
	const uint8_t *src = ip + (v6 ? 8 : 12);
	for (size_t i = 0; i < 2 * alen; i += 2)
		sum += (uint32_t)(src[i] << 8 | src[i + 1]);
	sum += proto + (uint32_t)n;
	for (size_t i = 0; i < n; i += 2)
		sum += (uint32_t)(seg[i] << 8 | (i + 1 < n ? seg[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum; /* 0xffff when the checksum in seg is right */
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static size_t build(const struct lsc_craft *c, uint8_t *buf)
{
	char err[LSC_ERRBUF_SIZE] = "";
	size_t len = 0;
	if (lsc_craft_build(c, buf, LSC_CRAFT_MAX_FRAME, &len, err) != 0)
		fail_msg("build: %s", err);
	return len;
}

static void tcp4_spec(struct lsc_craft *c)
{
	lsc_craft_init(c, LSC_CRAFT_TCP);
	memcpy(c->src, (uint8_t[]){ 10, 1, 1, 5 }, 4);
	memcpy(c->dst, (uint8_t[]){ 10, 1, 1, 1 }, 4);
	c->given = LSC_CG_SRC | LSC_CG_SPORT | LSC_CG_SEQ | LSC_CG_MSS;
	c->sport = 40000;
	c->dport = 8082;
	c->tcp_flags = LSC_TCP_PSH | LSC_TCP_ACK;
	c->seq = 0xdeadbeef;
	c->ack = 12345;
	c->window = 512;
	c->mss = 1460;
	c->ttl = 33;
	c->ip_id = 0x4242;
	c->payload = (const uint8_t *)payload;
	c->payload_len = sizeof payload - 1;
}

static void test_build_tcp4(void **state)
{
	static uint8_t buf[LSC_CRAFT_MAX_FRAME];
	static struct lsc_frame f;
	struct lsc_craft c;
	(void)state;
	tcp4_spec(&c);
	size_t n = build(&c, buf);
	assert_int_equal(n, 20 + 24 + c.payload_len);

	test_decode(&f, DLT_RAW, buf, n);
	assert_false(lsc_frame_damaged(&f));
	const struct lsc_ipv4 *ip = &test_layer(&f, LSC_PROTO_IPV4)->u.ipv4;
	assert_memory_equal(ip->src, c.src, 4);
	assert_memory_equal(ip->dst, c.dst, 4);
	assert_int_equal(ip->ttl, 33);
	assert_int_equal(ip->id, 0x4242);
	assert_int_equal(ip->protocol, 6);
	assert_int_equal(ip->total_length, n);
	assert_int_equal(ip->csum, LSC_CSUM_GOOD);

	const struct lsc_layer *l = test_layer(&f, LSC_PROTO_TCP);
	const struct lsc_tcp *t = &l->u.tcp;
	assert_int_equal(t->sport, 40000);
	assert_int_equal(t->dport, 8082);
	assert_int_equal(t->seq, 0xdeadbeef);
	assert_int_equal(t->ack, 12345);
	assert_int_equal(t->flags, LSC_TCP_PSH | LSC_TCP_ACK);
	assert_int_equal(t->window, 512);
	assert_int_equal(t->data_offset, 24);
	assert_int_equal(t->csum, LSC_CSUM_GOOD);
	assert_int_equal(t->opt_count, 1);
	assert_int_equal(f.tcp_opts[t->opt_first].kind, LSC_TCPOPT_MSS);
	assert_int_equal(f.tcp_opts[t->opt_first].v[0], 1460);
	assert_int_equal(t->payload_length, c.payload_len);

	const struct lsc_layer *p = test_layer(&f, LSC_PROTO_PAYLOAD);
	assert_int_equal(p->u.payload.length, c.payload_len);
	assert_memory_equal(buf + p->offset, payload, c.payload_len);
	test_frame_free(&f);
}

/* The same description builds the same bytes: the shown frame is the sent one. */
static void test_build_is_deterministic(void **state)
{
	static uint8_t a[LSC_CRAFT_MAX_FRAME], b[LSC_CRAFT_MAX_FRAME];
	struct lsc_craft c;
	(void)state;
	tcp4_spec(&c);
	size_t na = build(&c, a), nb = build(&c, b);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	c.given &= (uint16_t)~LSC_CG_MSS;
	nb = build(&c, b);
	assert_int_equal(nb, na - 4);
	assert_int_equal(b[32] >> 4, 5); /* data offset 20 bytes without the option */
}

static void test_build_udp_ethernet(void **state)
{
	static uint8_t buf[LSC_CRAFT_MAX_FRAME];
	static struct lsc_frame f;
	static const uint8_t smac[6] = { 0x02, 0, 0, 0, 0, 0x05 }, dmac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	struct lsc_craft c;
	(void)state;
	lsc_craft_init(&c, LSC_CRAFT_UDP);
	memcpy(c.src, (uint8_t[]){ 192, 168, 7, 1 }, 4);
	memcpy(c.dst, (uint8_t[]){ 192, 168, 7, 2 }, 4);
	c.sport = 5353;
	c.dport = 8082;
	c.ifname = "veth-test"; /* only decides the Ethernet header; nothing is opened */
	memcpy(c.src_mac, smac, 6);
	memcpy(c.dst_mac, dmac, 6);
	c.payload = (const uint8_t *)payload;
	c.payload_len = sizeof payload - 1;
	size_t n = build(&c, buf);
	assert_int_equal(n, 14 + 20 + 8 + c.payload_len);

	test_decode(&f, DLT_EN10MB, buf, n);
	assert_false(lsc_frame_damaged(&f));
	const struct lsc_eth *e = &test_layer(&f, LSC_PROTO_ETH)->u.eth;
	assert_memory_equal(e->src, smac, 6);
	assert_memory_equal(e->dst, dmac, 6);
	assert_int_equal(e->type, 0x0800);
	const struct lsc_udp *u = &test_layer(&f, LSC_PROTO_UDP)->u.udp;
	assert_int_equal(u->sport, 5353);
	assert_int_equal(u->dport, 8082);
	assert_int_equal(u->length, 8 + c.payload_len);
	assert_int_equal(u->csum, LSC_CSUM_GOOD);
	assert_int_equal(test_layer(&f, LSC_PROTO_PAYLOAD)->u.payload.length, c.payload_len);
	test_frame_free(&f);
}

static void test_build_tcp6(void **state)
{
	static uint8_t buf[LSC_CRAFT_MAX_FRAME];
	static struct lsc_frame f;
	struct lsc_craft c;
	char err[LSC_ERRBUF_SIZE];
	bool hp;
	uint16_t port;
	(void)state;
	lsc_craft_init(&c, LSC_CRAFT_TCP);
	assert_int_equal(lsc_craft_parse_endpoint("[2001:db8::1]:8082", &c.family, c.dst, &c.dport, &hp, err), 0);
	assert_int_equal(lsc_craft_parse_endpoint("[2001:db8::5]:40001", &c.family, c.src, &port, &hp, err), 0);
	c.sport = port;
	c.given = LSC_CG_MSS;
	c.mss = 1440;
	c.tcp_flags = LSC_TCP_SYN;
	c.seq = 7;
	c.ttl = 5;
	c.payload = (const uint8_t *)payload;
	c.payload_len = sizeof payload - 1;
	size_t n = build(&c, buf);
	size_t seg = 24 + c.payload_len;
	assert_int_equal(n, 40 + seg);

	/* The fixed header, read here; the IPv6 decoder may live elsewhere. */
	assert_int_equal(buf[0] >> 4, 6);
	assert_int_equal(be16(buf + 4), seg);
	assert_int_equal(buf[6], 6);
	assert_int_equal(buf[7], 5);
	assert_memory_equal(buf + 8, c.src, 16);
	assert_memory_equal(buf + 24, c.dst, 16);
	assert_int_equal(be16(buf + 40), 40001);
	assert_int_equal(be16(buf + 42), 8082);
	assert_int_equal(be32(buf + 44), 7);
	assert_int_equal(buf[52] >> 4, 6);
	assert_int_equal(buf[53], LSC_TCP_SYN);
	assert_int_equal(be16(buf + 62), 1440);
	assert_int_equal(l4_sum(buf, true, buf + 40, seg, 6), 0xffff);

	test_decode(&f, DLT_RAW, buf, n);
	if (lsc_proto_get(LSC_PROTO_IPV6) != NULL) {
		assert_false(lsc_frame_damaged(&f));
		const struct lsc_layer *l = test_layer(&f, LSC_PROTO_TCP);
		assert_int_equal(l->u.tcp.sport, 40001);
		assert_int_equal(l->u.tcp.csum, LSC_CSUM_GOOD);
		assert_int_equal(f.tcp_opts[l->u.tcp.opt_first].v[0], 1440);
	}
	test_frame_free(&f);
}

static void test_build_icmp_echo(void **state)
{
	static uint8_t buf[LSC_CRAFT_MAX_FRAME];
	static struct lsc_frame f;
	struct lsc_craft c;
	(void)state;
	lsc_craft_init(&c, LSC_CRAFT_ICMP_ECHO);
	memcpy(c.src, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	memcpy(c.dst, (uint8_t[]){ 127, 0, 0, 2 }, 4);
	c.id = 0x1234;
	c.seq = 9;
	c.payload = (const uint8_t *)payload;
	c.payload_len = sizeof payload - 1;
	size_t n = build(&c, buf);
	assert_int_equal(n, 20 + 8 + c.payload_len);
	assert_int_equal(buf[9], 1);
	assert_int_equal(buf[20], 8); /* echo request */
	assert_int_equal(buf[21], 0);
	assert_int_equal(be16(buf + 24), 0x1234);
	assert_int_equal(be16(buf + 26), 9);
	assert_memory_equal(buf + 28, payload, c.payload_len);

	test_decode(&f, DLT_RAW, buf, n);
	assert_int_equal(test_layer(&f, LSC_PROTO_IPV4)->u.ipv4.csum, LSC_CSUM_GOOD);
	if (lsc_proto_get(LSC_PROTO_ICMP) != NULL) {
		const struct lsc_icmp *ic = &test_layer(&f, LSC_PROTO_ICMP)->u.icmp;
		assert_int_equal(ic->type, 8);
		assert_true(ic->has_echo);
		assert_int_equal(ic->id, 0x1234);
		assert_int_equal(ic->seq, 9);
		assert_int_equal(ic->csum, LSC_CSUM_GOOD);
	}
	test_frame_free(&f);

	/* ICMPv6 for IPv6 addresses: type 128, checksum over the pseudo-header */
	c.family = 6;
	memset(c.src, 0, 16);
	memset(c.dst, 0, 16);
	c.src[15] = 1;
	c.dst[15] = 1;
	n = build(&c, buf);
	assert_int_equal(n, 40 + 8 + c.payload_len);
	assert_int_equal(buf[6], 58);
	assert_int_equal(buf[40], 128);
	assert_int_equal(be16(buf + 44), 0x1234);
	assert_int_equal(l4_sum(buf, true, buf + 40, 8 + c.payload_len, 58), 0xffff);
}

static void test_build_arp(void **state)
{
	static uint8_t buf[LSC_CRAFT_MAX_FRAME];
	static struct lsc_frame f;
	static const uint8_t mac[6] = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, zero[6] = { 0 };
	struct lsc_craft c;
	(void)state;
	lsc_craft_init(&c, LSC_CRAFT_ARP);
	c.ifname = "eth-test";
	memcpy(c.src_mac, mac, 6);
	memcpy(c.dst_mac, bcast, 6);
	memcpy(c.src, (uint8_t[]){ 10, 1, 1, 5 }, 4);
	memcpy(c.dst, (uint8_t[]){ 10, 1, 1, 1 }, 4);
	size_t n = build(&c, buf);
	assert_int_equal(n, 14 + 28);
	assert_memory_equal(buf, bcast, 6);
	assert_memory_equal(buf + 6, mac, 6);
	assert_int_equal(be16(buf + 12), 0x0806);
	assert_int_equal(be16(buf + 14), 1);      /* Ethernet */
	assert_int_equal(be16(buf + 16), 0x0800); /* IPv4 */
	assert_int_equal(buf[18], 6);
	assert_int_equal(buf[19], 4);
	assert_int_equal(be16(buf + 20), 1);      /* request */
	assert_memory_equal(buf + 22, mac, 6);
	assert_memory_equal(buf + 28, c.src, 4);
	assert_memory_equal(buf + 32, zero, 6);
	assert_memory_equal(buf + 38, c.dst, 4);

	test_decode(&f, DLT_EN10MB, buf, n);
	assert_int_equal(test_layer(&f, LSC_PROTO_ETH)->u.eth.type, 0x0806);
	if (lsc_proto_get(LSC_PROTO_ARP) != NULL) {
		const struct lsc_arp *a = &test_layer(&f, LSC_PROTO_ARP)->u.arp;
		assert_int_equal(a->op, 1);
		assert_memory_equal(a->sha, mac, 6);
		assert_memory_equal(a->tpa, c.dst, 4);
	}
	test_frame_free(&f);
}

/* ---- completion and explanation (loopback only, nothing is sent) ------------- */

static void test_complete_loopback(void **state)
{
	struct lsc_craft c;
	char err[LSC_ERRBUF_SIZE] = "";
	static const uint8_t zero[6] = { 0 };
	(void)state;
	lsc_craft_init(&c, LSC_CRAFT_TCP);
	memcpy(c.dst, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	c.dport = 8082;
	assert_int_equal(lsc_craft_complete(&c, err), 0);
	assert_int_equal(c.src[0], 127);
	assert_true(c.sport >= 32768 && c.sport < 61000);
	assert_int_not_equal(c.ip_id, 0);

	/* lo is a loopback interface: all-zero Ethernet addresses both ways */
	lsc_craft_init(&c, LSC_CRAFT_UDP);
	memcpy(c.dst, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	c.ifname = "lo";
	memset(c.dst_mac, 0x55, 6);
	assert_int_equal(lsc_craft_complete(&c, err), 0);
	assert_memory_equal(c.dst_mac, zero, 6);

	/* ARP on lo asks everyone, from lo's own IPv4 address */
	lsc_craft_init(&c, LSC_CRAFT_ARP);
	memcpy(c.dst, (uint8_t[]){ 127, 0, 0, 9 }, 4);
	c.ifname = "lo";
	assert_int_equal(lsc_craft_complete(&c, err), 0);
	assert_int_equal(c.dst_mac[0], 0xff);
	assert_int_equal(c.src[0], 127);

	lsc_craft_init(&c, LSC_CRAFT_TCP);
	c.ifname = "no-such-if0";
	assert_int_equal(lsc_craft_complete(&c, err), -1);
	assert_non_null(strstr(err, "no interface named 'no-such-if0'"));
}

/* A socket of `type` bound to 127.0.0.1 on a free port; the port in *port. */
static int bound_socket(int type, uint16_t *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, type, 0);
	assert_true(fd >= 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static const char *explain(const struct lsc_craft *c)
{
	static char text[2048];
	struct lsc_strbuf b;
	lsc_sb_init(&b, text, sizeof text);
	lsc_craft_explain(c, &b);
	assert_false(b.cut);
	for (char *p = text; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' '; /* the text is wrapped where the addresses put it */
	return text;
}

static void test_explain(void **state)
{
	struct lsc_craft c;
	uint16_t port;
	(void)state;
	lsc_craft_init(&c, LSC_CRAFT_TCP);
	memcpy(c.src, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	memcpy(c.dst, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	c.sport = 40000;
	int fd = bound_socket(SOCK_STREAM, &port);
	c.dport = port;
	const char *t = explain(&c);
	assert_non_null(strstr(t, "SYN-ACK"));
	assert_non_null(strstr(t, "this host's kernel answers the SYN-ACK"));
	assert_non_null(strstr(t, "RST"));
	close(fd);
	t = explain(&c);
	assert_non_null(strstr(t, "nothing listens"));
	assert_non_null(strstr(t, "Connection"));

	c.ifname = "lo";
	assert_non_null(strstr(explain(&c), "martian"));
	c.ifname = NULL;

	c.tcp_flags = LSC_TCP_ACK;
	assert_non_null(strstr(explain(&c), "answers with a RST"));

	lsc_craft_init(&c, LSC_CRAFT_UDP);
	memcpy(c.dst, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	fd = bound_socket(SOCK_DGRAM, &port);
	c.dport = port;
	assert_non_null(strstr(explain(&c), "recvfrom()"));
	close(fd);
	assert_non_null(strstr(explain(&c), "port unreachable"));

	lsc_craft_init(&c, LSC_CRAFT_ICMP_ECHO);
	c.id = 77;
	assert_non_null(strstr(explain(&c), "identifier 77"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flag_letters),
		cmocka_unit_test(test_flag_names_and_numbers),
		cmocka_unit_test(test_flag_errors),
		cmocka_unit_test(test_endpoints_ipv4),
		cmocka_unit_test(test_endpoints_ipv6),
		cmocka_unit_test(test_endpoint_errors),
		cmocka_unit_test(test_payload_limits),
		cmocka_unit_test(test_build_tcp4),
		cmocka_unit_test(test_build_is_deterministic),
		cmocka_unit_test(test_build_udp_ethernet),
		cmocka_unit_test(test_build_tcp6),
		cmocka_unit_test(test_build_icmp_echo),
		cmocka_unit_test(test_build_arp),
		cmocka_unit_test(test_complete_loopback),
		cmocka_unit_test(test_explain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
