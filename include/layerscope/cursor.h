/* SPDX-License-Identifier: BSD-3-Clause */
/* cursor.h: the one bounds-checked reader of untrusted frame bytes. */
#ifndef LAYERSCOPE_CURSOR_H
#define LAYERSCOPE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <layerscope/api.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A cursor is a window [off, end) over a frame's captured bytes.  Every read
 * checks that the bytes lie inside the window before touching them; a read that
 * would cross `end` reads nothing, sets the sticky `err` and returns -1, so a
 * decoder can chain reads with || and test once.  Offsets are absolute (from the
 * start of the frame), so a layer's byte range falls out of the cursor directly.
 *
 * A child layer gets a sub-cursor whose `end` is min(captured end, what the
 * parent's length field claims); it can never read past either.
 */
struct lsc_cur {
	const uint8_t *base; /* start of the frame */
	size_t off;          /* next byte to read, from base */
	size_t end;          /* one past the last readable byte, from base */
	int err;             /* sticky: set once a read ran past end */
};

static inline void lsc_cur_init(struct lsc_cur *c, const uint8_t *base, size_t off, size_t end)
{
	c->base = base;
	c->off = off;
	c->end = end < off ? off : end;
	c->err = 0;
}

/* Bytes left between the read position and the window's end. */
static inline size_t lsc_cur_left(const struct lsc_cur *c)
{
	return c->end - c->off;
}

/* Checks that n more bytes are readable; compares before it subtracts. */
static inline int lsc_cur_need(struct lsc_cur *c, size_t n)
{
	if (c->err || n > c->end - c->off) {
		c->err = 1;
		return -1;
	}
	return 0;
}

static inline int lsc_cur_u8(struct lsc_cur *c, uint8_t *v)
{
	if (lsc_cur_need(c, 1))
		return -1;
	*v = c->base[c->off];
	c->off += 1;
	return 0;
}

static inline int lsc_cur_be16(struct lsc_cur *c, uint16_t *v)
{
	if (lsc_cur_need(c, 2))
		return -1;
	const uint8_t *p = c->base + c->off;
	*v = (uint16_t)((uint16_t)p[0] << 8 | p[1]);
	c->off += 2;
	return 0;
}

static inline int lsc_cur_le16(struct lsc_cur *c, uint16_t *v)
{
	if (lsc_cur_need(c, 2))
		return -1;
	const uint8_t *p = c->base + c->off;
	*v = (uint16_t)((uint16_t)p[1] << 8 | p[0]);
	c->off += 2;
	return 0;
}

static inline int lsc_cur_be32(struct lsc_cur *c, uint32_t *v)
{
	if (lsc_cur_need(c, 4))
		return -1;
	const uint8_t *p = c->base + c->off;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	c->off += 4;
	return 0;
}

static inline int lsc_cur_le32(struct lsc_cur *c, uint32_t *v)
{
	if (lsc_cur_need(c, 4))
		return -1;
	const uint8_t *p = c->base + c->off;
	*v = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
	c->off += 4;
	return 0;
}

/* Copies n bytes out (addresses); `dst` must hold n. */
static inline int lsc_cur_bytes(struct lsc_cur *c, void *dst, size_t n)
{
	if (lsc_cur_need(c, n))
		return -1;
	memcpy(dst, c->base + c->off, n);
	c->off += n;
	return 0;
}

static inline int lsc_cur_skip(struct lsc_cur *c, size_t n)
{
	if (lsc_cur_need(c, n))
		return -1;
	c->off += n;
	return 0;
}

/*
 * A sub-cursor over the next `claimed` bytes, clipped to what was captured.
 * `*clipped` (may be NULL) says whether the claim ran past the capture.
 */
static inline struct lsc_cur lsc_cur_sub(const struct lsc_cur *c, size_t claimed, bool *clipped)
{
	struct lsc_cur s = *c;
	size_t left = lsc_cur_left(c);
	bool clip = claimed > left;
	s.end = c->off + (clip ? left : claimed);
	s.err = 0;
	if (clipped)
		*clipped = clip;
	return s;
}

#ifdef __cplusplus
}
#endif

#endif
