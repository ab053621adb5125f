/* SPDX-License-Identifier: BSD-3-Clause */
/* test_i18n.c: the ASCII fold a terminal that is not UTF-8 gets, whole, in place and across writes. */
#include <config.h>

#include <stdio.h>

#include <layerscope/frame.h>
#include <layerscope/strbuf.h>

#include "unit.h"
#include "../../src/lib/i18n.h"

/* Encodes cp as UTF-8 at p; returns its length. */
static size_t utf8(char *p, uint32_t cp)
{
	if (cp < 0x80) {
		p[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (char)(0xc0 | cp >> 6);
		p[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	p[0] = (char)(0xe0 | cp >> 12);
	p[1] = (char)(0x80 | (cp >> 6 & 0x3f));
	p[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

static void fold_str(const char *in, char *out, size_t cap)
{
	size_t n = strlen(in), len;
	assert_true(n < cap);
	memcpy(out, in, n);
	assert_int_equal(lsc_ascii_fold_in(out, n, &len), n);
	out[len] = '\0';
}

/* The in-place fold relies on it: no code point's ASCII is longer than its UTF-8. */
static void test_never_longer(void **state)
{
	(void)state;
	for (uint32_t cp = 0x80; cp < 0x10000; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		char buf[8];
		size_t n = utf8(buf, cp), len;
		assert_int_equal(lsc_ascii_fold_in(buf, n, &len), n);
		assert_true(len >= 1 && len <= n);
		for (size_t i = 0; i < len; i++)
			assert_true((unsigned char)buf[i] < 0x80 && (unsigned char)buf[i] >= 0x20);
	}
}

static void test_glyphs(void **state)
{
	(void)state;
	char out[128];
	fold_str("ETH › IPv4 › TCP  10.0.0.2 → 10.0.0.1 · ação … │ ┌─┐", out, sizeof out);
	assert_string_equal(out, "ETH > IPv4 > TCP  10.0.0.2 -> 10.0.0.1 - acao ... | +-+");
	/* Not UTF-8: one '?' for each byte that cannot start a character. */
	fold_str("a\xff" "b\x80" "c\xe2\x86" "d", out, sizeof out);
	assert_string_equal(out, "a?b?c??d");
}

/* The summaries' own ASCII arrow is the fold of their UTF-8 one. */
static void test_arrow(void **state)
{
	(void)state;
	char a[16], u[16], folded[16];
	*lsc_w_to(a, true) = '\0';
	*lsc_w_to(u, false) = '\0';
	fold_str(u, folded, sizeof folded);
	assert_string_equal(a, folded);
	assert_string_not_equal(a, u);
	/* The checked append writes the same two. */
	char sb[16];
	struct lsc_strbuf b;
	lsc_sb_init(&b, sb, sizeof sb);
	b.ascii = true;
	lsc_sb_to(&b);
	assert_string_equal(sb, a);
	lsc_sb_init(&b, sb, sizeof sb);
	lsc_sb_to(&b);
	assert_string_equal(sb, u);
}

/* A character cut at the end is left for the next write; one cut by a pass's end is not. */
static void test_cut(void **state)
{
	(void)state;
	char buf[16] = "ab\xe2\x86";
	size_t len;
	assert_int_equal(lsc_ascii_fold_in(buf, 4, &len), 2);
	assert_int_equal(len, 2);
	/* A lead byte followed by what cannot continue it is not cut: a '?', and the rest is kept. */
	memcpy(buf, "x\xe2" "a", 3);
	assert_int_equal(lsc_ascii_fold_in(buf, 3, &len), 3);
	assert_memory_equal(buf, "x?a", 3);
	assert_int_equal(len, 3);

	static char big[9000], want[9000];
	size_t n = 0, w = 0;
	while (n < sizeof big - 8) { /* arrows at every offset, across the 4 KiB passes */
		n += utf8(big + n, n % 7 == 0 ? 0x2192 : 'x');
		if (big[n - 1] == 'x') {
			want[w++] = 'x';
		} else {
			want[w++] = '-';
			want[w++] = '>';
		}
	}
	char *got = NULL;
	size_t gotlen = 0;
	FILE *m = open_memstream(&got, &gotlen);
	assert_non_null(m);
	assert_int_equal(lsc_ascii_fold(m, big, n), n);
	assert_int_equal(lsc_ascii_fold(m, "\xe2\x86", 2), 0); /* cut: handed over again later */
	assert_int_equal(fclose(m), 0);
	assert_int_equal(gotlen, w);
	assert_memory_equal(got, want, w);
	free(got);
}

/* A note is kept as English text and as its source; one formatter makes the text from the source. */
static void test_note_source(void **state)
{
	(void)state;
	static struct lsc_frame f;
	char shown[LSC_NOTE_SHOWN];
	f.nnotes = 0;
	lsc_frame_note(&f, "%s checksum 0x%04x is incorrect: it should be 0x%04x", "TCP", 0x12, 0xbeef);
	lsc_frame_note(&f, "frame %llu, round trip %lld.%06lld ms, %d%%", 7ull, 0ll, 41000ll, -3);
	lsc_frame_note(&f, "%c %-4u|%5s|", 'x', 9u, "ab");
	lsc_frame_note(&f, "no conversion at all");
	assert_int_equal(f.nnotes, 4);
	assert_string_equal(f.notes[0], "TCP checksum 0x0012 is incorrect: it should be 0xbeef");
	assert_string_equal(f.notes[1], "frame 7, round trip 0.041000 ms, -3%");
	assert_string_equal(f.notes[2], "x 9   |   ab|");
	assert_string_equal(f.notes[3], "no conversion at all");
	assert_int_equal(f.note_src[1].nargs, 4);
	assert_int_equal(f.note_src[3].nargs, 0);
	/* Untranslated (no catalogue here): the English text itself, not a copy. */
	for (unsigned i = 0; i < f.nnotes; i++)
		assert_ptr_equal(lsc_frame_note_text(&f, i, shown, sizeof shown), f.notes[i]);
	assert_string_equal(lsc_frame_note_text(&f, 5, shown, sizeof shown), "");
	/* Another format of the same conversions, as a translation is: the values in order. */
	lsc_note_format(shown, sizeof shown, "a soma %s 0x%04x deveria ser 0x%04x", &f.note_src[0]);
	assert_string_equal(shown, "a soma TCP 0x0012 deveria ser 0xbeef");
	/* Cut to the room given, never past it. */
	lsc_note_format(shown, 12, "a soma %s 0x%04x deveria ser 0x%04x", &f.note_src[0]);
	assert_string_equal(shown, "a soma TCP ");
	/* A format that is not a note's (a '*' width, more values than kept) is English only. */
	lsc_frame_note(&f, "%*d", 3, 5);
	lsc_frame_note(&f, "%d %d %d %d %d", 1, 2, 3, 4, 5);
	assert_string_equal(f.notes[4], "  5");
	assert_null(f.note_src[4].fmt);
	assert_string_equal(f.notes[5], "1 2 3 4 5");
	assert_null(f.note_src[5].fmt);
}

/* Text built at run time is remembered by what it says, never by where it lies. */
static void test_tr_text(void **state)
{
	(void)state;
	char buf[64] = "12 bytes";
	assert_ptr_equal(lsc_tr_text(buf), buf); /* no catalogue here: the text itself */
	strcpy(buf, "13 bytes");
	assert_string_equal(lsc_tr_text(buf), "13 bytes");
	assert_string_equal(lsc_tr_text(""), "");
	memset(buf, 'x', sizeof buf - 1);
	buf[sizeof buf - 1] = '\0';
	assert_ptr_equal(lsc_tr_text(buf), buf); /* too long to remember: asked each time */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_never_longer),
		cmocka_unit_test(test_glyphs),
		cmocka_unit_test(test_arrow),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_note_source),
		cmocka_unit_test(test_tr_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
