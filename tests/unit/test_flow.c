/* SPDX-License-Identifier: BSD-3-Clause */
/* test_flow.c: the track stage: TCP state machine, relative numbers, events, expert flags, the table, UDP, reassembly. */
#include <config.h>

#include <pcap/dlt.h>
#include <stdio.h>

#include <layerscope/flow.h>
#include <layerscope/render.h>
#include <layerscope/strbuf.h>

#include "../../src/flow/flow-int.h"
#include "../../src/lib/i18n.h"
#include "../../src/lib/siphash.h"
#include "unit.h"

/* ---- frames built from bytes ---------------------------------------------- */

static const uint8_t CLIENT[4] = { 10, 0, 0, 1 }, SERVER[4] = { 10, 0, 0, 2 };
#define CPORT 40000
#define SPORT 8082

#define S LSC_TCP_SYN
#define A LSC_TCP_ACK
#define F LSC_TCP_FIN
#define R LSC_TCP_RST
#define P LSC_TCP_PSH

static struct lsc_frame frame;
static struct lsc_flow_ann ann;        /* the last frame's annotation, copied */
static char notes[LSC_MAX_NOTES][LSC_NOTE_LEN];
static unsigned nnotes;
static uint64_t frame_no;
static int64_t now_ns;
static int64_t step_ns = 1000000;      /* time between frames */
static const struct lsc_renderer *also; /* when set, each tracked frame is also rendered by it */
static void *also_st;

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | (i + 1 < n ? p[i + 1] : 0));
	return sum;
}

/* Ethernet + IPv4 + a transport header of `proto`, with correct checksums. */
static size_t build(uint8_t *b, uint8_t proto, const uint8_t *src, const uint8_t *dst, const uint8_t *l4,
                    size_t l4len)
{
	memset(b, 0, 34);
	b[12] = 0x08;
	uint8_t *ip = b + 14;
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4len));
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	memcpy(b + 34, l4, l4len);
	uint8_t pseudo[12] = { 0 };
	memcpy(pseudo, src, 4);
	memcpy(pseudo + 4, dst, 4);
	pseudo[9] = proto;
	put16(pseudo + 10, (uint16_t)l4len);
	uint8_t *sum = b + 34 + (proto == 6 ? 16 : 6);
	put16(sum, csum_fold(csum_add(csum_add(0, pseudo, 12), b + 34, l4len)));
	return 34 + l4len;
}

/* Decodes and tracks `n` bytes as the next frame; keeps its annotation and notes. */
static bool track_bytes(struct lsc_flow_tracker *t, const uint8_t *bytes, size_t n)
{
	test_decode(&frame, DLT_EN10MB, bytes, n);
	frame.number = ++frame_no;
	now_ns += step_ns;
	frame.ts_sec = now_ns / 1000000000;
	frame.ts_nsec = (uint32_t)(now_ns % 1000000000);
	lsc_flow_track(t, &frame);
	if (also != NULL)
		also->frame(also_st, &frame);
	bool has = frame.has_flow;
	ann = frame.flow;
	nnotes = frame.nnotes;
	memcpy(notes, frame.notes, sizeof notes);
	/* Every note's source says what its English text says: a translation is made from it. */
	for (unsigned i = 0; i < nnotes; i++) {
		char again[LSC_NOTE_LEN];
		if (frame.note_src[i].fmt == NULL)
			continue;
		lsc_note_format(again, sizeof again, frame.note_src[i].fmt, &frame.note_src[i]);
		assert_string_equal(again, notes[i]);
	}
	test_frame_free(&frame);
	return has;
}

/* When set, a TCP segment's payload is copied from here instead of being 'x's (and the pointer moves on). */
static const char *payload_text;

/* The bytes of a TCP segment, `len` payload bytes of 'x'; b has room for 34 + 20 + 1500. */
static size_t tcp_bytes(uint8_t *b, const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport,
                        uint32_t seq, uint32_t ack, uint16_t flags, uint16_t win, uint16_t len)
{
	uint8_t l4[20 + 1500];
	memset(l4, 0, 20);
	put16(l4, sport);
	put16(l4 + 2, dport);
	put32(l4 + 4, seq);
	put32(l4 + 8, ack);
	l4[12] = 5 << 4;
	l4[13] = (uint8_t)flags;
	put16(l4 + 14, win);
	if (payload_text != NULL) {
		memcpy(l4 + 20, payload_text, len);
		payload_text += len;
	} else {
		memset(l4 + 20, 'x', len);
	}
	return build(b, 6, src, dst, l4, 20u + len);
}

/* A TCP segment between the client and the server ports, tracked. */
static void tcp_from(struct lsc_flow_tracker *t, const uint8_t *src, uint16_t sport, const uint8_t *dst,
                     uint16_t dport, uint32_t seq, uint32_t ack, uint16_t flags, uint16_t win, uint16_t len)
{
	uint8_t b[34 + 20 + 1500];
	assert_true(track_bytes(t, b, tcp_bytes(b, src, sport, dst, dport, seq, ack, flags, win, len)));
}

static void c2s(struct lsc_flow_tracker *t, uint32_t seq, uint32_t ack, uint16_t flags, uint16_t len)
{
	tcp_from(t, CLIENT, CPORT, SERVER, SPORT, seq, ack, flags, 1000, len);
}

static void s2c(struct lsc_flow_tracker *t, uint32_t seq, uint32_t ack, uint16_t flags, uint16_t len)
{
	tcp_from(t, SERVER, SPORT, CLIENT, CPORT, seq, ack, flags, 1000, len);
}

static void udp_from(struct lsc_flow_tracker *t, const uint8_t *src, uint16_t sport, const uint8_t *dst,
                     uint16_t dport, uint16_t len)
{
	uint8_t l4[8 + 512], b[34 + sizeof l4];
	put16(l4, sport);
	put16(l4 + 2, dport);
	put16(l4 + 4, (uint16_t)(8 + len));
	put16(l4 + 6, 0);
	memset(l4 + 8, 'u', len);
	assert_true(track_bytes(t, b, build(b, 17, src, dst, l4, 8u + len)));
}

static bool has_note(const char *part)
{
	for (unsigned i = 0; i < nnotes; i++)
		if (strstr(notes[i], part) != NULL)
			return true;
	return false;
}

/* Client ISN 1000, server ISN 5000. */
#define CISN 1000u
#define SISN 5000u

static struct lsc_flow_tracker *tracker(uint32_t cap)
{
	struct lsc_flow_tracker *t = lsc_flow_new(cap);
	assert_non_null(t);
	frame_no = 0;
	now_ns = 1000000000LL;
	step_ns = 1000000;
	return t;
}

static void handshake(struct lsc_flow_tracker *t)
{
	c2s(t, CISN, 0, S, 0);
	s2c(t, SISN, CISN + 1, S | A, 0);
	c2s(t, CISN + 1, SISN + 1, A, 0);
}

static void assert_ends(uint8_t client, uint8_t server)
{
	assert_string_equal(lsc_tcp_state_name(ann.end_state[0]), lsc_tcp_state_name(client));
	assert_string_equal(lsc_tcp_state_name(ann.end_state[1]), lsc_tcp_state_name(server));
}

/* ---- the handshake, data and teardown ------------------------------------ */

static void test_handshake(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	c2s(t, CISN, 0, S, 0);
	assert_int_equal(ann.id, 1);
	assert_int_equal(ann.dir, LSC_FLOW_C2S);
	assert_true(ann.tcp);
	assert_int_equal(ann.event, LSC_EV_SYN);
	assert_int_equal(ann.socket_call, LSC_CALL_CONNECT);
	assert_int_equal(ann.state, LSC_TCPS_SYN_SENT);
	assert_ends(LSC_TCPS_SYN_SENT, LSC_TCPS_LISTEN);
	assert_int_equal(ann.step_kind, LSC_STEP_HANDSHAKE);
	assert_int_equal(ann.step, 1);
	assert_int_equal(ann.step_total, 3);
	assert_int_equal(ann.rel_seq, 0);
	assert_int_equal(ann.next_seq, 1);

	s2c(t, SISN, CISN + 1, S | A, 0);
	assert_int_equal(ann.dir, LSC_FLOW_S2C);
	assert_int_equal(ann.event, LSC_EV_SYN_ACK);
	assert_int_equal(ann.socket_call, LSC_CALL_LISTEN);
	assert_int_equal(ann.state, LSC_TCPS_SYN_RECEIVED);
	assert_ends(LSC_TCPS_ESTABLISHED, LSC_TCPS_SYN_RECEIVED);
	assert_int_equal(ann.step, 2);
	assert_int_equal(ann.rel_seq, 0);
	assert_int_equal(ann.rel_ack, 1);
	assert_int_equal(ann.acks_frame, 1);
	assert_int_equal(ann.acks_ctl, LSC_TCP_SYN);

	c2s(t, CISN + 1, SISN + 1, A, 0);
	assert_int_equal(ann.event, LSC_EV_HANDSHAKE_ACK);
	assert_int_equal(ann.socket_call, LSC_CALL_ACCEPT);
	assert_int_equal(ann.state, LSC_TCPS_ESTABLISHED);
	assert_ends(LSC_TCPS_ESTABLISHED, LSC_TCPS_ESTABLISHED);
	assert_int_equal(ann.step, 3);
	assert_int_equal(ann.ref_frame, 1);
	assert_int_equal(ann.rtt_ns, 2 * step_ns);
	assert_int_equal(ann.rel_seq, 1);
	assert_int_equal(ann.rel_ack, 1);
	assert_int_equal(ann.analysis, 0);
	assert_non_null(ann.conv);
	assert_string_equal(ann.conv->history, "ShA");
	assert_int_equal(ann.conv->handshake_rtt_ns, 2 * step_ns);
	assert_false(ann.conv->midstream);
	lsc_flow_free(t);
}

static void test_data_and_acks(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	handshake(t);
	c2s(t, CISN + 1, SISN + 1, P | A, 5);
	assert_int_equal(ann.event, LSC_EV_DATA);
	assert_int_equal(ann.socket_call, LSC_CALL_SEND);
	assert_int_equal(ann.step, 0);
	assert_int_equal(ann.next_seq, 6);
	s2c(t, SISN + 1, CISN + 6, A, 0);
	assert_int_equal(ann.event, LSC_EV_ACK);
	assert_int_equal(ann.socket_call, LSC_CALL_KERNEL);
	assert_int_equal(ann.rel_ack, 6);
	assert_int_equal(ann.acks_frame, 4);
	assert_int_equal(ann.acks_seq, 1);
	assert_int_equal(ann.acks_len, 5);

	char buf[96];
	struct lsc_strbuf b;
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_flow_ack_text(&b, &ann);
	assert_string_equal(buf, "ack 6 = peer seq 1 + 5 bytes (frame 4)");

	s2c(t, SISN + 1, CISN + 6, P | A, 5);
	assert_int_equal(ann.event, LSC_EV_DATA);
	assert_int_equal(ann.rel_seq, 1);
	c2s(t, CISN + 6, SISN + 6, A, 0);
	assert_int_equal(ann.rel_seq, 6);
	assert_int_equal(ann.rel_ack, 6);
	assert_string_equal(ann.conv->history, "ShADad");
	assert_int_equal(ann.conv->bytes[0], 5);
	assert_int_equal(ann.conv->bytes[1], 5);
	assert_int_equal(ann.conv->frames[0], 4);
	assert_int_equal(ann.conv->frames[1], 3);
	lsc_flow_free(t);
}

static void test_close_four_steps(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	handshake(t);
	c2s(t, CISN + 1, SISN + 1, F | A, 0);
	assert_int_equal(ann.event, LSC_EV_FIN);
	assert_int_equal(ann.socket_call, LSC_CALL_CLOSE);
	assert_int_equal(ann.step_kind, LSC_STEP_TEARDOWN);
	assert_int_equal(ann.step, 1);
	assert_int_equal(ann.step_total, 4);
	assert_int_equal(ann.state, LSC_TCPS_FIN_WAIT);
	assert_ends(LSC_TCPS_FIN_WAIT_1, LSC_TCPS_CLOSE_WAIT);

	s2c(t, SISN + 1, CISN + 2, A, 0);
	assert_int_equal(ann.event, LSC_EV_ACK);
	assert_int_equal(ann.step, 2);
	assert_ends(LSC_TCPS_FIN_WAIT_2, LSC_TCPS_CLOSE_WAIT);
	assert_int_equal(ann.acks_ctl, LSC_TCP_FIN);

	s2c(t, SISN + 1, CISN + 2, F | A, 0);
	assert_int_equal(ann.step, 3);
	assert_int_equal(ann.state, LSC_TCPS_CLOSING);
	assert_ends(LSC_TCPS_TIME_WAIT, LSC_TCPS_LAST_ACK);

	c2s(t, CISN + 2, SISN + 2, A, 0);
	assert_int_equal(ann.step, 4);
	assert_int_equal(ann.state, LSC_TCPS_TIME_WAIT);
	assert_ends(LSC_TCPS_TIME_WAIT, LSC_TCPS_CLOSED);
	assert_string_equal(ann.conv->history, "ShAFaf");

	char buf[32];
	struct lsc_strbuf b;
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_flow_step_text(&b, &ann);
	assert_string_equal(buf, "teardown 4/4");
	/* The person's form: the same words in the C locale the tests run in. */
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_flow_step_label(&b, &ann);
	assert_string_equal(buf, "teardown 4/4");
	lsc_flow_free(t);
}

/* The passive closer acknowledges the FIN and sends its own in one segment. */
static void test_close_three_segments(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	handshake(t);
	s2c(t, SISN + 1, CISN + 1, F | A, 0);
	assert_int_equal(ann.step, 1);
	assert_ends(LSC_TCPS_CLOSE_WAIT, LSC_TCPS_FIN_WAIT_1);
	c2s(t, CISN + 1, SISN + 2, F | A, 0);
	assert_int_equal(ann.step, 3);
	assert_true(has_note("steps 2 and 3"));
	assert_ends(LSC_TCPS_LAST_ACK, LSC_TCPS_TIME_WAIT);
	s2c(t, SISN + 2, CISN + 2, A, 0);
	assert_int_equal(ann.step, 4);
	assert_int_equal(ann.state, LSC_TCPS_TIME_WAIT);
	assert_ends(LSC_TCPS_CLOSED, LSC_TCPS_TIME_WAIT);
	lsc_flow_free(t);
}

static void test_half_close(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	handshake(t);
	c2s(t, CISN + 1, SISN + 1, F | A, 0);    /* shutdown(SHUT_WR) */
	assert_int_equal(ann.socket_call, LSC_CALL_CLOSE); /* the wire cannot tell yet */
	assert_int_equal(ann.call_source, LSC_CALL_INFERRED);
	s2c(t, SISN + 1, CISN + 2, A, 0);
	s2c(t, SISN + 1, CISN + 2, P | A, 10);   /* the server still sends */
	assert_int_equal(ann.event, LSC_EV_DATA);
	assert_true(has_note("half-close"));
	assert_int_equal(ann.revised_frame, 0); /* the client may still answer it with RST */
	assert_int_equal(ann.state, LSC_TCPS_FIN_WAIT);
	assert_ends(LSC_TCPS_FIN_WAIT_2, LSC_TCPS_CLOSE_WAIT);
	c2s(t, CISN + 2, SISN + 11, A, 0);       /* the client still reads */
	assert_int_equal(ann.rel_ack, 11);
	assert_int_equal(ann.analysis, 0);
	assert_int_equal(ann.revised_frame, 4);  /* its FIN came from shutdown() */
	assert_int_equal(ann.revised_call, LSC_CALL_SHUTDOWN);
	assert_true(has_note("shutdown(SHUT_WR), not close()"));
	s2c(t, SISN + 11, CISN + 2, F | A, 0);
	assert_int_equal(ann.step, 3);
	assert_int_equal(ann.revised_frame, 0);
	c2s(t, CISN + 2, SISN + 12, A, 0);
	assert_int_equal(ann.revised_frame, 0);  /* said once */
	assert_int_equal(ann.state, LSC_TCPS_TIME_WAIT);
	lsc_flow_free(t);
}

static void test_simultaneous_open(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	c2s(t, CISN, 0, S, 0);
	s2c(t, SISN, 0, S, 0);
	assert_int_equal(ann.event, LSC_EV_SYN);
	assert_int_equal(ann.step, 2);
	assert_int_equal(ann.step_total, 4);
	assert_true(has_note("simultaneous open"));
	assert_ends(LSC_TCPS_SYN_RECEIVED, LSC_TCPS_SYN_RECEIVED);
	c2s(t, CISN, SISN + 1, S | A, 0);
	assert_int_equal(ann.step, 3);
	assert_ends(LSC_TCPS_SYN_RECEIVED, LSC_TCPS_ESTABLISHED);
	s2c(t, SISN, CISN + 1, S | A, 0);
	assert_int_equal(ann.step, 4);
	assert_int_equal(ann.state, LSC_TCPS_ESTABLISHED);
	assert_ends(LSC_TCPS_ESTABLISHED, LSC_TCPS_ESTABLISHED);
	assert_int_equal(ann.analysis & LSC_FA_RETRANSMISSION, 0);
	c2s(t, CISN + 1, SISN + 1, P | A, 3);
	assert_int_equal(ann.event, LSC_EV_DATA);
	assert_int_equal(ann.rel_seq, 1);
	lsc_flow_free(t);
}

static void test_simultaneous_close(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	handshake(t);
	c2s(t, CISN + 1, SISN + 1, F | A, 0);
	s2c(t, SISN + 1, CISN + 1, F | A, 0);    /* sent before the client's FIN arrived */
	assert_true(has_note("simultaneous close"));
	assert_int_equal(ann.step, 2);
	assert_int_equal(ann.state, LSC_TCPS_CLOSING);
	assert_ends(LSC_TCPS_CLOSING, LSC_TCPS_CLOSING);
	c2s(t, CISN + 2, SISN + 2, A, 0);
	assert_int_equal(ann.step, 3);
	assert_ends(LSC_TCPS_CLOSING, LSC_TCPS_TIME_WAIT);
	s2c(t, SISN + 2, CISN + 2, A, 0);
	assert_int_equal(ann.step, 4);
	assert_int_equal(ann.state, LSC_TCPS_TIME_WAIT);
	assert_ends(LSC_TCPS_TIME_WAIT, LSC_TCPS_TIME_WAIT);
	lsc_flow_free(t);
}

/* ---- RST in each state ---------------------------------------------------- */

static void assert_reset(void)
{
	assert_int_equal(ann.event, LSC_EV_RST);
	assert_int_equal(ann.state, LSC_TCPS_RESET);
	assert_ends(LSC_TCPS_CLOSED, LSC_TCPS_CLOSED);
}

static void test_rst_refused(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	c2s(t, CISN, 0, S, 0);
	s2c(t, 0, CISN + 1, R | A, 0);
	assert_reset();
	assert_int_equal(ann.socket_call, LSC_CALL_KERNEL);
	assert_true(has_note("connection refused"));
	assert_true(ann.conv->refused);
	assert_string_equal(ann.conv->history, "Sr");
	lsc_flow_free(t);
}

static void test_rst_syn_received(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	c2s(t, CISN, 0, S, 0);
	s2c(t, SISN, CISN + 1, S | A, 0);
	c2s(t, CISN + 1, 0, R, 0);
	assert_reset();
	assert_int_equal(ann.rel_ack, 0); /* no ACK flag: shown raw, as tshark does */
	assert_false(ann.conv->refused);
	/* The SYN's own host refuses the SYN-ACK: the SYN came from a raw socket. */
	assert_int_equal(ann.revised_frame, 1);
	assert_int_equal(ann.revised_call, LSC_CALL_RAW);
	assert_true(has_note("did not come from connect()"));
	lsc_flow_free(t);
}

/* A server end that resets its own half-open connection proves nothing of the client's SYN. */
static void test_rst_from_server_half_open(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	c2s(t, CISN, 0, S, 0);
	s2c(t, SISN, CISN + 1, S | A, 0);
	s2c(t, SISN + 1, 0, R, 0);
	assert_reset();
	assert_int_equal(ann.revised_frame, 0);
	assert_false(has_note("did not come from connect()"));
	lsc_flow_free(t);
}

static void test_rst_established(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	handshake(t);
	s2c(t, SISN + 1, CISN + 1, R | A, 0);
	assert_reset();
	assert_int_equal(ann.socket_call, LSC_CALL_CLOSE);
	assert_true(has_note("heuristic: abortive close"));
	lsc_flow_free(t);
}

static void test_rst_fin_wait(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	handshake(t);
	c2s(t, CISN + 1, SISN + 1, F | A, 0);
	s2c(t, SISN + 1, CISN + 2, R | A, 0);
	assert_reset();
	lsc_flow_free(t);
}

static void test_rst_after_close(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	handshake(t);
	c2s(t, CISN + 1, SISN + 1, F | A, 0);
	s2c(t, SISN + 1, CISN + 2, F | A, 0);
	c2s(t, CISN + 2, SISN + 2, A, 0);
	c2s(t, CISN + 2, 0, R, 0);               /* from the end in TIME_WAIT */
	assert_reset();
	assert_int_equal(ann.socket_call, LSC_CALL_KERNEL);
	assert_true(has_note("already closed"));
	lsc_flow_free(t);
}

/* ---- retransmission, reuse, mid-stream ------------------------------------ */

static void test_retransmitted_syn(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	c2s(t, CISN, 0, S, 0);
	step_ns = 1000000000; /* the SYN timer: a second later */
	c2s(t, CISN, 0, S, 0);
	assert_int_equal(ann.id, 1);
	assert_int_equal(ann.event, LSC_EV_RETRANSMISSION);
	assert_true(ann.analysis & LSC_FA_RETRANSMISSION);
	assert_int_equal(ann.socket_call, LSC_CALL_KERNEL);
	assert_int_equal(ann.ref_frame, 1);
	assert_int_equal(ann.step, 1);
	assert_int_equal(ann.rel_seq, 0);
	assert_true(has_note("heuristic: retransmission"));
	step_ns = 1000000;
	s2c(t, SISN, CISN + 1, S | A, 0);
	c2s(t, CISN + 1, SISN + 1, A, 0);
	assert_int_equal(ann.event, LSC_EV_HANDSHAKE_ACK);
	/* from the latest SYN, as Wireshark measures it */
	assert_int_equal(ann.conv->handshake_rtt_ns, 2 * step_ns);
	assert_string_equal(ann.conv->history, "SThA");
	lsc_flow_free(t);
}

static uint32_t retired[8];
static unsigned nretired;

static void on_retire(const struct lsc_flow_conv *c, void *ctx)
{
	(void)ctx;
	if (nretired < 8)
		retired[nretired++] = c->id;
}

static void test_port_reuse(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	nretired = 0;
	lsc_flow_on_retire(t, on_retire, NULL);
	handshake(t);
	c2s(t, CISN + 1, SISN + 1, F | A, 0);
	s2c(t, SISN + 1, CISN + 2, F | A, 0);
	c2s(t, CISN + 2, SISN + 2, A, 0);
	assert_int_equal(ann.id, 1);
	c2s(t, 90000, 0, S, 0);
	assert_int_equal(ann.id, 2);
	assert_true(ann.analysis & LSC_FA_PORT_REUSE);
	assert_true(has_note("port reuse"));
	assert_int_equal(ann.event, LSC_EV_SYN);
	assert_int_equal(ann.rel_seq, 0);
	assert_int_equal(ann.state, LSC_TCPS_SYN_SENT);
	assert_true(ann.conv->port_reused);
	assert_int_equal(nretired, 1);
	assert_int_equal(retired[0], 1);
	assert_int_equal(lsc_flow_count(t), 1);
	lsc_flow_free(t);
}

static void test_midstream(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	c2s(t, 777777, 888888, P | A, 10);
	assert_true(ann.conv->midstream);
	assert_true(has_note("mid-conversation"));
	assert_int_equal(ann.state, LSC_TCPS_ESTABLISHED);
	assert_int_equal(ann.dir, LSC_FLOW_C2S);
	assert_int_equal(ann.rel_seq, 1);
	assert_int_equal(ann.rel_ack, 1);
	s2c(t, 888888, 777787, A, 0);
	assert_int_equal(ann.rel_seq, 1);
	assert_int_equal(ann.rel_ack, 11);
	assert_int_equal(ann.analysis, 0);
	assert_int_equal(ann.conv->handshake_rtt_ns, -1);
	lsc_flow_free(t);

	/* The lower port is the server's when it is well known or faces an ephemeral one. */
	t = tracker(0);
	tcp_from(t, SERVER, 5000, CLIENT, 6000, 1, 1, A, 1000, 0);
	assert_int_equal(ann.dir, LSC_FLOW_C2S);
	s2c(t, 888888, 777777, P | A, 10);       /* 8082 -> 40000 */
	assert_int_equal(ann.dir, LSC_FLOW_S2C);
	assert_int_equal(ann.conv->ep[1].port, SPORT);
	tcp_from(t, SERVER, 80, CLIENT, CPORT, 1, 1, A, 1000, 0);
	assert_int_equal(ann.dir, LSC_FLOW_S2C);
	assert_int_equal(ann.conv->ep[1].port, 80);
	assert_int_equal(ann.conv->history[0], '^');
	lsc_flow_free(t);
}

/* No SYN, RST or ACK (tcpdump's "[none]"): not an ACK, and no kernel's segment. */
static void test_no_ack(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	handshake(t);
	c2s(t, CISN + 1, SISN + 1, 0, 0);
	assert_int_equal(ann.event, LSC_EV_NO_ACK);
	assert_string_equal(lsc_flow_event_name(ann.event), "no-ack");
	assert_int_equal(ann.socket_call, LSC_CALL_RAW);
	c2s(t, CISN + 1, SISN + 1, P, 5);        /* data, still without ACK */
	assert_int_equal(ann.event, LSC_EV_NO_ACK);
	lsc_flow_free(t);
}

static void test_synack_first(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	s2c(t, SISN, CISN + 1, S | A, 0);
	assert_int_equal(ann.dir, LSC_FLOW_S2C);
	assert_true(has_note("SYN was not captured"));
	assert_int_equal(ann.state, LSC_TCPS_SYN_RECEIVED);
	c2s(t, CISN + 1, SISN + 1, A, 0);
	assert_int_equal(ann.event, LSC_EV_HANDSHAKE_ACK);
	assert_int_equal(ann.state, LSC_TCPS_ESTABLISHED);
	assert_int_equal(ann.rel_seq, 1);
	assert_int_equal(ann.rel_ack, 1);
	lsc_flow_free(t);
}

/* The sequence space wraps past 2^32: relative numbers go on counting. */
static void test_seq_wraparound(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	uint32_t isn = 0xfffffff0u;
	c2s(t, isn, 0, S, 0);
	s2c(t, SISN, isn + 1, S | A, 0);
	c2s(t, isn + 1, SISN + 1, A, 0);
	for (uint32_t i = 0; i < 4; i++) {
		c2s(t, isn + 1 + i * 10, SISN + 1, P | A, 10);
		assert_int_equal(ann.rel_seq, 1 + i * 10);
		assert_int_equal(ann.analysis, 0);
		s2c(t, SISN + 1, isn + 11 + i * 10, A, 0);
		assert_int_equal(ann.rel_ack, 11 + i * 10);
		assert_int_equal(ann.analysis, 0);
	}
	/* An old segment from before the wrap is still behind the stream. */
	step_ns = 500000000;
	c2s(t, isn + 1, SISN + 1, P | A, 10);
	assert_true(ann.analysis & LSC_FA_RETRANSMISSION);
	assert_int_equal(ann.ref_frame, 4);
	lsc_flow_free(t);
}

/* ---- expert heuristics ----------------------------------------------------- */

static void test_duplicate_acks(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	handshake(t);
	c2s(t, CISN + 1, SISN + 1, A, 100);
	c2s(t, CISN + 201, SISN + 1, A, 100);   /* 101..201 never arrives */
	assert_true(ann.analysis & LSC_FA_LOST_SEGMENT);
	assert_true(has_note("not captured"));
	s2c(t, SISN + 1, CISN + 101, A, 0);
	assert_int_equal(ann.event, LSC_EV_ACK);
	uint64_t first = frame_no;
	for (unsigned i = 1; i <= 3; i++) {
		s2c(t, SISN + 1, CISN + 101, A, 0);
		assert_int_equal(ann.event, LSC_EV_DUP_ACK);
		assert_int_equal(ann.socket_call, LSC_CALL_KERNEL);
		assert_int_equal(ann.ref_frame, first);
		char want[64];
		snprintf(want, sizeof want, "duplicate ACK #%u", i);
		assert_true(has_note(want));
	}
	/* Fast retransmission of what the duplicates ask for. */
	step_ns = 1000;
	c2s(t, CISN + 101, SISN + 1, A, 100);
	assert_int_equal(ann.event, LSC_EV_RETRANSMISSION);
	assert_string_equal(ann.conv->history, "ShADGaT");
	lsc_flow_free(t);
}

static void test_windows_and_keepalive(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	handshake(t);
	c2s(t, CISN + 1, SISN + 1, A, 50);
	tcp_from(t, SERVER, SPORT, CLIENT, CPORT, SISN + 1, CISN + 51, A, 0, 0);
	assert_int_equal(ann.event, LSC_EV_ZERO_WINDOW);
	assert_true(ann.analysis & LSC_FA_ZERO_WINDOW);
	assert_true(has_note("heuristic: zero window"));
	c2s(t, CISN + 51, SISN + 1, A, 1);      /* the probe */
	assert_true(ann.analysis & LSC_FA_ZERO_WINDOW_PROBE);
	assert_int_equal(ann.event, LSC_EV_KEEP_ALIVE);
	tcp_from(t, SERVER, SPORT, CLIENT, CPORT, SISN + 1, CISN + 51, A, 0, 0);
	tcp_from(t, SERVER, SPORT, CLIENT, CPORT, SISN + 1, CISN + 51, A, 4000, 0);
	assert_int_equal(ann.event, LSC_EV_WINDOW_UPDATE);
	assert_int_equal(ann.socket_call, LSC_CALL_RECV);
	c2s(t, CISN + 51, SISN + 1, A, 20);
	s2c(t, SISN + 1, CISN + 71, A, 0);
	step_ns = 7200000000LL;                  /* two hours of silence */
	c2s(t, CISN + 70, SISN + 1, A, 0);
	assert_int_equal(ann.event, LSC_EV_KEEP_ALIVE);
	assert_true(ann.analysis & LSC_FA_KEEP_ALIVE);
	assert_int_equal(ann.socket_call, LSC_CALL_KERNEL);
	step_ns = 1000000;
	s2c(t, SISN + 1, CISN + 71, A, 0);
	assert_true(ann.analysis & LSC_FA_KEEP_ALIVE_ACK);
	assert_int_equal(ann.analysis & LSC_FA_DUP_ACK, 0);
	assert_non_null(strchr(ann.conv->history, 'w'));
	lsc_flow_free(t);
}

static void test_out_of_order(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	handshake(t);
	step_ns = 100000; /* 0.1 ms apart, within the 2 ms handshake RTT */
	c2s(t, CISN + 1, SISN + 1, A, 10);
	c2s(t, CISN + 21, SISN + 1, A, 10);
	c2s(t, CISN + 11, SISN + 1, A, 10);
	assert_int_equal(ann.event, LSC_EV_OUT_OF_ORDER);
	assert_true(ann.analysis & LSC_FA_OUT_OF_ORDER);
	assert_int_equal(ann.analysis & LSC_FA_RETRANSMISSION, 0);
	assert_int_equal(ann.socket_call, LSC_CALL_SEND);
	lsc_flow_free(t);
}

/* ---- the table ------------------------------------------------------------ */

static void test_lru_eviction(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(2);
	nretired = 0;
	lsc_flow_on_retire(t, on_retire, NULL);
	static const uint8_t third[4] = { 10, 0, 0, 3 };
	tcp_from(t, CLIENT, 1001, SERVER, 80, 1, 0, S, 1000, 0);   /* id 1 */
	tcp_from(t, CLIENT, 1002, SERVER, 80, 1, 0, S, 1000, 0);   /* id 2 */
	tcp_from(t, SERVER, 80, CLIENT, 1001, 9, 2, S | A, 1000, 0); /* touches 1 */
	assert_int_equal(ann.id, 1);
	tcp_from(t, third, 1003, SERVER, 80, 1, 0, S, 1000, 0);    /* id 3 evicts 2 */
	assert_int_equal(ann.id, 3);
	assert_int_equal(nretired, 1);
	assert_int_equal(retired[0], 2);
	assert_int_equal(lsc_flow_count(t), 2);
	assert_int_equal(lsc_flow_evicted(t), 1);
	tcp_from(t, CLIENT, 1001, SERVER, 80, 2, 10, A, 1000, 0);
	assert_int_equal(ann.id, 1);                                /* still there */
	tcp_from(t, CLIENT, 1002, SERVER, 80, 1, 0, S, 1000, 0);   /* comes back new */
	assert_int_equal(ann.id, 4);
	assert_int_equal(retired[1], 3);
	/* The last lookup's slot, tried before hashing, is the same conversation... */
	tcp_from(t, SERVER, 80, CLIENT, 1002, 9, 2, S | A, 1000, 0);
	assert_int_equal(ann.id, 4);
	/* ...and a key whose slot went to another conversation is new again. */
	tcp_from(t, third, 1003, SERVER, 80, 1, 0, S, 1000, 0);
	assert_int_equal(ann.id, 5);
	tcp_from(t, CLIENT, 1001, SERVER, 80, 3, 10, A, 1000, 0);
	assert_int_equal(ann.id, 6);
	lsc_flow_free(t);
}

static void collect_id(const struct lsc_flow_conv *c, void *ctx)
{
	uint32_t *ids = ctx;
	ids[ids[0]++ + 1] = c->id;
}

static void test_foreach_order(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(8);
	for (uint16_t p = 0; p < 5; p++)
		tcp_from(t, CLIENT, (uint16_t)(2000 + p * 7919 % 13), SERVER, 80, 1, 0, S, 1000, 0);
	uint32_t ids[8] = { 0 };
	assert_int_equal(lsc_flow_foreach(t, collect_id, ids), 0);
	assert_int_equal(ids[0], 5);
	for (uint32_t i = 1; i <= 5; i++)
		assert_int_equal(ids[i], i);
	lsc_flow_free(t);
}

/* ---- UDP -------------------------------------------------------------------- */

static void test_udp_pairs(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	step_ns = 250000;
	udp_from(t, CLIENT, CPORT, SERVER, SPORT, 12);
	assert_false(ann.tcp);
	assert_int_equal(ann.event, LSC_EV_DATAGRAM);
	assert_int_equal(ann.socket_call, LSC_CALL_SENDTO);
	assert_int_equal(ann.state, LSC_TCPS_UDP);
	assert_int_equal(ann.dir, LSC_FLOW_C2S);
	udp_from(t, CLIENT, CPORT, SERVER, SPORT, 5);
	udp_from(t, SERVER, SPORT, CLIENT, CPORT, 12);
	assert_int_equal(ann.dir, LSC_FLOW_S2C);
	assert_int_equal(ann.ref_frame, 1);
	assert_int_equal(ann.rtt_ns, 500000);
	assert_true(has_note("heuristic: echo reply to frame 1"));
	udp_from(t, SERVER, SPORT, CLIENT, CPORT, 7);
	assert_int_equal(ann.ref_frame, 2);
	assert_true(has_note("heuristic: reply to frame 2"));
	udp_from(t, SERVER, SPORT, CLIENT, CPORT, 7);
	assert_int_equal(ann.ref_frame, 0);   /* nothing left to answer */
	assert_string_equal(ann.conv->history, "Dd");
	assert_int_equal(ann.conv->bytes[0], 17);
	lsc_flow_free(t);
}

/* ---- frames that are not tracked ------------------------------------------ */

static void test_not_tracked(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = tracker(0);
	uint8_t l4[20] = { 0 }, b[64];
	put16(l4, CPORT);
	put16(l4 + 2, SPORT);
	l4[12] = 5 << 4;
	l4[13] = S;
	size_t n = build(b, 6, CLIENT, SERVER, l4, 20);
	assert_false(track_bytes(t, b, n - 1));          /* TCP header cut short */
	b[14 + 6] = 0x20;                                /* more fragments */
	assert_false(track_bytes(t, b, n));

	/* An ICMP error quoting a TCP header: the quoted ports are not this frame's. */
	static struct lsc_frame f;
	memset(&f, 0, sizeof f);
	f.number = 1;
	f.nlayers = 5;
	f.layers[0].proto = LSC_PROTO_ETH;
	f.layers[1].proto = LSC_PROTO_IPV4;
	f.layers[2].proto = LSC_PROTO_ICMP;
	f.layers[3].proto = LSC_PROTO_IPV4;
	f.layers[3].flags = LSC_LF_QUOTED;
	f.layers[4].proto = LSC_PROTO_TCP;
	f.layers[4].flags = LSC_LF_QUOTED;
	f.layers[4].cap_len = 20;
	lsc_flow_track(t, &f);
	assert_false(f.has_flow);
	assert_int_equal(lsc_flow_count(t), 0);
	lsc_flow_free(t);
}

/*
 * The key hash spreads keys that differ only where real peers do: IPv6
 * addresses in their last bytes (the high bytes of a key word, which a
 * sum of independent multiplies let reach only the top of the hash: 1024
 * such conversations took 16 buckets) and IPv4 clients in their port.  At
 * the table's load (half a conversation a bucket) a random hash's longest
 * chain is about 5; 8 leaves room and catches any such collapse.
 */
static void test_hash_spread(void **state)
{
	(void)state;
	static struct lsc_frame f;
	for (int v6 = 0; v6 < 2; v6++) {
		if (v6 && lsc_proto_get(LSC_PROTO_IPV6) == NULL)
			skip();
		struct lsc_flow_tracker *t = tracker(1024);
		for (unsigned n = 0; n < 1024; n++) {
			memset(&f, 0, sizeof f);
			f.number = n + 1;
			f.len = f.caplen = 74;
			f.nlayers = 2;
			f.layers[0].proto = v6 ? LSC_PROTO_IPV6 : LSC_PROTO_IPV4;
			if (v6) {
				memset(f.layers[0].u.ipv6.src, 0x20, 14);
				memset(f.layers[0].u.ipv6.dst, 0x20, 14);
				f.layers[0].u.ipv6.src[14] = (uint8_t)(n >> 8);
				f.layers[0].u.ipv6.src[15] = (uint8_t)n;
				f.layers[0].u.ipv6.dst[14] = (uint8_t)~(n >> 8);
				f.layers[0].u.ipv6.dst[15] = (uint8_t)~n;
			} else {
				memcpy(f.layers[0].u.ipv4.src, "\x0a\x00\x00\x02", 4);
				memcpy(f.layers[0].u.ipv4.dst, "\x0a\x00\x00\x01", 4);
			}
			f.layers[1].proto = LSC_PROTO_TCP;
			f.layers[1].offset = 40;
			f.layers[1].hdr_len = f.layers[1].cap_len = 20;
			f.layers[1].u.tcp.sport = (uint16_t)(v6 ? 123 : 32768 + n);
			f.layers[1].u.tcp.dport = v6 ? 123 : SPORT;
			f.layers[1].u.tcp.flags = S;
			lsc_flow_track(t, &f);
			assert_true(f.has_flow);
		}
		assert_int_equal(lsc_flow_count(t), 1024);
		uint32_t longest = lsc_flow_table_longest_chain(t);
		if (longest > 8)
			fail_msg("IPv%d: %u conversations in one bucket", v6 ? 6 : 4, longest);
		lsc_flow_free(t);
	}
}

/* SipHash-2-4 against the paper's vectors (key 00..0f, message 00..len-1): the 1-3 the table uses is the same code. */
static void test_siphash_vectors(void **state)
{
	(void)state;
	static const struct { size_t len; uint64_t want; } v[] = {
		{ 0, 0x726fdb47dd0e0e31ull }, { 1, 0x74f839c593dc67fdull }, { 2, 0x0d6c8009d9a94f5aull },
		{ 3, 0x85676696d7fb7e2dull }, { 15, 0xa129ca6149be45e5ull },
	};
	uint8_t msg[16];
	for (unsigned i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)i;
	const uint64_t key[2] = { 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		assert_true(lsc_siphash(key, msg, v[i].len, 2, 4) == v[i].want);
}

/*
 * Hash flooding: keys chosen to collide under the table's first hash, an
 * unseeded multiply-xorshift over the key's five words (each step is a
 * bijection, so a key word can be solved for any final hash).  20,000 of
 * them made `read --stats` 40 times slower.  Under a keyed hash they
 * spread as any keys do; a lookup's cost is the chain it walks, counted.
 */
static uint64_t kw_of(const struct flow_key *k, int i)
{
	uint64_t w;
	memcpy(&w, (const uint8_t *)k + 8 * i, 8);
	return w;
}

static uint64_t old_step(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	return h ^ (h >> 32);
}

static void test_hash_flood(void **state)
{
	(void)state;
	enum { N = 2000 };
	uint64_t cinv = 0xff51afd7ed558ccdull; /* its inverse mod 2^64, by Newton's iteration */
	for (int i = 0; i < 6; i++)
		cinv *= 2 - 0xff51afd7ed558ccdull * cinv;
	struct lsc_flow_tracker *t = tracker(N);
	static struct flow_key keys[N];
	for (unsigned j = 0; j < N; j++) {
		struct flow_key *k = &keys[j];
		memset(k, 0, sizeof *k);
		memset(k->addr[0], 0x20, 16);
		memset(k->addr[1], 0xfe, 8);
		k->port[0] = 40000;
		k->port[1] = 8082;
		k->family = 6;
		k->proto = 6;
		uint64_t w[5];
		memcpy(w, k, sizeof w);
		uint64_t h3 = 0x9e3779b97f4a7c15ull;
		for (int i = 0; i < 3; i++)
			h3 = old_step(h3, w[i]);
		/* The final hashes j << 32 | 0x5a5a5a5a: one bucket in any table.  A step is undone by
		 * its own xorshift (an involution) and the inverse multiply; then word 3 is solved. */
		uint64_t fin = (uint64_t)(j + 1) << 32 | 0x5a5a5a5au;
		uint64_t h4 = ((fin ^ (fin >> 32)) * cinv) ^ w[4];
		w[3] = ((h4 ^ (h4 >> 32)) * cinv) ^ h3;
		memcpy((uint8_t *)k + 24, &w[3], 8);
		uint64_t h = 0x9e3779b97f4a7c15ull;
		for (int i = 0; i < 5; i++)
			h = old_step(h, kw_of(k, i));
		assert_int_equal((uint32_t)h, 0x5a5a5a5au); /* they collide under the old hash */
		bool fresh;
		lsc_flow_table_get(t, k, &fresh);
		assert_true(fresh);
	}
	assert_int_equal(lsc_flow_count(t), N);
	uint32_t longest = lsc_flow_table_longest_chain(t);
	if (longest > 8)
		fail_msg("%u of %u chosen keys in one bucket: a lookup walks them all", longest, N);
	/* Every key is found again, each within the longest chain. */
	for (unsigned j = 0; j < N; j++) {
		bool fresh;
		lsc_flow_table_get(t, &keys[j], &fresh);
		assert_false(fresh);
	}
	lsc_flow_free(t);
}

/* IPv6 needs its decoder; the key and the rest are shared with IPv4. */
static void test_ipv6(void **state)
{
	(void)state;
	if (lsc_proto_get(LSC_PROTO_IPV6) == NULL)
		skip();
	static struct lsc_frame f;
	memset(&f, 0, sizeof f);
	f.number = 1;
	f.len = f.caplen = 74;
	f.nlayers = 2;
	f.layers[0].proto = LSC_PROTO_IPV6;
	f.layers[0].u.ipv6.src[15] = 1;
	f.layers[0].u.ipv6.dst[15] = 2;
	f.layers[1].proto = LSC_PROTO_TCP;
	f.layers[1].offset = 40;
	f.layers[1].hdr_len = f.layers[1].cap_len = 20;
	f.layers[1].u.tcp.sport = CPORT;
	f.layers[1].u.tcp.dport = SPORT;
	f.layers[1].u.tcp.seq = CISN;
	f.layers[1].u.tcp.flags = S;
	struct lsc_flow_tracker *t = tracker(0);
	lsc_flow_track(t, &f);
	assert_true(f.has_flow);
	assert_int_equal(f.flow.conv->family, 6);
	assert_int_equal(f.flow.event, LSC_EV_SYN);
	char buf[64];
	struct lsc_strbuf b;
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_flow_endpoint_text(&b, 6, &f.flow.conv->ep[1]);
	assert_string_equal(buf, "[::2]:8082");
	lsc_flow_free(t);
}

/* ---- names ------------------------------------------------------------------ */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(lsc_tcp_state_name(LSC_TCPS_FIN_WAIT_2), "FIN_WAIT_2");
	assert_string_equal(lsc_tcp_state_name(LSC_TCPS_TIME_WAIT), "TIME_WAIT");
	assert_null(lsc_tcp_state_name(LSC_TCPS_COUNT));
	assert_string_equal(lsc_flow_event_name(LSC_EV_DUP_ACK), "duplicate-ack");
	assert_string_equal(lsc_sock_call_name(LSC_CALL_ACCEPT), "kernel (connect() returns)");
	assert_string_equal(lsc_sock_call_name(LSC_CALL_LISTEN), "kernel (listening socket)");
	assert_string_equal(lsc_sock_call_name(LSC_CALL_SENDTO), "send()/sendto()");
	assert_string_equal(lsc_call_source_name(LSC_CALL_INFERRED), "inferred");
	assert_string_equal(lsc_call_source_name(LSC_CALL_OBSERVED), "observed");
	assert_null(lsc_call_source_name(LSC_CALL_SRC_NONE));
	char call[32];
	struct lsc_strbuf cb;
	lsc_sb_init(&cb, call, sizeof call);
	lsc_flow_call_text(&cb, LSC_CALL_CONNECT, LSC_CALL_OBSERVED);
	assert_string_equal(call, "connect()");
	lsc_sb_init(&cb, call, sizeof call);
	lsc_flow_call_text(&cb, LSC_CALL_CONNECT, LSC_CALL_INFERRED);
	assert_string_equal(call, "connect()?");
	lsc_sb_init(&cb, call, sizeof call);
	lsc_flow_call_text(&cb, LSC_CALL_NONE, LSC_CALL_INFERRED);
	assert_string_equal(call, "");
	lsc_sb_init(&cb, call, sizeof call);
	lsc_flow_call_label(&cb, LSC_CALL_LISTEN, LSC_CALL_INFERRED);
	assert_string_equal(call, "kernel (listening socket)?");
	lsc_sb_init(&cb, call, sizeof call);
	lsc_flow_call_label(&cb, LSC_CALL_NONE, LSC_CALL_INFERRED);
	assert_string_equal(call, "");
	assert_string_equal(lsc_flow_step_name(LSC_STEP_TEARDOWN), "teardown");
	assert_string_equal(lsc_flow_analysis_name(0), "retransmission");
	assert_string_equal(lsc_flow_analysis_name(LSC_FA_COUNT - 1), "acked-unseen");
	assert_null(lsc_flow_analysis_name(LSC_FA_COUNT));
	char buf[64];
	struct lsc_strbuf b;
	struct lsc_flow_endpoint e = { { 127, 0, 0, 1 }, 8082 };
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_flow_endpoint_text(&b, 4, &e);
	assert_string_equal(buf, "127.0.0.1:8082");
}

/* ---- reassembly ------------------------------------------------------------ */

static char got[256];
static size_t ngot;
static unsigned ngaps, nlate;

static void collect(const struct lsc_reasm_chunk *c, void *ctx)
{
	(void)ctx;
	if (c->data == NULL) {
		ngaps++;
		memset(got + ngot, '?', c->len);
	} else {
		memcpy(got + ngot, c->data, c->len);
	}
	nlate += c->late;
	ngot += c->len;
	got[ngot] = '\0';
}

static struct lsc_reasm *reasm(uint32_t cap)
{
	ngot = ngaps = nlate = 0;
	got[0] = '\0';
	struct lsc_reasm *r = lsc_reasm_new(cap, collect, NULL);
	assert_non_null(r);
	return r;
}

#define ADD(r, seq, s) lsc_reasm_add(r, 1, seq, (const uint8_t *)(s), (uint32_t)strlen(s), (uint32_t)strlen(s))

static void test_reasm_order(void **state)
{
	(void)state;
	struct lsc_reasm *r = reasm(64);
	ADD(r, 1, "hello ");
	ADD(r, 11, "d");                  /* early */
	ADD(r, 9, "rl");                  /* early */
	assert_string_equal(got, "hello ");
	ADD(r, 1, "hello ");              /* retransmission: dropped */
	ADD(r, 5, "o wo");                /* overlaps: only "wo" is new */
	assert_string_equal(got, "hello world");
	assert_int_equal(nlate, 2);
	ADD(r, 12, "!");
	lsc_reasm_finish(r);
	assert_string_equal(got, "hello world!");
	assert_int_equal(ngaps, 0);
	lsc_reasm_free(r);
}

static void test_reasm_gaps(void **state)
{
	(void)state;
	struct lsc_reasm *r = reasm(8);
	ADD(r, 100, "ab");
	ADD(r, 105, "fg");                /* 102..105 never comes */
	assert_string_equal(got, "ab");
	lsc_reasm_finish(r);
	assert_string_equal(got, "ab???fg");
	assert_int_equal(ngaps, 1);
	lsc_reasm_free(r);

	/* The buffer fills: the missing bytes are given up as a gap. */
	r = reasm(4);
	ADD(r, 1, "a");
	ADD(r, 3, "cd");
	ADD(r, 5, "ef");
	assert_string_equal(got, "a");
	ADD(r, 7, "gh");                  /* no room left for it to wait */
	assert_string_equal(got, "a?cdefgh");
	assert_int_equal(ngaps, 1);
	lsc_reasm_free(r);

	/* A short snaplen: the segment's tail is reported missing. */
	r = reasm(16);
	lsc_reasm_add(r, 1, 1, (const uint8_t *)"abc", 3, 6);
	ADD(r, 7, "g");
	assert_string_equal(got, "abc???g");
	lsc_reasm_free(r);
}

/* read --follow N: the stream as text, "Olá, Introdução" whole under UTF-8 though a segment cuts the "ç". */
static char *follow_text(const char *text, uint16_t cut)
{
	char *out_text = NULL;
	size_t len = 0, n = strlen(text);
	FILE *out = open_memstream(&out_text, &len);
	struct lsc_render_opts o = { .follow = 1 };
	struct lsc_flow_tracker *t = tracker(0);
	assert_non_null(out);
	also = lsc_renderer_find("follow");
	assert_non_null(also);
	also_st = also->begin(out, &o);
	assert_non_null(also_st);
	handshake(t);
	payload_text = text;
	c2s(t, CISN + 1, SISN + 1, A, cut);
	c2s(t, CISN + 1 + cut, SISN + 1, A, (uint16_t)(n - cut));
	payload_text = NULL;
	assert_int_equal(also->end(also_st), 0);
	also = NULL;
	lsc_flow_free(t);
	assert_int_equal(fclose(out), 0);
	return out_text;
}

static void test_follow_utf8(void **state)
{
	(void)state;
	static const char text[] = "Ol\xc3\xa1, Introdu\xc3\xa7\xc3\xa3o\n"; /* "Olá, Introdução" */
	const uint16_t cut = 14; /* the first segment ends after the first byte of "ç" */
	assert_int_equal((unsigned char)text[cut - 1], 0xc3);
	setenv("LC_ALL", "C.UTF-8", 1);
	lsc_i18n_init();
	if (!lsc_text_utf8())
		fail_msg("the C.UTF-8 locale is missing"); /* as test_render and test_demo: never a silent pass */
	char *shown = follow_text(text, cut);
	/* The newline shows as \n and ends the line, as in every follow. */
	assert_non_null(strstr(shown, "\nOl\xc3\xa1, Introdu\xc3\xa7\xc3\xa3o\\n\n"));
	assert_null(strstr(shown, "\\x"));
	free(shown);

	/* A terminal that does not speak UTF-8 gets each byte escaped, as before. */
	setenv("LC_ALL", "C", 1);
	lsc_i18n_init();
	shown = follow_text(text, cut);
	assert_non_null(strstr(shown, "Ol\\xc3\\xa1, Introdu\\xc3\\xa7\\xc3\\xa3o"));
	free(shown);
}

/* The ladder past its caps: more open conversations than its 4096 slots, more rows than its 65536. */
static void test_ladder_caps(void **state)
{
	(void)state;
	struct lsc_flow_tracker *t = lsc_flow_new(0);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct lsc_render_opts o = { 0 };
	assert_non_null(t);
	assert_non_null(out);
	also = lsc_renderer_find("ladder");
	assert_non_null(also);
	also_st = also->begin(out, &o);
	assert_non_null(also_st);
	for (uint16_t i = 0; i < 4100; i++) /* the 4097th conversation makes the first 4096 written */
		udp_from(t, CLIENT, (uint16_t)(10000 + i), SERVER, SPORT, 4);
	for (uint32_t i = 0; i < 70000; i++) /* fills the rows: conversation 4101 goes on in a second block */
		udp_from(t, CLIENT, CPORT, SERVER, SPORT, 4);
	assert_int_equal(also->end(also_st), 0);
	also = NULL;
	assert_int_equal(fclose(out), 0);
	unsigned blocks = 0, continued = 0;
	for (const char *p = text; (p = strstr(p, "Conversation ")) != NULL; p++) {
		if (p != text && p[-1] != '\n')
			continue;
		blocks++;
		const char *eol = strchr(p, '\n');
		if (eol != NULL && memmem(p, (size_t)(eol - p), "(continued)", 11) != NULL) {
			continued++;
			assert_true(strncmp(p, "Conversation 4101:", 18) == 0);
		}
	}
	assert_int_equal(blocks, 4100 + 2);
	assert_int_equal(continued, 1);
	free(text);
	lsc_flow_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake),
		cmocka_unit_test(test_data_and_acks),
		cmocka_unit_test(test_close_four_steps),
		cmocka_unit_test(test_close_three_segments),
		cmocka_unit_test(test_half_close),
		cmocka_unit_test(test_simultaneous_open),
		cmocka_unit_test(test_simultaneous_close),
		cmocka_unit_test(test_rst_refused),
		cmocka_unit_test(test_rst_syn_received),
		cmocka_unit_test(test_rst_from_server_half_open),
		cmocka_unit_test(test_rst_established),
		cmocka_unit_test(test_rst_fin_wait),
		cmocka_unit_test(test_rst_after_close),
		cmocka_unit_test(test_retransmitted_syn),
		cmocka_unit_test(test_port_reuse),
		cmocka_unit_test(test_midstream),
		cmocka_unit_test(test_no_ack),
		cmocka_unit_test(test_synack_first),
		cmocka_unit_test(test_seq_wraparound),
		cmocka_unit_test(test_duplicate_acks),
		cmocka_unit_test(test_windows_and_keepalive),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_lru_eviction),
		cmocka_unit_test(test_foreach_order),
		cmocka_unit_test(test_udp_pairs),
		cmocka_unit_test(test_not_tracked),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_hash_spread),
		cmocka_unit_test(test_hash_flood),
		cmocka_unit_test(test_siphash_vectors),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_reasm_order),
		cmocka_unit_test(test_reasm_gaps),
		cmocka_unit_test(test_ladder_caps),
		cmocka_unit_test(test_follow_utf8),
	};
	return cmocka_run_group_tests_name("flow", tests, NULL, NULL);
}
