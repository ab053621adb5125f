/* SPDX-License-Identifier: BSD-3-Clause */
/* udp.c: User Datagram Protocol (RFC 768; zero checksum rules of RFC 8200 for IPv6). */
#include <config.h>

#include "decode-int.h"
#include "../lib/i18n.h"

static void decode_udp(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c, struct lsc_next *next)
{
	struct lsc_udp *u = &l->u.udp;
	const struct lsc_layer *ip = lsc_decode_enclosing_ip(f, l);
	uint32_t ip_len = ip != NULL ? ip->body_len : (uint32_t)lsc_cur_left(c);

	l->hdr_len = 8;
	if (lsc_cur_be16(c, &u->sport) || lsc_cur_be16(c, &u->dport) ||
	    lsc_cur_be16(c, &u->length) || lsc_cur_be16(c, &u->checksum))
		return lsc_layer_truncated(l, "UDP header cut short (needs 8 bytes)");
	if (u->length < 8)
		return lsc_layer_malformed(l, "UDP length < 8");
	/* A first fragment holds only part of the datagram its length counts. */
	bool frag = ip != NULL && lsc_decode_ip_fragment(ip);
	if (u->length > ip_len && !frag)
		return lsc_layer_malformed(l, "UDP length past the IP payload");

	/* The length on the wire, from the length fields; the capture may hold less (payload_captured). */
	l->body_len = (u->length > ip_len ? ip_len : u->length) - 8u;
	size_t left = lsc_cur_left(c);
	u->payload_captured = left < l->body_len ? (uint32_t)left : l->body_len;
	if (u->checksum == 0 && ip != NULL && ip->proto == LSC_PROTO_IPV4)
		u->csum = LSC_CSUM_ABSENT; /* RFC 768: zero means none was computed */
	else
		u->csum = lsc_csum_l4(f, l, ip, 17, u->length, u->checksum, &u->csum_calc);
	lsc_csum_note(f, l, "UDP", u->csum, u->checksum, u->csum_calc);
	next->limit = l->body_len;
}

/* Bytes of the payload the capture kept, where it kept fewer than the datagram had. */
static void emit_captured(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                          const struct lsc_field *fd)
{
	(void)f;
	if (l->u.udp.payload_captured != l->body_len)
		s->ops->uint(s, fd->key, fd->label, l->u.udp.payload_captured, 0, NULL);
}

static const struct lsc_field udp_fields[] = {
	LSC_FIELD("sport", N_("Source port"), LSC_FT_UINT, udp.sport, 2, NULL),
	LSC_FIELD("dport", N_("Destination port"), LSC_FT_UINT, udp.dport, 4, NULL),
	LSC_FIELD("length", N_("Length"), LSC_FT_UINT, udp.length, 6, NULL),
	LSC_FIELD("checksum", N_("Checksum"), LSC_FT_HEX, udp.checksum, 8, NULL),
	LSC_FIELD("checksum_ok", N_("Checksum status"), LSC_FT_CSUM, udp.csum, 8, lsc_field_csum),
	LSC_FIELD_CUSTOM("checksum_expected", N_("Correct value"), 8, lsc_field_csum_expected),
	LSC_FIELD_CUSTOM("payload_captured", N_("Payload captured"), 8, emit_captured),
};

static void udp_addrs(struct lsc_strbuf *b, const struct lsc_layer *l)
{
	lsc_sb_u64(b, l->u.udp.sport);
	lsc_sb_to(b);
	lsc_sb_u64(b, l->u.udp.dport);
}

static void udp_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	(void)f;
	const struct lsc_udp *u = &l->u.udp;
	char tmp[4 * LSC_W_U64 + 32 + LSC_W_CAPTURED + LSC_W_CSUM_BAD];
	char *start = lsc_sb_reserve(b, sizeof tmp, tmp), *p = start;
	p = lsc_w_u64(p, u->sport);
	p = lsc_w_to(p, b->ascii);
	p = lsc_w_u64(p, u->dport);
	p = lsc_w_lit(p, " len ");
	p = lsc_w_u64(p, l->body_len);
	if (u->payload_captured != l->body_len)
		p = lsc_w_captured(p, u->payload_captured);
	if (u->csum == LSC_CSUM_BAD)
		p = lsc_w_csum_bad(p, u->checksum, u->csum_calc);
	lsc_sb_commit(b, tmp, start, p);
}

const struct lsc_proto_info lsc_proto_udp = {
	LSC_PROTO_UDP, LSC_TCPIP_TRANSPORT, "udp", "UDP", "User Datagram Protocol",
	decode_udp, udp_fields, LSC_NELEM(udp_fields), udp_summary, udp_addrs,
};
