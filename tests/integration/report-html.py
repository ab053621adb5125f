#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""report-html.py: `layerscope report -f html` is well-formed, self-contained and escapes what it reads.

Each report is parsed with html.parser and checked strictly: every element
closed in order (void elements aside, SVG's self-closed ones as written),
ids unique, every in-page link pointing at an id, no script, no external
fetch (src, link, url(), http), and one SVG ladder a drawn conversation.
A crafted capture carries markup, quotes and bytes that are not UTF-8 in
its payload and its file name: none of it may come out as markup.
Needs LAYERSCOPE and CORPORA (make check sets them); skips (77) without the corpora.
"""
import html.parser
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

LAYERSCOPE = os.environ.get("LAYERSCOPE", "./layerscope")
CORPORA = os.environ.get("CORPORA", "")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
CAPTURES = [
    "local/lo_en10mb_nsec.pcap", "local/lo_linux_sll.pcap", "local/lo_linux_sll2.pcap",
    "tcpdump/whois.pcap", "tcpdump/dns_tcp.pcap", "tcpdump/heapoverflow-tcp_print.pcap",
    "tcpdump/icmpv6.pcap", "tcpdump/ipv4_tcp_http_xml.pcap", "tcpdump/unsupported-link-type-dbus.pcap",
    "tcpdump/empty.pcapng", "wireshark/tcp-badsegments.pcap", "wireshark/http-ooo2.pcap",
]


class Strict(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.ids, self.links = [], [], [], []
        self.tags = {}
        self.text, self.style = [], []

    def where(self):
        return "line %d" % self.getpos()[0]

    def attrs(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for k, v in attrs:
            if k == "id":
                self.ids.append(v)
            if k in ("href", "xlink:href") and v is not None:
                self.links.append(v)
            if k == "src" or k.startswith("on"):
                self.errors.append("%s: attribute %s on <%s>" % (self.where(), k, tag))

    def handle_starttag(self, tag, attrs):
        self.attrs(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, self.where()))

    def handle_startendtag(self, tag, attrs):
        self.attrs(tag, attrs)
        if tag not in VOID and not self.stack_has("svg"):
            self.errors.append("%s: <%s/> self-closed outside SVG" % (self.where(), tag))

    def stack_has(self, tag):
        return any(t == tag for t, _ in self.stack)

    def handle_endtag(self, tag):
        if tag in VOID:
            self.errors.append("%s: end tag of void <%s>" % (self.where(), tag))
        elif not self.stack or self.stack[-1][0] != tag:
            top = self.stack[-1] if self.stack else ("nothing", "")
            self.errors.append("%s: </%s> closes <%s> opened at %s" % (self.where(), tag, top[0], top[1]))
        else:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "style":
            self.style.append(data)
        else:
            self.text.append(data)


def check_html(doc, name):
    """Returns the parser, having asserted everything a report must be."""
    errors = []
    p = Strict()
    p.feed(doc)
    p.close()
    errors += p.errors
    if p.stack:
        errors.append("unclosed at the end: " + ", ".join("<%s> (%s)" % t for t in p.stack))
    if not doc.startswith("<!DOCTYPE html>"):
        errors.append("no doctype")
    dup = {i for i in p.ids if p.ids.count(i) > 1}
    if dup:
        errors.append("duplicate ids: %s" % sorted(dup)[:5])
    ids = set(p.ids)
    for link in p.links:
        if not link.startswith("#"):
            errors.append("a link leaves the page: %s" % link)
        elif link[1:] not in ids:
            errors.append("a link to a missing id: %s" % link)
    for tag in ("script", "link", "iframe", "img", "object"):
        if p.tags.get(tag):
            errors.append("<%s> in the page" % tag)
    if re.search(r"url\(|@import|//", "".join(p.style)):
        errors.append("the style sheet refers to something outside the page")
    for section in ("summary", "model", "conversations", "ladders", "frames"):
        if section not in ids:
            errors.append("no section #%s" % section)
    drawn = len([i for i in ids if re.fullmatch(r"c\d+", i)])
    if p.tags.get("svg", 0) != drawn:
        errors.append("%d SVG ladders for %d drawn conversations" % (p.tags.get("svg", 0), drawn))
    for e in errors:
        print("FAIL %s: %s" % (name, e))
    return p, not errors


def pcap(frames):
    out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
    for i, fr in enumerate(frames):
        out += struct.pack("<IIII", 1700000000, i, len(fr), len(fr)) + fr
    return out


def hostile_capture():
    """A TCP segment whose payload is markup, quotes, an ampersand and bytes that are not UTF-8."""
    payload = b"<script>alert(1)</script></pre>\"'&amp;\xff\xfe<svg onload=x>`|*_[x](y)"
    tcp = struct.pack("!HHIIBBHHH", 40000, 8082, 1, 0, 5 << 4, 0x18, 1024, 0, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    eth = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00"
    return pcap([eth + ip + tcp])


def report(args):
    r = subprocess.run([os.fsencode(LAYERSCOPE), b"report", b"-f", b"html"] + [os.fsencode(a) for a in args],
                       capture_output=True)
    if r.returncode != 0:
        print("FAIL report %s exited %d: %s" % (args, r.returncode, r.stderr.decode(errors="replace")))
        return None
    return r.stdout.decode("utf-8")  # must be valid UTF-8: a UnicodeDecodeError fails the test


def main():
    if not os.path.isdir(CORPORA):
        print("SKIP: no corpora (set CORPORA)")
        return 77
    ok = True
    for cap in CAPTURES:
        doc = report([os.path.join(CORPORA, cap)])
        ok = doc is not None and check_html(doc, cap)[1] and ok
        print("checked", cap)

    tmp = tempfile.mkdtemp()
    try:
        path = os.path.join(os.fsencode(tmp), b"a<b>&\"c'\xff.pcap")
        with open(path, "wb") as f:
            f.write(hostile_capture())
        doc = report([path])
        if doc is None:
            return 1
        p, good = check_html(doc, "hostile")
        ok = good and ok
        text = "".join(p.text)
        for needle in ("<script>alert(1)</script>", "a<b>&\"c'\ufffd.pcap"):
            if needle not in text:
                print("FAIL hostile: %r is not in the page's text (escaped to nothing?)" % needle)
                ok = False
        if p.tags.get("script") or "onload" in [a for a in re.findall(r"<svg ([a-z]+)=", doc)]:
            print("FAIL hostile: the payload became markup")
            ok = False
        # --frames caps the frame sections, not the summaries
        doc = report(["--frames", "2", os.path.join(CORPORA, "local/lo_en10mb_nsec.pcap")])
        p, good = check_html(doc or "", "frames-2")
        sections = [i for i in p.ids if re.fullmatch(r"f\d+", i)]
        if sections != ["f1", "f2"]:
            print("FAIL frames-2: frame sections %s, wanted f1 f2" % sections)
            good = False
        if "26 of 26" in doc or "2 of 26" not in doc:
            print("FAIL frames-2: the summary does not say 2 of 26 frames in detail")
            good = False
        ok = good and ok
    finally:
        shutil.rmtree(tmp)
    print("report-html: %s" % ("ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
