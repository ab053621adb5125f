/* SPDX-License-Identifier: BSD-3-Clause */
/* icmpv6.c: Internet Control Message Protocol for IPv6 (RFC 4443; ND and MLD names, RFC 4861, 2710, 3810): what differs from ICMP. */
#include <config.h>

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

/* Packet Too Big carries the MTU, Parameter Problem a pointer (RFC 4443 3.2, 3.4). */
static void emit_rest(struct lsc_sink *s, const struct lsc_icmp *ic)
{
	if (ic->type == 2)
		s->ops->uint(s, "mtu", N_("MTU"), ic->rest, 0, NULL);
	else if (ic->type == 4)
		s->ops->uint(s, "pointer", N_("Pointer"), ic->rest, 0, NULL);
}

const struct lsc_icmp_kind lsc_icmpv6_kind = {
	"ICMPv6 header cut short (needs 8 bytes)", 128, 129, LSC_PROTO_IPV6,
	is_error, checksum, type_name, code_name, emit_rest,
};

const struct lsc_proto_info lsc_proto_icmpv6 = {
	LSC_PROTO_ICMPV6, LSC_TCPIP_TRANSPORT, "icmpv6", "ICMPv6", "Internet Control Message Protocol for IPv6",
	lsc_icmp_decode, lsc_icmp_fields, LSC_ICMP_NFIELDS, lsc_icmp_summary,
};
