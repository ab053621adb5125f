/* SPDX-License-Identifier: BSD-3-Clause */
/* craft.h: frames built by hand, layer by layer, with libnet; sent or written to a pcap. */
#ifndef LAYERSCOPE_CRAFT_H
#define LAYERSCOPE_CRAFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <layerscope/source.h> /* LSC_ERRBUF_SIZE */
#include <layerscope/strbuf.h>

/*
 * A crafted frame is described by a struct lsc_craft: the caller (the CLI)
 * fills what the user asked for, lsc_craft_complete() fills the rest the way
 * a Linux host would, and the same description is built twice with the same
 * libnet builders: once into a buffer (to show it and to write it to a pcap)
 * and once in a sending context (raw socket or link layer).  The two give the
 * same bytes.
 *
 * Frames sent through a raw IP socket have no link header: the kernel adds
 * it when it routes the datagram, so such frames are shown and written as
 * raw IP (DLT_RAW).  ARP, and any frame crafted with an interface, carry an
 * Ethernet header (DLT_EN10MB).
 */

enum lsc_craft_kind {
	LSC_CRAFT_TCP = 1,
	LSC_CRAFT_UDP,
	LSC_CRAFT_ICMP_ECHO, /* ICMP echo request, or ICMPv6 for IPv6 addresses */
	LSC_CRAFT_ARP        /* ARP who-has (request) */
};

/* Bits of struct lsc_craft.given: what the user set, so defaults leave it alone. */
#define LSC_CG_SRC     0x001u
#define LSC_CG_SPORT   0x002u
#define LSC_CG_SEQ     0x004u
#define LSC_CG_MSS     0x008u
#define LSC_CG_ID      0x010u
#define LSC_CG_DST_MAC 0x020u

struct lsc_craft {
	uint8_t kind;            /* enum lsc_craft_kind */
	uint8_t family;          /* 4 or 6: decided by the addresses */
	uint16_t given;          /* LSC_CG_* */
	uint8_t src[16], dst[16]; /* network byte order; IPv4 uses the first 4 */
	uint16_t sport, dport;
	uint16_t tcp_flags;      /* LSC_TCP_* of frame.h */
	uint32_t seq, ack;       /* TCP; seq is also the ICMP echo sequence */
	uint16_t window;
	uint16_t mss;            /* sent as an option when LSC_CG_MSS is given */
	uint16_t id;             /* ICMP echo identifier */
	uint16_t ip_id;          /* IPv4 identification */
	uint8_t ttl;             /* IPv4 TTL, IPv6 hop limit */
	const char *ifname;      /* build an Ethernet frame for this interface; NULL: raw IP */
	uint8_t src_mac[6], dst_mac[6];
	const uint8_t *payload;  /* not owned */
	uint32_t payload_len;
};

/* The largest frame lsc_craft_build() makes: a full IPv6 payload and Ethernet. */
#define LSC_CRAFT_MAX_FRAME (14u + 40u + 65535u)

/* Sets the defaults that need no system call: TTL 64, window 64240, SYN. */
void lsc_craft_init(struct lsc_craft *c, enum lsc_craft_kind kind);

/*
 * Parses TCP flags: tcpdump's letters ("S", "S.", "FP.", with A and C also
 * accepted for ACK and CWR as scapy writes them), names separated by ',' '+'
 * or '|' ("syn,ack", "FIN|PSH"), "none", or a number ("0x12").  Returns 0,
 * or -1 with the reason in `err` (LSC_ERRBUF_SIZE bytes).
 */
int lsc_craft_parse_flags(const char *s, uint16_t *flags, char *err);

/*
 * Parses ADDR, ADDR:PORT or [IPv6]:PORT with a numeric address.  *family
 * becomes 4 or 6; *has_port says whether a port was given (a bare IPv6
 * address has none: "::1:80" is an address).  Returns 0, or -1 with the
 * reason in `err`.
 */
int lsc_craft_parse_endpoint(const char *s, uint8_t *family, uint8_t addr[16],
                             uint16_t *port, bool *has_port, char *err);

/* Payload bytes the frame can carry at most: the IP length field's limit. */
uint32_t lsc_craft_payload_max(const struct lsc_craft *c);

/*
 * Fills what the user left out: the source address the kernel's routing
 * table would pick, a random ephemeral source port and sequence number, the
 * echo identifier (the process id, as ping), a random IPv4 id; with an
 * interface, its Ethernet address (and for ARP its IPv4 address, and the
 * broadcast destination).  Sends nothing and needs no privilege.  Returns 0,
 * or -1 with the call that failed and what to do in `err`.
 */
int lsc_craft_complete(struct lsc_craft *c, char *err);

/* DLT_EN10MB when the frame has an Ethernet header, else DLT_RAW. */
int lsc_craft_linktype(const struct lsc_craft *c);

/*
 * Builds the frame with libnet's builders in a build-only context (no socket,
 * no privilege) into `buf` of `cap` bytes (LSC_CRAFT_MAX_FRAME always fits).
 * Checksums and lengths are computed.  Returns 0 with the size in *len, or
 * -1 with libnet's reason in `err`.
 */
int lsc_craft_build(const struct lsc_craft *c, uint8_t *buf, size_t cap, size_t *len, char *err);

/* Where crafted frames go: a pcap file, or the network. */
struct lsc_craft_out;

/*
 * Opens `path` ("-" is standard output) for a pcap of the frame's link type.
 * Returns NULL with the reason in `err`.
 */
struct lsc_craft_out *lsc_craft_open_file(const struct lsc_craft *c, const char *path, char *err);

/*
 * Opens a libnet sending context for the frame (a raw IPv4 or IPv6 socket,
 * or the link layer of c->ifname) and builds the frame in it.  Needs
 * CAP_NET_RAW; without it returns NULL and says so, and what to do, in `err`.
 */
struct lsc_craft_out *lsc_craft_open_net(const struct lsc_craft *c, char *err);

/*
 * Emits one frame: a file output writes `frame` with timestamp `ts`; a
 * network output sends the frame its own context built from the same
 * description (the same bytes).  Returns 0, or -1 with the reason in `err`.
 */
int lsc_craft_put(struct lsc_craft_out *o, const uint8_t *frame, size_t len,
                  const struct timespec *ts, char *err);

/*
 * Flushes and closes; returns 0, 1 when the capture went to a pipe whose
 * reader has closed it (`-w - | head`: no error), or -1 with the reason when
 * the flush failed.
 */
int lsc_craft_close(struct lsc_craft_out *o, char *err);

/*
 * What the network will do with the frame once sent, for a learner: the
 * SYN-ACK and the crafting host's RST for a SYN to a listening port, the RST
 * of a closed port, ICMP port unreachable, the echo reply, the ARP reply.
 * Looks at this host's listening sockets (/proc/net) when the destination is
 * one of its addresses.  Writes paragraphs of text to `b`.
 */
void lsc_craft_explain(const struct lsc_craft *c, struct lsc_strbuf *b);

#endif
