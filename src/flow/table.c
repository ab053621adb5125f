/* SPDX-License-Identifier: BSD-3-Clause */
/* table.c: the conversation table: a fixed pool, a chained hash on the 5-tuple, LRU eviction. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "flow-int.h"
#include "../lib/siphash.h"

/*
 * Everything is allocated by lsc_flow_new(): a pool of `cap` slots and a
 * bucket array.  Slots and links are 1-based indices so that zeroed memory
 * means "none" and the pool could move without fixing pointers.
 */
struct lsc_flow_tracker {
	struct conv *pool;
	uint32_t cap, used;
	uint32_t *bucket;
	uint32_t mask;
	uint32_t lru_head, lru_tail;
	uint32_t next_id;
	uint32_t ticks;          /* lookups so far, for the lazy move to the head */
	uint32_t fresh_ticks;    /* how recent a move keeps a conversation where it is */
	uint64_t evicted;
	lsc_flow_conv_fn retire;
	void *retire_ctx;
	uint64_t hash_key[2];    /* SipHash's key, from getrandom(): unknown to whoever chooses the traffic */
	uint32_t recent;         /* the slot of the last lookup (0: none), tried before hashing */
};

#define HUGE_PAGE ((size_t)2 << 20)

/*
 * The pool of `cap` slots, never touched here: a slot is cleared when a
 * conversation takes it, so the pages of slots never used are never
 * faulted in.  A pool of more than 4 MiB (the default is 18) asks for huge
 * pages past its first 2 MiB (some 3,800 conversations), whole ones only:
 * once the table is full, each new conversation takes the slot of the one
 * seen longest ago, anywhere in the pool, and with 4 KiB pages that was a
 * TLB miss on top of the cache misses (bench/RESULTS.md).
 * A small capture keeps its small pages.
 */
static struct conv *pool_alloc(uint32_t cap)
{
	size_t size = (size_t)cap * sizeof(struct conv);
	void *p = NULL;
	if (size <= 2 * HUGE_PAGE)
		return malloc(size);
	if (posix_memalign(&p, HUGE_PAGE, size) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	size_t huge = (size - HUGE_PAGE) & ~(HUGE_PAGE - 1);
	madvise((char *)p + HUGE_PAGE, huge, MADV_HUGEPAGE); /* only a hint: without it, small pages */
#endif
	return p;
}

/*
 * A key for the conversation hash, from the kernel's random pool.  Without
 * one (getrandom() missing or refusing), the time, the pid and an address
 * the system randomizes: far weaker, but no worse than no key at all.
 */
static void seed_hash(uint64_t key[2])
{
	if (getrandom(key, 2 * sizeof *key, GRND_NONBLOCK) == (ssize_t)(2 * sizeof *key))
		return;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	key[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)ts.tv_sec ^ (uint64_t)getpid() << 32;
	key[1] = (uint64_t)(uintptr_t)key * 0xc2b2ae3d27d4eb4full ^ (uint64_t)(uintptr_t)&seed_hash;
}

struct lsc_flow_tracker *lsc_flow_new(uint32_t max_flows)
{
	struct lsc_flow_tracker *t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
	t->cap = max_flows ? max_flows : LSC_FLOW_DEFAULT_MAX;
	if (t->cap > LSC_FLOW_MAX_LIMIT)
		t->cap = LSC_FLOW_MAX_LIMIT;
	uint32_t nb = 1;
	while (nb < t->cap * 2u)
		nb <<= 1;
	t->mask = nb - 1;
	t->fresh_ticks = t->cap / 8;
	t->pool = pool_alloc(t->cap);
	t->bucket = calloc(nb, sizeof *t->bucket);
	t->next_id = 1;
	seed_hash(t->hash_key);
	if (t->pool == NULL || t->bucket == NULL) {
		lsc_flow_free(t);
		return NULL;
	}
	return t;
}

void lsc_flow_free(struct lsc_flow_tracker *t)
{
	if (t == NULL)
		return;
	free(t->pool);
	free(t->bucket);
	free(t);
}

void lsc_flow_on_retire(struct lsc_flow_tracker *t, lsc_flow_conv_fn fn, void *ctx)
{
	t->retire = fn;
	t->retire_ctx = ctx;
}

uint32_t lsc_flow_count(const struct lsc_flow_tracker *t)
{
	return t->used;
}

uint64_t lsc_flow_evicted(const struct lsc_flow_tracker *t)
{
	return t->evicted;
}

_Static_assert(sizeof(struct flow_key) == 40, "the key hashes and compares as five words");

/* Word i of a key. */
static inline uint64_t kw(const struct flow_key *k, unsigned i)
{
	uint64_t w;
	memcpy(&w, (const uint8_t *)k + 8 * i, 8);
	return w;
}

/*
 * SipHash-1-3 of the key under the tracker's random key: whoever sends the
 * traffic cannot choose addresses and ports that fall into one bucket (an
 * unkeyed hash let 20,000 chosen conversations make each lookup walk them
 * all).  1-3 rounds, as Python's and Rust's hash tables use: the key is
 * secret and the output never leaves the process.
 */
uint32_t lsc_flow_table_hash(const struct lsc_flow_tracker *t, const struct flow_key *k)
{
	return (uint32_t)lsc_siphash(t->hash_key, k, sizeof *k, 1, 3);
}

/* Key equality in five word compares, written out: memcmp() of 40 bytes is a call on every frame. */
static inline bool key_eq(const struct flow_key *a, const struct flow_key *b)
{
	return ((kw(a, 0) ^ kw(b, 0)) | (kw(a, 1) ^ kw(b, 1)) | (kw(a, 2) ^ kw(b, 2)) |
	        (kw(a, 3) ^ kw(b, 3)) | (kw(a, 4) ^ kw(b, 4))) == 0;
}

static struct conv *slot(const struct lsc_flow_tracker *t, uint32_t idx1)
{
	return &t->pool[idx1 - 1];
}

static uint32_t index1(const struct lsc_flow_tracker *t, const struct conv *c)
{
	return (uint32_t)(c - t->pool) + 1;
}

static void lru_unlink(struct lsc_flow_tracker *t, struct conv *c)
{
	if (c->lru_prev)
		slot(t, c->lru_prev)->lru_next = c->lru_next;
	else
		t->lru_head = c->lru_next;
	if (c->lru_next)
		slot(t, c->lru_next)->lru_prev = c->lru_prev;
	else
		t->lru_tail = c->lru_prev;
	c->lru_prev = c->lru_next = 0;
}

static void lru_push_front(struct lsc_flow_tracker *t, struct conv *c)
{
	uint32_t i = index1(t, c);
	c->lru_prev = 0;
	c->lru_next = t->lru_head;
	if (t->lru_head)
		slot(t, t->lru_head)->lru_prev = i;
	t->lru_head = i;
	if (t->lru_tail == 0)
		t->lru_tail = i;
}

static void hash_unlink(struct lsc_flow_tracker *t, struct conv *c)
{
	uint32_t i = index1(t, c);
	uint32_t *link = &t->bucket[c->hash & t->mask];
	while (*link && *link != i)
		link = &slot(t, *link)->hnext;
	if (*link == i)
		*link = c->hnext;
	c->hnext = 0;
}

/*
 * LRU, lazily: a conversation moved to the head within the last cap/8
 * lookups stays where it is, at most a quarter of the list from the head,
 * so only conversations unseen for that long ever reach the tail.  That
 * spares three cache misses (neighbours and head) on most frames.
 */
static __attribute__((noinline)) void move_to_head(struct lsc_flow_tracker *t, struct conv *c)
{
	c->touch = t->ticks;
	if (t->lru_head != index1(t, c)) {
		lru_unlink(t, c);
		lru_push_front(t, c);
	}
}

static void touch(struct lsc_flow_tracker *t, struct conv *c)
{
	if (++t->ticks - c->touch >= t->fresh_ticks)
		move_to_head(t, c);
}

/* Clears a slot's conversation state and gives it the next id; links stay. */
static void fresh_state(struct lsc_flow_tracker *t, struct conv *c)
{
	uint32_t hnext = c->hnext, prev = c->lru_prev, next = c->lru_next;
	struct flow_key key = c->key;
	uint32_t hash = c->hash;
	memset(c, 0, sizeof *c);
	c->key = key;
	c->hash = hash;
	c->hnext = hnext;
	c->lru_prev = prev;
	c->lru_next = next;
	c->pub.id = t->next_id++;
	c->pub.handshake_rtt_ns = -1;
}

/* The slot for a new conversation: a free one, else the least recently seen. */
static struct conv *take_slot(struct lsc_flow_tracker *t)
{
	if (t->used < t->cap)
		return &t->pool[t->used++];
	struct conv *c = slot(t, t->lru_tail);
	if (t->retire)
		t->retire(&c->pub, t->retire_ctx);
	t->evicted++;
	lru_unlink(t, c);
	hash_unlink(t, c);
	return c;
}

/* A conversation the table does not hold yet: a slot, a new id, linked in. */
static __attribute__((noinline)) struct conv *insert(struct lsc_flow_tracker *t, const struct flow_key *k,
                                                     uint32_t hash)
{
	struct conv *c = take_slot(t);
	c->key = *k;
	c->hash = hash;
	c->hnext = 0;
	c->lru_prev = c->lru_next = 0;
	fresh_state(t, c);
	c->touch = ++t->ticks;
	/* take_slot may have unlinked a slot from this very bucket. */
	uint32_t *head = &t->bucket[hash & t->mask];
	c->hnext = *head;
	*head = index1(t, c);
	lru_push_front(t, c);
	return c;
}

/*
 * A conversation's frames come in runs, so the last lookup's slot is tried
 * first: one key compare instead of a SipHash.  A slot always holds a live
 * conversation (eviction hands it straight to the next), so a slot whose key
 * matches is the conversation the bucket walk would find.
 */
struct conv *lsc_flow_table_get(struct lsc_flow_tracker *t, const struct flow_key *k, bool *fresh)
{
	struct conv *c;
	if (t->recent && key_eq(&(c = slot(t, t->recent))->key, k)) {
		touch(t, c);
		*fresh = false;
		return c;
	}
	uint32_t hash = lsc_flow_table_hash(t, k);
	for (uint32_t i = t->bucket[hash & t->mask]; i; i = slot(t, i)->hnext) {
		c = slot(t, i);
		if (key_eq(&c->key, k)) {
			touch(t, c);
			*fresh = false;
			t->recent = i;
			return c;
		}
	}
	*fresh = true;
	c = insert(t, k, hash);
	t->recent = index1(t, c);
	return c;
}

void lsc_flow_table_renew(struct lsc_flow_tracker *t, struct conv *c)
{
	if (t->retire)
		t->retire(&c->pub, t->retire_ctx);
	fresh_state(t, c);
}

uint32_t lsc_flow_table_longest_chain(const struct lsc_flow_tracker *t)
{
	uint32_t longest = 0;
	for (uint32_t b = 0; b <= t->mask; b++) {
		uint32_t n = 0;
		for (uint32_t i = t->bucket[b]; i; i = slot(t, i)->hnext)
			n++;
		if (n > longest)
			longest = n;
	}
	return longest;
}

static int by_id(const void *a, const void *b)
{
	const struct conv *x = *(const struct conv *const *)a, *y = *(const struct conv *const *)b;
	return (x->pub.id > y->pub.id) - (x->pub.id < y->pub.id);
}

int lsc_flow_foreach(const struct lsc_flow_tracker *t, lsc_flow_conv_fn fn, void *ctx)
{
	if (t->used == 0)
		return 0;
	const struct conv **v = malloc(t->used * sizeof *v);
	if (v == NULL)
		return -1;
	for (uint32_t i = 0; i < t->used; i++)
		v[i] = &t->pool[i];
	qsort(v, t->used, sizeof *v, by_id);
	for (uint32_t i = 0; i < t->used; i++)
		fn(&v[i]->pub, ctx);
	free(v);
	return 0;
}
