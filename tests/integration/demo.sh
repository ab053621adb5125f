#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# demo.sh: `layerscope demo`, `--hosts`, `--udp` run to completion as root and show the handshake,
# the data, the teardown, the socket calls, the ladders and the table; -w re-reads; without root
# it runs in a user namespace or replays the bundled capture, and says which.
LS=${LAYERSCOPE:-./layerscope}
top=${top_srcdir:-.}
export LAYERSCOPE_CAPTURES="$top/captures"
if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (capture, namespaces); skipped"
	exit 77
fi
tmp=$(mktemp -d)
chmod 0777 "$tmp" # the unprivileged run writes here too
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() { echo "FAIL: $*"; failed=1; }
has() { # FILE PATTERN WHAT: grep -E PATTERN in FILE
	if grep -Eq -- "$2" "$1"; then echo "ok   $3"; else fail "$3 (no /$2/ in $1)"; sed -n 1,40p "$1"; fi
}
count() { grep -Ec -- "$2" "$1"; }

# Each exercise's socket calls and the frames they cause, in the timeline.
tcp_timeline() { # OUT: three clients' TCP exchange
	has "$1" 'client 1 +connect\([0-9]+, [0-9.]+:8082\) = 0 from' "connect() narrated"
	has "$1" 'server +accept\([0-9]+\) = [0-9]+ ←' "accept() narrated"
	has "$1" 'client 1 +recv\([0-9]+, 16\) = 16' "the client reads 16 bytes per recv()"
	has "$1" 'client 3 +close\([0-9]+\) = 0' "close() narrated"
	[ "$(count "$1" 'client [0-9] → server +\[S\] seq=0 · syn · handshake 1/3 · connect\(\)$')" -eq 3 ] &&
		echo "ok   three SYNs, each from connect(), observed" || fail "three SYNs from connect()"
	has "$1" 'server → client 2 +\[S\.\] seq=0 ack=1 · syn-ack · handshake 2/3' "the SYN-ACK"
	has "$1" 'client 3 → server +\[\.\] seq=1 ack=1 · handshake-ack · handshake 3/3 · kernel \(connect\(\) returns\)$' "the handshake's ACK, as connect() returns (observed)"
	has "$1" 'len=40 · data · send\(\)$' "the data, from send() (observed)"
	has "$1" 'Hello from the layerscope echo exercise!' "the message in the payload"
	has "$1" 'fin · teardown 1/4 · close\(\)' "the first FIN, from close()"
	has "$1" 'teardown 4/4' "the teardown completes"
	has "$1" '^==== each conversation as a ladder' "the ladders"
	has "$1" '^Conversation 3: TCP' "the third conversation's ladder"
	has "$1" '^Conversations: 3 \(TCP 3, UDP 0\)' "the conversation table"
	has "$1" 'ShADadFf' "a textbook history in the table"
}

# Time order: every line's clock is not before the previous one's.
in_order() { # OUT
	if grep -Eo '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}' "$1" | sort -c 2>/dev/null; then
		echo "ok   calls and frames in time order"
	else
		fail "calls and frames out of time order in $1"
	fi
}

# ---- lo, TCP, -w FILE -------------------------------------------------------------
"$LS" demo --color never -w "$tmp/lo.pcap" >"$tmp/lo.out" 2>"$tmp/lo.err" || { fail "demo exit $?"; cat "$tmp/lo.err"; }
tcp_timeline "$tmp/lo.out"
in_order "$tmp/lo.out"
has "$tmp/lo.err" 'dropped privileges to nobody' "drops to nobody after opening the capture"
has "$tmp/lo.err" "3 of 3 clients got their echo back intact; 30 frames written to $tmp/lo.pcap" "says where the capture is"
shown=$(count "$tmp/lo.out" '^[0-9:.]+ +frame [0-9]+ ')
reread=$("$LS" read -f line "$tmp/lo.pcap" | wc -l)
[ "$shown" -eq 30 ] && [ "$reread" -eq "$shown" ] && echo "ok   -w re-reads: $reread frames, as shown" ||
	fail "-w: $shown frames shown, $reread re-read"
"$LS" read -f line "$tmp/lo.pcap" | grep -q 'syn · handshake 1/3 · connect()' && echo "ok   read tracks the written capture" ||
	fail "read of the -w capture"
# -w FILE writes FILE.calls beside it, the calls shown; read picks it up and the calls are observed.
[ "$(grep -c '^[0-9T:.-]*Z client connect(' "$tmp/lo.pcap.calls" 2>/dev/null)" = 3 ] &&
	[ "$(grep -c '^[0-9T:.-]*Z server accept(' "$tmp/lo.pcap.calls")" = 3 ] &&
	echo "ok   -w writes FILE.calls: three connect() and three accept()" || fail "-w: FILE.calls"
"$LS" read -f json "$tmp/lo.pcap" | grep -q '"socket_call":"connect()","socket_call_source":"observed"' &&
	echo "ok   read of the -w capture: its connect() observed" || fail "read of the -w capture and its calls"

# ---- how it was set up: at the end, or as it happens with -v --------------------------------
"$LS" demo --clients 1 --color never >"$tmp/said.out" 2>&1 || fail "demo --clients 1: exit $?"
priv=$(grep -n 'dropped privileges to nobody' "$tmp/said.out" | head -1 | cut -d: -f1)
table=$(grep -n '^Conversations: 1 ' "$tmp/said.out" | head -1 | cut -d: -f1)
[ -n "$priv" ] && [ -n "$table" ] && [ "$priv" -gt "$table" ] &&
	echo "ok   the privilege report comes at the end, after the table" ||
	fail "privilege report at line ${priv:-none}, table at ${table:-none}"
"$LS" demo --clients 1 -v --color never >"$tmp/said-v.out" 2>&1 || fail "demo -v: exit $?"
priv=$(grep -n 'dropped privileges to nobody' "$tmp/said-v.out" | head -1 | cut -d: -f1)
first=$(grep -En '^[0-9:.]+ +server +socket\(' "$tmp/said-v.out" | head -1 | cut -d: -f1)
[ -n "$priv" ] && [ -n "$first" ] && [ "$priv" -lt "$first" ] &&
	echo "ok   -v: the privilege report comes first, as it happens" ||
	fail "-v: privilege report at line ${priv:-none}, first call at ${first:-none}"

# ---- --together: the clients connect at once; their conversations overlap ----------------
"$LS" demo --together --color never -w "$tmp/tog.pcap" >"$tmp/tog.out" 2>"$tmp/tog.err" ||
	{ fail "demo --together exit $?"; cat "$tmp/tog.err"; }
tcp_timeline "$tmp/tog.out"
in_order "$tmp/tog.out"
"$LS" read -f line "$tmp/tog.pcap" >"$tmp/tog.lines"
# Frame numbers are capture order: every conversation's SYN comes before any conversation's first FIN.
last_syn=$(grep -E '\[#[0-9]+ c2s\] syn · handshake 1/3' "$tmp/tog.lines" | awk '{ print $1 }' | sort -n | tail -1)
first_fin=$(grep -E 'fin · teardown 1/4' "$tmp/tog.lines" | awk '{ print $1 }' | sort -n | head -1)
syns=$(grep -cE '\[#[0-9]+ c2s\] syn · handshake 1/3' "$tmp/tog.lines")
[ "$syns" -eq 3 ] && [ -n "$first_fin" ] && [ "$last_syn" -lt "$first_fin" ] &&
	echo "ok   --together: the 3 conversations overlap (last SYN frame $last_syn, first FIN frame $first_fin)" ||
	fail "--together: $syns SYNs, the last in frame $last_syn, the first FIN in frame ${first_fin:-none}"
ports=$(grep -E 'syn · handshake 1/3' "$tmp/tog.lines" | grep -Eo '[0-9]+ → 8082' | sort -u | wc -l)
[ "$ports" -eq 3 ] && echo "ok   --together: three distinct client ports to 8082" || fail "--together: $ports client ports"
has "$tmp/tog.out" '^Conversations: 3 \(TCP 3, UDP 0\)' "--together: three conversations in the table"

# ---- two hosts ---------------------------------------------------------------------
before=$(ip -o link | wc -l)
"$LS" demo --hosts --color never >"$tmp/hosts.out" 2>"$tmp/hosts.err" || { fail "demo --hosts exit $?"; cat "$tmp/hosts.err"; }
tcp_timeline "$tmp/hosts.out"
in_order "$tmp/hosts.out"
has "$tmp/hosts.err" 'capturing on veth-server' "captures on the server's veth"
has "$tmp/hosts.out" 'client host → server host +ARP who-has 10\.1\.1\.1 tell 10\.1\.1\.5' "ARP asks before the first SYN"
has "$tmp/hosts.out" 'server host → client host +ARP 10\.1\.1\.1 is-at' "ARP answers"
first_arp=$(grep -n 'ARP who-has' "$tmp/hosts.out" | head -1 | cut -d: -f1)
first_syn=$(grep -n 'handshake 1/3' "$tmp/hosts.out" | head -1 | cut -d: -f1)
[ -n "$first_arp" ] && [ -n "$first_syn" ] && [ "$first_arp" -lt "$first_syn" ] &&
	echo "ok   ARP before the handshake" || fail "ARP before the handshake"
macs=$(grep -Eo 'ETH [0-9a-f:]{17} → [0-9a-f:]{17} › IPv4 10\.1\.1\.5' "$tmp/hosts.out" | head -1)
case "$macs" in
"" | *00:00:00:00:00:00*) fail "real Ethernet addresses ($macs)" ;;
*) echo "ok   real, distinct Ethernet addresses: $macs" ;;
esac
[ "$(ip -o link | wc -l)" -eq "$before" ] && ! ip -o link | grep -q veth-server &&
	echo "ok   the namespaces and the veth pair are gone" || fail "namespaces or veth left behind"

# ---- UDP -----------------------------------------------------------------------------
"$LS" demo --udp --color never >"$tmp/udp.out" 2>"$tmp/udp.err" || { fail "demo --udp exit $?"; cat "$tmp/udp.err"; }
in_order "$tmp/udp.out"
has "$tmp/udp.out" 'server +recvfrom\([0-9]+, 65536\) = 40 ←' "recvfrom() narrated"
has "$tmp/udp.out" 'server +sendto\([0-9]+, 40, 127\.0\.0\.1:[0-9]+\) = 40' "sendto() narrated"
has "$tmp/udp.out" 'client 1 → server +UDP len=40 · datagram · send\(\)/sendto\(\)$' "the request datagram, observed"
has "$tmp/udp.out" 'server → client 1 +UDP len=40 · datagram · send\(\)/sendto\(\) · reply to frame 1' "the reply, paired"
has "$tmp/udp.out" '^Conversations: 3 \(TCP 0, UDP 3\)' "the UDP conversation table"

# ---- without root: a user namespace, or the bundled capture -----------------------------
if command -v setpriv >/dev/null; then
	setpriv --reuid nobody --regid nogroup --clear-groups "$LS" demo --color never -w "$tmp/nobody.pcap" \
		>"$tmp/nobody.out" 2>"$tmp/nobody.err"
	rc=$?
	[ "$rc" -eq 0 ] && echo "ok   as nobody: exit 0" || { fail "as nobody: exit $rc"; cat "$tmp/nobody.err"; }
	if grep -q 'user and network namespace' "$tmp/nobody.err"; then
		echo "ok   as nobody: ran in a user namespace"
	else
		has "$tmp/nobody.err" 'not root, and .*bundled capture' "as nobody: says why it replays"
	fi
	tcp_timeline "$tmp/nobody.out"
else
	fail "setpriv is missing (util-linux)"
fi

# ---- 8082 taken: the demo picks a free port and says so (in a network namespace of its own,
# so that holding 8082 disturbs no other test) --------------------------------------------
if command -v unshare >/dev/null && unshare -n true 2>/dev/null; then
	# The holder says when it listens (a file), so the demo never races it.
	unshare -n sh -c 'ip link set lo up &&
		python3 -c "import socket,sys,time; s=socket.socket(); s.bind((\"127.0.0.1\", 8082)); s.listen(); open(sys.argv[1], \"w\").close(); time.sleep(60)" "$1/held" &
		for _ in $(seq 100); do [ -e "$1/held" ] && break; sleep 0.1; done
		"$0" demo --clients 1 --color never >"$1/busy.out" 2>"$1/busy.err"; echo $? >"$1/busy.rc"; kill $!' \
		"$LS" "$tmp"
	[ "$(cat "$tmp/busy.rc" 2>/dev/null)" = 0 ] || fail "8082 taken: the demo exited $(cat "$tmp/busy.rc" 2>/dev/null)"
	has "$tmp/busy.err" 'port 8082 is not free here .*takes a free port instead' \
		"8082 taken: the demo takes a free port and says so"
	grep -q -- '--port' "$tmp/busy.err" && fail "8082 taken: the demo suggests --port, which it has not" ||
		echo "ok   8082 taken: no advice about an option the demo lacks"
fi

# ---- the replay, asked for -----------------------------------------------------------------
"$LS" demo --replay --color never -w "$tmp/replay.pcap" >"$tmp/replay.out" 2>"$tmp/replay.err" ||
	{ fail "demo --replay exit $?"; cat "$tmp/replay.err"; }
has "$tmp/replay.err" 'replaying .*exercise\.pcap' "--replay names the bundled capture"
tcp_timeline "$tmp/replay.out"
cmp -s "$tmp/replay.pcap" "$top/captures/exercise.pcap" && echo "ok   --replay -w writes the capture shown" ||
	fail "--replay -w"
cmp -s "$tmp/replay.pcap.calls" "$top/captures/exercise.calls" &&
	echo "ok   --replay -w FILE writes FILE.calls, the bundled calls as they were" || fail "--replay -w: FILE.calls"
"$LS" demo --replay --udp --color never >"$tmp/replay-udp.out" 2>/dev/null &&
	has "$tmp/replay-udp.out" 'reply to frame 1' "--replay --udp shows the UDP exercise" || fail "--replay --udp"
# -w naming the bundled capture itself, or a hard link to it, must not empty it (a copy).
mkdir "$tmp/caps" && cp "$top"/captures/exercise.* "$tmp/caps/" && ln "$tmp/caps/exercise.pcap" "$tmp/caps/link.pcap"
for w in "$tmp/caps/exercise.pcap" "$tmp/caps/link.pcap"; do
	LAYERSCOPE_CAPTURES="$tmp/caps" "$LS" demo --replay --color never -w "$w" >/dev/null 2>"$tmp/self.err" &&
		cmp -s "$tmp/caps/exercise.pcap" "$top/captures/exercise.pcap" &&
		echo "ok   --replay -w $(basename "$w") keeps the bundled capture whole" ||
		{ fail "--replay -w $(basename "$w") damaged the bundled capture"; cat "$tmp/self.err"; }
done

# ---- usage errors ----------------------------------------------------------------------------
"$LS" demo --clients 0 >/dev/null 2>"$tmp/u.err"; rc=$?
[ "$rc" -eq 2 ] && grep -q 'from 1 to 64' "$tmp/u.err" && echo "ok   --clients 0 is a usage error" || fail "--clients 0: exit $rc"
"$LS" demo --bogus >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && echo "ok   an unknown option is a usage error" || fail "--bogus: exit $rc"
for moot in "--clients 2" "--message hi"; do
	"$LS" demo --replay $moot >/dev/null 2>"$tmp/moot.err"; rc=$?
	[ "$rc" -eq 2 ] && grep -q -- "${moot%% *} does not apply" "$tmp/moot.err" &&
		echo "ok   --replay $moot is a usage error" || fail "--replay $moot: exit $rc"
done
# A closed pipe is the reader having enough (exit 0, as read); a full disk is an error that says so.
# (The reader is `true`, gone before the demo's first write: its output fits a pipe's buffer.)
{ "$LS" demo --replay 2>"$tmp/pipe.err"; echo $? >"$tmp/pipe.rc"; } | true
[ "$(cat "$tmp/pipe.rc")" -eq 0 ] && ! grep -q 'writing' "$tmp/pipe.err" &&
	echo "ok   demo --replay | true: exit 0, nothing said" || fail "demo | true: exit $(cat "$tmp/pipe.rc")"
"$LS" demo --replay >/dev/full 2>"$tmp/full.err"; rc=$?
[ "$rc" -eq 1 ] && grep -q 'No space left on device' "$tmp/full.err" &&
	echo "ok   demo --replay >/dev/full: exit 1, names the cause" || fail "demo >/dev/full: exit $rc"
LAYERSCOPE_CAPTURES=/nonexistent "$LS" demo --replay >/dev/null 2>"$tmp/m.err"; rc=$?
[ "$rc" -eq 1 ] && grep -q 'LAYERSCOPE_CAPTURES' "$tmp/m.err" && echo "ok   a missing bundled capture says how to fix it" ||
	fail "missing capture: exit $rc"

exit $failed
