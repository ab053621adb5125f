/* SPDX-License-Identifier: BSD-3-Clause */
/* server.c: the echo server (RFC 862 over TCP and UDP): one epoll loop, non-blocking sockets, bounded echo buffers. */
#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <layerscope/strbuf.h>

#include "echo-int.h"
#include "evloop.h"

#define MAX_LISTENERS  8
#define ACCEPT_BATCH   64   /* accepts per wake-up, so a flood of clients cannot starve the others */
#define DGRAM_BATCH    64
#define DGRAM_MAX      65536
#define ACCEPT_PAUSE_MS 100 /* out of descriptors: let connections finish before accepting again */
#define ACCEPT_COUNT_MS 60000 /* the same accept() failure again: counted, the count said once a minute */
#define PREVIEW        64   /* message bytes shown per line */

struct conn {
	struct lsc_echo_server *srv;
	int fd;
	uint64_t id;
	struct sockaddr_storage peer;
	struct lsc_ebuf out;
	bool reading;  /* read interest on: the back-pressure switch */
	bool eof;      /* the peer has finished sending: close once its echo is out */
	uint64_t in, sent;
	struct conn *prev, *next;
};

struct listener {
	int fd;
	bool dual; /* [::] with IPV6_V6ONLY off: IPv4 clients arrive here too */
	struct sockaddr_storage addr;
};

struct lsc_echo_server {
	struct lsc_echo_server_opts o;
	struct lsc_evloop *loop;
	struct listener ls[MAX_LISTENERS];
	int nls;
	uint16_t port;
	bool accepting;
	uint64_t pause_timer;
	struct conn *conns;
	struct lsc_echo_stats st;
	uint8_t *scratch; /* one read's bytes, shared: a connection owns memory only while its echo waits */
	size_t scratch_cap;
	/* The same accept() failure again and again: its first line is printed, the rest counted. */
	int accept_errno;
	uint64_t accept_repeats;
	int64_t accept_since_ms;
};

__attribute__((format(printf, 2, 0)))
static void vsay(const struct lsc_echo_server *s, const char *fmt, va_list ap)
{
	vfprintf(s->o.log, fmt, ap);
	fputc('\n', s->o.log);
	fflush(s->o.log);
}

/* A line for people: what happens to connections and messages. */
__attribute__((format(printf, 2, 3)))
static void say(const struct lsc_echo_server *s, const char *fmt, ...)
{
	va_list ap;
	if (s->o.log == NULL || s->o.quiet)
		return;
	va_start(ap, fmt);
	vsay(s, fmt, ap);
	va_end(ap);
}

/* A line even --quiet prints: where the server listens (with --port 0 the only way to learn it). */
__attribute__((format(printf, 2, 3)))
static void announce(const struct lsc_echo_server *s, const char *fmt, ...)
{
	va_list ap;
	if (s->o.log == NULL)
		return;
	va_start(ap, fmt);
	vsay(s, fmt, ap);
	va_end(ap);
}

static const char *proto(const struct lsc_echo_server *s)
{
	return s->o.udp ? "UDP" : "TCP";
}

/*
 * "#3 received 5 bytes: "hello"" — what the exercise's server prints; a
 * datagram names its sender ("#3 datagram from 10.0.0.2:40000: 5 bytes: ...").
 */
static void say_message(const struct lsc_echo_server *s, uint64_t id,
                        const struct sockaddr_storage *from, const uint8_t *p, size_t n)
{
	char text[PREVIEW * 4 + 8], at[LSC_ADDR_TEXT] = "";
	struct lsc_strbuf b;
	if (s->o.log == NULL || s->o.quiet)
		return;
	lsc_sb_init(&b, text, sizeof text);
	lsc_echo_escape(&b, p, n, PREVIEW);
	if (from == NULL) {
		say(s, P_("#%llu received %zu byte: \"%s\"", "#%llu received %zu bytes: \"%s\"", n),
		    (unsigned long long)id, n, text);
		return;
	}
	lsc_net_addr_text((const struct sockaddr *)from, at, sizeof at);
	say(s, P_("#%llu datagram from %s: %zu byte: \"%s\"", "#%llu datagram from %s: %zu bytes: \"%s\"", n),
	    (unsigned long long)id, at, n, text);
}

/* ---- connections ----------------------------------------------------------- */

static void check_done(struct lsc_echo_server *s)
{
	if (s->o.max_conns > 0 && s->st.connections >= s->o.max_conns && s->st.active == 0)
		lsc_ev_stop(s->loop);
}

static void conn_close(struct conn *c, const char *why)
{
	struct lsc_echo_server *s = c->srv;
	size_t unsent = lsc_ebuf_pending(&c->out);
	lsc_ev_del(s->loop, c->fd, LSC_EV_READ | LSC_EV_WRITE);
	lsc_sock_close(s->o.explain, c->fd);
	if (unsent > 0)
		say(s, _("#%llu closed (%s): %llu bytes in, %llu out, %zu unsent"), (unsigned long long)c->id,
		    why, (unsigned long long)c->in, (unsigned long long)c->sent, unsent);
	else
		say(s, _("#%llu closed (%s): %llu bytes in, %llu out"), (unsigned long long)c->id, why,
		    (unsigned long long)c->in, (unsigned long long)c->sent);
	s->st.unsent += unsent;
	s->st.active--;
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	lsc_ebuf_free(&c->out);
	free(c);
	check_done(s);
}

static void on_conn(struct lsc_evloop *l, int fd, void *data, int mask);

/* Why a send or recv error ends a connection, in the words of the close line. */
static const char *io_error(int e)
{
	return e == ECONNRESET ? _("reset by peer") : e == EPIPE ? _("peer gone: broken pipe") : strerror(e);
}

/*
 * Sets read and write interest from the buffer: write while echo waits; read
 * while the back-pressure rule allows.  Returns -1 when it closed `c`.
 */
static int conn_update(struct conn *c)
{
	struct lsc_echo_server *s = c->srv;
	size_t pending = lsc_ebuf_pending(&c->out);
	bool rd = !c->eof && lsc_ebuf_should_read(&c->out, c->reading, s->o.read_size);
	int want = (rd ? LSC_EV_READ : 0) | (pending > 0 ? LSC_EV_WRITE : 0);
	int have = lsc_ev_mask(s->loop, c->fd);
	char err[LSC_ERRBUF_SIZE];

	if (rd != c->reading && !c->eof) {
		if (!rd) {
			s->st.pauses++;
			lsc_sock_note(s->o.explain, c->fd,
			              N_("%zu bytes of echo wait for the peer to read: stop reading fd %d "
			              "(back-pressure; its sends will block)"), pending, c->fd);
		} else {
			lsc_sock_note(s->o.explain, c->fd,
			              N_("echo drained to %zu bytes: read fd %d again"), pending, c->fd);
		}
	}
	c->reading = rd;
	if (have & ~want)
		lsc_ev_del(s->loop, c->fd, have & ~want);
	if ((want & ~have) && lsc_ev_add(s->loop, c->fd, want & ~have, on_conn, c, err) != 0) {
		say(s, "#%llu %s", (unsigned long long)c->id, err);
		conn_close(c, _("cannot watch it"));
		return -1;
	}
	if (c->eof && pending == 0) {
		conn_close(c, _("peer closed"));
		return -1;
	}
	return 0;
}

/* Sends what waits; one send() per wake-up keeps the loop fair.  -1: closed. */
static int conn_flush(struct conn *c)
{
	struct lsc_echo_server *s = c->srv;
	size_t pending = lsc_ebuf_pending(&c->out);
	ssize_t w = lsc_sock_send(s->o.explain, c->fd, lsc_ebuf_head(&c->out), pending, 0);
	if (w < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		conn_close(c, io_error(errno));
		return -1;
	}
	lsc_ebuf_consume(&c->out, (size_t)w);
	c->sent += (uint64_t)w;
	s->st.bytes_out += (uint64_t)w;
	return 0;
}

/*
 * Echoes `n` bytes just read into the scratch buffer: straight back when
 * nothing waits before them, the rest (what the socket would not take)
 * into the connection's buffer.  -1: closed.
 */
static int conn_echo_direct(struct conn *c, size_t n)
{
	struct lsc_echo_server *s = c->srv;
	ssize_t w = lsc_sock_send(s->o.explain, c->fd, s->scratch, n, 0);
	if (w < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			conn_close(c, io_error(errno));
			return -1;
		}
		w = 0;
	}
	c->sent += (uint64_t)w;
	s->st.bytes_out += (uint64_t)w;
	if ((size_t)w < n && lsc_ebuf_append(&c->out, s->scratch + w, n - (size_t)w) != 0) {
		conn_close(c, _("out of memory for its echo"));
		return -1;
	}
	return 0;
}

/* One recv() of up to read_size bytes, echoed.  -1: closed. */
static int conn_read(struct conn *c)
{
	struct lsc_echo_server *s = c->srv;
	size_t n = s->o.read_size;
	bool direct = lsc_ebuf_pending(&c->out) == 0;
	/* While reading, the rule guarantees room for a whole read. */
	uint8_t *dst = direct ? s->scratch : lsc_ebuf_tail(&c->out, n);
	if (dst == NULL) {
		conn_close(c, _("out of memory for its echo"));
		return -1;
	}
	ssize_t r = lsc_sock_recv(s->o.explain, c->fd, dst, n, 0);
	if (r < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		conn_close(c, io_error(errno));
		return -1;
	}
	if (r == 0) {
		c->eof = true;
		if (lsc_ebuf_pending(&c->out) > 0)
			say(s, _("#%llu peer finished sending; %zu bytes of echo still to go"),
			    (unsigned long long)c->id, lsc_ebuf_pending(&c->out));
		return 0;
	}
	c->in += (uint64_t)r;
	s->st.bytes_in += (uint64_t)r;
	say_message(s, c->id, NULL, dst, (size_t)r);
	if (direct)
		return conn_echo_direct(c, (size_t)r);
	lsc_ebuf_commit(&c->out, (size_t)r);
	return 0;
}

static void on_conn(struct lsc_evloop *l, int fd, void *data, int mask)
{
	struct conn *c = data;
	(void)l, (void)fd;
	if ((mask & LSC_EV_WRITE) && lsc_ebuf_pending(&c->out) > 0 && conn_flush(c) < 0)
		return;
	if ((mask & LSC_EV_READ) && c->reading && !c->eof && conn_read(c) < 0)
		return;
	conn_update(c);
}

/* ---- listening --------------------------------------------------------------- */

static void on_accept(struct lsc_evloop *l, int fd, void *data, int mask);

static void listeners_close(struct lsc_echo_server *s)
{
	for (int i = 0; i < s->nls; i++) {
		if (s->ls[i].fd < 0)
			continue;
		lsc_ev_del(s->loop, s->ls[i].fd, LSC_EV_READ);
		lsc_sock_close(s->o.explain, s->ls[i].fd);
		s->ls[i].fd = -1;
	}
	s->accepting = false;
}

static void listeners_watch(struct lsc_echo_server *s, bool on)
{
	char err[LSC_ERRBUF_SIZE];
	for (int i = 0; i < s->nls; i++) {
		if (s->ls[i].fd < 0)
			continue;
		if (!on)
			lsc_ev_del(s->loop, s->ls[i].fd, LSC_EV_READ);
		else if (lsc_ev_add(s->loop, s->ls[i].fd, LSC_EV_READ, on_accept, s, err) != 0)
			say(s, "%s", err);
	}
	s->accepting = on;
}

static int64_t resume_accept(struct lsc_evloop *l, void *data)
{
	struct lsc_echo_server *s = data;
	(void)l;
	s->pause_timer = 0;
	listeners_watch(s, true);
	return -1;
}

/* How many more times accept() failed the same way since its line (or the last count), in one line. */
static void accept_errors_count(struct lsc_echo_server *s, const char *now)
{
	if (s->accept_errno != 0 && s->accept_repeats > 0)
		announce(s, P_("accept: %s %llu more time in %.1f s (not shown one by one)%s",
		               "accept: %s %llu more times in %.1f s (not shown one by one)%s", s->accept_repeats),
		         strerror(s->accept_errno), (unsigned long long)s->accept_repeats,
		         (double)(lsc_ev_now_ms() - s->accept_since_ms) / 1000.0, now);
	s->accept_repeats = 0;
	s->accept_since_ms = lsc_ev_now_ms();
}

/*
 * Out of descriptors: a readable listener would wake the loop forever, so
 * look away for a while.  The loop tries again every ACCEPT_PAUSE_MS for as
 * long as the descriptors stay taken: the first failure is one line (even
 * with --quiet), the same failure later is counted, and the count printed
 * at most once a minute and when the server stops: not ten lines a second.
 */
static void pause_accept(struct lsc_echo_server *s, int e)
{
	if (s->accept_errno == e) {
		s->accept_repeats++;
		if (lsc_ev_now_ms() - s->accept_since_ms >= ACCEPT_COUNT_MS)
			accept_errors_count(s, "");
	} else {
		accept_errors_count(s, _("; then another error"));
		announce(s, _("accept: %s — %llu connections open; trying again every %d ms until one "
		         "closes (raise ulimit -n)"), strerror(e), (unsigned long long)s->st.active, ACCEPT_PAUSE_MS);
		s->accept_errno = e;
		s->accept_since_ms = lsc_ev_now_ms();
	}
	listeners_watch(s, false);
	s->pause_timer = lsc_ev_timer_add(s->loop, ACCEPT_PAUSE_MS, resume_accept, s);
	if (s->pause_timer == 0)
		listeners_watch(s, true);
}

static void conn_open(struct lsc_echo_server *s, int fd, const struct sockaddr_storage *peer)
{
	char err[LSC_ERRBUF_SIZE], a[LSC_ADDR_TEXT], b[LSC_ADDR_TEXT];
	struct conn *c = calloc(1, sizeof *c);
	if (c == NULL) {
		say(s, "%s", _("out of memory for a connection: closing it"));
		lsc_sock_close(s->o.explain, fd);
		return;
	}
	c->srv = s;
	c->fd = fd;
	c->id = ++s->st.connections;
	c->peer = *peer;
	c->reading = true;
	lsc_ebuf_init(&c->out, s->o.buf_cap);
	/* Echoes go out as they come; Nagle would hold a partial one for the peer's delayed ACK. */
	lsc_sock_setopt(s->o.explain, fd, IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY", 1);
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	if (++s->st.active > s->st.peak)
		s->st.peak = s->st.active;
	if (s->o.log != NULL && !s->o.quiet) {
		struct sockaddr_storage local;
		lsc_net_local(fd, &local);
		lsc_net_addr_text((const struct sockaddr *)peer, a, sizeof a);
		lsc_net_addr_text((const struct sockaddr *)&local, b, sizeof b);
		say(s, _("#%llu connected: %s → %s (TCP)"), (unsigned long long)c->id, a, b);
	}
	if (lsc_ev_add(s->loop, fd, LSC_EV_READ, on_conn, c, err) != 0) {
		say(s, "#%llu %s", (unsigned long long)c->id, err);
		conn_close(c, _("cannot watch it"));
	}
}

static void on_accept(struct lsc_evloop *l, int fd, void *data, int mask)
{
	struct lsc_echo_server *s = data;
	(void)l, (void)mask;
	for (int i = 0; i < ACCEPT_BATCH && s->accepting; i++) {
		struct sockaddr_storage peer;
		int cfd = lsc_sock_accept(s->o.explain, fd, &peer);
		if (cfd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				pause_accept(s, errno);
			/* EAGAIN: all taken; ECONNABORTED and the like: that client left already. */
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				return;
			continue;
		}
		conn_open(s, cfd, &peer);
		if (s->o.max_conns > 0 && s->st.connections >= s->o.max_conns) {
			lsc_sock_note(s->o.explain, -1,
			              N_("--max-conns %llu reached: stop listening, exit when the clients have gone"),
			              (unsigned long long)s->o.max_conns);
			listeners_close(s);
			check_done(s);
		}
	}
}

/* ---- UDP: each datagram echoed to its sender ---------------------------------- */

static void on_datagram(struct lsc_evloop *l, int fd, void *data, int mask)
{
	struct lsc_echo_server *s = data;
	(void)l, (void)mask;
	for (int i = 0; i < DGRAM_BATCH && !lsc_ev_stopped(s->loop); i++) {
		struct sockaddr_storage peer;
		ssize_t r = lsc_sock_recvfrom(s->o.explain, fd, s->scratch, s->scratch_cap, &peer);
		if (r < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				say(s, "recvfrom: %s", strerror(errno));
			return;
		}
		uint64_t id = ++s->st.connections;
		s->st.bytes_in += (uint64_t)r;
		struct sockaddr_storage to = peer;
		lsc_net_unmap(&peer);
		say_message(s, id, &peer, s->scratch, (size_t)r);
		socklen_t tolen = to.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		ssize_t w = lsc_sock_sendto(s->o.explain, fd, s->scratch, (size_t)r, (struct sockaddr *)&to, tolen);
		if (w >= 0) {
			s->st.bytes_out += (uint64_t)w;
		} else {
			/* UDP promises nothing: a reply the socket cannot take now is dropped, not queued. */
			s->st.dropped++;
			say(s, _("#%llu echo dropped: sendto: %s"), (unsigned long long)id, strerror(errno));
		}
		check_done(s);
	}
}

/* ---- setting up -------------------------------------------------------------------- */

static int add_listener(struct lsc_echo_server *s, const struct sockaddr *sa, socklen_t len,
                        int v6only, char *err)
{
	struct sockaddr_storage at = { 0 };
	if (s->nls == MAX_LISTENERS)
		return 0;
	memcpy(&at, sa, len);
	/* With --port 0 the first bind picks the port; the others use the same one. */
	if (s->port != 0) {
		if (at.ss_family == AF_INET)
			((struct sockaddr_in *)&at)->sin_port = htons(s->port);
		else
			((struct sockaddr_in6 *)&at)->sin6_port = htons(s->port);
	}
	int fd = lsc_net_listen(s->o.explain, (struct sockaddr *)&at, len, s->o.udp, s->o.backlog, v6only, err);
	if (fd < 0)
		return -1;
	s->ls[s->nls].fd = fd;
	s->ls[s->nls].dual = at.ss_family == AF_INET6 && v6only == 0 &&
	                     IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)&at)->sin6_addr);
	lsc_net_local(fd, &s->ls[s->nls].addr);
	if (s->ls[s->nls].addr.ss_family == 0)
		memcpy(&s->ls[s->nls].addr, &at, len);
	s->port = lsc_net_port((struct sockaddr *)&s->ls[s->nls].addr);
	s->nls++;
	return 0;
}

/* No --bind: one IPv6 socket that takes IPv4 too ([::], IPV6_V6ONLY off); IPv4 alone where IPv6 is missing. */
static int listen_default(struct lsc_echo_server *s, char *err)
{
	struct sockaddr_in6 a6 = { 0 };
	a6.sin6_family = AF_INET6;
	a6.sin6_addr = in6addr_any;
	a6.sin6_port = htons(s->o.port);
	if (add_listener(s, (struct sockaddr *)&a6, sizeof a6, 0, err) == 0)
		return 0;
	if (errno != EAFNOSUPPORT)
		return -1;
	struct sockaddr_in a4 = { 0 };
	a4.sin_family = AF_INET;
	a4.sin_addr.s_addr = htonl(INADDR_ANY);
	a4.sin_port = htons(s->o.port);
	return add_listener(s, (struct sockaddr *)&a4, sizeof a4, -1, err);
}

static bool same_addr(const struct addrinfo *a, const struct addrinfo *b)
{
	return a->ai_addrlen == b->ai_addrlen && memcmp(a->ai_addr, b->ai_addr, a->ai_addrlen) == 0;
}

/* --bind NAME: every address it names, IPv6 ones IPv6-only when IPv4 ones come too. */
static int listen_named(struct lsc_echo_server *s, char *err)
{
	struct addrinfo *ai;
	if (lsc_sock_resolve(s->o.explain, s->o.bind, s->o.port, s->o.udp, true, &ai, err) != 0)
		return -1;
	bool v4 = false;
	for (const struct addrinfo *a = ai; a != NULL; a = a->ai_next)
		v4 |= a->ai_family == AF_INET;
	int rc = 0;
	for (const struct addrinfo *a = ai; a != NULL && rc == 0; a = a->ai_next) {
		bool dup = false;
		for (const struct addrinfo *p = ai; p != a; p = p->ai_next)
			dup |= same_addr(p, a);
		if (!dup && (a->ai_family == AF_INET || a->ai_family == AF_INET6))
			rc = add_listener(s, a->ai_addr, a->ai_addrlen, v4 ? 1 : 0, err);
	}
	freeaddrinfo(ai);
	if (rc == 0 && s->nls == 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("'%s' has no IPv4 or IPv6 address to listen on"), s->o.bind);
		rc = -1;
	}
	return rc;
}

static void say_listening(struct lsc_echo_server *s)
{
	char list[MAX_LISTENERS * (LSC_ADDR_TEXT + 2)], a[LSC_ADDR_TEXT];
	struct lsc_strbuf b;
	bool dual = false;
	lsc_sb_init(&b, list, sizeof list);
	for (int i = 0; i < s->nls; i++) {
		const struct sockaddr_storage *ss = &s->ls[i].addr;
		lsc_net_addr_text((const struct sockaddr *)ss, a, sizeof a);
		lsc_sb_printf(&b, "%s%s", i ? ", " : "", a);
		dual |= s->ls[i].dual;
	}
	/* TRANSLATORS: "listening on [::]:8082 (TCP, IPv4 and IPv6) — stop with Ctrl-C"; the
	   second %s is ", IPv4 and IPv6" or nothing, the last " — stop with Ctrl-C" or nothing. */
	announce(s, _("listening on %s (%s%s)%s"), list, proto(s), dual ? _(", IPv4 and IPv6") : "",
	    s->o.max_conns ? "" : _(" — stop with Ctrl-C"));
}

struct lsc_echo_server *lsc_echo_server_new(const struct lsc_echo_server_opts *opts, char *err)
{
	struct lsc_echo_server *s = calloc(1, sizeof *s);
	if (s == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory"));
		return NULL;
	}
	s->o = *opts;
	if (s->o.read_size == 0)
		s->o.read_size = LSC_ECHO_READ_SIZE;
	if (s->o.buf_cap == 0)
		s->o.buf_cap = LSC_ECHO_BUF_CAP;
	if (s->o.buf_cap < s->o.read_size)
		s->o.buf_cap = s->o.read_size; /* the back-pressure rule needs room for one read */
	if (s->o.backlog <= 0)
		s->o.backlog = LSC_ECHO_BACKLOG;
	s->port = s->o.port;
	for (int i = 0; i < MAX_LISTENERS; i++)
		s->ls[i].fd = -1;
	s->scratch_cap = s->o.udp ? DGRAM_MAX : s->o.read_size;
	s->scratch = malloc(s->scratch_cap);
	if (s->scratch == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory"));
		goto fail;
	}
	/* Thousands of clients need thousands of descriptors; a low limit only lowers the ceiling. */
	char ignored[LSC_ERRBUF_SIZE];
	(void)lsc_echo_raise_nofile(0, ignored);
	/* Listeners first: the exercise's first socket is descriptor 3, and so is ours. */
	if ((s->o.bind == NULL ? listen_default(s, err) : listen_named(s, err)) != 0)
		goto fail;
	s->loop = lsc_ev_new(err);
	if (s->loop == NULL)
		goto fail;
	for (int i = 0; i < s->nls; i++)
		if (lsc_ev_add(s->loop, s->ls[i].fd, LSC_EV_READ, s->o.udp ? on_datagram : on_accept, s, err) != 0)
			goto fail;
	s->accepting = true;
	say_listening(s);
	return s;
fail:
	lsc_echo_server_free(s);
	return NULL;
}

uint16_t lsc_echo_server_port(const struct lsc_echo_server *s)
{
	return s->port;
}

static void close_all(struct lsc_echo_server *s)
{
	while (s->conns != NULL)
		conn_close(s->conns, _("server stopping"));
	listeners_close(s);
	if (s->pause_timer != 0) {
		lsc_ev_timer_del(s->loop, s->pause_timer);
		s->pause_timer = 0;
	}
}

int lsc_echo_server_run(struct lsc_echo_server *s, char *err)
{
	int rc = 0;
	if (!(s->o.max_conns > 0 && s->st.connections >= s->o.max_conns && s->st.active == 0))
		rc = lsc_ev_run(s->loop, err);
	accept_errors_count(s, "");
	close_all(s);
	return rc;
}

void lsc_echo_server_stop(struct lsc_echo_server *s)
{
	lsc_ev_wake(s->loop);
}

void lsc_echo_server_stats(const struct lsc_echo_server *s, struct lsc_echo_stats *st)
{
	*st = s->st;
}

void lsc_echo_server_free(struct lsc_echo_server *s)
{
	if (s == NULL)
		return;
	if (s->loop != NULL) {
		close_all(s);
	} else {
		for (int i = 0; i < s->nls; i++)
			lsc_sock_close(s->o.explain, s->ls[i].fd);
	}
	lsc_ev_free(s->loop);
	free(s->scratch);
	free(s);
}
