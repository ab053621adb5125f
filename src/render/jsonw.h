/* SPDX-License-Identifier: BSD-3-Clause */
/* jsonw.h: a streaming JSON writer onto a FILE, shared by the json renderer and reports. */
#ifndef LAYERSCOPE_JSONW_H
#define LAYERSCOPE_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <layerscope/render.h>

#define LSC_JSON_MAX_DEPTH 32

#define LSC_JSON_BUF 8192

/*
 * Tracks nesting so commas land where they belong: callers say key, value,
 * open, close and the writer adds the punctuation.  Nesting deeper than
 * LSC_JSON_MAX_DEPTH is a programming error and writes null instead.
 *
 * Text gathers in `buf` and goes to `out` in one write when a top-level
 * value ends (lsc_json_newline(), or the close of the outermost container),
 * when the buffer fills, or on lsc_json_flush(): one stdio call a frame
 * instead of one a token.
 */
struct lsc_json {
	FILE *out;
	int depth;
	bool first[LSC_JSON_MAX_DEPTH];
	bool after_key;
	size_t len;
	char buf[LSC_JSON_BUF];
};

void lsc_json_init(struct lsc_json *j, FILE *out);
void lsc_json_key(struct lsc_json *j, const char *key);
void lsc_json_open(struct lsc_json *j, char bracket);  /* '{' or '[' */
void lsc_json_close(struct lsc_json *j, char bracket); /* '}' or ']' */
void lsc_json_u64(struct lsc_json *j, uint64_t v);
void lsc_json_i64(struct lsc_json *j, int64_t v);
/* A fixed-point number: v / 10^digits, written with exactly `digits` decimals. */
void lsc_json_fixed(struct lsc_json *j, int64_t v, unsigned digits);
void lsc_json_bool(struct lsc_json *j, bool v);
void lsc_json_null(struct lsc_json *j);
void lsc_json_str(struct lsc_json *j, const char *s);
void lsc_json_strn(struct lsc_json *j, const char *s, size_t n);
/* Ends a top-level value with a newline (NDJSON) and hands it to the FILE. */
void lsc_json_newline(struct lsc_json *j);
/* Hands what is buffered to the FILE (not fflush: the FILE keeps its own buffer). */
void lsc_json_flush(struct lsc_json *j);

/* A sink that writes fields into `j` (the sink's ctx). */
void lsc_json_sink(struct lsc_sink *s, struct lsc_json *j);

/* Writes the frame's time as RFC 3339 UTC with `digits` decimals into buf (>= 40 bytes). */
void lsc_format_rfc3339(char *buf, size_t cap, int64_t sec, uint32_t nsec, unsigned digits);

#endif
