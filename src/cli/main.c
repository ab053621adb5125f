/* SPDX-License-Identifier: BSD-3-Clause */
/* main.c: the layerscope command: finds the subcommand in the table and runs it. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <layerscope/strbuf.h>

#include "cli.h"

static const struct lsc_cmd *const commands[] = {
	&lsc_cmd_read,
	/* @live */
	&lsc_cmd_live,
	/* @report */
	&lsc_cmd_report,
	/* @server */
	&lsc_cmd_server,
	/* @client */
	&lsc_cmd_client,
	/* @craft */
	&lsc_cmd_craft,
	/* @demo */
	&lsc_cmd_demo,
	/* @quiz */
	&lsc_cmd_quiz,
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *to)
{
	FILE *out = lsc_ascii_stream(to);
	unsigned width = lsc_prose_width(to);
	fprintf(out, "%s\n\n", _("usage: layerscope COMMAND [OPTIONS] [ARGS]"));
	lsc_print_folded(out, 0, "", _("Shows the TCP/IP layers of every frame an echo server and client exchange."),
	                 width);
	fprintf(out, "\n%s\n", _("commands:"));
	for (size_t i = 0; i < NCOMMANDS; i++) {
		char name[16];
		snprintf(name, sizeof name, "%-8s ", commands[i]->name);
		lsc_print_folded(out, 2, name, _(commands[i]->summary), width);
	}
	fputc('\n', out);
	lsc_print_folded(out, 0, "", _("'layerscope COMMAND --help' shows a command's options; "
	                               "'man layerscope' the whole manual."), width);
	if (out != to)
		fclose(out);
}

/*
 * A standard descriptor the caller closed (`>&-`) gets a read-only stand-in
 * on /dev/null: else the next file opened would take its number, and the
 * frames shown would be written into a capture.  Writes to the stand-in
 * fail with EBADF, which lsc_output_done() names.
 */
static void hold_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int got = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
		if (got >= 0 && got != fd) /* a lower one was closed too: it is filled first */
			close(got);
	}
}

int main(int argc, char **argv)
{
	hold_std_fds();
	lsc_i18n_init();
#ifdef ENABLE_NLS
	textdomain(PACKAGE);
#endif
	/* Messages are for people: ASCII on a terminal that is not UTF-8 (i18n.c's one table). */
	stderr = lsc_ascii_stream(stderr);
	/* A closed pipe is reported as a write error (EPIPE), handled per command. */
	signal(SIGPIPE, SIG_IGN);
	/* The commands say what is wrong with an option themselves (lsc_option_error). */
	opterr = 0;

	if (argc < 2) {
		usage(stderr);
		return LSC_EXIT_USAGE;
	}
	/*
	 * Whatever a command left in stdout's buffer (its --help, a last line)
	 * is written here: a failure then (a full disk) is an exit 1 too.
	 */
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return lsc_output_done(stdout, "--help", LSC_EXIT_OK);
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return lsc_output_done(stdout, "--version", LSC_EXIT_OK);
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i]->name) != 0)
			continue;
		int rc = commands[i]->run(argc - 1, argv + 1);
		return rc == LSC_EXIT_OK ? lsc_output_done(stdout, commands[i]->name, rc) : rc;
	}

	char shown[LSC_ESC_MAX(64)];
	lsc_escape(shown, argv[1], strnlen(argv[1], 64), LSC_ESC_UTF8);
	fprintf(stderr, _("layerscope: unknown command '%s'\n\n"), shown);
	usage(stderr);
	return LSC_EXIT_USAGE;
}
