/* SPDX-License-Identifier: BSD-3-Clause */
/* arp.c: Address Resolution Protocol (RFC 826) and Reverse ARP (RFC 903), any hardware and protocol sizes. */
#include <config.h>

#include "decode-int.h"
#include "../lib/i18n.h"

#define LSC_ARP_FIXED 8 /* htype, ptype, hlen, plen, op */
#define LSC_ARP_ADDR_MAX 16 /* bytes of each address kept in struct lsc_arp */

/* Copies the first LSC_ARP_ADDR_MAX bytes of an n-byte address and skips the rest. */
static int read_addr(struct lsc_cur *c, uint8_t *dst, uint8_t n)
{
	size_t keep = n < LSC_ARP_ADDR_MAX ? n : LSC_ARP_ADDR_MAX;
	return lsc_cur_bytes(c, dst, keep) || lsc_cur_skip(c, n - keep);
}

static void decode_arp(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c, struct lsc_next *next)
{
	struct lsc_arp *a = &l->u.arp;
	(void)f;

	l->hdr_len = LSC_ARP_FIXED;
	next->limit = 0; /* nothing follows; Ethernet padding is not a payload */
	if (lsc_cur_be16(c, &a->htype) || lsc_cur_be16(c, &a->ptype) || lsc_cur_u8(c, &a->hlen) ||
	    lsc_cur_u8(c, &a->plen) || lsc_cur_be16(c, &a->op))
		return lsc_layer_truncated(l, "ARP header cut short (needs 8 bytes)");
	if (a->hlen == 0)
		return lsc_layer_malformed(l, "ARP hardware address length 0");
	if (a->plen == 0)
		return lsc_layer_malformed(l, "ARP protocol address length 0");
	/* At most 8 + 2 * (255 + 255) bytes: no overflow. */
	l->hdr_len = LSC_ARP_FIXED + 2u * (a->hlen + a->plen);
	if (read_addr(c, a->sha, a->hlen) || read_addr(c, a->spa, a->plen) ||
	    read_addr(c, a->tha, a->hlen) || read_addr(c, a->tpa, a->plen))
		return lsc_layer_truncated(l, "ARP addresses cut short (hlen and plen claim more than was captured)");
}

/* ---- fields -------------------------------------------------------------- */

enum { ARP_SHA, ARP_SPA, ARP_THA, ARP_TPA };

/* Where address `which` ends, from the start of the header. */
static uint32_t addr_end(const struct lsc_arp *a, unsigned which)
{
	static const uint8_t nh[] = { 1, 1, 2, 2 }, np[] = { 0, 1, 1, 2 };
	return LSC_ARP_FIXED + nh[which] * a->hlen + np[which] * a->plen;
}

/* MAC style for 6-byte hardware addresses, dotted quad for IPv4, hex with colons otherwise. */
static void format_addr(struct lsc_strbuf *b, const struct lsc_arp *a, unsigned which)
{
	static const size_t member[] = {
		offsetof(struct lsc_arp, sha), offsetof(struct lsc_arp, spa),
		offsetof(struct lsc_arp, tha), offsetof(struct lsc_arp, tpa),
	};
	const uint8_t *p = (const uint8_t *)a + member[which];
	bool hw = which == ARP_SHA || which == ARP_THA;
	uint8_t n = hw ? a->hlen : a->plen;
	if (hw && n == 6)
		lsc_sb_mac(b, p);
	else if (!hw && n == 4 && a->ptype == 0x0800)
		lsc_sb_ipv4(b, p);
	else
		lsc_sb_hexcolon(b, p, n < LSC_ARP_ADDR_MAX ? n : LSC_ARP_ADDR_MAX);
}

/* The field's `size` says which address it is. */
static void emit_addr(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                      const struct lsc_field *fd)
{
	char buf[3 * LSC_ARP_ADDR_MAX + 1];
	struct lsc_strbuf b;
	const struct lsc_arp *a = &l->u.arp;
	if (a->hlen == 0 || a->plen == 0 || lsc_layer_captured(f, l) < addr_end(a, fd->size))
		return;
	lsc_sb_init(&b, buf, sizeof buf);
	format_addr(&b, a, fd->size);
	s->ops->text(s, fd->key, fd->label, buf, false);
}

#define ARP_ADDR_FIELD(key, label, which) \
	{ key, label, LSC_FT_CUSTOM, which, 0, LSC_ARP_FIXED, NULL, emit_addr }

static const char *field_htype(const struct lsc_layer *l, uint64_t v)
{
	(void)l;
	switch (v) {
	case 1: return "Ethernet";
	case 6: return "IEEE 802";
	case 7: return "ARCnet";
	case 15: return "Frame Relay";
	case 16: return "ATM";
	case 18: return "Fibre Channel";
	case 20: return "serial line";
	case 32: return "InfiniBand";
	default: return NULL;
	}
}

static const char *field_op(const struct lsc_layer *l, uint64_t v)
{
	(void)l;
	switch (v) {
	case 1: return "request";
	case 2: return "reply";
	case 3: return "RARP request";
	case 4: return "RARP reply";
	case 5: return "DRARP request";
	case 6: return "DRARP reply";
	case 7: return "DRARP error";
	case 8: return "InARP request";
	case 9: return "InARP reply";
	case 10: return "ARP NAK";
	default: return NULL;
	}
}

static const struct lsc_field arp_fields[] = {
	LSC_FIELD("htype", N_("Hardware type"), LSC_FT_UINT, arp.htype, 2, field_htype),
	LSC_FIELD("ptype", N_("Protocol type"), LSC_FT_HEX, arp.ptype, 4, lsc_field_ethertype),
	LSC_FIELD("hlen", N_("Hardware address length"), LSC_FT_UINT, arp.hlen, 5, NULL),
	LSC_FIELD("plen", N_("Protocol address length"), LSC_FT_UINT, arp.plen, 6, NULL),
	LSC_FIELD("op", N_("Operation"), LSC_FT_UINT, arp.op, 8, field_op),
	ARP_ADDR_FIELD("sha", N_("Sender hardware address"), ARP_SHA),
	ARP_ADDR_FIELD("spa", N_("Sender protocol address"), ARP_SPA),
	ARP_ADDR_FIELD("tha", N_("Target hardware address"), ARP_THA),
	ARP_ADDR_FIELD("tpa", N_("Target protocol address"), ARP_TPA),
};

/* tcpdump's wording: "who-has B tell A", "A is-at M". */
static void arp_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_arp *a = &l->u.arp;
	(void)f;
	if (a->hlen == 0 || a->plen == 0 || lsc_layer_captured(f, l) < addr_end(a, ARP_TPA)) {
		const char *op = field_op(l, a->op);
		lsc_sb_printf(b, "%s", op != NULL ? op : "operation ?");
		return;
	}
	switch (a->op) {
	case 1:
		lsc_sb_puts(b, "who-has ");
		format_addr(b, a, ARP_TPA);
		lsc_sb_puts(b, " tell ");
		format_addr(b, a, ARP_SPA);
		if (a->plen <= LSC_ARP_ADDR_MAX && memcmp(a->spa, a->tpa, a->plen) == 0)
			lsc_sb_puts(b, lsc_tr_static(" (gratuitous)")); /* prose; who-has and tell are tcpdump's */
		break;
	case 2:
		format_addr(b, a, ARP_SPA);
		lsc_sb_puts(b, " is-at ");
		format_addr(b, a, ARP_SHA);
		break;
	case 3:
		lsc_sb_puts(b, "who-is ");
		format_addr(b, a, ARP_THA);
		lsc_sb_puts(b, " tell ");
		format_addr(b, a, ARP_SHA);
		break;
	case 4:
		format_addr(b, a, ARP_THA);
		lsc_sb_puts(b, " at ");
		format_addr(b, a, ARP_TPA);
		break;
	default:
		lsc_sb_printf(b, "operation %u", a->op);
		break;
	}
}

const struct lsc_proto_info lsc_proto_arp = {
	LSC_PROTO_ARP, LSC_TCPIP_NETWORK, "arp", "ARP", "Address Resolution Protocol",
	decode_arp, arp_fields, LSC_NELEM(arp_fields), arp_summary, NULL,
};