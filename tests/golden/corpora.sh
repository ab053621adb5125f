#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# corpora.sh: the golden cases on the peer captures ($CORPORA): SKIP without them, FAIL under CI=true (make check runs it).
exec sh "$(dirname "$0")/run.sh" --only corpora "$@"
