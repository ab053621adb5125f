/* SPDX-License-Identifier: BSD-3-Clause */
/* run.c: `layerscope demo`: the server, the clients and the capture in one process, shown as one timeline. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <layerscope/echo.h>
#include <layerscope/frame.h>

#include "demo-int.h"
#include "../lib/i18n.h"

/*
 * Threads: the capture copies each frame into the queue; the server runs
 * its event loop; one thread runs the clients one after another; this
 * thread shows what has settled.  Everything privileged happens before any
 * thread starts: namespaces, the capture, the listening socket, then the
 * drop (setuid and capset act on the calling thread only, so a thread
 * started before them would keep root).
 */

/* What may still come late: live frames reach the capture thread within a few ms in immediate mode. */
#define SETTLE_MS  200
#define TICK_MS    50
#define SERVER_WAIT_MS 3000
/* Between clients, so that one's teardown is over before the next connects: a clearer timeline. */
#define CLIENT_GAP_MS  100

struct demo;

/* One program's voice: the hook hands its calls to the queue under its role. */
struct narrator {
	struct lsc_explain ex;
	struct demo *d;
	bool client;
	char role[DEMO_ROLE_MAX];
};

struct demo {
	const struct lsc_demo_opts *o;
	struct demo_queue *q;
	struct lsc_source *src;
	struct lsc_echo_server *server;
	struct narrator server_n;
	struct narrator client_n[LSC_DEMO_MAX_CLIENTS];
	const char *server_host;
	uint16_t port;
	unsigned clients_ok;
	char client_err[LSC_ERRBUF_SIZE];
	char server_err[LSC_ERRBUF_SIZE];
	char capture_err[LSC_ERRBUF_SIZE];
	atomic_bool server_done, clients_done, oom;
	pthread_t capture, server_tid, clients_tid;
	bool capture_joined;
	atomic_bool stopping;   /* a signal: no more clients */
	FILE *calls;            /* -w FILE: FILE.calls, until the output takes it */
	/*
	 * How the run was set up (namespaces, the capture, the drop of
	 * privileges): said at the end, after what it shows, unless --verbose
	 * asks for it as it happens; the first screen is the demo's own opening.
	 */
	FILE *said;
	char *said_buf;
	size_t said_len;
	/* --together: the clients start at once (go) and wait for each other once connected */
	pthread_mutex_t lock;   /* clients_ok, client_err and go, written by the clients' threads */
	pthread_cond_t go_cond;
	bool go;
	pthread_barrier_t connected;
};

/* The signal that ended the exercise early (SIGINT, SIGTERM), set by lsc_demo_stop(). */
static volatile sig_atomic_t stop_signal;

void lsc_demo_stop(int sig)
{
	stop_signal = sig;
}

int lsc_demo_stopped_by(void)
{
	return stop_signal;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- narration: each call becomes a queue item, with the names it teaches ---- */

static void name_add(struct demo_item *it, const struct sockaddr_storage *ss, bool host, const char *role)
{
	struct lsc_call_name *n;
	if (it->call.nnames >= LSC_CALL_NAMES || (ss->ss_family != AF_INET && ss->ss_family != AF_INET6))
		return;
	n = &it->call.names[it->call.nnames++];
	n->host = host;
	snprintf(n->role, sizeof n->role, "%s", role);
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		n->family = 4;
		n->port = ntohs(s4->sin_port);
		memcpy(n->addr, &s4->sin_addr, 4);
	} else {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		n->family = 6;
		n->port = ntohs(s6->sin6_port);
		memcpy(n->addr, &s6->sin6_addr, 16);
	}
}

/*
 * A client's connect() names its end (the port it was given) and, between
 * two hosts, both hosts; the server's listen() or bind() names its port.
 */
static void names_from(struct demo_item *it, const struct narrator *n, const struct lsc_explain_event *ev)
{
	if (ev->result < 0)
		return;
	if (n->client && ev->call == LSC_ECHO_CALL_CONNECT) {
		name_add(it, &ev->local, false, n->role);
		if (n->d->o->hosts) {
			name_add(it, &ev->local, true, "client host");
			name_add(it, &ev->addr, true, "server host");
		}
	} else if (!n->client && (ev->call == LSC_ECHO_CALL_LISTEN || (ev->call == LSC_ECHO_CALL_BIND && n->d->o->udp))) {
		name_add(it, &ev->local, false, n->role);
	}
}

static void on_call(void *ctx, const struct lsc_explain_event *ev)
{
	struct narrator *n = ctx;
	struct demo_item *it = calloc(1, sizeof *it);
	if (it == NULL) {
		atomic_store(&n->d->oom, true);
		return;
	}
	it->ns = it->call.ns = ev->sec * 1000000000LL + ev->nsec;
	snprintf(it->call.role, sizeof it->call.role, "%s", n->role);
	lsc_explain_call_text(ev, it->call.text, sizeof it->call.text);
	names_from(it, n, ev);
	if (demo_queue_push(n->d->q, it) != 0)
		atomic_store(&n->d->oom, true);
}

static void narrator_init(struct narrator *n, struct demo *d, bool client, const char *role)
{
	lsc_explain_init(&n->ex, NULL, LSC_EXPLAIN_TEXT, n->role);
	n->ex.hook = on_call;
	n->ex.hook_ctx = n;
	n->d = d;
	n->client = client;
	snprintf(n->role, sizeof n->role, "%s", role);
}

/* ---- the threads ---------------------------------------------------------------- */

static void *capture_thread(void *arg)
{
	struct demo *d = arg;
	struct lsc_frame *f = calloc(1, sizeof *f);
	int rc;
	if (f == NULL) {
		atomic_store(&d->oom, true);
		return NULL;
	}
	while ((rc = lsc_source_next(d->src, f, d->capture_err)) > 0) {
		struct demo_item *it = demo_item_frame(f);
		if (it == NULL || demo_queue_push(d->q, it) != 0)
			atomic_store(&d->oom, true);
	}
	if (rc == 0)
		d->capture_err[0] = '\0';
	free(f);
	return NULL;
}

static void *server_thread(void *arg)
{
	struct demo *d = arg;
	if (lsc_echo_server_run(d->server, d->server_err) != 0 && d->server_err[0] == '\0')
		snprintf(d->server_err, sizeof d->server_err, _("the server stopped with an error"));
	atomic_store(&d->server_done, true);
	return NULL;
}

/* Client i's exchange; the count of intact echoes and the first failure are kept for the end. */
static void client_run(struct demo *d, unsigned i, void (*connected)(void *ctx), void *ctx)
{
	const char *msg = d->o->message;
	struct lsc_echo_client_opts co;
	struct lsc_echo_client_result res;
	char err[LSC_ERRBUF_SIZE];
	memset(&co, 0, sizeof co);
	co.udp = d->o->udp;
	co.host = d->server_host;
	co.port = d->port;
	co.explain = &d->client_n[i].ex;
	co.connected = connected;
	co.connected_ctx = ctx;
	int rc = lsc_echo_client_run(&co, msg, strlen(msg), &res, err);
	pthread_mutex_lock(&d->lock);
	if (rc == 0)
		d->clients_ok++;
	else if (d->client_err[0] == '\0')
		snprintf(d->client_err, sizeof d->client_err, "%s: %.400s", d->client_n[i].role, err);
	pthread_mutex_unlock(&d->lock);
}

/*
 * --together: every client has a thread; they start at once (a barrier),
 * and each, once connected, waits for the others before it sends, so every
 * handshake is done before any teardown begins: the conversations coexist.
 * A client that fails before it connects still arrives, so none waits forever.
 */
struct together {
	struct demo *d;
	unsigned i;
	bool arrived;
	pthread_t tid;
};

static void together_connected(void *ctx)
{
	struct together *t = ctx;
	t->arrived = true;
	pthread_barrier_wait(&t->d->connected);
}

static void *together_thread(void *arg)
{
	struct together *t = arg;
	struct demo *d = t->d;
	pthread_mutex_lock(&d->lock);
	while (!d->go)
		pthread_cond_wait(&d->go_cond, &d->lock);
	pthread_mutex_unlock(&d->lock);
	client_run(d, t->i, together_connected, t);
	if (!t->arrived)
		pthread_barrier_wait(&d->connected);
	return NULL;
}

/*
 * All the clients at once: every thread is made first and waits at the
 * gate; the barrier then counts the threads there are, and the gate opens
 * for all of them in one broadcast.
 */
static void clients_together(struct demo *d)
{
	unsigned n = d->o->clients, started = 0;
	struct together *t = calloc(n, sizeof *t);
	if (t == NULL) {
		snprintf(d->client_err, sizeof d->client_err, "%s", _("out of memory for the clients' threads"));
		return;
	}
	pthread_mutex_lock(&d->lock);
	for (; started < n; started++) {
		t[started].d = d;
		t[started].i = started;
		if (pthread_create(&t[started].tid, NULL, together_thread, &t[started]) != 0)
			break;
	}
	if (started < n)
		snprintf(d->client_err, sizeof d->client_err, _("only %u of %u clients' threads could start: run "
		                                                 "fewer clients (--clients)"), started, n);
	if (started > 0)
		pthread_barrier_init(&d->connected, NULL, started);
	d->go = true;
	pthread_cond_broadcast(&d->go_cond);
	pthread_mutex_unlock(&d->lock);
	for (unsigned i = 0; i < started; i++)
		pthread_join(t[i].tid, NULL);
	if (started > 0)
		pthread_barrier_destroy(&d->connected);
	free(t);
}

/*
 * The exercise: each client in turn connects, sends the message, reads the
 * echo 16 bytes at a time; with --together, all of them at once.
 */
static void *clients_thread(void *arg)
{
	struct demo *d = arg;
	if (d->o->together) {
		clients_together(d);
	} else {
		for (unsigned i = 0; i < d->o->clients && !atomic_load(&d->stopping); i++) {
			if (i > 0)
				sleep_ms(CLIENT_GAP_MS);
			client_run(d, i, NULL, NULL);
		}
	}
	atomic_store(&d->clients_done, true);
	/* A client that failed leaves the server waiting for the rest: stop it. */
	for (int waited = 0; !atomic_load(&d->server_done); waited += TICK_MS) {
		if (waited >= SERVER_WAIT_MS) {
			lsc_echo_server_stop(d->server);
			break;
		}
		sleep_ms(TICK_MS);
	}
	return NULL;
}

/* ---- setting up, privileged -------------------------------------------------------- */

/* The exercise's port, or one the system picks when 8082 is taken here. */
static int server_open(struct demo *d, char *err)
{
	struct lsc_echo_server_opts so;
	memset(&so, 0, sizeof so);
	so.udp = d->o->udp;
	so.port = LSC_ECHO_PORT;
	so.max_conns = d->o->clients;
	so.explain = &d->server_n.ex;
	d->server = lsc_echo_server_new(&so, err);
	if (d->server == NULL && !d->o->hosts) {
		/* The cause alone: its fix ("--port N") is the server command's, and the demo finds its own port. */
		char *fix = strstr(err, " — ");
		if (fix != NULL)
			*fix = '\0';
		fprintf(d->said, _("layerscope demo: port %u is not free here (%s); the server takes a free port instead\n"),
		        LSC_ECHO_PORT, err);
		so.port = 0;
		d->server = lsc_echo_server_new(&so, err);
	}
	if (d->server == NULL)
		return -1;
	d->port = lsc_echo_server_port(d->server);
	return 0;
}

/*
 * A new temporary file for the capture: mkstemps() creates it 0600 with
 * O_EXCL, and the capture writes to that descriptor, so a symlink planted
 * at the name is never followed.  Returns the descriptor, or -1.
 */
static int temp_capture(char *path, size_t cap, char *err)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, cap, "%s/layerscope-demo-XXXXXX.pcap", dir != NULL && *dir ? dir : "/tmp");
	int fd = mkstemps(path, 5);
	if (fd < 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("creating %.300s: %s — set TMPDIR to a writable folder, or "
		         "name the capture file with -w FILE"), path, strerror(errno));
		return -1;
	}
	return fd;
}

/* Under sudo, the capture belongs to the user who asked for it, not to root. */
static void give_to_sudo_user(const char *path)
{
	const char *u = getenv("SUDO_UID"), *g = getenv("SUDO_GID");
	if (geteuid() != 0 || u == NULL || g == NULL)
		return;
	if (chown(path, (uid_t)strtoul(u, NULL, 10), (gid_t)strtoul(g, NULL, 10)) != 0)
		return; /* still root's, as live's -w: readable, which is what matters */
}

/* Opens the capture and its file: *fd when it is one (taken: set to -1), else `path`. */
static int capture_open(struct demo *d, const char *iface, const char *path, int *fd, char *err)
{
	char warn[LSC_ERRBUF_SIZE], filter[96];
	struct lsc_live_opts lo;
	memset(&lo, 0, sizeof lo);
	lo.iface = iface;
	/* A few dozen frames: each at once costs nothing, and the end of the demo then knows it has them all. */
	lo.immediate = true;
	d->src = lsc_source_open_live(&lo, warn, err);
	if (d->src == NULL)
		return -1;
	if (warn[0] != '\0')
		fprintf(d->said, _("layerscope demo: warning: %s\n"), warn);
	snprintf(filter, sizeof filter, "%s port %u or arp%s", d->o->udp ? "udp" : "tcp", d->port,
	         d->o->udp ? " or icmp" : "");
	if (lsc_source_set_filter(d->src, filter, err) != 0)
		return -1;
	int taken = *fd;
	*fd = -1;
	if (taken >= 0 ? lsc_source_write_fd(d->src, taken, path, err) != 0
	               : lsc_source_write_to(d->src, path, err) != 0)
		return -1;
	/* The file's mode stays as created (0600) or as the user had it: a capture holds others' traffic. */
	give_to_sudo_user(path);
	if (d->o->write != NULL) { /* the calls beside it, opened now: after the drop the folder may refuse */
		char calls[4096 + 8];
		if ((d->calls = demo_calls_open(path, err)) == NULL)
			return -1;
		snprintf(calls, sizeof calls, "%s.calls", path);
		give_to_sudo_user(calls);
	}
	fprintf(d->said, _("layerscope demo: capturing on %s ('%s'), writing %s\n"), iface, filter, path);
	return 0;
}

/* ---- showing ------------------------------------------------------------------------ */

/*
 * The demo's source of items: what has settled, a tick at a time, while
 * the exercise runs; once it is over and the last frames are in,
 * everything, then nothing.
 */
/*
 * A signal ends the exercise early: no more clients, the server stops and
 * its sockets close (a client waiting for its echo sees the end at once),
 * then the capture stops and its file is closed whole.
 */
static void stop_early(struct demo *d)
{
	atomic_store(&d->stopping, true);
	lsc_echo_server_stop(d->server);
	pthread_join(d->server_tid, NULL);
	pthread_join(d->clients_tid, NULL); /* it may still stop the server: free it after */
	lsc_echo_server_free(d->server);
	d->server = NULL;
	atomic_store(&d->server_done, true);
	atomic_store(&d->clients_done, true);
}

/*
 * The demo's source of items: what has settled, a tick at a time, while
 * the exercise runs; once it is over (or a signal ended it) and the last
 * frames are in, everything, then nothing.
 */
static size_t settled(void *ctx, struct demo_item ***items)
{
	struct demo *d = ctx;
	for (;;) {
		if (d->capture_joined)
			return 0;
		if (stop_signal != 0 && !atomic_load(&d->stopping))
			stop_early(d);
		if (atomic_load(&d->clients_done) && atomic_load(&d->server_done)) {
			/* The last frames (the final ACK) follow the last call by microseconds. */
			sleep_ms(SETTLE_MS);
			lsc_source_stop(d->src);
			pthread_join(d->capture, NULL);
			d->capture_joined = true;
			return demo_queue_take(d->q, INT64_MAX, items);
		}
		sleep_ms(TICK_MS);
		size_t n = demo_queue_take(d->q, now_ns() - SETTLE_MS * 1000000LL, items);
		if (n > 0)
			return n;
	}
}

static int run_threads(struct demo *d, struct demo_show *s, char *err)
{
	/* The threads block SIGINT and SIGTERM: only this one sees them, between its naps. */
	sigset_t stops, was;
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stops, &was);
	int rc = pthread_create(&d->capture, NULL, capture_thread, d);
	if (rc == 0 && (rc = pthread_create(&d->server_tid, NULL, server_thread, d)) != 0) {
		lsc_source_stop(d->src);
		pthread_join(d->capture, NULL);
	}
	if (rc == 0 && (rc = pthread_create(&d->clients_tid, NULL, clients_thread, d)) != 0) {
		lsc_echo_server_stop(d->server);
		lsc_source_stop(d->src);
		pthread_join(d->server_tid, NULL);
		pthread_join(d->capture, NULL);
	}
	pthread_sigmask(SIG_SETMASK, &was, NULL);
	if (rc != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, "pthread_create: %s", strerror(rc));
		return -1;
	}
	rc = demo_show_run(s, d->o, settled, d, err);
	/* Shown to the end, or stopped early (q at --step, a closed output): the exercise ends by itself. */
	if (!atomic_load(&d->stopping)) {
		pthread_join(d->clients_tid, NULL);
		pthread_join(d->server_tid, NULL);
	}
	if (!d->capture_joined) {
		lsc_source_stop(d->src);
		pthread_join(d->capture, NULL);
	}
	return rc;
}

/* How the run was set up, kept for the end (d->said): said once, after what was shown. */
static void said_show(struct demo *d)
{
	if (d->said == NULL || d->said == d->o->log)
		return;
	fclose(d->said);
	d->said = NULL;
	fflush(d->o->out); /* after what was shown, in a file that holds both too */
	if (d->said_len > 0)
		fwrite(d->said_buf, 1, d->said_len, d->o->log);
	fflush(d->o->log);
	free(d->said_buf);
	d->said_buf = NULL;
}

static int report(struct demo *d, struct demo_show *s, const char *path, char *err)
{
	long long frames = demo_show_finish(s, err);
	if (frames < 0)
		return -1;
	if (atomic_load(&d->oom)) {
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory: some frames or calls are missing above"));
		return -1;
	}
	if (d->capture_err[0] != '\0') {
		snprintf(err, LSC_ERRBUF_SIZE, _("the capture failed: %.400s"), d->capture_err);
		return -1;
	}
	if (lsc_source_write_end(d->src, err) != 0)
		return -1;
	said_show(d);
	if (stop_signal != 0) {
		fprintf(d->o->log, _("layerscope demo: interrupted by %s after %u of %u clients; the %lld frames "
		        "captured so far are in %s — replay them with: layerscope read %s\n"),
		        stop_signal == SIGINT ? "SIGINT" : "SIGTERM", d->clients_ok, d->o->clients,
		        frames, path, path);
		return 0;
	}
	fprintf(d->o->log, _("layerscope demo: %u of %u clients got their echo back intact; %lld frames "
	        "written to %s — replay them with: layerscope read %s\n"), d->clients_ok, d->o->clients,
	        frames, path, path);
	if (d->o->write != NULL)
		demo_calls_said(d->o->log, path);
	if (d->server_err[0] != '\0') {
		snprintf(err, LSC_ERRBUF_SIZE, "the server: %.400s", d->server_err);
		return -1;
	}
	if (d->clients_ok != d->o->clients) {
		snprintf(err, LSC_ERRBUF_SIZE, "%s", d->client_err);
		return -1;
	}
	return 0;
}

/*
 * Everything privileged, in order: the hosts, the listening socket (in the
 * server's namespace), the capture and its file; then back to the client's
 * namespace, where the client threads will start, and the drop.
 */
static int setup(struct demo *d, struct demo_net *net, const char *path, int *fd, char *err)
{
	const char *iface = "lo";
	d->server_host = "127.0.0.1";
	if (d->o->hosts) {
		if (demo_net_hosts(net, err) != 0 || demo_net_enter(net->server_fd, "server", err) != 0)
			return -1;
		iface = DEMO_SERVER_IF;
		d->server_host = DEMO_SERVER_ADDR;
	}
	if (server_open(d, err) != 0 || capture_open(d, iface, path, fd, err) != 0)
		return -1;
	if (d->o->hosts && demo_net_enter(net->client_fd, "client", err) != 0)
		return -1;

	struct lsc_priv_target t;
	char said[LSC_ERRBUF_SIZE];
	memset(&t, 0, sizeof t);
	if (geteuid() == 0 && lsc_priv_resolve(lsc_priv_default_user(), &t, err) != 0)
		return -1;
	if (lsc_priv_drop(&t, said, err) != 0)
		return -1;
	fprintf(d->said, _("layerscope demo: %s: the server, the clients and the decoder run unprivileged\n"), said);
	return 0;
}

/* `userns`: not root, running in a user namespace of its own, which the setup report says. */
static int run_live_demo(const struct lsc_demo_opts *o, bool userns, char *err)
{
	struct demo *d = calloc(1, sizeof *d);
	struct demo_net net = { -1, -1, -1 };
	struct demo_show *s = NULL;
	char path[4096];
	int rc = -1, fd = -1;
	if (d != NULL) {
		pthread_mutex_init(&d->lock, NULL);
		pthread_cond_init(&d->go_cond, NULL);
	}
	if (d == NULL || (d->q = demo_queue_new()) == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory"));
		goto out;
	}
	d->o = o;
	d->said = o->verbose ? o->log : open_memstream(&d->said_buf, &d->said_len);
	if (d->said == NULL)
		d->said = o->log;
	if (userns)
		fprintf(d->said, _("layerscope demo: not root: running inside a new user and network namespace "
		        "of its own (its own lo%s)\n"), o->hosts ? _(" and two hosts") : "");
	narrator_init(&d->server_n, d, false, "server");
	for (unsigned i = 0; i < o->clients; i++) {
		char role[DEMO_ROLE_MAX];
		snprintf(role, sizeof role, "client %u", i + 1);
		narrator_init(&d->client_n[i], d, true, role);
	}
	if (o->write != NULL)
		snprintf(path, sizeof path, "%s", o->write);
	else if ((fd = temp_capture(path, sizeof path, err)) < 0)
		goto out;
	if (setup(d, &net, path, &fd, err) != 0) {
		rc = -2;
		goto out;
	}
	if ((s = demo_show_new(o, err)) == NULL)
		goto out;
	demo_show_calls_to(s, d->calls);
	d->calls = NULL;
	demo_show_intro(s, o->clients, o->udp, o->together, d->port);
	if (run_threads(d, s, err) == 0)
		rc = report(d, s, path, err);
out:
	if (fd >= 0)
		close(fd);
	demo_show_free(s);
	if (d != NULL) {
		said_show(d); /* a failure is explained after it: the setup may say why */
		lsc_echo_server_free(d->server);
		if (d->src != NULL)
			lsc_source_close(d->src);
		demo_queue_free(d->q);
		if (d->calls != NULL)
			fclose(d->calls);
		pthread_cond_destroy(&d->go_cond);
		pthread_mutex_destroy(&d->lock);
	}
	demo_net_close(&net);
	free(d);
	return rc;
}

/* ---- choosing how ------------------------------------------------------------------- */

int lsc_demo_run(const struct lsc_demo_opts *in, char *err)
{
	struct lsc_demo_opts o = *in;
	char why[LSC_ERRBUF_SIZE];
	if (o.clients == 0)
		o.clients = LSC_DEMO_CLIENTS;
	if (o.message == NULL)
		o.message = LSC_DEMO_MESSAGE;
	if (o.captures == NULL)
		o.captures = lsc_demo_captures_dir();
	if (o.log == NULL)
		o.log = stderr;
	if (o.replay)
		return demo_replay(&o, _("replaying the bundled capture, as asked (--replay)"), err);
	bool userns = geteuid() != 0; /* inside it, this process may be root: asked before */
	if (userns) {
		if (demo_userns_enter(why) != 0) {
			char msg[LSC_ERRBUF_SIZE + 160];
			snprintf(msg, sizeof msg, _("not root, and %.300s: showing the bundled capture of the same "
			         "exchange instead (run with sudo to capture for real)"), why);
			return demo_replay(&o, msg, err);
		}
	}
	int rc = run_live_demo(&o, userns, err);
	if (rc == -2 && geteuid() != 0) {
		/* The namespace let us in but not far enough (a security module, a missing feature). */
		char msg[LSC_ERRBUF_SIZE + 160];
		snprintf(msg, sizeof msg, _("not root, and the user namespace could not capture (%.300s): showing "
		         "the bundled capture of the same exchange instead (run with sudo to capture for real)"), err);
		return demo_replay(&o, msg, err);
	}
	return rc < 0 ? -1 : 0;
}
