/* SPDX-License-Identifier: BSD-3-Clause */
/* test_echo.c: the echo pair's parts: the bounded echo buffer and back-pressure, the narrator, latency, the loop. */
#include <config.h>

#include <errno.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <layerscope/strbuf.h>

#include "unit.h"
#include "../../src/echo/echo-int.h"
#include "../../src/echo/evloop.h"

/* ---- the echo buffer ---------------------------------------------------- */

static void test_ebuf_lazy(void **state)
{
	struct lsc_ebuf b;
	(void)state;
	lsc_ebuf_init(&b, 64);
	assert_null(b.data); /* nothing waits: nothing held */
	assert_int_equal(lsc_ebuf_room(&b), 64);
	assert_int_equal(lsc_ebuf_append(&b, "abc", 3), 0);
	assert_non_null(b.data);
	assert_int_equal(lsc_ebuf_pending(&b), 3);
	assert_memory_equal(lsc_ebuf_head(&b), "abc", 3);
	lsc_ebuf_consume(&b, 3);
	assert_null(b.data); /* the last byte out gives the storage back */
	assert_int_equal(lsc_ebuf_pending(&b), 0);
	lsc_ebuf_free(&b);
}

static void test_ebuf_bounded(void **state)
{
	struct lsc_ebuf b;
	uint8_t big[100];
	(void)state;
	memset(big, 'x', sizeof big);
	lsc_ebuf_init(&b, 64);
	assert_int_equal(lsc_ebuf_append(&b, big, 65), -1); /* more than the cap: refused whole */
	assert_int_equal(lsc_ebuf_pending(&b), 0);
	assert_int_equal(lsc_ebuf_append(&b, big, 60), 0);
	assert_int_equal(lsc_ebuf_room(&b), 4);
	assert_null(lsc_ebuf_tail(&b, 5));
	assert_int_equal(lsc_ebuf_append(&b, big, 5), -1);
	assert_int_equal(lsc_ebuf_append(&b, big, 4), 0);
	assert_int_equal(lsc_ebuf_room(&b), 0);
	assert_int_equal(lsc_ebuf_pending(&b), 64);
	lsc_ebuf_free(&b);
}

/* Bytes leave from the front and arrive at the back; the order survives the slide to the front. */
static void test_ebuf_order_after_slide(void **state)
{
	struct lsc_ebuf b;
	uint8_t in[16];
	uint8_t next_in = 0, next_out = 0;
	(void)state;
	lsc_ebuf_init(&b, 32);
	for (int round = 0; round < 200; round++) {
		size_t n = (size_t)(round % 7) + 5;
		if (n > lsc_ebuf_room(&b))
			n = lsc_ebuf_room(&b);
		for (size_t i = 0; i < n; i++)
			in[i] = next_in++;
		assert_int_equal(lsc_ebuf_append(&b, in, n), 0);
		size_t take = (size_t)(round % 5) + 3;
		if (take > lsc_ebuf_pending(&b))
			take = lsc_ebuf_pending(&b);
		const uint8_t *h = lsc_ebuf_head(&b);
		for (size_t i = 0; i < take; i++)
			assert_int_equal(h[i], next_out++);
		lsc_ebuf_consume(&b, take);
		assert_true(b.off + b.len <= b.cap);
	}
	lsc_ebuf_free(&b);
}

static void test_ebuf_tail_commit(void **state)
{
	struct lsc_ebuf b;
	(void)state;
	lsc_ebuf_init(&b, 16);
	assert_int_equal(lsc_ebuf_append(&b, "0123456789", 10), 0);
	lsc_ebuf_consume(&b, 8);                 /* "89" left at offset 8 */
	uint8_t *t = lsc_ebuf_tail(&b, 12);      /* 8 + 2 + 12 > 16: slides */
	assert_non_null(t);
	assert_int_equal(b.off, 0);
	memcpy(t, "abcdefghijkl", 12);
	lsc_ebuf_commit(&b, 12);
	assert_int_equal(lsc_ebuf_pending(&b), 14);
	assert_memory_equal(lsc_ebuf_head(&b), "89abcdefghijkl", 14);
	lsc_ebuf_free(&b);
}

/* The rule: read while a whole read fits; once paused, wait for the drain to a quarter. */
static void test_backpressure_rule(void **state)
{
	struct lsc_ebuf b;
	uint8_t block[2048] = { 0 };
	(void)state;
	lsc_ebuf_init(&b, 8192);
	assert_true(lsc_ebuf_should_read(&b, true, 2048));
	for (int i = 0; i < 3; i++)
		assert_int_equal(lsc_ebuf_append(&b, block, 2048), 0);
	assert_true(lsc_ebuf_should_read(&b, true, 2048));   /* 6144 held, room 2048: one more read fits */
	assert_int_equal(lsc_ebuf_append(&b, block, 1), 0);
	assert_false(lsc_ebuf_should_read(&b, true, 2048));  /* room 2047: pause */
	lsc_ebuf_consume(&b, 4000);                          /* 2145 left: room again, but above the low mark */
	assert_false(lsc_ebuf_should_read(&b, false, 2048));
	lsc_ebuf_consume(&b, 2145 - 2048);                   /* 2048 = cap / 4: resume */
	assert_true(lsc_ebuf_should_read(&b, false, 2048));
	lsc_ebuf_free(&b);
	assert_true(lsc_ebuf_should_read(&b, false, 2048));  /* empty */
}

/*
 * A peer that never reads, as the server meets it: every read is appended
 * because nothing can be sent, until the rule stops reading.  The buffer
 * never passes its cap however long the peer keeps sending.
 */
static void test_backpressure_nonreader(void **state)
{
	struct lsc_ebuf b;
	uint8_t block[2048];
	bool reading = true;
	int reads = 0, pauses = 0;
	(void)state;
	memset(block, 7, sizeof block);
	lsc_ebuf_init(&b, LSC_ECHO_BUF_CAP);
	for (int tick = 0; tick < 1000; tick++) {
		if (reading) {
			assert_true(lsc_ebuf_room(&b) >= sizeof block);
			assert_int_equal(lsc_ebuf_append(&b, block, sizeof block), 0);
			reads++;
		}
		bool next = lsc_ebuf_should_read(&b, reading, sizeof block);
		pauses += reading && !next;
		reading = next;
		assert_true(lsc_ebuf_pending(&b) <= LSC_ECHO_BUF_CAP);
	}
	assert_false(reading);
	assert_int_equal(pauses, 1);
	assert_int_equal(reads, LSC_ECHO_BUF_CAP / 2048); /* 8 reads fill 16 KiB, then nothing more */
	lsc_ebuf_free(&b);
}

/* ---- the narrator ----------------------------------------------------------- */

static void set_v4(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	memset(ss, 0, sizeof *ss);
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, ip, &s4->sin_addr), 1);
}

static void set_v6(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof *ss);
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	assert_int_equal(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
}

static void ev_make(struct lsc_explain_event *ev, enum lsc_sockcall call, int fd, long long result)
{
	memset(ev, 0, sizeof *ev);
	ev->sec = 1700000000; /* 2023-11-14T22:13:20Z */
	ev->nsec = 123456789;
	ev->call = call;
	ev->fd = fd;
	ev->result = result;
}

static void assert_text(const struct lsc_explain_event *ev, const char *want)
{
	char buf[256];
	size_t n = lsc_explain_call_text(ev, buf, sizeof buf);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_explain_text_calls(void **state)
{
	struct lsc_explain_event ev;
	(void)state;
	ev_make(&ev, LSC_ECHO_CALL_SOCKET, -1, 3);
	ev.family = AF_INET6;
	ev.type = SOCK_STREAM | SOCK_NONBLOCK;
	assert_text(&ev, "socket(AF_INET6, SOCK_STREAM|SOCK_NONBLOCK) = 3");

	ev_make(&ev, LSC_ECHO_CALL_BIND, 3, 0);
	set_v6(&ev.addr, "::", 8082);
	assert_text(&ev, "bind(3, [::]:8082) = 0");

	ev_make(&ev, LSC_ECHO_CALL_LISTEN, 3, 0);
	ev.arg = 128;
	assert_text(&ev, "listen(3, 128) = 0");

	ev_make(&ev, LSC_ECHO_CALL_ACCEPT, 3, 4);
	set_v4(&ev.addr, "127.0.0.1", 42006);
	assert_text(&ev, "accept(3) = 4 ← 127.0.0.1:42006");

	ev_make(&ev, LSC_ECHO_CALL_RECV, 4, 5);
	ev.len = 2048;
	assert_text(&ev, "recv(4, 2048) = 5");
	ev.result = 0;
	assert_text(&ev, "recv(4, 2048) = 0 (peer closed)");

	ev_make(&ev, LSC_ECHO_CALL_SEND, 4, 5);
	ev.len = 5;
	assert_text(&ev, "send(4, 5) = 5");
	ev.result = 2;
	assert_text(&ev, "send(4, 5) = 2 (partial: the rest waits)");

	ev_make(&ev, LSC_ECHO_CALL_CLOSE, 4, 0);
	assert_text(&ev, "close(4) = 0");

	ev_make(&ev, LSC_ECHO_CALL_SHUTDOWN, 4, 0);
	ev.arg = SHUT_WR;
	assert_text(&ev, "shutdown(4, SHUT_WR) = 0");

	ev_make(&ev, LSC_ECHO_CALL_SETSOCKOPT, 3, 0);
	ev.opt = "SO_REUSEADDR";
	ev.arg = 1;
	assert_text(&ev, "setsockopt(3, SO_REUSEADDR, 1) = 0");
}

static void test_explain_text_results(void **state)
{
	struct lsc_explain_event ev;
	(void)state;
	ev_make(&ev, LSC_ECHO_CALL_CONNECT, 3, -1);
	ev.err = ECONNREFUSED;
	set_v4(&ev.addr, "127.0.0.1", 8082);
	assert_text(&ev, "connect(3, 127.0.0.1:8082) = -1 ECONNREFUSED (Connection refused)");

	ev_make(&ev, LSC_ECHO_CALL_CONNECT, 3, 0);
	set_v6(&ev.addr, "::1", 8082);
	set_v6(&ev.local, "::1", 50000);
	assert_text(&ev, "connect(3, [::1]:8082) = 0 from [::1]:50000");

	ev_make(&ev, LSC_ECHO_CALL_RECV, 4, -1);
	ev.len = 16;
	ev.err = EAGAIN;
	assert_text(&ev, "recv(4, 16) = -1 EAGAIN (would block: try again when ready)");

	ev_make(&ev, LSC_ECHO_CALL_RECVFROM, 3, 5);
	ev.len = 65536;
	set_v4(&ev.addr, "10.0.0.2", 5000);
	assert_text(&ev, "recvfrom(3, 65536) = 5 ← 10.0.0.2:5000");

	ev_make(&ev, LSC_ECHO_CALL_SENDTO, 3, 5);
	ev.len = 5;
	set_v4(&ev.addr, "10.0.0.2", 5000);
	assert_text(&ev, "sendto(3, 5, 10.0.0.2:5000) = 5");

	ev_make(&ev, LSC_ECHO_CALL_GETADDRINFO, -1, 2);
	ev.name = "localhost";
	ev.arg = 8082;
	assert_text(&ev, "getaddrinfo(\"localhost\", \"8082\") = 2 addresses");
	ev.result = -1;
	ev.note = "Name or service not known";
	assert_text(&ev, "getaddrinfo(\"localhost\", \"8082\") = error (Name or service not known)");

	ev_make(&ev, LSC_ECHO_CALL_NOTE, 4, 0);
	ev.note = "stop reading fd 4";
	assert_text(&ev, "note: stop reading fd 4");

	/* A cut never overflows and stays terminated. */
	char small[8];
	ev_make(&ev, LSC_ECHO_CALL_CLOSE, 4, 0);
	lsc_explain_call_text(&ev, small, sizeof small);
	assert_string_equal(small, "close(4");
}

static char *write_to_string(enum lsc_explain_format fmt, const char *role, const struct lsc_explain_event *ev)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	assert_non_null(f);
	lsc_explain_write(f, fmt, role, true, ev);
	fclose(f);
	return buf;
}

static void test_explain_write_text(void **state)
{
	struct lsc_explain_event ev;
	(void)state;
	ev_make(&ev, LSC_ECHO_CALL_ACCEPT, 3, 4);
	set_v4(&ev.addr, "127.0.0.1", 42006);
	char *s = write_to_string(LSC_EXPLAIN_TEXT, "server", &ev);
	/* The clock of the frames' line format, microseconds; here in UTC (--utc). */
	assert_string_equal(s, "22:13:20.123456 server accept(3) = 4 ← 127.0.0.1:42006\n");
	free(s);

	/* Local time by default: São Paulo is three hours behind UTC (no summer time since 2019). */
	if (access("/usr/share/zoneinfo/America/Sao_Paulo", R_OK) != 0)
		return; /* no tzdata: the zone would read as UTC (tests/integration/clock.sh says SKIP) */
	char *buf = NULL;
	size_t n = 0;
	const char *tz = getenv("TZ");
	char *was = tz != NULL ? strdup(tz) : NULL;
	setenv("TZ", "America/Sao_Paulo", 1);
	FILE *f = open_memstream(&buf, &n);
	assert_non_null(f);
	lsc_explain_write(f, LSC_EXPLAIN_TEXT, "server", false, &ev);
	lsc_explain_write(f, LSC_EXPLAIN_JSON, "server", false, &ev); /* JSON stays UTC */
	fclose(f);
	if (was != NULL)
		setenv("TZ", was, 1);
	else
		unsetenv("TZ");
	free(was);
	assert_non_null(strstr(buf, "19:13:20.123456 server accept(3)"));
	assert_non_null(strstr(buf, "\"ts\":\"2023-11-14T22:13:20.123456Z\""));
	free(buf);
}

static void test_explain_write_json(void **state)
{
	struct lsc_explain_event ev;
	(void)state;
	ev_make(&ev, LSC_ECHO_CALL_ACCEPT, 3, 4);
	set_v4(&ev.addr, "127.0.0.1", 42006);
	set_v4(&ev.local, "127.0.0.1", 8082);
	char *s = write_to_string(LSC_EXPLAIN_JSON, "server", &ev);
	assert_string_equal(s,
		"{\"ts\":\"2023-11-14T22:13:20.123456Z\",\"role\":\"server\",\"call\":\"accept\",\"fd\":3,"
		"\"result\":4,\"peer\":{\"ip\":\"127.0.0.1\",\"port\":42006},"
		"\"local\":{\"ip\":\"127.0.0.1\",\"port\":8082},"
		"\"text\":\"accept(3) = 4 ← 127.0.0.1:42006\"}\n");
	free(s);

	ev_make(&ev, LSC_ECHO_CALL_RECV, 4, -1);
	ev.len = 2048;
	ev.err = ECONNRESET;
	s = write_to_string(LSC_EXPLAIN_JSON, "client \"2\"", &ev);
	assert_string_equal(s,
		"{\"ts\":\"2023-11-14T22:13:20.123456Z\",\"role\":\"client \\\"2\\\"\",\"call\":\"recv\",\"fd\":4,"
		"\"result\":-1,\"errno\":\"ECONNRESET\",\"len\":2048,"
		"\"text\":\"recv(4, 2048) = -1 ECONNRESET (Connection reset by peer)\"}\n");
	free(s);

	ev_make(&ev, LSC_ECHO_CALL_SOCKET, -1, 3);
	ev.family = AF_INET;
	ev.type = SOCK_DGRAM;
	s = write_to_string(LSC_EXPLAIN_JSON, "client", &ev);
	assert_string_equal(s,
		"{\"ts\":\"2023-11-14T22:13:20.123456Z\",\"role\":\"client\",\"call\":\"socket\",\"result\":3,"
		"\"family\":\"AF_INET\",\"type\":\"SOCK_DGRAM\",\"text\":\"socket(AF_INET, SOCK_DGRAM) = 3\"}\n");
	free(s);
}

struct hook_seen {
	int calls;
	enum lsc_sockcall last;
	int64_t sec;
};

static void hook(void *ctx, const struct lsc_explain_event *ev)
{
	struct hook_seen *h = ctx;
	h->calls++;
	h->last = ev->call;
	h->sec = ev->sec;
}

/* Emitting stamps an unstamped event on the wall clock and reaches both the hook and the stream. */
static void test_explain_emit(void **state)
{
	struct lsc_explain ex;
	struct lsc_explain_event ev;
	struct hook_seen seen = { 0 };
	char *buf = NULL;
	size_t n = 0;
	(void)state;
	FILE *f = open_memstream(&buf, &n);
	assert_non_null(f);
	lsc_explain_init(&ex, f, LSC_EXPLAIN_TEXT, "server");
	ex.hook = hook;
	ex.hook_ctx = &seen;
	memset(&ev, 0, sizeof ev);
	ev.call = LSC_ECHO_CALL_CLOSE;
	ev.fd = 9;
	time_t before = time(NULL);
	lsc_explain_emit(&ex, &ev);
	fclose(f);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.last, LSC_ECHO_CALL_CLOSE);
	assert_true(seen.sec >= before && seen.sec <= time(NULL));
	assert_non_null(strstr(buf, " server close(9) = 0\n"));
	assert_int_equal(buf[2], ':');
	assert_int_equal(buf[8], '.'); /* HH:MM:SS.uuuuuu, the line format's clock */
	assert_int_equal(buf[15], ' ');
	free(buf);
	lsc_explain_emit(NULL, &ev); /* no narrator: nothing, no crash */

	enum lsc_explain_format fmt;
	assert_int_equal(lsc_explain_parse_format("json", &fmt), 0);
	assert_int_equal(fmt, LSC_EXPLAIN_JSON);
	assert_int_equal(lsc_explain_parse_format("text", &fmt), 0);
	assert_int_equal(fmt, LSC_EXPLAIN_TEXT);
	assert_int_equal(lsc_explain_parse_format("xml", &fmt), -1);
}

static void test_escape(void **state)
{
	char out[64];
	struct lsc_strbuf b;
	(void)state;
	lsc_sb_init(&b, out, sizeof out);
	lsc_echo_escape(&b, (const uint8_t *)"hi\n\"x\\\x01\xff", 8, 100);
	assert_string_equal(out, "hi\\n\\\"x\\\\\\x01\\xff");
	lsc_sb_init(&b, out, sizeof out);
	lsc_echo_escape(&b, (const uint8_t *)"abcdef", 6, 3);
	assert_string_equal(out, "abc...");
}

static void test_addr_text(void **state)
{
	struct sockaddr_storage ss;
	char t[LSC_ADDR_TEXT];
	(void)state;
	set_v6(&ss, "::ffff:127.0.0.1", 42006);
	lsc_net_unmap(&ss); /* a dual-stack socket's IPv4 peer, shown as the frames show it */
	assert_int_equal(ss.ss_family, AF_INET);
	lsc_net_addr_text((struct sockaddr *)&ss, t, sizeof t);
	assert_string_equal(t, "127.0.0.1:42006");
	set_v6(&ss, "2001:db8::1", 80);
	lsc_net_addr_text((struct sockaddr *)&ss, t, sizeof t);
	assert_string_equal(t, "[2001:db8::1]:80");
	assert_string_equal(lsc_net_errno_name(EADDRINUSE), "EADDRINUSE");
	assert_string_equal(lsc_net_errno_name(12345), "errno 12345");
}

/* ---- latency ------------------------------------------------------------------ */

static void test_hist_quantiles(void **state)
{
	static struct lsc_hist h;
	(void)state;
	memset(&h, 0, sizeof h);
	assert_int_equal(lsc_hist_quantile(&h, 0.5), 0);
	for (uint64_t v = 1; v <= 100000; v++)
		lsc_hist_add(&h, v * 1000); /* 1 us .. 100 ms */
	uint64_t p50 = lsc_hist_quantile(&h, 0.50), p99 = lsc_hist_quantile(&h, 0.99);
	/* Buckets are 1/32 of a power of two wide: within 3.2 %. */
	assert_true(p50 > 50000000 * 0.968 && p50 < 50000000 * 1.032);
	assert_true(p99 > 99000000 * 0.968 && p99 < 99000000 * 1.032);
	assert_int_equal(lsc_hist_quantile(&h, 1.0), 100000000);
	assert_int_equal(h.max, 100000000);

	memset(&h, 0, sizeof h);
	for (int i = 0; i < 99; i++)
		lsc_hist_add(&h, 10);
	lsc_hist_add(&h, 5000000000ull);
	assert_int_equal(lsc_hist_quantile(&h, 0.5), 10); /* small values are exact */
	assert_int_equal(lsc_hist_quantile(&h, 0.99), 10);
	assert_true(lsc_hist_quantile(&h, 0.999) > 4800000000ull);
	lsc_hist_add(&h, UINT64_MAX); /* the top bucket holds anything */
	assert_int_equal(h.count, 101);
}

/* ---- the event loop ------------------------------------------------------------ */

struct loop_seen {
	int reads, timer_runs;
	int64_t t_fired;
};

static void on_pipe(struct lsc_evloop *l, int fd, void *data, int mask)
{
	struct loop_seen *s = data;
	char c;
	assert_true(mask & LSC_EV_READ);
	assert_int_equal(read(fd, &c, 1), 1);
	s->reads++;
	lsc_ev_del(l, fd, LSC_EV_READ);
}

static int64_t on_timer(struct lsc_evloop *l, void *data)
{
	struct loop_seen *s = data;
	s->timer_runs++;
	if (s->timer_runs == 3) {
		lsc_ev_stop(l);
		return -1;
	}
	return 0; /* again next round, not in this one */
}

static void test_loop_files_and_timers(void **state)
{
	char err[LSC_ERRBUF_SIZE];
	struct loop_seen seen = { 0 };
	int p[2];
	(void)state;
	struct lsc_evloop *l = lsc_ev_new(err);
	assert_non_null(l);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(lsc_ev_add(l, p[0], LSC_EV_READ, on_pipe, &seen, err), 0);
	assert_int_equal(lsc_ev_mask(l, p[0]), LSC_EV_READ);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_not_equal(lsc_ev_timer_add(l, 1, on_timer, &seen), 0);
	uint64_t never = lsc_ev_timer_add(l, 1, on_timer, &seen);
	lsc_ev_timer_del(l, never);
	assert_int_equal(lsc_ev_run(l, err), 0);
	assert_int_equal(seen.reads, 1);
	assert_int_equal(seen.timer_runs, 3);
	assert_int_equal(lsc_ev_mask(l, p[0]), LSC_EV_NONE);
	close(p[0]);
	close(p[1]);
	lsc_ev_free(l);
}

static void *wake_later(void *arg)
{
	usleep(20000);
	lsc_ev_wake(arg);
	return NULL;
}

static void test_loop_wake_from_thread(void **state)
{
	char err[LSC_ERRBUF_SIZE];
	pthread_t t;
	(void)state;
	struct lsc_evloop *l = lsc_ev_new(err);
	assert_non_null(l);
	assert_int_equal(pthread_create(&t, NULL, wake_later, l), 0);
	assert_int_equal(lsc_ev_run(l, err), 0); /* no timer, no fd: only the wake ends it */
	assert_true(lsc_ev_stopped(l));
	pthread_join(t, NULL);
	lsc_ev_free(l);
}

/* ---- the server's back-pressure, end to end on loopback ------------------------- */

static void *serve(void *arg)
{
	char err[LSC_ERRBUF_SIZE];
	assert_int_equal(lsc_echo_server_run(arg, err), 0);
	return NULL;
}

static int connect_to(uint16_t port)
{
	struct sockaddr_storage ss;
	set_v4(&ss, "127.0.0.1", port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&ss, sizeof(struct sockaddr_in)), 0);
	return fd;
}

/*
 * A client that sends and never reads: the server pauses it and keeps
 * serving another client, and stops cleanly with the non-reader still
 * connected.  Bounded waits only; no timing is asserted.
 */
static void test_server_pauses_nonreader(void **state)
{
	char err[LSC_ERRBUF_SIZE];
	struct lsc_echo_server_opts o = { 0 };
	struct lsc_echo_stats st;
	pthread_t t;
	(void)state;
	o.bind = "127.0.0.1";
	o.port = 0;
	struct lsc_echo_server *s = lsc_echo_server_new(&o, err);
	assert_non_null(s);
	uint16_t port = lsc_echo_server_port(s);
	assert_int_not_equal(port, 0);
	assert_int_equal(pthread_create(&t, NULL, serve, s), 0);

	int hog = connect_to(port);
	int small = 4096;
	setsockopt(hog, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	static uint8_t junk[1 << 16];
	size_t pushed = 0;
	/* Push until the socket stops taking bytes for a while: the server stopped reading. */
	for (int idle = 0; idle < 20 && pushed < (256u << 20);) {
		ssize_t w = send(hog, junk, sizeof junk, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w > 0) {
			pushed += (size_t)w;
			idle = 0;
		} else {
			assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
			usleep(20000);
			idle++;
		}
	}
	assert_true(pushed < (256u << 20)); /* the server did not swallow everything */

	int fresh = connect_to(port);
	assert_int_equal(send(fresh, "ping", 4, 0), 4);
	struct pollfd p = { .fd = fresh, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 10000), 1);
	char back[8];
	assert_int_equal(recv(fresh, back, sizeof back, 0), 4);
	assert_memory_equal(back, "ping", 4);
	close(fresh);

	lsc_echo_server_stop(s);
	pthread_join(t, NULL);
	lsc_echo_server_stats(s, &st);
	assert_true(st.pauses >= 1);
	assert_int_equal(st.connections, 2);
	assert_int_equal(st.active, 0);
	/* What the server read but could not echo is at most one buffer's worth. */
	assert_true(st.bytes_in - st.bytes_out <= LSC_ECHO_BUF_CAP);
	assert_true(st.unsent <= LSC_ECHO_BUF_CAP);
	lsc_echo_server_free(s);
	close(hog);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ebuf_lazy),
		cmocka_unit_test(test_ebuf_bounded),
		cmocka_unit_test(test_ebuf_order_after_slide),
		cmocka_unit_test(test_ebuf_tail_commit),
		cmocka_unit_test(test_backpressure_rule),
		cmocka_unit_test(test_backpressure_nonreader),
		cmocka_unit_test(test_explain_text_calls),
		cmocka_unit_test(test_explain_text_results),
		cmocka_unit_test(test_explain_write_text),
		cmocka_unit_test(test_explain_write_json),
		cmocka_unit_test(test_explain_emit),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_addr_text),
		cmocka_unit_test(test_hist_quantiles),
		cmocka_unit_test(test_loop_files_and_timers),
		cmocka_unit_test(test_loop_wake_from_thread),
		cmocka_unit_test(test_server_pauses_nonreader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
