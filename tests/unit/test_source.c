/* SPDX-License-Identifier: BSD-3-Clause */
/* test_source.c: a pcap file's records read in blocks give what libpcap gives, and libpcap takes over when it must. */
#include <config.h>

#include <stdio.h>
#include <unistd.h>

#include <layerscope/source.h>

#include "unit.h"

#define MAX_FRAMES 64

/* What a reader made of a file: its frames, then how it ended. */
struct reading {
	unsigned n;
	struct {
		uint64_t number;
		int64_t sec;
		uint32_t nsec, caplen, len;
		uint8_t data[128];
		uint64_t sum; /* of all the bytes */
	} fr[MAX_FRAMES];
	int rc; /* 0 the end, -1 an error */
	char err[LSC_ERRBUF_SIZE];
	char reader_first[16], reader_last[16];
};

static void put32(uint8_t *p, uint32_t v, bool swap)
{
	if (swap)
		v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

static void put16(uint8_t *p, uint16_t v, bool swap)
{
	if (swap)
		v = (uint16_t)(v << 8 | v >> 8);
	memcpy(p, &v, 2);
}

struct rec {
	uint32_t sec, frac, caplen, len;
};

static uint64_t fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/*
 * Writes a pcap file (Ethernet) with these records, `cut` bytes short; each
 * record's bytes are its index, then a count, so a misplaced byte shows.
 */
static char *write_pcap(bool swap, bool nano, uint32_t snaplen, const struct rec *r, size_t n, size_t cut)
{
	size_t size = 24;
	for (size_t i = 0; i < n; i++)
		size += 16 + r[i].caplen;
	uint8_t *buf = malloc(size);
	assert_non_null(buf);
	size_t k = 24;
	put32(buf, nano ? 0xa1b23c4du : 0xa1b2c3d4u, swap);
	put16(buf + 4, 2, swap);
	put16(buf + 6, 4, swap);
	put32(buf + 8, 0, swap);
	put32(buf + 12, 0, swap);
	put32(buf + 16, snaplen, swap);
	put32(buf + 20, 1, swap);
	for (size_t i = 0; i < n; i++) {
		put32(buf + k, r[i].sec, swap);
		put32(buf + k + 4, r[i].frac, swap);
		put32(buf + k + 8, r[i].caplen, swap);
		put32(buf + k + 12, r[i].len, swap);
		k += 16;
		for (uint32_t j = 0; j < r[i].caplen; j++)
			buf[k + j] = j == 0 ? (uint8_t)(0x40 + i) : (uint8_t)(j * 7u + i);
		k += r[i].caplen;
	}
	assert_true(cut < k);
	k -= cut;
	char *path = strdup("/tmp/lsc-test-source.XXXXXX");
	assert_non_null(path);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, k), (ssize_t)k);
	close(fd);
	free(buf);
	return path;
}

static void read_all(const char *path, bool libpcap, struct reading *out)
{
	char err[LSC_ERRBUF_SIZE];
	struct lsc_frame *f = calloc(1, sizeof *f);
	assert_non_null(f);
	memset(out, 0, sizeof *out);
	if (libpcap)
		setenv("LAYERSCOPE_PCAP_READER", "libpcap", 1);
	else
		unsetenv("LAYERSCOPE_PCAP_READER");
	struct lsc_source *s = lsc_source_open_file(path, err);
	assert_non_null(s);
	snprintf(out->reader_first, sizeof out->reader_first, "%s", lsc_source_reader(s));
	int rc;
	while ((rc = lsc_source_next(s, f, out->err)) > 0) {
		assert_true(out->n < MAX_FRAMES);
		out->fr[out->n].number = f->number;
		out->fr[out->n].sec = f->ts_sec;
		out->fr[out->n].nsec = f->ts_nsec;
		out->fr[out->n].caplen = f->caplen;
		out->fr[out->n].len = f->len;
		memcpy(out->fr[out->n].data, f->data, f->caplen < 128 ? f->caplen : 128);
		out->fr[out->n].sum = fnv(f->data, f->caplen);
		out->n++;
	}
	out->rc = rc;
	snprintf(out->reader_last, sizeof out->reader_last, "%s", lsc_source_reader(s));
	lsc_source_close(s);
	unsetenv("LAYERSCOPE_PCAP_READER");
	free(f);
}

/* Both readers on the file: the same frames, times, lengths, bytes and ending. */
static void same_as_libpcap(const char *path, struct reading *blocks)
{
	static struct reading lib;
	read_all(path, false, blocks);
	read_all(path, true, &lib);
	assert_string_equal(lib.reader_first, "libpcap");
	assert_int_equal(blocks->n, lib.n);
	assert_int_equal(blocks->rc, lib.rc);
	if (lib.rc < 0)
		assert_string_equal(blocks->err, lib.err);
	for (unsigned i = 0; i < lib.n; i++) {
		assert_int_equal(blocks->fr[i].number, lib.fr[i].number);
		assert_int_equal(blocks->fr[i].sec, lib.fr[i].sec);
		assert_int_equal(blocks->fr[i].nsec, lib.fr[i].nsec);
		assert_int_equal(blocks->fr[i].caplen, lib.fr[i].caplen);
		assert_int_equal(blocks->fr[i].len, lib.fr[i].len);
		assert_memory_equal(blocks->fr[i].data, lib.fr[i].data, 128);
		assert_true(blocks->fr[i].sum == lib.fr[i].sum);
	}
}

/* Time stamps past 2038 and fractions of a second or more, both byte orders, both precisions. */
static const struct rec odd_times[] = {
	{ 1700000000u, 123456u, 60, 60 },
	{ 0x80000001u, 999999u, 42, 1514 },
	{ 0xfffffffeu, 0xfffffff0u, 14, 14 },
	{ 5u, 2000000000u, 0, 64 },
};

static void test_times_and_orders(void **state)
{
	(void)state;
	static struct reading got;
	for (int swap = 0; swap < 2; swap++)
		for (int nano = 0; nano < 2; nano++) {
			char *path = write_pcap(swap, nano, 65535, odd_times, 4, 0);
			same_as_libpcap(path, &got);
			assert_string_equal(got.reader_first, "blocks");
			assert_string_equal(got.reader_last, "blocks");
			assert_int_equal(got.n, 4);
			assert_int_equal(got.rc, 0);
			assert_int_equal(got.fr[1].sec, (int64_t)0x80000001u);
			unlink(path);
			free(path);
		}
}

/* A record longer than the snapshot length: libpcap reads from there on, cutting it as it does. */
static void test_longer_than_snaplen(void **state)
{
	(void)state;
	static struct reading got;
	const struct rec r[] = { { 1, 0, 40, 40 }, { 2, 0, 100, 100 }, { 3, 0, 30, 30 } };
	char *path = write_pcap(false, false, 64, r, 3, 0);
	same_as_libpcap(path, &got);
	assert_string_equal(got.reader_first, "blocks");
	assert_string_equal(got.reader_last, "libpcap");
	assert_int_equal(got.n, 3);
	assert_int_equal(got.fr[1].caplen, 64);
	assert_int_equal(got.fr[2].data[0], 0x42);
	unlink(path);
	free(path);
}

/* Cut inside the last record's bytes, then inside its header: libpcap's error, after the whole frames. */
static void test_cut_short(void **state)
{
	(void)state;
	static struct reading got;
	const struct rec r[] = { { 1, 0, 40, 40 }, { 2, 0, 50, 50 } };
	for (size_t cut = 5; cut <= 55; cut += 50) {
		char *path = write_pcap(false, false, 65535, r, 2, cut);
		same_as_libpcap(path, &got);
		assert_int_equal(got.n, 1);
		assert_int_equal(got.rc, -1);
		assert_non_null(strstr(got.err, "frame 2"));
		unlink(path);
		free(path);
	}
}

/*
 * A file of over 1 MiB: records across the 256 KiB blocks the reader
 * fetches, one of the largest caplen libpcap takes (262144), and cuts at
 * and around a block's edge.
 */
static void test_across_blocks(void **state)
{
	(void)state;
	static struct reading got;
	struct rec r[40];
	size_t n = 0, size = 24;
	const uint32_t sizes[] = { 60, 1514, 65535, 262144, 9000, 0, 131071, 40 };
	for (; n < 40 && size < 1300000; n++) {
		uint32_t c = sizes[n % 8];
		r[n] = (struct rec){ (uint32_t)n, (uint32_t)n * 1000u, c, c };
		size += 16 + c;
	}
	for (size_t cut = 0; cut < 3; cut++) {
		/* whole; cut in the last record's bytes; cut in its header */
		size_t bytes = cut == 0 ? 0 : cut == 1 ? 7 : r[n - 1].caplen + 3;
		char *path = write_pcap(cut == 2, false, 262144, r, n, bytes);
		same_as_libpcap(path, &got);
		assert_string_equal(got.reader_first, "blocks");
		assert_int_equal(got.n, cut == 0 ? n : n - 1);
		assert_int_equal(got.rc, cut == 0 ? 0 : -1);
		assert_int_equal(got.fr[3].caplen, 262144);
		unlink(path);
		free(path);
	}
	/* The file ends where the first block does (24 + 256 KiB), 8 bytes into a record header. */
	const struct rec edge[] = { { 1, 0, 60, 60 }, { 2, 0, 1514, 1514 }, { 3, 0, 65535, 65535 },
	                            { 4, 0, 194963, 194963 }, { 5, 0, 100, 100 } };
	size_t full = 24 + 5 * 16 + 60 + 1514 + 65535 + 194963 + 100;
	char *path = write_pcap(false, true, 262144, edge, 5, full - (24 + 256 * 1024));
	same_as_libpcap(path, &got);
	assert_int_equal(got.n, 4);
	assert_int_equal(got.rc, -1);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_times_and_orders),
		cmocka_unit_test(test_longer_than_snaplen),
		cmocka_unit_test(test_cut_short),
		cmocka_unit_test(test_across_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
