#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# tree.sh: the golden cases whose captures are in the tree: they run on a fresh clone (make check runs it).
exec sh "$(dirname "$0")/run.sh" --only tree "$@"
