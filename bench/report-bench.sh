#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# report-bench.sh: time and peak memory of `layerscope report` on a 1M-frame capture, per format.
#
# usage: bench/report-bench.sh [LAYERSCOPE]   (make bench-report builds an optimized one first)
# Uses bench/out/bench-1m.pcap when it exists (the shared 1M-frame capture), else
# writes bench/out/flow-1m.pcap with bench/flow-gen.py; a 200k-frame capture beside
# it shows that memory does not follow the frame count (only --frames and the
# conversation table set it).  Needs GNU time.
set -eu
bin=${1:-./layerscope}
here=$(dirname "$0")
out=bench/out
. "$here/flow-capture.sh"
small=$out/flow-200k.pcap
[ -s "$small" ] || python3 "$here/flow-gen.py" "$small" --frames 200000
"$bin" read -f none "$cap" >/dev/null # the page cache, for fair timings

printf '%-22s %-6s %-15s %8s %12s %10s\n' capture format frames seconds "peak RSS MB" "output MB"
run() { # run CAPTURE FORMAT FRAMES
	/usr/bin/time -f '%e %M' -o "$out/report.time" "$bin" report -f "$2" --frames "$3" -o "$out/report.out" "$1"
	read -r secs kib <"$out/report.time"
	bytes=$(wc -c <"$out/report.out")
	awk -v c="$(basename "$1")" -v f="$2" -v n="--frames $3" -v s="$secs" -v k="$kib" -v b="$bytes" \
		'BEGIN { printf "%-22s %-6s %-15s %8s %12.1f %10.1f\n", c, f, n, s, k / 1024, b / 1048576 }'
}
for fmt in html md json; do
	run "$small" "$fmt" 1000
	run "$cap" "$fmt" 1000
	run "$cap" "$fmt" 20000
done
rm -f "$out/report.out" "$out/report.time"
