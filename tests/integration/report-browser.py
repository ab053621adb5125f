#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""report-browser.py: a real browser renders `layerscope report -f html` of the echo exercise's capture.

Debian's chromium, headless, dumps the page's DOM and takes a screenshot.
The DOM must hold the SVG ladders (arrows linking to frame sections) and a
section per frame; the screenshot must not be blank, and must show the
four layer colours of the byte bar (link cyan, network green, transport
yellow, application magenta).  The PNG is decoded here with zlib and
struct, no imaging library.  Skips (77) without chromium or a capture.
Environment: LAYERSCOPE, CORPORA, top_srcdir (make check sets them),
CHROMIUM (default: chromium); REPORT_SHOT=path keeps the screenshot.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

LAYERSCOPE = os.environ.get("LAYERSCOPE", "./layerscope")
TOP = os.environ.get("top_srcdir", ".")
CORPORA = os.environ.get("CORPORA", "")
# The layer backgrounds of the HTML's style sheet, as the byte bar draws them.
LAYER_COLOURS = {"link": (0xe0, 0xf7, 0xfa), "network": (0xe8, 0xf5, 0xe9),
                 "transport": (0xff, 0xf8, 0xd9), "application": (0xfc, 0xe4, 0xec)}


def capture():
    """The exercise's bundled capture once there is one, else the local echo capture of the corpora."""
    for path in (os.path.join(TOP, "captures", "exercise.pcap"),
                 os.path.join(CORPORA, "local", "lo_en10mb_nsec.pcap")):
        if os.path.isfile(path):
            return path
    return None


def chromium():
    for name in (os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit, non-interlaced RGB or RGBA PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or interlace != 0 or ctype not in (2, 6):
                raise ValueError("PNG kind not handled: depth %d colour type %d" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride, rows, prev, i = w * bpp, [], bytearray(w * bpp), 0
    for _ in range(h):
        ftype, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 255
            elif ftype == 2:
                line[x] = (line[x] + b) & 255
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def run_chromium(browser, tmp, url, *args):
    profile = tempfile.mkdtemp(dir=tmp)
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
           "--user-data-dir=" + profile] + list(args) + [url]
    env = dict(os.environ, HOME=tmp)
    return subprocess.run(cmd, capture_output=True, timeout=180, env=env)


def main():
    browser, cap = chromium(), capture()
    if browser is None:
        # CI installs chromium (.ci/deps): there a missing browser is a failure, not a skip.
        if os.environ.get("CI") == "true":
            print("FAIL: CI=true but no chromium: apt-get install chromium (.ci/deps lists it)")
            return 1
        print("SKIP: no chromium (apt-get install chromium; .ci/deps lists it)")
        return 77
    if cap is None:
        print("SKIP: no capture of the exercise (captures/exercise.pcap, or CORPORA)")
        return 77
    tmp = tempfile.mkdtemp()
    fails = []
    try:
        page = os.path.join(tmp, "report.html")
        r = subprocess.run([LAYERSCOPE, "report", "-o", page, cap], capture_output=True)
        if r.returncode != 0:
            print("FAIL: report exited %d: %s" % (r.returncode, r.stderr.decode(errors="replace")))
            return 1
        url = "file://" + page

        dom = run_chromium(browser, tmp, url, "--dump-dom").stdout.decode("utf-8", "replace")
        ladders = re.findall(r'<svg class="lad"', dom)
        frames = re.findall(r'<section class="frame" id="f(\d+)"', dom)
        arrows = re.findall(r'<a href="#f(\d+)"><title>', dom)
        print("DOM: %d bytes, %d SVG ladders, %d frame sections, %d ladder arrows"
              % (len(dom), len(ladders), len(frames), len(arrows)))
        if not ladders:
            fails.append("no SVG ladder in the DOM")
        if not frames:
            fails.append("no frame section in the DOM")
        if not arrows or not set(arrows) <= set(frames):
            fails.append("ladder arrows do not all lead to frame sections")
        for section in ("summary", "model", "conversations", "ladders", "frames"):
            if 'id="%s"' % section not in dom:
                fails.append("no #%s section in the DOM" % section)

        shot = os.environ.get("REPORT_SHOT") or os.path.join(tmp, "shot.png")
        run_chromium(browser, tmp, url, "--screenshot=" + shot, "--window-size=1280,2000")
        if not os.path.isfile(shot):
            fails.append("chromium wrote no screenshot")
        else:
            w, h, bpp, rows = png_pixels(shot)
            colours, ink = set(), 0
            for row in rows:
                for x in range(0, w * bpp, bpp):
                    px = row[x:x + 3]
                    colours.add(px)
                    ink += px != b"\xff\xff\xff"
            share = ink / (w * h)
            print("screenshot: %dx%d, %d colours, %.1f%% not white" % (w, h, len(colours), 100 * share))
            if share < 0.03 or len(colours) < 50:
                fails.append("the screenshot is (nearly) blank")
            for layer, rgb in LAYER_COLOURS.items():
                if not any(all(abs(p[i] - rgb[i]) <= 2 for i in range(3)) for p in colours):
                    fails.append("the %s layer's colour #%02x%02x%02x is not on screen" % ((layer,) + rgb))
    finally:
        shutil.rmtree(tmp)
    for f in fails:
        print("FAIL:", f)
    print("report-browser: %s" % ("ok" if not fails else "FAILED"))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
