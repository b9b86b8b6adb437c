"""Where hushdesk keeps its files when not told otherwise."""

from __future__ import annotations

from pathlib import Path


def data_folder() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("hushdesk", appauthor=False))


def default_db() -> Path:
    return data_folder() / "hushdesk.db"
