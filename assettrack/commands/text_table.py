"""A table as plain aligned text, for the command line's long listings.

Rich lays out a table cell by cell (about a second for the 1,650 rows of a large fleet's
warranty list); this measures each column once and pads with spaces, counting a Chinese
character as two terminal columns (``i18n.formats.cells``). Piped output keeps every
character, for grep and wide pagers; in a terminal the widest text columns are cut with "…"
so that a row fits on one line, and a column may be coloured (none under ``NO_COLOR``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from assettrack.i18n.formats import cells

GAP = "  "
ELLIPSIS = "…"
MIN_WIDTH = 6  # a column cut to fit a terminal keeps at least this many columns
ANSI = {"green": "32", "yellow": "33", "red": "31", "dim": "2", "bold": "1"}


@dataclass(frozen=True)
class TextColumn:
    title: str
    right: bool = False  # numbers: aligned right
    shrinks: bool = False  # may be cut with "…" to fit a terminal


def width_of(text: str) -> int:
    return len(text) if text.isascii() else cells(text)


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` terminal columns, ending in "…" if it was cut."""
    if width_of(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        step = width_of(char)
        if used + step > width - 1:
            break
        kept.append(char)
        used += step
    return "".join(kept) + ELLIPSIS


def render(
    columns: Sequence[TextColumn],
    rows: Sequence[Sequence[str]],
    *,
    styles: Sequence[str | None] | None = None,
    style_column: int | None = None,
    width: int | None = None,
    colour: bool = False,
) -> str:
    """The table as lines of text. ``styles`` gives each row's style for ``style_column``
    (a key of ``ANSI``), used with ``colour``; ``width`` is the terminal's (None: no limit)."""
    widths = [width_of(c.title) for c in columns]
    for i in range(len(columns)):
        # Distinct texts only: vendors, statuses and dates repeat down a column.
        texts = {row[i] for row in rows}
        if texts:
            widths[i] = max(widths[i], *map(width_of, texts))
    if width is not None:
        _shrink(columns, widths, width)
    bold = colour and "bold"
    lines = [_line([c.title for c in columns], columns, widths, None, bold or None)]
    for n, row in enumerate(rows):
        style = styles[n] if colour and styles is not None else None
        lines.append(_line(row, columns, widths, style_column, style))
    return "\n".join(lines) + "\n"


def _shrink(columns: Sequence[TextColumn], widths: list[int], limit: int) -> None:
    """Cut the widest shrinkable column by one until the row fits (or none can shrink)."""
    total = sum(widths) + len(GAP) * (len(widths) - 1)
    while total > limit:
        candidates = [i for i, c in enumerate(columns) if c.shrinks and widths[i] > MIN_WIDTH]
        if not candidates:
            return
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
        total -= 1


def _line(
    cells_: Sequence[str],
    columns: Sequence[TextColumn],
    widths: Sequence[int],
    style_column: int | None,
    style: str | None,
) -> str:
    parts = []
    last = len(columns) - 1
    for i, (text, column, width) in enumerate(zip(cells_, columns, widths, strict=True)):
        text = cut(text, width)
        pad = " " * (width - width_of(text))
        if i == last and not column.right:
            pad = ""  # no trailing spaces
        padded = pad + text if column.right else text + pad
        if style is not None and (style_column is None or i == style_column):
            padded = f"\x1b[{ANSI[style]}m{padded}\x1b[0m"
        parts.append(padded)
    line = GAP.join(parts)
    # An empty last cell leaves the gap and padding before it: no trailing spaces.
    return line if columns[-1].right or style is not None else line.rstrip(" ")


def colour_wanted(is_terminal: bool) -> bool:
    """Colour for a terminal, unless NO_COLOR asks for none (no-color.org)."""
    return is_terminal and not os.environ.get("NO_COLOR")
