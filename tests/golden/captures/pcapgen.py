# SPDX-License-Identifier: BSD-3-Clause
"""pcapgen.py: what every capture generator here shares: the Internet checksum and the pcap and pcapng writers.

Imported by make-fixtures.py, make-bad-checksums.py, make-nd.py and
make-options.py (each run as a script, so this folder is on sys.path).
"""
import struct

LINKTYPE_NULL, LINKTYPE_EN10MB, LINKTYPE_RAW, LINKTYPE_SLL, LINKTYPE_DBUS, LINKTYPE_SLL2 = 0, 1, 101, 113, 231, 276


def fold(s):
    """The one's-complement sum folded into 16 bits (RFC 1071)."""
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def word_sum(data):
    """The 16-bit words of data summed and folded, not complemented: what checksum offload leaves."""
    if len(data) % 2:
        data += b"\0"
    return fold(sum(struct.unpack("!%dH" % (len(data) // 2), data)))


def csum(data):
    """The Internet checksum of data (RFC 1071), odd lengths padded with a zero byte."""
    return ~word_sum(data) & 0xFFFF


def numbered(frames, t0=1700000000):
    """(sec, µs, bytes) for each frame, one second apart from t0."""
    return [(t0 + i, 0, f) for i, f in enumerate(frames)]


def write_pcap(path, linktype, frames, nsec=False, snaplen=262144, version=(2, 4)):
    """frames: (sec, µs, bytes[, wire length]); nsec writes the nanosecond magic (a1b23c4d)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D if nsec else 0xA1B2C3D4, version[0], version[1],
                            0, 0, snaplen, linktype))
        for fr in frames:
            sec, usec, data = fr[:3]
            wire = fr[3] if len(fr) > 3 else len(data)
            data = data[:snaplen]
            frac = usec * 1000 + 123 if nsec else usec
            f.write(struct.pack("<IIII", sec, frac, len(data), wire) + data)


def block(btype, body):
    """A pcapng block: type, total length, the body padded to 4 bytes, the length again."""
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def write_pcapng(path, linktype, frames):
    """One section, one interface, an enhanced packet block per (sec, µs, bytes) frame."""
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    idb = block(1, struct.pack("<HHI", linktype, 0, 262144))
    out = shb + idb
    for sec, usec, data in frames:
        ts = sec * 1000000 + usec   # if_tsresol absent: microseconds
        out += block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(data), len(data)) + data)
    with open(path, "wb") as f:
        f.write(out)
