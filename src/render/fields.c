/* SPDX-License-Identifier: BSD-3-Clause */
/* fields.c: walks a protocol's field table into a sink, so every format shows the same fields. */
#include <config.h>

#include <string.h>

#include <layerscope/decode.h>
#include <layerscope/render.h>
#include <layerscope/strbuf.h>

static uint64_t read_uint(const struct lsc_layer *l, const struct lsc_field *fd)
{
	const uint8_t *p = (const uint8_t *)l + fd->offset;
	switch (fd->size) {
	case 1: return *p;
	case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
	case 8: { uint64_t v; memcpy(&v, p, 8); return v; }
	default: return 0;
	}
}

static void emit_addr(struct lsc_sink *s, const struct lsc_layer *l, const struct lsc_field *fd)
{
	char buf[LSC_ADDRSTRLEN];
	struct lsc_strbuf b;
	const uint8_t *p = (const uint8_t *)l + fd->offset;
	lsc_sb_init(&b, buf, sizeof buf);
	if (fd->type == LSC_FT_MAC)
		lsc_sb_mac(&b, p);
	else if (fd->type == LSC_FT_IPV4)
		lsc_sb_ipv4(&b, p);
	else
		lsc_sb_ipv6(&b, p);
	s->ops->text(s, fd->key, fd->label, buf, false);
}

static void emit_field(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                       const struct lsc_field *fd)
{
	uint64_t v;
	switch (fd->type) {
	case LSC_FT_UINT:
	case LSC_FT_HEX:
		v = read_uint(l, fd);
		s->ops->uint(s, fd->key, fd->label, v, fd->type == LSC_FT_HEX ? fd->size * 2u : 0u,
		             fd->name ? fd->name(l, v) : NULL);
		break;
	case LSC_FT_BOOL:
		v = read_uint(l, fd);
		s->ops->boolean(s, fd->key, fd->label, v != 0, fd->name ? fd->name(l, v) : NULL);
		break;
	case LSC_FT_CSUM:
		v = read_uint(l, fd);
		s->ops->boolean(s, fd->key, fd->label,
		                v == LSC_CSUM_GOOD ? 1 : v == LSC_CSUM_BAD ? 0 : -1,
		                fd->name ? fd->name(l, v) : NULL);
		break;
	case LSC_FT_MAC:
	case LSC_FT_IPV4:
	case LSC_FT_IPV6:
		emit_addr(s, l, fd);
		break;
	case LSC_FT_CUSTOM:
		if (fd->emit != NULL)
			fd->emit(s, f, l, fd);
		break;
	default:
		break;
	}
}

void lsc_fields_emit(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_proto_info *pi = lsc_proto_get(l->proto);
	if (pi == NULL)
		return;
	uint32_t have = lsc_layer_captured(f, l);
	for (size_t i = 0; i < pi->nfields; i++) {
		const struct lsc_field *fd = &pi->fields[i];
		if (fd->wire_end > have)
			continue; /* not captured: absent, never a made-up zero */
		emit_field(s, f, l, fd);
	}
}
