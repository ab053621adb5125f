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
command -v python3 > /dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lsc-widths.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

langs=C
if command -v msgfmt > /dev/null && locale -a 2> /dev/null | grep -qiE '^pt_BR\.utf-?8$'; then
	mkdir -p "$tmp/locale/pt_BR/LC_MESSAGES"
	msgfmt -o "$tmp/locale/pt_BR/LC_MESSAGES/layerscope.mo" "$top/po/pt_BR.po" || exit 99
	langs="C pt_BR.UTF-8"
else
	echo "SKIP (Portuguese): msgfmt or the pt_BR.UTF-8 locale is missing; English only"
fi

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
[ $fail -eq 0 ] && echo "PASS: widths: $n outputs, every line within 80 columns"
exit $fail
