/* SPDX-License-Identifier: BSD-3-Clause */
/* cmd-read.c: `layerscope read`: replay a capture file through a renderer. */
#include <config.h>

#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <layerscope/flow.h>
#include <layerscope/source.h>

#include <layerscope/calls.h>

#include "cli.h"

/* Pieces of --help, each a message (N_): lsc_print_usage translates them. */
static const char *const read_help[] = {
	N_("options:\n"
	   "  -f, --format FORMAT  output format: line, tree, hex, stack, json, ladder, none\n"
	   "                       (default: tree on a terminal, line otherwise)\n"
	   "  -c, --count N        stop after N frames that pass the filter\n"
	   "      --color WHEN     auto, always or never (default auto; NO_COLOR is honoured)\n"
	   "      --stats          after the frames, the conversation table (with -f none: the\n"
	   "                       table alone)\n"
	   "      --follow N       conversation N's application bytes in order, each direction\n"
	   "                       marked (N as in --stats and the flow id)\n"
	   "      --chunk B        with --follow: how a reader calling recv() with B bytes gets\n"
	   "                       them, next to the segments as they arrived\n"
	   "      --mermaid        with -f ladder: a Mermaid sequenceDiagram instead of text\n"
	   "      --no-track       no conversation tracking (no flow annotations)\n"
	   "      --max-flows N    conversations tracked at once, 1 to 4194304 (default\n"
	   "                       32768; the least recently seen makes room)\n"
	   "      --speed FACTOR   show frames at the capture's own pace times FACTOR: 1 as\n"
	   "                       recorded, 0.1 ten times slower (default 0: at once)\n"
	   "      --step           one frame at a time: Enter or space for the next, b back,\n"
	   "                       e explanations on/off, q quit (keys from the terminal)\n"
	   "  -r, --read FILE      a capture to read, as in tcpdump (or FILE first after the\n"
	   "                       options); several -r: their frames merged by time\n"
	   "  -t, -tt, -ttt, -tttt, -ttttt  the line format's time as in tcpdump: none,\n"
	   "                       seconds since 1970, since the previous frame, with the\n"
	   "                       date, since the first frame\n"
	   "  -e, --link-header    the link layer's summary on the line too (MAC addresses)\n"
	   "  -q, --quiet          a shorter line: no conversation tag or notes\n"
	   "  -l, -U, --line-buffered  write each frame as soon as it is shown\n"
	   "  -w, --write OUT      write the frames the filter kept to OUT (pcap; pcapng when\n"
	   "                       OUT ends in .pcapng or with --pcapng), as tcpdump -r IN\n"
	   "                       -w OUT FILTER; shows nothing unless -f is given\n"
	   "      --pcapng         -w writes pcapng (several link types fit in one file)\n"
	   "  -n                   accepted for tcpdump's habit: names are never looked up\n"),
	LSC_TEACH_HELP,
	LSC_CALLS_HELP,
	N_("  -h, --help           this help\n"
	   "\n"
	   "FILE is a pcap or pcapng capture, '-' for standard input, plain or compressed\n"
	   "with gzip or zstd (told by its first bytes, not its name).  FILTER is a\n"
	   "libpcap filter expression, as in tcpdump (see pcap-filter(7)).  Options go\n"
	   "anywhere before the filter, before or after FILE; '--' ends them.\n"),
	NULL,
};

static int run_read(int argc, char **argv);

const struct lsc_cmd lsc_cmd_read = {
	"read",
	/* TRANSLATORS: option names stay; metavariables as in the help below. */
	N_("[-f FORMAT] [-c N] [--stats] [--follow N [--chunk B]] [--step | --speed F] {FILE | -r FILE...} [FILTER...]"),
	N_("decode a capture file and show every frame as its layers"),
	run_read,
};

static const struct option read_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "read", required_argument, NULL, 'r' },
	{ "write", required_argument, NULL, 'w' },
	{ "pcapng", no_argument, NULL, 'G' },
	{ "link-header", no_argument, NULL, 'e' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "line-buffered", no_argument, NULL, 'l' },
	{ "packet-buffered", no_argument, NULL, 'U' },
	{ "count", required_argument, NULL, 'c' },
	{ "color", required_argument, NULL, 'C' },
	{ "colour", required_argument, NULL, 'C' },
	{ "help", no_argument, NULL, 'h' },
	{ "stats", no_argument, NULL, 'S' },
	{ "follow", required_argument, NULL, 'F' },
	{ "chunk", required_argument, NULL, 'B' },
	{ "mermaid", no_argument, NULL, 'M' },
	{ "no-track", no_argument, NULL, 'T' },
	{ "max-flows", required_argument, NULL, 'X' },
	{ "speed", required_argument, NULL, 'P' },
	{ "step", no_argument, NULL, 's' },
	LSC_TEACH_OPTIONS,
	LSC_CALLS_OPTIONS,
	{ "utc", no_argument, NULL, LSC_OPT_UTC },
	{ NULL, 0, NULL, 0 },
};

/* Options of the track stage and its formats; 0, or a usage error's status. */
static int track_option(const struct lsc_cmd *cmd, int opt, struct lsc_pipeline_opts *po)
{
	unsigned long long v;
	switch (opt) {
	case 'S':
		po->stats = true;
		return 0;
	case 'F':
		if (lsc_parse_u64(optarg, 1, UINT32_MAX, &v))
			return lsc_usage_error(cmd, _("--follow wants a conversation number from 1 to %u, not '%s'"),
			                       UINT32_MAX, optarg);
		po->ropts.follow = v;
		return 0;
	case 'B':
		if (lsc_parse_u64(optarg, 1, 1u << 30, &v))
			return lsc_usage_error(cmd, _("--chunk wants a recv() size in bytes from 1 to %u, not '%s'"),
			                       1u << 30, optarg);
		po->ropts.chunk = (uint32_t)v;
		return 0;
	case 'M':
		po->ropts.mermaid = true;
		return 0;
	case 'T':
		po->track = false;
		return 0;
	case 'X':
		if (lsc_parse_u64(optarg, 1, LSC_FLOW_MAX_LIMIT, &v))
			return lsc_usage_error(cmd, _("--max-flows wants a count from 1 to %u, not '%s'"),
			                       LSC_FLOW_MAX_LIMIT, optarg);
		po->max_flows = (uint32_t)v;
		return 0;
	default: /* every option of read_opts is handled above or in run_read() */
		return lsc_usage_error(cmd, _("unknown option"));
	}
}

/* Combinations that cannot work, caught before the file is opened. */
static int check_track_options(const struct lsc_cmd *cmd, struct lsc_pipeline_opts *po, bool format_given)
{
	const struct lsc_renderer *follow = lsc_renderer_find("follow");
	if (po->ropts.follow != 0) {
		if (format_given && po->renderer != follow)
			return lsc_usage_error(cmd, _("--follow writes its own output: drop -f %s"), po->renderer->name);
		po->renderer = follow;
	} else if (po->renderer == follow) {
		return lsc_usage_error(cmd, _("-f follow needs --follow N (the conversation number)"));
	}
	if (po->ropts.chunk != 0 && po->ropts.follow == 0)
		return lsc_usage_error(cmd, _("--chunk goes with --follow N"));
	if (po->ropts.mermaid && po->renderer != lsc_renderer_find("ladder"))
		return lsc_usage_error(cmd, _("--mermaid goes with -f ladder"));
	if (!po->track) {
		if (po->stats || po->ropts.follow != 0)
			return lsc_usage_error(cmd, _("--%s needs conversation tracking: drop --no-track"),
			                       po->stats ? "stats" : "follow");
		if (po->renderer == lsc_renderer_find("ladder"))
			return lsc_usage_error(cmd, _("-f ladder needs conversation tracking: drop --no-track"));
	}
	return 0;
}

/* --step and --speed: what they cannot go with. */
static int check_step_options(const struct lsc_cmd *cmd, const struct lsc_pipeline_opts *po, bool step)
{
	if (step && po->speed > 0)
		return lsc_usage_error(cmd, "%s", _("--step waits for a key and --speed for the capture's clock: choose one"));
	if (step && (po->renderer->shows_nothing || po->renderer == lsc_renderer_find("ladder") ||
	             po->renderer == lsc_renderer_find("follow")))
		return lsc_usage_error(cmd, _("--step shows one frame at a time, and -f %s shows none until the end: "
		                              "choose -f line, tree, hex or json"), po->renderer->name);
	return 0;
}

/* Whether OUT is one of the files to read (the same inode), which -w would truncate first. */
static bool same_file(const char *out, const char *const *paths, unsigned n)
{
	struct stat so, si;
	if (stat(out, &so) != 0)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (stat(paths[i], &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
			return true;
	return false;
}

static int run_read(int argc, char **argv)
{
	const struct lsc_cmd *cmd = &lsc_cmd_read;
	struct lsc_pipeline_opts po = { 0 };
	struct lsc_teach_opts teach = { 0 };
	struct lsc_calls_opts co = { 0 };
	enum lsc_color color = LSC_COLOR_AUTO;
	char err[LSC_ERRBUF_SIZE];
	int opt;

	bool format_given = false, step = false;
	po.out = stdout;
	po.cmd = cmd->name;
	po.track = true;
	optind = 1;
	/* '+': options stop at the filter, as in tcpdump; FILE may come before or among them. */
	static const char shorts[] = "+f:c:r:w:h" LSC_TCPDUMP_SHORTS;
	const char *write = NULL;
	bool pcapng = false, positional = false;
	const char *paths[LSC_MAX_FILES];
	unsigned npaths = 0;
	for (;;) {
		opt = getopt_long(argc, argv, shorts, read_opts, NULL);
		if (opt == -1) {
			if (positional || npaths > 0 || optind >= argc || strcmp(argv[optind - 1], "--") == 0)
				break;
			paths[npaths++] = argv[optind++]; /* FILE; options may follow it */
			positional = true;
			continue;
		}
		switch (opt) {
		case 'f': {
			static const char *const every[] = { NULL };
			int rc = lsc_pick_renderer(cmd, optarg, every, NULL, &po.renderer);
			if (rc != 0)
				return rc;
			format_given = true;
			break;
		}
		case 'c': {
			int rc = lsc_parse_count(cmd, optarg, &po.count);
			if (rc != 0)
				return rc;
			break;
		}
		case 'C':
			if (lsc_parse_color(optarg, &color))
				return lsc_usage_error(cmd, _("--color wants auto, always or never, not '%s'"), optarg);
			break;
		case 'r':
			if (npaths == LSC_MAX_FILES)
				return lsc_usage_error(cmd, _("at most %u capture files at once"), LSC_MAX_FILES);
			paths[npaths++] = optarg;
			break;
		case 'w':
			write = optarg;
			break;
		case 'G':
			pcapng = true;
			break;
		case 'h':
			lsc_print_usage(stdout, cmd, read_help);
			return LSC_EXIT_OK;
		case 'P': {
			int rc = lsc_parse_speed(cmd, optarg, &po.speed);
			if (rc != 0)
				return rc;
			break;
		}
		case 's':
			step = true;
			break;
		default: {
			if (lsc_tcpdump_option(opt, &po) || lsc_calls_option(opt, optarg, &co) == 0)
				break;
			int rc = opt == '?' ? lsc_option_error(cmd, argv, shorts, read_opts)
			                    : lsc_teach_option(cmd, opt, optarg, &teach);
			if (rc == 1)
				rc = track_option(cmd, opt, &po);
			if (rc != 0)
				return rc;
			break;
		}
		}
	}
	bool dashdash = optind > 1 && strcmp(argv[optind - 1], "--") == 0; /* the rest is the filter's */
	if (npaths == 0 && optind < argc)
		paths[npaths++] = argv[optind++];
	if (npaths == 0)
		return lsc_usage_error(cmd, _("no capture file given"));
	const char *path = paths[0];
	int misplaced = dashdash ? 0 : lsc_filter_check(cmd, argc, argv, shorts, read_opts);
	if (misplaced != 0)
		return misplaced;
	if (pcapng && write == NULL)
		return lsc_usage_error(cmd, _("--pcapng goes with -w FILE"));
	/* -w alone writes and shows nothing, as tcpdump -r IN -w OUT; -f shows as well. */
	if (po.renderer == NULL)
		po.renderer = write != NULL ? lsc_renderer_find("none") : lsc_default_renderer(po.out);
	if (write != NULL && strcmp(write, "-") == 0 && !po.renderer->shows_nothing)
		return lsc_usage_error(cmd, _("-w - would mix the capture into the frames shown on stdout: "
		                              "drop -f, or name a file"));
	if (write != NULL && same_file(write, paths, npaths))
		return lsc_usage_error(cmd, _("-w %s is a capture being read: writing would destroy it "
		                              "before it is read; name another file"), write);
	int usage = check_track_options(cmd, &po, format_given);
	if (usage != 0)
		return usage;
	po.ropts.color = lsc_color_enabled(color, po.out);
	po.ropts.source = path;
	po.ropts.files = paths;
	po.ropts.nfiles = npaths;
	/* Nothing is written between frames, so text may go out in blocks; paced, stepped or -l, each frame at once. */
	po.ropts.batch = po.speed == 0 && !step && !po.flush_each;
	usage = lsc_tcpdump_check(cmd, &po);
	if (usage == 0)
		usage = check_step_options(cmd, &po, step);
	if (usage != 0)
		return usage;
	/* The calls beside the capture replace the calls track infers; several files have none of their own. */
	struct lsc_calls *calls = NULL;
	if (npaths > 1 && co.file == NULL)
		co.none = true;
	if (po.track && (usage = lsc_calls_resolve(cmd, &co, path, &calls)) != 0)
		return usage;
	po.observe = calls != NULL ? lsc_calls_observe : NULL;
	po.observe_ctx = calls;
	if (lsc_teach_resolve(&teach, po.out, &po.ropts) != 0) {
		lsc_calls_free(calls);
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, _("out of memory"));
	}

	struct lsc_source *src = lsc_source_open_files(paths, npaths, err);
	if (src == NULL) {
		lsc_teach_free(po.ropts.explain);
		lsc_calls_free(calls);
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, "%s", err);
	}
	char *filter = lsc_filter_join(argc - optind, argv + optind);
	if (filter != NULL && lsc_source_set_filter(src, filter, err) != 0) {
		free(filter);
		lsc_source_close(src);
		lsc_teach_free(po.ropts.explain);
		lsc_calls_free(calls);
		return lsc_usage_error(cmd, "%s", err);
	}
	free(filter);
	if (write != NULL && lsc_source_keep_to(src, write, lsc_write_pcapng(write, pcapng), err) != 0) {
		lsc_source_close(src);
		lsc_teach_free(po.ropts.explain);
		lsc_calls_free(calls);
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, "%s", err);
	}

	static char obuf[1 << 16];
	/* -l, -U: each frame's text leaves at its newline, for a reader at the other end of a pipe. */
	setvbuf(po.out, obuf, po.flush_each ? _IOLBF : _IOFBF, sizeof obuf);
	if (step && (po.step = lsc_step_open(po.out, err)) == NULL) {
		lsc_source_close(src);
		lsc_teach_free(po.ropts.explain);
		lsc_calls_free(calls);
		return lsc_usage_error(cmd, "%s", err);
	}
	if (po.step != NULL)
		lsc_step_explains(po.step, po.ropts.explain);
	int rc = lsc_show_frames(src, &po);
	lsc_step_close(po.step);
	if (lsc_source_keep_end(src, err) != 0 && rc == LSC_EXIT_OK)
		rc = lsc_fail(LSC_EXIT_FAILURE, cmd->name, "%s", err);
	lsc_source_close(src);
	lsc_teach_free(po.ropts.explain);
	lsc_calls_free(calls);
	return rc;
}
