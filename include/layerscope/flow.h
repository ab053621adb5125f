/* flow.h: conversations: the track stage that annotates decoded frames. */
#ifndef LAYERSCOPE_FLOW_H
#define LAYERSCOPE_FLOW_H

#include <stdint.h>

#include <layerscope/frame.h>

struct lsc_sink;

enum lsc_flow_dir {
	LSC_FLOW_DIR_NONE = 0,
	LSC_FLOW_C2S, /* from the side that sent the first SYN (UDP: the first sender) */
	LSC_FLOW_S2C
};

/* Conversation state after a frame, as an observer on the path sees it. */
enum lsc_tcp_state {
	LSC_TCPS_NONE = 0,
	LSC_TCPS_SYN_SENT,
	LSC_TCPS_SYN_RECEIVED,
	LSC_TCPS_ESTABLISHED,
	LSC_TCPS_FIN_WAIT,
	LSC_TCPS_CLOSING,
	LSC_TCPS_TIME_WAIT,
	LSC_TCPS_CLOSED,
	LSC_TCPS_RESET,
	LSC_TCPS_UDP,
	LSC_TCPS_COUNT
};

/* What a frame is in its conversation. */
enum lsc_flow_event {
	LSC_EV_NONE = 0,
	LSC_EV_SYN,
	LSC_EV_SYN_ACK,
	LSC_EV_HANDSHAKE_ACK,
	LSC_EV_DATA,
	LSC_EV_ACK,
	LSC_EV_FIN,
	LSC_EV_RST,
	LSC_EV_RETRANSMISSION,
	LSC_EV_OUT_OF_ORDER,
	LSC_EV_DUP_ACK,
	LSC_EV_ZERO_WINDOW,
	LSC_EV_WINDOW_UPDATE,
	LSC_EV_KEEP_ALIVE,
	LSC_EV_DATAGRAM,
	LSC_EV_COUNT
};

/* The socket API call on the sending host that most likely caused a frame. */
enum lsc_sock_call {
	LSC_CALL_NONE = 0,
	LSC_CALL_CONNECT,   /* connect() */
	LSC_CALL_LISTEN,    /* the kernel of a listen()ing socket */
	LSC_CALL_ACCEPT,    /* completes the handshake accept() waits for */
	LSC_CALL_SEND,      /* send() / write() */
	LSC_CALL_RECV,      /* recv() / read(): the ACK or window update it frees */
	LSC_CALL_CLOSE,     /* close() */
	LSC_CALL_SHUTDOWN,  /* shutdown(SHUT_WR) */
	LSC_CALL_KERNEL,    /* the kernel alone (RST to a closed port, keep-alive) */
	LSC_CALL_SENDTO,    /* sendto() */
	LSC_CALL_COUNT
};

/* Step kinds for "handshake 2/3", "teardown 3/4". */
enum lsc_flow_step {
	LSC_STEP_NONE = 0,
	LSC_STEP_HANDSHAKE,
	LSC_STEP_TEARDOWN
};

/* Expert bits in lsc_flow_ann.analysis (heuristics, as Wireshark's tcp.analysis.*). */
#define LSC_FA_RETRANSMISSION 0x0001u
#define LSC_FA_OUT_OF_ORDER   0x0002u
#define LSC_FA_DUP_ACK        0x0004u
#define LSC_FA_ZERO_WINDOW    0x0008u
#define LSC_FA_WINDOW_UPDATE  0x0010u
#define LSC_FA_KEEP_ALIVE     0x0020u
#define LSC_FA_PORT_REUSE     0x0040u
#define LSC_FA_LOST_SEGMENT   0x0080u

const char *lsc_flow_dir_name(unsigned dir);       /* "c2s", "s2c" */
const char *lsc_tcp_state_name(unsigned state);    /* "ESTABLISHED" */
const char *lsc_flow_event_name(unsigned event);   /* "syn-ack" */
const char *lsc_sock_call_name(unsigned call);     /* "connect()", or NULL */

/* Emits the frame's flow annotation (f->flow) as fields: the JSON "flow" object. */
void lsc_flow_fields_emit(struct lsc_sink *s, const struct lsc_frame *f);

#endif
