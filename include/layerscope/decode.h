/* SPDX-License-Identifier: BSD-3-Clause */
/* decode.h: bytes to struct lsc_frame, one protocol per decoder, table driven. */
#ifndef LAYERSCOPE_DECODE_H
#define LAYERSCOPE_DECODE_H

#include <layerscope/cursor.h>
#include <layerscope/frame.h>
#include <layerscope/api.h>

#ifdef __cplusplus
extern "C" {
#endif

struct lsc_sink;
struct lsc_strbuf;

/* Which table names the layer after this one. */
enum lsc_next_table {
	LSC_NEXT_NONE = 0,  /* the rest is payload */
	LSC_NEXT_LINKTYPE,  /* key: DLT_* */
	LSC_NEXT_ETHERTYPE, /* key: EtherType */
	LSC_NEXT_IPPROTO,   /* key: IP protocol / IPv6 next header */
	LSC_NEXT_PROTO      /* key: enum lsc_proto, named directly */
};

/*
 * What a decoder says about its child: the table and key that name it, and
 * how many bytes after this layer's header the child may use (the parent's
 * length field; LSC_LIMIT_ALL when the parent claims no length).  The driver
 * clips the limit to what was captured.
 */
struct lsc_next {
	uint8_t table;
	uint32_t key;
	uint32_t limit;
};
#define LSC_LIMIT_ALL UINT32_MAX

/*
 * A decoder reads its header through `c` (positioned at l->offset, ending
 * where the parent's claim or the capture ends), fills l->u, l->hdr_len and
 * l->body_len, and names the next layer in `next` (zeroed on entry).  On a
 * short header it calls lsc_layer_truncated(), on an impossible one
 * lsc_layer_malformed(); either stops the frame.  Decoders never print,
 * allocate or keep state between frames.
 */
typedef void (*lsc_decode_fn)(struct lsc_frame *f, struct lsc_layer *l,
                              struct lsc_cur *c, struct lsc_next *next);

/* Field types a renderer knows how to show (see struct lsc_field). */
enum lsc_ftype {
	LSC_FT_UINT = 0, /* unsigned integer of `size` bytes */
	LSC_FT_HEX,      /* unsigned, shown as hex in text; an integer in JSON */
	LSC_FT_BOOL,     /* bool */
	LSC_FT_MAC,      /* uint8_t[6] */
	LSC_FT_IPV4,     /* uint8_t[4] */
	LSC_FT_IPV6,     /* uint8_t[16] */
	LSC_FT_CSUM,     /* uint8_t enum lsc_csum: JSON true/false/null */
	LSC_FT_CUSTOM    /* the field's emit() shows it */
};

/*
 * One field of a protocol, described once for every renderer.  `offset`
 * and `size` locate the value in struct lsc_layer.  `wire_end` is how many
 * header bytes must have been captured for the value to exist (0: derived,
 * always shown); a truncated layer shows only the fields it holds.  `name`
 * gives a derived name for a value (an EtherType's protocol, an ICMP type).
 */
struct lsc_field {
	const char *key;   /* JSON key (the contract's name) */
	const char *label; /* text label */
	uint8_t type;      /* enum lsc_ftype */
	uint8_t size;
	uint16_t offset;
	uint16_t wire_end;
	const char *(*name)(const struct lsc_layer *l, uint64_t value);
	void (*emit)(struct lsc_sink *s, const struct lsc_frame *f,
	             const struct lsc_layer *l, const struct lsc_field *fd);
};

#define LSC_FIELD(key, label, type, layer_member, wire_end, name)                \
	{ key, label, type, sizeof(((struct lsc_layer *)0)->u.layer_member),          \
	  offsetof(struct lsc_layer, u.layer_member), wire_end, name, NULL }
#define LSC_FIELD_CUSTOM(key, label, wire_end, emit) \
	{ key, label, LSC_FT_CUSTOM, 0, 0, wire_end, NULL, emit }

/* Everything the program knows of one protocol. */
struct lsc_proto_info {
	uint8_t proto;       /* enum lsc_proto */
	uint8_t tcpip;       /* enum lsc_tcpip */
	const char *key;     /* JSON "proto" value: "eth", "ipv4", "tcp" */
	const char *abbrev;  /* short name for the line format: "ETH", "IPv4" */
	const char *title;   /* full name: "Transmission Control Protocol" */
	lsc_decode_fn decode;
	const struct lsc_field *fields;
	size_t nfields;
	/* One-line summary of the layer for the line and tree formats. */
	void (*summary)(struct lsc_strbuf *b, const struct lsc_frame *f,
	                const struct lsc_layer *l);
	/*
	 * Where the layer says the frame goes, for the views that name only that
	 * (-f stack, the demo's timeline): its two ends, "src → dst" (addresses,
	 * or ports), or a VLAN's id; NULL for a protocol that names none.
	 */
	void (*addrs)(struct lsc_strbuf *b, const struct lsc_layer *l);
};

/* The protocol table, indexed by enum lsc_proto. */
LSC_API const struct lsc_proto_info *lsc_proto_get(unsigned proto);

/* Name of the TCP/IP layer: "link", "network", "transport", "application". */
LSC_API const char *lsc_tcpip_key(unsigned tcpip);
/* "Link", "Network", "Transport", "Application". */
LSC_API const char *lsc_tcpip_title(unsigned tcpip);

/*
 * Decodes f->data[0..f->caplen) of link type f->linktype into f->layers.
 * Resets every decode and track field of `f` first; never fails: what
 * it cannot decode ends as a payload layer, with the reason in the last
 * decoded layer.
 */
LSC_API void lsc_decode_frame(struct lsc_frame *f);

/* Marks the layer truncated / malformed with a static reason; returns nothing. */
LSC_API void lsc_layer_truncated(struct lsc_layer *l, const char *reason);
LSC_API void lsc_layer_malformed(struct lsc_layer *l, const char *reason);

/*
 * Whether any layer of the frame is truncated or malformed.  A quoted header
 * cut short where its ICMP error's quote ends is not damage (RFC 792 quotes
 * only 8 bytes past the IP header), unless the capture itself was cut.
 */
LSC_API bool lsc_frame_damaged(const struct lsc_frame *f);

/* libpcap's name for a DLT ("EN10MB"), or "DLT_<n>" in a static buffer. */
LSC_API const char *lsc_linktype_name(int dlt);

/* tcpdump's letters for TCP flags ("S", "S.", "P.", "F.", "R"; "none"). */
LSC_API void lsc_tcp_flag_letters(struct lsc_strbuf *b, uint16_t flags);

/*
 * The TCP/IP layer a decoded layer belongs to.  A payload sits one above
 * the layer before it: after TCP it is application data, after an
 * undecoded EtherType it is network-layer bytes.
 */
LSC_API unsigned lsc_layer_tcpip(const struct lsc_frame *f, const struct lsc_layer *l);

/* Whether a decoder exists for the link type. */
LSC_API bool lsc_linktype_supported(int dlt);

#ifdef __cplusplus
}
#endif

#endif
