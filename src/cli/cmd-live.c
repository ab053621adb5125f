/* SPDX-License-Identifier: BSD-3-Clause */
/* cmd-live.c: `layerscope live`: capture from an interface, drop privileges, show every frame as its layers. */
#include <config.h>

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <layerscope/decode.h>
#include <layerscope/source.h>

#include "cli.h"

/* Pieces of --help, each a message (N_): lsc_print_usage translates them. */
static const char *const live_help[] = {
	N_("options:\n"
	   "  -i, --interface IFACE  interface to capture on (default lo; 'any' for all)\n"
	   "  -f, --format FORMAT    output format (default: tree on a terminal, line otherwise)\n"
	   "  -c, --count N          stop after N frames\n"
	   "  -w, --write FILE       also write every frame to FILE (pcap; pcapng when FILE ends\n"
	   "                         in .pcapng or with --pcapng), for 'layerscope read'\n"
	   "      --pcapng           -w writes pcapng\n"
	   "  -s, --snaplen BYTES    bytes kept of each frame (default and 0: 262144)\n"
	   "  -B, --buffer KiB       kernel capture buffer in KiB (default 8192): raise it if\n"
	   "                         frames are dropped by the kernel\n"
	   "  -Z, --user USER        user to become once the capture is open, as root\n"
	   "                         (default: layerscope where that account exists, else nobody)\n"
	   "      --promisc          promiscuous mode: frames for other hosts too\n"
	   "      --immediate        hand over each frame at once instead of within 25 ms;\n"
	   "                         costs a 128 KiB slot per frame on lo: drops come sooner\n"
	   "      --no-process       do not look up the process owning each socket\n"
	   "  -L, -D, --list         list the interfaces with their addresses and exit\n"
	   "  -p                     not promiscuous (the default; tcpdump's letter)\n"
	   "  -t ... -ttttt, -e, -q, -l, -U, -n  as in tcpdump (see 'read --help')\n"
	   "      --color WHEN       auto, always or never (default auto; NO_COLOR is honoured)\n"),
	LSC_TEACH_HELP,
	N_("  -h, --help             this help\n"
	   "\n"
	   "Needs root, or the capabilities CAP_NET_RAW,CAP_NET_ADMIN given to one group\n"
	   "only ('sudo make install-capture-group', then join the group layerscope).  The\n"
	   "capture and FILE are opened first; then layerscope drops to USER (as root:\n"
	   "the account layerscope where it exists, else nobody) and clears every\n"
	   "capability before it decodes a frame; a helper that names each socket's\n"
	   "process keeps CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, and says so.  Frames\n"
	   "to or from this host show the pid and command of the process owning the\n"
	   "socket.  Ctrl-C stops; the received and dropped counts go to stderr.  FILTER\n"
	   "is a libpcap filter expression, as in tcpdump (see pcap-filter(7)), applied\n"
	   "in the kernel.  Options go anywhere before the filter; '--' ends them.\n"),
	NULL,
};

static int run_live(int argc, char **argv);

const struct lsc_cmd lsc_cmd_live = {
	"live",
	/* TRANSLATORS: option names stay; metavariables as in the help below. */
	N_("[-i IFACE] [-f FORMAT] [-c N] [-w FILE] [-s SNAPLEN] [-B KiB] [-Z USER] [-L] [FILTER...]"),
	N_("capture from an interface and show every frame as its layers, with its process"),
	run_live,
};

static const struct option live_opts[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "format", required_argument, NULL, 'f' },
	{ "count", required_argument, NULL, 'c' },
	{ "write", required_argument, NULL, 'w' },
	{ "snaplen", required_argument, NULL, 's' },
	{ "buffer", required_argument, NULL, 'B' },
	{ "user", required_argument, NULL, 'Z' },
	{ "list", no_argument, NULL, 'L' },
	{ "promisc", no_argument, NULL, 'P' },
	{ "immediate", no_argument, NULL, 'I' },
	{ "no-process", no_argument, NULL, 'N' },
	{ "pcapng", no_argument, NULL, 'G' },
	{ "color", required_argument, NULL, 'C' },
	{ "colour", required_argument, NULL, 'C' },
	{ "help", no_argument, NULL, 'h' },
	LSC_TEACH_OPTIONS,
	{ "utc", no_argument, NULL, LSC_OPT_UTC },
	{ NULL, 0, NULL, 0 },
};

struct live_args {
	struct lsc_pipeline_opts po;
	struct lsc_live_opts lo;
	enum lsc_color color;
	const char *write;
	const char *user;
	bool list;
	bool no_process;
	bool pcapng;  /* --pcapng */
	struct lsc_teach_opts teach;
};

/* ---- stopping ----------------------------------------------------------- */

static struct lsc_source *volatile stop_source;

static void on_stop(int sig)
{
	(void)sig;
	lsc_source_stop(stop_source);
}

/* Ctrl-C, kill and a closed terminal stop the capture cleanly; a second Ctrl-C kills. */
static void catch_stop_signals(struct lsc_source *src)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESTART | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	stop_source = src;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* ---- options ------------------------------------------------------------ */

static int parse_count(const struct lsc_cmd *cmd, char opt, const char *arg,
                       unsigned long long max, uint32_t *out)
{
	unsigned long long v;
	if (lsc_parse_u64(arg, 1, max, &v))
		return lsc_usage_error(cmd, _("-%c wants a number from 1 to %llu, not '%s'"), opt, max, arg);
	*out = (uint32_t)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct live_args *a)
{
	const struct lsc_cmd *cmd = &lsc_cmd_live;
	int opt;
	optind = 1;
	static const char shorts[] = "+i:f:c:w:s:B:Z:LDph" LSC_TCPDUMP_SHORTS;
	while ((opt = getopt_long(argc, argv, shorts, live_opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			a->lo.iface = optarg;
			break;
		case 'f': {
			static const char *const refused[] = { "follow", NULL };
			int rc = lsc_pick_renderer(cmd, optarg, refused, _("is read's --follow N — capture with "
			                           "-w FILE, then run layerscope read --follow N FILE"),
			                           &a->po.renderer);
			if (rc != 0)
				return rc;
			break;
		}
		case 'c': {
			int rc = lsc_parse_count(cmd, optarg, &a->po.count);
			if (rc != 0)
				return rc;
			break;
		}
		case 'w':
			if (strcmp(optarg, "-") == 0)
				return lsc_usage_error(cmd, _("-w - would mix the capture into the frames "
				                       "shown on stdout; name a file"));
			a->write = optarg;
			break;
		case 's':
			/* -s 0: the largest snapshot, as tcpdump (and the default) */
			if (strcmp(optarg, "0") == 0)
				a->lo.snaplen = 0;
			else if (parse_count(cmd, 's', optarg, 262144, &a->lo.snaplen))
				return LSC_EXIT_USAGE;
			break;
		case 'B':
			/* pcap_set_buffer_size takes an int of bytes. */
			if (parse_count(cmd, 'B', optarg, 2097151, &a->lo.buffer_kib))
				return LSC_EXIT_USAGE;
			break;
		case 'Z':
			a->user = optarg;
			break;
		case 'L':
		case 'D': /* tcpdump's letter for the list */
			a->list = true;
			break;
		case 'P':
			a->lo.promisc = true;
			break;
		case 'p': /* tcpdump: not promiscuous, which is the default here */
			a->lo.promisc = false;
			break;
		case 'I':
			a->lo.immediate = true;
			break;
		case 'N':
			a->no_process = true;
			break;
		case 'G':
			a->pcapng = true;
			break;
		case 'C':
			if (lsc_parse_color(optarg, &a->color))
				return lsc_usage_error(cmd, _("--color wants auto, always or never, not '%s'"), optarg);
			break;
		case 'h':
			lsc_print_usage(stdout, cmd, live_help);
			return -1;
		default: {
			if (lsc_tcpdump_option(opt, &a->po))
				break;
			int rc = opt == '?' ? 1 : lsc_teach_option(cmd, opt, optarg, &a->teach);
			if (rc == 1)
				return lsc_option_error(cmd, argv, shorts, live_opts);
			if (rc != 0)
				return rc;
			break;
		}
		}
	}
	int rc = lsc_tcpdump_check(cmd, &a->po);
	return rc != 0 ? rc : lsc_filter_check(cmd, argc, argv, shorts, live_opts);
}

/* Frames show as they arrive on a terminal or in a pipe; a file or /dev/null gets full buffers. */
static void choose_buffering(struct lsc_pipeline_opts *po)
{
	static char obuf[1 << 16];
	struct stat st;
	int fd = fileno(po->out);
	po->flush_each = po->flush_each || isatty(fd) || /* -l, -U ask for it anywhere */
	                 (fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)));
	setvbuf(po->out, obuf, _IOFBF, sizeof obuf);
}

/* ---- the capture -------------------------------------------------------- */

static void annotate_owner(void *ctx, struct lsc_frame *f)
{
	lsc_owners_annotate(ctx, f);
}

static void print_stats(struct lsc_source *src, const char *iface)
{
	char err[LSC_ERRBUF_SIZE];
	struct lsc_live_stats st;
	if (lsc_source_stats(src, &st, err) != 0) {
		lsc_fail(0, "live", "%s", err);
		return;
	}
	fflush(stdout);
	fprintf(stderr, _("layerscope live: %s: %llu frames read; %llu received by the filter, "
	        "%llu dropped by the kernel, %llu dropped by the interface\n"), iface, (unsigned long long)st.read,
	        (unsigned long long)st.received, (unsigned long long)st.dropped_kernel,
	        (unsigned long long)st.dropped_iface);
	if (st.dropped_kernel > 0)
		fprintf(stderr, _("layerscope live: frames were dropped: raise the buffer with -B, "
		        "write with -w and read later, or narrow the FILTER\n"));
}

/* Opens the capture, the filter and -w, still privileged; 0, or the exit status. */
static int open_capture(struct live_args *a, int nfilter, char **filter_argv,
                        struct lsc_source **out)
{
	const char *cmd = lsc_cmd_live.name;
	char err[LSC_ERRBUF_SIZE], warn[LSC_ERRBUF_SIZE];
	struct lsc_source *src = lsc_source_open_live(&a->lo, warn, err);
	if (src == NULL)
		return lsc_fail(LSC_EXIT_FAILURE, cmd, "%s", err);
	if (warn[0] != '\0')
		lsc_fail(0, cmd, _("warning: %s"), warn);

	/* Before -w, so a mistyped filter does not truncate the file. */
	char *filter = lsc_filter_join(nfilter, filter_argv);
	if (filter != NULL && lsc_source_set_filter(src, filter, err) != 0) {
		free(filter);
		lsc_source_close(src);
		return lsc_usage_error(&lsc_cmd_live, "%s", err);
	}
	free(filter);
	bool ng = a->write != NULL && lsc_write_pcapng(a->write, a->pcapng);
	if (a->write != NULL && (ng ? lsc_source_keep_to(src, a->write, true, err)
	                            : lsc_source_write_to(src, a->write, err)) != 0) {
		lsc_source_close(src);
		return lsc_fail(LSC_EXIT_FAILURE, cmd, "%s", err);
	}
	*out = src;
	return 0;
}

static int run_live(int argc, char **argv)
{
	const struct lsc_cmd *cmd = &lsc_cmd_live;
	struct live_args a;
	char err[LSC_ERRBUF_SIZE], report[LSC_ERRBUF_SIZE];

	memset(&a, 0, sizeof a);
	a.color = LSC_COLOR_AUTO;
	a.po.out = stdout;
	a.po.cmd = cmd->name;
	a.po.track = true; /* conversations, as read shows them */
	int rc = parse_args(argc, argv, &a);
	if (rc != 0)
		return rc < 0 ? LSC_EXIT_OK : rc;
	if (a.list) {
		if (lsc_live_list(stdout, err) != 0)
			return lsc_fail(LSC_EXIT_FAILURE, cmd->name, "%s", err);
		return fflush(stdout) == 0 ? LSC_EXIT_OK : LSC_EXIT_FAILURE;
	}

	struct lsc_priv_target target;
	memset(&target, 0, sizeof target);
	bool root = geteuid() == 0;
	if ((root || a.user != NULL) && lsc_priv_resolve(a.user ? a.user : lsc_priv_default_user(), &target, err) != 0)
		return lsc_usage_error(cmd, "%s", err);

	/* The owner helper is forked first, so it inherits neither the capture nor the file. */
	struct lsc_owners *owners = a.no_process ? NULL : lsc_owners_open(&target, err);
	if (owners == NULL && !a.no_process)
		lsc_fail(0, cmd->name, _("warning: frames will show no process: %s"), err);

	struct lsc_source *src = NULL;
	rc = open_capture(&a, argc - optind, argv + optind, &src);
	if (rc != 0) {
		lsc_owners_close(owners);
		return rc;
	}
	if (lsc_priv_drop(&target, report, err) != 0) {
		lsc_source_close(src);
		lsc_owners_close(owners);
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, "%s", err);
	}
	lsc_fail(0, cmd->name, "%s", report);
	if (lsc_owners_kept(owners, report))
		lsc_fail(0, cmd->name, "%s", report);
	const char *iface = a.lo.iface != NULL ? a.lo.iface : "lo";
	lsc_fail(0, cmd->name, _("listening on %s (%s), %u bytes a frame; Ctrl-C stops"), iface,
	         lsc_linktype_name(lsc_source_linktype(src)), a.lo.snaplen ? a.lo.snaplen : 262144u);

	/* Only now, unprivileged: decode and render. */
	if (a.po.renderer == NULL)
		a.po.renderer = lsc_default_renderer(a.po.out);
	a.po.ropts.color = lsc_color_enabled(a.color, a.po.out);
	a.po.ropts.source = iface;
	if (lsc_teach_resolve(&a.teach, a.po.out, &a.po.ropts) != 0) {
		lsc_source_close(src);
		lsc_owners_close(owners);
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, _("out of memory"));
	}
	a.po.annotate = owners != NULL ? annotate_owner : NULL;
	a.po.annotate_ctx = owners;
	choose_buffering(&a.po);
	catch_stop_signals(src);
	rc = lsc_show_frames(src, &a.po);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	stop_source = NULL;
	print_stats(src, iface);
	if (lsc_source_write_end(src, err) != 0 || lsc_source_keep_end(src, err) != 0)
		rc = lsc_fail(LSC_EXIT_FAILURE, cmd->name, _("%s; the file holds only what was written before"), err);
	lsc_source_close(src);
	lsc_owners_close(owners);
	lsc_teach_free(a.po.ropts.explain);
	return rc;
}
