#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""make-bad-checksums.py: writes bad-checksums.pcap, frames whose checksums lie, for the golden tests.

Each frame is built right, then one checksum is set wrong (or to what checksum
offload leaves, or to UDP's "none"), so the decoder must tell each case apart:

    1  TCP over IPv4, checksum correct
    2  TCP over IPv4, checksum incorrect
    3  TCP over IPv4, the pseudo-header sum only: unverified (offload), not incorrect
    4  UDP over IPv4, checksum incorrect
    5  UDP over IPv4, checksum 0: none computed (RFC 768)
    6  ICMP echo request, checksum incorrect
    7  IPv4 header checksum incorrect (the TCP checksum right)
    8  ICMPv6 echo request, checksum incorrect
    9  UDP over IPv6, checksum incorrect

    make-bad-checksums.py OUT.pcap
"""
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the captures
from pcapgen import LINKTYPE_EN10MB, csum, numbered, word_sum, write_pcap  # noqa: E402

CLIENT4, SERVER4 = bytes([10, 1, 1, 5]), bytes([10, 1, 1, 1])
CLIENT6 = bytes.fromhex("fd000000000000000000000000000005")
SERVER6 = bytes.fromhex("fd000000000000000000000000000001")
MAC_C, MAC_S = bytes.fromhex("020000000005"), bytes.fromhex("020000000001")


def pseudo4(proto, n):
    return CLIENT4 + SERVER4 + struct.pack("!BBH", 0, proto, n)


def pseudo6(proto, n):
    return CLIENT6 + SERVER6 + struct.pack("!IxxxB", n, proto)


def eth(etype, body):
    return MAC_S + MAC_C + struct.pack("!H", etype) + body


def ipv4(proto, l4, ident, bad_header=False):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0x4000, 64, proto, 0, CLIENT4, SERVER4)
    s = csum(hdr)
    if bad_header:
        s ^= 0x0101
    return eth(0x0800, hdr[:10] + struct.pack("!H", s) + hdr[12:] + l4)


def ipv6(nh, l4):
    return eth(0x86DD, struct.pack("!IHBB", 6 << 28, len(l4), nh, 64) + CLIENT6 + SERVER6 + l4)


def tcp(payload, sum_of, seq):
    """A PSH-ACK segment; sum_of(pseudo, segment without checksum) gives the field."""
    seg = struct.pack("!HHIIBBHHH", 43248, 8082, seq, 2000, 5 << 4, 0x18, 502, 0, 0) + payload
    field = sum_of(pseudo4(6, len(seg)), seg)
    return seg[:16] + struct.pack("!H", field) + seg[18:]


def udp(pseudo, payload, sum_of):
    dgram = struct.pack("!HHHH", 35266, 8082, 8 + len(payload), 0) + payload
    field = sum_of(pseudo(17, len(dgram)), dgram)
    return dgram[:6] + struct.pack("!H", field) + dgram[8:]


def right(ph, data):
    return csum(ph + data)


def wrong(ph, data):
    return right(ph, data) ^ 0x1234


def offload(ph, data):
    return word_sum(ph)  # the pseudo-header sum alone


def icmp_echo(typ, pseudo=None):
    msg = struct.pack("!BBHHH", typ, 0, 0, 0x1234, 1) + b"ping"
    s = csum((pseudo(58, len(msg)) if pseudo else b"") + msg) ^ 0x00FF
    return msg[:2] + struct.pack("!H", s) + msg[4:]


MSG = b"Hello, checksums!"
frames = [
    ipv4(6, tcp(MSG, right, 1000), 1),
    ipv4(6, tcp(MSG, wrong, 1000 + len(MSG)), 2),
    ipv4(6, tcp(MSG, offload, 1000 + 2 * len(MSG)), 3),
    ipv4(17, udp(pseudo4, MSG, wrong), 4),
    ipv4(17, udp(pseudo4, MSG, lambda ph, d: 0), 5),
    ipv4(1, icmp_echo(8), 6),
    ipv4(6, tcp(MSG, right, 1000 + 3 * len(MSG)), 7, bad_header=True),
    ipv6(58, icmp_echo(128, pseudo6)),
    ipv6(17, udp(pseudo6, MSG, wrong)),
]

write_pcap(sys.argv[1], LINKTYPE_EN10MB, numbered(frames), snaplen=65535)
