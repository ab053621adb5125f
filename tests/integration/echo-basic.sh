#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# echo-basic.sh: the echo pair on loopback: TCP and UDP, IPv4 and IPv6, chunked reads, stdin, --max-conns, --explain.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/echo-lib.sh"

# ---- TCP over IPv4 and IPv6 to one dual-stack server --------------------------
start_server tcp
expect_in "$T/tcp.out" "listening on [::]:$PORT (TCP, IPv4 and IPv6)"

"$L" client -H 127.0.0.1 -p "$PORT" hello world, this is a test >"$T/c4.out" 2>&1 ||
	fail "TCP over IPv4: exit $?"
expect_in "$T/c4.out" "connected to 127.0.0.1:$PORT from 127.0.0.1:"
expect_in "$T/c4.out" 'received 16 bytes: "hello world, thi"'
expect_in "$T/c4.out" 'received 11 bytes: "s is a test"'
expect_in "$T/c4.out" "echo intact: 27 bytes sent and received back in 2 recv() calls"
pass "TCP over IPv4, read 16 bytes at a time"

"$L" client -H ::1 -p "$PORT" --chunk 4 "v6!" "ok" >"$T/c6.out" 2>&1 || fail "TCP over IPv6: exit $?"
expect_in "$T/c6.out" "connected to [::1]:$PORT from [::1]:"
expect_in "$T/c6.out" 'received 4 bytes: "v6! "'
expect_in "$T/c6.out" 'received 2 bytes: "ok"'
pass "TCP over IPv6, --chunk 4"

# The default host is localhost.
"$L" client -p "$PORT" --quiet default-host >"$T/cd.out" 2>&1 || fail "default host: exit $?"
[ ! -s "$T/cd.out" ] || fail "--quiet printed something: $(cat "$T/cd.out")"
pass "default host localhost, --quiet prints nothing"

# Binary bytes from stdin, bigger than any socket buffer, echoed intact.
head -c 3000000 /dev/urandom >"$T/blob"
"$L" client -H 127.0.0.1 -p "$PORT" --quiet --chunk 65536 <"$T/blob" || fail "3 MB from stdin: exit $?"
printf 'line one\nline two\n' | "$L" client -p "$PORT" --chunk 64 >"$T/cs.out" 2>&1 || fail "stdin text: exit $?"
expect_in "$T/cs.out" 'received 18 bytes: "line one\nline two\n"'
pass "stdin: 3 MB of random bytes and escaped text"

# A client that closes its sending side first still gets its whole echo.
python3 - "$PORT" <<'PY' || fail "half-closed client: echo incomplete"
import os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
msg = os.urandom(200000)
s.sendall(msg)
s.shutdown(socket.SHUT_WR)
got = bytearray()
while True:
    d = s.recv(65536)
    if not d:
        break
    got += d
sys.exit(0 if bytes(got) == msg else "got %d of %d bytes" % (len(got), len(msg)))
PY
pass "shutdown(SHUT_WR) after sending: the whole echo still comes, then the close"

expect_in "$T/tcp.out" "#1 connected: 127.0.0.1:"
expect_in "$T/tcp.out" "#1 received 27 bytes: \"hello world, this is a test\""
expect_in "$T/tcp.out" "#2 connected: [::1]:"
grep -q "^#1 closed (peer closed): 27 bytes in, 27 out$" "$T/tcp.out" || fail "server: no close line for #1"
pass "server prints each connection, message and close"
kill -TERM "$SPID"
wait_exit "$SPID" 10
[ "$RC" -eq 0 ] || fail "server exit $RC after SIGTERM"

# ---- UDP over IPv4 and IPv6 -------------------------------------------------------
start_server udp --udp
expect_in "$T/udp.out" "(UDP, IPv4 and IPv6)"
"$L" client --udp -H 127.0.0.1 -p "$PORT" datagram four >"$T/u4.out" 2>&1 || fail "UDP over IPv4: exit $?"
expect_in "$T/u4.out" 'received 13 bytes: "datagram four"'
"$L" client --udp -H ::1 -p "$PORT" datagram six >"$T/u6.out" 2>&1 || fail "UDP over IPv6: exit $?"
expect_in "$T/u6.out" 'received 12 bytes: "datagram six"'
head -c 60000 /dev/urandom >"$T/dgram"
"$L" client --udp -H 127.0.0.1 -p "$PORT" --quiet <"$T/dgram" || fail "UDP 60000-byte datagram: exit $?"
expect_in "$T/udp.out" "#1 datagram from 127.0.0.1:"
expect_in "$T/udp.out" "#2 datagram from [::1]:"
pass "UDP over IPv4 and IPv6, a 60000-byte datagram whole"
kill -INT "$SPID"
wait_exit "$SPID" 10
[ "$RC" -eq 0 ] || fail "UDP server exit $RC after SIGINT"
expect_in "$T/udp.out" "stopped by SIGINT; summary: 3 datagrams, 60025 bytes received, 60025 bytes sent"

# ---- --bind: one address only ----------------------------------------------------
start_server bound --bind 127.0.0.1
expect_in "$T/bound.out" "listening on 127.0.0.1:$PORT (TCP)"
"$L" client -H 127.0.0.1 -p "$PORT" --quiet v4 || fail "--bind 127.0.0.1: IPv4 client failed"
if "$L" client -H ::1 -p "$PORT" v6 >"$T/b6.out" 2>&1; then
	fail "--bind 127.0.0.1 answered on ::1"
fi
expect_in "$T/b6.out" "nothing listens on [::1]:$PORT"
pass "--bind 127.0.0.1 listens on IPv4 only"
kill "$SPID"
wait_exit "$SPID" 10

# ---- --max-conns 3: the exercise's server, gone after three clients ------------------
start_server three --max-conns 3
for i in 1 2 3; do
	kill -0 "$SPID" 2>/dev/null || fail "--max-conns 3 exited before client $i"
	"$L" client -p "$PORT" --quiet "client $i" || fail "--max-conns: client $i failed"
done
wait_exit "$SPID" 10
[ "$RC" -eq 0 ] || fail "--max-conns 3: exit $RC, want 0"
grep -Eq "^summary: 3 connections \(at most [123] at once\), 24 bytes received, 24 bytes sent$" "$T/three.out" ||
	fail "--max-conns 3 summary: $(tail -n 1 "$T/three.out")"
if "$L" client -p "$PORT" --timeout 2 late >/dev/null 2>&1; then
	fail "a fourth client was served"
fi
pass "--max-conns 3 exits 0 after the third client"

# ---- --explain: text and NDJSON on the frames' clock ----------------------------------
start_server exs --explain
"$L" client -H 127.0.0.1 -p "$PORT" --explain hi >"$T/exc.out" 2>&1 || fail "--explain client: exit $?"
kill -TERM "$SPID"
wait_exit "$SPID" 10
ts='[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}' # the line format's clock (local time; --utc for UTC)
grep -Eq "^$ts server socket\(AF_INET6, SOCK_STREAM\|SOCK_NONBLOCK\) = 3$" "$T/exs.out" || fail "no socket() line"
grep -Eq "^$ts server bind\(3, \[::\]:0\) = 0 \(port $PORT chosen\)$" "$T/exs.out" || fail "no bind() line"
grep -Eq "^$ts server listen\([0-9]+, [0-9]+\) = 0$" "$T/exs.out" || fail "no listen() line"
grep -Eq "^$ts server accept\([0-9]+\) = [0-9]+ ← 127\.0\.0\.1:[0-9]+$" "$T/exs.out" || fail "no accept() line"
grep -Eq "^$ts server recv\([0-9]+, 2048\) = 2$" "$T/exs.out" || fail "no recv() = 2 line"
grep -Eq "^$ts server send\([0-9]+, 2\) = 2$" "$T/exs.out" || fail "no send() line"
grep -Eq "^$ts server recv\([0-9]+, 2048\) = 0 \(peer closed\)$" "$T/exs.out" || fail "no peer-closed line"
grep -Eq "^$ts client connect\(3, 127\.0\.0\.1:$PORT\) = 0 from 127\.0\.0\.1:[0-9]+$" "$T/exc.out" || fail "no connect() line"
grep -Eq "^$ts client recv\(3, 16\) = 2$" "$T/exc.out" || fail "no client recv() line"
pass "--explain narrates socket, bind, listen, accept, recv, send, close"

start_server exj --explain=json
"$L" client -p "$PORT" --explain=json --chunk 3 abcdefg >"$T/exjc.out" 2>"$T/exjc.err" || fail "json client: exit $?"
kill -TERM "$SPID"
wait_exit "$SPID" 10
python3 - "$T/exj.out" "$T/exjc.out" "$PORT" <<'PY' || fail "NDJSON narration is wrong"
import json, re, sys
srv = [json.loads(l) for l in open(sys.argv[1])]
cli = [json.loads(l) for l in open(sys.argv[2])]
port = int(sys.argv[3])
ts = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
for e in srv + cli:
    assert ts.match(e["ts"]), e
    assert e["role"] in ("server", "client"), e
    assert isinstance(e["text"], str) and e["text"].startswith(e["call"]), e
calls = [e["call"] for e in srv]
for c in ("socket", "setsockopt", "bind", "listen", "accept", "recv", "send", "close"):
    assert c in calls, (c, calls)
acc = next(e for e in srv if e["call"] == "accept")
con = next(e for e in cli if e["call"] == "connect")
# The accept's peer is the connect's local end: the pair names one conversation.
assert acc["peer"] == con["local"], (acc, con)
assert con["addr"]["port"] == port and acc["local"]["port"] == port
got = [e["result"] for e in cli if e["call"] == "recv"]
assert got == [3, 3, 1], got
assert sorted(srv, key=lambda e: e["ts"]) == srv, "server lines out of time order"
PY
expect_in "$T/exjc.err" 'received 3 bytes: "abc"'
pass "--explain=json: NDJSON, accept.peer == connect.local, people's lines on stderr"
# ---- pt_BR: the narration a student reads, in Portuguese (ptbr-lib.sh) ----------------
. "$(dirname "$0")/ptbr-lib.sh"
ptbr_setup "$T"
if [ "$PTBR" = yes ]; then
	# expect_line FILE LINE: FILE holds LINE as a whole line (a fixed string).
	expect_line() {
		grep -qxF -- "$2" "$1" || fail "$(basename "$1") lacks the line: $2"
	}
	# start_server waits for the English line; this one waits for the Portuguese.  ptbr's
	# environment without the function: a function in the background is a subshell, and
	# the SIGTERM below would stop that subshell instead of the server.
	PORT=$(free_port)
	env LC_ALL=pt_BR.UTF-8 LANGUAGE= LAYERSCOPE_LOCALEDIR="$PTBR_LOCALEDIR" "$L" server --port "$PORT" \
		>"$T/pt.out" 2>"$T/pt.err" &
	SPID=$!
	track "$SPID"
	for _ in $(seq 1 200); do
		grep -q '^escutando em ' "$T/pt.out" && break
		kill -0 "$SPID" 2>/dev/null || fail "pt_BR server exited before listening"
		sleep 0.05
	done
	expect_line "$T/pt.out" "escutando em [::]:$PORT (TCP, IPv4 e IPv6) — pare com Ctrl-C"
	ptbr "$L" client -H 127.0.0.1 -p "$PORT" "oi mundo!!" >"$T/ptc.out" 2>&1 || fail "pt_BR client: exit $?"
	grep -Eqx "conectado a 127\.0\.0\.1:$PORT a partir de 127\.0\.0\.1:[0-9]+ \(TCP\)" "$T/ptc.out" ||
		fail "pt_BR client: no connected line"
	expect_line "$T/ptc.out" "enviados 10 bytes"
	expect_line "$T/ptc.out" 'recebidos 10 bytes: "oi mundo!!"'
	expect_line "$T/ptc.out" "eco intacto: 10 bytes enviados e recebidos de volta em 1 chamada de recv()"
	ptbr "$L" client -p "$PORT" --chunk 1 ok >"$T/ptc1.out" 2>&1 || fail "pt_BR client --chunk 1: exit $?"
	expect_line "$T/ptc1.out" 'recebido 1 byte: "o"'
	expect_line "$T/ptc1.out" "eco intacto: 2 bytes enviados e recebidos de volta em 2 chamadas de recv()"
	# --explain's result words in Portuguese; its NDJSON keeps English in every locale.
	ptbr "$L" client -p "$PORT" --explain oi >"$T/ptx.out" 2>&1 || fail "pt_BR --explain: exit $?"
	grep -Eq " client getaddrinfo\(\"localhost\", \"$PORT\"\) = [12] endereços?$" "$T/ptx.out" ||
		fail "pt_BR --explain: no getaddrinfo line in Portuguese"
	grep -Eq " client connect\(3, [^)]*\) = 0 a partir de " "$T/ptx.out" || fail "pt_BR --explain: no connect line"
	ptbr "$L" client -p "$PORT" --explain=json oi >"$T/ptj.out" 2>/dev/null || fail "pt_BR --explain=json: exit $?"
	grep -Eq '"text":"getaddrinfo\(.*\) = [12] address(es)?"' "$T/ptj.out" ||
		fail "pt_BR --explain=json: the text is not English"
	kill -TERM "$SPID"
	wait_exit "$SPID" 10
	[ "$RC" -eq 0 ] || fail "pt_BR server exit $RC after SIGTERM"
	grep -Eqx "#1 conectada: 127\.0\.0\.1:[0-9]+ → 127\.0\.0\.1:$PORT \(TCP\)" "$T/pt.out" ||
		fail "pt_BR server: no connected line"
	expect_line "$T/pt.out" '#1 recebidos 10 bytes: "oi mundo!!"'
	expect_line "$T/pt.out" "#1 fechada (a outra ponta fechou): 10 bytes recebidos, 10 enviados"
	expect_line "$T/pt.out" "parado por SIGTERM; resumo: 4 conexões (no máximo 1 ao mesmo tempo), 16 bytes recebidos, 16 bytes enviados"
	pass "pt_BR: the server's and the client's lines in Portuguese"
fi
exit 0
