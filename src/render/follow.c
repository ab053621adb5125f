/* SPDX-License-Identifier: BSD-3-Clause */
/* follow.c: read --follow N: one conversation's application bytes in order, and what B-byte recv() calls would get. */
#include <config.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <layerscope/decode.h>
#include <layerscope/flow.h>
#include <layerscope/strbuf.h>

#include "render-int.h"
#include "../lib/i18n.h"

#define FOLLOW_BUFFER (1u << 20) /* bytes a direction may hold back while waiting for a gap */
#define PREVIEW_MAX   48         /* escaped characters of a recv() result shown with --chunk */

struct follow {
	FILE *out;
	uint64_t want;          /* the conversation */
	uint32_t chunk;         /* the reader's recv() size, 0: show the bytes only */
	bool found;
	struct lsc_flow_conv c; /* as of its latest frame */
	int block;              /* direction of the block being written, -1 before the first */
	int dir;                /* direction of the bytes being delivered now */
	uint64_t delivered;     /* bytes handed out so far, both directions */
	uint64_t recvs[2];      /* recv() calls so far, per direction */
	uint32_t max_id;
	bool mid_line;          /* text mode: the last byte written was not a newline */
	unsigned esc;           /* escaping flags: LSC_ESC_UTF8 for a terminal that speaks it */
	uint8_t part[2][4];     /* text mode: a UTF-8 character a segment cut, per direction, */
	uint8_t npart[2];       /* waiting for its last bytes in the next one */
	struct lsc_reasm *rs[2];
};

static void deliver(const struct lsc_reasm_chunk *ch, void *ctx);

static void *follow_begin(FILE *out, const struct lsc_render_opts *o)
{
	struct follow *fw = calloc(1, sizeof *fw);
	if (fw == NULL)
		return NULL;
	fw->out = out;
	fw->want = o->follow;
	fw->chunk = o->chunk;
	fw->block = -1;
	fw->esc = lsc_text_utf8() ? LSC_ESC_UTF8 : 0;
	fw->rs[0] = lsc_reasm_new(FOLLOW_BUFFER, deliver, fw);
	fw->rs[1] = lsc_reasm_new(FOLLOW_BUFFER, deliver, fw);
	if (fw->rs[0] != NULL && fw->rs[1] != NULL) {
		/* Relative numbers put every stream's first byte at 1 (flow.h). */
		lsc_reasm_start(fw->rs[0], 1);
		lsc_reasm_start(fw->rs[1], 1);
	}
	if (fw->rs[0] == NULL || fw->rs[1] == NULL) {
		lsc_reasm_free(fw->rs[0]);
		lsc_reasm_free(fw->rs[1]);
		free(fw);
		return NULL;
	}
	return fw;
}

/*
 * One character of the bytes at p (n of them) as text, escaped by the rule
 * of every format (lsc_escape_char: UTF-8 kept under a UTF-8 locale); a
 * newline also ends the line when `breaks`.  Adds its columns to *col (0
 * after a line's end) and returns the bytes it took; 0 (nothing written)
 * when it would pass `max` columns (0: no limit).
 */
static size_t put_char(FILE *out, const uint8_t *p, size_t n, unsigned flags, bool breaks, size_t *col,
                       size_t max)
{
	char e[LSC_ESC_CHAR + 1];
	size_t len, took = lsc_escape_char(e, &len, p, n, flags);
	size_t cols = (unsigned char)e[0] >= 0x80 ? 1 : len; /* a character kept whole takes one column */
	if (max != 0 && *col + cols > max)
		return 0;
	fwrite(e, 1, len, out);
	*col += cols;
	if (p[0] == '\n' && breaks) {
		fputc('\n', out);
		*col = 0;
	}
	return took;
}

/* Bytes as text (put_char), "..." once past `max` columns (0: no limit).  Returns the columns written. */
static size_t put_escaped(FILE *out, const uint8_t *p, uint32_t n, unsigned flags, bool breaks, size_t max)
{
	size_t col = 0;
	for (uint32_t i = 0; i < n;) {
		size_t took = put_char(out, p + i, n - i, flags, breaks, &col, max);
		if (took == 0) {
			fputs("...", out);
			return col + 3;
		}
		i += (uint32_t)took;
	}
	return col;
}

/* The bytes of a cut character of direction d that will not be finished: escaped as they are. */
static void flush_part(struct follow *fw, int d)
{
	if (fw->npart[d] == 0)
		return;
	put_escaped(fw->out, fw->part[d], fw->npart[d], 0, true, 0);
	fw->mid_line = true; /* bytes of 0x80 and up: never a newline */
	fw->npart[d] = 0;
}

/*
 * The current direction's next bytes as text.  A UTF-8 character cut at the
 * end of a segment waits for its last bytes in the next (fw->part), so "ç"
 * sent in two segments shows as "ç", not as two escapes.
 */
static void put_stream(struct follow *fw, const uint8_t *p, uint32_t n)
{
	int d = fw->dir;
	size_t col = fw->mid_line, at = 0;
	if (fw->npart[d] > 0) {
		uint8_t head[8];
		size_t k = fw->npart[d], take = n < 4 ? n : 4;
		memcpy(head, fw->part[d], k);
		memcpy(head + k, p, take);
		if (lsc_utf8_partial(head, k + take) == k + take) { /* still not whole: keep waiting */
			memcpy(fw->part[d] + k, p, take);
			fw->npart[d] = (uint8_t)(k + take);
			return;
		}
		fw->npart[d] = 0;
		size_t i = 0;
		while (i < k)
			i += put_char(fw->out, head + i, k + take - i, fw->esc, true, &col, 0);
		at = i - k;
	}
	size_t keep = (fw->esc & LSC_ESC_UTF8) ? lsc_utf8_partial(p + at, n - at) : 0;
	for (size_t i = at; i < n - keep;)
		i += put_char(fw->out, p + i, n - keep - i, fw->esc, true, &col, 0);
	memcpy(fw->part[d], p + n - keep, keep);
	fw->npart[d] = (uint8_t)keep;
	fw->mid_line = col != 0;
}

static const char *const who[2] = { "client -> server", "server -> client" };

static void end_line(struct follow *fw)
{
	if (fw->mid_line)
		fputc('\n', fw->out);
	fw->mid_line = false;
}

/* A direction header when the talker changes. */
static void block_header(struct follow *fw)
{
	if (fw->block == fw->dir)
		return;
	if (fw->block >= 0)
		flush_part(fw, fw->block);
	end_line(fw);
	fw->block = fw->dir;
	fprintf(fw->out, "\n%s %s\n", fw->dir == 0 ? ">>" : "<<", who[fw->dir]);
	if (fw->chunk != 0)
		fprintf(fw->out, "  %-40s| recv(%" PRIu32 ") as a reader waiting in it gets them\n",
		        fw->c.ipproto == 6 ? "segments as they arrived" : "datagrams as they arrived", fw->chunk);
}

/* The arrivals column: "frame 4  seq 1..16  15 bytes". */
static void arrival(char *buf, size_t cap, uint64_t frame, bool datagram, uint32_t seq, uint32_t len,
                    bool late)
{
	if (datagram)
		snprintf(buf, cap, "frame %" PRIu64 "  %" PRIu32 " byte%s", frame, len, PLURAL(len));
	else
		snprintf(buf, cap, "frame %" PRIu64 "  seq %" PRIu32 "..%" PRIu32 "  %" PRIu32 " byte%s%s", frame,
		         seq, seq + len, len, PLURAL(len), late ? " (late)" : "");
}

/* One arrival, then the recv() results the reader gets from it, side by side. */
static void chunk_rows(struct follow *fw, const struct lsc_reasm_chunk *ch, bool datagram)
{
	char left[64];
	arrival(left, sizeof left, ch->frame, datagram, ch->rel_seq, ch->len, ch->late);
	uint32_t off = 0;
	do {
		uint32_t n = ch->len - off < fw->chunk ? ch->len - off : fw->chunk;
		fprintf(fw->out, "  %-40s| #%-3" PRIu64 " %4" PRIu32 " byte%s \"", off == 0 ? left : "",
		        ++fw->recvs[fw->dir], n, n == 1 ? " " : "s");
		/* What one recv() returns, as it returns it: a character it cuts shows cut. */
		put_escaped(fw->out, ch->data + off, n, fw->esc, false, PREVIEW_MAX);
		fputs("\"\n", fw->out);
		off += n;
		if (datagram && off < ch->len) {
			fprintf(fw->out, "  %-40s|      %4" PRIu32 " bytes discarded: recv() on UDP returns one "
			                 "datagram, cut to the buffer (MSG_TRUNC)\n", "", ch->len - off);
			break;
		}
	} while (off < ch->len);
}

static void deliver(const struct lsc_reasm_chunk *ch, void *ctx)
{
	struct follow *fw = ctx;
	block_header(fw);
	fw->delivered += ch->len;
	if (ch->data == NULL) {
		flush_part(fw, fw->dir);
		end_line(fw);
		fprintf(fw->out, "%s[%" PRIu32 " byte%s missing from the capture]\n", fw->chunk ? "  " : "",
		        ch->len, PLURAL(ch->len));
		return;
	}
	if (fw->chunk != 0)
		chunk_rows(fw, ch, false);
	else if (ch->len != 0)
		put_stream(fw, ch->data, ch->len);
}

/* A TCP segment that gave the reader nothing new, on the arrivals side. */
static void idle_row(struct follow *fw, const struct lsc_frame *f, uint32_t len)
{
	char left[64];
	if (fw->chunk == 0)
		return;
	block_header(fw);
	arrival(left, sizeof left, f->number, false, f->flow.rel_seq, len, false);
	fprintf(fw->out, "  %-40s| %s\n", left,
	        (f->flow.analysis & LSC_FA_RETRANSMISSION) ? "(retransmission: already received)"
	                                                   : "(early: waits for the bytes before it)");
}

static void follow_udp(struct follow *fw, const struct lsc_frame *f, const uint8_t *data, uint32_t n)
{
	struct lsc_reasm_chunk ch = { f->number, 0, data, n, false };
	block_header(fw);
	fw->delivered += n;
	if (fw->chunk != 0) {
		chunk_rows(fw, &ch, true);
		return;
	}
	fw->mid_line = put_escaped(fw->out, data, n, fw->esc, true, 0) != 0; /* a datagram is whole */
	end_line(fw);
}

static void follow_frame(void *state, const struct lsc_frame *f)
{
	struct follow *fw = state;
	if (!f->has_flow)
		return;
	if (f->flow.id > fw->max_id)
		fw->max_id = f->flow.id;
	if (f->flow.id != fw->want)
		return;
	fw->c = *f->flow.conv;
	if (!fw->found) {
		char head[160];
		struct lsc_strbuf b;
		lsc_sb_init(&b, head, sizeof head);
		lsc_render_conv_heading(&b, &fw->c);
		fprintf(fw->out, "%s\n", head);
		fw->found = true;
	}
	fw->dir = f->flow.dir == LSC_FLOW_S2C ? 1 : 0;

	const struct lsc_layer *l4 = lsc_frame_transport(f);
	const uint8_t *data;
	uint32_t n = lsc_render_payload(f, &data);
	if (!f->flow.tcp) {
		follow_udp(fw, f, data, n);
		return;
	}
	if (l4->body_len == 0)
		return;
	uint64_t before = fw->delivered;
	lsc_reasm_add(fw->rs[fw->dir], f->number, f->flow.rel_seq, data, n, l4->body_len);
	if (fw->delivered == before)
		idle_row(fw, f, l4->body_len);
}

static int follow_end(void *state)
{
	struct follow *fw = state;
	int rc = 0;
	for (int d = 0; d < 2; d++) {
		fw->dir = d;
		lsc_reasm_finish(fw->rs[d]);
	}
	if (fw->found) {
		for (int d = 0; d < 2; d++) { /* a character the stream's end left cut */
			if (fw->npart[d] == 0)
				continue;
			fw->dir = d;
			block_header(fw);
			flush_part(fw, d);
		}
		end_line(fw);
		fprintf(fw->out, "\nclient sent %" PRIu64 " byte%s, server %" PRIu64 " byte%s\n",
		        fw->c.bytes[0], PLURAL(fw->c.bytes[0]), fw->c.bytes[1], PLURAL(fw->c.bytes[1]));
	} else {
		fflush(fw->out);
		/* "Read", not "in the capture": -c and a filter leave frames unread. */
		fprintf(stderr, "layerscope read: conversation %" PRIu64 " is not among the frames read (they hold %"
		                PRIu32 " conversation%s) — list them with 'layerscope read -f none --stats FILE', "
		                "with the same -c and FILTER if any\n",
		        fw->want, fw->max_id, PLURAL(fw->max_id));
		rc = -1;
	}
	lsc_reasm_free(fw->rs[0]);
	lsc_reasm_free(fw->rs[1]);
	free(fw);
	return rc;
}

const struct lsc_renderer lsc_render_follow = {
	"follow", "conversation N's bytes in order (read --follow N [--chunk B])",
	follow_begin, follow_frame, follow_end, false, false,
};
