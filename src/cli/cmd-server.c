/* SPDX-License-Identifier: BSD-3-Clause */
/* cmd-server.c: `layerscope server`: the echo server of the sockets exercise (TCP or UDP, port 8082). */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <string.h>

#include <layerscope/echo.h>

#include "cli.h"

/* Pieces of --help, each a message (N_): lsc_print_usage translates them. */
static const char *const server_help[] = {
	N_("options:\n"
	   "  -u, --udp             echo each UDP datagram to its sender (default: TCP)\n"
	   "  -p, --port N          port to listen on (default 8082; 0 lets the system choose)\n"
	   "  -b, --bind ADDR       listen on this address or name only (default: every\n"
	   "                        address, IPv4 and IPv6)\n"
	   "  -n, --max-conns N     exit (status 0) once N clients have come and gone\n"
	   "                        (UDP: after N datagrams)\n"
	   "  -q, --quiet           print no line per connection and message: only where it\n"
	   "                        listens, the summary and errors\n"
	   "  -e, --explain[=FMT]   narrate each socket call with its result and time:\n"
	   "                        text (default) or json (NDJSON on stdout; the other lines\n"
	   "                        then go to stderr)\n"),
	N_("      --utc             --explain's times in UTC (default: local time; JSON is\n"
	   "                        always UTC)\n"),
	N_("  -h, --help            this help\n"
	   "\n"
	   "Reads up to 2048 bytes at a time and echoes them back byte for byte.  A client\n"
	   "that sends but does not read is no longer read from once 16 KiB of its echo\n"
	   "wait (back-pressure), so it cannot grow the server or stall the others.\n"
	   "Ctrl-C or SIGTERM closes every connection and prints a summary.\n"),
	NULL,
};

#define LOG_DRAIN_MS 1000

static int run_server(int argc, char **argv);

const struct lsc_cmd lsc_cmd_server = {
	"server",
	/* TRANSLATORS: option names stay; metavariables as in the help below. */
	N_("[--udp] [--port N] [--bind ADDR] [--max-conns N] [--quiet] [--explain[=FMT] [--utc]]"),
	N_("run the echo server: accept clients and echo what they send"),
	run_server,
};

static const struct option server_opts[] = {
	{ "udp", no_argument, NULL, 'u' },
	{ "port", required_argument, NULL, 'p' },
	{ "bind", required_argument, NULL, 'b' },
	{ "max-conns", required_argument, NULL, 'n' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "explain", optional_argument, NULL, 'e' },
	{ "utc", no_argument, NULL, LSC_OPT_UTC },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static struct lsc_echo_server *running;
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
	if (running != NULL)
		lsc_echo_server_stop(running);
}

static void summary(FILE *out, const struct lsc_echo_stats *st, bool udp)
{
	if (stop_signal != 0)
		fprintf(out, _("stopped by %s; "), stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
	if (udp)
		fprintf(out, P_("summary: %llu datagram", "summary: %llu datagrams", st->connections),
		        (unsigned long long)st->connections);
	else
		fprintf(out, P_("summary: %llu connection", "summary: %llu connections", st->connections),
		        (unsigned long long)st->connections);
	if (!udp)
		fprintf(out, _(" (at most %llu at once)"), (unsigned long long)st->peak);
	fprintf(out, _(", %llu bytes received, %llu bytes sent"), (unsigned long long)st->bytes_in,
	        (unsigned long long)st->bytes_out);
	if (st->pauses > 0)
		fprintf(out, _(", reading paused %llu times for back-pressure"), (unsigned long long)st->pauses);
	if (st->unsent > 0)
		fprintf(out, _(", %llu bytes of echo unsent at close"), (unsigned long long)st->unsent);
	if (st->dropped > 0)
		fprintf(out, _(", %llu echoes dropped"), (unsigned long long)st->dropped);
	fputc('\n', out);
	fflush(out);
}

static int run_server(int argc, char **argv)
{
	const struct lsc_cmd *cmd = &lsc_cmd_server;
	struct lsc_echo_server_opts o = { 0 };
	struct lsc_explain ex;
	enum lsc_explain_format fmt = LSC_EXPLAIN_TEXT;
	bool explain = false, quiet = false, utc = false;
	unsigned long long v;
	char err[LSC_ERRBUF_SIZE];
	int opt;

	o.port = LSC_ECHO_PORT;
	optind = 1;
	static const char shorts[] = "+up:b:n:qe::h";
	while ((opt = getopt_long(argc, argv, shorts, server_opts, NULL)) != -1) {
		switch (opt) {
		case 'u':
			o.udp = true;
			break;
		case 'p':
			if (lsc_parse_u64(optarg, 0, 65535, &v))
				return lsc_usage_error(cmd, _("--port wants a port 0-65535, not '%s'"), optarg);
			o.port = (uint16_t)v;
			break;
		case 'b':
			o.bind = optarg;
			break;
		case 'n':
			if (lsc_parse_u64(optarg, 1, ~0ull, &v))
				return lsc_usage_error(cmd, _("--max-conns wants a count >= 1, not '%s'"), optarg);
			o.max_conns = v;
			break;
		case 'q':
			quiet = true;
			break;
		case 'e':
			explain = true;
			if (optarg != NULL && lsc_explain_parse_format(optarg, &fmt))
				return lsc_usage_error(cmd, _("--explain wants text or json, not '%s'"), optarg);
			break;
		case LSC_OPT_UTC:
			utc = true;
			break;
		case 'h':
			lsc_print_usage(stdout, cmd, server_help);
			return LSC_EXIT_OK;
		default:
			return lsc_option_error(cmd, argv, shorts, server_opts);
		}
	}
	if (optind < argc)
		return lsc_usage_error(cmd, _("unexpected argument '%s'"), argv[optind]);

	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * The output never blocks the event loop: a reader that stops reading
	 * (`server | sleep 25`) costs lines, counted, never the clients' echoes
	 * nor a signal (lsc_echo_log_open).  Without the queue, it is stdout as is.
	 */
	FILE *out = stdout, *err_out = stderr;
	struct lsc_echo_log *outq = lsc_echo_log_open(stdout, &out);
	bool json = explain && fmt == LSC_EXPLAIN_JSON;
	struct lsc_echo_log *errq = json ? lsc_echo_log_open(stderr, &err_out) : NULL;
	/* NDJSON owns stdout; the lines for people move to stderr. */
	FILE *people = json ? err_out : out;
	o.log = people;
	o.quiet = quiet;
	if (explain) {
		lsc_explain_init(&ex, out, fmt, "server");
		ex.utc = utc;
		o.explain = &ex;
	}
	lsc_catch_stop(on_signal);
	struct lsc_echo_server *s = lsc_echo_server_new(&o, err);
	if (s == NULL)
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, "%s", err);
	running = s;
	if (stop_signal != 0)
		lsc_echo_server_stop(s);
	int rc = lsc_echo_server_run(s, err);
	running = NULL;
	struct lsc_echo_stats st;
	lsc_echo_server_stats(s, &st);
	lsc_echo_server_free(s);
	if (rc == 0)
		summary(people, &st, o.udp);
	/* A second for a slow reader to take the rest; then what it never read is counted, not waited for. */
	int werr = 0;
	uint64_t lost = lsc_echo_log_close(outq, out, LOG_DRAIN_MS, &werr) +
	                lsc_echo_log_close(errq, err_out, LOG_DRAIN_MS, &werr);
	if (rc != 0)
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, "%s", err);
	if (werr == EPIPE)
		return LSC_EXIT_OK; /* `| head`: the reader has what it wanted */
	if (werr != 0)
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, _("writing the output: %s — check the disk or device "
		                "it goes to"), strerror(werr));
	if (lost > 0)
		lsc_fail(0, cmd->name, _("%llu bytes of output were not written: their reader did not read them"),
		         (unsigned long long)lost);
	return lsc_output_done(stdout, cmd->name, LSC_EXIT_OK);
}
