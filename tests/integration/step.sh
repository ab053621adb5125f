#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# step.sh: --step in a real terminal (tmux): one frame, the next on Enter, back on b, the terminal's mode restored after q and SIGTERM; refused without a terminal; --speed paces by the capture's clock.
LS=${LAYERSCOPE:-./layerscope}
top=${top_srcdir:-.}
LS=$(cd "$(dirname "$LS")" && pwd)/$(basename "$LS")
cap=$(cd "$top/captures" && pwd)/exercise.pcap # 32 frames over 0.59 s
export LAYERSCOPE_CAPTURES="$(dirname "$cap")"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lsc-step.XXXXXX") || exit 99
sock="lsc-step-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }
ok() { echo "ok   $*"; }

# ---- without a terminal: refused, exit 2, the fix named ------------------------------------
"$LS" read --step "$cap" < /dev/null > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q "standard input is not one.*drop --step" "$tmp/err"; then
	ok "--step with stdin not a terminal: exit 2, says why and the fix"
else
	fail "--step without a terminal: exit $rc"; cat "$tmp/err"
fi
"$LS" demo --replay --step < /dev/null > "$tmp/out" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "not one" "$tmp/err" && ok "demo --replay --step without a terminal: exit 2" ||
	{ fail "demo --step without a terminal"; cat "$tmp/err"; }
"$LS" read --step -f ladder "$cap" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "choose -f line" "$tmp/err" && ok "--step -f ladder: a usage error" || fail "--step -f ladder"

# ---- --speed: 0.59 s of frames at 0.1 take about 6 s; the demo's 1.07 s of calls and frames about 11 s --
# (margins wide: a loaded machine makes it slow, never fast)
for args in "read -f line $cap" "demo --replay"; do
	start=$(date +%s.%N)
	"$LS" $args --speed 0.1 > "$tmp/paced" 2> "$tmp/err" || fail "$args --speed 0.1: exit $?"
	took=$(awk "BEGIN { print $(date +%s.%N) - $start }")
	if awk "BEGIN { exit !($took > 3 && $took < 30) }"; then
		ok "$args --speed 0.1 took ${took}s (want 3-30 s)"
	else
		fail "$args --speed 0.1 took ${took}s, want 3-30 s"
	fi
	"$LS" $args > "$tmp/fast" 2> /dev/null
	cmp -s "$tmp/paced" "$tmp/fast" && ok "$args: paced output is the same as at once" || fail "$args: --speed changed the output"
done
"$LS" read --speed fast "$cap" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "speed wants a factor" "$tmp/err" && ok "--speed fast: a usage error" || fail "--speed fast"
"$LS" demo --speed 1 > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "add --replay" "$tmp/err" && ok "demo --speed without --replay: a usage error" || fail "demo --speed"

# ---- in a terminal ---------------------------------------------------------------------------
if ! command -v tmux > /dev/null; then
	echo "SKIP: tmux is absent (bash .ci/deps installs it): --step in a terminal not tested"
	[ $failed -eq 0 ] && exit 77 || exit 1
fi
tmux -L "$sock" new-session -d -x 220 -y 50 sh || { echo "step: tmux cannot start a session"; exit 99; }
pane() { tmux -L "$sock" capture-pane -p -S -200; }
keys() { tmux -L "$sock" send-keys "$@"; }
# Waits up to 10 s for PATTERN in the pane; false when it never comes.
await() {
	i=0
	while [ $i -lt 100 ]; do
		pane | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
lines() { pane | grep -Ec -- "$1"; }
# Frame lines of -f line (a shell prompt may precede the first output line).
f1='(^|# )1  13:05:13\.111491895  ETH › ARP  who-has'
f2='(^|# )2  13:05:13\.111554193  ETH › ARP  10\.1\.1\.1 is-at'
f3='(^|# )3  13:05:13\.111586724'

keys "stty -a > $tmp/before; clear" Enter
sleep 0.5
keys "$LS read --step -f line --color never $cap; echo rc=\$?; stty -a > $tmp/after-q" Enter
await "$f1" && ok "frame 1 shown at start" || fail "frame 1 not shown"
sleep 0.5
[ "$(lines "$f2")" -eq 0 ] && ok "frame 2 not shown before a key" || fail "frame 2 shown before a key"
keys Enter
await "$f2" && ok "frame 2 after Enter" || fail "no frame 2 after Enter"
[ "$(lines "$f3")" -eq 0 ] || fail "frame 3 shown after one Enter"
keys b
await "$f1" && sleep 0.5
[ "$(lines "$f1")" -eq 2 ] && ok "b shows frame 1 again" || { fail "b: frame 1 shown $(lines "$f1") times, want 2"; pane; }
keys Space
sleep 0.5
[ "$(lines "$f2")" -eq 2 ] && [ "$(lines "$f3")" -eq 0 ] && ok "space after b: frame 2 again, not yet 3" ||
	fail "space after b"
keys Space
await "$f3" && ok "space at the newest step: frame 3" || fail "no frame 3"
keys q
await '^rc=0' && ok "q: exit 0" || { fail "q: no exit 0"; pane; }
sleep 0.3
cmp -s "$tmp/before" "$tmp/after-q" && ok "terminal mode restored after q" ||
	{ fail "terminal mode not restored after q"; diff "$tmp/before" "$tmp/after-q"; }

keys "clear" Enter
sleep 0.5
keys "sh -c 'echo \$\$ > $tmp/pid; exec $LS read --step -f line --color never $cap'; echo rc=\$?; stty -a > $tmp/after-term" Enter
await "$f1" || fail "second run: frame 1 not shown"
kill -TERM "$(cat "$tmp/pid")"
await '^rc=143' && ok "SIGTERM: the process ends by the signal" || { fail "SIGTERM: no rc=143"; pane; }
sleep 0.3
cmp -s "$tmp/before" "$tmp/after-term" && ok "terminal mode restored after SIGTERM" ||
	{ fail "terminal mode not restored after SIGTERM"; diff "$tmp/before" "$tmp/after-term"; }

# The demo's replay: a step is a socket call and the frames it caused.
keys "clear" Enter
sleep 0.5
keys "$LS demo --replay --step --color never 2>/dev/null; echo rc=\$?; stty -a > $tmp/after-demo" Enter
await 'frame 1 ' && ok "demo --replay --step: the first step" || { fail "demo: no first step"; pane; }
sleep 0.5
n1=$(lines ' frame [0-9]+ ')
keys Enter
sleep 1
n2=$(lines ' frame [0-9]+ ')
[ "$n1" -ge 1 ] && [ "$n2" -ge "$n1" ] && [ "$(lines 'close\(')" -eq 0 ] &&
	ok "demo --replay --step: $n1 frame(s), then $n2 after Enter, not the end" || { fail "demo steps: $n1, $n2"; pane; }
keys q
await '^rc=0' && ok "demo: q exits 0" || fail "demo: q"
sleep 0.3
cmp -s "$tmp/before" "$tmp/after-demo" && ok "terminal mode restored after the demo" || fail "demo: terminal mode"

[ $failed -eq 0 ] || exit 1
