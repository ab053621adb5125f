/* SPDX-License-Identifier: BSD-3-Clause */
/* test_ipv4.c: the IPv4 decoder's options: each named with its contents, truncation, impossible lengths. */
#include <config.h>

#include <pcap/dlt.h>
#include <stdio.h>

#include "unit.h"
#include "../../src/decode/decode-int.h"

/* A 60-byte IPv4 header (raw IP) whose 40 option bytes hold one of each kind layerscope names. */
static const uint8_t opts_frame[] = {
	0x4f, 0x00, 0x00, 0x3c, 0x12, 0x34, 0x00, 0x00, 0x40, 0xfd, 0x00, 0x00,
	10, 0, 0, 1, 10, 0, 0, 2,
	7, 11, 8, 10, 0, 0, 1, 0, 0, 0, 0,             /* RR: pointer 8, one address recorded, one free */
	68, 12, 13, 0x10, 0, 0, 0, 5, 0, 0, 0, 0,     /* TS: pointer 13, overflow 1, flag 0, two stamps */
	148, 4, 0, 0,                                 /* router alert 0 */
	131, 7, 4, 192, 168, 1, 1,                    /* LSRR: one hop */
	1, 1, 1, 1, 1,                                /* NOP x5 */
	0,                                            /* EOL */
};

static char *json_of(const struct lsc_frame *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	const struct lsc_renderer *r = lsc_renderer_find("json");
	struct lsc_render_opts ro = { 0 };
	void *st = r->begin(out, &ro);
	r->frame(st, f);
	r->end(st);
	fclose(out);
	return buf;
}

static void test_options_named(void **state)
{
	static struct lsc_frame f;
	(void)state;
	test_decode(&f, DLT_RAW, opts_frame, sizeof opts_frame);
	const struct lsc_ipv4 *ip = &test_layer(&f, LSC_PROTO_IPV4)->u.ipv4;
	assert_int_equal(ip->nopts, 10);
	char *j = json_of(&f);
	static const char *const want[] = {
		"{\"type\":7,\"length\":11,\"name\":\"rr\",\"pointer\":8,\"route\":[\"10.0.0.1\",\"0.0.0.0\"]}",
		"{\"type\":68,\"length\":12,\"name\":\"ts\",\"pointer\":13,\"overflow\":1,\"flag\":0,"
		"\"entries\":[{\"timestamp\":5},{\"timestamp\":0}]}",
		"{\"type\":148,\"length\":4,\"name\":\"ra\",\"value\":0}",
		"{\"type\":131,\"length\":7,\"name\":\"lsrr\",\"pointer\":4,\"route\":[\"192.168.1.1\"]}",
		"{\"type\":1,\"length\":1,\"name\":\"nop\"}",
		"{\"type\":0,\"length\":1,\"name\":\"eol\"}",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (strstr(j, want[i]) == NULL)
			fail_msg("missing %s in %s", want[i], j);
	free(j);
	test_frame_free(&f);
}

/* Timestamps with addresses (flag 1), and lengths impossible for the kind. */
static void test_options_odd(void **state)
{
	static struct lsc_frame f;
	uint8_t p[sizeof opts_frame];
	(void)state;
	memcpy(p, opts_frame, sizeof p);
	p[20 + 11 + 3] = 0x01; /* TS flag 1: (address, timestamp) pairs */
	test_decode(&f, DLT_RAW, p, sizeof p);
	char *j = json_of(&f);
	assert_non_null(strstr(j, "\"flag\":1,\"entries\":[{\"addr\":\"0.0.0.5\",\"timestamp\":0}]"));
	free(j);
	test_frame_free(&f);

	memcpy(p, opts_frame, sizeof p);
	p[20 + 1] = 10;       /* RR of 10 bytes: not 3 + 4n */
	p[20 + 10] = 1;       /* its last byte becomes a NOP */
	test_decode(&f, DLT_RAW, p, sizeof p);
	j = json_of(&f);
	assert_non_null(strstr(j, "{\"type\":7,\"length\":10,\"name\":\"rr\",\"error\":\"length impossible for this kind\"}"));
	free(j);
	test_frame_free(&f);
}

static void test_options_truncation(void **state)
{
	(void)state;
	test_truncation_sweep(DLT_RAW, opts_frame, sizeof opts_frame, LSC_PROTO_IPV4, 0, 60);
	/* Every prefix renders without reading past what was captured (ASan watches the copy). */
	for (size_t n = 0; n <= sizeof opts_frame; n++) {
		static struct lsc_frame f;
		test_decode(&f, DLT_RAW, opts_frame, n);
		free(json_of(&f));
		test_frame_free(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_named),
		cmocka_unit_test(test_options_odd),
		cmocka_unit_test(test_options_truncation),
	};
	return cmocka_run_group_tests_name("ipv4", tests, NULL, NULL);
}
