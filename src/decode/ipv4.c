/* SPDX-License-Identifier: BSD-3-Clause */
/* ipv4.c: Internet Protocol version 4 (RFC 791): header, options, fragments, header checksum. */
#include <config.h>

#include "decode-int.h"

/* Records each option's type and length; a length that cannot be is a note, not a stop. */
static void parse_options(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c)
{
	struct lsc_ipv4 *ip = &l->u.ipv4;
	while (lsc_cur_left(c) > 0 && ip->nopts < LSC_MAX_IP4_OPTS) {
		uint8_t type, len = 1;
		(void)lsc_cur_u8(c, &type); /* left > 0: cannot fail */
		if (type > 1) {
			if (lsc_cur_u8(c, &len) || len < 2 || len - 2u > lsc_cur_left(c)) {
				lsc_frame_note(f, "IPv4 option %u: length %u does not fit the header", type, len);
				return;
			}
			(void)lsc_cur_skip(c, len - 2u);
		}
		ip->opts[ip->nopts].type = type;
		ip->opts[ip->nopts].length = len;
		ip->nopts++;
		if (type == 0)
			return; /* end of option list: the rest is padding */
	}
}

static void decode_ipv4(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c, struct lsc_next *next)
{
	struct lsc_ipv4 *ip = &l->u.ipv4;
	uint8_t vihl;
	uint16_t fo;

	l->hdr_len = 20;
	if (lsc_cur_u8(c, &vihl))
		return lsc_layer_truncated(l, "IPv4 header cut short (needs 20 bytes)");
	ip->version = vihl >> 4;
	ip->ihl = (uint8_t)((vihl & 0x0f) * 4);
	if (lsc_cur_u8(c, &ip->tos) || lsc_cur_be16(c, &ip->total_length) ||
	    lsc_cur_be16(c, &ip->id) || lsc_cur_be16(c, &fo) || lsc_cur_u8(c, &ip->ttl) ||
	    lsc_cur_u8(c, &ip->protocol) || lsc_cur_be16(c, &ip->checksum) ||
	    lsc_cur_bytes(c, ip->src, 4) || lsc_cur_bytes(c, ip->dst, 4))
		return lsc_layer_truncated(l, "IPv4 header cut short (needs 20 bytes)");
	ip->rf = (fo & 0x8000) != 0;
	ip->df = (fo & 0x4000) != 0;
	ip->mf = (fo & 0x2000) != 0;
	ip->frag_offset = (uint16_t)((fo & 0x1fff) * 8);

	if (ip->version != 4)
		return lsc_layer_malformed(l, "IP version is not 4");
	if (ip->ihl < 20)
		return lsc_layer_malformed(l, "IPv4 header length < 20");
	l->hdr_len = ip->ihl;

	/* TSO: the sending host hands the NIC one large datagram with length 0. */
	uint32_t total = ip->total_length;
	if (total == 0) {
		total = (uint32_t)(lsc_cur_left(c) + 20);
		lsc_frame_note(f, "IPv4 total length 0: assumed TCP segmentation offload");
	}
	if (total < ip->ihl)
		return lsc_layer_malformed(l, "IPv4 total length < header length");

	struct lsc_cur opts = lsc_cur_sub(c, ip->ihl - 20u, NULL);
	if (lsc_cur_left(&opts) < ip->ihl - 20u)
		return lsc_layer_truncated(l, "IPv4 options cut short");
	parse_options(f, l, &opts);

	ip->csum_calc = (uint16_t)~lsc_csum_fold(lsc_csum_add(0, f->data + l->offset, 10) +
	                                         lsc_csum_add(0, f->data + l->offset + 12, ip->ihl - 12u));
	ip->csum = ip->csum_calc == ip->checksum ? LSC_CSUM_GOOD : LSC_CSUM_BAD;

	l->body_len = total - ip->ihl;
	next->limit = l->body_len;
	if (ip->frag_offset != 0) {
		/* Only the first fragment carries the transport header. */
		l->flags |= LSC_LF_FRAGMENT;
		return;
	}
	next->table = LSC_NEXT_IPPROTO;
	next->key = ip->protocol;
}

static void emit_options(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                         const struct lsc_field *fd)
{
	(void)f;
	if (l->u.ipv4.nopts == 0)
		return;
	s->ops->open(s, fd->key, fd->label, true);
	for (unsigned i = 0; i < l->u.ipv4.nopts; i++) {
		s->ops->open(s, NULL, NULL, false);
		s->ops->uint(s, "type", "Type", l->u.ipv4.opts[i].type, 0, NULL);
		s->ops->uint(s, "length", "Length", l->u.ipv4.opts[i].length, 0, NULL);
		s->ops->close(s, false);
	}
	s->ops->close(s, true);
}

static const struct lsc_field ipv4_fields[] = {
	LSC_FIELD("src", "Source", LSC_FT_IPV4, ipv4.src, 16, NULL),
	LSC_FIELD("dst", "Destination", LSC_FT_IPV4, ipv4.dst, 20, NULL),
	LSC_FIELD("version", "Version", LSC_FT_UINT, ipv4.version, 1, NULL),
	LSC_FIELD("ihl", "Header length", LSC_FT_UINT, ipv4.ihl, 1, NULL),
	LSC_FIELD("tos", "Type of service", LSC_FT_HEX, ipv4.tos, 2, NULL),
	LSC_FIELD("total_length", "Total length", LSC_FT_UINT, ipv4.total_length, 4, NULL),
	LSC_FIELD("id", "Identification", LSC_FT_HEX, ipv4.id, 6, NULL),
	LSC_FIELD("df", "Don't fragment", LSC_FT_BOOL, ipv4.df, 8, NULL),
	LSC_FIELD("mf", "More fragments", LSC_FT_BOOL, ipv4.mf, 8, NULL),
	LSC_FIELD("frag_offset", "Fragment offset", LSC_FT_UINT, ipv4.frag_offset, 8, NULL),
	LSC_FIELD("ttl", "Time to live", LSC_FT_UINT, ipv4.ttl, 9, NULL),
	LSC_FIELD("protocol", "Protocol", LSC_FT_UINT, ipv4.protocol, 10, lsc_field_ipproto),
	LSC_FIELD("checksum", "Header checksum", LSC_FT_HEX, ipv4.checksum, 12, NULL),
	LSC_FIELD("checksum_ok", "Checksum", LSC_FT_CSUM, ipv4.csum, 20, lsc_field_csum),
	LSC_FIELD_CUSTOM("options", "Options", 20, emit_options),
};

static void ipv4_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_ipv4 *ip = &l->u.ipv4;
	(void)f;
	/* No printf, and the room checked once: the line format calls this for every frame. */
	char tmp[2 * LSC_W_ADDR4 + 3 * LSC_W_U64 + 24];
	char *start = lsc_sb_reserve(b, sizeof tmp, tmp), *p = start;
	p = lsc_w_ipv4(p, ip->src);
	p = lsc_w_lit(p, " → ");
	p = lsc_w_ipv4(p, ip->dst);
	p = lsc_w_lit(p, " ttl ");
	p = lsc_w_u64(p, ip->ttl);
	p = lsc_w_lit(p, " id ");
	p = lsc_w_u64(p, ip->id);
	if (ip->mf || ip->frag_offset) {
		p = lsc_w_lit(p, " frag ");
		p = lsc_w_u64(p, ip->frag_offset);
		if (ip->mf)
			*p++ = '+';
	}
	lsc_sb_commit(b, tmp, start, p);
}

const struct lsc_proto_info lsc_proto_ipv4 = {
	LSC_PROTO_IPV4, LSC_TCPIP_NETWORK, "ipv4", "IPv4", "Internet Protocol version 4",
	decode_ipv4, ipv4_fields, LSC_NELEM(ipv4_fields), ipv4_summary,
};
