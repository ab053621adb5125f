#!/bin/sh
# po-check.sh: every string a person reads is in the template and translated in every catalogue.
# SPDX-License-Identifier: BSD-3-Clause
#
# Fails when a source file with _(), N_() or P_() strings is missing from
# po/POTFILES.in, when po/layerscope.pot is not what the sources give ('make
# update-po'), when a catalogue lacks a message, leaves it untranslated or
# fuzzy, or when its format strings do not match; then runs the program in
# pt_BR.UTF-8, in C and in a locale that is not installed.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${LAYERSCOPE:-./layerscope}
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }

for t in xgettext msgcmp msgfmt; do
	command -v "$t" > /dev/null || { echo "SKIP: $t not installed (apt-get install gettext)"; exit 77; }
done

# 1. POTFILES.in names every file that marks strings, and only files that exist.
grep -v '^#' "$top/po/POTFILES.in" | sed '/^$/d' | sort > "$tmp/listed"
(cd "$top" && grep -rlE '(^|[^A-Za-z0-9_])([NP]?_\("|(lsc_frame_note|lsc_layer_truncated|lsc_layer_malformed)\([^,]*, *")' src include --include='*.c' --include='*.h') |
	sort > "$tmp/marked"
comm -13 "$tmp/listed" "$tmp/marked" | while read -r f; do
	echo "FAIL: $f has translatable strings but is not in po/POTFILES.in"; echo x >> "$tmp/bad"
done
while read -r f; do
	[ -f "$top/$f" ] || { echo "FAIL: po/POTFILES.in names $f, which does not exist"; echo x >> "$tmp/bad"; }
done < "$tmp/listed"
[ -s "$tmp/bad" ] && fail=1

# 2. The template is what the sources give today (same options as po/Makevars).
opts=$(sed -n '/^XGETTEXT_OPTIONS/,/[^\\]$/p' "$top/po/Makevars" | sed 's/^XGETTEXT_OPTIONS *= *//; s/\\$//' | tr '\n\t' '  ')
[ -n "$opts" ] || no "po/Makevars has no XGETTEXT_OPTIONS"
# shellcheck disable=SC2086 # the options are words
(cd "$top" && xgettext $opts -o "$tmp/fresh.pot" -f "$tmp/listed") || no "xgettext failed on the sources"
if ! msgcmp --use-untranslated "$top/po/layerscope.pot" "$tmp/fresh.pot" 2> "$tmp/err" ||
   ! msgcmp --use-untranslated "$tmp/fresh.pot" "$top/po/layerscope.pot" 2>> "$tmp/err"; then
	head -20 "$tmp/err"
	no "po/layerscope.pot is out of date: run 'make update-po' and translate the new messages"
fi

# 3. Every catalogue holds every message, translated and not fuzzy, formats matching.
for lang in $(sed 's/#.*//' "$top/po/LINGUAS"); do
	po="$top/po/$lang.po"
	if ! msgcmp "$po" "$tmp/fresh.pot" 2> "$tmp/err"; then
		head -20 "$tmp/err"
		no "po/$lang.po lacks or leaves untranslated (or fuzzy) messages of the sources"
	fi
	stats=$(LC_ALL=C msgfmt --check --statistics -o "$tmp/$lang.mo" "$po" 2>&1) ||
		no "msgfmt --check po/$lang.po: $stats"
	case $stats in
	*untranslated* | *fuzzy*) no "po/$lang.po: $stats" ;;
	esac
	mkdir -p "$tmp/locale/$lang/LC_MESSAGES"
	cp "$tmp/$lang.mo" "$tmp/locale/$lang/LC_MESSAGES/layerscope.mo" 2> /dev/null
done

# 4. The program speaks Portuguese in pt_BR.UTF-8, English elsewhere, with no warning.
msg() { # the translation of $1 in the built catalogue
	msgunfmt "$tmp/pt_BR.mo" 2> /dev/null | msgattrib --no-wrap 2> /dev/null |
		awk -v id="msgid \"$1\"" '$0 == id { getline; sub(/^msgstr "/, ""); sub(/"$/, ""); print; exit }'
}
want=$(msg "commands:")
[ -n "$want" ] || no "the catalogue has no translation of 'commands:'"
if locale -a 2> /dev/null | grep -qiE '^pt_BR\.utf-?8$'; then
	out=$(LC_ALL= LANGUAGE= LANG=pt_BR.UTF-8 LAYERSCOPE_LOCALEDIR="$tmp/locale" "$bin" --help 2>&1)
	printf '%s\n' "$out" | grep -qxF "$want" || no "--help in pt_BR.UTF-8 does not say '$want':
$out"
	printf '%s\n' "$out" | grep -q 'commands:' && no "--help in pt_BR.UTF-8 still says 'commands:'"
elif [ "${CI:-}" = true ]; then
	no "the pt_BR.UTF-8 locale is not installed (.ci/deps generates it)"
else
	echo "SKIP: pt_BR.UTF-8 is not installed here; the run in Portuguese was not checked"
fi
for l in C xx_YY.UTF-8; do
	out=$(LC_ALL= LANGUAGE= LANG=$l LAYERSCOPE_LOCALEDIR="$tmp/locale" "$bin" --help 2>&1)
	[ "$(printf '%s\n' "$out" | sed -n 5p)" = "commands:" ] ||
		no "--help with LANG=$l is not the English text with no warning:
$out"
done

[ $fail -eq 0 ] && echo "PASS: po-check"
exit $fail
