#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# bash.sh: the shell completions: bash completes subcommands, options and values; both follow the option tables.
#
# Sources completions/layerscope in bash and asks it for completions as the
# shell would (COMP_WORDS, COMP_CWORD, then _layerscope).  Then reads the
# getopt tables of src/cli/cmd-*.c and the command table of src/cli/main.c:
# every option there must be offered by the bash completion and named in
# the zsh one, and the bash completion offers no option the program lacks.
# With LAYERSCOPE built, the formats offered are those the program accepts.
# zsh's own parser checks completions/_layerscope when zsh is installed.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
set -u

top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
bashc=$top/completions/layerscope
zshc=$top/completions/_layerscope
fails=0
fail() { echo "FAIL: completion: $*"; fails=$((fails + 1)); }

# shellcheck source=../../completions/layerscope
. "$bashc" || { echo "completion: $bashc does not source" >&2; exit 99; }
complete -p layerscope > /dev/null 2>&1 || fail "sourcing $bashc registers no completion for layerscope"

# Completes LINE (a trailing blank starts a new word); prints the candidates sorted, one a line.
complete_line() {
	read -r -a COMP_WORDS <<< "$1"
	[[ $1 == *' ' ]] && COMP_WORDS+=('')
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$1 COMP_POINT=${#1}
	COMPREPLY=()
	_layerscope layerscope "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort
}

# expect LINE WANT...: the candidates for LINE are exactly WANT.
expect() {
	local line=$1 got want
	shift
	got=$(complete_line "$line" | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "'$line': got '$got', want '$want'"
}
# offers LINE WORD...: the candidates for LINE include every WORD.
offers() {
	local line=$1 got w
	shift
	got=" $(complete_line "$line" | tr '\n' ' ')"
	for w in "$@"; do
		[[ $got == *" $w "* ]] || fail "'$line' does not offer '$w' (offers:$got)"
	done
}

expect 'layerscope r' read report
expect 'layerscope c' client craft
offers 'layerscope ' read live report server client craft demo help
expect 'layerscope read --fo' --follow --format
expect 'layerscope read -f ' follow hex json ladder line none stack tree
expect 'layerscope read -f j' json
expect 'layerscope report --format=m' --format=md
expect 'layerscope live --color ' always auto never
expect 'layerscope server --ex' --explain --explain=
expect 'layerscope client --explain=j' --explain=json
expect 'layerscope craft ' arp icmp tcp udp
expect 'layerscope craft icmp ' echo
expect 'layerscope craft arp ' who-has
expect 'layerscope demo --re' --replay
expect 'layerscope help r' read report
offers 'layerscope live -i ' lo
# A capture file after read's options.
dir=$(mktemp -d "${TMPDIR:-/tmp}/lsc-compl.XXXXXX") || exit 99
trap 'rm -rf "$dir"' EXIT
: > "$dir/echo.pcap"
expect "layerscope read -c 5 $dir/ec" "$dir/echo.pcap"
expect "layerscope live -w $dir/e" "$dir/echo.pcap"

# ---- the completions against the program's own tables
cmds=$(sed -n 's/^[[:space:]]*&lsc_cmd_\([a-z]*\),.*/\1/p' "$top/src/cli/main.c")
[ -n "$cmds" ] || { echo "completion: no command table in src/cli/main.c" >&2; exit 99; }
for cmd in $cmds; do
	src=$top/src/cli/cmd-$cmd.c
	[ -r "$src" ] || { fail "no $src for command $cmd"; continue; }
	offers 'layerscope ' "$cmd"
	grep -q "^[[:space:]]*'$cmd:" "$zshc" || fail "zsh: command $cmd is not listed"
	# Long options: the struct option table; short ones: the shorts[] string.
	longs=$(awk '/static const struct option/,/^};/' "$src" | sed -n 's/.*{ *"\([a-z0-9-]*\)",.*/--\1/p' | tr '\n' ' ')
	# The shared tables of src/cli/cli.h: the teaching options and tcpdump's letters.
	awk '/static const struct option/,/^};/' "$src" | grep -q LSC_TEACH_OPTIONS && longs="$longs --explain --width "
	awk '/static const struct option/,/^};/' "$src" | grep -q LSC_CALLS_OPTIONS && longs="$longs --calls --no-calls "
	shorts=$(sed -n 's/.*shorts\[\] = "\([^"]*\)".*/\1/p' "$src" | tr -d '+:' | sed 's/./-& /g')
	grep -q 'shorts\[\] = ".*" LSC_TCPDUMP_SHORTS' "$src" && shorts="$shorts -n -t -e -l -q -U"
	[ -n "$longs" ] || fail "no option table found in $src"
	have=" $(_layerscope_opts "$cmd") "
	# The zsh section of this command: from its (cmd) label to the next ;; .
	zsect=$(awk -v c="($cmd)" '$1 == c { on = 1 } on { print } on && /;;/ { exit }' "$zshc")
	for o in $longs $shorts; do
		[[ $have == *" $o "* ]] || fail "bash: $cmd $o (in $src) is not offered"
		case $o in
		--*) grep -q -e "$o[=\[']" -e "$o}" -e "$o," <<< "$zsect" || fail "zsh: $cmd $o (in $src) is not listed" ;;
		esac
	done
	for o in $have; do
		case " $longs $shorts --explain= " in *" $o "*) ;; *) fail "bash: $cmd offers $o, which $src does not take" ;; esac
	done
	# The formats the program accepts: its error for a bad one lists them.
	if [ -x "${LAYERSCOPE:-}" ] && [[ $have == *' --format '* ]]; then
		case $cmd in craft) args=(tcp --to 127.0.0.1:9 -w "$dir/x.pcap") ;; report) args=("$dir/echo.pcap") ;; *) args=("$dir/echo.pcap") ;; esac
		accepted=$("$LAYERSCOPE" "$cmd" -f no-such-format "${args[@]}" 2>&1 < /dev/null | sed -n 's/.*(formats: \(.*\)).*/\1/p' | head -n 1 | tr -d ',')
		if [ -z "$accepted" ]; then
			fail "$cmd -f no-such-format names no formats"
		else
			expect "layerscope $cmd -f " $accepted
			for f in $accepted; do
				grep -q "format:(.*\<$f\>.*)" <<< "$zsect" || fail "zsh: $cmd -f $f is not offered"
			done
		fi
	fi
done

if command -v zsh > /dev/null 2>&1; then
	zsh -n "$zshc" || fail "zsh cannot parse $zshc"
else
	echo "SKIP: completion: zsh is not installed; its parse check did not run (apt-get install zsh)"
fi

[ "$fails" -eq 0 ] || exit 1
echo "completion: all checks passed"
