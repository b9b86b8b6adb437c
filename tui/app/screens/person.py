"""The person screen: everything held about one person, and where others name them.

Opened with `P` on a conversation: its contact, and every contact sharing its
email or phone; or from the Requests screen, for a request's identifiers.
Keys export what is held (an access request), erase the person (an erasure
request: the confirmation says what goes, what a legal hold keeps, and asks for
the request's reference), or jump to a conversation. Opened from a request, the
export or the erasure is recorded against it, which closes it. Returns the
conversation to jump to, or None.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

import models

from ...text import plural, safe
from ..dialogs.erase import EraseDialog, mention_text
from ..dialogs.prompt import PromptDialog
from ..host import host
from ..plain import plain
from .operating import OperatingScreen


def export_target(typed: str, demo_folder: Path | None) -> Path:
    """Where an export goes: as typed, or in a demo session only inside its own folder."""
    if demo_folder is None:
        return Path(typed).expanduser()
    name = Path(typed).name
    if not name or name != typed.strip():
        raise models.InvalidInput(
            "in the demo, give a file name only: it is saved in your session"
        )
    return demo_folder / name


class PersonScreen(OperatingScreen[int | None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "open", "Open conversation"),
        Binding("e", "export", "Export"),
        Binding("E", "erase", "Erase"),
        Binding("q", "app.quit", "Quit"),
    ]

    class Found(Message):
        def __init__(self, person: models.Person) -> None:
            super().__init__()
            self.person = person

    class Planned(Message):
        def __init__(self, plan: models.ErasurePlan) -> None:
            super().__init__()
            self.plan = plan

    def __init__(self, identifiers: list[str], request: models.RequestInfo | None = None) -> None:
        super().__init__()
        self.identifiers = identifiers
        self.request = request  # the tracked request it was opened for, if any
        self.person: models.Person | None = None
        self.erased = False

    def compose(self) -> ComposeResult:
        yield Static(" Person: looking everywhere… (Esc: back)", id="person-title", markup=False)
        yield Static(id="person-identities", markup=False)
        yield Static(" Their conversations", classes="person-heading", markup=False)
        yield DataTable(id="person-conversations", cursor_type="row")
        yield Static(" Mentions in other people's conversations", classes="person-heading")
        yield DataTable(id="person-mentions", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#person-conversations", DataTable).add_columns(
            "id", "channel", "status", "hold", "subject"
        )
        self.query_one("#person-mentions", DataTable).add_columns(
            "conversation", "where", "what", "line"
        )
        self.query_one("#person-conversations", DataTable).focus()
        self.run_read(lambda: self.Found(models.find_person(self.identifiers)))

    @on(Found)
    def _show(self, message: Found) -> None:
        person = self.person = message.person
        name = next((c.shown for c in person.contacts), safe(self.identifiers[0]))
        sure = sum(m.sure for m in person.mentions)
        elsewhere = (
            f" · {plural(len(person.written), 'message')} elsewhere" if person.written else ""
        )
        self.query_one("#person-title", Static).update(
            Text(
                f" Person: {safe(name)} · {plural(len(person.contacts), 'contact')} · "
                f"{plural(len(person.conversations), 'conversation')}{elsewhere} · "
                f"{plural(sure, 'mention')}{self._for()} (e: export, E: erase, Esc: back)",
                style="bold",
            )
        )
        self.query_one("#person-identities", Static).update(_identities(person))
        self._fill_tables(person)

    def _for(self) -> str:
        r = self.request
        return f" · for {r.kind} request {safe(r.reference)}" if r is not None else ""

    def _answers(self, kind: str) -> str | None:
        """The request's reference when the work of `kind` answers it."""
        r = self.request
        return r.reference if r is not None and r.kind == kind else None

    def _fill_tables(self, person: models.Person) -> None:
        table = self.query_one("#person-conversations", DataTable)
        table.clear()
        for c in person.conversations:
            hold = Text("HELD", "bold red") if c.held else ""
            table.add_row(c.id, plain(c.channel), c.status, hold, plain(c.subject), key=str(c.id))
        for w in person.written:
            hold = Text("HELD", "bold red") if w.held else ""
            what = Text("their message in someone else's conversation", "italic")
            table.add_row(w.conversation, "", "", hold, what, key=f"m{w.message}")
        mentions = self.query_one("#person-mentions", DataTable)
        mentions.clear()
        for number, m in enumerate(person.mentions):
            where = "subject" if m.message is None else "message"
            kind = Text(m.identifier + (" (held)" if m.held else ""))
            if not m.sure:
                kind = Text(f"{m.identifier}? left to you", "yellow")
            mentions.add_row(m.conversation, where, kind, mention_text(m), key=str(number))

    def after_operation(self, failed: bool) -> None:
        if self.erased and not failed:
            self.dismiss(None)
        self.erased = False  # a failed erasure leaves the screen open, to try again or go back

    def action_back(self) -> None:
        self.dismiss(None)

    def action_open(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable) and focused.row_count:
            self.dismiss(int(focused.get_row_at(focused.cursor_row)[0]))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a conversation or a mention: go to that conversation."""
        self.dismiss(int(event.data_table.get_row(event.row_key)[0]))

    def action_export(self) -> None:
        if self.person is None:
            return
        first = self.person.contacts[0].id if self.person.contacts else "person"
        folder = host(self).demo_folder

        def answered(typed: str | None) -> None:
            if typed:
                self.run_operation(lambda: self._export(typed, folder))

        self.app.push_screen(
            PromptDialog("Export everything held about them to the file:", f"access-{first}.json"),
            answered,
        )

    def _export(self, typed: str, folder: Path | None) -> OperatingScreen.Done:
        target, request = export_target(typed, folder), self._answers("access")
        if request is not None:
            summary = models.export_for_request(request, target, host(self).agent)
        else:
            summary = models.export_person(self.identifiers, target)
        done = f"; request {request} is done" if request else ""
        return self.Done(
            f"Wrote {summary.path}: {plural(summary.conversations, 'conversation')}, "
            f"{plural(summary.mentions, 'mention')} elsewhere{done}."
        )

    def action_erase(self) -> None:
        if self.person is not None:
            self.run_read(
                lambda: self.Planned(models.plan_erasure(self.identifiers, keep_held=True))
            )

    @on(Planned)
    def _confirm(self, message: Planned) -> None:
        plan = message.plan
        keep = bool(plan.retained)

        def answered(reference: str | None) -> None:
            if reference:
                self.erased = True
                self.run_operation(lambda: self._erase(reference, keep))

        self.app.push_screen(EraseDialog(plan, self._answers("erasure") or ""), answered)

    def _erase(self, reference: str, keep_held: bool) -> OperatingScreen.Done:
        receipt = models.erase(  # the confirmation showed every profile, and any warning
            self.identifiers,
            reference,
            host(self).agent,
            keep_held,
            same_person=True,
            request=self._answers("erasure"),
        )
        c = receipt.counts
        verdict = "verify-gone passed" if receipt.verify_gone else receipt.proof.note
        said = (
            f"Erased under {reference}: {plural(c.contacts, 'contact')}, "
            f"{plural(c.conversations, 'conversation')}, {plural(c.redactions, 'redaction')}; "
            f"{verdict}{f'; request {receipt.request} is done' if receipt.request else ''}."
        )
        return self.Done(said, receipt.cleanup)


def _identities(person: models.Person) -> Text:
    text = Text()
    for warning in person.warnings:
        text.append(" Check: ", style="bold yellow")
        text.append_text(plain(warning, "yellow"))
        text.append("\n")
    for contact in person.contacts:
        text.append(f" #{contact.id} ", style="dim")
        text.append_text(plain(contact.name or "(no name)", "bold"))
        for label, value in (("email", contact.email), ("phone", contact.phone)):
            if value:
                text.append(f"  {label}: ", style="dim")
                text.append_text(plain(value))
        if contact.phone and not contact.number:
            text.append(" (cannot tell which number)", style="yellow")
        for attribute in contact.attributes:
            text.append(f"\n    {safe(attribute.key)}: ", style="dim")
            text.append_text(plain(attribute.value))
        text.append("\n")
    if not person.contacts:
        text.append(" No contact holds these identifiers; only mentions of them.", style="dim")
    return text
