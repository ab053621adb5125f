#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# strings-hostile.sh: strings from outside never reach the terminal raw nor break JSON: a
# process an unprivileged user named with escape sequences, seen by root's `live` in line,
# tree and JSON; file names and option values in error messages.  Traffic stays on lo.
set -u
: "${LAYERSCOPE:?run this from make check, or set LAYERSCOPE to the binary}"
LS=$LAYERSCOPE
top=${top_srcdir:-.}
cap="$top/captures/exercise.pcap"
py=${PYTHON3:-python3}
# The unprivileged process needs a python it can run (not a shim under /root).
pyu=/usr/bin/python3
[ -x "$pyu" ] || pyu=$py

tmp=$(mktemp -d /tmp/layerscope-strings.XXXXXX)
chmod 755 "$tmp"
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
. "$(dirname "$0")/ptbr-lib.sh"
ptbr_setup "$tmp"
# FILE WHAT: no ESC, BEL, CSI (0x9b) or other C0/C1 control but newline and tab in FILE.
clean() {
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177\233]')" "$1"; then
		fail "$2: a control byte reached the output:"; od -c "$1" | head -n 8
	else
		pass "$2: no control bytes"
	fi
}
has() { # FILE PATTERN WHAT (fixed string)
	if grep -Fq -- "$2" "$1"; then pass "$3"; else fail "$3 (no '$2' in:)"; head -n 5 "$1"; fi
}
# FILE WHAT: every line is valid UTF-8 JSON.
json_ok() {
	if "$py" -c '
import json, sys
for line in open(sys.argv[1], "rb"):
    json.loads(line.decode("utf-8", errors="strict"))
' "$1" 2>"$tmp/json.err"; then pass "$2: valid UTF-8 JSON"; else fail "$2: $(tail -n 1 "$tmp/json.err")"; fi
}

# ---- 10: file names and option values in error messages ---------------------------
evil=$(printf 'x\033[2J\033]0;owned\007\233.pcap')
"$LS" read "$evil" >/dev/null 2>"$tmp/e1"
clean "$tmp/e1" "read of a file named with escapes: the error"
has "$tmp/e1" 'x\x1b[2J' "the file name is shown escaped"
"$LS" client -H "$(printf 'h\033[2Jost')" -p 1 hi >/dev/null 2>"$tmp/e2"
clean "$tmp/e2" "client -H with escapes: the error"
"$LS" read -c "$(printf '1\033[2J')" "$cap" >/dev/null 2>"$tmp/e3"
clean "$tmp/e3" "read -c with escapes: the error"
"$LS" read -f "$(printf 'x\033[2J')" "$cap" >/dev/null 2>"$tmp/e4"
clean "$tmp/e4" "read -f with escapes: the error"
"$LS" read "$cap" "$(printf 'port \033[2J')" >/dev/null 2>"$tmp/e5"
clean "$tmp/e5" "read with a filter holding escapes: the error"
if [ "$(id -u)" -eq 0 ]; then
	"$LS" live -i "$(printf 'i\033[2Jf')" >/dev/null 2>"$tmp/e6"
	clean "$tmp/e6" "live -i with escapes: the error"
	"$LS" live -Z "$(printf 'u\033[2Jser')" >/dev/null 2>"$tmp/e7"
	clean "$tmp/e7" "live -Z with escapes: the error"
fi
# The same errors in Portuguese: escaped the same way, with their cause and fix translated.
if [ "$PTBR" = yes ]; then
	ptbr "$LS" read "$evil" >/dev/null 2>"$tmp/p1"
	clean "$tmp/p1" "read of a file named with escapes: the error in pt_BR"
	has "$tmp/p1" 'layerscope read: x\x1b[2J\x1b]0;owned\x07\x9b.pcap: ' "the file name is shown escaped in pt_BR"
	has "$tmp/p1" ' — confira o caminho; as capturas que acompanham o programa estão em captures/' "the missing file's fix in pt_BR"
	ptbr "$LS" client -H "$(printf 'h\033[2Jost')" -p 1 hi >/dev/null 2>"$tmp/p2"
	clean "$tmp/p2" "client -H with escapes: the error in pt_BR"
	has "$tmp/p2" "layerscope client: não é possível resolver 'h\x1b[2Jost': " "client -H with escapes: the cause in pt_BR"
	if [ "$(id -u)" -eq 0 ]; then
		ptbr "$LS" live -i "$(printf 'i\033[2Jf')" >/dev/null 2>"$tmp/p6"
		clean "$tmp/p6" "live -i with escapes: the error in pt_BR"
		has "$tmp/p6" "layerscope live: i\x1b[2Jf: interface inexistente — liste as interfaces com 'layerscope live -L'" \
			"live -i with escapes: the cause and fix in pt_BR"
	fi
fi
# Accented names are text, not control: they stay readable.
"$LS" read "$tmp/captura-ção.pcap" >/dev/null 2>"$tmp/e8"
has "$tmp/e8" "captura-ção.pcap" "an accented file name stays readable"

# ---- 7: a file name that is not UTF-8 in report -f json: still valid UTF-8 JSON -------
latin=$(printf 'caf\351\033[2J.pcap')
cp "$cap" "$tmp/$latin"
"$LS" report -f json "$tmp/$latin" >"$tmp/r7" 2>"$tmp/r7.err"
if "$py" -c 'import json, sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8", errors="strict"))' "$tmp/r7" 2>"$tmp/json.err"
then pass "report -f json of a file named in Latin-1 with escapes: valid UTF-8 JSON"
else fail "report -f json of a Latin-1 name: $(tail -n 1 "$tmp/json.err")"; fi
clean "$tmp/r7" "report -f json of a file named with escapes"
for f in html md; do
	"$LS" report -f $f -o "$tmp/r7.$f" "$tmp/$latin" 2>"$tmp/r7.err" || fail "report -f $f of a Latin-1 name failed"
	clean "$tmp/r7.$f" "report -f $f of a file named with escapes"
done

# ---- 11: read and live agree on where options go: anywhere before the filter --------
"$LS" read -f line "$cap" arp -c 1 >/dev/null 2>"$tmp/o1"
[ $? -eq 2 ] && grep -q "'-c' follows the filter: options go before it" "$tmp/o1" &&
	pass "read FILE FILTER -c 1: a usage error that says to move -c" || { fail "read FILE FILTER -c 1"; cat "$tmp/o1"; }
"$LS" live -f line udp port 18557 -c 1 >/dev/null 2>"$tmp/o2"
[ $? -eq 2 ] && grep -q "'-c' follows the filter: options go before it" "$tmp/o2" &&
	pass "live FILTER -c 1: the same usage error" || { fail "live FILTER -c 1"; cat "$tmp/o2"; }
n1=$("$LS" read -f line -c 2 "$cap" tcp | wc -l)
n2=$("$LS" read -f line "$cap" -c 2 tcp | wc -l)
[ "$n1" -eq 2 ] && [ "$n2" -eq 2 ] && pass "read takes options before and after FILE" ||
	fail "read -c 2 before/after FILE: $n1 and $n2 lines"
"$LS" read "$cap" -- tcp -c 1 >/dev/null 2>"$tmp/o3"
grep -q "bad filter 'tcp -c 1'" "$tmp/o3" && pass "after --, every word is the filter's" ||
	{ fail "read FILE -- FILTER -c 1"; cat "$tmp/o3"; }
"$LS" live --help | grep -q "Options go anywhere before the filter" && pass "live --help says where options go" ||
	fail "live --help does not say where options go"
"$LS" read --help | grep -q "Options go" && pass "read --help says where options go" ||
	fail "read --help does not say where options go"

# ---- 1: a process named with escapes, seen by root's live --------------------------
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: live capture needs root"
	[ $fails -eq 0 ] || exit 1
	exit 0
fi
if ! command -v setpriv >/dev/null || ! id nobody >/dev/null 2>&1; then
	fail "setpriv or the user nobody is missing: cannot run the hostile process unprivileged"
	exit 1
fi
# The hostile process: user nobody names itself with escape sequences, sends one datagram
# per second on lo while its socket stays open.
cat > "$tmp/evil.py" <<'EOF'
import ctypes, socket, sys, time
name = b"\x1b[2J\x1b]0;X\x07\x9b"
ctypes.CDLL(None).prctl(15, ctypes.c_char_p(name), 0, 0, 0)  # PR_SET_NAME
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
for _ in range(20):
    s.sendto(b"hello", ("127.0.0.1", int(sys.argv[1])))
    time.sleep(0.3)
EOF
port=18571
for fmt in line tree json; do
	port=$((port + 1))
	"$LS" live -f $fmt -c 3 --color never udp port $port >"$tmp/live.$fmt" 2>"$tmp/live.err" &
	lpid=$!; bg="$lpid"
	i=0; while [ $i -lt 100 ] && ! grep -q 'listening on' "$tmp/live.err"; do sleep 0.1; i=$((i + 1)); done
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$pyu" "$tmp/evil.py" $port &
	epid=$!; bg="$lpid $epid"
	wait "$lpid"; rc=$?
	kill "$epid" 2>/dev/null; wait "$epid" 2>/dev/null; bg=""
	[ $rc -eq 0 ] && pass "live -f $fmt: exit 0" || { fail "live -f $fmt: exit $rc"; cat "$tmp/live.err"; }
	clean "$tmp/live.$fmt" "live -f $fmt with a process named with escapes"
	want='\x1b[2J\x1b]0;X\x07\x9b'
	[ $fmt = json ] && want='"comm":"\\x1b[2J\\x1b]0;X\\x07\\x9b"' # its backslashes escaped again by JSON
	has "$tmp/live.$fmt" "$want" "live -f $fmt shows the name escaped as payload text is"
done
json_ok "$tmp/live.json" "live -f json with a process named with escapes"

[ $fails -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
