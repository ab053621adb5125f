/* SPDX-License-Identifier: BSD-3-Clause */
/* step.c: --step: what a command shows, one step at a time, a key between steps; the terminal always restored. */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

struct lsc_step {
	FILE *term;          /* where steps are shown */
	FILE *ms;            /* what the command writes: kept whole, so a step can be shown again */
	char *buf;
	size_t len;
	size_t shown;        /* bytes of buf on the terminal */
	size_t *start;       /* step i is buf[start[i], start[i + 1]), the last to `shown` */
	size_t nsteps, cap;
	bool quit;
	bool explain;        /* what `e` switches, */
	void (*on_explain)(void *ctx, bool on); /* and whom it tells */
	void *on_explain_ctx;
};

/* The terminal as it was, for the signal handlers: one stepping at a time. */
static struct termios saved;
static volatile sig_atomic_t raw;

static void restore(void)
{
	if (raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		raw = 0;
	}
}

/* Restores the terminal, then lets the signal end the process as it would have. */
static void on_signal(int sig)
{
	restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

struct lsc_step *lsc_step_open(FILE *term, char *err)
{
	if (!isatty(STDIN_FILENO)) {
		snprintf(err, LSC_ERRBUF_SIZE, "%s", _("--step reads keys from the terminal, and standard input is not one: "
		                                     "run it in a terminal without '<' or a pipe into it, or drop --step"));
		return NULL;
	}
	struct lsc_step *s = calloc(1, sizeof *s);
	if (s == NULL || (s->ms = open_memstream(&s->buf, &s->len)) == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, "%s", _("out of memory for --step"));
		free(s);
		return NULL;
	}
	s->term = term;
	s->explain = true;
	struct termios t;
	if (tcgetattr(STDIN_FILENO, &saved) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("--step: reading the terminal's mode: %s"), strerror(errno));
		lsc_step_close(s);
		return NULL;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		sigaction(signals[i], &sa, NULL);
	t = saved;
	/* Each key at once, not echoed; Ctrl-C still interrupts, Ctrl-Z is off (it would stop us in raw mode). */
	t.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	t.c_cc[VSUSP] = _POSIX_VDISABLE;
	raw = 1;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) != 0) {
		raw = 0;
		snprintf(err, LSC_ERRBUF_SIZE, _("--step: setting the terminal's mode: %s"), strerror(errno));
		lsc_step_close(s);
		return NULL;
	}
	return s;
}

FILE *lsc_step_stream(struct lsc_step *s)
{
	return s->ms;
}

void lsc_step_on_explain(struct lsc_step *s, bool on, void (*fn)(void *ctx, bool on), void *ctx)
{
	s->explain = on;
	s->on_explain = fn;
	s->on_explain_ctx = ctx;
}

static void show(struct lsc_step *s, size_t from, size_t to)
{
	fwrite(s->buf + from, 1, to - from, s->term);
	fflush(s->term);
}

/* The key line, on stderr when it is the terminal: erased once a key is read, so the output stays clean. */
static void prompt(const struct lsc_step *s, size_t at)
{
	if (!isatty(STDERR_FILENO))
		return;
	fputs("\033[7m", stderr);
	fprintf(stderr,
	        s->on_explain == NULL ? _(" step %zu of %zu   Enter/space: next   b: back   q: quit ")
	        : s->explain ? _(" step %zu of %zu   Enter/space: next   b: back   e: explanations on   q: quit ")
	                     : _(" step %zu of %zu   Enter/space: next   b: back   e: explanations off   q: quit "),
	        at + 1, s->nsteps);
	fputs("\033[m", stderr);
	fflush(stderr);
}

static void unprompt(void)
{
	if (isatty(STDERR_FILENO)) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}

/* A key from standard input; 'q' at its end or on an error. */
static int key(void)
{
	unsigned char c;
	ssize_t n;
	while ((n = read(STDIN_FILENO, &c, 1)) < 0 && errno == EINTR)
		;
	return n == 1 ? c : 'q';
}

enum lsc_pipeline_verdict lsc_step_wait(void *ctx)
{
	struct lsc_step *s = ctx;
	if (s->quit)
		return LSC_PIPELINE_STOP;
	fflush(s->ms);
	if (s->len == s->shown)
		return LSC_PIPELINE_GO; /* nothing new: no step to wait on */
	if (s->nsteps == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		size_t *v = realloc(s->start, cap * sizeof *v);
		if (v == NULL) {
			s->quit = true; /* cannot keep the steps: stop rather than lose them */
			return LSC_PIPELINE_STOP;
		}
		s->start = v;
		s->cap = cap;
	}
	s->start[s->nsteps++] = s->shown;
	show(s, s->shown, s->len);
	s->shown = s->len;
	size_t at = s->nsteps - 1; /* the step on screen */
	for (;;) {
		prompt(s, at);
		int c = key();
		unprompt();
		switch (c) {
		case '\r':
		case '\n':
		case ' ':
			if (at + 1 == s->nsteps)
				return LSC_PIPELINE_GO;
			at++;
			show(s, s->start[at], at + 1 < s->nsteps ? s->start[at + 1] : s->shown);
			break;
		case 'b':
			if (at > 0) {
				at--;
				show(s, s->start[at], s->start[at + 1]);
			}
			break;
		case 'e':
			s->explain = !s->explain;
			if (s->on_explain != NULL)
				s->on_explain(s->on_explain_ctx, s->explain);
			break;
		case 'q':
		case 3:  /* Ctrl-C, where the terminal does not make it a signal */
		case 4:  /* Ctrl-D: the end of input */
			s->quit = true;
			return LSC_PIPELINE_STOP;
		default:
			break;
		}
	}
}

enum lsc_pipeline_verdict lsc_step_frame(void *s, const struct lsc_frame *f)
{
	(void)f;
	return lsc_step_wait(s);
}

void lsc_step_finish(struct lsc_step *s)
{
	fflush(s->ms);
	if (!s->quit && s->len > s->shown)
		show(s, s->shown, s->len);
	s->shown = s->len;
}

void lsc_step_close(struct lsc_step *s)
{
	restore();
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		signal(signals[i], SIG_DFL);
	if (s == NULL)
		return;
	if (s->ms != NULL)
		fclose(s->ms);
	free(s->buf);
	free(s->start);
	free(s);
}
