/* SPDX-License-Identifier: BSD-3-Clause */
/* decode-int.h: what the decoders share and nothing outside src/decode/ needs. */
#ifndef LAYERSCOPE_DECODE_INT_H
#define LAYERSCOPE_DECODE_INT_H

#include <layerscope/cursor.h>
#include <layerscope/decode.h>
#include <layerscope/frame.h>
#include <layerscope/render.h>
#include <layerscope/strbuf.h>

/* Each protocol file defines one of these; decode.c puts them in the table. */
extern const struct lsc_proto_info lsc_proto_eth;
extern const struct lsc_proto_info lsc_proto_llc;
extern const struct lsc_proto_info lsc_proto_vlan;
extern const struct lsc_proto_info lsc_proto_sll;
extern const struct lsc_proto_info lsc_proto_sll2;
extern const struct lsc_proto_info lsc_proto_null;
extern const struct lsc_proto_info lsc_proto_arp;
extern const struct lsc_proto_info lsc_proto_ipv4;
extern const struct lsc_proto_info lsc_proto_ipv6;
extern const struct lsc_proto_info lsc_proto_icmp;
extern const struct lsc_proto_info lsc_proto_icmpv6;
extern const struct lsc_proto_info lsc_proto_tcp;
extern const struct lsc_proto_info lsc_proto_udp;
extern const struct lsc_proto_info lsc_proto_payload;

#define LSC_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Internet checksum (RFC 1071) ---------------------------------------- */

/* Adds n bytes at p to a running 32-bit one's-complement sum. */
uint32_t lsc_csum_add(uint32_t sum, const uint8_t *p, size_t n);
/* Folds the carries and returns the 16-bit sum (not complemented). */
uint16_t lsc_csum_fold(uint32_t sum);

/*
 * Verifies the checksum of a transport segment (TCP, UDP, ICMPv6) that
 * starts at l->offset and is `seg_len` bytes long as its own length field
 * says, with the pseudo-header of the enclosing IP layer `ip`.  Gives
 * UNKNOWN when bytes are missing or the datagram is a fragment, OFFLOAD when
 * the field holds just the pseudo-header sum (what checksum offload leaves in
 * frames captured on the sending host), else GOOD or BAD; with BAD, *calc
 * is the value the field should have held.
 */
uint8_t lsc_csum_l4(const struct lsc_frame *f, const struct lsc_layer *l,
                    const struct lsc_layer *ip, uint8_t ipproto,
                    uint32_t seg_len, uint16_t field, uint16_t *calc);

/*
 * Verifies a checksum that covers `len` bytes from l->offset and no
 * pseudo-header (ICMP): UNKNOWN when bytes are missing or `ip` (may be NULL)
 * is a fragment, else GOOD or BAD; with BAD, *calc is what `field` should hold.
 */
uint8_t lsc_csum_plain(const struct lsc_frame *f, const struct lsc_layer *l,
                       const struct lsc_layer *ip, uint32_t len, uint16_t field, uint16_t *calc);

/*
 * " cksum 0x1a2b (incorrect → 0xb9f9)", as tcpdump -v says it, for the
 * summaries of layers whose checksum is BAD: at most LSC_W_CSUM_BAD bytes
 * at p; returns the end.  Also notes it on the frame, once per layer kind
 * (lsc_csum_note).
 */
#define LSC_W_CSUM_BAD 40
char *lsc_w_csum_bad(char *p, uint16_t field, uint16_t calc);

/*
 * " (15 captured)": what of a payload the snapshot kept, in the user's
 * words, for TCP's and UDP's summaries; at most LSC_W_CAPTURED bytes.
 */
#define LSC_W_CAPTURED (LSC_W_U64 + 42)
char *lsc_w_captured(char *p, uint64_t n);

/*
 * When `csum` is BAD and `l` is the frame's own (not quoted in an ICMP
 * error), notes "TCP checksum 0x1a2b is incorrect: it should be 0xb9f9 ...".
 */
void lsc_csum_note(struct lsc_frame *f, const struct lsc_layer *l, const char *what, uint8_t csum,
                   uint16_t field, uint16_t calc);

/* Whether lsc_frame_own_layers' table says what each protocol's TCP/IP layer says (a test's check). */
bool lsc_own_kind_agrees(void);

/* Whether an IPv4 or IPv6 layer carries a fragment (more follow, or an offset). */
bool lsc_decode_ip_fragment(const struct lsc_layer *ip);

/* The innermost network layer before `l` (the pseudo-header's owner), or NULL. */
const struct lsc_layer *lsc_decode_enclosing_ip(const struct lsc_frame *f,
                                                const struct lsc_layer *l);

/* ---- Helpers the decoders share ------------------------------------------ */

/* The layer before `l` (its parent), or NULL when `l` is the first. */
static inline const struct lsc_layer *lsc_decode_parent(const struct lsc_frame *f,
                                                        const struct lsc_layer *l)
{
	return l > f->layers ? l - 1 : NULL;
}

/*
 * Names the child of a header whose type field is an EtherType or, at 1500
 * and below, an IEEE 802.3 length (Ethernet, VLAN tags).  `c` is positioned
 * after the header; the child's first bytes may be peeked at, never past
 * the window.  In ether.c.
 */
void lsc_decode_next_ethertype(struct lsc_frame *f, const struct lsc_cur *c,
                               struct lsc_next *next, uint16_t type);

/* Linux cooked capture, shared by sll.c and sll2.c (defined in sll.c). */
/* Sets the frame's direction from pkttype and names the child from hatype and protocol. */
void lsc_sll_finish(struct lsc_frame *f, const struct lsc_layer *l, struct lsc_next *next);
const char *lsc_sll_field_pkttype(const struct lsc_layer *l, uint64_t v);
const char *lsc_sll_field_hatype(const struct lsc_layer *l, uint64_t v);
const char *lsc_sll_field_protocol(const struct lsc_layer *l, uint64_t v);
void lsc_sll_emit_addr(struct lsc_sink *s, const struct lsc_frame *f,
                       const struct lsc_layer *l, const struct lsc_field *fd);
void lsc_sll_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l);

/*
 * ICMP and ICMPv6 share one decoder, field table and summary (icmp.c); a
 * kind says what differs.  icmpv6.c defines lsc_icmpv6_kind.
 */
struct lsc_icmp_kind {
	const char *cut_reason;   /* the header was cut short */
	uint8_t echo_request, echo_reply;
	uint8_t quote_proto;      /* what an error message quotes: LSC_PROTO_IPV4 / _IPV6 */
	bool (*is_error)(uint8_t type);
	/* The checksum verdict over the msg_len-byte message; `ip` may be NULL. */
	uint8_t (*checksum)(const struct lsc_frame *f, const struct lsc_layer *l,
	                    const struct lsc_layer *ip, uint32_t msg_len, uint16_t *calc);
	const char *(*type_name)(uint8_t type);
	const char *(*code_name)(uint8_t type, uint8_t code);
	/* The header's length: 8, or more where the type has a body of its own (ICMPv6's Neighbor Discovery). */
	uint32_t (*header_len)(struct lsc_layer *l, uint32_t msg_len);
	/* Fields the 4 bytes after the checksum hold for some types (MTU, pointer ...), and the header past them. */
	void (*emit_rest)(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l);
	/* What the summary adds after the type's name (NULL: nothing). */
	void (*summary_rest)(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l);
};
extern const struct lsc_icmp_kind lsc_icmpv6_kind;

void lsc_icmp_decode(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c,
                     struct lsc_next *next);
void lsc_icmp_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l);
#define LSC_ICMP_NFIELDS 8
extern const struct lsc_field lsc_icmp_fields[LSC_ICMP_NFIELDS];

/* ---- Helpers the field tables share -------------------------------------- */

/* Name of an EtherType, or NULL. */
const char *lsc_ethertype_name(uint16_t type);
/* Name of an IP protocol number, or NULL. */
const char *lsc_ipproto_name(uint8_t proto);
/* Field-table adapters for the two above. */
const char *lsc_field_ethertype(const struct lsc_layer *l, uint64_t v);
const char *lsc_field_ipproto(const struct lsc_layer *l, uint64_t v);
/* An EtherType's name, or "802.3 length" at 1500 and below (ether.c). */
const char *lsc_field_ethertype_or_length(const struct lsc_layer *l, uint64_t v);
/*
 * Emits "checksum_expected" (the value the field should hold) when the
 * layer's checksum is BAD; `fd->offset` locates the verdict, the expected
 * value is read through the layer's protocol (decode.c).
 */
void lsc_field_csum_expected(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                             const struct lsc_field *fd);
/* "correct", "incorrect", "unverified (offload)"... for an enum lsc_csum. */
const char *lsc_field_csum(const struct lsc_layer *l, uint64_t v);

#endif
