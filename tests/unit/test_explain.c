/* SPDX-License-Identifier: BSD-3-Clause */
/* test_explain.c: the teaching catalogue: which situations a frame calls for, and their filled-in texts. */
#include <config.h>

#include <stdio.h>

#include <layerscope/teach.h>
#include <layerscope/flow.h>

#include "unit.h"

#define MAX_SAID 16

struct said {
	unsigned n;
	unsigned id[MAX_SAID];
	char text[MAX_SAID][1024];
};

static void collect(void *ctx, unsigned id, const char *text)
{
	struct said *s = ctx;
	if (s->n < MAX_SAID) {
		s->id[s->n] = id;
		snprintf(s->text[s->n], sizeof s->text[0], "%s", text);
		s->n++;
	}
}

/* The text said for `id`, or NULL. */
static const char *said_text(const struct said *s, unsigned id)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->id[i] == id)
			return s->text[i];
	return NULL;
}

/* A frame built field by field: Ethernet, IPv4 10.1.1.5 -> 10.1.1.1, TCP, tracked. */
static void tcp_frame(struct lsc_frame *f, uint64_t number, unsigned dir, unsigned event, uint16_t flags,
                      uint32_t len)
{
	static const uint8_t cmac[6] = { 0x6e, 0, 0x8a, 0xb2, 0x24, 0x75 }, smac[6] = { 0x36, 0x3e, 0xce, 0x57, 0x33, 0xd8 };
	static const uint8_t caddr[4] = { 10, 1, 1, 5 }, saddr[4] = { 10, 1, 1, 1 };
	bool c2s = dir == LSC_FLOW_C2S;
	memset(f, 0, sizeof *f);
	f->number = number;
	f->nlayers = 3;
	struct lsc_layer *eth = &f->layers[0], *ip = &f->layers[1], *tcp = &f->layers[2];
	eth->proto = LSC_PROTO_ETH;
	eth->hdr_len = eth->cap_len = 14;
	memcpy(eth->u.eth.src, c2s ? cmac : smac, 6);
	memcpy(eth->u.eth.dst, c2s ? smac : cmac, 6);
	ip->proto = LSC_PROTO_IPV4;
	ip->offset = 14;
	ip->hdr_len = ip->cap_len = 20;
	ip->u.ipv4.ttl = 64;
	memcpy(ip->u.ipv4.src, c2s ? caddr : saddr, 4);
	memcpy(ip->u.ipv4.dst, c2s ? saddr : caddr, 4);
	tcp->proto = LSC_PROTO_TCP;
	tcp->offset = 34;
	tcp->hdr_len = tcp->cap_len = 20;
	tcp->body_len = len;
	tcp->u.tcp.sport = c2s ? 43248 : 8082;
	tcp->u.tcp.dport = c2s ? 8082 : 43248;
	tcp->u.tcp.flags = flags;
	tcp->u.tcp.data_offset = 20;
	tcp->u.tcp.window = 512;
	tcp->u.tcp.payload_length = len;
	f->has_flow = true;
	f->flow.id = 1;
	f->flow.dir = (uint8_t)dir;
	f->flow.event = (uint8_t)event;
	f->flow.tcp = true;
	f->flow.rel_seq = 1;
	f->flow.rel_ack = 41;
}

static unsigned explain(struct lsc_explainer *e, const struct lsc_frame *f, struct said *s)
{
	memset(s, 0, sizeof *s);
	return lsc_teach_frame(e, f, collect, s);
}

/* Every entry has a name, one to three sentences, a reference at the end, and only known placeholders. */
static void test_catalogue_entries(void **state)
{
	static const char *const known[] = {
		"frame", "ref", "len", "bytes", "seq", "last", "ack", "win", "mss", "ttl", "vlan", "port",
		"qport", "cport", "svport", "from", "to", "waiter", "svc", "call", "reader", "saddr", "daddr",
		"smac", "dmac", "reads", "history", "letters",
	};
	(void)state;
	for (unsigned id = 0; id < LSC_EX_COUNT; id++) {
		const char *name = lsc_teach_name(id), *t = lsc_teach_template(id);
		assert_non_null(name);
		assert_non_null(t);
		for (unsigned j = 0; j < id; j++)
			assert_string_not_equal(name, lsc_teach_name(j));
		assert_true(strstr(t, "RFC") != NULL || strstr(t, "man ") != NULL || strstr(t, "IEEE") != NULL ||
		            strstr(t, "docs/") != NULL || strstr(t, "(7)") != NULL);
		for (const char *p = strchr(t, '{'); p != NULL; p = strchr(p + 1, '{')) {
			const char *q = strchr(p, '}');
			bool ok = false;
			assert_non_null(q);
			for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
				ok |= strlen(known[k]) == (size_t)(q - p - 1) && strncmp(known[k], p + 1, (size_t)(q - p - 1)) == 0;
			if (!ok)
				fail_msg("%s: unknown placeholder %.*s", name, (int)(q - p + 1), p);
		}
	}
	assert_null(lsc_teach_name(LSC_EX_COUNT));
}

static void test_parse_mode(void **state)
{
	enum lsc_explain_mode m;
	(void)state;
	assert_int_equal(lsc_teach_parse_mode("all", &m), 0);
	assert_int_equal(m, LSC_EXPLAIN_ALL);
	assert_int_equal(lsc_teach_parse_mode("first", &m), 0);
	assert_int_equal(m, LSC_EXPLAIN_FIRST);
	assert_int_equal(lsc_teach_parse_mode("none", &m), 0);
	assert_int_equal(m, LSC_EXPLAIN_NONE);
	assert_int_equal(lsc_teach_parse_mode("some", &m), -1);
}

/* The handshake, the data, the teardown: each explained once in first mode, with this frame's numbers. */
static void test_exercise_first(void **state)
{
	struct lsc_explainer *e = lsc_teach_new(LSC_EXPLAIN_FIRST);
	struct lsc_frame f;
	struct said s;
	(void)state;
	assert_non_null(e);

	tcp_frame(&f, 3, LSC_FLOW_C2S, LSC_EV_SYN, LSC_TCP_SYN, 0);
	f.flow.socket_call = LSC_CALL_CONNECT;
	f.flow.call_source = LSC_CALL_INFERRED;
	explain(e, &f, &s);
	assert_non_null(said_text(&s, LSC_EX_LINK_HOP));
	assert_non_null(strstr(said_text(&s, LSC_EX_LINK_HOP), "6e:00:8a:b2:24:75 to 36:3e:ce:57:33:d8"));
	assert_non_null(strstr(said_text(&s, LSC_EX_IPV4), "10.1.1.5 → 10.1.1.1"));
	assert_non_null(strstr(said_text(&s, LSC_EX_PORTS), "port 8082"));
	assert_non_null(strstr(said_text(&s, LSC_EX_SYN), "from port 43248 to port 8082"));
	assert_non_null(strstr(said_text(&s, LSC_EX_CALL_INFERRED), "connect()"));
	assert_null(said_text(&s, LSC_EX_WELL_KNOWN));

	tcp_frame(&f, 4, LSC_FLOW_S2C, LSC_EV_SYN_ACK, LSC_TCP_SYN | LSC_TCP_ACK, 0);
	assert_int_equal(explain(e, &f, &s), 1);
	assert_int_equal(s.id[0], LSC_EX_SYN_ACK);
	assert_non_null(strstr(s.text[0], "listen()"));

	tcp_frame(&f, 5, LSC_FLOW_C2S, LSC_EV_HANDSHAKE_ACK, LSC_TCP_ACK, 0);
	explain(e, &f, &s);
	assert_non_null(strstr(said_text(&s, LSC_EX_HANDSHAKE_ACK), "accept queue"));

	tcp_frame(&f, 6, LSC_FLOW_C2S, LSC_EV_DATA, LSC_TCP_ACK | LSC_TCP_PSH, 40);
	explain(e, &f, &s);
	assert_string_equal(said_text(&s, LSC_EX_DATA),
	                    "Frame 6 carries 40 bytes from the client's send(): bytes 1 to 40 of its stream, "
	                    "numbered from 1 after its SYN. The kernel keeps them until they are acknowledged. "
	                    "RFC 9293 §3.4.");
	assert_null(said_text(&s, LSC_EX_BYTE_STREAM)); /* the server's recv(2048) takes it whole */

	tcp_frame(&f, 7, LSC_FLOW_S2C, LSC_EV_ACK, LSC_TCP_ACK, 0);
	explain(e, &f, &s);
	assert_non_null(strstr(said_text(&s, LSC_EX_PURE_ACK), "server's kernel"));
	assert_non_null(strstr(said_text(&s, LSC_EX_PURE_ACK), "before 41"));

	tcp_frame(&f, 8, LSC_FLOW_S2C, LSC_EV_DATA, LSC_TCP_ACK | LSC_TCP_PSH, 40);
	explain(e, &f, &s);
	assert_null(said_text(&s, LSC_EX_DATA)); /* said once */
	assert_non_null(strstr(said_text(&s, LSC_EX_BYTE_STREAM), "gets these as 16 + 16 + 8."));

	tcp_frame(&f, 10, LSC_FLOW_C2S, LSC_EV_FIN, LSC_TCP_FIN | LSC_TCP_ACK, 0);
	f.flow.socket_call = LSC_CALL_CLOSE;
	explain(e, &f, &s);
	assert_non_null(strstr(said_text(&s, LSC_EX_FIN), "The client's close() sends a FIN"));
	tcp_frame(&f, 11, LSC_FLOW_S2C, LSC_EV_FIN, LSC_TCP_FIN | LSC_TCP_ACK, 0);
	f.flow.socket_call = LSC_CALL_CLOSE;
	explain(e, &f, &s);
	assert_non_null(strstr(said_text(&s, LSC_EX_SECOND_FIN), "The server's close() sends its FIN too"));
	tcp_frame(&f, 12, LSC_FLOW_C2S, LSC_EV_ACK, LSC_TCP_ACK, 0);
	f.flow.step_kind = LSC_STEP_TEARDOWN;
	f.flow.step = f.flow.step_total = 4;
	explain(e, &f, &s);
	assert_non_null(strstr(said_text(&s, LSC_EX_TIME_WAIT), "The client closed first"));

	/* A second conversation: nothing new to say in first mode. */
	tcp_frame(&f, 13, LSC_FLOW_C2S, LSC_EV_SYN, LSC_TCP_SYN, 0);
	f.flow.id = 2;
	assert_int_equal(explain(e, &f, &s), 0);
	lsc_teach_free(e);
}

static void test_all_and_off(void **state)
{
	struct lsc_explainer *e = lsc_teach_new(LSC_EXPLAIN_ALL);
	struct lsc_frame f;
	struct said s;
	(void)state;
	tcp_frame(&f, 4, LSC_FLOW_S2C, LSC_EV_SYN_ACK, LSC_TCP_SYN | LSC_TCP_ACK, 0);
	explain(e, &f, &s);
	assert_non_null(said_text(&s, LSC_EX_SYN_ACK));
	explain(e, &f, &s);
	assert_non_null(said_text(&s, LSC_EX_SYN_ACK)); /* again: all */
	lsc_teach_set_on(e, false);
	assert_false(lsc_teach_is_on(e));
	assert_int_equal(explain(e, &f, &s), 0);
	lsc_teach_set_on(e, true);
	assert_true(lsc_teach_is_on(e));
	assert_int_not_equal(explain(e, &f, &s), 0);
	lsc_teach_free(e);

	e = lsc_teach_new(LSC_EXPLAIN_NONE);
	lsc_teach_set_on(e, true); /* none stays none */
	assert_int_equal(explain(e, &f, &s), 0);
	lsc_teach_free(e);
	assert_int_equal(explain(NULL, &f, &s), 0);
}

/* Resets: refused (after a SYN), the raw socket's (after a SYN-ACK), any other. */
static void test_resets(void **state)
{
	struct lsc_explainer *e = lsc_teach_new(LSC_EXPLAIN_ALL);
	struct lsc_frame f;
	struct said s;
	(void)state;
	tcp_frame(&f, 1, LSC_FLOW_C2S, LSC_EV_SYN, LSC_TCP_SYN, 0);
	explain(e, &f, &s);
	tcp_frame(&f, 2, LSC_FLOW_S2C, LSC_EV_RST, LSC_TCP_RST | LSC_TCP_ACK, 0);
	explain(e, &f, &s);
	assert_non_null(strstr(said_text(&s, LSC_EX_RST_REFUSED), "ECONNREFUSED"));

	tcp_frame(&f, 3, LSC_FLOW_C2S, LSC_EV_SYN, LSC_TCP_SYN, 0);
	f.flow.id = 2;
	explain(e, &f, &s);
	tcp_frame(&f, 4, LSC_FLOW_S2C, LSC_EV_SYN_ACK, LSC_TCP_SYN | LSC_TCP_ACK, 0);
	f.flow.id = 2;
	explain(e, &f, &s);
	tcp_frame(&f, 5, LSC_FLOW_C2S, LSC_EV_RST, LSC_TCP_RST, 0);
	f.flow.id = 2;
	explain(e, &f, &s);
	assert_non_null(strstr(said_text(&s, LSC_EX_RST_RAW), "raw socket"));

	tcp_frame(&f, 9, LSC_FLOW_C2S, LSC_EV_DATA, LSC_TCP_ACK, 10);
	f.flow.id = 3;
	explain(e, &f, &s);
	tcp_frame(&f, 10, LSC_FLOW_S2C, LSC_EV_RST, LSC_TCP_RST, 0);
	f.flow.id = 3;
	explain(e, &f, &s);
	assert_non_null(strstr(said_text(&s, LSC_EX_RST), "ECONNRESET"));
	lsc_teach_free(e);
}

/* A segment with no flag at all (tcpdump's "[none]") is no ACK: it is said to be a raw socket's. */
static void test_no_flags(void **state)
{
	struct lsc_explainer *e = lsc_teach_new(LSC_EXPLAIN_ALL);
	struct lsc_frame f;
	struct said s;
	(void)state;
	tcp_frame(&f, 1, LSC_FLOW_C2S, LSC_EV_NO_ACK, 0, 0);
	explain(e, &f, &s);
	assert_null(said_text(&s, LSC_EX_PURE_ACK));
	assert_non_null(strstr(said_text(&s, LSC_EX_NO_ACK), "raw socket"));
	lsc_teach_free(e);
}

/* Loss and flow control: retransmission, duplicate ACK, zero window, window update. */
static void test_loss_and_windows(void **state)
{
	struct lsc_explainer *e = lsc_teach_new(LSC_EXPLAIN_FIRST);
	struct lsc_frame f;
	struct said s;
	(void)state;
	tcp_frame(&f, 5, LSC_FLOW_C2S, LSC_EV_RETRANSMISSION, LSC_TCP_ACK | LSC_TCP_PSH, 40);
	f.flow.ref_frame = 4;
	explain(e, &f, &s);
	assert_non_null(strstr(said_text(&s, LSC_EX_RETRANSMISSION), "Frame 5 sends again the bytes of frame 4"));
	tcp_frame(&f, 9, LSC_FLOW_S2C, LSC_EV_DUP_ACK, LSC_TCP_ACK, 0);
	explain(e, &f, &s);
	assert_non_null(strstr(said_text(&s, LSC_EX_DUP_ACK), "the server acknowledges byte 41 again"));
	tcp_frame(&f, 10, LSC_FLOW_S2C, LSC_EV_ZERO_WINDOW, LSC_TCP_ACK, 0);
	explain(e, &f, &s);
	assert_non_null(strstr(said_text(&s, LSC_EX_ZERO_WINDOW), "The server advertises a receive window of 0"));
	tcp_frame(&f, 11, LSC_FLOW_S2C, LSC_EV_WINDOW_UPDATE, LSC_TCP_ACK, 0);
	explain(e, &f, &s);
	assert_non_null(strstr(said_text(&s, LSC_EX_WINDOW_UPDATE), "may send again (window 512)"));
	lsc_teach_free(e);
}

/* Ports 21 and 23 get their own words (a course text mixes them up); 80 its service's name. */
static void test_well_known_ports(void **state)
{
	struct lsc_explainer *e = lsc_teach_new(LSC_EXPLAIN_ALL);
	struct lsc_frame f;
	struct said s;
	(void)state;
	uint16_t ports[3] = { 21, 23, 80 };
	unsigned ids[3] = { LSC_EX_PORT_FTP, LSC_EX_PORT_TELNET, LSC_EX_WELL_KNOWN };
	for (unsigned i = 0; i < 3; i++) {
		tcp_frame(&f, 1, LSC_FLOW_C2S, LSC_EV_SYN, LSC_TCP_SYN, 0);
		f.flow.id = i + 1;
		f.layers[2].u.tcp.dport = ports[i];
		explain(e, &f, &s);
		assert_non_null(said_text(&s, ids[i]));
	}
	assert_non_null(strstr(said_text(&s, LSC_EX_WELL_KNOWN), "Port 80 is the well-known port of HTTP"));
	tcp_frame(&f, 1, LSC_FLOW_C2S, LSC_EV_SYN, LSC_TCP_SYN, 0);
	f.flow.id = 9;
	f.layers[2].u.tcp.dport = 23;
	explain(e, &f, &s);
	assert_non_null(strstr(said_text(&s, LSC_EX_PORT_TELNET), "FTP is port 21"));
	lsc_teach_free(e);
}

static void test_reads_and_history(void **state)
{
	struct lsc_explainer *e = lsc_teach_new(LSC_EXPLAIN_FIRST);
	struct said s;
	uint32_t reads[3] = { 16, 16, 8 };
	(void)state;
	memset(&s, 0, sizeof s);
	assert_int_equal(lsc_teach_reads(e, "client 1", 8, 1, 40, reads, 3, collect, &s), 1);
	assert_string_equal(s.text[0], "40 bytes arrived in one segment (frame 8); client 1 read them as "
	                               "16 + 16 + 8: recv() returns what has arrived, up to the size it asks "
	                               "for. TCP carries a stream of bytes, not messages. man 2 recv.");
	assert_int_equal(lsc_teach_reads(e, "client 2", 18, 1, 40, reads, 3, collect, &s), 0); /* once */
	memset(&s, 0, sizeof s);
	assert_int_equal(lsc_teach_history(e, "ShADadFf", collect, &s), 1);
	assert_non_null(strstr(s.text[0], "History ShADadFf: S client SYN, h server SYN-ACK, A client pure ACK, "
	                                  "D client data, a server pure ACK, d server data, F client FIN, f server FIN."));
	lsc_teach_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_entries),
		cmocka_unit_test(test_parse_mode),
		cmocka_unit_test(test_exercise_first),
		cmocka_unit_test(test_all_and_off),
		cmocka_unit_test(test_resets),
		cmocka_unit_test(test_no_flags),
		cmocka_unit_test(test_loss_and_windows),
		cmocka_unit_test(test_well_known_ports),
		cmocka_unit_test(test_reads_and_history),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
