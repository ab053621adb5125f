/* SPDX-License-Identifier: BSD-3-Clause */
/* payload.c: the bytes no decoder claimed: application data, or what follows a damaged header. */
#include <config.h>

#include <string.h>

#include "decode-int.h"
#include "../lib/i18n.h"

/* The driver appends payload layers itself; this runs only if a table names one. */
static void decode_payload(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c, struct lsc_next *next)
{
	(void)f;
	(void)next;
	l->hdr_len = (uint32_t)lsc_cur_left(c);
	l->u.payload.length = l->hdr_len;
}

#define LSC_PREVIEW_BYTES 64

/*
 * A printable preview of the first bytes, escaped (lsc_escape: the one rule
 * for text from outside); derived, never the wire value.
 */
static void emit_text(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                      const struct lsc_field *fd)
{
	char buf[LSC_ESC_MAX(LSC_PREVIEW_BYTES) + 3];
	uint32_t n = lsc_layer_captured(f, l);
	size_t o = lsc_escape(buf, f->data + l->offset, n < LSC_PREVIEW_BYTES ? n : LSC_PREVIEW_BYTES,
	                      s->utf8 ? LSC_ESC_UTF8 : 0);
	if (n > LSC_PREVIEW_BYTES)
		memcpy(buf + o, "...", 4);
	s->ops->text(s, fd->key, fd->label, buf, LSC_TEXT_DATA);
}

static const struct lsc_field payload_fields[] = {
	LSC_FIELD("length", N_("Length"), LSC_FT_UINT, payload.length, 0, NULL),
	LSC_FIELD_CUSTOM("text", N_("Text"), 0, emit_text),
};

static void payload_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	(void)f;
	char tmp[LSC_W_U64 + 2];
	char *start = lsc_sb_reserve(b, sizeof tmp, tmp);
	lsc_sb_commit(b, tmp, start, lsc_w_lit(lsc_w_u64(start, l->u.payload.length), " B"));
}

const struct lsc_proto_info lsc_proto_payload = {
	LSC_PROTO_PAYLOAD, LSC_TCPIP_APPLICATION, "payload", "Payload", "Payload",
	decode_payload, payload_fields, LSC_NELEM(payload_fields), payload_summary, NULL,
};