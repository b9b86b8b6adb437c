"""Writing a benchmark's results file: the table is new each run, the notes below it stay."""

from __future__ import annotations

from pathlib import Path

NOTES = "<!-- notes: kept when the table above is regenerated -->"


def write_keeping_notes(out: Path, text: str) -> str:
    """Write `text` to `out`, followed by the notes `out` already holds below NOTES."""
    notes = ""
    if out.exists() and NOTES in out.read_text():
        notes = "\n" + NOTES + out.read_text().split(NOTES, 1)[1]
    out.write_text(text + notes)
    return text
