/* json.c: NDJSON, one object per frame, as ../shared/spec/frame-json.md and docs/json-format.md define. */
#include <config.h>

#include <stdlib.h>

#include <layerscope/decode.h>
#include <layerscope/flow.h>
#include <layerscope/render.h>

#include "jsonw.h"
#include "render-int.h"

struct json_state {
	struct lsc_json j;
	struct lsc_sink sink;
};

static void *json_begin(FILE *out, const struct lsc_render_opts *o)
{
	(void)o;
	struct json_state *st = calloc(1, sizeof *st);
	if (st == NULL)
		return NULL;
	lsc_json_init(&st->j, out);
	lsc_json_sink(&st->sink, &st->j);
	return st;
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
	if (l->proto != LSC_PROTO_PAYLOAD) { /* the payload's own field table says its length */
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
	lsc_fields_emit(&st->sink, f, l);
	lsc_json_close(j, '}');
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
	lsc_json_key(j, "layers");
	lsc_json_open(j, '[');
	for (unsigned i = 0; i < f->nlayers; i++)
		json_layer(st, f, &f->layers[i]);
	lsc_json_close(j, ']');
	if (f->has_flow) {
		lsc_json_key(j, "flow");
		lsc_json_open(j, '{');
		lsc_flow_fields_emit(&st->sink, f);
		lsc_json_close(j, '}');
	}
	lsc_json_key(j, "notes");
	lsc_json_open(j, '[');
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
	json_begin, json_frame, json_end,
};
