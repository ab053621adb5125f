/* owner-helper.c: socket owners for an unprivileged capture: a small privileged helper process (privsep) and the answer cache. */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include <layerscope/decode.h>

#include "capture-int.h"

/*
 * Reading another user's /proc/PID/fd takes CAP_SYS_PTRACE (the fd links) and
 * CAP_DAC_READ_SEARCH (the directory), which the capture gives up.  So, as
 * OpenBSD's tcpdump keeps a privileged parent for what the sniffer may not
 * do, the capture forks this helper before it drops: the helper becomes the
 * same -Z user keeping just those two capabilities, non-dumpable, with
 * no_new_privs, and answers one question over a socketpair: which process owns
 * this socket?  The question is a fixed-size record; the helper never sees a
 * packet.  It exits when the capture closes its end (or dies: PDEATHSIG).
 */
#define HELPER_CAPS     ((1ull << CAP_SYS_PTRACE) | (1ull << CAP_DAC_READ_SEARCH))
#define HELPER_START_MS 5000
#define HELPER_REPLY_MS 1000
#define CACHE_SLOTS     1024  /* direct-mapped: a collision replaces the older answer */
#define CACHE_HIT_MS    1000  /* how long an owner is believed without asking again */
#define CACHE_MISS_MS   200   /* ... and a "nobody": the helper re-reads at most this often anyway */

struct owner_req {
	uint32_t seq;
	struct lsc_owner_key key;
};

struct owner_rep {
	uint32_t seq;
	int32_t found;
	struct lsc_owner owner;
};

struct owner_hello {
	int32_t status; /* 0: ready; -1: the helper could not drop, msg says why */
	char msg[LSC_ERRBUF_SIZE];
};

struct cache_ent {
	struct lsc_owner_key key;
	struct lsc_owner owner; /* pid 0: nobody owns it */
	int64_t expires_ms;
	bool used;
};

struct lsc_owners {
	int fd;                       /* the helper's socket, or -1: look up in-process */
	pid_t pid;
	uint32_t seq;
	bool broken;                  /* the helper is gone: no more lookups */
	struct lsc_owner_table *table; /* in-process (not root) */
	struct cache_ent cache[CACHE_SLOTS];
};

/* ---- the helper process ------------------------------------------------- */

static void helper_serve(int fd, struct lsc_owner_table *t)
{
	struct owner_req req;
	for (;;) {
		ssize_t n = recv(fd, &req, sizeof req, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* the capture closed its end, or is gone */
		if ((size_t)n != sizeof req)
			continue;
		struct owner_rep rep = { .seq = req.seq };
		rep.found = lsc_owner_table_lookup(t, &req.key, &rep.owner) == 0;
		if (send(fd, &rep, sizeof rep, MSG_NOSIGNAL) < 0)
			return;
	}
}

static void __attribute__((noreturn)) helper_main(int fd, pid_t parent, const struct lsc_priv_target *t)
{
	struct owner_hello hello = { 0 };
	/* Ctrl-C reaches the whole process group; the capture ends us by closing the socket. */
	signal(SIGINT, SIG_IGN);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != parent)
		_exit(1);
	prctl(PR_SET_NAME, "layerscope-own", 0, 0, 0);
	if (lsc_priv_drop_keep(t, HELPER_CAPS, hello.msg) != 0) {
		hello.status = -1;
		(void)send(fd, &hello, sizeof hello, MSG_NOSIGNAL);
		_exit(1);
	}
	struct lsc_owner_table *table = lsc_owner_table_new();
	if (table == NULL) {
		hello.status = -1;
		snprintf(hello.msg, sizeof hello.msg, "out of memory");
		(void)send(fd, &hello, sizeof hello, MSG_NOSIGNAL);
		_exit(1);
	}
	if (send(fd, &hello, sizeof hello, MSG_NOSIGNAL) == (ssize_t)sizeof hello)
		helper_serve(fd, table);
	lsc_owner_table_free(table);
	_exit(0);
}

/* Waits up to `ms` for one record: its length, 0 at EOF, -1 on an error, -2 at the timeout. */
static ssize_t recv_within(int fd, void *buf, size_t len, int ms)
{
	int64_t deadline = lsc_owner_now_ms() + ms;
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int left = (int)(deadline - lsc_owner_now_ms());
		int rc = poll(&p, 1, left > 0 ? left : 0);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc == 0)
			return -2;
		if (rc < 0)
			return -1;
		ssize_t n = recv(fd, buf, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		return n;
	}
}

static int start_helper(struct lsc_owners *o, const struct lsc_priv_target *t, char *errbuf)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "owner lookup: socketpair: %s", strerror(errno));
		return -1;
	}
	pid_t parent = getpid();
	fflush(NULL); /* the child must not write the parent's buffered output again */
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "owner lookup: fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		helper_main(sv[1], parent, t);
	}
	close(sv[1]);
	o->fd = sv[0];
	o->pid = pid;

	struct owner_hello hello;
	ssize_t n = recv_within(o->fd, &hello, sizeof hello, HELPER_START_MS);
	if (n != (ssize_t)sizeof hello || hello.status != 0) {
		hello.msg[sizeof hello.msg - 1] = '\0';
		snprintf(errbuf, LSC_ERRBUF_SIZE, "owner lookup helper: %.400s",
		         n == (ssize_t)sizeof hello ? hello.msg : "did not start");
		return -1;
	}
	return 0;
}

struct lsc_owners *lsc_owners_open(const struct lsc_priv_target *t, char *errbuf)
{
	struct lsc_owners *o = calloc(1, sizeof *o);
	if (o == NULL) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "owner lookup: out of memory");
		return NULL;
	}
	o->fd = -1;
	if (geteuid() == 0) {
		if (start_helper(o, t, errbuf) != 0) {
			lsc_owners_close(o);
			return NULL;
		}
		return o;
	}
	/* Not root: the helper could see no more than this process will. */
	o->table = lsc_owner_table_new();
	if (o->table == NULL) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "owner lookup: out of memory");
		free(o);
		return NULL;
	}
	return o;
}

void lsc_owners_close(struct lsc_owners *o)
{
	if (o == NULL)
		return;
	if (o->fd >= 0)
		close(o->fd);
	if (o->pid > 0) {
		while (waitpid(o->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	lsc_owner_table_free(o->table);
	free(o);
}

/* ---- lookups through the cache ------------------------------------------ */

static int ask_helper(struct lsc_owners *o, const struct lsc_owner_key *k, struct lsc_owner *out)
{
	struct owner_req req = { ++o->seq, *k };
	struct owner_rep rep;
	if (send(o->fd, &req, sizeof req, MSG_NOSIGNAL) != (ssize_t)sizeof req) {
		o->broken = true;
		return -1;
	}
	/* An answer to an earlier question that timed out is skipped. */
	for (;;) {
		ssize_t n = recv_within(o->fd, &rep, sizeof rep, HELPER_REPLY_MS);
		if (n == -2)
			return -1; /* the helper is busy reading /proc: no owner this time */
		if (n <= 0) {
			o->broken = true;
			return -1;
		}
		if ((size_t)n == sizeof rep && rep.seq == req.seq)
			break;
	}
	if (!rep.found)
		return -1;
	*out = rep.owner;
	return 0;
}

static size_t key_slot(const struct lsc_owner_key *k)
{
	/* FNV-1a over the key's bytes; the key has no implicit padding. */
	const uint8_t *p = (const uint8_t *)k;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < sizeof *k; i++)
		h = (h ^ p[i]) * 16777619u;
	return h % CACHE_SLOTS;
}

static void lookup(struct lsc_owners *o, const struct lsc_owner_key *k, struct lsc_owner *out)
{
	struct cache_ent *e = &o->cache[key_slot(k)];
	int64_t now = lsc_owner_now_ms();
	if (e->used && now < e->expires_ms && memcmp(&e->key, k, sizeof *k) == 0) {
		*out = e->owner;
		return;
	}
	memset(out, 0, sizeof *out);
	int rc;
	if (o->table != NULL)
		rc = lsc_owner_table_lookup(o->table, k, out);
	else if (!o->broken)
		rc = ask_helper(o, k, out);
	else
		return;
	if (rc != 0)
		memset(out, 0, sizeof *out);
	e->used = true;
	e->key = *k;
	e->owner = *out;
	e->expires_ms = now + (rc == 0 ? CACHE_HIT_MS : CACHE_MISS_MS);
}

/* The two endpoints of a TCP or UDP frame as keys: the sender's socket, then the receiver's. */
static bool frame_keys(const struct lsc_frame *f, struct lsc_owner_key *src, struct lsc_owner_key *dst)
{
	const struct lsc_layer *net = lsc_frame_network(f);
	const struct lsc_layer *tr = lsc_frame_transport(f);
	if (net == NULL || tr == NULL || lsc_layer_captured(f, tr) < 4)
		return false;
	memset(src, 0, sizeof *src);
	memset(dst, 0, sizeof *dst);
	if (tr->proto == LSC_PROTO_TCP) {
		src->proto = 6;
		src->lport = tr->u.tcp.sport;
		dst->lport = tr->u.tcp.dport;
	} else if (tr->proto == LSC_PROTO_UDP) {
		src->proto = 17;
		src->lport = tr->u.udp.sport;
		dst->lport = tr->u.udp.dport;
	} else {
		return false;
	}
	if (net->proto == LSC_PROTO_IPV4 && lsc_layer_captured(f, net) >= 20) {
		lsc_owner_addr4(src->local, net->u.ipv4.src);
		lsc_owner_addr4(dst->local, net->u.ipv4.dst);
	} else if (net->proto == LSC_PROTO_IPV6 && lsc_layer_captured(f, net) >= 40) {
		memcpy(src->local, net->u.ipv6.src, 16);
		memcpy(dst->local, net->u.ipv6.dst, 16);
	} else {
		return false;
	}
	dst->proto = src->proto;
	src->rport = dst->lport;
	dst->rport = src->lport;
	memcpy(src->remote, dst->local, 16);
	memcpy(dst->remote, src->local, 16);
	return true;
}

void lsc_owners_annotate(struct lsc_owners *o, struct lsc_frame *f)
{
	struct lsc_owner_key src, dst;
	memset(&f->src_owner, 0, sizeof f->src_owner);
	memset(&f->dst_owner, 0, sizeof f->dst_owner);
	f->has_owner = false;
	if (o == NULL || !frame_keys(f, &src, &dst))
		return;
	lookup(o, &src, &f->src_owner);
	lookup(o, &dst, &f->dst_owner);
	f->has_owner = f->src_owner.pid != 0 || f->dst_owner.pid != 0;
}
