#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# vlan-tag.py: inserts an IEEE 802.1Q tag into every Ethernet frame of a pcap (for kernels without 8021q).
#
#     vlan-tag.py IN.pcap OUT.pcap VID
#
# record.sh records the VLAN capture for real through a VLAN sub-interface
# where the kernel has 802.1Q (CONFIG_VLAN_8021Q); where it has not, it
# records the same exchange untagged and tags it with this, as a switch
# port in trunk mode would: the 4 tag bytes (TPID 0x8100, PCP 0, DEI 0,
# VID) go between the source address and the EtherType, and each record's
# lengths grow by 4.
import struct
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: vlan-tag.py IN.pcap OUT.pcap VID")
    src, dst, vid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if not 1 <= vid <= 4094:
        sys.exit("vlan-tag.py: VID must be 1-4094")
    data = open(src, "rb").read()
    magic = data[:4]
    endian = {b"\xd4\xc3\xb2\xa1": "<", b"\x4d\x3c\xb2\xa1": "<",
              b"\xa1\xb2\xc3\xd4": ">", b"\xa1\xb2\x3c\x4d": ">"}.get(magic)
    if endian is None:
        sys.exit("vlan-tag.py: %s is not a pcap file" % src)
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        sys.exit("vlan-tag.py: %s is link type %d, not Ethernet" % (src, linktype))
    out = bytearray(data[:24])
    off = 24
    tag = struct.pack(">HH", 0x8100, vid)
    while off + 16 <= len(data):
        sec, frac, caplen, length = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if caplen >= 14:
            frame = frame[:12] + tag + frame[12:]
            caplen += 4
            length += 4
        out += struct.pack(endian + "IIII", sec, frac, caplen, length) + frame
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main()
