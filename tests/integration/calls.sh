#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# calls.sh: the socket calls recorded beside a capture, in read, report and quiz: CAPTURE.calls and
# NAME.calls picked up, --calls FILE naming one, --no-calls ignoring it, and their errors.
# Needs $LAYERSCOPE and top_srcdir (make check sets them).
set -u
bin=${LAYERSCOPE:-./layerscope}
top=${top_srcdir:-.}
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "FAIL: $*"
	fail=1
}
ok() {
	echo "ok   $*"
}

# observed FILE: how many frames of read -f json FILE [OPTIONS] have an observed call.
observed() {
	"$bin" read -f json "$@" 2>"$tmp/err" | grep -c '"socket_call_source":"observed"'
}

cp "$top/captures/exercise.pcap" "$tmp/a.pcap"
n=$(observed "$tmp/a.pcap")
[ "$n" = 0 ] && ok "no calls beside it: none observed" || bad "no .calls, yet $n observed"

# NAME.calls beside NAME.pcap, then CAPTURE.calls (which wins)
cp "$top/captures/exercise.calls" "$tmp/a.calls"
n=$(observed "$tmp/a.pcap")
[ "$n" -ge 15 ] && ok "NAME.calls picked up: $n frames observed" || bad "NAME.calls: $n observed"
[ "$(observed --no-calls "$tmp/a.pcap")" = 0 ] && ok "--no-calls ignores it" || bad "--no-calls"
: >"$tmp/a.pcap.calls"
[ "$(observed "$tmp/a.pcap")" = 0 ] && ok "CAPTURE.calls comes before NAME.calls" || bad "CAPTURE.calls first"
rm "$tmp/a.pcap.calls"

# --calls FILE names one anywhere; a file that is not there is an error naming it
cp "$tmp/a.calls" "$tmp/elsewhere.txt"
mv "$tmp/a.calls" "$tmp/gone.calls"
n=$(observed --calls "$tmp/elsewhere.txt" "$tmp/a.pcap")
[ "$n" -ge 15 ] && ok "--calls FILE: $n observed" || bad "--calls FILE: $n observed"
for cmd in read report quiz; do
	"$bin" $cmd --calls "$tmp/nothere" "$tmp/a.pcap" >/dev/null 2>"$tmp/err"; rc=$?
	[ $rc = 1 ] && grep -q "nothere" "$tmp/err" && ok "$cmd --calls MISSING: exit 1, names it" ||
		bad "$cmd --calls MISSING: exit $rc: $(cat "$tmp/err")"
	"$bin" $cmd --calls "$tmp/elsewhere.txt" --no-calls "$tmp/a.pcap" >/dev/null 2>"$tmp/err"; rc=$?
	[ $rc = 2 ] && grep -q "contradict" "$tmp/err" && ok "$cmd --calls with --no-calls: usage error" ||
		bad "$cmd --calls --no-calls: exit $rc"
done

# report: the timeline and the JSON calls array follow the same options
"$bin" report -f md --calls "$tmp/elsewhere.txt" "$tmp/a.pcap" >"$tmp/r.md" &&
	grep -q '^## Socket calls and frames' "$tmp/r.md" && grep -q 'connect(3, 10.1.1.1:8082) = 0 from' "$tmp/r.md" &&
	ok "report --calls: the timeline of calls and frames" || bad "report --calls: no timeline"
"$bin" report -f md "$tmp/a.pcap" >"$tmp/r2.md" && ! grep -q 'Socket calls and frames' "$tmp/r2.md" &&
	ok "report without calls: no timeline" || bad "report without calls"
"$bin" report -f json --calls "$tmp/elsewhere.txt" "$tmp/a.pcap" | python3 -c '
import json, sys
d = json.load(sys.stdin)
calls = d["calls"]
assert len(calls) == 49, len(calls)
first = [c for c in calls if c["call"].startswith("connect(")][0]
assert first["role"] == "client 1" and first["frame"] == 3, first
arrows = d["conversations"][0]["ladder"]
assert arrows[0]["socket_call_source"] == "observed", arrows[0]
assert [a for a in arrows if a["socket_call_source"] == "inferred"], "every arrow observed"
' && ok "report -f json: calls array, each with its first frame; arrows observed and inferred" ||
	bad "report -f json calls"
"$bin" report -f json "$tmp/a.pcap" | python3 -c 'import json, sys; assert json.load(sys.stdin)["calls"] == []' &&
	ok "report -f json without calls: an empty calls array" || bad "report -f json without calls"

# --handout: HTML only
"$bin" report --handout -f md "$tmp/a.pcap" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && ok "report --handout -f md: usage error" || bad "--handout -f md: exit $rc"
"$bin" report --handout "$tmp/a.pcap" 2>/dev/null | grep -q '<body class="handout">' &&
	ok "report --handout: HTML to standard output" || bad "--handout to stdout"

# quiz: the same pickup: the recv() question needs the server's calls
"$bin" quiz -n 30 --answers --calls "$tmp/elsewhere.txt" "$tmp/a.pcap" | grep -q 'first recv() return' &&
	ok "quiz --calls FILE asks about recv()" || bad "quiz --calls"
"$bin" quiz -n 30 --answers "$tmp/a.pcap" | grep -q 'first recv() return' &&
	bad "quiz without calls asks about recv()" || ok "quiz without calls: no recv() question"
exit $fail
