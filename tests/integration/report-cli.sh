#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# report-cli.sh: `layerscope report`'s command line: the format from -f or OUT's suffix, exit codes, messages.
# Needs $LAYERSCOPE and $CORPORA (make check sets them); skips (77) without the corpora.
set -u
bin=${LAYERSCOPE:-./layerscope}
cap=${CORPORA:-}/local/lo_en10mb_nsec.pcap
if [ ! -r "$cap" ]; then
	echo "SKIP: no corpora (set CORPORA)"
	exit 77
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
. "$(dirname "$0")/ptbr-lib.sh"
ptbr_setup "$tmp"

bad() {
	echo "FAIL: $*"
	fail=1
}

# run STATUS PATTERN ARGS...: exits STATUS, and stderr holds PATTERN (when not empty).
run() {
	want=$1 pattern=$2
	shift 2
	"$bin" report "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		bad "report $* exited $rc, wanted $want: $(cat "$tmp/err")"
	elif [ -n "$pattern" ] && ! grep -q -e "$pattern" "$tmp/err"; then
		bad "report $*: stderr lacks '$pattern': $(cat "$tmp/err")"
	fi
}

# first_line FILE: what the format starts with.
first_line() {
	head -c 20 "$1" | head -n 1
}

# The format follows OUT's suffix, -f wins over it.
run 0 '' -o "$tmp/r.md" "$cap"
[ "$(first_line "$tmp/r.md")" = "# layerscope report:" ] || bad ".md did not give Markdown"
run 0 '' -o "$tmp/r.HTM" "$cap"
[ "$(first_line "$tmp/r.HTM")" = "<!DOCTYPE html>" ] || bad ".HTM did not give HTML"
run 0 '' -o "$tmp/r.json" "$cap"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["capture"]["frames"] == 26' \
	"$tmp/r.json" || bad ".json did not give the JSON of 26 frames"
run 0 '' -f json -o "$tmp/r2.out" "$cap"
[ "$(head -c 1 "$tmp/r2.out")" = "{" ] || bad "-f json -o r2.out did not give JSON"
[ -s "$tmp/out" ] && bad "-o wrote to standard output too"
# -f and a suffix naming another format: which one was meant is unclear, nothing is written.
run 2 "-f json conflicts with the suffix of" -f json -o "$tmp/r2.html" "$cap"
[ -e "$tmp/r2.html" ] && bad "a conflicting suffix still created the file"
run 0 '' -f html -o "$tmp/r3.htm" "$cap"
# Standard output, not a terminal: HTML.  Standard input as the capture.
run 0 '' "$cap"
[ "$(first_line "$tmp/out")" = "<!DOCTYPE html>" ] || bad "the default on a pipe is not HTML"
"$bin" report -f md - <"$cap" >"$tmp/out" 2>"$tmp/err" || bad "report - (standard input) failed"
grep -q '^| File | standard input |$' "$tmp/out" || bad "standard input is not named as the file"

# Usage errors: 2, saying what to do.
run 2 'end OUT with one of .html, .htm, .md, .markdown, .json' -o "$tmp/r.txt" "$cap"
[ -e "$tmp/r.txt" ] && bad "an unknown suffix still created the file"
run 2 "unknown format 'pdf' (formats: html, md, json)" -f pdf "$cap"
run 2 'syntax error' -f md "$cap" 'port port port'
run 2 'frame count' --frames many "$cap"
run 2 'frame count' --frames -1 "$cap"
run 2 'no capture file given' -f md
run 2 "unknown or ambiguous option '--bogus'" --bogus "$cap"
run 2 '-o needs a value' "$cap" -o
run 2 "unknown option '-x'" -x "$cap"
# Runtime failures: 1.
run 1 'no-such.pcap' -f md "$tmp/no-such.pcap"
run 1 'cannot write' -o "$tmp/no/such/dir/r.html" "$cap"
# The capture as OUT, by its name or another link to it: refused before it is truncated.
cp "$cap" "$tmp/same.pcap"
ln "$tmp/same.pcap" "$tmp/same.html"
run 2 'is the capture itself' -f html -o "$tmp/same.pcap" "$tmp/same.pcap"
run 2 'is the capture itself' -o "$tmp/same.html" "$tmp/same.pcap"
cmp -s "$cap" "$tmp/same.pcap" || bad "report -o CAPTURE CAPTURE damaged the capture"
# The other errors are pt_BR goldens (ptbr-err-report-*); this one needs a file and its hard link.
if [ "$PTBR" = yes ]; then
	ptbr "$bin" report -o "$tmp/same.html" "$tmp/same.pcap" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] && grep -qF "layerscope report: SAÍDA '$tmp/same.html' é a própria captura: gravar nela destruiria a captura — escolha outro -o" "$tmp/err" ||
		bad "report -o LINK CAPTURE in pt_BR: exit $rc, $(cat "$tmp/err")"
	cmp -s "$cap" "$tmp/same.pcap" || bad "report -o LINK CAPTURE in pt_BR damaged the capture"
fi
# A full disk: exit 1 naming the cause and what to do, to a file or to standard output.
# A device that fails is left in place: only an incomplete regular file is removed.
if mknod "$tmp/full" c 1 7 2>/dev/null; then
	run 1 'No space left on device — ' -f html -o "$tmp/full" "$cap"
	[ -c "$tmp/full" ] || bad "a failed write removed the device it wrote to"
fi
"$bin" report -f md "$cap" >/dev/full 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || bad "report >/dev/full exited $rc, wanted 1"
grep -q 'No space left on device — ' "$tmp/err" || bad "report >/dev/full: $(cat "$tmp/err")"
if [ "$PTBR" = yes ]; then
	ptbr "$bin" report -f md "$cap" >/dev/full 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 1 ] && grep -q '^layerscope report: ao gravar o relatório: .* — libere espaço no disco de saída, ou grave-o em outro lugar com -o$' "$tmp/err" ||
		bad "report >/dev/full in pt_BR: exit $rc, $(cat "$tmp/err")"
fi
# A directory is no OUT.
run 1 'cannot write' -f md -o "$tmp" "$cap"
# A capture cut short still gets its report, of the frames before the cut, and exits 1.
size=$(wc -c <"$cap")
head -c $((size - 10)) "$cap" >"$tmp/cut.pcap"
run 1 'the report covers the frames before it' -o "$tmp/cut.html" "$tmp/cut.pcap"
tail -n 1 "$tmp/cut.html" | grep -q '^</html>$' || bad "the report of a cut capture is not complete"
grep -q '<section class="frame" id="f25">' "$tmp/cut.html" || bad "the cut capture's frame 25 is missing"
grep -q 'id="f26"' "$tmp/cut.html" && bad "the cut frame 26 is shown"

# Help, and the command in the command list.
run 0 '' --help
grep -q -e '--frames N' "$tmp/out" || bad "report --help does not list --frames"
"$bin" --help | grep -q '^  report ' || bad "layerscope --help does not list report"

[ "$fail" -eq 0 ] && echo "report-cli: ok"
exit "$fail"
