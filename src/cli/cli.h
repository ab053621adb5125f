/* SPDX-License-Identifier: BSD-3-Clause */
/* cli.h: what the subcommands share: the command table, exit codes, error printing. */
#ifndef LAYERSCOPE_CLI_H
#define LAYERSCOPE_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

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

/* "layerscope CMD: message" on stderr; returns `status` so callers can `return lsc_fail(...)`. */
int lsc_fail(int status, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A usage error: the message, then "try 'layerscope CMD --help'"; returns LSC_EXIT_USAGE. */
int lsc_usage_error(const struct lsc_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints "usage: layerscope CMD SYNOPSIS" and the option lines in `help`. */
void lsc_print_usage(FILE *out, const struct lsc_cmd *cmd, const char *help);

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
 * Writes frames from a source through a renderer until the end, `count`
 * frames (0: all), or a closed output.  Shared by read and live.
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
	bool offline;    /* reading a file: rendering (or, with -f none, tracking) may run on a thread of its own */
	unsigned threads; /* 1: every stage on one thread, 2: render on a second, 0: by the CPUs */
	/* Called after decode (and track), before render: live's process owners. */
	void (*annotate)(struct lsc_frame *f, void *ctx);
	void *annotate_ctx;
};
int lsc_pipeline_run(struct lsc_source *src, const struct lsc_pipeline_opts *o);

/*
 * The stages before render, for one frame: read it, decode it, let
 * `annotate` add to it (may be NULL), track it in `t` (NULL: no tracking).
 * 1 with *f filled; 0 at the end of the input; -1 with err filled.  The
 * pipeline and `report` both read their frames through it.
 */
/*
 * The teaching options of read, live and demo: --explain[=WHEN] (first,
 * all or none; alone: first) and --width N.  Their getopt codes are
 * LSC_OPT_EXPLAIN and LSC_OPT_WIDTH, past any character.
 */
#include <layerscope/teach.h>
#define LSC_OPT_EXPLAIN 1001
#define LSC_OPT_WIDTH   1002
#define LSC_TEACH_OPTIONS \
	{ "explain", optional_argument, NULL, LSC_OPT_EXPLAIN }, \
	{ "width", required_argument, NULL, LSC_OPT_WIDTH }
#define LSC_TEACH_HELP \
	"      --explain[=WHEN] say why, in plain words, beside the frames: first (each\n" \
	"                       situation the first time; the default on a terminal), all,\n" \
	"                       or none (the default otherwise)\n" \
	"      --width N        fit N columns (default: the terminal's; no limit for a pipe)\n"
struct lsc_teach_opts {
	bool explain_given;
	enum lsc_explain_mode explain;
	unsigned width;  /* 0: not given */
};
/* 1 when `opt` is not a teaching option; else 0, or a usage error's status. */
int lsc_teach_option(const struct lsc_cmd *cmd, int opt, const char *arg, struct lsc_teach_opts *t);
/*
 * The explainer (NULL when explanations are off) and the width for output
 * to `out`: a terminal's TIOCGWINSZ, else COLUMNS, else 80; 0 for a pipe
 * or a file unless --width says.  -1 when out of memory.
 */
int lsc_teach_resolve(const struct lsc_teach_opts *t, FILE *out, struct lsc_render_opts *ro);
/* The columns of the terminal `out` is, as above; 0 when it is not one. */
unsigned lsc_term_width(FILE *out);

struct lsc_flow_tracker;
int lsc_stages_next(struct lsc_source *src, struct lsc_frame *f, struct lsc_flow_tracker *t,
                    void (*annotate)(struct lsc_frame *f, void *ctx), void *annotate_ctx, char *err);

#endif
