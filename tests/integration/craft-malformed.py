#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""craft-malformed.py: frames crafted to lie (gen-malformed writes them at test time)
decode with `layerscope read -f json` to the expected malformed layer and reason."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from craftlib import BUILDDIR, check, cleanup, equal, finish, read_json, run, workdir  # noqa: E402

GEN = os.path.join(BUILDDIR, "tests", "craft", "gen-malformed")


def flagged(frame):
    """The truncated or malformed layer, else the first clipped one (as gen-malformed decides)."""
    clipped = None
    for l in frame["layers"]:
        if "malformed" in l:
            return l
        if l.get("clipped") and clipped is None:
            clipped = l
    return clipped


def main():
    d = workdir("malformed")
    try:
        pcap, tsv = os.path.join(d, "malformed.pcap"), os.path.join(d, "malformed.tsv")
        rc, out, err = run([GEN, pcap, tsv])
        if not equal(rc, 0, "gen-malformed exit status (%s)" % err.strip()):
            finish()
        rows = [line.rstrip("\n").split("\t") for line in open(tsv)]
        frames = read_json(pcap)
        equal(len(frames), len(rows), "frames decoded")
        check(len(rows) >= 15, "at least 15 malformed frames")
        decoded_protos = {l["proto"] for f in frames for l in f["layers"]}
        for (num, proto, reason, truncated, clipped, needs, name), f in zip(rows, frames):
            w = "frame %s (%s)" % (num, name)
            equal(f["frame"], int(num), w + ": frame number")
            if needs and needs not in decoded_protos:
                print("note: %s: no %s decoder in this build; skipped" % (w, needs))
                continue
            l = flagged(f)
            if not check(l is not None, w + ": a malformed, truncated or clipped layer"):
                continue
            equal(l["proto"], proto, w + ": the layer")
            if clipped == "true":
                equal(l.get("malformed"), None, w + ": clipped, not malformed")
                equal(l.get("clipped"), True, w + ": clipped")
            else:
                equal(l.get("malformed"), reason, w + ": reason")
                equal(l.get("truncated"), truncated == "true", w + ": truncated")
            # The undecoded rest follows as a payload layer, and nothing after it.
            i = f["layers"].index(l)
            if "malformed" in l:
                rest = f["layers"][i + 1:]
                check(all(x["proto"] == "payload" for x in rest), w + ": only payload after it")
            if name.startswith("capture-cut") or name == "ipv4-ihl-past-capture":
                check(f["caplen"] < f["len"], w + ": caplen < len")
    finally:
        cleanup(d)
    finish()


if __name__ == "__main__":
    main()
