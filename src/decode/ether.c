/* SPDX-License-Identifier: BSD-3-Clause */
/* ether.c: Ethernet II (IEEE 802.3 with an EtherType); a length instead of a type hands over to llc.c. */
#include <config.h>

#include "decode-int.h"
#include "../lib/i18n.h"

/* EtherType values below this are 802.3 lengths (IEEE 802.3 clause 3.2.6). */
#define LSC_ETH_MAX_LENGTH 1500

static void decode_eth(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c, struct lsc_next *next)
{
	struct lsc_eth *e = &l->u.eth;
	l->hdr_len = 14;
	if (lsc_cur_bytes(c, e->dst, 6) || lsc_cur_bytes(c, e->src, 6) || lsc_cur_be16(c, &e->type))
		return lsc_layer_truncated(l, "Ethernet header cut short (needs 14 bytes)");
	lsc_decode_next_ethertype(f, c, next, e->type);
}

void lsc_decode_next_ethertype(struct lsc_frame *f, const struct lsc_cur *c,
                               struct lsc_next *next, uint16_t type)
{
	if (type > LSC_ETH_MAX_LENGTH) {
		next->table = LSC_NEXT_ETHERTYPE;
		next->key = type;
		return;
	}
	next->limit = type; /* 802.3: the field is the length of what follows */
	/*
	 * Novell's "raw 802.3" puts IPX straight after the length, with no LLC
	 * header; IPX's checksum field, always 0xffff, sits where DSAP and SSAP
	 * would be (0xff is no valid LSAP pair for LLC).
	 */
	struct lsc_cur peek = *c;
	uint16_t first;
	if (type >= 2 && lsc_cur_be16(&peek, &first) == 0 && first == 0xffff) {
		lsc_frame_note(f, "802.3 frame without an LLC header: Novell raw IPX");
		return;
	}
	next->table = LSC_NEXT_PROTO;
	next->key = LSC_PROTO_LLC;
}

const char *lsc_field_ethertype_or_length(const struct lsc_layer *l, uint64_t v)
{
	(void)l;
	if (v <= LSC_ETH_MAX_LENGTH)
		return "802.3 length";
	return lsc_ethertype_name((uint16_t)v);
}

static const struct lsc_field eth_fields[] = {
	LSC_FIELD("dst", N_("Destination"), LSC_FT_MAC, eth.dst, 6, NULL),
	LSC_FIELD("src", N_("Source"), LSC_FT_MAC, eth.src, 12, NULL),
	LSC_FIELD("type", N_("Type"), LSC_FT_HEX, eth.type, 14, lsc_field_ethertype_or_length),
};

static void eth_addrs(struct lsc_strbuf *b, const struct lsc_layer *l)
{
	lsc_sb_mac(b, l->u.eth.src);
	lsc_sb_to(b);
	lsc_sb_mac(b, l->u.eth.dst);
}

static void eth_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	(void)f;
	eth_addrs(b, l);
}

const struct lsc_proto_info lsc_proto_eth = {
	LSC_PROTO_ETH, LSC_TCPIP_LINK, "eth", "ETH", "Ethernet II",
	decode_eth, eth_fields, LSC_NELEM(eth_fields), eth_summary, eth_addrs,
};
