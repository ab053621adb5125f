/* SPDX-License-Identifier: BSD-3-Clause */
/* explain.c: the narrator of --explain: each socket call and its result, as text or NDJSON, on the frames' clock. */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <layerscope/strbuf.h>

#include "echo-int.h"
#include "../lib/clock.h"
#include "../render/jsonw.h"

/* Frames' "ts" carries microseconds from live capture: narration matches it. */
#define TS_DIGITS 6

static const char *const call_names[] = {
	[LSC_ECHO_CALL_GETADDRINFO] = "getaddrinfo",
	[LSC_ECHO_CALL_SOCKET] = "socket",
	[LSC_ECHO_CALL_SETSOCKOPT] = "setsockopt",
	[LSC_ECHO_CALL_BIND] = "bind",
	[LSC_ECHO_CALL_LISTEN] = "listen",
	[LSC_ECHO_CALL_ACCEPT] = "accept",
	[LSC_ECHO_CALL_CONNECT] = "connect",
	[LSC_ECHO_CALL_RECV] = "recv",
	[LSC_ECHO_CALL_SEND] = "send",
	[LSC_ECHO_CALL_RECVFROM] = "recvfrom",
	[LSC_ECHO_CALL_SENDTO] = "sendto",
	[LSC_ECHO_CALL_SHUTDOWN] = "shutdown",
	[LSC_ECHO_CALL_CLOSE] = "close",
	[LSC_ECHO_CALL_NOTE] = "note",
};

static const char *call_name(enum lsc_sockcall c)
{
	return (unsigned)c < sizeof call_names / sizeof call_names[0] && call_names[c] ? call_names[c] : "?";
}

void lsc_explain_init(struct lsc_explain *ex, FILE *out, enum lsc_explain_format format,
                      const char *role)
{
	memset(ex, 0, sizeof *ex);
	ex->out = out;
	ex->format = format;
	ex->role = role;
}

int lsc_explain_parse_format(const char *s, enum lsc_explain_format *out)
{
	if (strcmp(s, "text") == 0)
		*out = LSC_EXPLAIN_TEXT;
	else if (strcmp(s, "json") == 0)
		*out = LSC_EXPLAIN_JSON;
	else
		return -1;
	return 0;
}

static const char *family_name(int f)
{
	return f == AF_INET ? "AF_INET" : f == AF_INET6 ? "AF_INET6" : f == AF_UNSPEC ? "AF_UNSPEC" : NULL;
}

static void sb_family(struct lsc_strbuf *b, int f)
{
	const char *n = family_name(f);
	if (n != NULL)
		lsc_sb_puts(b, n);
	else
		lsc_sb_printf(b, "%d", f);
}

/* SOCK_STREAM, SOCK_DGRAM, and the non-blocking flag that explains EAGAIN later. */
static void sb_type(struct lsc_strbuf *b, int type)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (base == SOCK_STREAM)
		lsc_sb_puts(b, "SOCK_STREAM");
	else if (base == SOCK_DGRAM)
		lsc_sb_puts(b, "SOCK_DGRAM");
	else
		lsc_sb_printf(b, "%d", base);
	if (type & SOCK_NONBLOCK)
		lsc_sb_puts(b, "|SOCK_NONBLOCK");
}

static const char *how_name(int how)
{
	return how == SHUT_RD ? "SHUT_RD" : how == SHUT_WR ? "SHUT_WR" : how == SHUT_RDWR ? "SHUT_RDWR" : "?";
}

static bool has_addr(const struct sockaddr_storage *ss)
{
	return ss->ss_family != 0;
}

static void sb_addr(struct lsc_strbuf *b, const struct sockaddr_storage *ss)
{
	char t[LSC_ADDR_TEXT];
	lsc_net_addr_text((const struct sockaddr *)ss, t, sizeof t);
	lsc_sb_puts(b, t);
}

/* "name(args" for each call; the result follows. */
static void sb_call(struct lsc_strbuf *b, const struct lsc_explain_event *ev)
{
	lsc_sb_puts(b, call_name(ev->call));
	lsc_sb_putc(b, '(');
	switch (ev->call) {
	case LSC_ECHO_CALL_GETADDRINFO:
		lsc_sb_printf(b, "\"%s\", \"%d\"", ev->name ? ev->name : "", ev->arg);
		break;
	case LSC_ECHO_CALL_SOCKET:
		sb_family(b, ev->family);
		lsc_sb_puts(b, ", ");
		sb_type(b, ev->type);
		break;
	case LSC_ECHO_CALL_SETSOCKOPT:
		lsc_sb_printf(b, "%d, %s, %d", ev->fd, ev->opt ? ev->opt : "?", ev->arg);
		break;
	case LSC_ECHO_CALL_BIND:
	case LSC_ECHO_CALL_CONNECT:
		lsc_sb_printf(b, "%d, ", ev->fd);
		sb_addr(b, &ev->addr);
		break;
	case LSC_ECHO_CALL_LISTEN:
		lsc_sb_printf(b, "%d, %d", ev->fd, ev->arg);
		break;
	case LSC_ECHO_CALL_RECV:
	case LSC_ECHO_CALL_SEND:
	case LSC_ECHO_CALL_RECVFROM:
		lsc_sb_printf(b, "%d, %zu", ev->fd, ev->len);
		break;
	case LSC_ECHO_CALL_SENDTO:
		lsc_sb_printf(b, "%d, %zu, ", ev->fd, ev->len);
		sb_addr(b, &ev->addr);
		break;
	case LSC_ECHO_CALL_SHUTDOWN:
		lsc_sb_printf(b, "%d, %s", ev->fd, how_name(ev->arg));
		break;
	case LSC_ECHO_CALL_ACCEPT:
	case LSC_ECHO_CALL_CLOSE:
	case LSC_ECHO_CALL_NOTE:
		lsc_sb_printf(b, "%d", ev->fd);
		break;
	}
	lsc_sb_putc(b, ')');
}

/* A word of a call's text: translated for people; NDJSON keeps English in every locale. */
__attribute__((format_arg(2)))
static const char *tr(bool people, const char *s)
{
	return people ? _(s) : s;
}

/* What a result means, where the number alone does not say it. */
/* The event's note for people (its translation when it has one) or for NDJSON (English). */
static const char *note_text(const struct lsc_explain_event *ev, bool people)
{
	return people && ev->note_shown != NULL ? ev->note_shown : ev->note;
}

static const char *result_meaning(const struct lsc_explain_event *ev, bool people)
{
	if (ev->result < 0)
		return ev->err == EAGAIN ? tr(people, N_("would block: try again when ready")) :
		       ev->err == EINPROGRESS ? tr(people, N_("handshake under way")) : strerror(ev->err);
	if (ev->call == LSC_ECHO_CALL_RECV && ev->result == 0)
		return ev->len > 0 ? tr(people, N_("peer closed")) : NULL;
	if ((ev->call == LSC_ECHO_CALL_SEND || ev->call == LSC_ECHO_CALL_SENDTO) && (size_t)ev->result < ev->len)
		return tr(people, N_("partial: the rest waits"));
	return NULL;
}

static void sb_result(struct lsc_strbuf *b, const struct lsc_explain_event *ev, bool people)
{
	if (ev->call == LSC_ECHO_CALL_GETADDRINFO) {
		if (ev->result < 0)
			lsc_sb_puts(b, tr(people, N_(" = error")));
		else if (people)
			lsc_sb_printf(b, P_(" = %lld address", " = %lld addresses", (unsigned long)ev->result), ev->result);
		else
			lsc_sb_printf(b, ev->result == 1 ? " = %lld address" : " = %lld addresses", ev->result);
	} else if (ev->result < 0) {
		lsc_sb_printf(b, " = %lld %s", ev->result, lsc_net_errno_name(ev->err));
	} else {
		lsc_sb_printf(b, " = %lld", ev->result);
	}
	if (ev->result >= 0 && (ev->call == LSC_ECHO_CALL_ACCEPT || ev->call == LSC_ECHO_CALL_RECVFROM) &&
	    has_addr(&ev->addr)) {
		lsc_sb_puts(b, " ← ");
		sb_addr(b, &ev->addr);
	}
	if (ev->result >= 0 && ev->call == LSC_ECHO_CALL_CONNECT && has_addr(&ev->local)) {
		lsc_sb_puts(b, tr(people, N_(" from ")));
		sb_addr(b, &ev->local);
	}
	if (ev->result >= 0 && ev->call == LSC_ECHO_CALL_BIND && has_addr(&ev->local) &&
	    lsc_net_port((const struct sockaddr *)&ev->addr) == 0)
		lsc_sb_printf(b, tr(people, N_(" (port %u chosen)")), (unsigned)lsc_net_port((const struct sockaddr *)&ev->local));
	const char *m = result_meaning(ev, people);
	if (ev->call == LSC_ECHO_CALL_GETADDRINFO)
		m = NULL; /* its error text comes as the note */
	if (m != NULL)
		lsc_sb_printf(b, " (%s)", m);
	if (ev->note != NULL)
		lsc_sb_printf(b, " (%s)", note_text(ev, people));
}

static size_t call_text(const struct lsc_explain_event *ev, char *buf, size_t cap, bool people)
{
	struct lsc_strbuf b;
	lsc_sb_init(&b, buf, cap);
	if (ev->call == LSC_ECHO_CALL_NOTE) {
		lsc_sb_printf(&b, tr(people, N_("note: %s")), ev->note ? note_text(ev, people) : "");
		return b.len;
	}
	sb_call(&b, ev);
	sb_result(&b, ev, people);
	return b.len;
}

size_t lsc_explain_call_text(const struct lsc_explain_event *ev, char *buf, size_t cap)
{
	return call_text(ev, buf, cap, true);
}

static void json_addr(struct lsc_json *j, const char *key, const struct sockaddr_storage *ss)
{
	char ip[LSC_ADDR_TEXT];
	if (!has_addr(ss))
		return;
	lsc_net_ip_text((const struct sockaddr *)ss, ip, sizeof ip);
	lsc_json_key(j, key);
	lsc_json_open(j, '{');
	lsc_json_key(j, "ip");
	lsc_json_str(j, ip);
	lsc_json_key(j, "port");
	lsc_json_u64(j, lsc_net_port((const struct sockaddr *)ss));
	lsc_json_close(j, '}');
}

/* The fields each call has beyond ts, role, call, fd, result, text. */
static void json_fields(struct lsc_json *j, const struct lsc_explain_event *ev)
{
	char t[64];
	struct lsc_strbuf b;
	switch (ev->call) {
	case LSC_ECHO_CALL_GETADDRINFO:
		lsc_json_key(j, "host");
		lsc_json_str(j, ev->name);
		lsc_json_key(j, "port");
		lsc_json_i64(j, ev->arg);
		break;
	case LSC_ECHO_CALL_SOCKET:
		lsc_json_key(j, "family");
		lsc_sb_init(&b, t, sizeof t);
		sb_family(&b, ev->family);
		lsc_json_str(j, t);
		lsc_json_key(j, "type");
		lsc_sb_init(&b, t, sizeof t);
		sb_type(&b, ev->type);
		lsc_json_str(j, t);
		break;
	case LSC_ECHO_CALL_SETSOCKOPT:
		lsc_json_key(j, "option");
		lsc_json_str(j, ev->opt);
		lsc_json_key(j, "value");
		lsc_json_i64(j, ev->arg);
		break;
	case LSC_ECHO_CALL_LISTEN:
		lsc_json_key(j, "backlog");
		lsc_json_i64(j, ev->arg);
		break;
	case LSC_ECHO_CALL_SHUTDOWN:
		lsc_json_key(j, "how");
		lsc_json_str(j, how_name(ev->arg));
		break;
	case LSC_ECHO_CALL_RECV:
	case LSC_ECHO_CALL_SEND:
	case LSC_ECHO_CALL_RECVFROM:
	case LSC_ECHO_CALL_SENDTO:
		lsc_json_key(j, "len");
		lsc_json_u64(j, ev->len);
		break;
	default:
		break;
	}
	bool peer = ev->call == LSC_ECHO_CALL_ACCEPT || ev->call == LSC_ECHO_CALL_RECVFROM;
	json_addr(j, peer ? "peer" : "addr", &ev->addr);
	json_addr(j, "local", &ev->local);
}

static void write_json(FILE *out, const char *role, const char *ts, const char *text,
                       const struct lsc_explain_event *ev)
{
	struct lsc_json j;
	lsc_json_init(&j, out);
	lsc_json_open(&j, '{');
	lsc_json_key(&j, "ts");
	lsc_json_str(&j, ts);
	lsc_json_key(&j, "role");
	lsc_json_str(&j, role);
	lsc_json_key(&j, "call");
	lsc_json_str(&j, call_name(ev->call));
	/* socket() and getaddrinfo() act on no descriptor yet. */
	if (ev->fd >= 0) {
		lsc_json_key(&j, "fd");
		lsc_json_i64(&j, ev->fd);
	}
	if (ev->call != LSC_ECHO_CALL_NOTE) {
		lsc_json_key(&j, "result");
		lsc_json_i64(&j, ev->result);
	}
	if (ev->result < 0 && ev->call != LSC_ECHO_CALL_GETADDRINFO && ev->call != LSC_ECHO_CALL_NOTE) {
		lsc_json_key(&j, "errno");
		lsc_json_str(&j, lsc_net_errno_name(ev->err));
	}
	json_fields(&j, ev);
	if (ev->note != NULL) {
		lsc_json_key(&j, "note");
		lsc_json_str(&j, ev->note);
	}
	lsc_json_key(&j, "text");
	lsc_json_str(&j, text);
	lsc_json_close(&j, '}');
	lsc_json_newline(&j);
}

void lsc_explain_write(FILE *out, enum lsc_explain_format format, const char *role, bool utc,
                       const struct lsc_explain_event *ev)
{
	char ts[48], text[512];
	call_text(ev, text, sizeof text, format != LSC_EXPLAIN_JSON);
	if (role == NULL)
		role = "";
	if (format == LSC_EXPLAIN_JSON) {
		lsc_format_rfc3339(ts, sizeof ts, ev->sec, ev->nsec, TS_DIGITS);
		write_json(out, role, ts, text, ev);
	} else {
		/* A person reads it beside the frames: their clock (clock.h), not the machine's RFC 3339. */
		struct lsc_clock c;
		lsc_clock_init(&c, utc);
		*lsc_clock_w(&c, ts, ev->sec, ev->nsec, TS_DIGITS) = '\0';
		fprintf(out, "%s %s %s\n", ts, role, text);
	}
}

void lsc_explain_stamp(struct lsc_explain_event *ev)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	ev->sec = now.tv_sec;
	ev->nsec = (uint32_t)now.tv_nsec;
}

void lsc_explain_emit(struct lsc_explain *ex, struct lsc_explain_event *ev)
{
	if (ex == NULL)
		return;
	if (ev->sec == 0 && ev->nsec == 0)
		lsc_explain_stamp(ev);
	if (ex->hook != NULL)
		ex->hook(ex->hook_ctx, ev);
	if (ex->out != NULL) {
		lsc_explain_write(ex->out, ex->format, ex->role, ex->utc, ev);
		fflush(ex->out);
	}
}

void lsc_echo_escape(struct lsc_strbuf *b, const uint8_t *p, size_t n, size_t max)
{
	char e[LSC_ESC_MAX(64)];
	size_t m = n < max ? n : max;
	for (size_t i = 0; i < m; i += 64)
		lsc_sb_putn(b, e, lsc_escape(e, p + i, m - i < 64 ? m - i : 64, LSC_ESC_QUOTE));
	if (m < n)
		lsc_sb_puts(b, "...");
}
