#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# echo-signals.sh: SIGTERM and SIGINT close every connection cleanly and print the summary.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/echo-lib.sh"

# holder PORT FILE: keeps a connection open without sending; writes "closed" to FILE when the server closes it.
holder() {
	python3 - "$1" "$2" <<'PY' &
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(60)
open(sys.argv[2] + ".up", "w").close()
data = s.recv(100)
open(sys.argv[2], "w").write("closed\n" if data == b"" else "data %r\n" % data)
PY
	track $!
	for _ in $(seq 1 200); do [ -e "$2.up" ] && return 0; sleep 0.05; done
	fail "the holding client did not connect"
}

for sig in TERM INT; do
	start_server "sig$sig" --explain
	"$L" client -H 127.0.0.1 -p "$PORT" --quiet "12345" || fail "client 1"
	"$L" client -H ::1 -p "$PORT" --quiet "67890" || fail "client 2"
	holder "$PORT" "$T/held$sig"
	for _ in $(seq 1 200); do grep -q '^#3 connected' "$T/sig$sig.out" && break; sleep 0.05; done
	kill -"$sig" "$SPID"
	wait_exit "$SPID" 10
	[ "$RC" -eq 0 ] || fail "exit $RC after SIG$sig, want 0"
	out="$T/sig$sig.out"
	grep -Eq "^stopped by SIG$sig; summary: 3 connections \(at most [123] at once\), 10 bytes received, 10 bytes sent$" "$out" ||
		fail "summary: $(tail -n 1 "$out")"
	expect_in "$out" "#3 closed (server stopping): 0 bytes in, 0 out"
	# Narrated: the held connection and the listener are closed, in that order.
	grep -Eq 'server close\([0-9]+\) = 0$' "$out" || fail "no close() narrated"
	for _ in $(seq 1 100); do [ -s "$T/held$sig" ] && break; sleep 0.05; done
	[ "$(cat "$T/held$sig" 2>/dev/null)" = "closed" ] || fail "the held client did not see a clean close"
	pass "SIG$sig: held connection closed cleanly, exit 0, summary"
done

# A signal while idle with no client at all.
start_server idle --quiet
kill -TERM "$SPID"
wait_exit "$SPID" 10
[ "$RC" -eq 0 ] || fail "idle server: exit $RC"
expect_in "$T/idle.out" "stopped by SIGTERM; summary: 0 connections (at most 0 at once), 0 bytes received, 0 bytes sent"
pass "SIGTERM on an idle server"
exit 0
