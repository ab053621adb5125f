/* SPDX-License-Identifier: BSD-3-Clause */
/* gen-malformed.c: crafted malformed frames (IPv4 RFC 791, IPv6 RFC 8200, TCP RFC 9293, UDP RFC 768) for the tests.
 *
 * Each frame starts as a valid one built with libnet's builders (through
 * lsc_craft_build()) and then has one field patched to lie: a header length
 * below the minimum or past the data, an option length past the header, a
 * UDP or IP length that disagrees with the bytes, or a capture cut short.
 *
 *   gen-malformed                  decodes every frame here and checks the
 *                                  expected layer and reason (a unit test)
 *   gen-malformed OUT.pcap OUT.tsv writes the frames, and one line per frame
 *                                  naming the truncated or malformed layer (or,
 *                                  when none is, the first clipped one):
 *                                  frame, proto, reason, truncated, clipped,
 *                                  the decoder it needs, name
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <pcap/pcap.h>

#include <layerscope/craft.h>
#include <layerscope/decode.h>

#define ETH 14
#define IP4_TCP (ETH + 20)
#define IP6_TCP (ETH + 40)

enum base { TCP4, UDP4, TCP6 };

struct mcase {
	const char *name;
	enum base base;
	void (*patch)(uint8_t *p, size_t *caplen, size_t *len);
	/* what the decoder must say: the first damaged or clipped layer */
	const char *proto;
	const char *reason; /* NULL: the layer is clipped, not malformed */
	bool truncated;
	const char *needs;  /* a decoder the check needs ("ipv6"), or NULL */
};

static void set16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Keeps the IPv4 header checksum right, so each frame tells one lie only. */
static void fix_ip4_sum(uint8_t *p)
{
	uint32_t sum = 0;
	uint8_t *ip = p + ETH;
	set16(ip + 10, 0);
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	set16(ip + 10, (uint16_t)~sum);
}

static void ihl_below_20(uint8_t *p, size_t *caplen, size_t *len)
{
	p[ETH] = 0x44; /* 16 bytes */
}

static void ihl_past_total_length(uint8_t *p, size_t *caplen, size_t *len)
{
	p[ETH] = 0x4f; /* 60 bytes, in a datagram of 49 */
	fix_ip4_sum(p);
}

static void ihl_past_capture(uint8_t *p, size_t *caplen, size_t *len)
{
	p[ETH] = 0x4f;
	set16(p + ETH + 2, 100);
	fix_ip4_sum(p);
	*len = ETH + 100;
	*caplen = ETH + 40; /* the capture ends inside the 40 option bytes */
}

static void ip4_total_length_short(uint8_t *p, size_t *caplen, size_t *len)
{
	set16(p + ETH + 2, 30); /* leaves TCP 10 of its 20 bytes */
	fix_ip4_sum(p);
}

static void ip4_total_length_past_capture(uint8_t *p, size_t *caplen, size_t *len)
{
	set16(p + ETH + 2, 1000);
	fix_ip4_sum(p);
}

static void tcp_offset_below_20(uint8_t *p, size_t *caplen, size_t *len)
{
	p[IP4_TCP + 12] = (uint8_t)(0x40 | (p[IP4_TCP + 12] & 0x0f));
}

static void tcp_offset_past_segment(uint8_t *p, size_t *caplen, size_t *len)
{
	p[IP4_TCP + 12] = (uint8_t)(0xf0 | (p[IP4_TCP + 12] & 0x0f));
}

static void tcp_option_past_header(uint8_t *p, size_t *caplen, size_t *len)
{
	p[IP4_TCP + 21] = 10; /* the MSS option claims 10 of the 4 option bytes */
}

static void tcp_option_length_below_2(uint8_t *p, size_t *caplen, size_t *len)
{
	p[IP4_TCP + 21] = 1;
}

static void udp_length_below_8(uint8_t *p, size_t *caplen, size_t *len)
{
	set16(p + IP4_TCP + 4, 4);
}

static void udp_length_past_ip(uint8_t *p, size_t *caplen, size_t *len)
{
	set16(p + IP4_TCP + 4, 8 + 5 + 20);
}

static void cut_in_tcp_header(uint8_t *p, size_t *caplen, size_t *len)
{
	*caplen = IP4_TCP + 10;
}

static void cut_in_ip4_header(uint8_t *p, size_t *caplen, size_t *len)
{
	*caplen = ETH + 10;
}

static void ip6_payload_length_short(uint8_t *p, size_t *caplen, size_t *len)
{
	set16(p + ETH + 4, 8); /* leaves TCP 8 of its 24 bytes */
}

static void ip6_payload_length_past_capture(uint8_t *p, size_t *caplen, size_t *len)
{
	set16(p + ETH + 4, 1000);
}

static const struct mcase cases[] = {
	{ "ipv4-ihl-below-20", TCP4, ihl_below_20,
	  "ipv4", "IPv4 header length < 20", false, NULL },
	{ "ipv4-ihl-past-total-length", TCP4, ihl_past_total_length,
	  "ipv4", "IPv4 total length < header length", false, NULL },
	{ "ipv4-ihl-past-capture", TCP4, ihl_past_capture,
	  "ipv4", "IPv4 options cut short", true, NULL },
	{ "ipv4-total-length-short", TCP4, ip4_total_length_short,
	  "tcp", "TCP header cut short (needs 20 bytes)", true, NULL },
	{ "ipv4-total-length-past-capture", TCP4, ip4_total_length_past_capture,
	  "ipv4", NULL, false, NULL },
	{ "tcp-data-offset-below-20", TCP4, tcp_offset_below_20,
	  "tcp", "TCP data offset < 20", false, NULL },
	{ "tcp-data-offset-past-segment", TCP4, tcp_offset_past_segment,
	  "tcp", "TCP data offset past the segment", false, NULL },
	{ "tcp-option-past-header", TCP4, tcp_option_past_header,
	  "tcp", "TCP option runs past the header", false, NULL },
	{ "tcp-option-length-below-2", TCP4, tcp_option_length_below_2,
	  "tcp", "TCP option length < 2", false, NULL },
	{ "udp-length-below-8", UDP4, udp_length_below_8,
	  "udp", "UDP length < 8", false, NULL },
	{ "udp-length-past-ip-payload", UDP4, udp_length_past_ip,
	  "udp", "UDP length past the IP payload", false, NULL },
	{ "capture-cut-in-tcp-header", TCP4, cut_in_tcp_header,
	  "tcp", "TCP header cut short (needs 20 bytes)", true, NULL },
	{ "capture-cut-in-ipv4-header", TCP4, cut_in_ip4_header,
	  "ipv4", "IPv4 header cut short (needs 20 bytes)", true, NULL },
	{ "ipv6-payload-length-short", TCP6, ip6_payload_length_short,
	  "tcp", "TCP header cut short (needs 20 bytes)", true, "ipv6" },
	{ "ipv6-payload-length-past-capture", TCP6, ip6_payload_length_past_capture,
	  "ipv6", NULL, false, "ipv6" },
};
#define NCASES (sizeof cases / sizeof cases[0])

/* The valid frame a case starts from: 10.1.1.5:40000 -> 10.1.1.1:8082, as in the tutorial. */
static int build_base(enum base b, uint8_t *buf, size_t *len)
{
	static const uint8_t client[6] = { 0x02, 0, 0, 0, 0, 0x05 }, server[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t c6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 5 };
	static const uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct lsc_craft c;
	char err[LSC_ERRBUF_SIZE];

	lsc_craft_init(&c, b == UDP4 ? LSC_CRAFT_UDP : LSC_CRAFT_TCP);
	c.ifname = "gen"; /* an Ethernet frame; nothing is opened */
	memcpy(c.src_mac, client, 6);
	memcpy(c.dst_mac, server, 6);
	if (b == TCP6) {
		c.family = 6;
		memcpy(c.src, c6, 16);
		memcpy(c.dst, s6, 16);
	} else {
		memcpy(c.src, (uint8_t[]){ 10, 1, 1, 5 }, 4);
		memcpy(c.dst, (uint8_t[]){ 10, 1, 1, 1 }, 4);
	}
	c.sport = 40000;
	c.dport = 8082;
	c.ip_id = 1;
	if (b != UDP4) {
		c.tcp_flags = 0x18; /* PSH ACK */
		c.seq = 1;
		c.ack = 1;
		c.given |= LSC_CG_MSS; /* the option the option cases break */
		c.mss = 1460;
	}
	c.payload = (const uint8_t *)"hello";
	c.payload_len = 5;
	if (lsc_craft_build(&c, buf, LSC_CRAFT_MAX_FRAME, len, err) != 0) {
		fprintf(stderr, "gen-malformed: %s\n", err);
		return -1;
	}
	return 0;
}

static int make_frame(const struct mcase *m, uint8_t *buf, size_t *caplen, size_t *len)
{
	if (build_base(m->base, buf, len) != 0)
		return -1;
	*caplen = *len;
	m->patch(buf, caplen, len);
	return 0;
}

/* The layer that is truncated or malformed, else the first one clipped (it claims more than was captured). */
static const struct lsc_layer *first_flagged(const struct lsc_frame *f)
{
	const struct lsc_layer *clipped = NULL;
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		if (l->flags & (LSC_LF_TRUNCATED | LSC_LF_MALFORMED))
			return l;
		if ((l->flags & LSC_LF_CLIPPED) && clipped == NULL)
			clipped = l;
	}
	return clipped;
}

static bool decoder_built(const char *key)
{
	for (unsigned p = 1; p < LSC_PROTO_COUNT; p++) {
		const struct lsc_proto_info *pi = lsc_proto_get(p);
		if (pi != NULL && strcmp(pi->key, key) == 0)
			return true;
	}
	return false;
}

/* Decodes one case in process; 0 when the decoder says what the case expects. */
static int check(const struct mcase *m, uint8_t *buf)
{
	static struct lsc_frame f;
	size_t caplen, len;

	if (m->needs != NULL && !decoder_built(m->needs)) {
		printf("skip %s: no %s decoder in this build\n", m->name, m->needs);
		return 0;
	}
	if (make_frame(m, buf, &caplen, &len) != 0)
		return -1;
	memset(&f, 0, sizeof f);
	f.number = 1;
	f.data = buf;
	f.caplen = (uint32_t)caplen;
	f.len = (uint32_t)len;
	f.linktype = DLT_EN10MB;
	lsc_decode_frame(&f);
	const struct lsc_layer *l = first_flagged(&f);
	const char *proto = l != NULL ? lsc_proto_get(l->proto)->key : "none";
	bool clipped_only = l != NULL && !(l->flags & (LSC_LF_TRUNCATED | LSC_LF_MALFORMED));
	const char *reason = l != NULL && !clipped_only ? l->reason : NULL;
	bool truncated = l != NULL && (l->flags & LSC_LF_TRUNCATED) != 0;
	bool ok = l != NULL && strcmp(proto, m->proto) == 0;
	if (m->reason == NULL)
		ok = ok && clipped_only;
	else
		ok = ok && reason != NULL && strcmp(reason, m->reason) == 0 && truncated == m->truncated;
	printf("%s %s: %s %s\n", ok ? "ok  " : "FAIL", m->name, proto,
	       reason != NULL ? reason : clipped_only ? "(clipped)" : "(nothing flagged)");
	return ok ? 0 : -1;
}

static int write_all(const char *pcap_path, const char *tsv_path, uint8_t *buf)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = dead != NULL ? pcap_dump_open(dead, pcap_path) : NULL;
	FILE *tsv = fopen(tsv_path, "w");
	int rc = 0;

	if (d == NULL || tsv == NULL) {
		fprintf(stderr, "gen-malformed: cannot write %s or %s\n", pcap_path, tsv_path);
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < NCASES && rc == 0; i++) {
		const struct mcase *m = &cases[i];
		struct pcap_pkthdr h;
		size_t caplen, len;
		if (make_frame(m, buf, &caplen, &len) != 0) {
			rc = -1;
			break;
		}
		memset(&h, 0, sizeof h);
		h.ts.tv_sec = 1700000000 + (time_t)i;
		h.caplen = (bpf_u_int32)caplen;
		h.len = (bpf_u_int32)len;
		pcap_dump((u_char *)d, &h, buf);
		fprintf(tsv, "%zu\t%s\t%s\t%s\t%s\t%s\t%s\n", i + 1, m->proto,
		        m->reason != NULL ? m->reason : "", m->truncated ? "true" : "false",
		        m->reason == NULL ? "true" : "false", m->needs != NULL ? m->needs : "",
		        m->name);
	}
out:
	if (tsv != NULL && fclose(tsv) != 0)
		rc = -1;
	if (d != NULL)
		pcap_dump_close(d);
	if (dead != NULL)
		pcap_close(dead);
	return rc;
}

int main(int argc, char **argv)
{
	static uint8_t buf[LSC_CRAFT_MAX_FRAME];
	if (argc == 3)
		return write_all(argv[1], argv[2], buf) == 0 ? 0 : 1;
	if (argc != 1) {
		fprintf(stderr, "usage: gen-malformed [OUT.pcap OUT.tsv]\n");
		return 2;
	}
	int failed = 0;
	for (size_t i = 0; i < NCASES; i++)
		failed += check(&cases[i], buf) != 0;
	return failed ? 1 : 0;
}
