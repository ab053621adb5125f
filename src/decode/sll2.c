/* SPDX-License-Identifier: BSD-3-Clause */
/* sll2.c: Linux cooked capture v2 (LINKTYPE_LINUX_SLL2, 20-byte header: what `-i any` gives since libpcap 1.10). */
#include <config.h>

#include "decode-int.h"
#include "../lib/i18n.h"

static void decode_sll2(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c, struct lsc_next *next)
{
	struct lsc_sll *s = &l->u.sll;
	uint16_t reserved;
	uint8_t pkttype = 0, addrlen = 0;

	l->hdr_len = 20;
	/* Unlike v1, the protocol comes first and pkttype and addrlen are one byte each. */
	bool cut = lsc_cur_be16(c, &s->protocol) || lsc_cur_be16(c, &reserved) ||
	           lsc_cur_be32(c, &s->ifindex) || lsc_cur_be16(c, &s->hatype) ||
	           lsc_cur_u8(c, &pkttype) || lsc_cur_u8(c, &addrlen) ||
	           lsc_cur_bytes(c, s->addr, 8);
	s->pkttype = pkttype;
	s->addrlen = addrlen;
	if (cut)
		return lsc_layer_truncated(l, "Linux cooked v2 header cut short (needs 20 bytes)");
	lsc_sll_finish(f, l, next);
}

static const struct lsc_field sll2_fields[] = {
	LSC_FIELD("protocol", N_("Protocol"), LSC_FT_HEX, sll.protocol, 2, lsc_sll_field_protocol),
	LSC_FIELD("ifindex", N_("Interface index"), LSC_FT_UINT, sll.ifindex, 8, NULL),
	LSC_FIELD("hatype", N_("Link-layer address type"), LSC_FT_UINT, sll.hatype, 10, lsc_sll_field_hatype),
	LSC_FIELD("pkttype", N_("Packet type"), LSC_FT_UINT, sll.pkttype, 11, lsc_sll_field_pkttype),
	LSC_FIELD("addrlen", N_("Link-layer address length"), LSC_FT_UINT, sll.addrlen, 12, NULL),
	LSC_FIELD_CUSTOM("addr", N_("Source address"), 20, lsc_sll_emit_addr),
};

const struct lsc_proto_info lsc_proto_sll2 = {
	LSC_PROTO_SLL2, LSC_TCPIP_LINK, "sll2", "SLL2", "Linux cooked capture v2",
	decode_sll2, sll2_fields, LSC_NELEM(sll2_fields), lsc_sll_summary, NULL,
};