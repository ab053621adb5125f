# SPDX-License-Identifier: BSD-3-Clause
# read-lib.sh: what the `read` integration tests share: the binary, leak checks, a scratch dir, fail() and the verdict.
# Sourced by tests/integration/read-files.sh and read-tcpdump.sh (sh).  Sets $tmp (removed on
# exit), $caps (the bundled captures) and $fails; read_verdict ends the test with its failures.

: "${LAYERSCOPE:=./layerscope}"
: "${top_srcdir:=.}"
ASAN_OPTIONS="abort_on_error=1:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export ASAN_OPTIONS

read_name=$(basename "$0" .sh)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lsc-$read_name.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
caps="$top_srcdir/captures"
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# read_verdict: a sanitizer's report in the last $tmp/err fails too; exit 1 on any failure.
read_verdict() {
	grep -qE 'Sanitizer|runtime error' "$tmp/err" 2> /dev/null && fail "sanitizer report"
	[ $fails -eq 0 ] || { echo "$read_name: $fails failures"; exit 1; }
	echo "$read_name: all checks passed"
}
