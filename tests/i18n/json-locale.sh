#!/bin/sh
# json-locale.sh: JSON is for programs: the same bytes in every locale.
# SPDX-License-Identifier: BSD-3-Clause
#
# Runs `read -f json`, `report -f json` and `quiz -f json` on the exercise
# capture under LC_ALL=C, C.UTF-8 and pt_BR.UTF-8 (with this tree's catalogue)
# and fails unless each command's three outputs are byte for byte the same,
# and its exit status too.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${LAYERSCOPE:-./layerscope}
cap=$top/captures/exercise.pcap
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

command -v msgfmt > /dev/null || { echo "SKIP: msgfmt not installed (apt-get install gettext)"; exit 77; }
mkdir -p "$tmp/locale/pt_BR/LC_MESSAGES"
msgfmt -o "$tmp/locale/pt_BR/LC_MESSAGES/layerscope.mo" "$top/po/pt_BR.po" || exit 99
locales="C C.UTF-8"
if locale -a 2> /dev/null | grep -qiE '^pt_BR\.utf-?8$'; then
	locales="$locales pt_BR.UTF-8"
elif [ "${CI:-}" = true ]; then
	echo "FAIL: the pt_BR.UTF-8 locale is not installed (.ci/deps generates it)"
	exit 1
else
	echo "note: pt_BR.UTF-8 is not installed here; only C and C.UTF-8 compared"
fi

n=0
for cmd in "read -f json" "report -f json" "quiz --answers -f json --seed 3"; do
	n=$((n + 1))
	for l in $locales; do
		# shellcheck disable=SC2086 # the command's words
		LC_ALL=$l LANGUAGE= LAYERSCOPE_LOCALEDIR="$tmp/locale" TZ=UTC "$bin" $cmd "$cap" > "$tmp/$n.$l" 2> "$tmp/$n.$l.err"
		echo "exit $?" >> "$tmp/$n.$l"
	done
	[ -s "$tmp/$n.C" ] && [ "$(wc -l < "$tmp/$n.C")" -gt 2 ] || { echo "FAIL: $cmd printed nothing:"; cat "$tmp/$n.C.err"; fail=1; }
	for l in $locales; do
		if ! cmp -s "$tmp/$n.C" "$tmp/$n.$l"; then
			echo "FAIL: layerscope $cmd differs between LC_ALL=C and LC_ALL=$l:"
			diff "$tmp/$n.C" "$tmp/$n.$l" | head -n 10
			fail=1
		fi
	done
done

[ $fail -eq 0 ] && echo "PASS: json-locale ($locales)"
exit $fail
