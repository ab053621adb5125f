/* SPDX-License-Identifier: BSD-3-Clause */
/* udp.c: User Datagram Protocol (RFC 768; zero checksum rules of RFC 8200 for IPv6). */
#include <config.h>

#include "decode-int.h"

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

	l->body_len = (u->length > ip_len ? ip_len : u->length) - 8u;
	if (u->checksum == 0 && ip != NULL && ip->proto == LSC_PROTO_IPV4)
		u->csum = LSC_CSUM_ABSENT; /* RFC 768: zero means none was computed */
	else
		u->csum = lsc_csum_l4(f, l, ip, 17, u->length, u->checksum);
	next->limit = l->body_len;
}

static const struct lsc_field udp_fields[] = {
	LSC_FIELD("sport", "Source port", LSC_FT_UINT, udp.sport, 2, NULL),
	LSC_FIELD("dport", "Destination port", LSC_FT_UINT, udp.dport, 4, NULL),
	LSC_FIELD("length", "Length", LSC_FT_UINT, udp.length, 6, NULL),
	LSC_FIELD("checksum", "Checksum", LSC_FT_HEX, udp.checksum, 8, NULL),
	LSC_FIELD("checksum_ok", "Checksum status", LSC_FT_CSUM, udp.csum, 8, lsc_field_csum),
};

static void udp_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	(void)f;
	char tmp[3 * LSC_W_U64 + 16];
	char *start = lsc_sb_reserve(b, sizeof tmp, tmp), *p = start;
	p = lsc_w_u64(p, l->u.udp.sport);
	p = lsc_w_lit(p, " → ");
	p = lsc_w_u64(p, l->u.udp.dport);
	p = lsc_w_lit(p, " len ");
	p = lsc_w_u64(p, l->body_len);
	lsc_sb_commit(b, tmp, start, p);
}

const struct lsc_proto_info lsc_proto_udp = {
	LSC_PROTO_UDP, LSC_TCPIP_TRANSPORT, "udp", "UDP", "User Datagram Protocol",
	decode_udp, udp_fields, LSC_NELEM(udp_fields), udp_summary,
};
