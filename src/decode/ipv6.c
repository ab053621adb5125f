/* SPDX-License-Identifier: BSD-3-Clause */
/* ipv6.c: Internet Protocol version 6 (RFC 8200): fixed header, extension headers, fragments, jumbograms (RFC 2675). */
#include <config.h>

#include "decode-int.h"
#include "../lib/i18n.h"

/* Extension headers this decoder walks (RFC 8200 section 4, RFC 4302). */
#define LSC_IP6_HOPOPTS  0
#define LSC_IP6_ROUTING  43
#define LSC_IP6_FRAGMENT 44
#define LSC_IP6_AH       51
#define LSC_IP6_NONXT    59
#define LSC_IP6_DSTOPTS  60

#define LSC_IP6_OPT_PAD1  0x00
#define LSC_IP6_OPT_JUMBO 0xc2

static bool is_ext(uint8_t nh)
{
	return nh == LSC_IP6_HOPOPTS || nh == LSC_IP6_ROUTING || nh == LSC_IP6_FRAGMENT ||
	       nh == LSC_IP6_AH || nh == LSC_IP6_DSTOPTS;
}

/* The header's length from its second byte: AH counts 4-byte words (RFC 4302), the rest 8-byte units. */
static uint32_t ext_len(uint8_t type, uint8_t len_byte)
{
	if (type == LSC_IP6_FRAGMENT)
		return 8; /* fixed; the second byte is reserved */
	if (type == LSC_IP6_AH)
		return (len_byte + 2u) * 4;
	return (len_byte + 1u) * 8;
}

/* Finds a Jumbo Payload option among hop-by-hop options (TLVs after the first 2 bytes). */
static void scan_hopopts(struct lsc_ipv6 *ip, struct lsc_cur *c)
{
	while (lsc_cur_left(c) > 0) {
		uint8_t type = 0, len; /* a failed read (none: the loop checks what is left) leaves 0 */
		(void)lsc_cur_u8(c, &type);
		if (type == LSC_IP6_OPT_PAD1)
			continue;
		if (lsc_cur_u8(c, &len) || len > lsc_cur_left(c))
			return; /* option runs past its header: nothing more to learn */
		if (type == LSC_IP6_OPT_JUMBO && len == 4) {
			ip->jumbo = true;
			(void)lsc_cur_be32(c, &ip->jumbo_length);
			continue;
		}
		(void)lsc_cur_skip(c, len);
	}
}

/*
 * A routing header with segments left names the final destination, which the
 * upper-layer checksum's pseudo-header uses (RFC 8200 section 8.1): the last
 * address of type 0, the home address of type 2, segment 0 of an SRH (RFC 8754).
 */
static void scan_routing(struct lsc_ipv6 *ip, struct lsc_cur *c, uint8_t len_byte)
{
	uint8_t type, segleft;
	size_t skip;
	if (lsc_cur_u8(c, &type) || lsc_cur_u8(c, &segleft) || segleft == 0)
		return;
	switch (type) {
	case 0:
		if (len_byte < 2)
			return;
		skip = 4 + (len_byte / 2u - 1u) * 16u;
		break;
	case 2:
		skip = 4;
		break;
	case 4:
		skip = 4; /* last entry, flags, tag */
		break;
	default:
		return; /* RPL (type 3) compresses addresses: the final one is not spelled out */
	}
	if (lsc_cur_skip(c, skip) == 0 && lsc_cur_bytes(c, ip->final_dst, 16) == 0)
		ip->has_final_dst = true;
}

/* The fragment header after its next-header and reserved bytes: offset and M flag, identification. */
static void scan_fragment(struct lsc_ipv6 *ip, struct lsc_cur *c)
{
	uint16_t off_m;
	if (ip->has_frag || lsc_cur_be16(c, &off_m) || lsc_cur_be32(c, &ip->frag_id))
		return; /* a second fragment header does not replace the first */
	ip->has_frag = true;
	ip->frag_offset = off_m & 0xfff8u;
	ip->frag_mf = (off_m & 1u) != 0;
}

static void record_ext(struct lsc_ipv6 *ip, uint8_t type, uint32_t len)
{
	if (ip->next_ext < LSC_MAX_IP6_EXT) {
		ip->ext[ip->next_ext].type = type;
		ip->ext[ip->next_ext].length = (uint16_t)len;
		ip->next_ext++;
	}
	ip->ext_count++;
}

/*
 * A header the capture ends inside is listed too, marked cut, so every format
 * names what was there (tcpdump's [|hbhopt]); it is not counted as walked.
 * Its length is its own byte's, or the least any header is (8) when the
 * capture ends before that byte.
 */
static void record_cut(struct lsc_ipv6 *ip, uint8_t type, uint32_t len)
{
	if (ip->next_ext < LSC_MAX_IP6_EXT) {
		ip->ext[ip->next_ext].type = type;
		ip->ext[ip->next_ext].length = (uint16_t)len;
		ip->ext[ip->next_ext].cut = true;
		ip->next_ext++;
	}
}

/*
 * Walks the extension headers inside the first `claim` payload bytes.
 * Returns the header type that follows them; on an impossible or cut
 * header the layer is marked and the walk stops.
 */
static uint8_t walk_ext(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c, uint32_t claim)
{
	struct lsc_ipv6 *ip = &l->u.ipv6;
	struct lsc_cur body = lsc_cur_sub(c, claim, NULL);
	uint8_t nh = ip->next_header;
	uint32_t used = 0;
	bool misplaced = false;

	while (is_ext(nh)) {
		uint8_t nxt, len_byte;
		if (nh == LSC_IP6_HOPOPTS && ip->ext_count > 0 && !misplaced) {
			lsc_frame_note(f, "IPv6 hop-by-hop header not first (RFC 8200 4.1)");
			misplaced = true;
		}
		l->hdr_len = 40 + used + 2;
		if (claim - used < 2) {
			lsc_layer_malformed(l, "IPv6 extension header runs past the payload length");
			break;
		}
		if (lsc_cur_u8(&body, &nxt) || lsc_cur_u8(&body, &len_byte)) {
			record_cut(ip, nh, ext_len(nh, 0));
			lsc_layer_truncated(l, "IPv6 extension header cut short");
			break;
		}
		uint32_t len = ext_len(nh, len_byte);
		l->hdr_len = 40 + used + len;
		if (len > claim - used) {
			lsc_layer_malformed(l, "IPv6 extension header runs past the payload length");
			break;
		}
		if (len - 2 > lsc_cur_left(&body)) {
			record_cut(ip, nh, len);
			lsc_layer_truncated(l, "IPv6 extension header cut short");
			break;
		}
		struct lsc_cur eh = lsc_cur_sub(&body, len - 2, NULL);
		if (nh == LSC_IP6_HOPOPTS)
			scan_hopopts(ip, &eh);
		else if (nh == LSC_IP6_ROUTING && !ip->has_final_dst)
			scan_routing(ip, &eh, len_byte);
		else if (nh == LSC_IP6_FRAGMENT)
			scan_fragment(ip, &eh);
		(void)lsc_cur_skip(&body, len - 2);
		record_ext(ip, nh, len);
		used += len;
		nh = nxt;
		if (ip->has_frag && ip->frag_offset != 0)
			break; /* a later fragment: what follows is fragment data */
	}
	ip->ext_bytes = used;
	return nh;
}

static void decode_ipv6(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c, struct lsc_next *next)
{
	struct lsc_ipv6 *ip = &l->u.ipv6;
	uint8_t b0, b1 = 0;
	uint16_t b23;

	l->hdr_len = 40;
	if (lsc_cur_u8(c, &b0))
		return lsc_layer_truncated(l, "IPv6 header cut short (needs 40 bytes)");
	ip->version = b0 >> 4;
	/* In steps: a header cut after its flow label still shows it (the field table emits what was captured). */
	if (lsc_cur_u8(c, &b1) || lsc_cur_be16(c, &b23)) {
		ip->traffic_class = (uint8_t)(b0 << 4 | b1 >> 4);
		return lsc_layer_truncated(l, "IPv6 header cut short (needs 40 bytes)");
	}
	ip->traffic_class = (uint8_t)(b0 << 4 | b1 >> 4);
	ip->flow_label = (uint32_t)(b1 & 0x0f) << 16 | b23;
	if (lsc_cur_be16(c, &ip->payload_length) || lsc_cur_u8(c, &ip->next_header) ||
	    lsc_cur_u8(c, &ip->hop_limit) || lsc_cur_bytes(c, ip->src, 16) || lsc_cur_bytes(c, ip->dst, 16))
		return lsc_layer_truncated(l, "IPv6 header cut short (needs 40 bytes)");
	if (ip->version != 6)
		return lsc_layer_malformed(l, "IP version is not 6");

	/*
	 * Payload length 0: a jumbogram (the length is in a hop-by-hop Jumbo
	 * Payload option) or, captured on the sending host, a Linux BIG TCP
	 * super-packet; either way only the frame's length says how long it is:
	 * its length on the wire, which a snapshot length does not cut.
	 */
	uint32_t claim = ip->payload_length;
	size_t left = lsc_cur_left(c);
	uint32_t on_wire = f->len > c->off ? (uint32_t)(f->len - c->off) : 0;
	bool zero = claim == 0 && ip->next_header != LSC_IP6_NONXT && (left > 0 || on_wire > 0);
	if (zero)
		claim = on_wire > left ? on_wire : (uint32_t)left;

	uint8_t upper = walk_ext(f, l, c, claim);
	ip->upper = upper;
	if (ip->ext_count > LSC_MAX_IP6_EXT)
		lsc_frame_note(f, "IPv6: %u extension headers, only the first %d listed",
		               ip->ext_count, LSC_MAX_IP6_EXT);
	if (zero && ip->jumbo)
		lsc_frame_note(f, "IPv6 jumbogram: payload length 0, Jumbo Payload option says %u; "
		               "used the frame's %u bytes", (unsigned)ip->jumbo_length, (unsigned)claim);
	else if (zero)
		lsc_frame_note(f, "IPv6 payload length 0 without a Jumbo Payload option: "
		               "assumed segmentation offload");
	if (l->flags & (LSC_LF_TRUNCATED | LSC_LF_MALFORMED))
		return;

	l->body_len = claim - ip->ext_bytes;
	next->limit = l->body_len;
	if (ip->has_frag && ip->frag_offset != 0) {
		l->flags |= LSC_LF_FRAGMENT; /* only the first fragment carries the upper header */
		return;
	}
	if (upper == LSC_IP6_NONXT)
		return;
	next->table = LSC_NEXT_IPPROTO;
	next->key = upper;
}

/* ---- fields -------------------------------------------------------------- */

static void emit_ext(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                     const struct lsc_field *fd)
{
	const struct lsc_ipv6 *ip = &l->u.ipv6;
	(void)f;
	s->ops->open(s, fd->key, fd->label, true);
	for (unsigned i = 0; i < ip->next_ext && i < LSC_MAX_IP6_EXT; i++) {
		s->ops->open(s, NULL, NULL, false);
		s->ops->uint(s, "type", N_("Type"), ip->ext[i].type, 0, lsc_ipproto_name(ip->ext[i].type));
		s->ops->uint(s, "length", N_("Length"), ip->ext[i].length, 0, NULL);
		if (ip->ext[i].cut)
			s->ops->boolean(s, "truncated", N_("Truncated"), 1, NULL);
		s->ops->close(s, false);
	}
	s->ops->close(s, true);
}

/* Fragment header, jumbo length and final destination exist only when the header has them. */
static void emit_extras(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                        const struct lsc_field *fd)
{
	const struct lsc_ipv6 *ip = &l->u.ipv6;
	(void)f;
	(void)fd;
	if (ip->ext_count > 0)
		s->ops->uint(s, "upper", N_("Upper-layer protocol"), ip->upper, 0, lsc_ipproto_name(ip->upper));
	if (ip->has_frag) {
		s->ops->uint(s, "frag_offset", N_("Fragment offset"), ip->frag_offset, 0, NULL);
		s->ops->boolean(s, "mf", N_("More fragments"), ip->frag_mf, NULL);
		s->ops->uint(s, "frag_id", N_("Fragment identification"), ip->frag_id, 8, NULL);
	}
	if (ip->jumbo)
		s->ops->uint(s, "jumbo_length", N_("Jumbo payload length"), ip->jumbo_length, 0, NULL);
	if (ip->has_final_dst) {
		char buf[LSC_ADDRSTRLEN];
		struct lsc_strbuf b;
		lsc_sb_init(&b, buf, sizeof buf);
		lsc_sb_ipv6(&b, ip->final_dst);
		s->ops->text(s, "final_dst", N_("Final destination (routing header)"), buf, true);
	}
}

static const struct lsc_field ipv6_fields[] = {
	LSC_FIELD("src", N_("Source"), LSC_FT_IPV6, ipv6.src, 24, NULL),
	LSC_FIELD("dst", N_("Destination"), LSC_FT_IPV6, ipv6.dst, 40, NULL),
	LSC_FIELD("version", N_("Version"), LSC_FT_UINT, ipv6.version, 1, NULL),
	LSC_FIELD("traffic_class", N_("Traffic class"), LSC_FT_HEX, ipv6.traffic_class, 2, NULL),
	LSC_FIELD("flow_label", N_("Flow label"), LSC_FT_HEX, ipv6.flow_label, 4, NULL),
	LSC_FIELD("payload_length", N_("Payload length"), LSC_FT_UINT, ipv6.payload_length, 6, NULL),
	LSC_FIELD("next_header", N_("Next header"), LSC_FT_UINT, ipv6.next_header, 7, lsc_field_ipproto),
	LSC_FIELD("hop_limit", N_("Hop limit"), LSC_FT_UINT, ipv6.hop_limit, 8, NULL),
	LSC_FIELD_CUSTOM("ext", N_("Extension headers"), 40, emit_ext),
	LSC_FIELD_CUSTOM("extras", N_("Extension header fields"), 40, emit_extras),
};

static void ipv6_addrs(struct lsc_strbuf *b, const struct lsc_layer *l)
{
	lsc_sb_ipv6(b, l->u.ipv6.src);
	lsc_sb_to(b);
	lsc_sb_ipv6(b, l->u.ipv6.dst);
}

static void ipv6_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_ipv6 *ip = &l->u.ipv6;
	(void)f;
	/* No printf, and the room checked once: the line format calls this for every frame. */
	char tmp[2 * LSC_W_ADDR6 + 3 * LSC_W_U64 + 28];
	char *start = lsc_sb_reserve(b, sizeof tmp, tmp), *p = start;
	p = lsc_w_ipv6(p, ip->src);
	p = lsc_w_to(p, b->ascii);
	p = lsc_w_ipv6(p, ip->dst);
	p = lsc_w_lit(p, " hlim ");
	p = lsc_w_u64(p, ip->hop_limit);
	if (ip->ext_count > 0) {
		p = lsc_w_lit(p, " ext ");
		p = lsc_w_u64(p, ip->ext_count);
	}
	if (ip->has_frag && (ip->frag_mf || ip->frag_offset)) {
		p = lsc_w_lit(p, " frag ");
		p = lsc_w_u64(p, ip->frag_offset);
		if (ip->frag_mf)
			*p++ = '+';
	}
	lsc_sb_commit(b, tmp, start, p);
}

const struct lsc_proto_info lsc_proto_ipv6 = {
	LSC_PROTO_IPV6, LSC_TCPIP_NETWORK, "ipv6", "IPv6", "Internet Protocol version 6",
	decode_ipv6, ipv6_fields, LSC_NELEM(ipv6_fields), ipv6_summary, ipv6_addrs,
};
