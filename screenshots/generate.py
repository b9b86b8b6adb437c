"""Regenerate the SVG screenshots in this folder from demo data, a fixed seed and a fixed clock.

.venv/bin/python screenshots/generate.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import models  # noqa: E402
from models.store.clock import FixedClock, set_clock  # noqa: E402
from tui.app import make_app  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser  # noqa: E402

HERE = Path(__file__).resolve().parent
NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
SIZE = (120, 36)


async def shoot() -> None:
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:

        async def settle() -> None:
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)

        def save(name: str) -> None:
            app.save_screenshot(str(HERE / f"{name}.svg"))

        await settle()
        save("inbox")
        app.clear_notifications()  # the notice of requests due: shown once, in the inbox
        await pilot.press("c")
        await settle()
        save("contact-pane")
        await pilot.press("escape", "2", "slash", *"name:ada", "enter")
        await settle()
        await pilot.press("space", "down", "space", "down", "down", "space")
        await settle()
        save("archived-search-selection")
        await pilot.press("d")
        await settle()
        save("delete-confirmation")
        await pilot.press("y")
        await settle()
        await pilot.press("L")
        await settle()
        save("deletion-log")
        await pilot.press("escape", "A")
        await settle()
        save("assistants")
        await pilot.press("escape", "escape", "slash", *"email:ines.moreau", "enter")
        await settle()
        await pilot.press("P")
        await settle()
        save("person")
        await pilot.press("E")
        await settle()
        await pilot.press(*"GDPR-2026-0142")
        await settle()
        save("erase-confirmation")
        await pilot.press("escape", "escape", "1", "slash", *"channel:whatsapp name:omar", "enter")
        await settle()
        await pilot.press("R")
        await settle()
        await pilot.press("space")
        await settle()
        save("redaction-picker")
        await pilot.press("escape", "escape", "Q")
        await settle()
        save("requests")
        await pilot.press("escape")
        await settle()
        await pilot.press("escape", "slash", *"channel:email is:open", "enter")
        await settle()
        await pilot.press("r")
        await settle()
        await pilot.press(*"Hello! The replacement ships today; tracking follows by mail.")
        await settle()
        save("reply-editor")


def main() -> None:
    set_clock(FixedClock(NOW))
    with tempfile.TemporaryDirectory() as folder:
        models.open_database(Path(folder) / "screenshots.db", create=True)
        models.generate_demo(1000, seed=7)
        models.sweep("Facebook")
        models.set_ours(["support@hushdesk.example"])
        models.set_signature("sam", "Sam · hushdesk support")
        asyncio.run(shoot())
        models.close_database()
    browser.main()


if __name__ == "__main__":
    main()
