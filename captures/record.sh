#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# record.sh: records the bundled teaching captures between two network namespaces joined by a veth pair.
#
#     sudo captures/record.sh [OUTDIR [NAME...]]   (default: this folder, every capture)
#
# Client host 10.1.1.5 / fd00::5, server host 10.1.1.1 / fd00::1, as in the
# tutorial's figure; the Ethernet addresses are the veth pair's own.  The
# traffic is made by the project's own programs (layerscope server, client,
# craft) and recorded by `layerscope live -w` on the server's side of the
# pair (tcpdump only for the SLL2 link type, which live does not select).
# Every run makes new addresses, ports and sequence numbers: the captures are
# the same in kind, not byte for byte.  captures/README.md says what each
# one shows.  Needs root, iproute2, nft (nftables) for the loss, python3.
# NAME...: only these captures (e.g. `record.sh captures udp-loss`), so one
# can be recorded again without changing the others.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
only=("${@:2}")
LS=${LAYERSCOPE:-$here/../layerscope}
PORT=8082
MSG='Hello from the layerscope echo exercise!'

die() { echo "record.sh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root for network namespaces and capture: sudo $0 $*"
[ -x "$LS" ] || die "$LS: no layerscope binary — build it (make), or set LAYERSCOPE"
command -v ip >/dev/null || die "needs ip (iproute2): bash .ci/deps"
mkdir -p "$out"
out=$(cd "$out" && pwd)

tag=lsrec$$
C=$tag-client
S=$tag-server
tmp=$(mktemp -d)
live_pid= srv_pid= more_pids=

cleanup() {
	[ -n "$live_pid" ] && kill "$live_pid" 2>/dev/null && wait "$live_pid" 2>/dev/null
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	for p in $more_pids; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	ip netns del "$C" 2>/dev/null || true
	ip netns del "$S" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

inC() { ip netns exec "$C" "$@"; }
inS() { ip netns exec "$S" "$@"; }

# ---- the two hosts --------------------------------------------------------------

ip netns add "$C"
ip netns add "$S"
ip link add veth-client netns "$C" type veth peer name veth-server netns "$S"
ip -n "$C" link set lo up
ip -n "$S" link set lo up
ip -n "$C" addr add 10.1.1.5/24 dev veth-client
ip -n "$S" addr add 10.1.1.1/24 dev veth-server
# nodad: usable at once, without duplicate address detection's wait
ip -n "$C" addr add fd00::5/64 dev veth-client nodad
ip -n "$S" addr add fd00::1/64 dev veth-server nodad
ip -n "$C" link set veth-client up
ip -n "$S" link set veth-server up

# ---- helpers --------------------------------------------------------------------

wait_for() { # SECONDS COMMAND...: until COMMAND succeeds
	local n=$(($1 * 20)); shift
	until "$@" >/dev/null 2>&1; do
		n=$((n - 1)); [ "$n" -gt 0 ] || return 1
		sleep 0.05
	done
}

forget_neighbours() {
	ip -n "$C" neigh flush all
	ip -n "$S" neigh flush all
}

capture() { # NAME [live options and FILTER...]
	local name=$1; shift
	ip netns exec "$S" "$LS" live -i veth-server --immediate --no-process -f none -w "$out/$name.pcap" "$@" \
		2>"$tmp/$name.live" &
	live_pid=$!
	wait_for 5 grep -q 'listening on' "$tmp/$name.live" || die "$name: live did not start: $(cat "$tmp/$name.live")"
}

end_capture() { # the last frames (the final ACK) follow the programs by microseconds
	sleep 0.3
	kill -INT "$live_pid"
	wait "$live_pid" || die "live failed: $(cat "$tmp"/*.live)"
	live_pid=
}

server() { # [server options]: starts it in the server's host, waits until it listens
	ip netns exec "$S" "$LS" server --explain=json "$@" >"$tmp/server.out" 2>&1 &
	srv_pid=$!
	local ss_opt=-Hltn
	case " $* " in *" --udp "*) ss_opt=-Hlun ;; esac
	wait_for 5 sh -c "ip netns exec $S ss $ss_opt 'sport = :$PORT' | grep -q ." || die "the server did not start"
}

end_server() { # waits for a server that exits by itself (--max-conns), else stops it
	if [ "${1:-}" = stop ]; then kill -TERM "$srv_pid"; fi
	wait "$srv_pid" || die "the server failed: $(cat "$tmp/server.out")"
	srv_pid=
}

client() { inC "$LS" client -H 10.1.1.1 --explain=json "$@" >>"$tmp/client.out" 2>&1; }

# The narration: the --explain=json lines (the others are the programs' own), as the .calls
# lines replay.c and the quiz read: "TS ROLE TEXT", TS in RFC 3339 UTC as frames' "ts" (the
# text narration shows the clock a person reads, local time, without the date).
calls() { # NAME: server's and clients' calls, merged in time order
	cat "$tmp/server.out" "$tmp/client.out" | python3 -c '
import json, sys
for line in sys.stdin:
    if line.startswith("{\"ts\""):
        e = json.loads(line)
        print(e["ts"], e["role"], e["text"])' | sort -s -k1,1 >"$out/$1.calls"
}

reset_logs() { : >"$tmp/server.out"; : >"$tmp/client.out"; }

want() { # NAME: whether to record it (every capture when none was named)
	[ ${#only[@]} -eq 0 ] && return 0
	local n
	for n in "${only[@]}"; do [ "$n" = "$1" ] && return 0; done
	return 1
}

listening() { # PORT: until something listens on PORT in the server's host
	wait_for 5 sh -c "ip netns exec $S ss -Hltn 'sport = :$1' | grep -q ." || die "nothing listens on port $1"
}

end_python() { # stops a Python stand-in started as srv_pid (TERM is how it ends)
	kill "$srv_pid" 2>/dev/null || true
	wait "$srv_pid" 2>/dev/null || true
	srv_pid=
}

# ---- the captures ----------------------------------------------------------------

# The exercise: three clients, 16-byte reads, the server exits after the third.
if want exercise; then
	reset_logs; forget_neighbours
	server --max-conns 3
	capture exercise "tcp port $PORT or arp"
	for i in 1 2 3; do client "$MSG"; sleep 0.1; done
	end_server
	end_capture
	calls exercise
fi

# ARP before the first frame: an empty neighbour cache, one exchange, everything captured.
if want arp-first; then
	reset_logs; forget_neighbours
	server --max-conns 1
	capture arp-first "arp or tcp port $PORT"
	client "who is 10.1.1.1?"
	end_server
	end_capture
fi

# UDP echo: one datagram each way, three times.
if want udp-echo; then
	reset_logs
	server --udp --max-conns 3
	capture udp-echo "udp port $PORT"
	for i in 1 2 3; do client --udp "$MSG"; sleep 0.1; done
	end_server
	end_capture
	calls udp-echo
fi

# IPv6: the same exercise over fd00::5 -> fd00::1.
if want ipv6-echo; then
	reset_logs
	server --max-conns 1
	capture ipv6-echo "tcp port $PORT"
	inC "$LS" client -H fd00::1 "$MSG" >/dev/null
	end_server
	end_capture
fi

# Connection refused: nothing listens, the SYN is answered by RST.
if want refused; then
	capture refused "tcp port $PORT"
	if inC "$LS" client -H 10.1.1.1 --timeout 2 "$MSG" >/dev/null 2>"$tmp/refused.err"; then
		die "refused: the connection was accepted"
	fi
	grep -q 'nothing listens' "$tmp/refused.err" || die "refused: $(cat "$tmp/refused.err")"
	end_capture
fi

# ICMP port unreachable: a UDP datagram to a port nothing listens on.
if want icmp-unreachable; then
	capture icmp-unreachable "udp or icmp"
	inC "$LS" client --udp -H 10.1.1.1 -p 9 --timeout 1 "anyone on port 9?" >/dev/null 2>&1 || true
	end_capture
fi

# A message larger than the MSS: the MTU of the pair lowered to 600 bytes (MSS 548).
# gso_max_segs 1: the kernel hands each segment to the pair (and the capture)
# on its own, as a real NIC puts them on the wire, instead of one large GSO
# block that only the NIC would cut.
if want mss-split; then
	ip -n "$C" link set veth-client mtu 600 gso_max_segs 1
	ip -n "$S" link set veth-server mtu 600 gso_max_segs 1
	server --max-conns 1
	capture mss-split "tcp port $PORT"
	head -c 2000 /dev/zero | tr '\0' 'x' | inC "$LS" client -H 10.1.1.1 --quiet
	end_server
	end_capture
	ip -n "$C" link set veth-client mtu 1500 gso_max_segs 65535
	ip -n "$S" link set veth-server mtu 1500 gso_max_segs 65535
fi

# Half-close: the client's FIN goes out while the echo still comes back.  The
# message is 8000 bytes so that the echo cannot all be back before the FIN.
# When the FIN leaves is the kernel's choice (it may follow the whole echo):
# record again, a few times at most, until the capture shows the echo after it.
if want half-close; then
	for try in 1 2 3 4 5 6; do
		server --max-conns 1
		capture half-close "tcp port $PORT"
		head -c 8000 /dev/zero | tr '\0' 'h' | inC "$LS" client -H 10.1.1.1 --half-close --quiet
		end_server
		end_capture
		"$LS" read -f line "$out/half-close.pcap" | grep -q 'half-close' && break
	done
fi

# Loss and retransmission: the server's host drops the first data segment it
# receives (after the capture saw it); the client's kernel sends it again.
if want retransmission; then
	command -v nft >/dev/null || die "needs nft (nftables) for the loss: bash .ci/deps"
	inS nft -f - <<-EOF
	table inet lossy {
		chain input {
			type filter hook input priority 0;
			tcp dport $PORT tcp flags & psh == psh numgen inc mod 2 == 0 drop
		}
	}
	EOF
	server --max-conns 1
	capture retransmission "tcp port $PORT"
	inC "$LS" client -H 10.1.1.1 "$MSG" >/dev/null
	end_server
	end_capture
	inS nft delete table inet lossy
fi

# The -i any link type: Linux cooked capture v2 (tcpdump -y LINUX_SLL2).
if want sll2-any; then
	command -v tcpdump >/dev/null || die "needs tcpdump for the SLL2 capture: bash .ci/deps"
	# tcpdump says it listens a while before its "any" socket sees frames (longer on
	# a loaded machine), and frames still in its ring when it is stopped are lost:
	# a UDP probe to the discard port marks each end, and the exchange is what lies
	# between the probes (taken out afterwards).
	probe_seen() { # BYTES: sends a probe, true once the capture has grown past BYTES
		inC bash -c 'echo probe >/dev/udp/10.1.1.1/9' 2>/dev/null || true
		sleep 0.05
		[ "$(stat -c %s "$tmp/sll2-raw.pcap" 2>/dev/null || echo 0)" -gt "$1" ]
	}
	server --max-conns 1
	ip netns exec "$S" tcpdump -i any -y LINUX_SLL2 -U -n -Z root -w "$tmp/sll2-raw.pcap" \
		"tcp port $PORT or udp dst port 9" 2>"$tmp/sll2.live" &
	live_pid=$!
	wait_for 5 grep -q 'listening on' "$tmp/sll2.live" || die "tcpdump did not start: $(cat "$tmp/sll2.live")"
	wait_for 10 probe_seen 24 || die "tcpdump -i any saw no frame in 10 s: $(cat "$tmp/sll2.live")"
	inC "$LS" client -H 10.1.1.1 "$MSG" >/dev/null
	end_server
	sleep 0.1 # the final ACK follows the client's exit by microseconds
	wait_for 10 probe_seen "$(stat -c %s "$tmp/sll2-raw.pcap")" || die "tcpdump -i any stopped seeing frames"
	end_capture
	tcpdump -r "$tmp/sll2-raw.pcap" -w "$out/sll2-any.pcap" "tcp port $PORT" 2>/dev/null ||
		die "could not cut the probes out of the SLL2 capture"
fi

# A VLAN-tagged exchange: VLAN 10 on the pair, for real where the kernel has
# 802.1Q; else the same exchange recorded untagged and tagged by vlan-tag.py.
if want vlan; then
	if ip -n "$C" link add link veth-client name veth-client.10 type vlan id 10 2>/dev/null; then
		ip -n "$S" link add link veth-server name veth-server.10 type vlan id 10
		ip -n "$C" addr add 10.1.10.5/24 dev veth-client.10
		ip -n "$S" addr add 10.1.10.1/24 dev veth-server.10
		ip -n "$C" link set veth-client.10 up
		ip -n "$S" link set veth-server.10 up
		server --max-conns 1
		capture vlan "vlan and tcp port $PORT"
		inC "$LS" client -H 10.1.10.1 "$MSG" >/dev/null
		end_server
		end_capture
	else
		echo "record.sh: this kernel has no 802.1Q (ip link add type vlan failed): tagging the recorded exchange with vlan-tag.py" >&2
		server --max-conns 1
		capture vlan-untagged "tcp port $PORT"
		inC "$LS" client -H 10.1.1.1 "$MSG" >/dev/null
		end_server
		end_capture
		python3 "$here/vlan-tag.py" "$out/vlan-untagged.pcap" "$out/vlan.pcap" 10
		rm -f "$out/vlan-untagged.pcap"
	fi
fi

# A crafted SYN: the server's kernel answers SYN-ACK, the client's kernel RST
# (no socket of the client host owns that connection: it came from a raw socket).
if want crafted-syn; then
	server
	capture crafted-syn "tcp port $PORT"
	inC "$LS" craft tcp --to 10.1.1.1:$PORT --flags S --mss 1460 -f none >/dev/null 2>"$tmp/craft.err" ||
		die "craft: $(cat "$tmp/craft.err")"
	end_capture
	end_server stop
fi

# ---- situations a sockets course asks about (layerscope quiz, docs/lessons) -------

# Three clients at the same time: all three connect before any sends, so the
# conversations overlap and only their ports tell them apart.  The clients are
# three sockets of one Python process (layerscope client opens one), so the
# .calls file holds the server's calls.
if want three-clients; then
	reset_logs
	server --max-conns 3
	capture three-clients "tcp port $PORT"
	inC python3 - 10.1.1.1 "$PORT" "$MSG" <<-'PY' || die "three-clients: the clients failed"
	import socket, sys
	host, port, msg = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
	socks = [socket.create_connection((host, port), timeout=5) for _ in range(3)]
	for s in socks:
	    s.sendall(msg)
	for s in socks:  # the echo 16 bytes a recv(), as the exercise's client reads it
	    got = b""
	    while len(got) < len(msg):
	        chunk = s.recv(16)
	        if not chunk:
	            break
	        got += chunk
	    if got != msg:
	        sys.exit("echo differs")
	for s in socks:
	    s.close()
	PY
	end_server
	end_capture
	calls three-clients
fi

# UDP with loss: the server host drops the second request on arrival, after
# the capture saw it (an nftables rule: tc netem, the usual tool, needs the
# sch_netem module, which this kernel lacks).  The server never reads it, so
# no echo comes back; the client waits a second and gives up.  Nobody is told:
# the client's send() had succeeded.
if want udp-loss; then
	command -v nft >/dev/null || die "needs nft (nftables) for the loss: bash .ci/deps"
	reset_logs
	inS nft -f - <<-EOF
	table inet udploss {
		chain input {
			type filter hook input priority 0;
			udp dport $PORT numgen inc mod 3 == 1 drop
		}
	}
	EOF
	server --udp
	capture udp-loss "udp port $PORT"
	for i in 1 2 3; do client --udp --timeout 1 "$MSG" || true; sleep 0.1; done
	end_capture
	end_server stop
	inS nft delete table inet udploss
	calls udp-loss
fi

# A full accept queue: a listener with backlog 1 that never calls accept()
# (Python: layerscope server accepts at once).  The kernel completes and queues
# two connections (backlog + 1); the third client's SYN is dropped, unanswered,
# and its kernel sends it again a second later; connect() gives up after 2 s.
# The first two clients' data is acknowledged by the kernel, but no echo comes.
if want accept-queue; then
	reset_logs
	ip netns exec "$S" python3 - "$PORT" <<-'PY' &
	import socket, sys, time
	s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	s.bind(("0.0.0.0", int(sys.argv[1])))
	s.listen(1)
	time.sleep(30)
	PY
	srv_pid=$!
	listening "$PORT"
	capture accept-queue "tcp port $PORT"
	for i in 1 2 3; do
		client --timeout 2 "$MSG" &
		more_pids="$more_pids $!"
		sleep 0.2
	done
	for p in $more_pids; do wait "$p" || true; done
	more_pids=
	end_capture
	end_python
	calls accept-queue
fi

# Well-known ports: an echo server on each of 21 (ftp), 23 (telnet), 80 (http)
# and 443 (https), and a client to each; read shows the services' names.
if want well-known-ports; then
	reset_logs
	for p in 21 23 80 443; do
		ip netns exec "$S" "$LS" server --explain=json -p "$p" --max-conns 1 >>"$tmp/server.out" 2>&1 &
		more_pids="$more_pids $!"
		listening "$p"
	done
	capture well-known-ports "tcp port 21 or tcp port 23 or tcp port 80 or tcp port 443"
	for p in 21 23 80 443; do client -p "$p" "$MSG"; sleep 0.1; done
	for p in $more_pids; do wait "$p" || die "well-known-ports: a server failed: $(cat "$tmp/server.out")"; done
	more_pids=
	end_capture
	calls well-known-ports
fi

# The server closes first: a server that sends the echo and calls close() at
# once, and a client that reads until the server has closed (as an HTTP/1.0
# client does), then closes.  Both are Python: layerscope server waits for the
# client's FIN, and layerscope client closes as soon as the echo is back.  The
# server's FIN leaves first, so the server's side ends in TIME_WAIT.
if want server-closes; then
	ip netns exec "$S" python3 - "$PORT" <<-'PY' &
	import socket, sys
	s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	s.bind(("0.0.0.0", int(sys.argv[1])))
	s.listen(8)
	c, _ = s.accept()
	c.sendall(c.recv(2048))
	c.close()
	s.close()
	PY
	srv_pid=$!
	listening "$PORT"
	capture server-closes "tcp port $PORT"
	inC python3 - 10.1.1.1 "$PORT" "$MSG" <<-'PY' || die "server-closes: the client failed"
	import socket, sys
	s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
	s.sendall(sys.argv[3].encode())
	while s.recv(16):  # until recv() returns 0: the server has closed
	    pass
	s.close()
	PY
	wait "$srv_pid" || die "server-closes: the server failed"
	srv_pid=
	end_capture
	"$LS" read -f line "$out/server-closes.pcap" | grep -q 'simultaneous' &&
		die "server-closes: the client's FIN crossed the server's"
fi

find "$out" -maxdepth 1 \( -name '*.pcap' -o -name '*.calls' \) -exec chmod 0644 {} +
echo "record.sh: wrote $(if [ ${#only[@]} -eq 0 ]; then ls "$out"/*.pcap | wc -l; else echo ${#only[@]}; fi) captures to $out"
