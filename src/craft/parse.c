/* SPDX-License-Identifier: BSD-3-Clause */
/* parse.c: the words of a crafted frame: TCP flags (RFC 9293 3.1), addresses and ports, limits. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <pcap/pcap.h>

#include <layerscope/frame.h>

#include "craft-int.h"

/* tcpdump's letter, scapy's where it differs, and the name, per flag bit. */
static const struct {
	char letter;
	char alt;
	const char *name;
	uint16_t bit;
} tcp_flags[] = {
	{ 'F', 0, "fin", LSC_TCP_FIN },
	{ 'S', 0, "syn", LSC_TCP_SYN },
	{ 'R', 0, "rst", LSC_TCP_RST },
	{ 'P', 0, "psh", LSC_TCP_PSH },
	{ '.', 'A', "ack", LSC_TCP_ACK },
	{ 'U', 0, "urg", LSC_TCP_URG },
	{ 'E', 0, "ece", LSC_TCP_ECE },
	{ 'W', 'C', "cwr", LSC_TCP_CWR },
};
#define NFLAGS (sizeof tcp_flags / sizeof tcp_flags[0])

#define FLAG_HELP N_("tcpdump's letters S F R P . U E W, names like syn,ack, or a number up to 0xff")

void lsc_craft_init(struct lsc_craft *c, enum lsc_craft_kind kind)
{
	memset(c, 0, sizeof *c);
	c->kind = (uint8_t)kind;
	c->family = 4;
	c->ttl = 64;
	c->window = 64240; /* what Linux offers in a SYN for a 1460-byte MSS */
	if (kind == LSC_CRAFT_TCP)
		c->tcp_flags = LSC_TCP_SYN;
	if (kind == LSC_CRAFT_ICMP_ECHO)
		c->seq = 1; /* ping's first sequence number */
}

/* The bit of one flag name, or 0. */
static uint16_t flag_by_name(const char *s, size_t n)
{
	for (size_t i = 0; i < NFLAGS; i++)
		if (n == 3 && strncasecmp(s, tcp_flags[i].name, 3) == 0)
			return tcp_flags[i].bit;
	return 0;
}

/* "syn,ack", "SYN|ACK", "fin+psh": every word a flag name. */
static int parse_flag_names(const char *s, uint16_t *flags, char *err)
{
	uint16_t v = 0;
	const char *p = s;
	for (;;) {
		size_t n = strcspn(p, ",+|");
		uint16_t bit = flag_by_name(p, n);
		if (bit == 0) {
			snprintf(err, LSC_ERRBUF_SIZE, _("unknown TCP flag name '%.*s' in '%s' (%s)"),
			         (int)n, p, s, _(FLAG_HELP));
			return -1;
		}
		v |= bit;
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	*flags = v;
	return 0;
}

/* "S.", "FPA": one letter per flag. */
static int parse_flag_letters(const char *s, uint16_t *flags, char *err)
{
	uint16_t v = 0;
	for (const char *p = s; *p != '\0'; p++) {
		size_t i;
		for (i = 0; i < NFLAGS; i++)
			if (*p == tcp_flags[i].letter || (tcp_flags[i].alt && *p == tcp_flags[i].alt))
				break;
		if (i == NFLAGS) {
			snprintf(err, LSC_ERRBUF_SIZE, _("unknown TCP flag '%c' in '%s' (%s)"), *p, s, _(FLAG_HELP));
			return -1;
		}
		v |= tcp_flags[i].bit;
	}
	*flags = v;
	return 0;
}

int lsc_craft_parse_flags(const char *s, uint16_t *flags, char *err)
{
	if (s == NULL || *s == '\0') {
		snprintf(err, LSC_ERRBUF_SIZE, _("empty TCP flags (%s)"), _(FLAG_HELP));
		return -1;
	}
	if (strcasecmp(s, "none") == 0) {
		*flags = 0;
		return 0;
	}
	if (*s >= '0' && *s <= '9') {
		char *end;
		errno = 0;
		unsigned long v = strtoul(s, &end, 0);
		if (errno != 0 || *end != '\0' || v > 0xff) {
			snprintf(err, LSC_ERRBUF_SIZE, _("TCP flags '%s': a number must be 0 to 0xff "
			         "(libnet's TCP builder sets the 8 classic flag bits)"), s);
			return -1;
		}
		*flags = (uint16_t)v;
		return 0;
	}
	/* Words when separated or lowercase; a lone upper-case word that is a name ("ECE") too. */
	bool words = s[strcspn(s, ",+|abcdefghijklmnopqrstuvwxyz")] != '\0';
	if (words || (strlen(s) == 3 && flag_by_name(s, 3) != 0))
		return parse_flag_names(s, flags, err);
	return parse_flag_letters(s, flags, err);
}

static int parse_port(const char *s, const char *whole, uint16_t *port, char *err)
{
	char *end;
	if (*s < '0' || *s > '9') {
		snprintf(err, LSC_ERRBUF_SIZE, _("'%s': the port must be a number from 0 to 65535"), whole);
		return -1;
	}
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > 65535) {
		snprintf(err, LSC_ERRBUF_SIZE, _("'%s': the port must be a number from 0 to 65535"), whole);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

/* A numeric address of either family into addr; the family it was. */
static int parse_addr(const char *s, size_t n, const char *whole, uint8_t *family,
                      uint8_t addr[16], char *err)
{
	char text[INET6_ADDRSTRLEN + 1];
	if (n == 0 || n >= sizeof text) {
		snprintf(err, LSC_ERRBUF_SIZE, _("'%s' is not a numeric IPv4 or IPv6 address"), whole);
		return -1;
	}
	memcpy(text, s, n);
	text[n] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, text, addr) == 1) {
		*family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, text, addr) == 1) {
		*family = 6;
		return 0;
	}
	snprintf(err, LSC_ERRBUF_SIZE, _("'%s' is not a numeric IPv4 or IPv6 address "
	         "(names are not looked up; IPv6 with a port is written [ADDR]:PORT)"), whole);
	return -1;
}

int lsc_craft_parse_endpoint(const char *s, uint8_t *family, uint8_t addr[16],
                             uint16_t *port, bool *has_port, char *err)
{
	*has_port = false;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (close == NULL) {
			snprintf(err, LSC_ERRBUF_SIZE, _("'%s': missing ']' after the IPv6 address"), s);
			return -1;
		}
		if (parse_addr(s + 1, (size_t)(close - s - 1), s, family, addr, err))
			return -1;
		if (*family != 6) {
			snprintf(err, LSC_ERRBUF_SIZE, _("'%s': brackets are for IPv6 addresses"), s);
			return -1;
		}
		if (close[1] == '\0')
			return 0;
		if (close[1] != ':') {
			snprintf(err, LSC_ERRBUF_SIZE, _("'%s': expected ':PORT' after ']'"), s);
			return -1;
		}
		*has_port = true;
		return parse_port(close + 2, s, port, err);
	}
	const char *colon = strchr(s, ':');
	if (colon != NULL && strchr(colon + 1, ':') == NULL) {
		/* Exactly one colon: IPv4 ADDR:PORT. */
		if (parse_addr(s, (size_t)(colon - s), s, family, addr, err))
			return -1;
		*has_port = true;
		return parse_port(colon + 1, s, port, err);
	}
	return parse_addr(s, strlen(s), s, family, addr, err);
}

uint32_t lsc_craft_l4_len(const struct lsc_craft *c)
{
	switch (c->kind) {
	case LSC_CRAFT_TCP:
		return LIBNET_TCP_H + ((c->given & LSC_CG_MSS) ? 4u : 0u);
	case LSC_CRAFT_UDP:
		return LIBNET_UDP_H;
	case LSC_CRAFT_ICMP_ECHO:
		return LIBNET_ICMPV4_ECHO_H; /* ICMPv6 echo has the same 8 bytes */
	default:
		return LIBNET_ARP_ETH_IP_H;
	}
}

uint32_t lsc_craft_payload_max(const struct lsc_craft *c)
{
	if (c->kind == LSC_CRAFT_ARP)
		return 0;
	/* IPv4 counts its own header in the 16-bit total length; IPv6 does not. */
	uint32_t room = c->family == 6 ? 65535u : 65535u - LIBNET_IPV4_H;
	return room - lsc_craft_l4_len(c);
}

int lsc_craft_linktype(const struct lsc_craft *c)
{
	return c->ifname != NULL ? DLT_EN10MB : DLT_RAW;
}
