/* SPDX-License-Identifier: BSD-3-Clause */
/* json.c: NDJSON, one object per frame, as ../shared/spec/frame-json.md and docs/json-format.md define. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <layerscope/decode.h>
#include <layerscope/flow.h>
#include <layerscope/render.h>
#include <layerscope/source.h>
#include <layerscope/strbuf.h>

#include "jsonw.h"
#include "render-int.h"

/* Community IDs of recent conversations, by conversation id: one SHA-1 a conversation, not a frame. */
#define CID_CACHE 64

struct json_state {
	struct lsc_json j;
	struct lsc_sink sink;
	const char *const *files; /* several input files: each frame's "file" */
	unsigned nfiles;
	struct {
		uint32_t id;
		char s[LSC_COMMUNITY_ID_SIZE];
	} cid[CID_CACHE];
};

/* A conversation keeps its endpoints, so its id names one Community ID. */
static const char *community_id(struct json_state *st, const struct lsc_frame *f)
{
	uint32_t id = f->flow.id;
	unsigned slot = id % CID_CACHE;
	if (st->cid[slot].id != id || id == 0) {
		if (!lsc_community_id_frame(f, st->cid[slot].s))
			return NULL;
		st->cid[slot].id = id;
	}
	return st->cid[slot].s;
}

static void *json_begin(FILE *out, const struct lsc_render_opts *o)
{
	struct json_state *st = calloc(1, sizeof *st);
	if (st == NULL)
		return NULL;
	if (o->nfiles > 1) {
		st->files = o->files;
		st->nfiles = o->nfiles;
	}
	lsc_json_init(&st->j, out);
	lsc_json_sink(&st->sink, &st->j);
	return st;
}

/*
 * Whether the protocol's own fields include a "length" (UDP's length field,
 * a payload's length).  The contract names both the layer's header length
 * and those fields "length"; a JSON object cannot hold the key twice, so the
 * protocol's field wins and the header length stays in "header_length".
 */
static bool has_own_length(unsigned proto)
{
	static int8_t known[LSC_PROTO_COUNT]; /* 0 unknown, 1 yes, -1 no */
	if (proto >= LSC_PROTO_COUNT)
		return false;
	if (known[proto] == 0) {
		const struct lsc_proto_info *pi = lsc_proto_get(proto);
		known[proto] = -1;
		for (size_t i = 0; pi != NULL && i < pi->nfields; i++)
			if (pi->fields[i].key != NULL && strcmp(pi->fields[i].key, "length") == 0)
				known[proto] = 1;
	}
	return known[proto] > 0;
}

static void json_layer(struct json_state *st, const struct lsc_frame *f, const struct lsc_layer *l)
{
	struct lsc_json *j = &st->j;
	const struct lsc_proto_info *pi = lsc_proto_get(l->proto);
	lsc_json_open(j, '{');
	lsc_json_key(j, "layer");
	lsc_json_str(j, lsc_tcpip_key(lsc_layer_tcpip(f, l)));
	lsc_json_key(j, "proto");
	lsc_json_str(j, pi->key);
	lsc_json_key(j, "offset");
	lsc_json_u64(j, l->offset);
	if (!has_own_length(l->proto)) {
		lsc_json_key(j, "length");
		lsc_json_u64(j, l->hdr_len);
	}
	if (l->flags & (LSC_LF_TRUNCATED | LSC_LF_MALFORMED)) {
		lsc_json_key(j, "malformed");
		lsc_json_str(j, l->reason ? l->reason : "malformed");
		lsc_json_key(j, "truncated");
		lsc_json_bool(j, (l->flags & LSC_LF_TRUNCATED) != 0);
	}
	if (l->flags & LSC_LF_QUOTED) {
		lsc_json_key(j, "quoted");
		lsc_json_bool(j, true);
	}
	if (l->flags & LSC_LF_CLIPPED) {
		lsc_json_key(j, "clipped");
		lsc_json_bool(j, true);
	}
	if (l->flags & LSC_LF_FRAGMENT) {
		lsc_json_key(j, "fragment");
		lsc_json_bool(j, true);
	}
	lsc_fields_emit(&st->sink, f, l);
	lsc_json_key(j, "header_length");
	lsc_json_u64(j, l->hdr_len);
	lsc_json_close(j, '}');
}

/* "link type DBUS is not decoded: the frame is shown as bytes" */
static void link_note(struct lsc_json *j, int linktype)
{
	char note[LSC_NOTE_LEN];
	struct lsc_strbuf b;
	lsc_sb_init(&b, note, sizeof note);
	lsc_sb_puts(&b, "link type ");
	lsc_sb_puts(&b, lsc_linktype_name(linktype));
	lsc_sb_puts(&b, " is not decoded: the frame is shown as bytes");
	lsc_json_str(j, note);
}

static void json_frame(void *state, const struct lsc_frame *f)
{
	struct json_state *st = state;
	struct lsc_json *j = &st->j;
	char ts[48];

	lsc_json_open(j, '{');
	lsc_json_key(j, "frame");
	lsc_json_u64(j, f->number);
	lsc_json_key(j, "ts");
	lsc_format_rfc3339(ts, sizeof ts, f->ts_sec, f->ts_nsec, f->ts_digits);
	lsc_json_str(j, ts);
	lsc_json_key(j, "rel");
	lsc_json_fixed(j, f->ts_digits == 9 ? f->rel_ns : f->rel_ns / 1000, f->ts_digits);
	lsc_json_key(j, "caplen");
	lsc_json_u64(j, f->caplen);
	lsc_json_key(j, "len");
	lsc_json_u64(j, f->len);
	lsc_json_key(j, "linktype");
	lsc_json_str(j, lsc_linktype_name(f->linktype));
	if (st->files != NULL && f->file < st->nfiles) {
		lsc_json_key(j, "file");
		lsc_json_str(j, st->files[f->file]);
	}
	lsc_json_key(j, "layers");
	lsc_json_open(j, '[');
	for (unsigned i = 0; i < f->nlayers; i++)
		json_layer(st, f, &f->layers[i]);
	lsc_json_close(j, ']');
	if (f->has_flow) {
		lsc_json_key(j, "flow");
		lsc_json_open(j, '{');
		lsc_flow_fields_emit(&st->sink, f);
		const char *cid = community_id(st, f);
		if (cid != NULL) {
			lsc_json_key(j, "community_id");
			lsc_json_str(j, cid);
		}
		lsc_json_close(j, '}');
	}
	if (f->has_owner) { /* live capture: the processes owning the two sockets */
		lsc_json_key(j, "process");
		lsc_json_open(j, '{');
		lsc_owner_fields_emit(&st->sink, f);
		lsc_json_close(j, '}');
	}
	lsc_json_key(j, "notes");
	lsc_json_open(j, '[');
	if (f->link_unsupported) /* what the text formats print in their heading */
		link_note(j, f->linktype);
	for (unsigned i = 0; i < f->nnotes; i++)
		lsc_json_str(j, f->notes[i]);
	lsc_json_close(j, ']');
	lsc_json_close(j, '}');
	lsc_json_newline(j);
}

static int json_end(void *state)
{
	struct json_state *st = state;
	lsc_json_flush(&st->j);
	free(st);
	return 0;
}

const struct lsc_renderer lsc_render_json = {
	"json", "one JSON object per frame (NDJSON), the stable machine format",
	json_begin, json_frame, json_end, false, false,
};
