/* SPDX-License-Identifier: BSD-3-Clause */
/* null.c: BSD loopback encapsulation: DLT_NULL (4-byte family, capturing host's byte order) and DLT_LOOP (network order). */
#include <config.h>

#include <pcap/dlt.h>

#include "decode-int.h"
#include "../lib/i18n.h"

/* BSD address families; AF_INET6 differs between the BSDs. */
#define LSC_BSD_AF_INET          2
#define LSC_BSD_AF_INET6_BSD     24 /* NetBSD, OpenBSD, BSD/OS */
#define LSC_BSD_AF_INET6_FREEBSD 28 /* FreeBSD, DragonFly BSD */
#define LSC_BSD_AF_INET6_DARWIN  30 /* macOS, iOS */

static uint32_t swap32(uint32_t v)
{
	return v >> 24 | (v >> 8 & 0xff00u) | (v << 8 & 0xff0000u) | v << 24;
}

static void decode_null(struct lsc_frame *f, struct lsc_layer *l, struct lsc_cur *c, struct lsc_next *next)
{
	struct lsc_null *n = &l->u.null;
	int err;

	l->hdr_len = 4;
	if (f->linktype == DLT_LOOP) {
		err = lsc_cur_be32(c, &n->family);
		n->order = LSC_NULL_NETWORK;
	} else {
		/*
		 * DLT_NULL holds the family in the byte order of the machine that
		 * captured, which the file does not record.  Families are small, so
		 * a value with bits in its upper half was written the other way round
		 * (tcpdump decides the same way, frame by frame).
		 */
		err = lsc_cur_le32(c, &n->family);
		n->order = LSC_NULL_LE;
		if (err == 0 && (n->family & 0xffff0000u) != 0) {
			n->family = swap32(n->family);
			n->order = LSC_NULL_BE;
		}
	}
	if (err)
		return lsc_layer_truncated(l, "loopback header cut short (needs 4 bytes)");

	switch (n->family) {
	case LSC_BSD_AF_INET:
		next->table = LSC_NEXT_PROTO;
		next->key = LSC_PROTO_IPV4;
		break;
	case LSC_BSD_AF_INET6_BSD:
	case LSC_BSD_AF_INET6_FREEBSD:
	case LSC_BSD_AF_INET6_DARWIN:
		next->table = LSC_NEXT_PROTO;
		next->key = LSC_PROTO_IPV6;
		break;
	default:
		break; /* OSI, IPX, AppleTalk ...: payload */
	}
}

static const char *field_family(const struct lsc_layer *l, uint64_t v)
{
	(void)l;
	switch (v) {
	case LSC_BSD_AF_INET: return "IPv4";
	case 7: return "OSI";
	case 16: return "AppleTalk";
	case 23: return "IPX";
	case LSC_BSD_AF_INET6_BSD: return "IPv6 (NetBSD/OpenBSD)";
	case LSC_BSD_AF_INET6_FREEBSD: return "IPv6 (FreeBSD)";
	case LSC_BSD_AF_INET6_DARWIN: return "IPv6 (macOS)";
	default: return NULL;
	}
}

static void emit_order(struct lsc_sink *s, const struct lsc_frame *f, const struct lsc_layer *l,
                       const struct lsc_field *fd)
{
	static const char *const orders[] = { "little-endian", "big-endian", "network (big-endian)" };
	(void)f;
	s->ops->text(s, fd->key, fd->label, l->u.null.order < 3 ? orders[l->u.null.order] : "?", true);
}

static const struct lsc_field null_fields[] = {
	LSC_FIELD("family", N_("Address family"), LSC_FT_UINT, null.family, 4, field_family),
	LSC_FIELD_CUSTOM("byte_order", N_("Byte order"), 4, emit_order),
};

static void null_summary(struct lsc_strbuf *b, const struct lsc_frame *f, const struct lsc_layer *l)
{
	const char *name = field_family(l, l->u.null.family);
	(void)f;
	lsc_sb_printf(b, "family %u", (unsigned)l->u.null.family);
	if (name != NULL)
		lsc_sb_printf(b, " (%s)", name);
}

const struct lsc_proto_info lsc_proto_null = {
	LSC_PROTO_NULL, LSC_TCPIP_LINK, "null", "NULL", "BSD loopback",
	decode_null, null_fields, LSC_NELEM(null_fields), null_summary, NULL,
};