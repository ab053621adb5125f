#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# echo-bench.sh: echo round trips/s at 1, 10, 100, 1000 connections: layerscope server vs socat, same load client.
# usage: bench/echo-bench.sh LAYERSCOPE [SECONDS [SIZE]]   (LAYERSCOPE: an optimized build, see `make bench`)
set -u
L=${1:?usage: echo-bench.sh LAYERSCOPE [SECONDS [SIZE]]}
SECS=${2:-3}
SIZE=${3:-64}
LEVELS=${BENCH_LEVELS:-"1 10 100 1000"}
OUT=${BENCH_OUT:-bench/out/echo.txt}

command -v socat >/dev/null || { echo "echo-bench: socat is needed (apt-get install socat)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/lsc-bench.XXXXXX")
PIDS=""
cleanup() {
	{
		for p in $PIDS; do kill -KILL "$p"; done
		wait
	} 2>/dev/null # the shell's "Killed" notices too
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ulimit -n "$(ulimit -Hn)" 2>/dev/null

# The layerscope server on a port the system picks.
"$L" server --bind 127.0.0.1 --port 0 --quiet >"$T/server.out" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 1 100); do
	LPORT=$(sed -n 's/^listening on .*:\([0-9][0-9]*\) (.*/\1/p' "$T/server.out")
	[ -n "$LPORT" ] && break
	sleep 0.05
done
[ -n "${LPORT:-}" ] || { echo "echo-bench: the server did not start: $(cat "$T/server.out")" >&2; exit 1; }

# socat, a process (and a cat) per connection.  Its default listen backlog of 5
# loses connections when 100 or more arrive at once, so it gets the server's 1024.
SPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
socat "TCP-LISTEN:$SPORT,fork,reuseaddr,backlog=1024" EXEC:cat 2>"$T/socat.err" &
SOCAT=$!
PIDS="$PIDS $SOCAT"
for _ in $(seq 1 100); do
	"$L" client -H 127.0.0.1 -p "$SPORT" --quiet --timeout 1 ready 2>/dev/null && break
	sleep 0.05
done

# run PORT C: "rate p50 p99" from one load run, or "fail".
run() {
	local out="$T/run.out"
	if ! "$L" client -H 127.0.0.1 -p "$1" --load "$2" --duration "$SECS" --size "$SIZE" --timeout 60 >"$out" 2>&1; then
		echo "echo-bench: load $2 on port $1 failed: $(tail -n 1 "$out")" >&2
		echo "fail - -"
		return
	fi
	local rate p50 p99
	rate=$(sed -n 's/^round trips: .* = \([0-9]*\) round trips\/s$/\1/p' "$out")
	p50=$(sed -n 's/^latency: p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\1/p' "$out")
	p99=$(sed -n 's/^latency: p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\2/p' "$out")
	echo "$rate $p50 $p99"
}

mkdir -p "$(dirname "$OUT")"
{
	echo "echo round trips, ${SIZE}-byte messages, ${SECS} s per point, $(nproc) cores, every byte verified"
	printf '%-6s | %14s %9s %9s | %14s %9s %9s | %7s\n' conns "layerscope rt/s" "p50 ms" "p99 ms" \
		"socat rt/s" "p50 ms" "p99 ms" ratio
	for c in $LEVELS; do
		read -r lr l50 l99 <<<"$(run "$LPORT" "$c")"
		read -r sr s50 s99 <<<"$(run "$SPORT" "$c")"
		ratio=$(awk -v a="$lr" -v b="$sr" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.1fx", a / b; else print "-" }')
		printf '%-6s | %14s %9s %9s | %14s %9s %9s | %7s\n' "$c" "$lr" "$l50" "$l99" "$sr" "$s50" "$s99" "$ratio"
	done
} | tee "$OUT"
