/* SPDX-License-Identifier: BSD-3-Clause */
/* privdrop.c: giving up root and capabilities once the capture is open, and proving it (capabilities(7)). */
#include <config.h>

#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "capture-int.h"

/*
 * The capability calls go straight to the kernel (capget/capset, version 3:
 * two 32-bit words per set) rather than through libcap: three small calls,
 * no extra library to link, and the drop is verified from /proc anyway.
 */
static int caps_get(uint64_t *permitted, uint64_t *effective)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	memset(d, 0, sizeof d);
	if (syscall(SYS_capget, &h, d) != 0)
		return -1;
	*permitted = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	*effective = (uint64_t)d[1].effective << 32 | d[0].effective;
	return 0;
}

/* Permitted = effective = `keep`, inheritable empty. */
static int caps_set(uint64_t keep)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	memset(d, 0, sizeof d);
	d[0].permitted = d[0].effective = (uint32_t)keep;
	d[1].permitted = d[1].effective = (uint32_t)(keep >> 32);
	return (int)syscall(SYS_capset, &h, d);
}

static unsigned cap_last(void)
{
	unsigned last = 40; /* CAP_CHECKPOINT_RESTORE, Linux 5.9 */
	FILE *fp = fopen("/proc/sys/kernel/cap_last_cap", "r");
	if (fp != NULL) {
		if (fscanf(fp, "%u", &last) != 1 || last > 63)
			last = 40;
		fclose(fp);
	}
	return last;
}

/*
 * Empties the bounding set except `keep`, so nothing this process or a child
 * executes can gain a capability back.  Needs CAP_SETPCAP: a binary given only
 * CAP_NET_RAW,CAP_NET_ADMIN cannot, and relies on no_new_privs instead.
 */
static int bounding_drop(uint64_t keep, char *errbuf)
{
	uint64_t perm, eff;
	if (caps_get(&perm, &eff) != 0 || !(eff & (1ull << CAP_SETPCAP)))
		return 0;
	unsigned last = cap_last();
	for (unsigned c = 0; c <= last; c++) {
		if (keep & (1ull << c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EINVAL) {
			snprintf(errbuf, LSC_ERRBUF_SIZE, "prctl(PR_CAPBSET_DROP, %u): %s", c, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int switch_user(const struct lsc_priv_target *t, bool keep_caps, char *errbuf)
{
	if (prctl(PR_SET_KEEPCAPS, keep_caps ? 1 : 0, 0, 0, 0) != 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "prctl(PR_SET_KEEPCAPS): %s", strerror(errno));
		return -1;
	}
	if (setgroups(0, NULL) != 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "setgroups(0): %s", strerror(errno));
		return -1;
	}
	if (setresgid(t->gid, t->gid, t->gid) != 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "setresgid(%" PRIu32 "): %s", t->gid, strerror(errno));
		return -1;
	}
	if (setresuid(t->uid, t->uid, t->uid) != 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "setresuid(%" PRIu32 "): %s", t->uid, strerror(errno));
		return -1;
	}
	return 0;
}

/* Reads one "Key:\tHEX" line of /proc/self/status. */
static int status_hex(const char *key, uint64_t *v)
{
	char line[256];
	size_t klen = strlen(key);
	int found = -1;
	FILE *fp = fopen("/proc/self/status", "r");
	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof line, fp) != NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			char *end;
			errno = 0;
			*v = strtoull(line + klen + 1, &end, 16);
			found = errno == 0 && end != line + klen + 1 ? 0 : -1;
			break;
		}
	}
	fclose(fp);
	return found;
}

int lsc_priv_verify(uint32_t uid, uint32_t gid, uint64_t caps, char *errbuf)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	if (getresuid(&r, &e, &s) != 0 || r != uid || e != uid || s != uid) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("the user ids are not all %lu after the drop"), (unsigned long)uid);
		return -1;
	}
	if (getresgid(&rg, &eg, &sg) != 0 || rg != gid || eg != gid || sg != gid) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("the group ids are not all %lu after the drop"), (unsigned long)gid);
		return -1;
	}
	static const char *const sets[] = { "CapEff", "CapPrm", "CapInh", "CapAmb" };
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		uint64_t v;
		uint64_t want = i < 2 ? caps : 0;
		/* CapAmb is missing before Linux 4.3: nothing to check there. */
		if (status_hex(sets[i], &v) != 0) {
			if (i == 3)
				continue;
			snprintf(errbuf, LSC_ERRBUF_SIZE, _("cannot read %s from /proc/self/status"), sets[i]);
			return -1;
		}
		if (v != want) {
			snprintf(errbuf, LSC_ERRBUF_SIZE, _("%s is %016llx after the drop, not %016llx"),
			         sets[i], (unsigned long long)v, (unsigned long long)want);
			return -1;
		}
	}
	uint64_t nnp;
	if (status_hex("NoNewPrivs", &nnp) == 0 && nnp != 1) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("no_new_privs is not set after the drop"));
		return -1;
	}
	/* The proof OpenBSD's privsep asks for: root cannot be taken back. */
	if (uid != 0 && (setuid(0) == 0 || setgid(0) == 0)) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("setuid(0) still works after the drop"));
		return -1;
	}
	return 0;
}

int lsc_priv_drop_keep(const struct lsc_priv_target *t, uint64_t keep, char *errbuf)
{
	bool root = geteuid() == 0;
	uint32_t uid = root ? t->uid : (uint32_t)getuid();
	uint32_t gid = root ? t->gid : (uint32_t)getgid();

	if (bounding_drop(keep, errbuf) != 0)
		return -1;
	if (root && switch_user(t, keep != 0, errbuf) != 0)
		return -1;
	/* Not root: a binary with file capabilities runs as its user; the caps are all it has. */
	if (!root && (setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0)) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("giving up a set-user or set-group id: %s"), strerror(errno));
		return -1;
	}
	if (caps_set(keep) != 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "capset: %s", strerror(errno));
		return -1;
	}
	/* Ambient capabilities (Linux 4.3) would survive an exec; EINVAL means the kernel has none. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "prctl(PR_CAP_AMBIENT_CLEAR_ALL): %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		return -1;
	}
	/* Another process of the same user must not ptrace its way to the open capture. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "prctl(PR_SET_DUMPABLE, 0): %s", strerror(errno));
		return -1;
	}
	return lsc_priv_verify(uid, gid, keep, errbuf);
}

int lsc_priv_drop(const struct lsc_priv_target *t, char *report, char *errbuf)
{
	char why[LSC_ERRBUF_SIZE];
	bool root = geteuid() == 0;
	if (lsc_priv_drop_keep(t, 0, why) != 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("dropping privileges failed: %.300s — refusing to decode "
		         "frames with privileges; report this with your distribution and kernel"), why);
		return -1;
	}
	if (root) {
		snprintf(report, LSC_ERRBUF_SIZE,
		         _("dropped privileges to %s (uid %lu, gid %lu), capabilities cleared"),
		         t->user, (unsigned long)t->uid, (unsigned long)t->gid);
	} else {
		struct passwd *pw = getpwuid(getuid());
		snprintf(report, LSC_ERRBUF_SIZE, _("capabilities cleared, staying %s (uid %u): "
		         "switching to another user needs root"), pw != NULL ? pw->pw_name : _("this user"),
		         (unsigned)getuid());
	}
	return 0;
}

const char *lsc_priv_default_user(void)
{
	/* A dedicated account owns nothing else; nobody owns the files of every NFS squash. */
	return getpwnam(LSC_CAPTURE_USER) != NULL ? LSC_CAPTURE_USER : "nobody";
}

int lsc_priv_resolve(const char *user, struct lsc_priv_target *t, char *errbuf)
{
	errno = 0;
	struct passwd *pw = getpwnam(user);
	if (pw == NULL) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("-Z %s: %s — name an existing account, e.g. -Z nobody"),
		         user, errno != 0 ? strerror(errno) : _("no such user"));
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("-Z %s: that is root, which would drop nothing — "
		         "name an unprivileged account, e.g. -Z nobody"), user);
		return -1;
	}
	if (strlen(user) >= sizeof t->user) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("-Z %s: the user name is too long"), user);
		return -1;
	}
	strcpy(t->user, user);
	t->uid = (uint32_t)pw->pw_uid;
	t->gid = (uint32_t)pw->pw_gid;
	return 0;
}
