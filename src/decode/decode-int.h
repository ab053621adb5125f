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
 * frames captured on the sending host), else GOOD or BAD.
 */
uint8_t lsc_csum_l4(const struct lsc_frame *f, const struct lsc_layer *l,
                    const struct lsc_layer *ip, uint8_t ipproto,
                    uint32_t seg_len, uint16_t field);

/* Whether an IPv4 or IPv6 layer carries a fragment (more follow, or an offset). */
bool lsc_decode_ip_fragment(const struct lsc_layer *ip);

/* The innermost network layer before `l` (the pseudo-header's owner), or NULL. */
const struct lsc_layer *lsc_decode_enclosing_ip(const struct lsc_frame *f,
                                                const struct lsc_layer *l);

/* ---- Helpers the field tables share -------------------------------------- */

/* Name of an EtherType, or NULL. */
const char *lsc_ethertype_name(uint16_t type);
/* Name of an IP protocol number, or NULL. */
const char *lsc_ipproto_name(uint8_t proto);
/* Field-table adapters for the two above. */
const char *lsc_field_ethertype(const struct lsc_layer *l, uint64_t v);
const char *lsc_field_ipproto(const struct lsc_layer *l, uint64_t v);
/* "correct", "incorrect", "unverified (offload)"... for an enum lsc_csum. */
const char *lsc_field_csum(const struct lsc_layer *l, uint64_t v);

#endif
