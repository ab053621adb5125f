/* SPDX-License-Identifier: BSD-3-Clause */
/* icmp.c: Internet Control Message Protocol (RFC 792, RFC 1191), and the decoder ICMPv6 shares: names, checksum, echo, quoted headers. */
#include <config.h>

#include "decode-int.h"
#include "../lib/i18n.h"

static const struct lsc_icmp_kind icmp_kind;

static const struct lsc_icmp_kind *kind_of(const struct lsc_layer *l)
{
	return l->proto == LSC_PROTO_ICMPV6 ? &lsc_icmpv6_kind : &icmp_kind;
}

void lsc_icmp_decode(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c, struct lsc_next *next)
{
	const struct lsc_icmp_kind *k = kind_of(l);
	struct lsc_icmp *ic = &l->u.icmp;
	const struct lsc_layer *ip = lsc_decode_enclosing_ip(f, l);
	/* The message is the whole IP payload (ICMPv6: the upper-layer length); the cursor may hold less. */
	uint32_t msg_len = ip != NULL ? ip->body_len : (uint32_t)lsc_cur_left(c);

	l->hdr_len = 8;
	if (lsc_cur_u8(c, &ic->type) || lsc_cur_u8(c, &ic->code) ||
	    lsc_cur_be16(c, &ic->checksum) || lsc_cur_be32(c, &ic->rest))
		return lsc_layer_truncated(l, k->cut_reason);
	/* the window is no longer than msg_len, so msg_len >= 8 here; clamp all the same */
	if (k->header_len != NULL)
		l->hdr_len = k->header_len(l, msg_len);
	l->body_len = msg_len > l->hdr_len ? msg_len - l->hdr_len : 0;
	ic->csum = k->checksum(f, l, ip, msg_len, &ic->csum_calc);
	lsc_csum_note(f, l, l->proto == LSC_PROTO_ICMPV6 ? "ICMPv6" : "ICMP", ic->csum, ic->checksum, ic->csum_calc);
	next->limit = l->body_len;
	if (ic->type == k->echo_request || ic->type == k->echo_reply) {
		ic->has_echo = true;
		ic->id = (uint16_t)(ic->rest >> 16);
		ic->seq = (uint16_t)ic->rest;
	} else if (k->is_error(ic->type)) {
		/* decode.c flags every layer from here on as quoted, not the frame's own */
		f->quoting = true;
		next->table = LSC_NEXT_PROTO;
		next->key = k->quote_proto;
	}
}

/* ---- ICMP for IPv4 ------------------------------------------------------- */

/* Error messages quote the offending datagram's IP header and at least 8 bytes more. */
static bool is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* RFC 792: the checksum covers the ICMP message alone, no pseudo-header. */
static uint8_t checksum(const struct lsc_frame *f, const struct lsc_layer *l,
                        const struct lsc_layer *ip, uint32_t msg_len, uint16_t *calc)
{
	return lsc_csum_plain(f, l, ip, msg_len, l->u.icmp.checksum, calc);
}

static const char *type_name(uint8_t type)
{
	switch (type) {
	case 0: return "echo reply";
	case 3: return "destination unreachable";
	case 4: return "source quench";
	case 5: return "redirect";
	case 8: return "echo request";
	case 9: return "router advertisement";
	case 10: return "router solicitation";
	case 11: return "time exceeded";
	case 12: return "parameter problem";
	case 13: return "timestamp request";
	case 14: return "timestamp reply";
	case 15: return "information request";
	case 16: return "information reply";
	case 17: return "address mask request";
	case 18: return "address mask reply";
	case 30: return "traceroute";
	case 42: return "extended echo request";
	case 43: return "extended echo reply";
	default: return NULL;
	}
}

static const char *const unreach_codes[] = {
	"network unreachable", "host unreachable", "protocol unreachable", "port unreachable",
	"fragmentation needed and DF set", "source route failed", "destination network unknown",
	"destination host unknown", "source host isolated", "network administratively prohibited",
	"host administratively prohibited", "network unreachable for TOS",
	"host unreachable for TOS", "communication administratively prohibited",
	"host precedence violation", "precedence cutoff in effect",
};
static const char *const redirect_codes[] = {
	"redirect for network", "redirect for host", "redirect for TOS and network",
	"redirect for TOS and host",
};
static const char *const exceeded_codes[] = {
	"TTL exceeded in transit", "fragment reassembly time exceeded",
};
static const char *const param_codes[] = {
	"pointer indicates the error", "missing a required option", "bad length",
};

#define CODE(table, code) ((code) < LSC_NELEM(table) ? (table)[code] : NULL)

static const char *code_name(uint8_t type, uint8_t code)
{
	switch (type) {
	case 3: return CODE(unreach_codes, code);
	case 5: return CODE(redirect_codes, code);
	case 11: return CODE(exceeded_codes, code);
	case 12: return CODE(param_codes, code);
	default: return NULL;
	}
}

/* Next-hop MTU (RFC 1191), redirect gateway, parameter-problem pointer. */
static void emit_rest(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_icmp *ic = &l->u.icmp;
	(void)f;
	if (ic->type == 3 && ic->code == 4) {
		s->ops->uint(s, "mtu", N_("Next-hop MTU"), ic->rest & 0xffffu, 0, NULL);
	} else if (ic->type == 5) {
		char buf[LSC_ADDRSTRLEN];
		struct lsc_strbuf b;
		uint8_t gw[4] = { (uint8_t)(ic->rest >> 24), (uint8_t)(ic->rest >> 16),
		                  (uint8_t)(ic->rest >> 8), (uint8_t)ic->rest };
		lsc_sb_init(&b, buf, sizeof buf);
		lsc_sb_ipv4(&b, gw);
		s->ops->text(s, "gateway", N_("Gateway"), buf, false);
	} else if (ic->type == 12) {
		s->ops->uint(s, "pointer", N_("Pointer"), ic->rest >> 24, 0, NULL);
	}
}

static const struct lsc_icmp_kind icmp_kind = {
	N_("ICMP header cut short (needs 8 bytes)"), 8, 0, LSC_PROTO_IPV4,
	is_error, checksum, type_name, code_name, NULL, emit_rest, NULL,
};

/* ---- fields and summary, shared with icmpv6.c ---------------------------- */

static const char *field_type(const struct lsc_layer *l, uint64_t v)
{
	return kind_of(l)->type_name((uint8_t)v);
}

static const char *field_code(const struct lsc_layer *l, uint64_t v)
{
	return kind_of(l)->code_name(l->u.icmp.type, (uint8_t)v);
}

/* Identifier and sequence exist only in echo requests and replies. */
static void emit_id(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                    const struct lsc_field *fd)
{
	(void)f;
	if (l->u.icmp.has_echo)
		s->ops->uint(s, fd->key, fd->label, l->u.icmp.id, 4, NULL);
}

static void emit_seq(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                     const struct lsc_field *fd)
{
	(void)f;
	if (l->u.icmp.has_echo)
		s->ops->uint(s, fd->key, fd->label, l->u.icmp.seq, 0, NULL);
}

static void emit_rest_field(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                            const struct lsc_field *fd)
{
	(void)fd;
	kind_of(l)->emit_rest(s, f, l);
}

const struct lsc_field lsc_icmp_fields[LSC_ICMP_NFIELDS] = {
	LSC_FIELD("type", N_("Type"), LSC_FT_UINT, icmp.type, 1, field_type),
	LSC_FIELD("code", N_("Code"), LSC_FT_UINT, icmp.code, 2, field_code),
	LSC_FIELD("checksum", N_("Checksum"), LSC_FT_HEX, icmp.checksum, 4, NULL),
	LSC_FIELD("checksum_ok", N_("Checksum status"), LSC_FT_CSUM, icmp.csum, 8, lsc_field_csum),
	LSC_FIELD_CUSTOM("checksum_expected", N_("Correct value"), 8, lsc_field_csum_expected),
	LSC_FIELD_CUSTOM("id", N_("Identifier"), 8, emit_id),
	LSC_FIELD_CUSTOM("seq", N_("Sequence number"), 8, emit_seq),
	LSC_FIELD_CUSTOM("rest", N_("Rest of header"), 8, emit_rest_field),
};

/* "destination unreachable: port unreachable", "echo request id 4660 seq 1". */
void lsc_icmp_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_icmp_kind *k = kind_of(l);
	const struct lsc_icmp *ic = &l->u.icmp;
	const char *tname = k->type_name(ic->type), *cname = k->code_name(ic->type, ic->code);
	if (tname != NULL)
		lsc_sb_puts(b, tname);
	else
		lsc_sb_printf(b, "type %u", ic->type);
	if (cname != NULL)
		lsc_sb_printf(b, ": %s", cname);
	else if (ic->code != 0)
		lsc_sb_printf(b, " code %u", ic->code);
	if (ic->has_echo)
		lsc_sb_printf(b, " id %u seq %u", ic->id, ic->seq);
	if (k->summary_rest != NULL)
		k->summary_rest(b, f, l);
	if (ic->csum == LSC_CSUM_BAD) {
		char tmp[LSC_W_CSUM_BAD];
		char *start = lsc_sb_reserve(b, sizeof tmp, tmp);
		lsc_sb_commit(b, tmp, start, lsc_w_csum_bad(start, ic->checksum, ic->csum_calc));
	}
}

const struct lsc_proto_info lsc_proto_icmp = {
	LSC_PROTO_ICMP, LSC_TCPIP_TRANSPORT, "icmp", "ICMP", "Internet Control Message Protocol",
	lsc_icmp_decode, lsc_icmp_fields, LSC_ICMP_NFIELDS, lsc_icmp_summary, NULL,
};