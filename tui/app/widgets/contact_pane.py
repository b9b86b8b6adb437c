"""The conversation's contact: name, email, phone and data attributes, each with an X.

The pane only asks: it posts messages that the inbox screen turns into
confirmed operations.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Label, ListItem, ListView, Static

from models import SOMEONE, AttributeRow, ContactInfo

from ..plain import plain


class AttributeItem(ListItem):
    def __init__(self, attribute: AttributeRow) -> None:
        super().__init__()
        self.attribute = attribute

    def show(self, attribute: AttributeRow) -> None:
        """Show another attribute in this row (cheaper than a new row)."""
        if attribute != self.attribute:
            self.attribute = attribute
            for label in self.query(".attribute-text").results(Label):
                label.update(self._text())

    def _text(self) -> Text:
        label = plain(f"{self.attribute.key}: ", "bold")
        label.append_text(plain(self.attribute.value))
        label.append(f"  ({self.attribute.source})", style="dim")
        return label

    def compose(self) -> ComposeResult:
        with Horizontal(classes="attribute-row"):
            yield Label(self._text(), classes="attribute-text", markup=False)
            button = Button("X", classes="attribute-x", compact=True)
            button.can_focus = False
            button.tooltip = "Delete this attribute"
            yield button


class ContactPane(Vertical, can_focus=False):
    BORDER_TITLE = "Contact"
    BINDINGS = [
        Binding(
            "x,delete",
            "delete_attribute",
            "Delete attribute",
            tooltip="Delete the highlighted attribute",
        ),
        Binding("n", "new_attribute", "Add attribute", tooltip="Add a key and value"),
        Binding(
            "F",
            "forget",
            "Delete profile",
            tooltip="Delete the contact's profile; the conversations stay as Someone",
        ),
    ]

    class DeleteAttribute(Message):
        def __init__(self, contact: ContactInfo, key: str) -> None:
            super().__init__()
            self.contact, self.key = contact, key

    class NewAttribute(Message):
        def __init__(self, contact_id: int) -> None:
            super().__init__()
            self.contact_id = contact_id

    class Forget(Message):
        def __init__(self, contact: ContactInfo) -> None:
            super().__init__()
            self.contact = contact

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.contact: ContactInfo | None = None
        self._shown = False
        self._rows: list[AttributeItem] = []  # shown, or mounting; not those going

    def compose(self) -> ComposeResult:
        yield Static(id="contact-info", markup=False)
        yield ListView(id="attributes")

    def show(self, contact: ContactInfo | None) -> None:
        if contact == self.contact and self.is_mounted and self._shown:
            return
        self.contact, self._shown = contact, True
        info = self.query_one("#contact-info", Static)
        attributes = self.query_one("#attributes", ListView)
        if contact is None:
            # hushdesk's own words, so its line break is one (plain() would show it as "\n")
            info.update(Text(f"{SOMEONE}\n(no profile: deleted or never known)", style="dim"))
            self._show_attributes(attributes, [])
            attributes.index = None
            return
        text = plain(contact.name or "(no name)", "bold")
        for label, value in (("email", contact.email), ("phone", contact.phone)):
            text.append(f"\n{label}: ", style="dim")
            text.append_text(plain(value or "-"))
        text.append(f"\n{contact.conversations:,} conversations", style="dim")
        info.update(text)
        index = attributes.index
        self._show_attributes(attributes, contact.attributes)
        count = len(contact.attributes)
        attributes.index = min(index or 0, count - 1) if count else None

    def _show_attributes(self, view: ListView, attributes: list[AttributeRow]) -> None:
        """Reuse the rows already shown; add or remove only the difference.

        Mounting and removing finish later, so the rows are counted here, not
        read back from the list, and a quick next call still sees the right ones.
        """
        for row, attribute in zip(self._rows, attributes, strict=False):
            row.show(attribute)
        if len(self._rows) > len(attributes):
            view.remove_children(self._rows[len(attributes) :])
            del self._rows[len(attributes) :]
        elif len(attributes) > len(self._rows):
            added = [AttributeItem(a) for a in attributes[len(self._rows) :]]
            view.extend(added)
            self._rows.extend(added)

    def focus_attributes(self) -> None:
        self.screen.set_focus(self.query_one("#attributes", ListView))

    def _highlighted(self) -> AttributeRow | None:
        item = self.query_one("#attributes", ListView).highlighted_child
        return item.attribute if isinstance(item, AttributeItem) else None

    def action_delete_attribute(self) -> None:
        attribute = self._highlighted()
        if self.contact is not None and attribute is not None:
            self.post_message(self.DeleteAttribute(self.contact, attribute.key))

    def action_new_attribute(self) -> None:
        if self.contact is not None:
            self.post_message(self.NewAttribute(self.contact.id))

    def action_forget(self) -> None:
        if self.contact is not None:
            self.post_message(self.Forget(self.contact))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        item = next((a for a in event.button.ancestors if isinstance(a, AttributeItem)), None)
        if item is not None and self.contact is not None:
            self.post_message(self.DeleteAttribute(self.contact, item.attribute.key))
