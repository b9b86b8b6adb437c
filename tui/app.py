"""The Textual app: a small shell around the inbox screen."""

from __future__ import annotations

from textual.app import App


class HushdeskApp(App[None]):
    TITLE = "hushdesk"

    def __init__(self, agent: str) -> None:
        super().__init__()
        self.agent = agent


def make_app(agent: str) -> HushdeskApp:
    """Build the app for the command line and for tests alike."""
    return HushdeskApp(agent=agent)
