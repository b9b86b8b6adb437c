"""Channel assistants: each channel's retention rule, what is due, when it runs next.

Keys turn an assistant on or off, set its days, preview what it would delete,
run it now (after the usual confirmation) and set the sweep interval.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

import models
from models import AssistantRow, HushdeskError
from models.schedule import describe_interval, parse_interval

from ..dialogs.confirm import ConfirmDialog
from ..dialogs.prompt import PromptDialog
from ..messages import Swept
from ..text import plain, plural, short_when
from ..widgets.age_picture import BANDS, age_picture
from ..widgets.keys_footer import KeysFooter
from ..wording import UNDONE, social_notice
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


class AssistantsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("t,space", "toggle", "On/off"),
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
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        self.refresh_table()
        table.focus()

    def on_screen_resume(self) -> None:
        self.refresh_table()

    def on_swept(self, _: Swept) -> None:
        self.refresh_table()

    def refresh_table(self) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        self.rows = {r.channel: r for r in models.list_assistants()}
        for row in self.rows.values():
            table.add_row(*self._cells(row), key=row.channel)
        if self.rows:
            table.move_cursor(row=min(cursor, len(self.rows) - 1))
        interval = describe_interval(self.app.schedule.interval)
        self.query_one("#assistants-title", Static).update(
            Text(
                f" Channel assistants: sweeps every {interval}, each channel in its own slot. "
                "Ages: │ marks the cutoff, red is due. (Esc: back)",
                style="bold",
            )
        )
        self._show_detail()

    def _cells(self, row: AssistantRow) -> list[object]:
        span = max(row.days + 1, models.oldest_age_days(row.channel) + 1)
        cutoff = min(BANDS - 1, round(row.days / span * BANDS))
        picture = age_picture(models.ages(row.channel, BANDS, span), cutoff)
        next_run = self.app.schedule.next_run(row.channel) if row.enabled else None
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

    def action_toggle(self) -> None:
        row = self.current
        if row is not None:
            self._apply(
                lambda: models.set_assistant(row.channel, None if row.enabled else row.days)
            )

    def action_days(self) -> None:
        row = self.current
        if row is None:
            return
        question = (
            f"Days after the last activity before the {row.channel} assistant deletes (1-36500):"
        )

        def answered(value: str | None) -> None:
            if value is not None:
                self._apply(lambda: models.set_assistant(row.channel, value))

        self.app.push_screen(PromptDialog(question, str(row.days)), answered)

    def _apply(self, operation: object) -> None:
        try:
            operation()  # type: ignore[operator]
        except HushdeskError as error:
            self.notify(str(error), severity="error", markup=False)
        self.refresh_table()

    def action_interval(self) -> None:
        def answered(value: str | None) -> None:
            if value is None:
                return
            try:
                self.app.set_sweep_interval(parse_interval(value))
            except HushdeskError as error:
                self.notify(str(error), severity="error", markup=False)
            self.refresh_table()

        current = describe_interval(self.app.schedule.interval)
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
                self.app.start_sweep([row.channel])

        self.app.push_screen(ConfirmDialog(question), answered)
