/* SPDX-License-Identifier: BSD-3-Clause */
/* test_report.c: reports: formats and suffixes, services, the field layout, escaping, the --frames cap. */
#include <config.h>

#include <stdio.h>

#include <layerscope/flow.h>
#include <layerscope/report.h>
#include <layerscope/source.h>

#include "unit.h"
#include "../../src/report/report-int.h"

/* Ethernet + IPv4 + TCP (PSH ACK, NOP NOP timestamp) from 10.0.0.1:sport to 10.0.0.2:8082, with a payload. */
static size_t tcp_frame(uint8_t *buf, uint16_t sport, uint8_t flags, const char *payload)
{
	static const uint8_t head[] = {
		2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00,
		0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
		0, 0, 0x1f, 0x92, 0, 0, 0, 1, 0, 0, 0, 0, 0x80, 0, 0x04, 0, 0, 0, 0, 0,
		1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2,
	};
	size_t n = strlen(payload), total = sizeof head + n;
	memcpy(buf, head, sizeof head);
	memcpy(buf + sizeof head, payload, n);
	buf[16] = (uint8_t)((total - 14) >> 8);
	buf[17] = (uint8_t)(total - 14);
	buf[34] = (uint8_t)(sport >> 8);
	buf[35] = (uint8_t)sport;
	buf[47] = flags;
	return total;
}

static void test_formats(void **state)
{
	(void)state;
	assert_int_equal(lsc_report_format_find("html"), LSC_REPORT_HTML);
	assert_int_equal(lsc_report_format_find("md"), LSC_REPORT_MD);
	assert_int_equal(lsc_report_format_find("json"), LSC_REPORT_JSON);
	assert_int_equal(lsc_report_format_find("pdf"), -1);
	assert_int_equal(lsc_report_format_for_path("out/Report.HTML"), LSC_REPORT_HTML);
	assert_int_equal(lsc_report_format_for_path("r.htm"), LSC_REPORT_HTML);
	assert_int_equal(lsc_report_format_for_path("r.markdown"), LSC_REPORT_MD);
	assert_int_equal(lsc_report_format_for_path("r.md"), LSC_REPORT_MD);
	assert_int_equal(lsc_report_format_for_path("r.json"), LSC_REPORT_JSON);
	assert_int_equal(lsc_report_format_for_path("r.txt"), -1);
	assert_int_equal(lsc_report_format_for_path(".md"), -1); /* a suffix needs a name before it */
	assert_int_equal(lsc_report_format_for_path("md"), -1);
}

static void test_services(void **state)
{
	(void)state;
	assert_string_equal(lsc_report_service(6, 7), "echo");       /* the table's first entry */
	assert_string_equal(lsc_report_service(6, 80), "http");
	assert_null(lsc_report_service(17, 80));
	assert_string_equal(lsc_report_service(17, 53), "domain");
	assert_string_equal(lsc_report_service(6, 514), "shell");
	assert_string_equal(lsc_report_service(17, 514), "syslog");
	assert_string_equal(lsc_report_service(6, 8082), "echo exercise"); /* the last */
	assert_null(lsc_report_service(6, 8083));
	assert_null(lsc_report_service(6, 0));
	assert_null(lsc_report_service(6, 65535));

	struct lsc_flow_conv c = { 0 };
	c.ipproto = 6;
	c.ep[0].port = 80;
	c.ep[1].port = 40000;
	assert_string_equal(lsc_report_conv_service(&c), "http"); /* the client's when the server's has none */
	c.ep[1].port = 22;
	assert_string_equal(lsc_report_conv_service(&c), "ssh");
}

static void test_utf8(void **state)
{
	(void)state;
	assert_int_equal(lsc_report_utf8_len((const unsigned char *)"\xc3\xa9"), 2);
	assert_int_equal(lsc_report_utf8_len((const unsigned char *)"\xe2\x86\x92"), 3);
	assert_int_equal(lsc_report_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80"), 4);
	assert_int_equal(lsc_report_utf8_len((const unsigned char *)"\xc3"), 0);         /* cut short */
	assert_int_equal(lsc_report_utf8_len((const unsigned char *)"\xc0\xaf"), 0);     /* overlong */
	assert_int_equal(lsc_report_utf8_len((const unsigned char *)"\xe0\x80\xaf"), 0); /* overlong */
	assert_int_equal(lsc_report_utf8_len((const unsigned char *)"\xed\xa0\x80"), 0); /* surrogate */
	assert_int_equal(lsc_report_utf8_len((const unsigned char *)"\xf4\x90\x80\x80"), 0);
	assert_int_equal(lsc_report_utf8_len((const unsigned char *)"\xff"), 0);
	assert_int_equal(lsc_report_utf8_len((const unsigned char *)"\x80"), 0);
}

static void plain(FILE *o, const char *s)
{
	fputs(s, o);
}

static void angled(FILE *o, const char *s)
{
	fprintf(o, "<%s>", s);
}

/* A list of values stays on its row; a list of objects becomes items, the first text naming each. */
static void test_field_layout(void **state)
{
	(void)state;
	static const struct lsc_report_markup m = {
		plain, plain, angled, "{", "=", "}\n", "[", "(", ")", "]", "none",
	};
	uint8_t buf[128];
	struct lsc_frame f;
	struct lsc_report_fields rf;
	char *out = NULL;
	size_t len = 0;
	test_decode(&f, 1, buf, tcp_frame(buf, 40000, 0x18, "hi"));
	FILE *o = open_memstream(&out, &len);
	assert_non_null(o);
	lsc_report_fields_init(&rf, o, &m);
	lsc_fields_emit(&rf.sink, &f, test_layer(&f, LSC_PROTO_TCP));
	fclose(o);
	assert_non_null(strstr(out, "{Source port=40000}\n"));
	assert_non_null(strstr(out, "{Flags=PSH, ACK}\n"));
	assert_non_null(strstr(out, "{Options=[(nop)(nop)(timestamp, TSval 1, TSecr 2)]}\n"));
	assert_non_null(strstr(out, "{Checksum status=<"));
	free(out);
	test_frame_free(&f);
}

/* Runs `nframes` SYNs of distinct conversations (and a payload) through a report; returns its output. */
static char *run_report(unsigned format, uint64_t max_frames, unsigned nframes, const char *payload,
                        struct lsc_report **keep)
{
	char err[LSC_ERRBUF_SIZE], *out = NULL;
	size_t len = 0;
	uint8_t buf[256];
	struct lsc_frame f;
	struct lsc_report_opts o = { .format = format, .max_frames = max_frames, .source = "t<1>.pcap" };
	struct lsc_flow_tracker *t = lsc_flow_new(64);
	assert_non_null(t);
	struct lsc_report *r = lsc_report_new(&o, t, err);
	assert_non_null(r);
	for (unsigned i = 0; i < nframes; i++) {
		test_decode(&f, 1, buf, tcp_frame(buf, (uint16_t)(40000 + i), i ? 0x02 : 0x18, i ? "" : payload));
		f.number = i + 1;
		lsc_flow_track(t, &f);
		lsc_report_frame(r, &f);
		test_frame_free(&f);
	}
	lsc_report_frames_read(r, nframes);
	FILE *m = open_memstream(&out, &len);
	assert_non_null(m);
	assert_int_equal(lsc_report_write(r, m, err), 0);
	fclose(m);
	if (keep != NULL)
		*keep = r;
	else
		lsc_report_free(r);
	lsc_flow_free(t); /* the report's table was filled when it was written */
	return out;
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* Detail stops at --frames; the summaries and the conversation table count every frame. */
static void test_frames_cap(void **state)
{
	(void)state;
	struct lsc_report *r;
	char *out = run_report(LSC_REPORT_JSON, 3, 200, "x", &r);
	assert_true(r->nrows <= 3);
	assert_true(r->cap_rows <= 64);
	assert_true(r->cap_conv_rows <= 64);
	assert_non_null(strstr(out, "\"frames\":200,"));
	assert_non_null(strstr(out, "\"frames_detailed\":3,"));
	assert_non_null(strstr(out, "\"conversations\":200}"));
	assert_int_equal(count(out, "\"linktype\":\"EN10MB\""), 3); /* frame objects */
	assert_int_equal(count(out, "\"history\":"), 200);           /* every conversation listed */
	lsc_report_free(r);
	free(out);

	out = run_report(LSC_REPORT_MD, 0, 5, "x", NULL); /* summaries only */
	assert_null(strstr(out, "### Frame "));
	assert_null(strstr(out, "```mermaid"));
	assert_non_null(strstr(out, "| Frames in detail | 0 of 5 (raise --frames for more) |"));
	free(out);
}

/* What comes from the capture or the caller never becomes markup. */
static void test_escaping(void **state)
{
	(void)state;
	char *out = run_report(LSC_REPORT_HTML, 10, 2, "<b>&\"'`|", NULL);
	assert_null(strstr(out, "<b>&"));
	assert_non_null(strstr(out, "&lt;b&gt;&amp;&quot;&#39;`|"));
	assert_null(strstr(out, "t<1>"));
	assert_non_null(strstr(out, "t&lt;1&gt;.pcap"));
	assert_int_equal(count(out, "<svg "), 2);
	assert_int_equal(count(out, "<section class=\"frame\""), 2);
	free(out);

	out = run_report(LSC_REPORT_MD, 10, 2, "<b>&`|", NULL);
	assert_non_null(strstr(out, "- **Text**: _\\<b\\>\\&\\`\\|_\n"));
	assert_non_null(strstr(out, "# layerscope report: `t<1>.pcap`\n")); /* a code span: nothing to escape */
	free(out);

	/* GitHub links bare URLs, www. names and mail addresses by themselves: not those from the capture. */
	out = run_report(LSC_REPORT_MD, 10, 1, "GET http://x.example/ www.x.example me@x.example", NULL);
	assert_non_null(strstr(out, "- **Text**: _GET http\\://x.example/ www\\.x.example me\\@x.example_\n"));
	free(out);
}

/* Writes the report `r` into memory; returns the text. */
static char *write_mem(struct lsc_report *r)
{
	char err[LSC_ERRBUF_SIZE], *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	assert_non_null(m);
	assert_int_equal(lsc_report_write(r, m, err), 0);
	fclose(m);
	return out;
}

/* A report of up to 10 frames in detail, over a tracker of 8 conversations. */
static struct lsc_report *small_report(unsigned format, struct lsc_flow_tracker **t)
{
	char err[LSC_ERRBUF_SIZE];
	struct lsc_report_opts o = { .format = format, .max_frames = 10, .source = "t.pcapng" };
	*t = lsc_flow_new(8);
	assert_non_null(*t);
	struct lsc_report *r = lsc_report_new(&o, *t, err);
	assert_non_null(r);
	return r;
}

/* A SYN (or with `synack` a SYN-ACK) at `sec` seconds, decoded, tracked and added to the report. */
static void add_syn(struct lsc_report *r, struct lsc_flow_tracker *t, uint64_t number, bool synack, int64_t sec)
{
	uint8_t buf[256];
	struct lsc_frame f;
	test_decode(&f, 1, buf, tcp_frame(buf, 40000, synack ? 0x12 : 0x02, ""));
	f.number = number;
	f.ts_sec = sec;
	lsc_flow_track(t, &f);
	lsc_report_frame(r, &f);
	test_frame_free(&f);
}

/* The report of a SYN at sec1 and a SYN-ACK at sec2. */
static char *syn_synack(unsigned format, int64_t sec1, int64_t sec2)
{
	struct lsc_flow_tracker *t;
	struct lsc_report *r = small_report(format, &t);
	add_syn(r, t, 1, false, sec1);
	add_syn(r, t, 2, true, sec2);
	char *out = write_mem(r);
	lsc_report_free(r);
	lsc_flow_free(t);
	return out;
}

/*
 * A pcapng stamp can say 2^64 microseconds (18446744073709 s): in
 * nanoseconds that overflowed int64 in the tracker and the report (UBSan
 * stopped the program).  Times clamp at +-(2^62 - 1) ns, and the span from
 * one end to the other still fits.
 */
static void test_huge_time(void **state)
{
	(void)state;
	for (unsigned format = 0; format < LSC_REPORT_NFORMATS; format++) {
		char *out = syn_synack(format, -INT64_C(18446744073709), INT64_C(18446744073709));
		if (format == LSC_REPORT_JSON)
			assert_non_null(strstr(out, "\"duration_ns\":9223372036854775806,"));
		free(out);
	}
}

/*
 * Stamps that go back (a merged capture) give negative spans: the JSON
 * wrote them as unsigned, 18446744068709551616 for -5 s.
 */
static void test_time_backwards(void **state)
{
	(void)state;
	char *out = syn_synack(LSC_REPORT_JSON, 10, 5);
	assert_non_null(strstr(out, "\"duration_ns\":-5000000000,\"frames\":2,"));
	assert_non_null(strstr(out, "{\"frame\":2,\"dir\":\"c2s\",\"time_ns\":-5000000000,"));
	free(out);
}

/*
 * The ladder rows grow by doubling a 32-bit count: past 2^31 rows the
 * doubling wrapped to 0 and looped forever.  Now the report runs out of
 * room cleanly and says to show fewer frames.
 */
static void test_rows_limit(void **state)
{
	(void)state;
	char err[LSC_ERRBUF_SIZE];
	struct lsc_flow_tracker *t;
	struct lsc_report *r = small_report(LSC_REPORT_JSON, &t);
	r->nrows = r->cap_rows = UINT32_C(1) << 31; /* as if that many rows were kept (none is read) */
	add_syn(r, t, 1, false, 0);
	r->nrows = r->cap_rows = 0;
	FILE *m = fopen("/dev/null", "w");
	assert_non_null(m);
	assert_int_equal(lsc_report_write(r, m, err), -1);
	assert_non_null(strstr(err, "out of memory — show fewer frames with --frames"));
	fclose(m);
	lsc_report_free(r);
	lsc_flow_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_field_layout),
		cmocka_unit_test(test_frames_cap),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_huge_time),
		cmocka_unit_test(test_rows_limit),
		cmocka_unit_test(test_time_backwards),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
