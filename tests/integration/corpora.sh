#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# corpora.sh: every peer capture, cut and broken file through `layerscope read`: clean exits, clear errors, no crash.
#
# Runs each file under $CORPORA (the tcpdump, libpcap and Wireshark test
# captures, many malformed on purpose) through `read -f json`, with and
# without a filter, under whatever build $LAYERSCOPE is (the sanitizer build
# in CI).  A file must give exit 0, or exit 1 with one line naming the file
# and the cause; never a signal or a sanitizer report.  The pcap files read in
# blocks must give byte for byte what libpcap's reader gives
# (LAYERSCOPE_PCAP_READER=libpcap), errors included.  Then the edge cases
# of the input: a capture cut inside a record, an empty file, a text file, a
# missing file, stdin, a closed pipe and a bad filter.

: "${LAYERSCOPE:=./layerscope}"
ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:print_summary=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS UBSAN_OPTIONS

if [ -z "$CORPORA" ] || [ ! -d "$CORPORA" ]; then
	echo "SKIP: peer captures absent (CORPORA='$CORPORA'; see ../shared/corpora/README.md)"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lsc-corpora.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# Whether stderr holds a crash or a sanitizer report.
sanitizer_report() {
	grep -qE 'runtime error|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer' "$1"
}

# One run: exit 0 (or 2 for a filter the link type cannot take), or exit 1
# with a single "layerscope read: FILE: cause" line.
check_run() {
	f=$1 rc=$2 err=$3 what=$4
	if sanitizer_report "$err"; then
		fail "$f ($what): sanitizer report:"; head -20 "$err"; return
	fi
	case $rc in
	0) ;;
	1)
		n=$(wc -l < "$err")
		if [ "$n" -ne 1 ] || ! grep -qF "layerscope read: $f: " "$err"; then
			fail "$f ($what): exit 1 needs one line naming the file and the cause, got:"
			cat "$err"
		fi
		;;
	2)
		if [ "$what" = json ] || ! grep -q "bad filter" "$err"; then
			fail "$f ($what): exit 2:"; cat "$err"
		fi
		;;
	*) fail "$f ($what): exit status $rc (a signal or an abort):"; head -20 "$err" ;;
	esac
}

files=0 refused=0 unsupported=0 compared=0
for f in "$CORPORA"/tcpdump/* "$CORPORA"/libpcap/* "$CORPORA"/wireshark/* "$CORPORA"/local/*; do
	[ -f "$f" ] || continue
	files=$((files + 1))
	"$LAYERSCOPE" read -f json "$f" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	check_run "$f" $rc "$tmp/err" json
	cp "$tmp/err" "$tmp/json.err"
	jrc=$rc
	[ $rc -eq 1 ] && refused=$((refused + 1))
	# A frame of a link type nothing decodes says so in its notes.
	if grep '"layers":\[{"layer":"link","proto":"payload","offset":0,' "$tmp/out" |
	   grep -v '"linktype":"\(RAW\|IPV4\|IPV6\)"' | grep -qv '"notes":\["link type [^"]* is not decoded'; then
		fail "$f: a frame of an undecoded link type carries no note saying so"
	elif grep -q '"notes":\["link type' "$tmp/out"; then
		unsupported=$((unsupported + 1))
	fi
	"$LAYERSCOPE" read -f json "$f" tcp > /dev/null 2> "$tmp/err"
	check_run "$f" $? "$tmp/err" "json tcp"
	# A pcap 2.4 file (magic and version in either byte order): libpcap's reader gives the same.
	case $(od -An -tx1 -N8 "$f" | tr -d ' \n') in
	d4c3b2a102000400|a1b2c3d400020004|4d3cb2a102000400|a1b23c4d00020004)
		compared=$((compared + 1))
		LAYERSCOPE_PCAP_READER=libpcap "$LAYERSCOPE" read -f json "$f" > "$tmp/lib.out" 2> "$tmp/lib.err"
		librc=$?
		[ $librc -eq $jrc ] && cmp -s "$tmp/out" "$tmp/lib.out" &&
			cmp -s "$tmp/json.err" "$tmp/lib.err" ||
			fail "$f: read in blocks (exit $jrc) differs from libpcap's reader (exit $librc)"
		;;
	esac
done
echo "corpora: $files files read twice; $refused refused by libpcap with an error; $unsupported of an undecoded link type"
echo "corpora: $compared pcap files read in blocks and by libpcap: the same"
[ "$compared" -gt 100 ] || fail "only $compared pcap 2.4 files compared between the two readers"
[ "$files" -gt 0 ] || fail "no capture under $CORPORA"

# ---- edge cases of the input ------------------------------------------------
cap="$CORPORA/local/lo_en10mb_nsec.pcap"
all=$("$LAYERSCOPE" read -f json "$cap" | wc -l)
[ "$all" -gt 2 ] || fail "$cap: expected frames, got $all"

# A capture cut inside the last record's bytes, then inside a record header.
size=$(wc -c < "$cap")
head -c $((size - 5)) "$cap" > "$tmp/cut.pcap"
"$LAYERSCOPE" read -f json "$tmp/cut.pcap" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "cut capture: exit $rc, want 1"
[ "$(wc -l < "$tmp/out")" -eq $((all - 1)) ] || fail "cut capture: want the $((all - 1)) frames before the cut"
grep -q "$tmp/cut.pcap: the file ends in the middle of frame $all" "$tmp/err" ||
	{ fail "cut capture: the error must name the file and the frame:"; cat "$tmp/err"; }
head -c 30 "$cap" > "$tmp/cut-header.pcap"
"$LAYERSCOPE" read -f json "$tmp/cut-header.pcap" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q "cut-header.pcap: the file ends in the middle of frame 1" "$tmp/err" ||
	{ fail "capture cut in a record header: exit $rc:"; cat "$tmp/err"; }
sanitizer_report "$tmp/err" && fail "cut capture: sanitizer report"

# Empty, text and missing files: exit 1, the file named, the cause said.
: > "$tmp/empty.pcap"
printf 'this is not a capture\n' > "$tmp/text.pcap"
# Each cause comes with its fix, which must fit the case (no 'live -w /dev/null').
mkdir "$tmp/dir.pcap"
for case in "empty.pcap:is empty.*live -w $tmp/empty.pcap" "text.pcap:not a pcap or pcapng capture" \
	"missing.pcap:No such file.* — check the path" "dir.pcap:Is a directory — name a .pcap"; do
	name=${case%%:*} cause=${case#*:}
	"$LAYERSCOPE" read -f json "$tmp/$name" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ $rc -ne 1 ] || [ -s "$tmp/out" ] || ! grep -q "layerscope read: $tmp/$name: .*$cause" "$tmp/err"; then
		fail "$name: want exit 1 and '$cause', got exit $rc:"; cat "$tmp/err"
	fi
done
"$LAYERSCOPE" read /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "/dev/null: gave no bytes, not a capture" "$tmp/err" && ! grep -q "live -w" "$tmp/err" ||
	{ fail "read /dev/null: want exit 1, no 'live -w /dev/null':"; cat "$tmp/err"; }
"$LAYERSCOPE" read - < /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "standard input is empty" "$tmp/err" && ! grep -q "live -w stdin" "$tmp/err" ||
	{ fail "read - </dev/null: want exit 1, no 'live -w stdin':"; cat "$tmp/err"; }
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
	cp "$cap" "$tmp/private.pcap" && chmod 600 "$tmp/private.pcap" && chmod 755 "$tmp"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$LAYERSCOPE" read "$tmp/private.pcap" > /dev/null 2> "$tmp/err"
	rc=$?
	[ $rc -eq 1 ] && grep -q "Permission denied — read it as a user allowed to" "$tmp/err" ||
		{ fail "unreadable file: want exit 1 and a fix, got exit $rc:"; cat "$tmp/err"; }
fi

# Standard input reads like the file.
"$LAYERSCOPE" read -f json "$cap" > "$tmp/file.json"
"$LAYERSCOPE" read -f json - < "$cap" > "$tmp/stdin.json" 2> "$tmp/err"
rc=$?
[ $rc -eq 0 ] && cmp -s "$tmp/file.json" "$tmp/stdin.json" ||
	{ fail "stdin: exit $rc, or output differs from the file's"; cat "$tmp/err"; }

# A closed pipe ends quietly: the output must be far larger than the pipe's
# buffer, so the capture is its records repeated (a valid pcap all the same).
{
	head -c 24 "$cap"
	i=0
	while [ $i -lt 60 ]; do tail -c +25 "$cap"; i=$((i + 1)); done
} > "$tmp/big.pcap"
{ "$LAYERSCOPE" read -f json "$tmp/big.pcap" 2> "$tmp/err"; echo $? > "$tmp/rc"; } | head -1 > "$tmp/out"
rc=$(cat "$tmp/rc")
[ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] && [ "$(wc -l < "$tmp/out")" -eq 1 ] ||
	{ fail "| head -1: want exit 0 and no message, got exit $rc:"; cat "$tmp/err"; }

# A bad filter is a usage error with libpcap's message.
"$LAYERSCOPE" read -f json "$cap" 'tcp and' > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "bad filter 'tcp and': .*syntax error" "$tmp/err" ||
	{ fail "bad filter: want exit 2 and libpcap's message, got exit $rc:"; cat "$tmp/err"; }

# A filter selects frames and keeps their numbers (counted before it): the
# frames `tcp` passes are exactly the unfiltered frames with a TCP layer.
"$LAYERSCOPE" read -f json "$cap" tcp > "$tmp/out" 2> "$tmp/err" || fail "filter tcp: exit $?"
grep '"proto":"tcp"' "$tmp/file.json" | grep -o '^{"frame":[0-9]*' > "$tmp/want"
grep -o '^{"frame":[0-9]*' "$tmp/out" > "$tmp/got"
[ -s "$tmp/got" ] && cmp -s "$tmp/want" "$tmp/got" ||
	fail "filter tcp: not the same frames, with the same numbers, as unfiltered"

[ $fails -eq 0 ] || { echo "corpora: $fails failures"; exit 1; }
echo "corpora: all checks passed"
