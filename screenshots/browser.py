"""The served demo in a real browser, for screenshots/serve-browser.png.

Needs Playwright (`pip install playwright`) and Debian's Chromium (`apt-get install
chromium`); without them it says so and takes nothing.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HUSHDESK = str(Path(sys.executable).parent / "hushdesk")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def shoot(port: int) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 760})
        await page.goto(f"http://127.0.0.1:{port}/")
        await page.wait_for_selector("body.-first-byte", timeout=60_000)
        await page.wait_for_timeout(2500)  # the counts and panes arrive after the first bytes
        await page.screenshot(path=str(HERE / "serve-browser.png"))
        await browser.close()


def main() -> None:
    if not Path(CHROMIUM).exists():
        print("serve-browser.png: skipped, Chromium is not installed (apt-get install chromium)")
        return
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("serve-browser.png: skipped, Playwright is not installed (pip install playwright)")
        return
    port = free_port()
    server = subprocess.Popen([HUSHDESK, "serve", "--port", str(port)], stderr=subprocess.PIPE)
    try:
        assert server.stderr is not None and b"listening" in server.stderr.readline()
        asyncio.run(shoot(port))
    finally:
        server.terminate()
        server.wait(timeout=60)
