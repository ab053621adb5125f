/* names.c: the names of flow directions, states, events and socket calls, and their fields. */
#include <config.h>

#include <stddef.h>

#include <layerscope/flow.h>
#include <layerscope/render.h>

static const char *const dir_names[] = { NULL, "c2s", "s2c" };

static const char *const state_names[LSC_TCPS_COUNT] = {
	NULL, "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT", "CLOSING",
	"TIME_WAIT", "CLOSED", "RESET", "UDP",
};

static const char *const event_names[LSC_EV_COUNT] = {
	NULL, "syn", "syn-ack", "handshake-ack", "data", "ack", "fin", "rst",
	"retransmission", "out-of-order", "duplicate-ack", "zero-window",
	"window-update", "keep-alive", "datagram",
};

static const char *const call_names[LSC_CALL_COUNT] = {
	NULL, "connect()", "listen()", "accept()", "send()", "recv()", "close()",
	"shutdown()", "kernel", "sendto()",
};

#define NAME(tab, i) ((i) < sizeof(tab) / sizeof((tab)[0]) ? (tab)[i] : NULL)

const char *lsc_flow_dir_name(unsigned dir) { return NAME(dir_names, dir); }
const char *lsc_tcp_state_name(unsigned state) { return NAME(state_names, state); }
const char *lsc_flow_event_name(unsigned event) { return NAME(event_names, event); }
const char *lsc_sock_call_name(unsigned call) { return NAME(call_names, call); }

void lsc_flow_fields_emit(struct lsc_sink *s, const struct lsc_frame *f)
{
	const struct lsc_flow_ann *a = &f->flow;
	s->ops->uint(s, "id", "Conversation", a->id, 0, NULL);
	s->ops->text(s, "dir", "Direction", lsc_flow_dir_name(a->dir), true);
	s->ops->text(s, "state", "State", lsc_tcp_state_name(a->state), true);
	if (a->tcp) {
		s->ops->uint(s, "rel_seq", "Relative sequence", a->rel_seq, 0, NULL);
		s->ops->uint(s, "rel_ack", "Relative acknowledgment", a->rel_ack, 0, NULL);
	}
	s->ops->text(s, "event", "Event", lsc_flow_event_name(a->event), true);
	s->ops->text(s, "socket_call", "Socket call", lsc_sock_call_name(a->socket_call), true);
}
