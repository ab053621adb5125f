/* SPDX-License-Identifier: BSD-3-Clause */
/* flow-int.h: the track stage's internals: the conversation table and per-protocol state. */
#ifndef LAYERSCOPE_FLOW_INT_H
#define LAYERSCOPE_FLOW_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <layerscope/flow.h>

/* Serial-number comparisons (RFC 1982): correct across the 2^32 wrap. */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LE(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) SEQ_LT(b, a)
#define SEQ_GE(a, b) SEQ_LE(b, a)

/* The canonical 5-tuple: side 0 is the smaller (address, port), so both directions match. */
struct flow_key {
	uint8_t addr[2][16];
	uint16_t port[2];
	uint8_t family;
	uint8_t proto;
	uint8_t zero[2];  /* kept 0: the key is hashed as five 8-byte words */
};

/* A segment one end sent recently; its SYN/FIN bits and state sit in tcp_end.ring_ctl. */
struct tcp_seg {
	uint64_t frame;
	uint32_t seq;     /* absolute */
	uint32_t len;     /* payload bytes */
};

#define RING_ACKED 0x80u /* in ring_ctl: the peer acknowledged all of it */
#define TCP_RING 4 /* segments remembered per end: enough to name what is acked or resent */

/* Per-end flags in tcp_end.flags. */
#define END_BASE_SET    0x01u /* base (the ISN, or seq - 1 mid-stream) is known */
#define END_SAW_SYN     0x02u
#define END_NEXT_SET    0x04u /* nextseq holds a sent segment's end */
#define END_FIN_SENT    0x08u
#define END_FIN_ACKED   0x10u
#define END_SYN_ACKED   0x20u /* the peer acknowledged this end's SYN */
#define END_MAXSEQ_SET  0x40u
#define END_SYNACK_SENT 0x80u
#define END_FED_AFTER_FIN 0x100u /* the peer sent data after this end's FIN */
#define END_CALL_REVISED  0x200u /* an inferred call of this end was corrected once */

/* What the observer knows of one end of a TCP conversation, as Wireshark's tcp_flow_t. */
struct tcp_end {
	uint32_t base;
	uint32_t nextseq;          /* highest seq + len (+SYN/FIN) sent, absolute */
	uint32_t lastack;          /* ack field of this end's last segment, raw */
	uint32_t window;           /* window field of this end's last segment, raw */
	uint32_t fin_seq;          /* sequence number of this end's FIN */
	uint32_t dupacks;          /* duplicate ACKs in a row */
	uint32_t lastacklen;       /* payload of the segment that last advanced nextseq */
	uint32_t analysis;         /* LSC_FA_* of this end's last segment */
	uint32_t maxseqtobeacked;  /* end of what this end sent without a hole */
	uint64_t nextseq_frame;    /* the frame that advanced nextseq */
	uint64_t lastnondupack;    /* the last frame that moved the ack number */
	uint64_t syn_frame;        /* the frame of this end's first SYN (not SYN-ACK) */
	uint64_t fin_frame;        /* the frame of this end's FIN */
	int64_t nextseq_ns;
	int64_t lastack_ns;
	uint16_t flags;            /* END_* */
	uint16_t letters;          /* history letters recorded for this end */
	uint8_t syn_step;          /* the handshake step of this end's SYN or SYN-ACK */
	uint8_t fin_step;          /* the teardown step of this end's FIN */
	uint8_t nring;
	uint8_t ring_ctl[TCP_RING]; /* LSC_TCP_SYN / LSC_TCP_FIN (one phantom byte each), RING_ACKED */
	struct tcp_seg ring[TCP_RING];
};

struct tcp_conv {
	struct tcp_end end[2];     /* [0] client, [1] server */
	int64_t syn_ns;            /* the latest SYN, for the handshake RTT */
	uint64_t syn_frame;        /* 0: no SYN seen */
	int64_t first_rtt_ns;      /* latest SYN..first pure ACK, as Wireshark's; 0 until known */
	uint8_t hs_total;          /* 3, or 4 for a simultaneous open */
	uint8_t td_step;           /* teardown steps done: FINs and their first ACKs */
	bool established;          /* the handshake completed, or the capture began mid-stream */
	bool reset;
	bool half_close_noted;
	bool closed_once;          /* a FIN or RST was seen: a later SYN starts anew */
};

/* A request waiting for its reply (UDP). */
struct udp_req {
	uint64_t frame;
	int64_t ns;
	uint32_t len;
};

#define UDP_PENDING 4

struct udp_conv {
	uint8_t npending;
	struct udp_req pending[UDP_PENDING];
	uint16_t letters[2];
};

/* One slot of the pool: the public summary first, then what tracking needs. */
struct conv {
	/* What a lookup reads comes first: one cache line. */
	struct flow_key key;
	uint8_t client_side;       /* the key side (0/1) of the client */
	uint8_t hlen;              /* letters in pub.history */
	bool self;                 /* both ends are one socket: every frame is the client's */
	uint32_t hnext;            /* next slot in the hash chain, index + 1; 0 ends it */
	uint32_t lru_prev, lru_next; /* index + 1; head = most recently seen */
	uint32_t touch;            /* the tracker's lookup count when last moved to the head */
	uint32_t hash;             /* lsc_flow_table_hash(&key), kept: an eviction finds its bucket without hashing again */
	struct lsc_flow_conv pub;
	union {
		struct tcp_conv tcp;
		struct udp_conv udp;
	} u;
};

/* What lsc_flow_track() hands to the protocol observers about the frame. */
struct flow_pkt {
	struct lsc_frame *f;
	const struct lsc_layer *l4;
	int64_t ns;                /* capture time */
	uint32_t payload;          /* transport payload bytes the headers claim */
	unsigned side;             /* the key side (0/1) of the sender */
	unsigned role;             /* 0: sent by the client, 1: by the server */
};

/* table.c */
/* The key's bucket hash, keyed by the tracker's secret (SipHash-1-3). */
uint32_t lsc_flow_table_hash(const struct lsc_flow_tracker *t, const struct flow_key *k);
/* The conversation of key `k`, found or made; `fresh` says which. */
struct conv *lsc_flow_table_get(struct lsc_flow_tracker *t, const struct flow_key *k, bool *fresh);
/* Retires `c` and starts a new conversation (a new id) on the same key. */
void lsc_flow_table_renew(struct lsc_flow_tracker *t, struct conv *c);
/* The most conversations in one bucket: how well the key hash spreads them (a test's check). */
uint32_t lsc_flow_table_longest_chain(const struct lsc_flow_tracker *t);

/* track.c: the client is the sender (or the receiver) of `p`; fills the endpoints. */
void lsc_flow_begin(struct conv *c, struct flow_pkt *p, bool sender_is_client);
/* The history letters an end records once each; anything else ('^') is a mark. */
static inline uint16_t lsc_flow_letter_bit(char letter)
{
	switch (letter) {
	case 'S': return 0x001;
	case 'H': return 0x002;
	case 'A': return 0x004;
	case 'D': return 0x008;
	case 'F': return 0x010;
	case 'R': return 0x020;
	case 'T': return 0x040;
	case 'W': return 0x080;
	case 'G': return 0x100;
	case 'C': return 0x200;
	case 'Q': return 0x400;
	default: return 0;
	}
}

void lsc_flow_history_add(struct conv *c, uint16_t *letters, unsigned role, char letter, uint16_t bit);

/*
 * Appends a history letter once per end: upper case for the client, lower
 * for the server.  Inline, with a constant letter at every call, so a letter
 * the end already has (most frames) costs a test, not a call.
 */
static inline void lsc_flow_history(struct conv *c, uint16_t *letters, unsigned role, char letter)
{
	uint16_t bit = lsc_flow_letter_bit(letter);
	if (bit != 0 && letters != NULL && (*letters & bit))
		return;
	lsc_flow_history_add(c, letters, role, letter, bit);
}

/* The observers: start a conversation on its first frame, then annotate each frame. */
void lsc_flow_tcp_start(struct conv *c, struct flow_pkt *p);
void lsc_flow_tcp_frame(struct lsc_flow_tracker *t, struct conv *c, struct flow_pkt *p);
void lsc_flow_udp_start(struct conv *c, struct flow_pkt *p);
void lsc_flow_udp_frame(struct conv *c, struct flow_pkt *p);

#endif
