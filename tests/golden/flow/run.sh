#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# run.sh: the track stage's golden tests: each line of `list` against its NAME.out, byte for byte.
# Needs $LAYERSCOPE, $CORPORA and $top_srcdir (set by make check); skips (77) without the corpora,
# and fails under CI=true without them.
here=${top_srcdir:-.}/tests/golden/flow
: "${LAYERSCOPE:=./layerscope}"
. "$here/lib.sh"
if [ ! -d "${CORPORA:-}" ]; then
	n=$(grep -c -v -e '^#' -e '^[[:space:]]*$' "$here/list")
	if [ "${CI:-}" = true ]; then
		echo "FAIL: CI=true runs every case, and these $n need the peer captures: set CORPORA to their folder"
		exit 1
	fi
	echo "SKIP: $n cases: the peer captures are not at '${CORPORA:-}' (set CORPORA to their folder)"
	exit 77
fi
tmp=$(mktemp) || exit 1
count=$(mktemp) || exit 1
trap 'rm -f "$tmp" "$count"' EXIT
fail=0

check() {
	echo "$1" >>"$count"
	golden_read "$2" "$3" "$4" >"$tmp"
	if ! cmp -s "$tmp" "$here/$1.out"; then
		echo "FAIL: $1 ($2 $3 $4)"
		diff -u "$here/$1.out" "$tmp" | head -40
		fail=1
	fi
}
golden_each check
n=$(wc -l <"$count")
echo "$n golden outputs checked"

# The options' usage errors exit 2 and say what to do.
usage() {
	"$LAYERSCOPE" read "$@" "$CORPORA/local/lo_en10mb_nsec.pcap" >/dev/null 2>"$tmp"
	rc=$?
	if [ $rc -ne 2 ] || ! grep -q -- "$expect" "$tmp"; then
		echo "FAIL: read $* exited $rc, wanted 2 and '$expect':"
		cat "$tmp"
		fail=1
	fi
}
expect='drop --no-track' usage --no-track --stats
expect='drop --no-track' usage --no-track -f ladder
expect='goes with --follow' usage --chunk 16
expect='goes with -f ladder' usage --mermaid
expect='needs --follow' usage -f follow
expect='conversation number from 1 to 4294967295' usage --follow 0
expect='drop -f json' usage -f json --follow 1
# Options getopt cannot take are named: a value where none goes, an unknown
# letter after a long option (glibc leaves optind on its cluster).
expect="--no-track takes no value: drop '=1'" usage --no-track=1
expect="unknown option '-X'" usage --no-track -Xq
# Every range error names both ends of the range.
expect='--max-flows wants a count from 1 to 4194304' usage --max-flows 4194305
expect='--chunk wants a recv() size in bytes from 1 to 1073741824' usage --follow 1 --chunk 0
expect='-c wants a frame count from 1 to 18446744073709551615' usage -c 99999999999999999999
# A conversation the frames read lack is a runtime failure (1), named on
# stderr with its command; -c may be why, and the message allows for it.
"$LAYERSCOPE" read --follow 99 "$CORPORA/local/lo_en10mb_nsec.pcap" >/dev/null 2>"$tmp"
if [ $? -ne 1 ] || ! grep -q "layerscope read: conversation 99 is not among the frames read" "$tmp"; then
	echo "FAIL: --follow 99 should exit 1 naming the conversation"
	fail=1
fi
"$LAYERSCOPE" read --follow 1 -c 1 "${top_srcdir:-.}/captures/exercise.pcap" >/dev/null 2>"$tmp"
if [ $? -ne 1 ] || ! grep -q "with the same -c and FILTER" "$tmp"; then
	echo "FAIL: --follow past -c should exit 1 and allow for -c"
	fail=1
fi
exit $fail
