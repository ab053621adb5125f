/* SPDX-License-Identifier: BSD-3-Clause */
/* vlan.c: IEEE 802.1Q VLAN tags, 802.1ad service tags and pre-standard 0x9100 QinQ; one layer per tag. */
#include <config.h>

#include "decode-int.h"
#include "../lib/i18n.h"

/* The TPID that announced this tag: the EtherType field of the layer before. */
static uint16_t tag_tpid(const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_layer *p = lsc_decode_parent(f, l);
	if (p == NULL)
		return 0;
	switch (p->proto) {
	case LSC_PROTO_ETH: return p->u.eth.type;
	case LSC_PROTO_VLAN: return p->u.vlan.type;
	case LSC_PROTO_SLL:
	case LSC_PROTO_SLL2: return p->u.sll.protocol;
	case LSC_PROTO_LLC: return p->u.llc.pid;
	default: return 0;
	}
}

static void decode_vlan(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c, struct lsc_next *next)
{
	struct lsc_vlan *v = &l->u.vlan;
	uint16_t tci;

	v->tpid = tag_tpid(f, l);
	l->hdr_len = 4;
	if (lsc_cur_be16(c, &tci))
		return lsc_layer_truncated(l, "VLAN tag cut short (needs 4 bytes)");
	v->pcp = (uint8_t)(tci >> 13);
	v->dei = (uint8_t)(tci >> 12 & 1);
	v->id = tci & 0x0fff;
	if (lsc_cur_be16(c, &v->type))
		return lsc_layer_truncated(l, "VLAN tag cut short (needs 4 bytes)");
	lsc_decode_next_ethertype(f, c, next, v->type);
}

static const char *field_tpid(const struct lsc_layer *l, uint64_t v)
{
	(void)l;
	switch (v) {
	case 0x8100: return "802.1Q customer tag";
	case 0x88a8: return "802.1ad service tag";
	case 0x9100: return "QinQ (pre-standard)";
	default: return NULL;
	}
}

/* IEEE 802.1Q Annex I: the traffic types the priorities stand for (1 is the lowest). */
static const char *field_pcp(const struct lsc_layer *l, uint64_t v)
{
	static const char *const names[8] = {
		"best effort", "background", "excellent effort", "critical applications",
		"video", "voice", "internetwork control", "network control",
	};
	(void)l;
	return v < 8 ? names[v] : NULL;
}

static const char *field_id(const struct lsc_layer *l, uint64_t v)
{
	(void)l;
	if (v == 0)
		return "priority tag, no VLAN";
	if (v == 0xfff)
		return "reserved";
	return NULL;
}

static const struct lsc_field vlan_fields[] = {
	LSC_FIELD("tpid", N_("Tag protocol"), LSC_FT_HEX, vlan.tpid, 0, field_tpid),
	LSC_FIELD("pcp", N_("Priority"), LSC_FT_UINT, vlan.pcp, 2, field_pcp),
	LSC_FIELD("dei", N_("Drop eligible"), LSC_FT_UINT, vlan.dei, 2, NULL),
	LSC_FIELD("id", N_("VLAN id"), LSC_FT_UINT, vlan.id, 2, field_id),
	LSC_FIELD("type", N_("Type"), LSC_FT_HEX, vlan.type, 4, lsc_field_ethertype_or_length),
};

static void vlan_addrs(struct lsc_strbuf *b, const struct lsc_layer *l)
{
	lsc_sb_printf(b, "%u", l->u.vlan.id);
}

static void vlan_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_vlan *v = &l->u.vlan;
	(void)f;
	lsc_sb_printf(b, "%s %u pcp %u", v->tpid == 0x8100 ? "vlan" : "s-vlan", v->id, v->pcp);
	if (v->dei)
		lsc_sb_puts(b, " dei");
}

const struct lsc_proto_info lsc_proto_vlan = {
	LSC_PROTO_VLAN, LSC_TCPIP_LINK, "vlan", "VLAN", "IEEE 802.1Q Virtual LAN tag",
	decode_vlan, vlan_fields, LSC_NELEM(vlan_fields), vlan_summary, vlan_addrs,
};
