/* SPDX-License-Identifier: BSD-3-Clause */
/* compressed.c: gzip (RFC 1952) and zstd (RFC 8878) captures, inflated into a stream libpcap reads. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#include <zstd.h>

#include "capture-int.h"

/*
 * The kind is told by the magic bytes, as Wireshark does, never by the file
 * name: a capture piped through gzip has no name, and a renamed file keeps
 * its bytes.  A gzip file may hold several members and a zstd file several
 * frames one after the other (cat a.gz b.gz): both are read to the end.
 */
#define IN_SIZE (128 * 1024)

enum kind { GZIP, ZSTD };

struct lsc_decomp {
	FILE *under;            /* the compressed bytes after `head` */
	bool close_under;       /* a file we opened, not stdin */
	enum kind kind;
	unsigned char *in;      /* compressed bytes not yet inflated */
	size_t in_len, in_pos;
	bool under_eof;
	bool in_member;         /* inside a gzip member or zstd frame not yet finished */
	bool done;              /* the end, cleanly */
	z_stream z;
	ZSTD_DStream *zs;
	char err[200];          /* why reading stopped, for lsc_decomp_error() */
};

const char *lsc_decomp_kind(const unsigned char *head, size_t n)
{
	if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b)
		return "gzip";
	if (n >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd)
		return "zstd";
	return NULL;
}

const char *lsc_decomp_error(const struct lsc_decomp *d)
{
	return d != NULL && d->err[0] != '\0' ? d->err : NULL;
}

/* More compressed bytes into d->in; false at the end of the file or on an error (d->err says). */
static bool refill(struct lsc_decomp *d)
{
	if (d->under_eof)
		return false;
	d->in_len = fread(d->in, 1, IN_SIZE, d->under);
	d->in_pos = 0;
	if (d->in_len == 0) {
		if (ferror(d->under))
			snprintf(d->err, sizeof d->err, _("reading the %s data: %s"),
			         d->kind == GZIP ? "gzip" : "zstd", strerror(errno));
		d->under_eof = true;
		return false;
	}
	return true;
}

static void cut_short(struct lsc_decomp *d)
{
	snprintf(d->err, sizeof d->err,
	         _("the %s data ends before its end mark: the compressed file was cut short "
	         "(an interrupted copy or download)"), d->kind == GZIP ? "gzip" : "zstd");
}

/* Inflates up to n bytes; 0 at the clean end, -1 with d->err set on a corrupt or cut stream. */
static ssize_t gz_read(struct lsc_decomp *d, unsigned char *out, size_t n)
{
	d->z.next_out = out;
	d->z.avail_out = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
	while (d->z.avail_out > 0) {
		if (d->in_pos == d->in_len && !refill(d)) {
			if (d->err[0] != '\0')
				return -1;
			if (!d->in_member) {
				d->done = true;
				break;
			}
			/* What zlib still holds may fill `out`; then the member must have ended. */
			uInt before = d->z.avail_out;
			d->z.next_in = d->in;
			d->z.avail_in = 0;
			int rc = inflate(&d->z, Z_NO_FLUSH);
			if (rc == Z_STREAM_END) {
				d->in_member = false;
				continue;
			}
			if (d->z.avail_out < before)
				continue;
			cut_short(d);
			return d->z.avail_out < n ? (ssize_t)(n - d->z.avail_out) : -1;
		}
		if (!d->in_member) {
			/* Another member follows; anything else after a member is not gzip. */
			if (d->in[d->in_pos] != 0x1f) {
				snprintf(d->err, sizeof d->err,
				         _("bytes that are not gzip follow the compressed data (a file "
				         "glued to its end?)"));
				return -1;
			}
			inflateReset(&d->z);
			d->in_member = true;
		}
		d->z.next_in = d->in + d->in_pos;
		d->z.avail_in = (uInt)(d->in_len - d->in_pos);
		int rc = inflate(&d->z, Z_NO_FLUSH);
		d->in_pos = d->in_len - d->z.avail_in;
		if (rc == Z_STREAM_END) {
			d->in_member = false;
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			snprintf(d->err, sizeof d->err, _("the gzip data is corrupt (zlib: %s)"),
			         d->z.msg != NULL ? d->z.msg : zError(rc));
			return -1;
		}
	}
	return (ssize_t)(n - d->z.avail_out);
}

static ssize_t zstd_read(struct lsc_decomp *d, unsigned char *out, size_t n)
{
	ZSTD_outBuffer ob = { out, n, 0 };
	while (ob.pos < ob.size) {
		if (d->in_pos == d->in_len && !refill(d)) {
			if (d->err[0] != '\0')
				return -1;
			if (d->in_member) {
				/* What is buffered inside the decoder may still fill `out`. */
				ZSTD_inBuffer none = { d->in, 0, 0 };
				size_t before = ob.pos;
				size_t rc = ZSTD_decompressStream(d->zs, &ob, &none);
				if (!ZSTD_isError(rc) && ob.pos > before)
					continue;
				cut_short(d);
				return ob.pos > 0 ? (ssize_t)ob.pos : -1;
			}
			d->done = true;
			break;
		}
		ZSTD_inBuffer ib = { d->in, d->in_len, d->in_pos };
		size_t rc = ZSTD_decompressStream(d->zs, &ob, &ib);
		d->in_pos = ib.pos;
		if (ZSTD_isError(rc)) {
			snprintf(d->err, sizeof d->err, _("the zstd data is corrupt (libzstd: %s)"),
			         ZSTD_getErrorName(rc));
			return -1;
		}
		d->in_member = rc != 0; /* 0: a frame ended here */
	}
	return (ssize_t)ob.pos;
}

static ssize_t decomp_read(void *cookie, char *out, size_t n)
{
	struct lsc_decomp *d = cookie;
	if (d->err[0] != '\0') {
		errno = EIO;
		return -1;
	}
	if (d->done)
		return 0;
	ssize_t k = d->kind == GZIP ? gz_read(d, (unsigned char *)out, n)
	                            : zstd_read(d, (unsigned char *)out, n);
	if (k < 0)
		errno = EIO;
	return k;
}

static void decomp_free(struct lsc_decomp *d)
{
	if (d->kind == GZIP)
		inflateEnd(&d->z);
	else
		ZSTD_freeDStream(d->zs);
	free(d->in);
	free(d);
}

static int decomp_close(void *cookie)
{
	struct lsc_decomp *d = cookie;
	int rc = d->close_under ? fclose(d->under) : 0;
	decomp_free(d);
	return rc;
}

FILE *lsc_decomp_open(FILE *under, bool close_under, const unsigned char *head, size_t n,
                      struct lsc_decomp **out, char *errbuf)
{
	const char *kind = lsc_decomp_kind(head, n);
	struct lsc_decomp *d = calloc(1, sizeof *d);
	if (d == NULL || kind == NULL || (d->in = malloc(IN_SIZE)) == NULL || n > IN_SIZE) {
		free(d != NULL ? d->in : NULL);
		free(d);
		snprintf(errbuf, LSC_DECOMP_ERRSIZE, _("out of memory"));
		return NULL;
	}
	d->kind = strcmp(kind, "gzip") == 0 ? GZIP : ZSTD;
	if (d->kind == GZIP) {
		/* 16 + 15: a gzip header and trailer around a 32 KiB window */
		if (inflateInit2(&d->z, 16 + MAX_WBITS) != Z_OK) {
			free(d->in);
			free(d);
			snprintf(errbuf, LSC_DECOMP_ERRSIZE, _("zlib cannot start: out of memory"));
			return NULL;
		}
	} else if ((d->zs = ZSTD_createDStream()) == NULL || ZSTD_isError(ZSTD_initDStream(d->zs))) {
		ZSTD_freeDStream(d->zs);
		free(d->in);
		free(d);
		snprintf(errbuf, LSC_DECOMP_ERRSIZE, _("libzstd cannot start: out of memory"));
		return NULL;
	}
	d->under = under;
	d->close_under = close_under;
	memcpy(d->in, head, n); /* the bytes already read to see the magic */
	d->in_len = n;
	d->in_member = false;
	cookie_io_functions_t io = { decomp_read, NULL, NULL, decomp_close };
	FILE *fp = fopencookie(d, "rb", io);
	if (fp == NULL) {
		snprintf(errbuf, LSC_DECOMP_ERRSIZE, "%s", strerror(errno));
		decomp_free(d);
		return NULL;
	}
	*out = d;
	return fp;
}
