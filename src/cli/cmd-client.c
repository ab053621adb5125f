/* SPDX-License-Identifier: BSD-3-Clause */
/* cmd-client.c: `layerscope client`: send a message to the echo server and check the echo, or drive load. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <layerscope/echo.h>

#include "cli.h"

#define STDIN_MAX (64u << 20) /* a message is held whole to compare its echo */
#define SIZE_MAX_LOAD (16u << 20)

/* Pieces of --help, each a message (N_): lsc_print_usage translates them. */
static const char *const client_help[] = {
	N_("options:\n"
	   "  -u, --udp             send one UDP datagram instead of using a TCP connection\n"
	   "  -H, --host H          the server's name or address (default localhost)\n"
	   "  -p, --port N          the server's port (default 8082)\n"
	   "  -c, --chunk N         read the echo N bytes per recv() (default 16; TCP)\n"
	   "  -t, --timeout S       seconds to wait for the connection and for the echo (default 5)\n"
	   "      --half-close      after sending, shutdown(SHUT_WR): the FIN goes out while\n"
	   "                        the echo still comes back (TCP)\n"
	   "  -q, --quiet           print nothing but errors; the exit status tells\n"
	   "  -e, --explain[=FMT]   narrate each socket call with its result and time:\n"
	   "                        text (default) or json (NDJSON on stdout; the other\n"
	   "                        lines then go to stderr)\n"),
	N_("      --utc             --explain's times in UTC (default: local time; JSON is\n"
	   "                        always UTC)\n"),
	N_("  -h, --help            this help\n"
	   "load mode:\n"
	   "  -l, --load C          open C connections doing round trips at once, verify\n"
	   "                        every byte, and print round trips/s and p50/p99 latency\n"
	   "  -d, --duration S      seconds to run (default 5)\n"
	   "  -s, --size B|MIN-MAX  message size in bytes, fixed or drawn per round trip (default 64)\n"
	   "      --seed N          seed for the sizes and bytes (default 1)\n"
	   "\n"
	   "MESSAGE is the arguments joined by spaces; with none, standard input.  The exit\n"
	   "status is 0 only when the whole echo came back equal to what was sent.\n"),
	NULL,
};

static int run_client(int argc, char **argv);

const struct lsc_cmd lsc_cmd_client = {
	"client",
	/* TRANSLATORS: option names stay; metavariables as in the help below. */
	N_("[--udp] [--host H] [--port N] [--chunk N] [--timeout S] [--quiet] [--half-close] "
	          "[--explain[=FMT] [--utc]] [MESSAGE...]\n"
	          "       layerscope client --load C [--duration S] [--size B|MIN-MAX] [--host H] [--port N]"),
	N_("send a message to the echo server and check the echo (or measure it under load)"),
	run_client,
};

enum { OPT_SEED = 256, OPT_HALF_CLOSE };

static const struct option client_opts[] = {
	{ "udp", no_argument, NULL, 'u' },
	{ "host", required_argument, NULL, 'H' },
	{ "port", required_argument, NULL, 'p' },
	{ "chunk", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 't' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "explain", optional_argument, NULL, 'e' },
	{ "utc", no_argument, NULL, LSC_OPT_UTC },
	{ "load", required_argument, NULL, 'l' },
	{ "duration", required_argument, NULL, 'd' },
	{ "size", required_argument, NULL, 's' },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "half-close", no_argument, NULL, OPT_HALF_CLOSE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct client_args {
	struct lsc_echo_client_opts c;
	struct lsc_echo_load_opts l;
	enum lsc_explain_format fmt;
	bool explain, quiet, load, load_only, utc;
};

/* Seconds with an optional fraction ("0.5") into milliseconds within [1 ms, 1 day]. */
static int parse_seconds(const char *s, uint64_t *ms)
{
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(d >= 0.001 && d <= 86400))
		return -1;
	*ms = (uint64_t)(d * 1000 + 0.5);
	return 0;
}

/* "B" or "MIN-MAX". */
static int parse_size(const char *s, size_t *min, size_t *max)
{
	unsigned long long a, b;
	const char *dash = strchr(s, '-');
	if (dash == NULL) {
		if (lsc_parse_u64(s, 1, SIZE_MAX_LOAD, &a))
			return -1;
		*min = *max = (size_t)a;
		return 0;
	}
	char lo[32];
	size_t n = (size_t)(dash - s);
	if (n == 0 || n >= sizeof lo)
		return -1;
	memcpy(lo, s, n);
	lo[n] = '\0';
	if (lsc_parse_u64(lo, 1, SIZE_MAX_LOAD, &a) || lsc_parse_u64(dash + 1, 1, SIZE_MAX_LOAD, &b) || b < a)
		return -1;
	*min = (size_t)a;
	*max = (size_t)b;
	return 0;
}

/* Parses the options into `a`; returns -1 when done, else an exit status. */
static int parse_args(int argc, char **argv, struct client_args *a)
{
	const struct lsc_cmd *cmd = &lsc_cmd_client;
	unsigned long long v;
	uint64_t ms;
	int opt;

	optind = 1;
	static const char shorts[] = "+uH:p:c:t:qe::l:d:s:h";
	while ((opt = getopt_long(argc, argv, shorts, client_opts, NULL)) != -1) {
		switch (opt) {
		case 'u':
			a->c.udp = true;
			break;
		case 'H':
			a->c.host = a->l.host = optarg;
			break;
		case 'p':
			if (lsc_parse_u64(optarg, 1, 65535, &v))
				return lsc_usage_error(cmd, _("--port wants a port 1-65535, not '%s'"), optarg);
			a->c.port = a->l.port = (uint16_t)v;
			break;
		case 'c':
			if (lsc_parse_u64(optarg, 1, 1 << 20, &v))
				return lsc_usage_error(cmd, _("--chunk wants a byte count 1-1048576, not '%s'"), optarg);
			a->c.chunk = (size_t)v;
			break;
		case 't':
			if (parse_seconds(optarg, &ms))
				return lsc_usage_error(cmd, _("--timeout wants seconds (0.001-86400), not '%s'"), optarg);
			a->c.timeout_ms = a->l.timeout_ms = (int)ms;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'e':
			a->explain = true;
			if (optarg != NULL && lsc_explain_parse_format(optarg, &a->fmt))
				return lsc_usage_error(cmd, _("--explain wants text or json, not '%s'"), optarg);
			break;
		case LSC_OPT_UTC:
			a->utc = true;
			break;
		case 'l':
			if (lsc_parse_u64(optarg, 1, 1000000, &v))
				return lsc_usage_error(cmd, _("--load wants a connection count 1-1000000, not '%s'"), optarg);
			a->load = true;
			a->l.conns = (uint32_t)v;
			break;
		case 'd':
			if (parse_seconds(optarg, &a->l.duration_ms))
				return lsc_usage_error(cmd, _("--duration wants seconds (0.001-86400), not '%s'"), optarg);
			a->load_only = true;
			break;
		case 's':
			if (parse_size(optarg, &a->l.size_min, &a->l.size_max))
				return lsc_usage_error(cmd, _("--size wants bytes (1-%u) or MIN-MAX, not '%s'"),
				                       SIZE_MAX_LOAD, optarg);
			a->load_only = true;
			break;
		case OPT_SEED:
			if (lsc_parse_u64(optarg, 0, ~0ull, &v))
				return lsc_usage_error(cmd, _("--seed wants a number, not '%s'"), optarg);
			a->l.seed = v;
			a->load_only = true;
			break;
		case OPT_HALF_CLOSE:
			a->c.half_close = true;
			break;
		case 'h':
			lsc_print_usage(stdout, cmd, client_help);
			return LSC_EXIT_OK;
		default:
			return lsc_option_error(cmd, argv, shorts, client_opts);
		}
	}
	if (a->load_only && !a->load)
		return lsc_usage_error(cmd, _("--duration, --size and --seed go with --load C"));
	if (a->c.half_close && (a->c.udp || a->load))
		return lsc_usage_error(cmd, _("--half-close closes one direction of a TCP connection; "
		                       "leave out --udp and --load"));
	if (a->load && a->c.udp)
		return lsc_usage_error(cmd, _("--load measures TCP round trips; leave out --udp"));
	if (a->load && optind < argc)
		return lsc_usage_error(cmd, _("--load makes its own messages; leave out '%s'"), argv[optind]);
	if (a->load && a->c.chunk != 0)
		return lsc_usage_error(cmd, _("--load reads whole echoes; leave out --chunk"));
	return -1;
}

/* The arguments joined by single spaces, or all of stdin.  NULL with `err`. */
static char *read_message(int argc, char **argv, size_t *len, char *err)
{
	size_t n = 0, cap = 0;
	char *m = NULL;
	if (argc > 0) {
		for (int i = 0; i < argc; i++)
			cap += strlen(argv[i]) + 1;
		m = malloc(cap);
		if (m == NULL)
			goto nomem;
		for (int i = 0; i < argc; i++) {
			size_t k = strlen(argv[i]);
			if (i > 0)
				m[n++] = ' ';
			memcpy(m + n, argv[i], k);
			n += k;
		}
		*len = n;
		return m;
	}
	if (isatty(STDIN_FILENO))
		fprintf(stderr, _("layerscope client: reading the message from the terminal; end it with Ctrl-D\n"));
	cap = 4096;
	m = malloc(cap);
	if (m == NULL)
		goto nomem;
	for (;;) {
		if (n == cap) {
			if (cap >= STDIN_MAX) {
				snprintf(err, LSC_ERRBUF_SIZE, _("standard input holds more than %u MiB — send less, "
				         "or use --load to measure big transfers"), STDIN_MAX >> 20);
				free(m);
				return NULL;
			}
			char *g = realloc(m, cap * 2);
			if (g == NULL)
				goto nomem;
			m = g;
			cap *= 2;
		}
		ssize_t r = read(STDIN_FILENO, m + n, cap - n);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, LSC_ERRBUF_SIZE, _("reading standard input: %s"), strerror(errno));
			free(m);
			return NULL;
		}
		n += (size_t)r;
	}
	*len = n;
	return m;
nomem:
	free(m);
	snprintf(err, LSC_ERRBUF_SIZE, _("out of memory for the message"));
	return NULL;
}

static struct lsc_echo_load *running_load;

static void on_signal(int sig)
{
	(void)sig;
	if (running_load != NULL)
		lsc_echo_load_stop(running_load);
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static int run_load(struct client_args *a, FILE *out)
{
	char err[LSC_ERRBUF_SIZE];
	struct lsc_echo_load_result r;
	if (a->l.duration_ms == 0)
		a->l.duration_ms = 5000;
	if (a->l.size_min == 0)
		a->l.size_min = a->l.size_max = 64;
	if (a->l.seed == 0)
		a->l.seed = 1;
	struct lsc_echo_load *ld = lsc_echo_load_new(&a->l, err);
	if (ld == NULL)
		return lsc_fail(LSC_EXIT_FAILURE, "client", "%s", err);
	running_load = ld;
	lsc_catch_stop(on_signal);
	int rc = lsc_echo_load_run(ld, &r, err);
	running_load = NULL;
	lsc_echo_load_free(ld);
	if (a->l.size_min == a->l.size_max)
		fprintf(out, _("load: %u connections to %s port %u, %zu-byte messages\n"), a->l.conns,
		        a->l.host ? a->l.host : "localhost", a->l.port ? a->l.port : LSC_ECHO_PORT, a->l.size_min);
	else
		fprintf(out, _("load: %u connections to %s port %u, messages of %zu-%zu bytes\n"), a->l.conns,
		        a->l.host ? a->l.host : "localhost", a->l.port ? a->l.port : LSC_ECHO_PORT,
		        a->l.size_min, a->l.size_max);
	fprintf(out, _("round trips: %llu in %.2f s = %.0f round trips/s\n"),
	        (unsigned long long)r.round_trips, r.seconds, r.per_second);
	fprintf(out, _("latency: p50 %.3f ms, p99 %.3f ms, max %.3f ms\n"), ms(r.p50_ns), ms(r.p99_ns),
	        ms(r.max_ns));
	fprintf(out, _("verified: %llu bytes of echo, %s (%llu round trips finished after the end)\n"),
	        (unsigned long long)r.bytes, rc == 0 ? _("every byte intact") : _("NOT all intact"),
	        (unsigned long long)r.finished_late);
	if (rc != 0)
		return lsc_fail(LSC_EXIT_FAILURE, "client",
		                P_("%s (%llu connection failed)", "%s (%llu connections failed)", r.failures), err,
		                (unsigned long long)r.failures);
	return lsc_output_done(stdout, "client", LSC_EXIT_OK);
}

static int run_client(int argc, char **argv)
{
	struct client_args a = { 0 };
	struct lsc_explain ex;
	char err[LSC_ERRBUF_SIZE];
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	FILE *people = a.explain && a.fmt == LSC_EXPLAIN_JSON ? stderr : stdout;
	if (a.explain) {
		lsc_explain_init(&ex, stdout, a.fmt, "client");
		ex.utc = a.utc;
		a.c.explain = a.l.explain = &ex;
	}
	if (a.load)
		return run_load(&a, people);

	size_t len;
	char *msg = read_message(argc - optind, argv + optind, &len, err);
	if (msg == NULL)
		return lsc_fail(LSC_EXIT_FAILURE, "client", "%s", err);
	a.c.log = a.quiet ? NULL : people;
	struct lsc_echo_client_result res;
	rc = lsc_echo_client_run(&a.c, msg, len, &res, err);
	free(msg);
	if (rc != 0)
		return lsc_fail(LSC_EXIT_FAILURE, "client", "%s", err);
	return lsc_output_done(stdout, "client", LSC_EXIT_OK);
}
