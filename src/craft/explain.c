/* SPDX-License-Identifier: BSD-3-Clause */
/* explain.c: what the network does with a crafted frame, said for a learner (RFC 9293 3.5, 1122 3.2.2, 826). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <layerscope/frame.h>

#include "../lib/i18n.h"
#include "craft-int.h"

#define WRAP 78
#define TCP_LISTEN 0x0a /* include/net/tcp_states.h */

static bool is_loopback(const struct lsc_craft *c)
{
	static const uint8_t lo6[16] = { [15] = 1 };
	return c->family == 6 ? memcmp(c->dst, lo6, 16) == 0 : c->dst[0] == 127;
}

/* One of this host's addresses: binding to it succeeds (and sends nothing). */
static bool addr_is_local(const struct lsc_craft *c)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (is_loopback(c))
		return true;
	memset(&ss, 0, sizeof ss);
	if (c->family == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, c->dst, 16);
		len = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, c->dst, 4);
		len = sizeof *s4;
	}
	int fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return false;
	bool local = bind(fd, (struct sockaddr *)&ss, len) == 0;
	close(fd);
	return local;
}

/* /proc/net prints each 32-bit word of an address as the host stores it. */
static size_t proc_addr(const char *hex, uint8_t out[16])
{
	size_t words = strlen(hex) / 8;
	for (size_t i = 0; i < words && i < 4; i++) {
		char w[9];
		memcpy(w, hex + 8 * i, 8);
		w[8] = '\0';
		uint32_t v = (uint32_t)strtoul(w, NULL, 16);
		memcpy(out + 4 * i, &v, 4);
	}
	return words * 4;
}

/* Whether a socket in `path` is bound to (addr or the wildcard, port) in `state` (0: any). */
static bool proc_has(const char *path, const struct lsc_craft *c, unsigned state)
{
	static const uint8_t zero[16];
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	char line[512], hex[65];
	unsigned port, st;
	bool found = false;

	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return false;
	while (!found && fgets(line, sizeof line, fp) != NULL) {
		uint8_t a[16];
		if (sscanf(line, " %*u: %64[0-9A-Fa-f]:%x %*s %x", hex, &port, &st) != 3)
			continue; /* the heading */
		if (port != c->dport || (state != 0 && st != state))
			continue;
		size_t n = proc_addr(hex, a);
		if (memcmp(a, zero, n) == 0)
			found = true; /* bound to every address */
		else if (n == 4 && c->family == 4)
			found = memcmp(a, c->dst, 4) == 0;
		else if (n == 16 && c->family == 6)
			found = memcmp(a, c->dst, 16) == 0;
		else if (n == 16)
			found = memcmp(a, mapped, 12) == 0 && memcmp(a + 12, c->dst, 4) == 0;
	}
	fclose(fp);
	return found;
}

/* An IPv4 destination also reaches dual-stack IPv6 sockets. */
static bool local_socket(const struct lsc_craft *c, const char *proto, unsigned state)
{
	char path[32];
	snprintf(path, sizeof path, "/proc/net/%s6", proto);
	if (proc_has(path, c, state))
		return true;
	snprintf(path, sizeof path, "/proc/net/%s", proto);
	return c->family == 4 && proc_has(path, c, state);
}

/* Appends `text` to b as lines of at most WRAP columns, then a blank line. */
static void put_wrapped(struct lsc_strbuf *b, const char *text)
{
	size_t col = 0;
	while (*text != '\0') {
		size_t w = strcspn(text, " ");
		if (col > 0 && col + 1 + w > WRAP) {
			lsc_sb_putc(b, '\n');
			col = 0;
		} else if (col > 0) {
			lsc_sb_putc(b, ' ');
			col++;
		}
		lsc_sb_putn(b, text, w);
		col += w;
		text += w;
		text += strspn(text, " ");
	}
	lsc_sb_puts(b, "\n");
}

struct names {
	char dst[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN];
	bool local;
};

static void explain_syn(struct lsc_strbuf *p, const struct lsc_craft *c, const struct names *n)
{
	if (n->local && local_socket(c, "tcp", TCP_LISTEN)) {
		lsc_sb_printf(p, _("a socket listens on %s port %u, so the kernel there answers this SYN "
		              "itself with a SYN-ACK (step 2 of the three-way handshake) before any "
		              "program calls accept(). The SYN-ACK comes back to %s port %u, but no "
		              "socket on this host owns that connection: the SYN came from a raw "
		              "socket, not from connect(). So this host's kernel answers the SYN-ACK "
		              "with a RST, and the half-open connection is gone."),
		              n->dst, c->dport, n->src, c->sport);
		lsc_sb_printf(p, _(" Watch the three frames with: layerscope live%s 'tcp port %u'"),
		              is_loopback(c) ? " -i lo" : "", c->dport);
	} else if (n->local) {
		lsc_sb_printf(p, _("nothing listens on %s port %u, so the kernel answers with a RST-ACK: "
		              "the frame that connect() reports as \"Connection refused\"."),
		              n->dst, c->dport);
	} else {
		lsc_sb_printf(p, _("if a program listens on %s port %u, that host's kernel answers with a "
		              "SYN-ACK, and this host's kernel then sends a RST, because no socket here "
		              "owns the connection (the SYN came from a raw socket, not from connect()). "
		              "A closed port answers RST-ACK; a firewall may answer nothing at all."),
		              n->dst, c->dport);
	}
}

static void explain_tcp(struct lsc_strbuf *p, const struct lsc_craft *c, const struct names *n)
{
	if ((c->tcp_flags & LSC_TCP_SYN) && !(c->tcp_flags & (LSC_TCP_ACK | LSC_TCP_RST)))
		explain_syn(p, c, n);
	else if (c->tcp_flags & LSC_TCP_RST)
		lsc_sb_printf(p, _("a RST ends a connection at once. One that matches no connection at "
		              "%s is dropped silently: a RST is never answered."), n->dst);
	else
		lsc_sb_printf(p, _("this segment belongs to no connection at %s (a raw socket made it, "
		              "not a connected socket), so the kernel there answers with a RST."), n->dst);
}

static void explain_udp(struct lsc_strbuf *p, const struct lsc_craft *c, const struct names *n)
{
	const char *unreach = c->family == 6 ? _("ICMPv6 destination unreachable (type 1 code 4, port)")
	                                     : _("ICMP port unreachable (type 3 code 3)");
	if (n->local && local_socket(c, "udp", 0))
		lsc_sb_printf(p, _("a socket is bound to %s port %u: the kernel queues the datagram for "
		              "it, the program reads it with recvfrom(), and no reply comes unless "
		              "the program sends one."), n->dst, c->dport);
	else if (n->local)
		lsc_sb_printf(p, _("nothing is bound to %s port %u, so the kernel answers with %s."),
		              n->dst, c->dport, unreach);
	else
		lsc_sb_printf(p, _("if a program has bound port %u on %s, it receives the datagram with "
		              "recvfrom(); if none has, that host answers with %s."),
		              c->dport, n->dst, unreach);
}

void lsc_craft_explain(const struct lsc_craft *c, struct lsc_strbuf *b)
{
	char text[1024];
	struct lsc_strbuf p;
	struct names n;
	int af = c->family == 6 ? AF_INET6 : AF_INET;

	inet_ntop(af, c->dst, n.dst, sizeof n.dst);
	inet_ntop(af, c->src, n.src, sizeof n.src);
	n.local = c->kind != LSC_CRAFT_ARP && addr_is_local(c);
	lsc_sb_init(&p, text, sizeof text);
	lsc_sb_puts(&p, _("What happens next: "));
	if (c->ifname != NULL && c->kind != LSC_CRAFT_ARP && c->family == 4 && is_loopback(c)) {
		/* ip_route_input() rejects 127/8 from a device unless route_localnet is set. */
		lsc_sb_puts(&p, _("nothing. Linux keeps 127.0.0.0/8 inside the host: an IPv4 frame for it "
		            "that arrives from a link layer, as this one does, is dropped as martian. "
		            "Leave out -i to send it through a raw socket, as the kernel's own "
		            "loopback traffic goes."));
		put_wrapped(b, text);
		return;
	}
	switch (c->kind) {
	case LSC_CRAFT_TCP:
		explain_tcp(&p, c, &n);
		break;
	case LSC_CRAFT_UDP:
		explain_udp(&p, c, &n);
		break;
	case LSC_CRAFT_ICMP_ECHO:
		lsc_sb_printf(&p, _("the kernel at %s answers the echo request itself with an echo reply "
		              "(%s) carrying the same identifier %u, sequence number %u and data; no "
		              "program is involved."), n.dst,
		              c->family == 6 ? "ICMPv6 type 129" : "ICMP type 0", c->id, c->seq);
		break;
	case LSC_CRAFT_ARP:
		lsc_sb_printf(&p, _("every host on the link of %s receives this broadcast, and the one "
		              "that owns %s answers with an ARP reply (is-at) carrying its Ethernet "
		              "address; both remember each other in their neighbour caches "
		              "('ip neigh')."), c->ifname, n.dst);
		break;
	default:
		return;
	}
	put_wrapped(b, text);
}
