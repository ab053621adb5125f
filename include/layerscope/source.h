/* source.h: where frames come from: a capture file or a live interface (libpcap). */
#ifndef LAYERSCOPE_SOURCE_H
#define LAYERSCOPE_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include <layerscope/frame.h>

/* Size of the caller's error buffer for OS- and libpcap-facing calls. */
#define LSC_ERRBUF_SIZE 512

struct lsc_source;

/*
 * Opens a capture file (pcap or pcapng; "-" is standard input).  On failure
 * returns NULL and writes into `errbuf` what went wrong and what to do.
 */
struct lsc_source *lsc_source_open_file(const char *path, char *errbuf);

/*
 * Compiles a libpcap filter for the source's link type and applies it in
 * lsc_source_next().  Returns 0, or -1 with libpcap's message in `errbuf`.
 * An empty or NULL expression clears the filter.
 */
int lsc_source_set_filter(struct lsc_source *s, const char *expr, char *errbuf);

/*
 * Reads the next frame that passes the filter into f's source fields
 * (number, timestamps, lengths, link type, data).  The data stays valid until
 * the next call.  Returns 1 for a frame, 0 at the end, -1 on an error
 * (a file cut short, a read error) with the cause in `errbuf`.
 */
int lsc_source_next(struct lsc_source *s, struct lsc_frame *f, char *errbuf);

/* The link type (DLT_*) of the frames; a file with several gives the first. */
int lsc_source_linktype(const struct lsc_source *s);

/* Digits of the file's timestamp precision: 6 or 9. */
int lsc_source_ts_digits(const struct lsc_source *s);

/* Frames read so far, counted before the filter. */
uint64_t lsc_source_count(const struct lsc_source *s);

void lsc_source_close(struct lsc_source *s);

/* Joins argv[0..argc) with spaces into one filter expression (malloc'd), or NULL when argc is 0. */
char *lsc_filter_join(int argc, char **argv);

#endif
