/* SPDX-License-Identifier: BSD-3-Clause */
/* complete.c: the fields a user leaves out, filled as the host would: route, ports, numbers, link addresses. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "craft-int.h"

static uint32_t random32(void)
{
	uint32_t v;
	if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v)
		v = (uint32_t)getpid() * 2654435761u ^ (uint32_t)time(NULL);
	return v;
}

static void fill_sockaddr(struct sockaddr_storage *ss, socklen_t *len, uint8_t family,
                          const uint8_t *addr, uint16_t port)
{
	memset(ss, 0, sizeof *ss);
	if (family == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, addr, 16);
		*len = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, addr, 4);
		*len = sizeof *s4;
	}
}

/*
 * The source address the kernel would choose for the destination: connect()
 * on a UDP socket consults the routing table and sends nothing.
 */
static int route_source(struct lsc_craft *c, char *err)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char dst[INET6_ADDRSTRLEN];
	int one = 1;

	inet_ntop(c->family == 6 ? AF_INET6 : AF_INET, c->dst, dst, sizeof dst);
	int fd = socket(c->family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("socket(): %s — give the source with --from ADDR"),
		         strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
	fill_sockaddr(&ss, &len, c->family, c->dst, c->dport ? c->dport : 9);
	if (connect(fd, (struct sockaddr *)&ss, len) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("no route to %s (%s) — give the source with --from ADDR"),
		         dst, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (c->family == 6)
		memcpy(c->src, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	else
		memcpy(c->src, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	return 0;
}

/* The interface's Ethernet address, whether it is loopback, and its IPv4 address (or 0.0.0.0). */
static int link_info(const char *ifname, uint8_t mac[6], bool *loopback, uint8_t ip4[4], char *err)
{
	struct ifreq ifr;
	int rc = -1;

	if (strlen(ifname) >= sizeof ifr.ifr_name || if_nametoindex(ifname) == 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("no interface named '%s' — 'ip link' lists them"), ifname);
		return -1;
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		snprintf(err, LSC_ERRBUF_SIZE, "socket(): %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("%s: reading its hardware address (SIOCGIFHWADDR): %s"),
		         ifname, strerror(errno));
		goto out;
	}
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER && ifr.ifr_hwaddr.sa_family != ARPHRD_LOOPBACK) {
		snprintf(err, LSC_ERRBUF_SIZE, _("%s is not an Ethernet interface (ARP hardware type %u): "
		         "craft builds Ethernet frames — leave out -i to send through a raw IP socket"),
		         ifname, ifr.ifr_hwaddr.sa_family);
		goto out;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("%s: reading its flags (SIOCGIFFLAGS): %s"),
		         ifname, strerror(errno));
		goto out;
	}
	*loopback = (ifr.ifr_flags & IFF_LOOPBACK) != 0;
	memset(ip4, 0, 4);
	ifr.ifr_addr.sa_family = AF_INET;
	if (ioctl(fd, SIOCGIFADDR, &ifr) == 0)
		memcpy(ip4, &((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr, 4);
	rc = 0;
out:
	close(fd);
	return rc;
}

static int complete_link(struct lsc_craft *c, char *err)
{
	uint8_t ip4[4];
	bool loopback = false;
	char dst[INET6_ADDRSTRLEN];

	if (link_info(c->ifname, c->src_mac, &loopback, ip4, err) != 0)
		return -1;
	if (c->kind == LSC_CRAFT_ARP) {
		if (!(c->given & LSC_CG_SRC))
			memcpy(c->src, ip4, 4); /* 0.0.0.0 without one: an ARP probe (RFC 5227) */
		if (!(c->given & LSC_CG_DST_MAC))
			memset(c->dst_mac, 0xff, 6); /* who-has asks everyone on the link */
		return 0;
	}
	if (c->given & LSC_CG_DST_MAC)
		return 0;
	if (loopback) {
		memset(c->dst_mac, 0, 6); /* lo carries all-zero Ethernet addresses */
		return 0;
	}
	inet_ntop(c->family == 6 ? AF_INET6 : AF_INET, c->dst, dst, sizeof dst);
	snprintf(err, LSC_ERRBUF_SIZE, _("which Ethernet address should the frame to %s on %s go to? "
	         "give it with --dst-mac MAC ('ip neigh show dev %s' lists the ones the kernel knows)"),
	         dst, c->ifname, c->ifname);
	return -1;
}

int lsc_craft_complete(struct lsc_craft *c, char *err)
{
	if (c->ifname != NULL && complete_link(c, err) != 0)
		return -1;
	if (c->kind != LSC_CRAFT_ARP && !(c->given & LSC_CG_SRC) && route_source(c, err) != 0)
		return -1;
	if ((c->kind == LSC_CRAFT_TCP || c->kind == LSC_CRAFT_UDP) && !(c->given & LSC_CG_SPORT))
		c->sport = (uint16_t)(32768u + random32() % 28232u); /* Linux's ephemeral range */
	if (c->kind == LSC_CRAFT_TCP && !(c->given & LSC_CG_SEQ))
		c->seq = random32();
	if (c->kind == LSC_CRAFT_ICMP_ECHO && !(c->given & LSC_CG_ID))
		c->id = (uint16_t)getpid();
	/* Not 0: a raw IPv4 socket replaces a zero id with its own. */
	c->ip_id = (uint16_t)(1u + random32() % 65535u);
	return 0;
}
