/* SPDX-License-Identifier: BSD-3-Clause */
/* evloop-epoll.c: the event loop's Linux backend: level-triggered epoll(7). */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>

#include <layerscope/source.h>

#include "../lib/i18n.h"
#include "evloop.h"

#define EVB_MAX 1024 /* events taken per epoll_wait; more wait for the next round */

struct lsc_evb {
	int epfd;
	struct epoll_event ev[EVB_MAX];
};

struct lsc_evb *lsc_evb_new(char *err)
{
	struct lsc_evb *b = malloc(sizeof *b);
	if (b == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("event loop: out of memory"));
		return NULL;
	}
	b->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (b->epfd < 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("epoll_create1: %s — raise the open-file limit (ulimit -n)"),
		         strerror(errno));
		free(b);
		return NULL;
	}
	return b;
}

void lsc_evb_free(struct lsc_evb *b)
{
	if (b == NULL)
		return;
	close(b->epfd);
	free(b);
}

int lsc_evb_set(struct lsc_evb *b, int fd, int old, int mask)
{
	struct epoll_event e = { 0 };
	int op = old == LSC_EV_NONE ? EPOLL_CTL_ADD : mask == LSC_EV_NONE ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
	if (old == LSC_EV_NONE && mask == LSC_EV_NONE)
		return 0;
	if (mask & LSC_EV_READ)
		e.events |= EPOLLIN;
	if (mask & LSC_EV_WRITE)
		e.events |= EPOLLOUT;
	e.data.fd = fd;
	return epoll_ctl(b->epfd, op, fd, &e);
}

int lsc_evb_poll(struct lsc_evb *b, int timeout_ms, struct lsc_ev_fired *out, int max)
{
	if (max > EVB_MAX)
		max = EVB_MAX;
	int n = epoll_wait(b->epfd, b->ev, max, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (int i = 0; i < n; i++) {
		uint32_t e = b->ev[i].events;
		int mask = LSC_EV_NONE;
		if (e & EPOLLIN)
			mask |= LSC_EV_READ;
		if (e & EPOLLOUT)
			mask |= LSC_EV_WRITE;
		/* An error or hang-up wakes both sides: the next recv or send reports it. */
		if (e & (EPOLLERR | EPOLLHUP))
			mask |= LSC_EV_READ | LSC_EV_WRITE;
		out[i].fd = b->ev[i].data.fd;
		out[i].mask = mask;
	}
	return n;
}
