/* SPDX-License-Identifier: BSD-3-Clause */
/* common.c: error messages, option parsing helpers and the end of the output, shared by the subcommands. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

__attribute__((format(printf, 2, 0)))
static void vmsg(const char *cmd, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "layerscope %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
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
	fprintf(stderr, "usage: layerscope %s %s\n(see 'layerscope %s --help')\n",
	        cmd->name, cmd->synopsis, cmd->name);
	return LSC_EXIT_USAGE;
}

void lsc_print_usage(FILE *out, const struct lsc_cmd *cmd, const char *help)
{
	fprintf(out, "usage: layerscope %s %s\n\n%s\n\n%s", cmd->name, cmd->synopsis,
	        cmd->summary, help);
}

const struct lsc_renderer *lsc_default_renderer(FILE *out)
{
	const struct lsc_renderer *r = lsc_renderer_find(isatty(fileno(out)) ? "tree" : "line");
	return r != NULL ? r : lsc_renderer_find("json");
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
		return lsc_usage_error(cmd, "-f %s %s (formats here: %s)", name, why, names);
	*out = lsc_renderer_find(name);
	if (*out == NULL)
		return lsc_usage_error(cmd, "unknown format '%s' (formats: %s)", name, names);
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
				return lsc_usage_error(cmd, "--%s takes no value: drop '%s'", o->name, arg + 2 + len);
			return lsc_usage_error(cmd, "--%s needs a value", o->name);
		}
	}
	/* A short option; glibc may leave optind on its cluster, so optopt alone names it. */
	if (optopt != 0) {
		const char *p = optopt != ':' ? strchr(shorts, optopt) : NULL;
		if (p != NULL && p[1] == ':' && p[2] != ':')
			return lsc_usage_error(cmd, "-%c needs a value", optopt);
		return lsc_usage_error(cmd, "unknown option '-%c'", optopt);
	}
	return lsc_usage_error(cmd, "unknown or ambiguous option '%s'", arg);
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
	if (s == NULL || *s == '\0' || *s == '-' || *s == '+')
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
	return lsc_usage_error(cmd, "-c wants a frame count from 1 to %llu, not '%s'", ~0ull, arg);
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
	return lsc_fail(LSC_EXIT_FAILURE, cmd, "writing the output: %s — check the disk or device it "
	                "goes to", e != 0 ? strerror(e) : "a write failed");
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
