#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# live-drops.sh: kernel drops of `layerscope live` capturing the echo load on lo,
# next to `tcpdump -w /dev/null`'s in the same run (both capture the same traffic).
#
#   bench/live-drops.sh [-n CONNECTIONS] [-t THREADS] [-B KiB]     (as root)
#
# LAYERSCOPE names the binary (default ./layerscope).  The load is
# `layerscope server` + `layerscope client --load N` when the binary has them,
# else bench/echo-load.py (the same exchange in Python).  One row per format
# the binary has (json, line): frames tcpdump captured and dropped, frames
# layerscope read and dropped, and the load's duration.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ls=${LAYERSCOPE:-./layerscope}
py=${PYTHON3:-python3}
conns=1000
threads=4
buffer=""
while getopts n:t:B: opt; do
	case $opt in
	n) conns=$OPTARG ;;
	t) threads=$OPTARG ;;
	B) buffer="-B $OPTARG" ;;
	*) echo "usage: $0 [-n CONNECTIONS] [-t THREADS] [-B KiB]" >&2; exit 2 ;;
	esac
done

[ "$(id -u)" -eq 0 ] || { echo "live-drops: capturing needs root" >&2; exit 1; }
command -v tcpdump >/dev/null || { echo "live-drops: needs tcpdump" >&2; exit 1; }
[ -x "$ls" ] || { echo "live-drops: no binary at $ls (set LAYERSCOPE)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/layerscope-bench.XXXXXX)
bg=""
cleanup() {
	for p in $bg; do kill "$p" 2>/dev/null || true; done
	for p in $bg; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "live-drops: '$2' never showed in $1: $(cat "$1")" >&2
	return 1
}
free_port() {
	$py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
has_format() { ! "$ls" read -f "$1" /dev/null 2>&1 | grep -q "unknown format"; }
native_load() { "$ls" client --help 2>&1 | grep -q -- "--load"; }

start_server() {
	if native_load; then
		"$ls" server --port "$1" --quiet >/dev/null 2>&1 &
	else
		$py "$here/echo-load.py" server "$1" &
	fi
	server=$!
	bg="$bg $server"
	# Ready when it accepts.
	i=0
	until $py -c "import socket,sys; socket.create_connection(('127.0.0.1', $1)).close()" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "live-drops: the echo server did not start" >&2; exit 1; }
		sleep 0.1
	done
}

run_load() {
	if native_load; then
		"$ls" client --port "$1" --load "$conns" >/dev/null
	else
		$py "$here/echo-load.py" client "$1" "$conns" "$threads"
	fi
}

# "N packets dropped by kernel" and friends from tcpdump's exit message.
td_count() { awk -v what="$2" '$0 ~ what { print $1 }' "$1"; }
# "... N frames read; N received by the filter, N dropped by the kernel, ..." from layerscope's.
ls_count() { sed -n "s/.* \([0-9][0-9]*\) $2.*/\1/p" "$1" | tail -n 1; }

# One row: LABEL, then layerscope live's options.
row() {
	label=$1
	shift
	port=$(free_port)
	start_server "$port"
	tcpdump -i lo -n -w /dev/null "tcp port $port" 2>"$tmp/td.err" &
	td=$!
	bg="$bg $td"
	# shellcheck disable=SC2086 # $buffer is "-B KiB" or nothing
	"$ls" live -i lo "$@" $buffer "tcp port $port" >/dev/null 2>"$tmp/ls.err" &
	lsp=$!
	bg="$bg $lsp"
	wait_for "$tmp/td.err" "listening on"
	wait_for "$tmp/ls.err" "listening on"

	t0=$(date +%s.%N)
	run_load "$port"
	t1=$(date +%s.%N)
	sleep 1 # the captures drain their buffers
	kill -INT "$td" "$lsp"
	wait "$td" || true
	wait "$lsp" || true
	kill "$server" 2>/dev/null || true
	wait "$server" 2>/dev/null || true
	bg=""

	printf '%-18s %8.2f %10s %10s %12s %12s\n' "$label" "$(echo "$t1 - $t0" | bc)" \
		"$(td_count "$tmp/td.err" "packets captured")" "$(td_count "$tmp/td.err" "dropped by kernel")" \
		"$(ls_count "$tmp/ls.err" "frames read")" "$(ls_count "$tmp/ls.err" "dropped by the kernel")"
}

echo "live capture of $conns echo connections on lo ($(native_load && echo "layerscope client --load" || echo "bench/echo-load.py, $threads threads")), load average $(cut -d' ' -f1 /proc/loadavg)"
echo "(kernel drops on lo count both copies of a frame, the sent and the received one)"
printf '%-18s %8s %10s %10s %12s %12s\n' format seconds td-frames td-dropped ls-frames ls-dropped
for fmt in json line; do
	has_format "$fmt" || continue
	row "$fmt" -f "$fmt"
done
row "json --no-process" -f json --no-process
