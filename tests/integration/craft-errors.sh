#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# craft-errors.sh: `layerscope craft` refuses bad input with exit 2 and a message naming
# the problem, reports what the system refuses (privilege, interface, file) with exit 1,
# and writes files without privilege.  Nothing is sent.
set -u
: "${LAYERSCOPE:=./layerscope}"
: "${top_builddir:=.}"
fails=0
work=$(mktemp -d "$top_builddir/craft-errors.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
. "$(dirname "$0")/ptbr-lib.sh"
ptbr_setup "$work"

# pt_want STATUS TEXT CMD...: CMD exits with STATUS and its stderr holds TEXT, in Portuguese (ptbr-lib.sh).
pt_want() {
	want=$1 needle=$2
	shift 2
	env LC_ALL=pt_BR.UTF-8 LANGUAGE= LAYERSCOPE_LOCALEDIR="$PTBR_LOCALEDIR" "$@" >"$work/out" 2>"$work/err"
	got=$?
	if [ "$got" -ne "$want" ] || ! grep -qF -- "$needle" "$work/err"; then
		echo "FAIL: (pt_BR) $* -> exit $got (want $want), stderr lacks '$needle':"
		sed 's/^/    /' "$work/err"
		fails=$((fails + 1))
	else
		echo "ok: (pt_BR) $(grep -m1 . "$work/err" | cut -c1-100)"
	fi
}

# run_as WHO STATUS NEEDLE ARGS...: `craft ARGS` run by WHO ("" for this process)
# must exit with STATUS and say NEEDLE on stderr.
run_as() {
	who=$1 want=$2 needle=$3
	shift 3
	if [ -n "$who" ]; then
		$who "$work/layerscope" craft "$@" >"$work/out" 2>"$work/err"
	else
		"$LAYERSCOPE" craft "$@" >"$work/out" 2>"$work/err"
	fi
	got=$?
	if [ "$got" -ne "$want" ] || ! grep -qF -- "$needle" "$work/err"; then
		echo "FAIL: ${who:+($who) }craft $* -> exit $got (want $want), stderr lacks '$needle':"
		sed 's/^/    /' "$work/err"
		fails=$((fails + 1))
	else
		echo "ok: ${who:+(unprivileged) }craft $* -> $got: $(grep -m1 . "$work/err" | cut -c1-100)"
	fi
}

expect() {
	run_as "" "$@"
}

# usage errors: exit 2
expect 2 "what should be crafted"
expect 2 "-f ladder needs conversation tracking" tcp --to 127.0.0.1:9 -f ladder -w "$work/l.pcap"
expect 2 "formats here: line, tree, hex, stack, json, none" tcp --to 127.0.0.1:9 -f follow -w "$work/l.pcap"
expect 2 "cannot craft 'foo'" foo
expect 2 "--to ADDR:PORT is required" tcp
expect 2 "has no port" tcp --to 127.0.0.1
expect 2 "has no port" tcp --to ::1:80
expect 2 "not a numeric IPv4 or IPv6 address" tcp --to 1.2.3:80
expect 2 "not a numeric IPv4 or IPv6 address" tcp --to localhost:80
expect 2 "port must be a number from 0 to 65535" tcp --to 127.0.0.1:70000
expect 2 "port must be a number from 0 to 65535" udp --to '[::1]:x'
expect 2 "missing ']'" udp --to '[::1:80'
expect 2 "unknown TCP flag 'X'" tcp --to 127.0.0.1:80 --flags SX
expect 2 "unknown TCP flag name 'fo'" tcp --to 127.0.0.1:80 --flags syn,fo
expect 2 "0 to 0xff" tcp --to 127.0.0.1:80 --flags 0x100
expect 2 "is IPv6 but the destination" tcp --to 127.0.0.1:80 --from ::1
expect 2 "--seq wants a number from 0 to 4294967295" tcp --to 127.0.0.1:80 --seq 4294967296
expect 2 "--win wants a number from 0 to 65535" tcp --to 127.0.0.1:80 --win -1
expect 2 "--mss wants a number" tcp --to 127.0.0.1:80 --mss 65536
expect 2 "--ttl wants a number from 0 to 255" udp --to 127.0.0.1:80 --ttl 256
expect 2 "--mss does not apply to UDP frames" udp --to 127.0.0.1:80 --mss 1460
expect 2 "--flags does not apply to ICMP echo frames" icmp echo --to 127.0.0.1 --flags S
expect 2 "only echo requests" icmp --to 127.0.0.1
expect 2 "ICMP has no ports" icmp echo --to 127.0.0.1:80
expect 2 "--seq wants a number from 0 to 65535" icmp echo --to 127.0.0.1 --seq 65536
expect 2 "arp needs -i IFACE" arp who-has 10.0.0.1
expect 2 "ARP resolves IPv4 addresses" arp who-has ::1 -i lo
expect 2 "--payload does not apply" arp who-has 10.0.0.1 -i lo --payload x
expect 2 "--dst-mac needs -i IFACE" tcp --to 127.0.0.1:80 --dst-mac 02:00:00:00:00:01
expect 2 "--dst-mac wants aa:bb:cc:dd:ee:ff" tcp --to 127.0.0.1:80 -i lo --dst-mac zz
expect 2 "-c wants a count" tcp --to 127.0.0.1:80 -c 0
expect 2 "unknown format 'nosuch'" tcp --to 127.0.0.1:80 -f nosuch
expect 2 "unexpected 'extra'" tcp --to 127.0.0.1:80 extra
expect 2 "only TCP and UDP have ports" icmp echo --to 127.0.0.1 --from 127.0.0.1:5

# payload limits: the IP length field is 16 bits
big=$(head -c 65496 /dev/zero | tr '\0' a)
expect 2 "the payload is 65496 bytes, but TCP frames over IPv4 carry at most 65495" \
	tcp --to 127.0.0.1:80 --payload "$big"
expect 0 "nothing was sent" tcp --to 127.0.0.1:80 --payload "$(printf '%s' "$big" | cut -c2-)" \
	-w "$work/max4.pcap" -f json
big6=$(head -c 65528 /dev/zero | tr '\0' b)
expect 2 "carry at most 65527" udp --to '[::1]:80' --payload "$big6"
expect 0 "nothing was sent" udp --to '[::1]:80' --payload "$(printf '%s' "$big6" | cut -c2-)" \
	-w "$work/max6.pcap" -f json
if [ "$PTBR" = yes ]; then
	pt_want 2 "layerscope craft: a carga útil tem 65496 bytes, mas quadros TCP sobre IPv4 levam no máximo 65495 (o campo de comprimento do IP tem 16 bits)" \
		"$LAYERSCOPE" craft tcp --to 127.0.0.1:80 --payload "$big"
fi

# runtime errors: exit 1
expect 1 "no interface named 'nosuch0'" tcp --to 127.0.0.1:80 -i nosuch0 -w "$work/x.pcap"
expect 1 "$work/no/such/dir/x.pcap" tcp --to 127.0.0.1:80 -w "$work/no/such/dir/x.pcap"

# help
if "$LAYERSCOPE" craft --help | grep -q "usage: layerscope craft"; then
	echo "ok: craft --help"
else
	echo "FAIL: craft --help shows no usage"
	fails=$((fails + 1))
fi

# Without CAP_NET_RAW: sending is refused and says why; writing a file still works.
as_user=""
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
		as_user="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups --inh-caps=-all"
		cp "$LAYERSCOPE" "$work/layerscope"
		chmod 755 "$work" "$work/layerscope"
		chmod 1777 "$work"
	fi
elif ! grep -q '^CapEff:.*[1-9a-f]' /proc/self/status; then
	as_user="env" # already without capabilities
	cp "$LAYERSCOPE" "$work/layerscope"
fi
if [ -z "$as_user" ]; then
	echo "note: cannot run without CAP_NET_RAW here (no setpriv or no 'nobody'); privilege checks skipped"
else
	unpriv() {
		run_as "$as_user" "$@"
	}
	unpriv 1 "CAP_NET_RAW" tcp --to 127.0.0.1:9 --flags S
	unpriv 1 "-w FILE" tcp --to 127.0.0.1:9 --flags S
	unpriv 1 "raw IPv6 socket" udp --to '[::1]:9'
	unpriv 1 "CAP_NET_RAW" arp who-has 127.0.0.2 -i lo
	unpriv 0 "nothing was sent" tcp --to 127.0.0.1:9 -w "$work/unpriv.pcap" -f json
	if [ "$PTBR" = yes ]; then
		pt_fix="e abri-lo precisa da capacidade CAP_NET_RAW, que este processo não tem — execute como root (sudo), seja membro do grupo que uma instalação com grupo de captura autoriza (sudo make install-capture-group), ou grave o quadro num arquivo com -w ARQUIVO, o que não precisa de privilégio"
		# shellcheck disable=SC2086 # $as_user is a command and its options
		pt_want 1 "layerscope craft: enviar precisa de um socket IPv4 bruto (raw), $pt_fix" \
			$as_user "$work/layerscope" craft tcp --to 127.0.0.1:9 --flags S
		# shellcheck disable=SC2086
		pt_want 1 "layerscope craft: enviar precisa de um socket IPv6 bruto (raw), $pt_fix" \
			$as_user "$work/layerscope" craft udp --to '[::1]:9'
		# shellcheck disable=SC2086
		pt_want 1 "layerscope craft: enviar precisa de um socket de enlace (packet), $pt_fix" \
			$as_user "$work/layerscope" craft arp who-has 127.0.0.2 -i lo
	fi
	if [ -s "$work/unpriv.pcap" ] && "$LAYERSCOPE" read -f json "$work/unpriv.pcap" | grep -q '"dport":9'; then
		echo "ok: the unprivileged -w file decodes"
	else
		echo "FAIL: the unprivileged -w file is missing or wrong"
		fails=$((fails + 1))
	fi
fi

# Output that cannot be written names its cause; a closed pipe (`| head`) is no error, as for read.
# to_full ARGS...: `craft ARGS >/dev/full` exits 1 saying the disk is full.
to_full() {
	"$LAYERSCOPE" craft "$@" >/dev/full 2>"$work/err"
	got=$?
	if [ "$got" -eq 1 ] && grep -qF "writing the output: No space left on device — " "$work/err"; then
		echo "ok: craft $* >/dev/full -> 1, names the cause"
	else
		echo "FAIL: craft $* >/dev/full -> exit $got: $(cat "$work/err")"
		fails=$((fails + 1))
	fi
}
# to_closed_pipe ARGS...: `craft ARGS | head -c 10` exits 0 and says nothing
# (3000 frames: far more than a pipe's buffer, so the pipe is closed under it).
to_closed_pipe() {
	got=$( { "$LAYERSCOPE" craft "$@" 2>"$work/err"; echo $? >"$work/rc"; } | head -c 10 >/dev/null; cat "$work/rc")
	if [ "$got" -eq 0 ] && [ ! -s "$work/err" ]; then
		echo "ok: craft $* | head -c 10 -> 0, nothing said"
	else
		echo "FAIL: craft $* | head -c 10 -> exit $got: $(cat "$work/err")"
		fails=$((fails + 1))
	fi
}
to_full tcp --to 127.0.0.1:9 -f hex -c 50 -w "$work/full.pcap"
to_full tcp --to 127.0.0.1:9 -f none -w "$work/full.pcap" # the closing words are output too
to_closed_pipe tcp --to 127.0.0.1:9 -f hex -c 3000 -w "$work/pipe.pcap"
if [ "$PTBR" = yes ]; then
	env LC_ALL=pt_BR.UTF-8 LANGUAGE= LAYERSCOPE_LOCALEDIR="$PTBR_LOCALEDIR" "$LAYERSCOPE" craft tcp --to 127.0.0.1:9 -f hex \
		-w "$work/full.pcap" >/dev/full 2>"$work/err"
	got=$?
	if [ "$got" -eq 1 ] && grep -qF "layerscope craft: ao gravar a saída: " "$work/err" &&
		grep -qF " — verifique o disco ou o dispositivo de destino" "$work/err"; then
		echo "ok: (pt_BR) craft >/dev/full names the cause"
	else
		echo "FAIL: (pt_BR) craft >/dev/full -> exit $got: $(cat "$work/err")"
		fails=$((fails + 1))
	fi
fi
to_closed_pipe tcp --to 127.0.0.1:9 -f none -c 3000 -w - # the capture itself on the pipe

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0
