/* SPDX-License-Identifier: BSD-3-Clause */
/* cmd-read.c: `layerscope read`: replay a capture file through a renderer. */
#include <config.h>

#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <layerscope/flow.h>
#include <layerscope/source.h>

#include "cli.h"

static const char read_help[] =
	"options:\n"
	"  -f, --format FORMAT  output format: line, tree, hex, json, ladder, none (default:\n"
	"                       tree on a terminal, line otherwise)\n"
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
	"  -h, --help           this help\n"
	"\n"
	"FILE is a pcap or pcapng capture, '-' for standard input.  FILTER is a\n"
	"libpcap filter expression, as in tcpdump (see pcap-filter(7)).  Options may\n"
	"follow FILE; '--' ends them.\n";

static int run_read(int argc, char **argv);

const struct lsc_cmd lsc_cmd_read = {
	"read", "[-f FORMAT] [-c N] [--color WHEN] [--stats] [--follow N [--chunk B]] [--step | --speed F] FILE [FILTER...]",
	N_("decode a capture file and show every frame as its layers"),
	run_read,
};

static const struct option read_opts[] = {
	{ "format", required_argument, NULL, 'f' },
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
			return lsc_usage_error(cmd, "--follow wants a conversation number from 1 to %u, not '%s'",
			                       UINT32_MAX, optarg);
		po->ropts.follow = v;
		return 0;
	case 'B':
		if (lsc_parse_u64(optarg, 1, 1u << 30, &v))
			return lsc_usage_error(cmd, "--chunk wants a recv() size in bytes from 1 to %u, not '%s'",
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
			return lsc_usage_error(cmd, "--max-flows wants a count from 1 to %u, not '%s'",
			                       LSC_FLOW_MAX_LIMIT, optarg);
		po->max_flows = (uint32_t)v;
		return 0;
	default: /* every option of read_opts is handled above or in run_read() */
		return lsc_usage_error(cmd, "unknown option");
	}
}

/* Combinations that cannot work, caught before the file is opened. */
static int check_track_options(const struct lsc_cmd *cmd, struct lsc_pipeline_opts *po, bool format_given)
{
	const struct lsc_renderer *follow = lsc_renderer_find("follow");
	if (po->ropts.follow != 0) {
		if (format_given && po->renderer != follow)
			return lsc_usage_error(cmd, "--follow writes its own output: drop -f %s", po->renderer->name);
		po->renderer = follow;
	} else if (po->renderer == follow) {
		return lsc_usage_error(cmd, "-f follow needs --follow N (the conversation number)");
	}
	if (po->ropts.chunk != 0 && po->ropts.follow == 0)
		return lsc_usage_error(cmd, "--chunk goes with --follow N");
	if (po->ropts.mermaid && po->renderer != lsc_renderer_find("ladder"))
		return lsc_usage_error(cmd, "--mermaid goes with -f ladder");
	if (!po->track) {
		if (po->stats || po->ropts.follow != 0)
			return lsc_usage_error(cmd, "--%s needs conversation tracking: drop --no-track",
			                       po->stats ? "stats" : "follow");
		if (po->renderer == lsc_renderer_find("ladder"))
			return lsc_usage_error(cmd, "-f ladder needs conversation tracking: drop --no-track");
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

static int run_read(int argc, char **argv)
{
	const struct lsc_cmd *cmd = &lsc_cmd_read;
	struct lsc_pipeline_opts po = { 0 };
	enum lsc_color color = LSC_COLOR_AUTO;
	char err[LSC_ERRBUF_SIZE];
	int opt;

	bool format_given = false, step = false;
	po.out = stdout;
	po.cmd = cmd->name;
	po.track = true;
	optind = 1;
	static const char shorts[] = "f:c:h";
	while ((opt = getopt_long(argc, argv, shorts, read_opts, NULL)) != -1) {
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
				return lsc_usage_error(cmd, "--color wants auto, always or never, not '%s'", optarg);
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
			int rc = opt == '?' ? lsc_option_error(cmd, argv, shorts, read_opts)
			                    : track_option(cmd, opt, &po);
			if (rc != 0)
				return rc;
			break;
		}
		}
	}
	if (optind >= argc)
		return lsc_usage_error(cmd, "no capture file given");
	const char *path = argv[optind++];
	if (po.renderer == NULL)
		po.renderer = lsc_default_renderer(po.out);
	int usage = check_track_options(cmd, &po, format_given);
	if (usage != 0)
		return usage;
	po.ropts.color = lsc_color_enabled(color, po.out);
	po.ropts.source = path;
	/* Nothing is written between frames, so text may go out in blocks; paced or stepped, each frame at once. */
	po.ropts.batch = po.speed == 0 && !step;
	usage = check_step_options(cmd, &po, step);
	if (usage != 0)
		return usage;

	struct lsc_source *src = lsc_source_open_file(path, err);
	if (src == NULL)
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, "%s", err);
	char *filter = lsc_filter_join(argc - optind, argv + optind);
	if (filter != NULL && lsc_source_set_filter(src, filter, err) != 0) {
		free(filter);
		lsc_source_close(src);
		return lsc_usage_error(cmd, "%s", err);
	}
	free(filter);

	static char obuf[1 << 16];
	setvbuf(po.out, obuf, _IOFBF, sizeof obuf);
	if (step && (po.step = lsc_step_open(po.out, err)) == NULL) {
		lsc_source_close(src);
		return lsc_usage_error(cmd, "%s", err);
	}
	int rc = lsc_show_frames(src, &po);
	lsc_step_close(po.step);
	lsc_source_close(src);
	return rc;
}
