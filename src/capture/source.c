/* SPDX-License-Identifier: BSD-3-Clause */
/* source.c: reading frames from a libpcap handle, filtering them, counting before the filter. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/i18n.h"
#include "capture-int.h"

struct lsc_source *lsc_source_wrap(pcap_t *p, const char *name, bool live, int ts_digits, char *errbuf)
{
	struct lsc_source *s = calloc(1, sizeof *s);
	if (s == NULL || (s->name = strdup(name)) == NULL) {
		free(s);
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("%s: out of memory"), name);
		return NULL;
	}
	s->pcap = p;
	s->linktype = pcap_datalink(p);
	s->live = live;
	s->ts_digits = ts_digits;
	s->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	return s;
}

int lsc_source_set_filter(struct lsc_source *s, const char *expr, char *errbuf)
{
	if (s->nparts != 0)
		return lsc_merge_set_filter(s, expr, errbuf);
	if (s->have_filter) {
		pcap_freecode(&s->filter);
		s->have_filter = false;
	}
	if (expr == NULL || *expr == '\0')
		return 0;
	if (pcap_compile(s->pcap, &s->filter, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("bad filter '%s': %s (see pcap-filter(7))"),
		         expr, pcap_geterr(s->pcap));
		return -1;
	}
	/*
	 * Live, the kernel filters (pcap_setfilter): frames that do not match
	 * never cross into user space, which is what keeps a busy interface from
	 * overflowing the capture buffer.  Frame numbers then count matching
	 * frames only, as tcpdump's and tshark's capture filters do, and -w
	 * writes exactly the frames shown.  A file keeps every frame's number.
	 */
	if (s->live) {
		int rc = pcap_setfilter(s->pcap, &s->filter);
		pcap_freecode(&s->filter);
		if (rc != 0) {
			snprintf(errbuf, LSC_ERRBUF_SIZE, _("cannot apply the filter '%s': %s"),
			         expr, pcap_geterr(s->pcap));
			return -1;
		}
		return 0;
	}
	s->have_filter = true;
	return 0;
}

/* Says which frame of a file could not be read, why, and what to do. */
static void read_error(const struct lsc_source *s, char *errbuf)
{
	const char *perr = pcap_geterr(s->pcap);
	unsigned long long n = (unsigned long long)s->count + 1;
	const char *packed = lsc_decomp_error(s->decomp);
	if (packed != NULL)
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("%s: %s; stopped before frame %llu"), s->name, packed, n);
	else if (s->live)
		snprintf(errbuf, LSC_ERRBUF_SIZE, "%s: %s", s->name, perr);
	else if (strstr(perr, "truncated") != NULL)
		snprintf(errbuf, LSC_ERRBUF_SIZE,
		         _("%s: the file ends in the middle of frame %llu (%s); it was cut short, "
		         "as by a capture that was killed"), s->name, n, perr);
	else if (strstr(perr, "different from the type of the first interface") != NULL)
		snprintf(errbuf, LSC_ERRBUF_SIZE,
		         _("%s: the file mixes interfaces of different link types, which libpcap cannot "
		         "read (%s; stopped before frame %llu): keep one interface with "
		         "tshark -r FILE -Y 'frame.interface_id == 0' -w OUT"), s->name, perr, n);
	else
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("%s: cannot read frame %llu: %s"), s->name, n, perr);
}

#define NSEC_PER_SEC 1000000000LL

/*
 * The frame's time from libpcap's.  A pcap file stores seconds and the
 * fraction as unsigned 32-bit fields, but libpcap reads them as signed
 * (a stamp past 2038 comes back negative), so they are taken back as
 * unsigned here.  A fraction of a second or more (a corrupt stamp) carries
 * into the seconds, so the fraction always has the file's digits.
 */
static void frame_time(const struct lsc_source *s, const struct timeval *tv, int64_t *out_sec,
                       uint32_t *out_nsec)
{
	int64_t sec = tv->tv_sec;
	int64_t frac = s->nano ? (int64_t)tv->tv_usec : (int64_t)tv->tv_usec * 1000;
	if (s->ts_unsigned && s->nano) {
		sec = (uint32_t)tv->tv_sec;
		/* libpcap scaled a microsecond file's signed field by 1000. */
		frac = s->ts_digits == 9 ? (int64_t)(uint32_t)tv->tv_usec
		                         : (int64_t)(uint32_t)(tv->tv_usec / 1000) * 1000;
	}
	int64_t carry = frac / NSEC_PER_SEC;
	frac %= NSEC_PER_SEC;
	if (frac < 0) {
		frac += NSEC_PER_SEC;
		carry--;
	}
	*out_sec = sec + carry;
	*out_nsec = (uint32_t)frac;
}

/*
 * -w: pcap_dump() says nothing of a failed write, so the stream's error flag
 * is asked after each frame, while errno still holds the cause.  A frame
 * that could not be written stops the capture: the file would lie.
 */
static int write_frame(struct lsc_source *s, const struct pcap_pkthdr *h, const u_char *data, char *errbuf)
{
	errno = 0;
	pcap_dump((u_char *)s->dumper, h, data);
	if (!ferror(pcap_dump_file(s->dumper)))
		return 0;
	lsc_source_write_error(s, errno, errbuf);
	pcap_dump_close(s->dumper); /* said once, here: lsc_source_write_end() has nothing more to say */
	s->dumper = NULL;
	return -1;
}

/*
 * The next record: from the block reader while it can, then from libpcap,
 * whose stream is first moved to the record the block reader left alone.
 */
#define SEEK_FAILED (-100) /* not a libpcap code: errbuf says it */

static int next_record(struct lsc_source *s, struct pcap_pkthdr **h, const u_char **data, char *errbuf)
{
	if (s->fast != NULL) {
		uint64_t off;
		int rc = lsc_pcapfile_next(s->fast, &s->fast_hdr, data, &off);
		if (rc >= 0) {
			*h = &s->fast_hdr;
			return rc == 0 ? PCAP_ERROR_BREAK : 1;
		}
		lsc_pcapfile_close(s->fast);
		s->fast = NULL;
		if (fseeko(pcap_file(s->pcap), (off_t)off, SEEK_SET) != 0) {
			snprintf(errbuf, LSC_ERRBUF_SIZE, _("%s: cannot seek back to byte %llu: %s"), s->name,
			         (unsigned long long)off, strerror(errno));
			return SEEK_FAILED;
		}
	}
	return pcap_next_ex(s->pcap, h, data);
}

int lsc_source_next(struct lsc_source *s, struct lsc_frame *f, char *errbuf)
{
	if (s->nparts != 0)
		return lsc_merge_next(s, f, errbuf);
	for (;;) {
		struct pcap_pkthdr *h;
		const u_char *data;
		int rc = next_record(s, &h, &data, errbuf);
		if (rc == SEEK_FAILED)
			return -1;
		if (rc == 0)
			continue; /* live: the read timeout passed with nothing */
		if (rc == PCAP_ERROR_BREAK)
			return 0;
		if (rc < 0) {
			read_error(s, errbuf);
			return -1;
		}
		s->count++;
		if (s->dumper != NULL && write_frame(s, h, data, errbuf) != 0)
			return -1;
		/* The handle runs at nanosecond precision when it can (see offline.c). */
		int64_t sec;
		uint32_t nsec;
		frame_time(s, &h->ts, &sec, &nsec);
		if (!s->have_first) {
			/* rel counts from the input's first frame, filtered or not, as tshark's does */
			s->have_first = true;
			s->first_sec = sec;
			s->first_nsec = nsec;
		}
		if (s->have_filter && !pcap_offline_filter(&s->filter, h, data))
			continue;

		f->number = s->count;
		f->ts_sec = sec;
		f->ts_nsec = nsec;
		f->ts_digits = (uint8_t)s->ts_digits;
		f->rel_ns = lsc_time_ns(sec, nsec) - lsc_time_ns(s->first_sec, s->first_nsec);
		f->caplen = h->caplen;
		f->len = h->len;
		f->linktype = s->linktype;
		f->direction = LSC_DIR_UNKNOWN;
		f->file = 0;
		f->has_owner = false;
		f->data = data;
		if (s->writer != NULL && lsc_writer_frame(s->writer, f, errbuf) != 0)
			return -1;
		return 1;
	}
}

int lsc_source_linktype(const struct lsc_source *s)
{
	return s->linktype;
}

const char *lsc_source_reader(const struct lsc_source *s)
{
	return s->fast != NULL ? "blocks" : "libpcap";
}

int lsc_source_ts_digits(const struct lsc_source *s)
{
	return s->ts_digits;
}

uint64_t lsc_source_count(const struct lsc_source *s)
{
	return s->count;
}

void lsc_source_write_error(const struct lsc_source *s, int e, char *errbuf)
{
	snprintf(errbuf, LSC_ERRBUF_SIZE, _("writing the capture to %s: %s — %s"), s->write_path,
	         e != 0 ? strerror(e) : _("a write failed"),
	         e == ENOSPC || e == EDQUOT ? _("make room on its disk, or choose another -w FILE")
	                                    : _("check the disk or device it goes to, or choose another -w FILE"));
}

int lsc_source_write_end(struct lsc_source *s, char *errbuf)
{
	if (s->dumper == NULL)
		return 0;
	errno = 0;
	bool failed = ferror(pcap_dump_file(s->dumper)) || pcap_dump_flush(s->dumper) != 0;
	int e = errno;
	pcap_dump_close(s->dumper);
	s->dumper = NULL;
	if (failed)
		lsc_source_write_error(s, e, errbuf);
	return failed ? -1 : 0;
}

int lsc_source_keep_to(struct lsc_source *s, const char *path, bool pcapng, char *errbuf)
{
	s->writer = lsc_writer_open(path, pcapng, s->linktype, s->ts_digits, errbuf);
	return s->writer != NULL ? 0 : -1;
}

int lsc_source_keep_end(struct lsc_source *s, char *errbuf)
{
	int rc = lsc_writer_close(s->writer, errbuf);
	s->writer = NULL;
	return rc;
}

void lsc_source_close(struct lsc_source *s)
{
	if (s == NULL)
		return;
	lsc_writer_close(s->writer, NULL);
	lsc_merge_close(s);
	if (s->have_filter)
		pcap_freecode(&s->filter);
	if (s->dumper != NULL)
		pcap_dump_close(s->dumper);
	free(s->write_path);
	lsc_pcapfile_close(s->fast);
	if (s->pcap != NULL)
		pcap_close(s->pcap);
	free(s->iobuf);
	free(s->name);
	free(s);
}

char *lsc_filter_join(int argc, char **argv)
{
	size_t n = 0;
	if (argc <= 0)
		return NULL;
	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	char *s = malloc(n);
	if (s == NULL)
		return NULL;
	s[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}
