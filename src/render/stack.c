/* SPDX-License-Identifier: BSD-3-Clause */
/* stack.c: -f stack: one frame crossing the layers, down the sender's and up the receiver's, as Packet Tracer draws it. */
#include <config.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <layerscope/decode.h>
#include <layerscope/teach.h>
#include <layerscope/flow.h>
#include <layerscope/strbuf.h>

#include "render-int.h"
#include "../lib/i18n.h"

/*
 * Frame 6 · 106 bytes · client 1 → server · [P.] seq=1 ack=1 len=40 · send()
 *  sender: client, host 10.1.1.5 — down its layers, each adding a header
 *    application       Application   40 B  send(40 bytes) "Hello from the…"
 *  ▼ operating system  Transport     72 B  + 32 B TCP header: ports 43248 → 8082…
 *  ...
 *
 * The rows are built once (lsc_stack_rows) and drawn as text here and as a
 * table in the HTML report, so both say the same.
 */

#define PREVIEW 24 /* payload bytes shown as text */

/* The course's three groups of a TCP/IP layer. */
static const char *group_name(unsigned tcpip)
{
	switch (tcpip) {
	case LSC_TCPIP_APPLICATION:
		return lsc_tr_static("application");
	case LSC_TCPIP_LINK:
		return lsc_tr_static("drivers, hardware");
	default:
		return lsc_tr_static("operating system");
	}
}

static const char *layer_name(unsigned tcpip)
{
	static const char *const names[] = { N_("Link"), N_("Network"), N_("Transport"), N_("Application") };
	return tcpip <= LSC_TCPIP_APPLICATION ? lsc_tr_static(names[tcpip]) : "?";
}

static struct lsc_stack_row *row_add(struct lsc_stack *s, enum lsc_stack_dir dir, unsigned tcpip)
{
	if (s->n == LSC_STACK_ROWS)
		return NULL;
	struct lsc_stack_row *r = &s->rows[s->n++];
	memset(r, 0, sizeof *r);
	r->dir = (uint8_t)dir;
	r->tcpip = (uint8_t)tcpip;
	r->group = group_name(tcpip);
	r->layer = layer_name(tcpip);
	return r;
}

/* The payload's first bytes as text, escaped for the terminal (lsc_sb_text). */
static void preview(struct lsc_strbuf *b, const struct lsc_frame *f)
{
	const uint8_t *p;
	uint32_t n = lsc_render_payload(f, &p);
	if (n == 0)
		return;
	lsc_sb_puts(b, " \"");
	lsc_sb_text(b, p, n < PREVIEW ? n : PREVIEW, (lsc_text_utf8() ? LSC_ESC_UTF8 : 0) | LSC_ESC_QUOTE);
	lsc_sb_puts(b, n > PREVIEW ? "\"…" : "\"");
}

/* What a layer adds going down: its header, and for an ICMP error the headers it quotes. */
static uint32_t layer_bytes(const struct lsc_frame *f, const struct lsc_layer *l)
{
	size_t i = (size_t)(l - f->layers);
	if (i + 1 < f->nlayers && (f->layers[i + 1].flags & LSC_LF_QUOTED))
		return l->hdr_len + l->body_len;
	return l->hdr_len;
}

/* What a layer's header says that the crossing needs: addresses, ports, numbers. */
static void header_text(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l, bool down)
{
	const struct lsc_proto_info *pi = lsc_proto_get(l->proto);
	uint32_t quoted = layer_bytes(f, l) - l->hdr_len;
	lsc_sb_printf(b, "%s %" PRIu32 " B %s", down ? "+" : "−", l->hdr_len, pi->abbrev);
	if (quoted != 0)
		lsc_sb_printf(b, lsc_tr_static(" (and %" PRIu32 " B quoted)"), quoted);
	if (l->cap_len < l->hdr_len) {
		lsc_sb_puts(b, lsc_tr_static(" (cut short in the capture)"));
		return;
	}
	/* Where it goes, in the protocol's own words (the timeline's too), then what the crossing adds. */
	if (pi->addrs != NULL) {
		lsc_sb_puts(b, pi->tcpip == LSC_TCPIP_TRANSPORT ? lsc_tr_static(" ports ") : " ");
		pi->addrs(b, l);
	}
	switch (l->proto) {
	case LSC_PROTO_SLL:
	case LSC_PROTO_SLL2:
		lsc_sb_puts(b, lsc_tr_static(": written by the capture, not sent"));
		break;
	case LSC_PROTO_IPV4:
		lsc_sb_printf(b, ", TTL %u", l->u.ipv4.ttl);
		break;
	case LSC_PROTO_IPV6:
		lsc_sb_printf(b, lsc_tr_static(", hop limit %u"), l->u.ipv6.hop_limit);
		break;
	case LSC_PROTO_TCP: {
		lsc_sb_puts(b, ", [");
		lsc_tcp_flag_letters(b, l->u.tcp.flags);
		lsc_sb_putc(b, ']');
		bool rel = f->has_flow && f->flow.tcp;
		/* Without the ACK flag the acknowledgment field means nothing: not shown, as on the line. */
		if (l->u.tcp.flags & LSC_TCP_ACK)
			lsc_sb_printf(b, lsc_tr_static(" seq %" PRIu32 " ack %" PRIu32), rel ? f->flow.rel_seq : l->u.tcp.seq,
			              rel ? f->flow.rel_ack : l->u.tcp.ack);
		else
			lsc_sb_printf(b, lsc_tr_static(" seq %" PRIu32), rel ? f->flow.rel_seq : l->u.tcp.seq);
		break;
	}
	default:
		if (pi->addrs == NULL && pi->summary != NULL) {
			lsc_sb_puts(b, ": ");
			pi->summary(b, f, l);
		}
		break;
	}
}

/* Who sends and who receives: "client 10.1.1.5", or the address, or the MAC. */
static void ends_text(const struct lsc_frame *f, char *from, char *to, size_t cap)
{
	struct lsc_strbuf a, b;
	const struct lsc_layer *net = lsc_frame_network(f), *arp = lsc_frame_find(f, LSC_PROTO_ARP);
	const struct lsc_layer *eth = lsc_frame_find(f, LSC_PROTO_ETH);
	lsc_sb_init(&a, from, cap);
	lsc_sb_init(&b, to, cap);
	if (f->has_flow && f->flow.dir != LSC_FLOW_DIR_NONE) {
		bool c2s = f->flow.dir == LSC_FLOW_C2S;
		lsc_sb_puts(&a, c2s ? lsc_tr_static("client, host ") : lsc_tr_static("server, host "));
		lsc_sb_puts(&b, c2s ? lsc_tr_static("server, host ") : lsc_tr_static("client, host "));
	} else {
		lsc_sb_puts(&a, lsc_tr_static("host "));
		lsc_sb_puts(&b, lsc_tr_static("host "));
	}
	if (net != NULL && net->cap_len >= net->hdr_len && net->proto == LSC_PROTO_IPV4) {
		lsc_sb_ipv4(&a, net->u.ipv4.src);
		lsc_sb_ipv4(&b, net->u.ipv4.dst);
	} else if (net != NULL && net->cap_len >= net->hdr_len && net->proto == LSC_PROTO_IPV6) {
		lsc_sb_ipv6(&a, net->u.ipv6.src);
		lsc_sb_ipv6(&b, net->u.ipv6.dst);
	} else if (arp != NULL && arp->cap_len >= arp->hdr_len && arp->u.arp.plen == 4) {
		lsc_sb_ipv4(&a, arp->u.arp.spa);
		lsc_sb_ipv4(&b, arp->u.arp.tpa);
	} else if (eth != NULL && eth->cap_len >= 12) {
		lsc_sb_mac(&a, eth->u.eth.src);
		lsc_sb_mac(&b, eth->u.eth.dst);
	} else {
		lsc_sb_putc(&a, '?');
		lsc_sb_putc(&b, '?');
	}
}

/* The sending program's part: the call and its bytes, or the kernel alone. */
static void app_down(struct lsc_strbuf *b, const struct lsc_frame *f, uint32_t data, bool udp)
{
	unsigned call = f->has_flow ? f->flow.socket_call : LSC_CALL_NONE;
	const char *name = lsc_sock_call_name(call);
	if (data > 0) {
		lsc_sb_puts(b, udp ? "sendto(" : "send(");
		lsc_sb_printf(b, lsc_tr_static("%" PRIu32 " bytes)"), data);
		preview(b, f);
	} else if (call == LSC_CALL_RAW) {
		lsc_sb_puts(b, lsc_tr_static("a raw socket: the program wrote the headers itself"));
	} else if (call == LSC_CALL_CONNECT || call == LSC_CALL_CLOSE || call == LSC_CALL_SHUTDOWN) {
		lsc_sb_printf(b, lsc_tr_static("%s: no data; the kernel sends a header alone"), name);
	} else {
		lsc_sb_puts(b, lsc_tr_static("no call: the kernel sends this on its own"));
	}
}

static void app_up(struct lsc_strbuf *b, uint32_t data, bool udp)
{
	if (data > 0)
		lsc_sb_printf(b, udp ? lsc_tr_static("recvfrom() gets the %" PRIu32 "-byte datagram")
		                     : lsc_tr_static("recv() gets the %" PRIu32 " bytes (in one call or several)"), data);
	else
		lsc_sb_puts(b, lsc_tr_static("nothing for the program: the kernel handles it"));
}

void lsc_stack_rows(struct lsc_stack *s, const struct lsc_frame *f)
{
	struct lsc_strbuf b;
	const struct lsc_layer *own[LSC_MAX_LAYERS];
	unsigned n = 0;
	uint32_t data = 0, total = 0;
	bool udp = false;

	s->n = 0;
	s->wire = f->len;
	s->cooked = 0;
	ends_text(f, s->from, s->to, sizeof s->from);
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		if (l->flags & LSC_LF_QUOTED)
			continue;
		if (l->proto == LSC_PROTO_PAYLOAD) {
			data = l->hdr_len + l->body_len;
			continue;
		}
		if (l->proto == LSC_PROTO_UDP)
			udp = true;
		/* A cooked header is the capture's: the wire never carried it. */
		if ((l->proto == LSC_PROTO_SLL || l->proto == LSC_PROTO_SLL2) && s->wire >= l->hdr_len) {
			s->wire -= l->hdr_len;
			s->cooked = l->hdr_len;
		}
		own[n++] = l;
	}
	const struct lsc_layer *l4 = lsc_frame_transport(f);
	if (l4 != NULL && (l4->proto == LSC_PROTO_TCP || l4->proto == LSC_PROTO_UDP))
		data = l4->proto == LSC_PROTO_TCP ? l4->u.tcp.payload_length : l4->body_len;
	bool sockets = l4 != NULL && (l4->proto == LSC_PROTO_TCP || l4->proto == LSC_PROTO_UDP);

	/* Down the sender: the program, then each header from the top. */
	struct lsc_stack_row *r = row_add(s, LSC_STACK_DOWN, LSC_TCPIP_APPLICATION);
	lsc_sb_init(&b, r->text, sizeof r->text);
	if (sockets)
		app_down(&b, f, data, udp);
	else
		lsc_sb_puts(&b, lsc_tr_static("no program: the kernel's own message"));
	total = data;
	r->bytes = total;
	for (unsigned i = n; i-- > 0;) {
		const struct lsc_layer *l = own[i];
		if ((r = row_add(s, LSC_STACK_DOWN, lsc_layer_tcpip(f, l))) == NULL)
			break;
		total += layer_bytes(f, l);
		r->bytes = total;
		lsc_sb_init(&b, r->text, sizeof r->text);
		header_text(&b, f, l, true);
	}
	/* Up the receiver: each header from the bottom, then the program. */
	for (unsigned i = 0; i < n; i++) {
		const struct lsc_layer *l = own[i];
		if ((r = row_add(s, LSC_STACK_UP, lsc_layer_tcpip(f, l))) == NULL)
			break;
		total = total >= layer_bytes(f, l) ? total - layer_bytes(f, l) : 0;
		r->bytes = total;
		lsc_sb_init(&b, r->text, sizeof r->text);
		header_text(&b, f, l, false);
	}
	if ((r = row_add(s, LSC_STACK_UP, LSC_TCPIP_APPLICATION)) != NULL) {
		r->bytes = data;
		lsc_sb_init(&b, r->text, sizeof r->text);
		if (sockets)
			app_up(&b, data, udp);
		else
			lsc_sb_puts(&b, lsc_tr_static("no program: the kernel reads it"));
	}
}

/* ---- the text format ----------------------------------------------------------- */

#define GROUP_W 18 /* at least; wider when a translation of a group or layer name is */
#define LAYER_W 12
#define BYTES_W 7

struct stack_state {
	struct lsc_text t;
	struct lsc_explainer *explain;
	unsigned width;
	unsigned group_w, layer_w, text_col; /* the columns, fitted to the names in the reader's language */
	struct lsc_stack s;
};

/* The widest of the names a column shows, and a space after it. */
static unsigned column_width(const char *(*name)(unsigned), unsigned least)
{
	unsigned w = least;
	for (unsigned tcpip = LSC_TCPIP_LINK; tcpip <= LSC_TCPIP_APPLICATION; tcpip++) {
		const char *n = name(tcpip);
		size_t cols = lsc_text_cols(n, strlen(n)) + 1;
		if (cols > w)
			w = (unsigned)cols;
	}
	return w;
}

static void *stack_begin(FILE *out, const struct lsc_render_opts *o)
{
	struct stack_state *st = calloc(1, sizeof *st);
	if (st == NULL)
		return NULL;
	lsc_text_init(&st->t, out, o->color);
	st->explain = o->explain;
	st->width = o->width;
	st->group_w = column_width(group_name, GROUP_W);
	st->layer_w = column_width(layer_name, LAYER_W);
	st->text_col = 3 + st->group_w + st->layer_w + BYTES_W + 2;
	return st;
}

static void put_padded(struct lsc_text *t, const char *s, unsigned w)
{
	size_t cols = lsc_text_cols(s, strlen(s));
	lsc_text_puts(t, s);
	lsc_text_spaces(t, cols < w ? (unsigned)(w - cols) : 1u);
}

static void put_row(struct stack_state *st, const struct lsc_stack_row *r, bool first_of_group)
{
	struct lsc_text *t = &st->t;
	char bytes[24];
	lsc_text_puts(t, r->dir == LSC_STACK_DOWN ? " ▼ " : " ▲ ");
	lsc_text_style(t, LSC_SGR_DIM);
	put_padded(t, first_of_group ? r->group : "", st->group_w);
	lsc_text_end(t);
	lsc_text_style(t, lsc_text_layer_sgr(r->tcpip, false));
	put_padded(t, r->layer, st->layer_w);
	lsc_text_end(t);
	snprintf(bytes, sizeof bytes, "%" PRIu32 " B", r->bytes);
	lsc_text_spaces(t, (unsigned)(strlen(bytes) < BYTES_W ? BYTES_W - strlen(bytes) : 0));
	lsc_text_puts(t, bytes);
	lsc_text_puts(t, "  ");
	lsc_text_para(t, r->text, st->text_col, st->width);
}

static void stack_frame(void *state, const struct lsc_frame *f)
{
	struct stack_state *st = state;
	struct lsc_text *t = &st->t;
	struct lsc_stack *s = &st->s;
	char head[160];
	lsc_stack_rows(s, f);

	snprintf(head, sizeof head, lsc_tr_static("Frame %" PRIu64 " · %" PRIu32 " bytes captured"), f->number, f->caplen);
	lsc_text_style(t, LSC_SGR_BOLD);
	lsc_text_puts(t, head);
	lsc_text_end(t);
	lsc_text_putc(t, '\n');
	for (unsigned i = 0; i < s->n; i++) {
		const struct lsc_stack_row *r = &s->rows[i];
		bool first = i == 0 || s->rows[i - 1].dir != r->dir ||
		             strcmp(s->rows[i - 1].group, r->group) != 0;
		if (i == 0 || s->rows[i - 1].dir != r->dir) {
			if (r->dir == LSC_STACK_UP) {
				if (s->cooked != 0)
					snprintf(head, sizeof head, lsc_tr_static(" ═══ the wire: %" PRIu32 " bytes (the %" PRIu32
					                              " B cooked header is the capture's) ═══"), s->wire, s->cooked);
				else
					snprintf(head, sizeof head, lsc_tr_static(" ═══ the wire: %" PRIu32 " bytes ═══"), s->wire);
				lsc_text_style(t, LSC_SGR_BOLD);
				lsc_text_puts(t, head);
				lsc_text_end(t);
				lsc_text_putc(t, '\n');
			}
			snprintf(head, sizeof head,
			         r->dir == LSC_STACK_DOWN ? lsc_tr_static(" sender: %s — down its layers, each adding its header")
			                                  : lsc_tr_static(" receiver: %s — up its layers, each taking its header off"),
			         r->dir == LSC_STACK_DOWN ? s->from : s->to);
			lsc_text_para(t, head, 0, st->width);
		}
		put_row(st, r, first);
	}
	if (st->explain != NULL)
		lsc_text_explain(t, st->explain, f, 3, st->width);
	lsc_text_putc(t, '\n');
	lsc_text_flush(t);
}

static int stack_end(void *state)
{
	lsc_text_flush(&((struct stack_state *)state)->t);
	free(state);
	return 0;
}

const struct lsc_renderer lsc_render_stack = {
	"stack", "each frame crossing the layers: down the sender's, the wire, up the receiver's",
	stack_begin, stack_frame, stack_end, false, true,
};
