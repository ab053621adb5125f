/* SPDX-License-Identifier: BSD-3-Clause */
/* ipv4.c: Internet Protocol version 4 (RFC 791): header, options, fragments, header checksum. */
#include <config.h>

#include <string.h>

#include "decode-int.h"
#include "../lib/i18n.h"

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
			/* RFC 1122 4.1.3.2 (as tcpdump's ip_finddst): the last address of the first
			 * loose or strict source route is the destination the upper layer's checksum covers. */
			if ((type == 131 || type == 137) && len >= 7 && !ip->has_final_dst) {
				memcpy(ip->final_dst, c->base + c->off - 4, 4);
				ip->has_final_dst = true;
			}
		}
		ip->opts[ip->nopts].type = type;
		ip->opts[ip->nopts].length = len;
		ip->opts[ip->nopts].offset = (uint8_t)(c->off - len - l->offset);
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
	/* In two steps: a header cut after its flags still shows them (the field table emits what was captured). */
	if (lsc_cur_u8(c, &ip->tos) || lsc_cur_be16(c, &ip->total_length) ||
	    lsc_cur_be16(c, &ip->id) || lsc_cur_be16(c, &fo))
		return lsc_layer_truncated(l, "IPv4 header cut short (needs 20 bytes)");
	ip->rf = (fo & 0x8000) != 0;
	ip->df = (fo & 0x4000) != 0;
	ip->mf = (fo & 0x2000) != 0;
	ip->frag_offset = (uint16_t)((fo & 0x1fff) * 8);
	if (lsc_cur_u8(c, &ip->ttl) || lsc_cur_u8(c, &ip->protocol) || lsc_cur_be16(c, &ip->checksum) ||
	    lsc_cur_bytes(c, ip->src, 4) || lsc_cur_bytes(c, ip->dst, 4))
		return lsc_layer_truncated(l, "IPv4 header cut short (needs 20 bytes)");

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
	lsc_csum_note(f, l, N_("IPv4 header"), ip->csum, ip->checksum, ip->csum_calc);

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

/* The options named (RFC 791, RFC 2113 router alert), as tshark's ip.opt.type names them. */
static const char *opt_name(uint8_t type)
{
	switch (type) {
	case 0: return "eol";
	case 1: return "nop";
	case 7: return "rr";
	case 68: return "ts";
	case 131: return "lsrr";
	case 137: return "ssrr";
	case 148: return "ra";
	default: return NULL;
	}
}

static const char *opt_title(uint8_t type)
{
	switch (type) {
	case 0: return "End of option list";
	case 1: return "No operation";
	case 7: return "Record route";
	case 68: return "Timestamp";
	case 131: return "Loose source route";
	case 137: return "Strict source route";
	case 148: return "Router alert";
	default: return NULL;
	}
}

static void emit_addr(struct lsc_sink *s, const uint8_t a[4])
{
	char buf[16];
	struct lsc_strbuf b;
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_ipv4(&b, a);
	s->ops->text(s, NULL, NULL, buf, false);
}

/*
 * An option's contents, read from its bytes (which the decoder found
 * captured and inside the header) through a cursor of its own: the
 * route options' pointer and addresses, the timestamp option's pointer,
 * overflow, flag and entries, the router alert's value.  A length that
 * does not fit the kind is said, and its contents are not read.
 */
static void emit_contents(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                          const struct lsc_ip4opt *o)
{
	struct lsc_cur c;
	uint8_t ptr = 0, of = 0, a[4];
	uint16_t v16 = 0;
	uint32_t v32 = 0;
	size_t start = l->offset + o->offset + 2u;
	lsc_cur_init(&c, f->data, start, start + (o->length - 2u));
	switch (o->type) {
	case 7:
	case 131:
	case 137:
		if (o->length < 3 || (o->length - 3u) % 4 != 0) {
			s->ops->text(s, "error", N_("Error"), N_("length impossible for this kind"), true);
			return;
		}
		(void)lsc_cur_u8(&c, &ptr);
		s->ops->uint(s, "pointer", N_("Pointer"), ptr, 0, NULL);
		s->ops->open(s, "route", o->type == 7 ? "Recorded route" : "Source route", true);
		while (lsc_cur_bytes(&c, a, 4) == 0)
			emit_addr(s, a);
		s->ops->close(s, true);
		break;
	case 68:
		if (o->length < 4) {
			s->ops->text(s, "error", N_("Error"), N_("length impossible for this kind"), true);
			return;
		}
		(void)lsc_cur_u8(&c, &ptr);
		(void)lsc_cur_u8(&c, &of);
		s->ops->uint(s, "pointer", N_("Pointer"), ptr, 0, NULL);
		s->ops->uint(s, "overflow", N_("Overflow"), of >> 4, 0, NULL);
		s->ops->uint(s, "flag", N_("Flag"), of & 15u,
		             0, (of & 15u) == 0 ? "timestamps only" : (of & 15u) == 1 ? "address and timestamp"
		                : (of & 15u) == 3 ? "prespecified addresses" : NULL);
		s->ops->open(s, "entries", N_("Entries"), true);
		bool with_addr = (of & 15u) == 1 || (of & 15u) == 3;
		while (lsc_cur_left(&c) >= (with_addr ? 8u : 4u)) {
			s->ops->open(s, NULL, NULL, false);
			if (with_addr && lsc_cur_bytes(&c, a, 4) == 0) {
				char buf[16];
				struct lsc_strbuf b;
				lsc_sb_init(&b, buf, sizeof buf);
				lsc_sb_ipv4(&b, a);
				s->ops->text(s, "addr", N_("Address"), buf, false);
			}
			(void)lsc_cur_be32(&c, &v32);
			s->ops->uint(s, "timestamp", N_("Timestamp (ms since midnight UT)"), v32, 0, NULL);
			s->ops->close(s, false);
		}
		s->ops->close(s, true);
		break;
	case 148:
		if (o->length != 4) {
			s->ops->text(s, "error", N_("Error"), N_("length impossible for this kind"), true);
			return;
		}
		(void)lsc_cur_be16(&c, &v16);
		s->ops->uint(s, "value", N_("Value"), v16, 0, v16 == 0 ? "every router examines the packet" : NULL);
		break;
	default:
		break;
	}
}

static void emit_options(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                         const struct lsc_field *fd)
{
	if (l->u.ipv4.nopts == 0)
		return;
	s->ops->open(s, fd->key, fd->label, true);
	for (unsigned i = 0; i < l->u.ipv4.nopts; i++) {
		const struct lsc_ip4opt *o = &l->u.ipv4.opts[i];
		s->ops->open(s, NULL, NULL, false);
		s->ops->uint(s, "type", N_("Type"), o->type, 0, opt_title(o->type));
		s->ops->uint(s, "length", N_("Length"), o->length, 0, NULL);
		if (opt_name(o->type) != NULL) {
			s->ops->text(s, "name", N_("Name"), opt_name(o->type), false);
			emit_contents(s, f, l, o);
		}
		s->ops->close(s, false);
	}
	s->ops->close(s, true);
}

/* The final destination exists only where a source route names it. */
static void emit_final_dst(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                           const struct lsc_field *fd)
{
	char buf[16];
	struct lsc_strbuf b;
	(void)f;
	if (!l->u.ipv4.has_final_dst)
		return;
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_ipv4(&b, l->u.ipv4.final_dst);
	s->ops->text(s, fd->key, fd->label, buf, true);
}

static const struct lsc_field ipv4_fields[] = {
	LSC_FIELD("src", N_("Source"), LSC_FT_IPV4, ipv4.src, 16, NULL),
	LSC_FIELD("dst", N_("Destination"), LSC_FT_IPV4, ipv4.dst, 20, NULL),
	LSC_FIELD("version", N_("Version"), LSC_FT_UINT, ipv4.version, 1, NULL),
	LSC_FIELD("ihl", N_("Header length"), LSC_FT_UINT, ipv4.ihl, 1, NULL),
	LSC_FIELD("tos", N_("Type of service"), LSC_FT_HEX, ipv4.tos, 2, NULL),
	LSC_FIELD("total_length", N_("Total length"), LSC_FT_UINT, ipv4.total_length, 4, NULL),
	LSC_FIELD("id", N_("Identification"), LSC_FT_HEX, ipv4.id, 6, NULL),
	LSC_FIELD("df", N_("Don't fragment"), LSC_FT_BOOL, ipv4.df, 8, NULL),
	LSC_FIELD("mf", N_("More fragments"), LSC_FT_BOOL, ipv4.mf, 8, NULL),
	LSC_FIELD("frag_offset", N_("Fragment offset"), LSC_FT_UINT, ipv4.frag_offset, 8, NULL),
	LSC_FIELD("ttl", N_("Time to live"), LSC_FT_UINT, ipv4.ttl, 9, NULL),
	LSC_FIELD("protocol", N_("Protocol"), LSC_FT_UINT, ipv4.protocol, 10, lsc_field_ipproto),
	LSC_FIELD("checksum", N_("Header checksum"), LSC_FT_HEX, ipv4.checksum, 12, NULL),
	LSC_FIELD("checksum_ok", N_("Checksum"), LSC_FT_CSUM, ipv4.csum, 20, lsc_field_csum),
	LSC_FIELD_CUSTOM("checksum_expected", N_("Correct value"), 20, lsc_field_csum_expected),
	LSC_FIELD_CUSTOM("options", N_("Options"), 20, emit_options),
	LSC_FIELD_CUSTOM("final_dst", N_("Route ends at"), 20, emit_final_dst),
};

static void ipv4_addrs(struct lsc_strbuf *b, const struct lsc_layer *l)
{
	lsc_sb_ipv4(b, l->u.ipv4.src);
	lsc_sb_to(b);
	lsc_sb_ipv4(b, l->u.ipv4.dst);
}

static void ipv4_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_ipv4 *ip = &l->u.ipv4;
	(void)f;
	/* No printf, and the room checked once: the line format calls this for every frame. */
	char tmp[2 * LSC_W_ADDR4 + 3 * LSC_W_U64 + 24 + LSC_W_CSUM_BAD];
	char *start = lsc_sb_reserve(b, sizeof tmp, tmp), *p = start;
	p = lsc_w_ipv4(p, ip->src);
	p = lsc_w_to(p, b->ascii);
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
	if (ip->csum == LSC_CSUM_BAD)
		p = lsc_w_csum_bad(p, ip->checksum, ip->csum_calc);
	lsc_sb_commit(b, tmp, start, p);
}

const struct lsc_proto_info lsc_proto_ipv4 = {
	LSC_PROTO_IPV4, LSC_TCPIP_NETWORK, "ipv4", "IPv4", "Internet Protocol version 4",
	decode_ipv4, ipv4_fields, LSC_NELEM(ipv4_fields), ipv4_summary, ipv4_addrs,
};
