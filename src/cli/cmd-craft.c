/* SPDX-License-Identifier: BSD-3-Clause */
/* cmd-craft.c: `layerscope craft`: build a frame field by field with libnet, send or write it, show it. */
#include <config.h>

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <layerscope/craft.h>
#include <layerscope/decode.h>

#include "cli.h"

/* Pieces of --help, each a message (N_): lsc_print_usage translates them. */
static const char *const craft_help[] = {
	N_("kinds:\n"
	   "  tcp --to ADDR:PORT       a TCP segment (default flags S: a SYN)\n"
	   "  udp --to ADDR:PORT       a UDP datagram\n"
	   "  icmp echo --to ADDR      an ICMP (ICMPv6 for IPv6) echo request, as ping sends\n"
	   "  arp who-has ADDR -i IFACE  an ARP request for ADDR, broadcast on IFACE\n"
	   "\n"
	   "fields (the addresses decide IPv4 or IPv6; IPv6 with a port is [ADDR]:PORT):\n"
	   "      --from ADDR[:PORT]   source address and port (default: the address the\n"
	   "                           routing table picks, a random ephemeral port)\n"
	   "      --flags FLAGS        TCP flags as tcpdump writes them: S F R P . U E W\n"
	   "                           (\"S.\" is SYN-ACK), or names: syn,ack (default S)\n"
	   "      --seq N              TCP sequence number (default random), or ICMP\n"
	   "                           sequence number (default 1)\n"
	   "      --ack N              TCP acknowledgement number (default 0)\n"
	   "      --win N              TCP window (default 64240)\n"
	   "      --mss N              add a TCP MSS option\n"
	   "      --id N               ICMP echo identifier (default: the process id)\n"
	   "      --ttl N              IPv4 TTL or IPv6 hop limit (default 64)\n"
	   "      --payload TEXT       the bytes after the headers\n"
	   "      --dst-mac MAC        Ethernet destination with -i (default: all zero on\n"
	   "                           loopback, broadcast for ARP)\n"
	   "\n"
	   "what to do with it:\n"
	   "  -i, --interface IFACE    build an Ethernet frame and send it on IFACE (link\n"
	   "                           layer); without -i, IP frames go through a raw IP\n"
	   "                           socket and the kernel adds the link layer\n"
	   "  -c, --count N            send (or write) the frame N times (default 1)\n"
	   "  -w, --write FILE         write the frames to a pcap FILE instead of sending\n"
	   "                           them: no privilege needed\n"
	   "  -f, --format FORMAT      how to show the frame (default: tree on a terminal,\n"
	   "                           line otherwise)\n"
	   "      --color WHEN         auto, always or never\n"
	   "  -h, --help               this help\n"
	   "\n"
	   "Sending needs CAP_NET_RAW (root).  Exit status: 0 sent or written, 1 the\n"
	   "system refused (privilege, interface, route), 2 a bad option or value.\n"),
	NULL,
};

static int run_craft(int argc, char **argv);

const struct lsc_cmd lsc_cmd_craft = {
	"craft",
	/* TRANSLATORS: option names stay; metavariables as in the help below. */
	N_("tcp|udp|icmp echo|arp who-has ADDR [--to ADDR[:PORT]] [OPTIONS]"),
	N_("build a frame field by field with libnet, send it or write it, and show its layers"),
	run_craft,
};

enum {
	OPT_TO = 256, OPT_FROM, OPT_FLAGS, OPT_SEQ, OPT_ACK, OPT_WIN, OPT_MSS, OPT_ID,
	OPT_TTL, OPT_PAYLOAD, OPT_DST_MAC, OPT_COLOR
};

static const struct option craft_opts[] = {
	{ "to", required_argument, NULL, OPT_TO },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "flags", required_argument, NULL, OPT_FLAGS },
	{ "seq", required_argument, NULL, OPT_SEQ },
	{ "ack", required_argument, NULL, OPT_ACK },
	{ "win", required_argument, NULL, OPT_WIN },
	{ "window", required_argument, NULL, OPT_WIN },
	{ "mss", required_argument, NULL, OPT_MSS },
	{ "id", required_argument, NULL, OPT_ID },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "payload", required_argument, NULL, OPT_PAYLOAD },
	{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
	{ "interface", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'c' },
	{ "write", required_argument, NULL, 'w' },
	{ "format", required_argument, NULL, 'f' },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "colour", required_argument, NULL, OPT_COLOR },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Everything the command line says, before it becomes a struct lsc_craft. */
struct craft_args {
	const char *to, *from, *flags, *seq, *ack, *win, *mss, *id, *ttl, *dst_mac;
	const char *payload, *ifname, *write, *format;
	unsigned long long count;
	enum lsc_color color;
};

/* Options whose text is checked later, once the kind of frame is known. */
static const struct {
	int opt;
	size_t at; /* offset of the const char * in struct craft_args */
} text_opts[] = {
	{ OPT_TO, offsetof(struct craft_args, to) },
	{ OPT_FROM, offsetof(struct craft_args, from) },
	{ OPT_FLAGS, offsetof(struct craft_args, flags) },
	{ OPT_SEQ, offsetof(struct craft_args, seq) },
	{ OPT_ACK, offsetof(struct craft_args, ack) },
	{ OPT_WIN, offsetof(struct craft_args, win) },
	{ OPT_MSS, offsetof(struct craft_args, mss) },
	{ OPT_ID, offsetof(struct craft_args, id) },
	{ OPT_TTL, offsetof(struct craft_args, ttl) },
	{ OPT_PAYLOAD, offsetof(struct craft_args, payload) },
	{ OPT_DST_MAC, offsetof(struct craft_args, dst_mac) },
	{ 'i', offsetof(struct craft_args, ifname) },
	{ 'w', offsetof(struct craft_args, write) },
	{ 'f', offsetof(struct craft_args, format) },
};

static bool store_text(struct craft_args *a, int opt, const char *arg)
{
	for (size_t i = 0; i < sizeof text_opts / sizeof text_opts[0]; i++) {
		if (text_opts[i].opt == opt) {
			memcpy((char *)a + text_opts[i].at, &arg, sizeof arg);
			return true;
		}
	}
	return false;
}

/* Returns 0 to go on, -1 when --help was shown, else an exit status. */
static int parse_args(int argc, char **argv, struct craft_args *a)
{
	const struct lsc_cmd *cmd = &lsc_cmd_craft;
	int opt;

	memset(a, 0, sizeof *a);
	a->count = 1;
	a->color = LSC_COLOR_AUTO;
	optind = 1;
	static const char shorts[] = "i:c:w:f:h";
	while ((opt = getopt_long(argc, argv, shorts, craft_opts, NULL)) != -1) {
		if (store_text(a, opt, optarg))
			continue;
		switch (opt) {
		case 'c':
			if (lsc_parse_u64(optarg, 1, ~0ull, &a->count))
				return lsc_usage_error(cmd, _("-c wants a count >= 1, not '%s'"), optarg);
			break;
		case OPT_COLOR:
			if (lsc_parse_color(optarg, &a->color))
				return lsc_usage_error(cmd, _("--color wants auto, always or never, not '%s'"), optarg);
			break;
		case 'h':
			lsc_print_usage(stdout, cmd, craft_help);
			return -1;
		default:
			return lsc_option_error(cmd, argv, shorts, craft_opts);
		}
	}
	return 0;
}

/* The kind and, for ARP, the address asked for, from the words after the options. */
static int parse_kind(int argc, char **argv, struct lsc_craft *c, const char **arp_target)
{
	const struct lsc_cmd *cmd = &lsc_cmd_craft;
	int n = argc - optind;
	char **w = argv + optind;
	int used;

	if (n < 1)
		return lsc_usage_error(cmd, _("what should be crafted? tcp, udp, icmp echo or arp who-has ADDR"));
	if (strcmp(w[0], "tcp") == 0) {
		lsc_craft_init(c, LSC_CRAFT_TCP);
		used = 1;
	} else if (strcmp(w[0], "udp") == 0) {
		lsc_craft_init(c, LSC_CRAFT_UDP);
		used = 1;
	} else if (strcmp(w[0], "icmp") == 0) {
		if (n < 2 || strcmp(w[1], "echo") != 0)
			return lsc_usage_error(cmd, _("icmp: only echo requests are crafted ('icmp echo --to ADDR')"));
		lsc_craft_init(c, LSC_CRAFT_ICMP_ECHO);
		used = 2;
	} else if (strcmp(w[0], "arp") == 0) {
		if (n < 3 || strcmp(w[1], "who-has") != 0)
			return lsc_usage_error(cmd, _("arp: write 'arp who-has ADDR -i IFACE'"));
		lsc_craft_init(c, LSC_CRAFT_ARP);
		*arp_target = w[2];
		used = 3;
	} else {
		return lsc_usage_error(cmd, _("cannot craft '%s': tcp, udp, icmp echo or arp who-has ADDR"), w[0]);
	}
	if (n > used)
		return lsc_usage_error(cmd, _("unexpected '%s' after '%s'"), w[used], w[0]);
	return 0;
}

#define KIND(k) (1u << (k))

/* Options that only some kinds of frame have. */
static const struct {
	size_t at; /* offset of the option's text in struct craft_args */
	const char *name;
	unsigned kinds;
} kind_opts[] = {
	{ offsetof(struct craft_args, flags), "--flags", KIND(LSC_CRAFT_TCP) },
	{ offsetof(struct craft_args, ack), "--ack", KIND(LSC_CRAFT_TCP) },
	{ offsetof(struct craft_args, win), "--win", KIND(LSC_CRAFT_TCP) },
	{ offsetof(struct craft_args, mss), "--mss", KIND(LSC_CRAFT_TCP) },
	{ offsetof(struct craft_args, seq), "--seq", KIND(LSC_CRAFT_TCP) | KIND(LSC_CRAFT_ICMP_ECHO) },
	{ offsetof(struct craft_args, id), "--id", KIND(LSC_CRAFT_ICMP_ECHO) },
	{ offsetof(struct craft_args, to), "--to", ~KIND(LSC_CRAFT_ARP) },
	{ offsetof(struct craft_args, ttl), "--ttl", ~KIND(LSC_CRAFT_ARP) },
	{ offsetof(struct craft_args, payload), "--payload", ~KIND(LSC_CRAFT_ARP) },
};

static int check_kind_options(const struct craft_args *a, const struct lsc_craft *c,
                              const char *kind)
{
	const struct lsc_cmd *cmd = &lsc_cmd_craft;

	for (size_t i = 0; i < sizeof kind_opts / sizeof kind_opts[0]; i++) {
		const char *text;
		memcpy(&text, (const char *)a + kind_opts[i].at, sizeof text);
		if (text != NULL && !(kind_opts[i].kinds & KIND(c->kind)))
			return lsc_usage_error(cmd, _("%s does not apply to %s frames"), kind_opts[i].name, kind);
	}
	if (a->dst_mac && !a->ifname)
		return lsc_usage_error(cmd, _("--dst-mac needs -i IFACE: without it the kernel builds the link layer"));
	if (c->kind == LSC_CRAFT_ARP && !a->ifname)
		return lsc_usage_error(cmd, _("arp needs -i IFACE: an ARP request is broadcast on one link"));
	return 0;
}

static int parse_num(const char *s, const char *what, unsigned long long max, unsigned long long *v)
{
	if (lsc_parse_u64(s, 0, max, v) == 0)
		return 0;
	return lsc_usage_error(&lsc_cmd_craft, _("%s wants a number from 0 to %llu, not '%s'"), what, max, s);
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char end;
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &end) != 6)
		return lsc_usage_error(&lsc_cmd_craft, _("--dst-mac wants aa:bb:cc:dd:ee:ff, not '%s'"), s);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

/* --to, --from and the ARP target: addresses, ports and their agreement. */
static int apply_addresses(const struct craft_args *a, struct lsc_craft *c, const char *arp_target)
{
	const struct lsc_cmd *cmd = &lsc_cmd_craft;
	char err[LSC_ERRBUF_SIZE];
	bool ports = c->kind == LSC_CRAFT_TCP || c->kind == LSC_CRAFT_UDP;
	bool has_port;
	uint8_t fam;
	uint16_t port;
	const char *to = arp_target != NULL ? arp_target : a->to;

	if (to == NULL)
		return lsc_usage_error(cmd, _("--to %s is required"), ports ? _("ADDR:PORT") : _("ADDR"));
	if (lsc_craft_parse_endpoint(to, &c->family, c->dst, &c->dport, &has_port, err))
		return lsc_usage_error(cmd, "%s %s", arp_target ? "who-has" : "--to", err);
	if (ports && !has_port)
		return lsc_usage_error(cmd, _("--to '%s' has no port: write ADDR:PORT, or [ADDR]:PORT for IPv6"), to);
	if (!ports && has_port)
		return lsc_usage_error(cmd, _("'%s': %s has no ports"), to,
		                       c->kind == LSC_CRAFT_ARP ? "ARP" : "ICMP");
	if (c->kind == LSC_CRAFT_ARP && c->family != 4)
		return lsc_usage_error(cmd, _("who-has '%s': ARP resolves IPv4 addresses; IPv6 uses "
		                       "neighbour discovery (ICMPv6)"), to);
	if (a->from == NULL)
		return 0;
	if (lsc_craft_parse_endpoint(a->from, &fam, c->src, &port, &has_port, err))
		return lsc_usage_error(cmd, _("--from %s"), err);
	if (fam != c->family)
		return lsc_usage_error(cmd, _("--from '%s' is IPv%u but the destination '%s' is IPv%u"),
		                       a->from, fam, to, c->family);
	if (has_port && !ports)
		return lsc_usage_error(cmd, _("--from '%s': only TCP and UDP have ports"), a->from);
	c->given |= LSC_CG_SRC;
	if (has_port) {
		c->sport = port;
		c->given |= LSC_CG_SPORT;
	}
	return 0;
}

/* The numeric fields, each checked against its width on the wire. */
static int apply_numbers(const struct craft_args *a, struct lsc_craft *c)
{
	unsigned long long v;
	char err[LSC_ERRBUF_SIZE];

	if (a->flags && lsc_craft_parse_flags(a->flags, &c->tcp_flags, err))
		return lsc_usage_error(&lsc_cmd_craft, _("--flags %s"), err);
	if (a->seq) {
		if (parse_num(a->seq, "--seq", c->kind == LSC_CRAFT_TCP ? 0xffffffffull : 0xffff, &v))
			return LSC_EXIT_USAGE;
		c->seq = (uint32_t)v;
		c->given |= LSC_CG_SEQ;
	}
	if (a->ack) {
		if (parse_num(a->ack, "--ack", 0xffffffffull, &v))
			return LSC_EXIT_USAGE;
		c->ack = (uint32_t)v;
	}
	if (a->win) {
		if (parse_num(a->win, "--win", 0xffff, &v))
			return LSC_EXIT_USAGE;
		c->window = (uint16_t)v;
	}
	if (a->mss) {
		if (parse_num(a->mss, "--mss", 0xffff, &v))
			return LSC_EXIT_USAGE;
		c->mss = (uint16_t)v;
		c->given |= LSC_CG_MSS;
	}
	if (a->id) {
		if (parse_num(a->id, "--id", 0xffff, &v))
			return LSC_EXIT_USAGE;
		c->id = (uint16_t)v;
		c->given |= LSC_CG_ID;
	}
	if (a->ttl) {
		if (parse_num(a->ttl, "--ttl", 0xff, &v))
			return LSC_EXIT_USAGE;
		c->ttl = (uint8_t)v;
	}
	if (a->dst_mac) {
		if (parse_mac(a->dst_mac, c->dst_mac))
			return LSC_EXIT_USAGE;
		c->given |= LSC_CG_DST_MAC;
	}
	return 0;
}

static const char *kind_name(const struct lsc_craft *c)
{
	switch (c->kind) {
	case LSC_CRAFT_TCP: return "TCP";
	case LSC_CRAFT_UDP: return "UDP";
	case LSC_CRAFT_ICMP_ECHO: return "ICMP echo";
	default: return "ARP";
	}
}

/* The command line into a complete frame description; an exit status on failure, else 0. */
static int describe(int argc, char **argv, const struct craft_args *a, struct lsc_craft *c)
{
	const char *arp_target = NULL;
	int rc;

	if ((rc = parse_kind(argc, argv, c, &arp_target)) != 0 ||
	    (rc = check_kind_options(a, c, kind_name(c))) != 0 ||
	    (rc = apply_addresses(a, c, arp_target)) != 0 ||
	    (rc = apply_numbers(a, c)) != 0)
		return rc;
	c->ifname = a->ifname;
	if (a->payload != NULL) {
		size_t n = strlen(a->payload);
		uint32_t max = lsc_craft_payload_max(c);
		if (n > max)
			return lsc_usage_error(&lsc_cmd_craft, _("the payload is %zu bytes, but %s frames over "
			                       "IPv%u carry at most %u (the IP length field is 16 bits)"),
			                       n, kind_name(c), c->family, max);
		c->payload = (const uint8_t *)a->payload;
		c->payload_len = (uint32_t)n;
	}
	return 0;
}

/* Emits the frame `count` times and shows each as `read` would; an exit status. */
static int emit(const struct craft_args *a, const struct lsc_craft *c, struct lsc_craft_out *o,
                const uint8_t *bytes, size_t len, const struct lsc_renderer *r, FILE *out)
{
	static struct lsc_frame f;
	struct lsc_render_opts ro = { 0 };
	char err[LSC_ERRBUF_SIZE];
	struct timespec first = { 0, 0 };

	ro.color = lsc_color_enabled(a->color, out);
	ro.source = a->write != NULL ? a->write : "crafted";
	void *st = r->begin(out, &ro);
	if (st == NULL)
		return lsc_fail(LSC_EXIT_FAILURE, "craft", _("out of memory starting the %s output"), r->name);
	for (unsigned long long i = 0; i < a->count; i++) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec -= ts.tv_nsec % 1000; /* pcap files keep microseconds */
		if (i == 0)
			first = ts;
		if (lsc_craft_put(o, bytes, len, &ts, err) != 0) {
			r->end(st);
			return lsc_fail(LSC_EXIT_FAILURE, "craft", "%s", err);
		}
		memset(&f, 0, sizeof f);
		f.number = i + 1;
		f.ts_sec = ts.tv_sec;
		f.ts_nsec = (uint32_t)ts.tv_nsec;
		f.ts_digits = 6;
		f.rel_ns = (int64_t)(ts.tv_sec - first.tv_sec) * 1000000000 + (ts.tv_nsec - first.tv_nsec);
		f.caplen = f.len = (uint32_t)len;
		f.linktype = lsc_craft_linktype(c);
		f.direction = LSC_DIR_OUT;
		f.data = bytes;
		lsc_decode_frame(&f);
		r->frame(st, &f);
	}
	return r->end(st) != 0 ? LSC_EXIT_FAILURE : LSC_EXIT_OK;
}

/*
 * The closing words: what was done, and what the network will do with it.
 * A blank line parts them from the frames when both share a stream.
 */
static void tell(const struct craft_args *a, const struct lsc_craft *c, size_t len, FILE *talk,
                 bool apart)
{
	static char text[2048];
	struct lsc_strbuf b;
	fputs(apart ? "" : "\n", talk);
	if (a->write != NULL) {
		fprintf(talk, P_("Wrote %llu frame of %zu bytes to %s; nothing was sent.\n",
		                 "Wrote %llu frames of %zu bytes to %s; nothing was sent.\n", a->count),
		        a->count, len, strcmp(a->write, "-") == 0 ? _("standard output") : a->write);
		return;
	}
	if (c->ifname != NULL)
		fprintf(talk, P_("Sent %llu frame of %zu bytes through the link layer of %s.\n",
		                 "Sent %llu frames of %zu bytes through the link layer of %s.\n", a->count),
		        a->count, len, c->ifname);
	else
		fprintf(talk, P_("Sent %llu datagram of %zu bytes through a raw IPv%u socket; the kernel adds the\n"
		                 "link-layer header when it routes it (-i IFACE builds it here).\n",
		                 "Sent %llu datagrams of %zu bytes through a raw IPv%u socket; the kernel adds the\n"
		                 "link-layer header when it routes them (-i IFACE builds it here).\n", a->count),
		        a->count, len, c->family);
	lsc_sb_init(&b, text, sizeof text);
	lsc_craft_explain(c, &b);
	fprintf(talk, "\n%s", text);
}

static int run_craft(int argc, char **argv)
{
	const struct lsc_cmd *cmd = &lsc_cmd_craft;
	static uint8_t bytes[LSC_CRAFT_MAX_FRAME];
	struct craft_args a;
	struct lsc_craft c;
	char err[LSC_ERRBUF_SIZE];
	size_t len;
	int rc;

	if ((rc = parse_args(argc, argv, &a)) != 0)
		return rc < 0 ? LSC_EXIT_OK : rc;
	if ((rc = describe(argc, argv, &a, &c)) != 0)
		return rc;
	/* With the capture on standard output, the frames are shown on stderr. */
	FILE *out = a.write != NULL && strcmp(a.write, "-") == 0 ? stderr : stdout;
	/* craft shows each frame alone: no tracking, so nothing to draw or follow, nor a socket call to name. */
	static const char *const refused[] = { "ladder", "follow", NULL };
	const struct lsc_renderer *r = lsc_default_renderer(out);
	if (a.format != NULL &&
	    (rc = lsc_pick_renderer(cmd, a.format, refused, _("needs conversation tracking, and craft shows each "
	                            "frame alone — write them with -w FILE and run layerscope read on it"), &r)) != 0)
		return rc;
	if (lsc_craft_complete(&c, err) != 0 || lsc_craft_build(&c, bytes, sizeof bytes, &len, err) != 0)
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, "%s", err);

	struct lsc_craft_out *o = a.write != NULL ? lsc_craft_open_file(&c, a.write, err)
	                                          : lsc_craft_open_net(&c, err);
	if (o == NULL)
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, "%s", err);
	rc = emit(&a, &c, o, bytes, len, r, out);
	int closed = lsc_craft_close(o, err);
	if (closed > 0)
		return LSC_EXIT_OK; /* -w - | head: the reader has what it wanted */
	if (closed < 0 && rc == LSC_EXIT_OK)
		rc = lsc_fail(LSC_EXIT_FAILURE, cmd->name, "%s", err);
	/* JSON keeps its stream to itself: the words go to stderr. */
	FILE *talk = strcmp(r->name, "json") == 0 ? stderr : out;
	if (rc == LSC_EXIT_OK)
		tell(&a, &c, len, talk, talk != out);
	return lsc_output_done(out, cmd->name, rc);
}
