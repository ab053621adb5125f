#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# run.sh: `make bench`: layerscope read against tcpdump and tshark on 1,000,000 echo frames: frames/s and peak RSS.
#
# Expects $LAYERSCOPE (the -O2 build without sanitizers `make bench` makes)
# and bench/out/gen-echo.  Writes the captures into bench/out/ once and reuses
# them.  Each run writes to /dev/null; the best of $BENCH_RUNS runs counts
# (the fastest is the one least disturbed by the rest of the machine).
# tshark reads a 100,000-frame cut of the same traffic: its rate is per frame,
# so it compares with ours on the full file.
#
# Environment: BENCH_FRAMES (default 1000000), BENCH_TSHARK_FRAMES (100000),
# BENCH_RUNS (3), TCPDUMP, TSHARK (paths; a missing tool is skipped, said so).

set -u
out=${BENCH_OUT:-bench/out}
frames=${BENCH_FRAMES:-1000000}
tframes=${BENCH_TSHARK_FRAMES:-100000}
runs=${BENCH_RUNS:-3}
ls=${LAYERSCOPE:-$out/layerscope-opt}
tcpdump=${TCPDUMP:-$(command -v tcpdump)}
tshark=${TSHARK:-$(command -v tshark)}
TIME=/usr/bin/time
# Everyone prints UTC: with TZ unset, glibc's localtime() looks at
# /etc/localtime for every frame tcpdump prints, which is not tcpdump's speed.
TZ=UTC
LC_ALL=C
export TZ LC_ALL

die() {
	echo "bench: $*" >&2
	exit 1
}
[ -x "$ls" ] || die "$ls is missing: run 'make bench', which builds it"
[ -x "$TIME" ] || die "$TIME is missing: apt-get install time"

cap=$out/echo-$frames.pcap
tcap=$out/echo-$tframes.pcap
[ -s "$cap" ] || "$out/gen-echo" "$cap" "$frames" || die "gen-echo failed"
[ -s "$tcap" ] || "$out/gen-echo" "$tcap" "$tframes" || die "gen-echo failed"

# measure NAME FRAMES CMD...: best wall time and the peak RSS of that run.
# With hyperfine (ms resolution; GNU time's %e has 10 ms, 4% of a 0.26 s run)
# the time is hyperfine's best and the RSS that of one more run under GNU time.
results=$out/results.txt
: > "$results"
hyperfine=$(command -v hyperfine)
measure() {
	name=$1 n=$2
	shift 2
	if [ -n "$hyperfine" ] && [ "$runs" -gt 1 ]; then
		measure_hyperfine "$name" "$n" "$@"
		return
	fi
	best_t= best_m=
	i=0
	while [ $i -lt "$runs" ]; do
		if ! $TIME -f '%e %M' -o "$out/time.txt" "$@" > /dev/null 2> "$out/err.txt"; then
			echo "bench: $name failed:" >&2
			cat "$out/err.txt" >&2
			return
		fi
		read -r t m < "$out/time.txt"
		if [ -z "$best_t" ] || awk "BEGIN { exit !($t < $best_t) }"; then
			best_t=$t best_m=$m
		fi
		i=$((i + 1))
	done
	report "$name" "$n" "$best_t" "$best_m"
}

report() {
	echo "$1|$2|$3|$4" >> "$results"
	printf '  %-22s %8s frames  %7.3f s  %6.1f MiB\n' "$1" "$2" "$3" \
		"$(awk "BEGIN { print $4 / 1024 }")"
}

measure_hyperfine() {
	name=$1 n=$2
	shift 2
	if ! "$hyperfine" -N --warmup 1 --runs "$runs" --output=null \
		--export-json "$out/hyperfine.json" "$*" > /dev/null 2> "$out/err.txt"; then
		echo "bench: $name failed:" >&2
		cat "$out/err.txt" >&2
		return
	fi
	t=$(python3 -c 'import json, sys; print(min(json.load(open(sys.argv[1]))["results"][0]["times"]))' \
		"$out/hyperfine.json")
	$TIME -f '%M' -o "$out/time.txt" "$@" > /dev/null 2>&1
	report "$name" "$n" "$t" "$(cat "$out/time.txt")"
}

echo "bench: $(nproc) cores, best of $runs runs (tshark: 1)${hyperfine:+ by hyperfine}, output to /dev/null"
formats=$("$ls" read -f '?' /dev/null 2>&1 | sed -n 's/.*(formats: \(.*\)).*/\1/p' | tr -d ',')
for f in line json tree; do
	case " $formats " in
	*" $f "*) measure "layerscope -f $f" "$frames" "$ls" read -f "$f" "$cap" ;;
	*) echo "  layerscope -f $f: skipped, this build has no '$f' format (formats: $formats)" ;;
	esac
done
if [ -n "$tcpdump" ]; then
	measure "tcpdump -nn" "$frames" "$tcpdump" -nn -r "$cap"
else
	echo "  tcpdump: skipped, not installed"
fi
if [ -n "$tshark" ]; then
	truns=$runs
	runs=1
	measure "tshark -T ek" "$tframes" "$tshark" -n -T ek -r "$tcap"
	measure "tshark -V" "$tframes" "$tshark" -n -V -r "$tcap"
	runs=$truns
else
	echo "  tshark: skipped, not installed"
fi

# The goals of issue 2, as ratios of frame rates.
awk -F'|' '
	{ rate[$1] = $3 > 0 ? $2 / $3 : 0; rss[$1] = $4 / 1024 }
	function row(name, ref, goal,   r) {
		if (!(name in rate)) return
		if (ref != "" && (ref in rate)) {
			r = rate[name] / rate[ref]
			printf "%-20s %12.0f %9.1f %10.1fx %8s  %s\n", name, rate[name], rss[name], r,
				">= " goal "x", (r >= goal ? "met" : "MISSED")
		} else {
			printf "%-20s %12.0f %9.1f %11s %8s\n", name, rate[name], rss[name], "", ""
		}
	}
	END {
		printf "\n%-20s %12s %9s %11s %8s\n", "", "frames/s", "RSS MiB", "ratio", "goal"
		row("layerscope -f line", "tcpdump -nn", 3)
		row("layerscope -f json", "tshark -T ek", 50)
		row("layerscope -f tree", "tshark -V", 20)
		row("tcpdump -nn", "", 0)
		row("tshark -T ek", "", 0)
		row("tshark -V", "", 0)
		for (k in rss) if (k ~ /^layerscope/ && rss[k] >= 16) bad = bad " " k
		print (bad == "" ? "memory: every layerscope run under 16 MiB: met" : "memory: 16 MiB MISSED by" bad)
	}' "$results"
