"""What an erasure promises about backups, as its receipt says it (no personal data)."""

from __future__ import annotations


def after_erasure(erased_at: str) -> str:
    """From when no backup can bring the erased person back."""
    return (
        "the erased records' keys are destroyed: no backup can be read for them with this "
        f"database's keys; a key export made before {erased_at} UTC still opens older backups, "
        "so none can bring the person back once every such export is deleted"
    )
