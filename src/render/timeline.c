/* SPDX-License-Identifier: BSD-3-Clause */
/* timeline.c: socket calls and the frames they cause, in time order, for `layerscope demo`. */
#include <config.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <layerscope/calls.h>
#include <layerscope/decode.h>
#include <layerscope/demo.h>
#include <layerscope/teach.h>
#include <layerscope/flow.h>
#include <layerscope/strbuf.h>

#include "render-int.h"
#include "../lib/i18n.h"

/*
 * One column of time, one of who acts, then what: a call is one line, a
 * frame a line of what it is in its conversation and a line of its layers,
 * each layer with its own addresses, so the model reads across the page.
 * The format is described in demo.h.
 */

#define WHO_W      12 /* the "who" column */
#define ROLE_MAX   24
#define NAMES_MAX  256
#define PREVIEW    40 /* payload bytes shown as text */
#define TEXT_COL   (15 + 2 + WHO_W + 1)

struct tl_name {
	uint8_t kind;    /* NAME_PORT or NAME_HOST */
	uint8_t family;
	uint16_t port;
	uint8_t addr[16];
	char role[ROLE_MAX];
};

enum { NAME_PORT = 1, NAME_HOST };

#define READERS   8  /* programs whose reads are being counted at once */
#define READS_MAX 16 /* recv() results kept for one explanation */

/*
 * Bytes a program has been sent and the recv() calls taking them, kept to
 * explain the byte stream with the reads' own numbers (16 + 16 + 8).
 */
struct tl_reader {
	char role[ROLE_MAX]; /* "" when free */
	uint64_t frame;      /* the last segment's */
	unsigned segments;
	uint64_t bytes;
	unsigned nreads;
	uint32_t reads[READS_MAX];
};

struct lsc_timeline {
	struct lsc_text t;
	unsigned nnames;
	struct tl_name names[NAMES_MAX];
	struct lsc_explainer *explain;
	unsigned width;
	struct tl_reader readers[READERS];
};

struct lsc_timeline *lsc_timeline_new(FILE *out, bool color, bool utc)
{
	struct lsc_timeline *tl = calloc(1, sizeof *tl);
	if (tl == NULL)
		return NULL;
	lsc_text_init(&tl->t, out, color);
	struct lsc_render_opts o = { .utc = utc };
	lsc_text_opts(&tl->t, &o);
	return tl;
}

void lsc_timeline_teach(struct lsc_timeline *tl, struct lsc_explainer *e, unsigned width)
{
	tl->explain = e;
	tl->width = width;
	lsc_teach_set_observed(e, true);
}

void lsc_timeline_intro(struct lsc_timeline *tl, unsigned clients, bool udp, bool together, unsigned port)
{
	char text[512];
	if (!lsc_teach_is_on(tl->explain))
		return;
	if (udp)
		snprintf(text, sizeof text,
		         _("An echo server waits on UDP port %u; %u clients each send it one datagram and read the "
		           "reply. Below, in time order: each socket call a program makes, and under it the frames "
		           "on the wire it caused, each with its layers from the link up."), port, clients);
	else if (together)
		snprintf(text, sizeof text,
		         _("An echo server listens on port %u; %u clients connect at the same time, so their "
		           "conversations with port %u coexist, told apart by each client's own port. Each sends "
		           "a message and reads the echo 16 bytes at a time. Below, in time order: each socket call "
		           "a program makes, and under it the frames on the wire it caused, each with its layers "
		           "from the link up."), port, clients, port);
	else
		snprintf(text, sizeof text,
		         _("An echo server listens on port %u; %u clients connect one after another, each sends a "
		           "message and reads the echo 16 bytes at a time. Below, in time order: each socket call a "
		           "program makes, and under it the frames on the wire it caused, each with its layers from "
		           "the link up."), port, clients);
	lsc_text_para(&tl->t, text, 0, tl->width);
	if (tl->t.color) {
		static const char *const names[] = { N_("link"), N_("network"), N_("transport"), N_("application") };
		lsc_text_puts(&tl->t, _("Colours:"));
		for (unsigned i = 0; i < 4; i++) {
			lsc_text_putc(&tl->t, ' ');
			lsc_text_style(&tl->t, lsc_text_layer_sgr(i, false));
			lsc_text_puts(&tl->t, _(names[i]));
			lsc_text_end(&tl->t);
		}
		lsc_text_puts(&tl->t, " · ");
		lsc_text_style(&tl->t, LSC_SGR_BOLD);
		lsc_text_puts(&tl->t, _("who acts"));
		lsc_text_end(&tl->t);
		lsc_text_puts(&tl->t, " · ");
		lsc_text_style(&tl->t, LSC_SGR_EXPLAIN);
		lsc_text_puts(&tl->t, _("why"));
		lsc_text_end(&tl->t);
		lsc_text_putc(&tl->t, '\n');
	}
	lsc_text_putc(&tl->t, '\n');
	lsc_text_flush(&tl->t);
}

void lsc_timeline_free(struct lsc_timeline *tl)
{
	if (tl == NULL)
		return;
	lsc_text_flush(&tl->t);
	free(tl);
}

/* Adds or renames; the newest name of an end wins (a port used again by a later client). */
static void name_add(struct lsc_timeline *tl, const struct tl_name *n)
{
	for (unsigned i = 0; i < tl->nnames; i++) {
		struct tl_name *o = &tl->names[i];
		if (o->kind == n->kind && o->port == n->port && o->family == n->family &&
		    memcmp(o->addr, n->addr, sizeof o->addr) == 0) {
			*o = *n;
			return;
		}
	}
	if (tl->nnames < NAMES_MAX)
		tl->names[tl->nnames++] = *n;
}

void lsc_timeline_name_port(struct lsc_timeline *tl, uint16_t port, const char *role)
{
	struct tl_name n;
	memset(&n, 0, sizeof n);
	n.kind = NAME_PORT;
	n.port = port;
	snprintf(n.role, sizeof n.role, "%s", role);
	name_add(tl, &n);
}

void lsc_timeline_name_host(struct lsc_timeline *tl, unsigned family, const uint8_t *addr,
                            const char *role)
{
	struct tl_name n;
	memset(&n, 0, sizeof n);
	n.kind = NAME_HOST;
	n.family = (uint8_t)family;
	memcpy(n.addr, addr, family == 6 ? 16 : 4);
	snprintf(n.role, sizeof n.role, "%s", role);
	name_add(tl, &n);
}

static const char *name_find(const struct lsc_timeline *tl, uint8_t kind, unsigned family,
                             const uint8_t *addr, uint16_t port)
{
	for (unsigned i = 0; i < tl->nnames; i++) {
		const struct tl_name *n = &tl->names[i];
		if (n->kind != kind)
			continue;
		if (kind == NAME_PORT && n->port == port)
			return n->role;
		if (kind == NAME_HOST && n->family == family &&
		    memcmp(n->addr, addr, family == 6 ? 16 : 4) == 0)
			return n->role;
	}
	return NULL;
}

/* ---- lines ----------------------------------------------------------------- */

static void put_time(struct lsc_timeline *tl, int64_t sec, uint32_t nsec)
{
	lsc_text_style(&tl->t, LSC_SGR_DIM);
	lsc_text_clock_at(&tl->t, sec, nsec, 6);
	lsc_text_end(&tl->t);
	lsc_text_puts(&tl->t, "  ");
}

static void put_padded(struct lsc_timeline *tl, const char *s, unsigned width)
{
	size_t n = lsc_text_cols(s, strlen(s));
	lsc_text_puts(&tl->t, s);
	lsc_text_spaces(&tl->t, n < width ? (unsigned)(width - n) : 1u);
}

/*
 * A role as a person reads it. The demo names its programs and hosts in
 * English ("client 2", "server host"), which its calls file and the matching
 * of calls to frames rely on; only what is shown is translated.
 */
static const char *const role_words[] = { N_("client"), N_("server"), N_("client host"), N_("server host") };

static const char *role_shown(const char *role, char *buf, size_t size)
{
	if (strncmp(role, "client ", 7) == 0 && role[7] >= '0' && role[7] <= '9') {
		snprintf(buf, size, _("client %s"), role + 7);
		return buf;
	}
	for (size_t i = 0; i < sizeof role_words / sizeof role_words[0]; i++)
		if (strcmp(role, role_words[i]) == 0)
			return _(role_words[i]);
	return role;
}

static struct tl_reader *reader_find(struct lsc_timeline *tl, const char *role, bool make)
{
	struct tl_reader *free_slot = NULL;
	for (unsigned i = 0; i < READERS; i++) {
		struct tl_reader *r = &tl->readers[i];
		if (strcmp(r->role, role) == 0 && r->role[0] != '\0')
			return r;
		if (r->role[0] == '\0' && free_slot == NULL)
			free_slot = r;
	}
	if (!make)
		return NULL;
	if (free_slot == NULL)
		free_slot = &tl->readers[0]; /* more readers than slots: the oldest is forgotten */
	memset(free_slot, 0, sizeof *free_slot);
	snprintf(free_slot->role, sizeof free_slot->role, "%s", role);
	return free_slot;
}

/* The reads are done: explain them when they did not match the segments one for one. */
static void reader_done(struct lsc_timeline *tl, struct tl_reader *r)
{
	if (r->nreads > 1 || (r->nreads == 1 && r->segments > 1))
		lsc_text_explain_reads(&tl->t, tl->explain, r->role, r->frame, r->segments, r->bytes,
		                       r->reads, r->nreads, TEXT_COL, tl->width);
	r->role[0] = '\0';
}

/*
 * A call of `role`: a recv() that returned bytes is counted; any other call
 * of the same program ends its reads.  The calls read as the demo writes
 * them: "recv(3, 16) = 16".
 */
static void reader_call(struct lsc_timeline *tl, const char *role, const char *text)
{
	struct tl_reader *r = reader_find(tl, role, false);
	if (r == NULL)
		return;
	const char *eq = strstr(text, ") = ");
	long n = eq != NULL && strncmp(text, "recv(", 5) == 0 ? strtol(eq + 4, NULL, 10) : 0;
	if (n > 0 && r->nreads < READS_MAX) {
		r->reads[r->nreads++] = (uint32_t)n;
		return;
	}
	reader_done(tl, r);
}

/* A data segment for `role` (its receiver): bytes for its next reads. */
static void reader_frame(struct lsc_timeline *tl, const char *role, const struct lsc_frame *f, uint32_t len)
{
	struct tl_reader *r = reader_find(tl, role, false);
	if (r != NULL && r->nreads > 0)
		reader_done(tl, r); /* reads, then new bytes: the earlier ones are told */
	r = reader_find(tl, role, true);
	r->frame = f->number;
	r->segments++;
	r->bytes += len;
}

void lsc_timeline_call(struct lsc_timeline *tl, int64_t sec, uint32_t nsec, const char *role,
                       const char *text)
{
	if (lsc_teach_is_on(tl->explain))
		reader_call(tl, role, text);
	lsc_text_flush(&tl->t);
	put_time(tl, sec, nsec);
	lsc_text_style(&tl->t, LSC_SGR_BOLD);
	char shown[ROLE_MAX + 16];
	put_padded(tl, role_shown(role, shown, sizeof shown), WHO_W + 1);
	lsc_text_end(&tl->t);
	lsc_text_puts(&tl->t, text);
	lsc_text_putc(&tl->t, '\n');
	lsc_text_fold_lines(&tl->t, 0, tl->width, TEXT_COL);
	lsc_text_flush(&tl->t);
}

void lsc_timeline_show_call(struct lsc_timeline *tl, const struct lsc_call *c)
{
	for (unsigned i = 0; i < c->nnames; i++) {
		const struct lsc_call_name *n = &c->names[i];
		if (n->host)
			lsc_timeline_name_host(tl, n->family, n->addr, n->role);
		else
			lsc_timeline_name_port(tl, n->port, n->role);
	}
	lsc_timeline_call(tl, c->ns / 1000000000LL, (uint32_t)(c->ns % 1000000000LL), c->role, c->text);
}

/* The frame's own network addresses (IPv4, IPv6, or ARP's protocol addresses); family 0 when none. */
static unsigned frame_hosts(const struct lsc_frame *f, const uint8_t **src, const uint8_t **dst)
{
	const struct lsc_layer *l = lsc_frame_network(f);
	if (l != NULL && l->proto == LSC_PROTO_IPV4) {
		*src = l->u.ipv4.src, *dst = l->u.ipv4.dst;
		return 4;
	}
	if (l != NULL && l->proto == LSC_PROTO_IPV6) {
		*src = l->u.ipv6.src, *dst = l->u.ipv6.dst;
		return 6;
	}
	l = lsc_frame_find(f, LSC_PROTO_ARP);
	if (l != NULL && l->u.arp.plen == 4 && l->cap_len >= l->hdr_len) {
		*src = l->u.arp.spa, *dst = l->u.arp.tpa;
		return 4;
	}
	return 0;
}

static bool frame_ports(const struct lsc_frame *f, uint16_t *sport, uint16_t *dport)
{
	const struct lsc_layer *l = lsc_frame_transport(f);
	if (l != NULL && l->proto == LSC_PROTO_TCP) {
		*sport = l->u.tcp.sport, *dport = l->u.tcp.dport;
		return true;
	}
	if (l != NULL && l->proto == LSC_PROTO_UDP) {
		*sport = l->u.udp.sport, *dport = l->u.udp.dport;
		return true;
	}
	return false;
}

/* Who sent the frame (`src`) or gets it: a named port, a named host, the conversation's side, the address. */
static void end_name(struct lsc_timeline *tl, const struct lsc_frame *f, bool src, struct lsc_strbuf *b)
{
	const uint8_t *sa = NULL, *da = NULL;
	uint16_t sp = 0, dp = 0;
	unsigned fam = frame_hosts(f, &sa, &da);
	const char *n = NULL;
	if (frame_ports(f, &sp, &dp))
		n = name_find(tl, NAME_PORT, 0, NULL, src ? sp : dp);
	if (n == NULL && fam != 0)
		n = name_find(tl, NAME_HOST, fam, src ? sa : da, 0);
	if (n == NULL && f->has_flow && f->flow.dir != LSC_FLOW_DIR_NONE)
		n = (f->flow.dir == LSC_FLOW_C2S) == src ? "client" : "server";
	char shown[ROLE_MAX + 16];
	if (n != NULL)
		lsc_sb_puts(b, role_shown(n, shown, sizeof shown));
	else if (fam == 4)
		lsc_sb_ipv4(b, src ? sa : da);
	else if (fam == 6)
		lsc_sb_ipv6(b, src ? sa : da);
	else
		lsc_sb_putc(b, '?');
}

static uint32_t transport_len(const struct lsc_frame *f)
{
	const struct lsc_layer *l = lsc_frame_transport(f);
	return l != NULL ? l->body_len : 0;
}

/* What the frame is in its conversation: "[S] seq=0 · syn · handshake 1/3 · connect()". */
static void flow_text(struct lsc_strbuf *b, const struct lsc_frame *f)
{
	const struct lsc_flow_ann *a = &f->flow;
	const struct lsc_layer *l4 = lsc_frame_transport(f);
	uint16_t flags = l4 != NULL && l4->proto == LSC_PROTO_TCP ? l4->u.tcp.flags : 0;
	const char *event = lsc_flow_event_name(a->event);
	lsc_render_segment_label(b, flags, a, transport_len(f));
	if (event != NULL)
		lsc_sb_printf(b, " · %s", lsc_tr_static(event));
	if (a->step != 0) {
		lsc_sb_puts(b, " · ");
		lsc_flow_step_label(b, a);
	}
	if (a->socket_call != LSC_CALL_NONE) {
		lsc_sb_puts(b, " · ");
		lsc_flow_call_label(b, a->socket_call, a->call_source);
	}
	if (a->ref_frame != 0 && a->event == LSC_EV_DATAGRAM)
		lsc_sb_printf(b, _(" · reply to frame %" PRIu64), a->ref_frame);
}

/* A frame outside any conversation (ARP, ICMP): its top layer's own summary. */
static void plain_text(struct lsc_strbuf *b, const struct lsc_frame *f)
{
	const struct lsc_layer *top = NULL;
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		if (l->proto != LSC_PROTO_PAYLOAD && !(l->flags & LSC_LF_QUOTED))
			top = l;
	}
	const struct lsc_proto_info *pi = top != NULL ? lsc_proto_get(top->proto) : NULL;
	if (pi == NULL) {
		lsc_sb_printf(b, P_("%" PRIu32 " byte", "%" PRIu32 " bytes", f->caplen), f->caplen);
		return;
	}
	lsc_sb_puts(b, pi->abbrev);
	if (pi->summary != NULL && top->cap_len >= top->hdr_len) {
		lsc_sb_putc(b, ' ');
		pi->summary(b, f, top);
	}
}

static void put_preview(struct lsc_timeline *tl, const struct lsc_frame *f)
{
	const uint8_t *p;
	uint32_t n = lsc_render_payload(f, &p);
	if (n == 0)
		return;
	char buf[PREVIEW * 10 + 8];
	struct lsc_strbuf b;
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_puts(&b, " \"");
	lsc_sb_text(&b, p, n < PREVIEW ? n : PREVIEW, (lsc_text_utf8() ? LSC_ESC_UTF8 : 0) | LSC_ESC_QUOTE);
	lsc_sb_puts(&b, n > PREVIEW ? "\"…" : "\"");
	lsc_text_puts(&tl->t, buf);
}

/* One layer with its own addresses: "IPv4 127.0.0.1 → 127.0.0.1", "TCP 40678 → 8082", "40 B". */
static void layer_addrs(struct lsc_strbuf *b, const struct lsc_layer *l)
{
	const struct lsc_proto_info *pi = lsc_proto_get(l->proto);
	if (l->proto == LSC_PROTO_PAYLOAD) {
		lsc_sb_printf(b, "%" PRIu32 " B", l->hdr_len + l->body_len);
		return;
	}
	lsc_sb_puts(b, pi->abbrev);
	if (l->cap_len < l->hdr_len || (l->flags & LSC_LF_QUOTED) || pi->addrs == NULL)
		return;
	lsc_sb_putc(b, ' ');
	pi->addrs(b, l);
}

static void put_layers(struct lsc_timeline *tl, const struct lsc_frame *f)
{
	lsc_text_spaces(&tl->t, TEXT_COL);
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		char buf[128];
		struct lsc_strbuf b;
		lsc_sb_init(&b, buf, sizeof buf);
		layer_addrs(&b, l);
		if (i > 0) {
			lsc_text_style(&tl->t, LSC_SGR_DIM);
			lsc_text_puts(&tl->t, " › ");
			lsc_text_end(&tl->t);
		}
		bool bad = lsc_layer_damaged(l);
		lsc_text_style(&tl->t, bad ? LSC_SGR_DAMAGE : lsc_text_layer_sgr(lsc_layer_tcpip(f, l), false));
		lsc_text_puts(&tl->t, buf);
		if (bad)
			lsc_text_putc(&tl->t, '!');
		lsc_text_end(&tl->t);
		if (l->proto == LSC_PROTO_PAYLOAD)
			put_preview(tl, f);
	}
	if (f->link_unsupported)
		lsc_text_puts(&tl->t, lsc_linktype_name(f->linktype));
	lsc_text_putc(&tl->t, '\n');
}

void lsc_timeline_frame(struct lsc_timeline *tl, const struct lsc_frame *f)
{
	char who[2 * ROLE_MAX + 48], what[256], label[24];
	struct lsc_strbuf wb, tb;

	lsc_text_flush(&tl->t); /* the frame alone in the buffer, to fold its lines */
	put_time(tl, f->ts_sec, f->ts_nsec);
	snprintf(label, sizeof label, _("  frame %" PRIu64), f->number);
	put_padded(tl, label, WHO_W + 1);

	lsc_sb_init(&wb, who, sizeof who);
	end_name(tl, f, true, &wb);
	lsc_sb_puts(&wb, " → ");
	end_name(tl, f, false, &wb);
	lsc_text_puts(&tl->t, who);
	lsc_text_puts(&tl->t, "  ");

	lsc_sb_init(&tb, what, sizeof what);
	if (f->has_flow)
		flow_text(&tb, f);
	else
		plain_text(&tb, f);
	lsc_text_style(&tl->t, LSC_SGR_BOLD);
	lsc_text_puts(&tl->t, what);
	lsc_text_end(&tl->t);
	lsc_text_putc(&tl->t, '\n');

	put_layers(tl, f);
	for (unsigned i = 0; i < f->nnotes; i++) {
		char shown[LSC_NOTE_SHOWN];
		lsc_text_spaces(&tl->t, TEXT_COL);
		lsc_text_style(&tl->t, LSC_SGR_DIM);
		lsc_text_putc(&tl->t, '[');
		lsc_text_puts(&tl->t, lsc_frame_note_text(f, i, shown, sizeof shown));
		lsc_text_putc(&tl->t, ']');
		lsc_text_end(&tl->t);
		lsc_text_putc(&tl->t, '\n');
	}
	lsc_text_fold_lines(&tl->t, 0, tl->width, TEXT_COL);
	if (lsc_teach_is_on(tl->explain)) {
		lsc_text_explain(&tl->t, tl->explain, f, TEXT_COL, tl->width);
		const struct lsc_layer *l4 = lsc_frame_transport(f);
		if (f->has_flow && l4 != NULL && l4->proto == LSC_PROTO_TCP && l4->u.tcp.payload_length > 0) {
			char to[ROLE_MAX + 8];
			struct lsc_strbuf b;
			lsc_sb_init(&b, to, sizeof to);
			end_name(tl, f, false, &b);
			reader_frame(tl, to, f, l4->u.tcp.payload_length);
		}
	}
	lsc_text_flush(&tl->t);
}
