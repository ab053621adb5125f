/* cmd-read.c: `layerscope read`: replay a capture file through a renderer. */
#include <config.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <layerscope/source.h>

#include "cli.h"

static const char read_help[] =
	"options:\n"
	"  -f, --format FORMAT  output format: line, tree, hex, json (default: tree on a\n"
	"                       terminal, line otherwise)\n"
	"  -c, --count N        stop after N frames that pass the filter\n"
	"      --color WHEN     auto, always or never (default auto; NO_COLOR is honoured)\n"
	"  -h, --help           this help\n"
	"\n"
	"FILE is a pcap or pcapng capture, '-' for standard input.  FILTER is a\n"
	"libpcap filter expression, as in tcpdump (see pcap-filter(7)).  Options may\n"
	"follow FILE; '--' ends them.\n";

static int run_read(int argc, char **argv);

const struct lsc_cmd lsc_cmd_read = {
	"read", "[-f FORMAT] [-c N] [--color WHEN] FILE [FILTER...]",
	"decode a capture file and show every frame as its layers",
	run_read,
};

static const struct option read_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "count", required_argument, NULL, 'c' },
	{ "color", required_argument, NULL, 'C' },
	{ "colour", required_argument, NULL, 'C' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int run_read(int argc, char **argv)
{
	const struct lsc_cmd *cmd = &lsc_cmd_read;
	struct lsc_pipeline_opts po = { 0 };
	enum lsc_color color = LSC_COLOR_AUTO;
	char err[LSC_ERRBUF_SIZE];
	int opt;

	po.out = stdout;
	po.cmd = cmd->name;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:c:h", read_opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			po.renderer = lsc_renderer_find(optarg);
			if (po.renderer == NULL)
				return lsc_usage_error(cmd, "unknown format '%s' (formats: %s)", optarg,
				                       lsc_renderer_names());
			break;
		case 'c':
			if (lsc_parse_u64(optarg, 1, ~0ull, &po.count))
				return lsc_usage_error(cmd, "-c wants a frame count >= 1, not '%s'", optarg);
			break;
		case 'C':
			if (lsc_parse_color(optarg, &color))
				return lsc_usage_error(cmd, "--color wants auto, always or never, not '%s'", optarg);
			break;
		case 'h':
			lsc_print_usage(stdout, cmd, read_help);
			return LSC_EXIT_OK;
		default:
			return lsc_usage_error(cmd, "unknown option");
		}
	}
	if (optind >= argc)
		return lsc_usage_error(cmd, "no capture file given");
	const char *path = argv[optind++];
	if (po.renderer == NULL)
		po.renderer = lsc_default_renderer(po.out);
	po.ropts.color = lsc_color_enabled(color, po.out);
	po.ropts.source = path;

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
	int rc = lsc_pipeline_run(src, &po);
	lsc_source_close(src);
	return rc;
}
