# SPDX-License-Identifier: BSD-3-Clause
# echo-lib.sh: what the echo integration tests share: the binary, a scratch dir, servers on free ports, cleanup.
# Sourced by tests/integration/echo-*.sh (bash).  Every process started here is killed on exit, pass or fail.

L=${LAYERSCOPE:-${top_builddir:-.}/layerscope}
T=$(mktemp -d "${TMPDIR:-/tmp}/lsc-echo.XXXXXX")
PIDS=""

cleanup() {
	for p in $PIDS; do
		kill -KILL "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*" >&2
	for f in "$T"/*.out "$T"/*.err; do
		[ -s "$f" ] || continue
		echo "---- $f (last lines)" >&2
		tail -n 15 "$f" >&2
	done
	exit 1
}

pass() {
	echo "ok: $*"
}

# track PID: kill it on exit.
track() {
	PIDS="$PIDS $1"
}

# start_server NAME ARGS...: runs `layerscope server --port 0 ARGS` in the background,
# waits for its listening line, sets SPID and PORT.  Output in $T/NAME.out, $T/NAME.err.
start_server() {
	local name=$1
	shift
	"$L" server --port 0 "$@" >"$T/$name.out" 2>"$T/$name.err" &
	SPID=$!
	track "$SPID"
	PORT=""
	for _ in $(seq 1 200); do
		PORT=$(sed -n 's/^listening on .*:\([0-9][0-9]*\) (.*/\1/p' "$T/$name.out" "$T/$name.err" | head -n 1)
		[ -n "$PORT" ] && return 0
		kill -0 "$SPID" 2>/dev/null || fail "server $name exited before listening"
		sleep 0.05
	done
	fail "server $name did not say where it listens within 10 s"
}

# wait_exit PID SECONDS: waits for PID to exit by itself; sets RC; fails after SECONDS.
wait_exit() {
	local pid=$1 limit=$2 i
	for i in $(seq 1 $((limit * 20))); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			RC=$?
			return 0
		fi
		sleep 0.05
	done
	fail "process $pid still running after $limit s"
}

# free_port: a TCP and UDP port nothing listens on right now (bound by the kernel, then let go).
free_port() {
	python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
print(p)'
}

# expect_in FILE TEXT: FILE holds TEXT (a fixed string).
expect_in() {
	grep -qF -- "$2" "$1" || fail "$(basename "$1") lacks: $2"
}
