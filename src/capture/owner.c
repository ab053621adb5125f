/* SPDX-License-Identifier: BSD-3-Clause */
/* owner.c: which process owns a local TCP/UDP socket, from /proc/net/{tcp,udp}{,6} and /proc/PID/fd (proc(5)). */
#include <config.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <layerscope/render.h>
#include <layerscope/strbuf.h>

#include "capture-int.h"
#include "../lib/i18n.h"

/*
 * The kernel lists every socket of the network namespace in /proc/net/tcp
 * (and udp, tcp6, udp6) with its local and remote address and its inode; a
 * process holds the socket as an fd whose link reads "socket:[INODE]".  A
 * refresh reads the lists into one array, keeps the owners it already knew
 * (by inode) and looks for the owners of new sockets only; a lookup is a scan
 * of that array.  Sockets without an inode (TIME_WAIT, a handshake in
 * progress) are skipped: no process holds them.  Memory is bounded by
 * OWNER_MAX_SOCKETS.
 */
#define OWNER_MAX_SOCKETS  65536
#define OWNER_MAX_LOCAL    256   /* interface addresses remembered */
#define OWNER_HOT          8     /* processes that owned new sockets lately: looked at first */
#define OWNER_MIN_REFRESH  200   /* ms between two refreshes a miss may cause */
#define OWNER_MAX_AGE      2000  /* ms a hit may come from before the tables are read again */
#define TCP_LISTEN         0x0a  /* st column of /proc/net/tcp */
#define COMM_SLOTS         64    /* command names kept, by pid */
#define COMM_MS            1000  /* how long a command name (and that its process lives) is believed */
#define PID_UNSEEN         0     /* a new socket: its owner not looked for yet */
#define PID_NONE           (-1)  /* looked for: no process we can see holds it */

struct sock_ent {
	uint8_t local[16], remote[16]; /* IPv4 as ::ffff:a.b.c.d */
	uint16_t lport, rport;
	uint8_t proto;
	uint8_t state;
	uint64_t inode;
	int32_t pid;
};

struct lsc_owner_table {
	struct sock_ent *socks;
	size_t nsocks, cap;
	uint8_t local[OWNER_MAX_LOCAL][16];
	size_t nlocal;
	int32_t hot[OWNER_HOT];
	size_t nhot;
	struct comm_ent {
		int32_t pid;
		char comm[16];
		int64_t read_ms;
	} comms[COMM_SLOTS];
	bool loaded;
	int64_t refreshed_ms;
};

int64_t lsc_owner_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void lsc_owner_addr4(uint8_t out[16], const uint8_t v4[4])
{
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, v4, 4);
}

static bool is_v4mapped(const uint8_t a[16])
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return memcmp(a, prefix, 12) == 0;
}

static bool is_zero(const uint8_t *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != 0)
			return false;
	return true;
}

/* A socket bound to `sock` receives for `query`: the same address, or a wildcard that covers it. */
static bool addr_covers(const uint8_t sock[16], const uint8_t query[16])
{
	if (memcmp(sock, query, 16) == 0)
		return true;
	if (is_zero(sock, 16))          /* :: takes IPv4 too, unless IPV6_V6ONLY, which /proc does not show */
		return true;
	return is_v4mapped(sock) && is_zero(sock + 12, 4) && is_v4mapped(query);
}

static bool addr_is_local(const struct lsc_owner_table *t, const uint8_t a[16])
{
	static const uint8_t lo6[16] = { [15] = 1 };
	if ((is_v4mapped(a) && a[12] == 127) || memcmp(a, lo6, 16) == 0)
		return true;
	for (size_t i = 0; i < t->nlocal; i++)
		if (memcmp(t->local[i], a, 16) == 0)
			return true;
	return false;
}

/* ---- reading the tables ------------------------------------------------- */

/*
 * An address column: 8 hex digits (IPv4) or 32 (IPv6), each group of 8 the
 * 32-bit word as the kernel holds it, printed as a native integer -- so the
 * word's bytes in host order are the address bytes in network order.
 */
static int parse_addr(const char *hex, uint8_t out[16])
{
	size_t n = strlen(hex);
	uint8_t raw[16];
	if (n != 8 && n != 32)
		return -1;
	for (size_t w = 0; w < n / 8; w++) {
		char part[9];
		memcpy(part, hex + w * 8, 8);
		part[8] = '\0';
		uint32_t v = (uint32_t)strtoul(part, NULL, 16);
		memcpy(raw + w * 4, &v, 4);
	}
	if (n == 8)
		lsc_owner_addr4(out, raw);
	else
		memcpy(out, raw, 16);
	return 0;
}

static int parse_line(const char *line, uint8_t proto, struct sock_ent *e)
{
	char lhex[40], rhex[40];
	unsigned lport, rport, state;
	unsigned long long inode;
	/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
	if (sscanf(line, " %*u: %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %x %*x:%*x %*x:%*x %*x %*u %*u %llu",
	           lhex, &lport, rhex, &rport, &state, &inode) != 6)
		return -1;
	if (lport > 0xffff || rport > 0xffff || parse_addr(lhex, e->local) || parse_addr(rhex, e->remote))
		return -1;
	e->lport = (uint16_t)lport;
	e->rport = (uint16_t)rport;
	e->state = (uint8_t)state;
	e->proto = proto;
	e->inode = inode;
	e->pid = PID_UNSEEN;
	return inode != 0 ? 0 : -1;
}

static void read_sockets(struct lsc_owner_table *t, const char *path, uint8_t proto)
{
	char line[512];
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return; /* no IPv6 in this kernel, say */
	while (fgets(line, sizeof line, fp) != NULL) {
		if (t->nsocks == t->cap) {
			if (t->cap >= OWNER_MAX_SOCKETS)
				break;
			size_t cap = t->cap ? t->cap * 2 : 256;
			struct sock_ent *n = realloc(t->socks, cap * sizeof *n);
			if (n == NULL)
				break;
			t->socks = n;
			t->cap = cap;
		}
		/* The heading line does not parse; it is skipped with every socket without an inode. */
		if (parse_line(line, proto, &t->socks[t->nsocks]) == 0)
			t->nsocks++;
	}
	fclose(fp);
}

struct inode_ref {
	uint64_t inode;
	size_t sock;
};

static int cmp_inode(const void *a, const void *b)
{
	const struct inode_ref *x = a, *y = b;
	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

/* "socket:[12345]" → 12345; 0 for any other link. */
static uint64_t socket_inode(const char *link)
{
	if (strncmp(link, "socket:[", 8) != 0)
		return 0;
	char *end;
	unsigned long long v = strtoull(link + 8, &end, 10);
	return *end == ']' ? v : 0;
}

/* Gives the sockets in `idx` still PID_UNSEEN that `pid` holds to it; returns how many. */
static size_t scan_pid(struct lsc_owner_table *t, int32_t pid, const struct inode_ref *idx, size_t n)
{
	char path[32];
	size_t found = 0;
	snprintf(path, sizeof path, "/proc/%" PRId32 "/fd", pid);
	/* Other users' processes need the helper's capabilities; without them they are skipped. */
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	DIR *fds = fdopendir(dfd);
	if (fds == NULL) {
		close(dfd);
		return 0;
	}
	struct dirent *fe;
	while ((fe = readdir(fds)) != NULL) {
		char link[64];
		ssize_t k = readlinkat(dfd, fe->d_name, link, sizeof link - 1);
		if (k <= 0)
			continue;
		link[k] = '\0';
		struct inode_ref key = { socket_inode(link), 0 };
		if (key.inode == 0)
			continue;
		const struct inode_ref *hit = bsearch(&key, idx, n, sizeof *idx, cmp_inode);
		if (hit != NULL && t->socks[hit->sock].pid == PID_UNSEEN) {
			t->socks[hit->sock].pid = pid;
			found++;
		}
	}
	closedir(fds);
	return found;
}

/* Puts `pid` first in the list of processes that recently owned new sockets. */
static void hot_touch(struct lsc_owner_table *t, int32_t pid)
{
	size_t i = 0;
	while (i < t->nhot && t->hot[i] != pid)
		i++;
	if (i == t->nhot && t->nhot < OWNER_HOT)
		t->nhot++;
	if (i == OWNER_HOT)
		i = OWNER_HOT - 1;
	memmove(t->hot + 1, t->hot, i * sizeof t->hot[0]);
	t->hot[0] = pid;
}

static bool is_hot(const struct lsc_owner_table *t, int32_t pid)
{
	for (size_t i = 0; i < t->nhot; i++)
		if (t->hot[i] == pid)
			return true;
	return false;
}

/*
 * Finds the owners of the sockets that are new since the last refresh.  The
 * processes that owned new sockets lately (a server, a load generator) are
 * looked at first; only what they do not hold costs a walk of every process,
 * which stops as soon as nothing is left to find.  A socket no process shows
 * becomes PID_NONE and is not looked for again.
 */
static void resolve_new(struct lsc_owner_table *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nsocks; i++)
		n += t->socks[i].pid == PID_UNSEEN;
	if (n == 0)
		return;
	struct inode_ref *idx = malloc(n * sizeof *idx);
	if (idx == NULL)
		return;
	n = 0;
	for (size_t i = 0; i < t->nsocks; i++)
		if (t->socks[i].pid == PID_UNSEEN)
			idx[n++] = (struct inode_ref){ t->socks[i].inode, i };
	qsort(idx, n, sizeof *idx, cmp_inode);

	size_t left = n;
	int32_t hot[OWNER_HOT];
	size_t nhot = t->nhot;
	memcpy(hot, t->hot, sizeof hot);
	for (size_t i = 0; i < nhot && left > 0; i++)
		left -= scan_pid(t, hot[i], idx, n);
	DIR *proc = left > 0 ? opendir("/proc") : NULL;
	if (proc != NULL) {
		struct dirent *pe;
		while (left > 0 && (pe = readdir(proc)) != NULL) {
			if (!isdigit((unsigned char)pe->d_name[0]))
				continue;
			int32_t pid = (int32_t)strtol(pe->d_name, NULL, 10);
			if (is_hot(t, pid))
				continue;
			size_t found = scan_pid(t, pid, idx, n);
			if (found > 0)
				hot_touch(t, pid);
			left -= found;
		}
		closedir(proc);
	}
	for (size_t i = 0; i < n; i++)
		if (t->socks[idx[i].sock].pid == PID_UNSEEN)
			t->socks[idx[i].sock].pid = PID_NONE;
	free(idx);
}

/* The owners already known, by inode, so a refresh only looks for new sockets' owners. */
static struct inode_ref *known_owners(const struct lsc_owner_table *t, size_t *n)
{
	struct inode_ref *prev = malloc((t->nsocks ? t->nsocks : 1) * sizeof *prev);
	*n = 0;
	if (prev == NULL)
		return NULL;
	for (size_t i = 0; i < t->nsocks; i++)
		if (t->socks[i].pid != PID_UNSEEN) /* sock: the pid, reused as a number */
			prev[(*n)++] = (struct inode_ref){ t->socks[i].inode, (size_t)(int64_t)t->socks[i].pid };
	qsort(prev, *n, sizeof *prev, cmp_inode);
	return prev;
}

static void carry_owners(struct lsc_owner_table *t, const struct inode_ref *prev, size_t n)
{
	for (size_t i = 0; i < t->nsocks && n > 0; i++) {
		struct inode_ref key = { t->socks[i].inode, 0 };
		const struct inode_ref *hit = bsearch(&key, prev, n, sizeof *prev, cmp_inode);
		if (hit != NULL)
			t->socks[i].pid = (int32_t)(int64_t)hit->sock;
	}
}

static void read_local_addrs(struct lsc_owner_table *t)
{
	struct ifaddrs *all;
	t->nlocal = 0;
	if (getifaddrs(&all) != 0)
		return;
	for (const struct ifaddrs *i = all; i != NULL && t->nlocal < OWNER_MAX_LOCAL; i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			const struct sockaddr_in *in = (const void *)i->ifa_addr;
			lsc_owner_addr4(t->local[t->nlocal++], (const uint8_t *)&in->sin_addr);
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			const struct sockaddr_in6 *in6 = (const void *)i->ifa_addr;
			memcpy(t->local[t->nlocal++], in6->sin6_addr.s6_addr, 16);
		}
	}
	freeifaddrs(all);
}

static void refresh(struct lsc_owner_table *t, int64_t now)
{
	size_t nprev;
	struct inode_ref *prev = known_owners(t, &nprev);
	t->nsocks = 0;
	read_sockets(t, "/proc/net/tcp", 6);
	read_sockets(t, "/proc/net/tcp6", 6);
	read_sockets(t, "/proc/net/udp", 17);
	read_sockets(t, "/proc/net/udp6", 17);
	if (prev != NULL)
		carry_owners(t, prev, nprev);
	free(prev);
	resolve_new(t);
	read_local_addrs(t);
	t->loaded = true;
	t->refreshed_ms = now;
}

/* ---- lookups ------------------------------------------------------------ */

/*
 * The best socket for the key: the connected socket itself; else, for a
 * connection still in the handshake or the accept queue (the kernel lists it
 * with inode 0), the listener on that port; for UDP, the socket bound to the
 * port.  A specific bound address wins over a wildcard.
 */
static struct sock_ent *find(struct lsc_owner_table *t, const struct lsc_owner_key *k)
{
	struct sock_ent *best = NULL;
	int best_score = 0;
	bool local = addr_is_local(t, k->local);
	for (size_t i = 0; i < t->nsocks; i++) {
		struct sock_ent *e = &t->socks[i];
		if (e->proto != k->proto || e->lport != k->lport || e->pid <= 0)
			continue;
		int score = 0;
		if (e->rport == k->rport && memcmp(e->remote, k->remote, 16) == 0 &&
		    memcmp(e->local, k->local, 16) == 0)
			score = 3;
		else if ((k->proto == 17 ? e->rport == 0 : e->state == TCP_LISTEN) &&
		         addr_covers(e->local, k->local) && (local || memcmp(e->local, k->local, 16) == 0))
			score = memcmp(e->local, k->local, 16) == 0 ? 2 : 1;
		if (score > best_score) {
			best = e;
			best_score = score;
		}
	}
	return best;
}

static int read_comm(int32_t pid, char comm[16])
{
	char path[48];
	snprintf(path, sizeof path, "/proc/%" PRId32 "/comm", pid);
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return -1;
	char buf[64];
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
		n--;
	if (n > 15)
		n = 15;
	memcpy(comm, buf, n);
	memset(comm + n, 0, 16 - n);
	return 0;
}

/* read_comm(), remembered for COMM_MS: one answer each for a busy server's many connections. */
static int cached_comm(struct lsc_owner_table *t, int32_t pid, char comm[16], int64_t now)
{
	struct comm_ent *c = &t->comms[(uint32_t)pid % COMM_SLOTS];
	if (c->pid != pid || now - c->read_ms >= COMM_MS) {
		if (read_comm(pid, c->comm) != 0) {
			c->pid = 0;
			return -1;
		}
		c->pid = pid;
		c->read_ms = now;
	}
	memcpy(comm, c->comm, 16);
	return 0;
}

struct lsc_owner_table *lsc_owner_table_new(void)
{
	return calloc(1, sizeof(struct lsc_owner_table));
}

void lsc_owner_table_free(struct lsc_owner_table *t)
{
	if (t == NULL)
		return;
	free(t->socks);
	free(t);
}

int lsc_owner_table_lookup(struct lsc_owner_table *t, const struct lsc_owner_key *k, struct lsc_owner *o,
                           bool may_refresh)
{
	int64_t now = lsc_owner_now_ms();
	if (may_refresh && (!t->loaded || now - t->refreshed_ms >= OWNER_MAX_AGE))
		refresh(t, now);
	struct sock_ent *e = find(t, k);
	if (e == NULL && may_refresh && now - t->refreshed_ms >= OWNER_MIN_REFRESH) {
		refresh(t, now);
		e = find(t, k);
	}
	if (e == NULL)
		return -1;
	/* A process that is gone is not shown (its pid may be someone else's by now); look again next time. */
	if (cached_comm(t, e->pid, o->comm, now) != 0) {
		e->pid = PID_UNSEEN;
		return -1;
	}
	o->pid = e->pid;
	hot_touch(t, e->pid);
	return 0;
}

/* ---- fields ------------------------------------------------------------- */

static void emit_side(struct lsc_sink *s, const char *key, const char *label, const struct lsc_owner *o)
{
	if (o->pid == 0) {
		s->ops->text(s, key, label, NULL, true);
		return;
	}
	/* Any user names its processes: escaped as payload text is, in every format. */
	char comm[LSC_ESC_MAX(sizeof o->comm)];
	lsc_escape(comm, o->comm, strnlen(o->comm, sizeof o->comm), 0);
	s->ops->open(s, key, label, false);
	s->ops->uint(s, "pid", N_("PID"), (uint64_t)o->pid, 0, NULL);
	s->ops->text(s, "comm", N_("Command"), comm, true);
	s->ops->close(s, false);
}

void lsc_owner_fields_emit(struct lsc_sink *s, const struct lsc_frame *f)
{
	emit_side(s, "src", "Sending process", &f->src_owner);
	emit_side(s, "dst", "Receiving process", &f->dst_owner);
}
