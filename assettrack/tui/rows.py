"""Asset table rows: turning each asset's facts into a row for a given day.

The warranty status is worked out from the end date each time, so facts kept in the
start-up snapshot stay right from one day to the next. No Textual here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from rich.text import Text

from assettrack.bulk import bulk_build
from assettrack.domain.warranty import WarrantyState, status_on
from assettrack.i18n import N_
from assettrack.i18n.terms import asset_kind, warranty_label
from assettrack.tui.asset_facts import AssetFacts
from assettrack.tui.widgets.fast_table import Column, Row

STATUS_STYLE = {
    "active": "green",
    "expiring": "bold yellow",
    "expired": "bold red",
    "unknown": "dim",
}

ASSET_COLUMNS = (
    Column("site", N_("Site"), max_width=16),
    Column("kind", N_("Kind"), max_width=8),
    Column("vendor", N_("Vendor"), max_width=9),
    Column("model", N_("Model"), max_width=18),
    Column("serial", N_("Serial"), max_width=15),
    Column("status", N_("Warranty"), min_width=8),
    Column("ends", N_("Ends"), min_width=10),
    Column("inspected", N_("Inspected"), min_width=10),
    Column("location", N_("Location"), max_width=18),
    Column("firmware", N_("Firmware"), max_width=18),
)


_STATUS_TEXTS: dict[str, Text] = {}


def status_text(state: WarrantyState, label: str) -> Text:
    """The coloured status; one shared (never modified) Text per label."""
    text = _STATUS_TEXTS.get(label)
    if text is None:
        text = _STATUS_TEXTS[label] = Text(label, style=STATUS_STYLE[state.value])
    return text


_NO_END = 10**6  # unknown ends sort after every real one


class AssetRows:
    """The asset table's rows for one day, and (from the first filter keystroke on) the text
    the filter searches in each. Rows and facts are parallel lists."""

    __slots__ = ("_haystacks", "_labels", "facts", "rows")

    def __init__(self, facts: list[AssetFacts], today: date, thresholds: Iterable[int]) -> None:
        self.facts = facts
        self._haystacks: list[str] | None = None
        with bulk_build():
            self.rows, self._labels = _rows(facts, today, tuple(thresholds))

    def __len__(self) -> int:
        return len(self.rows)

    def filter(self, query: str) -> list[Row]:
        """Rows containing every word of ``query`` somewhere in their columns."""
        words = query.casefold().split()
        if not words:
            return list(self.rows)
        if self._haystacks is None:
            kinds = {kind: asset_kind(kind) for kind in {f.kind for f in self.facts}}
            self._haystacks = [
                _haystack(f, self._labels[f.ends], kinds[f.kind]) for f in self.facts
            ]
        # One plain pass per word over what the previous words left (no generator per row).
        matches = list(zip(self.rows, self._haystacks, strict=True))
        for word in words:
            matches = [m for m in matches if word in m[1]]
        return [row for row, _text in matches]


def _haystack(f: AssetFacts, label: str, kind: str) -> str:
    return " ".join(
        (
            f.site,
            f.customer,
            f.kind,
            kind,  # in words of the current language
            f.vendor,
            f.model,
            f.serial,
            f.hostname,
            f.location,
            f.firmware,
            f.ends,
            label,
            f.inspected,
            f.address,
            f.tags,
        )
    ).casefold()


def _rows(
    facts: list[AssetFacts], today: date, thresholds: tuple[int, ...]
) -> tuple[list[Row], dict[str, str]]:
    # Thousands of assets share a few hundred end dates: work each status out once, with
    # the status cell and the sort keys, shared by every row with that end date.
    by_end: dict[str, tuple[Text, tuple[object, ...]]] = {}
    labels: dict[str, str] = {}
    kinds: dict[str, str] = {}  # each kind in words, looked up once
    rows = []
    for f in facts:
        shared = by_end.get(f.ends)
        if shared is None:
            end = date.fromisoformat(f.ends) if f.ends else None
            state, days_left, band = status_on(end, thresholds, today)
            label = labels[f.ends] = warranty_label(state.value, band)
            # Only the columns whose text does not sort right need keys of their own:
            # warranty by days left, unknown ends last.
            days = _NO_END if days_left is None else days_left
            sort_keys = (None, None, None, None, None, days, f.ends or "9999", None, None, None)
            shared = by_end[f.ends] = (status_text(state, label), sort_keys)
        status, sort_keys = shared
        cells = (
            f.site,
            kinds.get(f.kind) or kinds.setdefault(f.kind, asset_kind(f.kind)),
            f.vendor,
            f.model,
            f.serial,
            status,
            f.ends,
            f.inspected,
            f.location,
            f.firmware,
        )
        rows.append(Row(f.id, cells, sort_keys))
    return rows, labels
