/* SPDX-License-Identifier: BSD-3-Clause */
/* pcapfile.c: the records of a classic pcap file read in blocks, with libpcap taking over at anything unusual. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture-int.h"

/*
 * pcap_next_ex() on a file makes two fread() calls a frame, which cost as
 * much as decoding it.  For the common case -- a pcap 2.4 file of a link
 * type libpcap hands over untouched -- the records are read here, in blocks
 * of READ_BLOCK bytes, and given out in place.  libpcap has opened the file
 * and checked its header; at the first record that is not plain (cut
 * short, longer than the snapshot length) its stream is moved to that
 * record and libpcap reads on from there, so every unusual case, and its
 * error message, stays libpcap's.  LAYERSCOPE_PCAP_READER=libpcap turns
 * this off, which is how the tests compare the two.
 */
#define READ_BLOCK (256 * 1024)
#define REC_HDR 16
#define MAX_CAPLEN 262144 /* libpcap's MAXIMUM_SNAPLEN: a longer record is libpcap's to refuse */

struct lsc_pcapfile {
	int fd;
	bool swapped; /* written on a host of the other byte order */
	bool micro;   /* microsecond time stamps, which libpcap scales to nanoseconds */
	uint32_t snaplen;
	uint8_t *buf;
	size_t cap, len, pos; /* buf[pos, len) is unread */
	uint64_t buf_off;      /* the file offset of buf[0] */
	bool failed;           /* a read failed: libpcap reads it again and says why */
};

static uint32_t get32(const uint8_t *p, bool swapped)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

/* Link types whose frames libpcap passes on exactly as stored (no pcap_post_process fix-ups). */
static bool plain_linktype(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_RAW:
	case DLT_NULL:
	case DLT_LOOP:
#ifdef DLT_IPV4
	case DLT_IPV4:
#endif
#ifdef DLT_IPV6
	case DLT_IPV6:
#endif
		return true;
	default:
		return false;
	}
}

struct lsc_pcapfile *lsc_pcapfile_open(pcap_t *p, FILE *fp)
{
	const char *env = getenv("LAYERSCOPE_PCAP_READER");
	if (env != NULL && strcmp(env, "libpcap") == 0)
		return NULL;
	if (!plain_linktype(pcap_datalink(p)) || pcap_major_version(p) != 2 ||
	    pcap_minor_version(p) != 4)
		return NULL;
	int fd = fileno(fp);
	uint8_t hdr[24];
	if (fd < 0 || pread(fd, hdr, sizeof hdr, 0) != (ssize_t)sizeof hdr)
		return NULL;
	uint32_t magic;
	memcpy(&magic, hdr, 4);
	bool swapped, micro;
	switch (magic) {
	case 0xa1b2c3d4u: swapped = false, micro = true; break;
	case 0xd4c3b2a1u: swapped = true, micro = true; break;
	case 0xa1b23c4du: swapped = false, micro = false; break;
	case 0x4d3cb2a1u: swapped = true, micro = false; break;
	default: return NULL; /* pcapng, or a variant libpcap knows better */
	}
	struct lsc_pcapfile *r = calloc(1, sizeof *r);
	if (r == NULL)
		return NULL;
	r->cap = READ_BLOCK + REC_HDR + MAX_CAPLEN;
	r->buf = malloc(r->cap);
	if (r->buf == NULL) {
		free(r);
		return NULL;
	}
	r->fd = fd;
	r->swapped = swapped;
	r->micro = micro;
	r->snaplen = (uint32_t)pcap_snapshot(p);
	r->buf_off = sizeof hdr;
	return r;
}

void lsc_pcapfile_close(struct lsc_pcapfile *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r);
}

/* Makes `need` bytes from pos readable (need <= cap): false when the file ends or fails first. */
static bool have(struct lsc_pcapfile *r, size_t need)
{
	if (r->len - r->pos >= need)
		return true;
	size_t rest = r->len - r->pos;
	memmove(r->buf, r->buf + r->pos, rest);
	r->buf_off += r->pos;
	r->pos = 0;
	r->len = rest;
	while (r->len < need) {
		size_t want = r->cap - r->len < READ_BLOCK ? r->cap - r->len : READ_BLOCK;
		ssize_t n = pread(r->fd, r->buf + r->len, want, (off_t)(r->buf_off + r->len));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r->failed = n < 0;
			return false;
		}
		r->len += (size_t)n;
	}
	return true;
}

int lsc_pcapfile_next(struct lsc_pcapfile *r, struct pcap_pkthdr *h, const u_char **data,
                      uint64_t *rec_off)
{
	*rec_off = r->buf_off + r->pos;
	if (!have(r, REC_HDR))
		return r->len == r->pos && !r->failed ? 0 : -1; /* a header cut short is libpcap's to report */
	const uint8_t *rec = r->buf + r->pos;
	uint32_t caplen = get32(rec + 8, r->swapped);
	if (caplen > r->snaplen || caplen > MAX_CAPLEN)
		return -1;
	if (!have(r, REC_HDR + (size_t)caplen))
		return -1;
	rec = r->buf + r->pos;
	/* As libpcap 1.10 reads them: signed 32-bit fields, microseconds scaled up. */
	h->ts.tv_sec = (time_t)(int32_t)get32(rec, r->swapped);
	h->ts.tv_usec = (suseconds_t)(int32_t)get32(rec + 4, r->swapped);
	if (r->micro)
		h->ts.tv_usec *= 1000;
	h->caplen = caplen;
	h->len = get32(rec + 12, r->swapped);
	*data = rec + REC_HDR;
	r->pos += REC_HDR + caplen;
	return 1;
}
