#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# echo-load.sh: 1000 concurrent clients with random message sizes up to 64 KiB, every echo intact.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/echo-lib.sh"

start_server load --quiet

# An independent driver: 1000 sockets open at once, each sends one message of a
# random size (1 byte to 64 KiB) while reading its echo, and compares it.
python3 - "$PORT" <<'PY' || fail "the python driver saw a wrong or missing echo"
import os, random, resource, selectors, socket, sys, time
port = int(sys.argv[1])
N = 1000
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
rng = random.Random(8082)
sel = selectors.DefaultSelector()
conns = []
for i in range(N):
    s = socket.socket(socket.AF_INET6 if i % 2 else socket.AF_INET)
    s.setblocking(False)
    s.connect_ex(("::1" if i % 2 else "127.0.0.1", port))
    msg = os.urandom(rng.randint(1, 65536))
    c = {"s": s, "msg": msg, "sent": 0, "got": bytearray()}
    conns.append(c)
    sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE, c)
left, deadline = N, time.time() + 120
while left and time.time() < deadline:
    for key, ev in sel.select(timeout=1):
        c = key.data
        s = c["s"]
        if ev & selectors.EVENT_WRITE and c["sent"] < len(c["msg"]):
            try:
                c["sent"] += s.send(c["msg"][c["sent"]:c["sent"] + 65536])
            except (BlockingIOError, InterruptedError):
                pass
            if c["sent"] == len(c["msg"]):
                sel.modify(s, selectors.EVENT_READ, c)
        if ev & selectors.EVENT_READ:
            try:
                data = s.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            if not data:
                sys.exit("connection closed after %d of %d bytes" % (len(c["got"]), len(c["msg"])))
            c["got"] += data
            if len(c["got"]) >= len(c["msg"]):
                if bytes(c["got"]) != c["msg"]:
                    sys.exit("echo differs (%d bytes)" % len(c["msg"]))
                sel.unregister(s)
                s.close()
                left -= 1
if left:
    sys.exit("%d of %d echoes incomplete after 120 s" % (left, N))
print("python driver: %d concurrent clients, %d bytes, all echoed intact" % (N, sum(len(c["msg"]) for c in conns)))
PY
pass "1000 concurrent python clients, random sizes up to 64 KiB, IPv4 and IPv6"

# The load client: 1000 connections at once, sizes drawn per round trip, every byte verified.
"$L" client -H 127.0.0.1 -p "$PORT" --load 1000 --duration 1 --size 1-65536 --timeout 60 >"$T/lc.out" 2>&1 ||
	fail "load client: exit $?: $(cat "$T/lc.out")"
expect_in "$T/lc.out" "load: 1000 connections to 127.0.0.1 port $PORT, messages of 1-65536 bytes"
expect_in "$T/lc.out" "every byte intact"
grep -Eq "^latency: p50 [0-9.]+ ms, p99 [0-9.]+ ms" "$T/lc.out" || fail "no latency line"
pass "load client: 1000 connections, random sizes, every byte verified"

kill -TERM "$SPID"
wait_exit "$SPID" 20
[ "$RC" -eq 0 ] || fail "server exit $RC"
grep -Eq "summary: 2000 connections " "$T/load.out" || fail "server summary: $(tail -n 1 "$T/load.out")"
pass "server: $(grep -o '2000 connections (at most [0-9]* at once)' "$T/load.out")"

# The load client's results in Portuguese (ptbr-lib.sh).
. "$(dirname "$0")/ptbr-lib.sh"
ptbr_setup "$T"
if [ "$PTBR" = yes ]; then
	start_server ptload --quiet
	ptbr "$L" client -H 127.0.0.1 -p "$PORT" --load 2 --duration 0.3 >"$T/lcpt.out" 2>&1 ||
		fail "pt_BR load client: exit $?"
	grep -qxF "carga: 2 conexões com 127.0.0.1 porta $PORT, mensagens de 64 bytes" "$T/lcpt.out" ||
		fail "pt_BR: no load line"
	grep -Eqx "idas e voltas: [0-9]+ em [0-9.]+ s = [0-9]+ idas e voltas/s" "$T/lcpt.out" ||
		fail "pt_BR: no round-trip line"
	grep -Eqx "latência: p50 [0-9.]+ ms, p99 [0-9.]+ ms, máx\. [0-9.]+ ms" "$T/lcpt.out" ||
		fail "pt_BR: no latency line"
	grep -Eqx "verificado: [0-9]+ bytes de eco, todos os bytes intactos \([0-9]+ idas e voltas terminaram depois do fim\)" \
		"$T/lcpt.out" || fail "pt_BR: no verified line"
	kill -TERM "$SPID"
	wait_exit "$SPID" 20
	pass "load client in pt_BR: carga, idas e voltas, latência, verificado"
fi
exit 0
