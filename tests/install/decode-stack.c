/* SPDX-License-Identifier: BSD-3-Clause */
/* decode-stack.c: a program that only decodes, built against the installed liblayerscope by install.sh. */
/*
 * Usage: decode-stack FILE [FILTER]
 * Prints each frame's layers by their JSON names ("eth ipv4 tcp payload"),
 * one line a frame, so install.sh can compare them with `read -f json`; exit
 * 1 on an error.  It includes only installed headers and builds with nothing but
 * `pkg-config --cflags --libs layerscope`.
 */
#include <stdio.h>
#include <string.h>

#include <layerscope/decode.h>
#include <layerscope/frame.h>
#include <layerscope/source.h>
#include <layerscope/version.h>

int main(int argc, char **argv)
{
	char err[LSC_ERRBUF_SIZE];
	static struct lsc_frame f;
	int rc;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: decode-stack FILE [FILTER]\n");
		return 2;
	}
	/* The library at run time is the one these headers describe. */
	if (strcmp(lsc_version(), LSC_VERSION_STRING) != 0) {
		fprintf(stderr, "decode-stack: library %s, headers %s\n", lsc_version(), LSC_VERSION_STRING);
		return 1;
	}
	struct lsc_source *src = lsc_source_open_file(argv[1], err);
	if (src == NULL) {
		fprintf(stderr, "decode-stack: %s\n", err);
		return 1;
	}
	if (argc == 3 && lsc_source_set_filter(src, argv[2], err) != 0) {
		fprintf(stderr, "decode-stack: %s\n", err);
		lsc_source_close(src);
		return 1;
	}
	while ((rc = lsc_source_next(src, &f, err)) > 0) {
		lsc_decode_frame(&f);
		for (unsigned i = 0; i < f.nlayers; i++) {
			const struct lsc_proto_info *p = lsc_proto_get(f.layers[i].proto);
			printf("%s%s", i ? " " : "", p != NULL ? p->key : "?");
		}
		putchar('\n');
	}
	if (rc < 0)
		fprintf(stderr, "decode-stack: %s\n", err);
	lsc_source_close(src);
	return rc < 0 ? 1 : 0;
}
