#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# read-tcpdump.sh: tcpdump's habits in `read`: -t..-ttttt as tcpdump prints them, -e, -q, -n, -l, -w OUT (pcap and pcapng).
#
# The time column of each -t form must equal tcpdump's own (--nano, TZ=UTC)
# frame for frame; -e adds the MAC addresses, -q drops the conversation tag;
# -n is accepted; -l writes each line at once.  `read IN -w OUT FILTER`
# writes the frames the filter kept: OUT read back gives the same frames
# (times, lengths, bytes) as IN read with the filter, pcap and pcapng alike,
# and tshark reads the pcapng of two link types whole.  Errors: -w onto an
# input, -w - with a format, --pcapng without -w, -tttttt, a full disk.

. "$(dirname "$0")/read-lib.sh"
TZ=UTC
export TZ
ex="$caps/exercise.pcap"

# 1. Time formats against tcpdump's.
if command -v tcpdump > /dev/null; then
	for t in -tt -ttt -tttt -ttttt; do
		# tcpdump's time is its first field(s), before " ARP" or " IP"; -ttt and -ttttt lead with a space.
		tcpdump -nn --nano $t -r "$ex" 2> /dev/null | sed -E 's/ (ARP|IP6?)[ ,].*//; s/^ //' > "$tmp/want"
		"$LAYERSCOPE" read -f line $t "$ex" | sed -E 's/^[0-9]+  (.*)  ETH .*/\1/' > "$tmp/got"
		cmp -s "$tmp/want" "$tmp/got" || fail "$t: not tcpdump's times: $(diff "$tmp/want" "$tmp/got" | head -3)"
	done
else
	echo "read-tcpdump: tcpdump absent: the time formats are not compared"
fi
"$LAYERSCOPE" read -f line -t "$ex" | head -1 | grep -qE '^1  ETH › ARP' || fail "-t: a time is still shown"
"$LAYERSCOPE" read -f line "$ex" | head -1 | grep -qE '^1  [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}  ETH' || fail "default time changed"

# 2. -e, -q, -n, -l.
"$LAYERSCOPE" read -f line -e "$ex" | sed -n 3p | grep -q '6e:00:8a:b2:24:75 → 36:3e:ce:57:33:d8  10.1.1.5 → 10.1.1.1' ||
	fail "-e: no MAC addresses before the IP ones"
"$LAYERSCOPE" read -f line "$ex" | sed -n 3p | grep -q '6e:00:8a' && fail "without -e: MAC addresses shown"
"$LAYERSCOPE" read -f line -q "$ex" | grep -q '\[#1 ' && fail "-q: the conversation tag is still there"
"$LAYERSCOPE" read -f line -n "$ex" > "$tmp/n.txt" && "$LAYERSCOPE" read -f line "$ex" | cmp -s - "$tmp/n.txt" ||
	fail "-n: not accepted, or changed the output"
"$LAYERSCOPE" read -f line -l "$ex" | cmp -s - "$tmp/n.txt" || fail "-l: changed the output"
"$LAYERSCOPE" read -f line -U "$ex" | cmp -s - "$tmp/n.txt" || fail "-U: changed the output"

# 3. -w OUT FILTER: the frames kept, in pcap and pcapng.
frames() { "$LAYERSCOPE" read -f json "$@" | python3 -c '
import json, sys
for l in sys.stdin:
    d = json.loads(l)
    print(d["ts"], d["caplen"], d["len"], d["linktype"], [l["offset"] for l in d["layers"]])'; }
frames "$ex" tcp and port 8082 > "$tmp/want"
"$LAYERSCOPE" read "$ex" -w "$tmp/kept.pcap" tcp and port 8082 > "$tmp/out" 2> "$tmp/err" || fail "-w pcap: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && fail "-w without -f: something was shown"
frames "$tmp/kept.pcap" > "$tmp/got"
cmp -s "$tmp/want" "$tmp/got" || fail "-w pcap: not the frames the filter kept"
"$LAYERSCOPE" read "$ex" -w "$tmp/kept.pcapng" tcp and port 8082 || fail "-w pcapng failed"
[ "$(head -c 4 "$tmp/kept.pcapng" | od -An -tx1 | tr -d ' ')" = 0a0d0d0a ] || fail "-w x.pcapng: not pcapng"
frames "$tmp/kept.pcapng" > "$tmp/got"
cmp -s "$tmp/want" "$tmp/got" || fail "-w pcapng: not the frames the filter kept"
"$LAYERSCOPE" read "$ex" --pcapng -w "$tmp/kept.bin" -c 3
[ "$(head -c 4 "$tmp/kept.bin" | od -An -tx1 | tr -d ' ')" = 0a0d0d0a ] || fail "--pcapng: not pcapng"
[ "$("$LAYERSCOPE" read -f json "$tmp/kept.bin" | wc -l)" -eq 3 ] || fail "-w with -c 3: not 3 frames"
# Two link types: pcap refuses with the fix, pcapng holds both (tshark reads it; libpcap cannot).
"$LAYERSCOPE" read -r "$ex" -r "$caps/sll2-any.pcap" -w "$tmp/two.pcap" 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "write pcapng" "$tmp/err" || fail "two link types to pcap: $(cat "$tmp/err")"
"$LAYERSCOPE" read -r "$ex" -r "$caps/sll2-any.pcap" -w "$tmp/two.pcapng" || fail "two link types to pcapng"
if command -v tshark > /dev/null; then
	n1=$(frames "$ex" | wc -l)
	n2=$(frames "$caps/sll2-any.pcap" | wc -l)
	n=$((n1 + n2))
	[ "$(tshark -r "$tmp/two.pcapng" 2> /dev/null | wc -l)" -eq $n ] || fail "tshark does not read the two-link pcapng whole"
fi

# 4. Errors.
"$LAYERSCOPE" read "$ex" -w "$ex" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "being read" "$tmp/err" || fail "-w onto the input: $(cat "$tmp/err")"
"$LAYERSCOPE" read "$ex" -f line -w - > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || fail "-w - with -f line: not a usage error"
"$LAYERSCOPE" read "$ex" --pcapng > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || fail "--pcapng without -w: not a usage error"
"$LAYERSCOPE" read -tttttt "$ex" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || fail "-tttttt: not a usage error"
if [ -w /dev/full ]; then
	"$LAYERSCOPE" read "$ex" -w /dev/full 2> "$tmp/err"
	[ $? -eq 1 ] && grep -q "No space left" "$tmp/err" || fail "-w /dev/full: $(cat "$tmp/err")"
fi
read_verdict
