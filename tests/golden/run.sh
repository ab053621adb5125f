#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# run.sh: golden tests: `layerscope read` (or `report`, `quiz`) over the captures of TESTLIST, diffed byte for byte with expected/.
#
#   tests/golden/run.sh [NAME...]            check every test, or the named ones
#   tests/golden/run.sh --only tree|corpora  only the cases whose captures are in the
#                                            tree, or only those from the peer corpora
#                                            (make check runs each set as its own test:
#                                            tree.sh and corpora.sh)
#   tests/golden/run.sh --update [NAME...]   rewrite expected/NAME.out (update.sh calls this)
#
# A case whose capture is in the peer corpora says SKIP when they are absent,
# and the count of those is printed; under CI=true their absence is a failure.
# Environment (make check sets them): LAYERSCOPE, the binary under test
# (default: layerscope at the top of the tree); CORPORA, the peer captures
# (default: ../shared/corpora beside the tree); top_srcdir.
# Exit status: 0 all passed, 1 a test failed (or, under CI=true, a case
# skipped), 77 nothing could run (no captures), 99 the harness itself could
# not run.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=${top_srcdir:-$(cd "$here/../.." && pwd)}
bin=${LAYERSCOPE:-$top/layerscope}
corpora=${CORPORA:-$top/../shared/corpora}
list=$here/TESTLIST
expdir=$here/expected

# Same clock and bytes everywhere: times are shown in local time. The text is
# English and UTF-8 (C.UTF-8); a case may name another locale (below).
TZ=UTC
LC_ALL=C.UTF-8
export TZ LC_ALL
unset NO_COLOR LANGUAGE

mode=check
only=all
if [ "${1-}" = "--only" ]; then
	case ${2-} in
	tree | corpora) only=$2 ;;
	*) echo "golden: --only wants tree or corpora, not '${2-}'" >&2; exit 99 ;;
	esac
	shift 2
fi
if [ "${1-}" = "--update" ]; then
	mode=update
	shift
fi
names=" $* "
full_diff=no
[ $# -gt 0 ] && full_diff=yes

if [ ! -x "$bin" ]; then
	echo "golden: $bin is not built: run make first, or set LAYERSCOPE=path/to/layerscope" >&2
	exit 99
fi
# Expected outputs must come from the code as it is: refuse a stale binary.
if [ "$mode" = update ]; then
	newer=$(find "$top/src" "$top/include" -name '*.[ch]' -newer "$bin" 2>/dev/null | head -n 1)
	if [ -n "$newer" ]; then
		echo "golden: $bin is older than $newer: run make first" >&2
		exit 99
	fi
fi
if [ ! -r "$list" ]; then
	echo "golden: $list is missing" >&2
	exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lsc-golden.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' INT TERM

# The catalogues of this tree, not an installed layerscope's: a case in
# another language reads them (po/LINGUAS, compiled here).
mkdir -p "$tmp/locale"
LAYERSCOPE_LOCALEDIR=$tmp/locale
# `demo --replay` shows the captures of this tree.
LAYERSCOPE_CAPTURES=$top/captures
export LAYERSCOPE_LOCALEDIR LAYERSCOPE_CAPTURES
if command -v msgfmt >/dev/null; then
	for lang in $(sed 's/#.*//' "$top/po/LINGUAS"); do
		mkdir -p "$tmp/locale/$lang/LC_MESSAGES"
		msgfmt -o "$tmp/locale/$lang/LC_MESSAGES/layerscope.mo" "$top/po/$lang.po" || exit 99
	done
fi

esc=$(printf '\033')
passed=0 failed=0 skipped=0 updated=0 unchanged=0 errors=0
seen=" "
skip_note=

# Replaces every occurrence of the capture's real path with its TESTLIST form,
# so messages naming the file do not depend on where the tree lives.
normalise() {
	[ -n "$1" ] || { cat; return; }
	awk -v a="$1" -v b="$2" '{
		out = ""
		while ((i = index($0, a)) > 0) {
			out = out substr($0, 1, i - 1) b
			$0 = substr($0, i + length(a))
		}
		print out $0
	}'
}

# Runs one test into $tmp/actual: stdout, then stderr and the exit status if any.
# $envs holds the case's VAR=VALUE words (its locale), given to env(1).
run_one() {
	name=$1 listed=$2 path=$3 format=$4 opts=$5 filter=$6
	set -f
	# shellcheck disable=SC2086 # options and filter are blank-separated words
	case $format in
	report:*) env $envs "$bin" report -f "${format#report:}" $opts "$path" $filter >"$tmp/out" 2>"$tmp/err" ;;
	quiz:*) env $envs "$bin" quiz --answers -f "${format#quiz:}" $opts "$path" $filter >"$tmp/out" 2>"$tmp/err" ;;
	follow) env $envs "$bin" read $opts "$path" $filter >"$tmp/out" 2>"$tmp/err" ;; # --follow prints its own format
	run) env $envs "$bin" $opts ${path:+"$path"} $filter >"$tmp/out" 2>"$tmp/err" ;; # any command line
	*) env $envs "$bin" read -f "$format" $opts "$path" $filter >"$tmp/out" 2>"$tmp/err" ;;
	esac
	rc=$?
	set +f
	{
		cat "$tmp/out"
		if [ -s "$tmp/err" ]; then
			echo "--- stderr"
			# the capture as TESTLIST names it; the demo's bundled captures from the top of the tree
			if [ -n "$path" ]; then normalise "$path" "$listed" <"$tmp/err"; else cat "$tmp/err"; fi |
				normalise "$top/" ""
		fi
		if [ "$rc" -ne 0 ]; then
			echo "--- exit $rc"
		fi
	} >"$tmp/actual"
	return "$rc"
}

show_diff() {
	diff -u --label "expected/$1.out" --label "actual" "$expdir/$1.out" "$tmp/actual" >"$tmp/diff"
	lines=$(wc -l <"$tmp/diff")
	if [ "$full_diff" = yes ] || [ "$lines" -le 60 ]; then
		sed "s/$esc/\\\\e/g" "$tmp/diff"
	else
		head -n 60 "$tmp/diff" | sed "s/$esc/\\\\e/g"
		echo "... $((lines - 60)) more diff lines: tests/golden/run.sh $1 shows them all"
	fi
}

check_one() {
	name=$1
	if [ ! -f "$expdir/$name.out" ]; then
		: # said below
	elif [ "$ascii" = yes ] && [ "$(LC_ALL=C tr -d '\000-\177' <"$tmp/actual" | wc -c)" -gt 0 ]; then
		# The C locale's character set is ASCII: not one byte above 0x7f, as tcpdump.
		echo "FAIL $name: run in the C locale, it printed bytes that are not ASCII:"
		LC_ALL=C grep -n "$(printf '[\200-\377]')" "$tmp/actual" | head -n 5
		failed=$((failed + 1))
		return
	fi
	if [ ! -f "$expdir/$name.out" ]; then
		echo "FAIL $name: no expected/$name.out (a new test? run tests/golden/update.sh $name)"
		failed=$((failed + 1))
	elif cmp -s "$expdir/$name.out" "$tmp/actual"; then
		echo "PASS $name"
		passed=$((passed + 1))
	else
		case $2 in
		report:*) echo "FAIL $name: layerscope report -f ${2#report:} $3 differs from expected/$name.out" ;;
		run) echo "FAIL $name: layerscope $3 differs from expected/$name.out" ;;
		quiz:*) echo "FAIL $name: layerscope quiz --answers -f ${2#quiz:} $3 differs from expected/$name.out" ;;
		*) echo "FAIL $name: layerscope read -f $2 $3 differs from expected/$name.out" ;;
		esac
		show_diff "$name"
		failed=$((failed + 1))
	fi
}

update_one() {
	name=$1 rc=$2
	# Never bake a crash or a sanitizer report into an expected output.
	if [ "$rc" -gt 2 ] || grep -q -e 'Sanitizer' -e 'runtime error:' "$tmp/actual"; then
		echo "ERROR $name: layerscope crashed or a sanitizer spoke (exit $rc); not updated:"
		sed -n '/--- stderr/,$p' "$tmp/actual" | head -n 20
		errors=$((errors + 1))
		return
	fi
	if [ "$ascii" = yes ] && [ "$(LC_ALL=C tr -d '\000-\177' <"$tmp/actual" | wc -c)" -gt 0 ]; then
		echo "ERROR $name: run in the C locale, it printed bytes that are not ASCII; not updated"
		errors=$((errors + 1))
		return
	fi
	if [ -f "$expdir/$name.out" ] && cmp -s "$expdir/$name.out" "$tmp/actual"; then
		unchanged=$((unchanged + 1))
		return
	fi
	if [ -f "$expdir/$name.out" ]; then
		echo "updated $name ($(diff "$expdir/$name.out" "$tmp/actual" | grep -c '^[<>]') lines changed)"
	else
		echo "new     $name"
	fi
	cp "$tmp/actual" "$expdir/$name.out.tmp" && mv "$expdir/$name.out.tmp" "$expdir/$name.out"
	updated=$((updated + 1))
}

while IFS= read -r line || [ -n "$line" ]; do
	case $line in '' | '#'*) continue ;; esac
	set -f
	# shellcheck disable=SC2086
	set -- $line
	set +f
	if [ $# -lt 3 ]; then
		echo "golden: TESTLIST: '$line' needs NAME CAPTURE FORMAT" >&2
		exit 99
	fi
	name=$1 listed=$2 format=$3
	shift 3
	case $seen in *" $name "*)
		echo "golden: TESTLIST: $name is listed twice" >&2
		exit 99
	esac
	seen="$seen$name "
	case $names in "  ") ;; *" $name "*) ;; *) continue ;; esac

	opts='' filter='' in_filter=no envs='' ascii=no
	for w in "$@"; do
		is_env=no
		case $w in [A-Z_]*=*) case ${w%%=*} in *[!A-Z_]*) ;; *) is_env=yes ;; esac ;; esac
		if [ "$in_filter" = no ] && [ -z "$opts" ] && [ $is_env = yes ]; then
			envs="$envs $w" # a VAR=VALUE before the options: the case's environment
			case $w in LC_ALL=C | LC_ALL=POSIX) ascii=yes ;; esac
		elif [ "$in_filter" = no ] && [ "$w" = "--" ]; then
			in_filter=yes
		elif [ "$in_filter" = yes ]; then
			filter="$filter $w"
		else
			opts="$opts $w"
		fi
	done

	# shellcheck disable=SC2016 # $CORPORA is literal text in TESTLIST
	case $listed in
	-) path='' ;; # no capture: a `run` case's whole command line is its options
	'$CORPORA/'*)
		[ "$only" = tree ] && continue
		path=$corpora/${listed#'$CORPORA/'}
		if [ ! -d "$corpora" ]; then
			skip_note="the peer captures are not at $corpora (set CORPORA to their folder)"
			echo "SKIP $name: no $listed"
			skipped=$((skipped + 1))
			continue
		fi ;;
	/*) [ "$only" = corpora ] && continue; path=$listed ;;
	*) [ "$only" = corpora ] && continue; path=$top/$listed ;;
	esac
	if [ -n "$path" ] && [ ! -r "$path" ]; then
		echo "FAIL $name: capture $path is missing"
		failed=$((failed + 1)) errors=$((errors + 1))
		continue
	fi

	run_one "$name" "$listed" "$path" "$format" "$opts" "$filter"
	rc=$?
	if [ "$mode" = update ]; then
		update_one "$name" "$rc"
	else
		case $format in
		run) check_one "$name" run "$envs$opts $listed$filter" ;;
		*) check_one "$name" "$format$opts" "$listed$filter" ;;
		esac
	fi
done <"$list"

# Every name asked for must exist; every expected file must belong to a test.
for n in $names; do
	case $seen in *" $n "*) ;; *)
		echo "golden: no test named $n in TESTLIST" >&2
		errors=$((errors + 1)) failed=$((failed + 1)) ;;
	esac
done
for f in "$expdir"/*.out; do
	[ -e "$f" ] || continue
	n=$(basename "$f" .out)
	case $seen in *" $n "*) ;; *)
		echo "note: expected/$n.out belongs to no test in TESTLIST (git rm it if the test is gone)" ;;
	esac
done

[ -n "$skip_note" ] && echo "SKIP: $skipped cases: $skip_note"
if [ "$mode" = update ]; then
	echo "golden update: $updated written, $unchanged unchanged, $skipped skipped, $errors errors"
	[ "$errors" -eq 0 ] && [ "$skipped" -eq 0 ] || exit 1
	[ "$updated" -eq 0 ] || echo "review the change with 'git diff tests/golden/expected' before committing"
	exit 0
fi
echo "golden: $passed passed, $failed failed, $skipped skipped"
if [ "$failed" -gt 0 ]; then
	echo "if a change is intended: tests/golden/update.sh NAME... (or no NAME for all), then review git diff"
	exit 1
fi
if [ "$skipped" -gt 0 ] && [ "${CI:-}" = true ]; then
	echo "FAIL: CI=true runs every case, and $skipped need the peer captures: put them at $corpora or set CORPORA"
	exit 1
fi
[ "$passed" -eq 0 ] && [ "$skipped" -gt 0 ] && exit 77
exit 0
