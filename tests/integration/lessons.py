#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""lessons.py: runs every command of every lesson in docs/lessons/ (each ```sh block, from the top of
the source tree, with the built layerscope first on PATH) and fails if one breaks: a non-zero exit, a
sanitizer report, or more than its time.  As root each block runs in a network namespace of its own
(its port 8082 free whatever else runs) and `sudo` runs the command; without root, blocks that need
sudo say SKIP."""
import os
import re
import subprocess
import sys

TOP = os.path.abspath(os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..", ".."))
LS = os.path.abspath(os.environ.get("LAYERSCOPE") or "layerscope")
LESSONS = os.path.join(TOP, "docs", "lessons")
TIMEOUT = 90  # seconds a block may take: the live demo is the longest, a few seconds
failures = []
root = os.geteuid() == 0


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
    return cond


def blocks(text):
    """The ```sh blocks of a lesson: (line number, body)."""
    out = []
    for m in re.finditer(r"^```sh\n(.*?)^```$", text, re.M | re.S):
        out.append((text.count("\n", 0, m.start()) + 1, m.group(1)))
    return out


def run_block(name, line, body, bindir):
    what = "%s:%d" % (name, line)
    if "sudo " in body and not root:
        print("SKIP %s: needs root (sudo)" % what)
        return
    prelude = "set -eo pipefail\n"
    if root:
        # sudo as root is the command itself; lo of the new namespace starts down
        prelude += "sudo() { \"$@\"; }\nip link set lo up\n"
    script = prelude + body
    cmd = ["bash", "-c", script]
    if root:
        cmd = ["unshare", "--net", "--"] + cmd
    # LAYERSCOPE_CAPTURES: as docs/lessons/README.md says to set it before `make install`
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""), LC_ALL="C", TZ="UTC",
               LAYERSCOPE_CAPTURES=os.path.join(TOP, "captures"))
    env.pop("NO_COLOR", None)
    try:
        p = subprocess.run(cmd, cwd=TOP, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        check(False, "%s: still running after %d s:\n%s" % (what, TIMEOUT, body))
        return
    out = (p.stdout + p.stderr).decode("utf-8", "replace")
    ok = check(p.returncode == 0 and "Sanitizer" not in out and "runtime error:" not in out,
               "%s: %s" % (what, body.strip().splitlines()[0] + (" ..." if body.count("\n") > 1 else "")))
    if not ok:
        print("  exit %d; the block:\n%s  its output (end):\n%s" % (p.returncode, body, out[-1500:]))
    elif not p.stdout.strip():
        check(False, "%s: printed nothing" % what)


def main():
    if not os.access(LS, os.X_OK):
        print("lessons: %s is not built" % LS)
        return 99
    # `layerscope` in the lessons is the build's: a folder holding only a link to it
    bindir = os.path.join(os.environ.get("TMPDIR", "/tmp"), "lsc-lessons-%d" % os.getpid())
    os.makedirs(bindir, exist_ok=True)
    link = os.path.join(bindir, "layerscope")
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(LS, link)
    try:
        names = sorted(n for n in os.listdir(LESSONS) if re.match(r"\d\d-.*\.md$", n))
        check(6 <= len(names) <= 8, "six to eight lessons (%d)" % len(names))
        for name in names:
            with open(os.path.join(LESSONS, name), encoding="utf-8") as fp:
                text = fp.read()
            bs = blocks(text)
            check(len(bs) >= 2, "%s: has commands to run (%d blocks)" % (name, len(bs)))
            check("## What to look for" in text and "## Questions" in text and "layerscope quiz" in text,
                  "%s: says what to look for and asks questions, with a quiz" % name)
            for line, body in bs:
                run_block(name, line, body, bindir)
        index = open(os.path.join(LESSONS, "README.md"), encoding="utf-8").read()
        check(all(n in index for n in names), "docs/lessons/README.md links every lesson")
    finally:
        os.unlink(link)
        os.rmdir(bindir)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


sys.exit(main())
