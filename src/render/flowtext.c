/* SPDX-License-Identifier: BSD-3-Clause */
/* flowtext.c: text the conversation renderers share: headings, durations, a segment's label. */
#include <config.h>

#include <inttypes.h>

#include <layerscope/decode.h>
#include <layerscope/flow.h>
#include <layerscope/strbuf.h>

#include "render-int.h"

void lsc_render_duration(struct lsc_strbuf *b, int64_t ns)
{
	if (ns < 0) {
		lsc_sb_putc(b, '-');
		ns = -ns;
	}
	lsc_sb_printf(b, "%" PRId64 ".%06" PRId64, ns / 1000000000, ns % 1000000000 / 1000);
}

void lsc_render_secs(struct lsc_strbuf *b, int64_t ns)
{
	size_t at = b->len;
	lsc_render_duration(b, ns);
	char *dot = memchr(b->buf + at, '.', b->len - at);
	if (dot != NULL && lsc_decimal_point()[0] == ',') /* "0,000038" in pt_BR */
		*dot = ',';
}

void lsc_render_conv_heading(struct lsc_strbuf *b, const struct lsc_flow_conv *c)
{
	lsc_sb_printf(b, _("Conversation %" PRIu32 ": %s  client "), c->id, c->ipproto == 6 ? "TCP" : "UDP");
	lsc_flow_endpoint_text(b, c->family, &c->ep[0]);
	lsc_sb_puts(b, _(" -> server "));
	lsc_flow_endpoint_text(b, c->family, &c->ep[1]);
}

void lsc_render_segment_label(struct lsc_strbuf *b, uint16_t flags, const struct lsc_flow_ann *a,
                              uint32_t len)
{
	if (a->tcp) {
		lsc_sb_putc(b, '[');
		lsc_tcp_flag_letters(b, flags);
		lsc_sb_printf(b, "] seq=%" PRIu32, a->rel_seq);
		if (flags & LSC_TCP_ACK)
			lsc_sb_printf(b, " ack=%" PRIu32, a->rel_ack);
	} else {
		lsc_sb_puts(b, "UDP");
	}
	if (len != 0 || !a->tcp)
		lsc_sb_printf(b, " len=%" PRIu32, len);
}

uint32_t lsc_render_payload(const struct lsc_frame *f, const uint8_t **data)
{
	const struct lsc_layer *l4 = lsc_frame_transport(f);
	*data = NULL;
	if (l4 == NULL)
		return 0;
	uint32_t off = l4->offset + l4->cap_len;
	if (l4->cap_len < l4->hdr_len || off >= f->caplen)
		return 0;
	uint32_t n = f->caplen - off;
	*data = f->data + off;
	return n < l4->body_len ? n : l4->body_len;
}
