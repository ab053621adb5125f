/* SPDX-License-Identifier: BSD-3-Clause */
/* cmd-demo.c: `layerscope demo`: the sockets exercise and every frame it causes, in one command. */
#include <config.h>

#include <getopt.h>
#include <signal.h>
#include <string.h>

#include <layerscope/demo.h>
#include <layerscope/source.h>

#include "cli.h"

/* Pieces of --help, each a message (N_): lsc_print_usage translates them. */
static const char *const demo_help[] = {
	N_("options:\n"
	   "      --hosts         two hosts (network namespaces joined by a veth pair):\n"
	   "                      client 10.1.1.5, server 10.1.1.1, real Ethernet addresses\n"
	   "                      and the ARP exchange before the handshake (default: lo)\n"
	   "  -u, --udp           the UDP exercise: sendto() and recvfrom(), no connection\n"
	   "  -n, --clients N     clients, one after another, 1-64 (default 3)\n"),
	N_("      --together      the clients connect at the same time: their conversations\n"
	   "                      with port 8082 coexist, told apart by the client ports\n"),
	N_("  -m, --message TEXT  what each client sends (default: a 40-byte greeting,\n"
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
	   "      --color WHEN    auto, always or never (default auto; NO_COLOR is honoured)\n"),
	N_("  -v, --verbose       say how the capture, the namespaces and the privileges are\n"
	   "                      set up as it happens (default: at the end)\n"),
	LSC_TEACH_HELP,
	N_("  -h, --help          this help\n"
	   "\n"
	   "Starts the echo server, a capture and the clients, and prints in time order\n"
	   "each socket call of both programs and the frames it caused, each frame with\n"
	   "its layers and its place in its conversation; then a ladder diagram of each\n"
	   "conversation and the table of conversations.  Capturing needs root (sudo):\n"
	   "the capture, the namespaces and the listening socket are opened as root, then\n"
	   "everything drops to nobody.  Without root, the demo runs inside a user and\n"
	   "network namespace of its own where the system allows it, and otherwise shows\n"
	   "the bundled capture (captures/exercise.pcap) and says why.\n"),
	NULL,
};

static int run_demo(int argc, char **argv);

const struct lsc_cmd lsc_cmd_demo = {
	"demo",
	/* TRANSLATORS: option names stay; metavariables as in the help below. */
	N_("[--hosts] [--udp] [--clients N [--together]] [--message TEXT] [-w FILE] [--replay [--speed F]] "
	        "[--step] [-v]"),
	N_("run the echo exercise and show its socket calls and frames on one timeline"),
	run_demo,
};

static const struct option demo_opts[] = {
	{ "hosts", no_argument, NULL, 'H' },
	{ "udp", no_argument, NULL, 'u' },
	{ "clients", required_argument, NULL, 'n' },
	{ "together", no_argument, NULL, 'T' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "message", required_argument, NULL, 'm' },
	{ "write", required_argument, NULL, 'w' },
	{ "replay", no_argument, NULL, 'R' },
	{ "speed", required_argument, NULL, 'P' },
	{ "step", no_argument, NULL, 's' },
	{ "color", required_argument, NULL, 'C' },
	{ "colour", required_argument, NULL, 'C' },
	{ "help", no_argument, NULL, 'h' },
	LSC_TEACH_OPTIONS,
	{ "utc", no_argument, NULL, LSC_OPT_UTC },
	{ NULL, 0, NULL, 0 },
};

/* 0 to go on, -1 after --help, or the usage error's status. */
static int parse_args(int argc, char **argv, struct lsc_demo_opts *o, enum lsc_color *color, bool *step,
                      struct lsc_teach_opts *teach)
{
	const struct lsc_cmd *cmd = &lsc_cmd_demo;
	unsigned long long v;
	int opt;
	optind = 1;
	static const char shorts[] = "+un:m:w:vh";
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
				return lsc_usage_error(cmd, _("--clients wants a number from 1 to %u, not '%s'"),
				                       LSC_DEMO_MAX_CLIENTS, optarg);
			o->clients = (unsigned)v;
			break;
		case 'T':
			o->together = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'm':
			if (*optarg == '\0')
				return lsc_usage_error(cmd, _("--message wants some text: an empty message has no echo"));
			o->message = optarg;
			break;
		case 'w':
			if (strcmp(optarg, "-") == 0)
				return lsc_usage_error(cmd, _("-w - would mix the capture into the timeline on stdout; "
				                       "name a file"));
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
				return lsc_usage_error(cmd, _("--color wants auto, always or never, not '%s'"), optarg);
			break;
		case 'h':
			lsc_print_usage(stdout, cmd, demo_help);
			return -1;
		default: {
			int rc = opt == '?' ? lsc_option_error(cmd, argv, shorts, demo_opts)
			                    : lsc_teach_option(cmd, opt, optarg, teach);
			if (rc != 0)
				return rc == 1 ? lsc_option_error(cmd, argv, shorts, demo_opts) : rc;
			break;
		}
		}
	}
	if (optind < argc)
		return lsc_usage_error(cmd, _("unexpected argument '%s'"), argv[optind]);
	/* The bundled capture is one recorded run, with the default clients and message. */
	const char *moot = o->clients ? "--clients" : o->message ? "--message" : o->together ? "--together" : NULL;
	if (o->replay && moot != NULL)
		return lsc_usage_error(cmd, _("--replay shows the bundled capture as it was recorded: %s does not "
		                       "apply to it — drop %s, or drop --replay to run the exercise"), moot, moot);
	if (o->speed > 0 && !o->replay)
		return lsc_usage_error(cmd, "%s", _("--speed paces a recording: add --replay (the exercise itself runs "
		                                    "at its own pace)"));
	if (o->speed > 0 && *step)
		return lsc_usage_error(cmd, "%s", _("--step waits for a key and --speed for the recording's clock: "
		                                    "choose one"));
	return 0;
}

/*
 * What the demo says on stderr, folded to the terminal's width like the
 * timeline: a stream that gathers a line and writes it broken at spaces,
 * the continuation indented by four.
 */
struct fold_log {
	FILE *to;
	unsigned width;
	size_t n;
	char line[2048];
};

static size_t cols_of(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

static void fold_emit(struct fold_log *l)
{
	const char *p = l->line;
	size_t n = l->n, indent = 0;
	while (n > 0) {
		size_t avail = l->width - indent, cut = n;
		if (cols_of(p, n) > avail) {
			size_t i = 0, c = 0, last_space = 0;
			for (; i < n && c < avail; i++) {
				if (((unsigned char)p[i] & 0xc0) != 0x80)
					c++;
				if (p[i] == ' ')
					last_space = i;
			}
			while (i < n && ((unsigned char)p[i] & 0xc0) == 0x80)
				i--; /* never cut inside a character */
			cut = last_space > 0 ? last_space : i;
		}
		fprintf(l->to, "%*s%.*s\n", (int)indent, "", (int)cut, p);
		p += cut;
		n -= cut;
		while (n > 0 && *p == ' ')
			p++, n--;
		indent = 4;
	}
	l->n = 0;
}

static ssize_t fold_write(void *cookie, const char *buf, size_t size)
{
	struct fold_log *l = cookie;
	for (size_t i = 0; i < size; i++) {
		if (buf[i] == '\n' || l->n == sizeof l->line) {
			fold_emit(l);
			if (buf[i] == '\n')
				continue;
		}
		l->line[l->n++] = buf[i];
	}
	return (ssize_t)size;
}

static int fold_close(void *cookie)
{
	struct fold_log *l = cookie;
	if (l->n > 0)
		fold_emit(l);
	fflush(l->to);
	return 0;
}

/* stderr folded to `width` columns; stderr itself when the width is 0 or the stream cannot be made. */
static FILE *folded_log(struct fold_log *l, unsigned width)
{
	static const cookie_io_functions_t io = { NULL, fold_write, NULL, fold_close };
	if (width < 20)
		return stderr;
	memset(l, 0, sizeof *l);
	l->to = stderr;
	l->width = width;
	FILE *f = fopencookie(l, "w", io);
	if (f == NULL)
		return stderr;
	setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

static int run_demo(int argc, char **argv)
{
	struct lsc_demo_opts o;
	struct lsc_teach_opts teach = { 0 };
	struct lsc_render_opts ro = { 0 };
	enum lsc_color color = LSC_COLOR_AUTO;
	char err[LSC_ERRBUF_SIZE];

	bool step = false;
	memset(&o, 0, sizeof o);
	int rc = parse_args(argc, argv, &o, &color, &step, &teach);
	if (rc != 0)
		return rc < 0 ? LSC_EXIT_OK : rc;
	/* The demo is all for people: ASCII on a terminal that is not UTF-8. */
	FILE *shown = lsc_ascii_stream(stdout);
	o.out = shown;
	o.log = stderr;
	o.color = lsc_color_enabled(color, stdout);
	/* Ctrl-C and kill end the exercise with its capture whole; a second Ctrl-C kills. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = lsc_demo_stop;
	sa.sa_flags = SA_RESTART | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (lsc_teach_resolve(&teach, stdout, &ro) != 0)
		return lsc_fail(LSC_EXIT_FAILURE, lsc_cmd_demo.name, _("out of memory"));
	o.explain = ro.explain;
	o.width = ro.width;
	o.utc = ro.utc;
	struct lsc_step *st = NULL;
	if (step) {
		if ((st = lsc_step_open(shown, err)) == NULL) {
			lsc_teach_free(o.explain);
			return lsc_usage_error(&lsc_cmd_demo, "%s", err);
		}
		o.out = lsc_step_stream(st);
		o.step = lsc_step_wait;
		o.step_ctx = st;
		lsc_step_explains(st, o.explain);
	}
	struct fold_log fl;
	o.log = folded_log(&fl, lsc_term_width(stderr));
	rc = lsc_demo_run(&o, err);
	if (o.log != stderr)
		fclose(o.log);
	if (st != NULL) {
		lsc_step_finish(st);
		lsc_step_close(st);
		o.out = shown;
	}
	fflush(shown); /* the folded text reaches stdout, and its errors show on o.out */
	lsc_teach_free(o.explain);
	if (rc != 0) {
		if (ferror(o.out) && lsc_output_gone(stdout))
			return LSC_EXIT_OK; /* `| head`: the reader has what it wanted, as with read */
		return lsc_fail(LSC_EXIT_FAILURE, lsc_cmd_demo.name, "%s", err);
	}
	return lsc_demo_stopped_by() != 0 ? 128 + lsc_demo_stopped_by() : LSC_EXIT_OK;
}
