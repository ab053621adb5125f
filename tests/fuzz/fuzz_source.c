/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_source.c: libFuzzer target: any bytes as a capture file, read in blocks, by libpcap and compressed, which must agree. */
#define _GNU_SOURCE
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

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
 * Then the same bytes compressed with gzip and with zstd must give the same
 * frames and the same kind of ending, and each copy cut in half a prefix of
 * them and then an error; input that is compressed already is inflated by
 * the first two reads (the magic decides), which fuzzes the inflaters too.
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

/* The input as a gzip member (deflate with a gzip wrapper); its length, 0 on failure. */
static size_t gzip_bytes(const uint8_t *data, size_t size, uint8_t *out, size_t cap)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)size;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t n = rc == Z_STREAM_END ? cap - z.avail_out : 0;
	deflateEnd(&z);
	return n;
}

static int memfile(const uint8_t *data, size_t size, char *path, size_t pathsize)
{
	int fd = memfd_create("fuzz-capture", 0);
	if (fd < 0)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, pathsize, "/proc/self/fd/%d", fd);
	return fd;
}

/* `packed` whole gives the n frames in `first` and ends as rc did; its first half a prefix, then an error. */
static void check_packed(const uint8_t *packed, size_t size, unsigned n, int rc)
{
	char path[64], err[LSC_ERRBUF_SIZE];
	int prc;
	int fd = memfile(packed, size, path, sizeof path);
	unsigned pn = read_file(path, NULL, &prc, err, n);
	close(fd);
	/* A plain file that ended in an error may end in another one here (libpcap's own words). */
	if (pn != n || (rc >= 0 && prc != rc) || (rc < 0 && prc >= 0))
		abort();
	if (n == MAX_FRAMES)
		return;
	fd = memfile(packed, size / 2, path, sizeof path);
	read_file(path, NULL, &prc, err, n);
	close(fd);
	if (prc >= 0 && size / 2 > 0)
		abort(); /* a compressed stream cut in half read as whole */
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

	bool packed = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	packed |= size >= 4 && data[0] == 0x28 && data[1] == 0xb5 && data[2] == 0x2f && data[3] == 0xfd;
	if (packed || rc1 == -2)
		return 0; /* compressed already, or not a capture: nothing to compare */
	size_t cap = ZSTD_compressBound(size) + 64;
	uint8_t *buf = malloc(cap);
	if (buf == NULL)
		abort();
	size_t gz = gzip_bytes(data, size, buf, cap);
	if (gz == 0)
		abort();
	check_packed(buf, gz, n1, rc1);
	size_t zs = ZSTD_compress(buf, cap, data, size, 1);
	if (ZSTD_isError(zs))
		abort();
	check_packed(buf, zs, n1, rc1);
	free(buf);
	return 0;
}
