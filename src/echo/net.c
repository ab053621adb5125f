/* SPDX-License-Identifier: BSD-3-Clause */
/* net.c: socket helpers in the manner of Redis's anet: listeners, connections, address text, errors that say what to do. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "echo-int.h"

void lsc_net_unmap(struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	if (ss->ss_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		return;
	struct sockaddr_in s4 = { 0 };
	s4.sin_family = AF_INET;
	s4.sin_port = s6->sin6_port;
	memcpy(&s4.sin_addr, &s6->sin6_addr.s6_addr[12], 4);
	memset(ss, 0, sizeof *ss);
	memcpy(ss, &s4, sizeof s4);
}

/* Callers hand in any sockaddr pointer: copy rather than cast to the stricter-aligned forms. */
void lsc_net_ip_text(const struct sockaddr *sa, char *buf, size_t cap)
{
	char t[INET6_ADDRSTRLEN] = "?";
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in s4;
		memcpy(&s4, sa, sizeof s4);
		inet_ntop(AF_INET, &s4.sin_addr, t, sizeof t);
	} else if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 s6;
		char ifname[IF_NAMESIZE];
		memcpy(&s6, sa, sizeof s6);
		inet_ntop(AF_INET6, &s6.sin6_addr, t, sizeof t);
		if (s6.sin6_scope_id != 0 && if_indextoname(s6.sin6_scope_id, ifname) != NULL) {
			snprintf(buf, cap, "%s%%%s", t, ifname);
			return;
		}
	}
	snprintf(buf, cap, "%s", t);
}

uint16_t lsc_net_port(const struct sockaddr *sa)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;
	if (sa->sa_family == AF_INET) {
		memcpy(&s4, sa, sizeof s4);
		return ntohs(s4.sin_port);
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(&s6, sa, sizeof s6);
		return ntohs(s6.sin6_port);
	}
	return 0;
}

void lsc_net_addr_text(const struct sockaddr *sa, char *buf, size_t cap)
{
	char ip[LSC_ADDR_TEXT];
	lsc_net_ip_text(sa, ip, sizeof ip);
	if (sa->sa_family == AF_INET6)
		snprintf(buf, cap, "[%s]:%u", ip, (unsigned)lsc_net_port(sa));
	else if (sa->sa_family == AF_INET)
		snprintf(buf, cap, "%s:%u", ip, (unsigned)lsc_net_port(sa));
	else
		snprintf(buf, cap, "?");
}

void lsc_net_local(int fd, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof *ss;
	if (getsockname(fd, (struct sockaddr *)ss, &len) != 0)
		memset(ss, 0, sizeof *ss);
	else
		lsc_net_unmap(ss);
}

#define E(x) { x, #x }
static const struct {
	int e;
	const char *name;
} errno_names[] = {
	E(EAGAIN), E(EINTR), E(EINPROGRESS), E(EALREADY), E(EISCONN), E(ENOTCONN),
	E(ECONNREFUSED), E(ECONNRESET), E(ECONNABORTED), E(EPIPE), E(ETIMEDOUT),
	E(EHOSTUNREACH), E(ENETUNREACH), E(ENETDOWN), E(EADDRINUSE), E(EADDRNOTAVAIL),
	E(EACCES), E(EPERM), E(EAFNOSUPPORT), E(EPROTONOSUPPORT), E(EINVAL), E(EBADF),
	E(EMFILE), E(ENFILE), E(ENOBUFS), E(ENOMEM), E(EMSGSIZE), E(EPROTO), E(EFAULT),
};
#undef E

const char *lsc_net_errno_name(int e)
{
	static __thread char other[24];
	for (size_t i = 0; i < sizeof errno_names / sizeof errno_names[0]; i++)
		if (errno_names[i].e == e)
			return errno_names[i].name;
	snprintf(other, sizeof other, "errno %d", e);
	return other;
}

int lsc_net_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* bind()'s failures, said so a student knows what to do next. */
static void bind_error(char *err, const struct sockaddr *sa, bool udp, int e)
{
	char at[LSC_ADDR_TEXT], ip[LSC_ADDR_TEXT];
	unsigned port = lsc_net_port(sa);
	lsc_net_addr_text(sa, at, sizeof at);
	lsc_net_ip_text(sa, ip, sizeof ip);
	const char *proto = udp ? "UDP" : "TCP";
	switch (e) {
	case EADDRINUSE:
		snprintf(err, LSC_ERRBUF_SIZE,
		         _("%s port %u is in use (bind %s: address already in use) — another server "
		         "listens there: stop it, or choose another port with --port N"),
		         proto, port, at);
		break;
	case EACCES:
	case EPERM:
		snprintf(err, LSC_ERRBUF_SIZE,
		         _("port %u is below 1024 and needs privilege (bind %s: %s) — run as root, "
		         "grant CAP_NET_BIND_SERVICE (setcap cap_net_bind_service=ep), "
		         "or use --port 1024 or above"),
		         port, at, strerror(e));
		break;
	case EADDRNOTAVAIL:
		snprintf(err, LSC_ERRBUF_SIZE,
		         _("%s is not an address of this host (bind %s: cannot assign requested address) — "
		         "use one of this host's addresses (ip address), or leave out --bind to listen on all"),
		         ip, at);
		break;
	default:
		snprintf(err, LSC_ERRBUF_SIZE, "bind %s: %s", at, strerror(e));
	}
}

int lsc_net_listen(struct lsc_explain *ex, const struct sockaddr *sa, socklen_t len, bool udp,
                   int backlog, int v6only, char *err)
{
	char at[LSC_ADDR_TEXT];
	int type = (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK;
	lsc_net_addr_text(sa, at, sizeof at);
	int e, fd = lsc_sock_socket(ex, sa->sa_family, type);
	if (fd < 0) {
		e = errno;
		snprintf(err, LSC_ERRBUF_SIZE, _("socket for %s: %s%s"), at, strerror(e),
		         e == EAFNOSUPPORT ? _(" — this host has no such protocol: use --bind 0.0.0.0") : "");
		errno = e;
		return -1;
	}
	/* A restarted server rebinds at once, though the old connections sit in TIME_WAIT. */
	if (!udp && lsc_sock_setopt(ex, fd, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR", 1) != 0)
		goto fail_opt;
	if (sa->sa_family == AF_INET6 && v6only >= 0 &&
	    lsc_sock_setopt(ex, fd, IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY", v6only) != 0)
		goto fail_opt;
	if (lsc_sock_bind(ex, fd, sa, len) != 0) {
		e = errno;
		bind_error(err, sa, udp, e);
		goto fail;
	}
	if (!udp && lsc_sock_listen(ex, fd, backlog) != 0) {
		e = errno;
		if (e == EADDRINUSE)
			bind_error(err, sa, udp, e);
		else
			snprintf(err, LSC_ERRBUF_SIZE, _("listen on %s: %s"), at, strerror(e));
		goto fail;
	}
	return fd;
fail_opt:
	e = errno;
	snprintf(err, LSC_ERRBUF_SIZE, _("setsockopt on %s: %s"), at, strerror(e));
fail:
	lsc_sock_close(ex, fd);
	errno = e; /* the caller may try another family on EAFNOSUPPORT */
	return -1;
}

void lsc_net_refused(char *err, const char *host, uint16_t port, bool udp)
{
	bool v6 = strchr(host, ':') != NULL; /* an IPv6 address takes brackets before the port */
	char portopt[16] = "";
	if (port != LSC_ECHO_PORT)
		snprintf(portopt, sizeof portopt, " --port %u", (unsigned)port);
	snprintf(err, LSC_ERRBUF_SIZE,
	         _("nothing listens on %s%s%s:%u%s — start `layerscope server%s%s`, or check --host and --port"),
	         v6 ? "[" : "", host, v6 ? "]" : "", (unsigned)port,
	         udp ? _(" (UDP: the host answered port unreachable)") : "", udp ? " --udp" : "", portopt);
}

/* One address: socket, connect; the fd or -1 with errno. */
static int connect_one(struct lsc_explain *ex, const struct addrinfo *a, int timeout_ms)
{
	int fd = lsc_sock_socket(ex, a->ai_family, a->ai_socktype);
	if (fd < 0)
		return -1;
	if (a->ai_socktype == SOCK_STREAM) {
		/* Linux bounds a blocking connect by the send timeout. */
		struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	}
	if (lsc_sock_connect(ex, fd, a->ai_addr, a->ai_addrlen, timeout_ms) != 0) {
		int e = errno == EINPROGRESS || errno == EAGAIN ? ETIMEDOUT : errno;
		lsc_sock_close(ex, fd);
		errno = e;
		return -1;
	}
	return fd;
}

int lsc_net_connect(struct lsc_explain *ex, const struct addrinfo *ai, const char *host,
                    uint16_t port, int timeout_ms, struct sockaddr_storage *peer, char *err)
{
	int refused = 0, tried = 0, last = 0;
	char at[LSC_ADDR_TEXT] = "";
	bool udp = ai != NULL && ai->ai_socktype == SOCK_DGRAM;
	for (const struct addrinfo *a = ai; a != NULL; a = a->ai_next) {
		tried++;
		int fd = connect_one(ex, a, timeout_ms);
		if (fd >= 0) {
			memset(peer, 0, sizeof *peer);
			memcpy(peer, a->ai_addr, a->ai_addrlen);
			return fd;
		}
		last = errno;
		refused += last == ECONNREFUSED;
		lsc_net_addr_text(a->ai_addr, at, sizeof at);
	}
	if (tried > 0 && refused == tried)
		lsc_net_refused(err, host, port, udp);
	else if (last == ETIMEDOUT)
		snprintf(err, LSC_ERRBUF_SIZE,
		         _("connecting to %s timed out after %d ms — is the host up and the port open "
		         "(a firewall may drop the handshake)?"), at, timeout_ms);
	else if (last == ENETUNREACH || last == EHOSTUNREACH)
		snprintf(err, LSC_ERRBUF_SIZE, _("cannot reach %s: %s — check the address and the routes (ip route)"),
		         at, strerror(last));
	else
		snprintf(err, LSC_ERRBUF_SIZE, _("connect to %s: %s"), tried ? at : host,
		         tried ? strerror(last) : _("no address to try"));
	return -1;
}

long long lsc_echo_raise_nofile(uint64_t need, char *err)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, "getrlimit(RLIMIT_NOFILE): %s", strerror(errno));
		return -1;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t want = rl.rlim_max;
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	long long have = rl.rlim_cur == RLIM_INFINITY ? (long long)1 << 40 : (long long)rl.rlim_cur;
	if (need > 0 && (uint64_t)have < need) {
		snprintf(err, LSC_ERRBUF_SIZE,
		         _("%llu open files are needed but the limit is %lld — raise it (ulimit -Hn as "
		         "root, or LimitNOFILE= in a service) or use fewer connections"),
		         (unsigned long long)need, have);
		return -1;
	}
	return have;
}
