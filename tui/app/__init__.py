"""The Textual app: the inbox, the assistants and the deletion log."""

from .app import HushdeskApp, make_app

__all__ = ["HushdeskApp", "make_app"]
