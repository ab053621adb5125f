/* SPDX-License-Identifier: BSD-3-Clause */
/* decode-test.h: helpers the decoder unit tests share on top of unit.h: damage reasons and JSON text. */
#ifndef LAYERSCOPE_TESTS_DECODE_TEST_H
#define LAYERSCOPE_TESTS_DECODE_TEST_H

#include <stdio.h>

#include <layerscope/render.h>
#include <layerscope/strbuf.h>

#include "unit.h"

/*
 * Decodes `n` bytes and checks that the first layer of `proto` carries
 * `flag` (LSC_LF_TRUNCATED or LSC_LF_MALFORMED) with exactly `reason`, and
 * that only a payload follows it.
 */
static inline void test_expect_damage(int dlt, const uint8_t *bytes, size_t n, unsigned proto,
                                      unsigned flag, const char *reason)
{
	static struct lsc_frame f;
	test_decode(&f, dlt, bytes, n);
	const struct lsc_layer *l = test_layer(&f, proto);
	assert_true(l->flags & flag);
	assert_non_null(l->reason);
	assert_string_equal(l->reason, reason);
	for (const struct lsc_layer *q = l + 1; q < f.layers + f.nlayers; q++)
		assert_int_equal(q->proto, LSC_PROTO_PAYLOAD);
	test_frame_free(&f);
}

/* Renders a decoded frame with the json renderer; the caller frees the text. */
static inline char *test_json(const struct lsc_frame *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_non_null(out);
	const struct lsc_renderer *r = lsc_renderer_find("json");
	assert_non_null(r);
	struct lsc_render_opts o = { 0 };
	void *st = r->begin(out, &o);
	assert_non_null(st);
	r->frame(st, f);
	assert_int_equal(r->end(st), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

/* Asserts that the frame's JSON contains `needle`. */
static inline void test_json_has(const struct lsc_frame *f, const char *needle)
{
	char *text = test_json(f);
	if (strstr(text, needle) == NULL)
		fail_msg("JSON lacks %s in %s", needle, text);
	free(text);
}

/* Asserts the one-line summary of layer `i`. */
static inline void test_summary_is(const struct lsc_frame *f, unsigned i, const char *want)
{
	char buf[256];
	struct lsc_strbuf b;
	assert_true(i < f->nlayers);
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_proto_get(f->layers[i].proto)->summary(&b, f, &f->layers[i]);
	assert_string_equal(buf, want);
}

/* A heap copy of `bytes` to edit before decoding; free() it. */
static inline uint8_t *test_copy(const uint8_t *bytes, size_t n)
{
	uint8_t *p = malloc(n);
	assert_non_null(p);
	memcpy(p, bytes, n);
	return p;
}

#endif
