/* SPDX-License-Identifier: BSD-3-Clause */
/* teach.h: the teaching catalogue: a short, plain explanation of each situation a capture shows. */
#ifndef LAYERSCOPE_TEACH_H
#define LAYERSCOPE_TEACH_H

#include <stdbool.h>
#include <stdint.h>

#include <layerscope/api.h>
#include <layerscope/frame.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Each situation (an ARP request, the SYN-ACK, a retransmission...) has one
 * entry in one table (src/teach/explain.c): an id, a name, and one to three
 * sentences ending with the RFC or man page, written as a template that the
 * frame's own numbers fill ("Frame 8 carries 40 bytes...").  Renderers ask
 * an explainer which explanations a frame calls for; the explainer
 * remembers which were shown, so `first` shows each once a run.
 */
enum lsc_explain_mode {
	LSC_EXPLAIN_NONE = 0, /* the default when the output is not a terminal */
	LSC_EXPLAIN_FIRST,    /* the first time each situation occurs (a terminal's default) */
	LSC_EXPLAIN_ALL       /* every time */
};

/* "none", "first", "all" into *out; -1 when none of them. */
LSC_API int lsc_teach_parse_mode(const char *s, enum lsc_explain_mode *out);

enum lsc_explain_id {
	LSC_EX_LOOPBACK_MAC = 0,
	LSC_EX_LINK_HOP,
	LSC_EX_COOKED,
	LSC_EX_VLAN,
	LSC_EX_ARP_REQUEST,
	LSC_EX_ARP_REPLY,
	LSC_EX_IPV4,
	LSC_EX_IPV6,
	LSC_EX_PORTS,
	LSC_EX_WELL_KNOWN,
	LSC_EX_PORT_FTP,
	LSC_EX_PORT_TELNET,
	LSC_EX_SYN,
	LSC_EX_SYN_ACK,
	LSC_EX_HANDSHAKE_ACK,
	LSC_EX_DATA,
	LSC_EX_PURE_ACK,
	LSC_EX_BYTE_STREAM,
	LSC_EX_MSS_SPLIT,
	LSC_EX_FIN,
	LSC_EX_HALF_CLOSE,
	LSC_EX_SECOND_FIN,
	LSC_EX_TIME_WAIT,
	LSC_EX_RST_REFUSED,
	LSC_EX_RST_RAW,
	LSC_EX_RST,
	LSC_EX_NO_ACK,
	LSC_EX_RETRANSMISSION,
	LSC_EX_DUP_ACK,
	LSC_EX_ZERO_WINDOW,
	LSC_EX_WINDOW_UPDATE,
	LSC_EX_UDP,
	LSC_EX_ICMP_PORT_UNREACH,
	LSC_EX_CSUM_OFFLOAD,
	LSC_EX_CALL_INFERRED,
	LSC_EX_CALL_OBSERVED,
	LSC_EX_HISTORY,
	LSC_EX_COUNT
};

/* The id's stable name ("syn-ack"), for tests and docs; NULL past the last. */
LSC_API const char *lsc_teach_name(unsigned id);
/* The id's template, untranslated, with its {placeholders}; NULL past the last. */
LSC_API const char *lsc_teach_template(unsigned id);

struct lsc_explainer;

/* An explainer for one run; NULL when out of memory.  NONE gives one that says nothing. */
LSC_API struct lsc_explainer *lsc_teach_new(enum lsc_explain_mode mode);
LSC_API void lsc_teach_free(struct lsc_explainer *e);
LSC_API enum lsc_explain_mode lsc_teach_mode(const struct lsc_explainer *e);

/*
 * Explanations on or off at run time (--step's `e` key), without losing
 * what was shown; safe to call from another thread than the renderer's.
 * A new explainer is on unless its mode is NONE.
 */
LSC_API void lsc_teach_set_on(struct lsc_explainer *e, bool on);
LSC_API bool lsc_teach_is_on(const struct lsc_explainer *e);

/*
 * The socket calls of this run are observed (demo sees the programs make
 * them) rather than inferred from the wire: the inferred-call explanation
 * is left out, and the byte stream is explained from the reads themselves
 * (lsc_explain_reads) rather than from the segments.
 */
LSC_API void lsc_teach_set_observed(struct lsc_explainer *e, bool observed);

/* Called once for each explanation to show: its id and its text, numbers filled in. */
typedef void (*lsc_teach_fn)(void *ctx, unsigned id, const char *text);

/*
 * Hands to `fn` every explanation the decoded (and tracked) frame calls
 * for that is due (all, or the first time in first mode), in order from
 * the link layer up.  Returns how many.  Frames must come in capture
 * order; f->flow.conv is never read.  NULL `e` explains nothing.
 */
LSC_API unsigned lsc_teach_frame(struct lsc_explainer *e, const struct lsc_frame *f, lsc_teach_fn fn, void *ctx);

/*
 * The byte stream as a program read it: `bytes` arrived in `segments`
 * segments (the last in frame `frame`), and `reader` ("client 1") took them
 * with `nreads` recv() calls returning `reads`.
 */
LSC_API unsigned lsc_teach_reads(struct lsc_explainer *e, const char *reader, uint64_t frame,
                           unsigned segments, uint64_t bytes, const uint32_t *reads,
                           unsigned nreads, lsc_teach_fn fn, void *ctx);

/* The letters of a history string ("ShADadFf"), spelled out. */
LSC_API unsigned lsc_teach_history(struct lsc_explainer *e, const char *history, lsc_teach_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif
