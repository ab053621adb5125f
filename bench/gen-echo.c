/* SPDX-License-Identifier: BSD-3-Clause */
/* gen-echo.c: writes a synthetic capture of TCP and UDP echo conversations (IPv4, IPv6) for `make bench`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

/*
 * The traffic the sockets exercise makes, at scale: clients on 10.0.0.0/24
 * and fd00::/64 talk to an echo server on port 8082.  A TCP conversation is
 * the handshake (with Linux's SYN options), a few request/echo exchanges with
 * timestamps on every segment, and the FIN teardown; a UDP conversation is a
 * few datagrams and their echoes.  Every checksum is correct, so a decoder
 * does the full verification work on every frame.
 *
 * usage: gen-echo FILE [FRAMES]   (FRAMES defaults to 1000000)
 */

#define ECHO_PORT 8082
/*
 * A pool of clients, each reusing a few source ports (as TIME_WAIT expires):
 * a few thousand distinct conversations, as in a load test of one server,
 * rather than one per connection (which makes tcpdump's table of TCP
 * conversations, not its printing, the thing measured).
 */
#define ECHO_CLIENTS 250
#define ECHO_PORTS_PER_CLIENT 16
#define MAX_FRAME 1600

struct endpoint {
	uint8_t mac[6];
	uint8_t ip4[4];
	uint8_t ip6[16];
	uint16_t port;
	uint32_t seq;    /* next sequence number to send */
	uint32_t tsval;
};

struct conv {
	struct endpoint cli, srv;
	int v6;
	uint16_t ip_id;
};

struct gen {
	pcap_dumper_t *d;
	uint64_t written, limit;
	uint64_t t_us;   /* capture clock */
	uint8_t buf[MAX_FRAME];
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t sum_bytes(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Writes the frame in g->buf, `len` bytes long, and advances the clock. */
static void emit(struct gen *g, size_t len, unsigned gap_us)
{
	struct pcap_pkthdr h;
	if (g->written >= g->limit)
		return; /* the last conversation is cut at exactly `limit` frames */
	g->t_us += gap_us;
	h.ts.tv_sec = (time_t)(1700000000 + g->t_us / 1000000);
	h.ts.tv_usec = (suseconds_t)(g->t_us % 1000000);
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)g->d, &h, g->buf);
	g->written++;
}

/*
 * Builds Ethernet + IP around a transport segment already at its place in
 * g->buf and fills the transport checksum at `csum_at` (from the segment).
 */
static size_t wrap(struct gen *g, struct conv *c, const struct endpoint *from,
                   const struct endpoint *to, uint8_t proto, size_t seg_len, size_t csum_at)
{
	uint8_t *eth = g->buf;
	size_t ip_len = c->v6 ? 40 : 20;
	uint8_t *ip = eth + 14, *seg = ip + ip_len;
	uint32_t ph;

	memcpy(eth, to->mac, 6);
	memcpy(eth + 6, from->mac, 6);
	put16(eth + 12, c->v6 ? 0x86dd : 0x0800);
	if (c->v6) {
		put32(ip, 0x60000000u | (c->cli.port & 0xfffffu)); /* flow label per conversation */
		put16(ip + 4, (uint16_t)seg_len);
		ip[6] = proto;
		ip[7] = 64;
		memcpy(ip + 8, from->ip6, 16);
		memcpy(ip + 24, to->ip6, 16);
		ph = sum_bytes(0, ip + 8, 32);
	} else {
		ip[0] = 0x45;
		ip[1] = 0;
		put16(ip + 2, (uint16_t)(20 + seg_len));
		put16(ip + 4, c->ip_id++);
		put16(ip + 6, 0x4000); /* DF */
		ip[8] = 64;
		ip[9] = proto;
		put16(ip + 10, 0);
		memcpy(ip + 12, from->ip4, 4);
		memcpy(ip + 16, to->ip4, 4);
		put16(ip + 10, fold(sum_bytes(0, ip, 20)));
		ph = sum_bytes(0, ip + 12, 8);
	}
	ph += proto + (uint32_t)seg_len;
	put16(seg + csum_at, 0);
	put16(seg + csum_at, fold(sum_bytes(ph, seg, seg_len)));
	return 14 + ip_len + seg_len;
}

static uint8_t *segment_at(struct gen *g, const struct conv *c)
{
	return g->buf + 14 + (c->v6 ? 40 : 20);
}

#define F_FIN 0x01
#define F_SYN 0x02
#define F_PSH 0x08
#define F_ACK 0x10

/* One TCP segment from `from` to `to` with `len` payload bytes from `data`. */
static void tcp(struct gen *g, struct conv *c, struct endpoint *from, struct endpoint *to,
                uint8_t flags, const char *data, size_t len, unsigned gap_us)
{
	uint8_t *t = segment_at(g, c), *o = t + 20;
	size_t optlen;

	from->tsval += 1 + gap_us / 1000;
	if (flags & F_SYN) {
		/* Linux: MSS, SACK-permitted, timestamps, NOP, window scale. */
		o[0] = 2; o[1] = 4; put16(o + 2, c->v6 ? 1440 : 1460);
		o[4] = 4; o[5] = 2;
		o[6] = 8; o[7] = 10; put32(o + 8, from->tsval); put32(o + 12, (flags & F_ACK) ? to->tsval : 0);
		o[16] = 1;
		o[17] = 3; o[18] = 3; o[19] = 7;
		optlen = 20;
	} else {
		o[0] = 1; o[1] = 1;
		o[2] = 8; o[3] = 10; put32(o + 4, from->tsval); put32(o + 8, to->tsval);
		optlen = 12;
	}
	put16(t, from->port);
	put16(t + 2, to->port);
	put32(t + 4, from->seq);
	put32(t + 8, (flags & F_ACK) ? to->seq : 0);
	t[12] = (uint8_t)(((20 + optlen) / 4) << 4);
	t[13] = flags;
	put16(t + 14, (flags & F_SYN) ? 64240 : 502);
	put16(t + 18, 0);
	memcpy(t + 20 + optlen, data, len);
	from->seq += (uint32_t)len + ((flags & (F_SYN | F_FIN)) ? 1u : 0u);
	emit(g, wrap(g, c, from, to, 6, 20 + optlen + len, 16), gap_us);
}

static void udp(struct gen *g, struct conv *c, struct endpoint *from, struct endpoint *to,
                const char *data, size_t len, unsigned gap_us)
{
	uint8_t *u = segment_at(g, c);
	put16(u, from->port);
	put16(u + 2, to->port);
	put16(u + 4, (uint16_t)(8 + len));
	memcpy(u + 8, data, len);
	emit(g, wrap(g, c, from, to, 17, 8 + len, 6), gap_us);
}

static void setup(struct conv *c, uint64_t n, int v6)
{
	static const uint8_t srv_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const uint8_t srv4[4] = { 10, 0, 0, 1 };
	static const uint8_t srv6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	uint16_t host = (uint16_t)(2 + n % ECHO_CLIENTS);

	memset(c, 0, sizeof *c);
	c->v6 = v6;
	c->ip_id = (uint16_t)(n * 7919);
	memcpy(c->srv.mac, srv_mac, 6);
	memcpy(c->srv.ip4, srv4, 4);
	memcpy(c->srv.ip6, srv6, 16);
	c->srv.port = ECHO_PORT;
	c->srv.seq = (uint32_t)(n * 2654435761u);
	c->srv.tsval = (uint32_t)(n * 40503u);
	uint8_t cli_mac[6] = { 0x02, 0x00, 0x5e, 0x10, (uint8_t)(host >> 8), (uint8_t)host };
	memcpy(c->cli.mac, cli_mac, 6);
	c->cli.ip4[0] = 10;
	c->cli.ip4[1] = 0;
	c->cli.ip4[2] = (uint8_t)(host >> 8);
	c->cli.ip4[3] = (uint8_t)host;
	memcpy(c->cli.ip6, srv6, 16);
	c->cli.ip6[14] = (uint8_t)(host >> 8);
	c->cli.ip6[15] = (uint8_t)host;
	c->cli.port = (uint16_t)(32768 + n / ECHO_CLIENTS % ECHO_PORTS_PER_CLIENT);
	c->cli.seq = (uint32_t)(n * 40503u + 12345u);
	c->cli.tsval = (uint32_t)(n * 69069u);
}

/* A request of 16..~200 bytes, varying per conversation and message. */
static size_t message(char *out, uint64_t conv, unsigned i)
{
	static const char words[] = "the quick brown fox jumps over the lazy dog; echo me back, server! ";
	int n = snprintf(out, 64, "client %llu message %u: ", (unsigned long long)conv, i);
	size_t want = 16 + (conv * 37 + i * 53) % 180, len = (size_t)n;
	while (len < want) {
		size_t k = sizeof words - 1 < want - len ? sizeof words - 1 : want - len;
		memcpy(out + len, words, k);
		len += k;
	}
	out[len - 1] = '\n';
	return len;
}

static void tcp_conversation(struct gen *g, uint64_t n, int v6)
{
	struct conv c;
	char msg[256];
	setup(&c, n, v6);
	tcp(g, &c, &c.cli, &c.srv, F_SYN, NULL, 0, 3000);
	tcp(g, &c, &c.srv, &c.cli, F_SYN | F_ACK, NULL, 0, 40);
	tcp(g, &c, &c.cli, &c.srv, F_ACK, NULL, 0, 60);
	unsigned exchanges = 1 + (unsigned)(n % 4);
	for (unsigned i = 0; i < exchanges; i++) {
		size_t len = message(msg, n, i);
		tcp(g, &c, &c.cli, &c.srv, F_PSH | F_ACK, msg, len, 200);
		tcp(g, &c, &c.srv, &c.cli, F_PSH | F_ACK, msg, len, 30); /* the echo */
		tcp(g, &c, &c.cli, &c.srv, F_ACK, NULL, 0, 50);
	}
	tcp(g, &c, &c.cli, &c.srv, F_FIN | F_ACK, NULL, 0, 300);
	tcp(g, &c, &c.srv, &c.cli, F_FIN | F_ACK, NULL, 0, 40);
	tcp(g, &c, &c.cli, &c.srv, F_ACK, NULL, 0, 40);
}

static void udp_conversation(struct gen *g, uint64_t n, int v6)
{
	struct conv c;
	char msg[256];
	setup(&c, n, v6);
	unsigned datagrams = 1 + (unsigned)(n % 3);
	for (unsigned i = 0; i < datagrams; i++) {
		size_t len = message(msg, n, i);
		udp(g, &c, &c.cli, &c.srv, msg, len, 500);
		udp(g, &c, &c.srv, &c.cli, msg, len, 35);
	}
}

int main(int argc, char **argv)
{
	struct gen g;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: gen-echo FILE [FRAMES]\n");
		return 2;
	}
	memset(&g, 0, sizeof g);
	g.limit = argc == 3 ? strtoull(argv[2], NULL, 10) : 1000000;
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	if (p == NULL || (g.d = pcap_dump_open(p, argv[1])) == NULL) {
		fprintf(stderr, "gen-echo: %s: %s\n", argv[1], p ? pcap_geterr(p) : "pcap_open_dead failed");
		return 1;
	}
	/* TCP over IPv4 and IPv6, then UDP over both, in turn. */
	for (uint64_t n = 0; g.written < g.limit; n++) {
		switch (n % 4) {
		case 0: tcp_conversation(&g, n, 0); break;
		case 1: tcp_conversation(&g, n, 1); break;
		case 2: udp_conversation(&g, n, 0); break;
		default: udp_conversation(&g, n, 1); break;
		}
	}
	pcap_dump_close(g.d);
	pcap_close(p);
	printf("gen-echo: wrote %llu frames to %s\n", (unsigned long long)g.written, argv[1]);
	return 0;
}
