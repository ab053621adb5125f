/* SPDX-License-Identifier: BSD-3-Clause */
/* build.c: a struct lsc_craft into headers with libnet's builders (RFC 9293, 768, 792, 4443, 791, 8200, 826). */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "craft-int.h"

/* libnet reports "builder(): reason\n"; the newline does not belong in a message. */
static int libnet_fail(libnet_t *l, const char *what, char *err)
{
	const char *why = libnet_geterror(l);
	size_t n = strcspn(why, "\n");
	snprintf(err, LSC_ERRBUF_SIZE, "%s: %.*s", what, (int)n, why);
	return -1;
}

static int add_tcp(libnet_t *l, const struct lsc_craft *c, char *err)
{
	uint32_t hlen = lsc_craft_l4_len(c);
	if (c->given & LSC_CG_MSS) {
		const uint8_t mss[4] = { 2, 4, (uint8_t)(c->mss >> 8), (uint8_t)c->mss };
		if (libnet_build_tcp_options(mss, sizeof mss, l, 0) == -1)
			return libnet_fail(l, _("building the TCP MSS option"), err);
	}
	/* libnet computes the data offset from the options block built just before. */
	if (libnet_build_tcp(c->sport, c->dport, c->seq, c->ack, (uint8_t)c->tcp_flags, c->window,
	                     0, 0, hlen + c->payload_len, c->payload, c->payload_len, l, 0) == -1)
		return libnet_fail(l, _("building the TCP header"), err);
	return 0;
}

static int add_udp(libnet_t *l, const struct lsc_craft *c, char *err)
{
	if (libnet_build_udp(c->sport, c->dport, (uint16_t)(LIBNET_UDP_H + c->payload_len), 0,
	                     c->payload, c->payload_len, l, 0) == -1)
		return libnet_fail(l, _("building the UDP header"), err);
	return 0;
}

static int add_icmp_echo(libnet_t *l, const struct lsc_craft *c, char *err)
{
	libnet_ptag_t t;
	if (c->family == 6)
		/* libnet 1.1.6 wants a non-const payload here; it only copies it. */
		t = libnet_build_icmpv6_echo(ICMP6_ECHO, 0, 0, c->id, (uint16_t)c->seq,
		                             (uint8_t *)(uintptr_t)c->payload, c->payload_len, l, 0);
	else
		t = libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0, c->id, (uint16_t)c->seq,
		                             c->payload, c->payload_len, l, 0);
	if (t == -1)
		return libnet_fail(l, _("building the ICMP echo request"), err);
	return 0;
}

static int add_arp(libnet_t *l, const struct lsc_craft *c, char *err)
{
	static const uint8_t unknown[6] = { 0 }; /* the target's address is the question */
	if (libnet_build_arp(ARPHRD_ETHER, ETHERTYPE_IP, 6, 4, ARPOP_REQUEST, c->src_mac, c->src,
	                     unknown, c->dst, NULL, 0, l, 0) == -1)
		return libnet_fail(l, _("building the ARP request"), err);
	return 0;
}

static int add_ip(libnet_t *l, const struct lsc_craft *c, uint8_t proto, char *err)
{
	uint32_t body = lsc_craft_l4_len(c) + c->payload_len;
	if (c->family == 6) {
		struct libnet_in6_addr s, d;
		memcpy(&s, c->src, 16);
		memcpy(&d, c->dst, 16);
		if (libnet_build_ipv6(0, 0, (uint16_t)body, proto, c->ttl, s, d, NULL, 0, l, 0) == -1)
			return libnet_fail(l, _("building the IPv6 header"), err);
		return 0;
	}
	uint32_t s, d;
	memcpy(&s, c->src, 4);
	memcpy(&d, c->dst, 4);
	if (libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + body), 0, c->ip_id, 0, c->ttl, proto, 0,
	                      s, d, NULL, 0, l, 0) == -1)
		return libnet_fail(l, _("building the IPv4 header"), err);
	return 0;
}

int lsc_craft_add_layers(libnet_t *l, const struct lsc_craft *c, char *err)
{
	uint8_t proto;
	int rc;
	switch (c->kind) {
	case LSC_CRAFT_TCP:
		proto = IPPROTO_TCP;
		rc = add_tcp(l, c, err);
		break;
	case LSC_CRAFT_UDP:
		proto = IPPROTO_UDP;
		rc = add_udp(l, c, err);
		break;
	case LSC_CRAFT_ICMP_ECHO:
		proto = c->family == 6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
		rc = add_icmp_echo(l, c, err);
		break;
	case LSC_CRAFT_ARP:
		proto = 0;
		rc = add_arp(l, c, err);
		break;
	default:
		snprintf(err, LSC_ERRBUF_SIZE, _("unknown kind of frame %u"), c->kind);
		return -1;
	}
	if (rc == 0 && c->kind != LSC_CRAFT_ARP)
		rc = add_ip(l, c, proto, err);
	if (rc != 0 || c->ifname == NULL)
		return rc;
	uint16_t type = c->kind == LSC_CRAFT_ARP ? ETHERTYPE_ARP
	              : c->family == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IP;
	if (libnet_build_ethernet(c->dst_mac, c->src_mac, type, NULL, 0, l, 0) == -1)
		return libnet_fail(l, _("building the Ethernet header"), err);
	return 0;
}

/*
 * libnet 1.1.6 has a build-only context (LIBNET_NONE: no socket, no device,
 * no privilege), but libnet_adv_cull_packet() refuses any context but
 * LIBNET_LINK_ADV, which opens a packet socket and so needs root.  The
 * function it calls, libnet_pblock_coalesce(), is exported and works in a
 * LIBNET_NONE context: it assembles the blocks and writes the checksums.
 */
int lsc_craft_build(const struct lsc_craft *c, uint8_t *buf, size_t cap, size_t *len, char *err)
{
	char lerr[LIBNET_ERRBUF_SIZE] = "";
	uint8_t *pkt = NULL;
	uint32_t n = 0;
	int rc = -1;

	libnet_t *l = libnet_init(LIBNET_NONE, NULL, lerr);
	if (l == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, "libnet_init: %s", lerr);
		return -1;
	}
	if (lsc_craft_add_layers(l, c, err) != 0)
		goto out;
	if (libnet_pblock_coalesce(l, &pkt, &n) == -1) {
		libnet_fail(l, _("assembling the frame"), err);
		goto out;
	}
	if (n > cap) {
		snprintf(err, LSC_ERRBUF_SIZE, _("the frame is %u bytes, more than the %zu-byte buffer"), n, cap);
		goto out;
	}
	memcpy(buf, pkt, n);
	*len = n;
	rc = 0;
out:
	if (pkt != NULL)
		libnet_adv_free_packet(l, pkt);
	libnet_destroy(l);
	return rc;
}
