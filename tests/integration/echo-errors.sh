#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# echo-errors.sh: the echo pair's failures say what failed and what to do, with exit 1 (runtime) or 2 (usage).
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/echo-lib.sh"
. "$(dirname "$0")/ptbr-lib.sh"
ptbr_setup "$T"

# run_expect STATUS TEXT CMD...: CMD exits with STATUS and its stderr holds TEXT.
run_expect() {
	local want=$1 text=$2 rc
	shift 2
	"$@" >"$T/run.out" 2>"$T/run.err"
	rc=$?
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, want $want: $(cat "$T/run.err")"
	grep -qF -- "$text" "$T/run.err" || fail "'$*' said: $(cat "$T/run.err") — want: $text"
}

# ---- port in use: named, with --port suggested ------------------------------------
start_server first --bind 127.0.0.1
run_expect 1 "layerscope server: TCP port $PORT is in use" "$L" server --bind 127.0.0.1 --port "$PORT"
grep -qF -- "choose another port with --port N" "$T/run.err" || fail "no --port hint: $(cat "$T/run.err")"
run_expect 1 "TCP port $PORT is in use" "$L" server --port "$PORT"
pass "port in use: exit 1, names the port, suggests --port"
if [ "$PTBR" = yes ]; then
	run_expect 1 "layerscope server: a porta TCP $PORT está em uso (bind 127.0.0.1:$PORT: endereço já em uso) — outro servidor escuta nela: pare-o, ou escolha outra porta com --port N" \
		ptbr "$L" server --bind 127.0.0.1 --port "$PORT"
	pass "port in use, in pt_BR"
fi
kill "$SPID"
wait_exit "$SPID" 10

# ---- connection refused: nothing listens ------------------------------------------
P=$(free_port)
run_expect 1 "layerscope client: nothing listens on 127.0.0.1:$P — start \`layerscope server --port $P\`" \
	"$L" client -H 127.0.0.1 -p "$P" hello
run_expect 1 "nothing listens on localhost:$P" "$L" client -p "$P" hello
pass "connection refused: exit 1, says to start the server"
if [ "$PTBR" = yes ]; then
	run_expect 1 "layerscope client: nada escuta em 127.0.0.1:$P — inicie \`layerscope server --port $P\`, ou confira --host e --port" \
		ptbr "$L" client -H 127.0.0.1 -p "$P" hello
	run_expect 1 "layerscope client: nada escuta em 127.0.0.1:$P (UDP: o hospedeiro respondeu porta inalcançável) — inicie \`layerscope server --udp --port $P\`" \
		ptbr "$L" client --udp -H 127.0.0.1 -p "$P" --timeout 5 hello
	pass "connection refused (TCP, UDP), in pt_BR"
fi

# ---- UDP: refused, and a silent peer that never answers ----------------------------------
run_expect 1 "nothing listens on 127.0.0.1:$P (UDP" "$L" client --udp -H 127.0.0.1 -p "$P" --timeout 5 hello
python3 - "$T/silent.port" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
time.sleep(30)  # bound, never answering
PY
track $!
for _ in $(seq 1 100); do [ -s "$T/silent.port" ] && break; sleep 0.05; done
[ -s "$T/silent.port" ] || fail "the silent UDP peer did not start"
run_expect 1 "no reply from 127.0.0.1:$(cat "$T/silent.port") (UDP) within 300 ms" \
	"$L" client --udp -H 127.0.0.1 -p "$(cat "$T/silent.port")" --timeout 0.3 hello
pass "UDP: refusal and timeout each have their message"
if [ "$PTBR" = yes ]; then
	run_expect 1 "layerscope client: nenhuma resposta de 127.0.0.1:$(cat "$T/silent.port") (UDP) em 300 ms — o UDP não tem conexão a recusar, então o silêncio é tudo o que um cliente vê: verifique se \`layerscope server --udp\` está rodando lá (--timeout define a espera)" \
		ptbr "$L" client --udp -H 127.0.0.1 -p "$(cat "$T/silent.port")" --timeout 0.3 hello
	pass "UDP timeout, in pt_BR"
fi

# ---- TCP timeouts: a listener whose queue is full drops the handshake; one that never echoes --
python3 - "$T/full.port" <<'PY' &
import socket, sys, time
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(0)  # never accepts: once its queue is full, new handshakes are dropped
held = []
for _ in range(4):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex(l.getsockname())
    held.append(s)
time.sleep(0.3)
open(sys.argv[1], "w").write(str(l.getsockname()[1]))
time.sleep(60)
PY
track $!
for _ in $(seq 1 100); do [ -s "$T/full.port" ] && break; sleep 0.05; done
[ -s "$T/full.port" ] || fail "the full listener did not start"
"$L" client -H 127.0.0.1 -p "$(cat "$T/full.port")" --timeout 0.5 hello >"$T/run.out" 2>"$T/run.err"
rc=$?
[ "$rc" -eq 1 ] || fail "client to a full listen queue: exit $rc, want 1"
# Where the kernel queues the handshake anyway, the wait for the echo times out instead.
grep -Eq "connecting to 127\.0\.0\.1:[0-9]+ timed out after 500 ms|no echo from 127\.0\.0\.1:[0-9]+ within 500 ms" "$T/run.err" ||
	fail "no timeout message: $(cat "$T/run.err")"
pass "TCP: a dropped handshake or a silent server ends in a timeout, exit 1"
if [ "$PTBR" = yes ]; then
	ptbr "$L" client -H 127.0.0.1 -p "$(cat "$T/full.port")" --timeout 0.5 hello >"$T/run.out" 2>"$T/run.err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "pt_BR client to a full listen queue: exit $rc, want 1"
	grep -Eq "^layerscope client: (tempo esgotado ao conectar a 127\.0\.0\.1:[0-9]+ depois de 500 ms — o hospedeiro está ligado e a porta aberta \(um firewall pode descartar a apresentação de três vias\)\?|nenhum eco de 127\.0\.0\.1:[0-9]+ em 500 ms \(voltaram 0 de 5 bytes\) — é um servidor de eco\? \(--timeout define a espera\))$" "$T/run.err" ||
		fail "no pt_BR timeout message: $(cat "$T/run.err")"
	pass "TCP timeout, in pt_BR"
fi

# ---- names and addresses ---------------------------------------------------------------
# Resolution fails in a network namespace of our own with nothing in it: no query leaves the host.
if unshare -n true 2>/dev/null; then
	run_expect 1 "layerscope client: cannot resolve 'no-such-host.invalid'" \
		unshare -n "$L" client -H no-such-host.invalid hello
	pass "unresolvable host: exit 1"
	if [ "$PTBR" = yes ]; then
		run_expect 1 "layerscope client: não é possível resolver 'no-such-host.invalid': " \
			unshare -n env LC_ALL=pt_BR.UTF-8 LANGUAGE= LAYERSCOPE_LOCALEDIR="$PTBR_LOCALEDIR" "$L" client -H no-such-host.invalid hello
		grep -Eq " — (confira a grafia|o servidor de nomes não respondeu|indique um endereço)" "$T/run.err" ||
			fail "no pt_BR hint for an unresolvable host: $(cat "$T/run.err")"
		pass "unresolvable host, in pt_BR"
	fi
else
	echo "skip: unresolvable host (cannot create a network namespace)"
fi
# 192.0.2.1 (TEST-NET-1, RFC 5737) is on no host: bind() says so before any packet is sent.
run_expect 1 "192.0.2.1 is not an address of this host" "$L" server --bind 192.0.2.1 --port 0
pass "--bind to an address not on this host: exit 1"

# ---- a privileged port without privilege -----------------------------------------------
start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 1024)
if [ "$(id -u)" -eq 0 ] && [ "$start" -gt 80 ] && command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$L" --version >/dev/null 2>&1; then
	run_expect 1 "port 80 is below 1024 and needs privilege" \
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$L" server --bind 127.0.0.1 --port 80
	grep -qF -- "use --port 1024 or above" "$T/run.err" || fail "no --port hint for port 80"
	pass "port 80 as nobody: exit 1, suggests privilege or a higher port"
	if [ "$PTBR" = yes ]; then
		chmod a+x "$T" # nobody reads the catalogue under it
		run_expect 1 "layerscope server: a porta 80 está abaixo de 1024 e precisa de privilégio (bind 127.0.0.1:80: " \
			setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
			env LC_ALL=pt_BR.UTF-8 LANGUAGE= LAYERSCOPE_LOCALEDIR="$PTBR_LOCALEDIR" "$L" server --bind 127.0.0.1 --port 80
		grep -qF -- ") — execute como root (sudo), conceda CAP_NET_BIND_SERVICE (setcap cap_net_bind_service=ep), ou use --port 1024 ou acima" "$T/run.err" ||
			fail "no pt_BR fix for port 80: $(cat "$T/run.err")"
		pass "port 80 as nobody, in pt_BR"
	fi
else
	echo "skip: privileged port (needs root to drop to nobody, and ports below $start privileged)"
fi

# ---- output that cannot be written: exit 1, the cause named ----------------------------
# A server whose stdout is full still echoes (the client gets its bytes), then says why.
"$L" server --port 0 --max-conns 1 --bind 127.0.0.1 >/dev/full 2>"$T/full.err" &
FPID=$!
track "$FPID"
P=""
for _ in $(seq 50); do
	P=$(ss -Hltnp 2>/dev/null | awk -v pid="pid=$FPID," '$0 ~ pid { sub(/.*:/, "", $4); print $4; exit }')
	[ -n "$P" ] && break
	sleep 0.1
done
[ -n "$P" ] || fail "the server writing to /dev/full never listened"
"$L" client -q -H 127.0.0.1 -p "$P" hi >/dev/null 2>&1 || fail "the client of a server writing to /dev/full"
wait_exit "$FPID" 10 || fail "the server writing to /dev/full did not end after its one connection"
rc=$RC
[ "$rc" -eq 1 ] && grep -qF "layerscope server: writing the output: No space left on device" "$T/full.err" ||
	fail "server >/dev/full: exit $rc, said: $(cat "$T/full.err")"
start_server full2 --bind 127.0.0.1
"$L" client -H 127.0.0.1 -p "$PORT" hi >/dev/full 2>"$T/full.err"
rc=$?
[ "$rc" -eq 1 ] && grep -qF "layerscope client: writing the output: No space left on device" "$T/full.err" ||
	fail "client >/dev/full: exit $rc, said: $(cat "$T/full.err")"
if [ "$PTBR" = yes ]; then
	ptbr "$L" client -H 127.0.0.1 -p "$PORT" hi >/dev/full 2>"$T/full.err"
	rc=$?
	[ "$rc" -eq 1 ] && grep -qF "layerscope client: ao gravar a saída: " "$T/full.err" ||
		fail "pt_BR client >/dev/full: exit $rc, said: $(cat "$T/full.err")"
fi
kill "$SPID"
wait_exit "$SPID" 10
pass "stdout full: server and client exit 1 naming the cause"

# ---- usage errors: exit 2 ----------------------------------------------------------------
run_expect 2 "--port wants a port 0-65535, not '70000'" "$L" server --port 70000
run_expect 2 "--max-conns wants a count >= 1, not '0'" "$L" server --max-conns 0
run_expect 2 "--explain wants text or json, not 'xml'" "$L" server --explain=xml
run_expect 2 "unexpected argument 'extra'" "$L" server extra
run_expect 2 "--port wants a port 1-65535, not '0'" "$L" client --port 0 hi
run_expect 2 "--load measures TCP round trips" "$L" client --load 2 --udp
run_expect 2 "--duration, --size and --seed go with --load C" "$L" client --size 10 hi
run_expect 2 "--size wants bytes" "$L" client --load 1 --size 10-5
run_expect 2 "--timeout wants seconds" "$L" client --timeout 0 hi
run_expect 2 "unknown or ambiguous option '--frobnicate'" "$L" client --frobnicate
run_expect 2 "--port needs a value" "$L" client --port
run_expect 2 "-n needs a value" "$L" server -n
pass "usage errors exit 2"
exit 0
