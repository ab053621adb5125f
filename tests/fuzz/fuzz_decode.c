/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_decode.c: libFuzzer target: any bytes as a frame of a supported link type, decoded, summarized, rendered by every renderer. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include <layerscope/decode.h>
#include <layerscope/render.h>
#include <layerscope/strbuf.h>

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The link types decode.c has a first decoder for (101 is LINKTYPE_RAW as a file holds it). */
static const int linktypes[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP, DLT_RAW, 101,
#ifdef DLT_IPV4
	DLT_IPV4,
#endif
#ifdef DLT_IPV6
	DLT_IPV6,
#endif
};
#define NLINKTYPES (sizeof linktypes / sizeof linktypes[0])

#define MAX_RENDERERS 16
static const struct lsc_renderer *renderers[MAX_RENDERERS];
static size_t nrenderers;

/* Every renderer the library has, from its list of names ("json, line, tree"). */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char names[256];
	(void)argc;
	(void)argv;
	snprintf(names, sizeof names, "%s", lsc_renderer_names());
	for (char *save = NULL, *n = strtok_r(names, ", ", &save); n != NULL && nrenderers < MAX_RENDERERS;
	     n = strtok_r(NULL, ", ", &save)) {
		const struct lsc_renderer *r = lsc_renderer_find(n);
		if (r != NULL)
			renderers[nrenderers++] = r;
	}
	return 0;
}

/* The first two bytes name the link type: a DLT value as is, anything else an index. */
static int pick_linktype(const uint8_t *data)
{
	unsigned v = (unsigned)data[0] << 8 | data[1];
	for (size_t i = 0; i < NLINKTYPES; i++)
		if ((unsigned)linktypes[i] == v)
			return linktypes[i];
	return linktypes[v % NLINKTYPES];
}

/* Renders into a memory stream: the output is thrown away, the renderer's reads are checked. */
static void render(const struct lsc_renderer *r, const struct lsc_frame *f, int color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (out == NULL)
		return;
	struct lsc_render_opts o = { 0 };
	o.color = color;
	o.source = "fuzz";
	void *st = r->begin(out, &o);
	if (st != NULL) {
		r->frame(st, f);
		(void)r->end(st);
	}
	fclose(out);
	free(buf);
}

/* Every layer's one-line summary, as the line and tree formats call them. */
static void summarize(const struct lsc_frame *f)
{
	char buf[256];
	struct lsc_strbuf b;
	for (unsigned i = 0; i < f->nlayers; i++) {
		const struct lsc_proto_info *pi = lsc_proto_get(f->layers[i].proto);
		lsc_sb_init(&b, buf, sizeof buf);
		if (pi != NULL && pi->summary != NULL)
			pi->summary(&b, f, &f->layers[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lsc_frame f;
	if (size < 2)
		return 0;
	memset(&f, 0, sizeof f);
	f.number = 1;
	f.ts_sec = 1700000000;
	f.ts_nsec = 123456000;
	f.ts_digits = 6;
	f.linktype = pick_linktype(data);
	f.data = data + 2; /* libFuzzer's copy ends exactly here: ASan sees any read past it */
	f.caplen = (uint32_t)(size - 2);
	f.len = f.caplen + (data[1] & 1 ? 100 : 0); /* sometimes a snaplen-cut frame */
	lsc_decode_frame(&f);
	summarize(&f);
	for (size_t i = 0; i < nrenderers; i++)
		render(renderers[i], &f, (int)(data[0] & 1));
	return 0;
}
