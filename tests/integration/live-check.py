#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""live-check.py: assertions on `layerscope live -f json` output for live.sh.

  live-check.py exchange LIVE.json PORT CLIENT_PORT SERVER_PID CLIENT_PID MSGLEN
      the connection's frames: 3-way handshake, data both ways, FIN teardown,
      the right ports, and the owning process of each side
  live-check.py same LIVE.json READ.json
      `read -f json` of the -w file equals what live showed, less the live-only
      "process" objects
"""
import json
import sys

errors = []


def check(cond, what):
    if not cond:
        errors.append(what)


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def tcp(frame):
    for layer in frame["layers"]:
        if layer["proto"] == "tcp":
            return layer
    return None


def exchange(path, port, cport, srv, cli, msglen):
    frames = load(path)
    conn = []
    for f in frames:
        t = tcp(f)
        if t is not None and {t["sport"], t["dport"]} == {port, cport}:
            conn.append((f, t, t["sport"] == cport))
    check(len(conn) >= 8, "the connection has %d frames, fewer than a handshake, "
          "two data segments and a teardown" % len(conn))
    if len(conn) < 3:
        return
    flags = [set(t["flags"]) for _, t, _ in conn]
    check(flags[0] == {"SYN"} and conn[0][2], "frame 1 is not the client's SYN: %s" % flags[0])
    check(flags[1] == {"SYN", "ACK"} and not conn[1][2], "frame 2 is not the server's SYN-ACK: %s" % flags[1])
    check(flags[2] == {"ACK"} and conn[2][2], "frame 3 is not the client's ACK: %s" % flags[2])
    for f, t, c2s in conn:
        want = (cport, port) if c2s else (port, cport)
        check((t["sport"], t["dport"]) == want, "frame %d ports %s" % (f["frame"], (t["sport"], t["dport"])))
    c2s_data = sum(t["payload_length"] for _, t, c2s in conn if c2s)
    s2c_data = sum(t["payload_length"] for _, t, c2s in conn if not c2s)
    check(c2s_data == msglen, "client sent %d payload bytes, not %d" % (c2s_data, msglen))
    check(s2c_data == msglen, "server echoed %d payload bytes, not %d" % (s2c_data, msglen))
    fins = [i for i, (_, t, _) in enumerate(conn) if "FIN" in t["flags"]]
    check(any(conn[i][2] for i in fins) and any(not conn[i][2] for i in fins),
          "no FIN from both sides: %s" % [conn[i][0]["frame"] for i in fins])
    first_data = min((i for i, (_, t, _) in enumerate(conn) if t["payload_length"]), default=len(conn))
    check(all(i > first_data for i in fins), "a FIN before the data")
    check(flags[-1] == {"ACK"} and fins and len(conn) - 1 > max(fins),
          "the last frame is not the ACK of the last FIN: %s" % flags[-1])
    check(all("RST" not in t["flags"] for _, t, _ in conn), "the connection was reset")

    # Owners: the handshake's first frame and the data must show both; none may be wrong.
    must = [0] + [i for i, (_, t, _) in enumerate(conn) if t["payload_length"]]
    for i, (f, t, c2s) in enumerate(conn):
        proc = f.get("process")
        want_src, want_dst = (cli, srv) if c2s else (srv, cli)
        if proc is None:
            check(i not in must, "frame %d shows no process" % f["frame"])
            continue
        for side, want in (("src", want_src), ("dst", want_dst)):
            got = proc.get(side)
            if got is None:
                check(i not in must, "frame %d shows no %s process" % (f["frame"], side))
            else:
                check(got["pid"] == want, "frame %d: %s process %s, not pid %d"
                      % (f["frame"], side, got, want))


def same(live_path, read_path):
    live, read = load(live_path), load(read_path)
    for f in live:
        f.pop("process", None)
    check(len(live) == len(read), "live showed %d frames, the file has %d" % (len(live), len(read)))
    for a, b in zip(live, read):
        if a != b:
            check(False, "frame %d differs:\n live %s\n read %s" % (a.get("frame"), a, b))
            break


if __name__ == "__main__":
    if sys.argv[1] == "exchange":
        exchange(sys.argv[2], *[int(x) for x in sys.argv[3:8]])
    elif sys.argv[1] == "same":
        same(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
    for e in errors:
        print("  " + e)
    sys.exit(1 if errors else 0)
