/* SPDX-License-Identifier: BSD-3-Clause */
/* fields.c: a sink that writes a layer's fields as labelled rows, for the HTML and Markdown reports. */
#include <config.h>

#include <inttypes.h>
#include <string.h>

#include "../lib/i18n.h"
#include "report-int.h"

/*
 * Layout, whatever the markup:
 *   Type           0x0800 [IPv4]            one row a field
 *   Flags          PSH, ACK                 a list of values on its row
 *   Options        • nop                    a list of objects: one item each,
 *                  • timestamp, TSval 1, TSecr 2   the first text naming it
 * Deeper lists and objects stay inline, in [brackets] and (parentheses).
 */

#define NLEVELS (sizeof ((struct lsc_report_fields *)0)->lv / sizeof ((struct lsc_report_fields *)0)->lv[0])

enum { PLAIN = 0, PENDING, SUB }; /* how a level's children are laid out */

/* A derived name in the user's language when the catalogue knows it (as the tree shows it); "" stays "". */
static const char *tr(const char *s)
{
	return s[0] != '\0' ? _(s) : s; /* _("") would be the catalogue's header */
}

static void puts_o(struct lsc_report_fields *rf, const char *s)
{
	fputs(s, rf->o);
}

/* Opens the slot of one child of the current level: its row, item or separator, and its label. */
static void before(struct lsc_report_fields *rf, const char *label, bool opens_object, bool is_text)
{
	const struct lsc_report_markup *m = rf->m;
	unsigned d = rf->depth;
	unsigned *mode = &rf->lv[d].sub;
	label = label != NULL ? lsc_tr_static(label) : NULL; /* the tables hold N_() labels */
	if (d == 0) {
		puts_o(rf, m->row_open);
		m->esc(rf->o, label != NULL ? label : "");
		puts_o(rf, m->row_mid);
	} else {
		if (*mode == PENDING) { /* the first child says how the list is laid out */
			*mode = opens_object ? SUB : PLAIN;
			if (*mode == SUB)
				puts_o(rf, m->sub_open);
		}
		if (*mode == SUB) {
			puts_o(rf, m->item_open);
		} else {
			if (rf->lv[d].n > 0)
				puts_o(rf, ", ");
			/* the first text of an object names it ("timestamp, TSval 1") */
			bool names = is_text && !rf->lv[d].list && rf->lv[d].n == 0;
			if (label != NULL && !names) {
				m->esc(rf->o, label);
				puts_o(rf, " ");
			}
		}
	}
	rf->lv[d].n++;
}

/* Closes the slot `before` opened. */
static void after(struct lsc_report_fields *rf)
{
	unsigned d = rf->depth;
	if (d == 0)
		puts_o(rf, rf->m->row_close);
	else if (rf->lv[d].sub == SUB)
		puts_o(rf, rf->m->item_close);
}

static void f_uint(struct lsc_sink *s, const char *key, const char *label, uint64_t v,
                   unsigned hex_digits, const char *name)
{
	struct lsc_report_fields *rf = s->ctx;
	char buf[32];
	(void)key;
	if (hex_digits)
		snprintf(buf, sizeof buf, "0x%0*" PRIx64, (int)hex_digits, v);
	else
		snprintf(buf, sizeof buf, "%" PRIu64, v);
	before(rf, label, false, false);
	rf->m->value(rf->o, buf);
	if (name != NULL) {
		puts_o(rf, " ");
		rf->m->derived(rf->o, tr(name));
	}
	after(rf);
}

static void f_bool(struct lsc_sink *s, const char *key, const char *label, int v, const char *name)
{
	struct lsc_report_fields *rf = s->ctx;
	(void)key;
	before(rf, label, false, false);
	if (name != NULL)
		rf->m->derived(rf->o, tr(name)); /* a verdict reads better than true/false/null */
	else if (v < 0)
		rf->m->derived(rf->o, lsc_tr_static("unknown"));
	else
		rf->m->value(rf->o, v ? lsc_tr_static("yes") : lsc_tr_static("no"));
	after(rf);
}

static void f_text(struct lsc_sink *s, const char *key, const char *label, const char *v, bool derived)
{
	struct lsc_report_fields *rf = s->ctx;
	(void)key;
	before(rf, label, false, true);
	if (v == NULL)
		rf->m->esc(rf->o, "—");
	else if (derived)
		rf->m->derived(rf->o, tr(v));
	else
		rf->m->value(rf->o, v);
	after(rf);
}

static void f_open(struct lsc_sink *s, const char *key, const char *label, bool list)
{
	struct lsc_report_fields *rf = s->ctx;
	(void)key;
	if (rf->overflow > 0 || rf->depth + 1 >= NLEVELS) {
		rf->overflow++;
		return;
	}
	unsigned pd = rf->depth;
	before(rf, label, !list, false);
	rf->depth++;
	rf->lv[pd + 1].list = list;
	rf->lv[pd + 1].n = 0;
	rf->lv[pd + 1].sub = PLAIN;
	rf->lv[pd + 1].bracket = 0;
	if (pd == 0 && list) {
		rf->lv[pd + 1].sub = PENDING;
	} else if (pd > 0 && rf->lv[pd].sub != SUB) {
		rf->lv[pd + 1].bracket = list ? ']' : ')';
		puts_o(rf, list ? "[" : "(");
	}
}

static void f_close(struct lsc_sink *s, bool list)
{
	struct lsc_report_fields *rf = s->ctx;
	(void)list;
	if (rf->overflow > 0) {
		rf->overflow--;
		return;
	}
	if (rf->depth == 0)
		return;
	unsigned d = rf->depth;
	if (rf->lv[d].sub == PENDING)
		rf->m->derived(rf->o, _(rf->m->none));
	else if (rf->lv[d].sub == SUB)
		puts_o(rf, rf->m->sub_close);
	if (rf->lv[d].bracket)
		fputc(rf->lv[d].bracket, rf->o);
	rf->depth--;
	after(rf);
}

static const struct lsc_sink_ops fields_ops = { f_uint, f_bool, f_text, f_open, f_close };

void lsc_report_fields_init(struct lsc_report_fields *rf, FILE *o, const struct lsc_report_markup *m)
{
	memset(rf, 0, sizeof *rf);
	rf->sink.ops = &fields_ops;
	rf->sink.ctx = rf;
	rf->sink.human = true;
	rf->o = o;
	rf->m = m;
}
