/* SPDX-License-Identifier: BSD-3-Clause */
/* calls.c: the socket calls recorded beside a capture (.calls), read once for every command, and the frames they caused. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <layerscope/calls.h>
#include <layerscope/decode.h>
#include <layerscope/flow.h>
#include <layerscope/source.h>

#include "../render/jsonw.h" /* lsc_format_rfc3339 */
#include "../lib/i18n.h"

/* "2026-11-25T11:03:06.155023Z" (RFC 3339, UTC, as --explain writes it) to nanoseconds; -1 if not one. */
static int64_t parse_stamp(const char *s)
{
	struct tm tm;
	char frac[10] = "";
	int n = 0;
	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%9[0-9]Z%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec, frac, &n) != 7 || n == 0)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	int64_t ns = 0;
	size_t digits = strlen(frac);
	for (size_t i = 0; i < 9; i++)
		ns = ns * 10 + (i < digits ? frac[i] - '0' : 0);
	/* Before 1970 or past 2262 the nanoseconds do not fit the int64_t every time here is: not a time. */
	time_t sec = timegm(&tm);
	if (sec < 0 || (int64_t)sec > (INT64_MAX - ns) / 1000000000LL)
		return -1;
	return (int64_t)sec * 1000000000LL + ns;
}

/* "10.1.1.5:41994" or "[fd00::5]:41994" (up to a ')' or the end) into a name for `role`; false when neither. */
static bool parse_end(const char *s, struct lsc_call_name *n, const char *role)
{
	char host[64];
	size_t all = strcspn(s, ") \n");
	const char *colon = NULL;
	for (const char *p = s; p < s + all; p++)
		if (*p == ':')
			colon = p;
	size_t len = colon != NULL ? (size_t)(colon - s) : 0;
	if (len == 0 || len >= sizeof host)
		return false;
	memcpy(host, s, len);
	host[len] = '\0';
	if (host[0] == '[' && host[len - 1] == ']') {
		memmove(host, host + 1, len - 2);
		host[len - 2] = '\0';
	}
	memset(n, 0, sizeof *n);
	n->port = (uint16_t)strtoul(colon + 1, NULL, 10);
	n->family = inet_pton(AF_INET, host, n->addr) == 1 ? 4 : inet_pton(AF_INET6, host, n->addr) == 1 ? 6 : 0;
	snprintf(n->role, sizeof n->role, "%s", role);
	return n->family != 0;
}

/* The port of the address after `mark` in `s` ("from 10.1.1.5:43248"), or 0. */
static uint16_t port_after(const char *s, const char *mark)
{
	struct lsc_call_name n;
	const char *p = strstr(s, mark);
	return p != NULL && parse_end(p + strlen(mark), &n, "") ? n.port : 0;
}

/* "NAME(FD, ARG, ...) = RET ...": the name, the numbers and the port it names. */
static void parse_text(struct lsc_call *c)
{
	const char *t = c->text, *open = strchr(t, '(');
	size_t n = open != NULL ? (size_t)(open - t) : 0;
	c->fd = -1;
	c->arg = -1;
	c->ret = -1;
	if (n == 0 || n >= sizeof c->name || strspn(t, "abcdefghijklmnopqrstuvwxyz_0123456789") != n)
		return;
	memcpy(c->name, t, n);
	c->name[n] = '\0';
	char *end;
	long v = strtol(open + 1, &end, 10);
	if (end != open + 1 && (*end == ',' || *end == ')'))
		c->fd = (int)v;
	if (*end == ',') {
		long long a = strtoll(end + 2, &end, 10);
		if (*end == ',' || *end == ')')
			c->arg = a;
	}
	const char *eq = strstr(open, ") = ");
	if (eq != NULL)
		c->ret = strtoll(eq + 4, NULL, 10);
	if ((c->port = port_after(t, " from ")) != 0 || (c->port = port_after(t, " \xe2\x86\x90 ")) != 0)
		return;
	/* bind(3, [::]:8082), sendto(3, 40, 10.1.1.5:35266): the address is the last argument */
	const char *comma = eq != NULL ? eq : t + strlen(t);
	while (comma > open && *comma != ',')
		comma--;
	if (*comma == ',' && (strcmp(c->name, "bind") == 0 || strcmp(c->name, "sendto") == 0))
		c->port = port_after(comma, ", ");
}

bool lsc_call_parse(const char *line, struct lsc_call *c)
{
	const char *sp1 = strchr(line, ' ');
	const char *sp2 = sp1 != NULL ? strchr(sp1 + 1, ' ') : NULL;
	memset(c, 0, sizeof *c);
	if (sp2 == NULL || (c->ns = parse_stamp(line)) < 0)
		return false;
	snprintf(c->role, sizeof c->role, "%.*s", (int)(sp2 - sp1 - 1), sp1 + 1);
	snprintf(c->text, sizeof c->text, "%.*s", (int)strcspn(sp2 + 1, "\r\n"), sp2 + 1);
	parse_text(c);
	return true;
}

/*
 * The recorded clients all speak as "client", one after another: each
 * getaddrinfo() starts the next, "client N", and its connect() names its
 * end, as the live demo's hook does ("connect(3, 10.1.1.1:8082) = 0 from
 * 10.1.1.5:41994", docs/echo.md); the server's bind() names its port.
 */
static void number_client(struct lsc_call *c, unsigned *clients)
{
	if (strcmp(c->role, "server") == 0 && strcmp(c->name, "bind") == 0 && c->port != 0) {
		c->names[0] = (struct lsc_call_name){ .port = c->port };
		snprintf(c->names[0].role, sizeof c->names[0].role, "server");
		c->nnames = 1;
		return;
	}
	if (strcmp(c->role, "client") != 0)
		return;
	if (strcmp(c->name, "getaddrinfo") == 0)
		++*clients;
	snprintf(c->role, sizeof c->role, "client %u", *clients ? *clients : 1);
	const char *from = strstr(c->text, " from ");
	struct lsc_call_name *n = &c->names[0];
	if (strcmp(c->name, "connect") != 0 || from == NULL || !parse_end(from + 6, n, c->role))
		return;
	c->nnames = 1;
	c->names[1] = *n;
	c->names[1].host = true;
	snprintf(c->names[1].role, sizeof c->names[1].role, "client host");
	const char *to = strchr(c->text, ' '); /* "connect(3, 10.1.1.1:8082)": the second argument */
	if (to != NULL && parse_end(to + 1, &c->names[2], "server host")) {
		c->names[2].host = true;
		c->nnames = 3;
	} else {
		c->nnames = 2;
	}
}

/* ---- each call's conversation ------------------------------------------------- */

#define SOCKS 64

/* What a program's descriptor is, as far as its calls so far say. */
struct sock {
	char role[LSC_CALL_ROLE_MAX];
	int fd;
	uint8_t side;
	uint16_t cport, lport;
};

static struct sock *sock_find(struct sock *s, size_t *n, const struct lsc_call *c, bool make)
{
	for (size_t i = 0; i < *n; i++)
		if (s[i].fd == c->fd && strcmp(s[i].role, c->role) == 0)
			return &s[i];
	if (!make || *n == SOCKS)
		return NULL;
	struct sock *k = &s[(*n)++];
	memset(k, 0, sizeof *k);
	snprintf(k->role, sizeof k->role, "%s", c->role);
	k->fd = c->fd;
	return k;
}

static bool named(const struct lsc_call *c, const char *name)
{
	return strcmp(c->name, name) == 0;
}

/*
 * A client's socket is its conversation's from connect() ("from" its own
 * port); a server's accepted socket from accept() ("←" the client's port);
 * a server's datagram socket is each datagram's peer's (recvfrom, sendto).
 * Every call on the descriptor after that is that conversation's, until
 * close().
 */
static void sides(struct lsc_calls *cs)
{
	struct sock socks[SOCKS];
	size_t n = 0;
	for (size_t i = 0; i < cs->n; i++) {
		struct lsc_call *c = &cs->v[i];
		if (c->name[0] == '\0' || (c->fd < 0 && !named(c, "socket")))
			continue;
		if (named(c, "accept")) {
			struct lsc_call fake = *c;
			fake.fd = (int)c->ret;
			struct sock *k = c->ret >= 0 && c->port != 0 ? sock_find(socks, &n, &fake, true) : NULL;
			if (k != NULL) {
				k->side = LSC_SIDE_SERVER;
				k->cport = c->port;
			}
			continue;
		}
		struct lsc_call key = *c;
		if (named(c, "socket")) /* its descriptor is the result */
			key.fd = (int)c->ret;
		struct sock *k = key.fd >= 0 ? sock_find(socks, &n, &key, true) : NULL;
		if (k == NULL)
			continue;
		if (named(c, "connect")) {
			k->side = c->port != 0 ? LSC_SIDE_CLIENT : LSC_SIDE_UNKNOWN;
			k->cport = c->port;
		} else if (named(c, "bind")) {
			k->lport = c->port;
		} else if (named(c, "listen")) {
			c->lport = k->lport;
		} else if ((named(c, "recvfrom") || named(c, "sendto")) && c->port != 0 && k->side != LSC_SIDE_CLIENT) {
			k->side = LSC_SIDE_SERVER;
			k->cport = c->port;
		}
		c->side = k->side;
		c->cport = k->cport;
		if (named(c, "close") || (named(c, "socket") && c->ret >= 0))
			*k = socks[--n]; /* the descriptor's number is free for the next socket */
	}
}

/* ---- loading -------------------------------------------------------------------------- */

static int by_time(const void *a, const void *b)
{
	const struct lsc_call *x = a, *y = b;
	return (x->ns > y->ns) - (x->ns < y->ns);
}

static bool sorted(const struct lsc_calls *cs)
{
	for (size_t i = 1; i < cs->n; i++)
		if (cs->v[i].ns < cs->v[i - 1].ns)
			return false;
	return true;
}

/* Room for one more call; -1 when out of memory. */
static int grow(struct lsc_calls *cs)
{
	if (cs->n < cs->cap)
		return 0;
	size_t cap = cs->cap ? cs->cap * 2 : 64;
	struct lsc_call *v = realloc(cs->v, cap * sizeof *v);
	if (v == NULL)
		return -1;
	cs->v = v;
	cs->cap = cap;
	return 0;
}

struct lsc_calls *lsc_calls_load(const char *path, char *err)
{
	char line[1024];
	unsigned clients = 0;
	struct lsc_calls *cs = calloc(1, sizeof *cs);
	FILE *fp = cs != NULL ? fopen(path, "re") : NULL;
	if (cs == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory"));
		return NULL;
	}
	if (fp == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
		free(cs);
		return NULL;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		struct lsc_call c;
		if (!lsc_call_parse(line, &c))
			continue;
		number_client(&c, &clients);
		if (grow(cs) != 0) {
			snprintf(err, LSC_ERRBUF_SIZE, _("out of memory reading %.400s"), path);
			fclose(fp);
			lsc_calls_free(cs);
			return NULL;
		}
		cs->v[cs->n++] = c;
	}
	fclose(fp);
	/* Threads narrate a little out of order; the file is usually in order already (qsort is not stable). */
	if (!sorted(cs))
		qsort(cs->v, cs->n, sizeof *cs->v, by_time);
	sides(cs);
	return cs;
}

int lsc_calls_add(struct lsc_calls *cs, const struct lsc_call *c)
{
	if (grow(cs) != 0)
		return -1;
	struct lsc_call *k = &cs->v[cs->n++];
	*k = *c;
	parse_text(k);
	sides(cs); /* again from the start: a demo has a few dozen calls */
	return 0;
}

void lsc_calls_free(struct lsc_calls *cs)
{
	if (cs == NULL)
		return;
	free(cs->v);
	free(cs);
}

/* ---- which call caused a frame ---------------------------------------------------------- */

static bool any_of(const struct lsc_call *c, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcmp(c->name, *names) == 0)
			return true;
	return false;
}

/*
 * The first call named one of `names` by the frame's sender on the frame's
 * conversation, stamped at or before it (calls are stamped as they start),
 * not yet used: the call a frame of that kind answers to.  `fresh`: only
 * calls not yet used.
 */
static struct lsc_call *find(struct lsc_calls *cs, const struct lsc_frame *f, const char *const *names,
                             bool fresh)
{
	const struct lsc_flow_conv *cv = f->flow.conv;
	uint8_t side = f->flow.dir == LSC_FLOW_C2S ? LSC_SIDE_CLIENT : LSC_SIDE_SERVER;
	int64_t ns = lsc_time_ns(f->ts_sec, f->ts_nsec);
	for (size_t i = 0; i < cs->n && cs->v[i].ns <= ns; i++) {
		struct lsc_call *c = &cs->v[i];
		if (c->side == side && c->cport == cv->ep[0].port && (!fresh || !c->used) && any_of(c, names))
			return c;
	}
	return NULL;
}

static const char *const connects[] = { "connect", NULL };
static const char *const sends[] = { "send", "write", "sendto", "sendmsg", "writev", NULL };
static const char *const recvs[] = { "recv", "read", "recvfrom", "recvmsg", NULL };
static const char *const closes[] = { "close", "shutdown", NULL };

static void seen(struct lsc_frame *f, struct lsc_call *c, unsigned call)
{
	f->flow.socket_call = (uint8_t)call;
	f->flow.call_source = LSC_CALL_OBSERVED;
	if (c->frame == 0)
		c->frame = f->number;
}

void lsc_calls_observe(void *ctx, struct lsc_frame *f)
{
	struct lsc_calls *cs = ctx;
	const struct lsc_layer *l4 = lsc_frame_transport(f);
	if (cs == NULL || !f->has_flow || f->flow.conv == NULL || l4 == NULL)
		return;
	struct lsc_call *c = NULL;
	unsigned call = f->flow.socket_call;
	switch (call) {
	case LSC_CALL_CONNECT:
		if ((c = find(cs, f, connects, true)) != NULL)
			c->used = true;
		break;
	case LSC_CALL_ACCEPT: /* the client's kernel completes the handshake as its connect() returns */
		c = find(cs, f, connects, false);
		break;
	case LSC_CALL_LISTEN: { /* the server's kernel answers for a socket listen() was called on */
		int64_t ns = lsc_time_ns(f->ts_sec, f->ts_nsec);
		for (size_t i = 0; i < cs->n && cs->v[i].ns <= ns && c == NULL; i++)
			if (strcmp(cs->v[i].name, "listen") == 0 && cs->v[i].lport == f->flow.conv->ep[1].port)
				c = &cs->v[i];
		break;
	}
	case LSC_CALL_SEND:
	case LSC_CALL_SENDTO: {
		/* A send's bytes may leave in several segments (the MSS), each taking its share. */
		uint64_t len = l4->body_len;
		for (struct lsc_call *k; len > 0 && (k = find(cs, f, sends, true)) != NULL;) {
			if (!k->used && k->left == 0 && k->frame == 0)
				k->left = k->ret > 0 ? (uint64_t)k->ret : 1;
			uint64_t take = call == LSC_CALL_SENDTO || len > k->left ? k->left : len;
			k->left -= take;
			len = call == LSC_CALL_SENDTO ? 0 : len - take;
			k->used = k->left == 0;
			c = c != NULL ? c : k; /* the first: the call whose bytes the segment starts with */
		}
		break;
	}
	case LSC_CALL_RECV:
		if ((c = find(cs, f, recvs, true)) != NULL)
			c->used = true;
		break;
	case LSC_CALL_CLOSE:
	case LSC_CALL_SHUTDOWN:
		if ((c = find(cs, f, closes, true)) != NULL) {
			c->used = true;
			call = strcmp(c->name, "shutdown") == 0 ? LSC_CALL_SHUTDOWN : LSC_CALL_CLOSE;
		}
		break;
	default:
		break;
	}
	if (c != NULL)
		seen(f, c, call);
}

/* ---- writing and finding ------------------------------------------------------------------ */

void lsc_calls_write(FILE *out, int64_t ns, const char *role, const char *text)
{
	char ts[48];
	int64_t sec = ns / 1000000000, frac = ns % 1000000000;
	if (frac < 0) {
		frac += 1000000000;
		sec--;
	}
	lsc_format_rfc3339(ts, sizeof ts, sec, (uint32_t)frac, 6);
	fprintf(out, "%s %.*s %s\n", ts, (int)strcspn(role, " "), role, text);
}

char *lsc_calls_beside(const char *path)
{
	size_t n = strlen(path);
	char *p = malloc(n + 8);
	if (p == NULL)
		return NULL;
	snprintf(p, n + 8, "%s.calls", path);
	if (access(p, R_OK) == 0)
		return p;
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (dot != NULL && (slash == NULL || dot > slash)) {
		snprintf(p, n + 8, "%.*s.calls", (int)(dot - path), path);
		if (access(p, R_OK) == 0)
			return p;
	}
	free(p);
	return NULL;
}
