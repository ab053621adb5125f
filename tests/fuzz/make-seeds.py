#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""make-seeds.py: fuzz seeds from capture files: one file per frame, two bytes of DLT then the frame.

Usage: make-seeds.py [--report|--files] OUTDIR CAPTURE_OR_DIR...  Reads pcap (either
byte order, micro- or nanosecond) and pcapng (EPB, SPB, PB), keeps frames of
the link types fuzz_decode.c knows, at most 64 a file, and names each seed
after its SHA-1 so reruns add nothing twice.  Unreadable or foreign files are
skipped.  With --report, seeds for fuzz_report.c: a capture's frames in runs
of the same link type, each seed a link type index, an options byte, then
frames with a 2-byte big-endian length each, at most REPORT_SEED bytes.  With
--files, seeds for fuzz_source.c: the capture files themselves, those of at
most FILE_SEED bytes.
"""
import hashlib
import os
import struct
import sys

# LINKTYPE_* values (file) -> DLT_* values (what libpcap hands a program on Linux).
LINKTYPES = {0: 0, 1: 1, 101: 12, 108: 108, 113: 113, 228: 228, 229: 229, 276: 276}
PER_FILE = 64
MAX_FRAME = 65535
# fuzz_report.c's link types, in its order: the first byte of a report seed is an index.
REPORT_DLTS = [1, 113, 276, 0, 108, 12, 101, 228, 229]
REPORT_SEED = 16384
FILE_SEED = 65536
# options: microseconds, no cut, every frame in detail (7); nanoseconds, snaplen cut, 2 in detail
REPORT_OPTIONS = (7 << 2, 1 | 2 | (2 << 2))


def pcap_frames(b):
    magic = b[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        e = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        e = '>'
    else:
        return
    if len(b) < 24:
        return
    lt = struct.unpack(e + 'I', b[20:24])[0] & 0xffff
    off = 24
    while off + 16 <= len(b):
        caplen = struct.unpack(e + 'I', b[off + 8:off + 12])[0]
        off += 16
        if caplen > len(b) - off:
            caplen = len(b) - off
        yield lt, b[off:off + caplen]
        off += caplen


def pcapng_frames(b):
    off, e, ifaces = 0, '<', []
    while off + 12 <= len(b):
        btype = b[off:off + 4]
        if btype == b'\x0a\x0d\x0d\x0a':
            e = '<' if b[off + 8:off + 12] == b'\x4d\x3c\x2b\x1a' else '>'
            ifaces = []
        btype, blen = struct.unpack(e + 'II', b[off:off + 8])
        if blen < 12 or off + blen > len(b):
            return
        body = b[off + 8:off + blen - 4]
        if btype == 1 and len(body) >= 2:
            ifaces.append(struct.unpack(e + 'H', body[:2])[0])
        elif btype in (2, 6) and len(body) >= 20:
            iface = struct.unpack(e + 'H' if btype == 2 else e + 'I', body[:2] if btype == 2 else body[:4])[0]
            caplen = struct.unpack(e + 'I', body[12:16])[0]
            if iface < len(ifaces):
                yield ifaces[iface], body[20:20 + caplen]
        elif btype == 3 and len(body) >= 4 and ifaces:
            yield ifaces[0], body[4:]
        off += blen


def frames(path):
    try:
        with open(path, 'rb') as fh:
            b = fh.read()
    except OSError:
        return
    gen = pcapng_frames(b) if b[:4] == b'\x0a\x0d\x0d\x0a' else pcap_frames(b)
    n = 0
    for lt, frame in gen:
        if lt in LINKTYPES and len(frame) <= MAX_FRAME:
            yield LINKTYPES[lt], frame
            n += 1
            if n >= PER_FILE:
                return


def decode_seeds(path):
    for dlt, frame in frames(path):
        yield struct.pack('>H', dlt) + frame


def report_seeds(path):
    """A capture's frames as fuzz_report.c inputs, cut where the link type changes or a seed is full."""
    head, body = None, b''
    for dlt, frame in frames(path):
        rec = struct.pack('>H', len(frame)) + frame
        if head is not None and (head[0] != REPORT_DLTS.index(dlt) or len(body) + len(rec) > REPORT_SEED):
            yield from (bytes([head[0], opt]) + body for opt in REPORT_OPTIONS)
            head, body = None, b''
        if len(rec) > REPORT_SEED:
            continue
        head = head or (REPORT_DLTS.index(dlt),)
        body += rec
    if head is not None:
        yield from (bytes([head[0], opt]) + body for opt in REPORT_OPTIONS)


def file_seeds(path):
    """The file itself, when it is small enough to fuzz."""
    try:
        if os.path.getsize(path) <= FILE_SEED:
            with open(path, 'rb') as fh:
                yield fh.read()
    except OSError:
        return


def main(argv):
    mode = argv[1] if len(argv) > 1 and argv[1] in ('--report', '--files') else None
    if mode:
        argv = argv[:1] + argv[2:]
    if len(argv) < 3:
        sys.stderr.write('usage: make-seeds.py [--report|--files] OUTDIR CAPTURE_OR_DIR...\n')
        return 2
    seeds = {'--report': report_seeds, '--files': file_seeds}.get(mode, decode_seeds)
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    paths = []
    for arg in argv[2:]:
        if os.path.isdir(arg):
            for root, _, files in os.walk(arg):
                paths += [os.path.join(root, f) for f in files]
        else:
            paths.append(arg)
    written = 0
    for path in sorted(paths):
        for seed in seeds(path):
            name = os.path.join(out, hashlib.sha1(seed).hexdigest())
            if not os.path.exists(name):
                with open(name, 'wb') as fh:
                    fh.write(seed)
                written += 1
    print(f'make-seeds: {written} new seeds in {out}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
