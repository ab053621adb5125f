#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""make-options.py: writes options.pcap, IPv4 and TCP options by kind, for the golden tests.

    1  IPv4 record route (RFC 791), two of three slots filled, then EOL
    2  IPv4 timestamp, timestamps only (flag 0), two entries
    3  IPv4 timestamp with addresses (flag 1), one entry
    4  IPv4 loose source route, then NOP and EOL
    5  IPv4 strict source route
    6  IPv4 router alert (RFC 2113), value 0
    7  TCP SYN with a Fast Open cookie request (RFC 7413, kind 34 length 2)
    8  TCP SYN with a Fast Open cookie of 8 bytes and MSS
    9  TCP SYN with Multipath TCP MP_CAPABLE version 1 (RFC 8684, kind 30)
   10  TCP ACK with MPTCP DSS (subtype 2)
   11  TCP SYN with an unknown option (kind 253, RFC 6994's experimental)

    make-options.py OUT.pcap
"""
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the captures
from pcapgen import LINKTYPE_EN10MB, csum, numbered, write_pcap  # noqa: E402

A, B = bytes([10, 1, 1, 5]), bytes([10, 1, 1, 1])
HOPS = [bytes([10, 2, 0, 1]), bytes([10, 3, 0, 1]), bytes([10, 4, 0, 1])]
MAC_A, MAC_B = bytes.fromhex("020000000005"), bytes.fromhex("020000000001")


def ipv4(proto, body, opts=b"", ident=1):
    opts += bytes(-len(opts) % 4)
    ihl = 5 + len(opts) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(body), ident, 0x4000, 64, proto, 0, A, B) + opts
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return MAC_B + MAC_A + struct.pack("!H", 0x0800) + hdr + body


def udp(payload, final=B, sport=40000, dport=8082):
    """The pseudo-header holds the final destination: a source route's last hop (RFC 1122 4.1.3.2)."""
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    pseudo = A + final + struct.pack("!BBH", 0, 17, len(seg))
    return seg[:6] + struct.pack("!H", csum(pseudo + seg) or 0xFFFF) + seg[8:]


def tcp(flags, opts, sport, seq=1000, ack=0):
    opts += b"\x01" * (-len(opts) % 4)
    off = (20 + len(opts)) // 4
    seg = struct.pack("!HHIIBBHHH", sport, 8082, seq, ack, off << 4, flags, 65535, 0, 0) + opts
    pseudo = A + B + struct.pack("!BBH", 0, 6, len(seg))
    return seg[:16] + struct.pack("!H", csum(pseudo + seg)) + seg[18:]


def main():
    rr = struct.pack("!BBB", 7, 3 + 12, 4 + 8) + HOPS[0] + HOPS[1] + bytes(4) + b"\x00"
    ts0 = struct.pack("!BBBB", 68, 4 + 8, 5 + 8, 0) + struct.pack("!II", 1000, 2000)
    ts1 = struct.pack("!BBBB", 68, 4 + 8, 5 + 8, 1) + HOPS[0] + struct.pack("!I", 3000)
    lsrr = struct.pack("!BBB", 131, 3 + 8, 4) + HOPS[1] + HOPS[2] + b"\x01\x00"
    ssrr = struct.pack("!BBB", 137, 3 + 4, 4) + HOPS[2]
    ra = struct.pack("!BBH", 148, 4, 0)
    frames = [ipv4(17, udp(b"hello", final), o, i + 1)
              for i, (o, final) in enumerate([(rr, B), (ts0, B), (ts1, B), (lsrr, HOPS[2]), (ssrr, HOPS[2]), (ra, B)])]
    mss = struct.pack("!BBH", 2, 4, 1460)
    frames += [
        ipv4(6, tcp(0x02, mss + struct.pack("!BB", 34, 2), 40007), ident=7),
        ipv4(6, tcp(0x02, mss + struct.pack("!BB", 34, 10) + bytes.fromhex("0123456789abcdef"), 40008), ident=8),
        ipv4(6, tcp(0x02, mss + struct.pack("!BBBB", 30, 12, 0x01, 0x81) + bytes.fromhex("1122334455667788"), 40009),
             ident=9),
        ipv4(6, tcp(0x10, struct.pack("!BBBB", 30, 8, 0x20, 0x01) + struct.pack("!I", 4242), 40010, ack=1), ident=10),
        ipv4(6, tcp(0x02, mss + struct.pack("!BBH", 253, 4, 0x1234), 40011), ident=11),
    ]
    write_pcap(sys.argv[1], LINKTYPE_EN10MB, numbered(frames), snaplen=65535)


if __name__ == "__main__":
    main()
