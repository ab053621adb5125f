# SPDX-License-Identifier: BSD-3-Clause
# lib.sh: what run.sh and update.sh share: reading `list` and running one line of it.
TZ=UTC LC_ALL=C
export TZ LC_ALL

# golden_each FUNC: calls FUNC NAME CAPTURE OPTIONS FILTER for every line of the list.
# A line is: NAME CAPTURE OPTIONS... [-- FILTER...]
golden_each() {
	while read -r name cap rest; do
		case $name in ''|'#'*) continue ;; esac
		opts=$rest filter=
		case $rest in *" -- "*) opts=${rest%% -- *} filter=${rest#* -- } ;; esac
		"$1" "$name" "$cap" "$opts" "$filter"
	done <"$here/list"
}

# golden_read CAPTURE OPTIONS FILTER: the output the golden file holds, stderr included.
golden_read() {
	# shellcheck disable=SC2086 # options and filter are words
	"$LAYERSCOPE" read $2 "$CORPORA/$1" $3 2>&1
}
