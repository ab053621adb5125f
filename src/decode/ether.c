/* ether.c: Ethernet II (IEEE 802.3 with an EtherType); a length instead of a type hands over to llc.c. */
#include <config.h>

#include "decode-int.h"

/* EtherType values below this are 802.3 lengths (IEEE 802.3 clause 3.2.6). */
#define LSC_ETH_MAX_LENGTH 1500

static void decode_eth(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c, struct lsc_next *next)
{
	struct lsc_eth *e = &l->u.eth;
	(void)f;
	l->hdr_len = 14;
	if (lsc_cur_bytes(c, e->dst, 6) || lsc_cur_bytes(c, e->src, 6) || lsc_cur_be16(c, &e->type))
		return lsc_layer_truncated(l, "Ethernet header cut short (needs 14 bytes)");
	if (e->type <= LSC_ETH_MAX_LENGTH) {
		next->table = LSC_NEXT_PROTO;
		next->key = LSC_PROTO_LLC;
		next->limit = e->type; /* 802.3: the field is the LLC frame's length */
		return;
	}
	next->table = LSC_NEXT_ETHERTYPE;
	next->key = e->type;
}

static const char *eth_type_name(const struct lsc_layer *l, uint64_t v)
{
	(void)l;
	if (v <= LSC_ETH_MAX_LENGTH)
		return "802.3 length";
	return lsc_ethertype_name((uint16_t)v);
}

static const struct lsc_field eth_fields[] = {
	LSC_FIELD("dst", "Destination", LSC_FT_MAC, eth.dst, 6, NULL),
	LSC_FIELD("src", "Source", LSC_FT_MAC, eth.src, 12, NULL),
	LSC_FIELD("type", "Type", LSC_FT_HEX, eth.type, 14, eth_type_name),
};

static void eth_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	(void)f;
	lsc_sb_mac(b, l->u.eth.src);
	lsc_sb_puts(b, " → ");
	lsc_sb_mac(b, l->u.eth.dst);
}

const struct lsc_proto_info lsc_proto_eth = {
	LSC_PROTO_ETH, LSC_TCPIP_LINK, "eth", "ETH", "Ethernet II",
	decode_eth, eth_fields, LSC_NELEM(eth_fields), eth_summary,
};
