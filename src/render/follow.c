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

/* Bytes as C-like escapes; a newline also ends the line when `breaks`.  Returns columns written. */
static size_t put_escaped(FILE *out, const uint8_t *p, uint32_t n, bool breaks, size_t max)
{
	size_t col = 0;
	for (uint32_t i = 0; i < n; i++) {
		char e[8];
		uint8_t ch = p[i];
		if (ch == '\n')
			strcpy(e, "\\n");
		else if (ch == '\r')
			strcpy(e, "\\r");
		else if (ch == '\t')
			strcpy(e, "\\t");
		else if (ch == '\\')
			strcpy(e, "\\\\");
		else if (ch >= 0x20 && ch < 0x7f)
			e[0] = (char)ch, e[1] = '\0';
		else
			snprintf(e, sizeof e, "\\x%02x", ch);
		if (max != 0 && col + strlen(e) > max) {
			fputs("...", out);
			return col + 3;
		}
		fputs(e, out);
		col += strlen(e);
		if (ch == '\n' && breaks)
			fputc('\n', out), col = 0;
	}
	return col;
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
		put_escaped(fw->out, ch->data + off, n, false, PREVIEW_MAX);
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
		end_line(fw);
		fprintf(fw->out, "%s[%" PRIu32 " byte%s missing from the capture]\n", fw->chunk ? "  " : "",
		        ch->len, PLURAL(ch->len));
		return;
	}
	if (fw->chunk != 0)
		chunk_rows(fw, ch, false);
	else if (ch->len != 0)
		fw->mid_line = put_escaped(fw->out, ch->data, ch->len, true, 0) != 0 || ch->data[ch->len - 1] != '\n';
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
	fw->mid_line = put_escaped(fw->out, data, n, true, 0) != 0;
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
	follow_begin, follow_frame, follow_end, false,
};
