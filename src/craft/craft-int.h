/* SPDX-License-Identifier: BSD-3-Clause */
/* craft-int.h: what the crafting files share and nothing outside src/craft/ needs. */
#ifndef LAYERSCOPE_CRAFT_INT_H
#define LAYERSCOPE_CRAFT_INT_H

#include <libnet.h>

#include <layerscope/craft.h>

#include "../lib/i18n.h"

/*
 * Adds the frame's layers to libnet context `l`, innermost first as libnet
 * wants them (options, transport, IP, then Ethernet when c->ifname is set).
 * The one place that knows how a struct lsc_craft becomes headers, so the
 * shown, written and sent frames cannot differ.  Returns 0, or -1 with
 * libnet's reason in `err`.
 */
int lsc_craft_add_layers(libnet_t *l, const struct lsc_craft *c, char *err);

/* Bytes of the headers above IP: TCP with its options, UDP, ICMP echo, ARP. */
uint32_t lsc_craft_l4_len(const struct lsc_craft *c);

#endif
