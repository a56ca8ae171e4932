"""Regenerate the screenshots of the demo's HTML report in docs/ (desktop and a 390 px phone).

    python docs/screenshots.py            # runs `omnicheck demo`, then headless Chromium

Needs chromium and chromedriver (Debian: `apt-get install chromium chromium-driver`). Each
picture is one screen at a device pixel ratio of 1, so the PNGs stay small.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.webdriver import Browser  # noqa: E402 - the repository's own minimal client

SHOTS = {"report-desktop.png": (1280, 1000), "report-phone.png": (390, 1400)}


def main() -> None:
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not chromedriver:
        raise SystemExit("needs chromium and chromedriver on PATH")
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.html"
        subprocess.run(
            [sys.executable, "-m", "checker", "demo", "--format", "html", "--output", str(report)],
            cwd=ROOT,
            check=True,
        )
        browser = Browser(chromedriver, chromium, Path(folder) / "profile")
        try:
            for name, (width, height) in SHOTS.items():
                browser.command("POST", "/window/rect", {"width": width, "height": height})
                # the window's frame takes some of it: make the page itself that wide and high
                inner = browser.run("return [window.innerWidth, window.innerHeight];")
                browser.command(
                    "POST",
                    "/window/rect",
                    {"width": 2 * width - inner[0], "height": 2 * height - inner[1]},
                )
                browser.open(report.as_uri())
                png = base64.b64decode(browser.command("GET", "/screenshot"))
                (ROOT / "docs" / name).write_bytes(png)
                print(f"docs/{name}: {width}×{height}, {len(png) // 1024} KB")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
