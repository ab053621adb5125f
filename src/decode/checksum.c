/* checksum.c: the Internet checksum (RFC 1071) and the transport pseudo-headers (RFC 9293, 768, 8200). */
#include <config.h>

#include <string.h>
#include <arpa/inet.h>

#include "decode-int.h"

uint32_t lsc_csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	/* 64-bit accumulator: no carry is lost before the fold, for any n below 2^34. */
	uint64_t acc = sum;
	size_t i = 0;
	/*
	 * Four bytes a step: a big-endian 32-bit word is two 16-bit words, and
	 * 2^32 = 1 modulo 0xffff, so the fold below keeps the one's complement
	 * sum exact (RFC 1071 2(B)).
	 */
	for (; i + 4 <= n; i += 4) {
		uint32_t w;
		memcpy(&w, p + i, 4); /* any alignment */
		acc += ntohl(w);
	}
	for (; i + 1 < n; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < n)
		acc += (uint32_t)p[i] << 8;
	/* Folded to 16 bits, so callers may add two sums or a few fields without overflow. */
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	return lsc_csum_fold((uint32_t)acc);
}

uint16_t lsc_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
}

/* The pseudo-header sum: addresses, protocol and the segment length. */
static uint32_t pseudo_sum(const struct lsc_layer *ip, uint8_t ipproto, uint32_t seg_len)
{
	uint32_t sum = 0;
	if (ip->proto == LSC_PROTO_IPV4) {
		sum = lsc_csum_add(sum, ip->u.ipv4.src, 4);
		sum = lsc_csum_add(sum, ip->u.ipv4.dst, 4);
	} else {
		/* RFC 8200 8.1: with a routing header, the final destination. */
		const struct lsc_ipv6 *ip6 = &ip->u.ipv6;
		sum = lsc_csum_add(sum, ip6->src, 16);
		sum = lsc_csum_add(sum, ip6->has_final_dst ? ip6->final_dst : ip6->dst, 16);
	}
	sum += ipproto;
	sum += seg_len >> 16;
	sum += seg_len & 0xffffu;
	return sum;
}

bool lsc_decode_ip_fragment(const struct lsc_layer *ip)
{
	if (ip->proto == LSC_PROTO_IPV4)
		return ip->u.ipv4.mf || ip->u.ipv4.frag_offset != 0;
	return ip->u.ipv6.has_frag && (ip->u.ipv6.frag_mf || ip->u.ipv6.frag_offset != 0);
}

uint8_t lsc_csum_l4(const struct lsc_frame *f, const struct lsc_layer *l,
                    const struct lsc_layer *ip, uint8_t ipproto,
                    uint32_t seg_len, uint16_t field)
{
	if (ip == NULL || lsc_decode_ip_fragment(ip))
		return LSC_CSUM_UNKNOWN;
	if (l->offset > f->caplen || seg_len > f->caplen - l->offset)
		return LSC_CSUM_UNKNOWN; /* the segment was not captured whole */

	uint32_t ph = pseudo_sum(ip, ipproto, seg_len);
	uint16_t all = lsc_csum_fold(lsc_csum_add(ph, f->data + l->offset, seg_len));
	if (all == 0xffff)
		return LSC_CSUM_GOOD;
	/*
	 * With checksum offload the kernel hands the NIC a segment whose checksum
	 * field holds only the folded pseudo-header sum; a capture on the sending
	 * host (and every capture on lo) sees that partial value.
	 */
	unsigned partial = lsc_csum_fold(ph);
	unsigned inverted = 0xffffu & ~partial;
	if ((unsigned)field == partial || (unsigned)field == inverted)
		return LSC_CSUM_OFFLOAD;
	return LSC_CSUM_BAD;
}

uint8_t lsc_csum_plain(const struct lsc_frame *f, const struct lsc_layer *l,
                       const struct lsc_layer *ip, uint32_t len)
{
	if (ip != NULL && lsc_decode_ip_fragment(ip))
		return LSC_CSUM_UNKNOWN;
	if (l->offset > f->caplen || len > f->caplen - l->offset)
		return LSC_CSUM_UNKNOWN;
	return lsc_csum_fold(lsc_csum_add(0, f->data + l->offset, len)) == 0xffff
	               ? LSC_CSUM_GOOD : LSC_CSUM_BAD;
}
