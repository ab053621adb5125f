# SPDX-License-Identifier: BSD-3-Clause
"""craftlib.py: what the craft integration tests share: running commands, reading JSON, counting failures."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

LAYERSCOPE = os.environ.get("LAYERSCOPE") or os.path.join(os.getcwd(), "layerscope")
TSHARK = os.environ.get("TSHARK") or shutil.which("tshark") or ""
BUILDDIR = os.environ.get("top_builddir") or os.getcwd()

failures = []


def check(cond, what):
    """Records a failed expectation; the test goes on so one run shows them all."""
    if not cond:
        failures.append(what)
        print("FAIL: " + what)
    return cond


def equal(got, want, what):
    return check(got == want, "%s: got %r, want %r" % (what, got, want))


def finish():
    if failures:
        print("%d expectation(s) failed" % len(failures))
        sys.exit(1)
    print("all expectations held")
    sys.exit(0)


def run(args, **kw):
    """Runs a command; returns (status, stdout, stderr) as text."""
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def workdir(tag):
    """A fresh directory in the build tree, removed by the caller's cleanup()."""
    return tempfile.mkdtemp(prefix="craft-%s." % tag, dir=BUILDDIR)


def cleanup(d):
    shutil.rmtree(d, ignore_errors=True)


def read_json(path, *filt):
    """`layerscope read -f json --no-track FILE`: a list of frame objects."""
    # --no-track: craft shows a frame as built, with no conversation around it
    rc, out, err = run([LAYERSCOPE, "read", "-f", "json", "--no-track", path] + list(filt))
    check(rc == 0, "read -f json %s exits 0 (got %d: %s)" % (path, rc, err.strip()))
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def layer(frame, proto):
    for l in frame["layers"]:
        if l["proto"] == proto:
            return l
    return None


def decoded(frame, proto, offset, what):
    """The layer at `offset`; None with a note when this build has no decoder for
    it (the bytes there end as a payload layer), a failure when anything else."""
    l = layer(frame, proto)
    if l is not None:
        equal(l["offset"], offset, "%s: %s offset" % (what, proto))
        return l
    rest = [x for x in frame["layers"] if x["proto"] == "payload" and x["offset"] == offset]
    if check(rest, "%s: no %s layer and no undecoded payload at %d" % (what, proto, offset)):
        print("note: %s: no %s decoder in this build; tshark checks its fields" % (what, proto))
    return None
