#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# widths.sh: what a person reads in a terminal fits 80 columns, in English and in Portuguese.
#
# `layerscope --help`, every command's --help and `quiz --answers` on every
# bundled capture, each written to a pipe (80 columns: lsc_prose_width), in
# the C locale and in pt_BR.UTF-8 with the catalogue built from po/pt_BR.po:
# no line wider than 80 columns, counted in characters (ç is one), not bytes.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${LAYERSCOPE:-./layerscope}
if ! command -v python3 > /dev/null; then
	[ "${CI:-}" = true ] && { echo "FAIL: python3 is not installed (.ci/deps installs it)"; exit 1; }
	echo "SKIP: python3 is not installed"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lsc-widths.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

# shellcheck source=../integration/ptbr-lib.sh
. "$top/tests/integration/ptbr-lib.sh"
ptbr_setup "$tmp" # compiles the catalogue into $tmp/locale; fails under CI=true when it cannot
langs=C
[ "$PTBR" = yes ] && langs="C pt_BR.UTF-8"

# fits WHAT LANG ARGS...: every line of `layerscope ARGS` fits 80 columns.
fits() {
	what=$1 lang=$2
	shift 2
	LC_ALL= LANGUAGE= LANG=$lang LAYERSCOPE_LOCALEDIR="$tmp/locale" "$bin" "$@" > "$tmp/out" 2>&1
	python3 - "$tmp/out" "$what ($lang)" <<'EOP' || fail=1
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
wide = [l for l in lines if len(l) > 80]
for l in wide[:3]:
    print(f"FAIL: {sys.argv[2]}: {len(l)} columns: {l}")
if len(lines) < 3:
    print(f"FAIL: {sys.argv[2]}: {len(lines)} lines: " + " | ".join(lines))
    sys.exit(1)
sys.exit(1 if wide else 0)
EOP
}

cmds=$(sed -n 's/^[[:space:]]*&lsc_cmd_\([a-z]*\),.*/\1/p' "$top/src/cli/main.c")
[ -n "$cmds" ] || { echo "widths: no command table in src/cli/main.c" >&2; exit 99; }
n=0
for lang in $langs; do
	fits "--help" "$lang" --help
	n=$((n + 1))
	for c in $cmds; do
		fits "$c --help" "$lang" "$c" --help
		n=$((n + 1))
	done
	for cap in "$top"/captures/*.pcap; do
		fits "quiz --answers $(basename "$cap")" "$lang" quiz --answers "$cap"
		n=$((n + 1))
	done
done
[ $fail -eq 0 ] && echo "widths: $n outputs, every line within 80 columns"
if [ $fail -eq 0 ] && [ "$PTBR" != yes ]; then
	echo "SKIP: English only: the Portuguese half was not checked"
	exit 77
fi
exit $fail
