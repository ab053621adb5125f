# SPDX-License-Identifier: BSD-3-Clause
# flow-capture.sh: sourced by the flow and report benchmarks: sets `cap` to their 1M-frame capture.
# bench/out/bench-1m.pcap when it exists (the shared one), else bench/out/flow-1m.pcap,
# written once by bench/flow-gen.py.  Expects `here` (this folder) and `out` (bench/out).
mkdir -p "$out"
cap=$out/bench-1m.pcap
if [ ! -s "$cap" ]; then
	cap=$out/flow-1m.pcap
	[ -s "$cap" ] || python3 "$here/flow-gen.py" "$cap" --frames 1000000
fi
