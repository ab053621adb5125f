#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""flow-gen.py: writes a large pcap of many short TCP conversations (and UDP echoes) for the tracking benchmark.

Each TCP conversation is the echo exercise in 10 frames: handshake, 16 bytes
each way with their ACKs, and a three-segment teardown.  `--concurrent`
conversations are interleaved, so the table holds many at once; with the
defaults 1,000,000 frames hold about 95,000 conversations, more than the
tracker's default cap, so eviction is exercised too.

usage: flow-gen.py OUT.pcap [--frames N] [--concurrent K]
"""
import argparse
import struct

ETH = b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01" + b"\x08\x00"
SYN, FIN, RST, PSH, ACK = 0x02, 0x01, 0x04, 0x08, 0x10
PAYLOAD = b"hello, layers!\r\n"


def ipv4(src, dst, proto, l4):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0x4000, 64, proto, 0, src, dst) + l4


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b""):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff, 5 << 4, flags,
                      65535, 0, 0)
    return ETH + ipv4(src, dst, 6, hdr + payload)


def udp(src, dst, sport, dport, payload):
    return ETH + ipv4(src, dst, 17, struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload)


def conversation(n):
    """The frames of conversation n, in order."""
    c = struct.pack("!BBBB", 10, 1 + (n >> 16) % 200, (n >> 8) & 0xff, n & 0xff)
    s = b"\x0a\x00\x00\x01"
    cp, sp = 32768 + n % 28000, 8082
    if n % 10 == 9:  # every tenth is a UDP echo
        return [udp(c, s, cp, sp, PAYLOAD), udp(s, c, sp, cp, PAYLOAD)]
    ci, si = (n * 2654435761) & 0xffffffff, (n * 40503 + 12345) & 0xffffffff
    L = len(PAYLOAD)
    return [
        tcp(c, s, cp, sp, ci, 0, SYN),
        tcp(s, c, sp, cp, si, ci + 1, SYN | ACK),
        tcp(c, s, cp, sp, ci + 1, si + 1, ACK),
        tcp(c, s, cp, sp, ci + 1, si + 1, PSH | ACK, PAYLOAD),
        tcp(s, c, sp, cp, si + 1, ci + 1 + L, ACK),
        tcp(s, c, sp, cp, si + 1, ci + 1 + L, PSH | ACK, PAYLOAD),
        tcp(c, s, cp, sp, ci + 1 + L, si + 1 + L, ACK),
        tcp(c, s, cp, sp, ci + 1 + L, si + 1 + L, FIN | ACK),
        tcp(s, c, sp, cp, si + 1 + L, ci + 2 + L, FIN | ACK),
        tcp(c, s, cp, sp, ci + 2 + L, si + 2 + L, ACK),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--frames", type=int, default=1000000)
    ap.add_argument("--concurrent", type=int, default=1000)
    a = ap.parse_args()
    active, nxt, written, usec = [], 0, 0, 0
    with open(a.out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        while written < a.frames:
            while len(active) < a.concurrent:
                active.append(iter(conversation(nxt)))
                nxt += 1
            i = written % len(active)
            frame = next(active[i], None)
            if frame is None:
                active[i] = iter(conversation(nxt))
                nxt += 1
                continue
            usec += 7
            f.write(struct.pack("<IIII", 1700000000 + usec // 1000000, usec % 1000000, len(frame), len(frame)))
            f.write(frame)
            written += 1
    print(f"{a.out}: {written} frames, {nxt} conversations")


if __name__ == "__main__":
    main()
