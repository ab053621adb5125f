/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_calls.c: libFuzzer target: any bytes as a .calls file, loaded, written back line by line and read again. */
#define _GNU_SOURCE
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <layerscope/calls.h>
#include <layerscope/source.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input is the whole file (`make fuzz-seeds` copies captures/*.calls as
 * seeds).  lsc_calls_load reads it from a memfd, as it reads any path; then
 * every call it kept is written as a .calls line (lsc_calls_write), which
 * must read back (lsc_call_parse) as the same call: the same text, the
 * role's first word, the time to the microsecond the line keeps.  Each call
 * is also added to a second set as the live demo adds them (lsc_calls_add).
 * A call that does not come back aborts.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[LSC_ERRBUF_SIZE];
	int fd = memfd_create("fuzz-calls", 0);
	if (fd < 0)
		return 0;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct lsc_calls *cs = lsc_calls_load(path, err);
	close(fd);
	if (cs == NULL)
		return 0;
	struct lsc_calls live = { 0 };
	for (size_t i = 0; i < cs->n; i++) {
		const struct lsc_call *c = &cs->v[i];
		char *line = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&line, &len);
		if (m == NULL)
			break;
		lsc_calls_write(m, c->ns, c->role, c->text);
		fclose(m);
		struct lsc_call back;
		size_t role_len = strcspn(c->role, " ");
		if (!lsc_call_parse(line, &back) || back.ns != c->ns - c->ns % 1000 ||
		    strcmp(back.text, c->text) != 0 || strlen(back.role) != role_len ||
		    strncmp(back.role, c->role, role_len) != 0)
			abort(); /* a call written does not read back */
		free(line);
		if (lsc_calls_add(&live, c) != 0)
			break;
	}
	free(live.v);
	lsc_calls_free(cs);
	return 0;
}
