#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""make-fixtures.py: writes the project's own small captures, one per situation the
golden cases on the peer corpora test, so a fresh clone (no ../shared) covers the same ground.

Every frame is built here from the protocol's rules (nothing is copied from
another capture); checksums are right unless the situation is a broken header.

    make-fixtures.py DIR      writes DIR/fx-*.pcap and DIR/fx-*.pcapng

The table in README.md says what each file shows.
"""
import os
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the captures
from pcapgen import (LINKTYPE_DBUS, LINKTYPE_EN10MB, LINKTYPE_NULL, LINKTYPE_RAW, LINKTYPE_SLL,  # noqa: E402
                     LINKTYPE_SLL2, csum, write_pcap, write_pcapng)

LO4 = bytes([127, 0, 0, 1])
A4, B4 = bytes([192, 0, 2, 10]), bytes([192, 0, 2, 20])          # RFC 5737 documentation addresses
A6 = bytes.fromhex("20010db8000000000000000000000010")            # RFC 3849 documentation prefix
B6 = bytes.fromhex("20010db8000000000000000000000020")
R6 = bytes.fromhex("20010db8000000000000000000000099")
MAC_A, MAC_B = bytes.fromhex("020000000a0a"), bytes.fromhex("020000001414")
ZERO_MAC = bytes(6)

T0 = 1767225600  # 2026-01-01 00:00:00 UTC


# --- link layers -----------------------------------------------------------

def eth(etype, body, src=MAC_A, dst=MAC_B):
    return dst + src + struct.pack("!H", etype) + body


def vlan(tags, etype, body, src=MAC_A, dst=MAC_B):
    """Ethernet with 802.1Q/802.1ad tags: tags is a list of (TPID, VLAN id)."""
    out = dst + src
    for tpid, vid in tags:
        out += struct.pack("!HH", tpid, vid)
    return out + struct.pack("!H", etype) + body


def sll(etype, body, pkttype=0):
    """Linux cooked v1 (16 bytes): packet type, ARPHRD, address length, address, protocol."""
    return struct.pack("!HHH8sH", pkttype, 772, 6, ZERO_MAC, etype) + body  # 772: ARPHRD_LOOPBACK


def sll2(etype, body, pkttype=0, ifindex=1):
    """Linux cooked v2 (20 bytes): protocol first, then the interface index."""
    return struct.pack("!HHIHBB8s", etype, 0, ifindex, 772, pkttype, 6, ZERO_MAC) + body


# --- network layers --------------------------------------------------------

def ipv4(proto, l4, src, dst, ident=1, ihl=5, total=None, ttl=64, options=b""):
    total = 20 + len(options) + len(l4) if total is None else total
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total, ident, 0x4000, ttl, proto, 0, src, dst) + options
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + l4


def ipv6(nh, payload, src, dst, version=6, plen=None):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB", version << 28, plen, nh, 64) + src + dst + payload


def pseudo4(src, dst, proto, n):
    return src + dst + struct.pack("!BBH", 0, proto, n)


def pseudo6(src, dst, proto, n):
    return src + dst + struct.pack("!IxxxB", n, proto)


# --- transport layers ------------------------------------------------------

FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x100


def tcp(sport, dport, seq, ack, flags, payload=b"", options=b"", win=65535, urp=0, pseudo=None):
    """A TCP segment; flags may hold AE (bit 8, RFC 9768) beside the eight flags; pseudo(n) gives the
    pseudo-header for the checksum."""
    options += b"\0" * (-len(options) % 4)
    off = (20 + len(options)) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4 | flags >> 8, flags & 0xFF,
                      win, 0, urp) + options + payload
    return seg[:16] + struct.pack("!H", csum(pseudo(len(seg)) + seg)) + seg[18:]


def udp(sport, dport, payload, pseudo):
    d = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    s = csum(pseudo(len(d)) + d) or 0xFFFF
    return d[:6] + struct.pack("!H", s) + d[8:]


def tcp4(src, dst, *args, ident=1, **kw):
    seg = tcp(*args, pseudo=lambda n: pseudo4(src, dst, 6, n), **kw)
    return ipv4(6, seg, src, dst, ident=ident)


def udp4(src, dst, sport, dport, payload, ident=1):
    return ipv4(17, udp(sport, dport, payload, lambda n: pseudo4(src, dst, 17, n)), src, dst, ident=ident)


def icmp4(src, dst, typ, ident, seq, data, ipid=1):
    m = struct.pack("!BBHHH", typ, 0, 0, ident, seq) + data
    m = m[:2] + struct.pack("!H", csum(m)) + m[4:]
    return ipv4(1, m, src, dst, ident=ipid)


def icmp6(src, dst, typ, code, body):
    m = struct.pack("!BBH", typ, code, 0) + body
    s = csum(pseudo6(src, dst, 58, len(m)) + m)
    return m[:2] + struct.pack("!H", s) + m[4:]


MSS_WS_SACK = bytes([2, 4, 0xFF, 0xD7, 4, 2, 1, 3, 3, 7])  # MSS 65495, SACK permitted, NOP, WS 7


def tcp_exchange(src, dst, sport, dport, request, reply, isn_c=1000, isn_s=5000):
    """The IPv4 packets of a whole connection: handshake, one request and its reply, FIN both ways.
    After the handshake the window field says 512, scaled by 2^7 (the WS option): 65536 bytes."""
    c, s = isn_c, isn_s
    fwd = lambda seq, ack, fl, data=b"": tcp4(src, dst, sport, dport, seq, ack, fl, data, win=512)
    rev = lambda seq, ack, fl, data=b"": tcp4(dst, src, dport, sport, seq, ack, fl, data, win=512)
    out = [tcp4(src, dst, sport, dport, c, 0, SYN, options=MSS_WS_SACK),
           tcp4(dst, src, dport, sport, s, c + 1, SYN | ACK, options=MSS_WS_SACK),
           fwd(c + 1, s + 1, ACK)]
    c += 1
    s += 1
    out += [fwd(c, s, PSH | ACK, request), rev(s, c + len(request), ACK)]
    c += len(request)
    out += [rev(s, c, PSH | ACK, reply), fwd(c, s + len(reply), ACK)]
    s += len(reply)
    out += [fwd(c, s, FIN | ACK), rev(s, c + 1, FIN | ACK), fwd(c + 1, s + 1, ACK)]
    return out


# --- files -----------------------------------------------------------------

def frames_at(packets, step_us=1000):
    """(seconds, fraction in µs, bytes) for each packet, step_us apart."""
    return [(T0 + i * step_us // 1000000, i * step_us % 1000000, p) for i, p in enumerate(packets)]


# --- the situations --------------------------------------------------------

def loopback_packets():
    """A loopback echo on port 8082 and one UDP datagram: the local captures' exchange."""
    pk = tcp_exchange(LO4, LO4, 43210, 8082, b"hello layers\n", b"hello layers\n")
    pk.append(udp4(LO4, LO4, 50000, 8082, b"ping over udp\n", ident=99))
    return pk


def tcp_flags_packets():
    """One segment per flag combination a connection shows, then the unusual ones (print-flags style)."""
    combos = [SYN, SYN | ACK, ACK, PSH | ACK, URG | ACK, URG | PSH | ACK, FIN | ACK, FIN | PSH | ACK,
              RST, RST | ACK, SYN | ECE | CWR, SYN | ACK | ECE, ECE | ACK, CWR | ACK, FIN, 0,
              FIN | SYN | RST | PSH | ACK | URG | ECE | CWR]
    out = []
    for i, fl in enumerate(combos):
        data = b"x" if fl & PSH else b""
        # Each segment its own port pair: a flow of one, so no tracking heuristic fires.
        out.append(eth(0x0800, tcp4(A4, B4, 40000 + i, 80, 100 + i, 900 if fl & ACK else 0, fl, data,
                                    urp=1 if fl & URG else 0, ident=i + 1)))
    return out


def accecn_packets():
    """RFC 9768 handshake: SYN with AE, CWR, ECE; SYN-ACK with the ACE counter in AE/CWR/ECE;
    then an ACK carrying the AccECN option (kind 172, AccECN0 order)."""
    # Kind 172, length 11: EE0B 1, ECEB 0, EE1B 0 (24 bits each), then two NOPs; three NOPs before it.
    acc = bytes([172, 11, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1])
    return [eth(0x0800, tcp4(A4, B4, 41000, 443, 7000, 0, SYN | AE | CWR | ECE, options=MSS_WS_SACK)),
            eth(0x0800, tcp4(B4, A4, 443, 41000, 9000, 7001, SYN | ACK | AE, options=MSS_WS_SACK), MAC_B, MAC_A),
            eth(0x0800, tcp4(A4, B4, 41000, 443, 7001, 9001, ACK | CWR, options=b"\1" * 3 + acc))]


def mptcp_packets():
    """RFC 8684: MP_CAPABLE on the handshake, then a reset carrying MP_TCPRST (reason 'unspecified')."""
    cap_syn = bytes([30, 4, 0x01, 0x81])                       # version 1, flags A|H
    cap_ack = bytes([30, 20, 0x01, 0x81]) + bytes(range(1, 17))  # both keys
    rst = bytes([30, 4, 0x80, 0x00])                            # subtype 8 (TCPRST), reason 0
    return [eth(0x0800, tcp4(A4, B4, 42000, 443, 1, 0, SYN, options=cap_syn + MSS_WS_SACK)),
            eth(0x0800, tcp4(B4, A4, 443, 42000, 500, 2, SYN | ACK, options=cap_syn + MSS_WS_SACK), MAC_B, MAC_A),
            eth(0x0800, tcp4(A4, B4, 42000, 443, 2, 501, ACK, options=cap_ack)),
            eth(0x0800, tcp4(B4, A4, 443, 42000, 501, 2, RST | ACK, options=rst), MAC_B, MAC_A)]


def dns_query(name, qid):
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", 1, 1)


def dns_answer(name, qid, addr):
    q = dns_query(name, qid)[12:]
    return (struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + q
            + struct.pack("!HHHIH", 0xC00C, 1, 1, 300, 4) + addr)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    p = lambda name: os.path.join(out, name)

    lo = loopback_packets()
    write_pcap(p("fx-lo-nsec.pcap"), LINKTYPE_EN10MB,
               frames_at([eth(0x0800, x, ZERO_MAC, ZERO_MAC) for x in lo]), nsec=True)
    write_pcap(p("fx-lo-sll.pcap"), LINKTYPE_SLL,
               frames_at([sll(0x0800, x, pkttype=0 if i % 2 else 4) for i, x in enumerate(lo)]))
    write_pcap(p("fx-lo-sll2.pcap"), LINKTYPE_SLL2,
               frames_at([sll2(0x0800, x, pkttype=0 if i % 2 else 4) for i, x in enumerate(lo)]))

    # LINKTYPE_RAW: the packet starts at the IPv4 header.
    write_pcap(p("fx-raw-ipv4.pcap"), LINKTYPE_RAW,
               frames_at([udp4(A4, B4, 50001, 9, b"discard me\n"), udp4(B4, A4, 9, 50001, b"", ident=2)]))

    # IPv4 header length 4 words (16 bytes < 20): no header to decode past.
    bad_hlen = ipv4(17, udp(50002, 7, b"echo", lambda n: pseudo4(A4, B4, 17, n)), A4, B4, ihl=4)
    # IPv4 total length 12, shorter than the 20-byte header.
    bad_total = ipv4(17, udp(50003, 7, b"echo", lambda n: pseudo4(A4, B4, 17, n)), A4, B4, total=12)
    write_pcap(p("fx-ipv4-bad-hlen.pcap"), LINKTYPE_EN10MB, frames_at([eth(0x0800, bad_hlen)]))
    write_pcap(p("fx-ipv4-bad-total.pcap"), LINKTYPE_EN10MB, frames_at([eth(0x0800, bad_total)]))

    # IPv6 EtherType carrying version 5.
    ping6 = icmp6(A6, B6, 128, 0, struct.pack("!HH", 7, 1) + b"abcdefgh")
    write_pcap(p("fx-ipv6-bad-version.pcap"), LINKTYPE_EN10MB,
               frames_at([eth(0x86DD, ipv6(58, ping6, A6, B6, version=5))]))

    # IPv6 routing header type 2 (RFC 6275: one address, segments left 1): the packet is for B6 now,
    # and its final destination is R6, so the upper-layer checksum uses R6 (RFC 8200 section 8.1).
    rh = struct.pack("!BBBB4x", 58, 2, 2, 1) + R6
    ping6r = icmp6(A6, R6, 128, 0, struct.pack("!HH", 7, 2) + b"abcdefgh")
    write_pcap(p("fx-ipv6-routing.pcap"), LINKTYPE_EN10MB,
               frames_at([eth(0x86DD, ipv6(43, rh + ping6r, A6, B6))]))

    # IPv6 Hop-by-Hop header cut by the snapshot length (heap-overflow style), then a TCP header cut
    # inside its options: each claims more than was captured.
    hbh = struct.pack("!BB", 58, 0) + bytes([5, 2, 0, 0, 1, 0])  # Router Alert, PadN
    mld = icmp6(A6, B6, 143, 0, bytes(4))
    full6 = eth(0x86DD, ipv6(0, hbh + mld, A6, B6))
    opts = MSS_WS_SACK + bytes([8, 10]) + bytes(8)   # + timestamps
    full4 = eth(0x0800, tcp4(A4, B4, 43000, 80, 1, 0, SYN, options=opts))
    write_pcap(p("fx-ipv6-hbh-cut.pcap"), LINKTYPE_EN10MB, [(T0, 0, full6[:14 + 40 + 4], len(full6))])
    write_pcap(p("fx-tcp-options-cut.pcap"), LINKTYPE_EN10MB,
               [(T0, 0, full4[:14 + 20 + 20 + 7], len(full4)), (T0, 1000, full4[:14 + 20 + 12], len(full4))])

    # A reset whose diagnostic text (RFC 9293 section 3.5.3) the snapshot length cuts, on BSD loopback
    # (LINKTYPE_NULL: a 4-byte address family in the writer's byte order, 2 = AF_INET).
    rst = struct.pack("<I", 2) + tcp4(B4, A4, 80, 43001, 777, 0, RST, b"connection refused: no listener on 80\n")
    write_pcap(p("fx-tcp-rst-snapped.pcap"), LINKTYPE_NULL, [(T0, 0, rst[:60], len(rst))], snaplen=60)

    write_pcap(p("fx-tcp-flags.pcap"), LINKTYPE_EN10MB, frames_at(tcp_flags_packets()))
    write_pcap(p("fx-tcp-accecn.pcap"), LINKTYPE_EN10MB, frames_at(accecn_packets()))
    write_pcap(p("fx-mptcp.pcap"), LINKTYPE_EN10MB, frames_at(mptcp_packets()))

    # ARP (in 802.1ad + 802.1Q tags) whose hardware address length 20 runs past the frame.
    arp = struct.pack("!HHBBH", 1, 0x0800, 20, 4, 1) + bytes(range(20)) + A4 + bytes(6)
    write_pcap(p("fx-arp-long-hlen.pcap"), LINKTYPE_EN10MB,
               frames_at([vlan([(0x88A8, 100), (0x8100, 200)], 0x0806, arp, MAC_A, b"\xff" * 6)]))

    # DNS over UDP, then over TCP (two-byte length prefix, RFC 1035 section 4.2.2).
    q, a = dns_query("example.com", 0x1234), dns_answer("example.com", 0x1234, bytes([192, 0, 2, 80]))
    write_pcap(p("fx-dns-udp.pcap"), LINKTYPE_EN10MB,
               frames_at([eth(0x0800, udp4(A4, B4, 53001, 53, q)),
                          eth(0x0800, udp4(B4, A4, 53, 53001, a, ident=2), MAC_B, MAC_A)]))
    lp = lambda m: struct.pack("!H", len(m)) + m
    write_pcap(p("fx-dns-tcp.pcap"), LINKTYPE_EN10MB,
               frames_at([eth(0x0800, x) for x in tcp_exchange(A4, B4, 53002, 53, lp(q), lp(a))]))

    # HTTP POST with an XML body, in an 802.1Q tag.
    body = b'<?xml version="1.0"?>\n<note><to>layers</to><body>hello</body></note>\n'
    req = (b"POST /notes HTTP/1.1\r\nHost: www.example.com\r\nContent-Type: application/xml\r\n"
           b"Content-Length: %d\r\n\r\n" % len(body)) + body
    resp = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
    write_pcap(p("fx-http-xml.pcap"), LINKTYPE_EN10MB,
               frames_at([vlan([(0x8100, 10)], 0x0800, x) for x in tcp_exchange(A4, B4, 44000, 80, req, resp)]))

    # Telnet: option negotiation (IAC DO/WILL, RFC 854/857) and a line of text.
    write_pcap(p("fx-telnet.pcap"), LINKTYPE_EN10MB,
               frames_at([eth(0x0800, x) for x in tcp_exchange(
                   A4, B4, 45000, 23, b"\xff\xfd\x01\xff\xfb\x03", b"\xff\xfb\x01login: ")]))

    # A port-43 (whois) exchange.
    write_pcap(p("fx-whois.pcap"), LINKTYPE_EN10MB,
               frames_at([eth(0x0800, x) for x in tcp_exchange(
                   A4, B4, 46000, 43, b"example.com\r\n", b"Domain Name: EXAMPLE.COM\r\n")]))

    # ICMPv4 echo request and reply, in pcapng.
    data = bytes(range(0x20, 0x40))
    write_pcapng(p("fx-icmp-echo.pcapng"), LINKTYPE_EN10MB,
                 frames_at([eth(0x0800, icmp4(A4, B4, 8, 0x42, 1, data)),
                            eth(0x0800, icmp4(B4, A4, 0, 0x42, 1, data, ipid=2), MAC_B, MAC_A),
                            eth(0x0800, icmp4(A4, B4, 8, 0x42, 2, data, ipid=3)),
                            eth(0x0800, icmp4(B4, A4, 0, 0x42, 2, data, ipid=4), MAC_B, MAC_A)]))

    # ICMPv6 echo and neighbor solicitation.
    ns = icmp6(A6, B6, 135, 0, bytes(4) + B6 + bytes([1, 1]) + MAC_A)
    write_pcap(p("fx-icmpv6.pcap"), LINKTYPE_EN10MB,
               frames_at([eth(0x86DD, ipv6(58, ns, A6, B6)),
                          eth(0x86DD, ipv6(58, ping6, A6, B6)),
                          eth(0x86DD, ipv6(58, icmp6(B6, A6, 129, 0, struct.pack("!HH", 7, 1) + b"abcdefgh"),
                                           B6, A6), MAC_B, MAC_A)]))

    # Segments a receiver must sort out: after the handshake, 16-byte segments with one sent later
    # arriving early (a gap, then the missing one: out of order), one sent twice (retransmission) and
    # a longer one overlapping the data already sent; the acknowledgments follow the stream.
    c, sv = 3001, 8001
    seg = lambda seq, data: tcp4(A4, B4, 47000, 80, seq, sv, ACK, data, win=512)
    chunk = lambda k: bytes([0x41 + k]) * 16
    bad = tcp_exchange(A4, B4, 47000, 80, b"", b"", isn_c=c - 1, isn_s=sv - 1)[:3]
    bad += [seg(c, chunk(0)), seg(c + 16, chunk(1)), seg(c + 48, chunk(3)), seg(c + 32, chunk(2)),
            tcp4(B4, A4, 80, 47000, sv, c + 64, ACK, win=512),
            seg(c + 64, chunk(4)), seg(c + 64, chunk(4)), seg(c + 64, chunk(4) + chunk(5)),
            tcp4(B4, A4, 80, 47000, sv, c + 96, ACK, win=512)]
    write_pcap(p("fx-tcp-bad-segments.pcap"), LINKTYPE_RAW, frames_at(bad))

    # A connection refused: nothing listens on port 8083, so the kernel answers the SYN with RST-ACK.
    write_pcap(p("fx-tcp-refused.pcap"), LINKTYPE_EN10MB,
               frames_at([eth(0x0800, tcp4(A4, B4, 48000, 8083, 4000, 0, SYN, options=MSS_WS_SACK)),
                          eth(0x0800, tcp4(B4, A4, 8083, 48000, 0, 4001, RST | ACK, win=0), MAC_B, MAC_A)]))

    # A pcapng with its section and interface but no packet.
    write_pcapng(p("fx-empty.pcapng"), LINKTYPE_EN10MB, [])
    # A pcap whose header says version 1.0 (only 2.4 exists): nothing past it is read.
    write_pcap(p("fx-bad-version.pcap"), LINKTYPE_EN10MB, frames_at(lo[:1]), version=(1, 0))
    # D-Bus (link type 231), which layerscope does not decode: a method call and its return.
    msg = lambda t, serial: struct.pack("<cBBBII", b"l", t, 0, 1, 0, serial) + struct.pack("<I", 0)
    write_pcap(p("fx-dbus.pcap"), LINKTYPE_DBUS, frames_at([msg(1, 1), msg(2, 2), msg(1, 3)]))


if __name__ == "__main__":
    main()
