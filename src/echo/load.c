/* SPDX-License-Identifier: BSD-3-Clause */
/* load.c: the load client: C connections doing echo round trips, every byte verified, latency percentiles. */
#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "echo-int.h"
#include "evloop.h"

#define SPREAD      65536 /* messages start anywhere in the first SPREAD bytes of the pattern */
#define RECV_MAX    65536
#define WATCH_MS    250   /* how often stalled connections are looked for */

struct lconn {
	struct lsc_echo_load *ld;
	int fd;
	uint32_t idx;
	bool connecting;
	bool closed;
	size_t len, off, sent, got; /* the round under way: pattern[off, off + len) */
	int64_t start_ns, last_ns;
	uint64_t rounds;
	uint64_t rng;
};

struct lsc_echo_load {
	struct lsc_echo_load_opts o;
	struct lsc_evloop *loop;
	struct lconn *c;
	uint32_t nc;         /* connections created */
	uint32_t open;       /* not yet closed */
	uint32_t connecting; /* handshakes under way */
	struct sockaddr_storage addr;
	socklen_t alen;
	uint8_t *pattern;    /* pseudo-random bytes every message is a window of */
	uint8_t *rbuf;
	bool running, over;
	volatile sig_atomic_t stop_req;
	int64_t t0, t_end;
	struct lsc_hist hist;
	struct lsc_echo_load_result r;
	char err[LSC_ERRBUF_SIZE];
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* xorshift64*: cheap, and the same seed gives the same run. */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static void lconn_close(struct lconn *c)
{
	struct lsc_echo_load *ld = c->ld;
	if (c->closed)
		return;
	lsc_ev_del(ld->loop, c->fd, LSC_EV_READ | LSC_EV_WRITE);
	lsc_sock_close(ld->o.explain, c->fd);
	c->closed = true;
	if (c->connecting) {
		c->connecting = false;
		ld->connecting--;
	}
	ld->open--;
	if (ld->open == 0)
		lsc_ev_stop(ld->loop);
}

__attribute__((format(printf, 2, 3)))
static void lconn_fail(struct lconn *c, const char *fmt, ...)
{
	struct lsc_echo_load *ld = c->ld;
	if (ld->err[0] == '\0') {
		int n = snprintf(ld->err, sizeof ld->err, _("connection %u: "), c->idx + 1);
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ld->err + n, sizeof ld->err - (size_t)n, fmt, ap);
		va_end(ap);
	}
	ld->r.failures++;
	lconn_close(c);
}

static void on_lconn(struct lsc_evloop *l, int fd, void *data, int mask);

static int lconn_watch(struct lconn *c, int mask)
{
	char err[LSC_ERRBUF_SIZE];
	if (lsc_ev_add(c->ld->loop, c->fd, mask, on_lconn, c, err) != 0) {
		lconn_fail(c, "%s", err);
		return -1;
	}
	return 0;
}

/* Sends what the socket takes of the round's message.  -1: the connection failed. */
static int lconn_send(struct lconn *c)
{
	struct lsc_echo_load *ld = c->ld;
	ssize_t w = lsc_sock_send(ld->o.explain, c->fd, ld->pattern + c->off + c->sent, c->len - c->sent, 0);
	if (w < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		lconn_fail(c, _("send: %s in round %llu"), strerror(errno), (unsigned long long)c->rounds + 1);
		return -1;
	}
	c->sent += (size_t)w;
	c->last_ns = now_ns();
	if (c->sent == c->len)
		lsc_ev_del(ld->loop, c->fd, LSC_EV_WRITE);
	return 0;
}

static void round_start(struct lconn *c)
{
	struct lsc_echo_load *ld = c->ld;
	uint64_t span = ld->o.size_max - ld->o.size_min + 1;
	c->len = ld->o.size_min + (size_t)(next_rand(&c->rng) % span);
	c->off = (size_t)(next_rand(&c->rng) % SPREAD);
	c->sent = c->got = 0;
	c->start_ns = c->last_ns = now_ns();
	/* Most messages go out whole at once: try before asking the loop. */
	if (lconn_send(c) != 0)
		return;
	if (c->sent < c->len)
		lconn_watch(c, LSC_EV_WRITE);
}

static void round_done(struct lconn *c)
{
	struct lsc_echo_load *ld = c->ld;
	lsc_hist_add(&ld->hist, (uint64_t)(now_ns() - c->start_ns));
	c->rounds++;
	if (ld->over) {
		ld->r.finished_late++;
		lconn_close(c);
		return;
	}
	ld->r.round_trips++;
	round_start(c);
}

/* Where the echo first differs from the message, for the error. */
static size_t first_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i = 0;
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

static void lconn_recv(struct lconn *c)
{
	struct lsc_echo_load *ld = c->ld;
	size_t want = c->len - c->got;
	if (want == 0 || want > RECV_MAX)
		want = RECV_MAX; /* nothing is due: whatever comes is extra and fails below */
	ssize_t r = lsc_sock_recv(ld->o.explain, c->fd, ld->rbuf, want, 0);
	if (r < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			lconn_fail(c, _("recv: %s after %zu of %zu bytes of round %llu"), strerror(errno), c->got,
			           c->len, (unsigned long long)c->rounds + 1);
		return;
	}
	if (r == 0) {
		lconn_fail(c, _("the server closed the connection after %zu of %zu bytes of round %llu"),
		           c->got, c->len, (unsigned long long)c->rounds + 1);
		return;
	}
	if (c->got + (size_t)r > c->len) {
		lconn_fail(c, _("%zu bytes more than were sent came back"), c->got + (size_t)r - c->len);
		return;
	}
	const uint8_t *exp = ld->pattern + c->off + c->got;
	if (memcmp(ld->rbuf, exp, (size_t)r) != 0) {
		size_t i = first_diff(ld->rbuf, exp, (size_t)r);
		lconn_fail(c, _("the echo differs at byte %zu of round %llu: sent 0x%02x, got 0x%02x"),
		           c->got + i, (unsigned long long)c->rounds + 1, exp[i], ld->rbuf[i]);
		return;
	}
	c->got += (size_t)r;
	c->last_ns = now_ns();
	ld->r.bytes += (uint64_t)r;
	if (c->got == c->len)
		round_done(c);
}

static void begin_rounds(struct lsc_echo_load *ld);

static void lconn_connected(struct lconn *c)
{
	struct lsc_echo_load *ld = c->ld;
	int soerr = 0;
	socklen_t sl = sizeof soerr;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
		soerr = errno;
	c->connecting = false;
	ld->connecting--;
	if (soerr != 0) {
		errno = soerr;
		lconn_fail(c, "connect: %s", strerror(soerr));
	} else {
		lsc_ev_del(ld->loop, c->fd, LSC_EV_WRITE);
		ld->r.conns++;
	}
	if (ld->connecting == 0)
		begin_rounds(ld);
}

static void on_lconn(struct lsc_evloop *l, int fd, void *data, int mask)
{
	struct lconn *c = data;
	(void)l, (void)fd;
	if (c->connecting) {
		if (mask & LSC_EV_WRITE)
			lconn_connected(c);
		return;
	}
	if (!c->ld->running)
		return;
	if ((mask & LSC_EV_WRITE) && c->sent < c->len && lconn_send(c) != 0)
		return;
	if ((mask & LSC_EV_READ) && !c->closed)
		lconn_recv(c);
}

static void lconn_setup(struct lsc_echo_load *ld, struct lconn *c, int fd, uint32_t idx)
{
	c->ld = ld;
	c->fd = fd;
	c->idx = idx;
	c->rng = (ld->o.seed ^ 0x9E3779B97F4A7C15ull) * (idx + 1) | 1;
	c->last_ns = now_ns();
	ld->nc++;
	ld->open++;
	/* Small messages go out at once; Nagle would wait for the last one's ACK. */
	lsc_sock_setopt(ld->o.explain, fd, IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY", 1);
}

/* Starts the handshakes of connections 2..C at once, non-blocking. */
static void open_rest(struct lsc_echo_load *ld)
{
	for (uint32_t i = 1; i < ld->o.conns; i++) {
		struct lconn *c = &ld->c[i];
		int fd = lsc_sock_socket(ld->o.explain, ld->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK);
		if (fd < 0) {
			snprintf(ld->err, sizeof ld->err, _("socket for connection %u: %s%s"), i + 1, strerror(errno),
			         errno == EMFILE ? _(" — raise the open-file limit (ulimit -n) or use fewer --load") : "");
			ld->r.failures += ld->o.conns - i;
			return;
		}
		lconn_setup(ld, c, fd, i);
		int rc = lsc_sock_connect(ld->o.explain, fd, (struct sockaddr *)&ld->addr, ld->alen, 0);
		if (rc != 0 && errno != EINPROGRESS) {
			lconn_fail(c, "connect: %s%s", strerror(errno),
			           errno == EADDRNOTAVAIL ? _(" — out of local ports: use fewer connections") : "");
			continue;
		}
		if (rc == 0) {
			ld->r.conns++;
			continue;
		}
		c->connecting = true;
		ld->connecting++;
		lconn_watch(c, LSC_EV_WRITE);
	}
}

static int64_t on_duration(struct lsc_evloop *l, void *data)
{
	struct lsc_echo_load *ld = data;
	(void)l;
	if (!ld->over) {
		ld->over = true;
		ld->t_end = now_ns();
	}
	return -1;
}

/* Every connection starts its first round at the same moment, the start of the measurement. */
static void begin_rounds(struct lsc_echo_load *ld)
{
	if (ld->running)
		return;
	ld->running = true;
	ld->t0 = now_ns();
	if (lsc_ev_timer_add(ld->loop, (int64_t)ld->o.duration_ms, on_duration, ld) == 0)
		on_duration(ld->loop, ld);
	for (uint32_t i = 0; i < ld->nc; i++) {
		struct lconn *c = &ld->c[i];
		if (c->closed)
			continue;
		if (lconn_watch(c, LSC_EV_READ) == 0)
			round_start(c);
	}
}

/* A connection with no progress for the timeout has stalled: fail it rather than wait forever. */
static int64_t on_watch(struct lsc_evloop *l, void *data)
{
	struct lsc_echo_load *ld = data;
	int64_t now = now_ns(), limit = (int64_t)ld->o.timeout_ms * 1000000;
	(void)l;
	for (uint32_t i = 0; i < ld->nc; i++) {
		struct lconn *c = &ld->c[i];
		if (c->closed || now - c->last_ns <= limit)
			continue;
		if (c->connecting)
			lconn_fail(c, _("no answer to the handshake within %d ms — the server's listen "
			           "queue may be full"), ld->o.timeout_ms);
		else
			lconn_fail(c, _("no progress for %d ms (%zu of %zu bytes of round %llu back)"),
			           ld->o.timeout_ms, c->got, c->len, (unsigned long long)c->rounds + 1);
	}
	return WATCH_MS;
}

static void fill_pattern(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t s = seed | 1;
	for (size_t i = 0; i < n; i += 8) {
		uint64_t v = next_rand(&s);
		for (size_t k = 0; k < 8 && i + k < n; k++)
			p[i + k] = (uint8_t)(v >> (8 * k));
	}
}

struct lsc_echo_load *lsc_echo_load_new(const struct lsc_echo_load_opts *opts, char *err)
{
	struct lsc_echo_load *ld = calloc(1, sizeof *ld);
	struct addrinfo *ai = NULL;
	if (ld == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory"));
		return NULL;
	}
	ld->o = *opts;
	if (ld->o.host == NULL)
		ld->o.host = "localhost";
	if (ld->o.port == 0)
		ld->o.port = LSC_ECHO_PORT;
	if (ld->o.conns == 0)
		ld->o.conns = 1;
	if (ld->o.timeout_ms <= 0)
		ld->o.timeout_ms = LSC_ECHO_TIMEOUT_MS;
	if (ld->o.size_max < ld->o.size_min)
		ld->o.size_max = ld->o.size_min;
	if (lsc_echo_raise_nofile((uint64_t)ld->o.conns + 32, err) < 0)
		goto fail;
	ld->c = calloc(ld->o.conns, sizeof *ld->c);
	ld->pattern = malloc(ld->o.size_max + SPREAD);
	ld->rbuf = malloc(RECV_MAX);
	if (ld->c == NULL || ld->pattern == NULL || ld->rbuf == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory for %u connections"), ld->o.conns);
		goto fail;
	}
	fill_pattern(ld->pattern, ld->o.size_max + SPREAD, ld->o.seed ^ 0xA5A5A5A5u);
	ld->loop = lsc_ev_new(err);
	if (ld->loop == NULL)
		goto fail;
	if (lsc_sock_resolve(ld->o.explain, ld->o.host, ld->o.port, false, false, &ai, err) != 0)
		goto fail;
	/* The first connection finds the address that answers, as the client does. */
	struct sockaddr_storage peer;
	int fd = lsc_net_connect(ld->o.explain, ai, ld->o.host, ld->o.port, ld->o.timeout_ms, &peer, err);
	freeaddrinfo(ai);
	if (fd < 0)
		goto fail;
	ld->addr = peer;
	ld->alen = peer.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (lsc_net_nonblock(fd) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, "fcntl(O_NONBLOCK): %s", strerror(errno));
		lsc_sock_close(ld->o.explain, fd);
		goto fail;
	}
	lconn_setup(ld, &ld->c[0], fd, 0);
	ld->r.conns = 1;
	return ld;
fail:
	lsc_echo_load_free(ld);
	return NULL;
}

static void fill_result(struct lsc_echo_load *ld, struct lsc_echo_load_result *res)
{
	if (ld->running && !ld->over)
		ld->t_end = now_ns();
	ld->r.seconds = ld->running ? (double)(ld->t_end - ld->t0) / 1e9 : 0;
	ld->r.per_second = ld->r.seconds > 0 ? (double)ld->r.round_trips / ld->r.seconds : 0;
	ld->r.p50_ns = lsc_hist_quantile(&ld->hist, 0.50);
	ld->r.p99_ns = lsc_hist_quantile(&ld->hist, 0.99);
	ld->r.max_ns = ld->hist.max;
	ld->r.starved = 0;
	for (uint32_t i = 0; i < ld->o.conns; i++)
		ld->r.starved += i >= ld->nc || ld->c[i].rounds == 0;
	*res = ld->r;
}

int lsc_echo_load_run(struct lsc_echo_load *ld, struct lsc_echo_load_result *res, char *err)
{
	int rc = 0;
	open_rest(ld);
	if (lsc_ev_timer_add(ld->loop, WATCH_MS, on_watch, ld) == 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory"));
		rc = -1;
	}
	if (ld->connecting == 0)
		begin_rounds(ld);
	while (rc == 0 && ld->open > 0) {
		if (ld->stop_req && !ld->over && ld->running)
			on_duration(ld->loop, ld);
		if (lsc_ev_once(ld->loop, WATCH_MS, err) < 0)
			rc = -1;
	}
	fill_result(ld, res);
	if (rc == 0 && ld->err[0] != '\0') {
		snprintf(err, LSC_ERRBUF_SIZE, "%s", ld->err);
		rc = -1;
	} else if (rc == 0 && res->starved > 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("%u of %u connections completed no round trip — "
		         "make --duration longer"), res->starved, ld->o.conns);
		rc = -1;
	}
	return rc;
}

void lsc_echo_load_stop(struct lsc_echo_load *ld)
{
	ld->stop_req = 1;
	lsc_ev_wake(ld->loop);
}

void lsc_echo_load_free(struct lsc_echo_load *ld)
{
	if (ld == NULL)
		return;
	for (uint32_t i = 0; i < ld->nc; i++)
		if (!ld->c[i].closed)
			lconn_close(&ld->c[i]);
	lsc_ev_free(ld->loop);
	free(ld->c);
	free(ld->pattern);
	free(ld->rbuf);
	free(ld);
}
