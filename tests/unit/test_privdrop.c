/* SPDX-License-Identifier: BSD-3-Clause */
/* test_privdrop.c: the privilege drop: user lookup, the drop to nobody, keeping chosen capabilities, the file-capability case, and its verification. */
#include <config.h>

#include <pwd.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include <layerscope/source.h>

#include "unit.h"
#include "../../src/capture/capture-int.h"

/* Child exit codes: which check failed. */
enum { OK = 0, DROP_FAILED = 10, REPORT_WRONG, IDS_WRONG, SETUID_WORKS, CAPS_WRONG, BOUNDING_WRONG };

static int status_hex(const char *key, unsigned long long *v)
{
	char line[256];
	size_t klen = strlen(key);
	FILE *fp = fopen("/proc/self/status", "r");
	if (fp == NULL)
		return -1;
	int rc = -1;
	while (fgets(line, sizeof line, fp) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			rc = sscanf(line + klen + 1, "%llx", v) == 1 ? 0 : -1;
			break;
		}
	fclose(fp);
	return rc;
}

/* Runs `fn` in a child (the drop is for good) and returns its exit code. */
static int in_child(int (*fn)(const struct lsc_priv_target *), const struct lsc_priv_target *t)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn(t));
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void need_root(void)
{
	if (geteuid() != 0)
		skip();
}

static void nobody(struct lsc_priv_target *t)
{
	char err[LSC_ERRBUF_SIZE];
	assert_int_equal(lsc_priv_resolve("nobody", t, err), 0);
}

static void test_resolve(void **state)
{
	(void)state;
	struct lsc_priv_target t;
	char err[LSC_ERRBUF_SIZE];
	struct passwd *pw = getpwnam("nobody");
	assert_non_null(pw);
	nobody(&t);
	assert_string_equal(t.user, "nobody");
	assert_int_equal(t.uid, pw->pw_uid);
	assert_int_equal(t.gid, pw->pw_gid);

	assert_int_equal(lsc_priv_resolve("root", &t, err), -1);
	assert_non_null(strstr(err, "root"));
	assert_int_equal(lsc_priv_resolve("no-such-user-layerscope", &t, err), -1);
	assert_non_null(strstr(err, "no such user"));
	assert_non_null(strstr(err, "-Z nobody"));
}

static void test_verify_refuses_root(void **state)
{
	(void)state;
	char err[LSC_ERRBUF_SIZE];
	need_root();
	/* Still root with every capability: nothing was dropped. */
	assert_int_equal(lsc_priv_verify(0, 0, 0, err), -1);
	assert_non_null(strstr(err, "CapEff"));
	assert_int_equal(lsc_priv_verify(65534, 65534, 0, err), -1);
	assert_non_null(strstr(err, "user ids"));
}

static int drop_all(const struct lsc_priv_target *t)
{
	char report[LSC_ERRBUF_SIZE], err[LSC_ERRBUF_SIZE];
	unsigned long long v;
	if (lsc_priv_drop(t, report, err) != 0)
		return DROP_FAILED;
	if (strstr(report, "dropped privileges to nobody (uid ") == NULL ||
	    strstr(report, "capabilities cleared") == NULL)
		return REPORT_WRONG;
	uid_t r, e, s;
	if (getresuid(&r, &e, &s) != 0 || r != t->uid || e != t->uid || s != t->uid ||
	    getgid() != t->gid || getgroups(0, NULL) != 0)
		return IDS_WRONG;
	if (setuid(0) == 0)
		return SETUID_WORKS;
	if (status_hex("CapEff", &v) != 0 || v != 0 || status_hex("CapPrm", &v) != 0 || v != 0)
		return CAPS_WRONG;
	if (status_hex("CapBnd", &v) != 0 || v != 0)
		return BOUNDING_WRONG;
	return OK;
}

static void test_drop_to_nobody(void **state)
{
	(void)state;
	struct lsc_priv_target t;
	need_root();
	nobody(&t);
	assert_int_equal(in_child(drop_all, &t), OK);
}

#define NET_CAPS ((1ull << CAP_NET_RAW) | (1ull << CAP_NET_ADMIN))

static int drop_keeping_net(const struct lsc_priv_target *t)
{
	char err[LSC_ERRBUF_SIZE];
	unsigned long long v;
	if (lsc_priv_drop_keep(t, NET_CAPS, err) != 0)
		return DROP_FAILED;
	if (getuid() != t->uid)
		return IDS_WRONG;
	if (status_hex("CapEff", &v) != 0 || v != NET_CAPS || status_hex("CapBnd", &v) != 0 || v != NET_CAPS)
		return CAPS_WRONG;
	return OK;
}

static void test_drop_keeping_capabilities(void **state)
{
	(void)state;
	struct lsc_priv_target t;
	need_root();
	nobody(&t);
	assert_int_equal(in_child(drop_keeping_net, &t), OK);
}

/* A binary given CAP_NET_RAW,CAP_NET_ADMIN by setcap, run by an ordinary user: clears them, stays that user. */
static int drop_from_file_caps(const struct lsc_priv_target *t)
{
	char report[LSC_ERRBUF_SIZE], err[LSC_ERRBUF_SIZE];
	unsigned long long v;
	int rc = drop_keeping_net(t);
	if (rc != OK)
		return rc;
	struct lsc_priv_target other = { "daemon", 1, 1 };
	if (lsc_priv_drop(&other, report, err) != 0)
		return DROP_FAILED;
	if (strstr(report, "capabilities cleared, staying nobody") == NULL)
		return REPORT_WRONG;
	if (getuid() != t->uid || geteuid() != t->uid)
		return IDS_WRONG;
	if (status_hex("CapEff", &v) != 0 || v != 0 || status_hex("CapPrm", &v) != 0 || v != 0)
		return CAPS_WRONG;
	return OK;
}

static void test_drop_without_root(void **state)
{
	(void)state;
	struct lsc_priv_target t;
	need_root();
	nobody(&t);
	assert_int_equal(in_child(drop_from_file_caps, &t), OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_verify_refuses_root),
		cmocka_unit_test(test_drop_to_nobody),
		cmocka_unit_test(test_drop_keeping_capabilities),
		cmocka_unit_test(test_drop_without_root),
	};
	return cmocka_run_group_tests_name("privdrop", tests, NULL, NULL);
}
