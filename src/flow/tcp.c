/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp.c: the TCP observer (RFC 9293): each end's state, relative numbers, events, steps, socket calls, expert heuristics. */
#include <config.h>

#include <string.h>

#include <layerscope/strbuf.h>

#include "../lib/i18n.h"
#include "flow-int.h"

#define MS 1000000LL

#define SYN LSC_TCP_SYN
#define ACK LSC_TCP_ACK
#define FIN LSC_TCP_FIN
#define RST LSC_TCP_RST

/* The segment as the observer reads it: absolute numbers, raw window. */
struct seg {
	uint32_t seq, ack, len, win;
	uint16_t fl;
	uint64_t frame;
	int64_t ns;
};

/* SYN and FIN take one sequence number (Wireshark counts one even when both are set). */
static uint32_t ctl_len(uint16_t fl)
{
	return (fl & (SYN | FIN)) ? 1 : 0;
}

/* Where segment i of an end's ring ends, its SYN or FIN counted. */
static uint32_t seg_end(const struct tcp_end *e, unsigned i)
{
	return e->ring[i].seq + e->ring[i].len + ((e->ring_ctl[i] & (SYN | FIN)) ? 1 : 0);
}

/* ---- starting a conversation ------------------------------------------------ */

void lsc_flow_tcp_start(struct conv *c, struct flow_pkt *p)
{
	const struct lsc_tcp *h = &p->l4->u.tcp;
	struct tcp_conv *tc = &c->u.tcp;
	bool client;

	if (h->flags & SYN) {
		client = !(h->flags & ACK);
	} else {
		/* Mid-stream the first sender is taken for the client, unless it
		 * speaks from the lower port, a well-known one or one facing an
		 * ephemeral port (Linux hands those out from 32768). */
		client = !(h->sport < h->dport && (h->sport < 1024 || h->dport >= 32768));
		c->pub.midstream = true;
	}
	lsc_flow_begin(c, p, client);
	tc->hs_total = 3;
	tc->end[0].window = tc->end[1].window = UINT32_MAX; /* as Wireshark: no window seen */
	if (c->pub.midstream) {
		tc->established = true;
		c->pub.end_state[0] = c->pub.end_state[1] = LSC_TCPS_ESTABLISHED;
		if (!client)
			lsc_flow_history(c, NULL, 0, '^');
		lsc_frame_note(p->f, "capture starts mid-conversation: no handshake seen, "
		                     "relative numbers start at 1 here");
	} else {
		/* The server is assumed to listen; a SYN-ACK first means the SYN was missed. */
		c->pub.end_state[0] = (h->flags & ACK) ? LSC_TCPS_SYN_SENT : LSC_TCPS_CLOSED;
		c->pub.end_state[1] = LSC_TCPS_LISTEN;
		if (h->flags & ACK)
			lsc_frame_note(p->f, "capture starts at the SYN-ACK: the client's SYN was not captured");
	}
}

/*
 * Port reuse, as Wireshark decides it: a SYN, or a SYN-ACK, whose number
 * is not this end's ISN, or any SYN once the conversation saw a FIN or RST,
 * starts a new conversation on the same ports.
 */
static bool port_reused(const struct tcp_conv *tc, const struct tcp_end *me, const struct seg *s)
{
	if (!(s->fl & SYN) || !(me->flags & END_BASE_SET))
		return false;
	return s->seq != me->base || tc->closed_once;
}

/*
 * Relative numbers count from each end's ISN (its SYN's number).  Mid-stream
 * the first segment's number minus one stands in for it, and the peer's is
 * guessed from our first ACK, so both sides start at 1, as Wireshark does.
 */
static void set_bases(struct tcp_end *me, struct tcp_end *peer, const struct seg *s)
{
	if (!(me->flags & END_BASE_SET)) {
		me->base = (s->fl & SYN) ? s->seq : s->seq - 1;
		me->flags |= END_BASE_SET;
	}
	if (!(peer->flags & END_BASE_SET) && (s->fl & ACK)) {
		peer->base = s->ack - 1;
		peer->flags |= END_BASE_SET;
	}
}

/* ---- unacknowledged segments ------------------------------------------------ */

/* Remembers a segment; when full, forgets the oldest acknowledged one, else the oldest. */
static void ring_add(struct tcp_end *e, const struct seg *s)
{
	if (e->nring == TCP_RING) {
		unsigned drop = 0;
		while (drop < TCP_RING - 1 && !(e->ring_ctl[drop] & RING_ACKED))
			drop++;
		if (!(e->ring_ctl[drop] & RING_ACKED))
			drop = 0;
		unsigned rest = TCP_RING - 1 - drop;
		memmove(e->ring + drop, e->ring + drop + 1, rest * sizeof e->ring[0]);
		memmove(e->ring_ctl + drop, e->ring_ctl + drop + 1, rest);
		e->nring--;
	}
	unsigned i = e->nring++;
	e->ring[i].frame = s->frame;
	e->ring[i].seq = s->seq;
	e->ring[i].len = s->len;
	e->ring_ctl[i] = (uint8_t)(s->fl & (SYN | FIN));
}

/* The frame that first carried `seq`, or `fallback` when it is no longer remembered. */
static uint64_t ring_original(const struct tcp_end *e, uint32_t seq, uint64_t fallback)
{
	for (unsigned i = 0; i < e->nring; i++)
		if (SEQ_LE(e->ring[i].seq, seq) && SEQ_LT(seq, seg_end(e, i)))
			return e->ring[i].frame;
	return fallback;
}

/* Marks the peer's segments `ack` covers; names the one it completes exactly. */
static void ring_ack(struct tcp_end *peer, uint32_t ack, struct lsc_flow_ann *a)
{
	for (unsigned i = 0; i < peer->nring; i++) {
		if ((peer->ring_ctl[i] & RING_ACKED) || !SEQ_LE(seg_end(peer, i), ack))
			continue;
		peer->ring_ctl[i] |= RING_ACKED;
		if (seg_end(peer, i) == ack) {
			a->acks_frame = peer->ring[i].frame;
			a->acks_seq = peer->ring[i].seq - peer->base;
			a->acks_len = peer->ring[i].len;
			a->acks_ctl = peer->ring_ctl[i] & (SYN | FIN);
		}
	}
}

/* ---- expert analysis (heuristics, after Wireshark's tcp.analysis.*) ---------- */

/* Flags of a segment that repeats this end's last ack and window. */
static uint32_t analyse_ack(struct tcp_end *me, struct tcp_end *peer, const struct seg *s,
                            struct lsc_flow_ann *a)
{
	uint32_t an = 0;
	bool nset = me->flags & END_NEXT_SET;
	bool plain = !(s->fl & (SYN | FIN | RST));
	bool same = s->len == 0 && nset && s->seq == me->nextseq && s->ack == me->lastack && plain;

	if (s->len == 1 && nset && s->seq == me->nextseq && peer->window == 0)
		return LSC_FA_ZERO_WINDOW_PROBE;
	if (s->win == 0 && plain)
		an |= LSC_FA_ZERO_WINDOW;
	if (nset && SEQ_GT(s->seq, me->nextseq) && !(s->fl & RST))
		an |= LSC_FA_LOST_SEGMENT;
	if (s->len <= 1 && nset && s->seq == me->nextseq - 1 && plain)
		an |= LSC_FA_KEEP_ALIVE;
	if (same && s->win != 0 && s->win != me->window)
		an |= LSC_FA_WINDOW_UPDATE;
	if (same && s->win != 0 && s->win == me->window && (peer->analysis & LSC_FA_KEEP_ALIVE))
		return an | LSC_FA_KEEP_ALIVE_ACK;
	if (s->len == 0 && nset && s->seq == me->nextseq && plain && s->win == 0 && me->window == 0 &&
	    (s->ack == me->lastack || s->ack == me->lastack + 1) &&
	    (peer->analysis & LSC_FA_ZERO_WINDOW_PROBE)) {
		/* The receiver took the probe's byte after all. */
		if (s->ack == me->lastack + 1)
			peer->nextseq = peer->maxseqtobeacked = s->ack;
		return an;
	}
	if (same && s->win != 0 && s->win == me->window) {
		me->dupacks++;
		an |= LSC_FA_DUP_ACK;
		a->ref_frame = me->lastnondupack;
	}
	return an;
}

/* Retransmission or out-of-order, for a segment that uses sequence space. */
static uint32_t analyse_resend(const struct tcp_conv *tc, const struct tcp_end *me,
                               const struct tcp_end *peer, const struct seg *s, uint32_t an,
                               struct lsc_flow_ann *a)
{
	bool nset = me->flags & END_NEXT_SET;
	bool behind = nset && SEQ_LT(s->seq, me->nextseq);

	if (an & LSC_FA_KEEP_ALIVE)
		return 0;
	/* More than one byte starting one before the next: new data after a probe. */
	if (s->len > 1 && me->nextseq - 1 == s->seq)
		behind = false;
	/* Spurious: every byte was already acknowledged. */
	bool resend = s->len > 0 && peer->lastack != 0 && SEQ_LE(s->seq + s->len, peer->lastack);
	if (!resend && !behind)
		return 0;
	/* Fast retransmission: what two duplicate ACKs asked for, within 20 ms. */
	if (!resend && peer->dupacks >= 2 && peer->lastack == s->seq && s->ns - peer->lastack_ns < 20 * MS)
		resend = true;
	/* Out of order: soon after the segment that went furthest (within the RTT, or 3 ms). */
	if (!resend) {
		int64_t thres = tc->first_rtt_ns > 0 ? tc->first_rtt_ns : 3 * MS;
		if (s->ns - me->nextseq_ns < thres &&
		    (me->nextseq != s->seq + s->len + ctl_len(s->fl) || me->lastacklen == 0))
			return LSC_FA_OUT_OF_ORDER;
	}
	a->ref_frame = ring_original(me, s->seq, me->nextseq_frame);
	return LSC_FA_RETRANSMISSION;
}

static uint32_t analyse(struct tcp_conv *tc, struct tcp_end *me, struct tcp_end *peer,
                        const struct seg *s, struct lsc_flow_ann *a)
{
	uint32_t an = analyse_ack(me, peer, s, a);

	if (s->ack != me->lastack) {
		me->lastnondupack = s->frame;
		me->dupacks = 0;
	}
	if ((peer->flags & END_MAXSEQ_SET) && (s->fl & ACK) && SEQ_GT(s->ack, peer->maxseqtobeacked)) {
		an |= LSC_FA_ACKED_UNSEEN;
		peer->maxseqtobeacked = peer->nextseq;
	}
	if (s->len > 0 || (s->fl & (SYN | FIN)))
		an |= analyse_resend(tc, me, peer, s, an, a);
	return an;
}

/* Updates this end's sequence state after the analysis, as Wireshark does. */
static void remember(struct tcp_end *me, struct tcp_end *peer, const struct seg *s, uint32_t an,
                     struct lsc_flow_ann *a)
{
	uint32_t ctl = ctl_len(s->fl);
	uint32_t end = s->seq + s->len + ctl;
	bool nset = me->flags & END_NEXT_SET;
	bool probe = an & LSC_FA_ZERO_WINDOW_PROBE;

	if (s->len || ctl)
		ring_add(me, s);
	if (!nset || SEQ_GT(end, me->nextseq + ctl))
		me->lastacklen = s->len;
	if ((!nset || SEQ_GT(end, me->nextseq)) && !probe) {
		me->nextseq = end;
		me->nextseq_frame = s->frame;
		me->nextseq_ns = s->ns;
		me->flags |= END_NEXT_SET;
	}
	if ((!(me->flags & END_MAXSEQ_SET) || s->seq == me->maxseqtobeacked) && !probe) {
		me->maxseqtobeacked = me->nextseq;
		me->flags |= END_MAXSEQ_SET;
	}
	me->window = s->win;
	me->lastack = s->ack;
	me->lastack_ns = s->ns;
	me->analysis = an;
	if (s->fl & ACK)
		ring_ack(peer, s->ack, a);
}

/* ---- the state machine ----------------------------------------------------- */

static void set_step(struct lsc_flow_ann *a, uint8_t kind, uint8_t step, uint8_t total)
{
	a->step_kind = kind;
	a->step = step;
	a->step_total = total;
}

static bool closed_or_listening(uint8_t st)
{
	return st == LSC_TCPS_NONE || st == LSC_TCPS_CLOSED || st == LSC_TCPS_LISTEN;
}

static void syn_segment(struct conv *c, unsigned r, const struct seg *s, struct lsc_frame *f)
{
	struct tcp_conv *tc = &c->u.tcp;
	struct tcp_end *me = &tc->end[r], *peer = &tc->end[!r];
	uint8_t *st = c->pub.end_state;
	struct lsc_flow_ann *a = &f->flow;

	if (!(s->fl & ACK)) {
		a->event = LSC_EV_SYN;
		a->socket_call = LSC_CALL_CONNECT;
		tc->syn_ns = s->ns;
		tc->syn_frame = s->frame;
		if (!(me->flags & END_SAW_SYN)) {
			me->flags |= END_SAW_SYN;
			me->syn_frame = s->frame;
			me->syn_step = 1;
			if ((peer->flags & END_SAW_SYN) && st[!r] == LSC_TCPS_SYN_SENT) {
				/* Each end's SYN crossed the other's: both answer SYN-ACK. */
				tc->hs_total = 4;
				me->syn_step = 2;
				st[r] = st[!r] = LSC_TCPS_SYN_RECEIVED;
				lsc_frame_note(f, "simultaneous open: both ends sent a SYN (connect() on both sides)");
			} else if (closed_or_listening(st[r])) {
				st[r] = LSC_TCPS_SYN_SENT;
			}
		}
	} else {
		a->event = LSC_EV_SYN_ACK;
		a->socket_call = tc->hs_total == 4 ? LSC_CALL_KERNEL : LSC_CALL_LISTEN;
		if (!(me->flags & END_SYNACK_SENT)) {
			me->flags |= END_SAW_SYN | END_SYNACK_SENT;
			/* Simultaneous open: the SYN-ACK repeats this end's SYN by design.
			 * (Wireshark calls it a retransmission.) */
			if (tc->hs_total == 4 && (a->analysis & LSC_FA_RETRANSMISSION)) {
				a->analysis &= ~LSC_FA_RETRANSMISSION;
				a->ref_frame = 0;
			}
			me->syn_step = tc->hs_total == 4 ? ((peer->flags & END_SYNACK_SENT) ? 4 : 3) : 2;
			if (closed_or_listening(st[r]))
				st[r] = LSC_TCPS_SYN_RECEIVED;
		}
	}
	set_step(a, LSC_STEP_HANDSHAKE, me->syn_step, tc->hs_total);
}

static bool syn_done(const struct tcp_end *e)
{
	return (e->flags & END_SYN_ACKED) || !(e->flags & END_SAW_SYN);
}

/* An ACK that covers the peer's SYN moves both ends toward ESTABLISHED. */
static void acks_syn(struct conv *c, unsigned r, const struct seg *s, struct lsc_flow_ann *a)
{
	struct tcp_conv *tc = &c->u.tcp;
	struct tcp_end *peer = &tc->end[!r];
	uint8_t *st = c->pub.end_state;

	if (!(peer->flags & END_SAW_SYN) || (peer->flags & END_SYN_ACKED) || !SEQ_GT(s->ack, peer->base))
		return;
	peer->flags |= END_SYN_ACKED;
	if (st[!r] == LSC_TCPS_SYN_SENT || st[!r] == LSC_TCPS_SYN_RECEIVED)
		st[!r] = LSC_TCPS_ESTABLISHED;
	if (st[r] == LSC_TCPS_SYN_SENT)
		st[r] = LSC_TCPS_ESTABLISHED;
	if (!syn_done(&tc->end[0]) || !syn_done(&tc->end[1]) || tc->established)
		return;
	tc->established = true;
	if (s->fl & SYN)
		return; /* the last SYN-ACK of a simultaneous open */
	a->event = LSC_EV_HANDSHAKE_ACK;
	a->socket_call = LSC_CALL_ACCEPT;
	set_step(a, LSC_STEP_HANDSHAKE, (uint8_t)tc->hs_total, tc->hs_total);
	if (tc->syn_frame != 0) {
		a->ref_frame = tc->syn_frame;
		a->rtt_ns = s->ns - tc->syn_ns;
		c->pub.handshake_rtt_ns = a->rtt_ns;
	}
}

/* An ACK that covers the peer's FIN: one teardown step. */
static void acks_fin(struct conv *c, unsigned r, const struct seg *s, struct lsc_flow_ann *a)
{
	struct tcp_conv *tc = &c->u.tcp;
	struct tcp_end *peer = &tc->end[!r];
	uint8_t *st = c->pub.end_state;

	if (!(peer->flags & END_FIN_SENT) || (peer->flags & END_FIN_ACKED) || !SEQ_GT(s->ack, peer->fin_seq))
		return;
	peer->flags |= END_FIN_ACKED;
	if (st[!r] == LSC_TCPS_FIN_WAIT_1)
		st[!r] = LSC_TCPS_FIN_WAIT_2;
	else if (st[!r] == LSC_TCPS_CLOSING)
		st[!r] = LSC_TCPS_TIME_WAIT;
	else if (st[!r] == LSC_TCPS_LAST_ACK)
		st[!r] = LSC_TCPS_CLOSED;
	tc->td_step++;
	set_step(a, LSC_STEP_TEARDOWN, tc->td_step, 4);
}

static void fin_segment(struct conv *c, unsigned r, const struct seg *s, struct lsc_frame *f)
{
	struct tcp_conv *tc = &c->u.tcp;
	struct tcp_end *me = &tc->end[r], *peer = &tc->end[!r];
	uint8_t *st = c->pub.end_state;
	struct lsc_flow_ann *a = &f->flow;

	a->event = LSC_EV_FIN;
	a->socket_call = LSC_CALL_CLOSE;
	if (me->flags & END_FIN_SENT) {
		set_step(a, LSC_STEP_TEARDOWN, me->fin_step, 4);
		return;
	}
	bool merged = a->step_kind == LSC_STEP_TEARDOWN;
	me->flags |= END_FIN_SENT;
	me->fin_frame = s->frame;
	me->fin_seq = s->seq + s->len + ((s->fl & SYN) ? 1 : 0);
	if ((peer->flags & END_FIN_SENT) && !(peer->flags & END_FIN_ACKED)) {
		/* Both FINs were sent before either arrived (RFC 9293 figure 13). */
		st[r] = st[!r] = LSC_TCPS_CLOSING;
		lsc_frame_note(f, "simultaneous close: both ends sent a FIN before receiving the other's");
	} else {
		st[r] = st[r] == LSC_TCPS_CLOSE_WAIT ? LSC_TCPS_LAST_ACK : LSC_TCPS_FIN_WAIT_1;
		if (st[!r] == LSC_TCPS_FIN_WAIT_2)
			st[!r] = LSC_TCPS_TIME_WAIT;
		else if (st[!r] == LSC_TCPS_FIN_WAIT_1)
			st[!r] = LSC_TCPS_CLOSING;
		else
			st[!r] = LSC_TCPS_CLOSE_WAIT;
	}
	tc->td_step++;
	me->fin_step = tc->td_step;
	set_step(a, LSC_STEP_TEARDOWN, tc->td_step, 4);
	if (merged)
		lsc_frame_note(f, "acknowledges the peer's FIN and sends its own: teardown steps 2 and 3 in one segment");
}

/*
 * Corrects the inferred call of an earlier frame of end r, once: the frames
 * between were shown already, so this frame says what that one was.
 */
static void revise_call(struct tcp_end *e, struct lsc_flow_ann *a, uint64_t frame, uint8_t call)
{
	e->flags |= END_CALL_REVISED;
	a->revised_frame = frame;
	a->revised_call = call;
}

/*
 * Rule: a SYN whose SYN-ACK its own host answers with RST did not come from
 * connect().  That host's kernel holds no connection for these ports (it
 * would have answered with the handshake's ACK), so a raw socket sent the
 * SYN: a crafted packet, a port scan.
 */
static bool raw_syn_rule(struct conv *c, unsigned r, struct lsc_frame *f)
{
	struct tcp_conv *tc = &c->u.tcp;
	struct tcp_end *me = &tc->end[r];
	const struct tcp_end *peer = &tc->end[!r];
	if (tc->established || tc->hs_total != 3 || me->syn_frame == 0 ||
	    !(peer->flags & END_SYNACK_SENT) || (me->flags & END_SYNACK_SENT) || (me->flags & END_CALL_REVISED))
		return false;
	revise_call(me, &f->flow, me->syn_frame, LSC_CALL_RAW);
	lsc_frame_note(f, "the SYN of frame %llu did not come from connect(): its host answers the SYN-ACK "
	                  "with RST (a raw socket sent it)", (unsigned long long)me->syn_frame);
	return true;
}

static void rst_segment(struct conv *c, unsigned r, struct lsc_frame *f)
{
	struct tcp_conv *tc = &c->u.tcp;
	const struct tcp_end *me = &tc->end[r];
	uint8_t *st = c->pub.end_state;
	struct lsc_flow_ann *a = &f->flow;

	a->event = LSC_EV_RST;
	a->socket_call = LSC_CALL_KERNEL;
	if (raw_syn_rule(c, r, f)) {
		/* the note is there; the RST itself is the kernel's */
	} else if (st[!r] == LSC_TCPS_SYN_SENT && !(me->flags & END_SAW_SYN)) {
		c->pub.refused = true;
		lsc_frame_note(f, "connection refused: nothing listens on port %u, the kernel answers the SYN "
		                  "with RST", c->pub.ep[r].port);
	} else if ((me->flags & END_FIN_SENT) || st[r] == LSC_TCPS_TIME_WAIT || st[r] == LSC_TCPS_CLOSED) {
		lsc_frame_note(f, "heuristic: RST from an end that already closed: data reached a socket "
		                  "that is gone");
	} else if (tc->established) {
		a->socket_call = LSC_CALL_CLOSE;
		lsc_frame_note(f, "heuristic: abortive close: close() with unread data (or SO_LINGER 0) "
		                  "sends RST, not FIN");
	}
	st[0] = st[1] = LSC_TCPS_CLOSED;
	tc->reset = true;
}

/*
 * Rule: a segment with neither SYN, RST nor ACK (no flag at all, tcpdump's
 * "[none]", or only PSH, URG, ECE, CWR, AE) came from a raw socket: every
 * segment after the SYN carries ACK (RFC 9293 3.4), so no TCP stack sends
 * one, and the receiver drops it (3.10.7.4).  A port scan's NULL probe is
 * one.  It is no ACK, whatever its data or the heuristics say.
 */
static bool no_ack_rule(struct lsc_flow_ann *a, const struct seg *s)
{
	if (a->event != LSC_EV_NONE || (s->fl & (SYN | RST | ACK)))
		return false;
	a->event = LSC_EV_NO_ACK;
	a->socket_call = LSC_CALL_RAW;
	return true;
}

/* Data, plain ACKs, and what the expert flags make of them. */
static void settle_event(struct lsc_flow_ann *a, const struct seg *s)
{
	uint32_t an = a->analysis;
	if (no_ack_rule(a, s))
		return;
	if (s->len > 0 && (a->event == LSC_EV_NONE || a->event == LSC_EV_HANDSHAKE_ACK)) {
		a->event = LSC_EV_DATA;
		a->socket_call = LSC_CALL_SEND;
	}
	if (a->event == LSC_EV_NONE) {
		a->event = LSC_EV_ACK;
		a->socket_call = LSC_CALL_KERNEL;
	}
	if (s->fl & RST)
		return;
	if (an & LSC_FA_RETRANSMISSION) {
		a->event = LSC_EV_RETRANSMISSION;
		a->socket_call = LSC_CALL_KERNEL;
	} else if (an & LSC_FA_OUT_OF_ORDER) {
		a->event = LSC_EV_OUT_OF_ORDER;
	} else if (an & (LSC_FA_KEEP_ALIVE | LSC_FA_ZERO_WINDOW_PROBE)) {
		a->event = LSC_EV_KEEP_ALIVE;
		a->socket_call = LSC_CALL_KERNEL;
	} else if (a->event == LSC_EV_ACK) {
		if (an & LSC_FA_ZERO_WINDOW)
			a->event = LSC_EV_ZERO_WINDOW;
		else if (an & LSC_FA_DUP_ACK)
			a->event = LSC_EV_DUP_ACK;
		else if (an & LSC_FA_WINDOW_UPDATE) {
			a->event = LSC_EV_WINDOW_UPDATE;
			a->socket_call = LSC_CALL_RECV;
		}
	}
}

static uint8_t conv_state(const struct conv *c)
{
	const struct tcp_conv *tc = &c->u.tcp;
	const uint8_t *st = c->pub.end_state;
	bool fin0 = tc->end[0].flags & END_FIN_SENT, fin1 = tc->end[1].flags & END_FIN_SENT;

	if (tc->reset)
		return LSC_TCPS_RESET;
	if (fin0 && fin1) {
		if (!(tc->end[0].flags & END_FIN_ACKED) || !(tc->end[1].flags & END_FIN_ACKED))
			return LSC_TCPS_CLOSING;
		return st[0] == LSC_TCPS_TIME_WAIT || st[1] == LSC_TCPS_TIME_WAIT ? LSC_TCPS_TIME_WAIT
		                                                                  : LSC_TCPS_CLOSED;
	}
	if (fin0 || fin1)
		return LSC_TCPS_FIN_WAIT;
	if (tc->established)
		return LSC_TCPS_ESTABLISHED;
	if (st[0] == LSC_TCPS_SYN_RECEIVED || st[1] == LSC_TCPS_SYN_RECEIVED)
		return LSC_TCPS_SYN_RECEIVED;
	return LSC_TCPS_SYN_SENT;
}

/* ---- notes and history -------------------------------------------------------- */

static void analysis_notes(struct lsc_frame *f, const struct tcp_end *me)
{
	const struct lsc_flow_ann *a = &f->flow;
	uint32_t an = a->analysis;
	if (an == 0)
		return; /* most segments: ten tests spared */
	if (an & LSC_FA_RETRANSMISSION)
		lsc_frame_note(f, "heuristic: retransmission: these sequence numbers were already sent "
		                  "(frame %llu)", (unsigned long long)a->ref_frame);
	if (an & LSC_FA_OUT_OF_ORDER)
		lsc_frame_note(f, "heuristic: out-of-order: arrived after segments sent later");
	if (an & LSC_FA_DUP_ACK)
		lsc_frame_note(f, "heuristic: duplicate ACK #%u of frame %llu: still waiting for seq %u",
		               me->dupacks, (unsigned long long)a->ref_frame, a->rel_ack);
	if (an & LSC_FA_ZERO_WINDOW)
		lsc_frame_note(f, "heuristic: zero window: the receive buffer is full, the application "
		                  "is not calling recv()");
	if (an & LSC_FA_WINDOW_UPDATE)
		lsc_frame_note(f, "heuristic: window update: the application read data (recv()), "
		                  "freeing buffer space");
	if (an & LSC_FA_KEEP_ALIVE)
		lsc_frame_note(f, "heuristic: keep-alive: one byte behind the next sequence number");
	if (an & LSC_FA_KEEP_ALIVE_ACK)
		lsc_frame_note(f, "heuristic: answers a keep-alive");
	if (an & LSC_FA_ZERO_WINDOW_PROBE)
		lsc_frame_note(f, "heuristic: zero-window probe: one byte to see whether the window reopened");
	if (an & LSC_FA_LOST_SEGMENT)
		lsc_frame_note(f, "heuristic: previous segment not captured: sequence numbers jump ahead");
	if (an & LSC_FA_ACKED_UNSEEN)
		lsc_frame_note(f, "heuristic: acknowledges bytes the capture never showed");
}

static void history(struct conv *c, unsigned r, const struct seg *s, const struct lsc_flow_ann *a,
                    uint8_t csum)
{
	uint16_t *l = &c->u.tcp.end[r].letters;
	if ((s->fl & SYN) && (s->fl & (FIN | RST)))
		lsc_flow_history(c, l, r, 'Q');
	if (s->fl & SYN)
		lsc_flow_history(c, l, r, (s->fl & ACK) ? 'H' : 'S');
	if (s->len > 0)
		lsc_flow_history(c, l, r, 'D');
	else if ((s->fl & (SYN | FIN | RST | ACK)) == ACK)
		lsc_flow_history(c, l, r, 'A');
	if (s->fl & FIN)
		lsc_flow_history(c, l, r, 'F');
	if (s->fl & RST)
		lsc_flow_history(c, l, r, 'R');
	if (!(a->analysis & (LSC_FA_RETRANSMISSION | LSC_FA_ZERO_WINDOW | LSC_FA_LOST_SEGMENT)) &&
	    csum != LSC_CSUM_BAD)
		return; /* most segments */
	if (a->analysis & LSC_FA_RETRANSMISSION)
		lsc_flow_history(c, l, r, 'T');
	if (a->analysis & LSC_FA_ZERO_WINDOW)
		lsc_flow_history(c, l, r, 'W');
	if (a->analysis & LSC_FA_LOST_SEGMENT)
		lsc_flow_history(c, l, r, 'G');
	if (csum == LSC_CSUM_BAD)
		lsc_flow_history(c, l, r, 'C');
}

/* A peer that keeps sending after our FIN: the FIN only closed our half. */
static void half_close_note(struct conv *c, unsigned r, const struct seg *s, struct lsc_frame *f)
{
	struct tcp_conv *tc = &c->u.tcp;
	if (s->len == 0 || (tc->end[r].flags & END_FIN_SENT) || !(tc->end[!r].flags & END_FIN_SENT))
		return;
	tc->end[!r].flags |= END_FED_AFTER_FIN;
	if (tc->half_close_noted)
		return;
	tc->half_close_noted = true;
	lsc_frame_note(f, "half-close: the peer's FIN (shutdown(SHUT_WR), or close()) ended only "
	                  "its sending; this end still sends");
}

/*
 * Rule: an end that acknowledges data sent after its own FIN, without RST,
 * still receives: its FIN came from shutdown(SHUT_WR), not close().  After
 * close() the kernel answers such data with RST (RFC 9293 3.10.7.4, Linux's
 * "abort on data").
 */
static void shutdown_rule(struct conv *c, unsigned r, const struct seg *s, struct lsc_frame *f)
{
	struct tcp_end *me = &c->u.tcp.end[r];
	if (!(me->flags & END_FED_AFTER_FIN) || (me->flags & END_CALL_REVISED) || !(s->fl & ACK) ||
	    me->fin_frame == 0)
		return;
	revise_call(me, &f->flow, me->fin_frame, LSC_CALL_SHUTDOWN);
	lsc_frame_note(f, "this end still receives after its FIN: the FIN of frame %llu came from "
	                  "shutdown(SHUT_WR), not close()", (unsigned long long)me->fin_frame);
}

/* xgettext:c-format */
static const char *const reuse_fmt = N_("port reuse: a new SYN on the ports of conversation %u starts conversation %u");

/* By hand, not printf: a load test reuses ports on every few frames. */
static void reuse_note(struct lsc_frame *f, uint32_t old, uint32_t now)
{
	struct lsc_strbuf b;
	if (!lsc_frame_note_buf(f, &b))
		return;
	lsc_sb_puts(&b, "port reuse: a new SYN on the ports of conversation ");
	lsc_sb_u64(&b, old);
	lsc_sb_puts(&b, " starts conversation ");
	lsc_sb_u64(&b, now);
	const union lsc_note_arg args[2] = { { .u = old }, { .u = now } };
	lsc_frame_note_source(f, reuse_fmt, 2, args);
}

/* ---- one segment ------------------------------------------------------------ */

void lsc_flow_tcp_frame(struct lsc_flow_tracker *t, struct conv *c, struct flow_pkt *p)
{
	const struct lsc_tcp *h = &p->l4->u.tcp;
	struct lsc_frame *f = p->f;
	struct lsc_flow_ann *a = &f->flow;
	struct seg s = { h->seq, h->ack, p->payload, h->window, h->flags, f->number, p->ns };

	if (port_reused(&c->u.tcp, &c->u.tcp.end[p->role], &s)) {
		uint32_t old = c->pub.id;
		lsc_flow_table_renew(t, c);
		lsc_flow_tcp_start(c, p);
		c->pub.port_reused = true;
		a->analysis |= LSC_FA_PORT_REUSE;
		reuse_note(f, old, c->pub.id);
	}
	unsigned r = p->role;
	struct tcp_conv *tc = &c->u.tcp;
	struct tcp_end *me = &tc->end[r], *peer = &tc->end[!r];

	set_bases(me, peer, &s);
	a->tcp = true;
	a->rel_seq = s.seq - me->base;
	/* Without the ACK flag the field means nothing; Wireshark shows it raw. */
	a->rel_ack = (s.fl & ACK) ? s.ack - peer->base : s.ack;
	a->next_seq = a->rel_seq + s.len + ctl_len(s.fl);
	a->analysis |= analyse(tc, me, peer, &s, a);
	remember(me, peer, &s, a->analysis, a);

	if (s.fl & RST) {
		rst_segment(c, r, f);
	} else {
		if (s.fl & SYN)
			syn_segment(c, r, &s, f);
		if (s.fl & ACK) {
			acks_syn(c, r, &s, a);
			acks_fin(c, r, &s, a);
		}
		if (s.fl & FIN)
			fin_segment(c, r, &s, f);
		half_close_note(c, r, &s, f);
		shutdown_rule(c, r, &s, f);
	}
	/* Wireshark's initial RTT, the out-of-order window: latest SYN to the next non-SYN ACK. */
	if ((s.fl & (SYN | ACK)) == ACK && tc->syn_frame != 0 && tc->first_rtt_ns == 0)
		tc->first_rtt_ns = s.ns - tc->syn_ns;
	if (s.fl & (FIN | RST))
		tc->closed_once = true;
	settle_event(a, &s);
	analysis_notes(f, me);
	history(c, r, &s, a, h->csum);
	c->pub.state = conv_state(c);
}
