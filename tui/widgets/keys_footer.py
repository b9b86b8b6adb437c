"""A Footer that rewrites its keys in place when only their labels or state changed.

Textual's Footer recomposes every key whenever the screen's bindings are
refreshed. Switching the inbox's filter swaps one key (`a` Archive for `u`
Unarchive); recomposing sixteen keys for that took about 40 ms, more than the
new list itself. Any other change (a key added or removed) is recomposed.
"""

from __future__ import annotations

from textual._context import active_message_pump
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# What a key shows and does; its compact style is bound to the footer.
_FIELDS = ("key", "key_display", "description", "action", "_disabled", "tooltip")


class KeysFooter(Footer):
    def bindings_changed(self, screen: Screen) -> None:
        """Patch the keys at once (the same frame as the change that caused it) if it can."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._patch_keys():
            self.call_after_refresh(self.recompose)

    def _patch_keys(self) -> bool:
        shown = [b for (_, b, _, _) in self.screen.active_bindings.values() if b.show]
        if any(binding.group is not None for binding in shown):
            return False  # grouped keys are composed inside their group: recompose
        mounted = list(self.children)
        wanted = self._composed()
        if not _same_layout(mounted, wanted):
            return False
        for old, new in zip(mounted, wanted, strict=True):
            _copy_key(old, new)  # type: ignore[arg-type]
        return True

    def _composed(self) -> list[object]:
        """The keys Footer.compose would mount now; it binds each to the widget composing."""
        token = active_message_pump.set(self)
        try:
            return list(self.compose())
        finally:
            active_message_pump.reset(token)


def _same_layout(mounted: list[object], wanted: list[object]) -> bool:
    """True when the keys differ only in what they say: plain keys, one for one."""
    if len(mounted) != len(wanted):
        return False
    return all(
        type(old) is FooterKey
        and type(new) is FooterKey
        and old.has_class("-command-palette") == new.has_class("-command-palette")
        for old, new in zip(mounted, wanted, strict=True)
    )


def _copy_key(old: FooterKey, new: FooterKey) -> None:
    if all(getattr(old, name) == getattr(new, name) for name in _FIELDS):
        return
    for name in _FIELDS:
        setattr(old, name, getattr(new, name))
    old.set_class(new._disabled, "-disabled")
    old.refresh(layout=True)
