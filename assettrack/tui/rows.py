"""Turning asset views into table rows, and filtering them (no Textual here)."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class AssetRow:
    row: Row
    haystack: str  # every column's text, folded, for type-to-filter


def asset_row(view: AssetView) -> AssetRow:
    a = view.asset
    w = view.warranty
    ends = str(w.end or "")
    inspected = str(a.last_inspection or "")
    cells = (
        view.site_name,
        a.kind,
        a.vendor,
        a.model,
        a.serial_number,
        status_text(view),
        ends,
        inspected,
        a.location,
        a.firmware,
    )
    sort_keys = (
        view.site_name.casefold(),
        a.kind,
        a.vendor.casefold(),
        a.model.casefold(),
        a.serial_number.casefold(),
        (w.days_left if w.days_left is not None else 10**6),
        w.end or date.max,
        inspected,
        a.location.casefold(),
        a.firmware.casefold(),
    )
    haystack = " ".join(
        [
            view.site_name,
            view.customer,
            a.kind,
            a.vendor,
            a.model,
            a.serial_number,
            a.hostname,
            a.location,
            a.firmware,
            ends,
            w.label,
            inspected,
            a.management_address,
            *a.tags,
        ]
    ).casefold()
    return AssetRow(Row(a.id, cells, sort_keys), haystack)


def filter_rows(rows: list[AssetRow], query: str) -> list[Row]:
    """Rows containing every word of ``query`` somewhere in their columns."""
    words = query.casefold().split()
    if not words:
        return [r.row for r in rows]
    return [r.row for r in rows if all(w in r.haystack for w in words)]
