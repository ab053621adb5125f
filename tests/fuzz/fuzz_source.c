/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_source.c: libFuzzer target: any bytes as a capture file, read in blocks and by libpcap, which must agree. */
#define _GNU_SOURCE
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <layerscope/decode.h>
#include <layerscope/frame.h>
#include <layerscope/source.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input is the whole file (tests/fuzz/make-seeds.py --files copies small
 * captures as seeds).  It is read twice through lsc_source_open_file(): with
 * the block reader of pcapfile.c, and with LAYERSCOPE_PCAP_READER=libpcap.
 * Every frame (number, time, lengths, bytes) and the ending (the end, or the
 * same error) must agree; each frame is also decoded.  A disagreement aborts.
 */
#define MAX_FRAMES 512

struct seen {
	uint64_t number;
	int64_t sec;
	uint32_t nsec, caplen, len;
	uint64_t sum; /* FNV-1a of the bytes */
};

static struct seen first[MAX_FRAMES];

static uint64_t fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* Reads the file; fills `out` (when not NULL) or compares with it.  Returns the frame count. */
static unsigned read_file(const char *path, struct seen *out, int *rc_out, char *err, unsigned expect)
{
	static struct lsc_frame f;
	char errbuf[LSC_ERRBUF_SIZE];
	struct lsc_source *s = lsc_source_open_file(path, errbuf);
	if (s == NULL) {
		*rc_out = -2;
		snprintf(err, LSC_ERRBUF_SIZE, "%s", errbuf);
		return 0;
	}
	unsigned n = 0;
	int rc;
	err[0] = '\0';
	while (n < MAX_FRAMES && (rc = lsc_source_next(s, &f, err)) > 0) {
		lsc_decode_frame(&f);
		struct seen now;
		memset(&now, 0, sizeof now); /* the padding too: the structs are compared whole */
		now.number = f.number;
		now.sec = f.ts_sec;
		now.nsec = f.ts_nsec;
		now.caplen = f.caplen;
		now.len = f.len;
		now.sum = fnv(f.data, f.caplen);
		if (out != NULL)
			out[n] = now;
		else if (n >= expect || memcmp(&first[n], &now, sizeof now) != 0)
			abort(); /* the two readers gave different frames */
		n++;
	}
	*rc_out = n == MAX_FRAMES ? 1 : rc;
	lsc_source_close(s);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err1[LSC_ERRBUF_SIZE], err2[LSC_ERRBUF_SIZE];
	int fd = memfd_create("fuzz-capture", 0);
	if (fd < 0)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

	int rc1, rc2;
	unsetenv("LAYERSCOPE_PCAP_READER");
	unsigned n1 = read_file(path, first, &rc1, err1, 0);
	setenv("LAYERSCOPE_PCAP_READER", "libpcap", 1);
	unsigned n2 = read_file(path, NULL, &rc2, err2, n1);
	unsetenv("LAYERSCOPE_PCAP_READER");
	close(fd);
	if (n1 != n2 || rc1 != rc2 || strcmp(err1, err2) != 0)
		abort(); /* the same file read two ways ended differently */
	return 0;
}
