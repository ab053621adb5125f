/* SPDX-License-Identifier: BSD-3-Clause */
/* quiz.c: questions a teacher asks about a capture, generated from its tracked conversations, never written per file. */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <layerscope/calls.h>
#include <layerscope/flow.h>
#include <layerscope/quiz.h>
#include <layerscope/report.h>

#include "../lib/i18n.h"

/* The kinds, in the order a sockets course meets them (TEACHING.md). */
enum kind {
	K_CLIENT_ADDRESS,
	K_EPHEMERAL_PORT,
	K_CONVERSATIONS,
	K_MAC_LAYER,
	K_IP_LAYER,
	K_SERVICE_PORT,
	K_SYN_ACK,
	K_HANDSHAKE,
	K_RECV_BYTES,
	K_REFUSED,
	K_RETRANSMISSION,
	K_UDP_UNANSWERED,
	K_TEARDOWN,
	K_COUNT
};

static const char *const kind_names[K_COUNT] = {
	"client-address", "ephemeral-port", "conversations", "mac-layer", "ip-layer", "service-port",
	"syn-ack-before-accept", "handshake-complete", "recv-bytes", "refused", "retransmission",
	"udp-unanswered", "teardown-start",
};

const char *lsc_quiz_kind_name(unsigned kind)
{
	return kind < K_COUNT ? kind_names[kind] : NULL;
}

unsigned lsc_quiz_kind_count(void)
{
	return K_COUNT;
}

#define UDP_KEPT 32 /* client datagrams remembered, to find the one no reply answered */

/* What the questions need of one conversation. */
struct qconv {
	uint32_t id;
	uint8_t ipproto, family;
	bool have_ends;
	char client[INET6_ADDRSTRLEN], server[INET6_ADDRSTRLEN];
	uint16_t cport, sport;
	uint64_t first_frame, syn, syn_ack, hs_ack, rst, fin;
	uint8_t fin_dir;
	uint64_t data, retrans, retrans_of;
	uint32_t data_len, retrans_seq;
	bool retrans_syn; /* the segment sent again is a SYN nobody answered */
	bool answered;       /* UDP: the server sent a datagram back */
	uint32_t recv_bytes; /* the server's first recv() of it, from .calls; 0: unknown */
	int recv_fd;
	unsigned recv_ask;
};

/* A client datagram and whether a reply came. */
struct qdgram {
	uint64_t frame;
	uint32_t conv;
	bool answered;
};

/* The server's accept() lines of a .calls file: the descriptor that serves a client port. */
struct qaccept {
	int fd;
	uint16_t cport;
	bool done; /* its first recv() was taken */
};

struct lsc_quiz {
	struct qconv conv[LSC_QUIZ_MAX_CONVS];
	uint32_t nconv;
	uint32_t max_id;
	uint64_t max_id_frame;
	uint16_t max_id_port;
	uint64_t frames;
	/* the first frame of a conversation with an Ethernet header, and its addresses */
	uint64_t eth_frame;
	char eth_src[18], eth_dst[18];
	/* the first frame of a conversation, for the network layer */
	uint64_t ip_frame;
	uint8_t ip_family;
	char ip_dst[INET6_ADDRSTRLEN];
	struct qdgram dg[UDP_KEPT];
	uint32_t ndg;
	struct qaccept acc[LSC_QUIZ_MAX_CONVS];
	uint32_t nacc;
};

struct lsc_quiz *lsc_quiz_new(void)
{
	return calloc(1, sizeof(struct lsc_quiz));
}

void lsc_quiz_free(struct lsc_quiz *q)
{
	free(q);
}

static struct qconv *conv_of(struct lsc_quiz *q, uint32_t id)
{
	for (uint32_t i = 0; i < q->nconv; i++)
		if (q->conv[i].id == id)
			return &q->conv[i];
	if (q->nconv == LSC_QUIZ_MAX_CONVS)
		return NULL;
	struct qconv *c = &q->conv[q->nconv++];
	memset(c, 0, sizeof *c);
	c->id = id;
	return c;
}

static void addr_text(char *buf, const struct lsc_layer *net, bool src)
{
	if (net->proto == LSC_PROTO_IPV4)
		inet_ntop(AF_INET, src ? net->u.ipv4.src : net->u.ipv4.dst, buf, INET6_ADDRSTRLEN);
	else
		inet_ntop(AF_INET6, src ? net->u.ipv6.src : net->u.ipv6.dst, buf, INET6_ADDRSTRLEN);
}

static void mac_text(char *buf, const uint8_t *m)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* The ends of a conversation, from a frame the client sent (or the server, swapped). */
static void learn_ends(struct qconv *c, const struct lsc_frame *f, const struct lsc_layer *net,
                       const struct lsc_layer *l4)
{
	bool c2s = f->flow.dir == LSC_FLOW_C2S;
	uint16_t sp = l4->proto == LSC_PROTO_TCP ? l4->u.tcp.sport : l4->u.udp.sport;
	uint16_t dp = l4->proto == LSC_PROTO_TCP ? l4->u.tcp.dport : l4->u.udp.dport;
	addr_text(c->client, net, c2s);
	addr_text(c->server, net, !c2s);
	c->cport = c2s ? sp : dp;
	c->sport = c2s ? dp : sp;
	c->family = net->proto == LSC_PROTO_IPV4 ? 4 : 6;
	c->ipproto = l4->proto == LSC_PROTO_TCP ? 6 : 17;
	c->have_ends = true;
}

static void udp_frame(struct lsc_quiz *q, const struct lsc_frame *f, struct qconv *c)
{
	const struct lsc_flow_ann *a = &f->flow;
	if (a->dir == LSC_FLOW_C2S && q->ndg < UDP_KEPT)
		q->dg[q->ndg++] = (struct qdgram){ f->number, c->id, false };
	if (a->dir == LSC_FLOW_S2C)
		c->answered = true;
	if (a->dir == LSC_FLOW_S2C && a->ref_frame != 0)
		for (uint32_t i = 0; i < q->ndg; i++)
			if (q->dg[i].frame == a->ref_frame)
				q->dg[i].answered = true;
}

static void tcp_frame(struct qconv *c, const struct lsc_frame *f, const struct lsc_layer *l4)
{
	const struct lsc_flow_ann *a = &f->flow;
	switch (a->event) {
	case LSC_EV_SYN:
		if (c->syn == 0)
			c->syn = f->number;
		break;
	case LSC_EV_SYN_ACK:
		if (c->syn_ack == 0 && c->syn != 0)
			c->syn_ack = f->number;
		break;
	case LSC_EV_HANDSHAKE_ACK:
		if (c->hs_ack == 0 && c->syn_ack != 0)
			c->hs_ack = f->number;
		break;
	case LSC_EV_RST:
		/* a RST from the server's side that answers the SYN: refused */
		if (c->rst == 0 && c->syn != 0 && c->syn_ack == 0 && a->dir == LSC_FLOW_S2C)
			c->rst = f->number;
		break;
	case LSC_EV_RETRANSMISSION:
		if (c->retrans == 0) {
			c->retrans = f->number;
			c->retrans_of = a->ref_frame;
			c->retrans_seq = a->rel_seq;
			c->retrans_syn = (l4->u.tcp.flags & (LSC_TCP_SYN | LSC_TCP_ACK)) == LSC_TCP_SYN &&
			                 c->syn_ack == 0;
		}
		break;
	default:
		break;
	}
	if (a->event == LSC_EV_DATA && a->dir == LSC_FLOW_C2S && c->data == 0 && c->syn != 0) {
		c->data = f->number;
		c->data_len = l4->u.tcp.payload_length;
	}
	if ((l4->u.tcp.flags & LSC_TCP_FIN) && c->fin == 0 && c->syn != 0 &&
	    (a->event == LSC_EV_FIN || a->event == LSC_EV_DATA)) {
		c->fin = f->number;
		c->fin_dir = a->dir;
	}
}

void lsc_quiz_frame(struct lsc_quiz *q, const struct lsc_frame *f)
{
	q->frames++;
	if (!f->has_flow || f->flow.id == 0)
		return;
	const struct lsc_layer *net, *l4;
	lsc_frame_own_layers(f, &net, &l4);
	if (net == NULL || l4 == NULL || (l4->proto != LSC_PROTO_TCP && l4->proto != LSC_PROTO_UDP) ||
	    (l4->flags & (LSC_LF_TRUNCATED | LSC_LF_MALFORMED)))
		return;
	if (f->flow.id > q->max_id) {
		q->max_id = f->flow.id;
		q->max_id_frame = f->number;
		q->max_id_port = f->flow.dir == LSC_FLOW_S2C
		                         ? (l4->proto == LSC_PROTO_TCP ? l4->u.tcp.dport : l4->u.udp.dport)
		                         : (l4->proto == LSC_PROTO_TCP ? l4->u.tcp.sport : l4->u.udp.sport);
	}
	const struct lsc_layer *eth = lsc_frame_find(f, LSC_PROTO_ETH);
	if (q->eth_frame == 0 && eth != NULL && !(eth->flags & (LSC_LF_TRUNCATED | LSC_LF_MALFORMED))) {
		q->eth_frame = f->number;
		mac_text(q->eth_src, eth->u.eth.src);
		mac_text(q->eth_dst, eth->u.eth.dst);
	}
	if (q->ip_frame == 0) {
		q->ip_frame = f->number;
		q->ip_family = net->proto == LSC_PROTO_IPV4 ? 4 : 6;
		addr_text(q->ip_dst, net, false);
	}
	struct qconv *c = conv_of(q, f->flow.id);
	if (c == NULL)
		return;
	if (c->first_frame == 0)
		c->first_frame = f->number;
	/* The ends come from the first frame whose direction is known for sure: a SYN's, or any UDP one. */
	if (!c->have_ends && (l4->proto == LSC_PROTO_UDP || f->flow.event == LSC_EV_SYN))
		learn_ends(c, f, net, l4);
	if (l4->proto == LSC_PROTO_UDP) {
		if (f->flow.dir == LSC_FLOW_C2S && c->data == 0) {
			const struct lsc_layer *pl = lsc_frame_find(f, LSC_PROTO_PAYLOAD);
			if (pl != NULL && pl->u.payload.length > 0) {
				c->data = f->number;
				c->data_len = pl->u.payload.length;
			}
		}
		udp_frame(q, f, c);
	} else {
		tcp_frame(c, f, l4);
	}
}

/* ---- the .calls lines ------------------------------------------------------------ */

/* The server's "accept(3) = 6 ← 10.1.1.5:43248" and "recv(6, 2048) = 40", as calls.c read them. */
void lsc_quiz_call(struct lsc_quiz *q, const struct lsc_call *call)
{
	if (strcmp(call->role, "server") != 0)
		return;
	int fd, want = (int)call->arg;
	unsigned got = call->ret > 0 ? (unsigned)call->ret : 0;
	if (strcmp(call->name, "accept") == 0 && q->nacc < LSC_QUIZ_MAX_CONVS) {
		fd = (int)call->ret;
		if (fd >= 0 && call->port != 0) {
			/* the descriptor number is reused once closed: a new accept() starts afresh */
			for (uint32_t i = 0; i < q->nacc; i++)
				if (q->acc[i].fd == fd)
					q->acc[i].done = true;
			q->acc[q->nacc++] = (struct qaccept){ fd, call->port, false };
		}
		return;
	}
	fd = call->fd;
	if (strcmp(call->name, "recv") == 0 && got > 0) {
		for (uint32_t i = q->nacc; i-- > 0;) {
			struct qaccept *a = &q->acc[i];
			if (a->fd != fd || a->done)
				continue;
			a->done = true;
			for (uint32_t k = 0; k < q->nconv; k++) {
				struct qconv *c = &q->conv[k];
				if (c->ipproto == 6 && c->cport == a->cport && c->recv_bytes == 0) {
					c->recv_bytes = got;
					c->recv_fd = fd;
					c->recv_ask = (unsigned)want;
					break;
				}
			}
			return;
		}
	}
}

/* ---- the questions --------------------------------------------------------------- */

struct gen {
	bool tr;
	struct lsc_quiz_q *qs;
	size_t n, cap;
	unsigned kind_count[K_COUNT];
};

/* The user's language, or English for machine output; format_arg: a format stays checked through it. */
static const char *T(const struct gen *g, const char *s) __attribute__((format_arg(2)));
static const char *T(const struct gen *g, const char *s)
{
	return g->tr ? _(s) : s;
}

static void fmt(char *buf, size_t cap, const char *f, va_list ap) __attribute__((format(printf, 3, 0)));
static void fmt(char *buf, size_t cap, const char *f, va_list ap)
{
	vsnprintf(buf, cap, f, ap);
}

/*
 * Every question starts here: its kind, the frame that proves the answer, and
 * the `read -f json` key there ("LAYER.FIELD") with the value it must hold,
 * written by vfmt.  NULL when the list is full: the caller asks nothing.
 */
static struct lsc_quiz_q *ask_at(struct gen *g, enum kind k, uint64_t frame, const char *layer, const char *field,
                                 const char *vfmt, ...) __attribute__((format(printf, 6, 7)));
static struct lsc_quiz_q *ask_at(struct gen *g, enum kind k, uint64_t frame, const char *layer, const char *field,
                                 const char *vfmt, ...)
{
	if (g->n == g->cap)
		return NULL;
	struct lsc_quiz_q *qq = &g->qs[g->n++];
	memset(qq, 0, sizeof *qq);
	qq->kind = kind_names[k];
	qq->frame = frame;
	snprintf(qq->path, sizeof qq->path, "%s.%s", layer, field);
	va_list ap;
	va_start(ap, vfmt);
	fmt(qq->value, sizeof qq->value, vfmt, ap);
	va_end(ap);
	g->kind_count[k]++;
	return qq;
}

static void question(const struct gen *g, struct lsc_quiz_q *qq, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void question(const struct gen *g, struct lsc_quiz_q *qq, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	fmt(qq->question, sizeof qq->question, T(g, f), ap);
	va_end(ap);
}

static void explain(const struct gen *g, struct lsc_quiz_q *qq, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void explain(const struct gen *g, struct lsc_quiz_q *qq, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	fmt(qq->explanation, sizeof qq->explanation, T(g, f), ap);
	va_end(ap);
}

static void number_answer(struct lsc_quiz_q *qq, uint64_t n, bool is_frame, const struct gen *g)
{
	qq->match = LSC_QUIZ_NUMBER;
	qq->number = n;
	if (is_frame)
		snprintf(qq->answer, sizeof qq->answer, T(g, N_("frame %llu")), (unsigned long long)n);
	else
		snprintf(qq->answer, sizeof qq->answer, "%llu", (unsigned long long)n);
}

static const char *net_key(unsigned family)
{
	return family == 4 ? "layers[ipv4]" : "layers[ipv6]";
}

static const char *l4_key(unsigned ipproto)
{
	return ipproto == 6 ? "layers[tcp]" : "layers[udp]";
}

/* The frame that opens a conversation: its SYN, or a UDP conversation's first datagram. */
static uint64_t opening_frame(const struct qconv *c)
{
	return c->ipproto == 6 ? c->syn : c->first_frame;
}

static const char *const client_words[] = { "client", "cliente", NULL };
static const char *const server_words[] = { "server", "servidor", NULL };

static void words(const char **dst, const char *const *src)
{
	for (size_t i = 0; i < LSC_QUIZ_WORDS - 1 && src[i] != NULL; i++)
		dst[i] = src[i];
}

static void ask_client(struct gen *g, const struct qconv *c)
{
	struct lsc_quiz_q *qq = ask_at(g, K_CLIENT_ADDRESS, opening_frame(c), net_key(c->family), "src", "\"%s\"",
	                               c->client);
	if (qq == NULL)
		return;
	/* the two in text order, so where the client stands says nothing */
	bool client_first = strcmp(c->client, c->server) < 0;
	const char *first = client_first ? c->client : c->server, *second = client_first ? c->server : c->client;
	question(g, qq, N_("Conversation %u is between %s and %s. Which of them is the client, the host "
	                   "that started it?"), c->id, first, second);
	snprintf(qq->answer, sizeof qq->answer, "%s", c->client);
	qq->match = LSC_QUIZ_WORD;
	qq->words[0] = c->client;
	qq->wrong[0] = c->server;
	if (c->ipproto == 6)
		explain(g, qq, N_("The client is the side that sends the first SYN: frame %llu goes from %s to "
		                  "%s, port %u, where the server waits in accept(). The client starts; the "
		                  "server waits for it. RFC 9293 §3.5."),
		        (unsigned long long)qq->frame, c->client, c->server, c->sport);
	else
		explain(g, qq, N_("The client is the side that sends first: the datagram of frame %llu goes "
		                  "from %s to port %u of %s. UDP has no handshake: the first datagram starts the conversation. RFC 768."),
		        (unsigned long long)qq->frame, c->client, c->sport, c->server);
}

static void ask_port(struct gen *g, const struct qconv *c)
{
	struct lsc_quiz_q *qq = ask_at(g, K_EPHEMERAL_PORT, opening_frame(c), l4_key(c->ipproto), "sport", "%u",
	                               c->cport);
	if (qq == NULL)
		return;
	question(g, qq, N_("The client %s talks to port %u of %s (conversation %u). Which port did the "
	                   "client's kernel choose for the client's side?"), c->client, c->sport, c->server, c->id);
	number_answer(qq, c->cport, false, g);
	if (c->ipproto == 6)
		explain(g, qq, N_("Port %u, the source port of the SYN in frame %llu: an ephemeral port, which "
		                  "the client's kernel picks from a range (on Linux 32768-60999) when connect() "
		                  "runs without bind(). RFC 6335 §6."), c->cport, (unsigned long long)qq->frame);
	else
		explain(g, qq, N_("Port %u, the source port of the datagram in frame %llu: an ephemeral port, "
		                  "which the client's kernel picks from a range (on Linux 32768-60999) at the "
		                  "first send without bind(). RFC 6335 §6."), c->cport, (unsigned long long)qq->frame);
}

static void ask_conversations(struct gen *g, const struct lsc_quiz *q)
{
	struct lsc_quiz_q *qq = ask_at(g, K_CONVERSATIONS, q->max_id_frame, "flow", "id", "%u", q->max_id);
	if (qq == NULL)
		return;
	question(g, qq, N_("How many conversations (TCP or UDP) does this capture hold?"));
	number_answer(qq, q->max_id, false, g);
	explain(g, qq, N_("%u conversations: frame %llu opens the last one, from port %u. Each conversation "
	                  "has its own pair of addresses and ports, so one machine holds several at once "
	                  "without mixing their bytes. RFC 9293 §3.1."),
	        q->max_id, (unsigned long long)q->max_id_frame, q->max_id_port);
}

static const char *const link_words[] = { "link", "enlace", NULL };
static const char *const network_words[] = { "network", "rede", "internet", NULL };
static const char *const other_layers[] = { "network", "rede", "transport", "transporte", "application",
	                                    NULL };
static const char *const not_network[] = { "link", "enlace", "transport", "transporte", "application",
	                                   NULL };

static void ask_mac(struct gen *g, const struct lsc_quiz *q)
{
	struct lsc_quiz_q *qq = ask_at(g, K_MAC_LAYER, q->eth_frame, "layers[eth]", "layer", "\"link\"");
	if (qq == NULL)
		return;
	question(g, qq, N_("Frame %llu goes from Ethernet address %s to %s. Which layer of the TCP/IP model "
	                   "carries these MAC addresses?"), (unsigned long long)q->eth_frame, q->eth_src, q->eth_dst);
	snprintf(qq->answer, sizeof qq->answer, "%s", T(g, N_("the link layer")));
	qq->match = LSC_QUIZ_WORD;
	words(qq->words, link_words);
	words(qq->wrong, other_layers);
	explain(g, qq, N_("The link layer (Ethernet): its 14-byte header opens frame %llu and moves the frame "
	                  "one hop, between two network cards. The hosts at the two ends are named by the "
	                  "network layer's addresses instead. IEEE 802.3."), (unsigned long long)q->eth_frame);
}

static void ask_ip(struct gen *g, const struct lsc_quiz *q)
{
	struct lsc_quiz_q *qq = ask_at(g, K_IP_LAYER, q->ip_frame, net_key(q->ip_family), "layer", "\"network\"");
	if (qq == NULL)
		return;
	question(g, qq, N_("Frame %llu is for the host %s. Which layer of the TCP/IP model carries the "
	                   "destination host's address?"), (unsigned long long)q->ip_frame, q->ip_dst);
	snprintf(qq->answer, sizeof qq->answer, "%s", T(g, N_("the network layer")));
	qq->match = LSC_QUIZ_WORD;
	words(qq->words, network_words);
	words(qq->wrong, not_network);
	if (q->ip_family == 4)
		explain(g, qq, N_("The network layer: the IPv4 header of frame %llu carries the destination "
		                  "address %s, which every router on the way reads to choose the next hop. "
		                  "RFC 791."), (unsigned long long)q->ip_frame, q->ip_dst);
	else
		explain(g, qq, N_("The network layer: the IPv6 header of frame %llu carries the destination "
		                  "address %s, which every router on the way reads to choose the next hop. "
		                  "RFC 8200."), (unsigned long long)q->ip_frame, q->ip_dst);
}

/* Other names a person may give a service. */
static const struct {
	const char *name, *alias;
} service_alias[] = { { "domain", "dns" }, { "http", "www" }, { "ftp", "ftp" }, { "telnet", "telnet" } };

static void ask_service(struct gen *g, const struct qconv *c)
{
	const char *svc = c->sport < 1024 ? lsc_report_service(c->ipproto, c->sport) : NULL;
	if (svc == NULL)
		return;
	uint64_t fr = opening_frame(c);
	struct lsc_quiz_q *qq = ask_at(g, K_SERVICE_PORT, fr, l4_key(c->ipproto), "dport", "%u", c->sport);
	if (qq == NULL)
		return;
	question(g, qq, N_("Conversation %u goes to port %u of %s (frame %llu). Which service usually "
	                   "listens on that port?"), c->id, c->sport, c->server, (unsigned long long)fr);
	snprintf(qq->answer, sizeof qq->answer, "%s", svc);
	qq->match = LSC_QUIZ_WORD;
	qq->words[0] = svc;
	for (size_t i = 0; i < sizeof service_alias / sizeof service_alias[0]; i++)
		if (strcmp(service_alias[i].name, svc) == 0)
			qq->words[1] = service_alias[i].alias;
	if (c->sport == 23)
		explain(g, qq, N_("Port 23 is telnet's well-known port: a remote terminal, in clear text. FTP is "
		                  "on port 21 (its data on 20); some course texts give 23 for FTP, but 23 is "
		                  "telnet. IANA's port registry; RFC 854."));
	else if (c->sport == 21)
		explain(g, qq, N_("Port 21 is FTP's well-known port, for its control connection (the files go "
		                  "over port 20 or a port it agrees on). Port 23, which some course texts give "
		                  "for FTP, is telnet. IANA's port registry; RFC 959."));
	else
		explain(g, qq, N_("Port %u is the well-known port of %s: clients find the service there "
		                  "without being told. A server may listen on any port; the usual ones are "
		                  "a convention. IANA's port registry; RFC 6335."), c->sport, svc);
}

static void ask_syn_ack(struct gen *g, const struct qconv *c)
{
	struct lsc_quiz_q *qq = ask_at(g, K_SYN_ACK, c->syn_ack, "flow", "event", "\"syn-ack\"");
	if (qq == NULL)
		return;
	question(g, qq, N_("In conversation %u the server's program waits in accept(). Which frame did the "
	                   "server's kernel send by itself, before accept() returned?"), c->id);
	number_answer(qq, c->syn_ack, true, g);
	explain(g, qq, N_("Frame %llu, the SYN-ACK. The server's kernel answers the SYN of frame %llu by "
	                  "itself: the connection waits in listen()'s queue until the program calls "
	                  "accept(). RFC 9293 §3.5; listen(2)."),
	        (unsigned long long)c->syn_ack, (unsigned long long)c->syn);
}

static void ask_handshake(struct gen *g, const struct qconv *c)
{
	struct lsc_quiz_q *qq = ask_at(g, K_HANDSHAKE, c->hs_ack, "flow", "event", "\"handshake-ack\"");
	if (qq == NULL)
		return;
	question(g, qq, N_("Conversation %u starts with the client's SYN in frame %llu. Which frame completes "
	                   "the three-way handshake?"), c->id, (unsigned long long)c->syn);
	number_answer(qq, c->hs_ack, true, g);
	explain(g, qq, N_("Frame %llu, the client's ACK of the server's SYN-ACK (frame %llu): handshake 3/3. "
	                  "After it both ends are ESTABLISHED and the server's accept() can return the "
	                  "connection. RFC 9293 §3.5."),
	        (unsigned long long)c->hs_ack, (unsigned long long)c->syn_ack);
}

static void ask_recv(struct gen *g, const struct qconv *c)
{
	bool tcp = c->ipproto == 6;
	struct lsc_quiz_q *qq = ask_at(g, K_RECV_BYTES, c->data, tcp ? "layers[tcp]" : "layers[payload]",
	                               tcp ? "payload_length" : "length", "%u", c->data_len);
	if (qq == NULL)
		return;
	number_answer(qq, c->data_len, false, g);
	if (tcp && c->recv_bytes == c->data_len) {
		/* the socket calls were recorded beside the capture: ask what recv() itself returned */
		question(g, qq, N_("In conversation %u, how many bytes did the server's first recv() return?"),
		         c->id);
		explain(g, qq, N_("%u bytes: the server's recv(%d, %u) returned what the client's segment of "
		                  "frame %llu carried. recv() returns what has arrived, up to what it asks for: "
		                  "TCP is a stream of bytes, not of messages. recv(2)."),
		        c->data_len, c->recv_fd, c->recv_ask, (unsigned long long)c->data);
	} else if (tcp) {
		question(g, qq, N_("In conversation %u, the client's first data arrives in frame %llu. How many "
		                   "bytes can the server's recv() read from that segment?"),
		         c->id, (unsigned long long)c->data);
		explain(g, qq, N_("%u bytes, the segment's payload after its TCP header. recv() returns what "
		                  "has arrived, up to what it asks for (the exercise asks for 2048): TCP is a "
		                  "stream of bytes, not of messages. recv(2)."), c->data_len);
	} else {
		question(g, qq, N_("How many bytes does the server's recvfrom() get from the client's datagram "
		                   "in frame %llu?"), (unsigned long long)c->data);
		explain(g, qq, N_("%u bytes, the datagram's payload after the 8-byte UDP header. recvfrom() "
		                  "gets one whole datagram at a time, a message, when its buffer is big "
		                  "enough. RFC 768; recv(2)."), c->data_len);
	}
}

static void ask_refused(struct gen *g, const struct qconv *c)
{
	struct lsc_quiz_q *qq = ask_at(g, K_REFUSED, c->rst, "flow", "event", "\"rst\"");
	if (qq == NULL)
		return;
	question(g, qq, N_("The client's SYN in frame %llu asks for port %u of %s. Which frame refuses the "
	                   "connection?"), (unsigned long long)c->syn, c->sport, c->server);
	number_answer(qq, c->rst, true, g);
	explain(g, qq, N_("Frame %llu, a RST from %s: nothing listens on port %u, so the server host's "
	                  "kernel resets the connection and the client's connect() fails with ECONNREFUSED "
	                  "(connection refused). RFC 9293 §3.10.7.1."),
	        (unsigned long long)c->rst, c->server, c->sport);
}

static void ask_retrans(struct gen *g, const struct qconv *c)
{
	struct lsc_quiz_q *qq = ask_at(g, K_RETRANSMISSION, c->retrans, "flow", "event", "\"retransmission\"");
	if (qq == NULL)
		return;
	question(g, qq, N_("Was a segment of conversation %u sent twice? If so, which frame is the "
	                   "retransmission?"), c->id);
	number_answer(qq, c->retrans, true, g);
	if (c->retrans_syn)
		explain(g, qq, N_("Frame %llu sends again the SYN of frame %llu: no SYN-ACK came, because the "
		                  "server's kernel dropped the SYN (its accept queue was full: listen()'s backlog "
		                  "reached) or the network lost it, so the client's kernel tried again after its "
		                  "timeout. RFC 6298; listen(2)."),
		        (unsigned long long)c->retrans, (unsigned long long)c->retrans_of);
	else
		explain(g, qq, N_("Frame %llu sends again what frame %llu sent (relative sequence number %u): no "
		                  "acknowledgement came in time, so the sender's kernel retransmitted it. TCP "
		                  "delivers every byte, in order, or tells you it could not. RFC 6298."),
		        (unsigned long long)c->retrans, (unsigned long long)c->retrans_of, c->retrans_seq);
}

static void ask_unanswered(struct gen *g, const struct lsc_quiz *q)
{
	uint32_t unanswered = 0, answered = 0;
	const struct qdgram *first = NULL;
	for (uint32_t i = 0; i < q->ndg; i++) {
		if (q->dg[i].answered) {
			answered++;
		} else {
			unanswered++;
			if (first == NULL)
				first = &q->dg[i];
		}
	}
	if (first == NULL)
		return;
	struct lsc_quiz_q *qq = ask_at(g, K_UDP_UNANSWERED, first->frame, "flow", "event", "\"datagram\"");
	if (qq == NULL)
		return;
	if (unanswered == 1)
		question(g, qq, N_("Which of the clients' UDP datagrams got no answer?"));
	else
		question(g, qq, N_("Which is the first of the clients' UDP datagrams that got no answer?"));
	number_answer(qq, first->frame, true, g);
	explain(g, qq, N_("Frame %llu: no datagram answers it before the capture ends (datagrams of the "
	                  "clients answered in this capture: %u). UDP neither acknowledges nor sends "
	                  "again: a lost datagram is gone, and nothing tells the sender. RFC 768."),
	        (unsigned long long)first->frame, answered);
}

static void ask_teardown(struct gen *g, const struct qconv *c)
{
	bool by_client = c->fin_dir == LSC_FLOW_C2S;
	struct lsc_quiz_q *qq = ask_at(g, K_TEARDOWN, c->fin, "flow", "dir", "\"%s\"", by_client ? "c2s" : "s2c");
	if (qq == NULL)
		return;
	question(g, qq, N_("Which frame starts the teardown of conversation %u, and who sent it: the client "
	                   "or the server?"), c->id);
	qq->match = LSC_QUIZ_FRAME_SIDE;
	qq->number = c->fin;
	words(qq->words, by_client ? client_words : server_words);
	words(qq->wrong, by_client ? server_words : client_words);
	snprintf(qq->answer, sizeof qq->answer, by_client ? T(g, N_("frame %llu, the client (%s)")) :
	         T(g, N_("frame %llu, the server (%s)")), (unsigned long long)c->fin,
	         by_client ? c->client : c->server);
	if (by_client)
		explain(g, qq, N_("Frame %llu, the first FIN, from the client %s after its close(): teardown 1/4. "
		                  "Each side closes its own direction; the side that closes first waits in "
		                  "TIME_WAIT at the end. RFC 9293 §3.6."), (unsigned long long)c->fin, c->client);
	else
		explain(g, qq, N_("Frame %llu, the first FIN, from the server %s after its close(): teardown 1/4. "
		                  "Each side closes its own direction; the side that closes first, here the "
		                  "server, waits in TIME_WAIT at the end. RFC 9293 §3.6."),
		        (unsigned long long)c->fin, c->server);
}

/* Every question the capture holds, each kind's in conversation order. */
static void generate(const struct lsc_quiz *q, struct gen *g)
{
	for (unsigned k = 0; k < K_COUNT; k++) {
		switch (k) {
		case K_CONVERSATIONS:
			if (q->max_id >= 2)
				ask_conversations(g, q);
			continue;
		case K_MAC_LAYER:
			if (q->eth_frame != 0)
				ask_mac(g, q);
			continue;
		case K_IP_LAYER:
			if (q->ip_frame != 0)
				ask_ip(g, q);
			continue;
		case K_UDP_UNANSWERED:
			ask_unanswered(g, q);
			continue;
		default:
			break;
		}
		for (uint32_t i = 0; i < q->nconv; i++) {
			const struct qconv *c = &q->conv[i];
			if (!c->have_ends)
				continue; /* TCP joined midstream: who is the client is a guess */
			bool tcp = c->ipproto == 6;
			/* connect() made it: the handshake completed, or a RST refused it (not a crafted SYN) */
			bool connected = tcp && (c->hs_ack != 0 || c->rst != 0);
			bool udp_answered = !tcp && c->answered;
			switch (k) {
			case K_CLIENT_ADDRESS: ask_client(g, c); break;
			case K_EPHEMERAL_PORT: if (connected || !tcp) ask_port(g, c); break;
			case K_SERVICE_PORT: ask_service(g, c); break;
			case K_SYN_ACK: if (tcp && c->hs_ack != 0) ask_syn_ack(g, c); break;
			case K_HANDSHAKE: if (tcp && c->hs_ack != 0) ask_handshake(g, c); break;
			case K_RECV_BYTES: if (c->data != 0 && (tcp || udp_answered)) ask_recv(g, c); break;
			case K_REFUSED: if (tcp && c->rst != 0) ask_refused(g, c); break;
			case K_RETRANSMISSION: if (tcp && c->retrans != 0) ask_retrans(g, c); break;
			case K_TEARDOWN: if (tcp && c->fin != 0) ask_teardown(g, c); break;
			default: break;
			}
		}
	}
}

/* splitmix64: a small generator whose sequence a seed fixes on every platform. */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static bool kind_rare(unsigned k)
{
	return k == K_CONVERSATIONS || k == K_SERVICE_PORT || k == K_REFUSED || k == K_RETRANSMISSION ||
	       k == K_UDP_UNANSWERED;
}

size_t lsc_quiz_draw(struct lsc_quiz *q, size_t n, uint64_t seed, bool translate, struct lsc_quiz_q *out)
{
	/* Every candidate: at most a few a kind and conversation, so this bound holds them all. */
	size_t cap = (size_t)K_COUNT * (LSC_QUIZ_MAX_CONVS + 1);
	struct gen g = { .tr = translate, .cap = cap };
	g.qs = calloc(cap, sizeof *g.qs);
	if (g.qs == NULL || n == 0) {
		free(g.qs);
		return 0;
	}
	generate(q, &g);
	/* Each round takes one question of every kind still holding some, kinds in a drawn order. */
	bool *taken = calloc(g.n, sizeof *taken);
	size_t *pick = calloc(g.n, sizeof *pick);
	size_t npick = 0;
	uint64_t s = seed;
	if (taken == NULL || pick == NULL)
		goto out;
	while (npick < n && npick < g.n) {
		unsigned order[K_COUNT];
		for (unsigned k = 0; k < K_COUNT; k++)
			order[k] = k;
		for (unsigned k = K_COUNT - 1; k > 0; k--) {
			unsigned j = (unsigned)(next_rand(&s) % (k + 1));
			unsigned t = order[k];
			order[k] = order[j];
			order[j] = t;
		}
		/* The kinds a capture rarely holds go first: they are why it was recorded. */
		unsigned rare = 0;
		for (unsigned k = 0; k < K_COUNT; k++) {
			if (!kind_rare(order[k]))
				continue;
			unsigned t = order[k];
			memmove(order + rare + 1, order + rare, (k - rare) * sizeof order[0]);
			order[rare++] = t;
		}
		for (unsigned o = 0; o < K_COUNT && npick < n; o++) {
			size_t left = 0;
			for (size_t i = 0; i < g.n; i++)
				left += !taken[i] && g.qs[i].kind == kind_names[order[o]];
			if (left == 0)
				continue;
			size_t r = (size_t)(next_rand(&s) % left);
			for (size_t i = 0; i < g.n; i++) {
				if (taken[i] || g.qs[i].kind != kind_names[order[o]])
					continue;
				if (r-- == 0) {
					taken[i] = true;
					pick[npick++] = i;
					break;
				}
			}
		}
	}
	/* Asked in the course's order (the candidates' order), whatever the draw's. */
	size_t k = 0;
	for (size_t i = 0; i < g.n; i++)
		if (taken[i])
			out[k++] = g.qs[i];
	npick = k;
out:
	free(pick);
	free(taken);
	free(g.qs);
	return npick;
}

const char *lsc_quiz_empty_why(const struct lsc_quiz *q)
{
	if (q->frames == 0)
		return N_("the capture holds no frame");
	if (q->max_id == 0)
		return N_("no TCP or UDP conversation in it (quiz asks about conversations: their ports, "
		          "handshake, data and teardown)");
	return N_("its conversations started before the capture did, so who is the client is unknown");
}

/* ---- judging a reply ------------------------------------------------------------- */

/* The reply's words, lower case: letters, digits and the dots and colons of addresses. */
static size_t tokens(const char *reply, char toks[][64], size_t max)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)reply;
	while (*p != '\0' && n < max) {
		while (*p != '\0' && !isalnum(*p) && *p != ':' && *p < 0x80)
			p++;
		size_t len = 0;
		while (*p != '\0' && (isalnum(*p) || *p == '.' || *p == ':' || *p >= 0x80)) {
			if (len < 63)
				toks[n][len++] = (char)tolower(*p);
			p++;
		}
		while (len > 0 && (toks[n][len - 1] == '.' || toks[n][len - 1] == ':'))
			len--; /* "frame 5." */
		toks[n][len] = '\0';
		if (len > 0)
			n++;
	}
	return n;
}

static bool has_word(char toks[][64], size_t n, const char *const *list)
{
	for (size_t i = 0; i < LSC_QUIZ_WORDS && list[i] != NULL; i++)
		for (size_t t = 0; t < n; t++)
			if (strcasecmp(toks[t], list[i]) == 0)
				return true;
	return false;
}

/* The one number the reply holds: true with *v set; false for none, or two that differ. */
static bool one_number(char toks[][64], size_t n, uint64_t *v)
{
	bool seen = false;
	for (size_t t = 0; t < n; t++) {
		const char *s = toks[t];
		size_t d = strspn(s, "0123456789");
		if (d == 0 || s[d] != '\0' || d > 19)
			continue;
		uint64_t x = strtoull(s, NULL, 10);
		if (seen && x != *v)
			return false;
		*v = x;
		seen = true;
	}
	return seen;
}

bool lsc_quiz_check(const struct lsc_quiz_q *qq, const char *reply)
{
	char toks[32][64];
	size_t n = tokens(reply, toks, 32);
	uint64_t v;
	switch (qq->match) {
	case LSC_QUIZ_NUMBER:
		return one_number(toks, n, &v) && v == qq->number;
	case LSC_QUIZ_FRAME_SIDE:
		return one_number(toks, n, &v) && v == qq->number && has_word(toks, n, qq->words) &&
		       !has_word(toks, n, qq->wrong);
	case LSC_QUIZ_WORD:
		return has_word(toks, n, qq->words) && !has_word(toks, n, qq->wrong);
	default:
		return false;
	}
}
