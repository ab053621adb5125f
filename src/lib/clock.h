/* SPDX-License-Identifier: BSD-3-Clause */
/* clock.h: the clock a person reads, the same in every command: local time, or UTC when asked (--utc). */
#ifndef LSC_CLOCK_H
#define LSC_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Every time stamp a person reads (the line and tree formats, the demo's
 * timeline, the narration of --explain, the reports) goes through this
 * clock: local time, as tcpdump and date(1) show it, so a student reads the
 * clock on the wall; UTC with --utc, to compare with a machine elsewhere.
 * JSON is a machine format and always writes UTC ("Z", jsonw.c).
 *
 * The calendar of the last second asked for is kept: localtime_r() runs
 * once a second, not once a frame.
 */
struct lsc_clock {
	bool utc;
	bool valid;
	uint8_t hms_len;
	int64_t sec;   /* the second the texts below say */
	char hms[16];  /* "HH:MM:SS" */
	char date[16]; /* "YYYY-MM-DD" */
	char zone[16]; /* "UTC", "CET", "-03" */
};

/* The longest lsc_clock_w(): "HH:MM:SS" (up to 15 bytes kept), a point, nine digits. */
#define LSC_CLOCK_W 26

/* A clock in local time, or in UTC when `utc`; reads TZ now (tzset). */
void lsc_clock_init(struct lsc_clock *c, bool utc);
/* Makes hms, date and zone say second `sec` (seconds since 1970). */
void lsc_clock_at(struct lsc_clock *c, int64_t sec);
/*
 * Writes "HH:MM:SS.frac" for sec.nsec at p, with `digits` decimals (6 or
 * 9; anything else is 6), no NUL; returns the end.  p has LSC_CLOCK_W bytes.
 */
char *lsc_clock_w(struct lsc_clock *c, char *p, int64_t sec, uint32_t nsec, unsigned digits);

#endif
