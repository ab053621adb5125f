/* SPDX-License-Identifier: BSD-3-Clause */
/* sock.c: the socket calls of the exercise (POSIX sockets, RFC 3493 getaddrinfo), EINTR retried, each narrated. */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "echo-int.h"

/*
 * Stamped before the call, as strace stamps: the frames a call causes come
 * after its time.  Without a narrator the clock is not read.
 */
static void ev_init(struct lsc_explain *ex, struct lsc_explain_event *ev, enum lsc_sockcall call, int fd)
{
	memset(ev, 0, sizeof *ev);
	ev->call = call;
	ev->fd = fd;
	if (ex != NULL)
		lsc_explain_stamp(ev);
}

/* Narrates a finished call; errno survives for the caller. */
static void done(struct lsc_explain *ex, struct lsc_explain_event *ev, long long result)
{
	int saved = errno;
	ev->result = result;
	ev->err = result < 0 ? saved : 0;
	lsc_explain_emit(ex, ev);
	errno = saved;
}

static void copy_addr(struct sockaddr_storage *dst, const struct sockaddr *sa, socklen_t len)
{
	if (len > sizeof *dst)
		len = sizeof *dst;
	memcpy(dst, sa, len);
	lsc_net_unmap(dst);
}

int lsc_sock_socket(struct lsc_explain *ex, int family, int type)
{
	struct lsc_explain_event ev;
	ev_init(ex, &ev, LSC_ECHO_CALL_SOCKET, -1);
	int fd = socket(family, type | SOCK_CLOEXEC, 0);
	if (ex != NULL) {
		ev.family = family;
		ev.type = type;
		done(ex, &ev, fd);
	}
	return fd;
}

int lsc_sock_setopt(struct lsc_explain *ex, int fd, int level, int name, const char *optname, int val)
{
	struct lsc_explain_event ev;
	ev_init(ex, &ev, LSC_ECHO_CALL_SETSOCKOPT, fd);
	int rc = setsockopt(fd, level, name, &val, sizeof val);
	if (ex != NULL) {
		ev.opt = optname;
		ev.arg = val;
		done(ex, &ev, rc);
	}
	return rc;
}

int lsc_sock_bind(struct lsc_explain *ex, int fd, const struct sockaddr *sa, socklen_t len)
{
	struct lsc_explain_event ev;
	ev_init(ex, &ev, LSC_ECHO_CALL_BIND, fd);
	int rc = bind(fd, sa, len);
	if (ex != NULL) {
		copy_addr(&ev.addr, sa, len);
		if (rc == 0) /* port 0 asks the kernel to choose: say what it chose */
			lsc_net_local(fd, &ev.local);
		done(ex, &ev, rc);
	}
	return rc;
}

int lsc_sock_listen(struct lsc_explain *ex, int fd, int backlog)
{
	struct lsc_explain_event ev;
	ev_init(ex, &ev, LSC_ECHO_CALL_LISTEN, fd);
	int rc = listen(fd, backlog);
	if (ex != NULL) {
		ev.arg = backlog;
		if (rc == 0)
			lsc_net_local(fd, &ev.local);
		done(ex, &ev, rc);
	}
	return rc;
}

int lsc_sock_accept(struct lsc_explain *ex, int lfd, struct sockaddr_storage *peer)
{
	struct lsc_explain_event ev;
	ev_init(ex, &ev, LSC_ECHO_CALL_ACCEPT, lfd);
	socklen_t len = sizeof *peer;
	int fd;
	do
		fd = accept4(lfd, (struct sockaddr *)peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd >= 0)
		lsc_net_unmap(peer);
	/* EAGAIN ends every accept loop: not worth a line. */
	if (ex != NULL && !(fd < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))) {
		if (fd >= 0) {
			ev.addr = *peer;
			lsc_net_local(fd, &ev.local);
		}
		done(ex, &ev, fd);
	}
	return fd;
}

/* An interrupted blocking connect completes in the background: wait for its outcome. */
static int connect_wait(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int n;
	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (n < 0)
		return -1;
	int soerr = 0;
	socklen_t sl = sizeof soerr;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
		return -1;
	if (soerr != 0) {
		errno = soerr;
		return -1;
	}
	return 0;
}

int lsc_sock_connect(struct lsc_explain *ex, int fd, const struct sockaddr *sa, socklen_t len,
                     int timeout_ms)
{
	struct lsc_explain_event ev;
	ev_init(ex, &ev, LSC_ECHO_CALL_CONNECT, fd);
	int rc = connect(fd, sa, len);
	if (rc < 0 && errno == EINTR)
		rc = connect_wait(fd, timeout_ms);
	if (ex != NULL) {
		copy_addr(&ev.addr, sa, len);
		/* The kernel picks the ephemeral port at connect(): it is known now. */
		if (rc == 0 || errno == EINPROGRESS)
			lsc_net_local(fd, &ev.local);
		done(ex, &ev, rc);
	}
	return rc;
}

ssize_t lsc_sock_recv(struct lsc_explain *ex, int fd, void *buf, size_t n, int flags)
{
	struct lsc_explain_event ev;
	ev_init(ex, &ev, LSC_ECHO_CALL_RECV, fd);
	ssize_t r;
	do
		r = recv(fd, buf, n, flags);
	while (r < 0 && errno == EINTR);
	if (ex != NULL) {
		ev.len = n;
		done(ex, &ev, r);
	}
	return r;
}

ssize_t lsc_sock_send(struct lsc_explain *ex, int fd, const void *buf, size_t n, int flags)
{
	struct lsc_explain_event ev;
	ev_init(ex, &ev, LSC_ECHO_CALL_SEND, fd);
	ssize_t r;
	do
		r = send(fd, buf, n, flags | MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (ex != NULL) {
		ev.len = n;
		done(ex, &ev, r);
	}
	return r;
}

ssize_t lsc_sock_recvfrom(struct lsc_explain *ex, int fd, void *buf, size_t n,
                          struct sockaddr_storage *peer)
{
	struct lsc_explain_event ev;
	ev_init(ex, &ev, LSC_ECHO_CALL_RECVFROM, fd);
	socklen_t len = sizeof *peer;
	ssize_t r;
	do
		r = recvfrom(fd, buf, n, 0, (struct sockaddr *)peer, &len);
	while (r < 0 && errno == EINTR);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return r; /* the end of every datagram batch: not worth a line */
	if (ex != NULL) {
		ev.len = n;
		if (r >= 0)
			copy_addr(&ev.addr, (const struct sockaddr *)peer, len);
		done(ex, &ev, r);
	}
	return r;
}

ssize_t lsc_sock_sendto(struct lsc_explain *ex, int fd, const void *buf, size_t n,
                        const struct sockaddr *sa, socklen_t len)
{
	struct lsc_explain_event ev;
	ev_init(ex, &ev, LSC_ECHO_CALL_SENDTO, fd);
	ssize_t r;
	do
		r = sendto(fd, buf, n, MSG_NOSIGNAL, sa, len);
	while (r < 0 && errno == EINTR);
	if (ex != NULL) {
		ev.len = n;
		copy_addr(&ev.addr, sa, len);
		done(ex, &ev, r);
	}
	return r;
}

int lsc_sock_shutdown(struct lsc_explain *ex, int fd, int how)
{
	struct lsc_explain_event ev;
	ev_init(ex, &ev, LSC_ECHO_CALL_SHUTDOWN, fd);
	int rc = shutdown(fd, how);
	if (ex != NULL) {
		ev.arg = how;
		done(ex, &ev, rc);
	}
	return rc;
}

/* close() is not retried on EINTR: on Linux the descriptor is gone either way. */
int lsc_sock_close(struct lsc_explain *ex, int fd)
{
	struct lsc_explain_event ev;
	ev_init(ex, &ev, LSC_ECHO_CALL_CLOSE, fd);
	int rc = close(fd);
	if (ex != NULL) {
		done(ex, &ev, rc);
	}
	return rc;
}

static const char *resolve_hint(int rc)
{
	switch (rc) {
	case EAI_NONAME:
		return _("check the spelling, or give an address such as 127.0.0.1 or ::1");
	case EAI_AGAIN:
		return _("the name server did not answer: check the network and /etc/resolv.conf, "
		         "or give an address such as 127.0.0.1");
	case EAI_FAMILY:
	case EAI_ADDRFAMILY:
		return _("the name has no address this program can use");
	default:
		return _("give an address such as 127.0.0.1 or ::1 instead");
	}
}

int lsc_sock_resolve(struct lsc_explain *ex, const char *host, uint16_t port, bool udp, bool passive,
                     struct addrinfo **res, char *err)
{
	struct lsc_explain_event ev;
	ev_init(ex, &ev, LSC_ECHO_CALL_GETADDRINFO, -1);
	struct addrinfo hints = { 0 };
	char service[8];
	snprintf(service, sizeof service, "%u", (unsigned)port);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
	int rc = getaddrinfo(host, service, &hints, res);
	if (ex != NULL) {
		long long n = 0;
		ev.name = host != NULL ? host : "";
		ev.arg = port;
		if (rc == 0)
			for (const struct addrinfo *a = *res; a != NULL; a = a->ai_next)
				n++;
		else
			ev.note = gai_strerror(rc);
		ev.result = rc == 0 ? n : -1;
		lsc_explain_emit(ex, &ev);
	}
	if (rc != 0) {
		const char *cause = rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc);
		snprintf(err, LSC_ERRBUF_SIZE, _("cannot resolve '%s': %s — %s"), host ? host : "", cause,
		         resolve_hint(rc));
		*res = NULL;
		return -1;
	}
	return 0;
}

void lsc_sock_note(struct lsc_explain *ex, int fd, const char *fmt, ...)
{
	char text[256], shown[256];
	struct lsc_explain_event ev;
	va_list ap;
	if (ex == NULL)
		return;
	/* English for NDJSON, the same in every locale; the translation for the text a person reads. */
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	vsnprintf(shown, sizeof shown, _(fmt), ap);
	va_end(ap);
	ev_init(ex, &ev, LSC_ECHO_CALL_NOTE, fd);
	ev.note = text;
	ev.note_shown = shown;
	lsc_explain_emit(ex, &ev);
}
