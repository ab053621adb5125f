#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# spdx.sh: every tracked source file names its licence (COPYING) in an SPDX line near its top.
#
#   tests/spdx.sh         check: list the files without the line, exit 1 if any
#   tests/spdx.sh --fix   add the line where it is missing, in each file's comment syntax
#
# Source files are C, headers, shell, Python, automake, autoconf, m4, the
# pkg-config template, the man page, and any script with a #! line.  The line
# goes on the first line that can hold a comment (after a #! line), as the
# Linux kernel places it; the check accepts it anywhere in the first 5 lines.
# Run from anywhere in a git checkout; outside one (an unpacked tarball) the
# tracked files are unknown and the check skips (77).
set -u

tag='SPDX-License-Identifier: BSD-3-Clause'
here=$(cd "$(dirname "$0")" && pwd)
top=${top_srcdir:-$(cd "$here/.." && pwd)}

# An unpacked tarball inside a checkout (distcheck's) is no checkout of its own: ask for configure.ac.
if ! command -v git > /dev/null 2>&1 || ! git -C "$top" ls-files --error-unmatch configure.ac > /dev/null 2>&1; then
	echo "SKIP: spdx: $top is not a git checkout; the licence check reads git's list of tracked files"
	exit 77
fi

mode=check
[ "${1-}" = "--fix" ] && mode=fix

# The comment that carries the tag in FILE, or nothing when FILE is not source.
comment_for() {
	case $1 in
	*.c | *.h | *.h.in) echo "/* $tag */" ;;
	*.sh | *.py | *.pc.in | .ci/* | completions/*) echo "# $tag" ;;
	*.am) echo "## $tag" ;;
	*.ac | *.m4) echo "dnl $tag" ;;
	*.1) echo ".\\\" $tag" ;;
	*)
		# Any other file that starts with #! is a script with # comments.
		if [ "$(head -c 2 "$1" 2> /dev/null)" = '#!' ]; then echo "# $tag"; fi
		;;
	esac
}

missing=0 checked=0 fixed=0
list=$(git -C "$top" ls-files) || exit 99
set -f # names are words, never patterns
for f in $list; do
	path=$top/$f
	[ -f "$path" ] || continue # tracked but deleted in the work tree
	line=$(cd "$top" && comment_for "$f")
	[ -n "$line" ] || continue
	checked=$((checked + 1))
	head -n 5 "$path" | grep -q "$tag" && continue
	if [ "$mode" = fix ]; then
		tmp=$path.spdx.tmp
		if [ "$(head -c 2 "$path")" = '#!' ]; then
			{ head -n 1 "$path"; printf '%s\n' "$line"; tail -n +2 "$path"; } > "$tmp"
		else
			{ printf '%s\n' "$line"; cat "$path"; } > "$tmp"
		fi
		# Keep the mode (scripts stay executable).
		chmod --reference="$path" "$tmp" 2> /dev/null
		mv "$tmp" "$path"
		fixed=$((fixed + 1))
	else
		echo "spdx: $f has no '$tag' line in its first 5 lines: add '$line' at its top (or run tests/spdx.sh --fix)"
		missing=$((missing + 1))
	fi
done

if [ "$mode" = fix ]; then
	echo "spdx: added the line to $fixed of $checked source files"
	exit 0
fi
if [ "$missing" -gt 0 ]; then
	echo "spdx: $missing of $checked tracked source files lack the licence line"
	exit 1
fi
echo "spdx: all $checked tracked source files carry '$tag'"
exit 0
