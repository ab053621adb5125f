#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# flow-track.sh: what conversation tracking costs: read -f line (the goal's format), json and none with and without it, and peak memory.
#
# usage: bench/flow-track.sh [LAYERSCOPE]   (make bench-flow builds an optimized one first)
# Uses bench/out/bench-1m.pcap when it exists (the shared 1M-frame capture),
# else writes bench/out/flow-1m.pcap with bench/flow-gen.py.  Needs hyperfine
# and GNU time; prints the rate ratio, the time tracking adds a frame, and
# peak RSS by frames read (the goal: flat once the conversation table is
# full).  Every stage runs on one thread.
set -eu
bin=${1:-./layerscope}
here=$(dirname "$0")
out=bench/out
. "$here/flow-capture.sh"
convs=$("$bin" read -f none --stats "$cap" | sed -n 's/^Conversations: \([0-9]*\).*/\1/p')
echo "capture: $cap ($(du -h "$cap" | cut -f1), $convs conversations)"

hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$out/flow-track.json" \
	-n track-line "$bin read -f line $cap" -n no-track-line "$bin read -f line --no-track $cap" \
	-n track "$bin read -f json $cap" -n no-track "$bin read -f json --no-track $cap" \
	-n track-none "$bin read -f none $cap" -n no-track-none "$bin read -f none --no-track $cap" \
	--output=null >/dev/null
frames=$("$bin" read -f line --no-track "$cap" | wc -l)
python3 - "$out/flow-track.json" "${frames:-0}" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
frames = int(sys.argv[2])
# The best run of each, as bench/run.sh takes: a burst of load on a shared
# machine moved a median of five by 50% (an untracked median of 0.31 s
# beside a best of 0.15 s gave a ratio of 0.98).
def best(n): return min(r[n]["times"])
for fmt, a, b in (("line", "track-line", "no-track-line"), ("json", "track", "no-track"),
                  ("none", "track-none", "no-track-none")):
    ratio = best(b) / best(a)
    print(f"-f {fmt}: {best(a):.3f} s tracked, {best(b):.3f} s untracked: rate ratio {ratio:.3f}"
          + (f"; tracking adds {(best(a) - best(b)) / frames * 1e9:.0f} ns a frame" if frames else ""))
PY

# Instructions do not depend on what else the machine runs: count them too
# (cachegrind, the first 100,000 frames), where valgrind is installed.
if command -v valgrind >/dev/null; then
	for fmt in line json none; do
		for mode in "" --no-track; do
			ir=$(valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
				"$bin" read -f $fmt -c 100000 $mode "$cap" 2>&1 >/dev/null |
				sed -n 's/.*I *refs: *//p' | tr -d ,)
			echo "$fmt ${mode:-track} $ir"
		done
	done | awk '{ ir[$1 " " $2] = $3 }
	END {
		for (f in ir) split(f, k, " ")
		n = split("line json none", fmts, " ")
		for (i = 1; i <= n; i++) {
			t = ir[fmts[i] " track"]; u = ir[fmts[i] " --no-track"]
			printf "-f %s: %.0f instructions a frame tracked, %.0f untracked: ratio %.3f\n",
			       fmts[i], t / 100000, u / 100000, u / t
		}
	}'
fi

for n in 250000 500000 1000000; do
	for mode in "" --no-track; do
		kb=$( { /usr/bin/time -f %M "$bin" read -f json -c $n $mode "$cap" >/dev/null; } 2>&1 | tail -1)
		echo "peak RSS after $n frames ${mode:-(tracked)}: $kb KiB"
	done
done
