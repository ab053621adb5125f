/* SPDX-License-Identifier: BSD-3-Clause */
/* sll.c: Linux cooked capture v1 (LINKTYPE_LINUX_SLL, 16-byte header), and what SLL2 shares with it. */
#include <config.h>

#include "decode-int.h"
#include "../lib/i18n.h"

/* sll_pkttype values (linux/if_packet.h). */
#define LSC_SLL_OUTGOING 4

/* ARPHRD_* types whose protocol field is not an EtherType (linux/if_arp.h). */
#define LSC_ARPHRD_NETLINK 824 /* protocol: the netlink family */

/* Linux-internal protocol values below 0x0600 (linux/if_ether.h ETH_P_*). */
#define LSC_ETH_P_802_3   0x0001 /* Novell raw 802.3: IPX with no LLC header */
#define LSC_ETH_P_802_2   0x0004 /* an 802.2 LLC header follows */
#define LSC_ETH_P_802_3_MIN 0x0600 /* from here on the field is an EtherType */

void lsc_sll_finish(struct lsc_frame *f, const struct lsc_layer *l, struct lsc_next *next)
{
	const struct lsc_sll *s = &l->u.sll;
	if (s->pkttype == LSC_SLL_OUTGOING)
		f->direction = LSC_DIR_OUT;
	else if (s->pkttype < LSC_SLL_OUTGOING)
		f->direction = LSC_DIR_IN;

	if (s->hatype == LSC_ARPHRD_NETLINK)
		return; /* a netlink message, not a network-layer packet */
	if (s->protocol >= LSC_ETH_P_802_3_MIN) {
		next->table = LSC_NEXT_ETHERTYPE;
		next->key = s->protocol;
	} else if (s->protocol == LSC_ETH_P_802_2) {
		next->table = LSC_NEXT_PROTO;
		next->key = LSC_PROTO_LLC;
	}
	/* Anything else below 0x600 (Novell IPX, CAN, AX.25 ...) stays payload. */
}

static void decode_sll(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c, struct lsc_next *next)
{
	struct lsc_sll *s = &l->u.sll;
	l->hdr_len = 16;
	if (lsc_cur_be16(c, &s->pkttype) || lsc_cur_be16(c, &s->hatype) ||
	    lsc_cur_be16(c, &s->addrlen) || lsc_cur_bytes(c, s->addr, 8) ||
	    lsc_cur_be16(c, &s->protocol))
		return lsc_layer_truncated(l, "Linux cooked header cut short (needs 16 bytes)");
	lsc_sll_finish(f, l, next);
}

/* ---- fields, shared with sll2.c ------------------------------------------ */

const char *lsc_sll_field_pkttype(const struct lsc_layer *l, uint64_t v)
{
	(void)l;
	switch (v) {
	case 0: return "unicast to us";
	case 1: return "broadcast";
	case 2: return "multicast";
	case 3: return "unicast to another host";
	case 4: return "sent by us";
	case 5: return "looped back";
	case 6: return "to user space";
	case 7: return "to kernel";
	default: return NULL;
	}
}

const char *lsc_sll_field_hatype(const struct lsc_layer *l, uint64_t v)
{
	(void)l;
	switch (v) {
	case 1: return "Ethernet";
	case 24: return "IEEE 1394";
	case 32: return "InfiniBand";
	case 280: return "CAN";
	case 512: return "PPP";
	case 768: return "IPIP tunnel";
	case 769: return "IPv6-in-IPv6 tunnel";
	case 772: return "loopback";
	case 776: return "SIT tunnel (IPv6-in-IPv4)";
	case 778: return "GRE tunnel";
	case 801: return "IEEE 802.11";
	case 803: return "IEEE 802.11 + radiotap";
	case 804: return "IEEE 802.15.4";
	case 823: return "IPv6 GRE tunnel";
	case 824: return "netlink";
	case 65534: return "none (tun, wireguard)";
	default: return NULL;
	}
}

const char *lsc_sll_field_protocol(const struct lsc_layer *l, uint64_t v)
{
	if (l->u.sll.hatype == LSC_ARPHRD_NETLINK)
		return "netlink family";
	if (v >= LSC_ETH_P_802_3_MIN)
		return lsc_ethertype_name((uint16_t)v);
	switch (v) {
	case LSC_ETH_P_802_3: return "Novell raw 802.3 (IPX)";
	case 0x0002: return "AX.25";
	case 0x0003: return "every protocol";
	case LSC_ETH_P_802_2: return "802.2 LLC";
	case 0x0005: return "SNAP";
	case 0x0006: return "DEC DDCMP";
	case 0x0007: return "PPP (WAN)";
	case 0x0008: return "PPP multilink";
	case 0x0009: return "LocalTalk";
	case 0x000c: return "CAN";
	case 0x000d: return "CAN FD";
	case 0x000e: return "CAN XL";
	case 0x0010: return "AppleTalk over PPP";
	case 0x0011: return "802.2 (token ring)";
	case 0x0015: return "Mobitex";
	case 0x0016: return "card control";
	case 0x0017: return "IrDA";
	case 0x0018: return "Econet";
	case 0x0019: return "HDLC";
	case 0x001a: return "ARCnet";
	case 0x001b: return "DSA";
	case 0x001c: return "trailer switch tagging";
	case 0x00f5: return "Phonet";
	case 0x00f6: return "IEEE 802.15.4";
	case 0x00f7: return "CAIF";
	case 0x00f8: return "multiplexed DSA";
	case 0x00f9: return "Qualcomm MAP";
	case 0x00fa: return "MCTP";
	default: return "Linux-internal protocol";
	}
}

/* The link-layer address: addrlen bytes, but the header holds at most 8. */
void lsc_sll_emit_addr(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                       const struct lsc_field *fd)
{
	char buf[3 * 8];
	struct lsc_strbuf b;
	size_t n = l->u.sll.addrlen < 8 ? l->u.sll.addrlen : 8;
	(void)f;
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_hexcolon(&b, l->u.sll.addr, n);
	s->ops->text(s, fd->key, fd->label, buf, false);
}

void lsc_sll_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_sll *s = &l->u.sll;
	const char *dir = lsc_sll_field_pkttype(l, s->pkttype);
	(void)f;
	if (l->proto == LSC_PROTO_SLL2)
		lsc_sb_printf(b, "ifindex %u ", (unsigned)s->ifindex);
	lsc_sb_puts(b, dir != NULL ? dir : "packet type ?");
	if (s->addrlen > 0) {
		lsc_sb_puts(b, " from ");
		lsc_sb_hexcolon(b, s->addr, s->addrlen < 8 ? s->addrlen : 8);
	}
}

static const struct lsc_field sll_fields[] = {
	LSC_FIELD("pkttype", N_("Packet type"), LSC_FT_UINT, sll.pkttype, 2, lsc_sll_field_pkttype),
	LSC_FIELD("hatype", N_("Link-layer address type"), LSC_FT_UINT, sll.hatype, 4, lsc_sll_field_hatype),
	LSC_FIELD("addrlen", N_("Link-layer address length"), LSC_FT_UINT, sll.addrlen, 6, NULL),
	LSC_FIELD_CUSTOM("addr", N_("Source address"), 14, lsc_sll_emit_addr),
	LSC_FIELD("protocol", N_("Protocol"), LSC_FT_HEX, sll.protocol, 16, lsc_sll_field_protocol),
};

const struct lsc_proto_info lsc_proto_sll = {
	LSC_PROTO_SLL, LSC_TCPIP_LINK, "sll", "SLL", "Linux cooked capture v1",
	decode_sll, sll_fields, LSC_NELEM(sll_fields), lsc_sll_summary, NULL,
};