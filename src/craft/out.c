/* SPDX-License-Identifier: BSD-3-Clause */
/* out.c: where crafted frames go: a pcap file (no privilege), or the network through libnet. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pcap/pcap.h>
#include <sys/socket.h>

#include "craft-int.h"

struct lsc_craft_out {
	pcap_t *dead;           /* file: the handle pcap_dump_open() needs */
	pcap_dumper_t *dumper;
	libnet_t *net;          /* network: the sending context, frame built in it */
	const char *how;        /* "raw IPv4 socket", "link layer of lo", for messages */
};

struct lsc_craft_out *lsc_craft_open_file(const struct lsc_craft *c, const char *path, char *err)
{
	struct lsc_craft_out *o = calloc(1, sizeof *o);
	if (o == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory"));
		return NULL;
	}
	o->dead = pcap_open_dead(lsc_craft_linktype(c), 262144);
	if (o->dead == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("pcap_open_dead: out of memory"));
		free(o);
		return NULL;
	}
	o->dumper = pcap_dump_open(o->dead, path);
	if (o->dumper == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("%s — check the directory exists and is writable"),
		         pcap_geterr(o->dead));
		pcap_close(o->dead);
		free(o);
		return NULL;
	}
	return o;
}

/* 0 when this process may open the raw socket libnet will open, else errno. */
static int probe_raw(int domain, int type, int proto)
{
	int fd = socket(domain, type, proto);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int open_context(struct lsc_craft_out *o, const struct lsc_craft *c, char *err)
{
	char lerr[LIBNET_ERRBUF_SIZE] = "";
	int type, e;

	if (c->ifname != NULL) {
		type = LIBNET_LINK;
		o->how = _("link-layer (packet) socket");
		e = probe_raw(AF_PACKET, SOCK_RAW, 0);
	} else if (c->family == 6) {
		type = LIBNET_RAW6;
		o->how = _("raw IPv6 socket");
		e = probe_raw(AF_INET6, SOCK_RAW, IPPROTO_RAW);
	} else {
		type = LIBNET_RAW4;
		o->how = _("raw IPv4 socket");
		e = probe_raw(AF_INET, SOCK_RAW, IPPROTO_RAW);
	}
	if (e == EPERM || e == EACCES) {
		snprintf(err, LSC_ERRBUF_SIZE, _("sending needs a %s, and opening one needs the CAP_NET_RAW "
		         "capability, which this process lacks — run as root (sudo), be a member of the group "
		         "a capture-group install allows (sudo make install-capture-group), or write the frame "
		         "to a file with -w FILE, which needs no privilege"), o->how);
		return -1;
	}
	o->net = libnet_init(type, c->ifname, lerr);
	if (o->net == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("opening the %s (libnet_init): %.*s"), o->how,
		         (int)strcspn(lerr, "\n"), lerr);
		return -1;
	}
	return 0;
}

struct lsc_craft_out *lsc_craft_open_net(const struct lsc_craft *c, char *err)
{
	struct lsc_craft_out *o = calloc(1, sizeof *o);
	if (o == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory"));
		return NULL;
	}
	if (open_context(o, c, err) != 0 || lsc_craft_add_layers(o->net, c, err) != 0) {
		if (o->net != NULL)
			libnet_destroy(o->net);
		free(o);
		return NULL;
	}
	return o;
}

static int send_frame(struct lsc_craft_out *o, char *err)
{
	errno = 0;
	if (libnet_write(o->net) != -1)
		return 0;
	int e = errno;
	const char *why = libnet_geterror(o->net);
	int n = (int)strcspn(why, "\n");
	if (e == EMSGSIZE)
		snprintf(err, LSC_ERRBUF_SIZE, _("sending through the %s: the frame is larger than the "
		         "interface's MTU — send a shorter payload (%.*s)"), o->how, n, why);
	else
		snprintf(err, LSC_ERRBUF_SIZE, _("sending through the %s: %.*s"), o->how, n, why);
	return -1;
}

int lsc_craft_put(struct lsc_craft_out *o, const uint8_t *frame, size_t len,
                  const struct timespec *ts, char *err)
{
	if (o->net != NULL)
		return send_frame(o, err);
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof h);
	h.ts.tv_sec = ts->tv_sec;
	h.ts.tv_usec = (suseconds_t)(ts->tv_nsec / 1000);
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)o->dumper, &h, frame);
	return 0;
}

int lsc_craft_close(struct lsc_craft_out *o, char *err)
{
	int rc = 0;
	if (o == NULL)
		return 0;
	if (o->dumper != NULL) {
		if (pcap_dump_flush(o->dumper) != 0 || ferror(pcap_dump_file(o->dumper))) {
			rc = errno == EPIPE ? 1 : -1;
			snprintf(err, LSC_ERRBUF_SIZE, _("writing the capture file: %s — check the disk or device "
			         "it goes to"), strerror(errno));
		}
		pcap_dump_close(o->dumper);
		pcap_close(o->dead);
	}
	if (o->net != NULL)
		libnet_destroy(o->net);
	free(o);
	return rc;
}
