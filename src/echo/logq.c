/* SPDX-License-Identifier: BSD-3-Clause */
/* logq.c: the server's output as a stream that never blocks: a bounded queue, written to the real descriptor by a thread of its own. */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <layerscope/echo.h>

#include "../lib/i18n.h"

/*
 * A server whose log goes to a pipe nobody reads (`server | sleep 25`) must
 * go on echoing: every write to the stream lands in a queue of LOGQ_CAP
 * bytes and returns at once; a writer thread hands the queue to the
 * descriptor, blocking there if it must.  A write that does not fit is
 * dropped whole and counted; once room returns, one line says how much was
 * lost.  The event loop never waits, and signals reach it as ever.
 */
#define LOGQ_CAP   (256 * 1024)
#define LOGQ_CHUNK 4096 /* at most PIPE_BUF a write: a pipe takes it whole or not at all */

struct lsc_echo_log {
	pthread_mutex_t mu;
	pthread_cond_t more, drained;
	char *buf;
	size_t head, len;       /* the queued bytes: buf[head..], round the ring */
	uint64_t dropped, drops; /* bytes and writes dropped since the last note */
	uint64_t lost;          /* every byte dropped or unwritten, for the end */
	bool quit, writing, broken;
	int werr;               /* errno of the write that failed; 0 while none has */
	int fd;
	pthread_t th;
};

static void put_locked(struct lsc_echo_log *q, const char *p, size_t n)
{
	size_t tail = (q->head + q->len) % LOGQ_CAP;
	size_t first = n < LOGQ_CAP - tail ? n : LOGQ_CAP - tail;
	memcpy(q->buf + tail, p, first);
	memcpy(q->buf, p + first, n - first);
	q->len += n;
}

static ssize_t logq_write(void *cookie, const char *p, size_t n)
{
	struct lsc_echo_log *q = cookie;
	pthread_mutex_lock(&q->mu);
	if (q->dropped > 0) {
		char note[160];
		int k = snprintf(note, sizeof note, _("[log: %llu bytes in %llu writes dropped: the output "
		                 "was not being read]\n"), (unsigned long long)q->dropped,
		                 (unsigned long long)q->drops);
		if (k > 0 && q->len + (size_t)k + n <= LOGQ_CAP) {
			put_locked(q, note, (size_t)k);
			q->dropped = q->drops = 0;
		}
	}
	if (q->broken || q->dropped > 0 || q->len + n > LOGQ_CAP) {
		q->dropped += n;
		q->drops++;
		q->lost += n;
	} else {
		put_locked(q, p, n);
		pthread_cond_signal(&q->more);
	}
	pthread_mutex_unlock(&q->mu);
	return (ssize_t)n; /* taken, written or not: the caller's stream stays usable */
}

static void *writer(void *arg)
{
	struct lsc_echo_log *q = arg;
	char chunk[LOGQ_CHUNK];
	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->len == 0 && !q->quit)
			pthread_cond_wait(&q->more, &q->mu);
		if (q->len == 0)
			break;
		size_t n = q->len < sizeof chunk ? q->len : sizeof chunk;
		size_t first = n < LOGQ_CAP - q->head ? n : LOGQ_CAP - q->head;
		memcpy(chunk, q->buf + q->head, first);
		memcpy(chunk + first, q->buf, n - first);
		q->writing = true;
		pthread_mutex_unlock(&q->mu);
		size_t done = 0;
		bool failed = false;
		while (done < n && !failed) {
			ssize_t w = write(q->fd, chunk + done, n - done);
			if (w > 0)
				done += (size_t)w;
			else if (w < 0 && errno != EINTR)
				failed = true, q->werr = errno; /* a closed pipe, a full disk: the rest is lost, counted */
		}
		pthread_mutex_lock(&q->mu);
		q->writing = false;
		q->head = (q->head + n) % LOGQ_CAP;
		q->len -= n;
		if (failed) {
			q->broken = true;
			q->lost += n - done + q->len;
			q->head = q->len = 0;
		}
		if (q->len == 0)
			pthread_cond_broadcast(&q->drained);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct lsc_echo_log *lsc_echo_log_open(FILE *out, FILE **stream)
{
	struct lsc_echo_log *q = calloc(1, sizeof *q);
	if (q == NULL || (q->buf = malloc(LOGQ_CAP)) == NULL) {
		free(q);
		return NULL;
	}
	fflush(out);
	q->fd = fileno(out);
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->more, NULL);
	pthread_cond_init(&q->drained, NULL);
	cookie_io_functions_t io = { NULL, logq_write, NULL, NULL };
	FILE *fp = fopencookie(q, "w", io);
	/* The writer takes no signal: SIGINT and SIGTERM stay the event loop's. */
	sigset_t all, was;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &was);
	int rc = fp != NULL ? pthread_create(&q->th, NULL, writer, q) : -1;
	pthread_sigmask(SIG_SETMASK, &was, NULL);
	if (rc != 0) {
		if (fp != NULL)
			fclose(fp);
		free(q->buf);
		free(q);
		return NULL;
	}
	setvbuf(fp, NULL, _IOLBF, 0);
	*stream = fp;
	return q;
}

uint64_t lsc_echo_log_close(struct lsc_echo_log *q, FILE *stream, int wait_ms, int *werr)
{
	if (q == NULL)
		return 0;
	fflush(stream);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&q->mu);
	q->quit = true;
	pthread_cond_signal(&q->more);
	while ((q->len > 0 || q->writing) &&
	       pthread_cond_timedwait(&q->drained, &q->mu, &until) != ETIMEDOUT)
		;
	bool done = q->len == 0 && !q->writing;
	if (q->werr != 0)
		*werr = q->werr;
	uint64_t lost = q->lost + (done ? 0 : q->len);
	pthread_mutex_unlock(&q->mu);
	if (!done) {
		/* The writer is stuck in write(): leave it (and the queue it holds) to the process's exit. */
		pthread_detach(q->th);
		return lost;
	}
	pthread_join(q->th, NULL);
	fclose(stream);
	pthread_cond_destroy(&q->more);
	pthread_cond_destroy(&q->drained);
	pthread_mutex_destroy(&q->mu);
	free(q->buf);
	free(q);
	return lost;
}
