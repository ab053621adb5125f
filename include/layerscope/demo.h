/* SPDX-License-Identifier: BSD-3-Clause */
/* demo.h: `layerscope demo`: the echo exercise, its socket calls and the frames they cause, on one timeline. */
#ifndef LAYERSCOPE_DEMO_H
#define LAYERSCOPE_DEMO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <layerscope/pipeline.h>

struct lsc_frame;

/* ---- the timeline (src/render/timeline.c) ---------------------------------- */

/*
 * Socket calls and frames, one after the other, on one clock: each line
 * starts with the local time (UTC when asked) "HH:MM:SS.uuuuuu" (microseconds for both, the
 * precision the narration has), then who acts.  A call is one line:
 *
 *     11:03:06.152850  client 1   connect(3, 127.0.0.1:8082) = 0 from 127.0.0.1:40678
 *
 * a frame two: who sent it to whom, the segment and what it is in its
 * conversation; then its layers, each with its own addresses:
 *
 *     11:03:06.152901    frame 1  client 1 → server  [S] seq=0 · syn · handshake 1/3 · connect()
 *                                 ETH 00:00:00:00:00:00 → 00:00:00:00:00:00 › IPv4 127.0.0.1 → ...
 *
 * Ends are named by port (a client's connected socket, the server's
 * listening port) or by host address (for ARP); an end without a name is
 * "client"/"server" from the conversation, or its address.
 */
struct lsc_timeline;

/*
 * A timeline writing to `out` (the caller's), ANSI-coloured when `color`,
 * its clock in UTC when `utc`, else local time.  NULL when out of memory.
 */
struct lsc_timeline *lsc_timeline_new(FILE *out, bool color, bool utc);
void lsc_timeline_free(struct lsc_timeline *tl);
/*
 * Explanations under the frames and calls (NULL: none), wrapped to `width`
 * columns (0: no limit).  The explainer is told the calls are observed.
 */
struct lsc_explainer;
void lsc_timeline_teach(struct lsc_timeline *tl, struct lsc_explainer *e, unsigned width);
/*
 * With explanations on: two or three lines saying what the demo will show
 * (the clients one after another, or all at once when `together`), and a
 * legend of the colours.
 */
void lsc_timeline_intro(struct lsc_timeline *tl, unsigned clients, bool udp, bool together, unsigned port);

/* Names the TCP/UDP end on `port` (any address) as `role` in frame lines. */
void lsc_timeline_name_port(struct lsc_timeline *tl, uint16_t port, const char *role);

/* Names the host at `addr` (4 or 16 bytes, `family` 4 or 6) as `role`, for frames without ports. */
void lsc_timeline_name_host(struct lsc_timeline *tl, unsigned family, const uint8_t *addr,
                            const char *role);

/* One socket call: `text` is lsc_explain_call_text()'s, stamped sec.nsec on CLOCK_REALTIME. */
void lsc_timeline_call(struct lsc_timeline *tl, int64_t sec, uint32_t nsec, const char *role,
                       const char *text);

/* A recorded call (calls.h): the names it gives first, then the call. */
struct lsc_call;
void lsc_timeline_show_call(struct lsc_timeline *tl, const struct lsc_call *c);

/* One frame, decoded and (when has_flow) tracked. */
void lsc_timeline_frame(struct lsc_timeline *tl, const struct lsc_frame *f);

/* ---- the demo (src/demo/) --------------------------------------------------- */

#define LSC_DEMO_CLIENTS     3   /* the exercise's three clients */
#define LSC_DEMO_MAX_CLIENTS 64
#define LSC_DEMO_MESSAGE     "Hello from the layerscope echo exercise!"

struct lsc_demo_opts {
	bool hosts;            /* two network namespaces and a veth pair, not lo */
	bool udp;              /* datagrams instead of a TCP stream */
	bool replay;           /* replay the bundled capture instead of capturing */
	bool together;         /* the clients connect all at once, not one after another */
	bool verbose;          /* the privileges, namespaces and capture as they are set up, not at the end */
	bool utc;              /* the timeline's clock in UTC, not local time */
	unsigned clients;      /* 0: LSC_DEMO_CLIENTS */
	const char *message;   /* NULL: LSC_DEMO_MESSAGE */
	const char *write;     /* the capture file; NULL: a new temporary file */
	const char *captures;  /* the bundled captures' folder; NULL: found (lsc_demo_captures_dir) */
	FILE *out;             /* the timeline, the ladders and the table */
	FILE *log;             /* what the demo does and why (stderr) */
	bool color;
	double speed;          /* replay: the capture's pace times this (lsc_pace); 0 at once */
	/* --step: called where a step ends (before a call that follows a frame); NULL: no steps */
	enum lsc_pipeline_verdict (*step)(void *ctx);
	void *step_ctx;
	struct lsc_explainer *explain; /* explanations on the timeline (teach.h), or NULL; the caller's */
	unsigned width;        /* columns to fit; 0: no limit */
};

/*
 * Runs the exercise and shows it: starts the server and the capture, runs
 * the clients one after another, prints every socket call and every frame
 * in time order, then each conversation's ladder and the conversation
 * table.  As root it captures for real, then drops to nobody before any
 * frame is decoded; without root it does the same inside a new user and
 * network namespace when the system allows one, else (and with `replay`)
 * it shows the bundled capture of the same exchange and says why on `log`.
 * Returns 0, or -1 with the cause and a fix in `err` (LSC_ERRBUF_SIZE bytes).
 */
int lsc_demo_run(const struct lsc_demo_opts *o, char *err);

/*
 * A handler for SIGINT and SIGTERM (async-signal-safe): the exercise stops
 * within a tick, the capture file is closed whole, lsc_demo_run() says on
 * `log` where it is and returns 0; lsc_demo_stopped_by() then gives the
 * signal (0 when none came), for the exit status 128 + sig.
 */
void lsc_demo_stop(int sig);
int lsc_demo_stopped_by(void);

/*
 * The folder of the bundled captures: $LAYERSCOPE_CAPTURES, else
 * captures/ beside the running binary (a build tree), else the installed
 * one.  Returns a static string; the first of them that holds
 * exercise.pcap, or the installed one when none does.
 */
const char *lsc_demo_captures_dir(void);

#endif
