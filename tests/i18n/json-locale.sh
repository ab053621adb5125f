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

# shellcheck source=../integration/ptbr-lib.sh
. "$top/tests/integration/ptbr-lib.sh"
ptbr_setup "$tmp" # compiles the catalogue into $tmp/locale; fails under CI=true when it cannot
locales="C C.UTF-8"
[ "$PTBR" = yes ] && locales="$locales pt_BR.UTF-8"

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

[ $fail -eq 0 ] && echo "json-locale: the same bytes under $locales"
if [ $fail -eq 0 ] && [ "$PTBR" != yes ]; then
	echo "SKIP: pt_BR was not compared"
	exit 77
fi
exit $fail
