/* jsonw.c: streaming JSON output (RFC 8259): escaping, commas, fixed-point numbers. */
#include <config.h>

#include <string.h>
#include <time.h>

#include "jsonw.h"
#include "render-int.h"

void lsc_json_init(struct lsc_json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

/* The comma before a value or key, unless it follows a key or opens a container. */
static void sep(struct lsc_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0 && !j->first[j->depth])
		putc_unlocked(',', j->out);
	j->first[j->depth] = false;
}

static void raw(struct lsc_json *j, const char *s)
{
	fputs_unlocked(s, j->out);
}

static const char hexd[] = "0123456789abcdef";

void lsc_json_strn(struct lsc_json *j, const char *s, size_t n)
{
	sep(j);
	FILE *o = j->out;
	putc_unlocked('"', o);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		switch (ch) {
		case '"': raw(j, "\\\""); break;
		case '\\': raw(j, "\\\\"); break;
		case '\n': raw(j, "\\n"); break;
		case '\r': raw(j, "\\r"); break;
		case '\t': raw(j, "\\t"); break;
		default:
			if (ch < 0x20 || ch == 0x7f) {
				char u[7] = { '\\', 'u', '0', '0', hexd[ch >> 4], hexd[ch & 15], 0 };
				raw(j, u);
			} else {
				putc_unlocked((int)ch, o);
			}
		}
	}
	putc_unlocked('"', o);
}

void lsc_json_str(struct lsc_json *j, const char *s)
{
	if (s == NULL)
		lsc_json_null(j);
	else
		lsc_json_strn(j, s, strlen(s));
}

void lsc_json_key(struct lsc_json *j, const char *key)
{
	sep(j);
	j->after_key = false;
	FILE *o = j->out;
	putc_unlocked('"', o);
	fputs_unlocked(key, o); /* keys are the program's own ASCII names */
	putc_unlocked('"', o);
	putc_unlocked(':', o);
	j->after_key = true;
}

void lsc_json_open(struct lsc_json *j, char bracket)
{
	sep(j);
	putc_unlocked(bracket, j->out);
	if (j->depth + 1 < LSC_JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

void lsc_json_close(struct lsc_json *j, char bracket)
{
	putc_unlocked(bracket, j->out);
	if (j->depth > 0)
		j->depth--;
	j->after_key = false;
}

void lsc_json_u64(struct lsc_json *j, uint64_t v)
{
	sep(j);
	lsc_put_u64(j->out, v);
}

void lsc_json_i64(struct lsc_json *j, int64_t v)
{
	sep(j);
	if (v < 0) {
		putc_unlocked('-', j->out);
		lsc_put_u64(j->out, (uint64_t)0 - (uint64_t)v);
	} else {
		lsc_put_u64(j->out, (uint64_t)v);
	}
}

void lsc_json_fixed(struct lsc_json *j, int64_t v, unsigned digits)
{
	sep(j);
	lsc_put_fixed(j->out, v, digits);
}

void lsc_json_bool(struct lsc_json *j, bool v)
{
	sep(j);
	raw(j, v ? "true" : "false");
}

void lsc_json_null(struct lsc_json *j)
{
	sep(j);
	raw(j, "null");
}

void lsc_json_newline(struct lsc_json *j)
{
	putc_unlocked('\n', j->out);
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

/* ---- the field sink ------------------------------------------------------ */

static void sink_key(struct lsc_json *j, const char *key)
{
	if (key != NULL)
		lsc_json_key(j, key);
}

static void s_uint(struct lsc_sink *s, const char *key, const char *label, uint64_t v,
                   unsigned hex_digits, const char *name)
{
	(void)label, (void)hex_digits, (void)name;
	sink_key(s->ctx, key);
	lsc_json_u64(s->ctx, v);
}

static void s_bool(struct lsc_sink *s, const char *key, const char *label, int v, const char *name)
{
	(void)label, (void)name;
	sink_key(s->ctx, key);
	if (v < 0)
		lsc_json_null(s->ctx);
	else
		lsc_json_bool(s->ctx, v != 0);
}

static void s_text(struct lsc_sink *s, const char *key, const char *label, const char *v, bool derived)
{
	(void)label, (void)derived;
	sink_key(s->ctx, key);
	lsc_json_str(s->ctx, v);
}

static void s_open(struct lsc_sink *s, const char *key, const char *label, bool list)
{
	(void)label;
	sink_key(s->ctx, key);
	lsc_json_open(s->ctx, list ? '[' : '{');
}

static void s_close(struct lsc_sink *s, bool list)
{
	lsc_json_close(s->ctx, list ? ']' : '}');
}

static const struct lsc_sink_ops json_sink_ops = { s_uint, s_bool, s_text, s_open, s_close };

void lsc_json_sink(struct lsc_sink *s, struct lsc_json *j)
{
	s->ops = &json_sink_ops;
	s->ctx = j;
}

void lsc_format_rfc3339(char *buf, size_t cap, int64_t sec, uint32_t nsec, unsigned digits)
{
	struct tm tm;
	time_t t = (time_t)sec;
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	size_t n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
	uint32_t frac = nsec;
	for (unsigned i = digits; i < 9; i++)
		frac /= 10;
	if (digits > 0)
		snprintf(buf + n, cap - n, ".%0*uZ", (int)digits, frac);
	else
		snprintf(buf + n, cap - n, "Z");
}
