/* SPDX-License-Identifier: BSD-3-Clause */
/* demo-int.h: what the demo's files share: the time-ordered queue of frames and calls, the namespaces, the output. */
#ifndef LAYERSCOPE_DEMO_INT_H
#define LAYERSCOPE_DEMO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/i18n.h"
#include <stdio.h>

#include <layerscope/calls.h>
#include <layerscope/demo.h>
#include <layerscope/frame.h>
#include <layerscope/source.h> /* LSC_ERRBUF_SIZE */

/*
 * echo.h and flow.h both name their call enums LSC_ECHO_CALL_*, so no file may
 * include both: run.c speaks to the echo pair, show.c to the pipeline, and
 * what passes between them is plain data.
 */

#define DEMO_ROLE_MAX LSC_CALL_ROLE_MAX

/* A captured frame or a narrated socket call, waiting to be shown in time order. */
struct demo_item {
	int64_t ns;        /* CLOCK_REALTIME, nanoseconds since the epoch */
	bool frame;
	/* a frame: what the source filled in, its data pointing to a copy of the bytes */
	struct lsc_frame_source src;
	uint8_t *data;
	/* a call: its role, text and the names it gives (calls.h) */
	struct lsc_call call;
};

/*
 * The queue (queue.c), shared by the threads that capture and narrate and
 * the one that shows.  Frames keep the order they were captured in (the
 * tracker needs capture order); calls are kept sorted by their stamp, as
 * threads may hand them in a little out of order.  Memory grows with the
 * demo, which is bounded by its clients.
 */
struct demo_queue;
struct demo_queue *demo_queue_new(void);
void demo_queue_free(struct demo_queue *q);
/* Takes `it` (malloc'd, data too); -1 when out of memory (the item is freed). */
int demo_queue_push(struct demo_queue *q, struct demo_item *it);
/*
 * Moves the items stamped at or before `cutoff_ns` out, merged in time order
 * (a call before a frame of the same instant: the call causes it), into a
 * malloc'd array in *out.  Returns how many; 0 (and *out NULL) when none.
 */
size_t demo_queue_take(struct demo_queue *q, int64_t cutoff_ns, struct demo_item ***out);
void demo_item_free(struct demo_item *it);
/* A frame item copied from what lsc_source_next() filled in; NULL when out of memory. */
struct demo_item *demo_item_frame(const struct lsc_frame *f);

/*
 * The output (show.c): shows items on the timeline through the read loop
 * (layerscope/pipeline.h), keeps the ladders for the end, then prints them
 * and the conversation table.  With o->write, each call shown also goes to
 * o->write + ".calls" (calls.h), so the capture keeps its calls beside it.
 */
struct demo_show;
/* The output for the demo of `o`: its out, color, explain and width, and the .calls file of -w. */
struct demo_show *demo_show_new(const struct lsc_demo_opts *o, char *err);
/*
 * -w FILE: FILE.calls opened to write (as root, before the drop, as the
 * capture is), or NULL with the cause in err; demo_show_calls_to() hands
 * it to the output, which writes each call shown and closes it.
 */
FILE *demo_calls_open(const char *write, char *err);
void demo_show_calls_to(struct demo_show *s, FILE *calls);
/* After the demo: where the calls went, and who reads them. */
void demo_calls_said(FILE *log, const char *write);
/* With explanations on: what the demo will show, before the timeline (lsc_timeline_intro). */
void demo_show_intro(struct demo_show *s, unsigned clients, bool udp, bool together, unsigned port);
/*
 * Shows every item `more` hands out (a malloc'd array in time order, as
 * demo_queue_take() gives; 0 once no more will come): each frame decoded,
 * tracked and drawn, each call just before the frame that follows it.
 * Paced by o->speed; with o->step, a step ends before each call that
 * follows a frame.  0, or -1 with the cause in err.
 */
int demo_show_run(struct demo_show *s, const struct lsc_demo_opts *o,
                  size_t (*more)(void *ctx, struct demo_item ***items), void *more_ctx, char *err);
/* The ladders and the table; returns the frames shown, or -1 (cause in err). */
long long demo_show_finish(struct demo_show *s, char *err);
void demo_show_free(struct demo_show *s);

/* ---- namespaces (netns.c) ---------------------------------------------------- */

#define DEMO_SERVER_ADDR "10.1.1.1"
#define DEMO_CLIENT_ADDR "10.1.1.5"
#define DEMO_SERVER_IF   "veth-server"
#define DEMO_CLIENT_IF   "veth-client"

/*
 * The two hosts of --hosts: network namespaces known only by descriptor,
 * so they and their veth pair vanish with the last descriptor and thread
 * that holds them, on every exit path, SIGKILL included.
 */
struct demo_net {
	int home_fd;   /* the namespace the demo started in */
	int server_fd; /* the server's host, -1 without --hosts */
	int client_fd;
};

/*
 * Without root: a new user namespace that maps this user to itself, with a
 * new network namespace whose lo is up; the process then has every
 * capability there and none outside.  Must run while single-threaded.
 * -1 with the reason in `why` when the system does not allow it.
 */
int demo_userns_enter(char *why);

/* Brings lo of the current network namespace up (a new one starts with it down). */
int demo_lo_up(char *err);

/* Creates the two hosts and the veth pair between them, addressed, up. */
int demo_net_hosts(struct demo_net *n, char *err);

/* Moves the calling thread into namespace `fd` (setns). */
int demo_net_enter(int fd, const char *which, char *err);

/* Closes the descriptors; the namespaces go with the last thread in them. */
void demo_net_close(struct demo_net *n);

/* ---- replay (replay.c) --------------------------------------------------------- */

/*
 * Shows the bundled capture NAME.pcap of `o->captures` with the socket
 * calls recorded beside it (NAME.calls, lines "TIME ROLE CALL"), the
 * ladders and the table, after saying `why` on o->log.
 */
int demo_replay(const struct lsc_demo_opts *o, const char *why, char *err);

#endif
