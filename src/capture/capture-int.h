/* SPDX-License-Identifier: BSD-3-Clause */
/* capture-int.h: the source object, shared by the offline and live openers. */
#ifndef LAYERSCOPE_CAPTURE_INT_H
#define LAYERSCOPE_CAPTURE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <pcap/pcap.h>

#include <layerscope/source.h>

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
	void *iobuf;            /* a file's stdio buffer, which outlives the stream */
	struct lsc_pcapfile *fast; /* a pcap file's records read without libpcap, NULL when not */
	struct pcap_pkthdr fast_hdr;
	int linktype;           /* pcap_datalink(), asked once */
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
