/* SPDX-License-Identifier: BSD-3-Clause */
/* live.c: live capture from an interface (pcap_create / pcap_activate), -w output, counts, the interface list. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_packet.h>

#include "capture-int.h"

#define LIVE_DEFAULT_IFACE   "lo"
#define LIVE_DEFAULT_SNAPLEN 262144u
/*
 * Frames come in blocks (TPACKET_V3) that the kernel hands over when full or
 * after LIVE_BLOCK_MS: a person sees each frame within 25 ms, and a burst costs
 * one wakeup, not one per frame.  On lo a block is 128 KiB (it must hold a
 * 64 KiB frame), so the ring holds buffer / 128 KiB blocks; 8 MiB is 64
 * blocks, 1.6 s of light traffic, enough to ride out a slow owner lookup.
 * tcpdump keeps 2 MiB, but does less with each frame.
 */
#define LIVE_BLOCK_MS        25
#define LIVE_DEFAULT_KIB     8192u
/* Immediate mode (TPACKET_V2) spends a whole slot per frame, 128 KiB on lo. */
#define LIVE_IMMEDIATE_MS    200

/* The fix that goes with every "not permitted": the same words in the docs and the tests. */
#define PERM_FIX N_("run as root, or grant CAP_NET_RAW,CAP_NET_ADMIN to one group only: " \
	"sudo make install-capture-group, then join the group layerscope (a plain " \
	"'setcap cap_net_raw,cap_net_admin=eip' on the binary lets every local user capture and spoof)")

/* Turns pcap_activate's error into the cause and the fix. */
static void activate_error(char *errbuf, const char *iface, int rc, const char *pcaperr)
{
	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		snprintf(errbuf, LSC_ERRBUF_SIZE,
		         _("%s: no such interface — list them with 'layerscope live -L'"), iface);
		break;
	case PCAP_ERROR_PERM_DENIED:
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("%.64s: permission denied (%.120s) — %s"),
		         iface, pcaperr, _(PERM_FIX));
		break;
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		snprintf(errbuf, LSC_ERRBUF_SIZE,
		         _("%.64s: promiscuous mode not permitted (%.120s) — leave out --promisc, or %s"),
		         iface, pcaperr, _(PERM_FIX));
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		snprintf(errbuf, LSC_ERRBUF_SIZE,
		         _("%s: the interface is down — bring it up with 'ip link set %s up'"),
		         iface, iface);
		break;
	case PCAP_ERROR_RFMON_NOTSUP:
	case PCAP_ERROR_NOT_RFMON:
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("%s: monitor mode is not supported (%s)"),
		         iface, pcaperr);
		break;
	default:
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("%s: cannot start the capture: %s%s%s"), iface,
		         pcap_statustostr(rc), *pcaperr ? ": " : "", pcaperr);
		break;
	}
}

/* Turns pcap_activate's warning into a sentence; the capture goes on. */
static void activate_warning(char *warning, const char *iface, int rc, const char *pcaperr)
{
	switch (rc) {
	case PCAP_WARNING_PROMISC_NOTSUP:
		snprintf(warning, LSC_ERRBUF_SIZE,
		         _("%s: promiscuous mode is not supported here (%s); capturing without it"),
		         iface, pcaperr);
		break;
	case PCAP_WARNING_TSTAMP_TYPE_NOTSUP:
		snprintf(warning, LSC_ERRBUF_SIZE,
		         _("%s: the time stamp type asked for is not supported; using the default"), iface);
		break;
	default:
		snprintf(warning, LSC_ERRBUF_SIZE, "%s: %s%s%s", iface, pcap_statustostr(rc),
		         *pcaperr ? ": " : "", pcaperr);
		break;
	}
}

/* The settings pcap_activate applies; each can only fail on an already active handle. */
static int configure(pcap_t *p, const struct lsc_live_opts *o, const char *iface, char *errbuf)
{
	uint32_t snaplen = o->snaplen ? o->snaplen : LIVE_DEFAULT_SNAPLEN;
	uint32_t kib = o->buffer_kib ? o->buffer_kib : LIVE_DEFAULT_KIB;
	int rc = pcap_set_snaplen(p, (int)snaplen);
	if (rc == 0)
		rc = pcap_set_promisc(p, o->promisc ? 1 : 0);
	if (rc == 0)
		rc = pcap_set_timeout(p, o->immediate ? LIVE_IMMEDIATE_MS : LIVE_BLOCK_MS);
	if (rc == 0)
		rc = pcap_set_immediate_mode(p, o->immediate ? 1 : 0);
	if (rc == 0)
		rc = pcap_set_buffer_size(p, (int)(kib * 1024u));
	if (rc != 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("%s: cannot configure the capture: %s"), iface,
		         pcap_statustostr(rc));
		return -1;
	}
	/* Nanoseconds where the kernel has them; the microsecond default otherwise. */
	(void)pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	return 0;
}

struct lsc_source *lsc_source_open_live(const struct lsc_live_opts *o, char *warning, char *errbuf)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	const char *iface = o->iface != NULL ? o->iface : LIVE_DEFAULT_IFACE;

	warning[0] = '\0';
	pcap_t *p = pcap_create(iface, perr);
	if (p == NULL) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("%s: cannot create the capture: %s"), iface, perr);
		return NULL;
	}
	if (configure(p, o, iface, errbuf) != 0) {
		pcap_close(p);
		return NULL;
	}
	int rc = pcap_activate(p);
	if (rc < 0) {
		/* pcap_geterr says more than the status for most errors (the failing call). */
		snprintf(perr, sizeof perr, "%s", pcap_geterr(p));
		activate_error(errbuf, iface, rc, perr);
		pcap_close(p);
		return NULL;
	}
	if (rc > 0)
		activate_warning(warning, iface, rc, pcap_geterr(p));

	bool nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	struct lsc_source *s = lsc_source_wrap(p, iface, true, nano ? 9 : 6, errbuf);
	if (s == NULL)
		pcap_close(p);
	return s;
}

int lsc_source_write_fd(struct lsc_source *s, int fd, const char *path, char *errbuf)
{
	FILE *fp = NULL;
	if (s->dumper != NULL) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("%s: the capture is already written to a file"), path);
		goto fail;
	}
	if ((s->write_path = strdup(path)) == NULL || (fp = fdopen(fd, "wb")) == NULL) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("writing the capture to %s: %s"), path, strerror(errno));
		goto fail;
	}
	s->dumper = pcap_dump_fopen(s->pcap, fp);
	if (s->dumper == NULL) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("writing the capture to %s: %s"), path, pcap_geterr(s->pcap));
		fclose(fp);
		return -1;
	}
	return 0;
fail:
	if (fp != NULL)
		fclose(fp);
	else
		close(fd);
	return -1;
}

int lsc_source_write_to(struct lsc_source *s, const char *path, char *errbuf)
{
	/*
	 * 0600 for a new file, as dumpcap: a capture holds other people's
	 * traffic.  A file that exists keeps its mode and owner (never chmod a
	 * file the user named); a path the user named may be a symlink.
	 */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("cannot write the capture to %s: %s — check the path "
		         "and that its directory is writable"), path, strerror(errno));
		return -1;
	}
	return lsc_source_write_fd(s, fd, path, errbuf);
}

void lsc_source_stop(struct lsc_source *s)
{
	if (s != NULL && s->pcap != NULL)
		pcap_breakloop(s->pcap);
}

int lsc_source_stats(struct lsc_source *s, struct lsc_live_stats *st, char *errbuf)
{
	struct pcap_stat ps;
	memset(st, 0, sizeof *st);
	st->read = s->count;
	if (!s->live) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("%s: a capture file has no kernel counts"), s->name);
		return -1;
	}
	if (pcap_stats(s->pcap, &ps) != 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, "%s: pcap_stats: %s", s->name, pcap_geterr(s->pcap));
		return -1;
	}
	st->received = ps.ps_recv;
	st->dropped_kernel = ps.ps_drop;
	st->dropped_iface = ps.ps_ifdrop;
	return 0;
}

/* ---- the interface list ------------------------------------------------- */

static unsigned prefix_len(const struct sockaddr *mask)
{
	const uint8_t *b;
	size_t n;
	unsigned bits = 0;
	if (mask == NULL)
		return 0;
	if (mask->sa_family == AF_INET) {
		b = (const uint8_t *)&((const struct sockaddr_in *)(const void *)mask)->sin_addr;
		n = 4;
	} else if (mask->sa_family == AF_INET6) {
		b = ((const struct sockaddr_in6 *)(const void *)mask)->sin6_addr.s6_addr;
		n = 16;
	} else {
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		bits += (unsigned)__builtin_popcount(b[i]);
	return bits;
}

static void print_addr(FILE *out, const pcap_addr_t *a)
{
	char text[INET6_ADDRSTRLEN];
	const struct sockaddr *sa = a->addr;
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
		fprintf(out, "    inet  %s/%u\n", text, prefix_len(a->netmask));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
		fprintf(out, "    inet6 %s/%u\n", text, prefix_len(a->netmask));
	} else if (sa->sa_family == AF_PACKET) {
		const struct sockaddr_ll *ll = (const void *)sa;
		if (ll->sll_halen == 0)
			return;
		fprintf(out, "    link  ");
		for (unsigned i = 0; i < ll->sll_halen && i < sizeof ll->sll_addr; i++)
			fprintf(out, "%s%02x", i ? ":" : "", ll->sll_addr[i]);
		fputc('\n', out);
	}
}

static const char *connection_name(bpf_u_int32 flags)
{
	switch (flags & PCAP_IF_CONNECTION_STATUS) {
	case PCAP_IF_CONNECTION_STATUS_CONNECTED: return " connected";
	case PCAP_IF_CONNECTION_STATUS_DISCONNECTED: return " disconnected";
	default: return "";
	}
}

int lsc_live_list(FILE *out, char *errbuf)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_if_t *all;
	if (pcap_findalldevs(&all, perr) != 0) {
		snprintf(errbuf, LSC_ERRBUF_SIZE, _("cannot list the interfaces: %s"), perr);
		return -1;
	}
	for (const pcap_if_t *d = all; d != NULL; d = d->next) {
		fprintf(out, "%s: %s%s%s%s%s\n", d->name,
		        d->flags & PCAP_IF_UP ? "up" : "down",
		        d->flags & PCAP_IF_RUNNING ? " running" : "",
		        d->flags & PCAP_IF_LOOPBACK ? " loopback" : "",
		        d->flags & PCAP_IF_WIRELESS ? " wireless" : "",
		        connection_name(d->flags));
		if (d->description != NULL)
			fprintf(out, "    %s\n", d->description);
		for (const pcap_addr_t *a = d->addresses; a != NULL; a = a->next)
			print_addr(out, a);
	}
	pcap_freealldevs(all);
	return 0;
}
