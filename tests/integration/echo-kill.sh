#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# echo-kill.sh: clients killed mid-message (SIGKILL, RST) are cleaned up; the server serves on and exits as asked.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/echo-lib.sh"

# 5 killed + 1 reset + 1 normal client: with everything cleaned up the server exits by itself.
start_server kill --bind 127.0.0.1 --max-conns 7
head -c 8388608 /dev/urandom >"$T/big"

connected() {
	grep -c ' connected: ' "$T/kill.out"
}

for i in 1 2 3 4 5; do
	# 16-byte reads of an 8 MiB echo: the client is still mid-message when it dies.
	"$L" client -H 127.0.0.1 -p "$PORT" --quiet <"$T/big" &
	cpid=$!
	track "$cpid"
	for _ in $(seq 1 400); do
		grep -q "^#$i received " "$T/kill.out" && break
		sleep 0.05
	done
	grep -q "^#$i received " "$T/kill.out" || fail "client $i never sent anything"
	kill -KILL "$cpid"
	wait "$cpid" 2>/dev/null
done
pass "5 clients killed with SIGKILL mid-message"

# A client that sends half a message and resets the connection (SO_LINGER 0).
python3 - "$PORT" <<'PY' || fail "the resetting client failed"
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"y" * 50000)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
PY
pass "a client reset its connection mid-message"

kill -0 "$SPID" 2>/dev/null || fail "the server died"
"$L" client -H 127.0.0.1 -p "$PORT" --timeout 10 "still serving" >"$T/last.out" 2>&1 ||
	fail "the server stopped serving after the kills: $(cat "$T/last.out")"
expect_in "$T/last.out" "echo intact: 13 bytes"
wait_exit "$SPID" 30
[ "$RC" -eq 0 ] || fail "server exit $RC, want 0 after its 7 clients"
[ "$(connected)" -eq 7 ] || fail "$(connected) connections, want 7"
n=$(grep -c '^#[0-9]* closed (' "$T/kill.out")
[ "$n" -eq 7 ] || fail "$n close lines, want 7"
grep -Eq '^#[1-5] closed \((reset by peer|peer closed|peer gone: broken pipe)\)' "$T/kill.out" ||
	fail "no close line for a killed client"
expect_in "$T/kill.out" "summary: 7 connections"
grep "closed (" "$T/kill.out"
pass "every killed connection closed; the server exited 0 after its 7 clients"
exit 0
