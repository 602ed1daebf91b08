"""Open a report page in headless Chromium as a reader would: the DOM after load, console messages, images."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

CHECKER = """<script>
window.addEventListener('load', () => {
  const imgs = Array.from(document.images);
  document.body.setAttribute('data-rt-images', String(imgs.length));
  document.body.setAttribute('data-rt-broken',
    String(imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length));
});
</script>"""


def open_in_chromium(chromium: str, page: Path, tmp: Path) -> tuple[str, list[str], int, int]:
    """Load a copy of ``page`` (with an image checker added) headless; return the DOM after load, the
    console messages, the number of images and how many of them failed to load."""
    copy = page.with_name(f".check-{page.name}")
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", CHECKER + "</body>"), encoding="utf-8")
    try:
        done = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp / 'chromium-profile'}", "--enable-logging=stderr", "--v=0",
             "--virtual-time-budget=5000", "--dump-dom", copy.as_uri()],
            capture_output=True, text=True, timeout=120,
        )
    finally:
        copy.unlink()
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    images = re.search(r'data-rt-images="(\d+)"', done.stdout)
    broken = re.search(r'data-rt-broken="(\d+)"', done.stdout)
    assert images and broken, f"page did not finish loading: {done.stderr[-500:]}"
    return done.stdout, console, int(images.group(1)), int(broken.group(1))


WIDTH_CHECKER = """<script>
window.addEventListener('load', () => {
  const limit = document.documentElement.clientWidth + 1;
  const wide = Array.from(document.querySelectorAll('table, svg, img, pre'))
    .filter(e => e.getBoundingClientRect().right > limit)
    .map(e => e.tagName + ':' + Math.round(e.getBoundingClientRect().right));
  document.body.setAttribute('data-rt-wide', wide.join(' ') || 'none');
});
</script>"""
A4_PRINTABLE_PX = 700  # 210 mm less Chromium's default print margins, at 96 px per inch


def wider_than_a_printed_page(chromium: str, page: Path, tmp: Path) -> list[str]:
    """The elements of ``page`` that would not fit across an A4 page: the page's print rules applied on
    screen (``@media print`` read as ``@media all``) in a window as wide as the printable area."""
    copy = page.with_name(f".print-{page.name}")
    text = page.read_text(encoding="utf-8").replace("@media print", "@media all")
    copy.write_text(text.replace("</body>", WIDTH_CHECKER + "</body>"), encoding="utf-8")
    try:
        done = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
             f"--window-size={A4_PRINTABLE_PX},1000", f"--user-data-dir={tmp / 'chromium-print'}",
             "--virtual-time-budget=5000", "--dump-dom", copy.as_uri()],
            capture_output=True, text=True, timeout=120)
    finally:
        copy.unlink()
    found = re.search(r'data-rt-wide="([^"]*)"', done.stdout)
    assert found, f"page did not finish loading: {done.stderr[-500:]}"
    return [] if found.group(1) == "none" else found.group(1).split()


def print_to_pdf(chromium: str, page: Path, tmp: Path) -> bytes:
    """``page`` printed to PDF by headless Chromium (A4 is Chromium's default paper outside the US)."""
    out = tmp / f"{page.stem}.pdf"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    f"--user-data-dir={tmp / 'chromium-pdf'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={out}", page.as_uri()], capture_output=True, text=True, timeout=120)
    return out.read_bytes()
