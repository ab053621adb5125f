/* SPDX-License-Identifier: BSD-3-Clause */
/* flow.h: conversations: the track stage that annotates decoded frames. */
#ifndef LAYERSCOPE_FLOW_H
#define LAYERSCOPE_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include <layerscope/frame.h>
#include <layerscope/api.h>

#ifdef __cplusplus
extern "C" {
#endif

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
	/* States of one end only (lsc_flow_ann.end_state), RFC 9293 names. */
	LSC_TCPS_LISTEN,
	LSC_TCPS_FIN_WAIT_1,
	LSC_TCPS_FIN_WAIT_2,
	LSC_TCPS_CLOSE_WAIT,
	LSC_TCPS_LAST_ACK,
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
	LSC_EV_NO_ACK, /* neither SYN, RST nor ACK: no TCP stack sends it (a raw socket's probe) */
	LSC_EV_COUNT
};

/*
 * The socket API call on the sending host that most likely caused a frame.
 * From the wire alone it is a guess (lsc_flow_ann.call_source says which);
 * docs/flow.md gives the rule behind each.
 */
enum lsc_sock_call {
	LSC_CALL_NONE = 0,
	LSC_CALL_CONNECT,   /* connect() */
	LSC_CALL_LISTEN,    /* the SYN-ACK: the server's kernel answers for a listen()ing socket */
	LSC_CALL_ACCEPT,    /* the handshake's last ACK: the client's kernel, as connect() returns */
	LSC_CALL_SEND,      /* send() / write() */
	LSC_CALL_RECV,      /* recv() / read(): the ACK or window update it frees */
	LSC_CALL_CLOSE,     /* close() */
	LSC_CALL_SHUTDOWN,  /* shutdown(SHUT_WR) */
	LSC_CALL_KERNEL,    /* the kernel alone (RST to a closed port, keep-alive) */
	LSC_CALL_SENDTO,    /* a datagram: send() on a connected socket, or sendto() */
	LSC_CALL_RAW,       /* a raw socket (a crafted packet): no socket call of the stack */
	LSC_CALL_COUNT
};

/* Where a frame's socket call comes from. */
enum lsc_call_source {
	LSC_CALL_SRC_NONE = 0,
	LSC_CALL_OBSERVED,  /* the program's call was seen (demo) */
	LSC_CALL_INFERRED   /* guessed from the wire (read, live) */
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
#define LSC_FA_ZERO_WINDOW_PROBE 0x0100u
#define LSC_FA_KEEP_ALIVE_ACK 0x0200u
#define LSC_FA_ACKED_UNSEEN   0x0400u /* acknowledges bytes the capture never showed */
#define LSC_FA_COUNT          11      /* bits above, for lsc_flow_analysis_name() */

LSC_API const char *lsc_flow_dir_name(unsigned dir);       /* "c2s", "s2c" */
LSC_API const char *lsc_tcp_state_name(unsigned state);    /* "ESTABLISHED" */
LSC_API const char *lsc_flow_event_name(unsigned event);   /* "syn-ack" */
LSC_API const char *lsc_sock_call_name(unsigned call);     /* "connect()", or NULL */
LSC_API const char *lsc_call_source_name(unsigned src);    /* "observed", "inferred", or NULL */
LSC_API const char *lsc_flow_step_name(unsigned kind);     /* "handshake", "teardown", or NULL */
LSC_API const char *lsc_flow_analysis_name(unsigned bit);  /* bit index 0..LSC_FA_COUNT-1: "retransmission" */

/* Emits the frame's flow annotation (f->flow) as fields: the JSON "flow" object. */
LSC_API void lsc_flow_fields_emit(struct lsc_sink *s, const struct lsc_frame *f);

/* ---- the tracker ----------------------------------------------------------- */

#define LSC_FLOW_DEFAULT_MAX 32768u /* conversations kept at once, by default */
/* The most a tracker keeps: its slots (about 0.5 KiB each) are reserved up front. */
#define LSC_FLOW_MAX_LIMIT (1u << 22)
#define LSC_FLOW_HISTORY_MAX 24     /* letters in a history string */

/* One side of a conversation. IPv4 addresses use the first 4 bytes of addr. */
struct lsc_flow_endpoint {
	uint8_t addr[16];
	uint16_t port;
};

/*
 * What the tracker knows of one conversation, for tables and diagrams.
 * Arrays of two are indexed [0] client, [1] server (lsc_flow_ann.dir - 1).
 */
struct lsc_flow_conv {
	uint32_t id;             /* from 1, in order of first appearance */
	uint8_t family;          /* 4 or 6 */
	uint8_t ipproto;         /* 6 (TCP) or 17 (UDP) */
	uint8_t state;           /* enum lsc_tcp_state, the conversation's */
	uint8_t end_state[2];    /* TCP: each end's own state */
	bool midstream;          /* TCP: the capture started after the handshake */
	bool refused;            /* TCP: a RST answered the SYN */
	bool port_reused;        /* TCP: started by a new SYN on a closed conversation's ports */
	struct lsc_flow_endpoint ep[2];
	uint64_t frames[2];      /* frames each end sent */
	uint64_t bytes[2];       /* payload bytes each end sent, retransmissions included */
	uint64_t first_frame, last_frame;
	int64_t first_ns, last_ns;   /* capture times, nanoseconds since the epoch */
	int64_t handshake_rtt_ns;    /* first SYN..handshake ACK, -1 when not seen */
	char history[LSC_FLOW_HISTORY_MAX + 1]; /* Zeek-style: docs/flow.md */
};

struct lsc_flow_tracker;

/*
 * A tracker holding at most `max_flows` conversations (0: the default;
 * at most LSC_FLOW_MAX_LIMIT).
 * Its memory is allocated here, once: tracking never allocates per frame.
 * When full, the least recently seen conversation makes room.  NULL when
 * out of memory.
 */
LSC_API struct lsc_flow_tracker *lsc_flow_new(uint32_t max_flows);
LSC_API void lsc_flow_free(struct lsc_flow_tracker *t);

/*
 * Annotates a decoded frame: sets f->has_flow and f->flow when the frame's
 * own network and transport layers (never those quoted in an ICMP error)
 * are IPv4/IPv6 and TCP/UDP, and may add notes.  Frames must come in
 * capture order.  Never re-reads the frame's bytes.
 */
LSC_API void lsc_flow_track(struct lsc_flow_tracker *t, struct lsc_frame *f);

/* Called with a conversation about to leave the table (evicted, or replaced on port reuse). */
typedef void (*lsc_flow_conv_fn)(const struct lsc_flow_conv *c, void *ctx);
LSC_API void lsc_flow_on_retire(struct lsc_flow_tracker *t, lsc_flow_conv_fn fn, void *ctx);

/* Calls fn for every conversation still in the table, in id order; -1 when out of memory. */
LSC_API int lsc_flow_foreach(const struct lsc_flow_tracker *t, lsc_flow_conv_fn fn, void *ctx);

/* Conversations in the table now, and how many were evicted to make room. */
LSC_API uint32_t lsc_flow_count(const struct lsc_flow_tracker *t);
LSC_API uint64_t lsc_flow_evicted(const struct lsc_flow_tracker *t);

/* ---- Community ID (community.c) ------------------------------------------ */

/* "1:" and the base64 of a SHA-1 digest, with its NUL. */
#define LSC_COMMUNITY_ID_SIZE 31

/* A flow as the Community ID hashes it; IPv4 addresses use the first 4 bytes. */
struct lsc_community_tuple {
	uint8_t family;          /* 4 or 6 */
	uint8_t proto;           /* IP protocol number */
	bool has_ports;          /* TCP, UDP, SCTP, ICMP (type/code standing for ports) */
	bool one_way;            /* ICMP without a counterpart: keep the order as given */
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
};

/* The Community ID v1 of `t` with `seed` (0 unless a site agreed on another), "1:...=". */
LSC_API void lsc_community_id(const struct lsc_community_tuple *t, uint16_t seed, char out[LSC_COMMUNITY_ID_SIZE]);

/*
 * The ports ICMP (v6 false) or ICMPv6 hashes with: the type, and the
 * counterpart's type (echo <-> echo reply, ...) or else the code.  Returns
 * true for a one-way message (no counterpart).
 */
LSC_API bool lsc_community_icmp_ports(bool v6, uint8_t type, uint8_t code, uint16_t *sport, uint16_t *dport);

/* The Community ID of the frame's own IP and TCP/UDP/ICMP layers; false (out untouched) for others. */
LSC_API bool lsc_community_id_frame(const struct lsc_frame *f, char out[LSC_COMMUNITY_ID_SIZE]);

/* The Community ID of a tracked conversation. */
LSC_API void lsc_community_id_conv(const struct lsc_flow_conv *c, char out[LSC_COMMUNITY_ID_SIZE]);

/* ---- text for renderers -------------------------------------------------- */

struct lsc_strbuf;

/* "handshake 2/3", "teardown 3/4"; nothing when the frame has no step. */
LSC_API void lsc_flow_step_text(struct lsc_strbuf *b, const struct lsc_flow_ann *a);
/* The same in the user's language, for a person ("apresentação 2/3"); JSON keeps lsc_flow_step_text. */
LSC_API void lsc_flow_step_label(struct lsc_strbuf *b, const struct lsc_flow_ann *a);

/*
 * The frame's socket call as the text formats show it: "connect()" when
 * observed, "connect()?" when inferred (the mark a reader takes for "most
 * likely"); nothing when the frame has none.
 */
#define LSC_CALL_INFERRED_MARK "?"
LSC_API void lsc_flow_call_text(struct lsc_strbuf *b, unsigned call, unsigned source);
/* The same in the user's language, for a person ("núcleo?"); JSON keeps the English names. */
LSC_API void lsc_flow_call_label(struct lsc_strbuf *b, unsigned call, unsigned source);

/* "ack 16 = peer seq 1 + 15 bytes (frame 4)"; nothing when acks_frame is 0. */
LSC_API void lsc_flow_ack_text(struct lsc_strbuf *b, const struct lsc_flow_ann *a);

/* "127.0.0.1:40950", "[::1]:8082". */
LSC_API void lsc_flow_endpoint_text(struct lsc_strbuf *b, unsigned family, const struct lsc_flow_endpoint *e);

/* ---- reassembly, for read --follow ----------------------------------------- */

/*
 * Puts one direction's TCP payload back in sequence order: bytes are handed
 * to `out` once each, in order; segments that arrive early wait in a buffer
 * of at most `cap` bytes; bytes already delivered (retransmissions), or
 * before the stream's start, are dropped.  When the buffer is full, or at lsc_reasm_finish(), the missing
 * bytes are skipped and reported as a gap (data NULL).
 */
struct lsc_reasm_chunk {
	uint64_t frame;        /* the frame that carried the bytes */
	uint32_t rel_seq;      /* relative sequence number of data[0] */
	const uint8_t *data;   /* NULL: a gap of len bytes the capture lacks */
	uint32_t len;
	bool late;             /* arrived out of order and waited in the buffer */
};
typedef void (*lsc_reasm_fn)(const struct lsc_reasm_chunk *c, void *ctx);

struct lsc_reasm;
LSC_API struct lsc_reasm *lsc_reasm_new(uint32_t cap, lsc_reasm_fn out, void *ctx);
LSC_API void lsc_reasm_free(struct lsc_reasm *r);

/*
 * Adds `len` captured bytes at relative sequence `seq`; `claimed` is the
 * segment's payload length on the wire (>= len when the capture cut it).
 */
LSC_API void lsc_reasm_add(struct lsc_reasm *r, uint64_t frame, uint32_t seq,
                   const uint8_t *data, uint32_t len, uint32_t claimed);

/* Where the stream starts (relative 1 after a SYN); else the first segment added says. */
LSC_API void lsc_reasm_start(struct lsc_reasm *r, uint32_t seq);

/* Delivers what waits in the buffer, gaps included. */
LSC_API void lsc_reasm_finish(struct lsc_reasm *r);

#ifdef __cplusplus
}
#endif

#endif
