/* SPDX-License-Identifier: BSD-3-Clause */
/* cmd-demo.c: `layerscope demo`: the sockets exercise and every frame it causes, in one command. */
#include <config.h>

#include <getopt.h>
#include <string.h>

#include <layerscope/demo.h>
#include <layerscope/source.h>

#include "cli.h"

static const char demo_help[] =
	"options:\n"
	"      --hosts         two hosts (network namespaces joined by a veth pair):\n"
	"                      client 10.1.1.5, server 10.1.1.1, real Ethernet addresses\n"
	"                      and the ARP exchange before the handshake (default: lo)\n"
	"  -u, --udp           the UDP exercise: sendto() and recvfrom(), no connection\n"
	"  -n, --clients N     clients, one after another, 1-64 (default 3)\n"
	"  -m, --message TEXT  what each client sends (default: a 40-byte greeting,\n"
	"                      read back 16 bytes per recv())\n"
	"  -w, --write FILE    write the capture to FILE (default: a new file in /tmp,\n"
	"                      whose name is printed) for 'layerscope read FILE'\n"
	"      --replay        show the bundled capture of the exercise instead of\n"
	"                      capturing (needs no privilege)\n"
	"      --speed FACTOR  with --replay: the recording's own pace times FACTOR (1 as\n"
	"                      recorded, 0.1 ten times slower; default 0: at once)\n"
	"      --step          one step at a time (a socket call and the frames it\n"
	"                      caused): Enter or space next, b back, e explanations\n"
	"                      on/off, q quit (keys from the terminal)\n"
	"      --color WHEN    auto, always or never (default auto; NO_COLOR is honoured)\n"
	"  -h, --help          this help\n"
	"\n"
	"Starts the echo server, a capture and the clients, and prints in time order\n"
	"each socket call of both programs and the frames it caused, each frame with\n"
	"its layers and its place in its conversation; then a ladder diagram of each\n"
	"conversation and the table of conversations.  Capturing needs root (sudo):\n"
	"the capture, the namespaces and the listening socket are opened as root, then\n"
	"everything drops to nobody.  Without root, the demo runs inside a user and\n"
	"network namespace of its own where the system allows it, and otherwise shows\n"
	"the bundled capture (captures/exercise.pcap) and says why.\n";

static int run_demo(int argc, char **argv);

const struct lsc_cmd lsc_cmd_demo = {
	"demo", "[--hosts] [--udp] [--clients N] [--message TEXT] [-w FILE] [--replay [--speed F]] [--step]",
	N_("run the echo exercise and show its socket calls and frames on one timeline"),
	run_demo,
};

static const struct option demo_opts[] = {
	{ "hosts", no_argument, NULL, 'H' },
	{ "udp", no_argument, NULL, 'u' },
	{ "clients", required_argument, NULL, 'n' },
	{ "message", required_argument, NULL, 'm' },
	{ "write", required_argument, NULL, 'w' },
	{ "replay", no_argument, NULL, 'R' },
	{ "speed", required_argument, NULL, 'P' },
	{ "step", no_argument, NULL, 's' },
	{ "color", required_argument, NULL, 'C' },
	{ "colour", required_argument, NULL, 'C' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* 0 to go on, -1 after --help, or the usage error's status. */
static int parse_args(int argc, char **argv, struct lsc_demo_opts *o, enum lsc_color *color, bool *step)
{
	const struct lsc_cmd *cmd = &lsc_cmd_demo;
	unsigned long long v;
	int opt;
	optind = 1;
	static const char shorts[] = "+un:m:w:h";
	while ((opt = getopt_long(argc, argv, shorts, demo_opts, NULL)) != -1) {
		switch (opt) {
		case 'H':
			o->hosts = true;
			break;
		case 'u':
			o->udp = true;
			break;
		case 'n':
			if (lsc_parse_u64(optarg, 1, LSC_DEMO_MAX_CLIENTS, &v))
				return lsc_usage_error(cmd, "--clients wants a number from 1 to %u, not '%s'",
				                       LSC_DEMO_MAX_CLIENTS, optarg);
			o->clients = (unsigned)v;
			break;
		case 'm':
			if (*optarg == '\0')
				return lsc_usage_error(cmd, "--message wants some text: an empty message has no echo");
			o->message = optarg;
			break;
		case 'w':
			if (strcmp(optarg, "-") == 0)
				return lsc_usage_error(cmd, "-w - would mix the capture into the timeline on stdout; "
				                       "name a file");
			o->write = optarg;
			break;
		case 'R':
			o->replay = true;
			break;
		case 'P': {
			int rc = lsc_parse_speed(cmd, optarg, &o->speed);
			if (rc != 0)
				return rc;
			break;
		}
		case 's':
			*step = true;
			break;
		case 'C':
			if (lsc_parse_color(optarg, color))
				return lsc_usage_error(cmd, "--color wants auto, always or never, not '%s'", optarg);
			break;
		case 'h':
			lsc_print_usage(stdout, cmd, demo_help);
			return -1;
		default:
			return lsc_option_error(cmd, argv, shorts, demo_opts);
		}
	}
	if (optind < argc)
		return lsc_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	/* The bundled capture is one recorded run, with the default clients and message. */
	const char *moot = o->clients ? "--clients" : o->message ? "--message" : NULL;
	if (o->replay && moot != NULL)
		return lsc_usage_error(cmd, "--replay shows the bundled capture as it was recorded: %s does not "
		                       "apply to it — drop %s, or drop --replay to run the exercise", moot, moot);
	if (o->speed > 0 && !o->replay)
		return lsc_usage_error(cmd, "%s", _("--speed paces a recording: add --replay (the exercise itself runs "
		                                    "at its own pace)"));
	if (o->speed > 0 && *step)
		return lsc_usage_error(cmd, "%s", _("--step waits for a key and --speed for the recording's clock: "
		                                    "choose one"));
	return 0;
}

static int run_demo(int argc, char **argv)
{
	struct lsc_demo_opts o;
	enum lsc_color color = LSC_COLOR_AUTO;
	char err[LSC_ERRBUF_SIZE];

	bool step = false;
	memset(&o, 0, sizeof o);
	int rc = parse_args(argc, argv, &o, &color, &step);
	if (rc != 0)
		return rc < 0 ? LSC_EXIT_OK : rc;
	o.out = stdout;
	o.log = stderr;
	o.color = lsc_color_enabled(color, stdout);
	struct lsc_step *st = NULL;
	if (step) {
		if ((st = lsc_step_open(stdout, err)) == NULL)
			return lsc_usage_error(&lsc_cmd_demo, "%s", err);
		o.out = lsc_step_stream(st);
		o.step = lsc_step_wait;
		o.step_ctx = st;
	}
	rc = lsc_demo_run(&o, err);
	if (st != NULL) {
		lsc_step_finish(st);
		lsc_step_close(st);
		o.out = stdout;
	}
	if (rc != 0) {
		if (ferror(o.out) && lsc_output_gone(o.out))
			return LSC_EXIT_OK; /* `| head`: the reader has what it wanted, as with read */
		return lsc_fail(LSC_EXIT_FAILURE, lsc_cmd_demo.name, "%s", err);
	}
	return LSC_EXIT_OK;
}
