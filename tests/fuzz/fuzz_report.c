/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_report.c: libFuzzer target: any bytes as a capture of frames, decoded, tracked and written as every report format. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include <layerscope/decode.h>
#include <layerscope/flow.h>
#include <layerscope/report.h>
#include <layerscope/source.h>

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: one byte picking the link type, one byte of options, then frames,
 * each a 2-byte big-endian length and that many bytes (the last one takes
 * what is left).  tests/fuzz/make-seeds.py --report writes seeds this way.
 * A conversation cap of 4 makes eviction and the report's dropped
 * conversations part of every run with a few flows.
 */
#define MAX_CONVS 4
#define MAX_FRAMES 256

/* The link types decode.c decodes, in the order make-seeds.py --report indexes them (228, 229: IPv4, IPv6). */
static const int linktypes[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP, DLT_RAW, 101, 228, 229,
};
#define NLINKTYPES (sizeof linktypes / sizeof linktypes[0])

/*
 * The options byte: bit 0 nanosecond stamps, bit 1 a snaplen cut, bits 2-4
 * the --frames cap, bit 5 wild stamps (anywhere in 64 bits, often going
 * back), as a corrupt pcapng can have.
 */
struct run {
	int linktype;
	uint8_t digits;
	bool cut, wild;
	uint64_t max_frames;
	int64_t first_ns;
};

static int64_t frame_sec(const struct run *run, uint64_t n)
{
	if (run->wild)
		return (int64_t)(n * UINT64_C(0x9e3779b97f4a7c15)) >> (n % 50);
	return 1700000000 + (int64_t)(n / 3);
}

static void frame_at(struct lsc_frame *f, struct run *run, uint64_t n, const uint8_t *p, size_t len)
{
	memset(f, 0, sizeof *f);
	f->number = n;
	f->ts_digits = run->digits;
	f->ts_sec = frame_sec(run, n);
	f->ts_nsec = (uint32_t)((n * 7919u) % 1000000) * (run->digits == 9 ? 1 : 1000);
	if (n == 1)
		run->first_ns = lsc_time_ns(f->ts_sec, f->ts_nsec);
	f->rel_ns = lsc_time_ns(f->ts_sec, f->ts_nsec) - run->first_ns; /* as the source works it out */
	f->linktype = run->linktype;
	f->data = p;
	f->caplen = (uint32_t)len;
	f->len = f->caplen + (run->cut && (n & 1) ? 60 : 0);
}

/* Writes the report in one format to a stream that discards; the frames repeat for each. */
static void report_once(const uint8_t *data, size_t size, struct run *run, unsigned format)
{
	static struct lsc_frame f;
	char err[LSC_ERRBUF_SIZE];
	struct lsc_report_opts o = { .format = format, .max_frames = run->max_frames, .source = "fuzz<&>|`#.pcap",
	                             .filter = "tcp | <b>", .version = "fuzz" };
	struct lsc_flow_tracker *t = lsc_flow_new(MAX_CONVS);
	struct lsc_report *r = t != NULL ? lsc_report_new(&o, t, err) : NULL;
	FILE *out = fopen("/dev/null", "w");
	if (r == NULL || out == NULL)
		goto done;
	uint64_t n = 0;
	for (size_t off = 0; off < size && n < MAX_FRAMES;) {
		size_t len = size - off;
		if (len >= 2) {
			size_t want = (size_t)data[off] << 8 | data[off + 1];
			off += 2;
			len = want < size - off ? want : size - off;
		} else {
			off = size; /* a lone byte: an empty frame */
			len = 0;
		}
		/* a copy the exact length, so ASan sees any read past the frame */
		uint8_t *copy = malloc(len ? len : 1);
		if (copy == NULL)
			break;
		memcpy(copy, data + off, len);
		off += len;
		frame_at(&f, run, ++n, copy, len);
		lsc_decode_frame(&f);
		lsc_flow_track(t, &f);
		lsc_report_frame(r, &f);
		free(copy);
	}
	lsc_report_frames_read(r, n);
	(void)lsc_report_write(r, out, err);
done:
	if (out != NULL)
		fclose(out);
	lsc_report_free(r);
	lsc_flow_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	struct run run = {
		.linktype = linktypes[data[0] % NLINKTYPES],
		.digits = data[1] & 1 ? 9 : 6,
		.cut = (data[1] & 2) != 0,
		.wild = (data[1] & 0x20) != 0,
		.max_frames = (data[1] >> 2) & 7, /* 0-7: summaries only, and caps below the frame count */
	};
	if (run.max_frames == 7)
		run.max_frames = LSC_REPORT_DEFAULT_FRAMES;
	for (unsigned fmt = 0; fmt < LSC_REPORT_NFORMATS; fmt++)
		report_once(data + 2, size - 2, &run, fmt);
	return 0;
}
