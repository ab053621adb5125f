#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""report-handout.py: `layerscope report --handout` of every bundled capture, printed by a real browser.

Chromium, headless, prints each handout to PDF as a teacher would
(chromium --headless --print-to-pdf); pdfinfo counts the pages: at most 2
for captures/exercise.pcap, at most 4 for any other.  Then a screenshot of
the exercise's handout at 1280x800, the first screen a projector shows:
it must hold the layer model (the four layer colours of the byte bar) and
the ladder (the handshake arrows' blue), and the DOM must put the story,
the layers crossed and the ladder before anything else.  Skips (77)
without chromium or pdfinfo (poppler-utils), unless CI=true.
Environment: LAYERSCOPE, top_srcdir (make check sets them), CHROMIUM;
HANDOUT_SHOT=path keeps the screenshot.
"""
import glob
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("report_browser", os.path.join(HERE, "report-browser.py"))
rb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rb)

LAYERSCOPE = os.environ.get("LAYERSCOPE", "./layerscope")
TOP = os.environ.get("top_srcdir", ".")
HANDSHAKE_BLUE = (0x15, 0x65, 0xc0)  # svg.lad .g1: the handshake's arrows


def skip(why):
    if os.environ.get("CI") == "true":
        print("FAIL: CI=true but %s (.ci/deps lists it)" % why)
        return 1
    print("SKIP: %s" % why)
    return 77


def pages(pdf):
    out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(m.group(1)) if m else 0


def has_colour(colours, rgb):
    return any(all(abs(p[i] - rgb[i]) <= 3 for i in range(3)) for p in colours)


def main():
    browser = rb.chromium()
    if browser is None:
        return skip("no chromium (apt-get install chromium)")
    if shutil.which("pdfinfo") is None:
        return skip("no pdfinfo (apt-get install poppler-utils)")
    caps = sorted(glob.glob(os.path.join(TOP, "captures", "*.pcap")))
    if not caps:
        return skip("no bundled captures in %s/captures" % TOP)
    tmp = tempfile.mkdtemp()
    fails = []
    try:
        for cap in caps:
            name = os.path.basename(cap)[:-5]
            page = os.path.join(tmp, name + ".html")
            pdf = os.path.join(tmp, name + ".pdf")
            r = subprocess.run([LAYERSCOPE, "report", "--handout", "-o", page, cap], capture_output=True)
            if r.returncode != 0:
                fails.append("%s: report --handout exited %d: %s"
                             % (name, r.returncode, r.stderr.decode(errors="replace").strip()))
                continue
            rb.run_chromium(browser, tmp, "file://" + page, "--print-to-pdf=" + pdf)
            n = pages(pdf) if os.path.isfile(pdf) else 0
            most = 2 if name == "exercise" else 4
            print("%-18s %d page%s (at most %d)" % (name, n, "" if n == 1 else "s", most))
            if n == 0:
                fails.append("%s: chromium printed no PDF" % name)
            elif n > most:
                fails.append("%s: the handout prints on %d pages, more than %d" % (name, n, most))

        url = "file://" + os.path.join(tmp, "exercise.html")
        dom = rb.run_chromium(browser, tmp, url, "--dump-dom").stdout.decode("utf-8", "replace")
        order = [("the story", '<p class="story">'), ("the layers crossed", '<table class="crossing">'),
                 ("the ladder", '<svg class="lad"'), ("what each layer does", 'id="layers"')]
        at = [dom.find(mark) for _, mark in order]
        for (what, _), pos in zip(order, at):
            if pos < 0:
                fails.append("the handout's DOM has no %s" % what)
        if all(p >= 0 for p in at) and at != sorted(at):
            fails.append("the handout's DOM is not in the order story, layers, ladder, layer table")
        if re.search(r'<section class="frame"', dom):
            fails.append("the handout holds frame sections: it is a lesson, not the reference")
        if not re.search(r"This capture holds 32 frames", dom):
            fails.append("the story does not give the capture's own numbers (32 frames)")

        shot = os.environ.get("HANDOUT_SHOT") or os.path.join(tmp, "shot.png")
        rb.run_chromium(browser, tmp, url, "--screenshot=" + shot, "--window-size=1280,800")
        if not os.path.isfile(shot):
            fails.append("chromium wrote no screenshot")
        else:
            w, h, bpp, rows = rb.png_pixels(shot)
            colours = {row[x:x + 3] for row in rows for x in range(0, w * bpp, bpp)}
            print("first screen: %dx%d, %d colours" % (w, h, len(colours)))
            for layer, rgb in rb.LAYER_COLOURS.items():
                if not has_colour(colours, rgb):
                    fails.append("the first screen lacks the layer model's %s colour" % layer)
            if not has_colour(colours, HANDSHAKE_BLUE):
                fails.append("the first screen lacks the ladder (no handshake arrow)")
    finally:
        shutil.rmtree(tmp)
    for f in fails:
        print("FAIL:", f)
    print("report-handout: %s" % ("ok" if not fails else "FAILED"))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
