/* SPDX-License-Identifier: BSD-3-Clause */
/* replay.c: the demo without capturing: the bundled capture and the socket calls recorded beside it. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <layerscope/frame.h>

#include "demo-int.h"
#include "src/demo/paths.h" /* generated: where make install puts the captures */

const char *lsc_demo_captures_dir(void)
{
	static char dir[PATH_MAX];
	char path[PATH_MAX + 32];
	struct stat st;
	const char *env = getenv("LAYERSCOPE_CAPTURES");
	if (env != NULL && *env != '\0')
		return env;
	/* A build tree: the binary sits at the top of the source tree, beside captures/,
	 * or at the top of a build folder of its own, whose source tree has them. */
	ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
	if (n > 0) {
		dir[n] = '\0';
		char *slash = strrchr(dir, '/');
		if (slash != NULL) {
			*slash = '\0';
			bool build_tree = strcmp(dir, LSC_BUILD_DIR) == 0;
			strcpy(slash, "/captures");
			snprintf(path, sizeof path, "%s/exercise.pcap", dir);
			if (stat(path, &st) == 0)
				return dir;
			snprintf(path, sizeof path, "%s/exercise.pcap", LSC_SRC_CAPTURES_DIR);
			if (build_tree && stat(path, &st) == 0)
				return LSC_SRC_CAPTURES_DIR;
		}
	}
	return LSC_CAPTURES_DIR;
}

/* The recorded calls (calls.h), if the capture has them beside it; their absence only makes the timeline poorer. */
static int load_calls(struct demo_queue *q, const char *path, FILE *log)
{
	char err[LSC_ERRBUF_SIZE];
	struct lsc_calls *cs = lsc_calls_load(path, err);
	if (cs == NULL) {
		fprintf(log, _("layerscope demo: %s: %s: the frames are shown without the socket calls\n"), path,
		        strerror(errno));
		return 0;
	}
	for (size_t i = 0; i < cs->n; i++) {
		struct demo_item *it = calloc(1, sizeof *it);
		if (it != NULL) {
			it->ns = cs->v[i].ns;
			it->call = cs->v[i];
		}
		if (it == NULL || demo_queue_push(q, it) != 0) {
			lsc_calls_free(cs);
			return -1;
		}
	}
	lsc_calls_free(cs);
	return 0;
}

static int load_frames(struct demo_queue *q, const char *path, char *err)
{
	struct lsc_frame *f = calloc(1, sizeof *f);
	struct lsc_source *src = f != NULL ? lsc_source_open_file(path, err) : NULL;
	int rc = -1;
	if (src == NULL)
		goto out;
	while ((rc = lsc_source_next(src, f, err)) > 0) {
		struct demo_item *it = demo_item_frame(f);
		if (it == NULL || demo_queue_push(q, it) != 0) {
			snprintf(err, LSC_ERRBUF_SIZE, _("out of memory reading %.400s"), path);
			rc = -1;
			break;
		}
	}
out:
	if (f == NULL)
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory"));
	if (src != NULL)
		lsc_source_close(src);
	free(f);
	return rc;
}

/* Whether `to` is `in`'s file by any name: opening it to write would empty it before it is read. */
static bool same_file(FILE *in, const char *to)
{
	struct stat si, st;
	return fstat(fileno(in), &si) == 0 && stat(to, &st) == 0 && si.st_dev == st.st_dev &&
	       si.st_ino == st.st_ino;
}

static bool same_path(const char *a, const char *b)
{
	FILE *in = fopen(a, "rbe");
	bool same = in != NULL && same_file(in, b);
	if (in != NULL)
		fclose(in);
	return same;
}

/* -w FILE: the same bytes as the bundled capture, so `read FILE` shows what was shown. */
static int copy_file(const char *from, const char *to, char *err)
{
	char buf[65536];
	size_t n;
	FILE *in = fopen(from, "rbe"), *out = NULL;
	int rc = 0;
	if (in != NULL && same_file(in, to)) {
		fclose(in);
		return 0; /* -w names the bundled capture itself: it holds those bytes already */
	}
	if (in != NULL)
		out = fopen(to, "wbe");
	if (in == NULL || out == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("copying %.200s to %.200s: %s — choose a writable -w FILE"),
		         from, to, strerror(errno));
		if (in != NULL)
			fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (ferror(in))
		rc = -1;
	if (fclose(out) != 0)
		rc = -1;
	fclose(in);
	if (rc != 0)
		snprintf(err, LSC_ERRBUF_SIZE, _("writing %s: %s — check the disk, or choose another -w FILE"),
		         to, strerror(errno));
	return rc;
}

/* The whole recording at once, then nothing more. */
static size_t take_all(void *ctx, struct demo_item ***items)
{
	return demo_queue_take(ctx, INT64_MAX, items);
}

int demo_replay(const struct lsc_demo_opts *o, const char *why, char *err)
{
	const char *name = o->udp ? "udp-echo" : "exercise";
	char pcap[PATH_MAX], calls[PATH_MAX];
	struct demo_queue *q = demo_queue_new();
	struct demo_show *s = NULL;
	int rc = -1;

	fprintf(o->log, "layerscope demo: %s\n", why);
	snprintf(pcap, sizeof pcap, "%s/%s.pcap", o->captures, name);
	snprintf(calls, sizeof calls, "%s/%s.calls", o->captures, name);
	if (q == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory"));
		return -1;
	}
	if (load_frames(q, pcap, err) != 0) {
		char cause[LSC_ERRBUF_SIZE];
		snprintf(cause, sizeof cause, "%s", err);
		snprintf(err, LSC_ERRBUF_SIZE, _("the bundled capture: %.300s — set LAYERSCOPE_CAPTURES to "
		         "the captures/ folder of the source tree"), cause);
		goto out;
	}
	if (load_calls(q, calls, o->log) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory reading %.400s"), calls);
		goto out;
	}
	fprintf(o->log, _("layerscope demo: replaying %s (recorded by captures/record.sh between two "
	        "network namespaces, client %s, server %s)\n"), pcap, DEMO_CLIENT_ADDR, DEMO_SERVER_ADDR);
	if ((s = demo_show_new(o, err)) == NULL)
		goto out;
	if (o->write != NULL && !same_path(pcap, o->write)) {
		FILE *calls_out = demo_calls_open(o->write, err);
		if (calls_out == NULL)
			goto out;
		demo_show_calls_to(s, calls_out);
	}
	demo_show_intro(s, 3, o->udp, false, 8082); /* the bundled captures: three clients, port 8082 */
	if (demo_show_run(s, o, take_all, q, err) != 0 || demo_show_finish(s, err) < 0)
		goto out;
	if (o->write != NULL && copy_file(pcap, o->write, err) != 0)
		goto out;
	if (o->write != NULL)
		fprintf(o->log, _("layerscope demo: the capture shown is in %s — replay it with: layerscope read %s\n"),
		        o->write, o->write);
	if (o->write != NULL && !same_path(pcap, o->write))
		demo_calls_said(o->log, o->write);
	rc = 0;
out:
	demo_show_free(s);
	demo_queue_free(q);
	return rc;
}
