/* SPDX-License-Identifier: BSD-3-Clause */
/* icmpv6.c: Internet Control Message Protocol for IPv6 (RFC 4443; ND and MLD names, RFC 4861, 2710, 3810): what differs from ICMP. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "decode-int.h"
#include "../lib/i18n.h"

/* Errors (types 1-4) quote as much of the offending packet as fits in the minimum MTU. */
static bool is_error(uint8_t type)
{
	return type >= 1 && type <= 4;
}

/* RFC 4443 2.3: over the message and the IPv6 pseudo-header; under IPv4 (a misuse) not checkable. */
static uint8_t checksum(const struct lsc_frame *f, const struct lsc_layer *l,
                        const struct lsc_layer *ip, uint32_t msg_len, uint16_t *calc)
{
	if (ip == NULL || ip->proto != LSC_PROTO_IPV6)
		return LSC_CSUM_UNKNOWN;
	return lsc_csum_l4(f, l, ip, 58, msg_len, l->u.icmp.checksum, calc);
}

/* ---- names --------------------------------------------------------------- */

static const char *type_name(uint8_t type)
{
	switch (type) {
	case 1: return "destination unreachable";
	case 2: return "packet too big";
	case 3: return "time exceeded";
	case 4: return "parameter problem";
	case 100: case 101: case 200: case 201: return "private experimentation";
	case 128: return "echo request";
	case 129: return "echo reply";
	case 130: return "multicast listener query";
	case 131: return "multicast listener report";
	case 132: return "multicast listener done";
	case 133: return "router solicitation";
	case 134: return "router advertisement";
	case 135: return "neighbor solicitation";
	case 136: return "neighbor advertisement";
	case 137: return "redirect";
	case 138: return "router renumbering";
	case 139: return "node information query";
	case 140: return "node information response";
	case 141: return "inverse ND solicitation";
	case 142: return "inverse ND advertisement";
	case 143: return "multicast listener report v2";
	case 144: return "home agent address discovery request";
	case 145: return "home agent address discovery reply";
	case 146: return "mobile prefix solicitation";
	case 147: return "mobile prefix advertisement";
	case 151: return "multicast router advertisement";
	case 152: return "multicast router solicitation";
	case 153: return "multicast router termination";
	case 155: return "RPL control";
	case 160: return "extended echo request";
	case 161: return "extended echo reply";
	default: return NULL;
	}
}

static const char *const unreach_codes[] = {
	"no route to destination", "communication administratively prohibited",
	"beyond scope of source address", "address unreachable", "port unreachable",
	"source address failed ingress/egress policy", "reject route to destination",
	"error in source routing header", "headers too long",
};
static const char *const exceeded_codes[] = {
	"hop limit exceeded in transit", "fragment reassembly time exceeded",
};
static const char *const param_codes[] = {
	"erroneous header field", "unrecognized next header", "unrecognized IPv6 option",
	"first fragment has incomplete header chain",
};

#define CODE(table, code) ((code) < LSC_NELEM(table) ? (table)[code] : NULL)

static const char *code_name(uint8_t type, uint8_t code)
{
	switch (type) {
	case 1: return CODE(unreach_codes, code);
	case 3: return CODE(exceeded_codes, code);
	case 4: return CODE(param_codes, code);
	default: return NULL;
	}
}

/* ---- Neighbor Discovery (RFC 4861) ------------------------------------------ */

/* The fixed part of each ND message, options after it (RFC 4861 4.1-4.5); 0: not ND. */
static uint32_t nd_fixed(uint8_t type)
{
	switch (type) {
	case 133: return 8;  /* router solicitation */
	case 134: return 16; /* router advertisement: hop limit, flags, lifetime, reachable, retrans */
	case 135:            /* neighbor solicitation: target */
	case 136: return 24; /* neighbor advertisement: flags, target */
	case 137: return 40; /* redirect: target, destination */
	default: return 0;
	}
}

/* An ND message is all header: its fixed part and its options (no payload follows). */
static uint32_t header_len(struct lsc_layer *l, uint32_t msg_len)
{
	uint32_t fixed = nd_fixed(l->u.icmp.type);
	if (fixed == 0)
		return 8;
	if (msg_len < fixed) {
		/* RFC 4861 6.1: a node silently discards it. */
		lsc_layer_malformed(l, "Neighbor Discovery message shorter than its fixed part");
		return 8;
	}
	return msg_len;
}

/* The ND message past the first 8 bytes, as far as the capture holds it. */
static void nd_cursor(struct lsc_cur *c, const struct lsc_frame *f, const struct lsc_layer *l)
{
	uint32_t have = lsc_layer_captured(f, l);
	uint32_t end = have < l->hdr_len ? have : l->hdr_len;
	lsc_cur_init(c, f->data, l->offset + 8u, l->offset + (end > 8 ? end : 8u));
}

static void emit_ipv6(struct lsc_sink *s, const char *key, const char *label, const uint8_t a[16])
{
	char buf[LSC_ADDRSTRLEN];
	struct lsc_strbuf b;
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_ipv6(&b, a);
	s->ops->text(s, key, label, buf, false);
}

static const char *opt_name(uint8_t type)
{
	switch (type) {
	case 1: return "source_lladdr";
	case 2: return "target_lladdr";
	case 3: return "prefix";
	case 4: return "redirected";
	case 5: return "mtu";
	case 25: return "rdnss";
	default: return NULL;
	}
}

/* One option's contents (type and length already read); `c` holds exactly its len-2 bytes. */
static void emit_option(struct lsc_sink *s, uint8_t type, struct lsc_cur *c)
{
	uint8_t u8, a[16];
	uint32_t u32;
	switch (type) {
	case 1:
	case 2: {
		/* Ethernet's 6 bytes in an 8-byte option; other links fill more. */
		uint8_t addr[254];
		size_t n = lsc_cur_left(c);
		char buf[3 * sizeof addr];
		struct lsc_strbuf b;
		if (n > sizeof addr || lsc_cur_bytes(c, addr, n) != 0)
			n = 0;
		lsc_sb_init(&b, buf, sizeof buf);
		lsc_sb_hexcolon(&b, addr, n);
		s->ops->text(s, "lladdr", N_("Link-layer address"), buf, false);
		break;
	}
	case 3:
		if (lsc_cur_u8(c, &u8))
			return;
		s->ops->uint(s, "prefix_length", N_("Prefix length"), u8, 0, NULL);
		if (lsc_cur_u8(c, &u8))
			return;
		s->ops->boolean(s, "on_link", N_("On-link (L)"), (u8 & 0x80) != 0, NULL);
		s->ops->boolean(s, "autonomous", N_("Autonomous address configuration (A)"), (u8 & 0x40) != 0, NULL);
		if (lsc_cur_be32(c, &u32))
			return;
		s->ops->uint(s, "valid_lifetime", N_("Valid lifetime (s)"), u32, 0, u32 == 0xffffffffu ? N_("infinity") : NULL);
		if (lsc_cur_be32(c, &u32))
			return;
		s->ops->uint(s, "preferred_lifetime", N_("Preferred lifetime (s)"), u32, 0,
		             u32 == 0xffffffffu ? N_("infinity") : NULL);
		if (lsc_cur_be32(c, &u32) || lsc_cur_bytes(c, a, 16))
			return;
		emit_ipv6(s, "prefix", N_("Prefix"), a);
		break;
	case 5:
		if (lsc_cur_be16(c, &(uint16_t){ 0 }) || lsc_cur_be32(c, &u32))
			return;
		s->ops->uint(s, "mtu", N_("MTU"), u32, 0, NULL);
		break;
	case 25:
		if (lsc_cur_be16(c, &(uint16_t){ 0 }) || lsc_cur_be32(c, &u32))
			return;
		s->ops->uint(s, "lifetime", N_("Lifetime (s)"), u32, 0, NULL);
		s->ops->open(s, "servers", N_("DNS servers"), true);
		while (lsc_cur_bytes(c, a, 16) == 0)
			emit_ipv6(s, NULL, NULL, a);
		s->ops->close(s, true);
		break;
	default:
		break;
	}
}

/* The options after the fixed part: type, length in units of 8 bytes (as on the wire), contents. */
static void emit_options(struct lsc_sink *s, struct lsc_cur *c)
{
	if (lsc_cur_left(c) < 2)
		return;
	s->ops->open(s, "options", N_("Options"), true);
	uint8_t type, len;
	while (lsc_cur_left(c) >= 2 && lsc_cur_u8(c, &type) == 0 && lsc_cur_u8(c, &len) == 0) {
		s->ops->open(s, NULL, NULL, false);
		s->ops->uint(s, "type", N_("Type"), type, 0, NULL);
		char bytes[16];
		snprintf(bytes, sizeof bytes, lsc_tr_static("%u bytes"), len * 8u); /* a name, never in JSON */
		s->ops->uint(s, "length", N_("Length"), len, 0, bytes); /* on the wire in units of 8 bytes */
		if (opt_name(type) != NULL)
			s->ops->text(s, "name", N_("Name"), opt_name(type), false);
		size_t body = len * 8u >= 2 ? len * 8u - 2 : 0;
		if (len == 0 || body > lsc_cur_left(c)) {
			/* RFC 4861 4.6: a length of 0 makes the whole message invalid. */
			s->ops->text(s, "error", N_("Error"), len == 0 ? N_("option length 0") : N_("option runs past the message"),
			             true);
			s->ops->close(s, false);
			break;
		}
		struct lsc_cur oc;
		lsc_cur_init(&oc, c->base, c->off, c->off + body);
		emit_option(s, type, &oc);
		lsc_cur_skip(c, body);
		s->ops->close(s, false);
	}
	s->ops->close(s, true);
}

static void emit_nd(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_icmp *ic = &l->u.icmp;
	struct lsc_cur c;
	uint8_t a[16];
	uint32_t reach, retrans;
	nd_cursor(&c, f, l);
	switch (ic->type) {
	case 134:
		s->ops->uint(s, "cur_hop_limit", N_("Current hop limit"), ic->rest >> 24, 0, NULL);
		s->ops->boolean(s, "managed", N_("Managed address configuration (M)"), (ic->rest >> 23) & 1, NULL);
		s->ops->boolean(s, "other", N_("Other configuration (O)"), (ic->rest >> 22) & 1, NULL);
		s->ops->uint(s, "router_lifetime", N_("Router lifetime (s)"), ic->rest & 0xffffu, 0,
		             (ic->rest & 0xffffu) == 0 ? N_("not a default router") : NULL);
		if (lsc_cur_be32(&c, &reach))
			return;
		s->ops->uint(s, "reachable_time", N_("Reachable time (ms)"), reach, 0, NULL);
		if (lsc_cur_be32(&c, &retrans))
			return;
		s->ops->uint(s, "retrans_timer", N_("Retransmission timer (ms)"), retrans, 0, NULL);
		break;
	case 136:
		s->ops->boolean(s, "router", N_("Router (R)"), ic->rest >> 31, NULL);
		s->ops->boolean(s, "solicited", N_("Solicited (S)"), (ic->rest >> 30) & 1, NULL);
		s->ops->boolean(s, "override", N_("Override (O)"), (ic->rest >> 29) & 1, NULL);
		break;
	default:
		break;
	}
	/* Solicitation, advertisement and redirect: the target; a redirect's destination after it. */
	if (ic->type >= 135) {
		if (lsc_cur_bytes(&c, a, 16))
			return;
		emit_ipv6(s, "target", N_("Target address"), a);
		if (ic->type == 137) {
			if (lsc_cur_bytes(&c, a, 16))
				return;
			emit_ipv6(s, "destination", N_("Destination address"), a);
		}
	}
	emit_options(s, &c);
}

/* Packet Too Big carries the MTU, Parameter Problem a pointer (RFC 4443 3.2, 3.4); ND its own fields. */
static void emit_rest(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_icmp *ic = &l->u.icmp;
	if (ic->type == 2)
		s->ops->uint(s, "mtu", N_("MTU"), ic->rest, 0, NULL);
	else if (ic->type == 4)
		s->ops->uint(s, "pointer", N_("Pointer"), ic->rest, 0, NULL);
	else if (nd_fixed(ic->type) != 0 && !(l->flags & LSC_LF_MALFORMED))
		emit_nd(s, f, l);
}

/*
 * "neighbor solicitation, who has fe80::1", as tcpdump says it; the words
 * between the message's name and its addresses are prose, in the user's
 * language (summaries are for people: JSON never carries them).
 */
static void summary_rest(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_icmp *ic = &l->u.icmp;
	struct lsc_cur c;
	uint8_t a[16];
	if (ic->type < 135 || ic->type > 137 || (l->flags & LSC_LF_MALFORMED))
		return;
	nd_cursor(&c, f, l);
	if (lsc_cur_bytes(&c, a, 16))
		return;
	if (ic->type == 137) {
		uint8_t dst[16];
		if (lsc_cur_bytes(&c, dst, 16))
			return;
		/* "redirect, 2001:db8:2::9 via fe80::2": the destination, then the better first hop */
		lsc_sb_puts(b, ", ");
		lsc_sb_ipv6(b, dst);
		lsc_sb_puts(b, lsc_tr_static(" via "));
	} else {
		lsc_sb_puts(b, ic->type == 135 ? lsc_tr_static(", who has ") : lsc_tr_static(", target "));
	}
	lsc_sb_ipv6(b, a);
}

const struct lsc_icmp_kind lsc_icmpv6_kind = {
	N_("ICMPv6 header cut short (needs 8 bytes)"), 128, 129, LSC_PROTO_IPV6,
	is_error, checksum, type_name, code_name, header_len, emit_rest, summary_rest,
};

const struct lsc_proto_info lsc_proto_icmpv6 = {
	LSC_PROTO_ICMPV6, LSC_TCPIP_TRANSPORT, "icmpv6", "ICMPv6", "Internet Control Message Protocol for IPv6",
	lsc_icmp_decode, lsc_icmp_fields, LSC_ICMP_NFIELDS, lsc_icmp_summary, NULL,
};