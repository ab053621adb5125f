/* SPDX-License-Identifier: BSD-3-Clause */
/* echo.h: the echo server and client of the sockets exercise (RFC 862 echo over TCP and UDP), narrated. */
#ifndef LAYERSCOPE_ECHO_H
#define LAYERSCOPE_ECHO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include <layerscope/source.h> /* LSC_ERRBUF_SIZE: the size of every `err` below */

/* The exercise's numbers. */
#define LSC_ECHO_PORT       8082
#define LSC_ECHO_READ_SIZE  2048       /* the server's recv() size (TCP) */
#define LSC_ECHO_CHUNK      16         /* the client's recv() size (TCP) */
#define LSC_ECHO_BUF_CAP    (16 * 1024) /* echo bytes a server keeps per connection */
#define LSC_ECHO_TIMEOUT_MS 5000
#define LSC_ECHO_BACKLOG    1024       /* the kernel caps it at net.core.somaxconn */

/* ---- narration of socket calls (--explain) ------------------------------- */

enum lsc_explain_format { LSC_EXPLAIN_TEXT = 0, LSC_EXPLAIN_JSON };

enum lsc_sockcall {
	LSC_ECHO_CALL_GETADDRINFO = 0,
	LSC_ECHO_CALL_SOCKET,
	LSC_ECHO_CALL_SETSOCKOPT,
	LSC_ECHO_CALL_BIND,
	LSC_ECHO_CALL_LISTEN,
	LSC_ECHO_CALL_ACCEPT,
	LSC_ECHO_CALL_CONNECT,
	LSC_ECHO_CALL_RECV,
	LSC_ECHO_CALL_SEND,
	LSC_ECHO_CALL_RECVFROM,
	LSC_ECHO_CALL_SENDTO,
	LSC_ECHO_CALL_SHUTDOWN,
	LSC_ECHO_CALL_CLOSE,
	LSC_ECHO_CALL_NOTE, /* not a call: what the program decided (back-pressure, a limit) */
};

/*
 * One socket call and its result.  Fields a call does not use are zero
 * (addresses: ss_family 0; strings: NULL).  `sec`/`nsec` are CLOCK_REALTIME,
 * the clock libpcap stamps captured frames with, read as the call starts.
 */
struct lsc_explain_event {
	int64_t sec;
	uint32_t nsec;
	enum lsc_sockcall call;
	int fd;                        /* the socket the call acts on */
	long long result;              /* the call's return value */
	int err;                       /* errno when result < 0 */
	size_t len;                    /* bytes asked for: recv, send, recvfrom, sendto */
	int family, type;              /* socket() */
	int arg;                       /* listen backlog, setsockopt value, shutdown how */
	const char *opt;               /* setsockopt option name ("SO_REUSEADDR") */
	const char *name;              /* getaddrinfo host */
	struct sockaddr_storage addr;  /* bind, connect, sendto: the target; accept, recvfrom: the peer */
	struct sockaddr_storage local; /* bind, listen, accept, connect: this end once known */
	const char *note;              /* an explanation after the result, or the whole NOTE */
	const char *note_shown;        /* the note in the reader's language; NULL: `note` as it is */
};

typedef void lsc_explain_hook(void *ctx, const struct lsc_explain_event *ev);

/*
 * A narrator, owned by the caller.  Each event is stamped, then passed to
 * `hook` (if set, e.g. to merge with frames in-process) and written to `out`
 * (if set) as one line: text, or one JSON object (NDJSON).  `role` names the
 * speaker ("server", "client", "client 2") in every line.
 */
struct lsc_explain {
	FILE *out;
	enum lsc_explain_format format;
	const char *role;
	bool utc;              /* text: the clock in UTC, not local time (--utc); JSON is always UTC */
	lsc_explain_hook *hook;
	void *hook_ctx;
};

/* Sets up a narrator writing to `out` (may be NULL) with no hook, in local time. */
void lsc_explain_init(struct lsc_explain *ex, FILE *out, enum lsc_explain_format format,
                      const char *role);

/* Parses "text" or "json"; -1 when neither. */
int lsc_explain_parse_format(const char *s, enum lsc_explain_format *out);

/* Sets ev->sec/nsec to now on CLOCK_REALTIME.  Narrated calls are stamped as they start (as strace does). */
void lsc_explain_stamp(struct lsc_explain_event *ev);

/*
 * Hands `ev` to the hook and writes it, stamping it first if it carries no
 * time yet (sec and nsec 0).  `ex` may be NULL (nothing happens).  Flushes
 * `out` so a reader of a pipe sees each call as it happens.
 */
void lsc_explain_emit(struct lsc_explain *ex, struct lsc_explain_event *ev);

/*
 * The call and its result as C-like text, no time or role:
 * "accept(3) = 4 ← 127.0.0.1:42006".  Always NUL-terminated; cut to `cap`.
 * Returns the length written.
 */
size_t lsc_explain_call_text(const struct lsc_explain_event *ev, char *buf, size_t cap);

/*
 * Writes one line for `ev` to `out`: text is "HH:MM:SS.uuuuuu ROLE CALL-TEXT",
 * on the clock of the frames' line format (local time, UTC when `utc`);
 * JSON is an object with "ts" (RFC 3339 UTC whatever `utc` says,
 * microseconds, as frames' "ts"), "role", "call", "fd", "result", "text"
 * and the call's own fields (docs/echo.md).  Does not stamp or flush.
 */
void lsc_explain_write(FILE *out, enum lsc_explain_format format, const char *role, bool utc,
                       const struct lsc_explain_event *ev);

/* ---- the server ------------------------------------------------------------ */

struct lsc_echo_server_opts {
	bool udp;                    /* datagrams instead of a stream */
	uint16_t port;               /* 0: the system picks one (see lsc_echo_server_port) */
	const char *bind;            /* an address or a name; NULL: all addresses, IPv4 and IPv6 */
	uint64_t max_conns;          /* stop after this many clients have gone (UDP: datagrams); 0: never */
	size_t read_size;            /* recv() size; 0: LSC_ECHO_READ_SIZE (UDP reads whole datagrams) */
	size_t buf_cap;              /* unsent echo kept per connection; 0: LSC_ECHO_BUF_CAP */
	int backlog;                 /* 0: LSC_ECHO_BACKLOG */
	FILE *log;                   /* human lines (listening, connections, messages); NULL: none */
	bool quiet;                  /* with `log`: the listening line only */
	struct lsc_explain *explain; /* NULL: no narration; must outlive the server */
};

struct lsc_echo_stats {
	uint64_t connections;  /* accepted (UDP: datagrams received) */
	uint64_t active;       /* open now */
	uint64_t peak;         /* most open at once */
	uint64_t bytes_in;     /* received from clients */
	uint64_t bytes_out;    /* echoed back */
	uint64_t pauses;       /* times a connection's reading stopped for back-pressure */
	uint64_t dropped;      /* UDP: echoes dropped because the send buffer was full */
	uint64_t unsent;       /* echo bytes discarded when connections were closed */
};

struct lsc_echo_server;

/*
 * Creates the listening socket(s): socket, setsockopt, bind, listen, each
 * narrated.  Raises the open-file limit to its hard limit first so thousands
 * of clients fit.  Writes "listening on ADDR:PORT (...)" to opts->log.
 * Returns NULL with the cause and a fix in `err` (port in use, privileged
 * port, an address not on this host, a name that does not resolve).  The
 * server copies `opts` but not what it points to.
 */
struct lsc_echo_server *lsc_echo_server_new(const struct lsc_echo_server_opts *opts, char *err);

/* The port the server listens on (the chosen one when opts.port was 0). */
uint16_t lsc_echo_server_port(const struct lsc_echo_server *s);

/*
 * Serves until lsc_echo_server_stop() or, with max_conns, until that many
 * clients have come and gone; then closes every connection and listener
 * (narrated).  Returns 0, or -1 with `err` when the event loop itself fails.
 * Call it once, from one thread.
 */
int lsc_echo_server_run(struct lsc_echo_server *s, char *err);

/*
 * Asks a running server to stop.  Safe from a signal handler and from any
 * thread; run() returns soon after.
 */
void lsc_echo_server_stop(struct lsc_echo_server *s);

/* Counts so far; safe after run() has returned. */
void lsc_echo_server_stats(const struct lsc_echo_server *s, struct lsc_echo_stats *st);

/* Closes whatever is still open and frees the server.  NULL is fine. */
void lsc_echo_server_free(struct lsc_echo_server *s);

/* ---- the client ------------------------------------------------------------ */

struct lsc_echo_client_opts {
	bool udp;
	const char *host;            /* a name or address; NULL: "localhost" */
	uint16_t port;               /* 0: LSC_ECHO_PORT */
	size_t chunk;                /* TCP recv() size; 0: LSC_ECHO_CHUNK (UDP reads the whole datagram) */
	int timeout_ms;              /* connect and each wait for the reply; 0: LSC_ECHO_TIMEOUT_MS */
	bool half_close;             /* TCP: shutdown(SHUT_WR) once everything is sent, then read the rest */
	FILE *log;                   /* human lines (connected, each chunk received); NULL: none */
	struct lsc_explain *explain; /* NULL: no narration */
	/*
	 * Called once the connection is made (UDP: once the socket is
	 * connected), before anything is sent; NULL: none.  demo --together
	 * waits there for the other clients, so every conversation is open at once.
	 */
	void (*connected)(void *ctx);
	void *connected_ctx;
};

struct lsc_echo_client_result {
	uint64_t sent;
	uint64_t received;
	uint64_t recvs;    /* recv() calls that returned data */
	bool intact;       /* the echo equals what was sent */
};

/*
 * One exchange, as the exercise does it: resolve, socket, connect (trying each
 * address), send `len` bytes of `msg` while reading the echo `chunk` bytes at a
 * time, close.  Returns 0 when the whole echo came back equal; -1 with the
 * cause and a fix in `err` otherwise (nothing listens, the name does not
 * resolve, a timeout, the echo differs or stops short).  `res` is filled in
 * either case.  Blocking; the caller's signals interrupt it.
 */
int lsc_echo_client_run(const struct lsc_echo_client_opts *opts, const void *msg, size_t len,
                        struct lsc_echo_client_result *res, char *err);

/* ---- load: many connections, round trips, latency -------------------------- */

struct lsc_echo_load_opts {
	const char *host;            /* NULL: "localhost" */
	uint16_t port;               /* 0: LSC_ECHO_PORT */
	uint32_t conns;              /* concurrent connections, >= 1 */
	uint64_t duration_ms;        /* how long round trips are started and counted */
	size_t size_min, size_max;   /* message size, drawn per round trip in [min, max] */
	uint64_t seed;               /* for the sizes and the bytes: the same seed, the same run */
	int timeout_ms;              /* longest wait for any progress; 0: LSC_ECHO_TIMEOUT_MS */
	struct lsc_explain *explain; /* NULL: no narration (it is one line per call) */
};

struct lsc_echo_load_result {
	uint32_t conns;         /* connections that were established */
	uint64_t round_trips;   /* completed within the duration */
	uint64_t finished_late; /* in flight at the end, completed and verified after it */
	uint64_t bytes;         /* echo bytes verified, all rounds */
	double seconds;         /* the measured duration */
	double per_second;      /* round_trips / seconds */
	uint64_t p50_ns, p99_ns, max_ns; /* round-trip latency */
	uint64_t failures;      /* connections that failed (reset, mismatch, early close, timeout) */
	uint32_t starved;       /* connections that completed no round trip */
};

struct lsc_echo_load;

/*
 * Resolves the host and connects the first connection (trying each address,
 * so a refusal gets the same clear message as the client's); raises the
 * open-file limit for `conns` connections.  NULL with `err` on failure.
 */
struct lsc_echo_load *lsc_echo_load_new(const struct lsc_echo_load_opts *opts, char *err);

/*
 * Opens the other connections and runs round trips on all of them for the
 * duration, verifying every byte of every echo; rounds in flight at the end
 * are finished and verified too.  Returns 0 when every connection completed
 * at least one round trip and nothing failed; -1 with the first failure in
 * `err` otherwise.  `res` is filled in either case.
 */
int lsc_echo_load_run(struct lsc_echo_load *l, struct lsc_echo_load_result *res, char *err);

/* Ends the run early (as if the duration were over).  Safe from a signal handler or thread. */
void lsc_echo_load_stop(struct lsc_echo_load *l);

/* Closes the connections and frees.  NULL is fine. */
void lsc_echo_load_free(struct lsc_echo_load *l);

/* ---- the server's output: it never blocks the event loop (src/echo/logq.c) ---- */

/*
 * A stream (*stream, line-buffered) whose writes never block: they go into
 * a bounded queue that a thread of its own writes to out's descriptor.  A
 * write that does not fit is dropped and counted, and a line says so once
 * room returns.  NULL when out of memory or threads.
 */
struct lsc_echo_log;
struct lsc_echo_log *lsc_echo_log_open(FILE *out, FILE **stream);
/*
 * Writes what is queued, waiting at most wait_ms for the reader, and
 * closes `stream`; returns the bytes that never reached out (dropped, or
 * left when the reader did not read in time), with *werr set to the errno
 * of a write that failed (a full disk, a closed pipe), left as it was if none.
 */
uint64_t lsc_echo_log_close(struct lsc_echo_log *q, FILE *stream, int wait_ms, int *werr);

/* ---- helpers ---------------------------------------------------------------- */

/*
 * Raises the soft open-file limit to the hard limit.  Returns the limit now
 * in force; -1 with `err` when it is below `need` (say how to raise it).
 */
long long lsc_echo_raise_nofile(uint64_t need, char *err);

#endif
