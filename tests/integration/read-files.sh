#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# read-files.sh: `read -r A -r B ...`: frames merged by time as mergecap merges them, each naming its file.
#
# Several bundled captures read at once must give, frame for frame, what
# `read` gives for mergecap's merge of them (JSON, with the merged read's
# "file" key taken out, and the --stats table, conversations tracked across
# the files); a file given twice interleaves stably (the earlier -r first
# on equal times); files of different link types merge, each frame keeping
# its own; a filter is compiled for each file's link type; only several
# files add the file name (JSON "file", a column of the line view, the
# tree's heading).  Then the errors: stdin named twice, a missing file.

. "$(dirname "$0")/read-lib.sh"

# 1. Against mergecap: the same frames, numbers, times and conversations.
if command -v mergecap > /dev/null; then
	mergecap -F nsecpcap -w "$tmp/merged.pcap" "$caps/exercise.pcap" "$caps/udp-echo.pcap" "$caps/retransmission.pcap"
	"$LAYERSCOPE" read -f json "$tmp/merged.pcap" > "$tmp/want.json"
	"$LAYERSCOPE" read -f json -r "$caps/exercise.pcap" -r "$caps/udp-echo.pcap" \
		-r "$caps/retransmission.pcap" > "$tmp/got.json" 2> "$tmp/err" || fail "merged read: $(cat "$tmp/err")"
	sed 's/,"file":"[^"]*"//' "$tmp/got.json" > "$tmp/got-nofile.json"
	cmp -s "$tmp/want.json" "$tmp/got-nofile.json" || fail "the merge differs from mergecap's: $(diff "$tmp/want.json" "$tmp/got-nofile.json" | head -4)"
	[ "$(grep -c '"file":"' "$tmp/got.json")" -eq "$(wc -l < "$tmp/got.json")" ] || fail "not every merged frame names its file"
	"$LAYERSCOPE" read -f none --stats "$tmp/merged.pcap" > "$tmp/want.txt"
	"$LAYERSCOPE" read -f none --stats -r "$caps/exercise.pcap" -r "$caps/udp-echo.pcap" \
		-r "$caps/retransmission.pcap" > "$tmp/got.txt"
	cmp -s "$tmp/want.txt" "$tmp/got.txt" || fail "--stats of the merge differs from mergecap's"
else
	echo "read-files: mergecap absent: the comparison with it is not run"
fi

# 2. The same file twice: equal times, the first -r first, so the files alternate.
"$LAYERSCOPE" read -f json -r "$caps/exercise.pcap" -r "$caps/exercise.pcap" > "$tmp/twice.json"
n=$("$LAYERSCOPE" read -f json "$caps/exercise.pcap" | wc -l)
[ "$(wc -l < "$tmp/twice.json")" -eq $((2 * n)) ] || fail "a file twice: not twice its frames"
python3 - "$tmp/twice.json" "$caps/exercise.pcap" << 'EOF' || fail "a file twice: not interleaved stably"
import json, sys
frames = [json.loads(l) for l in open(sys.argv[1])]
# Both names are the same path: tell them by position, which must alternate 0,1,0,1.
assert all(f["file"] == sys.argv[2] for f in frames)
assert [f["frame"] for f in frames] == list(range(1, len(frames) + 1))
ts = [f["ts"] for f in frames]
assert ts[0::2] == ts[1::2], "each frame followed by its copy"
EOF

# 3. Different link types (Ethernet and SLL2), with a filter compiled for each.
"$LAYERSCOPE" read -f json -r "$caps/exercise.pcap" -r "$caps/sll2-any.pcap" tcp > "$tmp/mixed.json" 2> "$tmp/err" ||
	fail "Ethernet + SLL2 with a filter: $(cat "$tmp/err")"
python3 - "$tmp/mixed.json" "$caps/exercise.pcap" "$caps/sll2-any.pcap" << 'EOF' || fail "Ethernet + SLL2: wrong merge"
import json, sys
frames = [json.loads(l) for l in open(sys.argv[1])]
links = {f["file"]: set() for f in frames}
for f in frames:
    links[f["file"]].add(f["linktype"])
    assert any(l["proto"] == "tcp" for l in f["layers"]), "the filter let a non-TCP frame through"
assert links == {sys.argv[2]: {"EN10MB"}, sys.argv[3]: {"LINUX_SLL2"}}, links
ts = [f["ts"] for f in frames]
assert ts == sorted(ts), "not in time order"
nums = [f["frame"] for f in frames]
assert nums == sorted(nums) and len(set(nums)) == len(nums)
EOF

# 4. The file name only with several files.
"$LAYERSCOPE" read -f line "$caps/exercise.pcap" | head -1 | grep -q 'exercise.pcap' && fail "one file: the line names it"
"$LAYERSCOPE" read -f json -r "$caps/exercise.pcap" | head -1 | grep -q '"file"' && fail "one file: JSON has \"file\""
"$LAYERSCOPE" read -f line -r "$caps/exercise.pcap" -r "$caps/udp-echo.pcap" | head -1 |
	grep -q "exercise.pcap  ETH" || fail "two files: the line does not name the file"
"$LAYERSCOPE" read -f tree --color never -r "$caps/exercise.pcap" -r "$caps/udp-echo.pcap" | head -1 |
	grep -q '· .*exercise.pcap$' || fail "two files: the tree heading does not name the file"

# 5. Errors: exit 2 for stdin twice, 1 for a missing file, each on one line.
"$LAYERSCOPE" read -r - -r - < "$caps/exercise.pcap" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "standard input ('-') named 2 times" "$tmp/err" || fail "stdin twice: rc $rc, $(cat "$tmp/err")"
"$LAYERSCOPE" read -r "$caps/exercise.pcap" -r "$tmp/absent.pcap" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "absent.pcap: No such file" "$tmp/err" || fail "missing second file: rc $rc, $(cat "$tmp/err")"
read_verdict
