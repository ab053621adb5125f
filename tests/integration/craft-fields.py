#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""craft-fields.py: `craft ... -w FILE` for every kind of frame; `layerscope read -f json`
and `tshark -T json` (checksum checks on) both show exactly the fields asked for.
Writes files only: nothing is sent, no privilege is needed."""
import json
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from craftlib import (LAYERSCOPE, TSHARK, check, cleanup, decoded, equal, finish,  # noqa: E402
                      layer, read_json, run, workdir)

LO_MAC = "00:00:00:00:00:00"
TCP_FLAG_BITS = {"FIN": 1, "SYN": 2, "RST": 4, "PSH": 8, "ACK": 16, "URG": 32, "ECE": 64, "CWR": 128}

# Each case: the command line, then what each layer must say.  `link` means an
# Ethernet header built here (-i); without it the file is raw IP.
CASES = [
    dict(name="tcp4-syn-mss-payload",
         args=["tcp", "--to", "127.0.0.1:8082", "--from", "127.0.0.1:40000", "--flags", "S",
               "--seq", "1000", "--ack", "0", "--win", "512", "--mss", "1460", "--payload", "hello"],
         ip=dict(v=4, src="127.0.0.1", dst="127.0.0.1", ttl=64, proto=6),
         tcp=dict(sport=40000, dport=8082, flags=["SYN"], seq=1000, ack=0, window=512, mss=1460),
         payload="hello"),
    dict(name="tcp4-fin-psh-ack-extremes",
         args=["tcp", "--to", "10.1.1.1:8082", "--from", "10.1.1.5:65535", "--flags", "FP.",
               "--seq", "4294967295", "--ack", "123456789", "--win", "0", "--ttl", "7",
               "--payload", "bye"],
         ip=dict(v=4, src="10.1.1.5", dst="10.1.1.1", ttl=7, proto=6),
         tcp=dict(sport=65535, dport=8082, flags=["FIN", "PSH", "ACK"], seq=4294967295,
                  ack=123456789, window=0, mss=None),
         payload="bye"),
    dict(name="tcp4-flag-names",
         args=["tcp", "--to", "10.1.1.1:0", "--from", "10.1.1.5:1", "--flags", "syn,ece,cwr",
               "--seq", "0", "--win", "65535"],
         ip=dict(v=4, src="10.1.1.5", dst="10.1.1.1", ttl=64, proto=6),
         tcp=dict(sport=1, dport=0, flags=["SYN", "ECE", "CWR"], seq=0, ack=0, window=65535, mss=None),
         payload=None),
    dict(name="tcp4-urg-rst-letters",
         args=["tcp", "--to", "127.0.0.1:8082", "--from", "127.0.0.1:40001", "--flags", "RU",
               "--seq", "77", "--win", "100"],
         ip=dict(v=4, src="127.0.0.1", dst="127.0.0.1", ttl=64, proto=6),
         tcp=dict(sport=40001, dport=8082, flags=["RST", "URG"], seq=77, ack=0, window=100, mss=None),
         payload=None),
    dict(name="tcp6-syn-ack",
         args=["tcp", "--to", "[::1]:8082", "--from", "[::1]:40002", "--flags", "S.",
               "--seq", "7", "--ack", "9", "--win", "1000", "--mss", "1440", "--payload", "hi6"],
         ip=dict(v=6, src="::1", dst="::1", ttl=64, proto=6),
         tcp=dict(sport=40002, dport=8082, flags=["SYN", "ACK"], seq=7, ack=9, window=1000, mss=1440),
         payload="hi6"),
    dict(name="tcp4-link-lo",
         args=["tcp", "--to", "127.0.0.1:8082", "--from", "127.0.0.1:40003", "--seq", "1", "-i", "lo"],
         link=dict(src=LO_MAC, dst=LO_MAC, type=0x0800),
         ip=dict(v=4, src="127.0.0.1", dst="127.0.0.1", ttl=64, proto=6),
         tcp=dict(sport=40003, dport=8082, flags=["SYN"], seq=1, ack=0, window=64240, mss=None),
         payload=None),
    dict(name="tcp6-link-dst-mac",
         args=["tcp", "--to", "[2001:db8::1]:8082", "--from", "[2001:db8::5]:40004", "--seq", "2",
               "-i", "lo", "--dst-mac", "02:00:00:00:00:01", "--payload", "x"],
         link=dict(src=LO_MAC, dst="02:00:00:00:00:01", type=0x86dd),
         ip=dict(v=6, src="2001:db8::5", dst="2001:db8::1", ttl=64, proto=6),
         tcp=dict(sport=40004, dport=8082, flags=["SYN"], seq=2, ack=0, window=64240, mss=None),
         payload="x"),
    dict(name="udp4",
         args=["udp", "--to", "127.0.0.1:9999", "--from", "127.0.0.1:5555", "--payload", "hello udp"],
         ip=dict(v=4, src="127.0.0.1", dst="127.0.0.1", ttl=64, proto=17),
         udp=dict(sport=5555, dport=9999), payload="hello udp"),
    dict(name="udp4-empty",
         args=["udp", "--to", "10.1.1.1:8082", "--from", "10.1.1.5:40000", "--ttl", "1"],
         ip=dict(v=4, src="10.1.1.5", dst="10.1.1.1", ttl=1, proto=17),
         udp=dict(sport=40000, dport=8082), payload=None),
    dict(name="udp6",
         args=["udp", "--to", "[::1]:9999", "--from", "[::1]:5556", "--payload", "hello v6"],
         ip=dict(v=6, src="::1", dst="::1", ttl=64, proto=17),
         udp=dict(sport=5556, dport=9999), payload="hello v6"),
    dict(name="icmp4-echo",
         args=["icmp", "echo", "--to", "127.0.0.1", "--from", "127.0.0.1", "--id", "77", "--seq", "5",
               "--payload", "ping"],
         ip=dict(v=4, src="127.0.0.1", dst="127.0.0.1", ttl=64, proto=1),
         icmp=dict(id=77, seq=5), payload="ping"),
    dict(name="icmp6-echo",
         args=["icmp", "echo", "--to", "::1", "--from", "::1", "--id", "65535", "--seq", "0",
               "--payload", "ping6"],
         ip=dict(v=6, src="::1", dst="::1", ttl=64, proto=58),
         icmp=dict(id=65535, seq=0), payload="ping6"),
    dict(name="arp-who-has",
         args=["arp", "who-has", "10.9.8.7", "-i", "lo", "--from", "10.9.8.1"],
         link=dict(src=LO_MAC, dst="ff:ff:ff:ff:ff:ff", type=0x0806),
         arp=dict(sha=LO_MAC, spa="10.9.8.1", tha=LO_MAC, tpa="10.9.8.7"), payload=None),
    dict(name="tcp4-count-3",
         args=["tcp", "--to", "127.0.0.1:8082", "--from", "127.0.0.1:40005", "--seq", "9", "-c", "3"],
         count=3,
         ip=dict(v=4, src="127.0.0.1", dst="127.0.0.1", ttl=64, proto=6),
         tcp=dict(sport=40005, dport=8082, flags=["SYN"], seq=9, ack=0, window=64240, mss=None),
         payload=None),
]


# ---- layerscope's view -------------------------------------------------------

def ls_link(f, c, what):
    l = layer(f, "eth")
    if not check(l is not None, what + ": an eth layer"):
        return
    equal(l["src"], c["link"]["src"], what + ": eth.src")
    equal(l["dst"], c["link"]["dst"], what + ": eth.dst")
    equal(l["type"], c["link"]["type"], what + ": eth.type")


def ls_ip(f, c, off, what):
    ip = c["ip"]
    if ip["v"] == 4:
        l = layer(f, "ipv4")
        if not check(l is not None, what + ": an ipv4 layer"):
            return
        equal(l["offset"], off, what + ": ipv4 offset")
        equal(l["ttl"], ip["ttl"], what + ": ipv4.ttl")
        equal(l["checksum_ok"], True, what + ": ipv4.checksum_ok")
        equal(l["total_length"], f["caplen"] - off, what + ": ipv4.total_length")
        equal(l["protocol"], ip["proto"], what + ": ipv4.protocol")
    else:
        l = decoded(f, "ipv6", off, what)
        if l is None:
            return False
        equal(l["hop_limit"], ip["ttl"], what + ": ipv6.hop_limit")
        equal(l["payload_length"], f["caplen"] - off - 40, what + ": ipv6.payload_length")
        equal(l["next_header"], ip["proto"], what + ": ipv6.next_header")
    equal(l["src"], ip["src"], what + ": ip src")
    equal(l["dst"], ip["dst"], what + ": ip dst")
    return True


def ls_transport(f, c, off, what):
    if "tcp" in c:
        t = c["tcp"]
        l = layer(f, "tcp")
        if not check(l is not None, what + ": a tcp layer"):
            return
        equal(l["offset"], off, what + ": tcp offset")
        for k in ("sport", "dport", "seq", "ack", "flags", "window"):
            equal(l[k], t[k], what + ": tcp." + k)
        equal(l["flags_raw"], sum(TCP_FLAG_BITS[n] for n in t["flags"]), what + ": tcp.flags_raw")
        equal(l["checksum_ok"], True, what + ": tcp.checksum_ok")
        want = [{"kind": "mss", "value": t["mss"]}] if t["mss"] is not None else []
        equal(l["options"], want, what + ": tcp.options")
        equal(l["data_offset"], 24 if t["mss"] is not None else 20, what + ": tcp.data_offset")
        equal(l["payload_length"], len(c["payload"] or ""), what + ": tcp.payload_length")
    elif "udp" in c:
        l = layer(f, "udp")
        if not check(l is not None, what + ": a udp layer"):
            return
        equal(l["offset"], off, what + ": udp offset")
        equal(l["sport"], c["udp"]["sport"], what + ": udp.sport")
        equal(l["dport"], c["udp"]["dport"], what + ": udp.dport")
        equal(l["length"], 8 + len(c["payload"] or ""), what + ": udp.length")
        equal(l["checksum_ok"], True, what + ": udp.checksum_ok")
    elif "icmp" in c:
        v6 = c["ip"]["v"] == 6
        l = decoded(f, "icmpv6" if v6 else "icmp", off, what)
        if l is None:
            return False
        equal(l["type"], 128 if v6 else 8, what + ": icmp type")
        equal(l["code"], 0, what + ": icmp code")
        equal(l["checksum_ok"], True, what + ": icmp checksum_ok")
        if not v6:
            equal(l["id"], c["icmp"]["id"], what + ": icmp.id")
            equal(l["seq"], c["icmp"]["seq"], what + ": icmp.seq")


def ls_payload(f, c, what):
    p = [l for l in f["layers"] if l["proto"] == "payload" and l.get("layer") == "application"]
    if c["payload"] is None:
        equal(p, [], what + ": no payload layer")
        return
    if check(len(p) == 1, what + ": one application payload layer"):
        equal(p[0]["length"], len(c["payload"]), what + ": payload length")
        if "text" in p[0]:
            equal(p[0]["text"], c["payload"], what + ": payload text")
        equal(p[0]["offset"] + len(c["payload"]), f["caplen"], what + ": payload ends the frame")


def check_layerscope(frames, c, what):
    link = "link" in c
    for i, f in enumerate(frames):
        w = "%s frame %d (layerscope)" % (what, i + 1)
        equal(f["frame"], i + 1, w + ": frame number")
        equal(f["linktype"], "EN10MB" if link else "RAW", w + ": linktype")
        equal(f["caplen"], f["len"], w + ": caplen == len")
        check(not any("malformed" in l for l in f["layers"]), w + ": no malformed layer")
        if link:
            ls_link(f, c, w)
        if "arp" in c:
            a = decoded(f, "arp", 14, w)
            if a is not None:
                equal(a["op"], 1, w + ": arp.op")
                for k in ("sha", "spa", "tha", "tpa"):
                    equal(a[k], c["arp"][k], w + ": arp." + k)
            continue
        off = 14 if link else 0
        if ls_ip(f, c, off, w) is False:
            continue
        if ls_transport(f, c, off + (20 if c["ip"]["v"] == 4 else 40), w) is not False:
            ls_payload(f, c, w)


# ---- tshark's view -----------------------------------------------------------

def tfind(node, key):
    """The first value of `key` anywhere under `node` (tshark nests its trees)."""
    if isinstance(node, dict):
        if key in node:
            return node[key]
        for v in node.values():
            r = tfind(v, key)
            if r is not None:
                return r
    elif isinstance(node, list):
        for v in node:
            r = tfind(v, key)
            if r is not None:
                return r
    return None


def tequal(lay, key, want, what):
    got = tfind(lay, key)
    if isinstance(want, int) and got is not None:
        got = int(got, 0)
    equal(got, want, what + ": " + key)


def ts_transport(L, c, w):
    pay = (c["payload"] or "").encode()
    hexpay = ":".join("%02x" % b for b in pay) if pay else None
    if "tcp" in c:
        t = c["tcp"]
        tcp = L.get("tcp", {})
        tequal(tcp, "tcp.srcport", t["sport"], w)
        tequal(tcp, "tcp.dstport", t["dport"], w)
        tequal(tcp, "tcp.seq_raw", t["seq"], w)
        tequal(tcp, "tcp.ack_raw", t["ack"], w)
        tequal(tcp, "tcp.flags", sum(TCP_FLAG_BITS[n] for n in t["flags"]), w)
        tequal(tcp, "tcp.window_size_value", t["window"], w)
        tequal(tcp, "tcp.options.mss_val", t["mss"], w)
        tequal(tcp, "tcp.checksum.status", 1, w)
        tequal(tcp, "tcp.len", len(pay), w)
        tequal(tcp, "tcp.payload", hexpay, w)
    elif "udp" in c:
        udp = L.get("udp", {})
        tequal(udp, "udp.srcport", c["udp"]["sport"], w)
        tequal(udp, "udp.dstport", c["udp"]["dport"], w)
        tequal(udp, "udp.length", 8 + len(pay), w)
        tequal(udp, "udp.checksum.status", 1, w)
        tequal(udp, "udp.payload", hexpay, w)
    else:
        proto, echo, ident, seq = ICMP_KEYS[c["ip"]["v"]]
        icmp = L.get(proto, {})
        tequal(icmp, proto + ".type", echo, w)
        tequal(icmp, proto + ".code", 0, w)
        tequal(icmp, ident, c["icmp"]["id"], w)
        tequal(icmp, seq, c["icmp"]["seq"], w)
        tequal(icmp, proto + ".checksum.status", 1, w)
        tequal(L, "data.data", hexpay, w)


# tshark's names for an echo request: protocol, type, identifier, sequence number.
ICMP_KEYS = {4: ("icmp", 8, "icmp.ident", "icmp.seq"),
             6: ("icmpv6", 128, "icmpv6.echo.identifier", "icmpv6.echo.sequence_number")}


def check_tshark(path, c, what):
    rc, out, err = run([TSHARK, "-n", "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                        "-o", "udp.check_checksum:TRUE", "-r", path, "-T", "json"])
    if not equal(rc, 0, what + ": tshark exit status"):
        return
    pkts = json.loads(out)
    equal(len(pkts), c.get("count", 1), what + ": tshark frame count")
    for i, p in enumerate(pkts):
        L = p["_source"]["layers"]
        w = "%s frame %d (tshark)" % (what, i + 1)
        check(tfind(L, "_ws.malformed") is None, w + ": not malformed")
        if "link" in c:
            tequal(L.get("eth", {}), "eth.src", c["link"]["src"], w)
            tequal(L.get("eth", {}), "eth.dst", c["link"]["dst"], w)
            tequal(L.get("eth", {}), "eth.type", c["link"]["type"], w)
        if "arp" in c:
            arp = L.get("arp", {})
            tequal(arp, "arp.opcode", 1, w)
            tequal(arp, "arp.src.hw_mac", c["arp"]["sha"], w)
            tequal(arp, "arp.src.proto_ipv4", c["arp"]["spa"], w)
            tequal(arp, "arp.dst.hw_mac", c["arp"]["tha"], w)
            tequal(arp, "arp.dst.proto_ipv4", c["arp"]["tpa"], w)
            continue
        ip = c["ip"]
        if ip["v"] == 4:
            tequal(L.get("ip", {}), "ip.src", ip["src"], w)
            tequal(L.get("ip", {}), "ip.dst", ip["dst"], w)
            tequal(L.get("ip", {}), "ip.ttl", ip["ttl"], w)
            tequal(L.get("ip", {}), "ip.proto", ip["proto"], w)
            tequal(L.get("ip", {}), "ip.checksum.status", 1, w)
        else:
            tequal(L.get("ipv6", {}), "ipv6.src", ip["src"], w)
            tequal(L.get("ipv6", {}), "ipv6.dst", ip["dst"], w)
            tequal(L.get("ipv6", {}), "ipv6.hlim", ip["ttl"], w)
            tequal(L.get("ipv6", {}), "ipv6.nxt", ip["proto"], w)
        ts_transport(L, c, w)


def main():
    d = workdir("fields")
    try:
        for c in CASES:
            path = os.path.join(d, c["name"] + ".pcap")
            rc, out, err = run([LAYERSCOPE, "craft"] + c["args"] + ["-w", path, "-f", "json"])
            if not equal(rc, 0, "%s: craft exit status (%s)" % (c["name"], err.strip())):
                continue
            check("nothing was sent" in err, c["name"] + ": says nothing was sent")
            shown = [json.loads(x) for x in out.splitlines() if x.strip()]
            frames = read_json(path)
            equal(len(frames), c.get("count", 1), c["name"] + ": frames in the file")
            # What craft shows is what read shows of the file it wrote.
            equal(shown, frames, c["name"] + ": craft's JSON equals read's JSON of the file")
            check_layerscope(frames, c, c["name"])
            if TSHARK:
                check_tshark(path, c, c["name"])
            else:
                print("note: no tshark; its half of the comparison is skipped")
    finally:
        cleanup(d)
    finish()


if __name__ == "__main__":
    main()
