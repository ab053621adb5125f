#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# files-hostile.sh: what a full disk, a planted symlink and a signal do to the files the tool
# writes: live -w and demo -w report a failed write (exit 1); capture files are created 0600 and
# a file or symlink target the user named keeps its mode; report -o on a full disk keeps the old
# report; demo stopped by SIGINT/SIGTERM leaves a whole capture and says where; --help to a full
# disk, '-c " 5"', a closed stdout and a pcapng cut in its first block are named for what they are.
# Traffic stays on lo; the small full disk is a tmpfs the test mounts and unmounts.
set -u
: "${LAYERSCOPE:?run this from make check, or set LAYERSCOPE to the binary}"
LS=$LAYERSCOPE
top=${top_srcdir:-.}
export LAYERSCOPE_CAPTURES="$top/captures"
cap="$top/captures/exercise.pcap"

tmp=$(mktemp -d /tmp/layerscope-files.XXXXXX)
small="$tmp/small"
mounted=""
bg=""
cleanup() {
	for p in $bg; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	[ -z "$mounted" ] || umount "$small" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }
. "$(dirname "$0")/ptbr-lib.sh"
ptbr_setup "$tmp"
has() { # FILE PATTERN WHAT
	if grep -Eq -- "$2" "$1"; then pass "$3"; else fail "$3 (no /$2/ in:)"; sed -n 1,20p "$1"; fi
}
lacks() { # FILE PATTERN WHAT
	if grep -Eq -- "$2" "$1"; then fail "$3 (/$2/ in:)"; sed -n 1,20p "$1"; else pass "$3"; fi
}
status() { # GOT WANT WHAT
	if [ "$1" -eq "$2" ]; then pass "$3: exit $1"; else fail "$3: exit $1, wanted $2"; fi
}
mode() { stat -L -c %a "$1"; }
# Up to 10 s for PATTERN in FILE.
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# N UDP datagrams to 127.0.0.1:PORT, 200 bytes each.
udp_burst() {
	python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])):
    s.sendto(b"x" * 200, ("127.0.0.1", int(sys.argv[1])))
    if i % 50 == 49: time.sleep(0.01)
' "$1" "$2"
}

# ---- no privilege needed ---------------------------------------------------------

# 13: help to a full disk, a count with a space, a closed stdout, a pcapng cut at 4-7 bytes.
for c in read live report demo server client craft; do
	"$LS" $c --help >/dev/full 2>"$tmp/help.err"
	status $? 1 "$c --help >/dev/full"
done
"$LS" --help >/dev/full 2>"$tmp/help.err"
status $? 1 "--help >/dev/full"
has "$tmp/help.err" 'No space left' "--help >/dev/full names the cause"
"$LS" read -c ' 5' "$cap" >/dev/null 2>"$tmp/c.err"
status $? 2 "read -c ' 5'"
"$LS" read -c '5 ' "$cap" >/dev/null 2>"$tmp/c.err"
status $? 2 "read -c '5 '"
"$LS" read "$cap" >&- 2>"$tmp/closed.err"
status $? 1 "read with stdout closed"
has "$tmp/closed.err" 'standard output is closed' "a closed stdout is named"
lacks "$tmp/closed.err" 'disk' "a closed stdout does not blame the disk"
if [ "$PTBR" = yes ]; then
	ptbr "$LS" read --help >/dev/full 2>"$tmp/help.err"
	status $? 1 "read --help >/dev/full in pt_BR"
	has "$tmp/help.err" '^layerscope read: ao gravar a saída: .* — verifique o disco ou o dispositivo de destino$' \
		"--help >/dev/full names the cause in pt_BR"
	ptbr "$LS" read "$cap" >&- 2>"$tmp/closed.err"
	status $? 1 "read with stdout closed in pt_BR"
	has "$tmp/closed.err" "^layerscope read: a saída padrão está fechada, então nada pôde ser mostrado — rode com uma saída \(um terminal, '> ARQUIVO' ou '\| less'\)$" \
		"a closed stdout is named in pt_BR"
fi
for n in 4 5 6 7; do
	printf '\n\r\r\n\034\000\000\000' | head -c $n > "$tmp/cut$n.pcapng"
	"$LS" read "$tmp/cut$n.pcapng" >/dev/null 2>"$tmp/cut.err"
	status $? 1 "a pcapng cut at $n bytes"
	has "$tmp/cut.err" 'pcapng.*cut short' "a pcapng cut at $n bytes is called a truncated pcapng"
done

# 8: report -o keeps the old report when the new one cannot be written whole.
if [ "$(id -u)" -eq 0 ] && mkdir -p "$small" && mount -t tmpfs -o size=1m tmpfs "$small"; then
	mounted=1
	echo "the old report" > "$small/old.html"
	chmod 640 "$small/old.html"
	dd if=/dev/zero of="$small/filler" bs=4k 2>/dev/null
	"$LS" report -o "$small/old.html" "$cap" 2>"$tmp/rep.err"
	status $? 1 "report -o on a full disk"
	if [ "$(cat "$small/old.html")" = "the old report" ]; then pass "the old report is kept"
	else fail "the old report was lost or changed"; fi
	has "$tmp/rep.err" 'No space left' "report -o on a full disk names the cause"
	[ -z "$(ls -A "$small" | grep -v -e '^old.html$' -e '^filler$')" ] &&
		pass "no temporary file is left behind" || fail "left behind: $(ls -A "$small")"
	rm -f "$small/filler"
	"$LS" report -o "$small/old.html" "$cap" 2>"$tmp/rep.err"
	status $? 0 "report -o with room"
	grep -q '<html' "$small/old.html" && pass "the new report replaced the old" || fail "no new report"
	[ "$(mode "$small/old.html")" = 640 ] && pass "the replaced report keeps its mode" ||
		fail "the replaced report's mode is $(mode "$small/old.html")"
	ln -s old.html "$small/link.html"
	"$LS" report -o "$small/link.html" "$cap" 2>"$tmp/rep.err"
	status $? 0 "report -o through a symlink"
	[ -L "$small/link.html" ] && pass "the symlink stays a symlink" || fail "the symlink was replaced"
else
	echo "SKIP: report -o on a full disk needs root to mount a small tmpfs"
fi

# ---- capturing: root ---------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: live and demo capture need root"
	[ $fails -eq 0 ] || exit 1
	exit 0
fi

# 2: live -w to a full device, and to a disk that fills up.
"$LS" live -c 3 -w /dev/full udp port 18561 >/dev/null 2>"$tmp/full.err" &
pid=$!; bg="$pid"
wait_for "$tmp/full.err" 'listening on' || fail "live -w /dev/full did not start"
udp_burst 18561 5
wait "$pid"; rc=$?; bg=""
status $rc 1 "live -c 3 -w /dev/full"
has "$tmp/full.err" 'No space left' "live -w /dev/full names the cause"
if [ "$PTBR" = yes ]; then
	chmod a+x "$tmp" # the catalogue is read after the drop to nobody
	ptbr "$LS" live -c 3 -w /dev/full udp port 18564 >/dev/null 2>"$tmp/full.err" &
	pid=$!; bg="$pid"
	wait_for "$tmp/full.err" 'escutando em\|listening on' || fail "live -w /dev/full in pt_BR did not start"
	udp_burst 18564 5
	wait "$pid"; rc=$?; bg=""
	status $rc 1 "live -c 3 -w /dev/full in pt_BR"
	has "$tmp/full.err" '^layerscope live: ao gravar a captura em /dev/full: .* — libere espaço no disco dele, ou escolha outro -w ARQUIVO; o arquivo' \
		"live -w /dev/full names the cause in pt_BR"
fi


if [ -n "$mounted" ]; then
	# 40 KiB free: 200 frames of 258 bytes do not fit.
	dd if=/dev/zero of="$small/filler" bs=4k 2>/dev/null
	truncate -s -40K "$small/filler"
	"$LS" live -c 200 -w "$small/live.pcap" udp port 18562 >/dev/null 2>"$tmp/disk.err" &
	pid=$!; bg="$pid"
	wait_for "$tmp/disk.err" 'listening on' || fail "live -w on a small disk did not start"
	udp_burst 18562 300
	wait "$pid"; rc=$?; bg=""
	status $rc 1 "live -c 200 -w on a disk that fills"
	has "$tmp/disk.err" 'No space left' "a disk that fills is named"
	rm -f "$small/filler" "$small/live.pcap"
fi

# 3: capture files are created 0600; a file or a symlink's target the user named keeps its mode.
umask 022
"$LS" live -c 1 -w "$tmp/new.pcap" udp port 18563 >/dev/null 2>"$tmp/new.err" &
pid=$!; bg="$pid"
wait_for "$tmp/new.err" 'listening on' || fail "live -w new file did not start"
udp_burst 18563 3
wait "$pid"; bg=""
[ "$(mode "$tmp/new.pcap")" = 600 ] && pass "live -w creates the capture 0600" ||
	fail "live -w created mode $(mode "$tmp/new.pcap")"

full_mode=$(mode /dev/full)
"$LS" demo --color never -w /dev/full >/dev/null 2>"$tmp/demo-full.err"
status $? 1 "demo -w /dev/full"
has "$tmp/demo-full.err" 'No space left' "demo -w /dev/full names the cause"
if [ "$PTBR" = yes ]; then
	ptbr "$LS" demo --color never -w /dev/full >/dev/null 2>"$tmp/demo-full.err"
	status $? 1 "demo -w /dev/full in pt_BR"
	has "$tmp/demo-full.err" '^layerscope demo: ao gravar a captura em /dev/full: .* — libere espaço no disco dele, ou escolha outro -w ARQUIVO$' \
		"demo -w /dev/full names the cause in pt_BR"
fi
[ "$(mode /dev/full)" = "$full_mode" ] && pass "demo -w /dev/full leaves its mode" ||
	{ fail "demo changed /dev/full to $(mode /dev/full)"; chmod "$full_mode" /dev/full; }

: > "$tmp/mine.pcap"; chmod 600 "$tmp/mine.pcap"
: > "$tmp/target.pcap"; chmod 640 "$tmp/target.pcap"; ln -s target.pcap "$tmp/link.pcap"
"$LS" demo --color never -n 1 -w "$tmp/mine.pcap" >/dev/null 2>"$tmp/d1.err"
status $? 0 "demo -w an existing 0600 file"
[ "$(mode "$tmp/mine.pcap")" = 600 ] && pass "demo -w keeps an existing file's mode" ||
	fail "demo -w made it $(mode "$tmp/mine.pcap")"
"$LS" demo --color never -n 1 -w "$tmp/link.pcap" >/dev/null 2>"$tmp/d2.err"
[ "$(mode "$tmp/target.pcap")" = 640 ] && pass "demo -w leaves a symlink target's mode" ||
	fail "demo -w made the symlink's target $(mode "$tmp/target.pcap")"
"$LS" demo --color never -n 1 -w "$tmp/fresh.pcap" >/dev/null 2>"$tmp/d3.err"
[ "$(mode "$tmp/fresh.pcap")" = 600 ] && pass "demo -w creates the capture 0600" ||
	fail "demo -w created mode $(mode "$tmp/fresh.pcap")"
TMPDIR="$tmp" "$LS" demo --color never -n 1 >/dev/null 2>"$tmp/d4.err"
made=$(ls "$tmp"/layerscope-demo-*.pcap 2>/dev/null | head -n 1)
[ -n "$made" ] && [ "$(mode "$made")" = 600 ] && pass "demo's own temporary capture is 0600" ||
	fail "demo's own capture: '${made}' mode $( [ -n "$made" ] && mode "$made")"

# 9: demo stopped by a signal flushes and closes its capture and says where it is.
for sig in INT TERM; do
	want=$([ $sig = INT ] && echo 130 || echo 143)
	# -v: the privilege drop is said as it happens, which tells that the exercise is under way
	"$LS" demo -v --color never -n 64 -w "$tmp/sig$sig.pcap" >/dev/null 2>"$tmp/sig.err" &
	pid=$!; bg="$pid"
	wait_for "$tmp/sig.err" 'run unprivileged' || fail "demo did not start"
	sleep 1
	kill -$sig "$pid"
	wait "$pid"; rc=$?; bg=""
	status $rc "$want" "demo stopped by SIG$sig"
	has "$tmp/sig.err" "interrupted.*sig$sig.pcap" "demo stopped by SIG$sig says where the capture is"
	"$LS" read "$tmp/sig$sig.pcap" >"$tmp/sig.out" 2>"$tmp/sig.read"
	status $? 0 "the capture of a demo stopped by SIG$sig reads whole"
	[ -s "$tmp/sig.out" ] && pass "it holds frames" || fail "the capture holds no frames"
done

[ $fails -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
