#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# update.sh: rewrites the track stage's golden outputs from the current build; review the diff before committing.
# Usage: tests/golden/flow/update.sh [LAYERSCOPE] (from the top of the tree; CORPORA defaults to ../shared/corpora)
here=$(dirname "$0")
LAYERSCOPE=${1:-${LAYERSCOPE:-./layerscope}}
CORPORA=${CORPORA:-$here/../../../../shared/corpora}
. "$here/lib.sh"

write() {
	golden_read "$2" "$3" "$4" >"$here/$1.out"
	echo "wrote $here/$1.out"
}
golden_each write
