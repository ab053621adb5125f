#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# compressed.sh: gzip and zstd captures read by their magic bytes, from files and stdin; cut and corrupt ones named.
#
# Every bundled capture (captures/*.pcap, and a pcapng made from one) is
# compressed with gzip and zstd under names that say nothing (.bin, no
# suffix); `read -f json` of each copy, by path, by `-` and by `-r -`, must
# give byte for byte what the plain file gives.  Then the broken inputs: a
# gzip and a zstd file cut short, a corrupt gzip file, gzip magic alone, an
# empty gzip stream, two gzip members one after the other, a plain file with
# junk after a gzip member: each gives exit 1 and one line naming the file
# and the cause, never a crash or a sanitizer report.

: "${LAYERSCOPE:=./layerscope}"
: "${top_srcdir:=.}"
ASAN_OPTIONS="abort_on_error=1:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export ASAN_OPTIONS

for tool in gzip zstd; do
	if ! command -v $tool > /dev/null; then
		echo "SKIP: $tool is not installed (apt-get install $tool)"
		exit 77
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lsc-compressed.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

caps=$(ls "$top_srcdir"/captures/*.pcap)
n=0
for cap in $caps; do
	name=$(basename "$cap" .pcap)
	# --no-calls: the copies have no .calls file beside them, the bundled file has (observed calls).
	"$LAYERSCOPE" read --no-calls -f json "$cap" > "$tmp/plain.json" 2> "$tmp/err" || { fail "$name: plain read failed: $(cat "$tmp/err")"; continue; }
	gzip -c "$cap" > "$tmp/$name.bin"
	zstd -q -c "$cap" > "$tmp/$name"
	for packed in "$tmp/$name.bin" "$tmp/$name"; do
		"$LAYERSCOPE" read -f json "$packed" > "$tmp/out.json" 2> "$tmp/err"
		rc=$?
		[ $rc -eq 0 ] && cmp -s "$tmp/plain.json" "$tmp/out.json" ||
			fail "$name: $(basename "$packed") (rc $rc) differs from the plain file: $(cat "$tmp/err")"
		"$LAYERSCOPE" read -f json - < "$packed" > "$tmp/out.json" 2> "$tmp/err"
		cmp -s "$tmp/plain.json" "$tmp/out.json" || fail "$name: $(basename "$packed") from stdin (-) differs"
		"$LAYERSCOPE" read -f json -r - < "$packed" > "$tmp/out.json" 2> "$tmp/err"
		cmp -s "$tmp/plain.json" "$tmp/out.json" || fail "$name: $(basename "$packed") from stdin (-r -) differs"
		n=$((n + 1))
	done
done
echo "compressed: $n gzip and zstd copies read as their plain captures"

# A pcapng capture, compressed: the same frames as the pcap it came from.
if command -v editcap > /dev/null; then
	editcap -F pcapng "$top_srcdir/captures/exercise.pcap" "$tmp/ex.pcapng"
	"$LAYERSCOPE" read -f line "$tmp/ex.pcapng" > "$tmp/ng.txt"
	gzip -c "$tmp/ex.pcapng" > "$tmp/ng.gz"
	zstd -q -c "$tmp/ex.pcapng" > "$tmp/ng.zst"
	for packed in "$tmp/ng.gz" "$tmp/ng.zst"; do
		"$LAYERSCOPE" read -f line "$packed" > "$tmp/out.txt" 2> "$tmp/err"
		cmp -s "$tmp/ng.txt" "$tmp/out.txt" || fail "pcapng $(basename "$packed") differs: $(cat "$tmp/err")"
	done
else
	echo "compressed: editcap absent: the pcapng case is not run"
fi

# Broken inputs: exit 1, one line naming the file and `cause`.
expect_error() {
	file=$1 cause=$2
	"$LAYERSCOPE" read -f line "$file" > "$tmp/out.txt" 2> "$tmp/err"
	rc=$?
	if [ $rc -ne 1 ]; then
		fail "$(basename "$file"): exit $rc, not 1: $(cat "$tmp/err")"
	elif grep -qE 'runtime error|Sanitizer' "$tmp/err"; then
		fail "$(basename "$file"): sanitizer report: $(head -c 300 "$tmp/err")"
	elif [ "$(wc -l < "$tmp/err")" -ne 1 ] || ! grep -q "$(basename "$file").*$cause" "$tmp/err"; then
		fail "$(basename "$file"): the error does not name the file and '$cause': $(cat "$tmp/err")"
	fi
}
ex="$top_srcdir/captures/exercise.pcap"
gzip -c "$ex" > "$tmp/ex.gz"
zstd -q -c "$ex" > "$tmp/ex.zst"
size=$(wc -c < "$tmp/ex.gz")
head -c $((size / 2)) "$tmp/ex.gz" > "$tmp/cut.gz"
expect_error "$tmp/cut.gz" "gzip data ends before its end mark"
# The frames before the cut are shown, as for a plain file cut short.
[ -s "$tmp/out.txt" ] || fail "cut.gz: no frame shown before the cut"
head -c $(($(wc -c < "$tmp/ex.zst") - 5)) "$tmp/ex.zst" > "$tmp/cut.zst"
expect_error "$tmp/cut.zst" "zstd data ends before its end mark"
head -c 2 "$tmp/ex.gz" > "$tmp/magic.gz"
expect_error "$tmp/magic.gz" "cut short"
cp "$tmp/ex.gz" "$tmp/corrupt.gz"
printf '\377\377\377\377\377\377\377\377' | dd of="$tmp/corrupt.gz" bs=1 seek=100 conv=notrunc 2> /dev/null
expect_error "$tmp/corrupt.gz" "gzip data is corrupt"
cp "$tmp/ex.zst" "$tmp/corrupt.zst"
printf '\377\377\377\377\377\377\377\377' | dd of="$tmp/corrupt.zst" bs=1 seek=6 conv=notrunc 2> /dev/null
expect_error "$tmp/corrupt.zst" "zstd data is corrupt"
: | gzip > "$tmp/empty.gz"
expect_error "$tmp/empty.gz" "inflates to nothing"
{ cat "$tmp/ex.gz"; echo junk; } > "$tmp/junk.gz"
expect_error "$tmp/junk.gz" "not gzip follow"
# Two members are one stream (RFC 1952 2.2): a capture split in two gzip members reads whole.
head -c 1000 "$ex" | gzip > "$tmp/two.gz"
tail -c +1001 "$ex" | gzip >> "$tmp/two.gz"
"$LAYERSCOPE" read --no-calls -f line "$ex" > "$tmp/a.txt"
"$LAYERSCOPE" read -f line "$tmp/two.gz" > "$tmp/b.txt" 2> "$tmp/err" && cmp -s "$tmp/a.txt" "$tmp/b.txt" ||
	fail "two gzip members: not read as one capture: $(cat "$tmp/err")"
# From stdin, a cut stream is named as stdin.
"$LAYERSCOPE" read -f line - < "$tmp/cut.gz" > /dev/null 2> "$tmp/err"
grep -q "stdin: the gzip data ends" "$tmp/err" || fail "cut gzip on stdin: $(cat "$tmp/err")"

# The same causes in Portuguese, each with the file named (ptbr-lib.sh).
. "$(dirname "$0")/ptbr-lib.sh"
ptbr_setup "$tmp"
if [ "$PTBR" = yes ]; then
	pt_error() { # FILE TEXT: exit 1 and the line "layerscope read: FILE: TEXT..."
		ptbr "$LAYERSCOPE" read -f line "$1" > /dev/null 2> "$tmp/err"
		rc=$?
		[ $rc -eq 1 ] && grep -qF "layerscope read: $1: $2" "$tmp/err" ||
			fail "$(basename "$1") in pt_BR: exit $rc, $(cat "$tmp/err") — want: $2"
	}
	cut="o arquivo comprimido foi cortado (uma cópia ou um download interrompido)"
	pt_error "$tmp/cut.gz" "os dados gzip terminam antes da marca de fim: $cut; parou antes do quadro "
	pt_error "$tmp/cut.zst" "os dados zstd terminam antes da marca de fim: $cut"
	pt_error "$tmp/corrupt.gz" "os dados gzip estão corrompidos (zlib: "
	pt_error "$tmp/corrupt.zst" "os dados zstd estão corrompidos (libzstd: "
	pt_error "$tmp/empty.gz" "os dados gzip descomprimidos não dão nada, não são uma captura — comprima um arquivo pcap ou pcapng"
	pt_error "$tmp/junk.gz" "bytes que não são gzip vêm depois dos dados comprimidos (um arquivo colado no fim?)"
fi

[ $fails -eq 0 ] || { echo "compressed: $fails failures"; exit 1; }
echo "compressed: all checks passed"
