/* SPDX-License-Identifier: BSD-3-Clause */
/* hist.c: a log-linear latency histogram (as HdrHistogram buckets values), fixed memory, quantiles. */
#include <config.h>

#include "echo-int.h"

#define SUB_BITS 5
#define SUB (1u << SUB_BITS)

/* Values below 32 have a bucket each; above, each power of two splits into 32. */
static unsigned bucket_of(uint64_t v)
{
	if (v < SUB)
		return (unsigned)v;
	unsigned msb = 63u - (unsigned)__builtin_clzll(v);
	unsigned shift = msb - SUB_BITS;
	return (shift << SUB_BITS) + (unsigned)(v >> shift);
}

/* The smallest value of bucket i, and its width. */
static uint64_t bucket_low(unsigned i, uint64_t *width)
{
	if (i < 2 * SUB) {
		*width = 1;
		return i;
	}
	unsigned shift = (i >> SUB_BITS) - 1;
	*width = (uint64_t)1 << shift;
	return (uint64_t)(SUB + (i & (SUB - 1))) << shift;
}

void lsc_hist_add(struct lsc_hist *h, uint64_t v)
{
	unsigned i = bucket_of(v);
	if (i >= LSC_HIST_BUCKETS)
		i = LSC_HIST_BUCKETS - 1;
	h->b[i]++;
	h->count++;
	if (v > h->max)
		h->max = v;
}

uint64_t lsc_hist_quantile(const struct lsc_hist *h, double q)
{
	if (h->count == 0)
		return 0;
	if (q < 0)
		q = 0;
	if (q > 1)
		q = 1;
	/* The rank of the value wanted, 1-based: ceil(q * count), at least 1. */
	uint64_t rank = (uint64_t)(q * (double)h->count);
	if ((double)rank < q * (double)h->count)
		rank++;
	if (rank == 0)
		rank = 1;
	if (rank >= h->count)
		return h->max; /* the largest value is known exactly */
	uint64_t seen = 0;
	for (unsigned i = 0; i < LSC_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			uint64_t w, v = bucket_low(i, &w);
			v += w / 2;
			return v < h->max ? v : h->max;
		}
	}
	return h->max;
}
