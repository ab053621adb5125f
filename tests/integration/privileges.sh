#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# privileges.sh: what each privileged part keeps, and who may capture.  `make
# install-capture-group` into a scratch DESTDIR: the binary is root:GROUP 0750 with
# CAP_NET_RAW,CAP_NET_ADMIN; a member (an unprivileged uid, by setpriv) captures on lo
# with those capabilities and drops them; anyone else cannot run it, so cannot spoof with
# `craft --from`.  Root's `live` says what its process-owner helper keeps, and becomes the
# dedicated account `layerscope` where one exists (seen through a private /etc/passwd).
# The group is made with a name of its own and deleted after; traffic stays on lo.
set -u
: "${LAYERSCOPE:?run this from make check, or set LAYERSCOPE to the binary}"
LS=$LAYERSCOPE
builddir=${top_builddir:-$(dirname "$LS")}
py=/usr/bin/python3

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: installing with capabilities and capturing need root"
	exit 77
fi
for t in setpriv setcap getcap groupadd groupdel unshare; do
	command -v $t > /dev/null || { echo "FAIL: $t is missing (see .ci/deps)"; exit 1; }
done

tmp=$(mktemp -d /tmp/layerscope-priv.XXXXXX)
chmod 755 "$tmp"
grp="lscg$$"
bg=""
cleanup() {
	for p in $bg; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	getent group "$grp" > /dev/null && groupdel "$grp"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fails=0
. "$(dirname "$0")/ptbr-lib.sh"
ptbr_setup "$tmp"
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }
has() { # FILE PATTERN WHAT
	if grep -Eq -- "$2" "$1"; then pass "$3"; else fail "$3 (no /$2/ in:)"; sed -n 1,12p "$1"; fi
}
wait_for() { # FILE PATTERN: up to 10 s
	i=0
	while [ $i -lt 100 ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
udp_send() { # PORT: a few datagrams on lo
	"$py" -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(10):
    s.sendto(b"x", ("127.0.0.1", int(sys.argv[1]))); time.sleep(0.1)
' "$1"
}
# live -c 1 on lo as "$@" (a command prefix), filter udp port PORT; its stderr in $tmp/live.err.
live_as() {
	port=$1; shift
	"$@" "$bin" live -c 1 -f line udp port "$port" > "$tmp/live.out" 2> "$tmp/live.err" &
	lpid=$!; bg="$lpid"
	wait_for "$tmp/live.err" 'listening on\|escutando em' && udp_send "$port"
	wait "$lpid"; rc=$?; bg=""
	return $rc
}

# ---- 1. root's live: what the owner helper keeps, said plainly ----------------------
bin=$LS
live_as 18581
has "$tmp/live.err" 'helper \(pid [0-9]+\) keeps CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH as nobody' \
	"root's live says what the process-owner helper keeps"
has "$tmp/live.err" 'dropped privileges to nobody .*capabilities cleared' "root's live drops to nobody"
if [ "$PTBR" = yes ]; then
	live_as 18587 ptbr
	has "$tmp/live.err" '^layerscope live: privilégios largados para nobody \(uid [0-9]+, gid [0-9]+\), capacidades removidas' \
		"root's live says it drops to nobody, in pt_BR"
fi
"$bin" live -c 1 --no-process -f line udp port 18582 > /dev/null 2> "$tmp/np.err" &
lpid=$!; bg="$lpid"
wait_for "$tmp/np.err" 'listening on' && udp_send 18582
wait "$lpid"; bg=""
if grep -q 'helper' "$tmp/np.err"; then fail "--no-process still mentions a helper"; else
	pass "--no-process keeps nothing and says no helper"; fi

# ---- 2. the dedicated account, where one exists -------------------------------------
cp /etc/passwd "$tmp/passwd"
echo "layerscope:x:61240:65534:layerscope capture:/nonexistent:/usr/sbin/nologin" >> "$tmp/passwd"
if getent passwd layerscope > /dev/null; then
	echo "note: this system has a layerscope account already"
	cp /etc/passwd "$tmp/passwd"
fi
chmod 644 "$tmp/passwd"
unshare -m sh -c "mount --bind '$tmp/passwd' /etc/passwd && exec '$bin' live -c 1 -f line udp port 18583" \
	> /dev/null 2> "$tmp/ded.err" &
lpid=$!; bg="$lpid"
wait_for "$tmp/ded.err" 'listening on' && udp_send 18583
wait "$lpid"; bg=""
has "$tmp/ded.err" 'dropped privileges to layerscope \(uid [0-9]+' "root's live becomes the dedicated account layerscope"

# ---- 3. the group-restricted install --------------------------------------------------
groupadd "$grp" || { fail "groupadd $grp"; exit 1; }
gid=$(getent group "$grp" | cut -d: -f3)
dest="$tmp/root"
if ! ${MAKE:-make} -s -C "$builddir" install-capture-group DESTDIR="$dest" prefix=/usr \
	CAPTURE_GROUP="$grp" CAPTURE_USER= > "$tmp/make.out" 2>&1; then
	fail "make install-capture-group"; cat "$tmp/make.out"
	exit 1
fi
bin="$dest/usr/bin/layerscope"
[ "$(stat -c '%a %U %G' "$bin")" = "750 root $grp" ] && pass "the binary is root:$grp 0750" ||
	fail "the binary is $(stat -c '%a %U %G' "$bin")"
getcap "$bin" | grep -q 'cap_net_admin,cap_net_raw=eip' && pass "the binary has CAP_NET_RAW,CAP_NET_ADMIN" ||
	fail "capabilities: $(getcap "$bin")"
chmod 755 "$dest" "$dest/usr" "$dest/usr/bin"

# Through a shell: setpriv itself execs while it still holds root's capabilities, which
# would pass the 0750 check that a user's own exec meets.
as_member() { setpriv --reuid=61234 --regid=61234 --groups="$gid" --inh-caps=-all sh -c 'exec "$@"' sh "$@"; }
as_other() { setpriv --reuid=61235 --regid=61235 --clear-groups --inh-caps=-all sh -c 'exec "$@"' sh "$@"; }

# A member captures with the file's capabilities, then clears them.
if live_as 18584 as_member; then pass "a member of $grp captures on lo without sudo"; else
	fail "a member could not capture: exit $rc"; cat "$tmp/live.err"; fi
has "$tmp/live.out" 'UDP' "the member's capture shows the datagram"
has "$tmp/live.err" 'capabilities cleared, staying .*uid 61234' "the member's live clears its capabilities"
# (Not in pt_BR: a binary with file capabilities runs in secure mode and ignores
# LAYERSCOPE_LOCALEDIR, so only an installed catalogue would translate it.)

# Anyone else cannot run it: no capture, no spoofed datagram.
as_other "$bin" live -c 1 udp port 18585 > /dev/null 2> "$tmp/other.err"
rc=$?
[ $rc -eq 126 ] && grep -q 'Permission denied' "$tmp/other.err" &&
	pass "a user outside $grp cannot run the capturing binary" ||
	fail "outside $grp: exit $rc, $(cat "$tmp/other.err")"
as_other "$bin" craft udp --from 127.0.0.9:1234 --to 127.0.0.1:18586 > /dev/null 2> "$tmp/spoof.err"
rc=$?
[ $rc -eq 126 ] && pass "a user outside $grp cannot send a spoofed datagram" ||
	fail "outside $grp: craft --from exit $rc, $(cat "$tmp/spoof.err")"

[ $fails -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
