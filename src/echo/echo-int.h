/* SPDX-License-Identifier: BSD-3-Clause */
/* echo-int.h: what the echo modules share: narrated socket calls, address text, the echo buffer, latency. */
#ifndef LAYERSCOPE_ECHO_INT_H
#define LAYERSCOPE_ECHO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <layerscope/echo.h>

#include "../lib/i18n.h"

/* ---- sock.c: each socket call, EINTR retried, narrated when `ex` is set --- */
/* They return what the call returns, with errno kept for the caller. */

int lsc_sock_socket(struct lsc_explain *ex, int family, int type);
int lsc_sock_setopt(struct lsc_explain *ex, int fd, int level, int name, const char *optname, int val);
int lsc_sock_bind(struct lsc_explain *ex, int fd, const struct sockaddr *sa, socklen_t len);
int lsc_sock_listen(struct lsc_explain *ex, int fd, int backlog);
/* accept4() with SOCK_NONBLOCK | SOCK_CLOEXEC; the peer lands in `peer` (v4-mapped shown as IPv4). */
int lsc_sock_accept(struct lsc_explain *ex, int lfd, struct sockaddr_storage *peer);
/* A blocking connect interrupted by a signal goes on in the kernel: wait for it (up to timeout_ms). */
int lsc_sock_connect(struct lsc_explain *ex, int fd, const struct sockaddr *sa, socklen_t len,
                     int timeout_ms);
ssize_t lsc_sock_recv(struct lsc_explain *ex, int fd, void *buf, size_t n, int flags);
/* Adds MSG_NOSIGNAL: a closed peer is EPIPE, not a signal. */
ssize_t lsc_sock_send(struct lsc_explain *ex, int fd, const void *buf, size_t n, int flags);
ssize_t lsc_sock_recvfrom(struct lsc_explain *ex, int fd, void *buf, size_t n,
                          struct sockaddr_storage *peer);
ssize_t lsc_sock_sendto(struct lsc_explain *ex, int fd, const void *buf, size_t n,
                        const struct sockaddr *sa, socklen_t len);
int lsc_sock_shutdown(struct lsc_explain *ex, int fd, int how);
int lsc_sock_close(struct lsc_explain *ex, int fd);
/*
 * getaddrinfo() for `host` (NULL with `passive`: the wildcard) and `port`.
 * Returns 0, or -1 with "cannot resolve HOST: cause — what to do" in `err`.
 */
int lsc_sock_resolve(struct lsc_explain *ex, const char *host, uint16_t port, bool udp, bool passive,
                     struct addrinfo **res, char *err);
/* A NOTE event: what the program decided about `fd`. */
void lsc_sock_note(struct lsc_explain *ex, int fd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- net.c: addresses, errno names, listeners and connections (anet style) - */

#define LSC_ADDR_TEXT 64 /* "[v6 address%scope]:65535" and a NUL */

/* Turns an IPv4-mapped IPv6 address (::ffff:a.b.c.d) into the IPv4 one, as frames show it. */
void lsc_net_unmap(struct sockaddr_storage *ss);
/* "127.0.0.1:8082", "[::1]:8082"; "?" for an unknown family. */
void lsc_net_addr_text(const struct sockaddr *sa, char *buf, size_t cap);
/* The address alone ("::1"), and the port. */
void lsc_net_ip_text(const struct sockaddr *sa, char *buf, size_t cap);
uint16_t lsc_net_port(const struct sockaddr *sa);
/* "ECONNREFUSED" for the errors sockets meet; "errno N" for others. */
const char *lsc_net_errno_name(int e);
/* The socket's own address (getsockname), unmapped; ss_family 0 when unknown. */
void lsc_net_local(int fd, struct sockaddr_storage *ss);

/*
 * A listening (TCP) or bound (UDP) non-blocking socket on `sa`.  `v6only`:
 * 1 or 0 sets IPV6_V6ONLY on an IPv6 socket, -1 leaves the system default.
 * Returns the fd, or -1 with the cause and a fix in `err` (in use: name the
 * port, suggest --port; EACCES below 1024; an address not on this host).
 */
int lsc_net_listen(struct lsc_explain *ex, const struct sockaddr *sa, socklen_t len, bool udp,
                   int backlog, int v6only, char *err);

/*
 * A connected socket to the first of `ai`'s addresses that accepts (UDP:
 * the first that can be connected, i.e. given a default peer).  Blocking,
 * close-on-exec, connect bounded by `timeout_ms`.  On failure -1 with the
 * cause in `err`: "nothing listens on HOST:PORT — start `layerscope server`"
 * when every address refused.  `peer` gets the address used.
 */
int lsc_net_connect(struct lsc_explain *ex, const struct addrinfo *ai, const char *host,
                    uint16_t port, int timeout_ms, struct sockaddr_storage *peer, char *err);

/* The message for a refusal from HOST:PORT. */
void lsc_net_refused(char *err, const char *host, uint16_t port, bool udp);

/* Sets O_NONBLOCK; 0 or -1 with errno. */
int lsc_net_nonblock(int fd);

/* ---- ebuf.c: a connection's unsent echo, bounded, with back-pressure ----- */

/*
 * Bytes received but not yet echoed, at most `cap`.  The storage is taken
 * when the first byte has to wait and given back when the last one leaves,
 * so the thousands of connections whose echo goes out at once hold nothing.
 */
struct lsc_ebuf {
	uint8_t *data;
	size_t cap;
	size_t off; /* first unsent byte */
	size_t len; /* unsent bytes */
};

void lsc_ebuf_init(struct lsc_ebuf *b, size_t cap);
void lsc_ebuf_free(struct lsc_ebuf *b);
/* Free space: how much more may be appended. */
size_t lsc_ebuf_room(const struct lsc_ebuf *b);
/*
 * Contiguous space for `n` (<= room) more bytes at the end, moving the
 * unsent bytes to the front when needed; NULL when n > room or out of memory.
 * lsc_ebuf_commit() then counts what was written there.
 */
uint8_t *lsc_ebuf_tail(struct lsc_ebuf *b, size_t n);
void lsc_ebuf_commit(struct lsc_ebuf *b, size_t n);
/* Copies `n` (<= room) bytes in; 0, or -1 when they do not fit or out of memory. */
int lsc_ebuf_append(struct lsc_ebuf *b, const void *p, size_t n);
/* The unsent bytes start here (lsc_ebuf_pending() of them). */
const uint8_t *lsc_ebuf_head(const struct lsc_ebuf *b);
size_t lsc_ebuf_pending(const struct lsc_ebuf *b);
/* Drops `n` sent bytes; storage goes back once nothing waits. */
void lsc_ebuf_consume(struct lsc_ebuf *b, size_t n);
/*
 * The back-pressure rule: should the connection read?  While reading, yes as
 * long as one more full read (`read_size`) fits; once paused, not until the
 * unsent echo has drained to a quarter of the cap (hysteresis: no flapping
 * on every send).  Requires cap >= read_size.
 */
bool lsc_ebuf_should_read(const struct lsc_ebuf *b, bool reading, size_t read_size);

/* ---- explain.c: text shared by narration and the human lines ---------- */

struct lsc_strbuf;
/*
 * Appends bytes from the wire as C-string text: printable ASCII as is, \n \r
 * \t \" \\ and \xNN for the rest, so a line stays a line.  At most `max`
 * input bytes; "..." marks a cut.
 */
void lsc_echo_escape(struct lsc_strbuf *b, const uint8_t *p, size_t n, size_t max);

/* ---- hist.c: latency percentiles in fixed memory ------------------------- */

/* Log-linear buckets: exact below 32 ns, then 32 per power of two (< 3.2% error). */
#define LSC_HIST_BUCKETS 1920
struct lsc_hist {
	uint64_t count;
	uint64_t max;
	uint64_t b[LSC_HIST_BUCKETS];
};

void lsc_hist_add(struct lsc_hist *h, uint64_t v);
/* The value at quantile q (0..1): the middle of its bucket, never above max; 0 when empty. */
uint64_t lsc_hist_quantile(const struct lsc_hist *h, double q);

#endif
