/* replay.c: the demo without capturing: the bundled capture and the socket calls recorded beside it. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <layerscope/frame.h>

#include "demo-int.h"
#include "paths.h"

const char *lsc_demo_captures_dir(void)
{
	static char dir[PATH_MAX];
	char path[PATH_MAX + 32];
	struct stat st;
	const char *env = getenv("LAYERSCOPE_CAPTURES");
	if (env != NULL && *env != '\0')
		return env;
	/* A build tree: the binary sits at the top of the source tree, beside captures/. */
	ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
	if (n > 0) {
		dir[n] = '\0';
		char *slash = strrchr(dir, '/');
		if (slash != NULL) {
			strcpy(slash, "/captures");
			snprintf(path, sizeof path, "%s/exercise.pcap", dir);
			if (stat(path, &st) == 0)
				return dir;
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
	FILE *fp = fopen(path, "re");
	if (fp == NULL) {
		fprintf(log, "layerscope demo: %s: %s: the frames are shown without the socket calls\n", path,
		        strerror(errno));
		return 0;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		struct demo_item *it = call_item(line);
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
			snprintf(err, LSC_ERRBUF_SIZE, "out of memory reading %.400s", path);
			rc = -1;
			break;
		}
	}
out:
	if (f == NULL)
		snprintf(err, LSC_ERRBUF_SIZE, "out of memory");
	if (src != NULL)
		lsc_source_close(src);
	free(f);
	return rc;
}

/* -w FILE: the same bytes as the bundled capture, so `read FILE` shows what was shown. */
static int copy_file(const char *from, const char *to, char *err)
{
	char buf[65536];
	size_t n;
	FILE *in = fopen(from, "rbe"), *out = in != NULL ? fopen(to, "wbe") : NULL;
	int rc = 0;
	if (in == NULL || out == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, "copying %.200s to %.200s: %s", from, to, strerror(errno));
		if (in != NULL)
			fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (ferror(in) || fclose(out) != 0)
		rc = -1;
	fclose(in);
	if (rc != 0)
		snprintf(err, LSC_ERRBUF_SIZE, "writing %s: %s", to, strerror(errno));
	return rc;
}

int demo_replay(const struct lsc_demo_opts *o, const char *why, char *err)
{
	const char *name = o->udp ? "udp-echo" : "exercise";
	char pcap[PATH_MAX], calls[PATH_MAX];
	struct demo_queue *q = demo_queue_new();
	struct demo_show *s = NULL;
	struct demo_item **items;
	int rc = -1;

	fprintf(o->log, "layerscope demo: %s\n", why);
	snprintf(pcap, sizeof pcap, "%s/%s.pcap", o->captures, name);
	snprintf(calls, sizeof calls, "%s/%s.calls", o->captures, name);
	if (q == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, "out of memory");
		return -1;
	}
	if (load_frames(q, pcap, err) != 0) {
		char cause[LSC_ERRBUF_SIZE];
		snprintf(cause, sizeof cause, "%s", err);
		snprintf(err, LSC_ERRBUF_SIZE, "the bundled capture: %.300s — set LAYERSCOPE_CAPTURES to "
		         "the captures/ folder of the source tree", cause);
		goto out;
	}
	if (load_calls(q, calls, o->log) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, "out of memory reading %.400s", calls);
		goto out;
	}
	fprintf(o->log, "layerscope demo: replaying %s (recorded by captures/record.sh between two "
	        "network namespaces, client %s, server %s)\n", pcap, DEMO_CLIENT_ADDR, DEMO_SERVER_ADDR);
	if ((s = demo_show_new(o->out, o->color, err)) == NULL)
		goto out;
	size_t n = demo_queue_take(q, INT64_MAX, &items);
	demo_show_items(s, items, n);
	if (demo_show_finish(s, err) < 0)
		goto out;
	if (o->write != NULL && copy_file(pcap, o->write, err) != 0)
		goto out;
	if (o->write != NULL)
		fprintf(o->log, "layerscope demo: the capture shown is in %s — replay it with: layerscope read %s\n",
		        o->write, o->write);
	rc = 0;
out:
	demo_show_free(s);
	demo_queue_free(q);
	return rc;
}
