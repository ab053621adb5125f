/* SPDX-License-Identifier: BSD-3-Clause */
/* cmd-quiz.c: `layerscope quiz`: questions about a capture, asked at the terminal or printed as an answer key. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <layerscope/calls.h>
#include <layerscope/flow.h>
#include <layerscope/pipeline.h>
#include <layerscope/quiz.h>
#include <layerscope/source.h>

#include "../render/jsonw.h"
#include "cli.h"

static int run_quiz(int argc, char **argv);

const struct lsc_cmd lsc_cmd_quiz = {
	"quiz",
	/* TRANSLATORS: option names stay; metavariables as in the help below. */
	N_("[-n N] [--seed S] [--answers] [-f text|json] [--calls FILE | --no-calls] CAPTURE"),
	N_("ask questions about a capture: its conversations, ports, layers, handshake and teardown"),
	run_quiz,
};

static const struct option quiz_opts[] = {
	{ "count", required_argument, NULL, 'n' },
	{ "seed", required_argument, NULL, 's' },
	{ "answers", no_argument, NULL, 'a' },
	{ "format", required_argument, NULL, 'f' },
	LSC_CALLS_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void help(const struct lsc_cmd *cmd)
{
	static const char *const text[] = { N_(
		"options:\n"
		"  -n, --count N    ask at most N questions (default 8), one of each kind the\n"
		"                   capture holds before a second of any\n"
		"      --seed S     which questions are drawn: the same S, the same quiz\n"
		"                   (default 1, so a class gets the same quiz twice)\n"
		"      --answers    print the answer key instead of asking\n"
		"  -f, --format F   text (default) or json: one object a question, with its answer\n"
		"                   and evidence (implies --answers)\n"
		"      --calls FILE the socket calls recorded with the capture (default:\n"
		"                   CAPTURE.calls, or NAME.calls beside NAME.pcap, when there is\n"
		"                   one)\n"
		"      --no-calls   ignore such a file\n"
		"  -h, --help       this help\n"
		"\n"
		"At a terminal, quiz asks each question, says right or wrong with the explanation\n"
		"and the frame that proves it, and gives the score at the end.  When standard\n"
		"input is not a terminal, the answers are read from it, one line a question.\n"
		"Questions come from the capture's own conversations (any capture with a TCP or\n"
		"UDP conversation); 'layerscope read -f json CAPTURE' shows each evidence field.\n"), NULL };
	lsc_print_usage(stdout, cmd, text);
}

/* Reads, decodes and tracks every frame into the quiz. */
static int feed(const struct lsc_cmd *cmd, const char *path, struct lsc_quiz *q)
{
	static struct lsc_frame frame; /* large; one per process */
	char err[LSC_ERRBUF_SIZE];
	struct lsc_source *src = lsc_source_open_file(path, err);
	if (src == NULL)
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, "%s", err);
	struct lsc_flow_tracker *t = lsc_flow_new(0);
	int rc = LSC_EXIT_OK, got;
	if (t == NULL) {
		lsc_source_close(src);
		return lsc_fail(LSC_EXIT_FAILURE, cmd->name, _("out of memory for the conversation table"));
	}
	const struct lsc_pipeline p = { .src = src, .flows = t };
	while ((got = lsc_pipeline_next(&p, &frame, err)) > 0)
		lsc_quiz_frame(q, &frame);
	if (got < 0)
		rc = lsc_fail(LSC_EXIT_FAILURE, cmd->name, "%s", err);
	lsc_flow_free(t);
	lsc_source_close(src);
	return rc;
}

static void print_json(FILE *out, const struct lsc_quiz_q *qs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct lsc_json j;
		lsc_json_init(&j, out);
		lsc_json_open(&j, '{');
		lsc_json_key(&j, "n");
		lsc_json_u64(&j, i + 1);
		lsc_json_key(&j, "kind");
		lsc_json_str(&j, qs[i].kind);
		lsc_json_key(&j, "question");
		lsc_json_str(&j, qs[i].question);
		lsc_json_key(&j, "answer");
		lsc_json_str(&j, qs[i].answer);
		lsc_json_key(&j, "explanation");
		lsc_json_str(&j, qs[i].explanation);
		lsc_json_key(&j, "evidence");
		lsc_json_open(&j, '{');
		lsc_json_key(&j, "frame");
		lsc_json_u64(&j, qs[i].frame);
		lsc_json_key(&j, "path");
		lsc_json_str(&j, qs[i].path);
		lsc_json_key(&j, "value");
		/* the value as `read -f json` writes it: a number, or a string in quotes */
		if (qs[i].value[0] == '"')
			lsc_json_strn(&j, qs[i].value + 1, strlen(qs[i].value) - 2);
		else
			lsc_json_u64(&j, strtoull(qs[i].value, NULL, 10));
		lsc_json_close(&j, '}');
		lsc_json_close(&j, '}');
		lsc_json_newline(&j);
	}
}

/*
 * One line of the quiz for a person, folded at spaces to `width` columns:
 * `lead` ("1. ") starts it, or the leading spaces of `text` do; the
 * following lines start under the text.  A final newline is dropped (the
 * folding ends each line).
 */
static void say(FILE *out, unsigned width, const char *lead, const char *text)
{
	char line[2048];
	size_t indent = strspn(text, " ");
	snprintf(line, sizeof line, "%s", text + indent);
	line[strcspn(line, "\n")] = '\0';
	lsc_print_folded(out, (unsigned)indent, lead, line, width);
}

static void print_proof(FILE *out, unsigned width, const struct lsc_quiz_q *qq)
{
	char text[1024];
	snprintf(text, sizeof text, _("   proof: frame %llu, %s = %s ('layerscope read -f json' shows it)\n"),
	         (unsigned long long)qq->frame, qq->path, qq->value);
	say(out, width, "", text);
}

/* The question, numbered, and under it the answer, its explanation and its proof, each folded. */
static void print_question(FILE *out, unsigned width, size_t i, const struct lsc_quiz_q *qq)
{
	char num[24];
	snprintf(num, sizeof num, "%zu. ", i + 1);
	say(out, width, num, qq->question);
}

static void print_key(FILE *out, const struct lsc_quiz_q *qs, size_t n)
{
	unsigned width = lsc_prose_width(out);
	char text[1024];
	for (size_t i = 0; i < n; i++) {
		print_question(out, width, i, &qs[i]);
		snprintf(text, sizeof text, _("   answer: %s\n"), qs[i].answer);
		say(out, width, "", text);
		say(out, width, "   ", qs[i].explanation);
		print_proof(out, width, &qs[i]);
		if (i + 1 < n)
			fputc('\n', out);
	}
}

/* Asks each question, reading one line a reply from `in`; the score at the end. */
static void ask(FILE *out, FILE *in, bool tty, const struct lsc_quiz_q *qs, size_t n)
{
	char line[256], text[1024];
	size_t right = 0, asked = 0;
	unsigned width = lsc_prose_width(out);
	if (tty) {
		snprintf(text, sizeof text, P_("%zu question about this capture. Type your answer and press Enter "
		                               "(Ctrl-D stops).\n", "%zu questions about this capture. Type your answer "
		                               "and press Enter (Ctrl-D stops).\n", n), n);
		say(out, width, "", text);
	}
	for (size_t i = 0; i < n; i++) {
		fputc('\n', out);
		print_question(out, width, i, &qs[i]);
		fputs("> ", out);
		fflush(out);
		if (fgets(line, sizeof line, in) == NULL) {
			fputc('\n', out);
			break;
		}
		if (strchr(line, '\n') == NULL) { /* a reply longer than the line: the rest is dropped */
			int ch;
			while ((ch = getc(in)) != EOF && ch != '\n')
				;
		}
		asked++;
		if (!tty) /* the reply did not echo: show what was read */
			fprintf(out, "%s", line[0] != '\0' && strchr(line, '\n') != NULL ? line : "\n");
		if (lsc_quiz_check(&qs[i], line)) {
			right++;
			snprintf(text, sizeof text, _("Right: %s.\n"), qs[i].answer);
		} else {
			snprintf(text, sizeof text, _("Not quite: the answer is %s.\n"), qs[i].answer);
		}
		say(out, width, "", text);
		say(out, width, "   ", qs[i].explanation);
		print_proof(out, width, &qs[i]);
	}
	fprintf(out, P_("\nScore: %zu of %zu question right.\n", "\nScore: %zu of %zu questions right.\n", asked),
	        right, asked);
}

static int run_quiz(int argc, char **argv)
{
	const struct lsc_cmd *cmd = &lsc_cmd_quiz;
	unsigned long long count = LSC_QUIZ_DEFAULT_COUNT, seed = LSC_QUIZ_DEFAULT_SEED;
	bool answers = false, json = false;
	struct lsc_calls_opts co = { 0 };
	int opt;

	optind = 1;
	static const char shorts[] = "n:f:h";
	while ((opt = getopt_long(argc, argv, shorts, quiz_opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (lsc_parse_u64(optarg, 1, 1000, &count))
				return lsc_usage_error(cmd, _("-n wants a number of questions from 1 to 1000, not '%s'"),
				                       optarg);
			break;
		case 's':
			if (lsc_parse_u64(optarg, 0, UINT64_MAX, &seed))
				return lsc_usage_error(cmd, _("--seed wants a whole number >= 0, not '%s'"), optarg);
			break;
		case 'a':
			answers = true;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") != 0)
				return lsc_usage_error(cmd, _("unknown format '%s' (formats: text, json)"), optarg);
			break;
		case 'h':
			help(cmd);
			return LSC_EXIT_OK;
		default:
			if (lsc_calls_option(opt, optarg, &co) == 0)
				break;
			return lsc_option_error(cmd, argv, shorts, quiz_opts);
		}
	}
	if (optind >= argc)
		return lsc_usage_error(cmd, _("no capture file given"));
	if (optind + 1 < argc)
		return lsc_usage_error(cmd, _("one capture at a time: '%s' is one too many (quiz takes no filter)"),
		                       argv[optind + 1]);
	const char *path = argv[optind];
	struct lsc_calls *calls = NULL;
	int rc = lsc_calls_resolve(cmd, &co, path, &calls);
	if (rc != LSC_EXIT_OK)
		return rc;

	struct lsc_quiz *q = lsc_quiz_new();
	struct lsc_quiz_q *qs = calloc(count, sizeof *qs);
	if (q == NULL || qs == NULL) {
		rc = lsc_fail(LSC_EXIT_FAILURE, cmd->name, _("out of memory"));
		goto out;
	}
	if ((rc = feed(cmd, path, q)) != LSC_EXIT_OK)
		goto out;
	for (size_t i = 0; calls != NULL && i < calls->n; i++)
		lsc_quiz_call(q, &calls->v[i]);
	/* JSON stays English whatever the locale: machine output (DESIGN.md). */
	size_t n = lsc_quiz_draw(q, count, seed, !json, qs);
	if (n == 0) {
		rc = lsc_fail(LSC_EXIT_FAILURE, cmd->name, _("nothing to ask about %s: %s"), path,
		              _(lsc_quiz_empty_why(q)));
		goto out;
	}
	if (json)
		print_json(stdout, qs, n);
	else if (answers) {
		FILE *o = lsc_ascii_stream(stdout); /* text for people: ASCII on a terminal that is not UTF-8 */
		print_key(o, qs, n);
		if (o != stdout)
			fclose(o);
	}
	else if (strcmp(path, "-") == 0)
		rc = lsc_usage_error(cmd, _("the capture came on standard input, so the answers cannot: use "
		                            "--answers or -f json, or give the capture as a file"));
	else {
		FILE *o = lsc_ascii_stream(stdout);
		ask(o, stdin, isatty(STDIN_FILENO), qs, n);
		if (o != stdout)
			fclose(o);
	}
	if (rc == LSC_EXIT_OK)
		rc = lsc_output_done(stdout, cmd->name, LSC_EXIT_OK);
out:
	lsc_calls_free(calls);
	free(qs);
	lsc_quiz_free(q);
	return rc;
}
