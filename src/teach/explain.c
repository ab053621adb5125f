/* SPDX-License-Identifier: BSD-3-Clause */
/* explain.c: the teaching catalogue: which situation a frame shows, and its explanation with the frame's numbers. */
#include <config.h>

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <layerscope/decode.h>
#include <layerscope/teach.h>
#include <layerscope/flow.h>
#include <layerscope/strbuf.h>

#include "../lib/i18n.h"

/*
 * One table, one entry a situation.  A text is one to three sentences,
 * present tense, about this capture, ending with where to read more.
 * {name} placeholders take the frame's own values (see put_value()); a
 * translation keeps them and may move them.  The table's order is the
 * order a frame's explanations are shown in: from the link layer up.
 */
struct ex_entry {
	const char *name;
	const char *text;
};

static const struct ex_entry catalogue[LSC_EX_COUNT] = {
	[LSC_EX_LOOPBACK_MAC] = { "loopback-mac", N_(
		"Both Ethernet addresses are 00:00:00:00:00:00: the frame went through lo, the loopback "
		"interface, which has no network card, so the kernel leaves the link layer's addresses empty. "
		"`layerscope demo --hosts` joins two network namespaces by a virtual cable (veth) whose ends "
		"have real addresses. man 4 veth.") },
	[LSC_EX_LINK_HOP] = { "link-hop", N_(
		"The link layer (Ethernet) moves the frame one hop, from the network card {smac} to {dmac}. "
		"The IP addresses inside stay the same end to end; the MAC addresses change at every router. "
		"RFC 894.") },
	[LSC_EX_COOKED] = { "cooked", N_(
		"No Ethernet header: this was captured on Linux's \"any\" device, which writes a pseudo-header "
		"of its own (the interface, the direction, the link-layer address) in place of each "
		"interface's real one. man 7 packet, pcap-linktype(7).") },
	[LSC_EX_VLAN] = { "vlan", N_(
		"An IEEE 802.1Q tag, VLAN {vlan}, sits between the Ethernet addresses and the type: switches "
		"use it to keep several virtual networks apart on one cable; the hosts' programs never see "
		"it. IEEE 802.1Q.") },
	[LSC_EX_ARP_REQUEST] = { "arp-request", N_(
		"{saddr} wants to send to {daddr} but does not know its Ethernet (MAC) address, so ARP asks "
		"every host on the link at once: the destination ff:ff:ff:ff:ff:ff is the broadcast address. "
		"RFC 826.") },
	[LSC_EX_ARP_REPLY] = { "arp-reply", N_(
		"{saddr} answers with its Ethernet address, {smac}, to the asker alone. The asker keeps it in "
		"its neighbour cache (`ip neigh`) and can now send IP packets to {saddr}. RFC 826.") },
	[LSC_EX_IPV4] = { "ipv4", N_(
		"The network layer (IPv4) carries the sending and the destination host's addresses, {saddr} "
		"→ {daddr}: routers forward the packet by its destination. The TTL ({ttl}) is how many more "
		"routers may pass it on. RFC 791.") },
	[LSC_EX_IPV6] = { "ipv6", N_(
		"The network layer is IPv6: 128-bit addresses ({saddr} → {daddr}), a fixed 40-byte header "
		"with a hop limit ({ttl}) in place of IPv4's TTL, and no header checksum. RFC 8200.") },
	[LSC_EX_PORTS] = { "ports", N_(
		"The client sends to port {svport}, where it expects the server: a server program chooses "
		"its port with bind(). Port {cport} is the client's own, an ephemeral port its kernel "
		"picked. The two ports keep this conversation apart from any other between the same two "
		"hosts. RFC 6335.") },
	[LSC_EX_WELL_KNOWN] = { "well-known-port", N_(
		"Port {port} is the well-known port of {svc}: clients find that service there without being "
		"told. Ports 0 to 1023 are assigned by IANA. RFC 6335, /etc/services.") },
	[LSC_EX_PORT_FTP] = { "port-ftp", N_(
		"Port 21 is FTP's (the file transfer protocol's commands; the files go on a second "
		"connection). Some course texts give FTP port 23: that one is telnet's. RFC 959.") },
	[LSC_EX_PORT_TELNET] = { "port-telnet", N_(
		"Port 23 is telnet's: a remote terminal, every keystroke sent as it is, passwords included. "
		"FTP is port 21, though some course texts give it 23. RFC 854.") },
	[LSC_EX_SYN] = { "syn", N_(
		"The client's connect() sends a SYN from port {cport} to port {svport}: the first of three "
		"segments that open a TCP connection. It carries the client's first sequence number and its "
		"options, such as the MSS. RFC 9293 §3.5.") },
	[LSC_EX_SYN_ACK] = { "syn-ack", N_(
		"The server's kernel answers the SYN by itself with a SYN-ACK: the server program has called "
		"listen() and nothing more; no accept() is needed for this. The half-open connection waits "
		"in listen()'s backlog. RFC 9293 §3.5, man 2 listen.") },
	[LSC_EX_HANDSHAKE_ACK] = { "handshake-ack", N_(
		"This ACK completes the three-way handshake: connect() returns in the client now. On the "
		"server the connection waits, complete, in the accept queue until the program calls "
		"accept(). RFC 9293 §3.5, man 2 accept.") },
	[LSC_EX_DATA] = { "data", N_(
		"Frame {frame} carries {len} bytes from the {from}'s send(): bytes {seq} to {last} of its "
		"stream, numbered from 1 after its SYN. The kernel keeps them until they are acknowledged. "
		"RFC 9293 §3.4.") },
	[LSC_EX_PURE_ACK] = { "pure-ack", N_(
		"An ACK with no data, sent by the {from}'s kernel on its own (no program call causes it): "
		"\"I have every byte before {ack}\". RFC 9293 §3.4.") },
	[LSC_EX_BYTE_STREAM] = { "byte-stream", N_(
		"{len} bytes arrive in one segment, but TCP keeps no message boundaries: recv() returns "
		"what has arrived, up to the size it asks for. The exercise's client, calling recv(16), "
		"gets these as {reads}. man 2 recv.") },
	[LSC_EX_MSS_SPLIT] = { "mss-split", N_(
		"Frame {frame} carries {len} bytes, as much as one segment may: the {to} announced an MSS "
		"(maximum segment size) of {mss} bytes in its SYN, so the kernel cuts a larger send() into "
		"segments of at most that, less the TCP options each carries. RFC 9293 §3.7.1.") },
	[LSC_EX_FIN] = { "fin", N_(
		"The {from}'s {call} sends a FIN: it has no more bytes to send. Only its direction is closed "
		"so far; the {to} may still send until it closes too. RFC 9293 §3.6.") },
	[LSC_EX_HALF_CLOSE] = { "half-close", N_(
		"The {to} has sent its FIN, and the {from} still sends data: a half-close. A FIN closes one "
		"direction only; shutdown(SHUT_WR) asks for exactly that. RFC 9293 §3.6.1, man 2 shutdown.") },
	[LSC_EX_SECOND_FIN] = { "second-fin", N_(
		"The {from}'s {call} sends its FIN too. A teardown takes four steps, a FIN and its ACK in "
		"each direction; an ACK and a FIN may share one segment. RFC 9293 §3.6.") },
	[LSC_EX_TIME_WAIT] = { "time-wait", N_(
		"The last ACK of the teardown. The {waiter} closed first, so its socket now waits in "
		"TIME_WAIT for twice the maximum segment lifetime (2×MSL, 60 s on Linux): no late segment of "
		"this connection can be taken for part of a new one on the same ports. RFC 9293 §3.6.") },
	[LSC_EX_RST_REFUSED] = { "rst-refused", N_(
		"Nothing listens on port {svport}, so the server host's kernel answers the SYN with a RST: "
		"connect() fails with ECONNREFUSED, \"Connection refused\". RFC 9293 §3.5.2, man 2 connect.") },
	[LSC_EX_RST_RAW] = { "rst-raw", N_(
		"The client host's kernel answers the SYN-ACK with a RST: none of its sockets asked for this "
		"connection. The SYN was built by hand on a raw socket (as `layerscope craft` does), not by "
		"connect(), so the kernel knows nothing of it. RFC 9293 §3.5.2.") },
	[LSC_EX_RST] = { "rst", N_(
		"A RST ends the connection at once, without the four-step teardown: bytes not yet read are "
		"lost, and the other program's next call fails with ECONNRESET. RFC 9293 §3.5.2.") },
	[LSC_EX_NO_ACK] = { "no-ack", N_(
		"A segment without the ACK flag, and no SYN or RST either: no kernel's TCP sends one, since "
		"every segment after the SYN carries ACK. A program built it on a raw socket, as a port "
		"scan's probe is built, and the receiving kernel drops it. RFC 9293 §3.4, §3.10.7.4.") },
	[LSC_EX_RETRANSMISSION] = { "retransmission", N_(
		"Frame {frame} sends again the bytes of frame {ref}: no ACK for them came back within the "
		"retransmission timeout (RTO, 200 ms at least on Linux), so the {from}'s kernel sends them "
		"again. The program knows nothing of it. RFC 6298, RFC 9293 §3.8.1.") },
	[LSC_EX_DUP_ACK] = { "duplicate-ack", N_(
		"A duplicate ACK: the {from} acknowledges byte {ack} again, because a later segment arrived "
		"while an earlier one is missing. Three of them make the {to} send the missing bytes at "
		"once, without waiting for the timeout (fast retransmit). RFC 5681 §3.2.") },
	[LSC_EX_ZERO_WINDOW] = { "zero-window", N_(
		"The {from} advertises a receive window of 0: its buffer is full, because its program has "
		"not called recv() to take the bytes, and the {to} must stop sending until it opens. RFC "
		"9293 §3.8.6.") },
	[LSC_EX_WINDOW_UPDATE] = { "window-update", N_(
		"A window update: the {from}'s program took bytes with recv(), room came free in its buffer, "
		"and its kernel tells the {to} it may send again (window {win}). RFC 9293 §3.8.6.") },
	[LSC_EX_UDP] = { "udp", N_(
		"UDP: no handshake, no acknowledgement, no teardown. sendto() puts this one datagram of "
		"{len} bytes on the wire, and that is all: if it is lost, nothing tells either program and "
		"nothing sends it again. RFC 768.") },
	[LSC_EX_ICMP_PORT_UNREACH] = { "icmp-port-unreachable", N_(
		"Nothing listens on UDP port {qport} of {saddr}, so its kernel answers with ICMP \"port "
		"unreachable\", quoting the start of the datagram; on a connected socket the sender's next "
		"call fails with ECONNREFUSED. RFC 792, RFC 1122 §4.1.3.1.") },
	[LSC_EX_CSUM_OFFLOAD] = { "checksum-offload", N_(
		"The checksum shows as unverified (offload): on lo, on veth and on cards that compute "
		"checksums in hardware, the capture sees the frame before the field is filled in. It is not an error. "
		"man 8 ethtool (tx-checksumming).") },
	[LSC_EX_CALL_INFERRED] = { "call-inferred", N_(
		"The socket call named after a frame ({call} here) is inferred from the wire: it is the call "
		"that makes a kernel send such a segment. A capture does not see programs; `layerscope "
		"demo` shows the calls themselves. man 2 socket.") },
	[LSC_EX_CALL_OBSERVED] = { "call-observed", N_(
		"The lines without a frame number are the calls the programs made (observed, as strace "
		"shows them); each frame after a call is what the kernel sent because of it. {call} sent "
		"frame {frame}. man 2 socket.") },
	[LSC_EX_HISTORY] = { "history", N_(
		"History {history}: {letters}. Upper case is the client, lower case the server; each letter "
		"is written the first time that end sends such a segment (Zeek's conn.log). docs/flow.md.") },
};

/* Well-known ports with a service name, for LSC_EX_WELL_KNOWN (21 and 23 have their own). */
static const struct { uint16_t port; const char *svc; } services[] = {
	{ 7, N_("echo") }, { 9, N_("discard") }, { 20, N_("FTP data") }, { 22, N_("SSH") }, { 25, N_("SMTP (mail)") }, { 53, N_("DNS") },
	{ 67, N_("DHCP") }, { 68, N_("DHCP") }, { 80, N_("HTTP (the web)") }, { 110, N_("POP3 (mail)") },
	{ 123, N_("NTP (time)") }, { 143, N_("IMAP (mail)") }, { 443, N_("HTTPS (the web, encrypted)") },
};

/* The history letters (docs/flow.md), upper case; the end is said apart. */
static const struct { char letter; const char *what; } history_letters[] = {
	{ 'S', N_("SYN") }, { 'H', N_("SYN-ACK") }, { 'A', N_("pure ACK") }, { 'D', N_("data") },
	{ 'F', N_("FIN") }, { 'R', N_("RST") }, { 'T', N_("retransmission") }, { 'W', N_("zero window") },
	{ 'G', N_("data after a gap") }, { 'C', N_("bad checksum") }, { 'Q', N_("SYN with FIN or RST") },
};

#define CONV_SLOTS 1024 /* a power of two: recent conversations, direct-mapped by id */

/* What the explainer remembers of a conversation, for the explanations that need its past. */
struct ex_conv {
	uint32_t id;
	uint8_t last_event;    /* the event of its previous frame */
	uint8_t first_fin_dir; /* who closed first */
	uint16_t mss[2];       /* announced in each end's SYN: [0] the client's */
};

struct lsc_explainer {
	enum lsc_explain_mode mode;
	atomic_bool on;
	bool observed;
	bool seen[LSC_EX_COUNT];
	struct ex_conv conv[CONV_SLOTS];
};

/* The values a template can name, for one frame. */
struct ex_vals {
	const struct lsc_frame *f;
	const char *from, *to, *waiter, *svc, *call, *reader;
	char saddr[LSC_ADDRSTRLEN], daddr[LSC_ADDRSTRLEN], smac[24], dmac[24];
	uint64_t frame, ref, len, bytes;
	uint32_t seq, last, ack, win, mss, ttl, vlan, port, qport, cport, svport;
	char reads[96], history[LSC_FLOW_HISTORY_MAX + 1], letters[512];
};

int lsc_teach_parse_mode(const char *s, enum lsc_explain_mode *out)
{
	static const char *const names[] = { "none", "first", "all" };
	for (unsigned i = 0; i < 3; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum lsc_explain_mode)i;
			return 0;
		}
	return -1;
}

const char *lsc_teach_name(unsigned id)
{
	return id < LSC_EX_COUNT ? catalogue[id].name : NULL;
}

const char *lsc_teach_template(unsigned id)
{
	return id < LSC_EX_COUNT ? catalogue[id].text : NULL;
}

struct lsc_explainer *lsc_teach_new(enum lsc_explain_mode mode)
{
	struct lsc_explainer *e = calloc(1, sizeof *e);
	if (e == NULL)
		return NULL;
	e->mode = mode;
	atomic_init(&e->on, mode != LSC_EXPLAIN_NONE);
	return e;
}

void lsc_teach_free(struct lsc_explainer *e)
{
	free(e);
}

enum lsc_explain_mode lsc_teach_mode(const struct lsc_explainer *e)
{
	return e != NULL ? e->mode : LSC_EXPLAIN_NONE;
}

void lsc_teach_set_on(struct lsc_explainer *e, bool on)
{
	if (e != NULL)
		atomic_store_explicit(&e->on, on && e->mode != LSC_EXPLAIN_NONE, memory_order_relaxed);
}

bool lsc_teach_is_on(const struct lsc_explainer *e)
{
	return e != NULL && atomic_load_explicit(&((struct lsc_explainer *)e)->on, memory_order_relaxed);
}

void lsc_teach_set_observed(struct lsc_explainer *e, bool observed)
{
	if (e != NULL)
		e->observed = observed;
}

/* ---- filling a template ----------------------------------------------------- */

static void put_value(struct lsc_strbuf *b, const struct ex_vals *v, const char *name, size_t n)
{
#define IS(s) (n == sizeof(s) - 1 && memcmp(name, s, n) == 0)
	const char *s = NULL;
	bool num = true;
	uint64_t x = 0;
	if (IS("frame")) x = v->frame;
	else if (IS("ref")) x = v->ref;
	else if (IS("len")) x = v->len;
	else if (IS("bytes")) x = v->bytes;
	else if (IS("seq")) x = v->seq;
	else if (IS("last")) x = v->last;
	else if (IS("ack")) x = v->ack;
	else if (IS("win")) x = v->win;
	else if (IS("mss")) x = v->mss;
	else if (IS("ttl")) x = v->ttl;
	else if (IS("vlan")) x = v->vlan;
	else if (IS("port")) x = v->port;
	else if (IS("qport")) x = v->qport;
	else if (IS("cport")) x = v->cport;
	else if (IS("svport")) x = v->svport;
	else {
		num = false;
		if (IS("from")) s = v->from;
		else if (IS("to")) s = v->to;
		else if (IS("waiter")) s = v->waiter;
		else if (IS("svc")) s = v->svc != NULL ? _(v->svc) : NULL;
		else if (IS("call")) s = v->call;
		else if (IS("reader")) s = v->reader;
		else if (IS("saddr")) s = v->saddr;
		else if (IS("daddr")) s = v->daddr;
		else if (IS("smac")) s = v->smac;
		else if (IS("dmac")) s = v->dmac;
		else if (IS("reads")) s = v->reads;
		else if (IS("history")) s = v->history;
		else if (IS("letters")) s = v->letters;
	}
#undef IS
	if (num)
		lsc_sb_u64(b, x);
	else
		lsc_sb_puts(b, s != NULL && *s != '\0' ? s : "?");
}

/* The template with its {names} replaced by the frame's values. */
static void fill(struct lsc_strbuf *b, const char *tpl, const struct ex_vals *v)
{
	const char *p = tpl;
	while (*p != '\0') {
		const char *open = strchr(p, '{');
		const char *close = open != NULL ? strchr(open, '}') : NULL;
		if (close == NULL) {
			lsc_sb_puts(b, p);
			return;
		}
		lsc_sb_putn(b, p, (size_t)(open - p));
		put_value(b, v, open + 1, (size_t)(close - open - 1));
		p = close + 1;
	}
}

static bool due(struct lsc_explainer *e, unsigned id)
{
	return e->mode == LSC_EXPLAIN_ALL || !e->seen[id];
}

static unsigned say(struct lsc_explainer *e, unsigned id, const struct ex_vals *v, lsc_teach_fn fn,
                    void *ctx)
{
	char text[1024];
	struct lsc_strbuf b;
	if (!due(e, id))
		return 0;
	e->seen[id] = true;
	lsc_sb_init(&b, text, sizeof text);
	fill(&b, _(catalogue[id].text), v);
	fn(ctx, id, text);
	return 1;
}

/* ---- what a frame shows ------------------------------------------------------ */

static void addr_text(char *dst, size_t cap, unsigned family, const uint8_t *a)
{
	struct lsc_strbuf b;
	lsc_sb_init(&b, dst, cap);
	if (family == 6)
		lsc_sb_ipv6(&b, a);
	else
		lsc_sb_ipv4(&b, a);
}

static void mac_text(char *dst, size_t cap, const uint8_t *m)
{
	struct lsc_strbuf b;
	lsc_sb_init(&b, dst, cap);
	lsc_sb_mac(&b, m);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static const char *side_word(unsigned dir, bool sender)
{
	if (dir == LSC_FLOW_DIR_NONE)
		return NULL;
	return (dir == LSC_FLOW_C2S) == sender ? _("client") : _("server");
}

/* The conversation's memory; *fresh says this is its first frame (or it was forgotten). */
static struct ex_conv *conv_slot(struct lsc_explainer *e, uint32_t id, bool *fresh)
{
	struct ex_conv *c = &e->conv[id & (CONV_SLOTS - 1)];
	*fresh = c->id != id;
	if (*fresh) {
		memset(c, 0, sizeof *c);
		c->id = id;
	}
	return c;
}

/* The MSS option of a TCP header, or 0. */
static uint16_t tcp_mss(const struct lsc_frame *f, const struct lsc_tcp *t)
{
	for (unsigned i = t->opt_first; i < (unsigned)t->opt_first + t->opt_count && i < f->ntcp_opts; i++) {
		const struct lsc_tcp_opt *o = &f->tcp_opts[i];
		if (o->kind == LSC_TCPOPT_MSS && !o->bad && o->nvals > 0)
			return (uint16_t)o->v[0];
	}
	return 0;
}

/* "16 + 16 + 8": `total` bytes read `chunk` at a time; a long run as "16 + 16 + … + 16 + 4 (35 calls)". */
static void reads_text(char *dst, size_t cap, uint64_t total, uint32_t chunk)
{
	struct lsc_strbuf b;
	uint64_t full = total / chunk, rem = total % chunk, calls = full + (rem != 0);
	lsc_sb_init(&b, dst, cap);
	if (calls <= 6) {
		for (uint64_t i = 0; i < calls; i++) {
			if (i > 0)
				lsc_sb_puts(&b, " + ");
			lsc_sb_u64(&b, i < full ? chunk : rem);
		}
		return;
	}
	lsc_sb_printf(&b, "%" PRIu32 " + %" PRIu32 " + … + %" PRIu32, chunk, chunk, chunk);
	if (rem != 0)
		lsc_sb_printf(&b, " + %" PRIu64, rem);
	lsc_sb_printf(&b, " (%" PRIu64 " %s)", calls, _("calls"));
}

static const char *service(uint16_t port)
{
	for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
		if (services[i].port == port)
			return services[i].svc;
	return NULL;
}

#define EXPLAIN_BYTE_STREAM_CHUNK 16 /* the exercise client's recv() size */

static unsigned explain_ports(struct lsc_explainer *e, struct ex_vals *v, uint16_t sp, uint16_t dp,
                              lsc_teach_fn fn, void *ctx)
{
	unsigned n = 0;
	uint16_t ports[2] = { dp, sp };
	for (unsigned i = 0; i < 2; i++) {
		if (ports[i] == 21)
			n += say(e, LSC_EX_PORT_FTP, v, fn, ctx);
		else if (ports[i] == 23)
			n += say(e, LSC_EX_PORT_TELNET, v, fn, ctx);
		else if ((v->svc = service(ports[i])) != NULL) {
			v->port = ports[i];
			n += say(e, LSC_EX_WELL_KNOWN, v, fn, ctx);
		}
	}
	return n;
}

static unsigned explain_link(struct lsc_explainer *e, const struct lsc_frame *f, struct ex_vals *v,
                             lsc_teach_fn fn, void *ctx)
{
	unsigned n = 0;
	const struct lsc_layer *eth = lsc_frame_find(f, LSC_PROTO_ETH);
	const struct lsc_layer *vlan = lsc_frame_find(f, LSC_PROTO_VLAN);
	const struct lsc_layer *arp = lsc_frame_find(f, LSC_PROTO_ARP);
	if (lsc_frame_find(f, LSC_PROTO_SLL) != NULL || lsc_frame_find(f, LSC_PROTO_SLL2) != NULL)
		n += say(e, LSC_EX_COOKED, v, fn, ctx);
	if (eth != NULL && eth->cap_len >= 12) {
		mac_text(v->smac, sizeof v->smac, eth->u.eth.src);
		mac_text(v->dmac, sizeof v->dmac, eth->u.eth.dst);
		if (all_zero(eth->u.eth.src, 6) && all_zero(eth->u.eth.dst, 6))
			n += say(e, LSC_EX_LOOPBACK_MAC, v, fn, ctx);
		else if (arp == NULL)
			n += say(e, LSC_EX_LINK_HOP, v, fn, ctx);
	}
	if (vlan != NULL && vlan->cap_len >= vlan->hdr_len) {
		v->vlan = vlan->u.vlan.id;
		n += say(e, LSC_EX_VLAN, v, fn, ctx);
	}
	if (arp != NULL && arp->cap_len >= arp->hdr_len && arp->u.arp.plen == 4 && arp->u.arp.hlen == 6) {
		addr_text(v->saddr, sizeof v->saddr, 4, arp->u.arp.spa);
		addr_text(v->daddr, sizeof v->daddr, 4, arp->u.arp.tpa);
		mac_text(v->smac, sizeof v->smac, arp->u.arp.sha);
		if (arp->u.arp.op == 1)
			n += say(e, LSC_EX_ARP_REQUEST, v, fn, ctx);
		else if (arp->u.arp.op == 2)
			n += say(e, LSC_EX_ARP_REPLY, v, fn, ctx);
	}
	return n;
}

static unsigned explain_network(struct lsc_explainer *e, const struct lsc_layer *net, struct ex_vals *v,
                                lsc_teach_fn fn, void *ctx)
{
	if (net == NULL || net->cap_len < net->hdr_len)
		return 0;
	if (net->proto == LSC_PROTO_IPV4) {
		addr_text(v->saddr, sizeof v->saddr, 4, net->u.ipv4.src);
		addr_text(v->daddr, sizeof v->daddr, 4, net->u.ipv4.dst);
		v->ttl = net->u.ipv4.ttl;
		return say(e, LSC_EX_IPV4, v, fn, ctx);
	}
	addr_text(v->saddr, sizeof v->saddr, 6, net->u.ipv6.src);
	addr_text(v->daddr, sizeof v->daddr, 6, net->u.ipv6.dst);
	v->ttl = net->u.ipv6.hop_limit;
	return say(e, LSC_EX_IPV6, v, fn, ctx);
}

/* Any checksum of the frame's own layers left as offload leaves it. */
static bool offloaded(const struct lsc_frame *f)
{
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		if (l->flags & LSC_LF_QUOTED)
			continue;
		uint8_t c = l->proto == LSC_PROTO_IPV4 ? l->u.ipv4.csum
		          : l->proto == LSC_PROTO_TCP  ? l->u.tcp.csum
		          : l->proto == LSC_PROTO_UDP  ? l->u.udp.csum
		          : l->proto == LSC_PROTO_ICMP || l->proto == LSC_PROTO_ICMPV6 ? l->u.icmp.csum
		          : LSC_CSUM_UNKNOWN;
		if (c == LSC_CSUM_OFFLOAD)
			return true;
	}
	return false;
}

/* ICMP port unreachable: the quoted UDP header's destination port. */
static unsigned explain_icmp(struct lsc_explainer *e, const struct lsc_frame *f, const struct lsc_layer *l4,
                             struct ex_vals *v, lsc_teach_fn fn, void *ctx)
{
	bool unreach = (l4->proto == LSC_PROTO_ICMP && l4->u.icmp.type == 3 && l4->u.icmp.code == 3) ||
	               (l4->proto == LSC_PROTO_ICMPV6 && l4->u.icmp.type == 1 && l4->u.icmp.code == 4);
	if (!unreach)
		return 0;
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *q = &f->layers[i];
		if ((q->flags & LSC_LF_QUOTED) && q->proto == LSC_PROTO_UDP && q->cap_len >= 4)
			v->qport = q->u.udp.dport;
	}
	if (v->qport == 0)
		return 0;
	return say(e, LSC_EX_ICMP_PORT_UNREACH, v, fn, ctx);
}

static unsigned explain_tcp(struct lsc_explainer *e, const struct lsc_frame *f, const struct lsc_layer *l4,
                            struct ex_vals *v, lsc_teach_fn fn, void *ctx)
{
	const struct lsc_flow_ann *a = &f->flow;
	const struct lsc_tcp *t = &l4->u.tcp;
	bool fresh;
	struct ex_conv *c = conv_slot(e, a->id, &fresh);
	unsigned n = 0, side = a->dir == LSC_FLOW_S2C ? 1 : 0;
	uint8_t prev = c->last_event;
	c->last_event = a->event;

	if (t->flags & LSC_TCP_SYN) {
		uint16_t mss = tcp_mss(f, t);
		if (mss != 0)
			c->mss[side] = mss;
	}
	if ((t->flags & LSC_TCP_FIN) && c->first_fin_dir == 0)
		c->first_fin_dir = a->dir;
	v->waiter = side_word(c->first_fin_dir, true);
	v->mss = c->mss[side ^ 1];

	/* The ports at the conversation's start: its SYN, or its first frame seen mid-stream. */
	if (a->event == LSC_EV_SYN)
		n += say(e, LSC_EX_PORTS, v, fn, ctx);
	if (a->event == LSC_EV_SYN || (fresh && a->event != LSC_EV_SYN_ACK))
		n += explain_ports(e, v, t->sport, t->dport, fn, ctx);
	switch (a->event) {
	case LSC_EV_SYN:
		n += say(e, LSC_EX_SYN, v, fn, ctx);
		break;
	case LSC_EV_SYN_ACK:
		n += say(e, LSC_EX_SYN_ACK, v, fn, ctx);
		break;
	case LSC_EV_HANDSHAKE_ACK:
		n += say(e, LSC_EX_HANDSHAKE_ACK, v, fn, ctx);
		break;
	case LSC_EV_RST:
		if (a->dir == LSC_FLOW_S2C && prev == LSC_EV_SYN)
			n += say(e, LSC_EX_RST_REFUSED, v, fn, ctx);
		else if (a->dir == LSC_FLOW_C2S && prev == LSC_EV_SYN_ACK)
			n += say(e, LSC_EX_RST_RAW, v, fn, ctx);
		else
			n += say(e, LSC_EX_RST, v, fn, ctx);
		break;
	case LSC_EV_RETRANSMISSION:
		n += say(e, LSC_EX_RETRANSMISSION, v, fn, ctx);
		break;
	case LSC_EV_DUP_ACK:
		n += say(e, LSC_EX_DUP_ACK, v, fn, ctx);
		break;
	case LSC_EV_ZERO_WINDOW:
		n += say(e, LSC_EX_ZERO_WINDOW, v, fn, ctx);
		break;
	case LSC_EV_WINDOW_UPDATE:
		n += say(e, LSC_EX_WINDOW_UPDATE, v, fn, ctx);
		break;
	case LSC_EV_ACK:
		if (a->step_kind == LSC_STEP_TEARDOWN && a->step == a->step_total)
			n += say(e, LSC_EX_TIME_WAIT, v, fn, ctx);
		else if (t->payload_length == 0)
			n += say(e, LSC_EX_PURE_ACK, v, fn, ctx);
		break;
	case LSC_EV_NO_ACK:
		n += say(e, LSC_EX_NO_ACK, v, fn, ctx);
		break;
	case LSC_EV_FIN:
		n += say(e, c->first_fin_dir == a->dir ? LSC_EX_FIN : LSC_EX_SECOND_FIN, v, fn, ctx);
		break;
	case LSC_EV_DATA:
		if (a->step_kind == LSC_STEP_TEARDOWN && c->first_fin_dir != 0 && c->first_fin_dir != a->dir)
			n += say(e, LSC_EX_HALF_CLOSE, v, fn, ctx);
		n += say(e, LSC_EX_DATA, v, fn, ctx);
		if (v->mss != 0 && v->len <= v->mss && v->len + (t->data_offset > 20 ? t->data_offset - 20u : 0) >= v->mss)
			n += say(e, LSC_EX_MSS_SPLIT, v, fn, ctx);
		/* The client is the reader with the small recv() in the exercise. */
		if (!e->observed && a->dir == LSC_FLOW_S2C && v->len > EXPLAIN_BYTE_STREAM_CHUNK) {
			reads_text(v->reads, sizeof v->reads, v->len, EXPLAIN_BYTE_STREAM_CHUNK);
			n += say(e, LSC_EX_BYTE_STREAM, v, fn, ctx);
		}
		break;
	default:
		break;
	}
	return n;
}

unsigned lsc_teach_frame(struct lsc_explainer *e, const struct lsc_frame *f, lsc_teach_fn fn, void *ctx)
{
	struct ex_vals v;
	const struct lsc_layer *net, *l4;
	unsigned n = 0;
	if (!lsc_teach_is_on(e))
		return 0;
	memset(&v, 0, sizeof v);
	v.f = f;
	v.frame = f->number;
	lsc_frame_own_layers(f, &net, &l4);

	n += explain_link(e, f, &v, fn, ctx);
	n += explain_network(e, net, &v, fn, ctx);
	if (l4 != NULL && (l4->proto == LSC_PROTO_ICMP || l4->proto == LSC_PROTO_ICMPV6) &&
	    l4->cap_len >= 4)
		n += explain_icmp(e, f, l4, &v, fn, ctx);
	if (f->has_flow && l4 != NULL) {
		const struct lsc_flow_ann *a = &f->flow;
		v.from = side_word(a->dir, true);
		v.to = side_word(a->dir, false);
		v.call = lsc_sock_call_name(a->socket_call);
		v.ref = a->ref_frame;
		v.seq = a->rel_seq;
		v.ack = a->rel_ack;
		if (l4->proto == LSC_PROTO_TCP) {
			uint16_t sp = l4->u.tcp.sport, dp = l4->u.tcp.dport;
			v.cport = a->dir == LSC_FLOW_S2C ? dp : sp;
			v.svport = a->dir == LSC_FLOW_S2C ? sp : dp;
			v.len = l4->u.tcp.payload_length;
			v.last = a->rel_seq + (uint32_t)v.len - 1;
			v.win = l4->u.tcp.window;
			n += explain_tcp(e, f, l4, &v, fn, ctx);
		} else if (l4->proto == LSC_PROTO_UDP) {
			uint16_t sp = l4->u.udp.sport, dp = l4->u.udp.dport;
			v.cport = a->dir == LSC_FLOW_S2C ? dp : sp;
			v.svport = a->dir == LSC_FLOW_S2C ? sp : dp;
			v.len = l4->body_len;
			if (a->dir == LSC_FLOW_C2S && a->ref_frame == 0) {
				n += say(e, LSC_EX_PORTS, &v, fn, ctx);
				n += explain_ports(e, &v, sp, dp, fn, ctx);
			}
			n += say(e, LSC_EX_UDP, &v, fn, ctx);
		}
		/* The demo sees the calls; the tracker marks its own guesses as inferred. */
		unsigned sc = a->socket_call;
		bool program = sc == LSC_CALL_CONNECT || sc == LSC_CALL_SEND || sc == LSC_CALL_RECV ||
		               sc == LSC_CALL_CLOSE || sc == LSC_CALL_SHUTDOWN || sc == LSC_CALL_SENDTO;
		if (program && e->observed)
			n += say(e, LSC_EX_CALL_OBSERVED, &v, fn, ctx);
		else if (program && a->call_source == LSC_CALL_INFERRED)
			n += say(e, LSC_EX_CALL_INFERRED, &v, fn, ctx);
	}
	if (offloaded(f))
		n += say(e, LSC_EX_CSUM_OFFLOAD, &v, fn, ctx);
	return n;
}

unsigned lsc_teach_reads(struct lsc_explainer *e, const char *reader, uint64_t frame,
                           unsigned segments, uint64_t bytes, const uint32_t *reads,
                           unsigned nreads, lsc_teach_fn fn, void *ctx)
{
	struct ex_vals v;
	struct lsc_strbuf b;
	if (!lsc_teach_is_on(e) || nreads == 0)
		return 0;
	memset(&v, 0, sizeof v);
	v.reader = reader;
	v.frame = frame;
	v.bytes = bytes;
	v.len = segments;
	lsc_sb_init(&b, v.reads, sizeof v.reads);
	for (unsigned i = 0; i < nreads; i++) {
		if (i > 0)
			lsc_sb_puts(&b, " + ");
		lsc_sb_u64(&b, reads[i]);
	}
	/* Said with the reads' own numbers: the one-segment wording of the frame-based text would not fit. */
	static const char one[] = N_(
		"{bytes} bytes arrived in one segment (frame {frame}); {reader} read them as {reads}: recv() "
		"returns what has arrived, up to the size it asks for. TCP carries a stream of bytes, not "
		"messages. man 2 recv.");
	static const char many[] = N_(
		"{bytes} bytes arrived in {len} segments (the last in frame {frame}); {reader} read them as "
		"{reads}: recv() returns what has arrived, up to the size it asks for. TCP carries a stream "
		"of bytes, not messages. man 2 recv.");
	if (!due(e, LSC_EX_BYTE_STREAM))
		return 0;
	e->seen[LSC_EX_BYTE_STREAM] = true;
	char text[1024];
	lsc_sb_init(&b, text, sizeof text);
	fill(&b, segments == 1 ? _(one) : _(many), &v);
	fn(ctx, LSC_EX_BYTE_STREAM, text);
	return 1;
}

unsigned lsc_teach_history(struct lsc_explainer *e, const char *history, lsc_teach_fn fn, void *ctx)
{
	struct ex_vals v;
	struct lsc_strbuf b;
	if (!lsc_teach_is_on(e) || history == NULL || *history == '\0')
		return 0;
	memset(&v, 0, sizeof v);
	snprintf(v.history, sizeof v.history, "%s", history);
	lsc_sb_init(&b, v.letters, sizeof v.letters);
	for (const char *p = history; *p != '\0'; p++) {
		char up = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
		const char *what = NULL;
		for (size_t i = 0; i < sizeof history_letters / sizeof history_letters[0]; i++)
			if (history_letters[i].letter == up)
				what = history_letters[i].what;
		if (p != history)
			lsc_sb_puts(&b, ", ");
		lsc_sb_putc(&b, *p);
		lsc_sb_putc(&b, ' ');
		if (*p == '^') {
			lsc_sb_puts(&b, _("client guessed from the ports"));
			continue;
		}
		lsc_sb_puts(&b, up == *p ? _("client") : _("server"));
		lsc_sb_putc(&b, ' ');
		lsc_sb_puts(&b, what != NULL ? _(what) : "?");
	}
	return say(e, LSC_EX_HISTORY, &v, fn, ctx);
}
