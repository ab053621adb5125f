#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# echo-stall.sh: 50 clients that send and never read cannot grow the server or stall a fresh client.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/echo-lib.sh"

rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

start_server stall --bind 127.0.0.1 --quiet
before=$(rss_kb "$SPID")

# 50 clients push up to 32 MiB each and never read.  They stop pushing when the
# socket has taken nothing for half a second (the server stopped reading them),
# report how much got in, and stay connected until killed.
python3 - "$PORT" "$T/stallers.ready" <<'PY' &
import socket, sys, time
port, ready = int(sys.argv[1]), sys.argv[2]
socks = []
for _ in range(50):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.setblocking(False)
    socks.append(s)
chunk = b"x" * 65536
pushed = [0] * len(socks)
idle = [0.0] * len(socks)
deadline = time.time() + 60
while time.time() < deadline:
    progress = False
    for i, s in enumerate(socks):
        if pushed[i] >= 32 << 20 or idle[i] >= 0.5:
            continue
        try:
            pushed[i] += s.send(chunk)
            idle[i] = 0.0
            progress = True
        except BlockingIOError:
            pass
    if all(p >= 32 << 20 or t >= 0.5 for p, t in zip(pushed, idle)):
        break
    if not progress:
        time.sleep(0.05)
        for i in range(len(idle)):
            idle[i] += 0.05
with open(ready + ".tmp", "w") as f:
    f.write("%d %d\n" % (sum(pushed), max(pushed)))
import os
os.rename(ready + ".tmp", ready)
time.sleep(120)
PY
track $!
for _ in $(seq 1 1200); do [ -s "$T/stallers.ready" ] && break; sleep 0.05; done
[ -s "$T/stallers.ready" ] || fail "the 50 non-reading clients did not finish pushing in 60 s"
read -r total most <"$T/stallers.ready"
echo "the 50 non-readers pushed $total bytes (at most $most each) before their sends blocked"

# A fresh client is served while the 50 are stuck (generous timeout: no timing asserted).
"$L" client -H 127.0.0.1 -p "$PORT" --timeout 10 --quiet "fresh client" ||
	fail "a fresh client got no echo while 50 clients stalled"
head -c 65536 /dev/urandom >"$T/64k"
"$L" client -H 127.0.0.1 -p "$PORT" --timeout 10 --quiet --chunk 4096 <"$T/64k" ||
	fail "a fresh 64 KiB client got no echo while 50 clients stalled"
pass "fresh clients echoed while 50 clients send and never read"

# Each stalled connection holds at most its 16 KiB buffer: allow 40 MiB for all of
# them and the allocator.  A server without back-pressure would hold everything
# the kernel's buffers could not.
after=$(rss_kb "$SPID")
growth=$(( (after - before) / 1024 ))
echo "server resident memory grew by $growth MiB"
[ "$growth" -lt 40 ] || fail "server memory grew by $growth MiB with 50 non-readers"
pass "server memory bounded (+$growth MiB)"

kill -TERM "$SPID"
wait_exit "$SPID" 20
[ "$RC" -eq 0 ] || fail "server exit $RC after SIGTERM with stalled clients"
sum=$(tail -n 1 "$T/stall.out")
echo "$sum" | grep -Eq "^stopped by SIGTERM; summary: 52 connections .*, reading paused [0-9]+ times for back-pressure, [0-9]+ bytes of echo unsent at close$" ||
	fail "summary: $sum"
pauses=$(echo "$sum" | sed 's/.*reading paused \([0-9]*\) times.*/\1/')
[ "$pauses" -ge 50 ] || fail "reading paused $pauses times, want at least once for each of the 50"
pass "SIGTERM closes the stalled connections; reading was paused $pauses times"
exit 0
