/* SPDX-License-Identifier: BSD-3-Clause */
/* names.c: the names of flow directions, states, events and socket calls, and their fields. */
#include <config.h>

#include <stddef.h>

#include <layerscope/flow.h>
#include <layerscope/render.h>
#include <layerscope/strbuf.h>
#include "../lib/i18n.h"

static const char *const dir_names[] = { NULL, "c2s", "s2c" };

static const char *const state_names[LSC_TCPS_COUNT] = {
	NULL, "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT", "CLOSING",
	"TIME_WAIT", "CLOSED", "RESET", "UDP", "LISTEN", "FIN_WAIT_1", "FIN_WAIT_2",
	"CLOSE_WAIT", "LAST_ACK",
};

/*
 * JSON's "event" values; people read the translations of the words (N_),
 * while the flags' own names (syn, ack, fin, rst) stay as the wire has them.
 */
static const char *const event_names[LSC_EV_COUNT] = {
	NULL, "syn", "syn-ack", N_("handshake-ack"), N_("data"), "ack", "fin", "rst",
	N_("retransmission"), N_("out-of-order"), N_("duplicate-ack"), N_("zero-window"),
	N_("window-update"), N_("keep-alive"), N_("datagram"), N_("no-ack"),
};

/* JSON's "socket_call" values; the text formats show their translations (lsc_flow_call_label). */
static const char *const call_names[LSC_CALL_COUNT] = {
	NULL, "connect()", N_("kernel (listening socket)"), N_("kernel (connect() returns)"), "send()", "recv()",
	"close()", "shutdown()", N_("kernel"), "send()/sendto()", N_("raw socket"),
};

static const char *const call_source_names[] = { NULL, N_("observed"), N_("inferred") };

static const char *const step_names[] = { NULL, N_("handshake"), N_("teardown") };

/* Indexed by bit number of the LSC_FA_* flags. */
static const char *const analysis_names[LSC_FA_COUNT] = {
	"retransmission", "out-of-order", "duplicate-ack", "zero-window", "window-update",
	"keep-alive", "port-reuse", "lost-segment", "zero-window-probe", "keep-alive-ack",
	"acked-unseen",
};

#define NAME(tab, i) ((i) < sizeof(tab) / sizeof((tab)[0]) ? (tab)[i] : NULL)

const char *lsc_flow_dir_name(unsigned dir) { return NAME(dir_names, dir); }
const char *lsc_tcp_state_name(unsigned state) { return NAME(state_names, state); }
const char *lsc_flow_event_name(unsigned event) { return NAME(event_names, event); }
const char *lsc_sock_call_name(unsigned call) { return NAME(call_names, call); }
const char *lsc_call_source_name(unsigned src) { return NAME(call_source_names, src); }

void lsc_flow_call_text(struct lsc_strbuf *b, unsigned call, unsigned source)
{
	const char *name = lsc_sock_call_name(call);
	if (name == NULL)
		return;
	lsc_sb_puts(b, name);
	if (source == LSC_CALL_INFERRED)
		lsc_sb_puts(b, LSC_CALL_INFERRED_MARK);
}

void lsc_flow_call_label(struct lsc_strbuf *b, unsigned call, unsigned source)
{
	const char *name = lsc_sock_call_name(call);
	if (name == NULL)
		return;
	lsc_sb_puts(b, lsc_tr_static(name)); /* per frame: remembered by address */
	if (source == LSC_CALL_INFERRED)
		lsc_sb_puts(b, LSC_CALL_INFERRED_MARK);
}
const char *lsc_flow_step_name(unsigned kind) { return NAME(step_names, kind); }
const char *lsc_flow_analysis_name(unsigned bit) { return NAME(analysis_names, bit); }

/*
 * Fields after the contract's: each end's state always (TCP), the rest only
 * when they say something, since every field costs every frame.
 */
static void emit_extra(struct lsc_sink *s, const struct lsc_flow_ann *a)
{
	if (a->tcp) {
		s->ops->text(s, "client_state", N_("Client state"), lsc_tcp_state_name(a->end_state[0]), true);
		s->ops->text(s, "server_state", N_("Server state"), lsc_tcp_state_name(a->end_state[1]), true);
	}
	if (a->step != 0) {
		char step[32];
		struct lsc_strbuf b;
		lsc_sb_init(&b, step, sizeof step);
		if (s->human)
			lsc_flow_step_label(&b, a);
		else
			lsc_flow_step_text(&b, a);
		s->ops->text(s, "step", N_("Step"), step, true);
	}
	if (a->analysis != 0) {
		s->ops->open(s, "analysis", N_("Expert analysis (heuristics)"), true);
		for (unsigned i = 0; i < LSC_FA_COUNT; i++)
			if (a->analysis & (1u << i))
				s->ops->text(s, NULL, NULL, lsc_flow_analysis_name(i), true);
		s->ops->close(s, true);
	}
	if (a->acks_frame)
		s->ops->uint(s, "acks_frame", N_("Acknowledges the segment of frame"), a->acks_frame, 0, NULL);
	if (a->ref_frame)
		s->ops->uint(s, "ref_frame", N_("Related frame"), a->ref_frame, 0, NULL);
	if (a->rtt_ns >= 0)
		s->ops->uint(s, "rtt_ns", N_("Round-trip time (ns)"), (uint64_t)a->rtt_ns, 0, NULL);
	if (a->revised_frame) {
		s->ops->uint(s, "revised_frame", N_("Corrects the socket call of frame"), a->revised_frame, 0, NULL);
		s->ops->text(s, "revised_call", N_("That frame's call was"), lsc_sock_call_name(a->revised_call), true);
	}
}

void lsc_flow_fields_emit(struct lsc_sink *s, const struct lsc_frame *f)
{
	const struct lsc_flow_ann *a = &f->flow;
	s->ops->uint(s, "id", N_("Conversation"), a->id, 0, NULL);
	s->ops->text(s, "dir", N_("Direction"), lsc_flow_dir_name(a->dir), true);
	s->ops->text(s, "state", N_("State"), lsc_tcp_state_name(a->state), true);
	if (a->tcp) {
		s->ops->uint(s, "rel_seq", N_("Relative sequence"), a->rel_seq, 0, NULL);
		s->ops->uint(s, "rel_ack", N_("Relative acknowledgment"), a->rel_ack, 0, NULL);
	}
	s->ops->text(s, "event", N_("Event"), lsc_flow_event_name(a->event), true);
	/* The label says a guess is one; the source stands beside the call, never folded into it. */
	bool guess = a->call_source == LSC_CALL_INFERRED;
	s->ops->text(s, "socket_call", guess ? N_("Socket call (inferred)") : N_("Socket call"),
	             lsc_sock_call_name(a->socket_call), true);
	s->ops->text(s, "socket_call_source", N_("Socket call source"), lsc_call_source_name(a->call_source), true);
	emit_extra(s, a);
}
