"""What the inbox changes: archive, hold, delete, attributes, profiles, and the requests.

Every change runs in a thread (see `OperatingScreen`) after the policy check
and the confirmation it needs; the inbox screen itself (`InboxScreen`) only
shows. The requests open their own screens: the person screen (access and
erasure) and the redaction picker.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import ProgressBar

import models

from ...text import plural
from ...wording import due_words
from ..dialogs.attribute import AttributeDialog
from ..dialogs.confirm import ConfirmDialog
from ..dialogs.request_kind import RequestKindDialog
from ..host import host
from ..questions import attribute_question, delete_question, forget_question
from ..widgets.contact_pane import ContactPane
from ..widgets.conversation_list import ConversationList
from ..widgets.conversation_pane import ConversationPane, asked
from .operating import OperatingScreen
from .person import PersonScreen
from .redact import RedactScreen
from .reply import ReplyScreen


class InboxChanges(OperatingScreen[None]):
    """The inbox's changes; `InboxScreen` supplies what they act on."""

    @property
    def conversations(self) -> ConversationList:
        return self.query_one(ConversationList)

    def in_open_filter(self) -> bool:
        raise NotImplementedError

    def targets(self) -> list[int]:
        raise NotImplementedError

    def refresh_all(self) -> None:
        raise NotImplementedError

    def show_conversation(self, conversation_id: int) -> None:
        raise NotImplementedError

    # requests -------------------------------------------------------------------
    def action_person(self) -> None:
        """The person screen for the highlighted conversation's contact and their twins."""
        row = self.conversations.current
        if row is None:
            return
        if row.contact_id is None:
            self.notify("This conversation's contact was deleted: it shows Someone.")
            return
        identifiers = [str(row.contact_id), *(t for t in (row.email, row.phone) if t)]
        self.app.push_screen(PersonScreen(identifiers), self._back_from_person)

    def _back_from_person(self, conversation_id: int | None) -> None:
        self.refresh_all()
        if conversation_id is not None:
            self.show_conversation(conversation_id)

    def action_open_request(self) -> None:
        """Open an access or erasure request from the highlighted conversation: its contact's
        identifiers, its clock from the day its message asked."""
        row = self.conversations.current
        if row is None:
            return
        detail = self.query_one(ConversationPane).detail
        suggested = asked(detail) if detail is not None and detail.id == row.id else None
        question = Text(f"Open a request from conversation #{row.id}", style="bold")
        if suggested:
            question.append(f"\nIts words suggest an {suggested} request (a suggestion only).")

        def answered(kind: str | None) -> None:
            if kind:
                self.run_operation(lambda: self._open_request(kind, row.id))

        self.app.push_screen(RequestKindDialog(question, suggested), answered)

    def _open_request(self, kind: str, conversation: int) -> OperatingScreen.Done:
        opened = models.open_request(kind, [], host(self).agent, conversation=conversation)
        r = opened.request
        nobody = "; its identifiers match no one yet" if not opened.matched else ""
        return self.Done(
            f"Opened {kind} request {r.reference}: received {r.received_on}, due {r.due_on} "
            f"({due_words(r)}){nobody}. Q shows every request."
        )

    def action_redact(self) -> None:
        row = self.conversations.current
        if row is not None:
            self.app.push_screen(RedactScreen(row.id), lambda _: self.refresh_all())

    def action_reply(self) -> None:
        row = self.conversations.current
        if row is not None:
            self.app.push_screen(ReplyScreen(row.id), lambda _: self.refresh_all())

    def action_retry_replies(self) -> None:
        row = self.conversations.current
        if row is None:
            return
        cid = row.id

        def retry() -> OperatingScreen.Done:
            count = models.retry_failed(cid)
            self.app.call_from_thread(host(self).send_replies)
            replies = "reply" if count == 1 else "replies"
            return self.Done(f"{count:,} failed {replies} tried again.")

        self.run_operation(retry)

    # operations ---------------------------------------------------------------
    own: set[int]  # conversations this app is changing (not "changed elsewhere")

    def after_operation(self, failed: bool) -> None:
        """Done: the selection has served its purpose. Failed: it stays, to try again."""
        self.query_one("#progress", ProgressBar).display = False
        if not failed:
            self.conversations.selection.clear()
        self.refresh_all()
        self.own.clear()

    def action_archive(self) -> None:
        self._change(models.archive, "Archived")

    def action_unarchive(self) -> None:
        self._change(models.unarchive, "Moved to Open:")

    def action_hold(self) -> None:
        current = self.conversations.current
        if not self.conversations.selection and current is not None and current.held:
            self._change(models.release, "Released")
        else:
            self._change(models.hold, "Put on legal hold:")

    def _change(self, operation: Callable[[list[int]], int], verb: str) -> None:
        ids = self.targets()
        if not ids:
            return
        said = f"{verb} {plural(len(ids), 'conversation')}."
        self.own.update(ids)

        def run() -> OperatingScreen.Done:
            operation(ids)
            return self.Done(said)

        self.run_operation(run)

    def action_delete(self) -> None:
        ids = self.targets()
        if not ids:
            return
        if self.in_open_filter():
            self.notify(
                "Archive first: only archived conversations can be deleted. Nothing was deleted.",
                severity="warning",
            )
            return
        # what policy lets go and keeps, asked before the confirmation (off the UI thread)
        self.run_read(lambda: self.Planned(models.summarize(ids)))

    class Planned(Message):
        def __init__(self, summary: models.DeletionSummary) -> None:
            super().__init__()
            self.summary = summary

    @on(Planned)
    def _confirm_deletion(self, message: Planned) -> None:
        summary = message.summary
        if not summary.count:
            self.app.push_screen(ConfirmDialog(delete_question(summary), confirm=None))
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete(summary.deletable)

        self.app.push_screen(ConfirmDialog(delete_question(summary)), answered)

    class Progressed(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

    @on(Progressed)
    def _progressed(self, message: Progressed) -> None:
        self.query_one("#progress", ProgressBar).update(total=message.total, progress=message.done)

    def delete(self, ids: list[int]) -> None:
        """Delete in a worker, with a progress bar; the agent can keep reading meanwhile."""
        self.own.update(ids)
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=len(ids), progress=0)
        bar.display = True

        def progress(done: int, total: int) -> None:
            self.post_message(self.Progressed(done, total))

        def operation() -> OperatingScreen.Done:
            result = models.delete_conversations(ids, host(self).agent, progress=progress)
            said = f"Deleted {plural(result.count, 'conversation')} permanently."
            return self.Done(said, result.cleanup, result.social_channels)

        self.run_operation(operation)

    # contact pane ---------------------------------------------------------------
    @on(ContactPane.DeleteAttribute)
    def _delete_attribute(self, event: ContactPane.DeleteAttribute) -> None:
        contact_id, key, agent = event.contact.id, event.key, host(self).agent

        def operation() -> OperatingScreen.Done:
            cleanup = models.delete_attribute(contact_id, key, agent)
            return self.Done("Attribute deleted.", cleanup)

        self._ask(ConfirmDialog(attribute_question(event.contact, key)), operation)

    @on(ContactPane.NewAttribute)
    def _new_attribute(self, event: ContactPane.NewAttribute) -> None:
        def answered(pair: tuple[str, str] | None) -> None:
            if pair:
                key, value = pair
                self.run_operation(lambda: self._saved(event.contact_id, key, value))

        self.app.push_screen(AttributeDialog(), answered)

    def _saved(self, contact_id: int, key: str, value: str) -> OperatingScreen.Done:
        models.set_attribute(contact_id, key, value, source="manual")
        return self.Done("Attribute saved.")

    @on(ContactPane.Forget)
    def _forget(self, event: ContactPane.Forget) -> None:
        contact_id, agent = event.contact.id, host(self).agent

        def operation() -> OperatingScreen.Done:
            result = models.forget_contact(contact_id, agent)
            return self.Done(
                "Profile deleted; its conversations now show “Someone”.", result.cleanup
            )

        self._ask(ConfirmDialog(forget_question(event.contact)), operation)

    def _ask(self, dialog: ConfirmDialog, operation: Callable[[], OperatingScreen.Done]) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.run_operation(operation)

        self.app.push_screen(dialog, answered)
