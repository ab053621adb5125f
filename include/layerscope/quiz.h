/* SPDX-License-Identifier: BSD-3-Clause */
/* quiz.h: questions about a capture, drawn from its decoded and tracked frames, each with the frame that proves its answer. */
#ifndef LAYERSCOPE_QUIZ_H
#define LAYERSCOPE_QUIZ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <layerscope/frame.h>

#define LSC_QUIZ_TEXT   480  /* a question or an explanation, in bytes */
#define LSC_QUIZ_ANSWER 96
#define LSC_QUIZ_PATH   40
#define LSC_QUIZ_VALUE  64
#define LSC_QUIZ_WORDS  6
#define LSC_QUIZ_DEFAULT_COUNT 8
#define LSC_QUIZ_DEFAULT_SEED  1

/* How a reply is judged (lsc_quiz_check). */
enum lsc_quiz_match {
	LSC_QUIZ_NUMBER,     /* the reply holds one number, this one: "5", "frame 5", "quadro 5" */
	LSC_QUIZ_WORD,       /* the reply holds one of `words` and none of `wrong` */
	LSC_QUIZ_FRAME_SIDE  /* one number, this one, and the sending side's word (client / server) */
};

/*
 * One question.  The evidence is a frame and the `read -f json` key path of
 * the field that proves the answer (`layers[tcp].sport`, `flow.event`), with
 * the value that field holds there, as JSON text.
 */
struct lsc_quiz_q {
	const char *kind;                  /* "handshake-complete", ...: lsc_quiz_kind_name() */
	char question[LSC_QUIZ_TEXT];
	char answer[LSC_QUIZ_ANSWER];      /* the answer as a person reads it */
	char explanation[LSC_QUIZ_TEXT];
	uint64_t frame;                    /* the evidence */
	char path[LSC_QUIZ_PATH];
	char value[LSC_QUIZ_VALUE];        /* JSON text: 43248, "syn-ack" */
	uint8_t match;                     /* enum lsc_quiz_match */
	uint64_t number;                   /* NUMBER, FRAME_SIDE */
	const char *words[LSC_QUIZ_WORDS]; /* WORD: accepted; FRAME_SIDE: the side's words */
	const char *wrong[LSC_QUIZ_WORDS]; /* words that make a reply wrong (the other layers, the other side) */
};

struct lsc_quiz;

/* A quiz with nothing seen yet; NULL when out of memory. */
struct lsc_quiz *lsc_quiz_new(void);
void lsc_quiz_free(struct lsc_quiz *q);

/*
 * Takes what the questions need from one decoded and tracked frame (frames
 * in capture order).  Memory stays bounded: the first LSC_QUIZ_MAX_CONVS
 * conversations are kept, the rest only counted.
 */
#define LSC_QUIZ_MAX_CONVS 64
void lsc_quiz_frame(struct lsc_quiz *q, const struct lsc_frame *f);

/*
 * Takes one call of a .calls file (calls.h, as lsc_calls_load() read it):
 * the server's accept() and recv() let a question ask what recv()
 * returned.  Other calls are ignored.
 */
struct lsc_call;
void lsc_quiz_call(struct lsc_quiz *q, const struct lsc_call *call);

/*
 * Draws at most `n` questions into `out` (room for `n`), repeatably for a
 * given `seed`: one of each kind the capture holds before a second of any,
 * in the course's order (docs/lessons/).  `translate`: text in the user's
 * language (_()), else English, as machine output wants.  Returns how many;
 * 0 when the capture has nothing to ask about, and then lsc_quiz_empty_why()
 * says why.
 */
size_t lsc_quiz_draw(struct lsc_quiz *q, size_t n, uint64_t seed, bool translate, struct lsc_quiz_q *out);

/* Why nothing can be asked (English; the caller translates with _()). */
const char *lsc_quiz_empty_why(const struct lsc_quiz *q);

/* Whether a person's reply is right: reasonable forms pass ("5", "frame 5", "Frame 5."). */
bool lsc_quiz_check(const struct lsc_quiz_q *qq, const char *reply);

/* The kinds, in course order: names for -f json's "kind" and for tests. */
const char *lsc_quiz_kind_name(unsigned kind);
unsigned lsc_quiz_kind_count(void);

#endif
