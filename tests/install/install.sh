#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# install.sh: the installed liblayerscope as a library user meets it: soname, headers, pkg-config, a decoding program.
#
# From `make check`: installs this build with DESTDIR into a temporary folder
# and reads pkg-config there (PKG_CONFIG_SYSROOT_DIR).  From `make
# installcheck` (LSC_INSTALLED=yes): checks what `make install` put in the
# prefix.  Either way it builds tests/install/decode-stack.c with nothing but
# `pkg-config --cflags --libs layerscope` (plus the sanitizer flags the
# library itself was built with), against the shared library and the static
# archive, runs it on the bundled captures, and compares its layers with
# `layerscope read -f json`; and compiles every installed header as C++.
# Environment (Makefile.am sets it): top_srcdir, top_builddir, LAYERSCOPE,
# LSC_CC, LSC_SAN_CFLAGS, LSC_MAKE, lsc_libdir, lsc_includedir,
# lsc_pkgconfigdir, PACKAGE_VERSION, PKG_CONFIG, PYTHON3.
set -u

fails=0
fail() { echo "FAIL: install: $*"; fails=$((fails + 1)); }
say() { echo "install: $*"; }

for v in top_srcdir top_builddir LAYERSCOPE LSC_CC lsc_libdir lsc_includedir lsc_pkgconfigdir PACKAGE_VERSION; do
	eval "val=\${$v-}"
	[ -n "$val" ] || { echo "install: \$$v is not set: run this through make check or make installcheck" >&2; exit 99; }
done
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
PYTHON3=${PYTHON3:-python3}
for tool in "$PKG_CONFIG" readelf "$PYTHON3"; do
	command -v "$tool" > /dev/null 2>&1 || { echo "SKIP: install: $tool is missing (apt-get install pkg-config binutils python3)"; exit 77; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lsc-install.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' INT TERM

if [ "${LSC_INSTALLED:-no}" = yes ]; then
	root=${DESTDIR:-}
	say "checking the installed files under ${root:-/}"
else
	root=$tmp/root
	# A make of its own: the one running the tests must not see this one's output as a test's.
	if ! ${LSC_MAKE:-make} -C "$top_builddir" install DESTDIR="$root" > "$tmp/make-install.log" 2>&1; then
		tail -n 30 "$tmp/make-install.log"
		fail "make install DESTDIR=$root failed"
		exit 1
	fi
fi
libdir=$root$lsc_libdir
incdir=$root$lsc_includedir/layerscope

# ---- the files: the shared library with its soname, the archive, the headers
major=$(echo "$PACKAGE_VERSION" | cut -d. -f1)
so=$(ls "$libdir"/liblayerscope.so.*.*.* 2> /dev/null | head -n 1)
if [ -z "$so" ]; then
	fail "no liblayerscope.so.X.Y.Z in $libdir"
else
	soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
	case $soname in
	liblayerscope.so.[0-9]*) say "soname $soname" ;;
	*) fail "$so has soname '$soname', want liblayerscope.so.N" ;;
	esac
	[ -L "$libdir/$soname" ] || fail "$libdir/$soname (the soname's link) is missing"
	[ -L "$libdir/liblayerscope.so" ] || fail "$libdir/liblayerscope.so (the link for -llayerscope) is missing"
	readelf -d "$so" | grep -q 'NEEDED.*\[libnet\.so' && fail "liblayerscope.so needs libnet: the echo pair, craft or demo leaked into it"
	# Only the public API leaves the library: every exported name is lsc_*.
	other=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^lsc_' | grep -v '^_' | head -n 5)
	[ -z "$other" ] || fail "liblayerscope.so exports names outside lsc_*: $other"
	# ... and exactly the functions the installed headers declare, each marked LSC_API.
	nm -D --defined-only "$so" | awk '{print $3}' | grep '^lsc_' | sort > "$tmp/exported"
	"$PYTHON3" - "$root$lsc_includedir"/layerscope/*.h > "$tmp/declared" 2> "$tmp/unmarked" <<'PY'
import re, sys
for path in sys.argv[1:]:
    text = re.sub(r"/\*.*?\*/|//[^\n]*", " ", open(path).read(), flags=re.S)
    text = re.sub(r"^\s*#\s*ifdef\s+__cplusplus.*?^\s*#\s*endif", " ", text, flags=re.S | re.M)
    text = re.sub(r"^\s*#.*?(?<!\\)$", " ", text, flags=re.M)
    # Statements outside any braces: inline bodies and struct members are not declarations.
    stmts, cur, depth = [], "", 0
    for ch in text:
        if ch == "{":
            if depth == 0:
                stmts.append(cur); cur = ""
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            if ch == ";":
                stmts.append(cur); cur = ""
            else:
                cur += ch
    for stmt in stmts:
        m = re.search(r"(?<!\w)(lsc_\w+)\s*\(", stmt)
        if not m or re.search(r"\b(static|typedef)\b", stmt):
            continue
        if re.search(r"\bLSC_API\b", stmt):
            print(m.group(1))
        else:
            print("%s: %s is declared without LSC_API" % (path, m.group(1)), file=sys.stderr)
PY
	sort -o "$tmp/declared" "$tmp/declared"
	if [ -s "$tmp/unmarked" ]; then
		fail "public functions without LSC_API (add it before the declaration):"
		cat "$tmp/unmarked"
	fi
	if ! cmp -s "$tmp/exported" "$tmp/declared"; then
		fail "liblayerscope.so's exports differ from the LSC_API declarations (< exported only, > declared only):"
		diff "$tmp/exported" "$tmp/declared" | grep '^[<>]' | head -n 10
	fi
	say "$(wc -l < "$tmp/exported") functions exported, each declared LSC_API"
fi
[ -f "$libdir/liblayerscope.a" ] || fail "no static archive $libdir/liblayerscope.a"
for h in api cursor decode flow frame pipeline render report source strbuf teach version; do
	[ -f "$incdir/$h.h" ] || fail "header $incdir/$h.h is not installed"
done
for h in echo craft demo; do
	[ -f "$incdir/$h.h" ] && fail "$incdir/$h.h is installed, but its functions are not in the library"
done

# ---- pkg-config, as a user would call it
PKG_CONFIG_PATH=$root$lsc_pkgconfigdir
export PKG_CONFIG_PATH
if [ -n "$root" ]; then PKG_CONFIG_SYSROOT_DIR=$root; export PKG_CONFIG_SYSROOT_DIR; fi
ver=$($PKG_CONFIG --modversion layerscope 2>&1)
[ "$ver" = "$PACKAGE_VERSION" ] || fail "pkg-config --modversion layerscope: '$ver', want $PACKAGE_VERSION"
cflags=$($PKG_CONFIG --cflags layerscope) || fail "pkg-config --cflags layerscope failed"
libs=$($PKG_CONFIG --libs layerscope) || fail "pkg-config --libs layerscope failed"
slibs=$($PKG_CONFIG --static --libs layerscope) || fail "pkg-config --static --libs layerscope failed"
say "cflags: $cflags"
say "libs: $libs; static: $slibs"
[ "$fails" -eq 0 ] || exit 1

# What `read -f json` says each frame's layers are, one line a frame.
json_layers() {
	"$LAYERSCOPE" read -f json --no-track "$@" | "$PYTHON3" -c '
import json, sys
for line in sys.stdin:
    print(" ".join(l["proto"] for l in json.loads(line)["layers"]))'
}

# Runs a program built here on the bundled captures; $1 names it, the rest runs it.
check_program() {
	name=$1
	shift
	for cap in exercise vlan sll2-any ipv6-echo icmp-unreachable arp-first; do
		file=$top_srcdir/captures/$cap.pcap
		json_layers "$file" > "$tmp/want" || { fail "layerscope read -f json $file failed"; continue; }
		if ! "$@" "$file" > "$tmp/got" 2> "$tmp/err"; then
			fail "$name $cap.pcap: exit $?: $(cat "$tmp/err")"
			continue
		fi
		if ! cmp -s "$tmp/want" "$tmp/got"; then
			fail "$name $cap.pcap: layers differ from read -f json:"
			diff "$tmp/want" "$tmp/got" | head -n 10
		fi
	done
	# A filter through the library (libpcap's compiler): only the TCP frames.
	json_layers "$top_srcdir/captures/exercise.pcap" tcp > "$tmp/want"
	"$@" "$top_srcdir/captures/exercise.pcap" tcp > "$tmp/got" 2> "$tmp/err" && cmp -s "$tmp/want" "$tmp/got" ||
		fail "$name exercise.pcap tcp: not the frames read -f json shows with the filter: $(cat "$tmp/err")"
	[ -s "$tmp/got" ] || fail "$name exercise.pcap tcp: no frames"
}

# ---- a decoding program against the shared library
# The sanitizer flags, when this build has them, are the library's own: an
# instrumented library needs an instrumented program.  Nothing else is added.
src=$top_srcdir/tests/install/decode-stack.c
# shellcheck disable=SC2086 # the flags are words
if $LSC_CC ${LSC_SAN_CFLAGS-} -Wall -Wextra -Werror -o "$tmp/decode-stack" "$src" $cflags $libs 2> "$tmp/cc.err"; then
	needed=$(readelf -d "$tmp/decode-stack" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
	case " $needed" in
	*" $soname "*) ;;
	*) fail "decode-stack needs '$needed', not $soname" ;;
	esac
	case $needed in *libnet.so*) fail "decode-stack pulls in libnet: $needed" ;; esac
	check_program decode-stack env LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$tmp/decode-stack"
	say "decode-stack (shared, needs $needed) decodes as layerscope does"
else
	fail "decode-stack.c does not build with pkg-config's flags alone:"
	cat "$tmp/cc.err"
fi

# ---- the same program against the static archive, with pkg-config --static
# -l:liblayerscope.a picks the archive where -llayerscope would pick the .so.
slibs_a=$(echo " $slibs " | sed 's/ -llayerscope / -l:liblayerscope.a /')
# shellcheck disable=SC2086
if $LSC_CC ${LSC_SAN_CFLAGS-} -o "$tmp/decode-stack-static" "$src" $cflags $slibs_a 2> "$tmp/cc.err"; then
	readelf -d "$tmp/decode-stack-static" | grep -q 'NEEDED.*liblayerscope' &&
		fail "decode-stack-static still needs liblayerscope.so"
	check_program decode-stack-static "$tmp/decode-stack-static"
	say "decode-stack-static (liblayerscope.a and Libs.private) decodes as layerscope does"
else
	fail "decode-stack.c does not link statically with pkg-config --static's flags:"
	cat "$tmp/cc.err"
fi

# ---- every public header in C++: compiles, and the extern "C" guards link
cxx=${LSC_CXX:-}
[ -n "$cxx" ] || cxx=$(command -v c++ || command -v g++ || command -v clang++ || true)
if [ -z "$cxx" ]; then
	echo "SKIP: install: the C++ check of the headers: no C++ compiler (apt-get install g++)"
else
	# shellcheck disable=SC2086
	if $cxx ${LSC_SAN_CFLAGS-} -Wall -Werror -o "$tmp/headers" "$top_srcdir/tests/install/headers.cc" $cflags $libs 2> "$tmp/cxx.err"; then
		env LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$tmp/headers" > "$tmp/out" 2>&1 ||
			fail "the C++ program failed: $(cat "$tmp/out")"
		say "the public headers compile and link as C++ ($cxx)"
	else
		fail "the public headers do not build as C++:"
		head -n 20 "$tmp/cxx.err"
	fi
fi

[ "$fails" -eq 0 ] || exit 1
say "all checks passed"
exit 0
