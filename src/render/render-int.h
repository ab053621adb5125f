/* render-int.h: the renderers' table entries and what they share. */
#ifndef LAYERSCOPE_RENDER_INT_H
#define LAYERSCOPE_RENDER_INT_H

#include <layerscope/render.h>

extern const struct lsc_renderer lsc_render_json;
extern const struct lsc_renderer lsc_render_ladder;
extern const struct lsc_renderer lsc_render_follow;
extern const struct lsc_renderer lsc_render_none;

/* flowtext.c: what the conversation renderers (ladder, follow, stats) share. */
#define PLURAL(n) ((n) == 1 ? "" : "s")
struct lsc_strbuf;
struct lsc_flow_conv;
struct lsc_flow_ann;
/* Seconds with microseconds: "0.004395". */
void lsc_render_duration(struct lsc_strbuf *b, int64_t ns);
/* "Conversation 1: TCP  client 127.0.0.1:40950 -> server 127.0.0.1:33743". */
void lsc_render_conv_heading(struct lsc_strbuf *b, const struct lsc_flow_conv *c);
/* "[S.] seq=0 ack=1", "[P.] seq=1 ack=1 len=15", "UDP len=9". */
void lsc_render_segment_label(struct lsc_strbuf *b, uint16_t flags, const struct lsc_flow_ann *a,
                              uint32_t len);
/* The frame's own transport payload as captured: sets *data, returns its length. */
uint32_t lsc_render_payload(const struct lsc_frame *f, const uint8_t **data);

#endif
