/* SPDX-License-Identifier: BSD-3-Clause */
/* test_render.c: the line, tree and hex renderers, rendered into memory and read back as text. */
#include <config.h>

#include <locale.h>
#include <stdio.h>

#include <pcap/dlt.h>

#include <layerscope/flow.h>
#include <layerscope/render.h>
#include <layerscope/strbuf.h>

#include "unit.h"
#include "../../src/render/render-int.h"

/* A SYN from 10.0.0.1:40950 to 10.0.0.2:8082 with mss 1460, sackOK, TS, nop,
 * wscale 7, and both checksums right. */
static const uint8_t syn_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x3c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x14, 0x86,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x9f, 0xf6, 0x1f, 0x92, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
	0xa0, 0x02, 0xfa, 0xf0, 0x93, 0x5a, 0x00, 0x00,
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x01, 0xe2, 0x40,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};

/*
 * A data segment with a SACK option (one block, 1000-2000) and "hello",
 * in a 60-byte Ethernet frame whose last bytes are padding no layer claims.
 */
static const uint8_t data_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x2d, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x9f, 0xf6, 0x1f, 0x92, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x50, 0x18, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	'h', 'e', 'l', 'l', 'o',
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t sack_frame[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x34, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
	0x9f, 0xf6, 0x1f, 0x92, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x80, 0x10, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x05, 0x0a, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0,
};

/* 2023-11-14 22:13:20.123456789 UTC */
#define TS_SEC  1700000000
#define TS_NSEC 123456789u

static void decode_at(struct lsc_frame *f, int dlt, const uint8_t *p, size_t n, unsigned digits)
{
	test_decode(f, dlt, p, n);
	f->ts_sec = TS_SEC;
	f->ts_nsec = TS_NSEC;
	f->ts_digits = (uint8_t)digits;
	f->rel_ns = 0;
}

/* Renders one frame with format `name` into a string the caller frees. */
static char *render(const char *name, bool color, const struct lsc_frame *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_non_null(m);
	const struct lsc_renderer *r = lsc_renderer_find(name);
	assert_non_null(r);
	struct lsc_render_opts o = { .color = color };
	void *st = r->begin(m, &o);
	assert_non_null(st);
	r->frame(st, f);
	assert_int_equal(r->end(st), 0);
	assert_int_equal(fclose(m), 0);
	assert_non_null(buf);
	return buf;
}

/* cmocka cuts long messages: the rendered text goes to stderr whole. */
static void assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL) {
		fprintf(stderr, "expected to find\n  \"%s\"\nin\n%s", needle, hay);
		fail();
	}
}

static void assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle) != NULL) {
		fprintf(stderr, "did not expect\n  \"%s\"\nin\n%s", needle, hay);
		fail();
	}
}

/* The layer's own summary, as its decoder writes it: the line must carry it verbatim. */
static const char *summary_of(const struct lsc_frame *f, unsigned proto, char *buf, size_t cap)
{
	struct lsc_strbuf b;
	const struct lsc_layer *l = test_layer(f, proto);
	lsc_sb_init(&b, buf, cap);
	lsc_proto_get(proto)->summary(&b, f, l);
	return buf;
}

/* UDP from [fd00::3]:32768 to [fd00::1]:8082 with 4 bytes, over IPv6 (hop limit 64). */
static const uint8_t udp6_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x11, 0x40,
	0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x03,
	0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x80, 0x00, 0x1f, 0x92, 0x00, 0x0c, 0x00, 0x00,
	'e', 'c', 'h', 'o',
};

/*
 * A summary checks its room once and writes the rest unchecked, or into a
 * scratch copy when the buffer is short: either way what lands is the start
 * of its whole text, cut at the buffer's end and marked cut, after any text
 * already there, for every size of buffer.
 */
static void assert_summary_cuts(const struct lsc_frame *f, unsigned proto)
{
	char full[512], buf[512];
	struct lsc_strbuf b;
	const struct lsc_layer *l = test_layer(f, proto);
	lsc_sb_init(&b, full, sizeof full);
	lsc_proto_get(proto)->summary(&b, f, l);
	assert_false(b.cut);
	size_t n = b.len;
	assert_true(n > 0);
	for (size_t pre = 0; pre <= 3; pre++) {
		/*
		 * From 1: a buffer of 0 bytes is none, which strbuf leaves alone,
		 * unmarked.  On past the text, to where the room covers what the
		 * summary reserves (under 200 bytes) and it writes in place: a
		 * reserve too small for what it writes shows there, past `cap`.
		 */
		for (size_t cap = 1; cap <= pre + n + 200 && cap < sizeof buf; cap++) {
			size_t room = cap - 1;
			memset(buf, '#', sizeof buf);
			lsc_sb_init(&b, buf, cap);
			lsc_sb_putn(&b, "abc", pre);
			lsc_proto_get(proto)->summary(&b, f, l);
			size_t kept_pre = pre < room ? pre : room;
			size_t want = pre + n < room ? pre + n : room;
			assert_int_equal(b.len, want);
			assert_int_equal(b.cut != 0, pre + n > room);
			assert_memory_equal(buf, "abc", kept_pre);
			assert_memory_equal(buf + kept_pre, full, want - kept_pre);
			assert_int_equal(buf[want], '\0');
			assert_int_equal(buf[cap], '#'); /* nothing past the buffer */
		}
	}
}

static void test_summaries_cut(void **state)
{
	static struct lsc_frame f;
	(void)state;
	decode_at(&f, DLT_EN10MB, data_frame, sizeof data_frame, 6);
	assert_summary_cuts(&f, LSC_PROTO_IPV4);
	assert_summary_cuts(&f, LSC_PROTO_TCP);
	assert_summary_cuts(&f, LSC_PROTO_PAYLOAD);
	test_frame_free(&f);
	/* Dotted quads of the longest text (15 bytes). */
	uint8_t long4[sizeof data_frame];
	memcpy(long4, data_frame, sizeof long4);
	memset(long4 + 26, 0xfe, 8);
	decode_at(&f, DLT_EN10MB, long4, sizeof long4, 6);
	char quad[256];
	assert_non_null(strstr(summary_of(&f, LSC_PROTO_IPV4, quad, sizeof quad),
	                       "254.254.254.254 → 254.254.254.254 ttl 64"));
	assert_summary_cuts(&f, LSC_PROTO_IPV4);
	test_frame_free(&f);
	decode_at(&f, DLT_EN10MB, syn_frame, sizeof syn_frame, 6);
	assert_summary_cuts(&f, LSC_PROTO_TCP);
	test_frame_free(&f);
	decode_at(&f, DLT_EN10MB, udp6_frame, sizeof udp6_frame, 6);
	assert_summary_cuts(&f, LSC_PROTO_IPV6);
	assert_summary_cuts(&f, LSC_PROTO_UDP);
	char text[256];
	assert_string_equal(summary_of(&f, LSC_PROTO_IPV6, text, sizeof text), "fd00::3 → fd00::1 hlim 64");
	/* UDP over IPv6 must carry a checksum (RFC 8200 §8.1): 0 is incorrect */
	assert_string_equal(summary_of(&f, LSC_PROTO_UDP, text, sizeof text),
	                    "32768 → 8082 len 4 cksum 0x0000 (incorrect → 0x986b)");
	test_frame_free(&f);
	/* Addresses of the longest text (39 bytes each), which the reserve must cover. */
	uint8_t long6[sizeof udp6_frame];
	memcpy(long6, udp6_frame, sizeof long6);
	for (unsigned i = 0; i < 16; i++) {
		long6[22 + i] = (uint8_t)(0x11 * (i / 2 % 8 + 1));
		long6[38 + i] = (uint8_t)(0x88 - 0x11 * (i / 2 % 8));
	}
	decode_at(&f, DLT_EN10MB, long6, sizeof long6, 6);
	assert_string_equal(summary_of(&f, LSC_PROTO_IPV6, text, sizeof text),
	                    "1111:2222:3333:4444:5555:6666:7777:8888 → 8888:7777:6666:5555:4444:3333:2222:1111 hlim 64");
	assert_summary_cuts(&f, LSC_PROTO_IPV6);
	test_frame_free(&f);
}

/* ---- the table and the number writers ------------------------------------ */

static void test_table(void **state)
{
	(void)state;
	assert_string_equal(lsc_renderer_names(), "line, tree, hex, stack, json, ladder, follow, none");
	assert_null(lsc_renderer_find("xml"));
	assert_string_equal(lsc_renderer_find("hex")->name, "hex");
	/* lsc_renderer_at() walks the same table, in the same order, and stops. */
	size_t i = 0;
	for (; lsc_renderer_at(i) != NULL; i++)
		assert_ptr_equal(lsc_renderer_at(i), lsc_renderer_find(lsc_renderer_at(i)->name));
	assert_int_equal(i, 8);
	assert_string_equal(lsc_renderer_at(0)->name, "line");
	assert_string_equal(lsc_renderer_at(7)->name, "none");
}

static void test_numbers(void **state)
{
	static struct lsc_text t;
	char *buf = NULL;
	size_t len = 0;
	(void)state;
	FILE *m = open_memstream(&buf, &len);
	lsc_text_init(&t, m, false);
	lsc_text_u64(&t, 0);
	lsc_text_putc(&t, ' ');
	lsc_text_u64(&t, UINT64_MAX);
	lsc_text_putc(&t, ' ');
	lsc_text_hex(&t, 0x800, 4);
	lsc_text_putc(&t, ' ');
	lsc_text_hex(&t, 0, 2);
	lsc_text_putc(&t, ' ');
	lsc_text_fixed(&t, -1500, 3);
	lsc_text_putc(&t, ' ');
	lsc_text_fixed(&t, 72574, 9);
	lsc_text_putc(&t, ' ');
	lsc_text_spaces(&t, 40);
	lsc_text_putc(&t, '|');
	lsc_text_flush(&t);
	lsc_put_u64(m, 42);
	lsc_put_fixed(m, 5, 1);
	fclose(m);
	assert_string_equal(buf, "0 18446744073709551615 0x0800 0x00 -1.500 0.000072574 "
	                         "                                        |420.5");
	free(buf);
}

/* Text longer than the buffer, in pieces and in one piece, arrives whole and in order. */
static void test_buffer_overflow(void **state)
{
	static struct lsc_text t;
	static char big[3 * LSC_TEXT_BUF + 7];
	char *buf = NULL;
	size_t len = 0;
	(void)state;
	for (size_t i = 0; i < sizeof big - 1; i++)
		big[i] = (char)('a' + i % 26);
	FILE *m = open_memstream(&buf, &len);
	lsc_text_init(&t, m, false);
	for (size_t i = 0; i + 1 < sizeof big; i += 5)
		lsc_text_putn(&t, big + i, i + 5 < sizeof big - 1 ? 5 : sizeof big - 1 - i);
	lsc_text_putc(&t, '|');
	lsc_text_puts(&t, big);
	lsc_text_flush(&t);
	fclose(m);
	assert_int_equal(len, 2 * (sizeof big - 1) + 1);
	assert_memory_equal(buf, big, sizeof big - 1);
	assert_int_equal(buf[sizeof big - 1], '|');
	assert_memory_equal(buf + sizeof big, big, sizeof big - 1);
	free(buf);
}

/* ---- line ---------------------------------------------------------------- */

static void test_line_syn(void **state)
{
	static struct lsc_frame f;
	char ip[256], tcp[256], want[700];
	(void)state;
	decode_at(&f, DLT_EN10MB, syn_frame, sizeof syn_frame, 6);
	char *out = render("line", false, &f);
	snprintf(want, sizeof want, "1  22:13:20.123456  ETH › IPv4 › TCP  %s  %s\n",
	         summary_of(&f, LSC_PROTO_IPV4, ip, sizeof ip),
	         summary_of(&f, LSC_PROTO_TCP, tcp, sizeof tcp));
	assert_string_equal(out, want);
	assert_lacks(out, "\033[");
	free(out);
	test_frame_free(&f);
}

/* Not UTF-8: lsc_text folds what it holds, whole or in pieces larger than its buffer. */
static void test_text_folds(void **state)
{
	(void)state;
	static char big[3 * LSC_TEXT_BUF + 7];
	char *got = NULL;
	size_t gotlen = 0, n = 0;
	while (n + 3 <= sizeof big) { /* "→" again and again: cut wherever a buffer's end falls */
		memcpy(big + n, "\xe2\x86\x92", 3);
		n += 3;
	}
	FILE *m = open_memstream(&got, &gotlen);
	assert_non_null(m);
	assert_non_null(setlocale(LC_CTYPE, "C"));
	static struct lsc_text t;
	lsc_text_init(&t, m, false);
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	lsc_text_puts(&t, "ação · ok\n");
	lsc_text_putn(&t, big, n);
	lsc_text_puts(&t, "a\xe2"); /* cut short: not UTF-8 */
	lsc_text_flush(&t);
	assert_int_equal(fclose(m), 0);
	assert_int_equal(gotlen, strlen("acao - ok\n") + 2 * (n / 3) + 2);
	assert_memory_equal(got, "acao - ok\n->->", 14);
	assert_memory_equal(got + gotlen - 4, "->a?", 4);
	free(got);
}

/* A terminal that is not UTF-8 gets the glyphs and the summaries' arrows in ASCII, written so. */
static void test_line_ascii(void **state)
{
	static struct lsc_frame f;
	(void)state;
	decode_at(&f, DLT_EN10MB, syn_frame, sizeof syn_frame, 6);
	assert_non_null(setlocale(LC_CTYPE, "C"));
	char *out = render("line", false, &f);
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	assert_string_equal(out, "1  22:13:20.123456  ETH > IPv4 > TCP  10.0.0.1 -> 10.0.0.2 ttl 64 id 4660  "
	                         "40950 -> 8082 [S] seq 1000 win 64240 len 0\n");
	free(out);
	test_frame_free(&f);
}

static void test_line_nanoseconds_and_payload(void **state)
{
	static struct lsc_frame f;
	(void)state;
	decode_at(&f, DLT_EN10MB, data_frame, sizeof data_frame, 9);
	f.number = 42;
	char *out = render("line", false, &f);
	assert_true(strncmp(out, "42  22:13:20.123456789  ETH › IPv4 › TCP › 5 B  ", 49) == 0);
	free(out);
	test_frame_free(&f);
}

static void test_line_color(void **state)
{
	static struct lsc_frame f;
	(void)state;
	decode_at(&f, DLT_EN10MB, syn_frame, sizeof syn_frame, 6);
	char *out = render("line", true, &f);
	/* each layer in its TCP/IP layer's colour, and back to plain after */
	assert_contains(out, "\033[36mETH\033[0m");
	assert_contains(out, "\033[32mIPv4\033[0m");
	assert_contains(out, "\033[33mTCP\033[0m");
	free(out);
	test_frame_free(&f);
}

static void test_line_malformed(void **state)
{
	static struct lsc_frame f;
	uint8_t p[sizeof syn_frame];
	(void)state;
	memcpy(p, syn_frame, sizeof p);
	p[34 + 12] = 0x40; /* data offset 16 */
	decode_at(&f, DLT_EN10MB, p, sizeof p, 6);
	char *out = render("line", false, &f);
	assert_contains(out, "ETH › IPv4 › TCP! › ");
	assert_contains(out, "  ! malformed: TCP data offset < 20\n");
	free(out);
	out = render("line", true, &f);
	assert_contains(out, "\033[1;31mTCP!\033[0m");
	free(out);
	test_frame_free(&f);
}

static void test_line_truncated_fields(void **state)
{
	static struct lsc_frame f;
	(void)state;
	decode_at(&f, DLT_EN10MB, syn_frame, 34 + 10, 6); /* 10 of TCP's 20 bytes */
	char *out = render("line", false, &f);
	/* no summary built from zeros: the fields that were captured, as key=value */
	assert_contains(out, "ETH › IPv4… › TCP!  ");
	assert_contains(out, "  sport=40950 dport=8082 seq=1000  ! truncated: ");
	assert_lacks(out, "ack=");
	free(out);
	test_frame_free(&f);
}

static void test_line_empty_and_unsupported(void **state)
{
	static struct lsc_frame f;
	static const uint8_t dbus[] = { 'l', 0x01, 0x01 };
	(void)state;
	memset(&f, 0, sizeof f);
	f.number = 7;
	f.linktype = DLT_EN10MB;
	f.ts_digits = 6;
	char *out = render("line", false, &f); /* no layers at all */
	assert_string_equal(out, "7  00:00:00.000000  (empty)  no bytes captured\n");
	free(out);

	decode_at(&f, DLT_EN10MB, syn_frame, 0, 6); /* an empty Ethernet frame */
	out = render("line", false, &f);
	assert_contains(out, "  ETH!  ! truncated: ");
	free(out);
	test_frame_free(&f);

	decode_at(&f, 231 /* DLT_DBUS */, dbus, sizeof dbus, 6);
	out = render("line", false, &f);
	assert_string_equal(out, "1  22:13:20.123456  DBUS? › 3 B  link type DBUS is not decoded\n");
	free(out);
	test_frame_free(&f);
}

static void test_line_quoted_notes_flow(void **state)
{
	static struct lsc_frame f;
	(void)state;
	decode_at(&f, DLT_EN10MB, data_frame, sizeof data_frame, 6);
	/* as an ICMP error would leave them: the inner layers quoted */
	f.layers[2].flags |= LSC_LF_QUOTED;
	f.layers[3].flags |= LSC_LF_QUOTED;
	lsc_frame_note(&f, "a note for %s", "you");
	f.has_flow = true;
	f.flow.id = 3;
	f.flow.dir = LSC_FLOW_C2S;
	f.flow.state = LSC_TCPS_ESTABLISHED;
	f.flow.event = LSC_EV_DATA;
	f.flow.socket_call = LSC_CALL_SEND;
	f.flow.rtt_ns = -1;
	f.has_owner = true;
	f.src_owner.pid = 812;
	memcpy(f.src_owner.comm, "client", 7);
	char *out = render("line", false, &f);
	assert_contains(out, "ETH › IPv4 › [TCP › 5 B]  ");
	assert_lacks(out, "40950 →"); /* a quoted header is the ICMP error's to sum up */
	assert_contains(out, "  [#3 c2s] data · send()  (pid 812 client → ?)");
	assert_contains(out, "  [a note for you]\n");
	free(out);

	out = render("tree", false, &f);
	assert_contains(out, "\nConversation\n");
	assert_contains(out, "Socket call");
	assert_contains(out, "[send()]");
	assert_contains(out, "\nNotes        • IPv4 header checksum 0x0000 is incorrect: it should be 0x26c8");
	assert_contains(out, "\n             Correct value    0x26c8\n");
	assert_contains(out, "\n             • a note for you\n");
	assert_contains(out, "[quoted inside the ICMP error]");
	free(out);
	test_frame_free(&f);
}

/* ---- tree ---------------------------------------------------------------- */

static void test_tree_layers(void **state)
{
	static struct lsc_frame f;
	(void)state;
	decode_at(&f, DLT_EN10MB, syn_frame, sizeof syn_frame, 6);
	char *out = render("tree", false, &f);
	assert_true(strncmp(out, "Frame 1 · 2023-11-14 22:13:20.123456 UTC · +0.000000 s · 74 bytes · EN10MB\n",
	                    strlen("Frame 1 · 2023-11-14 22:13:20.123456 UTC · +0.000000 s · 74 bytes · EN10MB\n")) == 0);
	assert_contains(out, "\nLink         Ethernet II · bytes 0–13 (14 bytes)\n");
	assert_contains(out, "\nNetwork      Internet Protocol version 4 · bytes 14–33 (20 bytes)\n");
	assert_contains(out, "\nTransport    Transmission Control Protocol · bytes 34–73 (40 bytes)\n");
	/* every captured field of every layer, by the label of its table */
	for (unsigned i = 0; i < f.nlayers; i++) {
		const struct lsc_proto_info *pi = lsc_proto_get(f.layers[i].proto);
		for (size_t k = 0; k < pi->nfields; k++) {
			char want[64];
			/* shown only where a checksum is incorrect, the frame was cut, a source route ends elsewhere,
			 * or TCP's AE flag is set */
			if (strcmp(pi->fields[k].key, "checksum_expected") == 0 ||
			    strcmp(pi->fields[k].key, "payload_captured") == 0 ||
			    strcmp(pi->fields[k].key, "final_dst") == 0 || strcmp(pi->fields[k].key, "ae") == 0)
				continue;
			snprintf(want, sizeof want, "\n             %s", pi->fields[k].label);
			assert_contains(out, want);
		}
	}
	/* derived values in brackets, wire values plain */
	assert_contains(out, " 0x0800 [IPv4]\n");
	assert_contains(out, "[correct]\n");
	assert_contains(out, " SYN\n");
	/* a list of objects: one bullet each, named by their first text */
	assert_contains(out, "\n             Options\n               • mss, Value 1460\n");
	assert_contains(out, "               • wscale, Shift 7, Multiplier 128\n");
	assert_true(strstr(out, " \n") == NULL); /* no trailing blanks */
	assert_true(out[strlen(out) - 1] == '\n' && out[strlen(out) - 2] == '\n');
	free(out);
	test_frame_free(&f);
}

/* Live capture's socket owners: a "Process" section, each side with pid and command, or a dash. */
static void test_tree_process(void **state)
{
	static struct lsc_frame f;
	(void)state;
	decode_at(&f, DLT_EN10MB, syn_frame, sizeof syn_frame, 6);
	char *out = render("tree", false, &f);
	assert_lacks(out, "\nProcess\n");
	free(out);
	f.has_owner = true;
	f.src_owner.pid = 4242;
	strcpy(f.src_owner.comm, "layerscope");
	out = render("tree", false, &f);
	assert_contains(out, "\nProcess\n             Sending process\n               PID  4242\n"
	                     "               Command  [layerscope]\n             Receiving process  —\n");
	free(out);
	test_frame_free(&f);
}

static void test_tree_nested_and_payload(void **state)
{
	static struct lsc_frame f;
	(void)state;
	decode_at(&f, DLT_EN10MB, sack_frame, sizeof sack_frame, 6);
	char *out = render("tree", false, &f);
	assert_contains(out, "               • sack, Blocks [1000, 2000]\n");
	free(out);
	test_frame_free(&f);

	decode_at(&f, DLT_EN10MB, data_frame, sizeof data_frame, 6);
	out = render("tree", false, &f);
	const char *opts = strstr(out, "\n             Options ");
	assert_non_null(opts);
	assert_true(strncmp(strchr(opts + 1, '\n') - 6, "(none)", 6) == 0);
	assert_contains(out, "\nApplication  Payload · bytes 54–58 (5 bytes)\n");
	assert_contains(out, " [hello]\n");
	free(out);
	test_frame_free(&f);
}

static void test_tree_color(void **state)
{
	static struct lsc_frame f;
	(void)state;
	decode_at(&f, DLT_EN10MB, syn_frame, sizeof syn_frame, 6);
	char *out = render("tree", true, &f);
	assert_contains(out, "\033[36mLink\033[0m");
	assert_contains(out, "\033[1mEthernet II\033[0m");
	assert_contains(out, "0x0800 \033[2m[IPv4]\033[0m"); /* derived: dimmed */
	free(out);
	test_frame_free(&f);
}

static void test_tree_damage(void **state)
{
	static struct lsc_frame f;
	static const uint8_t dbus[] = { 'l', 0x01, 0x01 };
	(void)state;
	decode_at(&f, DLT_EN10MB, syn_frame, 34 + 30, 6);
	char *out = render("tree", false, &f);
	assert_contains(out, "Transmission Control Protocol · bytes 34–63 (30 of 40 captured)\n"
	                     "             ! truncated: TCP options cut short\n");
	free(out);
	test_frame_free(&f);

	decode_at(&f, DLT_EN10MB, syn_frame, 0, 6);
	out = render("tree", false, &f);
	assert_contains(out, "             (no bytes captured)\n");
	assert_contains(out, "Ethernet II · at byte 0 (none of its 14 bytes captured)\n");
	free(out);
	test_frame_free(&f);

	decode_at(&f, 231, dbus, sizeof dbus, 6);
	out = render("tree", false, &f);
	assert_contains(out, "\nLink         link type DBUS is not decoded: its bytes follow undecoded\n");
	assert_contains(out, "\nLink         Payload · bytes 0–2 (3 bytes)\n");
	free(out);
	test_frame_free(&f);
}

/* ---- hex ----------------------------------------------------------------- */

static void test_hex_plain(void **state)
{
	static struct lsc_frame f;
	(void)state;
	decode_at(&f, DLT_EN10MB, data_frame, sizeof data_frame, 6);
	char *out = render("hex", false, &f);
	assert_contains(out, "\n  E  Link         Ethernet II                    bytes 0–13 (14 bytes)\n");
	assert_contains(out, "\n  I  Network      Internet Protocol version 4    bytes 14–33 (20 bytes)\n");
	assert_contains(out, "\n  T  Transport    Transmission Control Protocol  bytes 34–53 (20 bytes)\n");
	assert_contains(out, "\n  P  Application  Payload                        bytes 54–58 (5 bytes)\n");
	assert_contains(out, "\n  .  bytes no layer claims (padding, a trailer)\n");
	assert_contains(out, "\n  0000  02 00 00 00 00 02 02 00  00 00 00 01 08 00 45 00  "
	                     "..............E.  EEEEEEEEEEEEEEII\n");
	assert_contains(out, "\n  0030  02 00 00 00 00 00 68 65  6c 6c 6f 00 00 00 00 00  "
	                     "......hello.....  TTTTTTPPPPP.....\n");
	assert_contains(out, "\n  0040  00                                                .                 .\n");
	assert_lacks(out, "\033[");
	free(out);
	test_frame_free(&f);
}

static void test_hex_color(void **state)
{
	static struct lsc_frame f;
	(void)state;
	decode_at(&f, DLT_EN10MB, data_frame, sizeof data_frame, 6);
	char *out = render("hex", true, &f);
	/* bytes take their layer's colour; no letter column is needed */
	assert_contains(out, "  0000  \033[36m02 00 00 00 00 02 02 00  00 00 00 01 08 00 \033[0m\033[32m45 00 \033[0m ");
	assert_contains(out, "\033[35mhello\033[0m\033[2m.....\033[0m\n");
	assert_lacks(out, "EEEEEEEE");
	free(out);
	test_frame_free(&f);
}

static void test_hex_damage_and_empty(void **state)
{
	static struct lsc_frame f;
	uint8_t p[sizeof syn_frame];
	(void)state;
	memcpy(p, syn_frame, sizeof p);
	p[34 + 12] = 0x40;
	decode_at(&f, DLT_EN10MB, p, sizeof p, 6);
	char *out = render("hex", false, &f);
	assert_contains(out, "bytes 34–53 (20 bytes)  ! malformed: TCP data offset < 20\n");
	free(out);
	test_frame_free(&f);

	decode_at(&f, DLT_EN10MB, syn_frame, 0, 6);
	out = render("hex", false, &f);
	assert_contains(out, "\n  (no bytes captured)\n\n");
	free(out);
	test_frame_free(&f);
}

int main(void)
{
	/* Times are shown in local time: make it the same everywhere. */
	setenv("TZ", "UTC", 1);
	/* The glyphs are UTF-8 under a UTF-8 locale; test_line_ascii tries the other. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		fprintf(stderr, "test_render: the C.UTF-8 locale is missing\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_buffer_overflow),
		cmocka_unit_test(test_summaries_cut),
		cmocka_unit_test(test_line_syn),
		cmocka_unit_test(test_line_ascii),
		cmocka_unit_test(test_text_folds),
		cmocka_unit_test(test_line_nanoseconds_and_payload),
		cmocka_unit_test(test_line_color),
		cmocka_unit_test(test_line_malformed),
		cmocka_unit_test(test_line_truncated_fields),
		cmocka_unit_test(test_line_empty_and_unsupported),
		cmocka_unit_test(test_line_quoted_notes_flow),
		cmocka_unit_test(test_tree_layers),
		cmocka_unit_test(test_tree_process),
		cmocka_unit_test(test_tree_nested_and_payload),
		cmocka_unit_test(test_tree_color),
		cmocka_unit_test(test_tree_damage),
		cmocka_unit_test(test_hex_plain),
		cmocka_unit_test(test_hex_color),
		cmocka_unit_test(test_hex_damage_and_empty),
	};
	return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
