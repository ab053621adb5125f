/* SPDX-License-Identifier: BSD-3-Clause */
/* capture-int.h: the source object, shared by the offline and live openers. */
#ifndef LAYERSCOPE_CAPTURE_INT_H
#define LAYERSCOPE_CAPTURE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

#include <layerscope/source.h>

#include "../lib/i18n.h"

struct lsc_source {
	pcap_t *pcap;
	char *name;             /* file path or interface, for messages */
	bool live;
	int ts_digits;          /* 6 or 9: the precision the input records */
	bool nano;              /* the handle gives tv_usec in nanoseconds */
	bool ts_unsigned;       /* a pcap file: its 32-bit time fields are unsigned */
	uint64_t count;         /* frames read, before the filter */
	bool have_first;
	int64_t first_sec;      /* timestamp of frame 1, for rel */
	uint32_t first_nsec;
	bool have_filter;
	struct bpf_program filter;
	pcap_dumper_t *dumper;  /* live -w: every frame read is also written */
	char *write_path;       /* its name, for messages */
	void *iobuf;            /* a file's stdio buffer, which outlives the stream */
	struct lsc_pcapfile *fast; /* a pcap file's records read without libpcap, NULL when not */
	struct pcap_pkthdr fast_hdr;
	int linktype;           /* pcap_datalink(), asked once */
	struct lsc_decomp *decomp; /* a compressed file's inflater (closed with the stream), or NULL */
	/* Several files merged (merge.c): no handle of its own, a source per file. */
	struct lsc_source **parts;
	unsigned nparts;          /* 0: a single file or interface */
	struct lsc_frame *pend;   /* each file's next frame, its source fields only */
	int8_t *pend_rc;          /* lsc_source_next()'s answer for it; 2: not read yet */
	int advance;              /* the file whose frame went out last, read again first; -1 none */
	bool have_merge_filter;   /* a part: the merge applies merge_filter */
	struct bpf_program merge_filter;
	struct lsc_writer *writer; /* read -w: every frame lsc_source_next() returns is written */
};

/* Allocates a source around an opened handle; NULL (errbuf filled) on ENOMEM. */
struct lsc_source *lsc_source_wrap(pcap_t *p, const char *name, bool live, int ts_digits, char *errbuf);

/*
 * pcapfile.c: a pcap 2.4 file's records read in blocks.  open() returns NULL
 * when the file is not one it reads (libpcap reads it all then).  next()
 * gives the record at *rec_off: 1, 0 at the end of the file, -1 when
 * libpcap must read from *rec_off on (a record cut short or longer than the
 * snapshot length, a read error).
 */
struct lsc_pcapfile;
struct lsc_pcapfile *lsc_pcapfile_open(pcap_t *p, FILE *fp);
int lsc_pcapfile_next(struct lsc_pcapfile *r, struct pcap_pkthdr *h, const u_char **data,
                      uint64_t *rec_off);
void lsc_pcapfile_close(struct lsc_pcapfile *r);

/* "writing the capture to PATH: cause — fix", for errno `e` (0: unknown) of a failed -w write. */
void lsc_source_write_error(const struct lsc_source *s, int e, char *errbuf);

/*
 * compressed.c: "gzip" or "zstd" when the first bytes are that magic, else
 * NULL.  lsc_decomp_open() gives a stream of the inflated bytes of `head`
 * (the n bytes already read) and then of `under`; closing it closes `under`
 * when close_under.  A corrupt or cut stream makes a read fail (EIO), and
 * lsc_decomp_error() then says why; NULL while all is well.
 */
#define LSC_DECOMP_ERRSIZE 256 /* lsc_decomp_open()'s errbuf */
struct lsc_decomp;
const char *lsc_decomp_kind(const unsigned char *head, size_t n);
FILE *lsc_decomp_open(FILE *under, bool close_under, const unsigned char *head, size_t n,
                      struct lsc_decomp **d, char *errbuf);
const char *lsc_decomp_error(const struct lsc_decomp *d);

/*
 * write.c: a file of the frames kept (read -w): pcap of `linktype` (its
 * header written at once; a frame of another link type is refused) at
 * ts_digits' precision, or pcapng (nanoseconds, an interface per link
 * type).  "-" is standard output.  0, or -1 with the cause in errbuf;
 * close reports a failed flush (errbuf may be NULL).
 */
struct lsc_writer;
struct lsc_writer *lsc_writer_open(const char *path, bool pcapng, int linktype, int ts_digits, char *errbuf);
int lsc_writer_frame(struct lsc_writer *w, const struct lsc_frame *f, char *errbuf);
int lsc_writer_close(struct lsc_writer *w, char *errbuf);

/* merge.c: lsc_source_set_filter(), lsc_source_next() and the closing of merged files. */
int lsc_merge_set_filter(struct lsc_source *s, const char *expr, char *errbuf);
int lsc_merge_next(struct lsc_source *s, struct lsc_frame *f, char *errbuf);
void lsc_merge_close(struct lsc_source *s);

/* ---- privileges (privdrop.c) ---- */

/*
 * Drops to t's user (as root) or to the caller's own ids (not root), keeping
 * only the capabilities in `keep` (a mask of 1 << CAP_*), sets no_new_privs
 * and non-dumpable, then verifies with lsc_priv_verify().  0, or -1 with the
 * failed step in errbuf.
 */
int lsc_priv_drop_keep(const struct lsc_priv_target *t, uint64_t keep, char *errbuf);

/* Checks that the real, effective and saved ids are uid/gid, the effective and permitted capabilities exactly `caps`. */
int lsc_priv_verify(uint32_t uid, uint32_t gid, uint64_t caps, char *errbuf);

/* ---- process owners (owner.c) ---- */

/* One socket endpoint of this host and its peer; addresses in IPv6 form (IPv4 as ::ffff:a.b.c.d). */
struct lsc_owner_key {
	uint8_t proto;  /* 6 TCP, 17 UDP */
	uint8_t pad;
	uint16_t lport;
	uint16_t rport;
	uint8_t pad2[2];
	uint8_t local[16];
	uint8_t remote[16];
};

/*
 * The socket tables of /proc, read again on a miss at most every 200 ms, and
 * at least every 2 s -- only when `may_refresh`: a capture falling behind
 * answers from what it has rather than wait for /proc.
 */
struct lsc_owner_table;
struct lsc_owner_table *lsc_owner_table_new(void);
void lsc_owner_table_free(struct lsc_owner_table *t);
/* 0 with *o filled when a live process holds the socket for k, else -1. */
int lsc_owner_table_lookup(struct lsc_owner_table *t, const struct lsc_owner_key *k, struct lsc_owner *o,
                           bool may_refresh);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t lsc_owner_now_ms(void);
/* Writes an IPv4 address as ::ffff:a.b.c.d. */
void lsc_owner_addr4(uint8_t out[16], const uint8_t v4[4]);

#endif
