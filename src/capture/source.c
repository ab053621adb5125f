/* source.c: reading frames from a libpcap handle, filtering them, counting before the filter. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture-int.h"

struct lsc_source *lsc_source_wrap(pcap_t *p, const char *name, bool live, int ts_digits, char *errbuf)
{
	struct lsc_source *s = calloc(1, sizeof *s);
	if (s == NULL || (s->name = strdup(name)) == NULL) {
		free(s);
		snprintf(errbuf, LSC_ERRBUF_SIZE, "%s: out of memory", name);
		return NULL;
	}
	s->pcap = p;
	s->live = live;
	s->ts_digits = ts_digits;
	s->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	return s;
}

int lsc_source_set_filter(struct lsc_source *s, const char *expr, char *errbuf)
{
	if (s->have_filter) {
		pcap_freecode(&s->filter);
		s->have_filter = false;
	}
	if (expr == NULL || *expr == '\0')
		return 0;
	if (pcap_compile(s->pcap, &s->filter, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "bad filter '%s': %s (see pcap-filter(7))",
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
			snprintf(errbuf, LSC_ERRBUF_SIZE, "cannot apply the filter '%s': %s",
			         expr, pcap_geterr(s->pcap));
			return -1;
		}
		return 0;
	}
	s->have_filter = true;
	return 0;
}

int lsc_source_next(struct lsc_source *s, struct lsc_frame *f, char *errbuf)
{
	for (;;) {
		struct pcap_pkthdr *h;
		const u_char *data;
		int rc = pcap_next_ex(s->pcap, &h, &data);
		if (rc == 0)
			continue; /* live: the read timeout passed with nothing */
		if (rc == PCAP_ERROR_BREAK)
			return 0;
		if (rc < 0) {
			snprintf(errbuf, LSC_ERRBUF_SIZE, "%s: %s", s->name, pcap_geterr(s->pcap));
			return -1;
		}
		s->count++;
		if (s->dumper != NULL)
			pcap_dump((u_char *)s->dumper, h, data);
		/* The handle runs at nanosecond precision when it can (see offline.c). */
		uint32_t nsec = (uint32_t)(s->nano ? h->ts.tv_usec : h->ts.tv_usec * 1000);
		if (!s->have_first) {
			/* rel counts from the input's first frame, filtered or not, as tshark's does */
			s->have_first = true;
			s->first_sec = h->ts.tv_sec;
			s->first_nsec = nsec;
		}
		if (s->have_filter && !pcap_offline_filter(&s->filter, h, data))
			continue;

		f->number = s->count;
		f->ts_sec = h->ts.tv_sec;
		f->ts_nsec = nsec;
		f->ts_digits = (uint8_t)s->ts_digits;
		f->rel_ns = (f->ts_sec - s->first_sec) * 1000000000LL +
		            ((int64_t)f->ts_nsec - (int64_t)s->first_nsec);
		f->caplen = h->caplen;
		f->len = h->len;
		f->linktype = pcap_datalink(s->pcap);
		f->direction = LSC_DIR_UNKNOWN;
		f->has_owner = false;
		f->data = data;
		return 1;
	}
}

int lsc_source_linktype(const struct lsc_source *s)
{
	return pcap_datalink(s->pcap);
}

int lsc_source_ts_digits(const struct lsc_source *s)
{
	return s->ts_digits;
}

uint64_t lsc_source_count(const struct lsc_source *s)
{
	return s->count;
}

void lsc_source_close(struct lsc_source *s)
{
	if (s == NULL)
		return;
	if (s->have_filter)
		pcap_freecode(&s->filter);
	if (s->dumper != NULL)
		pcap_dump_close(s->dumper);
	if (s->pcap != NULL)
		pcap_close(s->pcap);
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
