/* SPDX-License-Identifier: BSD-3-Clause */
/* unit.h: what the cmocka unit tests share: decoding byte arrays exactly as captured. */
#ifndef LAYERSCOPE_TESTS_UNIT_H
#define LAYERSCOPE_TESTS_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <layerscope/decode.h>
#include <layerscope/frame.h>

/*
 * Decodes the first `n` bytes of `bytes` as a frame of link type `dlt`.  The
 * bytes are copied into a heap block of exactly n bytes, so AddressSanitizer
 * catches a decoder that reads one byte past what was captured.  The frame
 * keeps pointing at the copy until test_frame_free().
 */
static inline void test_decode(struct lsc_frame *f, int dlt, const uint8_t *bytes, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);
	assert_non_null(copy);
	memcpy(copy, bytes, n);
	memset(f, 0, sizeof *f);
	f->number = 1;
	f->data = copy;
	f->caplen = (uint32_t)n;
	f->len = (uint32_t)n;
	f->linktype = dlt;
	lsc_decode_frame(f);
}

static inline void test_frame_free(struct lsc_frame *f)
{
	free((void *)f->data);
	f->data = NULL;
}

/* The index of the first layer of `proto`, or -1. */
static inline int test_layer_index(const struct lsc_frame *f, unsigned proto)
{
	for (unsigned i = 0; i < f->nlayers; i++)
		if (f->layers[i].proto == proto)
			return (int)i;
	return -1;
}

static inline const struct lsc_layer *test_layer(const struct lsc_frame *f, unsigned proto)
{
	int i = test_layer_index(f, proto);
	assert_true(i >= 0);
	return &f->layers[i];
}

/*
 * Decodes every prefix of a valid frame.  Each must decode without reading
 * out of bounds (ASan watches), keep every layer inside the capture, and,
 * when the prefix ends inside `proto`'s header [hdr_start, hdr_end), mark
 * that layer truncated as the last decoded one.
 */
static inline void test_truncation_sweep(int dlt, const uint8_t *bytes, size_t n,
                                         unsigned proto, size_t hdr_start, size_t hdr_end)
{
	static struct lsc_frame f;
	for (size_t k = 0; k <= n; k++) {
		test_decode(&f, dlt, bytes, k);
		for (unsigned i = 0; i < f.nlayers; i++) {
			const struct lsc_layer *l = &f.layers[i];
			assert_true(l->offset <= k);
			assert_true(l->cap_len <= k - l->offset);
		}
		if (k > hdr_start && k < hdr_end) {
			int i = test_layer_index(&f, proto);
			assert_true(i >= 0);
			assert_true(f.layers[i].flags & LSC_LF_TRUNCATED);
			assert_non_null(f.layers[i].reason);
		}
		test_frame_free(&f);
	}
}

#endif
