/* SPDX-License-Identifier: BSD-3-Clause */
/* report.c: the report core: summaries of every frame, detail of the first N, the document assembled at the end. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <layerscope/calls.h>
#include <layerscope/demo.h> /* the timeline */
#include <layerscope/source.h>
#include <layerscope/teach.h>

#include "../lib/i18n.h"
#include "report-int.h"

_Static_assert(LSC_PROTO_COUNT <= 64, "the protocol mix keeps one bit a protocol");

static const struct lsc_report_fmt *const formats[LSC_REPORT_NFORMATS] = {
	[LSC_REPORT_HTML] = &lsc_report_html,
	[LSC_REPORT_MD] = &lsc_report_md,
	[LSC_REPORT_JSON] = &lsc_report_json,
};

static const struct {
	const char *suffix;
	unsigned format;
} suffixes[] = {
	{ ".html", LSC_REPORT_HTML }, { ".htm", LSC_REPORT_HTML },
	{ ".md", LSC_REPORT_MD }, { ".markdown", LSC_REPORT_MD },
	{ ".json", LSC_REPORT_JSON },
};

int lsc_report_format_find(const char *name)
{
	for (unsigned i = 0; i < LSC_REPORT_NFORMATS; i++)
		if (strcmp(formats[i]->name, name) == 0)
			return (int)i;
	return -1;
}

int lsc_report_format_for_path(const char *path)
{
	size_t n = strlen(path);
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		size_t k = strlen(suffixes[i].suffix);
		if (n > k && strcasecmp(path + n - k, suffixes[i].suffix) == 0)
			return (int)suffixes[i].format;
	}
	return -1;
}

const char *lsc_report_format_names(void)
{
	return "html, md, json";
}

const char *lsc_report_suffixes(void)
{
	return ".html, .htm, .md, .markdown, .json";
}

/* ---- the temporary file of frame sections --------------------------------- */

/* An unlinked file in $TMPDIR (else /tmp): it disappears with the process, whatever happens. */
static FILE *open_tmp(char *errbuf)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof path, "%s/layerscope-report.XXXXXX", dir) >= sizeof path) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "TMPDIR is too long — set TMPDIR to a shorter directory");
		return NULL;
	}
	int fd = mkstemp(path);
	if (fd < 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("cannot create a temporary file in %s: %s — set TMPDIR "
		         "to a writable directory"), dir, strerror(errno));
		return NULL;
	}
	unlink(path);
	FILE *fp = fdopen(fd, "w+");
	if (fp == NULL) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("opening the temporary file: %s — set TMPDIR to a writable directory"), strerror(errno));
		close(fd);
	}
	return fp;
}

struct lsc_report *lsc_report_new(const struct lsc_report_opts *o, struct lsc_flow_tracker *t,
                                  char *errbuf)
{
	if (o->format >= LSC_REPORT_NFORMATS) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "unknown report format %u", o->format);
		return NULL;
	}
	struct lsc_report *r = calloc(1, sizeof *r);
	if (r == NULL)
		goto oom;
	r->o = *o;
	if (r->o.source == NULL)
		r->o.source = "-";
	r->fmt = formats[o->format];
	r->stats = lsc_stats_new(t, 0);
	if (r->stats == NULL)
		goto oom;
	r->tmp = open_tmp(errbuf);
	if (r->tmp == NULL) {
		lsc_report_free(r);
		return NULL;
	}
	if (o->calls != NULL) {
		if ((r->tl_tmp = open_tmp(errbuf)) == NULL) {
			lsc_report_free(r);
			return NULL;
		}
		if ((r->tl = lsc_timeline_new(r->tl_tmp, false, o->utc)) == NULL)
			goto oom;
	}
	if (r->fmt->begin(r) != 0)
		goto oom;
	return r;
oom:
	lsc_report_free(r);
	snprintf(errbuf, LSC_ERRBUF_SIZE, "%s", _("out of memory starting the report — show fewer frames with --frames"));
	return NULL;
}

void lsc_report_free(struct lsc_report *r)
{
	if (r == NULL)
		return;
	if (r->fmt != NULL)
		r->fmt->end(r); /* also after a failed begin(): end() copes with what is there */
	if (r->tmp != NULL)
		fclose(r->tmp);
	lsc_timeline_free(r->tl);
	if (r->tl_tmp != NULL)
		fclose(r->tl_tmp);
	lsc_stats_free(r->stats);
	free(r->model);
	free(r->model_data);
	free(r->rows);
	free(r->conv_rows);
	free(r);
}

/* ---- summaries: every frame --------------------------------------------------- */

static void count_linktype(struct lsc_report *r, int dlt)
{
	for (unsigned i = 0; i < r->nlinktypes; i++)
		if (r->linktypes[i] == dlt)
			return;
	if (r->nlinktypes < LSC_REPORT_LINKTYPES)
		r->linktypes[r->nlinktypes++] = dlt;
	else
		r->more_linktypes = true;
}

/* Each protocol counts once a frame at each TCP/IP layer; quoted headers are not the frame's own. */
static void count_mix(struct lsc_report *r, const struct lsc_frame *f)
{
	uint64_t seen[4] = { 0, 0, 0, 0 };
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		unsigned t = lsc_layer_tcpip(f, l);
		if ((l->flags & LSC_LF_QUOTED) || t > LSC_TCPIP_APPLICATION || l->proto >= LSC_PROTO_COUNT)
			continue;
		struct lsc_report_mix *m = &r->mix[t][l->proto];
		m->bytes += l->cap_len;
		if (!(seen[t] & (1ull << l->proto)))
			m->frames++;
		seen[t] |= 1ull << l->proto;
	}
	for (unsigned t = 0; t < 4; t++)
		r->mix_none[t] += seen[t] == 0;
}

static bool has_application(const struct lsc_frame *f)
{
	for (unsigned i = 0; i < f->nlayers; i++)
		if (!(f->layers[i].flags & LSC_LF_QUOTED) && f->layers[i].cap_len > 0 &&
		    lsc_layer_tcpip(f, &f->layers[i]) == LSC_TCPIP_APPLICATION)
			return true;
	return false;
}

/* Keeps a copy of the frame the layer model is drawn from; false when out of memory. */
static bool keep_model(struct lsc_report *r, const struct lsc_frame *f)
{
	if (r->model != NULL && r->model_app)
		return true;
	bool app = has_application(f);
	if (r->model != NULL && !app)
		return true;
	if (r->model == NULL && (r->model = malloc(sizeof *r->model)) == NULL)
		return false;
	uint8_t *data = realloc(r->model_data, f->caplen ? f->caplen : 1);
	if (data == NULL)
		return false;
	r->model_data = data;
	*r->model = *f;
	memcpy(data, f->data, f->caplen);
	r->model->data = data;
	r->model->flow.conv = NULL; /* valid only while the frame is current */
	r->model_app = app;
	return true;
}

/* ---- detail: the first max_frames frames ------------------------------------- */

/* Room for `need` elements, doubling; false past 2^31 (the next doubling would wrap) or out of memory. */
static bool grow(void **p, uint32_t *cap, uint64_t need, size_t size)
{
	if (need <= *cap)
		return true;
	if (need > (UINT32_MAX >> 1) + 1u)
		return false;
	uint32_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, (size_t)n * size);
	if (q == NULL)
		return false;
	memset((char *)q + (size_t)*cap * size, 0, (size_t)(n - *cap) * size);
	*p = q;
	*cap = n;
	return true;
}

/* Adds the frame's arrow to its conversation's ladder; false when out of memory. */
static bool keep_row(struct lsc_report *r, const struct lsc_frame *f)
{
	struct lsc_ladder_row row;
	if (!lsc_ladder_row_set(&row, f))
		return true;
	uint32_t id = f->flow.id;
	if (!grow((void **)&r->rows, &r->cap_rows, (uint64_t)r->nrows + 1, sizeof *r->rows) ||
	    !grow((void **)&r->conv_rows, &r->cap_conv_rows, (uint64_t)id + 1, sizeof *r->conv_rows))
		return false;
	r->rows[r->nrows++] = row;
	struct lsc_report_conv_rows *cr = &r->conv_rows[id];
	lsc_ladder_revise(r->rows, cr->head, &f->flow);
	if (cr->tail)
		r->rows[cr->tail - 1].next = r->nrows;
	else
		cr->head = r->nrows;
	cr->tail = r->nrows;
	cr->n++;
	return true;
}

/* The recorded calls stamped up to `ns` onto the timeline. */
static void timeline_calls(struct lsc_report *r, int64_t ns)
{
	const struct lsc_calls *cs = r->o.calls;
	for (; r->next_call < cs->n && cs->v[r->next_call].ns <= ns; r->next_call++)
		lsc_timeline_show_call(r->tl, &cs->v[r->next_call]);
}

void lsc_report_frame(struct lsc_report *r, const struct lsc_frame *f)
{
	int64_t ns = lsc_time_ns(f->ts_sec, f->ts_nsec);
	if (r->frames == 0) {
		r->first_ns = ns;
		r->ts_digits = f->ts_digits;
	}
	r->frames++;
	r->last_ns = ns;
	r->bytes += f->caplen;
	r->wire_bytes += f->len;
	r->damaged += lsc_frame_damaged(f);
	r->noted += f->nnotes != 0;
	r->untracked += !f->has_flow;
	count_linktype(r, f->linktype);
	count_mix(r, f);
	if (!keep_model(r, f))
		r->oom = true;
	if (r->detailed >= r->o.max_frames)
		return;
	r->detailed++;
	r->last_detailed = f->number;
	if (!keep_row(r, f))
		r->oom = true;
	if (r->tl != NULL) {
		timeline_calls(r, ns);
		lsc_timeline_frame(r->tl, f);
	}
	r->observed += f->has_flow && f->flow.call_source == LSC_CALL_OBSERVED;
	r->fmt->frame(r, r->tmp, f);
}

void lsc_report_frames_read(struct lsc_report *r, uint64_t n)
{
	r->frames_read = n;
}

/* ---- assembling ------------------------------------------------------------------- */

static int copy_tmp(FILE *from, FILE *to)
{
	char buf[1 << 16];
	size_t n;
	rewind(from);
	while ((n = fread(buf, 1, sizeof buf, from)) > 0)
		if (fwrite(buf, 1, n, to) != n)
			return -1;
	return ferror(from) ? -1 : 0;
}

int lsc_report_write(struct lsc_report *r, FILE *out, char *errbuf)
{
	if (r->written) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "%s", _("the report was already written"));
		return -1;
	}
	r->written = true;
	if (fflush(r->tmp) != 0 || ferror(r->tmp)) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("writing the frame sections to the temporary file: %s — free "
		         "space in TMPDIR (or /tmp), or show fewer frames with --frames"), strerror(errno));
		return -1;
	}
	if (r->tl != NULL) {
		if (r->detailed == r->frames) /* the calls after the last frame: the last close() */
			timeline_calls(r, INT64_MAX);
		lsc_timeline_free(r->tl); /* writes out what it holds */
		r->tl = NULL;
		if (fflush(r->tl_tmp) != 0 || ferror(r->tl_tmp))
			r->oom = true;
	}
	if (r->oom || lsc_stats_finish(r->stats) != 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "%s", _("out of memory — show fewer frames with --frames"));
		return -1;
	}
	r->fmt->head(r, out);
	if (copy_tmp(r->tmp, out) != 0 && !ferror(out)) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("reading back the temporary file: %s — free space in TMPDIR (or /tmp)"), strerror(errno));
		return -1;
	}
	r->fmt->tail(r, out);
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("writing the report: %s — make room on the output's disk, or "
		         "write it elsewhere with -o"), strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- helpers for the formats ------------------------------------------------------ */

size_t lsc_report_timeline(const struct lsc_report *r, FILE *o, void (*line)(FILE *o, const char *s))
{
	char *buf = NULL;
	size_t cap = 0, longest = 0;
	ssize_t n;
	if (r->tl_tmp == NULL)
		return 0;
	rewind(r->tl_tmp);
	while ((n = getline(&buf, &cap, r->tl_tmp)) > 0) {
		if (buf[n - 1] == '\n')
			buf[n - 1] = '\0';
		if (line != NULL) {
			line(o, buf);
			continue;
		}
		for (size_t i = 0, run = 0; buf[i] != '\0'; i++) {
			run = buf[i] == '`' ? run + 1 : 0;
			longest = run > longest ? run : longest;
		}
	}
	free(buf);
	return longest;
}

const struct lsc_flow_conv *lsc_report_convs(const struct lsc_report *r, uint32_t *n, uint64_t *dropped)
{
	return lsc_stats_rows(r->stats, n, dropped);
}

bool lsc_report_diagram(const struct lsc_report *r, const struct lsc_flow_conv *c,
                        struct lsc_ladder_diagram *d, uint32_t *nrows)
{
	if (c->id >= r->cap_conv_rows || r->conv_rows[c->id].head == 0)
		return false;
	d->c = c;
	d->continued = false; /* a report sees every frame from the first */
	d->rows = r->rows;
	d->head = r->conv_rows[c->id].head;
	*nrows = r->conv_rows[c->id].n;
	return true;
}

uint32_t lsc_report_ndiagrams(const struct lsc_report *r)
{
	uint32_t n, k = 0;
	uint64_t dropped;
	const struct lsc_flow_conv *c = lsc_report_convs(r, &n, &dropped);
	for (uint32_t i = 0; i < n; i++)
		k += c[i].id < r->cap_conv_rows && r->conv_rows[c[i].id].head != 0;
	return k;
}

/* Well-known ports of the protocols a student meets, and the exercise's own. */
static const struct service {
	uint16_t port;
	const char *tcp, *udp;
} services[] = {
	{ 7, "echo", "echo" }, { 9, "discard", "discard" }, { 13, "daytime", "daytime" },
	{ 20, "ftp-data", NULL }, { 21, "ftp", NULL }, { 22, "ssh", NULL }, { 23, "telnet", NULL },
	{ 25, "smtp", NULL }, { 43, "whois", NULL }, { 53, "domain", "domain" },
	{ 67, NULL, "bootps" }, { 68, NULL, "bootpc" }, { 69, NULL, "tftp" }, { 80, "http", NULL },
	{ 88, "kerberos", "kerberos" }, { 110, "pop3", NULL }, { 111, "sunrpc", "sunrpc" },
	{ 119, "nntp", NULL }, { 123, NULL, "ntp" }, { 137, NULL, "netbios-ns" },
	{ 138, NULL, "netbios-dgm" }, { 139, "netbios-ssn", NULL }, { 143, "imap", NULL },
	{ 161, NULL, "snmp" }, { 162, NULL, "snmp-trap" }, { 179, "bgp", NULL }, { 389, "ldap", "ldap" },
	{ 443, "https", "https" }, { 445, "microsoft-ds", NULL }, { 500, NULL, "isakmp" },
	{ 514, "shell", "syslog" }, { 520, NULL, "rip" }, { 546, NULL, "dhcpv6-client" },
	{ 547, NULL, "dhcpv6-server" }, { 554, "rtsp", "rtsp" }, { 587, "submission", NULL },
	{ 636, "ldaps", NULL }, { 853, "domain-s", "domain-s" }, { 993, "imaps", NULL },
	{ 995, "pop3s", NULL }, { 1194, "openvpn", "openvpn" }, { 1812, NULL, "radius" },
	{ 1883, "mqtt", NULL }, { 3306, "mysql", NULL }, { 3389, "ms-wbt-server", NULL },
	{ 4789, NULL, "vxlan" }, { 5060, "sip", "sip" }, { 5353, NULL, "mdns" },
	{ 5432, "postgresql", NULL }, { 6379, "redis", NULL }, { 6633, "openflow", NULL },
	{ 6653, "openflow", NULL }, { 8080, "http-alt", NULL },
	{ 8082, "echo exercise", "echo exercise" }, /* layerscope server's default port */
};

const char *lsc_report_service(unsigned ipproto, uint16_t port)
{
	/* The table is sorted by port: a binary search. */
	size_t lo = 0, hi = sizeof services / sizeof services[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (services[mid].port < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == sizeof services / sizeof services[0] || services[lo].port != port)
		return NULL;
	return ipproto == 6 ? services[lo].tcp : services[lo].udp;
}

const char *lsc_report_conv_service(const struct lsc_flow_conv *c)
{
	const char *s = lsc_report_service(c->ipproto, c->ep[1].port);
	return s != NULL ? s : lsc_report_service(c->ipproto, c->ep[0].port);
}

void lsc_report_addr(struct lsc_strbuf *b, const struct lsc_flow_conv *c, unsigned end)
{
	if (c->family == 6)
		lsc_sb_ipv6(b, c->ep[end].addr);
	else
		lsc_sb_ipv4(b, c->ep[end].addr);
}

/* A time as the text formats show it (clock.h): date, time, zone; local time unless --utc. */
void lsc_report_time(const struct lsc_report *r, struct lsc_strbuf *b, int64_t ns, unsigned digits)
{
	int64_t sec = ns / 1000000000, frac = ns % 1000000000;
	char hms[LSC_CLOCK_W + 1];
	struct lsc_clock c;
	lsc_clock_init(&c, r->o.utc);
	if (frac < 0) {
		frac += 1000000000;
		sec--;
	}
	*lsc_clock_w(&c, hms, sec, (uint32_t)frac, digits) = '\0';
	lsc_sb_printf(b, "%s %s", c.date, hms);
	if (c.zone[0] != '\0')
		lsc_sb_printf(b, " %s", c.zone);
}

void lsc_report_frame_meta(const struct lsc_report *r, struct lsc_strbuf *b, const struct lsc_frame *f)
{
	unsigned d = f->ts_digits == 9 ? 9 : 6;
	int64_t rel = d == 9 ? f->rel_ns : f->rel_ns / 1000;
	int64_t scale = d == 9 ? 1000000000 : 1000000;
	lsc_report_time(r, b, lsc_time_ns(f->ts_sec, f->ts_nsec), d);
	lsc_sb_printf(b, " · +%" PRId64 "%s%0*" PRId64 " s · ", rel / scale, lsc_decimal_point(), (int)d,
	              rel % scale);
	if (f->caplen != f->len)
		lsc_sb_printf(b, _("%" PRIu32 " of %" PRIu32 " bytes captured"), f->caplen, f->len);
	else
		lsc_sb_printf(b, _("%" PRIu32 " bytes"), f->caplen); /* as the text formats' heading */
	lsc_sb_printf(b, " · %s", lsc_linktype_name(f->linktype));
}

void lsc_report_layer_span(struct lsc_strbuf *b, const struct lsc_layer *l)
{
	bool payload = l->proto == LSC_PROTO_PAYLOAD;
	lsc_sb_printf(b, "%s%" PRIu32 " B", payload ? "" : lsc_tr_static("header "), l->hdr_len);
	if (l->cap_len == 0) {
		lsc_sb_printf(b, lsc_tr_static(", none captured · at byte %" PRIu32), l->offset);
		return;
	}
	if (l->cap_len < l->hdr_len)
		lsc_sb_printf(b, lsc_tr_static(", %" PRIu32 " captured"), l->cap_len);
	lsc_sb_printf(b, lsc_tr_static(" · bytes %" PRIu32 "–%" PRIu64), l->offset,
	              (uint64_t)l->offset + l->cap_len - 1);
}

void lsc_report_flow_line(struct lsc_strbuf *b, const struct lsc_frame *f)
{
	struct lsc_ladder_row row;
	if (!lsc_ladder_row_set(&row, f))
		return;
	const char *event = lsc_flow_event_name(f->flow.event);
	lsc_sb_printf(b, "%s · %s", lsc_flow_dir_name(f->flow.dir), event != NULL ? lsc_tr_static(event) : "-");
	if (f->flow.step != 0) {
		lsc_sb_puts(b, " · ");
		lsc_flow_step_label(b, &f->flow);
	}
	if (f->flow.socket_call != LSC_CALL_NONE) {
		lsc_sb_puts(b, " · ");
		lsc_flow_call_label(b, f->flow.socket_call, f->flow.call_source);
	}
	lsc_sb_puts(b, " · ");
	lsc_ladder_label(b, &row);
}

void lsc_report_layer_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const struct lsc_proto_info *pi = lsc_proto_get(l->proto);
	if (pi != NULL && pi->summary != NULL && l->cap_len >= lsc_proto_fixed_len(pi))
		pi->summary(b, f, l);
}

void lsc_report_percent(struct lsc_strbuf *b, uint64_t part, uint64_t whole)
{
	uint64_t permille = whole ? (part * 1000 + whole / 2) / whole : 0;
	lsc_sb_printf(b, "%" PRIu64 ".%" PRIu64, permille / 10, permille % 10);
}

unsigned lsc_report_utf8_len(const unsigned char *s)
{
	unsigned n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	if (s[0] >= 0xf5)
		return 0;
	for (unsigned i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0; /* also stops at the NUL: a sequence cut short */
	/* overlong forms, UTF-16 surrogates, and code points past U+10FFFF */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

void lsc_report_summary(const struct lsc_report *r, lsc_report_row_fn row, FILE *o)
{
	char buf[256];
	struct lsc_strbuf b;
	uint32_t nconv;
	uint64_t dropped;
	lsc_report_convs(r, &nconv, &dropped);
	row(o, _("File"), r->o.source);
	if (r->o.filter != NULL)
		row(o, _("Filter"), r->o.filter);
	lsc_sb_init(&b, buf, sizeof buf);
	for (unsigned i = 0; i < r->nlinktypes; i++)
		lsc_sb_printf(&b, "%s%s", i ? ", " : "", lsc_linktype_name(r->linktypes[i]));
	if (r->more_linktypes)
		lsc_sb_puts(&b, ", …");
	row(o, _("Link type"), r->nlinktypes ? buf : "—");
	if (r->frames != 0) {
		lsc_sb_init(&b, buf, sizeof buf);
		lsc_report_time(r, &b, r->first_ns, r->ts_digits);
		row(o, _("First frame"), buf);
		lsc_sb_init(&b, buf, sizeof buf);
		lsc_report_time(r, &b, r->last_ns, r->ts_digits);
		row(o, _("Last frame"), buf);
		lsc_sb_init(&b, buf, sizeof buf);
		lsc_render_secs(&b, r->last_ns - r->first_ns); /* the locale's decimal separator */
		lsc_sb_puts(&b, " s");
		row(o, _("Time span"), buf);
	}
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_printf(&b, "%" PRIu64, r->frames);
	if (r->o.filter != NULL)
		lsc_sb_printf(&b, _(" matching the filter, of %" PRIu64 " read"), r->frames_read);
	row(o, _("Frames"), buf);
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_printf(&b, _("%" PRIu64 " captured"), r->bytes);
	if (r->wire_bytes != r->bytes)
		lsc_sb_printf(&b, _(", %" PRIu64 " on the wire"), r->wire_bytes);
	row(o, _("Bytes"), buf);
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_printf(&b, _("%" PRIu64 " (%" PRIu32 " listed%s; "), nconv + dropped, nconv,
	              dropped ? _(", the rest counted") : "");
	lsc_sb_printf(&b, P_("%" PRIu64 " frame outside any)", "%" PRIu64 " frames outside any)", r->untracked),
	              r->untracked);
	row(o, _("Conversations"), buf);
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_printf(&b, _("%" PRIu64 " damaged (truncated or malformed), %" PRIu64 " with notes"), r->damaged,
	              r->noted);
	row(o, _("Frames of note"), buf);
	lsc_sb_init(&b, buf, sizeof buf);
	lsc_sb_printf(&b, _("%" PRIu64 " of %" PRIu64 "%s"), r->detailed, r->frames,
	              r->detailed < r->frames ? _(" (raise --frames for more)") : "");
	row(o, _("Frames in detail"), buf);
}

void lsc_report_mix(const struct lsc_report *r, lsc_report_mix_fn fn, FILE *o)
{
	for (unsigned t = 0; t < 4; t++) {
		struct lsc_report_mix_row m = { .layer = t, .first = true };
		for (unsigned p = 0; p < LSC_PROTO_COUNT; p++)
			m.rows += r->mix[t][p].frames != 0;
		m.rows += r->mix_none[t] != 0;
		for (unsigned p = 0; p <= LSC_PROTO_COUNT; p++) {
			bool none = p == LSC_PROTO_COUNT;
			m.frames = none ? r->mix_none[t] : r->mix[t][p].frames;
			if (m.frames == 0)
				continue;
			m.proto = none ? NULL : lsc_proto_get(p);
			m.bytes = none ? 0 : r->mix[t][p].bytes;
			struct lsc_strbuf b;
			lsc_sb_init(&b, m.pct, sizeof m.pct);
			lsc_report_percent(&b, m.frames, r->frames);
			fn(o, &m);
			m.first = false;
		}
	}
}

/* N_(): the formats show them through _(). */
const char *const lsc_report_model_text[4] = {
	N_("One hop on one medium: MAC addresses, and a type field naming what the frame carries."),
	N_("Host to host across routers: IP addresses, the time to live, fragments."),
	N_("Process to process: ports pick the socket; TCP adds sequence numbers, acknowledgements, "
	   "the handshake and the teardown (UDP sends datagrams as they come)."),
	N_("What the programs say: the bytes send() hands to the kernel and recv() returns."),
};

bool lsc_report_model_cell(struct lsc_strbuf *b, const struct lsc_frame *f, unsigned tcpip)
{
	bool any = false;
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_layer *l = &f->layers[i];
		if (lsc_layer_tcpip(f, l) != tcpip || (l->flags & LSC_LF_QUOTED))
			continue;
		lsc_sb_printf(b, "%s%s: ", any ? "; " : "", lsc_proto_get(l->proto)->title);
		lsc_report_layer_span(b, l);
		any = true;
	}
	return any;
}

void lsc_report_model_intro(struct lsc_strbuf *b, const struct lsc_report *r)
{
	lsc_sb_printf(b, _(", %s, shows which of its %" PRIu32 " bytes belong to which layer:"),
	              r->model_app ? _("the first that carries application data") : _("the first of the capture"),
	              r->model->caplen);
}

void lsc_report_conv_intro(struct lsc_strbuf *b, const struct lsc_report *r)
{
	uint32_t n, ntcp = 0;
	uint64_t dropped;
	const struct lsc_flow_conv *c = lsc_report_convs(r, &n, &dropped);
	for (uint32_t i = 0; i < n; i++)
		ntcp += c[i].ipproto == 6;
	lsc_sb_printf(b, P_("%" PRIu64 " conversation: %" PRIu32 " TCP, %" PRIu32 " UDP.",
	                    "%" PRIu64 " conversations: %" PRIu32 " TCP, %" PRIu32 " UDP.", n + dropped),
	              n + dropped, ntcp, n - ntcp);
	lsc_sb_puts(b, _(" The client is the side that sent the first SYN (UDP: the first sender). The history has "
	                 "a letter per event, upper case from the client, lower case from the server "
	                 "(docs/flow.md)."));
}

void lsc_report_ladder_intro(struct lsc_strbuf *b, const struct lsc_report *r)
{
	uint32_t n;
	uint64_t dropped;
	lsc_report_convs(r, &n, &dropped);
	uint32_t drawn = lsc_report_ndiagrams(r);
	lsc_sb_puts(b, _("Time runs down; each arrow is one frame, labelled as tcpdump writes it (flags, relative "
	                 "sequence and acknowledgement numbers, payload length) with the socket call that most "
	                 "likely caused it. "));
	lsc_sb_printf(b, P_("%" PRIu32 " of %" PRIu64 " conversation drawn%s.",
	                    "%" PRIu32 " of %" PRIu64 " conversations drawn%s.", n + dropped), drawn, n + dropped,
	              drawn < n + dropped ? _(": the others have no frame among those shown in detail") : "");
	if (r->o.calls != NULL)
		lsc_sb_printf(b, " %s", _("A call without a question mark was observed: the programs' calls were "
		                          "recorded beside the capture. A call with one (connect()?) is inferred from "
		                          "the wire."));
}

void lsc_report_ladder_rest(struct lsc_strbuf *b, const struct lsc_flow_conv *c, uint32_t nrows)
{
	uint64_t total = c->frames[0] + c->frames[1];
	if (total > nrows)
		lsc_sb_printf(b, P_("%" PRIu64 " later frame of this conversation is past the frames shown in detail "
		                    "and not drawn.",
		                    "%" PRIu64 " later frames of this conversation are past the frames shown in detail "
		                    "and not drawn.", total - nrows), total - nrows);
}

void lsc_report_frames_intro(struct lsc_strbuf *b, const struct lsc_report *r)
{
	lsc_sb_puts(b, _("Each frame as its layers, outermost first: every box holds a header's fields and, inside "
	                 "it, what the header carries; below them, the frame's bytes marked by the layer they belong "
	                 "to."));
	if (r->detailed < r->frames)
		lsc_sb_printf(b, _(" The first %" PRIu64 " of %" PRIu64 " frames are shown (--frames); the summaries "
		                   "above count them all."), r->detailed, r->frames);
}

void lsc_report_timeline_intro(struct lsc_strbuf *b, const struct lsc_report *r)
{
	lsc_sb_printf(b, P_("The socket calls the programs made (recorded beside the capture, %zu call) and the "
	                    "frames on the wire, in time order, as layerscope demo shows them: a call is one "
	                    "line; a frame two, who sent it to whom and its layers. %" PRIu64 " of the frames "
	                    "shown were caused by a call seen here.",
	                    "The socket calls the programs made (recorded beside the capture, %zu calls) and the "
	                    "frames on the wire, in time order, as layerscope demo shows them: a call is one "
	                    "line; a frame two, who sent it to whom and its layers. %" PRIu64 " of the frames "
	                    "shown were caused by a call seen here.", r->o.calls->n),
	              r->o.calls->n, r->observed);
}

/* The first and last frames of one group (handshake, teardown) in a conversation's ladder; false when none. */
static bool group_frames(const struct lsc_ladder_diagram *d, unsigned g, uint64_t *first, uint64_t *last)
{
	*first = *last = 0;
	for (uint32_t i = d->head; i; i = d->rows[i - 1].next)
		if (lsc_ladder_group(&d->rows[i - 1]) == g) {
			*first = *first ? *first : d->rows[i - 1].frame;
			*last = d->rows[i - 1].frame;
		}
	return *first != 0;
}

void lsc_report_story(struct lsc_strbuf *b, const struct lsc_report *r)
{
	char span[32];
	struct lsc_strbuf sb;
	uint32_t n;
	uint64_t dropped;
	const struct lsc_flow_conv *c = lsc_report_convs(r, &n, &dropped);
	lsc_sb_init(&sb, span, sizeof span);
	lsc_render_secs(&sb, r->last_ns - r->first_ns);
	lsc_sb_printf(b, P_("This capture holds %" PRIu64 " frame, over %s s.", "This capture holds %" PRIu64
	                    " frames, over %s s.", r->frames), r->frames, span);
	struct lsc_ladder_diagram d;
	uint32_t nrows;
	uint64_t h1, h2, t1, t2;
	if (n > 0 && lsc_report_diagram(r, &c[0], &d, &nrows)) {
		struct lsc_ladder_names nm;
		lsc_ladder_names(&d, &nm);
		bool tcp = c[0].ipproto == 6;
		if (tcp && c[0].refused && group_frames(&d, LSC_LG_TEARDOWN, &t1, &t2))
			lsc_sb_printf(b, _(" In conversation %u the client %s asks the server %s for a connection "
			                   "(frame %" PRIu64 "); the server's host refuses it with a RST (frame %" PRIu64
			                   "): nothing listens on that port."),
			              (unsigned)c[0].id, nm.client, nm.server, c[0].first_frame, t2);
		else if (tcp && c[0].handshake_rtt_ns >= 0 && group_frames(&d, LSC_LG_HANDSHAKE, &h1, &h2))
			lsc_sb_printf(b, _(" In conversation %u the client %s opens a connection to the server %s with "
			                   "the three-way handshake (frames %" PRIu64 "–%" PRIu64 "): SYN, SYN-ACK, ACK."),
			              (unsigned)c[0].id, nm.client, nm.server, h1, h2);
		else
			lsc_sb_printf(b, _(" In conversation %u the client is %s and the server %s."), (unsigned)c[0].id,
			              nm.client, nm.server);
		if (c[0].bytes[0] + c[0].bytes[1] != 0) {
			lsc_sb_printf(b, _(" The client sends %" PRIu64 " bytes of data and the server %" PRIu64 " back"),
			              c[0].bytes[0], c[0].bytes[1]);
			if (tcp && group_frames(&d, LSC_LG_TEARDOWN, &t1, &t2) && t1 != t2)
				lsc_sb_printf(b, _("; then the connection closes (frames %" PRIu64 "–%" PRIu64 ")."), t1,
				              t2);
			else
				lsc_sb_puts(b, ".");
		}
	}
	uint64_t arp = r->mix[LSC_TCPIP_NETWORK][LSC_PROTO_ARP].frames;
	if (arp != 0)
		lsc_sb_printf(b, P_(" %" PRIu64 " frame is ARP: a host asks for the Ethernet address that goes with an "
		                    "IP address before the first IP packet can leave.",
		                    " %" PRIu64 " frames are ARP: a host asks for the Ethernet address that goes with "
		                    "an IP address before the first IP packet can leave.", arp), arp);
	uint64_t app = r->mix[LSC_TCPIP_APPLICATION][LSC_PROTO_PAYLOAD].frames;
	uint64_t app_bytes = r->mix[LSC_TCPIP_APPLICATION][LSC_PROTO_PAYLOAD].bytes;
	if (app == 0)
		lsc_sb_puts(b, _(" No frame carries the programs' own bytes: every one is headers alone."));
	else if (app == r->frames)
		lsc_sb_printf(b, P_(" The frame carries the programs' own bytes (%" PRIu64 " bytes): no frame is "
		                    "headers alone.",
		                    " Every frame carries the programs' own bytes (%" PRIu64 " bytes in all): no "
		                    "handshake, no acknowledgement, no teardown.", app), app_bytes);
	else
		lsc_sb_printf(b, P_(" Only %" PRIu64 " of the %" PRIu64 " frames carries the programs' own bytes "
		                    "(%" PRIu64 " bytes); the others carry headers alone: handshakes, "
		                    "acknowledgements, teardowns.",
		                    " Only %" PRIu64 " of the %" PRIu64 " frames carry the programs' own bytes "
		                    "(%" PRIu64 " bytes in all); the others carry headers alone: handshakes, "
		                    "acknowledgements, teardowns.", app),
		              app, r->frames, app_bytes);
	if (r->o.calls != NULL)
		lsc_sb_printf(b, P_(" The programs' socket calls were recorded beside the capture: %" PRIu64 " frame "
		                    "is marked with the call that caused it.",
		                    " The programs' socket calls were recorded beside the capture: %" PRIu64 " frames "
		                    "are marked, each with the call that caused it.", r->observed), r->observed);
}

struct explain_list {
	FILE *o;
	const char *open, *item, *item_end;
	void (*esc)(FILE *o, const char *s);
	unsigned n;
};

static void explain_item(void *ctx, unsigned id, const char *text)
{
	struct explain_list *x = ctx;
	(void)id;
	if (x->n++ == 0)
		fputs(x->open, x->o);
	fputs(x->item, x->o);
	x->esc(x->o, text);
	fputs(x->item_end, x->o);
}

void lsc_report_explain(FILE *o, struct lsc_explainer *e, const struct lsc_frame *f, const char *open,
                        const char *item, const char *item_end, const char *close,
                        void (*esc)(FILE *o, const char *s))
{
	struct explain_list x = { o, open, item, item_end, esc, 0 };
	if (lsc_teach_frame(e, f, explain_item, &x) != 0)
		fputs(close, o);
}
