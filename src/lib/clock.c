/* SPDX-License-Identifier: BSD-3-Clause */
/* clock.c: the one clock of every human-readable time stamp: local time, or UTC (--utc). */
#include <config.h>

#include <string.h>
#include <time.h>

#include <layerscope/strbuf.h>

#include "clock.h"

void lsc_clock_init(struct lsc_clock *c, bool utc)
{
	memset(c, 0, sizeof *c);
	c->utc = utc;
	if (!utc)
		tzset(); /* localtime_r need not read TZ itself */
}

void lsc_clock_at(struct lsc_clock *c, int64_t sec)
{
	struct tm tm;
	time_t tt = (time_t)sec;
	if (c->valid && c->sec == sec)
		return;
	if ((c->utc ? gmtime_r(&tt, &tm) : localtime_r(&tt, &tm)) == NULL)
		memset(&tm, 0, sizeof tm);
	if (strftime(c->hms, sizeof c->hms, "%H:%M:%S", &tm) == 0)
		strcpy(c->hms, "--:--:--");
	c->hms_len = (uint8_t)strlen(c->hms);
	if (strftime(c->date, sizeof c->date, "%Y-%m-%d", &tm) == 0)
		strcpy(c->date, "----------");
	/* gmtime_r's %Z says "GMT"; the option is called --utc, and so is the zone. */
	if (c->utc)
		strcpy(c->zone, "UTC");
	else if (strftime(c->zone, sizeof c->zone, "%Z", &tm) == 0)
		c->zone[0] = '\0';
	c->sec = sec;
	c->valid = true;
}

char *lsc_clock_w(struct lsc_clock *c, char *p, int64_t sec, uint32_t nsec, unsigned digits)
{
	unsigned d = digits == 9 ? 9 : 6;
	lsc_clock_at(c, sec);
	/* The kept HH:MM:SS as a whole block, then the fraction in place. */
	memcpy(p, c->hms, sizeof c->hms);
	p += c->hms_len;
	*p++ = '.';
	lsc_zero_padded(p, d == 9 ? nsec : nsec / 1000u, d);
	return p + d;
}
