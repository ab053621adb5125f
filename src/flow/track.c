/* SPDX-License-Identifier: BSD-3-Clause */
/* track.c: the track stage's entry: finds a frame's conversation and hands it to the TCP or UDP observer. */
#include <config.h>

#include <string.h>

#include <layerscope/strbuf.h>

#include "../lib/i18n.h"
#include "flow-int.h"

/* A non-first fragment carries no transport header; a first one only part of the segment. */
static bool ip_fragmented(const struct lsc_layer *net)
{
	if (net->proto == LSC_PROTO_IPV4)
		return net->u.ipv4.mf || net->u.ipv4.frag_offset != 0;
	return net->u.ipv6.has_frag && (net->u.ipv6.frag_mf || net->u.ipv6.frag_offset != 0);
}

/* Whether the frame's own headers name a conversation we can follow. */
static bool trackable(const struct lsc_layer *net, const struct lsc_layer *l4)
{
	if (net == NULL || l4 == NULL || l4 < net)
		return false;
	if (net->proto != LSC_PROTO_IPV4 && net->proto != LSC_PROTO_IPV6)
		return false;
	if (ip_fragmented(net))
		return false;
	/* Ports, sequence numbers and flags must all have been captured. */
	if (l4->proto == LSC_PROTO_TCP)
		return l4->cap_len >= 20;
	if (l4->proto == LSC_PROTO_UDP)
		return l4->cap_len >= 8;
	return false;
}

static uint64_t be64_at(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return __builtin_bswap64(v);
}

/* memcmp()'s order of two addresses of n (4 or 16) bytes, in word compares rather than a call. */
static int addr_order(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t x, y;
	if (n == 4) {
		uint32_t u, v;
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		x = __builtin_bswap32(u);
		y = __builtin_bswap32(v);
	} else {
		x = be64_at(a);
		y = be64_at(b);
		if (x == y) {
			x = be64_at(a + 8);
			y = be64_at(b + 8);
		}
	}
	return (x > y) - (x < y);
}

/* Fills the canonical key; returns the key side (0/1) of the frame's sender. */
static unsigned make_key(const struct lsc_layer *net, const struct lsc_layer *l4, struct flow_key *k)
{
	const uint8_t *src, *dst;
	size_t n;
	uint16_t sport, dport;
	if (net->proto == LSC_PROTO_IPV4) {
		src = net->u.ipv4.src;
		dst = net->u.ipv4.dst;
		n = 4;
	} else {
		src = net->u.ipv6.src;
		dst = net->u.ipv6.dst;
		n = 16;
	}
	if (l4->proto == LSC_PROTO_TCP) {
		sport = l4->u.tcp.sport;
		dport = l4->u.tcp.dport;
	} else {
		sport = l4->u.udp.sport;
		dport = l4->u.udp.dport;
	}
	/* IPv4 addresses are zero-padded to 16 bytes: compared alike either way. */
	int cmp = addr_order(src, dst, n);
	unsigned side = cmp > 0 || (cmp == 0 && sport > dport);
	memset(k, 0, sizeof *k);
	if (n == 4) {
		memcpy(k->addr[side], src, 4);
		memcpy(k->addr[!side], dst, 4);
	} else {
		memcpy(k->addr[side], src, 16);
		memcpy(k->addr[!side], dst, 16);
	}
	k->port[side] = sport;
	k->port[!side] = dport;
	k->family = net->proto == LSC_PROTO_IPV4 ? 4 : 6;
	k->proto = l4->proto == LSC_PROTO_TCP ? 6 : 17;
	return side;
}

/*
 * The payload the headers claim, but no more than the frame held on the
 * wire: an IP length past the frame's end is impossible, and Wireshark
 * trusts the frame there too.
 */
static uint32_t payload_len(const struct lsc_frame *f, const struct lsc_layer *l4)
{
	uint64_t start = (uint64_t)l4->offset + l4->hdr_len;
	uint64_t room = f->len > start ? f->len - start : 0;
	return l4->body_len < room ? l4->body_len : (uint32_t)room;
}

static int64_t frame_ns(const struct lsc_frame *f)
{
	return lsc_time_ns(f->ts_sec, f->ts_nsec);
}

/* 0 when the sender is the client; a conversation with itself has only a client. */
static unsigned role_of(const struct conv *c, unsigned side)
{
	return c->self || side == c->client_side ? 0 : 1;
}

void lsc_flow_begin(struct conv *c, struct flow_pkt *p, bool sender_is_client)
{
	c->client_side = (uint8_t)(sender_is_client ? p->side : !p->side);
	c->pub.family = c->key.family;
	c->pub.ipproto = c->key.proto;
	for (unsigned r = 0; r < 2; r++) {
		unsigned side = r == 0 ? c->client_side : !c->client_side;
		memcpy(c->pub.ep[r].addr, c->key.addr[side], 16);
		c->pub.ep[r].port = c->key.port[side];
	}
	c->pub.first_frame = p->f->number;
	c->pub.first_ns = p->ns;
	c->self = memcmp(&c->pub.ep[0], &c->pub.ep[1], sizeof c->pub.ep[0]) == 0;
	p->role = role_of(c, p->side);
}

void lsc_flow_history_add(struct conv *c, uint16_t *letters, unsigned role, char letter, uint16_t bit)
{
	if (c->hlen >= LSC_FLOW_HISTORY_MAX)
		return;
	if (letters != NULL)
		*letters |= bit;
	/* '^' and other marks belong to no end and keep their case. */
	char ch = bit != 0 && role == 1 ? (char)(letter - 'A' + 'a') : letter;
	c->pub.history[c->hlen++] = ch;
	c->pub.history[c->hlen] = '\0';
}

/* The frame's key, and the key side of its sender; false when it has none to track. */
static bool frame_key(const struct lsc_frame *f, struct flow_key *k, unsigned *side, const struct lsc_layer **l4)
{
	const struct lsc_layer *net;
	lsc_frame_own_layers(f, &net, l4);
	if (!trackable(net, *l4))
		return false;
	*side = make_key(net, *l4, k);
	return true;
}

/* Tracking once the key is known. */
static inline __attribute__((always_inline)) void track_key(struct lsc_flow_tracker *t, struct lsc_frame *f,
                                                            const struct lsc_layer *l4, const struct flow_key *k,
                                                            unsigned side)
{
	struct flow_pkt p = { f, l4, frame_ns(f), payload_len(f, l4), side, 0 };
	bool fresh;
	struct conv *c = lsc_flow_table_get(t, k, &fresh);
	struct lsc_flow_ann *a = &f->flow;
	memset(a, 0, sizeof *a);
	a->rtt_ns = -1;
	bool tcp = k->proto == 6;
	if (fresh) {
		if (tcp)
			lsc_flow_tcp_start(c, &p);
		else
			lsc_flow_udp_start(c, &p);
	} else {
		p.role = role_of(c, p.side);
	}
	if (tcp)
		lsc_flow_tcp_frame(t, c, &p); /* may start a new conversation (port reuse) */
	else
		lsc_flow_udp_frame(c, &p);

	/* Tracking sees only the wire: every call it names is a guess. */
	a->call_source = a->socket_call != LSC_CALL_NONE ? LSC_CALL_INFERRED : LSC_CALL_SRC_NONE;
	c->pub.frames[p.role]++;
	c->pub.bytes[p.role] += p.payload;
	c->pub.last_frame = f->number;
	c->pub.last_ns = p.ns;
	a->id = c->pub.id;
	a->dir = (uint8_t)(p.role == 0 ? LSC_FLOW_C2S : LSC_FLOW_S2C);
	a->state = c->pub.state;
	a->end_state[0] = c->pub.end_state[0];
	a->end_state[1] = c->pub.end_state[1];
	a->conv = &c->pub;
	f->has_flow = true;
}

void lsc_flow_track(struct lsc_flow_tracker *t, struct lsc_frame *f)
{
	struct flow_key k;
	unsigned side;
	const struct lsc_layer *l4;
	f->has_flow = false;
	if (frame_key(f, &k, &side, &l4))
		track_key(t, f, l4, &k, side);
}

/* ---- text for renderers ---------------------------------------------------- */

static void step_text(struct lsc_strbuf *b, const struct lsc_flow_ann *a, bool human)
{
	const char *kind = lsc_flow_step_name(a->step_kind);
	if (kind == NULL || a->step == 0)
		return;
	lsc_sb_puts(b, human ? lsc_tr_static(kind) : kind);
	lsc_sb_putc(b, ' ');
	lsc_sb_u64(b, a->step);
	lsc_sb_putc(b, '/');
	lsc_sb_u64(b, a->step_total);
}

void lsc_flow_step_text(struct lsc_strbuf *b, const struct lsc_flow_ann *a)
{
	step_text(b, a, false);
}

void lsc_flow_step_label(struct lsc_strbuf *b, const struct lsc_flow_ann *a)
{
	step_text(b, a, true);
}

void lsc_flow_ack_text(struct lsc_strbuf *b, const struct lsc_flow_ann *a)
{
	if (a->acks_frame == 0)
		return;
	lsc_sb_printf(b, "ack %u = peer seq %u", a->rel_ack, a->acks_seq);
	if (a->acks_len)
		lsc_sb_printf(b, " + %u byte%s", a->acks_len, a->acks_len == 1 ? "" : "s");
	if (a->acks_ctl & LSC_TCP_SYN)
		lsc_sb_puts(b, " + 1 (SYN)");
	if (a->acks_ctl & LSC_TCP_FIN)
		lsc_sb_puts(b, " + 1 (FIN)");
	lsc_sb_printf(b, " (frame %llu)", (unsigned long long)a->acks_frame);
}

void lsc_flow_endpoint_text(struct lsc_strbuf *b, unsigned family, const struct lsc_flow_endpoint *e)
{
	if (family == 6) {
		lsc_sb_putc(b, '[');
		lsc_sb_ipv6(b, e->addr);
		lsc_sb_putc(b, ']');
	} else {
		lsc_sb_ipv4(b, e->addr);
	}
	lsc_sb_printf(b, ":%u", e->port);
}
