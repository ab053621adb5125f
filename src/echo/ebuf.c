/* SPDX-License-Identifier: BSD-3-Clause */
/* ebuf.c: a connection's unsent echo: bounded storage taken only while bytes wait, and the back-pressure rule. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "echo-int.h"

void lsc_ebuf_init(struct lsc_ebuf *b, size_t cap)
{
	b->data = NULL;
	b->cap = cap;
	b->off = 0;
	b->len = 0;
}

void lsc_ebuf_free(struct lsc_ebuf *b)
{
	free(b->data);
	b->data = NULL;
	b->off = 0;
	b->len = 0;
}

size_t lsc_ebuf_room(const struct lsc_ebuf *b)
{
	return b->cap - b->len;
}

size_t lsc_ebuf_pending(const struct lsc_ebuf *b)
{
	return b->len;
}

const uint8_t *lsc_ebuf_head(const struct lsc_ebuf *b)
{
	return b->data != NULL ? b->data + b->off : NULL;
}

uint8_t *lsc_ebuf_tail(struct lsc_ebuf *b, size_t n)
{
	if (n > lsc_ebuf_room(b))
		return NULL;
	if (b->data == NULL) {
		b->data = malloc(b->cap ? b->cap : 1);
		if (b->data == NULL)
			return NULL;
		b->off = 0;
	}
	/* off + len + n may pass cap although len + n does not: slide to the front. */
	if (b->off + b->len + n > b->cap) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	return b->data + b->off + b->len;
}

void lsc_ebuf_commit(struct lsc_ebuf *b, size_t n)
{
	b->len += n;
}

int lsc_ebuf_append(struct lsc_ebuf *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	uint8_t *t = lsc_ebuf_tail(b, n);
	if (t == NULL)
		return -1;
	memcpy(t, p, n);
	lsc_ebuf_commit(b, n);
	return 0;
}

void lsc_ebuf_consume(struct lsc_ebuf *b, size_t n)
{
	if (n >= b->len) {
		lsc_ebuf_free(b);
		return;
	}
	b->off += n;
	b->len -= n;
}

bool lsc_ebuf_should_read(const struct lsc_ebuf *b, bool reading, size_t read_size)
{
	if (reading)
		return lsc_ebuf_room(b) >= read_size;
	return b->len <= b->cap / 4;
}
