"""Turning asset views into table rows, and filtering them (no Textual here)."""

from __future__ import annotations

from datetime import date

from rich.text import Text

from assettrack.services.assets import AssetView
from assettrack.tui.widgets.fast_table import Column, Row

STATUS_STYLE = {
    "active": "green",
    "expiring": "bold yellow",
    "expired": "bold red",
    "unknown": "dim",
}

ASSET_COLUMNS = (
    Column("site", "Site", max_width=16),
    Column("kind", "Kind", max_width=8),
    Column("vendor", "Vendor", max_width=9),
    Column("model", "Model", max_width=18),
    Column("serial", "Serial", max_width=15),
    Column("status", "Warranty", min_width=8),
    Column("ends", "Ends", min_width=10),
    Column("inspected", "Inspected", min_width=10),
    Column("location", "Location", max_width=18),
    Column("firmware", "Firmware", max_width=18),
)


_STATUS_TEXTS: dict[str, Text] = {}


def status_text(view: AssetView) -> Text:
    """The coloured status; one shared (never modified) Text per label."""
    label = view.warranty.label
    text = _STATUS_TEXTS.get(label)
    if text is None:
        text = _STATUS_TEXTS[label] = Text(label, style=STATUS_STYLE[view.warranty.state.value])
    return text


class AssetRow:
    """A table row and, made on the first filter keystroke, the text the filter searches."""

    __slots__ = ("_haystack", "row", "view")

    def __init__(self, row: Row, view: AssetView) -> None:
        self.row = row
        self.view = view
        self._haystack: str | None = None

    @property
    def haystack(self) -> str:
        if self._haystack is None:
            a, w = self.view.asset, self.view.warranty
            self._haystack = " ".join(
                (
                    self.view.site_name,
                    self.view.customer,
                    a.kind,
                    a.vendor,
                    a.model,
                    a.serial_number,
                    a.hostname,
                    a.location,
                    a.firmware,
                    str(w.end or ""),
                    w.label,
                    str(a.last_inspection or ""),
                    a.management_address,
                    *a.tags,
                )
            ).casefold()
        return self._haystack


def asset_row(view: AssetView) -> AssetRow:
    a = view.asset
    w = view.warranty
    cells = (
        view.site_name,
        a.kind,
        a.vendor,
        a.model,
        a.serial_number,
        status_text(view),
        str(w.end or ""),
        str(a.last_inspection or ""),
        a.location,
        a.firmware,
    )
    # Only the columns whose text does not sort right need keys of their own: warranty by
    # days left, unknown ends last.
    days = w.days_left if w.days_left is not None else 10**6
    sort_keys = (None, None, None, None, None, days, w.end or date.max, None, None, None)
    return AssetRow(Row(a.id, cells, sort_keys), view)


def filter_rows(rows: list[AssetRow], query: str) -> list[Row]:
    """Rows containing every word of ``query`` somewhere in their columns."""
    words = query.casefold().split()
    if not words:
        return [r.row for r in rows]
    return [r.row for r in rows if all(w in r.haystack for w in words)]
