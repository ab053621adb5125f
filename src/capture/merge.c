/* SPDX-License-Identifier: BSD-3-Clause */
/* merge.c: several capture files read as one, their frames merged by time stamp as mergecap does. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture-int.h"

/*
 * Each file is a source of its own, one frame ahead: the next frame is the
 * earliest of those waiting, the first file's on equal times (so a merge
 * is stable, as mergecap's).  A file's frame stays valid until that file
 * reads again, which happens only at the next call.  Frames are numbered
 * in the merged order before the filter, and the filter, compiled for each
 * file's own link type, is applied here, so files of different link types
 * merge and one expression filters them all.
 */
struct lsc_source *lsc_source_open_files(const char *const *paths, unsigned n, char *errbuf)
{
	if (n == 1)
		return lsc_source_open_file(paths[0], errbuf);
	if (n == 0 || n > LSC_MAX_FILES) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("%u capture files: give 1 to %u"), n, LSC_MAX_FILES);
		return NULL;
	}
	unsigned stdin_uses = 0;
	for (unsigned i = 0; i < n; i++)
		stdin_uses += strcmp(paths[i], "-") == 0;
	if (stdin_uses > 1) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("standard input ('-') named %u times: it holds one capture"),
		         stdin_uses);
		return NULL;
	}
	struct lsc_source *s = calloc(1, sizeof *s);
	if (s == NULL || (s->name = strdup(paths[0])) == NULL || (s->parts = calloc(n, sizeof *s->parts)) == NULL ||
	    (s->pend = calloc(n, sizeof *s->pend)) == NULL || (s->pend_rc = calloc(n, sizeof *s->pend_rc)) == NULL) {
		lsc_source_close(s);
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("out of memory"));
		return NULL;
	}
	s->nparts = n;
	s->advance = -1;
	s->ts_digits = 6;
	for (unsigned i = 0; i < n; i++) {
		s->parts[i] = lsc_source_open_file(paths[i], errbuf);
		if (s->parts[i] == NULL) {
			lsc_source_close(s);
			return NULL;
		}
		s->pend_rc[i] = 2; /* not read yet */
		if (s->parts[i]->ts_digits > s->ts_digits)
			s->ts_digits = s->parts[i]->ts_digits;
	}
	s->linktype = s->parts[0]->linktype;
	return s;
}

int lsc_merge_set_filter(struct lsc_source *s, const char *expr, char *errbuf)
{
	for (unsigned i = 0; i < s->nparts; i++) {
		struct lsc_source *p = s->parts[i];
		if (p->have_merge_filter) {
			pcap_freecode(&p->merge_filter);
			p->have_merge_filter = false;
		}
		if (expr == NULL || *expr == '\0')
			continue;
		if (pcap_compile(p->pcap, &p->merge_filter, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			snprintf(errbuf, LSC_ERRBUF_SIZE, _("bad filter '%s' for %s (%s): %s (see pcap-filter(7))"), expr,
			         p->name, pcap_datalink_val_to_name(p->linktype) ? pcap_datalink_val_to_name(p->linktype)
			                                                        : _("its link type"),
			         pcap_geterr(p->pcap));
			return -1;
		}
		p->have_merge_filter = true;
	}
	return 0;
}

/* Reads file i's next frame into its slot; -1 (errbuf filled) on a read error. */
static int fill(struct lsc_source *s, unsigned i, char *errbuf)
{
	s->pend_rc[i] = (int8_t)lsc_source_next(s->parts[i], &s->pend[i], errbuf);
	return s->pend_rc[i] < 0 ? -1 : 0;
}

static bool earlier(const struct lsc_frame *a, const struct lsc_frame *b)
{
	return a->ts_sec < b->ts_sec || (a->ts_sec == b->ts_sec && a->ts_nsec < b->ts_nsec);
}

int lsc_merge_next(struct lsc_source *s, struct lsc_frame *f, char *errbuf)
{
	for (;;) {
		if (s->advance >= 0 && fill(s, (unsigned)s->advance, errbuf) != 0)
			return -1;
		s->advance = -1;
		int best = -1;
		for (unsigned i = 0; i < s->nparts; i++) {
			if (s->pend_rc[i] == 2 && fill(s, i, errbuf) != 0)
				return -1;
			if (s->pend_rc[i] == 1 && (best < 0 || earlier(&s->pend[i], &s->pend[best])))
				best = (int)i;
		}
		if (best < 0)
			return 0;
		const struct lsc_frame *p = &s->pend[best];
		struct lsc_source *part = s->parts[best];
		s->advance = best;
		s->count++;
		if (!s->have_first) {
			s->have_first = true;
			s->first_sec = p->ts_sec;
			s->first_nsec = p->ts_nsec;
		}
		if (part->have_merge_filter) {
			struct pcap_pkthdr h = { .caplen = p->caplen, .len = p->len };
			if (!pcap_offline_filter(&part->merge_filter, &h, p->data))
				continue;
		}
		f->number = s->count;
		f->ts_sec = p->ts_sec;
		f->ts_nsec = p->ts_nsec;
		f->ts_digits = p->ts_digits;
		f->rel_ns = lsc_time_ns(p->ts_sec, p->ts_nsec) - lsc_time_ns(s->first_sec, s->first_nsec);
		f->caplen = p->caplen;
		f->len = p->len;
		f->linktype = p->linktype;
		f->direction = p->direction;
		f->file = (uint8_t)best;
		f->has_owner = false;
		f->data = p->data;
		if (s->writer != NULL && lsc_writer_frame(s->writer, f, errbuf) != 0)
			return -1;
		return 1;
	}
}

void lsc_merge_close(struct lsc_source *s)
{
	for (unsigned i = 0; s->parts != NULL && i < s->nparts; i++) {
		if (s->parts[i] != NULL && s->parts[i]->have_merge_filter)
			pcap_freecode(&s->parts[i]->merge_filter);
		lsc_source_close(s->parts[i]);
	}
	free(s->parts);
	free(s->pend);
	free(s->pend_rc);
}
