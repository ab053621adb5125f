#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""make-nd.py: writes nd.pcap, IPv6 Neighbor Discovery (RFC 4861) between a host and a router, for the golden tests.

    1  router solicitation from the host, with its link-layer address
    2  router advertisement: hop limit 64, M and O flags, lifetime 1800 s, reachable and
       retransmission timers, its link-layer address, the MTU, a prefix 2001:db8:1::/64
       (on-link, autonomous) and a DNS server (RFC 8106)
    3  neighbor solicitation for the router's global address, from the host
    4  neighbor advertisement from the router: router, solicited, override, its link-layer address
    5  redirect from the router: 2001:db8:2::9 is better reached through fe80::2
    6  neighbor solicitation shorter than its 24-byte fixed part (malformed: RFC 4861 discards it)
    7  neighbor solicitation whose option says length 0 (invalid, RFC 4861 4.6)

    make-nd.py OUT.pcap
"""
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the captures
from pcapgen import LINKTYPE_EN10MB, csum, numbered, write_pcap  # noqa: E402

HOST_MAC, ROUTER_MAC, OTHER_MAC = (bytes.fromhex(x) for x in ("020000000005", "020000000001", "020000000002"))
HOST_LL = bytes.fromhex("fe800000000000000000000000000005")
ROUTER_LL = bytes.fromhex("fe800000000000000000000000000001")
OTHER_LL = bytes.fromhex("fe800000000000000000000000000002")
ROUTER_G = bytes.fromhex("20010db8000100000000000000000001")
HOST_G = bytes.fromhex("20010db8000100000000000000000005")
FAR = bytes.fromhex("20010db8000200000000000000000009")
ALL_NODES, ALL_ROUTERS = bytes.fromhex("ff020000000000000000000000000001"), bytes.fromhex("ff020000000000000000000000000002")


def solicited_node(a):
    return bytes.fromhex("ff0200000000000000000001ff") + a[13:]


def mcast_mac(a):
    return b"\x33\x33" + a[12:]


def icmpv6(src, dst, typ, rest, body):
    msg = struct.pack("!BBH", typ, 0, 0) + rest + body
    pseudo = src + dst + struct.pack("!IxxxB", len(msg), 58)
    return msg[:2] + struct.pack("!H", csum(pseudo + msg)) + msg[4:]


def frame(smac, dmac, src, dst, msg):
    ip = struct.pack("!IHBB", 6 << 28, len(msg), 58, 255) + src + dst
    return dmac + smac + struct.pack("!H", 0x86DD) + ip + msg


def opt_lladdr(kind, mac):
    return struct.pack("!BB", kind, 1) + mac


def main():
    rs = icmpv6(HOST_LL, ALL_ROUTERS, 133, bytes(4), opt_lladdr(1, HOST_MAC))
    ra_body = struct.pack("!II", 30000, 1000) + opt_lladdr(1, ROUTER_MAC) + \
        struct.pack("!BBHI", 5, 1, 0, 1500) + \
        struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 86400, 14400, 0) + bytes.fromhex("20010db8000100000000000000000000") + \
        struct.pack("!BBHI", 25, 3, 0, 600) + ROUTER_G
    ra = icmpv6(ROUTER_LL, ALL_NODES, 134, struct.pack("!BBH", 64, 0xC0, 1800), ra_body)
    ns = icmpv6(HOST_G, solicited_node(ROUTER_G), 135, bytes(4), ROUTER_G + opt_lladdr(1, HOST_MAC))
    na = icmpv6(ROUTER_G, HOST_G, 136, struct.pack("!I", 0xE0000000), ROUTER_G + opt_lladdr(2, ROUTER_MAC))
    quoted = frame(HOST_MAC, ROUTER_MAC, HOST_G, FAR, icmpv6(HOST_G, FAR, 128, struct.pack("!HH", 7, 1), b"hi"))[14:]
    quoted += bytes(-len(quoted) % 8)
    rd = icmpv6(ROUTER_LL, HOST_LL, 137, bytes(4), OTHER_LL + FAR + opt_lladdr(2, OTHER_MAC) +
                struct.pack("!BB6x", 4, 1 + len(quoted) // 8) + quoted)
    short = icmpv6(HOST_LL, solicited_node(ROUTER_LL), 135, bytes(4), ROUTER_LL[:8])
    zero = icmpv6(HOST_LL, solicited_node(ROUTER_LL), 135, bytes(4), ROUTER_LL + struct.pack("!BB6x", 1, 0))
    frames = [
        frame(HOST_MAC, mcast_mac(ALL_ROUTERS), HOST_LL, ALL_ROUTERS, rs),
        frame(ROUTER_MAC, mcast_mac(ALL_NODES), ROUTER_LL, ALL_NODES, ra),
        frame(HOST_MAC, mcast_mac(solicited_node(ROUTER_G)), HOST_G, solicited_node(ROUTER_G), ns),
        frame(ROUTER_MAC, HOST_MAC, ROUTER_G, HOST_G, na),
        frame(ROUTER_MAC, HOST_MAC, ROUTER_LL, HOST_LL, rd),
        frame(HOST_MAC, mcast_mac(solicited_node(ROUTER_LL)), HOST_LL, solicited_node(ROUTER_LL), short),
        frame(HOST_MAC, mcast_mac(solicited_node(ROUTER_LL)), HOST_LL, solicited_node(ROUTER_LL), zero),
    ]
    write_pcap(sys.argv[1], LINKTYPE_EN10MB, numbered(frames), snaplen=65535)


if __name__ == "__main__":
    main()
