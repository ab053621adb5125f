/* render-int.h: the renderers' table entries and what they share. */
#ifndef LAYERSCOPE_RENDER_INT_H
#define LAYERSCOPE_RENDER_INT_H

#include <layerscope/render.h>

extern const struct lsc_renderer lsc_render_json;

#endif
