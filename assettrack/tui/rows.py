"""Asset table rows: the facts each row shows, and turning them into rows for a given day.

The facts are plain strings, so the start-up snapshot (``row_snapshot``) can keep them in a
file; the warranty status is worked out from the end date each time, so a snapshot stays
right from one day to the next. No Textual here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from rich.text import Text

from assettrack.bulk import bulk_build
from assettrack.domain.warranty import WarrantyState, status_label, status_on
from assettrack.tui.widgets.fast_table import Column, Row

if TYPE_CHECKING:  # not imported at start-up: the first paint comes from facts alone
    from assettrack.services.assets import AssetView

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


class AssetFacts(NamedTuple):
    """What the asset table shows and searches for one asset, as text."""

    id: str
    site: str
    customer: str
    kind: str
    vendor: str
    model: str
    serial: str
    hostname: str
    location: str
    firmware: str
    ends: str  # ISO date of the warranty's last day, "" if unknown
    inspected: str  # ISO date of the last inspection, "" if never
    address: str
    tags: tuple[str, ...]


def facts_of(view: AssetView) -> AssetFacts:
    a = view.asset
    end = view.warranty.end
    return AssetFacts(
        a.id,
        view.site_name,
        view.customer,
        a.kind,
        a.vendor,
        a.model,
        a.serial_number,
        a.hostname,
        a.location,
        a.firmware,
        end.isoformat() if end else "",
        a.last_inspection.isoformat() if a.last_inspection else "",
        a.management_address,
        tuple(a.tags),
    )


_STATUS_TEXTS: dict[str, Text] = {}


def status_text(state: WarrantyState, label: str) -> Text:
    """The coloured status; one shared (never modified) Text per label."""
    text = _STATUS_TEXTS.get(label)
    if text is None:
        text = _STATUS_TEXTS[label] = Text(label, style=STATUS_STYLE[state.value])
    return text


class AssetRow:
    """A table row and, made on the first filter keystroke, the text the filter searches."""

    __slots__ = ("_haystack", "facts", "label", "row")

    def __init__(self, row: Row, facts: AssetFacts, label: str) -> None:
        self.row = row
        self.facts = facts
        self.label = label
        self._haystack: str | None = None

    @property
    def haystack(self) -> str:
        if self._haystack is None:
            f = self.facts
            self._haystack = " ".join(
                (
                    f.site,
                    f.customer,
                    f.kind,
                    f.vendor,
                    f.model,
                    f.serial,
                    f.hostname,
                    f.location,
                    f.firmware,
                    f.ends,
                    self.label,
                    f.inspected,
                    f.address,
                    *f.tags,
                )
            ).casefold()
        return self._haystack


_NO_END = 10**6  # unknown ends sort after every real one


def asset_rows(
    facts: Iterable[AssetFacts], today: date, thresholds: Iterable[int]
) -> list[AssetRow]:
    with bulk_build():
        return _asset_rows(facts, today, tuple(thresholds))


def _asset_rows(
    facts: Iterable[AssetFacts], today: date, thresholds: tuple[int, ...]
) -> list[AssetRow]:
    rows = []
    # Thousands of assets share a few hundred end dates: work each status out once.
    statuses: dict[str, tuple[WarrantyState, int | None, str]] = {}
    for f in facts:
        status = statuses.get(f.ends)
        if status is None:
            end = date.fromisoformat(f.ends) if f.ends else None
            state, days_left, band = status_on(end, thresholds, today)
            status = statuses[f.ends] = (state, days_left, status_label(state, band))
        state, days_left, label = status
        cells = (
            f.site,
            f.kind,
            f.vendor,
            f.model,
            f.serial,
            status_text(state, label),
            f.ends,
            f.inspected,
            f.location,
            f.firmware,
        )
        # Only the columns whose text does not sort right need keys of their own: warranty
        # by days left, unknown ends last.
        days = _NO_END if days_left is None else days_left
        sort_keys = (None, None, None, None, None, days, f.ends or "9999", None, None, None)
        rows.append(AssetRow(Row(f.id, cells, sort_keys), f, label))
    return rows


def filter_rows(rows: list[AssetRow], query: str) -> list[Row]:
    """Rows containing every word of ``query`` somewhere in their columns."""
    words = query.casefold().split()
    if not words:
        return [r.row for r in rows]
    return [r.row for r in rows if all(w in r.haystack for w in words)]
