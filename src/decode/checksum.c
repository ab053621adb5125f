/* SPDX-License-Identifier: BSD-3-Clause */
/* checksum.c: the Internet checksum (RFC 1071) and the transport pseudo-headers (RFC 9293, 768, 8200). */
#include <config.h>

#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>

#include "decode-int.h"

/* One's complement addition in 64 bits: the carry out of the top comes back in at the bottom. */
static inline uint64_t add_carry(uint64_t acc, uint64_t w)
{
	acc += w;
	return acc + (acc < w);
}

uint32_t lsc_csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	/*
	 * Eight bytes a step, in the host's byte order, with the end-around carry
	 * (RFC 1071 2(A)-(C)): 2^16 = 1 modulo 0xffff, so a 64-bit word is the
	 * sum of its four 16-bit words, and the order of the bytes within each
	 * 16-bit word is swapped once, at the end, rather than for every word.
	 * The tail goes in as a zero-padded word: the odd byte is then the high
	 * half of a big-endian 16-bit word, as RFC 1071 pads it.
	 */
	uint64_t acc = 0, acc2 = 0;
	size_t i = 0;
	/* Two sums of alternate words: each add waits only for its own sum's carry. */
	for (; i + 16 <= n; i += 16) {
		uint64_t w, w2;
		memcpy(&w, p + i, 8); /* any alignment */
		memcpy(&w2, p + i + 8, 8);
		acc = add_carry(acc, w);
		acc2 = add_carry(acc2, w2);
	}
	acc = add_carry(acc, acc2);
	if (i + 8 <= n) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		acc = add_carry(acc, w);
		i += 8;
	}
	if (i < n) {
		/* Byte by byte into a fixed word: a copy of n - i bytes is a memcpy call. */
		uint8_t tail[8] = { 0 };
		switch (n - i) {
		case 7: tail[6] = p[i + 6]; /* fall through */
		case 6: tail[5] = p[i + 5]; /* fall through */
		case 5: tail[4] = p[i + 4]; /* fall through */
		case 4: tail[3] = p[i + 3]; /* fall through */
		case 3: tail[2] = p[i + 2]; /* fall through */
		case 2: tail[1] = p[i + 1]; /* fall through */
		default: tail[0] = p[i];
		}
		uint64_t w;
		memcpy(&w, tail, 8);
		acc = add_carry(acc, w);
	}
	while (acc >> 16)
		acc = (acc & 0xffffu) + (acc >> 16);
	uint64_t total = (uint64_t)sum + ntohs((uint16_t)acc);
	/* Folded to 16 bits, so callers may add two sums or a few fields without overflow. */
	while (total >> 16)
		total = (total & 0xffffu) + (total >> 16);
	return (uint32_t)total;
}

uint16_t lsc_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
}

_Static_assert(offsetof(struct lsc_ipv4, dst) == offsetof(struct lsc_ipv4, src) + 4, "adjacent addresses");
_Static_assert(offsetof(struct lsc_ipv6, dst) == offsetof(struct lsc_ipv6, src) + 16, "adjacent addresses");

/* The pseudo-header sum: addresses, protocol and the segment length. */
static uint32_t pseudo_sum(const struct lsc_layer *ip, uint8_t ipproto, uint32_t seg_len)
{
	uint32_t sum = 0;
	/* Source and destination are adjacent: one sum of both, read through the struct's bytes. */
	if (ip->proto == LSC_PROTO_IPV4 && !ip->u.ipv4.has_final_dst) {
		const uint8_t *h = (const uint8_t *)&ip->u.ipv4;
		sum = lsc_csum_add(sum, h + offsetof(struct lsc_ipv4, src), 8);
	} else if (ip->proto == LSC_PROTO_IPV4) {
		/* RFC 1122 4.1.3.2: with a source route, the final destination. */
		sum = lsc_csum_add(sum, ip->u.ipv4.src, 4);
		sum = lsc_csum_add(sum, ip->u.ipv4.final_dst, 4);
	} else if (!ip->u.ipv6.has_final_dst) {
		const uint8_t *h = (const uint8_t *)&ip->u.ipv6;
		sum = lsc_csum_add(sum, h + offsetof(struct lsc_ipv6, src), 32);
	} else {
		/* RFC 8200 8.1: with a routing header, the final destination. */
		sum = lsc_csum_add(sum, ip->u.ipv6.src, 16);
		sum = lsc_csum_add(sum, ip->u.ipv6.final_dst, 16);
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

/*
 * The field's right value, from the sum over the bytes as they are: taking
 * the field out is adding its complement (RFC 1624), and the checksum is
 * the complement of what is left.  UDP sends a computed 0 as 0xffff
 * (RFC 768), 0 meaning none.
 */
static uint16_t expected(uint16_t all, uint16_t field, bool udp)
{
	uint16_t v = (uint16_t)~lsc_csum_fold((uint32_t)all + (uint16_t)~field);
	return udp && v == 0 ? 0xffff : v;
}

uint8_t lsc_csum_l4(const struct lsc_frame *f, const struct lsc_layer *l,
                    const struct lsc_layer *ip, uint8_t ipproto,
                    uint32_t seg_len, uint16_t field, uint16_t *calc)
{
	if (ip == NULL || lsc_decode_ip_fragment(ip))
		return LSC_CSUM_UNKNOWN;
	if (l->offset > f->caplen || seg_len > f->caplen - l->offset)
		return LSC_CSUM_UNKNOWN; /* the segment was not captured whole */

	uint32_t ph = pseudo_sum(ip, ipproto, seg_len);
	uint16_t all = lsc_csum_fold(lsc_csum_add(ph, f->data + l->offset, seg_len));
	if (all == 0xffff)
		return LSC_CSUM_GOOD;
	*calc = expected(all, field, ipproto == 17);
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
                       const struct lsc_layer *ip, uint32_t len, uint16_t field, uint16_t *calc)
{
	if (ip != NULL && lsc_decode_ip_fragment(ip))
		return LSC_CSUM_UNKNOWN;
	if (l->offset > f->caplen || len > f->caplen - l->offset)
		return LSC_CSUM_UNKNOWN;
	uint16_t all = lsc_csum_fold(lsc_csum_add(0, f->data + l->offset, len));
	if (all == 0xffff)
		return LSC_CSUM_GOOD;
	*calc = expected(all, field, false);
	return LSC_CSUM_BAD;
}

static char *w_hex16(char *p, uint16_t v)
{
	static const char hex[] = "0123456789abcdef";
	*p++ = '0';
	*p++ = 'x';
	for (int sh = 12; sh >= 0; sh -= 4)
		*p++ = hex[(v >> sh) & 0xf];
	return p;
}

char *lsc_w_csum_bad(char *p, uint16_t field, uint16_t calc)
{
	p = lsc_w_lit(p, " cksum ");
	p = w_hex16(p, field);
	p = lsc_w_lit(p, " (incorrect → ");
	p = w_hex16(p, calc);
	*p++ = ')';
	return p;
}

void lsc_csum_note(struct lsc_frame *f, const struct lsc_layer *l, const char *what, uint8_t csum,
                   uint16_t field, uint16_t calc)
{
	if (csum != LSC_CSUM_BAD || (l->flags & LSC_LF_QUOTED))
		return;
	/* TRANSLATORS: %s is "TCP", "UDP", "ICMP", "ICMPv6" or "IPv4 header" (translated apart). */
	lsc_frame_note(f, "%s checksum 0x%04x is incorrect: it should be 0x%04x (changed on the way, or built "
	                  "by hand)", what, field, calc);
}
