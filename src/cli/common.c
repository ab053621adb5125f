/* SPDX-License-Identifier: BSD-3-Clause */
/* common.c: error messages, option parsing helpers and the end of the output, shared by the subcommands. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <layerscope/calls.h>
#include <layerscope/strbuf.h>

#include "cli.h"
#include "../render/render-int.h"

/*
 * Messages name files, options and filters the user or an attacker chose:
 * the whole line is escaped (lsc_escape, keeping UTF-8 text readable), so
 * a file named with escape sequences cannot drive the terminal.
 */
__attribute__((format(printf, 2, 0)))
static void vmsg(const char *cmd, const char *fmt, va_list ap)
{
	char text[2048], shown[LSC_ESC_MAX(sizeof text)];
	int n = vsnprintf(text, sizeof text, fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof text ? (size_t)n : sizeof text - 1;
	lsc_escape(shown, text, len, LSC_ESC_UTF8);
	fflush(stdout);
	fprintf(stderr, "layerscope %s: %s\n", cmd, shown);
}

int lsc_fail(int status, const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
	return status;
}

int lsc_usage_error(const struct lsc_cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(cmd->name, fmt, ap);
	va_end(ap);
	fprintf(stderr, _("usage: layerscope %s %s\n(see 'layerscope %s --help')\n"),
	        cmd->name, _(cmd->synopsis), cmd->name);
	return LSC_EXIT_USAGE;
}

unsigned lsc_prose_width(FILE *out)
{
	unsigned w = lsc_term_width(out);
	return w == 0 || w > LSC_PROSE_WIDTH ? LSC_PROSE_WIDTH : w;
}

void lsc_print_folded(FILE *out, unsigned indent, const char *lead, const char *text, unsigned width)
{
	static struct lsc_text t; /* 8 KiB of buffer: the command's one thread uses it */
	lsc_text_init(&t, out, false);
	lsc_text_wrapped(&t, text, indent, lead, width);
	lsc_text_flush(&t);
}

/*
 * The synopsis folded at spaces, each line's continuation under its first
 * argument, where no option group ("[-f FORMAT]") is cut in two: a space
 * inside brackets or braces is held as US (0x1f) through the folding.
 */
static void print_synopsis(FILE *out, const struct lsc_cmd *cmd, unsigned width)
{
	char lead[64], *folded = NULL;
	size_t n = 0;
	const char *synopsis = _(cmd->synopsis);
	FILE *m = open_memstream(&folded, &n);
	if (m == NULL) {
		fprintf(out, _("usage: layerscope %s "), cmd->name);
		fprintf(out, "%s\n", synopsis);
		return;
	}
	snprintf(lead, sizeof lead, _("usage: layerscope %s "), cmd->name);
	for (const char *p = synopsis; *p != '\0';) {
		/* A line after the first is another form, "layerscope CMD ...": it folds under its arguments too. */
		size_t len = strcspn(p, "\n"), blanks = p == synopsis ? 0 : strspn(p, " "), skip = 0;
		char line[512];
		int depth = 0;
		if (p != synopsis) {
			snprintf(lead, sizeof lead, "layerscope %s ", cmd->name);
			if (strncmp(p + blanks, lead, strlen(lead)) == 0)
				skip = strlen(lead);
			else
				lead[0] = '\0';
		}
		snprintf(line, sizeof line, "%.*s", (int)(len - blanks - skip), p + blanks + skip);
		for (char *c = line; *c != '\0'; c++) {
			depth += *c == '[' || *c == '{' ? 1 : *c == ']' || *c == '}' ? -1 : 0;
			if (*c == ' ' && depth > 0)
				*c = '\x1f';
		}
		lsc_print_folded(m, (unsigned)blanks, lead, line, width);
		p += len + (p[len] == '\n');
	}
	fclose(m);
	for (size_t i = 0; i < n; i++)
		if (folded[i] == '\x1f')
			folded[i] = ' ';
	fwrite(folded, 1, n, out);
	free(folded);
}

#define NO_COLUMN UINT_MAX

/*
 * Where the lines under a help line continue it: an option's ("  -c, --count
 * N  stop after...") under its description, past the label and two spaces
 * (or one, where the label fills its column); prose at column 0 at column 0;
 * a heading ("options:") or a blank line has none.
 */
static unsigned help_column(const char *line, size_t len, unsigned width)
{
	size_t lead = strspn(line, " ");
	if (lead >= len || (line[lead] != '-' && line[len - 1] == ':' && lsc_text_cols(line, len) <= width))
		return NO_COLUMN;
	if (lead == 0)
		return 0;
	const char *gap = memmem(line + lead, len - lead, "  ", 2);
	if (gap != NULL)
		return (unsigned)(gap - line + strspn(gap, " "));
	if (line[lead] != '-')
		return NO_COLUMN;
	const char *sp = memchr(line + lead, ' ', len - lead);
	return sp != NULL ? (unsigned)(sp - line + 1) : NO_COLUMN;
}

/*
 * A command's options and notes as written, but for a paragraph with a line
 * wider than `width` (a translation, a narrow terminal): its lines are
 * joined and folded again at spaces, under the paragraph's column.
 */
static void print_help_text(FILE *out, const char *help, unsigned width)
{
	const char *p = help;
	while (*p != '\0') {
		size_t len = strcspn(p, "\n");
		unsigned col = help_column(p, len, width); /* in bytes; */
		size_t colw = col == NO_COLUMN ? 0 : lsc_text_cols(p, col); /* in columns ("SAÍDA") */
		bool wide = lsc_text_cols(p, len) > width;
		const char *end = p + len + (p[len] == '\n');
		while (col != NO_COLUMN && *end != '\0') {
			size_t l = strcspn(end, "\n"), lead = strspn(end, " ");
			if (lead >= l || lead != colw || end[lead] == '-' || end[l - 1] == ':')
				break;
			wide |= lsc_text_cols(end, l) > width;
			end += l + (end[l] == '\n');
		}
		if (!wide || col == NO_COLUMN || col >= len) {
			fwrite(p, 1, (size_t)(end - p), out);
			p = end;
			continue;
		}
		char lead[128], text[2048];
		struct lsc_strbuf b;
		snprintf(lead, sizeof lead, "%.*s", (int)col, p);
		lsc_sb_init(&b, text, sizeof text);
		for (const char *q = p + col; q < end;) {
			size_t l = strcspn(q, "\n");
			lsc_sb_putn(&b, q, l);
			q += l + (q[l] == '\n');
			if (q < end) {
				lsc_sb_putc(&b, ' ');
				q += strspn(q, " ");
			}
		}
		lsc_print_folded(out, 0, lead, text, width);
		p = end;
	}
}

void lsc_print_usage(FILE *to, const struct lsc_cmd *cmd, const char *const *help)
{
	unsigned width = lsc_prose_width(to);
	FILE *out = lsc_ascii_stream(to);
	char *text = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&text, &n);
	print_synopsis(out, cmd, width);
	fputc('\n', out);
	lsc_print_folded(out, 0, "", _(cmd->summary), width);
	fputc('\n', out);
	/* The pieces translated one by one, then folded as one text where a line is too wide. */
	for (; *help != NULL; help++)
		fputs(_(*help), m != NULL ? m : out);
	if (m != NULL) {
		fclose(m);
		print_help_text(out, text, width);
		free(text);
	}
	if (out != to)
		fclose(out);
}

const struct lsc_renderer *lsc_default_renderer(FILE *out)
{
	const struct lsc_renderer *r = lsc_renderer_find(isatty(fileno(out)) ? "tree" : "line");
	return r != NULL ? r : lsc_renderer_find("json");
}

int lsc_teach_option(const struct lsc_cmd *cmd, int opt, const char *arg, struct lsc_teach_opts *t)
{
	unsigned long long v;
	switch (opt) {
	case LSC_OPT_EXPLAIN:
		if (arg == NULL) {
			t->explain = LSC_EXPLAIN_FIRST;
		} else if (lsc_teach_parse_mode(arg, &t->explain) != 0) {
			return lsc_usage_error(cmd, _("--explain wants first, all or none, not '%s'"), arg);
		}
		t->explain_given = true;
		return 0;
	case LSC_OPT_WIDTH:
		if (lsc_parse_u64(arg, 20, 10000, &v))
			return lsc_usage_error(cmd, _("--width wants a number of columns from 20 to 10000, not '%s'"), arg);
		t->width = (unsigned)v;
		return 0;
	case LSC_OPT_UTC:
		t->utc = true;
		return 0;
	default:
		return 1;
	}
}

int lsc_calls_option(int opt, const char *arg, struct lsc_calls_opts *c)
{
	if (opt == LSC_OPT_CALLS)
		c->file = arg;
	else if (opt == LSC_OPT_NO_CALLS)
		c->none = true;
	else
		return 1;
	return 0;
}

int lsc_calls_resolve(const struct lsc_cmd *cmd, const struct lsc_calls_opts *c, const char *capture,
                      struct lsc_calls **out)
{
	char err[LSC_ERRBUF_SIZE];
	*out = NULL;
	if (c->file != NULL && c->none)
		return lsc_usage_error(cmd, _("--calls and --no-calls contradict each other: keep one"));
	if (c->none || (c->file == NULL && strcmp(capture, "-") == 0))
		return LSC_EXIT_OK;
	char *beside = c->file == NULL ? lsc_calls_beside(capture) : NULL;
	const char *path = c->file != NULL ? c->file : beside;
	if (path == NULL)
		return LSC_EXIT_OK;
	*out = lsc_calls_load(path, err);
	free(beside);
	if (*out == NULL)
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, _("cannot read the calls file %s — name another with "
		                "--calls, or use --no-calls"), err);
	return LSC_EXIT_OK;
}

unsigned lsc_term_width(FILE *out)
{
	struct winsize ws;
	unsigned long long v;
	int fd = fileno(out);
	if (fd < 0 || !isatty(fd))
		return 0;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	const char *cols = getenv("COLUMNS");
	if (cols != NULL && lsc_parse_u64(cols, 20, 10000, &v) == 0)
		return (unsigned)v;
	return 80;
}

int lsc_teach_resolve(const struct lsc_teach_opts *t, FILE *out, struct lsc_render_opts *ro)
{
	bool tty = isatty(fileno(out));
	enum lsc_explain_mode mode = t->explain_given ? t->explain : tty ? LSC_EXPLAIN_FIRST : LSC_EXPLAIN_NONE;
	ro->width = t->width != 0 ? t->width : lsc_term_width(out);
	ro->utc = t->utc;
	ro->explain = NULL;
	if (mode == LSC_EXPLAIN_NONE)
		return 0;
	ro->explain = lsc_teach_new(mode);
	return ro->explain != NULL ? 0 : -1;
}

int lsc_pick_renderer(const struct lsc_cmd *cmd, const char *name, const char *const *refused,
                      const char *why, const struct lsc_renderer **out)
{
	char names[160] = "";
	size_t n = 0;
	bool is_refused = false;
	/* Every format but the refused ones, for the message. */
	for (size_t i = 0; lsc_renderer_at(i) != NULL; i++) {
		const char *fmt = lsc_renderer_at(i)->name;
		bool skip = false;
		for (const char *const *r = refused; *r != NULL; r++)
			skip |= strcmp(*r, fmt) == 0;
		is_refused |= skip && strcmp(name, fmt) == 0;
		if (!skip && n < sizeof names)
			n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", n ? ", " : "", fmt);
	}
	if (is_refused)
		return lsc_usage_error(cmd, _("-f %s %s (formats here: %s)"), name, why, names);
	*out = lsc_renderer_find(name);
	if (*out == NULL)
		return lsc_usage_error(cmd, _("unknown format '%s' (formats: %s)"), name, names);
	return 0;
}

int lsc_option_error(const struct lsc_cmd *cmd, char **argv, const char *shorts, const struct option *longs)
{
	const char *arg = argv[optind - 1];
	/* A long option getopt knew (its val in optopt) but could not take: --name, or --name=VALUE. */
	if (optopt != 0 && strncmp(arg, "--", 2) == 0) {
		size_t len = strcspn(arg + 2, "=");
		for (const struct option *o = longs; o->name != NULL; o++) {
			if (o->val != optopt || strncmp(o->name, arg + 2, len) != 0)
				continue;
			if (arg[2 + len] == '=')
				return lsc_usage_error(cmd, _("--%s takes no value: drop '%s'"), o->name, arg + 2 + len);
			return lsc_usage_error(cmd, _("--%s needs a value"), o->name);
		}
	}
	/* A short option; glibc may leave optind on its cluster, so optopt alone names it. */
	if (optopt != 0) {
		const char *p = optopt != ':' ? strchr(shorts, optopt) : NULL;
		if (p != NULL && p[1] == ':' && p[2] != ':')
			return lsc_usage_error(cmd, _("-%c needs a value"), optopt);
		return lsc_usage_error(cmd, _("unknown option '-%c'"), optopt);
	}
	return lsc_usage_error(cmd, _("unknown or ambiguous option '%s'"), arg);
}

/* Whether `w` is one of the options: -X with X in shorts, or --name(=value) with name a long option. */
static bool is_option(const char *w, const char *shorts, const struct option *longs)
{
	if (w[0] != '-' || w[1] == '\0')
		return false;
	if (w[1] == '-') {
		size_t len = strcspn(w + 2, "=");
		for (const struct option *o = longs; o->name != NULL && len > 0; o++)
			if (strncmp(o->name, w + 2, len) == 0 && o->name[len] == '\0')
				return true;
		return false;
	}
	return w[1] != ':' && w[1] != '+' && strchr(shorts, w[1]) != NULL;
}

int lsc_filter_check(const struct lsc_cmd *cmd, int argc, char **argv, const char *shorts,
                     const struct option *longs)
{
	if (optind > 0 && optind <= argc && strcmp(argv[optind - 1], "--") == 0)
		return 0;
	for (int i = optind; i < argc; i++)
		if (is_option(argv[i], shorts, longs))
			return lsc_usage_error(cmd, _("'%s' follows the filter: options go before it, as in "
			                       "tcpdump — move it before '%s'"), argv[i], argv[optind]);
	return 0;
}

bool lsc_tcpdump_option(int opt, struct lsc_pipeline_opts *po)
{
	switch (opt) {
	case 'n':
		return true;
	case 't':
		if (po->ropts.time_format <= LSC_TIME_SINCE_FIRST)
			po->ropts.time_format++; /* LSC_TIME_SINCE_FIRST + 1: too many, refused after */
		return true;
	case 'e':
		po->ropts.link_header = true;
		return true;
	case 'q':
		po->ropts.quiet = true;
		return true;
	case 'l':
	case 'U':
		po->flush_each = true;
		po->ropts.batch = false;
		return true;
	default:
		return false;
	}
}

bool lsc_write_pcapng(const char *path, bool asked)
{
	size_t n = strlen(path);
	return asked || (n >= 7 && strcmp(path + n - 7, ".pcapng") == 0);
}

int lsc_tcpdump_check(const struct lsc_cmd *cmd, const struct lsc_pipeline_opts *po)
{
	if (po->ropts.time_format > LSC_TIME_SINCE_FIRST)
		return lsc_usage_error(cmd, _("-t can be given 1 to 5 times (-t ... -ttttt), as in tcpdump"));
	return 0;
}

int lsc_parse_color(const char *s, enum lsc_color *out)
{
	if (strcmp(s, "auto") == 0)
		*out = LSC_COLOR_AUTO;
	else if (strcmp(s, "always") == 0)
		*out = LSC_COLOR_ALWAYS;
	else if (strcmp(s, "never") == 0)
		*out = LSC_COLOR_NEVER;
	else
		return -1;
	return 0;
}

bool lsc_color_enabled(enum lsc_color c, FILE *fp)
{
	if (c == LSC_COLOR_ALWAYS)
		return true;
	if (c == LSC_COLOR_NEVER)
		return false;
	const char *nc = getenv("NO_COLOR");
	if (nc != NULL && *nc != '\0')
		return false;
	const char *term = getenv("TERM");
	if (term != NULL && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(fp)) != 0;
}

int lsc_parse_u64(const char *s, unsigned long long min, unsigned long long max,
                  unsigned long long *out)
{
	char *end;
	/* Digits only: strtoull() would also take leading blanks and a sign. */
	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int lsc_parse_count(const struct lsc_cmd *cmd, const char *arg, unsigned long long *out)
{
	if (lsc_parse_u64(arg, 1, ~0ull, out) == 0)
		return 0;
	return lsc_usage_error(cmd, _("-c wants a frame count from 1 to %llu, not '%s'"), ~0ull, arg);
}

/* Read by hand, not strtod: a locale with a decimal comma would refuse "0.1" there. */
int lsc_parse_speed(const struct lsc_cmd *cmd, const char *arg, double *out)
{
	double v = 0, scale = 1;
	bool point = false, digit = false;
	const char *p = arg;
	for (; *p != '\0' && v <= 1000; p++) {
		if ((*p == '.' || *p == ',') && !point) {
			point = true;
		} else if (*p >= '0' && *p <= '9') {
			digit = true;
			if (point)
				v += (*p - '0') * (scale /= 10);
			else
				v = v * 10 + (*p - '0');
		} else {
			break;
		}
	}
	if (!digit || *p != '\0' || v > 1000)
		return lsc_usage_error(cmd, _("--speed wants a factor from 0 to 1000 (1: the capture's own timing, "
		                              "0.1: ten times slower, 0: as fast as possible), not '%s'"), arg);
	*out = v;
	return 0;
}

bool lsc_output_gone(FILE *out)
{
	/* Asked of the descriptor, not errno: the write that failed may be long past, and errno reused. */
	struct pollfd p = { .fd = fileno(out), .events = POLLOUT };
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

int lsc_output_done(FILE *out, const char *cmd, int status)
{
	if (fflush(out) == 0 && !ferror(out))
		return status;
	/*
	 * The failed write may be an earlier one (a line-buffered stream fails
	 * at each line, and this flush has nothing left): errno still holds its
	 * cause, as nothing since has set it.
	 */
	int e = errno;
	if (lsc_output_gone(out))
		return LSC_EXIT_OK;
	int mode = fcntl(fileno(out), F_GETFL);
	if (e == EBADF && (mode < 0 || (mode & O_ACCMODE) == O_RDONLY)) /* main() put a read-only stand-in there */
		return lsc_fail(LSC_EXIT_FAILURE, cmd, _("standard output is closed, so nothing could be shown — "
		                "run it with an output (a terminal, '> FILE' or '| less')"));
	return lsc_fail(LSC_EXIT_FAILURE, cmd, _("writing the output: %s — check the disk or device it "
	                "goes to"), e != 0 ? strerror(e) : _("a write failed"));
}

void lsc_catch_stop(void (*fn)(int sig))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
