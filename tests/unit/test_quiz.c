/* SPDX-License-Identifier: BSD-3-Clause */
/* test_quiz.c: the quiz generator: each kind asked only where the capture holds its situation; replies judged; draws repeatable. */
#include <config.h>

#include <stdio.h>

#include <layerscope/flow.h>
#include <layerscope/calls.h>
#include <layerscope/quiz.h>

#include "unit.h"

#define CLIENT 0x0a010105u /* 10.1.1.5 */
#define SERVER 0x0a010101u /* 10.1.1.1 */

enum { S = 0x02, A = 0x10, F = 0x01, R = 0x04, P = 0x08 };

/* A session of frames decoded and tracked for real, fed to a quiz. */
struct session {
	struct lsc_flow_tracker *t;
	struct lsc_quiz *q;
	uint64_t number;
	int64_t ns;
};

static void start(struct session *s)
{
	s->t = lsc_flow_new(0);
	s->q = lsc_quiz_new();
	assert_non_null(s->t);
	assert_non_null(s->q);
	s->number = 0;
	s->ns = 1000000000;
}

static void finish(struct session *s)
{
	lsc_flow_free(s->t);
	lsc_quiz_free(s->q);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Ethernet + IPv4 + TCP (20 bytes) or UDP, `len` payload bytes, decoded, tracked and fed. */
static void frame(struct session *s, bool c2s, bool tcp, uint16_t cport, uint16_t sport, uint8_t flags,
                  uint32_t seq, uint32_t ack, size_t len)
{
	uint8_t b[14 + 20 + 20 + 256] = { 0 };
	size_t l4 = tcp ? 20 : 8, total = 14 + 20 + l4 + len;
	assert_true(len <= 256);
	uint8_t cmac[6] = { 2, 0, 0, 0, 0, 5 }, smac[6] = { 2, 0, 0, 0, 0, 1 };
	memcpy(b, c2s ? smac : cmac, 6);
	memcpy(b + 6, c2s ? cmac : smac, 6);
	put16(b + 12, 0x0800);
	b[14] = 0x45;
	put16(b + 16, (uint16_t)(total - 14));
	b[22] = 64;
	b[23] = tcp ? 6 : 17;
	put32(b + 26, c2s ? CLIENT : SERVER);
	put32(b + 30, c2s ? SERVER : CLIENT);
	uint8_t *t = b + 34;
	put16(t, c2s ? cport : sport);
	put16(t + 2, c2s ? sport : cport);
	if (tcp) {
		put32(t + 4, seq);
		put32(t + 8, ack);
		t[12] = 0x50;
		t[13] = flags;
		put16(t + 14, 64000);
	} else {
		put16(t + 4, (uint16_t)(8 + len));
	}
	memset(b + 34 + l4, 'x', len);
	struct lsc_frame *f = calloc(1, sizeof *f);
	assert_non_null(f);
	test_decode(f, 1 /* DLT_EN10MB */, b, total);
	f->number = ++s->number;
	s->ns += 1000000;
	f->ts_sec = s->ns / 1000000000;
	f->ts_nsec = (uint32_t)(s->ns % 1000000000);
	lsc_flow_track(s->t, f);
	lsc_quiz_frame(s->q, f);
	test_frame_free(f);
	free(f);
}

/* A whole TCP exchange: handshake, `len` bytes each way, the client closes first. */
static void exchange(struct session *s, uint16_t cport, uint16_t sport, size_t len)
{
	uint32_t c = 1000, v = 5000;
	frame(s, true, true, cport, sport, S, c, 0, 0);
	frame(s, false, true, cport, sport, S | A, v, c + 1, 0);
	frame(s, true, true, cport, sport, A, c + 1, v + 1, 0);
	frame(s, true, true, cport, sport, P | A, c + 1, v + 1, len);
	frame(s, false, true, cport, sport, A, v + 1, c + 1 + (uint32_t)len, 0);
	frame(s, false, true, cport, sport, P | A, v + 1, c + 1 + (uint32_t)len, len);
	frame(s, true, true, cport, sport, A, c + 1 + (uint32_t)len, v + 1 + (uint32_t)len, 0);
	frame(s, true, true, cport, sport, F | A, c + 1 + (uint32_t)len, v + 1 + (uint32_t)len, 0);
	frame(s, false, true, cport, sport, F | A, v + 1 + (uint32_t)len, c + 2 + (uint32_t)len, 0);
	frame(s, true, true, cport, sport, A, c + 2 + (uint32_t)len, v + 2 + (uint32_t)len, 0);
}

static struct lsc_quiz_q qs[64];

static size_t draw(struct session *s)
{
	return lsc_quiz_draw(s->q, 64, 1, false, qs);
}

static const struct lsc_quiz_q *find(size_t n, const char *kind)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(qs[i].kind, kind) == 0)
			return &qs[i];
	return NULL;
}

static void test_exchange(void **state)
{
	(void)state;
	struct session s;
	start(&s);
	exchange(&s, 43000, 8082, 40);
	size_t n = draw(&s);
	const struct lsc_quiz_q *q;

	assert_non_null(q = find(n, "handshake-complete"));
	assert_int_equal(q->frame, 3);
	assert_string_equal(q->path, "flow.event");
	assert_string_equal(q->value, "\"handshake-ack\"");
	assert_non_null(q = find(n, "syn-ack-before-accept"));
	assert_int_equal(q->number, 2);
	assert_non_null(q = find(n, "ephemeral-port"));
	assert_int_equal(q->number, 43000);
	assert_string_equal(q->path, "layers[tcp].sport");
	assert_int_equal(q->frame, 1);
	assert_non_null(q = find(n, "client-address"));
	assert_string_equal(q->answer, "10.1.1.5");
	assert_string_equal(q->path, "layers[ipv4].src");
	assert_non_null(q = find(n, "recv-bytes"));
	assert_int_equal(q->number, 40);
	assert_int_equal(q->frame, 4);
	assert_string_equal(q->path, "layers[tcp].payload_length");
	assert_non_null(q = find(n, "teardown-start"));
	assert_int_equal(q->frame, 8);
	assert_string_equal(q->value, "\"c2s\"");
	assert_non_null(q = find(n, "mac-layer"));
	assert_string_equal(q->value, "\"link\"");
	assert_non_null(q = find(n, "ip-layer"));

	/* not in this capture: no question */
	assert_null(find(n, "refused"));
	assert_null(find(n, "retransmission"));
	assert_null(find(n, "udp-unanswered"));
	assert_null(find(n, "conversations")); /* one conversation only */
	assert_null(find(n, "service-port"));  /* 8082 is no well-known port */
	finish(&s);
}

static void test_refused(void **state)
{
	(void)state;
	struct session s;
	start(&s);
	frame(&s, true, true, 43001, 8082, S, 1000, 0, 0);
	frame(&s, false, true, 43001, 8082, R | A, 0, 1001, 0);
	size_t n = draw(&s);
	const struct lsc_quiz_q *q = find(n, "refused");
	assert_non_null(q);
	assert_int_equal(q->frame, 2);
	assert_string_equal(q->value, "\"rst\"");
	assert_null(find(n, "handshake-complete"));
	assert_null(find(n, "syn-ack-before-accept"));
	assert_null(find(n, "teardown-start"));
	assert_non_null(find(n, "ephemeral-port")); /* connect() chose it */
	finish(&s);
}

static void test_retransmission(void **state)
{
	(void)state;
	struct session s;
	start(&s);
	frame(&s, true, true, 43002, 8082, S, 1000, 0, 0);
	frame(&s, false, true, 43002, 8082, S | A, 5000, 1001, 0);
	frame(&s, true, true, 43002, 8082, A, 1001, 5001, 0);
	frame(&s, true, true, 43002, 8082, P | A, 1001, 5001, 40);
	frame(&s, true, true, 43002, 8082, P | A, 1001, 5001, 40); /* sent again */
	size_t n = draw(&s);
	const struct lsc_quiz_q *q = find(n, "retransmission");
	assert_non_null(q);
	assert_int_equal(q->frame, 5);
	assert_non_null(strstr(q->explanation, "frame 4"));
	/* the situation the capture was made for comes first, whatever the seed */
	for (uint64_t seed = 0; seed < 10; seed++) {
		assert_int_equal(lsc_quiz_draw(s.q, 1, seed, false, qs), 1);
		assert_string_equal(qs[0].kind, "retransmission");
	}
	finish(&s);
}

static void test_udp(void **state)
{
	(void)state;
	struct session s;
	start(&s);
	frame(&s, true, false, 40000, 8082, 0, 0, 0, 40);
	frame(&s, false, false, 40000, 8082, 0, 0, 0, 40);
	frame(&s, true, false, 40001, 8082, 0, 0, 0, 40); /* no answer */
	size_t n = draw(&s);
	const struct lsc_quiz_q *q = find(n, "udp-unanswered");
	assert_non_null(q);
	assert_int_equal(q->frame, 3);
	assert_non_null(q = find(n, "recv-bytes"));
	assert_int_equal(q->frame, 1); /* the answered one: a server read it */
	assert_string_equal(q->path, "layers[payload].length");
	assert_non_null(q = find(n, "conversations"));
	assert_int_equal(q->number, 2);
	assert_null(find(n, "handshake-complete"));
	assert_null(find(n, "teardown-start"));
	finish(&s);
}

static void test_services(void **state)
{
	(void)state;
	struct session s;
	start(&s);
	exchange(&s, 43010, 23, 8);
	exchange(&s, 43011, 21, 8);
	size_t n = lsc_quiz_draw(s.q, 64, 1, false, qs);
	int seen = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(qs[i].kind, "service-port") != 0)
			continue;
		seen++;
		if (strcmp(qs[i].answer, "telnet") == 0) {
			assert_non_null(strstr(qs[i].explanation, "21")); /* FTP is 21, said gently */
			assert_true(lsc_quiz_check(&qs[i], "telnet"));
			assert_false(lsc_quiz_check(&qs[i], "ftp"));
		} else {
			assert_string_equal(qs[i].answer, "ftp");
			assert_non_null(strstr(qs[i].explanation, "telnet"));
		}
	}
	assert_int_equal(seen, 2);
	finish(&s);
}

static void test_nothing(void **state)
{
	(void)state;
	struct session s;
	start(&s);
	size_t n = draw(&s);
	assert_int_equal(n, 0);
	assert_non_null(strstr(lsc_quiz_empty_why(s.q), "no frame"));
	/* an ARP-only capture: frames, but no conversation */
	static const uint8_t arp[42] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 5, 0x08, 0x06,
		                         0, 1, 8, 0, 6, 4, 0, 1 };
	struct lsc_frame f;
	test_decode(&f, 1, arp, sizeof arp);
	lsc_flow_track(s.t, &f);
	lsc_quiz_frame(s.q, &f);
	test_frame_free(&f);
	assert_int_equal(draw(&s), 0);
	assert_non_null(strstr(lsc_quiz_empty_why(s.q), "no TCP or UDP conversation"));
	finish(&s);
}

static void test_check(void **state)
{
	(void)state;
	struct lsc_quiz_q q = { .match = LSC_QUIZ_NUMBER, .number = 5 };
	assert_true(lsc_quiz_check(&q, "5"));
	assert_true(lsc_quiz_check(&q, "frame 5"));
	assert_true(lsc_quiz_check(&q, "Frame 5.\n"));
	assert_true(lsc_quiz_check(&q, "quadro 5"));
	assert_false(lsc_quiz_check(&q, "4"));
	assert_false(lsc_quiz_check(&q, "4 or 5")); /* a guess is not an answer */
	assert_false(lsc_quiz_check(&q, ""));
	assert_false(lsc_quiz_check(&q, "55"));

	struct lsc_quiz_q side = { .match = LSC_QUIZ_FRAME_SIDE, .number = 10,
		                   .words = { "client", "cliente" }, .wrong = { "server", "servidor" } };
	assert_true(lsc_quiz_check(&side, "10 client"));
	assert_true(lsc_quiz_check(&side, "frame 10, o cliente"));
	assert_false(lsc_quiz_check(&side, "10 server"));
	assert_false(lsc_quiz_check(&side, "10"));
	assert_false(lsc_quiz_check(&side, "11 client"));

	struct lsc_quiz_q layer = { .match = LSC_QUIZ_WORD, .words = { "link", "enlace" },
		                    .wrong = { "network", "rede" } };
	assert_true(lsc_quiz_check(&layer, "the link layer"));
	assert_true(lsc_quiz_check(&layer, "Camada de ENLACE"));
	assert_false(lsc_quiz_check(&layer, "link or network"));
	assert_false(lsc_quiz_check(&layer, "linked"));

	struct lsc_quiz_q addr = { .match = LSC_QUIZ_WORD, .words = { "10.1.1.5" }, .wrong = { "10.1.1.1" } };
	assert_true(lsc_quiz_check(&addr, "10.1.1.5."));
	assert_false(lsc_quiz_check(&addr, "10.1.1.1"));
}

static void test_draw(void **state)
{
	(void)state;
	struct session s;
	start(&s);
	exchange(&s, 43020, 8082, 40);
	exchange(&s, 43021, 8082, 40);
	exchange(&s, 43022, 8082, 40);
	struct lsc_quiz_q a[6], b[6];
	size_t na = lsc_quiz_draw(s.q, 6, 7, false, a);
	size_t nb = lsc_quiz_draw(s.q, 6, 7, false, b);
	assert_int_equal(na, 6);
	assert_int_equal(nb, 6);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(a[i].question, b[i].question); /* the same seed, the same quiz */
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(a[i].kind, a[j].kind); /* one of a kind before a second */
	}
	/* every seed asks in the course's order */
	for (uint64_t seed = 0; seed < 20; seed++) {
		size_t n = lsc_quiz_draw(s.q, 6, seed, false, a);
		for (size_t i = 1; i < n; i++) {
			unsigned ki = 0, kj = 0;
			for (unsigned k = 0; k < lsc_quiz_kind_count(); k++) {
				if (strcmp(lsc_quiz_kind_name(k), a[i].kind) == 0)
					ki = k;
				if (strcmp(lsc_quiz_kind_name(k), a[i - 1].kind) == 0)
					kj = k;
			}
			assert_true(kj <= ki);
		}
	}
	finish(&s);
}

static void test_calls(void **state)
{
	(void)state;
	struct session s;
	start(&s);
	exchange(&s, 43030, 8082, 40);
	static const char *const lines[] = {
		"2026-11-25T13:05:13.1Z server accept(3) = 6 \xe2\x86\x90 10.1.1.5:43030\n",
		"2026-11-25T13:05:13.2Z client recv(3, 16) = 16\n", /* the client's: not this */
		"2026-11-25T13:05:13.3Z server recv(6, 2048) = 40\n",
	};
	for (size_t i = 0; i < 3; i++) {
		struct lsc_call c;
		assert_true(lsc_call_parse(lines[i], &c));
		lsc_quiz_call(s.q, &c);
	}
	size_t n = draw(&s);
	const struct lsc_quiz_q *q = find(n, "recv-bytes");
	assert_non_null(q);
	assert_non_null(strstr(q->question, "first recv() return"));
	assert_non_null(strstr(q->explanation, "recv(6, 2048)"));
	assert_int_equal(q->number, 40);
	finish(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exchange), cmocka_unit_test(test_refused),
		cmocka_unit_test(test_retransmission), cmocka_unit_test(test_udp),
		cmocka_unit_test(test_services), cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_check), cmocka_unit_test(test_draw),
		cmocka_unit_test(test_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
