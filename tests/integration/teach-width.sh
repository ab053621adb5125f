#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# teach-width.sh: `demo --replay` in a real 80-column terminal (tmux) fits it: no line wider than 80.
#
# The demo runs in a tmux pane 80 columns wide, under script(1) so that its
# output is also kept in a file: stdout and stderr are that terminal, so the
# demo folds to the width it reads from it and explains (first) by default.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${LAYERSCOPE:-$top/layerscope}
for t in tmux script python3; do
	command -v "$t" > /dev/null || { echo "SKIP: $t not installed"; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lsc-teach.XXXXXX") || exit 99
sock=lsc-teach-$$
trap 'tmux -L "$sock" kill-server 2> /dev/null; rm -rf "$tmp"' EXIT
fail=0

run80() { # NAME ARGS...: the demo in an 80x40 pane, its terminal output in $tmp/NAME
	name=$1
	shift
	cat > "$tmp/$name.sh" <<EOS
LAYERSCOPE_CAPTURES='$top/captures' NO_COLOR=1 LC_ALL=C.UTF-8 script -qec "'$bin' $*" '$tmp/$name.ts' > /dev/null
echo done > '$tmp/$name.done'
EOS
	tmux -L "$sock" new-session -d -x 80 -y 40 "sh '$tmp/$name.sh'" || { echo "FAIL: tmux would not start"; exit 1; }
	i=0
	while [ ! -f "$tmp/$name.done" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -f "$tmp/$name.done" ] || { echo "FAIL: $name: the demo did not finish in 60 s"; fail=1; }
}

check() { # NAME: every line at most 80 columns, and the output is the demo's
	python3 - "$tmp/$1.ts" "$1" <<'EOP' || fail=1
import re, sys
path, name = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8", errors="replace").read()
text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "")
lines = [l for l in text.split("\n") if not l.startswith("Script ")]
wide = [l for l in lines if len(l) > 80]
ok = True
if not any("frame 2" in l for l in lines) or not any("Conversations:" in l for l in lines):
    print(f"FAIL: {name}: the output is not the demo's:\n" + "\n".join(lines[:10]))
    ok = False
if not any("↳" in l for l in lines):
    print(f"FAIL: {name}: no explanation on a terminal (--explain=first is the default there)")
    ok = False
for l in wide[:5]:
    print(f"FAIL: {name}: {len(l)} columns: {l}")
if wide:
    ok = False
print(f"{'PASS' if ok else 'FAIL'}: {name}: {len(lines)} lines, the widest {max(map(len, lines))} columns")
sys.exit(0 if ok else 1)
EOP
}

run80 replay demo --replay
check replay
run80 replay-udp demo --replay --udp
check replay-udp
exit $fail
