/* SPDX-License-Identifier: BSD-3-Clause */
/* decode.c: the decode driver: a loop over the dispatch tables, no recursion. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include <layerscope/strbuf.h>

#include "../lib/i18n.h"
#include "decode-int.h"

/* Indexed by enum lsc_proto. */
static const struct lsc_proto_info *const proto_table[LSC_PROTO_COUNT] = {
	[LSC_PROTO_ETH] = &lsc_proto_eth,
	[LSC_PROTO_LLC] = &lsc_proto_llc,
	[LSC_PROTO_VLAN] = &lsc_proto_vlan,
	[LSC_PROTO_SLL] = &lsc_proto_sll,
	[LSC_PROTO_SLL2] = &lsc_proto_sll2,
	[LSC_PROTO_NULL] = &lsc_proto_null,
	[LSC_PROTO_ARP] = &lsc_proto_arp,
	[LSC_PROTO_IPV4] = &lsc_proto_ipv4,
	[LSC_PROTO_IPV6] = &lsc_proto_ipv6,
	[LSC_PROTO_ICMP] = &lsc_proto_icmp,
	[LSC_PROTO_ICMPV6] = &lsc_proto_icmpv6,
	[LSC_PROTO_TCP] = &lsc_proto_tcp,
	[LSC_PROTO_UDP] = &lsc_proto_udp,
	[LSC_PROTO_PAYLOAD] = &lsc_proto_payload,
};

const struct lsc_proto_info *lsc_proto_get(unsigned proto)
{
	return proto < LSC_PROTO_COUNT ? proto_table[proto] : NULL;
}

/* Who follows whom.  A key missing from its table ends the frame in payload. */
struct lsc_dispatch {
	uint32_t key;
	uint8_t proto;
};

/* Link types whose first layer is raw IP are resolved from the version nibble. */
#define LSC_PROTO_RAWIP 0xff

static const struct lsc_dispatch linktype_table[] = {
	{ DLT_NULL, LSC_PROTO_NULL },
	{ DLT_LOOP, LSC_PROTO_NULL },
	{ DLT_EN10MB, LSC_PROTO_ETH },
	{ DLT_LINUX_SLL, LSC_PROTO_SLL },
#ifdef DLT_LINUX_SLL2
	{ DLT_LINUX_SLL2, LSC_PROTO_SLL2 },
#else
	{ 276, LSC_PROTO_SLL2 },
#endif
	{ DLT_RAW, LSC_PROTO_RAWIP },
	{ 101, LSC_PROTO_RAWIP }, /* LINKTYPE_RAW, should a caller pass the file's value */
#ifdef DLT_IPV4
	{ DLT_IPV4, LSC_PROTO_IPV4 },
#endif
#ifdef DLT_IPV6
	{ DLT_IPV6, LSC_PROTO_IPV6 },
#endif
};

static const struct lsc_dispatch ethertype_table[] = {
	{ 0x0800, LSC_PROTO_IPV4 },
	{ 0x0806, LSC_PROTO_ARP },
	{ 0x8035, LSC_PROTO_ARP }, /* RARP shares ARP's format */
	{ 0x86dd, LSC_PROTO_IPV6 },
	{ 0x8100, LSC_PROTO_VLAN },
	{ 0x88a8, LSC_PROTO_VLAN },
	{ 0x9100, LSC_PROTO_VLAN },
};

static const struct lsc_dispatch ipproto_table[] = {
	{ 1, LSC_PROTO_ICMP },
	{ 4, LSC_PROTO_IPV4 },
	{ 6, LSC_PROTO_TCP },
	{ 17, LSC_PROTO_UDP },
	{ 41, LSC_PROTO_IPV6 },
	{ 58, LSC_PROTO_ICMPV6 },
	{ 143, LSC_PROTO_ETH }, /* Ethernet in IPv6 (SRv6, RFC 8986) */
};

static uint8_t dispatch(const struct lsc_dispatch *t, size_t n, uint32_t key)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].key == key)
			return t[i].proto == LSC_PROTO_RAWIP || proto_table[t[i].proto] != NULL
			               ? t[i].proto : LSC_PROTO_NONE;
	return LSC_PROTO_NONE;
}

bool lsc_linktype_supported(int dlt)
{
	return dispatch(linktype_table, LSC_NELEM(linktype_table), (uint32_t)dlt) != LSC_PROTO_NONE;
}

/* The protocol `next` names, or NONE when the rest is payload. */
static uint8_t resolve(const struct lsc_frame *f, const struct lsc_next *next, size_t off, size_t end)
{
	uint8_t p;
	switch (next->table) {
	case LSC_NEXT_LINKTYPE:
		p = dispatch(linktype_table, LSC_NELEM(linktype_table), next->key);
		if (p == LSC_PROTO_RAWIP) {
			if (off >= end)
				return LSC_PROTO_NONE;
			unsigned v = f->data[off] >> 4;
			p = v == 4 ? LSC_PROTO_IPV4 : v == 6 ? LSC_PROTO_IPV6 : LSC_PROTO_NONE;
			if (proto_table[p] == NULL)
				p = LSC_PROTO_NONE; /* a version whose decoder is not built in */
		}
		return p;
	case LSC_NEXT_ETHERTYPE:
		return dispatch(ethertype_table, LSC_NELEM(ethertype_table), next->key);
	case LSC_NEXT_IPPROTO:
		return dispatch(ipproto_table, LSC_NELEM(ipproto_table), next->key);
	case LSC_NEXT_PROTO:
		return next->key < LSC_PROTO_COUNT && proto_table[next->key] != NULL
		               ? (uint8_t)next->key : LSC_PROTO_NONE;
	default:
		return LSC_PROTO_NONE;
	}
}

void lsc_layer_truncated(struct lsc_layer *l, const char *reason)
{
	l->flags |= LSC_LF_TRUNCATED;
	if (l->reason == NULL)
		l->reason = reason;
}

void lsc_layer_malformed(struct lsc_layer *l, const char *reason)
{
	l->flags |= LSC_LF_MALFORMED;
	if (l->reason == NULL)
		l->reason = reason;
}

/*
 * Zeroes the union member `proto` decodes into.  The union is sized by the
 * largest header (IPv6, 120 bytes) while most frames' layers are a few dozen
 * bytes, and gcc clears a whole layer with `rep stos`, whose start-up cost
 * was 7% of `read -f line`.  Each case is a constant-size clear: a few stores.
 */
static void clear_member(struct lsc_layer *l, uint8_t proto)
{
#define CLEAR(m) memset(&l->u.m, 0, sizeof l->u.m)
	switch (proto) {
	case LSC_PROTO_ETH: CLEAR(eth); break;
	case LSC_PROTO_LLC: CLEAR(llc); break;
	case LSC_PROTO_VLAN: CLEAR(vlan); break;
	case LSC_PROTO_SLL:
	case LSC_PROTO_SLL2: CLEAR(sll); break;
	case LSC_PROTO_NULL: CLEAR(null); break;
	case LSC_PROTO_ARP: CLEAR(arp); break;
	case LSC_PROTO_IPV4: CLEAR(ipv4); break;
	case LSC_PROTO_IPV6: CLEAR(ipv6); break;
	case LSC_PROTO_ICMP:
	case LSC_PROTO_ICMPV6: CLEAR(icmp); break;
	case LSC_PROTO_TCP: CLEAR(tcp); break;
	case LSC_PROTO_UDP: CLEAR(udp); break;
	case LSC_PROTO_PAYLOAD: CLEAR(payload); break;
	default: memset(&l->u, 0, sizeof l->u); break;
	}
#undef CLEAR
}

static struct lsc_layer *append(struct lsc_frame *f, uint8_t proto, size_t off)
{
	struct lsc_layer *l = &f->layers[f->nlayers++];
	l->proto = proto;
	l->flags = f->quoting ? LSC_LF_QUOTED : 0;
	l->offset = (uint32_t)off;
	l->hdr_len = l->body_len = l->cap_len = 0;
	l->reason = NULL;
	clear_member(l, proto);
	return l;
}

static void reset(struct lsc_frame *f)
{
	f->nlayers = 0;
	f->ntcp_opts = 0;
	f->quoting = false;
	f->link_unsupported = false;
	f->has_flow = false;
	f->nnotes = 0;
}

void lsc_decode_frame(struct lsc_frame *f)
{
	size_t off = 0, end = f->caplen;
	/* Where the bytes run out: the capture, or inside an ICMP error the quote. */
	size_t data_end = f->caplen;
	struct lsc_next next = { LSC_NEXT_LINKTYPE, (uint32_t)f->linktype, LSC_LIMIT_ALL };

	reset(f);
	if (!lsc_linktype_supported(f->linktype))
		f->link_unsupported = true;

	/* One layer per turn; the last slot is kept for the payload. */
	while (f->nlayers < LSC_MAX_LAYERS - 1) {
		uint8_t proto = resolve(f, &next, off, end);
		if (proto == LSC_PROTO_NONE)
			break;
		if (off >= end && next.limit == 0)
			break; /* the parent claims no bytes for a child */

		struct lsc_layer *l = append(f, proto, off);
		struct lsc_cur c;
		struct lsc_next child = { LSC_NEXT_NONE, 0, LSC_LIMIT_ALL };
		bool was_quoting = f->quoting;
		lsc_cur_init(&c, f->data, off, end);
		proto_table[proto]->decode(f, l, &c, &child);

		/* A header never extends past what was captured; trust nothing. */
		size_t hdr = l->hdr_len <= end - off ? l->hdr_len : end - off;
		l->cap_len = (uint32_t)hdr;
		/*
		 * Cut short by the parent's length field, not by the capture.  An ICMP
		 * error quotes only the start of a datagram: a quoted header that runs
		 * to the quote's end is truncated, as if the capture ended there.
		 */
		if ((l->flags & LSC_LF_TRUNCATED) && end < data_end)
			l->flags |= LSC_LF_MALFORMED;
		if (f->quoting && !was_quoting)
			data_end = end;
		if (l->flags & (LSC_LF_TRUNCATED | LSC_LF_MALFORMED)) {
			off += hdr;
			break;
		}
		off += hdr;
		if (child.limit != LSC_LIMIT_ALL) {
			if (child.limit <= end - off)
				end = off + child.limit;
			else
				l->flags |= LSC_LF_CLIPPED;
		}
		next = child;
	}
	if (f->nlayers == LSC_MAX_LAYERS - 1 && next.table != LSC_NEXT_NONE)
		lsc_frame_note(f, "decoding stopped at %d layers", LSC_MAX_LAYERS - 1);

	if (off < end) {
		struct lsc_layer *p = append(f, LSC_PROTO_PAYLOAD, off);
		p->hdr_len = (uint32_t)(end - off);
		p->cap_len = p->hdr_len;
		p->u.payload.length = (uint32_t)(end - off);
	}
}

bool lsc_frame_damaged(const struct lsc_frame *f)
{
	bool cut = false; /* an own layer claims bytes the capture lacks */
	for (unsigned i = 0; i < f->nlayers; i++) {
		uint8_t fl = f->layers[i].flags;
		if (!(fl & LSC_LF_QUOTED) && (fl & LSC_LF_CLIPPED))
			cut = true;
		/* An ICMP error quoting only part of a datagram is doing its job. */
		if ((fl & LSC_LF_QUOTED) && !(fl & LSC_LF_MALFORMED) && !cut)
			continue;
		if (fl & (LSC_LF_TRUNCATED | LSC_LF_MALFORMED))
			return true;
	}
	return false;
}

const struct lsc_layer *lsc_frame_find(const struct lsc_frame *f, enum lsc_proto proto)
{
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		if (l->proto == proto && !(l->flags & LSC_LF_QUOTED))
			return l;
	}
	return NULL;
}

/*
 * What an own layer of each protocol can be, as one flat table: the track
 * stage asks for every frame, and proto_table's entries are a pointer away.
 * test_tcp checks it against the protocols' own TCP/IP layers.
 */
enum { OWN_NONE = 0, OWN_NET, OWN_L4 };
static const uint8_t own_kind[LSC_PROTO_COUNT] = {
	[LSC_PROTO_IPV4] = OWN_NET, [LSC_PROTO_IPV6] = OWN_NET,
	[LSC_PROTO_ICMP] = OWN_L4, [LSC_PROTO_ICMPV6] = OWN_L4,
	[LSC_PROTO_TCP] = OWN_L4, [LSC_PROTO_UDP] = OWN_L4,
};

void lsc_frame_own_layers(const struct lsc_frame *f, const struct lsc_layer **net,
                          const struct lsc_layer **l4)
{
	*net = *l4 = NULL;
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		if (l->flags & LSC_LF_QUOTED)
			break;
		unsigned k = l->proto < LSC_PROTO_COUNT ? own_kind[l->proto] : OWN_NONE;
		if (k == OWN_NET)
			*net = l;
		else if (k == OWN_L4)
			*l4 = l;
	}
}

bool lsc_own_kind_agrees(void)
{
	for (unsigned p = 0; p < LSC_PROTO_COUNT; p++) {
		const struct lsc_proto_info *pi = proto_table[p];
		unsigned want = OWN_NONE;
		if (pi != NULL && pi->tcpip == LSC_TCPIP_NETWORK && p != LSC_PROTO_ARP)
			want = OWN_NET;
		else if (pi != NULL && pi->tcpip == LSC_TCPIP_TRANSPORT)
			want = OWN_L4;
		if (pi != NULL && own_kind[p] != want)
			return false;
	}
	return true;
}

const struct lsc_layer *lsc_frame_network(const struct lsc_frame *f)
{
	const struct lsc_layer *net, *l4;
	lsc_frame_own_layers(f, &net, &l4);
	return net;
}

const struct lsc_layer *lsc_frame_transport(const struct lsc_frame *f)
{
	const struct lsc_layer *net, *l4;
	lsc_frame_own_layers(f, &net, &l4);
	return l4;
}

const struct lsc_layer *lsc_decode_enclosing_ip(const struct lsc_frame *f, const struct lsc_layer *l)
{
	for (const struct lsc_layer *p = l; p > f->layers;) {
		p--;
		if (p->proto == LSC_PROTO_IPV4 || p->proto == LSC_PROTO_IPV6)
			return p;
	}
	return NULL;
}

int64_t lsc_time_ns(int64_t sec, uint32_t nsec)
{
	const int64_t max_sec = LSC_NS_LIMIT / 1000000000;
	if (sec >= max_sec)
		return LSC_NS_LIMIT;
	if (sec <= -max_sec)
		return -LSC_NS_LIMIT;
	return sec * 1000000000 + nsec;
}

uint32_t lsc_layer_captured(const struct lsc_frame *f, const struct lsc_layer *l)
{
	(void)f;
	return l->cap_len;
}

static const char *const tcpip_keys[] = { "link", "network", "transport", "application" };
static const char *const tcpip_titles[] = { N_("Link"), N_("Network"), N_("Transport"), N_("Application") };

const char *lsc_tcpip_key(unsigned tcpip)
{
	return tcpip < 4 ? tcpip_keys[tcpip] : "?";
}

const char *lsc_tcpip_title(unsigned tcpip)
{
	return tcpip < 4 ? tcpip_titles[tcpip] : "?";
}

const char *lsc_linktype_name(int dlt)
{
	static char buf[24];
	const char *n = pcap_datalink_val_to_name(dlt);
	if (n != NULL)
		return n;
	snprintf(buf, sizeof buf, "DLT_%d", dlt);
	return buf;
}

/* ---- names shared by the field tables ------------------------------------ */

const char *lsc_ethertype_name(uint16_t type)
{
	switch (type) {
	case 0x0800: return "IPv4";
	case 0x0806: return "ARP";
	case 0x8035: return "RARP";
	case 0x8100: return "802.1Q VLAN";
	case 0x88a8: return "802.1ad VLAN";
	case 0x9100: return "VLAN (QinQ)";
	case 0x86dd: return "IPv6";
	case 0x8847: return "MPLS";
	case 0x8848: return "MPLS multicast";
	case 0x8863: return "PPPoE discovery";
	case 0x8864: return "PPPoE session";
	case 0x888e: return "802.1X";
	case 0x88cc: return "LLDP";
	case 0x8809: return "Slow protocols";
	case 0x88e5: return "MACsec";
	case 0x88f7: return "PTP";
	case 0x9000: return "Loopback";
	default: return NULL;
	}
}

const char *lsc_ipproto_name(uint8_t proto)
{
	switch (proto) {
	case 0: return "IPv6 hop-by-hop";
	case 1: return "ICMP";
	case 2: return "IGMP";
	case 4: return "IPv4 (IP-in-IP)";
	case 6: return "TCP";
	case 17: return "UDP";
	case 41: return "IPv6";
	case 43: return "IPv6 routing";
	case 44: return "IPv6 fragment";
	case 47: return "GRE";
	case 50: return "ESP";
	case 51: return "AH";
	case 58: return "ICMPv6";
	case 59: return "no next header";
	case 60: return "IPv6 destination options";
	case 89: return "OSPF";
	case 103: return "PIM";
	case 112: return "VRRP";
	case 132: return "SCTP";
	case 135: return "Mobility";
	case 143: return "Ethernet";
	default: return NULL;
	}
}

const char *lsc_field_ethertype(const struct lsc_layer *l, uint64_t v)
{
	(void)l;
	return lsc_ethertype_name((uint16_t)v);
}

const char *lsc_field_ipproto(const struct lsc_layer *l, uint64_t v)
{
	(void)l;
	return lsc_ipproto_name((uint8_t)v);
}

const char *lsc_field_csum(const struct lsc_layer *l, uint64_t v)
{
	(void)l;
	switch (v) {
	/* N_(): the text formats translate a derived name where they show it; JSON has its bool. */
	case LSC_CSUM_GOOD: return N_("correct");
	case LSC_CSUM_BAD: return N_("incorrect");
	case LSC_CSUM_OFFLOAD: return N_("unverified (offload)");
	case LSC_CSUM_ABSENT: return N_("none");
	default: return N_("unverified");
	}
}

void lsc_field_csum_expected(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                             const struct lsc_field *fd)
{
	uint8_t csum;
	uint16_t calc;
	(void)f;
	switch (l->proto) {
	case LSC_PROTO_IPV4: csum = l->u.ipv4.csum, calc = l->u.ipv4.csum_calc; break;
	case LSC_PROTO_TCP: csum = l->u.tcp.csum, calc = l->u.tcp.csum_calc; break;
	case LSC_PROTO_UDP: csum = l->u.udp.csum, calc = l->u.udp.csum_calc; break;
	case LSC_PROTO_ICMP:
	case LSC_PROTO_ICMPV6: csum = l->u.icmp.csum, calc = l->u.icmp.csum_calc; break;
	default: return;
	}
	if (csum == LSC_CSUM_BAD)
		s->ops->uint(s, fd->key, fd->label, calc, 4, NULL);
}

unsigned lsc_layer_tcpip(const struct lsc_frame *f, const struct lsc_layer *l)
{
	if (l->proto != LSC_PROTO_PAYLOAD)
		return proto_table[l->proto]->tcpip;
	if (l == f->layers)
		return LSC_TCPIP_LINK;
	unsigned below = proto_table[(l - 1)->proto]->tcpip;
	return below < LSC_TCPIP_APPLICATION ? below + 1 : LSC_TCPIP_APPLICATION;
}

char *lsc_w_captured(char *p, uint64_t n)
{
	const char *word = lsc_tr_static(" captured)"); /* per frame: remembered by address */
	size_t len = strnlen(word, LSC_W_CAPTURED - LSC_W_U64 - 2);
	p = lsc_w_lit(p, " (");
	p = lsc_w_u64(p, n);
	memcpy(p, word, len);
	return p + len;
}
