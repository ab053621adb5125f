/* SPDX-License-Identifier: BSD-3-Clause */
/* llc.c: IEEE 802.2 LLC (DSAP, SSAP, control) and its SNAP extension (IEEE 802 clause 10, RFC 1042). */
#include <config.h>

#include "decode-int.h"
#include "../lib/i18n.h"

#define LSC_LSAP_SNAP 0xaa
#define LSC_LLC_UI    0x03 /* unnumbered information, the only U-frame that carries data */
#define LSC_LLC_PF    0x10 /* poll/final bit of a U-frame's control byte */

/* The 802.3 length the parent gave, or, under SLL (no length field), the bytes left. */
static uint16_t llc_length(const struct lsc_frame *f, const struct lsc_layer *l, const struct lsc_cur *c)
{
	const struct lsc_layer *p = lsc_decode_parent(f, l);
	if (p != NULL && p->proto == LSC_PROTO_ETH)
		return p->u.eth.type;
	if (p != NULL && p->proto == LSC_PROTO_VLAN)
		return p->u.vlan.type;
	size_t left = lsc_cur_left(c);
	return left > UINT16_MAX ? UINT16_MAX : (uint16_t)left;
}

/* SNAP: a 3-byte OUI and a 2-byte protocol id; OUI 0 (and 802.1H's 0x0000f8) means an EtherType. */
static void decode_snap(struct lsc_layer *l, struct lsc_cur *c, struct lsc_next *next)
{
	struct lsc_llc *k = &l->u.llc;
	uint8_t oui[3];
	k->snap = true;
	l->hdr_len = 8;
	if (lsc_cur_bytes(c, oui, 3) || lsc_cur_be16(c, &k->pid))
		return lsc_layer_truncated(l, "SNAP header cut short (needs 8 bytes)");
	k->oui = (uint32_t)oui[0] << 16 | (uint32_t)oui[1] << 8 | oui[2];
	if (k->oui == 0x000000 || k->oui == 0x0000f8) {
		next->table = LSC_NEXT_ETHERTYPE;
		next->key = k->pid;
	}
}

static void decode_llc(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c, struct lsc_next *next)
{
	struct lsc_llc *k = &l->u.llc;
	uint8_t ctl, ctl2;

	k->length = llc_length(f, l, c);
	l->hdr_len = 3;
	if (lsc_cur_u8(c, &k->dsap) || lsc_cur_u8(c, &k->ssap) || lsc_cur_u8(c, &ctl))
		return lsc_layer_truncated(l, "LLC header cut short (needs 3 bytes)");
	k->control = ctl;
	if ((ctl & 0x03) != 0x03) {
		/* I- and S-frames: a second control byte with N(R) and poll/final. */
		l->hdr_len = 4;
		if (lsc_cur_u8(c, &ctl2))
			return lsc_layer_truncated(l, "LLC control field cut short (I/S frames need 4 bytes)");
		k->control = (uint16_t)(ctl | ctl2 << 8); /* as 802.2 sends it: low byte first */
	} else if (k->dsap == LSC_LSAP_SNAP && (k->ssap & 0xfe) == LSC_LSAP_SNAP &&
	           (ctl & ~LSC_LLC_PF) == LSC_LLC_UI) {
		decode_snap(l, c, next);
	}
	l->body_len = k->length > l->hdr_len ? k->length - l->hdr_len : 0;
}

/* ---- fields -------------------------------------------------------------- */

static const char *lsap_name(uint8_t sap)
{
	switch (sap & 0xfe) {
	case 0x00: return "null LSAP";
	case 0x04: return "SNA";
	case 0x06: return "IP (ARPANET)";
	case 0x42: return "Spanning Tree BPDU";
	case 0x80: return "XNS";
	case 0x98: return "ARP (ARPANET)";
	case 0xaa: return "SNAP";
	case 0xe0: return "NetWare (IPX)";
	case 0xf0: return "NetBIOS";
	case 0xf4: return "LAN management";
	case 0xfe: return "ISO network layer (OSI)";
	default: return NULL;
	}
}

static const char *field_lsap(const struct lsc_layer *l, uint64_t v)
{
	(void)l;
	return lsap_name((uint8_t)v);
}

/* The frame kind and, for U- and S-frames, the command (ISO/IEC 8802-2 clause 5.3). */
static const char *field_control(const struct lsc_layer *l, uint64_t v)
{
	(void)l;
	if ((v & 0x01) == 0)
		return "I-frame";
	if ((v & 0x03) == 0x01) {
		switch (v & 0x0c) {
		case 0x00: return "S-frame RR";
		case 0x04: return "S-frame RNR";
		case 0x08: return "S-frame REJ";
		default: return "S-frame";
		}
	}
	switch (v & ~(uint64_t)LSC_LLC_PF) {
	case 0x03: return "U-frame UI";
	case 0xaf: return "U-frame XID";
	case 0xe3: return "U-frame TEST";
	case 0x6f: return "U-frame SABME";
	case 0x43: return "U-frame DISC";
	case 0x63: return "U-frame UA";
	case 0x0f: return "U-frame DM";
	case 0x87: return "U-frame FRMR";
	default: return "U-frame";
	}
}

static const char *oui_name(uint32_t oui)
{
	switch (oui) {
	case 0x000000: return "encapsulated Ethernet (RFC 1042)";
	case 0x0000f8: return "bridge-tunnel (IEEE 802.1H)";
	case 0x00000c: return "Cisco";
	case 0x080007: return "Apple";
	case 0x0080c2: return "IEEE 802.1";
	default: return NULL;
	}
}

/* OUI and PID exist only in a SNAP header. */
static void emit_snap(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                      const struct lsc_field *fd)
{
	const struct lsc_llc *k = &l->u.llc;
	(void)fd;
	if (!k->snap || lsc_layer_captured(f, l) < 8)
		return;
	s->ops->uint(s, "oui", N_("Organization code"), k->oui, 6, oui_name(k->oui));
	s->ops->uint(s, "pid", N_("Protocol id"), k->pid, 4,
	             k->oui == 0 || k->oui == 0x0000f8 ? lsc_ethertype_name(k->pid) : NULL);
}

static const struct lsc_field llc_fields[] = {
	LSC_FIELD("ieee8023_length", N_("802.3 length"), LSC_FT_UINT, llc.length, 0, NULL),
	LSC_FIELD("dsap", N_("DSAP"), LSC_FT_HEX, llc.dsap, 1, field_lsap),
	LSC_FIELD("ssap", N_("SSAP"), LSC_FT_HEX, llc.ssap, 2, field_lsap),
	LSC_FIELD("control", N_("Control"), LSC_FT_HEX, llc.control, 3, field_control),
	LSC_FIELD_CUSTOM("snap", N_("SNAP"), 8, emit_snap),
};

static void llc_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_llc *k = &l->u.llc;
	(void)f;
	const char *dsap = lsap_name(k->dsap);
	lsc_sb_printf(b, "DSAP 0x%02x", k->dsap);
	if (dsap != NULL)
		lsc_sb_printf(b, " (%s)", dsap);
	lsc_sb_printf(b, " SSAP 0x%02x %s", k->ssap, field_control(l, k->control));
	if (k->snap)
		lsc_sb_printf(b, " OUI 0x%06x PID 0x%04x", (unsigned)k->oui, k->pid);
}

const struct lsc_proto_info lsc_proto_llc = {
	LSC_PROTO_LLC, LSC_TCPIP_LINK, "llc", "LLC", "IEEE 802.2 Logical Link Control",
	decode_llc, llc_fields, LSC_NELEM(llc_fields), llc_summary, NULL,
};