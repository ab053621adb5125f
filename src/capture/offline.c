/* SPDX-License-Identifier: BSD-3-Clause */
/* offline.c: opening pcap and pcapng files (or stdin), and learning their timestamp precision. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/i18n.h"
#include "capture-int.h"

/*
 * libpcap converts every timestamp to the precision the caller asks for but
 * does not say what the file records.  We peek at the file's first bytes
 * (the pcap magic, or the pcapng interface block's if_tsresol) and then hand
 * libpcap a stream that replays those bytes before the rest, so stdin works
 * as well as a file.
 */
#define PEEK_MAX 4096
#define PCAPNG_SHB_MIN 28 /* a section header block without options */
#define IOBUF_SIZE (256 * 1024)

struct replay {
	FILE *under;
	bool close_under;       /* a stream we opened, not stdin */
	unsigned char buf[PEEK_MAX];
	size_t len, pos;
};

static ssize_t replay_read(void *cookie, char *out, size_t n)
{
	struct replay *r = cookie;
	if (r->pos < r->len) {
		size_t k = r->len - r->pos < n ? r->len - r->pos : n;
		memcpy(out, r->buf + r->pos, k);
		r->pos += k;
		return (ssize_t)k;
	}
	size_t k = fread(out, 1, n, r->under);
	if (k == 0 && ferror(r->under))
		return -1;
	return (ssize_t)k;
}

static int replay_close(void *cookie)
{
	struct replay *r = cookie;
	int rc = r->close_under ? fclose(r->under) : 0;
	free(r);
	return rc;
}

static uint32_t rd32(const unsigned char *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
	          : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t rd16(const unsigned char *p, bool be)
{
	return (uint16_t)(be ? p[0] << 8 | p[1] : p[1] << 8 | p[0]);
}

/* if_tsresol of the first interface block: 6 unless it says finer than 1 us. */
static int pcapng_digits(const unsigned char *b, size_t n)
{
	if (n < 12)
		return 6;
	bool be = rd32(b + 8, true) == 0x1a2b3c4du;
	size_t off = 0;
	while (off + 12 <= n) {
		uint32_t type = rd32(b + off, be), blen = rd32(b + off + 4, be);
		if (blen < 12 || blen > n - off)
			return 6;
		if (type == 1 && blen >= 20) { /* interface description block */
			size_t o = off + 16, end = off + blen - 4;
			while (o + 4 <= end) {
				uint16_t code = rd16(b + o, be), olen = rd16(b + o + 2, be);
				if (code == 0 || o + 4 + olen > end)
					break;
				if (code == 9 && olen >= 1) {
					unsigned v = b[o + 4];
					unsigned digits = v & 0x80 ? ((v & 0x7f) * 3 + 9) / 10 : v;
					return digits > 6 ? 9 : 6;
				}
				o += 4 + ((olen + 3u) & ~3u);
			}
			return 6;
		}
		off += blen;
	}
	return 6;
}

static int file_digits(const unsigned char *b, size_t n)
{
	if (n < 4)
		return 6;
	uint32_t magic = rd32(b, true);
	if (magic == 0xa1b23c4du || magic == 0x4d3cb2a1u)
		return 9;
	if (magic == 0x0a0d0d0au)
		return pcapng_digits(b, n);
	return 6;
}

/* The system's refusal to open or read FILE, with what to do about it. */
static void file_error(char *errbuf, const char *path, int e)
{
	if (strcmp(path, "-") == 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("standard input: %s — give it a capture, or name a file"),
		         strerror(e));
		return;
	}
	const char *fix = e == ENOENT ? _("check the path; bundled captures are in captures/")
	                : e == EACCES || e == EPERM ? _("read it as a user allowed to (sudo), or let this "
	                                                "one read it (chmod, chown)")
	                : e == EISDIR ? _("name a .pcap or .pcapng file inside it")
	                : _("check the file and the path to it");
	snprintf(errbuf, LSC_ERRBUF_SIZE, "%s: %s — %s", path, strerror(e), fix);
}

/* Nothing to read: an empty file (live -w makes one), or an empty stream or device. */
static void empty_error(char *errbuf, const char *path, FILE *under, const char *packed)
{
	struct stat st;
	if (packed != NULL)
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("%s: the %s data inflates to nothing, not a capture — "
		         "compress a pcap or pcapng file"), strcmp(path, "-") == 0 ? "stdin" : path, packed);
	else if (strcmp(path, "-") == 0)
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("standard input is empty, not a capture — pipe one in "
		         "(tcpdump -w - ... | layerscope read -), or name a file"));
	else if (fstat(fileno(under), &st) == 0 && S_ISREG(st.st_mode))
		snprintf(errbuf, LSC_ERRBUF_SIZE,
		         _("%s: the file is empty, not a capture — record one with 'layerscope live -w %s'"),
		         path, path);
	else
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("%s: gave no bytes, not a capture — name a pcap or "
		         "pcapng file"), path);
}

/* Turns libpcap's open error into one that names the file, the cause and a fix. */
static void open_error(char *errbuf, const char *path, const char *pcaperr)
{
	if (strstr(pcaperr, "unknown file format") != NULL)
		snprintf(errbuf, LSC_ERRBUF_SIZE,
		         _("%s: not a pcap or pcapng capture (%s) — check the file name, or convert it with editcap"),
		         path, pcaperr);
	else if (strstr(pcaperr, "version") != NULL || strstr(pcaperr, "archaic") != NULL)
		snprintf(errbuf, LSC_ERRBUF_SIZE,
		         _("%s: a capture format version libpcap cannot read (%s) — rewrite it with "
		         "'editcap -F pcap %s OUT.pcap'"), path, pcaperr, path);
	else if (strstr(pcaperr, "truncated") != NULL)
		snprintf(errbuf, LSC_ERRBUF_SIZE,
		         _("%s: the file is cut short inside its header (%s), so it holds no frames — copy or "
		         "record it again"), path, pcaperr);
	else
		snprintf(errbuf, LSC_ERRBUF_SIZE,
		         _("%s: libpcap refuses the capture: %s — a corrupt file or a variant libpcap does not "
		         "read; check it with 'capinfos %s'"), path, pcaperr, path);
}

struct lsc_source *lsc_source_open_file(const char *path, char *errbuf)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *under = is_stdin ? stdin : fopen(path, "rb");
	if (under == NULL) {
		file_error(errbuf, path, errno);
		return NULL;
	}
	struct replay *r = calloc(1, sizeof *r);
	if (r == NULL) {
		if (!is_stdin)
			fclose(under);
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("%s: out of memory"), path);
		return NULL;
	}
	/*
	 * One read() per 256 KiB instead of per 4 KiB; set before the first read,
	 * as C requires.  glibc ignores the size unless it is given the buffer.
	 */
	char *iobuf = is_stdin ? NULL : malloc(IOBUF_SIZE);
	if (iobuf != NULL)
		setvbuf(under, iobuf, _IOFBF, IOBUF_SIZE);
	r->under = under;
	r->close_under = !is_stdin;
	r->len = fread(r->buf, 1, sizeof r->buf, under);
	if (r->len == 0 && ferror(under)) {
		file_error(errbuf, path, errno);
		replay_close(r);
		free(iobuf);
		return NULL;
	}
	/* A compressed capture: the peek and libpcap read the inflated bytes. */
	const char *packed = lsc_decomp_kind(r->buf, r->len);
	struct lsc_decomp *dec = NULL;
	if (packed != NULL) {
		char derr[LSC_DECOMP_ERRSIZE];
		FILE *inflated = lsc_decomp_open(under, !is_stdin, r->buf, r->len, &dec, derr);
		if (inflated == NULL) {
			snprintf(errbuf, LSC_ERRBUF_SIZE, "%s: %s", path, derr);
			replay_close(r);
			free(iobuf);
			return NULL;
		}
		r->under = inflated;
		r->close_under = true;
		r->len = fread(r->buf, 1, sizeof r->buf, inflated);
		/* The frames before a cut or a corruption are shown, as for a plain file. */
		if (r->len == 0 && lsc_decomp_error(dec) != NULL) {
			snprintf(errbuf, LSC_ERRBUF_SIZE, "%s: %s", is_stdin ? "stdin" : path,
			         lsc_decomp_error(dec));
			replay_close(r);
			free(iobuf);
			return NULL;
		}
	}
	int digits = file_digits(r->buf, r->len);
	size_t peeked = r->len;
	/* Classic pcap, not pcapng: its time fields are unsigned 32-bit. */
	bool pcapng = r->len >= 4 && rd32(r->buf, true) == 0x0a0d0d0au;
	bool pcap_file = r->len >= 4 && !pcapng;

	FILE *fp = NULL;
	if (!is_stdin && packed == NULL && fseek(under, 0, SEEK_SET) == 0) {
		/*
		 * A file that seeks needs no replay: libpcap reads it straight, which
		 * spares a copy of every byte through the cookie stream.
		 */
		free(r);
		fp = under;
	} else {
		cookie_io_functions_t io = { replay_read, NULL, NULL, replay_close };
		fp = fopencookie(r, "rb", io);
		if (fp == NULL) {
			snprintf(errbuf, LSC_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
			replay_close(r);
			free(iobuf);
			return NULL;
		}
	}
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (p == NULL) {
		if (lsc_decomp_error(dec) != NULL)
			snprintf(errbuf, LSC_ERRBUF_SIZE, "%s: %s", is_stdin ? "stdin" : path,
			         lsc_decomp_error(dec));
		else if (peeked == 0)
			empty_error(errbuf, path, under, packed);
		else if (pcapng && peeked < PCAPNG_SHB_MIN)
			/* libpcap needs 12 bytes to know a pcapng and calls fewer an unknown format. */
			snprintf(errbuf, LSC_ERRBUF_SIZE, _("%s: a pcapng file cut short inside its first block "
			         "(%zu bytes; a section header block takes %d or more) — copy or record it again"),
			         is_stdin ? "stdin" : path, peeked, PCAPNG_SHB_MIN);
		else
			open_error(errbuf, is_stdin ? "stdin" : path, perr);
		fclose(fp);
		free(iobuf);
		return NULL;
	}
	struct lsc_source *s = lsc_source_wrap(p, is_stdin ? "stdin" : path, false, digits, errbuf);
	if (s == NULL) {
		pcap_close(p);
		free(iobuf);
		return NULL;
	}
	s->ts_unsigned = pcap_file;
	s->decomp = dec;
	if (fp == under)
		s->fast = lsc_pcapfile_open(p, fp);
	s->iobuf = iobuf; /* the stream's buffer: freed after pcap_close() closes the stream */
	return s;
}
