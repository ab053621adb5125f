/* SPDX-License-Identifier: BSD-3-Clause */
/* api.h: LSC_API, the mark of a function liblayerscope exports; every public header includes it. */
#ifndef LAYERSCOPE_API_H
#define LAYERSCOPE_API_H

/*
 * The library is built with -fvisibility=hidden: a function leaves
 * liblayerscope.so only when its declaration in include/layerscope/ starts
 * with LSC_API.  Names used across the library's own files but declared in
 * its internal headers (src/x/x-int.h) stay out of the ABI; the command and
 * the unit tests link the static archive and reach them anyway.
 */
#if defined(__GNUC__) || defined(__clang__)
#define LSC_API __attribute__((visibility("default")))
#else
#define LSC_API
#endif

#endif
