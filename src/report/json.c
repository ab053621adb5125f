/* SPDX-License-Identifier: BSD-3-Clause */
/* json.c: the report as one JSON document (RFC 8259) for other tools; frames as `read -f json` writes them. */
#include <config.h>

#include <stdlib.h>

#include <layerscope/calls.h>

#include "../render/jsonw.h"
#include "report-int.h"

/*
 * {"report":{...},"capture":{...},"protocols":[...],"model":{...},
 *  "conversations":[{..., "ladder":[...]}],"frames":[<read -f json objects>]}
 * Keys are those of docs/json-format.md wherever the same thing is meant;
 * docs/report.md lists the rest.  Frame objects come from the json
 * renderer itself, so they are exactly what `read -f json` writes.
 */

struct json_state {
	struct lsc_json j;     /* the document, written at the end */
	const struct lsc_renderer *frames;
	void *frames_tmp;      /* the json renderer writing frame objects into the temporary file */
};

static void key_str(struct lsc_json *j, const char *k, const char *v)
{
	lsc_json_key(j, k);
	lsc_json_str(j, v);
}

static void key_u64(struct lsc_json *j, const char *k, uint64_t v)
{
	lsc_json_key(j, k);
	lsc_json_u64(j, v);
}

/* Times relative to another: negative when a capture's stamps go back (merged or corrupt captures). */
static void key_i64(struct lsc_json *j, const char *k, int64_t v)
{
	lsc_json_key(j, k);
	lsc_json_i64(j, v);
}

static void key_bool(struct lsc_json *j, const char *k, bool v)
{
	lsc_json_key(j, k);
	lsc_json_bool(j, v);
}

static void key_time(struct lsc_json *j, const char *k, int64_t ns, unsigned digits)
{
	char ts[48];
	int64_t sec = ns / 1000000000, frac = ns % 1000000000;
	if (frac < 0) {
		frac += 1000000000;
		sec--;
	}
	lsc_format_rfc3339(ts, sizeof ts, sec, (uint32_t)frac, digits);
	key_str(j, k, ts);
}

static void json_frame(struct lsc_report *r, FILE *o, const struct lsc_frame *f)
{
	struct json_state *st = r->fs;
	if (r->detailed > 1)
		fputc(',', o);
	st->frames->frame(st->frames_tmp, f);
}

static void capture(struct lsc_report *r, struct lsc_json *j)
{
	uint32_t n;
	uint64_t dropped;
	lsc_report_convs(r, &n, &dropped);
	lsc_json_key(j, "capture");
	lsc_json_open(j, '{');
	key_str(j, "file", r->o.source);
	key_str(j, "filter", r->o.filter);
	lsc_json_key(j, "linktypes");
	lsc_json_open(j, '[');
	for (unsigned i = 0; i < r->nlinktypes; i++)
		lsc_json_str(j, lsc_linktype_name(r->linktypes[i]));
	lsc_json_close(j, ']');
	if (r->frames != 0) {
		key_time(j, "first", r->first_ns, r->ts_digits);
		key_time(j, "last", r->last_ns, r->ts_digits);
		key_i64(j, "duration_ns", r->last_ns - r->first_ns);
	}
	key_u64(j, "frames", r->frames);
	key_u64(j, "frames_read", r->frames_read);
	key_u64(j, "frames_detailed", r->detailed);
	key_u64(j, "bytes", r->bytes);
	key_u64(j, "wire_bytes", r->wire_bytes);
	key_u64(j, "damaged_frames", r->damaged);
	key_u64(j, "frames_with_notes", r->noted);
	key_u64(j, "untracked_frames", r->untracked);
	key_u64(j, "conversations", n + dropped);
	lsc_json_close(j, '}');
}

static void protocols(struct lsc_report *r, struct lsc_json *j)
{
	lsc_json_key(j, "protocols");
	lsc_json_open(j, '[');
	for (unsigned t = 0; t < 4; t++) {
		lsc_json_open(j, '{');
		key_str(j, "layer", lsc_tcpip_key(t));
		key_u64(j, "none", r->mix_none[t]);
		lsc_json_key(j, "protos");
		lsc_json_open(j, '[');
		for (unsigned p = 0; p < LSC_PROTO_COUNT; p++) {
			if (r->mix[t][p].frames == 0)
				continue;
			lsc_json_open(j, '{');
			key_str(j, "proto", lsc_proto_get(p)->key);
			key_str(j, "title", lsc_proto_get(p)->title);
			key_u64(j, "frames", r->mix[t][p].frames);
			key_u64(j, "bytes", r->mix[t][p].bytes);
			lsc_json_close(j, '}');
		}
		lsc_json_close(j, ']');
		lsc_json_close(j, '}');
	}
	lsc_json_close(j, ']');
}

static void model(struct lsc_report *r, struct lsc_json *j)
{
	const struct lsc_frame *f = r->model;
	lsc_json_key(j, "model");
	if (f == NULL) {
		lsc_json_null(j);
		return;
	}
	lsc_json_open(j, '{');
	key_u64(j, "frame", f->number);
	key_bool(j, "application", r->model_app);
	key_u64(j, "caplen", f->caplen);
	lsc_json_key(j, "layers");
	lsc_json_open(j, '[');
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		lsc_json_open(j, '{');
		key_str(j, "layer", lsc_tcpip_key(lsc_layer_tcpip(f, l)));
		key_str(j, "proto", lsc_proto_get(l->proto)->key);
		key_str(j, "title", lsc_proto_get(l->proto)->title);
		key_u64(j, "offset", l->offset);
		key_u64(j, "length", l->hdr_len);
		key_u64(j, "captured", l->cap_len);
		if (l->flags & LSC_LF_QUOTED)
			key_bool(j, "quoted", true);
		lsc_json_close(j, '}');
	}
	lsc_json_close(j, ']');
	lsc_json_close(j, '}');
}

static void endpoint(struct lsc_json *j, const char *k, const struct lsc_flow_conv *c, unsigned end)
{
	char addr[LSC_ADDRSTRLEN];
	struct lsc_strbuf b;
	lsc_sb_init(&b, addr, sizeof addr);
	lsc_report_addr(&b, c, end);
	lsc_json_key(j, k);
	lsc_json_open(j, '{');
	key_str(j, "addr", addr);
	key_u64(j, "port", c->ep[end].port);
	key_str(j, "service", lsc_report_service(c->ipproto, c->ep[end].port));
	lsc_json_close(j, '}');
}

static void ladder(struct lsc_report *r, struct lsc_json *j, const struct lsc_flow_conv *c)
{
	struct lsc_ladder_diagram d;
	uint32_t nrows;
	lsc_json_key(j, "ladder");
	lsc_json_open(j, '[');
	if (!lsc_report_diagram(r, c, &d, &nrows))
		nrows = 0;
	for (uint32_t i = nrows ? d.head : 0; i; i = d.rows[i - 1].next) {
		const struct lsc_ladder_row *row = &d.rows[i - 1];
		struct lsc_ladder_texts t;
		lsc_ladder_texts(&t, c, row, false); /* JSON: English, the same in every locale */
		lsc_json_open(j, '{');
		key_u64(j, "frame", row->frame);
		key_str(j, "dir", lsc_flow_dir_name(row->a.dir));
		key_i64(j, "time_ns", row->ns - c->first_ns);
		key_str(j, "group", row->a.tcp ? lsc_ladder_group_name(lsc_ladder_group(row)) : NULL);
		key_str(j, "event", lsc_flow_event_name(row->a.event));
		key_str(j, "socket_call", lsc_sock_call_name(row->a.socket_call));
		key_str(j, "socket_call_source", lsc_call_source_name(row->a.call_source));
		key_str(j, "label", t.label);
		key_str(j, "notes", t.notes);
		lsc_json_close(j, '}');
	}
	lsc_json_close(j, ']');
	key_u64(j, "ladder_frames_not_shown", c->frames[0] + c->frames[1] - nrows);
}

static void conversation(struct lsc_report *r, struct lsc_json *j, const struct lsc_flow_conv *c)
{
	lsc_json_open(j, '{');
	key_u64(j, "id", c->id);
	key_str(j, "proto", c->ipproto == 6 ? "tcp" : "udp");
	endpoint(j, "client", c, 0);
	endpoint(j, "server", c, 1);
	key_str(j, "service", lsc_report_conv_service(c));
	key_str(j, "state", lsc_tcp_state_name(c->state));
	if (c->ipproto == 6) {
		key_str(j, "client_state", lsc_tcp_state_name(c->end_state[0]));
		key_str(j, "server_state", lsc_tcp_state_name(c->end_state[1]));
	}
	key_str(j, "history", c->history);
	char cid[LSC_COMMUNITY_ID_SIZE];
	lsc_community_id_conv(c, cid);
	key_str(j, "community_id", cid);
	key_u64(j, "frames_c2s", c->frames[0]);
	key_u64(j, "frames_s2c", c->frames[1]);
	key_u64(j, "bytes_c2s", c->bytes[0]);
	key_u64(j, "bytes_s2c", c->bytes[1]);
	key_u64(j, "first_frame", c->first_frame);
	key_u64(j, "last_frame", c->last_frame);
	key_time(j, "start", c->first_ns, r->ts_digits);
	key_i64(j, "duration_ns", c->last_ns - c->first_ns);
	lsc_json_key(j, "handshake_rtt_ns");
	if (c->handshake_rtt_ns >= 0)
		lsc_json_u64(j, (uint64_t)c->handshake_rtt_ns);
	else
		lsc_json_null(j);
	key_bool(j, "midstream", c->midstream);
	key_bool(j, "refused", c->refused);
	key_bool(j, "port_reuse", c->port_reused);
	ladder(r, j, c);
	lsc_json_close(j, '}');
}

/* The recorded socket calls (empty without a .calls file), each with the first frame it caused. */
static void calls(struct lsc_report *r, struct lsc_json *j)
{
	const struct lsc_calls *cs = r->o.calls;
	lsc_json_key(j, "calls");
	lsc_json_open(j, '[');
	for (size_t i = 0; cs != NULL && i < cs->n; i++) {
		const struct lsc_call *c = &cs->v[i];
		lsc_json_open(j, '{');
		key_time(j, "time", c->ns, 6);
		key_str(j, "role", c->role);
		key_str(j, "call", c->text);
		lsc_json_key(j, "frame");
		if (c->frame != 0)
			lsc_json_u64(j, c->frame);
		else
			lsc_json_null(j);
		lsc_json_close(j, '}');
	}
	lsc_json_close(j, ']');
}

static void json_head(struct lsc_report *r, FILE *o)
{
	struct json_state *st = r->fs;
	struct lsc_json *j = &st->j;
	uint32_t n;
	uint64_t dropped;
	const struct lsc_flow_conv *c = lsc_report_convs(r, &n, &dropped);
	lsc_json_init(j, o);
	lsc_json_open(j, '{');
	lsc_json_key(j, "report");
	lsc_json_open(j, '{');
	key_str(j, "generator", "layerscope");
	key_u64(j, "format", 1);
	lsc_json_close(j, '}');
	capture(r, j);
	protocols(r, j);
	model(r, j);
	lsc_json_key(j, "conversations");
	lsc_json_open(j, '[');
	for (uint32_t i = 0; i < n; i++) {
		lsc_json_flush(j); /* the writer buffers: its text goes before the newline */
		fputc('\n', o);
		conversation(r, j, &c[i]);
	}
	lsc_json_close(j, ']');
	key_u64(j, "conversations_not_listed", dropped);
	calls(r, j);
	lsc_json_key(j, "frames");
	lsc_json_open(j, '[');
	lsc_json_flush(j); /* before the frames, which are copied to `o` directly */
	fputc('\n', o);
}

static void json_tail(struct lsc_report *r, FILE *o)
{
	struct json_state *st = r->fs;
	(void)o;
	lsc_json_close(&st->j, ']');
	lsc_json_close(&st->j, '}');
	lsc_json_newline(&st->j);
}

static int json_begin(struct lsc_report *r)
{
	struct json_state *st = calloc(1, sizeof *st);
	struct lsc_render_opts jo = { 0 };
	if (st == NULL)
		return -1;
	r->fs = st;
	st->frames = lsc_renderer_find("json");
	if (st->frames == NULL || (st->frames_tmp = st->frames->begin(r->tmp, &jo)) == NULL)
		return -1;
	return 0;
}

static void json_end(struct lsc_report *r)
{
	struct json_state *st = r->fs;
	if (st == NULL)
		return;
	if (st->frames_tmp != NULL)
		st->frames->end(st->frames_tmp);
	free(st);
	r->fs = NULL;
}

const struct lsc_report_fmt lsc_report_json = {
	"json", json_begin, json_frame, json_head, json_tail, json_end,
};
