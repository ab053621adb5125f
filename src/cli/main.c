/* SPDX-License-Identifier: BSD-3-Clause */
/* main.c: the layerscope command: finds the subcommand in the table and runs it. */
#include <config.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

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

static void usage(FILE *out)
{
	fprintf(out, "%s\n\n%s\n\n%s\n", _("usage: layerscope COMMAND [OPTIONS] [ARGS]"),
	        _("Shows the TCP/IP layers of every frame an echo server and client exchange."),
	        _("commands:"));
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-8s %s\n", commands[i]->name, _(commands[i]->summary));
	fprintf(out, "\n%s\n", _("'layerscope COMMAND --help' shows a command's options; "
	                          "'man layerscope' the whole manual."));
}

int main(int argc, char **argv)
{
	lsc_i18n_init();
#ifdef ENABLE_NLS
	textdomain(PACKAGE);
#endif
	/* A closed pipe is reported as a write error (EPIPE), handled per command. */
	signal(SIGPIPE, SIG_IGN);
	/* The commands say what is wrong with an option themselves (lsc_option_error). */
	opterr = 0;

	if (argc < 2) {
		usage(stderr);
		return LSC_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return LSC_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return LSC_EXIT_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i]->name) == 0)
			return commands[i]->run(argc - 1, argv + 1);

	fprintf(stderr, _("layerscope: unknown command '%s'\n\n"), argv[1]);
	usage(stderr);
	return LSC_EXIT_USAGE;
}
