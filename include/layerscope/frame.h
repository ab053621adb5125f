/* SPDX-License-Identifier: BSD-3-Clause */
/* frame.h: a captured frame decoded into its layers, as plain data. */
#ifndef LAYERSCOPE_FRAME_H
#define LAYERSCOPE_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <layerscope/api.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The decode stage fills one struct lsc_frame per captured frame; the track
 * stage adds annotations to it; renderers only read it.  Nothing in it is
 * allocated per frame: a caller keeps one struct and reuses it.  Layers point
 * into the captured bytes by offset, so a renderer can show each layer's bytes
 * without parsing them again.
 */

#define LSC_MAX_LAYERS   24  /* depth cap: tunnels and quoted headers stop here */
#define LSC_MAX_TCP_OPTS 40  /* 40 option bytes hold at most 40 one-byte options */
#define LSC_MAX_IP6_EXT  8
#define LSC_MAX_IP4_OPTS 20
#define LSC_MAX_NOTES    8
#define LSC_NOTE_LEN     112
#define LSC_NOTE_ARGS    4   /* the most arguments a note's format takes */
#define LSC_NOTE_SHOWN   256 /* room for a note in a person's language (lsc_frame_note_text) */

/*
 * A note's source: its printf format (static text, a catalogue message) and
 * the values of its conversions in order; integers are widened to 64 bits
 * and %s arguments are static text too, translated in turn when shown.
 * fmt is NULL for a note written by hand without one: it stays English.
 */
union lsc_note_arg {
	long long i;
	unsigned long long u;
	const char *s;
};

struct lsc_note_src {
	const char *fmt;
	uint8_t nargs;
	union lsc_note_arg args[LSC_NOTE_ARGS];
};

/* Protocols the decoders know.  The order is the order of lsc_proto_table. */
enum lsc_proto {
	LSC_PROTO_NONE = 0,
	LSC_PROTO_ETH,     /* Ethernet II */
	LSC_PROTO_LLC,     /* IEEE 802.3 length field + 802.2 LLC (and SNAP) */
	LSC_PROTO_VLAN,    /* 802.1Q / 802.1ad tag */
	LSC_PROTO_SLL,     /* Linux cooked capture v1 */
	LSC_PROTO_SLL2,    /* Linux cooked capture v2 */
	LSC_PROTO_NULL,    /* BSD loopback (DLT_NULL, DLT_LOOP) */
	LSC_PROTO_ARP,
	LSC_PROTO_IPV4,
	LSC_PROTO_IPV6,
	LSC_PROTO_ICMP,
	LSC_PROTO_ICMPV6,
	LSC_PROTO_TCP,
	LSC_PROTO_UDP,
	LSC_PROTO_PAYLOAD, /* bytes no decoder claimed */
	LSC_PROTO_COUNT
};

/* The four layers of the TCP/IP model. */
enum lsc_tcpip {
	LSC_TCPIP_LINK = 0,
	LSC_TCPIP_NETWORK,
	LSC_TCPIP_TRANSPORT,
	LSC_TCPIP_APPLICATION
};

/* Layer flags. */
#define LSC_LF_TRUNCATED 0x01u /* the capture ended inside this layer */
#define LSC_LF_MALFORMED 0x02u /* a length or field is impossible */
#define LSC_LF_QUOTED    0x04u /* inside an ICMP error: a quoted header, not this frame's own */
#define LSC_LF_FRAGMENT  0x08u /* a non-first IP fragment: payload is fragment data */
#define LSC_LF_CLIPPED   0x10u /* the layer claims more bytes than were captured */

/* Checksum verdicts.  OFFLOAD and UNKNOWN are rendered as JSON null. */
enum lsc_csum {
	LSC_CSUM_UNKNOWN = 0, /* not verifiable: bytes missing, or a fragment */
	LSC_CSUM_GOOD,
	LSC_CSUM_BAD,
	LSC_CSUM_OFFLOAD,     /* wrong, but exactly as checksum offload leaves it */
	LSC_CSUM_ABSENT       /* UDP over IPv4 with checksum 0: none was computed */
};

struct lsc_eth {
	uint8_t dst[6], src[6];
	uint16_t type; /* EtherType */
};

struct lsc_llc {
	uint16_t length; /* the 802.3 length field */
	uint8_t dsap, ssap;
	uint16_t control;
	bool snap;
	uint32_t oui;
	uint16_t pid;
};

struct lsc_vlan {
	uint16_t tpid; /* 0x8100 (802.1Q) or 0x88a8 (802.1ad) */
	uint16_t id;
	uint8_t pcp;
	uint8_t dei;
	uint16_t type; /* EtherType that follows */
};

struct lsc_sll {
	uint16_t pkttype;
	uint16_t hatype;
	uint16_t addrlen;
	uint8_t addr[8];
	uint16_t protocol;
	uint32_t ifindex; /* SLL2 only */
};

struct lsc_null {
	uint32_t family; /* in the capturing host's byte order, decided per frame */
	uint8_t order;   /* enum lsc_null_order: how the family was read */
};

enum lsc_null_order {
	LSC_NULL_LE = 0,  /* DLT_NULL from a little-endian host */
	LSC_NULL_BE,      /* DLT_NULL from a big-endian host */
	LSC_NULL_NETWORK  /* DLT_LOOP: always network byte order */
};

struct lsc_arp {
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	uint16_t op;
	uint8_t sha[16], spa[16], tha[16], tpa[16]; /* first min(len,16) bytes */
};

struct lsc_ip4opt {
	uint8_t type;
	uint8_t length;
	uint8_t offset; /* from the start of the IPv4 header; its bytes were captured */
};

struct lsc_ipv4 {
	uint8_t src[4], dst[4];
	uint8_t version;
	uint8_t ihl; /* in bytes */
	uint8_t tos;
	uint8_t ttl;
	uint8_t protocol;
	bool rf, df, mf;
	uint16_t total_length;
	uint16_t id;
	uint16_t frag_offset; /* in bytes */
	uint16_t checksum;
	uint8_t csum;         /* enum lsc_csum */
	uint16_t csum_calc;   /* the checksum the header should carry */
	uint8_t nopts;
	struct lsc_ip4opt opts[LSC_MAX_IP4_OPTS];
	bool has_final_dst;   /* a loose or strict source route names the final destination */
	uint8_t final_dst[4];
};

struct lsc_ip6ext {
	uint8_t type;   /* the header's own type (the previous next-header value) */
	uint16_t length; /* bytes */
	bool cut;        /* the capture ends inside it: listed, not walked (ext_count leaves it out) */
};

struct lsc_ipv6 {
	uint8_t src[16], dst[16];
	uint8_t version;
	uint8_t traffic_class;
	uint32_t flow_label;
	uint16_t payload_length;
	uint8_t next_header; /* the fixed header's */
	uint8_t hop_limit;
	uint8_t upper;       /* the protocol after the last extension header */
	uint8_t next_ext;    /* entries used in ext[] */
	struct lsc_ip6ext ext[LSC_MAX_IP6_EXT];
	uint16_t ext_count;  /* extension headers walked, listed or not */
	uint32_t ext_bytes;  /* their total length */
	bool jumbo;          /* payload length 0 with a Jumbo Payload option (RFC 2675) */
	uint32_t jumbo_length;
	bool has_final_dst;  /* a routing header names the final destination */
	uint8_t final_dst[16];
	bool has_frag;       /* a fragment extension header was seen */
	bool frag_mf;
	uint16_t frag_offset; /* bytes */
	uint32_t frag_id;
};

struct lsc_icmp {
	uint8_t type, code;
	uint16_t checksum;
	uint8_t csum;       /* enum lsc_csum */
	uint16_t csum_calc; /* the checksum the message should carry, when csum is BAD */
	bool has_echo;      /* echo request/reply: id and seq are set */
	uint16_t id, seq;
	uint32_t rest;      /* the 4 bytes after the checksum, as one word */
};

struct lsc_tcp {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t data_offset; /* in bytes */
	uint16_t flags;      /* the 12 bits after the data offset */
	uint16_t window;
	uint16_t checksum;
	uint16_t urgent;
	uint8_t csum;        /* enum lsc_csum */
	uint8_t opt_first;   /* index of the first option in frame->tcp_opts */
	uint8_t opt_count;
	uint16_t csum_calc;  /* the checksum the segment should carry, when csum is BAD */
	uint32_t payload_length;   /* on the wire: the IP layer's length less the data offset */
	uint32_t payload_captured; /* of those, bytes the capture kept */
};

#define LSC_TCP_FIN 0x001u
#define LSC_TCP_SYN 0x002u
#define LSC_TCP_RST 0x004u
#define LSC_TCP_PSH 0x008u
#define LSC_TCP_ACK 0x010u
#define LSC_TCP_URG 0x020u
#define LSC_TCP_ECE 0x040u
#define LSC_TCP_CWR 0x080u
#define LSC_TCP_AE  0x100u /* formerly NS (RFC 3540) */

/* TCP option kinds with names in the JSON contract. */
enum {
	LSC_TCPOPT_EOL = 0,
	LSC_TCPOPT_NOP = 1,
	LSC_TCPOPT_MSS = 2,
	LSC_TCPOPT_WSCALE = 3,
	LSC_TCPOPT_SACK_PERM = 4,
	LSC_TCPOPT_SACK = 5,
	LSC_TCPOPT_TIMESTAMP = 8,
	LSC_TCPOPT_MPTCP = 30,   /* Multipath TCP (RFC 8684) */
	LSC_TCPOPT_TFO = 34      /* TCP Fast Open cookie (RFC 7413) */
};

struct lsc_tcp_opt {
	uint8_t kind;
	uint8_t length;  /* the option's length byte (1 for EOL and NOP) */
	uint8_t offset;  /* from the start of the TCP header */
	uint8_t nvals;   /* values used in v[] */
	bool bad;        /* length impossible for its kind */
	uint32_t v[8];   /* mss; shift; tsval,tsecr; sack left,right pairs; mptcp subtype, version;
	                    tfo cookie bytes, big-endian words (length - 2 of them) */
};

struct lsc_udp {
	uint16_t sport, dport;
	uint16_t length;
	uint16_t checksum;
	uint8_t csum; /* enum lsc_csum */
	uint16_t csum_calc;        /* the checksum the datagram should carry, when csum is BAD */
	uint32_t payload_captured; /* payload bytes the capture kept (body_len has the wire's) */
};

struct lsc_payload {
	uint32_t length;
};

/* One decoded layer: where its bytes are and what they say. */
struct lsc_layer {
	uint8_t proto;        /* enum lsc_proto */
	uint8_t flags;        /* LSC_LF_* */
	uint32_t offset;      /* first byte of the header, from the frame's start */
	uint32_t hdr_len;     /* header bytes, as the header claims them */
	uint32_t body_len;    /* bytes after the header that this layer claims */
	uint32_t cap_len;     /* header bytes the decoder could read: min(hdr_len, window) */
	const char *reason;   /* static text when TRUNCATED or MALFORMED: English, a catalogue message (lsc_tr_static) */
	union {
		struct lsc_eth eth;
		struct lsc_llc llc;
		struct lsc_vlan vlan;
		struct lsc_sll sll;
		struct lsc_null null;
		struct lsc_arp arp;
		struct lsc_ipv4 ipv4;
		struct lsc_ipv6 ipv6;
		struct lsc_icmp icmp;
		struct lsc_tcp tcp;
		struct lsc_udp udp;
		struct lsc_payload payload;
	} u;
};

struct lsc_flow_conv;

/* Conversation annotations, filled by the track stage (flow.h). */
struct lsc_flow_ann {
	uint32_t id;          /* 0: the frame belongs to no tracked conversation */
	uint8_t dir;          /* enum lsc_flow_dir */
	uint8_t state;        /* enum lsc_tcp_state, after this frame */
	uint8_t event;        /* enum lsc_flow_event */
	uint8_t socket_call;  /* enum lsc_sock_call */
	uint8_t call_source;  /* enum lsc_call_source */
	uint8_t revised_call; /* enum lsc_sock_call: what this frame shows revised_frame's call was */
	uint8_t step;         /* handshake or teardown step, 0 when none */
	uint8_t step_total;
	uint8_t step_kind;    /* enum lsc_flow_step */
	bool tcp;
	uint32_t rel_seq;
	uint32_t rel_ack;
	uint32_t analysis;    /* LSC_FA_* expert bits */
	uint64_t ref_frame;   /* a related frame (the request of a reply, the original of a retransmission) */
	int64_t rtt_ns;       /* round-trip time to ref_frame, -1 when none */
	uint64_t revised_frame; /* an earlier frame whose inferred call this one corrects, 0 when none */
	/* Added by the track stage's TCP observer (flow.h). */
	uint8_t end_state[2]; /* the client's and the server's own state (RFC 9293), enum lsc_tcp_state */
	uint8_t acks_ctl;     /* LSC_TCP_SYN / LSC_TCP_FIN of the segment acks_frame sent */
	uint32_t next_seq;    /* relative sequence number after this segment (with SYN and FIN) */
	uint32_t acks_seq;    /* relative seq of the peer segment this ACK completes */
	uint32_t acks_len;    /* its payload bytes: rel_ack = acks_seq + acks_len (+1 for SYN/FIN) */
	uint64_t acks_frame;  /* the frame of that segment, 0 when this ACK completes none */
	/* The conversation; valid until the tracker's next frame. */
	const struct lsc_flow_conv *conv;
};

/* The process that owns a socket of this host (live capture only). */
struct lsc_owner {
	int32_t pid;   /* 0: not known */
	char comm[16]; /* /proc/PID/comm: the command name, cut at 15 bytes */
};

/* Direction of a frame as the capture saw it, when the link type says. */
enum lsc_frame_dir {
	LSC_DIR_UNKNOWN = 0,
	LSC_DIR_IN,
	LSC_DIR_OUT
};

/*
 * What a source fills in for each frame (lsc_source_next()), before any
 * decode: a caller that keeps a frame for later (the demo's queue) copies
 * this part whole.  The fields are listed once, here, and reached both as
 * f->source and by their own names (f->number).
 */
#define LSC_FRAME_SOURCE_FIELDS \
	uint64_t number;       /* 1-based, counted before any filter */ \
	int64_t ts_sec; \
	uint32_t ts_nsec; \
	uint8_t ts_digits;     /* 6 (microseconds) or 9 (nanoseconds) */ \
	int64_t rel_ns;        /* since the first frame of the input */ \
	uint32_t caplen; \
	uint32_t len; \
	int linktype;          /* DLT_* as pcap_datalink() gives it */ \
	uint8_t direction;     /* enum lsc_frame_dir */ \
	uint8_t file;          /* which of several files read at once (lsc_source_open_files), from 0 */ \
	const uint8_t *data;   /* caplen bytes, owned by the source */
struct lsc_frame_source {
	LSC_FRAME_SOURCE_FIELDS
};

struct lsc_frame {
	/* Filled by the source. */
	union {
		struct lsc_frame_source source;
		struct {
			LSC_FRAME_SOURCE_FIELDS
		};
	};

	/* Filled by lsc_decode_frame(). */
	uint8_t nlayers;
	struct lsc_layer layers[LSC_MAX_LAYERS];
	uint8_t ntcp_opts;
	struct lsc_tcp_opt tcp_opts[LSC_MAX_TCP_OPTS];
	bool quoting;          /* decoding the inside of an ICMP error */
	bool link_unsupported; /* no decoder for this link type */

	/* Filled by the track stage; has_flow says whether `flow` is valid. */
	bool has_flow;
	struct lsc_flow_ann flow;

	/* Filled by the owner lookup of a live capture (source.h); reset by the source. */
	bool has_owner;            /* at least one of the two is known */
	struct lsc_owner src_owner; /* the socket that sent the frame */
	struct lsc_owner dst_owner; /* the socket it is for */

	/* Notes from any stage, rendered in order, in English (JSON's text). */
	uint8_t nnotes;
	char notes[LSC_MAX_NOTES][LSC_NOTE_LEN];
	/* What each note was made of, for a person's language (lsc_frame_note_text). */
	struct lsc_note_src note_src[LSC_MAX_NOTES];
};

/*
 * Appends a note, printf-style.  Notes past LSC_MAX_NOTES are dropped, and a
 * note is cut at LSC_NOTE_LEN - 1 bytes.
 */
LSC_API void lsc_frame_note(struct lsc_frame *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The next note as a strbuf to build by hand, for notes written on every
 * frame (vsnprintf costs more than the rest of the track stage); false when
 * the frame's notes are full.  lsc_frame_note_source() then gives the note
 * the format and arguments that read the same, for translations.
 */
struct lsc_strbuf;
LSC_API bool lsc_frame_note_buf(struct lsc_frame *f, struct lsc_strbuf *b);
LSC_API void lsc_frame_note_source(struct lsc_frame *f, const char *fmt, unsigned nargs,
                                   const union lsc_note_arg *args);

/*
 * Note i as a person reads it: in English (f->notes[i] itself) or, when the
 * catalogue translates its format, the translation formatted into buf.
 */
LSC_API const char *lsc_frame_note_text(const struct lsc_frame *f, unsigned i, char *buf, size_t cap);

/* A note formatted from its source, fmt given (the English one, or its translation): as printf would. */
LSC_API void lsc_note_format(char *buf, size_t cap, const char *fmt, const struct lsc_note_src *src);

/* The first layer of `proto` that is not a quoted one, or NULL. */
LSC_API const struct lsc_layer *lsc_frame_find(const struct lsc_frame *f, enum lsc_proto proto);

/* The frame's own network layer (IPv4 or IPv6, never a quoted one), or NULL. */
LSC_API const struct lsc_layer *lsc_frame_network(const struct lsc_frame *f);

/* The frame's own transport layer (TCP, UDP, ICMP, ICMPv6), or NULL. */
LSC_API const struct lsc_layer *lsc_frame_transport(const struct lsc_frame *f);

/* Both of the above in one pass over the layers: the track stage wants them for every frame. */
LSC_API void lsc_frame_own_layers(const struct lsc_frame *f, const struct lsc_layer **net,
                          const struct lsc_layer **l4);

/* Header bytes the decoder could read (what the layer's fields can come from). */
LSC_API uint32_t lsc_layer_captured(const struct lsc_frame *f, const struct lsc_layer *l);

/*
 * A time stamp in nanoseconds since 1970, clamped to +-(2^62 - 1) (the
 * years 1824 to 2116): a corrupt stamp (a pcapng one can say 2^64
 * microseconds) would overflow the product, and the difference of two
 * clamped times fits in 63 bits.
 */
#define LSC_NS_LIMIT ((INT64_C(1) << 62) - 1)
LSC_API int64_t lsc_time_ns(int64_t sec, uint32_t nsec);

#ifdef __cplusplus
}
#endif

#endif
