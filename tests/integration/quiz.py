#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""quiz.py: `layerscope quiz`: every evidence it prints checked against `read -f json` of that
frame, on every bundled capture, on captures written here with random ports and situations,
and (as root) on a capture `demo -w` records live; the answers read from standard input; errors."""
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from craftlib import LAYERSCOPE, check, equal, finish, run  # noqa: E402

TOP = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
CAPTURES = os.path.join(TOP, "captures")
# Independent of the program's table: the ports a first course names.
SERVICES = {9: "discard", 21: "ftp", 22: "ssh", 23: "telnet", 25: "smtp", 53: "domain", 80: "http",
            443: "https"}
FRAME_EVENT = {"syn-ack-before-accept": "syn-ack", "handshake-complete": "handshake-ack",
               "refused": "rst", "retransmission": "retransmission", "udp-unanswered": "datagram"}


def read_frames(path):
    rc, out, err = run([LAYERSCOPE, "read", "-f", "json", path])
    check(rc == 0, "read -f json %s: exit %d %s" % (path, rc, err.strip()))
    return {f["frame"]: f for f in (json.loads(l) for l in out.splitlines() if l.strip())}


def resolve(frame, path):
    """A key path of -f json: `layers[tcp].sport`, `flow.event`; KeyError when it does not resolve."""
    node = frame
    for part in path.split("."):
        if "[" in part:
            name, proto = part[:-1].split("[")
            node = next(l for l in node[name] if l["proto"] == proto)  # StopIteration: absent
        else:
            node = node[part]
    return node


def quiz_json(path, *opts):
    rc, out, err = run([LAYERSCOPE, "quiz", "--answers", "-f", "json"] + list(opts) + [path])
    return rc, [json.loads(l) for l in out.splitlines() if l.strip()], err


def check_evidence(path, label):
    """Every question of the capture (all of them: -n 1000) proved by its frame. The kinds asked."""
    rc, qs, err = quiz_json(path, "-n", "1000")
    if not check(rc == 0, "%s: quiz exit %d: %s" % (label, rc, err.strip())):
        return set()
    frames = read_frames(path)
    kinds = set()
    for q in qs:
        what = "%s: question %d (%s)" % (label, q.get("n", 0), q.get("kind"))
        if not check(all(k in q for k in ("question", "answer", "evidence", "kind", "explanation")),
                     "%s: has question, answer, evidence, kind, explanation" % what):
            continue
        kinds.add(q["kind"])
        ev = q["evidence"]
        f = frames.get(ev["frame"])
        if not check(f is not None, "%s: evidence frame %s exists" % (what, ev["frame"])):
            continue
        try:
            value = resolve(f, ev["path"])
        except (KeyError, StopIteration, TypeError):
            check(False, "%s: %s does not resolve in frame %d" % (what, ev["path"], ev["frame"]))
            continue
        equal(value, ev["value"], "%s: frame %d %s" % (what, ev["frame"], ev["path"]))
        check_answer(q, f, frames, value, what)
    return kinds


def check_answer(q, f, frames, value, what):
    """The value at the evidence proves the answer, kind by kind."""
    kind, answer, n = q["kind"], q["answer"], q["evidence"]["frame"]
    flow = f.get("flow", {})
    if kind in ("ephemeral-port", "conversations", "recv-bytes"):
        equal(answer, str(value), what + ": the answer is the field")
    if kind == "ephemeral-port":
        check(flow.get("dir") == "c2s", what + ": the port is the client's (c2s)")
    if kind == "conversations":
        equal(max(fr.get("flow", {}).get("id", 0) for fr in frames.values()), value, what + ": the last id")
    if kind in FRAME_EVENT:
        equal(answer, "frame %d" % n, what + ": the answer is the evidence frame")
        equal(value, FRAME_EVENT[kind], what + ": the frame's event")
    if kind == "udp-unanswered":
        check(not any(fr.get("flow", {}).get("ref_frame") == n and fr["flow"].get("dir") == "s2c"
                      for fr in frames.values()), what + ": no reply refers to frame %d" % n)
    if kind == "retransmission":
        check(flow.get("ref_frame", n) < n, what + ": the original came before")
    if kind == "client-address":
        equal(answer, value, what + ": the answer is the sender")
        check(flow.get("dir") == "c2s", what + ": sent by the client")
    if kind == "mac-layer":
        check("link" in answer and value == "link", what + ": the link layer")
    if kind == "ip-layer":
        check("network" in answer and value == "network", what + ": the network layer")
    if kind == "service-port":
        equal(answer, SERVICES.get(value), what + ": the usual service of port %s" % value)
        if value == 23:
            check("21" in q["explanation"], what + ": port 23 says FTP is 21")
    if kind == "teardown-start":
        tcp = resolve(f, "layers[tcp]")
        check("FIN" in tcp["flags"], what + ": the frame is a FIN")
        side = "client" if value == "c2s" else "server"
        check(answer.startswith("frame %d, the %s" % (n, side)), what + ": %r names frame and %s" % (answer, side))
        earlier = [k for k, fr in frames.items() if k < n and fr.get("flow", {}).get("id") == flow.get("id")
                   and any(l["proto"] == "tcp" and "FIN" in l["flags"] for l in fr["layers"])]
        check(not earlier, what + ": no FIN of the conversation before it")


# ---- captures written here: Ethernet + IPv4, random ports and situations ------------------------

def pcap(path, frames):
    with open(path, "wb") as fp:
        fp.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        t = 1700000000.0
        for fr in frames:
            t += 0.001
            fp.write(struct.pack("<IIII", int(t), int((t % 1) * 1e6), len(fr), len(fr)))
            fp.write(fr)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip_frame(src, dst, proto, l4, c2s):
    macs = (b"\x02\0\0\0\0\x01", b"\x02\0\0\0\0\x05")
    eth = (macs[0] + macs[1] if c2s else macs[1] + macs[0]) + b"\x08\x00"
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0x4000, 64, proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return eth + hdr + l4


def tcp(src, dst, sp, dp, flags, seq, ack, data=b""):
    h = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 0x50, flags, 64000, 0, 0)
    ph = src + dst + struct.pack("!BBH", 0, 6, len(h) + len(data))
    h = h[:16] + struct.pack("!H", csum(ph + h + data)) + h[18:]
    return ip_frame(src, dst, 6, h + data, src == CLI)


def udp(src, dst, sp, dp, data):
    h = struct.pack("!HHHH", sp, dp, 8 + len(data), 0)
    return ip_frame(src, dst, 17, h + data, src == CLI)


CLI, SRV = bytes([10, 1, 1, 5]), bytes([10, 1, 1, 1])


def tcp_conv(rng, sport, lose, server_first):
    """A conversation; `lose`: the first data segment is sent twice; `server_first`: the server's FIN first."""
    cp = rng.randint(32768, 60999)
    c, s = rng.randint(0, 2**31), rng.randint(0, 2**31)
    msg = bytes(rng.randint(1, 200))
    out = [tcp(CLI, SRV, cp, sport, 0x02, c, 0), tcp(SRV, CLI, sport, cp, 0x12, s, c + 1),
           tcp(CLI, SRV, cp, sport, 0x10, c + 1, s + 1), tcp(CLI, SRV, cp, sport, 0x18, c + 1, s + 1, msg)]
    if lose:
        out.append(tcp(CLI, SRV, cp, sport, 0x18, c + 1, s + 1, msg))
    c2 = c + 1 + len(msg)
    out += [tcp(SRV, CLI, sport, cp, 0x18, s + 1, c2, msg), tcp(CLI, SRV, cp, sport, 0x10, c2, s + 1 + len(msg))]
    s2 = s + 1 + len(msg)
    if server_first:
        out += [tcp(SRV, CLI, sport, cp, 0x11, s2, c2), tcp(CLI, SRV, cp, sport, 0x11, c2, s2 + 1),
                tcp(SRV, CLI, sport, cp, 0x10, s2 + 1, c2 + 1)]
    else:
        out += [tcp(CLI, SRV, cp, sport, 0x11, c2, s2), tcp(SRV, CLI, sport, cp, 0x11, s2, c2 + 1),
                tcp(CLI, SRV, cp, sport, 0x10, c2 + 1, s2 + 1)]
    return out


def generated(tmp):
    """Random captures; the kinds each must hold, from what was put in it."""
    seed = int(os.environ.get("QUIZ_SEED") or random.randrange(1 << 30))
    print("generated captures: QUIZ_SEED=%d repeats them" % seed)
    rng = random.Random(seed)
    for i in range(6):
        sport = rng.choice([21, 23, 80, 443, 8082, rng.randint(1024, 9000)])
        lose, server_first = rng.random() < 0.5, rng.random() < 0.5
        frames = []
        for _ in range(rng.randint(1, 3)):
            frames += tcp_conv(rng, sport, lose, server_first)
        lost_udp = rng.random() < 0.5
        up = rng.randint(32768, 60999)
        frames.append(udp(CLI, SRV, up, 8082, b"ping"))
        if not lost_udp:
            frames.append(udp(SRV, CLI, 8082, up, b"ping"))
        path = os.path.join(tmp, "gen%d.pcap" % i)
        pcap(path, frames)
        label = "generated %d (port %d, retransmission %s, server closes first %s, udp lost %s)" % (
            i, sport, lose, server_first, lost_udp)
        kinds = check_evidence(path, label)
        must = {"client-address", "ephemeral-port", "conversations", "mac-layer", "ip-layer",
                "syn-ack-before-accept", "handshake-complete", "recv-bytes", "teardown-start"}
        if sport in SERVICES:
            must.add("service-port")
        if lose:
            must.add("retransmission")
        if lost_udp:
            must.add("udp-unanswered")
        check(must <= kinds, "%s: asks %s (missing %s)" % (label, sorted(must), sorted(must - kinds)))
        unwanted = {"refused"} | (set() if lose else {"retransmission"}) | \
            (set() if lost_udp else {"udp-unanswered"}) | (set() if sport in SERVICES else {"service-port"})
        check(not (kinds & unwanted), "%s: asks nothing absent (%s)" % (label, sorted(kinds & unwanted)))
        if server_first:
            rc, qs, _ = quiz_json(path, "-n", "1000")
            check(any(q["kind"] == "teardown-start" and "the server" in q["answer"] for q in qs),
                  label + ": the server starts the teardown")


def interactive(tmp):
    """Answers from standard input: the key's own answers score all; wrong ones none."""
    path = os.path.join(CAPTURES, "exercise.pcap")
    rc, qs, err = quiz_json(path, "-n", "5", "--seed", "3")
    good = "".join(q["answer"] + "\n" for q in qs)
    p = subprocess.run([LAYERSCOPE, "quiz", "-n", "5", "--seed", "3", path], input=good.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.decode()
    equal(p.returncode, 0, "quiz with answers on stdin: exit")
    check("Score: 5 of 5 questions right." in out, "the key's answers score 5 of 5: %s" % out[-200:])
    check(out.count("proof: frame") == 5, "each reply shows the proving frame")
    p = subprocess.run([LAYERSCOPE, "quiz", "-n", "5", "--seed", "3", path], input=b"999999\n" * 5,
                       stdout=subprocess.PIPE)
    check("Score: 0 of 5 questions right." in p.stdout.decode(), "wrong answers score 0 of 5")
    check(p.stdout.decode().count("Not quite") == 5, "each wrong reply says so")
    # Reasonable forms: "frame N" and "N" for a frame question.
    frame_q = next((q for q in quiz_json(path, "-n", "1000")[1] if q["kind"] == "handshake-complete"), None)
    if check(frame_q is not None, "exercise.pcap has a handshake question"):
        n = frame_q["evidence"]["frame"]
        for reply in ("%d" % n, "frame %d" % n, "Frame %d." % n):
            qs_all = quiz_json(path, "-n", "1000")[1]
            idx = qs_all.index(frame_q)
            lines = "".join(("%s\n" % reply) if i == idx else "x\n" for i in range(len(qs_all)))
            p = subprocess.run([LAYERSCOPE, "quiz", "-n", "1000", path], input=lines.encode(),
                               stdout=subprocess.PIPE)
            check("Score: 1 of %d" % len(qs_all) in p.stdout.decode(), "reply %r is right" % reply)
    # The same seed, the same quiz; the default is seed 1.
    a = quiz_json(path, "--seed", "9")[1]
    b = quiz_json(path, "--seed", "9")[1]
    equal(a, b, "--seed 9 twice: the same questions")
    equal(quiz_json(path)[1], quiz_json(path, "--seed", "1")[1], "the default seed is 1")
    equal(len(quiz_json(path, "-n", "3")[1]), 3, "-n 3: three questions")


def errors(tmp):
    arp = os.path.join(tmp, "arp.pcap")
    pcap(arp, [b"\xff" * 6 + b"\x02\0\0\0\0\x05\x08\x06" + bytes([0, 1, 8, 0, 6, 4, 0, 1]) + bytes(20)])
    rc, out, err = run([LAYERSCOPE, "quiz", "--answers", arp])
    equal(rc, 1, "an ARP-only capture: exit 1")
    check("nothing to ask" in err and "no TCP or UDP conversation" in err, "it says why: %r" % err)
    rc, out, err = run([LAYERSCOPE, "quiz", "--answers", os.path.join(tmp, "absent.pcap")])
    equal(rc, 1, "a missing capture: exit 1")
    rc, out, err = run([LAYERSCOPE, "quiz", "-n", "0", arp])
    equal(rc, 2, "-n 0: a usage error")
    rc, out, err = run([LAYERSCOPE, "quiz", "-f", "xml", arp])
    equal(rc, 2, "-f xml: a usage error")
    with open(os.path.join(CAPTURES, "exercise.pcap"), "rb") as fp:
        p = subprocess.run([LAYERSCOPE, "quiz", "-"], stdin=fp, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    equal(p.returncode, 2, "the capture on stdin without --answers: exit 2")
    check(b"--answers" in p.stderr, "and says to use --answers")
    with open(os.path.join(CAPTURES, "exercise.pcap"), "rb") as fp:
        p = subprocess.run([LAYERSCOPE, "quiz", "-f", "json", "-"], stdin=fp, stdout=subprocess.PIPE)
    equal(p.returncode, 0, "the capture on stdin with -f json")
    rc, out, err = run([LAYERSCOPE, "quiz", "--calls", os.path.join(tmp, "none.calls"),
                        os.path.join(CAPTURES, "exercise.pcap")])
    equal(rc, 1, "--calls naming no file: exit 1")


def live(tmp):
    """A capture recorded now by the demo (root: a live capture on lo)."""
    if os.geteuid() != 0:
        print("SKIP live: demo -w needs root")
        return
    path = os.path.join(tmp, "demo.pcap")
    try:
        p = subprocess.run([LAYERSCOPE, "demo", "--color", "never", "--clients", "2", "-w", path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    except subprocess.TimeoutExpired:
        check(False, "demo -w did not finish in 60 s")
        return
    if not check(p.returncode == 0, "demo -w: exit %d %s" % (p.returncode, p.stderr.decode()[-300:])):
        return
    kinds = check_evidence(path, "demo -w capture")
    must = {"client-address", "ephemeral-port", "conversations", "syn-ack-before-accept",
            "handshake-complete", "recv-bytes", "teardown-start"}
    check(must <= kinds, "demo -w capture: asks %s (missing %s)" % (sorted(must), sorted(must - kinds)))
    print("ok   demo -w capture: %d kinds (%s)" % (len(kinds), ", ".join(sorted(kinds))))


def main():
    tmp = tempfile.mkdtemp(prefix="quiz.", dir=os.environ.get("top_builddir") or None)
    try:
        bundled = sorted(f for f in os.listdir(CAPTURES) if f.endswith(".pcap"))
        check(len(bundled) >= 12, "the bundled captures are there")
        for name in bundled:
            kinds = check_evidence(os.path.join(CAPTURES, name), name)
            print("ok   %s: %d kinds (%s)" % (name, len(kinds), ", ".join(sorted(kinds))))
        generated(tmp)
        interactive(tmp)
        errors(tmp)
        live(tmp)
    finally:
        subprocess.run(["rm", "-rf", tmp])
    finish()


main()
