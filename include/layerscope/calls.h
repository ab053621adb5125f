/* SPDX-License-Identifier: BSD-3-Clause */
/* calls.h: the socket calls recorded beside a capture (NAME.calls), and the frames they caused. */
#ifndef LAYERSCOPE_CALLS_H
#define LAYERSCOPE_CALLS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <layerscope/frame.h>

/*
 * A .calls file is the programs' narration (`server --explain`, `client
 * --explain`, `demo -w FILE`) on the clock of the capture beside it, one
 * call a line: "TIME ROLE CALL", TIME in RFC 3339 UTC with microseconds,
 * ROLE one word ("server", "client"), CALL as the narration writes it
 * ("connect(3, 10.1.1.1:8082) = 0 from 10.1.1.5:43248"); docs/report.md.
 * This is the one reader of that format: the demo's replay, quiz, read and
 * report all load through it.
 */

#define LSC_CALL_ROLE_MAX 24
#define LSC_CALL_TEXT_MAX 320
#define LSC_CALL_NAMES    3

/* A name a call gives an end, for the timeline: its port, or its host, as `role`. */
struct lsc_call_name {
	bool host;          /* by address (ARP frames); else by port */
	uint8_t family;     /* 4 or 6, for a host */
	uint16_t port;
	uint8_t addr[16];
	char role[LSC_CALL_ROLE_MAX];
};

/* Which end of a conversation a call's socket is, once a connect() or accept() said so. */
enum lsc_call_side { LSC_SIDE_UNKNOWN = 0, LSC_SIDE_CLIENT, LSC_SIDE_SERVER };

struct lsc_call {
	int64_t ns;                   /* ns since the epoch */
	char role[LSC_CALL_ROLE_MAX]; /* "server", "client 2" (clients numbered as they start) */
	char text[LSC_CALL_TEXT_MAX]; /* "send(3, 40) = 40" */
	unsigned nnames;
	struct lsc_call_name names[LSC_CALL_NAMES];
	/* What the text says, read once (lsc_call_parse) */
	char name[16];                /* "send"; "" for a line that is not a call ("note: ...") */
	int fd;                       /* the first argument, -1 when not a number */
	long long arg;                /* the second, -1 when not a number (recv's 2048) */
	long long ret;                /* the result */
	uint16_t port;                /* a port it names: connect's own ("from"), accept's and recvfrom's
	                                 peer ("←"), bind's, sendto's destination; 0: none */
	/* Its conversation, worked out over the whole file (lsc_calls_load) */
	uint8_t side;                 /* enum lsc_call_side */
	uint16_t cport;               /* the client's port of its conversation; 0: unknown */
	uint16_t lport;               /* listen(): the port it listens on */
	/* The frames it caused (lsc_calls_observe) */
	uint64_t frame;               /* the first, 0: none seen */
	uint64_t left;                /* bytes of a send not yet seen on the wire */
	bool used;
};

struct lsc_calls {
	struct lsc_call *v;
	size_t n, cap;
};

/*
 * Reads one line of a .calls file into *c (role as written: one word).
 * false when the line is not "TIME ROLE CALL".
 */
bool lsc_call_parse(const char *line, struct lsc_call *c);

/*
 * Loads the file at `path`: every call, in time order, clients numbered
 * ("client 1", "client 2": each getaddrinfo() starts the next, as the
 * exercise's client makes one call of it), the names the timeline learns
 * from them, and each call's conversation.  NULL with the cause in `err`
 * (LSC_ERRBUF_SIZE bytes).
 */
struct lsc_calls *lsc_calls_load(const char *path, char *err);
void lsc_calls_free(struct lsc_calls *cs);

/*
 * Appends one call as it happens (the live demo's narration; time order,
 * roles as "client 2"): its text read, its conversation worked out.
 * -1 when out of memory.
 */
int lsc_calls_add(struct lsc_calls *cs, const struct lsc_call *c);

/*
 * Finds the recorded call that caused the tracked frame `f` (the sender's
 * connect(), send(), close()... on that conversation's socket, stamped
 * before the frame), and marks the frame's socket call observed
 * (f->flow.call_source = LSC_CALL_OBSERVED; close() or shutdown() as
 * recorded).  Frames in capture order; a frame no call explains keeps
 * its inferred call.  As a pipeline's observe hook: `ctx` is the calls.
 */
void lsc_calls_observe(void *ctx, struct lsc_frame *f);

/* Writes one call as a .calls line; `role` keeps its first word ("client 2" → "client"). */
void lsc_calls_write(FILE *out, int64_t ns, const char *role, const char *text);

/*
 * The .calls file beside a capture: PATH.calls, else NAME.calls for
 * NAME.pcap (any suffix); a malloc'd path, NULL when there is none.
 */
char *lsc_calls_beside(const char *path);

#endif
