"""The inbox list: a window onto the database, never the whole result in memory.

A line-API ScrollView whose virtual height is the match count. The list asks,
the search decides: which end a page is read from is the search's (`rows`).
Pages are kept in a small LRU cache. A key reads the rows it brings into view
itself, before its frame (the first page when a search is shown, the last one
for End), so the frame after the key shows them; every other page (a scroll by
the mouse, the pages around the view, read ahead after each frame) is read in a
thread. Painting never reads: a row not read yet is drawn as a placeholder
until its page arrives, so on PostgreSQL no paint waits for a network round
trip, and while the database is out of reach keys read nothing themselves
either. So a million-conversation inbox opens and scrolls like a small one.
When the first page is full, the matches are counted in a thread (a count of
hundreds of thousands reads them all) and the height follows.
"""

from __future__ import annotations

from collections import OrderedDict

from rich.segment import Segment
from rich.style import Style
from textual import events, on, work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

import models
from models import ConversationRow, ConversationSearch, HushdeskError

from ...text import row_cells, safe

PAGE = 100
CACHE_PAGES = 20
AHEAD = 1  # pages read ahead on each side of the view


class ConversationList(ScrollView, can_focus=True):
    """Conversations matching a search, with a cursor and a multi-selection of ids."""

    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
        Binding(
            "enter",
            "open",
            "Read",
            show=False,
            tooltip="Read (scroll) the highlighted conversation",
        ),
    ]
    COMPONENT_CLASSES = {
        "conversation-list--cursor",
        "conversation-list--selected",
        "conversation-list--held",
        "conversation-list--dim",
    }
    DEFAULT_CSS = """
    ConversationList { background: $surface; overflow-x: hidden; }
    ConversationList > .conversation-list--cursor { background: $accent 40%; }
    ConversationList:focus > .conversation-list--cursor { background: $accent; text-style: bold; }
    ConversationList > .conversation-list--selected { color: $warning; text-style: bold; }
    ConversationList > .conversation-list--held { color: $error; }
    ConversationList > .conversation-list--dim { color: $text-muted; }
    """

    cursor: reactive[int] = reactive(0, init=False)

    class Highlighted(Message):
        def __init__(self, row: ConversationRow | None) -> None:
            super().__init__()
            self.row = row

    class Opened(Message):
        def __init__(self, row: ConversationRow) -> None:
            super().__init__()
            self.row = row

    class TotalChanged(Message):
        """`total` changed, or became exact (`counted`)."""

    class SelectionChanged(Message):
        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def __init__(self, selectable: bool = True, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.selectable = selectable
        self.search: ConversationSearch | None = None
        self.total = 0
        self.counted = True
        self._end_when_counted = False
        self._reloads = 0  # a count answers only the reload that asked for it
        self._failure_said = -1
        self.selection: set[int] = set()
        self.rows_fetched = 0
        self._pages: OrderedDict[int, list[ConversationRow]] = OrderedDict()
        self._asked: set[int] = set()  # pages being read in a thread
        self.offline = False  # the database is out of reach: keys read nothing themselves

    def show(self, search: ConversationSearch, keep_cursor: bool = False) -> None:
        """Point the list at a search; the cursor goes to the top unless kept."""
        self.search = search
        self.reload(keep_cursor)

    def reload(self, keep_cursor: bool = True) -> None:
        """Forget cached rows and count again (after any change to the data).

        Until the count arrives the total is a lower bound: the first page, or the
        old total when the cursor stays, so the view does not jump meanwhile.
        """
        self._pages.clear()
        self._asked.clear()
        self._end_when_counted = False
        self._reloads += 1
        if self.search is not None:
            self.search.refresh()
        first = len(self._read_now(0)) if self.search else 0
        self.counted = first < PAGE
        if self.counted:
            self.total = first
        else:
            self.total = max(first, self.total) if keep_cursor else first
            self.count_matches(self.search, self._reloads)
        self._resized()
        target = min(self.cursor, self.total - 1) if keep_cursor else 0
        self.set_reactive(ConversationList.cursor, max(0, target))
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.TotalChanged())
        self.post_message(self.Highlighted(self.current))

    @work(thread=True, exclusive=True, group="list-count")
    def count_matches(self, search: ConversationSearch, reload: int) -> None:
        try:
            with models.connection():
                total: int | None = search.count()
        except HushdeskError:
            total = None
        self.post_message(self.Counted(reload, total))

    class Counted(Message):
        """A count from a thread: it answers only the reload that asked for it."""

        def __init__(self, reload: int, total: int | None) -> None:
            super().__init__()
            self.reload, self.total = reload, total

    @on(Counted)
    def _counted(self, message: Counted) -> None:
        reload, total = message.reload, message.total
        if reload != self._reloads:
            return  # an older search's count, or one from before the data changed
        self.counted = True
        self.total = self.total if total is None else total
        self._resized()
        if self._end_when_counted:
            self._end_when_counted = False
            self.cursor = self._clamp(self.total - 1)
        elif self.cursor >= self.total:
            self.cursor = self._clamp(self.cursor)
        self.refresh()
        self.post_message(self.TotalChanged())

    def _resized(self) -> None:
        self.virtual_size = Size(self.size.width, self.total)

    def row_at(self, index: int) -> ConversationRow | None:
        """The row at `index` if its page has been read; else None, and its page is asked for."""
        if self.search is None or not 0 <= index < self.total:
            return None
        number = index // PAGE
        rows = self._cached(number)
        if rows is None:
            self._ask(number)
            return None
        offset = index - number * PAGE
        return rows[offset] if offset < len(rows) else None

    @property
    def waiting(self) -> bool:
        """Some page in view is still being read."""
        return bool(self._asked)

    def _cached(self, number: int) -> list[ConversationRow] | None:
        rows = self._pages.get(number)
        if rows is not None:
            self._pages.move_to_end(number)
        return rows

    def _keep(self, number: int, rows: list[ConversationRow]) -> None:
        self._pages[number] = rows
        self._pages.move_to_end(number)
        self.rows_fetched += len(rows)
        while len(self._pages) > CACHE_PAGES:
            self._pages.popitem(last=False)

    def _read_now(self, number: int) -> list[ConversationRow]:
        """A page read at once (the first, when a search is shown; those a key brings into
        view; around a followed row). While the database is out of reach it is asked for
        in a thread instead: a key never waits for the reconnection."""
        rows = self._cached(number)
        if rows is not None:
            return rows
        if self.offline:
            self._ask(number)
            return []
        read = self._read(number)
        if read is not None:
            self._keep(number, read)
        return read or []

    def _read(self, number: int) -> list[ConversationRow] | None:
        """A page, or None when it could not be read (said once; asked for again later)."""
        assert self.search is not None
        try:
            return self.search.rows(number * PAGE, PAGE, self.total if self.counted else None)
        except HushdeskError as error:
            self._failed_read(error)
            return None

    def _ask(self, number: int) -> None:
        if number in self._asked or number < 0 or number * PAGE >= max(self.total, 1):
            return
        if self.search is not None:
            self._asked.add(number)
            total = self.total if self.counted else None
            self.read_page(self.search, number, self._reloads, total)

    def _read_ahead(self) -> None:
        """Ask for the pages in view and those on each side of it."""
        top, height = int(self.scroll_y), max(1, self.scrollable_content_region.height)
        for number in range(top // PAGE - AHEAD, (top + height) // PAGE + AHEAD + 1):
            if number not in self._pages:
                self._ask(number)

    @work(thread=True, group="list-pages")
    def read_page(
        self, search: ConversationSearch, number: int, reload: int, total: int | None
    ) -> None:
        """One page of this search, in a thread; it answers only the reload that asked for it."""
        try:
            with models.connection():
                rows = search.rows(number * PAGE, PAGE, total)
        except HushdeskError as error:
            self.post_message(self.PageRead(reload, number, [], str(error)))
            return
        self.post_message(self.PageRead(reload, number, rows, ""))

    class PageRead(Message):
        def __init__(
            self, reload: int, number: int, rows: list[ConversationRow], failed: str
        ) -> None:
            super().__init__()
            self.reload, self.number, self.rows, self.failed = reload, number, rows, failed

    @on(PageRead)
    def _page_read(self, message: PageRead) -> None:
        if message.reload != self._reloads:
            return  # read for an older search, or before the data changed
        self._asked.discard(message.number)
        if message.failed:  # not kept: the page is asked for again when next in view
            self._failed_read(models.HushdeskError(message.failed))
            return
        self._keep(message.number, message.rows)
        self.refresh()
        if self.cursor // PAGE == message.number:
            self.post_message(self.Highlighted(self.current))

    def _failed_read(self, error: HushdeskError) -> None:
        """Say once per reload that rows could not be read (they show as empty meanwhile)."""
        if self._failure_said != self._reloads:
            self._failure_said = self._reloads
            self.notify(safe(error), severity="error", markup=False)

    def follow(self, conversation_id: int) -> bool:
        """After a reload: put the cursor back on this conversation if it is near (True)."""
        number = self.cursor // PAGE
        for page in (number, number - 1, number + 1):
            if page < 0 or page * PAGE >= max(self.total, 1):
                continue
            for offset, row in enumerate(self._read_now(page)):
                if row.id == conversation_id:
                    self.cursor = page * PAGE + offset
                    return True
        return False

    @property
    def current(self) -> ConversationRow | None:
        return self.row_at(self.cursor)

    # selection -------------------------------------------------------------
    def toggle_current(self) -> None:
        row = self.current
        if row is None or not self.selectable:
            return
        self.selection.symmetric_difference_update({row.id})
        self._selection_changed()

    def select(self, ids: list[int]) -> None:
        self.selection.update(ids)
        self._selection_changed()

    def clear_selection(self) -> None:
        self.selection.clear()
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.refresh()
        self.post_message(self.SelectionChanged(len(self.selection)))

    # movement --------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self.current))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.call_after_refresh(self._read_ahead)  # after the frame: never before it

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def _clamp(self, index: int) -> int:
        return max(0, min(index, self.total - 1))

    def _go(self, index: int) -> None:
        """Move the cursor, with the rows it brings into view read first: a key's own read,
        so its first frame shows them (a scroll by the mouse reads in a thread instead)."""
        index = self._clamp(index)
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_y)
        top = index if index < top else index - height + 1 if index >= top + height else top
        for number in range(max(0, top) // PAGE, (max(0, top) + height - 1) // PAGE + 1):
            if self.search is not None and number * PAGE < self.total:
                self._read_now(number)
        self.cursor = index

    def action_move(self, delta: int) -> None:
        self._go(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        height = max(1, self.scrollable_content_region.height)
        self._go(self.cursor + direction * height)

    def action_jump(self, index: int) -> None:
        self._end_when_counted = index < 0 and not self.counted
        self._go(self.total - 1 if index < 0 else index)

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self.current))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = int(self.scroll_y) + offset.y
        if 0 <= index < self.total:
            self.cursor = index
            if offset.x < 2:
                self.toggle_current()
            elif event.chain == 2:
                self.action_open()

    def on_resize(self, event: events.Resize) -> None:
        self._resized()
        self._scroll_to_cursor()

    # drawing ---------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        """One line, from the rows read so far: it never reads the database itself."""
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        row = self.row_at(index)
        if row is None:
            text = "  No conversations here." if self.total == 0 and y == 0 else ""
            if 0 <= index < self.total:
                text = "  …"  # its page is being read
            return Strip([Segment(text.ljust(width)[:width], self.rich_style)], width)
        base, on_cursor = self.rich_style, index == self.cursor
        if on_cursor:
            base = base + self.get_component_rich_style("conversation-list--cursor")
        return Strip(self._cells(row, width, base, on_cursor), width).crop(0, width)

    def _foreground(self, component: str) -> Style:
        """A component's colour and weight without its background, so the cursor shows through."""
        style = self.get_component_rich_style(component)
        return Style(color=style.color, bold=style.bold)

    def _cells(
        self, row: ConversationRow, width: int, base: Style, on_cursor: bool
    ) -> list[Segment]:
        chosen = row.id in self.selection
        # The selection's colour is the cursor's: on the cursor row the mark is only bold.
        selected = self._foreground("conversation-list--selected")
        mark_style = base + (Style(bold=True) if on_cursor else selected)
        dim = base + self._foreground("conversation-list--dim")
        held = base + self._foreground("conversation-list--held")
        contact, channel, hold, subject, stamp = row_cells(
            row.contact, row.channel, row.held, row.subject, row.last_activity, width
        )
        return [
            Segment("● " if chosen else "  ", mark_style),
            Segment(contact, mark_style if chosen else base),
            Segment(channel, dim),
            Segment(hold, held),
            Segment(subject, base),
            Segment(stamp, dim),
        ]
