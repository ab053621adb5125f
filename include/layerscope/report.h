/* SPDX-License-Identifier: BSD-3-Clause */
/* report.h: annotated reports of a whole capture, as one HTML page, Markdown or JSON. */
#ifndef LAYERSCOPE_REPORT_H
#define LAYERSCOPE_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include <layerscope/frame.h>
#include <layerscope/api.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A report is a renderer over decoded and tracked frames, like the read
 * formats: it never parses bytes.  It keeps summaries of every frame (the
 * protocol mix per TCP/IP layer, the conversations) and writes detail (a
 * section per frame, the arrows of the ladder diagrams) for the first
 * `max_frames` frames only, so memory stays bounded on any capture: frame
 * sections stream to a temporary file while the capture is read, and the
 * document is assembled at the end, summaries first (docs/report.md).
 */

enum lsc_report_format {
	LSC_REPORT_HTML = 0, /* one self-contained page: inline CSS and SVG, no scripts */
	LSC_REPORT_MD,       /* Markdown with Mermaid and text ladders */
	LSC_REPORT_JSON,     /* one JSON document; frames as `read -f json` writes them */
	LSC_REPORT_NFORMATS
};

#define LSC_REPORT_DEFAULT_FRAMES 1000

/* The format called `name` ("html", "md", "json"), or -1. */
LSC_API int lsc_report_format_find(const char *name);
/* The format a file name's suffix asks for (.html .htm .md .markdown .json), or -1. */
LSC_API int lsc_report_format_for_path(const char *path);
/* "html, md, json" and ".html, .htm, .md, .markdown, .json", for messages. */
LSC_API const char *lsc_report_format_names(void);
LSC_API const char *lsc_report_suffixes(void);

struct lsc_report_opts {
	unsigned format;        /* enum lsc_report_format */
	uint64_t max_frames;    /* frames shown in detail (0: none, summaries only) */
	const char *source;     /* the capture's name as the report shows it */
	const char *filter;     /* the filter expression, or NULL */
	const char *version;    /* the generator's version, or NULL */
	struct lsc_explainer *explain; /* "Why" beside the frames (teach.h), or NULL; the caller's */
	struct lsc_calls *calls; /* the socket calls recorded with the capture (calls.h), or NULL; the
	                            caller's, observed into the frames before lsc_report_frame() */
	bool handout;           /* HTML: a lesson of one or two pages, not the whole reference */
	bool utc;               /* HTML and Markdown times in UTC, not local time; JSON is always UTC */
};

struct lsc_report;
struct lsc_flow_tracker;

/*
 * Starts a report over the frames tracked by `t` (the report lists its
 * conversations, evicted ones included, so it must exist before the first
 * frame is tracked).  Opens the temporary file for the frame sections, in
 * $TMPDIR or /tmp, unlinked at once.  Returns NULL with the cause and the
 * fix in errbuf (LSC_ERRBUF_SIZE bytes).
 */
LSC_API struct lsc_report *lsc_report_new(const struct lsc_report_opts *o, struct lsc_flow_tracker *t,
                                  char *errbuf);

/* Adds one decoded and tracked frame, in capture order. */
LSC_API void lsc_report_frame(struct lsc_report *r, const struct lsc_frame *f);

/* How many frames the source read, filtered ones included (the summary says "12 of 26 read"). */
LSC_API void lsc_report_frames_read(struct lsc_report *r, uint64_t n);

/*
 * Writes the whole document to `out`.  Returns 0, or -1 with the cause in
 * errbuf (a failed write of the temporary file, out of memory).  Call once.
 */
LSC_API int lsc_report_write(struct lsc_report *r, FILE *out, char *errbuf);

/* Frees the report and removes its temporary file; NULL is fine. */
LSC_API void lsc_report_free(struct lsc_report *r);

#ifdef __cplusplus
}
#endif

/* The well-known service of a port ("http", "domain"), or NULL.  A small fixed table (quizzes ask it too). */
LSC_API const char *lsc_report_service(unsigned ipproto, uint16_t port);

#endif
