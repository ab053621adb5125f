/* SPDX-License-Identifier: BSD-3-Clause */
/* i18n.c: the user's locale for what a person reads; the C locale for what a program reads. */
#include <config.h>

#include <langinfo.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>

#include "i18n.h"

static int text_utf8 = -1; /* -1: lsc_i18n_init() was not called: the program's own locale says */
static char decimal_point[8] = ".";

void lsc_i18n_init(void)
{
	if (setlocale(LC_ALL, "") == NULL)
		setlocale(LC_ALL, "C");
	text_utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	/* The user's separator is kept for lsc_decimal_point(); printf keeps '.'. */
	const char *dp = nl_langinfo(RADIXCHAR);
	if (dp != NULL && dp[0] != '\0' && strlen(dp) < sizeof decimal_point)
		strcpy(decimal_point, dp);
	setlocale(LC_NUMERIC, "C");
#ifdef ENABLE_NLS
	/* Tests point at the catalogues of the build tree; a program with raised
	 * privileges (setuid, file capabilities) ignores it, as it must any
	 * catalogue a user could plant: a message is a printf format. */
	const char *dir = secure_getenv("LAYERSCOPE_LOCALEDIR");
	bindtextdomain(PACKAGE, dir != NULL && dir[0] != '\0' ? dir : LOCALEDIR);
	/* Messages come as UTF-8 whatever the terminal's set: lsc_ascii_stream folds them for it. */
	bind_textdomain_codeset(PACKAGE, "UTF-8");
#endif
}

bool lsc_text_utf8(void)
{
	if (text_utf8 < 0) /* a program that links the library and chose its locale itself */
		return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	return text_utf8;
}

/* A table of 512 addresses and their translations a thread: more labels than any renderer shows. */
#define TR_SLOTS 512

const char *lsc_tr_static(const char *msgid)
{
#ifdef ENABLE_NLS
	static _Thread_local struct {
		const char *id, *tr;
	} slot[TR_SLOTS];
	size_t h = (size_t)(((uintptr_t)msgid >> 3) * 0x9e3779b97f4a7c15ull >> 55) % TR_SLOTS;
	for (size_t i = 0; i < 8; i++, h = (h + 1) % TR_SLOTS) {
		if (slot[h].id == msgid)
			return slot[h].tr;
		if (slot[h].id == NULL) {
			slot[h].id = msgid;
			slot[h].tr = _(msgid);
			return slot[h].tr;
		}
	}
	return _(msgid); /* a crowded neighbourhood: asked each time, still right */
#else
	return msgid;
#endif
}

/* Texts up to this long are remembered, in pairs of slots (the newer first), per thread. */
#define TR_TEXT_MAX 48
#define TR_TEXT_PAIRS 512

struct tr_text {
	uint8_t len;
	char id[TR_TEXT_MAX];
	const char *tr; /* NULL: not translated, the caller's own text */
};

const char *lsc_tr_text(const char *msgid)
{
#ifdef ENABLE_NLS
	size_t n = strlen(msgid);
	if (n == 0)
		return msgid; /* the empty msgid is the catalogue's header */
	if (n >= TR_TEXT_MAX)
		return _(msgid);
	static _Thread_local struct tr_text pair[TR_TEXT_PAIRS][2];
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)msgid[i]) * 0x100000001b3ull;
	struct tr_text *e = pair[(h ^ h >> 32) % TR_TEXT_PAIRS];
	for (int k = 0; k < 2; k++)
		if (e[k].len == n && memcmp(e[k].id, msgid, n) == 0)
			return e[k].tr != NULL ? e[k].tr : msgid;
	const char *tr = _(msgid);
	e[1] = e[0];
	e[0].len = (uint8_t)n;
	memcpy(e[0].id, msgid, n);
	e[0].tr = tr != msgid ? tr : NULL; /* a translation lives in the catalogue, for good */
	return tr;
#else
	return msgid;
#endif
}

const char *lsc_decimal_point(void)
{
	return decimal_point;
}

/*
 * The ASCII a terminal that is not UTF-8 gets for each glyph the outputs
 * print (tcpdump prints only ASCII), and for the accented letters of the
 * translations. Every human output passes through lsc_ascii_fold, here and
 * nowhere else; a code point not in the table becomes '?'.
 */
static const struct {
	uint32_t cp;
	const char *ascii;
} glyphs[] = {
	{0x00a0, " "}, {0x00aa, "a"}, {0x00ab, "<<"}, {0x00b0, "o"}, {0x00b7, "-"}, {0x00ba, "o"},
	{0x00bb, ">>"}, {0x00d7, "x"},
	{0x2010, "-"}, {0x2011, "-"}, {0x2012, "-"}, {0x2013, "-"}, {0x2014, "-"}, {0x2018, "'"},
	{0x2019, "'"}, {0x201c, "\""}, {0x201d, "\""}, {0x2022, "*"}, {0x2026, "..."}, {0x2039, "<"},
	{0x203a, ">"}, {0x2190, "<-"}, {0x2191, "^"}, {0x2192, "->"}, {0x2193, "v"}, {0x2194, "<->"},
	{0x21b3, "->"}, {0x21c4, "<->"}, {0x2212, "-"}, {0x2248, "~"}, {0x2260, "!="}, {0x2264, "<="},
	{0x2265, ">="}, {0x2500, "-"}, {0x2501, "-"}, {0x2502, "|"}, {0x2503, "|"}, {0x250c, "+"},
	{0x2510, "+"}, {0x2514, "+"}, {0x2518, "+"}, {0x251c, "+"}, {0x2524, "+"}, {0x252c, "+"},
	{0x2534, "+"}, {0x253c, "+"}, {0x2550, "="}, {0x2551, "|"}, {0x2554, "+"}, {0x2557, "+"},
	{0x255a, "+"}, {0x255d, "+"}, {0x2588, "#"}, {0x2591, ":"}, {0x2592, ":"}, {0x2593, "#"},
	{0x25b2, "^"}, {0x25b6, ">"}, {0x25bc, "v"}, {0x25c0, "<"}, {0x25cf, "*"}, {0x2713, "ok"},
	{0x2717, "x"}, {0x27f5, "<-"}, {0x27f6, "->"},
};

/* Latin-1's letters U+00C0..U+00FF without their accents (U+00D7 and U+00F7 are signs). */
static const char latin1[] = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTs"
                             "aaaaaaaceeeeiiiidnooooo/ouuuuyty";

static const char *fold_cp(uint32_t cp, char one[2])
{
	/* A text repeats its few glyphs ("→" twice a line): the last one is remembered. */
	static _Thread_local uint32_t last_cp;
	static _Thread_local const char *last_ascii;
	if (cp == last_cp && last_ascii != NULL)
		return last_ascii;
	if (cp >= 0xc0 && cp <= 0xff && cp != 0xd7 && cp != 0xf7) {
		one[0] = latin1[cp - 0xc0];
		one[1] = '\0';
		return one;
	}
	size_t lo = 0, hi = sizeof glyphs / sizeof glyphs[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (glyphs[mid].cp == cp) {
			last_cp = cp;
			return last_ascii = glyphs[mid].ascii;
		}
		if (glyphs[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return "?";
}

/* True when none of the 8 bytes at p has its top bit set. */
static inline bool ascii8(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return (w & 0x8080808080808080ull) == 0;
}

/* How many bytes at the start of s[0..n) are ASCII: 32, then 8 at a time, as most text is. */
static size_t ascii_prefix(const unsigned char *s, size_t n)
{
	size_t i = 0;
	for (; n - i >= 32; i += 32) {
		uint64_t w[4];
		memcpy(w, s + i, sizeof w);
		if (((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ull) != 0)
			break;
	}
	while (n - i >= 8 && ascii8(s + i))
		i += 8;
	while (i < n && s[i] < 0x80)
		i++;
	return i;
}

/* True when every byte of [p, end) can continue a character: the lead before them may be cut. */
static bool continues(const unsigned char *p, const unsigned char *end)
{
	for (; p < end; p++)
		if ((*p & 0xc0) != 0x80)
			return false;
	return true;
}

size_t lsc_ascii_fold_in(char *s, size_t n, size_t *len)
{
	unsigned char *p = (unsigned char *)s, *end = p + n;
	size_t k = ascii_prefix(p, n);
	char *o = s + k;
	p += k;
	while (p < end) {
		if (*p < 0x80) { /* o is behind p: each 8 bytes are read before they are written */
			for (; end - p >= 8 && ascii8(p); p += 8, o += 8) {
				uint64_t w;
				memcpy(&w, p, sizeof w);
				memcpy(o, &w, sizeof w);
			}
			while (p < end && *p < 0x80)
				*o++ = (char)*p++;
			continue;
		}
		size_t clen = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;
		if ((size_t)(end - p) < clen && continues(p + 1, end))
			break; /* cut: the caller has the rest, or shows '?' */
		uint32_t cp = clen == 1 ? 0xfffd : (uint32_t)(*p & (0x7f >> clen));
		for (size_t i = 1; i < clen; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				cp = 0xfffd; /* not UTF-8: one '?' for the lead byte */
				clen = 1;
				break;
			}
			cp = cp << 6 | (p[i] & 0x3f);
		}
		char one[2];
		const char *a = fold_cp(cp, one);
		p += clen;
		/* The table's ASCII is never longer than the UTF-8 it replaces, so o stays behind p. */
		while (*a != '\0')
			*o++ = *a++;
	}
	*len = (size_t)(o - s);
	return (size_t)(p - (unsigned char *)s);
}

size_t lsc_ascii_fold(FILE *out, const char *s, size_t n)
{
	if (ascii_prefix((const unsigned char *)s, n) == n) { /* nothing to fold: as it is */
		fwrite_unlocked(s, 1, n, out);
		return n;
	}
	char buf[4096];
	size_t done = 0;
	while (done < n) {
		size_t k = n - done < sizeof buf ? n - done : sizeof buf, len;
		memcpy(buf, s + done, k);
		size_t used = lsc_ascii_fold_in(buf, k, &len);
		fwrite_unlocked(buf, 1, len, out);
		done += used;
		if (used < k && done + 4 > n)
			break; /* the input's last character is cut: the rest comes with the next write */
	}
	return done;
}

/* A stream that folds what is written to it into the stream under it. */
struct ascii_cookie {
	FILE *under;
	char held[4]; /* the start of a character cut by the buffer's end */
	size_t nheld;
	bool used;
};

/* Static, not malloc'ed: stderr's stream lives until exit, which flushes it but frees nothing. */
static struct ascii_cookie cookies[4];

static ssize_t ascii_write(void *c, const char *buf, size_t n)
{
	struct ascii_cookie *a = c;
	size_t done = 0;
	if (a->nheld > 0) {
		char tmp[8];
		size_t k = n < 4 ? n : 4;
		memcpy(tmp, a->held, a->nheld);
		memcpy(tmp + a->nheld, buf, k);
		size_t used = lsc_ascii_fold(a->under, tmp, a->nheld + k);
		if (used < a->nheld) { /* still cut: keep it all */
			memcpy(a->held + a->nheld, buf, k);
			a->nheld += k;
			return (ssize_t)n;
		}
		done = used - a->nheld;
		a->nheld = 0;
	}
	size_t used = done + lsc_ascii_fold(a->under, buf + done, n - done);
	a->nheld = n - used;
	memcpy(a->held, buf + used, a->nheld);
	if (ferror(a->under))
		return -1;
	return (ssize_t)n;
}

static int ascii_close(void *c)
{
	struct ascii_cookie *a = c;
	if (a->nheld > 0)
		fputc('?', a->under);
	int rc = fflush(a->under);
	a->used = false;
	return rc;
}

FILE *lsc_ascii_stream(FILE *f)
{
	if (lsc_text_utf8() || f == NULL)
		return f;
	struct ascii_cookie *a = NULL;
	for (size_t i = 0; i < sizeof cookies / sizeof cookies[0] && a == NULL; i++)
		if (!cookies[i].used)
			a = &cookies[i];
	if (a == NULL)
		return f;
	*a = (struct ascii_cookie){ .under = f, .used = true };
	FILE *s = fopencookie(a, "w", (cookie_io_functions_t){.write = ascii_write, .close = ascii_close});
	if (s == NULL) {
		a->used = false;
		return f;
	}
	/*
	 * Line-buffered on a terminal and for stderr, so an error and a frame keep
	 * their order; a file or a pipe gets whole buffers, as stdio gives it.
	 */
	setvbuf(s, NULL, f == stderr || isatty(fileno(f)) ? _IOLBF : _IOFBF, 0);
	return s;
}
