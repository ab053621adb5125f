/* SPDX-License-Identifier: BSD-3-Clause */
/* client.c: the echo client (RFC 862): connect, send, read the echo a chunk at a time, compare, close. */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <layerscope/strbuf.h>

#include "echo-int.h"

#define DGRAM_MAX 65536
#define SHOW_MAX  4096 /* bytes of one chunk shown on its line */

struct client {
	const struct lsc_echo_client_opts *o;
	const char *host;
	uint16_t port;
	size_t chunk;
	int timeout_ms;
	struct sockaddr_storage peer;
	char at[LSC_ADDR_TEXT]; /* the peer as text */
	bool connected_told;    /* opts->connected was called */
};

__attribute__((format(printf, 2, 3)))
static void say(const struct client *c, const char *fmt, ...)
{
	va_list ap;
	if (c->o->log == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(c->o->log, fmt, ap);
	va_end(ap);
	fputc('\n', c->o->log);
	fflush(c->o->log);
}

static void say_chunk(const struct client *c, const uint8_t *p, size_t n)
{
	char text[SHOW_MAX * 4 + 8];
	struct lsc_strbuf b;
	if (c->o->log == NULL)
		return;
	lsc_sb_init(&b, text, sizeof text);
	lsc_echo_escape(&b, p, n, SHOW_MAX);
	say(c, P_("received %zu byte: \"%s\"", "received %zu bytes: \"%s\"", n), n, text);
}

/* Waits for `events` on fd; 1 ready, 0 timed out, -1 error. */
static int wait_for(int fd, short events, int timeout_ms, short *revents)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;
	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	*revents = p.revents;
	return n;
}

/* Compares a chunk of echo with what was sent there; -1 with `err` at the first difference. */
static int verify(const struct client *c, const uint8_t *msg, size_t len, uint64_t off,
                  const uint8_t *got, size_t n, char *err)
{
	for (size_t i = 0; i < n; i++) {
		if (off + i >= len) {
			snprintf(err, LSC_ERRBUF_SIZE,
			         _("%s sent %llu bytes more than the %zu sent to it — it is not an echo server"),
			         c->at, (unsigned long long)(off + n - len), len);
			return -1;
		}
		if (got[i] != msg[off + i]) {
			snprintf(err, LSC_ERRBUF_SIZE,
			         _("the echo from %s differs at byte %llu: sent 0x%02x, got 0x%02x"), c->at,
			         (unsigned long long)(off + i), msg[off + i], got[i]);
			return -1;
		}
	}
	return 0;
}

/* Sends what is left, as much as the socket takes now.  -1 with `err`. */
static int tcp_send_some(struct client *c, int fd, const uint8_t *msg, size_t len,
                         struct lsc_echo_client_result *res, char *err)
{
	ssize_t w = lsc_sock_send(c->o->explain, fd, msg + res->sent, len - res->sent, MSG_DONTWAIT);
	if (w < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		snprintf(err, LSC_ERRBUF_SIZE, _("send to %s: %s after %llu of %zu bytes"), c->at,
		         strerror(errno), (unsigned long long)res->sent, len);
		return -1;
	}
	res->sent += (uint64_t)w;
	say(c, P_("sent %zd byte", "sent %zd bytes", (unsigned long)w), w);
	return 0;
}

/* One recv() of up to `chunk` bytes, shown and checked.  -1 with `err`. */
static int tcp_recv_some(struct client *c, int fd, uint8_t *buf, const uint8_t *msg, size_t len,
                         struct lsc_echo_client_result *res, char *err)
{
	ssize_t r = lsc_sock_recv(c->o->explain, fd, buf, c->chunk, MSG_DONTWAIT);
	if (r < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		snprintf(err, LSC_ERRBUF_SIZE, _("recv from %s: %s after %llu of %zu bytes of echo%s"), c->at,
		         strerror(errno), (unsigned long long)res->received, len,
		         errno == ECONNRESET ? _(" — the server reset the connection") : "");
		return -1;
	}
	if (r == 0) {
		snprintf(err, LSC_ERRBUF_SIZE,
		         _("%s closed the connection after %llu of %zu bytes of echo — is it an echo server?"),
		         c->at, (unsigned long long)res->received, len);
		return -1;
	}
	say_chunk(c, buf, (size_t)r);
	res->recvs++;
	if (verify(c, msg, len, res->received, buf, (size_t)r, err) != 0)
		return -1;
	res->received += (uint64_t)r;
	return 0;
}

/*
 * Sends and reads at once: a message larger than the socket buffers would
 * otherwise deadlock, both ends blocked in send() with nobody reading.
 */
static int tcp_exchange(struct client *c, int fd, const uint8_t *msg, size_t len,
                        struct lsc_echo_client_result *res, char *err)
{
	uint8_t *buf = malloc(c->chunk);
	bool shut = false;
	int rc = -1;
	if (buf == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory for a %zu-byte chunk"), c->chunk);
		return -1;
	}
	while (res->received < len) {
		short ev = POLLIN | (res->sent < len ? POLLOUT : 0), rev;
		int n = wait_for(fd, ev, c->timeout_ms, &rev);
		if (n <= 0) {
			if (n == 0)
				snprintf(err, LSC_ERRBUF_SIZE,
				         _("no echo from %s within %d ms (%llu of %zu bytes came back) — is it an "
				         "echo server? (--timeout sets the wait)"),
				         c->at, c->timeout_ms, (unsigned long long)res->received, len);
			else
				snprintf(err, LSC_ERRBUF_SIZE, "poll: %s", strerror(errno));
			goto out;
		}
		if ((rev & (POLLOUT | POLLERR | POLLHUP)) && res->sent < len &&
		    tcp_send_some(c, fd, msg, len, res, err) != 0)
			goto out;
		/* Half-close: the FIN says "no more from me"; the echo keeps coming the other way. */
		if (c->o->half_close && !shut && res->sent == len) {
			if (lsc_sock_shutdown(c->o->explain, fd, SHUT_WR) != 0) {
				snprintf(err, LSC_ERRBUF_SIZE, "shutdown(SHUT_WR): %s", strerror(errno));
				goto out;
			}
			shut = true;
		}
		if ((rev & (POLLIN | POLLERR | POLLHUP)) && tcp_recv_some(c, fd, buf, msg, len, res, err) != 0)
			goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

static int tcp_client(struct client *c, const struct addrinfo *ai, const uint8_t *msg, size_t len,
                      struct lsc_echo_client_result *res, char *err)
{
	struct lsc_explain *ex = c->o->explain;
	int fd = lsc_net_connect(ex, ai, c->host, c->port, c->timeout_ms, &c->peer, err);
	if (fd < 0)
		return -1;
	lsc_net_unmap(&c->peer);
	lsc_net_addr_text((const struct sockaddr *)&c->peer, c->at, sizeof c->at);
	if (c->o->log != NULL) {
		struct sockaddr_storage local;
		char from[LSC_ADDR_TEXT];
		lsc_net_local(fd, &local);
		lsc_net_addr_text((const struct sockaddr *)&local, from, sizeof from);
		say(c, _("connected to %s from %s (TCP)"), c->at, from);
	}
	if (c->o->connected != NULL)
		c->o->connected(c->o->connected_ctx);
	int rc = tcp_exchange(c, fd, msg, len, res, err);
	lsc_sock_close(ex, fd);
	return rc;
}

/* UDP on one address: 1 echoed, 0 refused (try the next), -1 failed with `err`. */
static int udp_try(struct client *c, const struct addrinfo *a, const uint8_t *msg, size_t len,
                   uint8_t *buf, struct lsc_echo_client_result *res, char *err)
{
	struct lsc_explain *ex = c->o->explain;
	int rc = -1;
	memset(&c->peer, 0, sizeof c->peer);
	memcpy(&c->peer, a->ai_addr, a->ai_addrlen);
	lsc_net_unmap(&c->peer);
	lsc_net_addr_text((const struct sockaddr *)&c->peer, c->at, sizeof c->at);
	int fd = lsc_sock_socket(ex, a->ai_family, SOCK_DGRAM);
	if (fd < 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("socket for %s: %s"), c->at, strerror(errno));
		return -1;
	}
	/* A connected UDP socket hears the ICMP "port unreachable" as ECONNREFUSED. */
	if (lsc_sock_connect(ex, fd, a->ai_addr, a->ai_addrlen, c->timeout_ms) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("connect (UDP) to %s: %s"), c->at, strerror(errno));
		goto out;
	}
	if (c->o->connected != NULL && !c->connected_told) {
		c->connected_told = true; /* once, though each address of the name is tried */
		c->o->connected(c->o->connected_ctx);
	}
	ssize_t w = lsc_sock_send(ex, fd, msg, len, 0);
	if (w < 0) {
		if (errno == ECONNREFUSED)
			rc = 0;
		else if (errno == EMSGSIZE)
			snprintf(err, LSC_ERRBUF_SIZE,
			         _("%zu bytes do not fit in one UDP datagram (at most 65507 over IPv4, 65527 "
			         "over IPv6) — send less, or use TCP"), len);
		else
			snprintf(err, LSC_ERRBUF_SIZE, _("send to %s: %s"), c->at, strerror(errno));
		goto out;
	}
	res->sent = (uint64_t)w;
	say(c, P_("sent %zd byte to %s (UDP, one datagram)", "sent %zd bytes to %s (UDP, one datagram)", (unsigned long)w),
	    w, c->at);
	short rev;
	int n = wait_for(fd, POLLIN, c->timeout_ms, &rev);
	if (n <= 0) {
		if (n == 0)
			snprintf(err, LSC_ERRBUF_SIZE,
			         _("no reply from %s (UDP) within %d ms — UDP has no connection to refuse, so "
			         "silence is all a client sees: check that `layerscope server --udp` runs "
			         "there (--timeout sets the wait)"), c->at, c->timeout_ms);
		else
			snprintf(err, LSC_ERRBUF_SIZE, "poll: %s", strerror(errno));
		goto out;
	}
	/* The whole datagram in one read: a datagram read in pieces loses the rest. */
	ssize_t r = lsc_sock_recv(ex, fd, buf, DGRAM_MAX, MSG_DONTWAIT);
	if (r < 0) {
		if (errno == ECONNREFUSED)
			rc = 0;
		else
			snprintf(err, LSC_ERRBUF_SIZE, _("recv from %s: %s"), c->at, strerror(errno));
		goto out;
	}
	say_chunk(c, buf, (size_t)r);
	res->recvs++;
	res->received = (uint64_t)r;
	if (verify(c, msg, len, 0, buf, (size_t)r, err) != 0)
		goto out;
	if ((size_t)r < len) {
		snprintf(err, LSC_ERRBUF_SIZE, _("the reply from %s has %zd of the %zu bytes sent"), c->at, r, len);
		goto out;
	}
	rc = 1;
out:
	lsc_sock_close(ex, fd);
	return rc;
}

static int udp_client(struct client *c, const struct addrinfo *ai, const uint8_t *msg, size_t len,
                      struct lsc_echo_client_result *res, char *err)
{
	uint8_t *buf = malloc(DGRAM_MAX);
	int rc = 0;
	if (buf == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory"));
		return -1;
	}
	for (const struct addrinfo *a = ai; a != NULL && rc == 0; a = a->ai_next)
		rc = udp_try(c, a, msg, len, buf, res, err);
	free(buf);
	if (rc == 0)
		lsc_net_refused(err, c->host, c->port, true);
	return rc > 0 ? 0 : -1;
}

int lsc_echo_client_run(const struct lsc_echo_client_opts *opts, const void *msg, size_t len,
                        struct lsc_echo_client_result *res, char *err)
{
	struct client c = { 0 };
	struct addrinfo *ai;
	c.o = opts;
	c.host = opts->host != NULL ? opts->host : "localhost";
	c.port = opts->port != 0 ? opts->port : LSC_ECHO_PORT;
	c.chunk = opts->chunk != 0 ? opts->chunk : LSC_ECHO_CHUNK;
	c.timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : LSC_ECHO_TIMEOUT_MS;
	memset(res, 0, sizeof *res);
	if (lsc_sock_resolve(opts->explain, c.host, c.port, opts->udp, false, &ai, err) != 0)
		return -1;
	int rc = opts->udp ? udp_client(&c, ai, msg, len, res, err) : tcp_client(&c, ai, msg, len, res, err);
	freeaddrinfo(ai);
	if (rc == 0) {
		res->intact = true;
		/* Two counts, each its own plural: the recv() calls first, then the bytes around them. */
		char calls[64];
		snprintf(calls, sizeof calls, P_(" in %llu recv() call", " in %llu recv() calls", res->recvs),
		         (unsigned long long)res->recvs);
		/* TRANSLATORS: the last %s is " in 3 recv() calls". */
		say(&c, P_("echo intact: %llu byte sent and received back%s",
		           "echo intact: %llu bytes sent and received back%s", res->sent),
		    (unsigned long long)res->sent, calls);
	}
	return rc;
}
