"""A read-only table that draws only the rows on screen.

Textual's DataTable lays out every row up front (about 1.4 s for 10,000 rows, and as long
again to refill after a filter). This table keeps plain row tuples, measures columns once,
and renders a line only when it becomes visible, so filtering 10,000 assets is a list
comprehension and a repaint. Wide (CJK) characters are measured in terminal cells.
It can be shown its first rows alone (the first screen of 50,000, ``set_rows(rest=...)``),
with their true count and widths, and asks for the rest the moment anything goes past them.
Column titles are catalog msgids, translated as they are drawn (a language switch redraws).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import filterfalse
from operator import attrgetter, itemgetter
from typing import Any, ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from assettrack.i18n import N_, _

Cell = str | Text


@dataclass(frozen=True)
class Column:
    key: str
    # The English msgid (N_), shown in the current language; or, for a word that needs its
    # context to translate ("Value" of a contract), a function giving it (a pgettext call).
    label: str | Callable[[], str]
    min_width: int = 4
    max_width: int = 40
    justify: str = "left"


class Row(NamedTuple):
    # A tuple, not a dataclass: 10,000 are made at start-up and a tuple is made 5x faster.
    key: str
    cells: tuple[Cell, ...]
    # What sorting by each column compares; None (or no keys) means the cell's text.
    sort_keys: tuple[Any, ...] = ()


def title(column: Column) -> str:
    """A column's title in the current language."""
    return column.label() if callable(column.label) else _(column.label)


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


_CELLS = attrgetter("cells")
_KEY = itemgetter(0)  # a row's key


@lru_cache(maxsize=65536)
def _fold_text(text: str) -> str:
    return text.casefold()


def sort_text(cell: Cell) -> str:
    """What sorting by a column with no sort keys compares: the cell's text, case folded
    (equal texts keep their rows' order)."""
    return _fold_text(cell) if type(cell) is str else _plain(cell).casefold()


@lru_cache(maxsize=65536)
def _fit(text: str, width: int, justify: str) -> str:
    """Truncate or pad plain text to exactly ``width`` cells."""
    length = cell_len(text)
    if length > width:
        clipped = Text(text)
        clipped.truncate(width, overflow="ellipsis")
        text, length = clipped.plain, cell_len(clipped.plain)
    pad = " " * (width - length)
    return pad + text if justify == "right" else text + pad


class FastTable(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    FastTable {
        background: $surface;
        height: 1fr;
        & > .fast-table--header { text-style: bold; background: $panel; }
        & > .fast-table--even { background: $surface-lighten-1 50%; }
        & > .fast-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .fast-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .fast-table--sorted { text-style: bold underline; background: $panel; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "fast-table--header",
        "fast-table--even",
        "fast-table--cursor",
        "fast-table--sorted",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", N_("Up"), show=False),
        Binding("down", "cursor(1)", N_("Down"), show=False),
        Binding("pageup", "page(-1)", N_("Page up"), show=False),
        Binding("pagedown", "page(1)", N_("Page down"), show=False),
        Binding("home", "to_edge(0)", N_("First"), show=False),
        Binding("end", "to_edge(1)", N_("Last"), show=False),
        Binding("enter", "select", N_("Open"), show=False),
    ]

    cursor_row: reactive[int] = reactive(0)

    class RowSelected(Message):
        def __init__(self, table: FastTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> FastTable:  # lets @on(..., "#id") tell two tables apart
            return self.table

    class RowsPainted(Message):
        """The table's first frame with rows in it has been drawn."""

        def __init__(self, table: FastTable) -> None:
            super().__init__()
            self.table = table

    class RowHighlighted(Message):
        def __init__(self, table: FastTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> FastTable:
            return self.table

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.rows: list[Row] = []
        self.widths = [max(c.min_width, cell_len(title(c))) for c in self.columns]
        self.sort_column: int | None = None
        self.sort_reverse = False
        self._line_cache: dict[tuple[int, bool], Strip] = {}
        self._rows_painted = False
        # Set while ``rows`` are only the first of ``_total`` (see ``set_rows``).
        self._rest: Callable[[], list[Row]] | None = None
        self._total = 0

    # -- data ------------------------------------------------------------------------------

    def set_rows(
        self,
        rows: Sequence[Row],
        *,
        measure: bool = True,
        widths: Sequence[int] | None = None,
        ordered: bool = False,
        total: int | None = None,
        rest: Callable[[], list[Row]] | None = None,
    ) -> None:
        """Show these rows (kept sorted by the current sort column). ``widths``: the
        columns' text widths when the caller knows them (``measure`` then measures none);
        ``ordered``: the rows are in the current sort order already (a filter of rows the
        table sorted), so they are not sorted again.

        With ``rest``, ``rows`` are only the first ``rows`` of ``total`` in the sort order,
        enough to fill the screen, and ``widths`` those of all of them: the table is drawn
        as it would be with every row (the scroll bar and the count too), and ``rest()``
        gives every row, in the sort order, when first needed (``fill``): for a line past
        the first rows, a move, a sort, or by the owner right after the paint."""
        self.rows = list(rows)
        self._rest = rest
        self._total = len(self.rows) if total is None else total
        if self.sort_column is not None and not (ordered or rest):
            self._sort()
        if widths is not None:
            self.widths = [
                min(max(c.min_width, cell_len(title(c)) + 1, w), c.max_width)
                for c, w in zip(self.columns, widths, strict=True)
            ]
        elif measure:
            self._measure()
        self._line_cache.clear()
        self.virtual_size = Size(self.total_width, self.row_count + 1)
        self.cursor_row = min(self.cursor_row, max(0, len(self.rows) - 1))
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.RowHighlighted(self, self.current_key))

    def _measure(self) -> None:
        widths = [max(c.min_width, cell_len(title(c)) + 1) for c in self.columns]
        if self.rows:
            # Column by column over the distinct texts (kinds, vendors, statuses repeat);
            # set() and map() keep the 10,000-row passes out of the interpreter loop.
            for i, cells in enumerate(zip(*(row.cells for row in self.rows), strict=True)):
                if set(map(type, cells)) == {str}:
                    texts: set[str] = set(cells)
                else:
                    texts = {_plain(c) for c in cells}
                # ASCII text is as wide as it is long; only the rest needs measuring in cells.
                longest = max(map(len, texts))
                wide = [cell_len(t) for t in filterfalse(str.isascii, texts)]
                longest = max(longest, *wide) if wide else longest
                widths[i] = min(max(widths[i], longest), self.columns[i].max_width)
        self.widths = widths

    def fill(self) -> None:
        """Take every row, if only the first were given (``set_rows(rest=...)``): the
        same first rows, the same widths, nothing on screen moves."""
        rest, self._rest = self._rest, None
        if rest is not None:
            self.rows = rest()
            self._line_cache.clear()

    @property
    def complete(self) -> bool:
        """Whether ``rows`` are every row (not only the first, see ``set_rows``)."""
        return self._rest is None

    @property
    def row_count(self) -> int:
        """How many rows the table has (``rows`` may be only the first of them)."""
        return len(self.rows) if self._rest is None else self._total

    @property
    def total_width(self) -> int:
        return sum(self.widths) + len(self.widths)

    @property
    def sort_state(self) -> tuple[int | None, bool]:
        """The column sorted by and whether reversed: rows in this order need no sort."""
        return (self.sort_column, self.sort_reverse)

    @property
    def current_key(self) -> str | None:
        return self.rows[self.cursor_row].key if self.rows else None

    def move_to_key(self, key: str) -> bool:
        """Put the cursor on the row with this key; False if no row has it."""
        self.fill()
        try:  # a search in C: the cursor's row among 50,000 at every filter keystroke
            index = list(map(_KEY, self.rows)).index(key)
        except ValueError:
            return False
        self.cursor_row = index
        return True

    def sort_by(self, column: int) -> None:
        """Sort by a column; sorting by it again reverses the order."""
        self.fill()
        key = self.current_key
        if self.sort_column == column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, False
        self._sort()
        self._line_cache.clear()
        if key is not None:
            self.move_to_key(key)
        self.refresh()

    def _sort(self) -> None:
        self.rows = self.sorted(self.rows)

    def sorted(self, rows: list[Row]) -> list[Row]:
        """``rows`` in the table's sort order (as they are, with no sort column)."""
        column = self.sort_column
        if column is None:
            return rows
        first = rows[0].sort_keys if rows else ()
        keyed = len(first) > column and first[column] is not None
        if keyed:
            return sorted(rows, key=lambda r: r.sort_keys[column], reverse=self.sort_reverse)
        # Decorated in C: each distinct text folded once (50,000 rows name 1,000 sites),
        # then the positions sorted by their keys. Stable, as list.sort is.
        cells = list(map(itemgetter(column), map(_CELLS, rows)))
        try:
            folded = {cell: sort_text(cell) for cell in set(cells)}
        except TypeError:  # a cell that cannot be hashed (a Rich Text): each folded
            keys = list(map(sort_text, cells))
        else:
            keys = list(map(folded.__getitem__, cells))
        order = sorted(range(len(keys)), key=keys.__getitem__, reverse=self.sort_reverse)
        return list(map(rows.__getitem__, order))

    # -- rendering -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        if y == 0:
            strip = self._header_strip()
        else:
            index = scroll_y + y - 1
            if index >= len(self.rows):
                self.fill()  # scrolled past the first rows before they were all taken
            if index >= len(self.rows):
                return Strip.blank(width, self.rich_style)
            if not self._rows_painted:
                # Handled after this frame is on screen: work that can wait for the first
                # sight of the rows (loading the store behind them) starts then.
                self._rows_painted = True
                self.post_message(self.RowsPainted(self))
            strip = self._row_strip(index)
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, self.rich_style)

    def _header_strip(self) -> Strip:
        base = self.rich_style + self.get_component_rich_style("fast-table--header")
        sorted_style = self.rich_style + self.get_component_rich_style("fast-table--sorted")
        segments = []
        for i, (column, width) in enumerate(zip(self.columns, self.widths, strict=True)):
            label = title(column)
            if i == self.sort_column:
                label += " ▼" if self.sort_reverse else " ▲"
            style = sorted_style if i == self.sort_column else base
            segments.append(Segment(_fit(label, width, column.justify) + " ", style))
        return Strip(segments)

    def _row_strip(self, index: int) -> Strip:
        is_cursor = index == self.cursor_row
        cached = self._line_cache.get((index, is_cursor))
        if cached is not None:
            return cached
        style = self.rich_style
        if index % 2:
            style += self.get_component_rich_style("fast-table--even")
        if is_cursor:
            style += self.get_component_rich_style("fast-table--cursor")
        segments = []
        row = self.rows[index]
        for cell, column, width in zip(row.cells, self.columns, self.widths, strict=True):
            text = _fit(_plain(cell), width, column.justify) + " "
            cell_style = style
            if isinstance(cell, Text) and cell.style and not is_cursor:
                cell_style = style + Style.parse(str(cell.style))
            segments.append(Segment(text, cell_style))
        strip = Strip(segments)
        if len(self._line_cache) > 4096:
            self._line_cache.clear()
        self._line_cache[(index, is_cursor)] = strip
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_cache.clear()

    # -- cursor ----------------------------------------------------------------------------

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._line_cache.pop((old, True), None)
        self._line_cache.pop((new, False), None)
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.RowHighlighted(self, self.current_key))

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_offset.y)
        visible = self._visible_rows()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self.fill()
        if self.rows:
            self.cursor_row = max(0, min(len(self.rows) - 1, self.cursor_row + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * self._visible_rows())

    def action_to_edge(self, end: int) -> None:
        self.fill()
        if self.rows:
            self.cursor_row = len(self.rows) - 1 if end else 0

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.RowSelected(self, self.rows[self.cursor_row].key))

    def on_click(self, event: events.Click) -> None:
        self.fill()
        y = event.y
        if y == 0:
            x = event.x + round(self.scroll_offset.x)
            edge = 0
            for i, width in enumerate(self.widths):
                edge += width + 1
                if x < edge:
                    self.sort_by(i)
                    return
            return
        index = round(self.scroll_offset.y) + y - 1
        if 0 <= index < len(self.rows):
            if index == self.cursor_row and event.chain >= 2:
                self.action_select()
            self.cursor_row = index
