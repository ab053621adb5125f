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
};

/* Allocates a source around an opened handle; NULL (errbuf filled) on ENOMEM. */
struct lsc_source *lsc_source_wrap(pcap_t *p, const char *name, bool live, int ts_digits, char *errbuf);

#endif
