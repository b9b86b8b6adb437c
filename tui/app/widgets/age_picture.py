"""A one-line picture of how old a channel's conversations are, with the cutoff marked."""

from __future__ import annotations

from rich.text import Text

BLOCKS = " ▁▂▃▄▅▆▇█"
BANDS = 16


def age_picture(counts: list[int], cutoff_band: int) -> Text:
    """Bars from newest (left) to oldest (right); '│' is the cutoff, red bars are due."""
    peak = max(counts) if counts else 0
    text = Text()
    for index, count in enumerate(counts):
        if index == cutoff_band:
            text.append("│", style="bold yellow")
        level = 0 if not count else max(1, round(count / peak * (len(BLOCKS) - 1)))
        text.append(BLOCKS[level], style="red" if index >= cutoff_band else "green")
    return text
