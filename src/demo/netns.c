/* SPDX-License-Identifier: BSD-3-Clause */
/* netns.c: the demo's hosts: user and network namespaces, a veth pair (rtnetlink, RFC 3549), addresses. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "demo-int.h"

/* ---- user namespace --------------------------------------------------------- */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	int saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

int demo_userns_enter(char *why)
{
	char map[64];
	unsigned uid = (unsigned)getuid(), gid = (unsigned)getgid();
	FILE *fp = fopen("/proc/sys/kernel/unprivileged_userns_clone", "re");
	if (fp != NULL) {
		/* Debian's switch, older kernels: 0 forbids what unshare would refuse anyway, say so first. */
		int on = fgetc(fp);
		fclose(fp);
		if (on == '0') {
			snprintf(why, LSC_ERRBUF_SIZE, _("this system forbids unprivileged user namespaces "
			         "(kernel.unprivileged_userns_clone = 0)"));
			return -1;
		}
	}
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
		snprintf(why, LSC_ERRBUF_SIZE, _("a user namespace is not allowed here "
		         "(unshare(CLONE_NEWUSER|CLONE_NEWNET): %s)"), strerror(errno));
		return -1;
	}
	/* Map this user to itself: the ids stay what they were, the capabilities are the namespace's. */
	snprintf(map, sizeof map, "%u %u 1\n", uid, uid);
	if (write_file("/proc/self/setgroups", "deny") != 0 ||
	    write_file("/proc/self/uid_map", map) != 0) {
		snprintf(why, LSC_ERRBUF_SIZE, _("writing the user namespace's id map: %s"), strerror(errno));
		return -1;
	}
	snprintf(map, sizeof map, "%u %u 1\n", gid, gid);
	if (write_file("/proc/self/gid_map", map) != 0) {
		snprintf(why, LSC_ERRBUF_SIZE, _("writing the user namespace's group map: %s"), strerror(errno));
		return -1;
	}
	return demo_lo_up(why);
}

/* ---- interfaces: ioctls on a socket of the current namespace ------------------ */

static int if_up(const char *ifname, const char *addr, char *err)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		snprintf(err, LSC_ERRBUF_SIZE, "socket(AF_INET): %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	if (addr != NULL) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
		sin->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &sin->sin_addr);
		if (ioctl(s, SIOCSIFADDR, &ifr) != 0)
			goto fail;
		inet_pton(AF_INET, "255.255.255.0", &sin->sin_addr);
		if (ioctl(s, SIOCSIFNETMASK, &ifr) != 0)
			goto fail;
	}
	if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		goto fail;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
		goto fail;
	close(s);
	return 0;
fail:
	if (addr != NULL)
		snprintf(err, LSC_ERRBUF_SIZE, _("setting up %s with %s: %s"), ifname, addr, strerror(errno));
	else
		snprintf(err, LSC_ERRBUF_SIZE, _("setting up %s: %s"), ifname, strerror(errno));
	close(s);
	return -1;
}

int demo_lo_up(char *err)
{
	return if_up("lo", NULL, err);
}

/* ---- the veth pair: one RTM_NEWLINK ------------------------------------------ */

struct nlreq {
	struct nlmsghdr h;
	char buf[1024];
};

static struct rtattr *attr_put(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(r->h.nlmsg_len);
	struct rtattr *a = (struct rtattr *)((char *)&r->h + off);
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len > 0)
		memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = (uint32_t)(off + RTA_ALIGN(a->rta_len));
	return a;
}

static void nest_end(struct nlreq *r, struct rtattr *a)
{
	a->rta_len = (unsigned short)((char *)&r->h + r->h.nlmsg_len - (char *)a);
}

static void put_ifinfo(struct nlreq *r)
{
	struct ifinfomsg ifi;
	memset(&ifi, 0, sizeof ifi);
	ifi.ifi_family = AF_UNSPEC;
	size_t off = NLMSG_ALIGN(r->h.nlmsg_len);
	memcpy((char *)&r->h + off, &ifi, sizeof ifi);
	r->h.nlmsg_len = (uint32_t)(off + NLMSG_ALIGN(sizeof ifi));
}

/* Sends one request and reads its acknowledgement: 0, or -1 with errno set from it. */
static int rtnl_talk(struct nlreq *r)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char ack[512];
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s < 0)
		return -1;
	if (sendto(s, &r->h, r->h.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof sa) < 0)
		goto fail;
	ssize_t n;
	do
		n = recv(s, ack, sizeof ack, 0);
	while (n < 0 && errno == EINTR);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)))
		goto fail;
	const struct nlmsghdr *h = (const struct nlmsghdr *)ack;
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(h);
		if (e->error != 0) {
			close(s);
			errno = -e->error;
			return -1;
		}
	}
	close(s);
	return 0;
fail:;
	int saved = errno ? errno : EPROTO;
	close(s);
	errno = saved;
	return -1;
}

/*
 * `ip link add A netns X type veth peer name B netns Y`: one message, the
 * peer's own ifinfomsg and attributes nested in IFLA_INFO_DATA.
 */
static int veth_create(const char *a, int a_ns, const char *b, int b_ns, char *err)
{
	struct nlreq r;
	memset(&r, 0, sizeof r);
	r.h.nlmsg_len = NLMSG_LENGTH(0);
	r.h.nlmsg_type = RTM_NEWLINK;
	r.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	r.h.nlmsg_seq = 1;
	put_ifinfo(&r);
	attr_put(&r, IFLA_IFNAME, a, strlen(a) + 1);
	uint32_t fd = (uint32_t)a_ns;
	attr_put(&r, IFLA_NET_NS_FD, &fd, sizeof fd);
	struct rtattr *info = attr_put(&r, IFLA_LINKINFO, NULL, 0);
	attr_put(&r, IFLA_INFO_KIND, "veth", 4);
	struct rtattr *data = attr_put(&r, IFLA_INFO_DATA, NULL, 0);
	struct rtattr *peer = attr_put(&r, VETH_INFO_PEER, NULL, 0);
	put_ifinfo(&r);
	attr_put(&r, IFLA_IFNAME, b, strlen(b) + 1);
	fd = (uint32_t)b_ns;
	attr_put(&r, IFLA_NET_NS_FD, &fd, sizeof fd);
	nest_end(&r, peer);
	nest_end(&r, data);
	nest_end(&r, info);
	if (rtnl_talk(&r) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("creating the veth pair %s–%s (rtnetlink RTM_NEWLINK): %s%s"),
		         a, b, strerror(errno), errno == EOPNOTSUPP ? _(" — this kernel has no veth (CONFIG_VETH)") : "");
		return -1;
	}
	return 0;
}

/* ---- the two hosts ------------------------------------------------------------ */

int demo_net_enter(int fd, const char *which, char *err)
{
	if (setns(fd, CLONE_NEWNET) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("entering the %s's network namespace (setns): %s"), which,
		         strerror(errno));
		return -1;
	}
	return 0;
}

/* A new, empty network namespace, kept by descriptor; the thread returns home after. */
static int new_netns(int home, char *err)
{
	if (unshare(CLONE_NEWNET) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("creating a network namespace (unshare(CLONE_NEWNET)): %s%s"),
		         strerror(errno), errno == EPERM ? _(" — run as root (sudo)") : "");
		return -1;
	}
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		snprintf(err, LSC_ERRBUF_SIZE, _("opening /proc/thread-self/ns/net: %s"), strerror(errno));
	if (demo_net_enter(home, "demo", err) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int host_setup(int fd, const char *which, const char *ifname, const char *addr, int home,
                      char *err)
{
	if (demo_net_enter(fd, which, err) != 0)
		return -1;
	int rc = demo_lo_up(err) == 0 && if_up(ifname, addr, err) == 0 ? 0 : -1;
	if (demo_net_enter(home, "demo", err) != 0)
		return -1;
	return rc;
}

int demo_net_hosts(struct demo_net *n, char *err)
{
	n->server_fd = n->client_fd = -1;
	n->home_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (n->home_fd < 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("opening /proc/thread-self/ns/net: %s"), strerror(errno));
		return -1;
	}
	/* New namespaces start with an empty neighbour cache: ARP has to ask before the first SYN. */
	if ((n->server_fd = new_netns(n->home_fd, err)) < 0 ||
	    (n->client_fd = new_netns(n->home_fd, err)) < 0 ||
	    veth_create(DEMO_SERVER_IF, n->server_fd, DEMO_CLIENT_IF, n->client_fd, err) != 0 ||
	    host_setup(n->server_fd, "server", DEMO_SERVER_IF, DEMO_SERVER_ADDR, n->home_fd, err) != 0 ||
	    host_setup(n->client_fd, "client", DEMO_CLIENT_IF, DEMO_CLIENT_ADDR, n->home_fd, err) != 0) {
		demo_net_close(n);
		return -1;
	}
	return 0;
}

void demo_net_close(struct demo_net *n)
{
	if (n->server_fd >= 0)
		close(n->server_fd);
	if (n->client_fd >= 0)
		close(n->client_fd);
	if (n->home_fd >= 0)
		close(n->home_fd);
	n->server_fd = n->client_fd = n->home_fd = -1;
}
