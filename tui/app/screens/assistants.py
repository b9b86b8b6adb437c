"""Channel assistants: each channel's retention rule, what is due, when it runs next.

Keys turn an assistant on or off, set its days, preview what it would delete,
run it now (after the usual confirmation) and set the sweep interval.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

import models
from models import AssistantRow, HushdeskError

from ...text import plural, safe, short_when
from ...wording import social_notice
from ..dialogs.confirm import ConfirmDialog
from ..dialogs.prompt import PromptDialog
from ..host import host
from ..messages import DataChanged, Swept
from ..plain import plain
from ..questions import UNDONE
from ..widgets.age_picture import BANDS, age_picture
from .operating import OperatingScreen
from .preview import PreviewScreen

COLUMNS = (
    "channel",
    "kind",
    "social",
    "assistant",
    "days",
    "conversations",
    "due now",
    "ages: new → old",
    "last run (deleted)",
    "next run",
)


class AssistantsScreen(OperatingScreen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("t,space", "toggle_assistant", "On/off"),
        Binding("e", "days", "Days"),
        Binding("p", "preview", "Preview"),
        Binding("r", "run", "Run now"),
        Binding("i", "interval", "Interval"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, AssistantRow] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="assistants-title", markup=False)
        yield DataTable(id="assistants-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="assistants-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        self.refresh_table()
        table.focus()

    def on_screen_resume(self) -> None:
        self.refresh_table()

    def on_swept(self, _: Swept) -> None:
        self.refresh_table()

    def on_data_changed(self, message: DataChanged) -> None:
        if message.forwarded:
            self.refresh_table()

    def refresh_table(self) -> None:
        self.run_read(self._read)

    def _read(self) -> Read:
        """Every channel's assistant with the ages of its conversations (counts: in a thread)."""
        rows = []
        for row in models.list_assistants():
            span = max(row.days + 1, models.oldest_age_days(row.channel) + 1)
            rows.append((row, span, models.ages(row.channel, BANDS, span)))
        return self.Read(rows)

    class Read(Message):
        def __init__(self, rows: list[tuple[AssistantRow, int, list[int]]]) -> None:
            super().__init__()
            self.rows = rows

    @on(Read)
    def _show_table(self, message: Read) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        self.rows = {row.channel: row for row, _, _ in message.rows}
        for row, span, ages in message.rows:
            table.add_row(*self._cells(row, span, ages), key=row.channel)
        if self.rows:
            table.move_cursor(row=min(cursor, len(self.rows) - 1))
        interval = models.describe_interval(host(self).schedule.interval)
        self.query_one("#assistants-title", Static).update(
            Text(
                f" Channel assistants: sweeps every {interval}, each channel in its own slot. "
                "Ages: │ marks the cutoff, red is due. (Esc: back)",
                style="bold",
            )
        )
        self._show_detail()

    def after_operation(self, failed: bool) -> None:
        self.refresh_table()

    def _cells(self, row: AssistantRow, span: int, ages: list[int]) -> list[object]:
        cutoff = min(BANDS - 1, round(row.days / span * BANDS))
        picture = age_picture(ages, cutoff)
        next_run = host(self).schedule.next_run(row.channel) if row.enabled else None
        last = (
            f"{short_when(row.last_run_at)} ({row.last_run_count:,})"
            if row.last_run_at
            else "never"
        )
        return [
            plain(row.channel),
            row.kind,
            "social" if row.social else "",
            Text("on", "bold green") if row.enabled else Text("off", "dim"),
            f"{row.days:,}",
            f"{row.conversations:,}",
            f"{row.due:,}",
            picture,
            last,
            short_when(next_run),
        ]

    @property
    def current(self) -> AssistantRow | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        return list(self.rows.values())[table.cursor_row]

    @on(DataTable.RowHighlighted)
    def _show_detail(self) -> None:
        row = self.current
        text = Text()
        if row is not None:
            text.append_text(plain(row.channel, "bold"))
            if row.enabled:
                text.append(
                    f": the assistant deletes conversations {models.rule(row.days)}; "
                    f"{plural(row.due, 'conversation')} due now."
                )
            else:
                text.append(
                    f": the assistant is off (with {row.days:,} days it would delete "
                    f"{plural(row.due, 'conversation')} now)."
                )
            if row.social:
                text.append("\n" + social_notice([row.channel]), style="yellow")
        self.query_one("#assistants-detail", Static).update(text)

    def action_toggle_assistant(self) -> None:
        row = self.current
        if row is not None:
            self._apply(row.channel, None if row.enabled else row.days)

    def action_days(self) -> None:
        row = self.current
        if row is None:
            return
        question = (
            f"Days after the last activity before the {row.channel} assistant deletes (1-36500):"
        )

        def answered(value: str | None) -> None:
            if value is not None:
                self._apply(row.channel, value)

        self.app.push_screen(PromptDialog(question, str(row.days)), answered)

    def _apply(self, channel: str, days: object | None) -> None:
        def operation() -> OperatingScreen.Done:
            row = models.set_assistant(channel, days)
            state = f"deletes after {row.days} days" if row.enabled else "is off"
            return self.Done(f"The {row.channel} assistant {state}.")

        self.run_operation(operation)

    def action_interval(self) -> None:
        def answered(value: str | None) -> None:
            if value is None:
                return
            try:
                host(self).set_sweep_interval(models.parse_interval(value))
            except HushdeskError as error:
                self.notify(safe(error), severity="error", markup=False)
            self.refresh_table()

        current = models.describe_interval(host(self).schedule.interval)
        self.app.push_screen(
            PromptDialog("Sweep every (e.g. 90s, 15m, 1h, 1d):", current), answered
        )

    def action_preview(self) -> None:
        row = self.current
        if row is not None:
            self.app.push_screen(PreviewScreen(row))

    def action_run(self) -> None:
        row = self.current
        if row is None:
            return
        if not row.enabled:
            self.notify(
                f"The {row.channel} assistant is off; turn it on first (t).",
                severity="warning",
                markup=False,
            )
            return
        question = Text(
            f"Run the {row.channel} assistant now? It deletes "
            f"{plural(row.due, 'conversation')} {models.rule(row.days)} permanently."
            f"{UNDONE}"
        )
        if row.social and row.due:
            question.append("\n\n" + social_notice([row.channel]), style="yellow")

        def answered(yes: bool | None) -> None:
            if yes:
                host(self).start_sweep([row.channel])

        self.app.push_screen(ConfirmDialog(question), answered)
