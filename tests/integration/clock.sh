#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# clock.sh: one clock in every command: local time (TZ), or UTC with --utc; JSON always UTC.
#
# Under TZ=America/Sao_Paulo (UTC-3, no summer time since 2019) the times a
# person reads move three hours back in read's line and tree formats, the
# report's Markdown, demo --replay's timeline and the narration of server and
# client --explain; with --utc they stay where TZ=UTC puts them; the JSON of
# read and report is the same in both zones.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${LAYERSCOPE:-$top/layerscope}
cap=$top/captures/exercise.pcap
zone=America/Sao_Paulo
if [ ! -r "/usr/share/zoneinfo/$zone" ]; then
	[ "${CI:-}" = true ] && { echo "FAIL: no tzdata ($zone): .ci/deps installs it"; exit 1; }
	echo "SKIP: no tzdata ($zone): apt-get install tzdata"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lsc-clock.XXXXXX") || exit 99
spid=
trap '[ -n "$spid" ] && kill "$spid" 2>/dev/null; rm -rf "$tmp"' EXIT
export LAYERSCOPE_CAPTURES="$top/captures"
fail=0
no() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok   $*"; }

# The hour of the first "HH:MM:SS." in a file, as a number.
hour() { grep -Eo '[0-9]{2}:[0-9]{2}:[0-9]{2}\.' "$1" | head -n 1 | cut -c1-2 | sed 's/^0//'; }

# shifted NAME: the hour in $tmp/NAME.utc minus the hour in $tmp/NAME.local is 3 (mod 24),
# and $tmp/NAME.flag (--utc in the other zone) is $tmp/NAME.utc exactly.
shifted() {
	u=$(hour "$tmp/$1.utc") l=$(hour "$tmp/$1.local")
	if [ -z "$u" ] || [ -z "$l" ]; then
		no "$1: no clock in the output"
		sed -n 1,5p "$tmp/$1.utc"
		return
	fi
	[ $(((u - l + 24) % 24)) -eq 3 ] && ok "$1: $zone shows ${l}h where UTC shows ${u}h" ||
		no "$1: $zone shows ${l}h, UTC ${u}h: not 3 hours apart"
	cmp -s "$tmp/$1.utc" "$tmp/$1.flag" && ok "$1: --utc in $zone is the UTC output" ||
		no "$1: --utc in $zone differs from TZ=UTC: $(diff "$tmp/$1.utc" "$tmp/$1.flag" | head -n 4)"
}

# twice NAME ARGS...: ARGS under TZ=UTC, under the zone, and under the zone with --utc after ARGS' command.
twice() {
	name=$1 cmd=$2
	shift 2
	TZ=UTC "$bin" "$cmd" "$@" >"$tmp/$name.utc" 2>&1
	TZ=$zone "$bin" "$cmd" "$@" >"$tmp/$name.local" 2>&1
	TZ=$zone "$bin" "$cmd" --utc "$@" >"$tmp/$name.flag" 2>&1
	shifted "$name"
}

twice line read -f line -c 3 "$cap"
twice tree read -f tree -c 1 "$cap"
grep -q ' -03 · ' "$tmp/tree.local" && ok "tree: the frame's heading names the zone (-03)" ||
	no "tree: no zone -03 in the heading: $(head -n 1 "$tmp/tree.local")"
grep -q ' UTC · ' "$tmp/tree.flag" && ok "tree: --utc names UTC" || no "tree: --utc does not say UTC"
twice report report -f md "$cap"
twice demo demo --replay --color never

# JSON is a machine format: UTC ("Z") in every zone, with or without --utc.
for c in "read -f json" "report -f json"; do
	# shellcheck disable=SC2086 # the command and its options are words
	TZ=UTC "$bin" $c "$cap" >"$tmp/j.utc" 2>&1
	# shellcheck disable=SC2086
	TZ=$zone "$bin" $c "$cap" >"$tmp/j.local" 2>&1
	if cmp -s "$tmp/j.utc" "$tmp/j.local" && grep -q '"ts":"2026-11-25T13:05:13.111491895Z"' "$tmp/j.utc"; then
		ok "$c: the same UTC JSON in both zones"
	else
		no "$c: the JSON changes with TZ, or is not UTC"
	fi
done

# The narration of the echo pair, live: the clock now, in both zones.
TZ=$zone "$bin" server --port 0 --max-conns 2 --explain >"$tmp/server.out" 2>&1 &
spid=$!
port=
for _ in $(seq 1 100); do
	port=$(sed -n 's/^listening on .*:\([0-9][0-9]*\) (.*/\1/p' "$tmp/server.out" | head -n 1)
	[ -n "$port" ] && break
	sleep 0.05
done
if [ -z "$port" ]; then
	no "the server did not start: $(cat "$tmp/server.out")"
else
	TZ=$zone "$bin" client -p "$port" --explain hi >"$tmp/client.local" 2>&1
	TZ=$zone "$bin" client -p "$port" --explain --utc hi >"$tmp/client.utc" 2>&1
	u=$(hour "$tmp/client.utc") l=$(hour "$tmp/client.local")
	[ -n "$u" ] && [ -n "$l" ] && [ $(((u - l + 24) % 24)) -eq 3 ] &&
		ok "client --explain: local ${l}h, --utc ${u}h" || no "client --explain: local '$l', --utc '$u'"
	[ "$(hour "$tmp/server.out")" = "$l" ] && ok "server --explain: local time, as the client's" ||
		no "server --explain: $(grep -m1 socket "$tmp/server.out")"
	wait "$spid"
	spid=
fi
exit $fail
