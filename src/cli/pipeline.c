/* SPDX-License-Identifier: BSD-3-Clause */
/* pipeline.c: read and live: source → decode → track → render; reading a file with tracking, rendering runs on a second core. */
#include <config.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <layerscope/decode.h>
#include <layerscope/flow.h>
#include <layerscope/source.h>

#include "cli.h"
#include "ways.h"
#include "../lib/lines.h"

/* The track stage and the table --stats prints; both NULL when tracking is off. */
struct pipeline_track {
	struct lsc_flow_tracker *flows;
	struct lsc_stats *stats;
};

static int track_begin(struct pipeline_track *pt, const struct lsc_pipeline_opts *o)
{
	pt->flows = NULL;
	pt->stats = NULL;
	if (!o->track)
		return 0;
	pt->flows = lsc_flow_new(o->max_flows);
	if (pt->flows == NULL)
		return -1;
	if (o->stats && (pt->stats = lsc_stats_new(pt->flows, 0)) == NULL)
		return -1;
	if (pt->stats != NULL)
		lsc_stats_teach(pt->stats, o->ropts.explain, o->ropts.width);
	return 0;
}

static void track_end(struct pipeline_track *pt)
{
	lsc_stats_free(pt->stats);
	lsc_flow_free(pt->flows);
}

int lsc_stages_next(struct lsc_source *src, struct lsc_frame *f, struct lsc_flow_tracker *t,
                    void (*annotate)(struct lsc_frame *f, void *ctx), void *annotate_ctx, char *err)
{
	int rc = lsc_source_next(src, f, err);
	if (rc <= 0)
		return rc;
	lsc_decode_frame(f);
	if (annotate != NULL)
		annotate(f, annotate_ctx);
	if (t != NULL)
		lsc_flow_track(t, f);
	return 1;
}

/* The render stage: the format's state and the frames it showed. */
struct show {
	const struct lsc_pipeline_opts *o;
	void *st;
	unsigned long long shown;
};

/* Renders one frame; false once the output failed: nothing more is worth reading. */
static bool show_frame(struct show *sh, const struct lsc_frame *f)
{
	sh->o->renderer->frame(sh->st, f);
	sh->shown++;
	if (sh->o->flush_each)
		fflush(sh->o->out);
	return !ferror(sh->o->out);
}

/* A frame at a time, every stage on this thread.  0, or -1 with `err` from the source. */
static int run_frames(struct lsc_source *src, struct lsc_flow_tracker *t, struct show *sh, char *err)
{
	static struct lsc_frame frame; /* large; one per process, reused */
	const struct lsc_pipeline_opts *o = sh->o;
	int rc;
	while ((o->count == 0 || sh->shown < o->count) &&
	       (rc = lsc_stages_next(src, &frame, t, o->annotate, o->annotate_ctx, err)) != 0) {
		if (rc < 0)
			return -1;
		if (!show_frame(sh, &frame))
			break;
	}
	return 0;
}

/* ---- rendering on its own thread ------------------------------------------------
 *
 * Tracking costs about two thirds of what decoding and rendering a frame cost
 * (make bench-flow).  Reading a file, a second core takes the rendering
 * over: this thread reads, decodes and tracks the frames of a batch, the
 * renderer shows them, round a ring of batches, in capture order.  Only
 * this thread touches the conversation table, and only the renderer the
 * output while it runs (but for -f none, below).
 *
 * A frame crosses as little as it can: its bytes, what the source said of
 * them and what tracking added (the annotation and its notes), a few cache
 * lines.  The renderer decodes the bytes again into a frame of its own.
 * A decoded frame is some fifteen lines, which the other core must take
 * over line by line, and this thread take back to decode the next frame
 * there: that cost more than a second decode (docs/architecture.md has the
 * figures).
 *
 * Where the format shows nothing (-f none), the second thread tracks
 * instead, and only it touches the table while it runs: this thread reads
 * and decodes, and the frames cross decoded, one way.  Rendering there
 * would leave it only the second decode.
 *
 * Two threads are faster only when each has a core of its own: not when
 * both share one CPU (2.7 times slower than one thread, kept two, in the
 * first design), nor beside other work that takes a CPU from either now and
 * then.  So the reader measures
 * how fast it goes each way and keeps the faster: now and then it stops the
 * renderer and renders a few thousand frames itself.
 */
#define BATCH_FRAMES 64
/* 2048 frames, some 0.35 ms of -f line: a thread that loses its CPU for less
 * (the VM's other work) holds the other up no longer.  With 4, interleaved
 * rounds of make bench-flow gave medians of 0.86-0.88 of the untracked rate;
 * with 32, 0.90-0.91; with 128, 0.89.  Where frames cross decoded (-f none),
 * a batch holds 400 KB of them: 4 batches there. */
#define RING_BATCHES 32
#define RING_BATCHES_DECODED 4
#define BATCH_BYTES (128u * 1024) /* 64 full Ethernet frames; a longer frame gets a batch of its own */
#define YIELD_NS 1000000          /* a thread waiting for the other yields up to this long, then sleeps; */
#define SLOW_BATCHES_NS 40000     /* but when the other takes longer than this a batch, it naps at once */
#define NAP_NS 50000              /* this long at a time, */
#define NAPS 40                   /* this many times, then sleeps */
#ifdef LSC_PIPELINE_STRESS
/* Tests: switch ways every few batches, so that the hand-over between the threads is
 * exercised hundreds of times a file (CI's ThreadSanitizer build). */
#define WINDOW 1
#define FIRST_RUN 2
#define RUN 3
#define BACKOFF 0                 /* nor less often */
#else
#define WINDOW 64                 /* batches a measurement covers: up to 4096 frames, about a millisecond */
#define FIRST_RUN 8               /* windows on two threads before the first trial of one */
#define RUN 128                   /* windows one way before a trial of the other, */
#define BACKOFF 3                 /* times 2^(trials lost in a row), up to this many */
#endif
#define TRIAL 4                   /* windows of a trial; the first of any run is not counted */

/* B_READY: read and decoded (and tracked, unless the second thread tracks), for it; B_FREE: for the reader. */
enum { B_FREE, B_READY };

/* What follows a batch's frames. */
enum batch_end { B_MORE = 0, B_INPUT_END, B_SOURCE_FAILED /* ring.err says why */ };

/* What lsc_source_next() fills first: a frame read, its bytes not yet copied nor decoded. */
#define SOURCE_PART offsetof(struct lsc_frame, nlayers)
_Static_assert(offsetof(struct lsc_frame, data) < SOURCE_PART, "the source's part holds the bytes' address");

/* A frame on its way to the renderer: what it needs besides a decode of the bytes. */
struct crossing {
	unsigned char source[SOURCE_PART]; /* its `data` in the batch's bytes */
	bool has_flow;
	uint8_t nnotes;                    /* the notes tracking added, from the batch's notes[note0] */
	uint16_t note0;
	struct lsc_flow_ann flow;
};

/*
 * The waiting thread spins on `state` (and the ring's `quit`) while the
 * other writes the fields after it: a cache line of padding keeps them
 * apart, so that the spinning does not take the line away at every write.
 */
struct batch {
	atomic_int state;
	char apart[LSC_CACHE_LINE];
	unsigned n;          /* frames read into it */
	enum batch_end end;
	int64_t work_ns;     /* the reader's time on it, its waits left out */
	int64_t show_ns;     /* the renderer's */
	uint8_t *bytes;      /* the frames' bytes, copied: the source keeps each only until its next read */
	size_t cap, used;
	struct crossing c[BATCH_FRAMES];
	struct lsc_frame *f; /* BATCH_FRAMES frames decoded here, when the second thread tracks */
	unsigned nnotes;
	char notes[BATCH_FRAMES * LSC_MAX_NOTES][LSC_NOTE_LEN]; /* its pages are touched only when used */
};

/* The renderer reads the first line, to the padding, and the lines of `b`; this thread alone the rest, every frame. */
struct ring {
	struct batch **b;         /* nb of them, on lines of their own */
	unsigned nb;
	struct show *sh;
	struct lsc_frame *shown;  /* the renderer's frame: decoded again, shown */
	bool track_there;         /* the second thread tracks (the format shows nothing), not renders */
	atomic_bool quit;         /* the renderer is to show the batches ready, then end */
	atomic_bool out_failed;   /* the renderer's output failed: nothing more is worth reading */
	atomic_int sleepers;
	char apart[LSC_CACHE_LINE];
	struct lsc_flow_tracker *t;
	unsigned long long count; /* -c, or 0 */
	struct lsc_frame *mine[2]; /* this thread's frames: read, decoded and tracked here, */
	struct lsc_flow_peek peek[2]; /* each peeked a frame before it is tracked, */
	unsigned decoded[2];      /* with this many notes from the decoder; */
	unsigned cur;             /* mine[cur] takes the next frame read */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool threaded;            /* the renderer runs */
	bool placed;              /* it starts off this thread's CPU, and after its first batch */
	cpu_set_t cpus;           /* may run on any of these again */
	int64_t passed_ns, waited_ns; /* when the last batch went to the renderer; waits for it since */
	int64_t show_pace_ns;     /* the renderer's time a batch, averaged over the last few */
	bool started;             /* the first batch was read */
	unsigned first;           /* the batch the renderer starts at */
	/* Which way is faster: this thread's time a frame, over windows of WINDOW batches. */
	int64_t win_start;
	unsigned long long win_frames;
	unsigned win_batches;
	struct lsc_ways ways;
	unsigned filled;          /* batches read */
	unsigned long long read;  /* frames taken from the source */
	bool carry;               /* `carried` holds a frame read after its batch's bytes were full */
	unsigned char carried[SOURCE_PART];
	char err[LSC_ERRBUF_SIZE];
};

_Static_assert(offsetof(struct ring, apart) <= LSC_CACHE_LINE, "what the renderer reads fits a line");

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void wake_all(struct ring *r)
{
	pthread_mutex_lock(&r->mu);
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

static void publish(struct ring *r, struct batch *b, int state)
{
	atomic_store(&b->state, state);
	/* Read after the store (both sequentially consistent): a thread that
	 * counted itself a sleeper either sees the new state or gets the signal. */
	if (atomic_load(&r->sleepers) > 0)
		wake_all(r);
}

/* Whether `b` reached `state`: 1, or -1 when told to quit, else 0. */
static int reached(struct ring *r, struct batch *b, int state)
{
	if (atomic_load(&b->state) == state)
		return 1;
	if (!atomic_load(&r->quit))
		return 0;
	/* Asked again: the batch may have been published between the two loads,
	 * and `quit` is stored after the last publish, so this one is final. */
	return atomic_load(&b->state) == state ? 1 : -1;
}

/* Sleeps until `b` reaches `state`, woken by publish(). */
static int sleep_until(struct ring *r, struct batch *b, int state)
{
	pthread_mutex_lock(&r->mu);
	atomic_fetch_add(&r->sleepers, 1);
	while (reached(r, b, state) == 0)
		pthread_cond_wait(&r->cv, &r->mu);
	atomic_fetch_sub(&r->sleepers, 1);
	pthread_mutex_unlock(&r->mu);
	return reached(r, b, state);
}

/*
 * Until `b` reaches `state`: 1, or -1 on quit.  The other thread is rarely
 * far when it takes less than SLOW_BATCHES_NS a batch: this one yields the
 * CPU until it is, which leaves the CPU to the other thread when the two
 * share one and returns at once when they do not; after YIELD_NS it sleeps
 * (a wake-up costs the waker more than a batch of -f line takes).  When the
 * other is slow it naps at once rather than take a CPU for nothing (yielding
 * cost 0.8 s of system time a 1M-frame -f tree), and a nap costs the other
 * no wake-up; after NAPS naps it sleeps.
 */
static int wait_for(struct ring *r, struct batch *b, int state, int64_t other_pace_ns)
{
	bool slow = other_pace_ns > SLOW_BATCHES_NS;
	int got;
	int64_t start = now_ns();
	while ((got = reached(r, b, state)) == 0 && !slow && now_ns() - start < YIELD_NS)
		sched_yield();
	for (unsigned i = 0; got == 0 && slow && i < NAPS; i++) {
		struct timespec nap = { 0, NAP_NS };
		nanosleep(&nap, NULL);
		got = reached(r, b, state);
	}
	return got != 0 ? got : sleep_until(r, b, state);
}

/* The reader, before it fills `b` again: until the renderer has shown it. */
static void reader_wait(struct ring *r, struct batch *b)
{
	if (atomic_load(&b->state) != B_FREE) {
		int64_t t = now_ns();
		wait_for(r, b, B_FREE, r->show_pace_ns); /* only this thread stores quit */
		r->waited_ns += now_ns() - t;
	}
	r->show_pace_ns += (b->show_ns - r->show_pace_ns) / 8;
}

/* Shows a batch's frames, each decoded again with what tracking added; false once the output failed. */
static bool show_batch(struct ring *r, const struct batch *b)
{
	struct lsc_frame *f = r->shown;
	for (unsigned i = 0; i < b->n; i++) {
		const struct crossing *c = &b->c[i];
		memcpy(f, c->source, SOURCE_PART);
		lsc_decode_frame(f);
		for (unsigned k = 0; k < c->nnotes && f->nnotes < LSC_MAX_NOTES; k++)
			memcpy(f->notes[f->nnotes++], b->notes[c->note0 + k], LSC_NOTE_LEN);
		f->has_flow = c->has_flow;
		f->flow = c->flow;
		if (!show_frame(r->sh, f))
			return false;
	}
	return true;
}

/* Tracks a batch of decoded frames, each once the next is peeked. */
static void track_batch(struct lsc_flow_tracker *t, struct lsc_frame *f, unsigned n)
{
	struct lsc_flow_peek pk[2];
	if (n > 0)
		lsc_flow_peek(t, &f[0], &pk[0]);
	for (unsigned i = 0; i < n; i++) {
		if (i + 1 < n)
			lsc_flow_peek(t, &f[i + 1], &pk[(i + 1) & 1]);
		lsc_flow_track_peeked(t, &f[i], &pk[i & 1]);
	}
}

/* The second thread's half of a batch: its frames shown, or, when the format shows nothing, tracked. */
static bool second_half(struct ring *r, struct batch *b)
{
	if (!r->track_there)
		return show_batch(r, b);
	track_batch(r->t, b->f, b->n);
	for (unsigned i = 0; i < b->n; i++)
		if (!show_frame(r->sh, &b->f[i]))
			return false;
	return true;
}

static void *renderer_main(void *arg)
{
	struct ring *r = arg;
	/* The reader's pace, averaged over the last batches or so: a batch that
	 * took it long by chance makes no nap. */
	int64_t pace_ns = 0;
	bool placed = r->placed; /* until its first batch is shown */
	bool ok = true;
	for (unsigned k = r->first;; k = (k + 1) % r->nb) {
		struct batch *b = r->b[k];
		if (wait_for(r, b, B_READY, pace_ns) < 0)
			return NULL;
		pace_ns += (b->work_ns - pace_ns) / 8;
		int64_t t = now_ns();
		/* After a failure it only hands batches back, until the reader stops it. */
		if (ok && !second_half(r, b)) {
			ok = false;
			atomic_store(&r->out_failed, true); /* before the batch goes back: the reader then sees it */
		}
		b->show_ns = now_ns() - t;
		if (placed) {
			placed = false;
			pthread_setaffinity_np(pthread_self(), sizeof r->cpus, &r->cpus);
		}
		enum batch_end end = b->end; /* read first: once published, the batch is the other thread's */
		publish(r, b, B_FREE);
		if (end != B_MORE)
			return NULL;
	}
}

/* Stops the renderer; it first shows every batch ready, so that each batch read is shown once, in order. */
static void renderer_stop(struct ring *r)
{
	if (!r->threaded)
		return;
	atomic_store(&r->quit, true);
	wake_all(r);
	pthread_join(r->thread, NULL);
	r->threaded = false;
}

/*
 * The renderer starts on a CPU other than this thread's, and may go
 * anywhere once it has shown its first batch.  Left to the scheduler, the
 * second thread often came to share this thread's CPU at the start: woken
 * from its first wait, a thread is put near its waker.  The two then took
 * turns on one CPU until the load balancer parted them, milliseconds later:
 * in 4 to 8 runs of 10 the first 30,000 frames went at the pace of one
 * thread or slower, which misled measure().  Placed, 26 of 26 started at
 * full pace (both measured with the tracker as the second thread, in the
 * first design).  Kept off this CPU for good, it was worse beside a CPU hog
 * there: it had to share the hog's CPU (10 µs a frame).
 */
static void start_off_this_cpu(struct ring *r, pthread_attr_t *attr)
{
	int here = sched_getcpu();
	r->placed = false;
	if (here < 0 || sched_getaffinity(0, sizeof r->cpus, &r->cpus) != 0 || CPU_COUNT(&r->cpus) < 2 ||
	    !CPU_ISSET(here, &r->cpus))
		return;
	cpu_set_t others = r->cpus;
	CPU_CLR(here, &others);
	r->placed = pthread_attr_setaffinity_np(attr, sizeof others, &others) == 0;
}

/* Starts the renderer at batch `k`: every batch before it is shown. */
static void renderer_start(struct ring *r, unsigned k)
{
	atomic_store(&r->quit, false);
	r->first = k;
	/* The reader's pace counts from here: from an older pass it would say the
	 * reader is slow, and the new renderer would nap for a hundred batches. */
	r->passed_ns = now_ns();
	r->waited_ns = 0;
	r->show_pace_ns = 0;
	pthread_attr_t attr;
	if (pthread_attr_init(&attr) != 0) {
		r->threaded = false;
		return;
	}
	start_off_this_cpu(r, &attr);
	r->threaded = pthread_create(&r->thread, &attr, renderer_main, r) == 0;
	pthread_attr_destroy(&attr);
	if (!r->threaded && r->placed) {
		/* The other CPUs went away since (taskset -p, hot-unplug): start it anywhere. */
		r->placed = false;
		r->threaded = pthread_create(&r->thread, NULL, renderer_main, r) == 0;
	}
}

static void ring_free(struct ring *r)
{
	if (r == NULL)
		return;
	renderer_stop(r);
	for (unsigned k = 0; r->b != NULL && k < r->nb; k++) {
		if (r->b[k] != NULL) {
			free(r->b[k]->bytes);
			free(r->b[k]->f);
		}
		free(r->b[k]);
	}
	free(r->b);
	free(r->mine[0]);
	free(r->mine[1]);
	free(r->shown);
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	free(r);
}

/* NULL when out of memory: the caller then runs every stage on its own thread. */
static struct ring *ring_new(struct lsc_flow_tracker *t, struct show *sh, bool track_there)
{
	struct ring *r = lsc_calloc_lines(sizeof *r);
	if (r == NULL)
		return NULL;
	r->t = t;
	r->sh = sh;
	r->count = sh->o->count;
	r->track_there = track_there;
	r->nb = track_there ? RING_BATCHES_DECODED : RING_BATCHES;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	/* Zeroed, as the single-thread pipeline's static frame starts. */
	if ((r->mine[0] = calloc(1, sizeof *r->mine[0])) == NULL ||
	    (r->mine[1] = calloc(1, sizeof *r->mine[1])) == NULL || (r->shown = calloc(1, sizeof *r->shown)) == NULL ||
	    (r->b = lsc_calloc_lines(r->nb * sizeof *r->b)) == NULL) {
		ring_free(r);
		return NULL;
	}
	for (unsigned k = 0; k < r->nb; k++) {
		if ((r->b[k] = calloc(1, sizeof *r->b[k])) == NULL ||
		    (r->b[k]->bytes = malloc(BATCH_BYTES)) == NULL ||
		    (track_there && (r->b[k]->f = calloc(BATCH_FRAMES, sizeof *r->b[k]->f)) == NULL)) {
			ring_free(r);
			return NULL;
		}
		r->b[k]->cap = BATCH_BYTES;
	}
	return r;
}

/* Room for `n` more bytes; a batch holding no frame yet (`held`) grows for a long one. */
static bool batch_room(struct batch *b, size_t n, unsigned held)
{
	if (b->cap - b->used >= n)
		return true;
	if (held > 0)
		return false;
	uint8_t *p = realloc(b->bytes, n);
	if (p == NULL)
		return false;
	b->bytes = p;
	b->cap = n;
	return true;
}

/*
 * Tracks mine[j], peeked a frame ago, and writes what the renderer needs
 * besides a decode of its bytes.
 */
static void cross(struct ring *r, struct batch *b, unsigned j)
{
	struct lsc_frame *f = r->mine[j];
	lsc_flow_track_peeked(r->t, f, &r->peek[j]);
	struct crossing *c = &b->c[b->n++];
	memcpy(c->source, f, SOURCE_PART);
	c->has_flow = f->has_flow;
	c->flow = f->flow;
	/* Valid only while the table is at this frame, and it moves on before the frame is shown. */
	c->flow.conv = NULL;
	c->nnotes = (uint8_t)(f->nnotes - r->decoded[j]); /* the decoder's own come again with the second decode */
	c->note0 = (uint16_t)b->nnotes;
	for (unsigned k = r->decoded[j]; k < f->nnotes; k++)
		memcpy(b->notes[b->nnotes++], f->notes[k], LSC_NOTE_LEN);
}

/*
 * Reads, decodes and tracks up to a batch of frames, as many as -c leaves:
 * shown at once `here`, else kept for the renderer, their bytes copied
 * (the source keeps them only until its next read).  For the renderer,
 * each frame is tracked only once the next is read and peeked: its
 * conversation's lines are then in cache, where its lookup had waited for
 * them a frame at a time (make bench-flow: about 10 ns a frame).  False
 * once the output failed.
 */
static bool batch_fill(struct ring *r, struct batch *b, struct lsc_source *src, bool here)
{
	unsigned long long count = r->count;
	bool pending = false; /* mine[!cur] waits to be tracked */
	b->n = 0;
	b->used = 0;
	b->nnotes = 0;
	b->end = B_MORE;
	for (;;) {
		/* Decoded into the batch when the second thread tracks, else here. */
		struct lsc_frame *f = r->track_there && !here ? &b->f[b->n] : r->mine[r->cur];
		if (r->carry) {
			/* Read last batch; its bytes are still the source's: nothing was read since. */
			r->carry = false;
			memcpy(f, r->carried, SOURCE_PART);
			f->has_owner = false; /* as the source left it: no owner lookup runs here */
		} else {
			if (b->n + pending == BATCH_FRAMES)
				break;
			if (count != 0 && r->read == count) {
				b->end = B_INPUT_END;
				break;
			}
			int rc = lsc_source_next(src, f, r->err);
			if (rc <= 0) {
				b->end = rc == 0 ? B_INPUT_END : B_SOURCE_FAILED;
				break;
			}
			r->read++;
		}
		/* Not shown here, the decode serves the track stage alone: the renderer decodes
		 * the bytes again, in full, or, with -f none, shows nothing of any frame. */
		f->track_only = !here;
		if (here) {
			b->n++;
			lsc_decode_frame(f);
			lsc_flow_track(r->t, f);
			if (!show_frame(r->sh, f))
				return false;
			continue;
		}
		if (!batch_room(b, f->caplen, b->n + pending)) {
			if (b->n + pending == 0) {
				snprintf(r->err, sizeof r->err, "out of memory for the %u bytes of frame %llu", f->caplen,
				         (unsigned long long)f->number);
				b->end = B_SOURCE_FAILED;
			} else {
				memcpy(r->carried, f, SOURCE_PART);
				r->carry = true;
			}
			break;
		}
		/* Decoded where the source's read just left the bytes, then copied: this
		 * thread writes the copy's lines and reads none of them. */
		lsc_decode_frame(f);
		memcpy(b->bytes + b->used, f->data, f->caplen);
		f->data = b->bytes + b->used; /* the decode kept offsets, never addresses */
		b->used += f->caplen;
		if (r->track_there) {
			b->n++;
			continue;
		}
		r->decoded[r->cur] = f->nnotes;
		lsc_flow_peek(r->t, f, &r->peek[r->cur]);
		if (pending)
			cross(r, b, !r->cur);
		pending = true;
		r->cur = !r->cur;
	}
	if (pending)
		cross(r, b, !r->cur);
	/* Said now, so that -c 64 starts no thread; not while a frame read waits to be taken. */
	if (b->end == B_MORE && count != 0 && r->read == count && !r->carry)
		b->end = B_INPUT_END;
	return true;
}

/*
 * A batch read: to the renderer, or shown already.  The renderer starts
 * after the first batch (a short input is not worth a thread), at the next:
 * every batch before its first is shown.
 */
static void batch_pass(struct ring *r, struct batch *b, unsigned k)
{
	if (!r->started) {
		r->started = true;
		if (b->end == B_MORE)
			renderer_start(r, (k + 1) % r->nb);
		static const struct lsc_ways_lengths len = { FIRST_RUN, RUN, BACKOFF, TRIAL };
		lsc_ways_init(&r->ways, &len);
		r->win_start = now_ns();
	} else if (r->threaded) {
		/* Its own pace, not the time between batches: that grows when the reader
		 * waits for a napping renderer, which would then nap all the more. */
		int64_t t = now_ns();
		b->work_ns = t - r->passed_ns - r->waited_ns;
		r->passed_ns = t;
		r->waited_ns = 0;
		publish(r, b, B_READY);
	}
}

/* After each batch read: this thread's time a frame, a window at a time, to choose the faster way (ways.c). */
static void measure(struct ring *r, unsigned frames)
{
	r->win_frames += frames;
	if (++r->win_batches < WINDOW || r->win_frames == 0)
		return;
	int64_t t = now_ns(), per = (t - r->win_start) / (int64_t)r->win_frames;
	r->win_start = t;
	r->win_frames = 0;
	r->win_batches = 0;
	lsc_ways_window(&r->ways, per);
	/* Asked at every window, not only when the way changes: a renderer that could not start is tried again. */
	if (!r->ways.two)
		renderer_stop(r);
	else if (!r->threaded)
		renderer_start(r, r->filled % r->nb);
}

/* Read, decode and track here, render on the other thread.  0, or -1 with `err` from the source. */
static int run_batches(struct lsc_source *src, struct ring *r, char *err)
{
	for (;;) {
		unsigned k = r->filled % r->nb;
		struct batch *b = r->b[k];
		if (r->threaded)
			reader_wait(r, b);
		if (atomic_load(&r->out_failed) || !batch_fill(r, b, src, !r->threaded))
			return 0;
		unsigned n = b->n;
		enum batch_end end = b->end; /* read first: once passed on, the batch is the renderer's */
		r->filled++;
		batch_pass(r, b, k);
		if (end == B_SOURCE_FAILED) {
			renderer_stop(r); /* the frames before the error are shown first */
			if (atomic_load(&r->out_failed))
				return 0;
			snprintf(err, LSC_ERRBUF_SIZE, "%s", r->err);
			return -1;
		}
		if (end != B_MORE)
			return 0; /* at the end, a new way would have nothing left to go */
		measure(r, n);
	}
}

/*
 * Whether rendering gets a thread of its own, to carry the cost of
 * tracking: for a file (a live capture shows each frame as it comes), with
 * tracking on, a renderer that does not read the conversation itself (the
 * table is frames ahead of it), and a second CPU, unless LAYERSCOPE_THREADS
 * says.
 */
static bool render_thread_wanted(const struct lsc_pipeline_opts *o)
{
	if (!o->track || !o->offline || o->flush_each || o->annotate != NULL || o->renderer->reads_conv)
		return false;
	if (o->threads != 0)
		return o->threads > 1;
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0)
		return CPU_COUNT(&set) > 1;
	return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

/* ---- the whole pipeline ---------------------------------------------------------- */

int lsc_pipeline_run(struct lsc_source *src, const struct lsc_pipeline_opts *o)
{
	char err[LSC_ERRBUF_SIZE];
	struct pipeline_track pt;
	if (track_begin(&pt, o) != 0) {
		track_end(&pt);
		return lsc_fail(LSC_EXIT_FAILURE, o->cmd, "out of memory for the conversation table "
		                "(try a smaller --max-flows)");
	}
	struct show sh = { o, o->renderer->begin(o->out, &o->ropts), 0 };
	if (sh.st == NULL) {
		track_end(&pt);
		return lsc_fail(LSC_EXIT_FAILURE, o->cmd, "out of memory starting the %s output",
		                o->renderer->name);
	}
	struct ring *r = render_thread_wanted(o) ? ring_new(pt.flows, &sh, o->renderer->shows_nothing) : NULL;
	/* One thread at a time writes the output, handed over by the ring: spare
	 * stdio the lock it takes on every call once a second thread runs. */
	if (r != NULL)
		__fsetlocking(o->out, FSETLOCKING_BYCALLER);
	int rc = r != NULL ? run_batches(src, r, err) : run_frames(src, pt.flows, &sh, err);
	if (r != NULL) {
		ring_free(r); /* the renderer joined: the output is this thread's again */
		__fsetlocking(o->out, FSETLOCKING_INTERNAL);
	}
	if (rc < 0) {
		o->renderer->end(sh.st);
		fflush(o->out);
		track_end(&pt);
		return lsc_fail(LSC_EXIT_FAILURE, o->cmd, "%s (the frames before it were shown)", err);
	}
	int status = LSC_EXIT_OK;
	if (o->renderer->end(sh.st) != 0)
		status = LSC_EXIT_FAILURE;
	if (pt.stats != NULL && !ferror(o->out)) {
		if (!o->renderer->shows_nothing) /* the table after frames shown: a blank line between */
			fputc('\n', o->out);
		if (lsc_stats_write(pt.stats, o->out) != 0)
			status = lsc_fail(LSC_EXIT_FAILURE, o->cmd, "out of memory sorting the conversation table");
	}
	track_end(&pt);
	return lsc_output_done(o->out, o->cmd, status);
}
