/* SPDX-License-Identifier: BSD-3-Clause */
/* cli.h: what the subcommands share: the command table, exit codes, error printing. */
#ifndef LAYERSCOPE_CLI_H
#define LAYERSCOPE_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <layerscope/pipeline.h>
#include <layerscope/render.h>

#include "../lib/i18n.h"

/* Exit status: DESIGN.md's contract with scripts. */
#define LSC_EXIT_OK      0
#define LSC_EXIT_FAILURE 1
#define LSC_EXIT_USAGE   2

struct lsc_cmd {
	const char *name;
	const char *synopsis; /* the arguments, as in the usage line */
	const char *summary;  /* one line for `layerscope --help` */
	int (*run)(int argc, char **argv);
};

/* Every subcommand, for main.c and the help text. */
extern const struct lsc_cmd lsc_cmd_read;
/* @live */
extern const struct lsc_cmd lsc_cmd_live;
/* @report */
extern const struct lsc_cmd lsc_cmd_report;
/* @server */
extern const struct lsc_cmd lsc_cmd_server;
/* @client */
extern const struct lsc_cmd lsc_cmd_client;
/* SIGINT and SIGTERM call `fn`; no SA_RESTART, so a blocked call returns EINTR and sees the stop. */
void lsc_catch_stop(void (*fn)(int sig));
/* @craft */
extern const struct lsc_cmd lsc_cmd_craft;
/* @demo */
extern const struct lsc_cmd lsc_cmd_demo;
/* @quiz */
extern const struct lsc_cmd lsc_cmd_quiz;

/* "layerscope CMD: message" on stderr; returns `status` so callers can `return lsc_fail(...)`. */
int lsc_fail(int status, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A usage error: the message, then "try 'layerscope CMD --help'"; returns LSC_EXIT_USAGE. */
int lsc_usage_error(const struct lsc_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints "usage: layerscope CMD SYNOPSIS" and the option lines in `help`. */
void lsc_print_usage(FILE *out, const struct lsc_cmd *cmd, const char *const *help);

/* The default format: the tree for a person at a terminal, lines for a pipe. */
const struct lsc_renderer *lsc_default_renderer(FILE *out);

/*
 * -f NAME for a command that takes every format but those in `refused`
 * (NULL-terminated): 0 with *out set, else a usage error listing the
 * formats it takes, with `why` when NAME is a refused one.
 */
int lsc_pick_renderer(const struct lsc_cmd *cmd, const char *name, const char *const *refused,
                      const char *why, const struct lsc_renderer **out);

/*
 * getopt_long() returned '?' (main() turns its own messages off): the
 * usage error that says which option is unknown, or needs a value.
 * `shorts` and `longs` are what getopt_long() was given.
 */
struct option;
int lsc_option_error(const struct lsc_cmd *cmd, char **argv, const char *shorts, const struct option *longs);

/*
 * After getopt_long() stopped at the filter (argv[optind] on): options go
 * before the filter, as in tcpdump, so a word there that is one of this
 * command's options (`udp port 53 -c 1`) is a usage error that says to move
 * it; words after '--' are the filter's whatever they are.  0 or the status.
 */
int lsc_filter_check(const struct lsc_cmd *cmd, int argc, char **argv, const char *shorts,
                     const struct option *longs);

/* Parses "auto", "always", "never" into *out; -1 when none of them. */
int lsc_parse_color(const char *s, enum lsc_color *out);
/* Resolves a colour choice for `fp`: NO_COLOR and isatty decide "auto". */
bool lsc_color_enabled(enum lsc_color c, FILE *fp);

/* Parses a decimal unsigned integer within [min, max]; -1 when it is not one. */
int lsc_parse_u64(const char *s, unsigned long long min, unsigned long long max,
                  unsigned long long *out);
/* -c N of read and live: 0, or the status of the usage error it reported. */
int lsc_parse_count(const struct lsc_cmd *cmd, const char *arg, unsigned long long *out);

/*
 * After a command's last write to `out`: `status` when everything was
 * written; LSC_EXIT_OK when the reader closed the pipe (`| head`: it has
 * what it wanted); else says why on stderr and returns LSC_EXIT_FAILURE.
 */
int lsc_output_done(FILE *out, const char *cmd, int status);

/*
 * After a failed write to `out`: whether its reader closed the pipe or
 * socket (`| head`), which is the reader saying "enough", not an error.
 */
bool lsc_output_gone(FILE *out);

/*
 * --step (step.c): one step shown at a time, then a key: Enter or space
 * the next, `b` back (a step shown before, as it was shown), `e`
 * explanations on or off, `q` quit.  Standard input is put in raw mode
 * and restored on every way out: lsc_step_close(), q, end of input, and
 * SIGINT, SIGTERM, SIGHUP or SIGQUIT (restored, then the signal's own end).
 */
struct lsc_step;
/*
 * Starts stepping, the steps shown on `term` (the command's stdout).  NULL
 * with the cause and its fix in `err` when standard input is not a
 * terminal (a usage error) or its mode cannot be set.
 */
struct lsc_step *lsc_step_open(FILE *term, char *err);
/* Where the command writes what it shows: kept, and shown a step at a time. */
FILE *lsc_step_stream(struct lsc_step *s);
/* Ends a step: shows what was written since the last, then waits for a key; LSC_PIPELINE_STOP on q. */
enum lsc_pipeline_verdict lsc_step_wait(void *s);
/* The same as a pipeline step hook, after each frame. */
enum lsc_pipeline_verdict lsc_step_frame(void *s, const struct lsc_frame *f);
/* `e` switches the explanations of `e` on and off (lsc_teach_set_on); NULL: no such key. */
struct lsc_explainer;
void lsc_step_explains(struct lsc_step *s, struct lsc_explainer *e);
/* Shows what is left to show (not after q: quit shows nothing more). */
void lsc_step_finish(struct lsc_step *s);
/* Restores the terminal and frees; NULL is fine. */
void lsc_step_close(struct lsc_step *s);

/* Parses --speed FACTOR: 0 (as fast as possible) to 1000; the usage error's status, or 0. */
int lsc_parse_speed(const struct lsc_cmd *cmd, const char *arg, double *out);

/*
 * Writes frames from a source through a renderer until the end, `count`
 * frames (0: all), a closed output, or q at --step; then the conversation
 * table (`stats`).  Shared by read and live: the library's read loop
 * (layerscope/pipeline.h) with the command's messages.
 */
struct lsc_source;
struct lsc_pipeline_opts {
	const struct lsc_renderer *renderer;
	struct lsc_render_opts ropts;
	unsigned long long count;
	bool track;      /* run the track stage */
	bool stats;      /* print the conversation table after the frames (needs track) */
	uint32_t max_flows; /* the tracker's cap, 0: LSC_FLOW_DEFAULT_MAX */
	FILE *out;
	const char *cmd; /* for messages */
	bool flush_each; /* live to a terminal or pipe: each frame shows as it arrives */
	double speed;    /* --speed: 0 as fast as possible, 1 the capture's own timing */
	struct lsc_step *step; /* --step, or NULL */
	/* Called after decode, before track and render: live's process owners. */
	void (*annotate)(void *ctx, struct lsc_frame *f);
	void *annotate_ctx;
	/* Called after track: the socket calls recorded beside the capture (read). */
	void (*observe)(void *ctx, struct lsc_frame *f);
	void *observe_ctx;
};
int lsc_show_frames(struct lsc_source *src, const struct lsc_pipeline_opts *o);

/*
 * tcpdump's output options, the same in read and live: -n (accepted:
 * layerscope never looks names up), -t (each one more: the next time
 * format, as tcpdump counts them), -e (the link header on the line), -q
 * (a shorter line), -l and -U (each frame written as soon as it is shown).
 * Returns true when `opt` was one of them.
 */
#define LSC_TCPDUMP_SHORTS "ntelqU"
bool lsc_tcpdump_option(int opt, struct lsc_pipeline_opts *po);
/* Whether -w PATH writes pcapng: --pcapng asked, or the name ends in ".pcapng". */
bool lsc_write_pcapng(const char *path, bool asked);
/* After the options: -t past -ttttt is a usage error (exit 2), 0 otherwise. */
int lsc_tcpdump_check(const struct lsc_cmd *cmd, const struct lsc_pipeline_opts *po);

/*
 * The teaching options of read, live and demo: --explain[=WHEN] (first,
 * all or none; alone: first) and --width N.  Their getopt codes are
 * LSC_OPT_EXPLAIN and LSC_OPT_WIDTH, past any character.
 */
#include <layerscope/teach.h>
#define LSC_OPT_EXPLAIN 1001
#define LSC_OPT_WIDTH   1002
/*
 * --utc, of every command that shows times to a person (read, live, demo,
 * server, client, report): their clock (src/lib/clock.h) in UTC rather than
 * local time.  Each option table lists { "utc", no_argument, NULL,
 * LSC_OPT_UTC }; lsc_teach_option() takes it for read, live and demo.
 */
#define LSC_OPT_UTC     1003
#define LSC_TEACH_OPTIONS \
	{ "explain", optional_argument, NULL, LSC_OPT_EXPLAIN }, \
	{ "width", required_argument, NULL, LSC_OPT_WIDTH }
#define LSC_TEACH_HELP \
	N_("      --explain[=WHEN] say why, in plain words, beside the frames: first (each\n" \
	   "                       situation the first time; the default on a terminal),\n" \
	   "                       all, or none (the default otherwise)\n" \
	   "      --width N        fit N columns (default: the terminal's; no limit for a\n" \
	   "                       pipe)\n" \
	   "      --utc            times in UTC (default: local time; JSON is always UTC)\n")
struct lsc_teach_opts {
	bool explain_given;
	enum lsc_explain_mode explain;
	unsigned width;  /* 0: not given */
	bool utc;        /* --utc */
};
/* 1 when `opt` is not a teaching option (nor --utc); else 0, or a usage error's status. */
int lsc_teach_option(const struct lsc_cmd *cmd, int opt, const char *arg, struct lsc_teach_opts *t);
/*
 * The explainer (NULL when explanations are off), the clock (--utc) and the
 * width for output to `out`: a terminal's TIOCGWINSZ, else COLUMNS, else
 * 80; 0 for a pipe or a file unless --width says.  -1 when out of memory.
 */
int lsc_teach_resolve(const struct lsc_teach_opts *t, FILE *out, struct lsc_render_opts *ro);
/* The columns of the terminal `out` is, as above; 0 when it is not one. */
unsigned lsc_term_width(FILE *out);
/*
 * The width of prose for a person (help, the quiz): the terminal's, at
 * most 80 columns, and 80 for a pipe or a file, where the reader's window
 * is unknown; a wider line is hard to read anyway.
 */
#define LSC_PROSE_WIDTH 80
unsigned lsc_prose_width(FILE *out);
/*
 * Writes `text` to `out` broken at spaces into lines of at most `width`
 * columns (characters, not bytes): `lead` (may be "") starts the first line
 * after `indent` spaces, and the following lines start under the text, past
 * the lead.  The teaching formats' folding (src/render/teach.c).
 */
void lsc_print_folded(FILE *out, unsigned indent, const char *lead, const char *text, unsigned width);

/*
 * The socket calls recorded beside a capture (calls.h), for read, report
 * and quiz: CAPTURE.calls or NAME.calls when there is one, --calls FILE to
 * name it, --no-calls to ignore it.  Getopt codes past any character.
 */
#define LSC_OPT_CALLS    1004
#define LSC_OPT_NO_CALLS 1005
#define LSC_CALLS_OPTIONS \
	{ "calls", required_argument, NULL, LSC_OPT_CALLS }, \
	{ "no-calls", no_argument, NULL, LSC_OPT_NO_CALLS }
#define LSC_CALLS_HELP \
	N_("      --calls FILE     the socket calls recorded with the capture (default:\n" \
	   "                       CAPTURE.calls, or NAME.calls beside NAME.pcap)\n" \
	   "      --no-calls       ignore such a file\n")
struct lsc_calls;
struct lsc_calls_opts {
	const char *file; /* --calls, or NULL */
	bool none;        /* --no-calls */
};
/* 1 when `opt` is not one of these; else 0. */
int lsc_calls_option(int opt, const char *arg, struct lsc_calls_opts *c);
/*
 * After the options: the calls of `capture` (NULL: none, or '-'), in
 * *out.  LSC_EXIT_OK, a usage error (both options), or a failure already
 * printed (a file that cannot be read).
 */
int lsc_calls_resolve(const struct lsc_cmd *cmd, const struct lsc_calls_opts *c, const char *capture,
                      struct lsc_calls **out);

#endif
