#!/bin/sh
# man-pt.sh: the Brazilian Portuguese man page renders cleanly, keeps up with the
# English one, and `make install` puts it where man(1) looks under LANG=pt_BR.
# SPDX-License-Identifier: BSD-3-Clause
#
# 1. Both pages render with groff without a single warning (-ww: all of them).
# 2. docs/layerscope.pt_BR.1 names every option docs/layerscope.1 documents, long
#    (\-\-option) and short (\-x), so a new option cannot be left out of it; it has
#    as many sections and subsections, the same version in .TH, and every heading
#    still in English is marked '.\" não traduzida ainda' on the line above.
# 3. From a build tree: `make install-data DESTDIR=...` (the half of `make install`
#    that holds the pages) installs it as share/man/pt_BR/man1/layerscope.1, byte
#    for byte, and the uninstall rules leave no man page behind (as distcheck demands).
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
en=$top/docs/layerscope.1
pt=$top/docs/layerscope.pt_BR.1
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }

if ! command -v groff > /dev/null; then
	[ "${CI:-}" = true ] && { echo "FAIL: groff is not installed (.ci/deps installs groff-base)"; exit 1; }
	echo "SKIP: groff not installed (apt-get install groff-base)"
	exit 77
fi
[ -f "$pt" ] || { echo "FAIL: $pt is missing"; exit 1; }

# 1. No warnings.  -k runs preconv, which reads the page's coding line (UTF-8), as man(1) does.
for page in "$en" "$pt"; do
	if ! groff -k -man -Tutf8 -ww -z "$page" > "$tmp/warn" 2>&1 || [ -s "$tmp/warn" ]; then
		no "groff warns about $(basename "$page"):"; head -20 "$tmp/warn"
	fi
done

# 2. The same options.  Long ones are the \-\-words; short ones a \-letters word
#    that starts a line or follows a space, a quote or a parenthesis.
long() { grep -o '\\-\\-[A-Za-z][A-Za-z0-9]*\(\\-[A-Za-z0-9][A-Za-z0-9]*\)*' "$1" | sed 's/\\-/-/g' | sort -u; }
short() {
	sed 's/\\-\\-[A-Za-z0-9\\-]*//g' "$1" | grep -oE '(^|[ "(])\\-[A-Za-z]+' |
		sed 's/^[ "(]*//; s/\\-/-/g' | sort -u
}
long "$en" > "$tmp/en-long"; long "$pt" > "$tmp/pt-long"
short "$en" > "$tmp/en-short"; short "$pt" > "$tmp/pt-short"
[ -s "$tmp/en-long" ] && [ -s "$tmp/en-short" ] || no "found no options in $en: the patterns of this test are wrong"
for o in $(comm -23 "$tmp/en-long" "$tmp/pt-long") $(comm -23 "$tmp/en-short" "$tmp/pt-short"); do
	no "the Portuguese page does not name $o, which layerscope.1 documents"
done

n_en=$(grep -c '^\.S[HS]' "$en"); n_pt=$(grep -c '^\.S[HS]' "$pt")
[ "$n_en" = "$n_pt" ] || no "layerscope.1 has $n_en sections and subsections, the Portuguese page $n_pt"
v_en=$(sed -n 's/^\.TH [^"]*"[^"]*" "\([^"]*\)".*/\1/p' "$en")
v_pt=$(sed -n 's/^\.TH [^"]*"[^"]*" "\([^"]*\)".*/\1/p' "$pt")
[ -n "$v_en" ] && [ "$v_en" = "$v_pt" ] || no "the .TH version differs: '$v_en' in layerscope.1, '$v_pt' in the Portuguese page"

# Headings compared without their quotes: .SH "SEE ALSO" is .SH SEE ALSO.
grep '^\.SH' "$en" | tr -d '"' | sort -u > "$tmp/en-sh"
awk -v list="$tmp/en-sh" '
	BEGIN { while ((getline l < list) > 0) english[l] = 1 }
	{ h = $0; gsub(/"/, "", h) }
	/^\.SH/ && (h in english) && prev !~ /não traduzida ainda/ { print }
	{ prev = $0 }' "$pt" > "$tmp/untranslated"
while read -r h; do
	no "the Portuguese page has the English heading '$h' without '.\\\" não traduzida ainda' above it"
done < "$tmp/untranslated"

# 3. Installed under pt_BR/man1 (only from a configured build tree).
if [ -n "${top_builddir:-}" ] && [ -f "$top_builddir/Makefile" ]; then
	root=$tmp/root
	if ! ${LSC_MAKE:-make} -C "$top_builddir" install-data DESTDIR="$root" > "$tmp/install.log" 2>&1; then
		no "make install-data DESTDIR=$root failed:"; tail -20 "$tmp/install.log"
	else
		got=$(find "$root" -path '*/share/man/pt_BR/man1/layerscope.1' -type f)
		if [ -z "$got" ]; then
			no "make install-data put no share/man/pt_BR/man1/layerscope.1 under DESTDIR:"
			find "$root" -path '*/man/*' -type f | sed 's/^/  /'
		elif ! cmp -s "$got" "$pt"; then
			no "$got is not docs/layerscope.pt_BR.1"
		fi
		# The page's half of `make uninstall` (the whole one stops at the
		# programs install-data never installed).
		if ! ${LSC_MAKE:-make} -C "$top_builddir" uninstall-man uninstall-local DESTDIR="$root" > "$tmp/uninstall.log" 2>&1; then
			no "make uninstall-man uninstall-local DESTDIR=$root failed:"; tail -20 "$tmp/uninstall.log"
		elif [ -n "$(find "$root" -path '*/man/*' -type f)" ]; then
			no "make uninstall left man pages behind:"; find "$root" -path '*/man/*' -type f | sed 's/^/  /'
		fi
	fi
else
	echo "note: no build tree (top_builddir unset): the install rule is not checked"
fi

[ "$fail" = 0 ] && echo "PASS: the Portuguese man page renders cleanly and names every option ($(wc -l < "$tmp/en-long") long, $(wc -l < "$tmp/en-short") short)"
exit "$fail"
