/* SPDX-License-Identifier: BSD-3-Clause */
/* lines.h: memory on cache lines of its own, for state that one thread writes while another runs. */
#ifndef LAYERSCOPE_LINES_H
#define LAYERSCOPE_LINES_H

#include <stddef.h>

#define LSC_CACHE_LINE 64

/*
 * Zeroed memory that shares no cache line with any other allocation; NULL
 * when out of memory; freed with free().  malloc() packs small objects
 * together: the conversation tracker, which counts every frame, came 80
 * bytes before the renderer's state, and with the tracker on its own thread
 * that line went back and forth between the cores on every frame.
 */
void *lsc_calloc_lines(size_t size);

#endif
