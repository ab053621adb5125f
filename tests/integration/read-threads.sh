#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# read-threads.sh: `read` with rendering on a second thread shows byte for byte what one thread shows.
#
# Reading a file longer than one batch (64 frames) with tracking on a
# machine with two CPUs, rendering runs on a thread of its own, which
# decodes each frame again (src/cli/pipeline.c).
# LAYERSCOPE_THREADS=1 keeps every stage on one thread; =2 asks for the
# second even on one CPU.  Both must give the same output, messages and exit
# status: for every format, for many interleaved conversations with the
# table evicting, frames too long for a batch's buffer, -c on either side of
# a batch's end, filters, a file cut short, every peer capture, a file long
# enough for the reader to stop and restart the renderer as it measures which
# way is faster, both threads on one CPU, and a reader that closes the pipe.

: "${LAYERSCOPE:=./layerscope}"
: "${top_srcdir:=.}"
ASAN_OPTIONS="abort_on_error=1:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS UBSAN_OPTIONS

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lsc-threads.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0 runs=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# Runs `read ARGS` with one thread and with two; stdout, stderr and status must match.
same() {
	runs=$((runs + 1))
	LAYERSCOPE_THREADS=1 timeout 300 "$LAYERSCOPE" read "$@" > "$tmp/one.out" 2> "$tmp/one.err"
	one=$?
	# A hand-over gone wrong would hang: timeout makes it a failure (exit 124).
	LAYERSCOPE_THREADS=2 timeout 300 "$LAYERSCOPE" read "$@" > "$tmp/two.out" 2> "$tmp/two.err"
	two=$?
	if [ $one -ne $two ] || ! cmp -s "$tmp/one.out" "$tmp/two.out" || ! cmp -s "$tmp/one.err" "$tmp/two.err"; then
		fail "read $*: one thread (exit $one) and two (exit $two) differ:"
		diff "$tmp/one.out" "$tmp/two.out" | head -5
		diff "$tmp/one.err" "$tmp/two.err" | head -5
	fi
}

# Many short conversations, interleaved: handshakes, data, teardowns, UDP
# echoes.  The 60,000 frames of big.pcap take the reader through its first
# run on two threads, a trial of one (the renderer stopped) and a new renderer.
python3 "$top_srcdir/bench/flow-gen.py" "$tmp/flows.pcap" --frames 5000 --concurrent 300 > /dev/null &&
	python3 "$top_srcdir/bench/flow-gen.py" "$tmp/big.pcap" --frames 60000 --concurrent 300 > /dev/null ||
	{ echo "ERROR: flow-gen.py failed"; exit 99; }
# Frames of 9000 and 200,000 bytes between small ones: a batch's 128 KiB
# buffer fills before its 64 frames, and a frame longer than the buffer
# grows it.
python3 - "$tmp/long.pcap" <<'PY' || { echo "ERROR: writing long.pcap failed"; exit 99; }
import struct, sys
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
def frame(i, size, seq):
    tcp = struct.pack("!HHIIBBHHH", 40000, 8082, seq, 1, 5 << 4, 0x18, 65535, 0, 0)
    body = tcp + bytes((i + k) & 0xff for k in range(size))
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, min(20 + len(body), 65535), i & 0xffff, 0x4000, 64, 6, 0,
                     b"\x0a\x00\x00\x02", b"\x0a\x00\x00\x01")
    data = b"\x00\x00\x00\x00\x00\x01" + b"\x00\x00\x00\x00\x00\x02" + b"\x08\x00" + ip + body
    out.write(struct.pack("<IIII", 1700000000, i, len(data), len(data)) + data)
seq = 1
for i in range(300):
    size = 200000 if i % 97 == 50 else 9000 if i % 3 == 0 else 16
    frame(i, size, seq)
    seq += size
PY

for fmt in line json tree hex; do
	same -f "$fmt" "$tmp/flows.pcap"
	same -f "$fmt" "$tmp/long.pcap"
done
# 64 small frames (the first batch, shown on the reader), then frames of
# 60,000 bytes, two to a batch's buffer: each third is read, kept for the
# next batch, and with -c it may be the last one asked for.
python3 - "$tmp/carry.pcap" <<'PY' || { echo "ERROR: writing carry.pcap failed"; exit 99; }
import struct, sys
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
for i in range(84):
    size = 16 if i < 64 else 60000
    tcp = struct.pack("!HHIIBBHHH", 40000, 8082, 1 + 16 * i, 1, 5 << 4, 0x18, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, min(40 + size, 65535), i, 0x4000, 64, 6, 0,
                     b"\x0a\x00\x00\x02", b"\x0a\x00\x00\x01")
    data = b"\x00\x00\x00\x00\x00\x01" + b"\x00\x00\x00\x00\x00\x02" + b"\x08\x00" + ip + tcp + bytes(size)
    out.write(struct.pack("<IIII", 1700000000, i, len(data), len(data)) + data)
PY
for n in 65 66 67 68 69 70 83; do
	same -f line -c "$n" "$tmp/carry.pcap"
done
same -f none --stats -c 67 "$tmp/carry.pcap"
[ "$(LAYERSCOPE_THREADS=2 "$LAYERSCOPE" read -f line -c 67 "$tmp/carry.pcap" | wc -l)" -eq 67 ] ||
	fail "-c 67 at a frame kept for the next batch: want 67 frames"
same -f line "$tmp/big.pcap"
same -f json "$tmp/big.pcap"
same -f none --stats --max-flows 1000 "$tmp/big.pcap"
same -f none --stats "$tmp/flows.pcap"
same -f line --stats --max-flows 16 "$tmp/flows.pcap"
same -f json --max-flows 1 "$tmp/flows.pcap"
for n in 1 63 64 65 128 129 256 257 4999; do
	same -f json -c "$n" "$tmp/flows.pcap"
done
same -f json -c 30 "$tmp/long.pcap"
same -f line "$tmp/flows.pcap" udp
same -f line "$tmp/flows.pcap" 'tcp[tcpflags] & tcp-fin != 0'

# Cut inside the last record: every frame before it, then the error.
size=$(wc -c < "$tmp/flows.pcap")
head -c $((size - 7)) "$tmp/flows.pcap" > "$tmp/cut.pcap"
same -f line "$tmp/cut.pcap"
grep -q "the file ends in the middle of frame" "$tmp/two.err" ||
	{ fail "cut capture: no error naming the cut:"; cat "$tmp/two.err"; }
[ "$(wc -l < "$tmp/two.out")" -eq 4999 ] || fail "cut capture: want the 4999 frames before the cut"
# From standard input, where the source is not a file it can seek in.
runs=$((runs + 1))
LAYERSCOPE_THREADS=2 "$LAYERSCOPE" read -f json - < "$tmp/flows.pcap" > "$tmp/stdin.out" 2> "$tmp/err"
LAYERSCOPE_THREADS=1 "$LAYERSCOPE" read -f json "$tmp/flows.pcap" > "$tmp/one.out"
cmp -s "$tmp/stdin.out" "$tmp/one.out" || { fail "stdin with two threads differs from the file"; cat "$tmp/err"; }

# Through libpcap's reader (pcapng), whose frame bytes last only until the next read too.
if command -v editcap > /dev/null && editcap -F pcapng "$tmp/big.pcap" "$tmp/big.pcapng" 2> /dev/null; then
	same -f json "$tmp/big.pcapng"
fi
# A pipe that stalls mid-file: the renderer waits, naps and sleeps, and is woken.
runs=$((runs + 1))
{ head -c 1000000 "$tmp/big.pcap"; sleep 1; tail -c +1000001 "$tmp/big.pcap"; } |
	LAYERSCOPE_THREADS=2 timeout 300 "$LAYERSCOPE" read -f json - > "$tmp/slow.out" 2> "$tmp/err"
rc=$?
LAYERSCOPE_THREADS=1 "$LAYERSCOPE" read -f json "$tmp/big.pcap" > "$tmp/one.out"
[ $rc -eq 0 ] && cmp -s "$tmp/slow.out" "$tmp/one.out" ||
	{ fail "a pipe that stalls: exit $rc, or the output differs"; cat "$tmp/err"; }

# Both threads on one CPU: two are slower than one, and the reader soon tracks alone.
if command -v taskset > /dev/null; then
	runs=$((runs + 1))
	LAYERSCOPE_THREADS=2 timeout 300 taskset -c 0 "$LAYERSCOPE" read -f json "$tmp/big.pcap" > "$tmp/cpu0.out" 2> "$tmp/err"
	rc=$?
	LAYERSCOPE_THREADS=1 "$LAYERSCOPE" read -f json "$tmp/big.pcap" > "$tmp/one.out"
	[ $rc -eq 0 ] && cmp -s "$tmp/cpu0.out" "$tmp/one.out" ||
		{ fail "two threads on one CPU: exit $rc, or the output differs"; cat "$tmp/err"; }
fi

# A reader that closes the pipe: exit 0, no message, the renderer joined.
{ LAYERSCOPE_THREADS=2 "$LAYERSCOPE" read -f json "$tmp/flows.pcap" 2> "$tmp/err"; echo $? > "$tmp/rc"; } |
	head -1 > /dev/null
rc=$(cat "$tmp/rc")
[ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] || { fail "| head -1 with two threads: exit $rc:"; cat "$tmp/err"; }

# Every peer capture, as JSON.
if [ -n "$CORPORA" ] && [ -d "$CORPORA" ]; then
	for f in "$CORPORA"/tcpdump/* "$CORPORA"/libpcap/* "$CORPORA"/wireshark/* "$CORPORA"/local/*; do
		[ -f "$f" ] && same -f json "$f"
	done
fi

# The second thread starts only for an input longer than a batch, and only
# when asked for.  Counted against one thread's clones: a sanitizer's
# runtime may start threads of its own (ThreadSanitizer's, with the first).
if command -v strace > /dev/null; then
	clones() { # ARGS: how many threads the command started
		strace -f -qq -e trace=clone,clone3 -o "$tmp/strace" "$@" > /dev/null 2>&1
		grep -c 'clone' "$tmp/strace"
	}
	base=$(LAYERSCOPE_THREADS=1 clones "$LAYERSCOPE" read -f none "$tmp/flows.pcap")
	[ "$(LAYERSCOPE_THREADS=2 clones "$LAYERSCOPE" read -f none "$tmp/flows.pcap")" -gt "$base" ] ||
		fail "LAYERSCOPE_THREADS=2 on 5000 frames: want a thread started"
	for args in "-f none -c 64" "-f none --no-track" "-f ladder" "--follow 1"; do
		# shellcheck disable=SC2086 # the options split on purpose
		[ "$(LAYERSCOPE_THREADS=2 clones "$LAYERSCOPE" read $args "$tmp/flows.pcap")" -eq "$base" ] ||
			fail "read $args: want no thread started"
	done
else
	echo "read-threads: strace absent, the threads started are not counted"
fi

# A value it cannot take is a usage error.
LAYERSCOPE_THREADS=4 "$LAYERSCOPE" read "$tmp/flows.pcap" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q "LAYERSCOPE_THREADS wants 1 .* or 2 .*, not '4'" "$tmp/err" ||
	{ fail "LAYERSCOPE_THREADS=4: want exit 2 and a message, got exit $rc:"; cat "$tmp/err"; }

[ $fails -eq 0 ] || { echo "read-threads: $fails failures in $runs comparisons"; exit 1; }
echo "read-threads: $runs comparisons of one thread and two: the same"
