#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""json-schema.py: every JSON line the test captures produce holds to docs/frame.schema.json, and is UTF-8.

Runs `layerscope read -f json` on the bundled captures (captures/), the golden
tests' own (tests/golden/captures/), every capture TESTLIST names, and every
file of the corpora when $CORPORA is there, and validates each line against
the schema with python3-jsonschema (Draft 2020-12).  Each line must also be
strict UTF-8.  First the schema itself is checked for strictness: a frame with
a key renamed, dropped or added must fail it, or the test is worthless.

Exit 0: every line valid; 1: not; 77: skipped (no python3-jsonschema).
"""
import copy
import glob
import json
import os
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema is not installed (apt-get install python3-jsonschema)")
    sys.exit(77)

TOP = os.environ.get("top_srcdir", ".")
LAYERSCOPE = os.environ.get("LAYERSCOPE", "./layerscope")
CORPORA = os.environ.get("CORPORA", "")
ENV = dict(os.environ, ASAN_OPTIONS=":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "detect_leaks=0"])))
MAX_SHOWN = 10


def captures():
    files = []
    for pat in ("captures/*.pcap", "captures/*.pcapng", "tests/golden/captures/*.pcap"):
        files += sorted(glob.glob(os.path.join(TOP, pat)))
    with open(os.path.join(TOP, "tests", "golden", "TESTLIST")) as f:
        for line in f:
            words = line.split()
            if len(words) < 2 or words[0].startswith("#"):
                continue
            path = words[1]
            if path.startswith("$CORPORA/"):
                path = os.path.join(CORPORA, path[len("$CORPORA/"):]) if CORPORA else ""
            else:
                path = os.path.join(TOP, path)
            if path and os.path.isfile(path):
                files.append(path)
    if CORPORA and os.path.isdir(CORPORA):
        files += sorted(f for f in glob.glob(os.path.join(CORPORA, "*", "*")) if os.path.isfile(f))
    seen = set()
    return [f for f in files if not (os.path.realpath(f) in seen or seen.add(os.path.realpath(f)))]


def frames_of(path):
    p = subprocess.run([LAYERSCOPE, "read", "-f", "json", path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=ENV)
    return p.returncode, p.stdout.split(b"\n")[:-1] if p.stdout else []


def strictness(validator, sample):
    """Mutations of a valid frame the schema must reject; the names of those it accepts."""
    def tcp(o):
        return next(l for l in o["layers"] if l["proto"] == "tcp")

    def rename(d, old, new):
        d[new] = d.pop(old)

    cases = [
        ("tcp payload_length renamed", lambda o: rename(tcp(o), "payload_length", "payload_len")),
        ("tcp sport dropped", lambda o: tcp(o).pop("sport")),
        ("an unknown key in a layer", lambda o: tcp(o).__setitem__("colour", "red")),
        ("header_length dropped", lambda o: o["layers"][0].pop("header_length")),
        ("flow socket_call_source dropped", lambda o: o["flow"].pop("socket_call_source")),
        ("flow socket_call renamed", lambda o: rename(o["flow"], "socket_call", "call")),
        ("an unknown key in the frame", lambda o: o.__setitem__("extra", 1)),
        ("notes dropped", lambda o: o.pop("notes")),
        ("a port as a string", lambda o: tcp(o).__setitem__("sport", "8082")),
        ("an unknown socket call", lambda o: o["flow"].__setitem__("socket_call", "listen()")),
    ]
    lax = []
    for name, mutate in cases:
        o = copy.deepcopy(sample)
        mutate(o)
        if validator.is_valid(o):
            lax.append(name)
    return lax


def main():
    with open(os.path.join(TOP, "docs", "frame.schema.json")) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    files = captures()
    bad = []
    lines = 0
    sample = None
    for path in files:
        rc, out = frames_of(path)
        for n, raw in enumerate(out, 1):
            lines += 1
            try:
                o = json.loads(raw.decode("utf-8"))  # strict: invalid UTF-8 raises
            except (UnicodeDecodeError, ValueError) as e:
                bad.append("%s line %d: not UTF-8 JSON: %s" % (path, n, e))
                continue
            for e in validator.iter_errors(o):
                bad.append("%s frame %s at %s: %s" % (path, o.get("frame"), "/".join(map(str, e.absolute_path)),
                                                      e.message[:200]))
            if sample is None and "flow" in o and any(l["proto"] == "tcp" and "malformed" not in l
                                                      for l in o["layers"]):
                sample = o
    print("json-schema: %d files, %d JSON lines validated against docs/frame.schema.json" % (len(files), lines))
    if sample is None:
        bad.append("no tracked TCP frame among the captures: the schema's strictness was not checked")
    else:
        for name in strictness(validator, sample):
            bad.append("the schema accepts a frame with %s" % name)
    for b in bad[:MAX_SHOWN]:
        print("FAIL: " + b)
    if len(bad) > MAX_SHOWN:
        print("FAIL: ... %d more" % (len(bad) - MAX_SHOWN))
    print("json-schema: %d problems" % len(bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
