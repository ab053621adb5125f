/* SPDX-License-Identifier: BSD-3-Clause */
/* cmd-report.c: `layerscope report`: a whole capture explained in one HTML page, Markdown or JSON. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <layerscope/calls.h>
#include <layerscope/decode.h>
#include <layerscope/flow.h>
#include <layerscope/report.h>
#include <layerscope/source.h>

#include "cli.h"

/* Pieces of --help, each a message (N_): lsc_print_usage translates them. */
static const char *const report_help[] = {
	N_("options:\n"
	   "  -f, --format FORMAT  html, md or json (default: from OUT's suffix; without -o,\n"
	   "                       md on a terminal and html otherwise)\n"
	   "  -o, --output OUT     write the report to OUT ('-': standard output, the default)\n"
	   "      --frames N       show the first N frames in detail: a section each and their\n"
	   "                       arrows in the ladders (default 1000; 0: summaries only).\n"
	   "                       The summaries and the conversation table count every frame\n"
	   "      --explain[=WHEN] a \"Why\" list under the frames, in plain words: first (each\n"
	   "                       situation the first time; alone), all, or none (default)\n"),
	N_("      --utc            times in UTC (default: local time; -f json is always UTC)\n"),
	N_("      --handout        HTML: a lesson to print (one or two A4 pages): what\n"
	   "                       happened, the layers over one frame, the first ladder\n"),
	LSC_CALLS_HELP,
	N_("  -h, --help           this help\n"
	   "\n"
	   "FILE is a pcap or pcapng capture, '-' for standard input.  FILTER is a libpcap\n"
	   "filter expression, as in tcpdump (see pcap-filter(7)).  The HTML is one\n"
	   "self-contained page (inline CSS and SVG, no scripts) that prints well.\n"),
	NULL,
};

static int run_report(int argc, char **argv);

const struct lsc_cmd lsc_cmd_report = {
	"report",
	/* TRANSLATORS: option names stay; metavariables as in the help below. */
	N_("[-f html|md|json] [-o OUT] [--frames N] [--utc] [--handout] [--calls FILE | --no-calls] "
	"FILE [FILTER...]"),
	N_("explain a whole capture: summary, layer model, conversations, ladders, frames"),
	run_report,
};

static const struct option report_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "frames", required_argument, NULL, 'N' },
	{ "help", no_argument, NULL, 'h' },
	{ "explain", optional_argument, NULL, LSC_OPT_EXPLAIN },
	{ "handout", no_argument, NULL, 'H' },
	LSC_CALLS_OPTIONS,
	{ "utc", no_argument, NULL, LSC_OPT_UTC },
	{ NULL, 0, NULL, 0 },
};

/* The name the report shows: the file's base name, so it says nothing of the reader's directories. */
static const char *shown_name(const char *path)
{
	if (strcmp(path, "-") == 0)
		return "standard input";
	const char *slash = strrchr(path, '/');
	return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

/* Reads every frame into the report; LSC_EXIT_OK, or a failure already printed. */
static int feed(const struct lsc_cmd *cmd, struct lsc_source *src, struct lsc_flow_tracker *t,
                struct lsc_report *rep, struct lsc_calls *calls)
{
	static struct lsc_frame frame; /* large; one per process, reused */
	char err[LSC_ERRBUF_SIZE];
	const struct lsc_pipeline p = { .src = src, .flows = t, .observe = calls != NULL ? lsc_calls_observe : NULL,
	                                .observe_ctx = calls };
	int rc;
	while ((rc = lsc_pipeline_next(&p, &frame, err)) > 0)
		lsc_report_frame(rep, &frame);
	if (rc < 0)
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, _("%s (the report covers the frames before it)"), err);
	return LSC_EXIT_OK;
}

static bool is_file(const char *out)
{
	return out != NULL && strcmp(out, "-") != 0;
}

/*
 * Decides the format from -f, else OUT's suffix, else where the output
 * goes.  -f and a suffix naming another format disagree about what was
 * meant: a usage error rather than, say, JSON in a file called .html.
 */
static int pick_format(const struct lsc_cmd *cmd, const char *fmt, const char *out, int *format)
{
	int by_suffix = is_file(out) ? lsc_report_format_for_path(out) : -1;
	if (fmt != NULL) {
		*format = lsc_report_format_find(fmt);
		if (*format < 0)
			return lsc_usage_error(cmd, _("unknown format '%s' (formats: %s)"), fmt, lsc_report_format_names());
		if (by_suffix >= 0 && by_suffix != *format)
			return lsc_usage_error(cmd, _("-f %s conflicts with the suffix of '%s' — drop -f, or give OUT "
			                       "the suffix of %s"), fmt, out, fmt);
	} else if (is_file(out)) {
		*format = by_suffix;
		if (*format < 0)
			return lsc_usage_error(cmd, _("cannot tell the format from '%s': name it with -f (%s) or end "
			                       "OUT with one of %s"), out, lsc_report_format_names(),
			                       lsc_report_suffixes());
	} else {
		*format = isatty(STDOUT_FILENO) ? LSC_REPORT_MD : LSC_REPORT_HTML;
	}
	return 0;
}

/* Whether OUT is the capture, by any name: opening it to write would empty the capture before it is read. */
static bool is_capture(const char *out, const char *capture)
{
	struct stat so, sc;
	int rc = strcmp(capture, "-") == 0 ? fstat(STDIN_FILENO, &sc) : stat(capture, &sc);
	return rc == 0 && S_ISREG(sc.st_mode) && stat(out, &so) == 0 && so.st_dev == sc.st_dev &&
	       so.st_ino == sc.st_ino;
}

/*
 * Where the report goes.  A regular file (or a new one) is written to a
 * temporary file beside it, renamed over it once whole: a full disk or a
 * crash leaves the old report as it was.  A symlink's target is what is
 * replaced, the link stays.  A device or a FIFO (/dev/stdout, a pipe) is
 * written in place: it cannot be replaced.
 */
struct out_file {
	FILE *fp;
	const char *shown;   /* OUT, as given */
	char final[PATH_MAX]; /* what the temporary file becomes; "" when written in place */
	char temp[PATH_MAX];
};

static int out_open(struct out_file *o, const char *outpath)
{
	struct stat st;
	bool exists = stat(outpath, &st) == 0;
	o->shown = outpath;
	o->final[0] = o->temp[0] = '\0';
	if (exists && !S_ISREG(st.st_mode))
		return (o->fp = fopen(outpath, "w")) != NULL ? 0 : -1;
	if (exists ? realpath(outpath, o->final) == NULL
	           : snprintf(o->final, sizeof o->final, "%s", outpath) >= (int)sizeof o->final)
		return -1;
	const char *slash = strrchr(o->final, '/');
	int dirlen = slash != NULL ? (int)(slash - o->final + 1) : 0;
	if (snprintf(o->temp, sizeof o->temp, "%.*s.%s.XXXXXX", dirlen, o->final,
	             slash != NULL ? slash + 1 : o->final) >= (int)sizeof o->temp)
		return -1;
	int fd = mkstemp(o->temp);
	if (fd < 0) {
		o->temp[0] = '\0';
		return -1;
	}
	/* The mode a plain fopen() would give, or the old report's (and its owner's, as root). */
	mode_t mask = umask(0);
	umask(mask);
	if (exists && geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) != 0) {
		/* a file system without owners: the report stays root's */
	}
	if (fchmod(fd, exists ? st.st_mode & 07777 : 0666 & ~mask) != 0 || (o->fp = fdopen(fd, "w")) == NULL) {
		int e = errno;
		close(fd);
		unlink(o->temp);
		o->temp[0] = '\0';
		errno = e;
		return -1;
	}
	return 0;
}

/* Closes OUT; when `ok`, the temporary file takes OUT's place.  0, or -1 with errno set. */
static int out_close(struct out_file *o, bool ok)
{
	int rc = fclose(o->fp) == 0 ? 0 : -1;
	int e = errno;
	if (o->temp[0] == '\0') {
		errno = e;
		return rc;
	}
	if (rc == 0 && ok && rename(o->temp, o->final) != 0) {
		rc = -1;
		e = errno;
	}
	if (rc != 0 || !ok)
		unlink(o->temp);
	errno = e;
	return rc;
}

static int cleanup(struct lsc_report *rep, struct lsc_flow_tracker *t, struct lsc_source *src, char *filter,
                   int rc)
{
	lsc_report_free(rep);
	lsc_flow_free(t);
	lsc_source_close(src);
	free(filter);
	return rc;
}

/*
 * Writes the report to `out` (the file `outpath`, or standard output when
 * NULL) and closes a file.  A file that could not be written whole is
 * removed, so no truncated report is left to be mistaken for a whole one.
 */
static int write_report(const struct lsc_cmd *cmd, struct lsc_report *rep, FILE *out, struct out_file *of)
{
	char err[LSC_ERRBUF_SIZE];
	bool failed = lsc_report_write(rep, out, err) != 0;
	if (failed && of == NULL && lsc_output_gone(out)) /* `| head`: the reader has enough */
		return LSC_EXIT_OK;
	if (failed)
		lsc_fail(LSC_EXIT_FAILURE, cmd->name, "%s", err);
	if (of == NULL)
		return failed ? LSC_EXIT_FAILURE : LSC_EXIT_OK;
	if (out_close(of, !failed) != 0 && !failed) {
		lsc_fail(LSC_EXIT_FAILURE, cmd->name, _("writing %s: %s — make room on its disk, or choose another -o"),
		         of->shown, strerror(errno));
		failed = true;
	}
	if (failed && of->temp[0] != '\0')
		lsc_fail(0, cmd->name, _("%s is left as it was"), of->shown);
	return failed ? LSC_EXIT_FAILURE : LSC_EXIT_OK;
}

static int run_report(int argc, char **argv)
{
	const struct lsc_cmd *cmd = &lsc_cmd_report;
	struct lsc_report_opts ro = { 0 };
	const char *fmt = NULL, *outpath = NULL;
	unsigned long long frames = LSC_REPORT_DEFAULT_FRAMES;
	char err[LSC_ERRBUF_SIZE];
	struct lsc_teach_opts teach = { 0 };
	struct lsc_calls_opts co = { 0 };
	bool handout = false;
	int opt, format, rc;

	optind = 1;
	static const char shorts[] = "f:o:h";
	while ((opt = getopt_long(argc, argv, shorts, report_opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			fmt = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'N':
			if (lsc_parse_u64(optarg, 0, UINT32_MAX, &frames))
				return lsc_usage_error(cmd, _("--frames wants a frame count >= 0, not '%s'"), optarg);
			break;
		case 'h':
			lsc_print_usage(stdout, cmd, report_help);
			return LSC_EXIT_OK;
		case LSC_OPT_EXPLAIN:
		case LSC_OPT_UTC:
			if ((rc = lsc_teach_option(cmd, opt, optarg, &teach)) != 0)
				return rc;
			break;
		case 'H':
			handout = true;
			break;
		default:
			if (lsc_calls_option(opt, optarg, &co) == 0)
				break;
			return lsc_option_error(cmd, argv, shorts, report_opts);
		}
	}
	if (optind >= argc)
		return lsc_usage_error(cmd, _("no capture file given"));
	/* A handout is a page to print: HTML, wherever it goes. */
	rc = pick_format(cmd, fmt, outpath, &format);
	if (rc == 0 && handout && fmt == NULL && !is_file(outpath))
		format = LSC_REPORT_HTML;
	if (rc == 0 && handout && format != LSC_REPORT_HTML)
		rc = lsc_usage_error(cmd, _("--handout is a page to print: HTML only (drop -f, or write a .html file)"));
	if (rc != 0)
		return rc;
	const char *path = argv[optind++];
	if (is_file(outpath) && is_capture(outpath, path))
		return lsc_usage_error(cmd, _("OUT '%s' is the capture itself: writing it would destroy the capture — "
		                       "choose another -o"), outpath);
	struct lsc_calls *calls = NULL;
	if ((rc = lsc_calls_resolve(cmd, &co, path, &calls)) != 0)
		return rc;

	struct lsc_source *src = lsc_source_open_file(path, err);
	if (src == NULL) {
		lsc_calls_free(calls);
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, "%s", err);
	}
	char *filter = lsc_filter_join(argc - optind, argv + optind);
	if (filter != NULL && lsc_source_set_filter(src, filter, err) != 0) {
		free(filter);
		lsc_source_close(src);
		lsc_calls_free(calls);
		return lsc_usage_error(cmd, "%s", err);
	}

	ro.format = (unsigned)format;
	ro.max_frames = frames;
	ro.source = shown_name(path);
	ro.filter = filter;
	ro.version = PACKAGE_VERSION;
	ro.calls = calls;
	ro.handout = handout;
	ro.utc = teach.utc;
	if (teach.explain_given && teach.explain != LSC_EXPLAIN_NONE &&
	    (ro.explain = lsc_teach_new(teach.explain)) == NULL) {
		free(filter);
		lsc_source_close(src);
		lsc_calls_free(calls);
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, _("out of memory"));
	}
	struct lsc_flow_tracker *t = lsc_flow_new(0);
	struct lsc_report *rep = t != NULL ? lsc_report_new(&ro, t, err) : NULL;
	FILE *out = stdout;
	struct out_file of;
	if (t == NULL) {
		rc = lsc_fail(LSC_EXIT_FAILURE, cmd->name, _("out of memory for the conversation table"));
	} else if (rep == NULL) {
		rc = lsc_fail(LSC_EXIT_FAILURE, cmd->name, "%s", err);
	} else if (is_file(outpath) && out_open(&of, outpath) != 0) {
		rc = lsc_fail(LSC_EXIT_FAILURE, cmd->name, _("cannot write %s: %s — choose a writable path with -o"),
		              outpath, strerror(errno));
	} else {
		/* A capture cut short still gets its report, of the frames before the cut. */
		rc = feed(cmd, src, t, rep, calls);
		lsc_report_frames_read(rep, lsc_source_count(src));
		if (is_file(outpath))
			out = of.fp;
		else if (format == LSC_REPORT_MD) /* Markdown on a terminal that is not UTF-8: ASCII */
			out = lsc_ascii_stream(out);
		int wrc = write_report(cmd, rep, out, is_file(outpath) ? &of : NULL);
		rc = wrc != LSC_EXIT_OK ? wrc : rc;
		if (out != stdout && !is_file(outpath) && fclose(out) != 0 && rc == LSC_EXIT_OK)
			rc = LSC_EXIT_FAILURE;
	}
	lsc_teach_free(ro.explain);
	rc = cleanup(rep, t, src, filter, rc);
	lsc_calls_free(calls);
	return rc;
}
