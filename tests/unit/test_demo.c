/* SPDX-License-Identifier: BSD-3-Clause */
/* test_demo.c: the demo's queue (frames and calls merged in time order) and its timeline lines. */
#include <config.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "unit.h"

#include <layerscope/calls.h>
#include <layerscope/demo.h>
#include <layerscope/flow.h>

#include "../../src/demo/demo-int.h"

static struct demo_item *call_at(int64_t ns, const char *text)
{
	struct demo_item *it = calloc(1, sizeof *it);
	assert_non_null(it);
	it->ns = ns;
	snprintf(it->call.role, sizeof it->call.role, "server");
	snprintf(it->call.text, sizeof it->call.text, "%s", text);
	return it;
}

static struct demo_item *frame_at(int64_t ns, uint64_t number)
{
	struct demo_item *it = calloc(1, sizeof *it);
	assert_non_null(it);
	it->frame = true;
	it->ns = ns;
	it->src.number = number;
	it->data = malloc(1);
	return it;
}

/* Calls handed in late are put in place; frames keep capture order; a call goes before a frame of its instant. */
static void test_queue_order(void **state)
{
	(void)state;
	struct demo_queue *q = demo_queue_new();
	struct demo_item **v;
	assert_non_null(q);
	assert_int_equal(demo_queue_push(q, call_at(300, "c300")), 0);
	assert_int_equal(demo_queue_push(q, frame_at(100, 1)), 0);
	assert_int_equal(demo_queue_push(q, call_at(100, "c100")), 0); /* same instant as frame 1 */
	assert_int_equal(demo_queue_push(q, frame_at(250, 2)), 0);
	assert_int_equal(demo_queue_push(q, call_at(50, "c50")), 0);   /* late */
	assert_int_equal(demo_queue_push(q, frame_at(400, 3)), 0);

	/* Only what has settled: stamped at or before the cutoff. */
	size_t n = demo_queue_take(q, 260, &v);
	assert_int_equal(n, 4);
	assert_string_equal(v[0]->call.text, "c50");
	assert_string_equal(v[1]->call.text, "c100");
	assert_true(v[2]->frame && v[2]->src.number == 1);
	assert_true(v[3]->frame && v[3]->src.number == 2);
	for (size_t i = 0; i < n; i++)
		demo_item_free(v[i]);
	free(v);

	assert_int_equal(demo_queue_take(q, 260, &v), 0);
	assert_null(v);
	n = demo_queue_take(q, INT64_MAX, &v);
	assert_int_equal(n, 2);
	assert_string_equal(v[0]->call.text, "c300");
	assert_true(v[1]->frame && v[1]->src.number == 3);
	for (size_t i = 0; i < n; i++)
		demo_item_free(v[i]);
	free(v);
	demo_queue_free(q);
}

/* A SYN on lo, 10.0.0.1:40950 -> 10.0.0.2:8082. */
static const uint8_t syn[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x9f, 0xf6, 0x1f, 0x92, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
	0x50, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
};

/* The timeline names ends by the calls that made them, and puts the layers under the frame. */
static void test_timeline_lines(void **state)
{
	static struct lsc_frame f;
	char *buf = NULL;
	size_t len = 0;
	(void)state;
	FILE *m = open_memstream(&buf, &len);
	assert_non_null(m);
	struct lsc_timeline *tl = lsc_timeline_new(m, false, false);
	struct lsc_flow_tracker *t = lsc_flow_new(16);
	assert_non_null(tl);
	assert_non_null(t);
	test_decode(&f, 1 /* DLT_EN10MB */, syn, sizeof syn);
	f.ts_sec = 1700000000;
	f.ts_nsec = 5000;
	lsc_flow_track(t, &f);

	lsc_timeline_call(tl, 1700000000, 1000, "client 1", "connect(3, 10.0.0.2:8082) = 0");
	lsc_timeline_frame(tl, &f); /* no names yet: the conversation's sides */
	lsc_timeline_name_port(tl, 40950, "client 1");
	lsc_timeline_name_port(tl, 8082, "server");
	lsc_timeline_frame(tl, &f);
	lsc_timeline_free(tl);
	assert_int_equal(fclose(m), 0);

	char want[64];
	struct tm tm;
	time_t sec = 1700000000;
	localtime_r(&sec, &tm);
	strftime(want, sizeof want, "%H:%M:%S.000001  client 1     connect(", &tm);
	assert_non_null(strstr(buf, want));
	/* The program's own call was seen: no mark.  The frame's call is a guess from the wire: marked. */
	assert_non_null(strstr(buf, "  frame 1    client → server  [S] seq=0 · syn · handshake 1/3 · connect()?\n"));
	assert_non_null(strstr(buf, "  frame 1    client 1 → server  [S] seq=0 · syn · handshake 1/3 · connect()?\n"));
	assert_non_null(strstr(buf, "\n                              ETH 02:00:00:00:00:01 → 02:00:00:00:00:02 › "
	                            "IPv4 10.0.0.1 → 10.0.0.2 › TCP 40950 → 8082\n"));
	free(buf);
	lsc_flow_free(t);
	test_frame_free(&f);
}

/* A .calls line read once into what every user of it asks: the call's name, numbers and the port it names. */
static void test_call_parse(void **state)
{
	struct lsc_call c;
	(void)state;
	assert_true(lsc_call_parse("2026-11-25T13:05:13.111280Z client connect(3, 10.1.1.1:8082) = 0 from "
	                           "10.1.1.5:43248\n", &c));
	assert_string_equal(c.role, "client");
	assert_string_equal(c.name, "connect");
	assert_int_equal(c.fd, 3);
	assert_int_equal(c.ret, 0);
	assert_int_equal(c.port, 43248);
	assert_true(c.ns == 1795611913111280000LL);
	assert_true(lsc_call_parse("2026-11-25T13:05:13.1Z server accept(3) = 6 \xe2\x86\x90 [fd00::5]:43250", &c));
	assert_int_equal(c.ret, 6);
	assert_int_equal(c.port, 43250);
	assert_true(lsc_call_parse("2026-11-25T13:05:13.1Z server recv(6, 2048) = 40", &c));
	assert_int_equal(c.fd, 6);
	assert_int_equal(c.arg, 2048);
	assert_int_equal(c.ret, 40);
	assert_int_equal(c.port, 0);
	assert_true(lsc_call_parse("2026-11-25T13:05:13.1Z server sendto(3, 40, 10.1.1.5:35266) = 40", &c));
	assert_int_equal(c.port, 35266);
	assert_true(lsc_call_parse("2026-11-25T13:05:13.1Z server bind(3, [::]:8082) = 0", &c));
	assert_int_equal(c.port, 8082);
	assert_true(lsc_call_parse("2026-11-25T13:05:13.1Z server note: --max-conns 3 reached", &c));
	assert_string_equal(c.name, "");
	assert_false(lsc_call_parse("not a call", &c));
	assert_false(lsc_call_parse("2026-13-99 server close(3) = 0", &c));
	/* a time whose nanoseconds overflow int64_t (past 2262, before 1970) is not one (fuzz_calls found it) */
	assert_false(lsc_call_parse("6250-01-01T00:00:00.0Z server close(3) = 0", &c));
	assert_false(lsc_call_parse("-999-01-01T00:00:00.0Z server close(3) = 0", &c));
	assert_true(lsc_call_parse("2262-01-01T00:00:00.0Z server close(3) = 0", &c));
}

/* Written back as the file's format: the role's first word, microseconds. */
static void test_call_write(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct lsc_call c;
	(void)state;
	assert_non_null(out);
	lsc_calls_write(out, 1795611913111280123LL, "client 2", "close(3) = 0");
	fclose(out);
	assert_string_equal(buf, "2026-11-25T13:05:13.111280Z client close(3) = 0\n");
	assert_true(lsc_call_parse(buf, &c));
	assert_string_equal(c.name, "close");
	free(buf);
}

int main(void)
{
	/* The timeline writes its glyphs in UTF-8 under a UTF-8 locale (ASCII otherwise). */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		fprintf(stderr, "test_demo: the C.UTF-8 locale is missing\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_order),
		cmocka_unit_test(test_timeline_lines),
		cmocka_unit_test(test_call_parse),
		cmocka_unit_test(test_call_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
