/* SPDX-License-Identifier: BSD-3-Clause */
/* community.c: the Community ID v1 flow hash (github.com/corelight/community-id-spec), as Zeek and Suricata log it. */
#include <config.h>

#include <string.h>

#include <nettle/sha1.h>

#include <layerscope/flow.h>

/*
 * The hash input, in network byte order and padded to 32 bits: seed (2),
 * the smaller endpoint's address (4 or 16), the other's, the IP protocol
 * (1), a zero byte, then the two ports (2 + 2) when the protocol has them.
 * "Smaller" compares the addresses as bytes, then the ports, so both
 * directions of a conversation hash alike.
 */
static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void base64(const uint8_t *in, size_t n, char *out)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = i + 1 < n ? abc[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? abc[v & 63] : '=';
	}
	out[o] = '\0';
}

void lsc_community_id(const struct lsc_community_tuple *t, uint16_t seed, char out[LSC_COMMUNITY_ID_SIZE])
{
	size_t alen = t->family == 6 ? 16 : 4;
	int c = memcmp(t->saddr, t->daddr, alen);
	bool swap = !t->one_way && (c > 0 || (c == 0 && t->sport > t->dport));
	uint8_t buf[2 + 16 + 16 + 2 + 4];
	size_t n = 0;
	put16(buf, seed);
	n = 2;
	memcpy(buf + n, swap ? t->daddr : t->saddr, alen);
	n += alen;
	memcpy(buf + n, swap ? t->saddr : t->daddr, alen);
	n += alen;
	buf[n++] = t->proto;
	buf[n++] = 0;
	if (t->has_ports) {
		put16(buf + n, swap ? t->dport : t->sport);
		put16(buf + n + 2, swap ? t->sport : t->dport);
		n += 4;
	}
	struct sha1_ctx ctx;
	uint8_t digest[SHA1_DIGEST_SIZE];
	sha1_init(&ctx);
	sha1_update(&ctx, n, buf);
	sha1_digest(&ctx, sizeof digest, digest);
	out[0] = '1';
	out[1] = ':';
	base64(digest, sizeof digest, out + 2);
}

/*
 * ICMP has no ports: the type stands for the source port and, for the
 * messages that come in request/reply pairs, the counterpart's type for
 * the destination port, so a request and its reply hash alike.  Any other
 * message is one-way: its code stands for the destination port and the
 * endpoints keep their order.  The pairs are Zeek's (ICMP4_counterpart,
 * ICMP6_counterpart), which the spec adopts.
 */
bool lsc_community_icmp_ports(bool v6, uint8_t type, uint8_t code, uint16_t *sport, uint16_t *dport)
{
	static const uint8_t pairs4[][2] = {
		{ 8, 0 }, { 0, 8 },     /* echo, echo reply */
		{ 13, 14 }, { 14, 13 }, /* timestamp */
		{ 15, 16 }, { 16, 15 }, /* information */
		{ 10, 9 }, { 9, 10 },   /* router solicitation, advertisement */
		{ 17, 18 }, { 18, 17 }, /* address mask */
	};
	static const uint8_t pairs6[][2] = {
		{ 128, 129 }, { 129, 128 }, /* echo */
		{ 133, 134 }, { 134, 133 }, /* router solicitation, advertisement */
		{ 135, 136 }, { 136, 135 }, /* neighbor solicitation, advertisement */
		{ 130, 131 }, { 131, 130 }, /* MLD query, report */
		{ 139, 140 }, { 140, 139 }, /* node information query, reply */
		{ 144, 145 }, { 145, 144 }, /* home agent address discovery */
	};
	const uint8_t (*p)[2] = v6 ? pairs6 : pairs4;
	size_t n = v6 ? sizeof pairs6 / sizeof pairs6[0] : sizeof pairs4 / sizeof pairs4[0];
	*sport = type;
	for (size_t i = 0; i < n; i++) {
		if (p[i][0] == type) {
			*dport = p[i][1];
			return false;
		}
	}
	*dport = code;
	return true;
}

bool lsc_community_id_frame(const struct lsc_frame *f, char out[LSC_COMMUNITY_ID_SIZE])
{
	const struct lsc_layer *net, *l4;
	lsc_frame_own_layers(f, &net, &l4);
	if (net == NULL || (net->proto != LSC_PROTO_IPV4 && net->proto != LSC_PROTO_IPV6))
		return false;
	struct lsc_community_tuple t = { 0 };
	if (net->proto == LSC_PROTO_IPV4) {
		t.family = 4;
		memcpy(t.saddr, net->u.ipv4.src, 4);
		memcpy(t.daddr, net->u.ipv4.dst, 4);
	} else {
		t.family = 6;
		memcpy(t.saddr, net->u.ipv6.src, 16);
		memcpy(t.daddr, net->u.ipv6.dst, 16);
	}
	/* The ports (or ICMP's type and code) must have been captured; a fragment has none of its own. */
	if (l4 == NULL || l4 < net || l4->cap_len < (l4->proto == LSC_PROTO_ICMP || l4->proto == LSC_PROTO_ICMPV6 ? 2u : 4u))
		return false;
	t.has_ports = true;
	switch (l4->proto) {
	case LSC_PROTO_TCP:
		t.proto = 6;
		t.sport = l4->u.tcp.sport;
		t.dport = l4->u.tcp.dport;
		break;
	case LSC_PROTO_UDP:
		t.proto = 17;
		t.sport = l4->u.udp.sport;
		t.dport = l4->u.udp.dport;
		break;
	case LSC_PROTO_ICMP:
	case LSC_PROTO_ICMPV6:
		t.proto = l4->proto == LSC_PROTO_ICMP ? 1 : 58;
		t.one_way = lsc_community_icmp_ports(t.proto == 58, l4->u.icmp.type, l4->u.icmp.code,
		                                     &t.sport, &t.dport);
		break;
	default:
		return false; /* other protocols: not computed (the spec hashes their addresses alone) */
	}
	lsc_community_id(&t, 0, out);
	return true;
}

void lsc_community_id_conv(const struct lsc_flow_conv *c, char out[LSC_COMMUNITY_ID_SIZE])
{
	struct lsc_community_tuple t = { 0 };
	size_t alen = c->family == 6 ? 16 : 4;
	t.family = c->family;
	t.proto = c->ipproto;
	t.has_ports = true;
	memcpy(t.saddr, c->ep[0].addr, alen);
	memcpy(t.daddr, c->ep[1].addr, alen);
	t.sport = c->ep[0].port;
	t.dport = c->ep[1].port;
	lsc_community_id(&t, 0, out);
}
