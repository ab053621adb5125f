#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# echo-hostile.sh: the server out of descriptors (ulimit -n) with clients holding
# connections: the repeated accept() failure is one line and then a count, with and
# without --quiet, not a line every 100 ms.  The server's output to a pipe nobody reads:
# ten clients still get every echo, SIGTERM still stops it at once, and it says what
# output was lost.  Traffic stays on lo.
set -u
: "${LAYERSCOPE:?run this from make check, or set LAYERSCOPE to the binary}"
LS=$LAYERSCOPE
py=${PYTHON3:-python3}
tmp=$(mktemp -d /tmp/layerscope-echoh.XXXXXX)
bg=""
cleanup() {
	for p in $bg; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

# Holds N connections to PORT for S seconds, then closes them.
cat > "$tmp/hold.py" <<'EOF'
import socket, sys, time
port, n, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
held = []
for _ in range(n):
    s = socket.socket()
    s.connect(("127.0.0.1", port))
    held.append(s)
time.sleep(secs)
for s in held:
    s.close()
time.sleep(0.5)
EOF

port=18591
for quiet in "" "--quiet"; do
	port=$((port + 1))
	# 32 descriptors: some twenty connections, then accept() fails with EMFILE.
	(ulimit -n 32 && exec "$LS" server --port $port $quiet) > "$tmp/out" 2> "$tmp/err" &
	spid=$!; bg="$spid"
	i=0; while [ $i -lt 50 ] && ! grep -q "$port" "$tmp/out" "$tmp/err" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
	# 60 connections held 3 s: the server retries every 100 ms, some 30 failures.
	"$py" "$tmp/hold.py" $port 60 3
	kill -TERM "$spid"; wait "$spid"; bg=""
	cat "$tmp/out" "$tmp/err" > "$tmp/all"
	n=$(grep -c 'accept: Too many open files' "$tmp/all")
	what="server ${quiet:-(not quiet)} out of descriptors"
	if [ "$n" -ge 1 ] && [ "$n" -le 2 ]; then pass "$what: $n lines about it"; else
		fail "$what: $n lines about accept's failure"; head -n 5 "$tmp/all"; fi
	grep -Eq 'accept: Too many open files [0-9]+ more times? in [0-9.]+ s' "$tmp/all" &&
		pass "$what: the repeats are counted in one line" || fail "$what: no count of the repeats"
done

# ---- the output's reader stops reading ---------------------------------------------
cat > "$tmp/load.py" <<'EOF'
import socket, sys
port, conns, rounds = int(sys.argv[1]), 10, 300
socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(conns)]
msg = b"hello, blocked log\n"
for _ in range(rounds):
    for s in socks:
        s.sendall(msg)
        got = b""
        while len(got) < len(msg):
            got += s.recv(len(msg) - len(got))
for s in socks:
    s.close()
print("echoes", conns * rounds)
EOF
port=18599
mkfifo "$tmp/fifo"
# A reader that never reads: the pipe fills after 64 KiB of log lines.
exec 3<> "$tmp/fifo"
"$LS" server --port $port > "$tmp/fifo" 2> "$tmp/serr" &
spid=$!; bg="$spid"
sleep 1
if timeout 60 "$py" "$tmp/load.py" $port > "$tmp/load.out" 2>&1 && grep -q 'echoes 3000' "$tmp/load.out"; then
	pass "3000 echoes to 10 clients while the log's reader reads nothing"
else
	fail "the clients stalled behind the blocked log: $(tail -n 1 "$tmp/load.out")"
fi
t0=$(date +%s)
kill -TERM "$spid"
i=0; while [ $i -lt 100 ] && kill -0 "$spid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$spid" 2>/dev/null; then
	fail "SIGTERM did not stop the server within 10 s of a blocked log"
	kill -KILL "$spid"
else
	pass "SIGTERM stops the server in $(( $(date +%s) - t0 )) s with its log blocked"
fi
wait "$spid" 2>/dev/null; bg=""
grep -q 'bytes of output were not written' "$tmp/serr" && pass "it says how much output was lost" ||
	{ fail "no word of the lost output"; cat "$tmp/serr"; }
exec 3<&-

[ $fails -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
