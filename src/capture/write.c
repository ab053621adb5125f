/* SPDX-License-Identifier: BSD-3-Clause */
/* write.c: the frames `read -w` keeps, written as pcap (libpcap's writer) or pcapng (IETF draft-ietf-opsawg-pcapng). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <layerscope/decode.h>

#include "capture-int.h"

/*
 * pcap holds one link type: its header is written with the first frame and
 * a frame of another link type is refused with the fix (pcapng).  pcapng
 * gets a Section Header Block, then an Interface Description Block the first
 * time each link type appears (with if_tsresol 9: nanoseconds), and an
 * Enhanced Packet Block per frame, all in this host's byte order, as the
 * format allows and libpcap's writers do.
 */
#define MAX_IFACES 16

struct lsc_writer {
	FILE *fp;
	char *path;
	bool pcapng;
	int digits;               /* pcap: 6 or 9, the precision of the file written */
	pcap_t *dead;             /* pcap: the handle pcap_dump_fopen() writes through */
	pcap_dumper_t *dumper;
	int pcap_linktype;
	int iface_link[MAX_IFACES]; /* pcapng: each interface's link type */
	unsigned nifaces;
};

static bool put(struct lsc_writer *w, const void *p, size_t n)
{
	return fwrite(p, 1, n, w->fp) == n;
}

static bool put32(struct lsc_writer *w, uint32_t v)
{
	return put(w, &v, 4);
}

static bool put16(struct lsc_writer *w, uint16_t v)
{
	return put(w, &v, 2);
}

static void write_error(const struct lsc_writer *w, char *errbuf, int e)
{
	snprintf(errbuf, LSC_ERRBUF_SIZE, _("-w %s: %s — check the free space and that the file is writable"),
	         w->path, strerror(e));
}

static int pcap_start(struct lsc_writer *w, int linktype, char *errbuf)
{
	w->dead = pcap_open_dead_with_tstamp_precision(
		linktype, 262144, w->digits == 9 ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	if (w->dead == NULL || (w->dumper = pcap_dump_fopen(w->dead, w->fp)) == NULL) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "-w %s: %s", w->path,
		         w->dead != NULL ? pcap_geterr(w->dead) : _("out of memory"));
		return -1;
	}
	w->pcap_linktype = linktype;
	return 0;
}

struct lsc_writer *lsc_writer_open(const char *path, bool pcapng, int linktype, int ts_digits, char *errbuf)
{
	struct lsc_writer *w = calloc(1, sizeof *w);
	if (w == NULL || (w->path = strdup(path)) == NULL) {
		free(w);
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("-w %s: out of memory"), path);
		return NULL;
	}
	w->pcapng = pcapng;
	w->digits = ts_digits == 9 ? 9 : 6;
	w->pcap_linktype = -1;
	if (strcmp(path, "-") == 0) {
		w->fp = stdout;
	} else {
		/* 0600, as dumpcap: a capture holds other people's traffic; a file that exists keeps its mode. */
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		w->fp = fd < 0 ? NULL : fdopen(fd, "wb");
		if (w->fp == NULL && fd >= 0) {
			int e = errno;
			close(fd);
			errno = e;
		}
	}
	if (w->fp == NULL) {
		int e = errno;
		snprintf(errbuf, LSC_ERRBUF_SIZE, "-w %s: %s — %s", path, strerror(e),
		         e == ENOENT ? _("its directory does not exist") : _("write it where you may (a directory you own)"));
		free(w->path);
		free(w);
		return NULL;
	}
	if (!pcapng && pcap_start(w, linktype, errbuf) != 0) {
		lsc_writer_close(w, NULL);
		return NULL;
	}
	if (pcapng) {
		/* Section Header Block: type, length, byte-order magic, version 1.0, section length unknown. */
		bool ok = put32(w, 0x0a0d0d0au) && put32(w, 28) && put32(w, 0x1a2b3c4du) && put16(w, 1) &&
		          put16(w, 0) && put32(w, 0xffffffffu) && put32(w, 0xffffffffu) && put32(w, 28);
		if (!ok) {
			write_error(w, errbuf, errno);
			lsc_writer_close(w, NULL);
			return NULL;
		}
	}
	return w;
}

/* The pcapng interface of link type lt, its block written on first use; -1 when there are too many. */
static int iface_of(struct lsc_writer *w, int lt, char *errbuf)
{
	for (unsigned i = 0; i < w->nifaces; i++)
		if (w->iface_link[i] == lt)
			return (int)i;
	if (w->nifaces == MAX_IFACES) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("-w %s: more than %d link types"), w->path, MAX_IFACES);
		return -1;
	}
	/* IDB: link type, reserved, snaplen 0 (no limit); option if_tsresol = 9, end of options. */
	uint8_t tsresol[4] = { 9, 0, 0, 0 };
	bool ok = put32(w, 1) && put32(w, 32) && put16(w, (uint16_t)lt) && put16(w, 0) && put32(w, 0) &&
	          put16(w, 9) && put16(w, 1) && put(w, tsresol, 4) && put32(w, 0) && put32(w, 32);
	if (!ok) {
		write_error(w, errbuf, errno);
		return -1;
	}
	w->iface_link[w->nifaces] = lt;
	return (int)w->nifaces++;
}

static int write_pcapng(struct lsc_writer *w, const struct lsc_frame *f, char *errbuf)
{
	int ifc = iface_of(w, f->linktype, errbuf);
	if (ifc < 0)
		return -1;
	uint32_t pad = (4 - (f->caplen & 3)) & 3;
	uint32_t blen = 32 + f->caplen + pad;
	uint64_t ns = (uint64_t)lsc_time_ns(f->ts_sec, f->ts_nsec);
	static const uint8_t zeros[4];
	bool ok = put32(w, 6) && put32(w, blen) && put32(w, (uint32_t)ifc) && put32(w, (uint32_t)(ns >> 32)) &&
	          put32(w, (uint32_t)ns) && put32(w, f->caplen) && put32(w, f->len) && put(w, f->data, f->caplen) &&
	          put(w, zeros, pad) && put32(w, blen);
	if (!ok) {
		write_error(w, errbuf, errno);
		return -1;
	}
	return 0;
}

static int write_pcap(struct lsc_writer *w, const struct lsc_frame *f, char *errbuf)
{
	if (f->linktype != w->pcap_linktype) {
		snprintf(errbuf, LSC_ERRBUF_SIZE,
		         _("-w %s: frame %llu is %s, the file so far %s, and a pcap file holds one link type — "
		         "write pcapng (a name ending in .pcapng, or --pcapng)"), w->path,
		         (unsigned long long)f->number, lsc_linktype_name(f->linktype),
		         lsc_linktype_name(w->pcap_linktype));
		return -1;
	}
	struct pcap_pkthdr h;
	h.ts.tv_sec = (time_t)f->ts_sec;
	h.ts.tv_usec = (suseconds_t)(w->digits == 9 ? f->ts_nsec : f->ts_nsec / 1000u);
	h.caplen = f->caplen;
	h.len = f->len;
	pcap_dump((u_char *)w->dumper, &h, f->data);
	if (ferror(w->fp)) {
		write_error(w, errbuf, errno);
		return -1;
	}
	return 0;
}

int lsc_writer_frame(struct lsc_writer *w, const struct lsc_frame *f, char *errbuf)
{
	return w->pcapng ? write_pcapng(w, f, errbuf) : write_pcap(w, f, errbuf);
}

int lsc_writer_close(struct lsc_writer *w, char *errbuf)
{
	if (w == NULL)
		return 0;
	int rc = 0;
	if (w->dumper != NULL) {
		if (pcap_dump_flush(w->dumper) != 0)
			rc = -1;
		/* pcap_dump_close() closes the stream it was given. */
		pcap_dump_close(w->dumper);
		w->fp = NULL;
	} else if (w->fp == stdout) {
		rc = fflush(w->fp) == 0 ? 0 : -1;
	} else if (w->fp != NULL) {
		rc = fclose(w->fp) == 0 ? 0 : -1;
	}
	if (rc != 0 && errbuf != NULL)
		write_error(w, errbuf, errno);
	if (w->dead != NULL)
		pcap_close(w->dead);
	free(w->path);
	free(w);
	return rc;
}
