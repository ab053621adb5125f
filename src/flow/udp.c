/* SPDX-License-Identifier: BSD-3-Clause */
/* udp.c: the UDP observer (RFC 768): datagrams from sendto(), replies paired with their requests. */
#include <config.h>

#include <string.h>

#include <layerscope/strbuf.h>

#include "../lib/i18n.h"
#include "flow-int.h"

void lsc_flow_udp_start(struct conv *c, struct flow_pkt *p)
{
	lsc_flow_begin(c, p, true);
	c->pub.state = LSC_TCPS_UDP;
}

/* xgettext:c-format */
static const char *const reply_fmt = N_("heuristic: reply to frame %llu, round trip %lld.%06lld ms");
/* xgettext:c-format */
static const char *const echo_reply_fmt = N_("heuristic: echo reply to frame %llu, round trip %lld.%06lld ms");

/* "heuristic: echo reply to frame 7, round trip 0.041000 ms", on every reply: by hand, not printf. */
static void reply_note(struct lsc_frame *f, bool echo, uint64_t req, int64_t rtt_ns)
{
	struct lsc_strbuf b;
	if (!lsc_frame_note_buf(f, &b))
		return;
	char tmp[32 + LSC_W_U64 + 16 + LSC_W_FIXED]; /* the longest such note */
	_Static_assert(sizeof tmp < LSC_NOTE_LEN, "written in the note itself, not a scratch copy");
	char *start = lsc_sb_reserve(&b, sizeof tmp, tmp), *p = start;
	p = echo ? lsc_w_lit(p, "heuristic: echo reply to frame ") : lsc_w_lit(p, "heuristic: reply to frame ");
	p = lsc_w_u64(p, req);
	p = lsc_w_lit(p, ", round trip ");
	p = lsc_w_fixed(p, rtt_ns, 6);
	p = lsc_w_lit(p, " ms");
	lsc_sb_commit(&b, tmp, start, p);
	if (rtt_ns < 0)
		return; /* time ran backwards: the format's two numbers cannot say it, the English can */
	const union lsc_note_arg args[3] = { { .u = req }, { .i = rtt_ns / 1000000 }, { .i = rtt_ns % 1000000 } };
	lsc_frame_note_source(f, echo ? echo_reply_fmt : reply_fmt, 3, args);
}

/*
 * Pairing is a heuristic: a datagram from the server answers the oldest
 * client datagram still unanswered.  That fits request/response protocols
 * (the echo exercise, DNS) and is labelled as a guess everywhere else.
 */
static void pair_reply(struct udp_conv *u, struct flow_pkt *p)
{
	struct lsc_flow_ann *a = &p->f->flow;
	if (u->npending == 0)
		return;
	const struct udp_req q = u->pending[0];
	memmove(u->pending, u->pending + 1, (u->npending - 1u) * sizeof u->pending[0]);
	u->npending--;
	a->ref_frame = q.frame;
	a->rtt_ns = p->ns - q.ns;
	reply_note(p->f, q.len == p->payload, q.frame, a->rtt_ns);
}

static void push_request(struct udp_conv *u, const struct flow_pkt *p)
{
	if (u->npending == UDP_PENDING) {
		memmove(u->pending, u->pending + 1, (UDP_PENDING - 1) * sizeof u->pending[0]);
		u->npending--;
	}
	struct udp_req *q = &u->pending[u->npending++];
	q->frame = p->f->number;
	q->ns = p->ns;
	q->len = p->payload;
}

void lsc_flow_udp_frame(struct conv *c, struct flow_pkt *p)
{
	struct udp_conv *u = &c->u.udp;
	struct lsc_flow_ann *a = &p->f->flow;
	a->event = LSC_EV_DATAGRAM;
	a->socket_call = LSC_CALL_SENDTO;
	if (p->role == 0)
		push_request(u, p);
	else
		pair_reply(u, p);
	lsc_flow_history(c, &u->letters[p->role], p->role, 'D');
	if (p->l4->u.udp.csum == LSC_CSUM_BAD)
		lsc_flow_history(c, &u->letters[p->role], p->role, 'C');
}
