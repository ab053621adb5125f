#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# live.sh: `layerscope live` capturing for real on lo: a TCP exchange's handshake,
# data and teardown with the right ports and owning pids; -w read back equals what
# was shown; the process unprivileged while it runs (-Z, file capabilities); -c,
# SIGINT and SIGTERM stop it cleanly; -L; and the errors: bad interface, bad filter,
# no privilege, interface down, unwritable -w.  Traffic stays on lo and in a
# network namespace the test creates and deletes.
set -u
: "${LAYERSCOPE:?run this from make check, or set LAYERSCOPE to the binary}"
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON3:-python3}
pair="$here/tcp-pair.py"
checker="$here/live-check.py"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: capturing on lo needs root"
	exit 77
fi

tmp=$(mktemp -d /tmp/layerscope-live.XXXXXX)
chmod 755 "$tmp"
bg=""
netns=""
cleanup() {
	for p in $bg; do kill "$p" 2>/dev/null; done
	for p in $bg; do wait "$p" 2>/dev/null; done
	[ -z "$netns" ] || ip netns del "$netns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
. "$(dirname "$0")/ptbr-lib.sh"
ptbr_setup "$tmp"
pass() { echo "ok: $*"; }

# Starts a background command and remembers it for the cleanup.
started() { bg="$bg $1"; }
# Waits for a background pid and forgets it (its number may be reused later).
reap() {
	wait "$1"
	rc=$?
	bg=$(echo "$bg" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ')
	return $rc
}
# Up to 10 s for PATTERN to show in FILE.
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# "Uid" of /proc/PID/status: its values, separated by single spaces.
wait_file() {
	i=0
	while [ $i -lt 100 ]; do
		[ -e "$1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
status_field() { awk -v k="$2:" '$1 == k { $1 = ""; print substr($0, 2) }' "/proc/$1/status"; }
free_port() {
	$py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

nobody_uid=$(id -u nobody)

# ---- the exchange: handshake, data both ways, teardown, owners, -w, the drop ----
port=$(free_port)
"$LAYERSCOPE" live -i lo -f json -c 30 -w "$tmp/cap.pcap" "tcp port $port" \
	>"$tmp/live.json" 2>"$tmp/live.err" &
live=$!
started $live
if ! wait_for "$tmp/live.err" "listening on lo"; then
	cat "$tmp/live.err"
	fail "live did not start"
	exit 1
fi
grep -q "dropped privileges to nobody (uid $nobody_uid" "$tmp/live.err" &&
	pass "says what it dropped" || fail "no drop report: $(cat "$tmp/live.err")"

# While it runs: nobody, no capabilities; the owner helper keeps just two.
uids=$(status_field $live Uid)
[ "$uids" = "$nobody_uid $nobody_uid $nobody_uid $nobody_uid" ] &&
	pass "runs as nobody" || fail "Uid is '$uids'"
for set in CapEff CapPrm CapInh CapBnd; do
	v=$(status_field $live $set)
	[ "$v" = 0000000000000000 ] && pass "$set empty" || fail "$set is $v"
done
[ "$(status_field $live NoNewPrivs)" = 1 ] && pass "no_new_privs" || fail "no_new_privs not set"
helper=$(pgrep -P $live)
if [ -n "$helper" ]; then
	# CAP_DAC_READ_SEARCH (2) and CAP_SYS_PTRACE (19), as nobody
	[ "$(status_field $helper CapEff)" = 0000000000080004 ] &&
		[ "$(status_field $helper Uid | cut -d' ' -f1)" = "$nobody_uid" ] &&
		pass "owner helper: nobody with CAP_DAC_READ_SEARCH,CAP_SYS_PTRACE only" ||
		fail "owner helper: Uid $(status_field $helper Uid), CapEff $(status_field $helper CapEff)"
else
	fail "no owner helper process"
fi

msg="hello, layerscope"
$py "$pair" server "$port" "$tmp/ready" &
srv=$!
started $srv
wait_file "$tmp/ready" || fail "server did not start"
$py "$pair" client "$port" "$msg" >"$tmp/client.out" &
cli=$!
started $cli
reap $cli || fail "client failed"
reap $srv || fail "server failed"
# Refused connections (SYN, RST) until -c 30 ends the capture by itself.
$py "$pair" knock "$port" $live || fail "live did not stop after -c 30"
reap $live
rc=$?
[ $rc -eq 0 ] && pass "-c 30: exit 0" || fail "-c 30: exit $rc"
[ "$(wc -l <"$tmp/live.json")" -eq 30 ] && pass "-c 30: 30 frames" ||
	fail "-c 30 showed $(wc -l <"$tmp/live.json") frames"
grep -q "frames read; .* dropped by the kernel, .* dropped by the interface" "$tmp/live.err" &&
	pass "counts on exit" || fail "no counts: $(cat "$tmp/live.err")"

cport=$(cat "$tmp/client.out")
if $py "$checker" exchange "$tmp/live.json" "$port" "$cport" $srv $cli ${#msg}; then
	pass "handshake, data both ways, teardown, ports, owning pids"
else
	fail "the exchange as captured (see above)"
fi
"$LAYERSCOPE" read -f json "$tmp/cap.pcap" >"$tmp/read.json" 2>"$tmp/read.err" ||
	fail "read of the -w file: $(cat "$tmp/read.err")"
$py "$checker" same "$tmp/live.json" "$tmp/read.json" &&
	pass "-w read back equals what live showed" || fail "-w differs from what live showed"

# ---- -Z a named user; SIGTERM stops cleanly ----------------------------------
if daemon_uid=$(id -u daemon 2>/dev/null); then
	"$LAYERSCOPE" live -i lo -f json -Z daemon "tcp port $(free_port)" \
		>"$tmp/z.json" 2>"$tmp/z.err" &
	live=$!
	started $live
	if wait_for "$tmp/z.err" "listening on lo"; then
		[ "$(status_field $live Uid)" = "$daemon_uid $daemon_uid $daemon_uid $daemon_uid" ] &&
			grep -q "dropped privileges to daemon (uid $daemon_uid" "$tmp/z.err" &&
			pass "-Z daemon" || fail "-Z daemon: Uid $(status_field $live Uid); $(cat "$tmp/z.err")"
	else
		fail "-Z daemon did not start: $(cat "$tmp/z.err")"
	fi
	kill -TERM $live
	reap $live
	rc=$?
	[ $rc -eq 0 ] && grep -q "frames read" "$tmp/z.err" && pass "SIGTERM: exit 0 with counts" ||
		fail "SIGTERM: exit $rc; $(cat "$tmp/z.err")"
fi

# ---- SIGINT (Ctrl-C) stops cleanly too, in immediate mode -----------------------
"$LAYERSCOPE" live -i lo -f json --immediate "tcp port $(free_port)" >"$tmp/int.json" 2>"$tmp/int.err" &
live=$!
started $live
wait_for "$tmp/int.err" "listening on lo" || fail "live did not start for SIGINT"
kill -INT $live
reap $live
rc=$?
[ $rc -eq 0 ] && grep -q "frames read" "$tmp/int.err" && pass "SIGINT: exit 0 with counts" ||
	fail "SIGINT: exit $rc; $(cat "$tmp/int.err")"

# ---- errors ---------------------------------------------------------------------
"$LAYERSCOPE" live -i nosuch0 -c 1 >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "nosuch0: no such interface .*layerscope live -L" "$tmp/err" &&
	pass "bad interface: exit 1, points to -L" || fail "bad interface: exit $rc; $(cat "$tmp/err")"

"$LAYERSCOPE" live -i lo -c 1 -w "$tmp/cap2.pcap" "tcp port" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "bad filter 'tcp port': .*syntax error" "$tmp/err" && [ ! -e "$tmp/cap2.pcap" ] &&
	pass "bad filter: exit 2 with libpcap's message, -w untouched" ||
	fail "bad filter: exit $rc; $(cat "$tmp/err")"

"$LAYERSCOPE" live -i lo -c 1 -w "$tmp/no/such/dir/x.pcap" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "cannot write the capture" "$tmp/err" &&
	pass "unwritable -w: exit 1" || fail "unwritable -w: exit $rc; $(cat "$tmp/err")"

"$LAYERSCOPE" live -Z no-such-user-layerscope >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "no such user" "$tmp/err" && pass "-Z unknown user: exit 2" ||
	fail "-Z unknown user: exit $rc; $(cat "$tmp/err")"

# -f follow is read's --follow N: refused before anything is captured.
timeout 10 "$LAYERSCOPE" live -i lo -c 1 -f follow >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "read --follow N FILE" "$tmp/err" && ! grep -q "follow, " "$tmp/err" &&
	pass "-f follow: exit 2, says to use read --follow" || fail "-f follow: exit $rc; $(cat "$tmp/err")"

# A copy nobody can run: without root or capabilities it must say how to get them.
cp "$LAYERSCOPE" "$tmp/layerscope"
chmod 755 "$tmp/layerscope"
if command -v setpriv >/dev/null; then
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		"$tmp/layerscope" live -i lo -c 1 >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -eq 1 ] && grep -q "permission denied .*CAP_NET_RAW,CAP_NET_ADMIN.*setcap cap_net_raw,cap_net_admin=eip" "$tmp/err" &&
		pass "no privilege: exit 1, names CAP_NET_RAW and setcap" ||
		fail "no privilege: exit $rc; $(cat "$tmp/err")"
	if [ "$PTBR" = yes ]; then
		setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
			env LC_ALL=pt_BR.UTF-8 LANGUAGE= LAYERSCOPE_LOCALEDIR="$PTBR_LOCALEDIR" \
			"$tmp/layerscope" live -i lo -c 1 >/dev/null 2>"$tmp/err"
		rc=$?
		[ $rc -eq 1 ] && grep -q "^layerscope live: lo: permissão negada (.*) — execute como root (sudo), ou conceda CAP_NET_RAW,CAP_NET_ADMIN a um único grupo: sudo make install-capture-group, depois entre no grupo layerscope (um simples 'setcap cap_net_raw,cap_net_admin=eip' no binário deixa todo usuário local capturar e forjar quadros)$" "$tmp/err" &&
			pass "no privilege, in pt_BR: permissão negada, execute como root" ||
			fail "no privilege in pt_BR: exit $rc; $(cat "$tmp/err")"
	fi

	# With the two file capabilities, nobody captures and then clears them.
	if command -v setcap >/dev/null && setcap cap_net_raw,cap_net_admin=eip "$tmp/layerscope" 2>/dev/null &&
	   ! findmnt -no OPTIONS -T "$tmp" | grep -q nosuid; then
		port=$(free_port)
		setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
			"$tmp/layerscope" live -i lo -f json -c 2 "tcp port $port" >"$tmp/cap.json" 2>"$tmp/cap.err" &
		live=$!
		started $live
		if wait_for "$tmp/cap.err" "listening on lo"; then
			[ "$(status_field $live CapEff)" = 0000000000000000 ] &&
				[ "$(status_field $live CapPrm)" = 0000000000000000 ] &&
				[ "$(status_field $live Uid | cut -d' ' -f1)" = "$nobody_uid" ] &&
				grep -q "capabilities cleared, staying nobody" "$tmp/cap.err" &&
				pass "file capabilities: captures as nobody, then clears them" ||
				fail "file capabilities: CapEff $(status_field $live CapEff); $(cat "$tmp/cap.err")"
			$py "$pair" knock "$port" $live || fail "file capabilities: -c 2 did not stop it"
		else
			fail "file capabilities: did not start: $(cat "$tmp/cap.err")"
		fi
		reap $live || fail "file capabilities: exit $?"
		[ "$(wc -l <"$tmp/cap.json")" -eq 2 ] && pass "file capabilities: 2 frames" ||
			fail "file capabilities: $(wc -l <"$tmp/cap.json") frames"
	fi
fi

# An interface that is down: lo of a fresh network namespace.
ns="layerscope-live-$$"
if ip netns add "$ns" 2>/dev/null; then
	netns=$ns
	ip netns exec "$ns" "$LAYERSCOPE" live -i lo -c 1 >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -eq 1 ] && grep -q "lo: the interface is down .*ip link set lo up" "$tmp/err" &&
		pass "interface down: exit 1, says how to bring it up" ||
		fail "interface down: exit $rc; $(cat "$tmp/err")"
	if [ "$PTBR" = yes ]; then
		ip netns exec "$ns" env LC_ALL=pt_BR.UTF-8 LANGUAGE= LAYERSCOPE_LOCALEDIR="$PTBR_LOCALEDIR" \
			"$LAYERSCOPE" live -i lo -c 1 >/dev/null 2>"$tmp/err"
		rc=$?
		[ $rc -eq 1 ] && grep -qx "layerscope live: lo: a interface está desativada (down) — ative-a com 'ip link set lo up'" "$tmp/err" &&
			pass "interface down, in pt_BR" || fail "interface down in pt_BR: exit $rc; $(cat "$tmp/err")"
	fi
	ip netns del "$ns"
	netns=""
fi

# ---- -L -------------------------------------------------------------------------
"$LAYERSCOPE" live -L >"$tmp/list" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && grep -q "^lo: up.* loopback" "$tmp/list" && grep -q "inet  127.0.0.1/8" "$tmp/list" &&
	pass "-L lists lo with its address" || fail "-L: exit $rc; $(cat "$tmp/list" "$tmp/err")"

[ $fails -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all live checks passed"
