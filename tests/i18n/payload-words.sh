#!/bin/sh
# payload-words.sh: the catalogue translates the program's words, never the capture's bytes.
# SPDX-License-Identifier: BSD-3-Clause
#
# Writes a capture whose TCP payloads read as words the catalogue knows
# ("yes", "correct", "unknown") and reads it in Brazilian Portuguese: the
# tree and the Markdown report show the payloads as sent, and the line has
# no translated word of them, while the program's own words around them
# ("Texto", "correta") are Portuguese.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${LAYERSCOPE:-./layerscope}
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

if ! command -v python3 > /dev/null; then
	[ "${CI:-}" = true ] && { echo "FAIL: python3 is not installed (.ci/deps installs it)"; exit 1; }
	echo "SKIP: python3 is not installed"
	exit 77
fi
# shellcheck source=../integration/ptbr-lib.sh
. "$top/tests/integration/ptbr-lib.sh"
ptbr_setup "$tmp" # fails under CI=true when it cannot
[ "$PTBR" = yes ] || { echo "SKIP: msgfmt or the pt_BR.UTF-8 locale is missing"; exit 77; }

# Three Ethernet/IPv4/TCP frames, checksums right, each with one word as its payload
# (pcapgen.py: the capture generators' checksum and writer).
python3 -B - "$tmp/words.pcap" "$top/tests/golden/captures" <<'EOF' || exit 99
import struct, sys
sys.path.insert(0, sys.argv[2])
import pcapgen
src, dst = bytes([10, 1, 1, 5]), bytes([10, 1, 1, 1])
frames, seq = [], 1
for i, word in enumerate([b'yes', b'correct', b'unknown']):
    tcp = struct.pack('!HHIIBBHHH', 43248, 8082, seq, 1, 5 << 4, 0x18, 502, 0, 0) + word
    pseudo = src + dst + struct.pack('!BBH', 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack('!H', pcapgen.csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), i + 1, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', pcapgen.csum(ip)) + ip[12:]
    frames.append(b'\x02\0\0\0\0\x01' + b'\x02\0\0\0\0\x05' + b'\x08\x00' + ip + tcp)
    seq += len(word)
pcapgen.write_pcap(sys.argv[1], pcapgen.LINKTYPE_EN10MB, pcapgen.numbered(frames))
EOF

ptbr "$bin" read -f tree "$tmp/words.pcap" > "$tmp/tree" 2>&1 || bad "read -f tree failed: $(cat "$tmp/tree")"
for w in yes correct unknown; do
	grep -q "^ *Texto *\[$w\]" "$tmp/tree" || bad "the tree does not show the payload '$w' as sent"
done
grep -q '\[correta\]' "$tmp/tree" || bad "the tree's own verdicts are not Portuguese (no [correta])"
grep -E '^ *Texto ' "$tmp/tree" | grep -qE 'sim|correta|desconhecid' && bad "a payload was translated: $(grep -E '^ *Texto ' "$tmp/tree")"

ptbr "$bin" report -f md "$tmp/words.pcap" > "$tmp/md" 2>&1 || bad "report -f md failed"
for w in yes correct unknown; do
	grep -q "^- \*\*Texto\*\*: _${w}_\$" "$tmp/md" || bad "the Markdown report does not show the payload '$w' as sent"
done
grep -E 'Texto' "$tmp/md" | grep -qE 'sim|correta|desconhecid' && bad "the Markdown report translated a payload: $(grep Texto "$tmp/md")"

# The line shows the payload's size, never its words: nothing of it is translated there either.
ptbr "$bin" read -f line "$tmp/words.pcap" > "$tmp/line" 2>&1 || bad "read -f line failed"
[ "$(grep -c ' › 3 B \| › 7 B ' "$tmp/line")" -eq 3 ] || bad "the line does not show the payloads: $(cat "$tmp/line")"
grep -qE 'sim|correta|desconhecid' "$tmp/line" && bad "the line translated a payload: $(cat "$tmp/line")"

exit $fail
