#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# update.sh: regenerates golden outputs on purpose, with the very command the check runs.
#
#   tests/golden/update.sh            every test in TESTLIST
#   tests/golden/update.sh NAME...    only these
#
# Uses LAYERSCOPE (default: the layerscope built at the top of the tree) and
# CORPORA (default: ../shared/corpora).  It writes only expected/NAME.out files
# whose output changed, refuses to record a crash or a sanitizer report, stops
# with an error when captures are missing, and lists what it changed: review
# it with `git diff tests/golden/expected` before committing.
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/run.sh" --update "$@"
