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
