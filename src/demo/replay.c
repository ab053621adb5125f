/* SPDX-License-Identifier: BSD-3-Clause */
/* replay.c: the demo without capturing: the bundled capture and the socket calls recorded beside it. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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

/* "2026-11-25T11:03:06.155023Z" (RFC 3339, UTC, as --explain writes it) to nanoseconds; -1 if not one. */
static int64_t parse_stamp(const char *s)
{
	struct tm tm;
	char frac[10] = "";
	int n = 0;
	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%9[0-9]Z%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec, frac, &n) != 7 || n == 0)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	int64_t ns = 0;
	size_t digits = strlen(frac);
	for (size_t i = 0; i < 9; i++)
		ns = ns * 10 + (i < digits ? frac[i] - '0' : 0);
	return (int64_t)timegm(&tm) * 1000000000LL + ns;
}

/* "10.1.1.5:41994" or "[fd00::5]:41994" into a name for `role`; false when it is neither. */
static bool parse_end(const char *s, struct demo_name *n, const char *role)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	size_t len = colon != NULL ? (size_t)(colon - s) : 0;
	if (len == 0 || len >= sizeof host)
		return false;
	memcpy(host, s, len);
	host[len] = '\0';
	if (host[0] == '[' && host[len - 1] == ']') {
		memmove(host, host + 1, len - 2);
		host[len - 2] = '\0';
	}
	memset(n, 0, sizeof *n);
	n->port = (uint16_t)strtoul(colon + 1, NULL, 10);
	n->family = inet_pton(AF_INET, host, n->addr) == 1 ? 4 : inet_pton(AF_INET6, host, n->addr) == 1 ? 6 : 0;
	snprintf(n->role, sizeof n->role, "%s", role);
	return n->family != 0;
}

/*
 * The recorded clients all speak as "client", one after another: each
 * getaddrinfo() starts the next, "client N", and its connect() names its
 * end, as the live demo's hook does ("connect(3, 10.1.1.1:8082) = 0 from
 * 10.1.1.5:41994", docs/echo.md).
 */
static void number_client(struct demo_item *it, unsigned *clients)
{
	const char *comma = strstr(it->text, ", ");
	if (strcmp(it->role, "server") == 0 && strncmp(it->text, "bind(", 5) == 0 && comma != NULL) {
		/* "bind(3, [::]:8082) = 0": the server's port */
		char addr[80];
		size_t n = strcspn(comma + 2, ")");
		if (n < sizeof addr) {
			memcpy(addr, comma + 2, n);
			addr[n] = '\0';
			if (parse_end(addr, &it->names[0], "server"))
				it->nnames = 1;
		}
		return;
	}
	if (strcmp(it->role, "client") != 0)
		return;
	if (strncmp(it->text, "getaddrinfo(", 12) == 0)
		++*clients;
	snprintf(it->role, sizeof it->role, "client %u", *clients ? *clients : 1);
	const char *from = strstr(it->text, " from ");
	if (strncmp(it->text, "connect(", 8) != 0 || from == NULL)
		return;
	struct demo_name *n = &it->names[0];
	if (!parse_end(from + 6, n, it->role))
		return;
	it->nnames = 1;
	const char *to = strchr(it->text, ' ');
	const char *end = to != NULL ? strchr(to, ')') : NULL;
	char target[80];
	if (end == NULL || (size_t)(end - to - 1) >= sizeof target)
		return;
	memcpy(target, to + 1, (size_t)(end - to - 1));
	target[end - to - 1] = '\0';
	it->names[1] = *n;
	it->names[1].host = true;
	snprintf(it->names[1].role, sizeof it->names[1].role, "client host");
	if (parse_end(target, &it->names[2], "server host")) {
		it->names[2].host = true;
		it->nnames = 3;
	} else {
		it->nnames = 2;
	}
}

/* One line "TIME ROLE CALL..." of --explain text; ROLE is one word ("server", "client"). */
static struct demo_item *call_item(char *line)
{
	char *sp1 = strchr(line, ' ');
	char *sp2 = sp1 != NULL ? strchr(sp1 + 1, ' ') : NULL;
	if (sp2 == NULL)
		return NULL;
	*sp1 = *sp2 = '\0';
	int64_t ns = parse_stamp(line);
	if (ns < 0)
		return NULL;
	struct demo_item *it = calloc(1, sizeof *it);
	if (it == NULL)
		return NULL;
	it->ns = ns;
	snprintf(it->role, sizeof it->role, "%s", sp1 + 1);
	line = sp2 + 1;
	line[strcspn(line, "\n")] = '\0';
	snprintf(it->text, sizeof it->text, "%s", line);
	return it;
}

/* The recorded calls, if the capture has them beside it; their absence only makes the timeline poorer. */
static int load_calls(struct demo_queue *q, const char *path, FILE *log)
{
	char line[1024];
	unsigned clients = 0;
	FILE *fp = fopen(path, "re");
	if (fp == NULL) {
		fprintf(log, _("layerscope demo: %s: %s: the frames are shown without the socket calls\n"), path,
		        strerror(errno));
		return 0;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		struct demo_item *it = call_item(line);
		if (it != NULL)
			number_client(it, &clients);
		if (it != NULL && demo_queue_push(q, it) != 0) {
			fclose(fp);
			return -1;
		}
	}
	fclose(fp);
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
	demo_show_intro(s, 3, o->udp, false, 8082); /* the bundled captures: three clients, port 8082 */
	if (demo_show_run(s, o, take_all, q, err) != 0 || demo_show_finish(s, err) < 0)
		goto out;
	if (o->write != NULL && copy_file(pcap, o->write, err) != 0)
		goto out;
	if (o->write != NULL)
		fprintf(o->log, _("layerscope demo: the capture shown is in %s — replay it with: layerscope read %s\n"),
		        o->write, o->write);
	rc = 0;
out:
	demo_show_free(s);
	demo_queue_free(q);
	return rc;
}
