/* SPDX-License-Identifier: BSD-3-Clause */
/* siphash.h: SipHash-c-d (Aumasson and Bernstein, 2012), a keyed hash that keeps a table's chains short against chosen keys. */
#ifndef LAYERSCOPE_SIPHASH_H
#define LAYERSCOPE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t lsc_sip_rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

/* One SipRound on the state v[4]. */
static inline void lsc_sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = lsc_sip_rotl(v[1], 13);
	v[1] ^= v[0];
	v[0] = lsc_sip_rotl(v[0], 32);
	v[2] += v[3];
	v[3] = lsc_sip_rotl(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = lsc_sip_rotl(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = lsc_sip_rotl(v[1], 17);
	v[1] ^= v[2];
	v[2] = lsc_sip_rotl(v[2], 32);
}

/*
 * SipHash-c-d of `len` bytes under the 128-bit key k[0], k[1] (the key's
 * bytes 0-7 and 8-15 read little-endian), as the paper defines it: c
 * rounds a message word, d to finish.  Inline, so that constant c, d and
 * len unroll: the conversation table hashes a 40-byte key every frame with
 * SipHash-1-3.  Reads the message little-endian on any host.
 */
static inline uint64_t lsc_siphash(const uint64_t k[2], const void *msg, size_t len, unsigned c, unsigned d)
{
	const uint8_t *p = msg;
	uint64_t v[4] = {
		k[0] ^ 0x736f6d6570736575ull, k[1] ^ 0x646f72616e646f6dull,
		k[0] ^ 0x6c7967656e657261ull, k[1] ^ 0x7465646279746573ull,
	};
	size_t full = len & ~(size_t)7;
	for (size_t i = 0; i < full; i += 8) {
		uint64_t m = 0;
		for (unsigned b = 0; b < 8; b++)
			m |= (uint64_t)p[i + b] << (8 * b);
		v[3] ^= m;
		for (unsigned r = 0; r < c; r++)
			lsc_sip_round(v);
		v[0] ^= m;
	}
	/* The last word: the bytes left, and the length's low byte on top. */
	uint64_t m = (uint64_t)(len & 0xff) << 56;
	for (size_t b = 0; b < (len & 7); b++)
		m |= (uint64_t)p[full + b] << (8 * b);
	v[3] ^= m;
	for (unsigned r = 0; r < c; r++)
		lsc_sip_round(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	for (unsigned r = 0; r < d; r++)
		lsc_sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

#endif
