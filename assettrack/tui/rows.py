"""Asset table rows: turning each asset's facts into a row for a given day.

The warranty status is worked out from the end date each time, so facts kept in the
start-up snapshot stay right from one day to the next. No Textual here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import partial
from itertools import compress, repeat
from operator import contains

from rich.text import Text

from assettrack.bulk import bulk_build
from assettrack.domain.warranty import WarrantyState, status_on
from assettrack.i18n import N_
from assettrack.i18n.terms import asset_kind, warranty_label
from assettrack.tui.asset_facts import AssetFacts, as_columns, fact_rows, text_width
from assettrack.tui.widgets.fast_table import Column, Row, sort_text

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
    """The asset table's rows for one day, and the text the filter searches in each (made
    in pieces while the app is idle, or at the first filter keystroke). ``rows`` are in the
    order the table last sorted them (``reorder``), so a filter's rows need no sort;
    ``facts`` stay in the store's order. The rows and widths are made from the facts'
    columns (``FactColumns`` from the snapshot: no fact made for the first paint); the rows
    when first asked for, and ``first`` makes only the first screen's."""

    __slots__ = (
        "_columns",
        "_haystacks",
        "_kinds",
        "_labels",
        "_order",
        "_results",
        "_rows",
        "_statuses",
        "facts",
    )

    def __init__(self, facts: Sequence[AssetFacts], today: date, thresholds: Iterable[int]) -> None:
        self.facts = facts
        self._columns = as_columns(facts)  # the facts' widths are measured there, once
        self._order: list[int] | None = None  # the fact of each row; None: the same order
        self._haystacks: list[str] = []  # of the rows, in their order
        # The last queries' matches (row, text): typing on narrows the previous answer,
        # and a backspace finds the one before it.
        self._results: dict[str, tuple[list[Row], list[str]]] = {}
        # Each distinct end's status and each kind in words: what the widths need.
        self._statuses = _statuses(self._columns.columns, today, tuple(thresholds))
        _by_end, _keys, self._labels, self._kinds = self._statuses
        self._rows: list[Row] | None = None

    @property
    def rows(self) -> list[Row]:
        """Every row (made when first asked for)."""
        if self._rows is None:
            with bulk_build():
                self._rows = _rows(self._columns.columns, self._statuses)
        return self._rows

    @property
    def made(self) -> bool:
        """Whether every row is made already."""
        return self._rows is not None

    def __len__(self) -> int:
        return len(self._columns)

    def kinds_said_otherwise(self) -> bool:
        """Whether a kind reads otherwise now than when the rows were made: a plugin's
        kind is said through its catalog, which is there only once the plugins have loaded
        (behind the paint of a start)."""
        return any(asset_kind(kind) != said for kind, said in self._kinds.items())

    def first(self, count: int) -> list[Row]:
        """The first ``count`` rows in the order of their site's text, case folded, rows
        of equal sites in the facts' order: what the table sorted by its first column
        (Site, ``FastTable.sorted``) shows at its top. Made without the other rows: at
        50,000 assets the first screen takes its 40 rows, not 50,000 (with each site's
        rows counted, each site's text folded once and the rows picked in C)."""
        sites = self._columns.columns["site"]
        tally = Counter(sites)
        folded = {text: sort_text(text) for text in tally}
        wanted: set[str] = set()
        taken, last = 0, None
        for text in sorted(tally, key=folded.__getitem__):
            # Sites whose texts fold alike are one run of rows: all or none of them.
            if taken >= count and folded[text] != last:
                break
            wanted.add(text)
            taken += tally[text]
            last = folded[text]
        picked = list(compress(range(len(sites)), map(wanted.__contains__, sites)))
        picked.sort(key=lambda at: folded[sites[at]])  # stable: the facts' order kept
        del picked[count:]
        columns = {
            name: list(map(column.__getitem__, picked))
            for name, column in self._columns.columns.items()
            if name in _ROW_FIELDS
        }
        return _rows(columns, self._statuses)

    def widths(self) -> list[int]:
        """Each column's widest text, in terminal cells (``asset_facts.text_width``): the
        facts shown as they are measured once per column (or as the snapshot recorded
        them), the statuses and kinds over their few distinct texts."""
        found = []
        for column in ASSET_COLUMNS:
            if column.key == "status":
                found.append(text_width(self._labels.values()))
            elif column.key == "kind":
                found.append(text_width(self._kinds.values()))
            else:
                found.append(self._columns.width(column.key))  # the fact of that name
        return found

    def reorder(self, rows: list[Row]) -> None:
        """Take the order the table sorted these very rows into."""
        position = {id(row): i for i, row in enumerate(self.rows)}
        moved = [position[id(row)] for row in rows]
        self._order = moved if self._order is None else [self._order[i] for i in moved]
        self._rows = list(rows)
        self._haystacks = []  # made again in the new order
        self._results.clear()

    def prepare_filter(self, count: int | None = None) -> bool:
        """Make the filter's text for ``count`` more rows (all: None); whether all are made.
        The screen calls it in pieces while idle, so the first keystroke finds them made."""
        made = len(self._haystacks)
        end = len(self.rows) if count is None else min(len(self.rows), made + count)
        facts, order = fact_rows(self.facts), self._order
        wanted = facts[made:end] if order is None else map(facts.__getitem__, order[made:end])
        labels, kinds = self._labels, self._kinds
        with bulk_build():
            self._haystacks += [_haystack(f, labels[f.ends], kinds[f.kind]) for f in wanted]
        return end == len(self.rows)

    def filter(self, query: str) -> list[Row]:
        """Rows containing every word of ``query`` somewhere in their columns, in order."""
        words = query.casefold().split()
        if not words:
            return self.rows
        key = " ".join(words)
        found = self._results.get(key)
        if found is None:
            self.prepare_filter()
            # The longest earlier query this one extends: its matches hold all of this one's.
            wider = max((q for q in self._results if key.startswith(q)), key=len, default=None)
            rows, texts = (
                self._results[wider] if wider is not None else (self.rows, self._haystacks)
            )
            # Each word over what the previous words left, every pass in C (no Python-level
            # step per row): which texts hold it, then those rows and texts.
            for word in words:
                keep = list(map(contains, texts, repeat(word)))
                rows, texts = list(compress(rows, keep)), list(compress(texts, keep))
            if len(self._results) >= RESULTS_KEPT:
                del self._results[next(iter(self._results))]
            found = self._results[key] = (rows, texts)
        return found[0]


RESULTS_KEPT = 16


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


Statuses = tuple[dict[str, Text], dict[str, tuple[object, ...]], dict[str, str], dict[str, str]]


def _statuses(
    column: Mapping[str, Sequence[str]], today: date, thresholds: tuple[int, ...]
) -> Statuses:
    """Of each distinct end date, its status cell, its sort keys and its status in words;
    of each kind, its words. Thousands of assets share a few hundred end dates and a few
    kinds: each is worked out once."""
    by_end: dict[str, Text] = {}
    sort_keys: dict[str, tuple[object, ...]] = {}
    labels: dict[str, str] = {}
    said: dict[tuple[str, int | None], tuple[str, Text]] = {}  # a few states and bands
    for ends in set(column["ends"]):
        end = date.fromisoformat(ends) if ends else None
        state, days_left, band = status_on(end, thresholds, today)
        shown = said.get((state.value, band))
        if shown is None:
            label = warranty_label(state.value, band)
            shown = said[(state.value, band)] = (label, status_text(state, label))
        labels[ends], by_end[ends] = shown
        # Only the columns whose text does not sort right need keys of their own:
        # warranty by days left, unknown ends last.
        days = _NO_END if days_left is None else days_left
        sort_keys[ends] = (None, None, None, None, None, days, ends or "9999", None, None, None)
    kinds = {kind: asset_kind(kind) for kind in set(column["kind"])}  # in words, once each
    return by_end, sort_keys, labels, kinds


# The facts a row is made of.
_ROW_FIELDS = frozenset(
    {"id", "site", "kind", "vendor", "model", "serial", "ends", "inspected", "location", "firmware"}
)


def _rows(column: Mapping[str, Sequence[str]], statuses: Statuses) -> list[Row]:
    """The rows of the facts' columns, with no Python-level step per row: each status and
    kind as ``_statuses`` worked them out, the rows put together by ``zip`` and tuple's
    constructor in C."""
    by_end, sort_keys, _labels, kinds = statuses
    cells = zip(
        column["site"],
        map(kinds.__getitem__, column["kind"]),
        column["vendor"],
        column["model"],
        column["serial"],
        map(by_end.__getitem__, column["ends"]),
        column["ends"],
        column["inspected"],
        column["location"],
        column["firmware"],
        strict=True,
    )
    keyed = zip(column["id"], cells, map(sort_keys.__getitem__, column["ends"]), strict=True)
    return list(map(_new_row, keyed))


# A row from its three parts by tuple's own constructor: Row(...) goes through a Python-level
# __new__, a third of the time of making 50,000 rows.
_new_row = partial(tuple.__new__, Row)
