"""The inbox list: a window onto the database, never the whole result in memory.

A line-API ScrollView whose virtual height is the match count. Rows are
fetched a page at a time as they come into view and kept in a small LRU
cache, so a million-conversation inbox opens and scrolls like a small one.
The first page shows at once; when it is full, the matches are counted in a
thread (a count of hundreds of thousands reads them all) and the height follows.
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
        self._end_when_counted = False
        self._reloads += 1
        if self.search is not None:
            self.search.refresh()
        first = len(self._page(0)) if self.search else 0
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
        if self.search is None or not 0 <= index < self.total:
            return None
        number = index // PAGE
        rows = self._page(number)
        offset = index - number * PAGE
        return rows[offset] if offset < len(rows) else None

    def _page(self, number: int) -> list[ConversationRow]:
        if number in self._pages:
            self._pages.move_to_end(number)
            return self._pages[number]
        rows = self._pages[number] = self._fetch(number * PAGE)
        self.rows_fetched += len(rows)
        while len(self._pages) > CACHE_PAGES:
            self._pages.popitem(last=False)
        return rows

    def _fetch(self, offset: int) -> list[ConversationRow]:
        """A page; in the older half it is read from the oldest end, skipping fewer rows."""
        assert self.search is not None
        try:
            if self.counted and offset > self.total // 2:
                return self.search.page_from_end(offset, PAGE, self.total)
            return self.search.page(offset, PAGE)
        except HushdeskError as error:
            self._failed_read(error)
            return []

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
            for offset, row in enumerate(self._page(page)):
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

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def _clamp(self, index: int) -> int:
        return max(0, min(index, self.total - 1))

    def action_move(self, delta: int) -> None:
        self.cursor = self._clamp(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        height = max(1, self.scrollable_content_region.height)
        self.cursor = self._clamp(self.cursor + direction * height)

    def action_jump(self, index: int) -> None:
        self._end_when_counted = index < 0 and not self.counted
        self.cursor = self._clamp(self.total - 1 if index < 0 else index)

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
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        row = self.row_at(index)
        if row is None:
            text = "  No conversations here." if self.total == 0 and y == 0 else ""
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
