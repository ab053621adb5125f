/* SPDX-License-Identifier: BSD-3-Clause */
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
#include <time.h>
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
#define HELPER_REPLY_MS 500   /* longest a frame waits for its owner */
#define HELPER_LOST_MS  3000  /* a question unanswered this long is asked again */
#define CACHE_SLOTS     1024  /* direct-mapped: a collision replaces the older answer */
#define CACHE_HIT_MS    1000  /* how long an owner is believed without asking again */
#define CACHE_MISS_MS   200   /* ... and a "nobody": the helper re-reads at most this often anyway */
/*
 * A frame may wait for its owner only while the capture keeps up: once the
 * frame in hand is older than this, only answers already at hand are used,
 * until the capture has caught up.  Owners are worth less than frames
 * dropped by a full kernel buffer.
 */
#define OWNER_LAG_MS    100
/*
 * ... and at most once per this many ms: on a busy host each wait is a
 * round trip through the scheduler, so the other questions go out without
 * waiting and their answers serve the frames that follow.  Light traffic
 * (a person running the echo pair) waits every time, so even the SYN shows
 * who called connect().
 */
#define OWNER_WAIT_EVERY_MS 200

struct owner_req {
	uint32_t seq;
	uint8_t may_refresh; /* the capture is keeping up: the helper may read /proc again */
	uint8_t pad[3];
	struct lsc_owner_key key;
};

struct owner_rep {
	uint32_t seq;
	int32_t found;
	struct lsc_owner_key key;
	struct lsc_owner owner;
};

struct owner_hello {
	int32_t status; /* 0: ready; -1: the helper could not drop, msg says why */
	char msg[LSC_ERRBUF_SIZE];
};

struct cache_ent {
	struct lsc_owner_key key;
	struct lsc_owner owner; /* pid 0: nobody owns it, or not known yet */
	int64_t expires_ms;     /* answered: believed until then */
	int64_t asked_ms;       /* pending: when the question went out */
	uint32_t seq;           /* pending: the question's number */
	bool used;
	bool pending;           /* asked the helper, no answer yet */
};

struct lsc_owners {
	int fd;                       /* the helper's socket, or -1: look up in-process */
	pid_t pid;
	uint32_t seq;
	uint32_t outstanding;         /* questions sent and not answered */
	bool broken;                  /* the helper is gone: no more lookups */
	int64_t waited_ms;            /* when a frame last waited for an answer */
	struct lsc_owner_table *table; /* in-process (not root) */
	char user[64];                /* the helper's user */
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
		struct owner_rep rep = { .seq = req.seq, .key = req.key };
		rep.found = lsc_owner_table_lookup(t, &req.key, &rep.owner, req.may_refresh != 0) == 0;
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
		snprintf(hello.msg, sizeof hello.msg, _("out of memory"));
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
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("owner lookup: socketpair: %s"), strerror(errno));
		return -1;
	}
	pid_t parent = getpid();
	fflush(NULL); /* the child must not write the parent's buffered output again */
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("owner lookup: fork: %s"), strerror(errno));
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
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("owner lookup helper: %.400s"),
		         n == (ssize_t)sizeof hello ? hello.msg : _("did not start"));
		return -1;
	}
	return 0;
}

int lsc_owners_kept(const struct lsc_owners *o, char *out)
{
	if (o == NULL || o->fd < 0)
		return 0;
	/*
	 * Both are needed, measured as another uid: with CAP_DAC_READ_SEARCH
	 * alone /proc/PID/fd lists but its links do not read (the ptrace access
	 * check); with CAP_SYS_PTRACE alone the directory (0500) does not open.
	 */
	snprintf(out, LSC_ERRBUF_SIZE, _("the process-owner helper (pid %ld) keeps CAP_SYS_PTRACE and "
	         "CAP_DAC_READ_SEARCH as %s: with them it reads other users' /proc/PID/fd, to say which "
	         "process holds a socket; it never sees a frame (--no-process runs without it)"),
	         (long)o->pid, o->user);
	return 1;
}

struct lsc_owners *lsc_owners_open(const struct lsc_priv_target *t, char *errbuf)
{
	struct lsc_owners *o = calloc(1, sizeof *o);
	if (o == NULL) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("owner lookup: out of memory"));
		return NULL;
	}
	o->fd = -1;
	snprintf(o->user, sizeof o->user, "%s", t->user);
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
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("owner lookup: out of memory"));
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

static size_t key_slot(const struct lsc_owner_key *k)
{
	/* FNV-1a over the key's bytes; the key has no implicit padding. */
	const uint8_t *p = (const uint8_t *)k;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < sizeof *k; i++)
		h = (h ^ p[i]) * 16777619u;
	return h % CACHE_SLOTS;
}

static void settle(struct cache_ent *e, const struct lsc_owner *owner, bool found, int64_t now)
{
	e->pending = false;
	if (found)
		e->owner = *owner;
	else
		memset(&e->owner, 0, sizeof e->owner);
	e->expires_ms = now + (found ? CACHE_HIT_MS : CACHE_MISS_MS);
}

/* Files an answer under its question; an answer to a question since replaced in the cache is dropped. */
static void take_reply(struct lsc_owners *o, const struct owner_rep *rep)
{
	struct cache_ent *e = &o->cache[key_slot(&rep->key)];
	if (o->outstanding > 0)
		o->outstanding--;
	/* The answer is as old as the question: it expires from when it was asked. */
	if (e->used && e->pending && e->seq == rep->seq && memcmp(&e->key, &rep->key, sizeof e->key) == 0)
		settle(e, &rep->owner, rep->found != 0, e->asked_ms);
}

/* Reads answers until the one to `seq` (0: none in particular, just what is there) or `ms` passes. */
static void read_replies(struct lsc_owners *o, uint32_t seq, int ms)
{
	struct owner_rep rep;
	while (o->outstanding > 0 && !o->broken) {
		ssize_t n = recv_within(o->fd, &rep, sizeof rep, ms);
		if (n == -2)
			return;
		if (n <= 0) {
			o->broken = true;
			return;
		}
		if ((size_t)n != sizeof rep)
			continue;
		take_reply(o, &rep);
		if (seq != 0 && rep.seq == seq)
			return;
	}
}

/* How much a frame may spend on its owners. */
enum ask {
	ASK_CACHED, /* the capture is falling behind: answers already at hand only */
	ASK_LATER,  /* ask, and let the answer serve the frames after this one */
	ASK_WAIT    /* ask and wait for the answer */
};

static void ask_helper(struct lsc_owners *o, struct cache_ent *e, enum ask mode)
{
	int64_t now = lsc_owner_now_ms();
	struct owner_req req = { .seq = ++o->seq, .may_refresh = mode == ASK_WAIT, .key = e->key };
	if (req.seq == 0)
		req.seq = ++o->seq;
	/* A helper far behind fills the socket buffer: then no owner rather than a wait. */
	if (send(o->fd, &req, sizeof req, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)sizeof req) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			o->broken = true;
		settle(e, NULL, false, now);
		return;
	}
	o->outstanding++;
	e->pending = true;
	e->seq = req.seq;
	e->asked_ms = now;
	if (mode == ASK_WAIT) {
		o->waited_ms = now;
		read_replies(o, req.seq, HELPER_REPLY_MS);
	}
}

static void lookup(struct lsc_owners *o, const struct lsc_owner_key *k, enum ask mode,
                   struct lsc_owner *out)
{
	struct cache_ent *e = &o->cache[key_slot(k)];
	int64_t now = lsc_owner_now_ms();
	memset(out, 0, sizeof *out);
	if (e->used && memcmp(&e->key, k, sizeof *k) == 0) {
		if (e->pending && now - e->asked_ms < HELPER_LOST_MS) {
			if (mode == ASK_WAIT) {
				o->waited_ms = now;
				read_replies(o, e->seq, HELPER_REPLY_MS);
			}
			*out = e->owner;
			return;
		}
		if (!e->pending && now < e->expires_ms) {
			*out = e->owner;
			return;
		}
	}
	if (mode == ASK_CACHED || (o->table == NULL && o->broken))
		return;
	memset(e, 0, sizeof *e);
	e->used = true;
	e->key = *k;
	if (o->table != NULL) {
		struct lsc_owner found;
		if (mode == ASK_WAIT)
			o->waited_ms = now;
		bool ok = lsc_owner_table_lookup(o->table, k, &found, mode == ASK_WAIT) == 0;
		settle(e, &found, ok, now);
	} else {
		ask_helper(o, e, mode);
	}
	*out = e->owner;
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

/* How far behind real time the frame in hand is. */
static int64_t lag_ms(const struct lsc_frame *f)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return ((int64_t)now.tv_sec - f->ts_sec) * 1000 +
	       ((int64_t)now.tv_nsec - (int64_t)f->ts_nsec) / 1000000;
}

void lsc_owners_annotate(struct lsc_owners *o, struct lsc_frame *f)
{
	struct lsc_owner_key src, dst;
	memset(&f->src_owner, 0, sizeof f->src_owner);
	memset(&f->dst_owner, 0, sizeof f->dst_owner);
	f->has_owner = false;
	if (o == NULL || !frame_keys(f, &src, &dst))
		return;
	/* Decided once a frame: its two sockets are looked up alike. */
	enum ask mode = lag_ms(f) >= OWNER_LAG_MS ? ASK_CACHED :
	                lsc_owner_now_ms() - o->waited_ms >= OWNER_WAIT_EVERY_MS ? ASK_WAIT : ASK_LATER;
	if (o->outstanding > 0)
		read_replies(o, 0, 0); /* answers to earlier questions, without waiting */
	lookup(o, &src, mode, &f->src_owner);
	lookup(o, &dst, mode, &f->dst_owner);
	f->has_owner = f->src_owner.pid != 0 || f->dst_owner.pid != 0;
}
