"""``export assets`` straight from the held rows: their order, and the CSV a column at a time.

Decoding 50,000 assets into views, then a dict per asset and a Python step per cell, took
most of a second. Here the rows (``store.assets.rows()``) are sorted by tuples compared in
C, turned into columns by ``zip``, each column's distinct values are converted once (a few
hundred dates, vendors and states among 50,000 cells; a column with nothing to convert is
used as it is), and the csv module writes every row in C (``writerows``). The text is the
one ``asset_transfer.export_row`` and ``csv_rows.write_csv`` make from the decoded assets,
byte for byte (a test compares them).

``HeldViews`` hands the rows to every exporter as the ``Sequence[AssetView]`` the plugin
API promises, decoding them only when an exporter reads a view; the built-in CSV exporters
recognise it and take the rows instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from itertools import compress, count, pairwise, repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any, overload

from assettrack.domain.asset_fields import ASSET_FIELDS
from assettrack.domain.models import AssetStatus
from assettrack.domain.warranty import status_on
from assettrack.services.csv_rows import csv_cell
from assettrack.services.row_columns import columns_of, warranty_ends
from assettrack.store.asset_columns import FIELDS, AssetRow

if TYPE_CHECKING:
    from assettrack.services.assets import AssetRegister, AssetView

# The export's columns (asset_transfer.EXPORT_COLUMNS, which a test compares with these),
# from the field list alone: exporting does not import the import's validation.
ASSET_COLUMNS: tuple[str, ...] = ASSET_FIELDS[1:]  # all but site_id
COLUMNS: tuple[str, ...] = (
    "id",
    "customer",
    "site",
    *ASSET_COLUMNS,
    "vendor_resolved",
    "warranty_status",
    "warranty_ends",
    "warranty_days_left",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # as csv_rows: a cell a spreadsheet would run
_UNKNOWN_SITE = ("?", "?")
_END = "\r\n"
_at = {name: itemgetter(i) for i, name in enumerate(FIELDS)}


class HeldViews(Sequence["AssetView"]):
    """The exported assets as views for any exporter, decoded (all at once, each once)
    the first time one is read; ``rows`` are the held rows in export order."""

    def __init__(self, register: AssetRegister, rows: list[AssetRow], today: date) -> None:
        self.register = register
        self.rows = rows
        self.today = today
        self._views: list[AssetView] | None = None

    def _all(self) -> list[AssetView]:
        if self._views is None:
            self._views = self.register.views_of(self.rows, self.today)
        return self._views

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> AssetView: ...
    @overload
    def __getitem__(self, index: slice) -> list[AssetView]: ...
    def __getitem__(self, index: int | slice) -> AssetView | list[AssetView]:
        return self._all()[index]

    def __iter__(self) -> Iterator[AssetView]:
        return iter(self._all())


def export_order(
    register: AssetRegister, rows: Iterable[AssetRow], site: str | None
) -> list[AssetRow]:
    """The rows exported, by customer, site name, kind and serial number (each row's place
    as read breaks ties); ``site``: only sites whose name contains it, or the site of that id."""
    named = {s.id: (s.customer, s.name) for s in register.sites()}
    rows = list(rows)
    site_of = _at["site_id"]
    held_sites = set(map(site_of, rows))
    if site:
        wanted = site.casefold()
        held_sites = {
            sid
            for sid in held_sites
            if wanted in named.get(sid, _UNKNOWN_SITE)[1].casefold() or sid == site
        }
        rows = list(compress(rows, map(held_sites.__contains__, map(site_of, rows))))
    # Each site's rank by (customer, name): whole numbers compare faster than pairs of texts.
    ranked = sorted(held_sites, key=lambda sid: named.get(sid, _UNKNOWN_SITE))
    places = {sid: rank for rank, sid in enumerate(ranked)}
    for a, b in pairwise(ranked):
        if named.get(a, _UNKNOWN_SITE) == named.get(b, _UNKNOWN_SITE):
            places[b] = places[a]  # same customer and name: the rows interleave as before
    keyed = sorted(
        zip(
            map(places.__getitem__, map(site_of, rows)),
            map(_at["kind"], rows),
            map(_at["serial_number"], rows),
            count(),
            rows,
        )
    )
    return list(map(itemgetter(4), keyed))


def held_csv(
    register: AssetRegister, rows: Sequence[AssetRow], today: date, *, excel_bom: bool = False
) -> str:
    """The CSV of ``rows`` in their order, as ``asset_transfer.assets_csv`` writes their views.

    The header comes from the csv module; each row is its cells joined by commas in C,
    each cell formula-safe and quoted as the csv module quotes (``_quoted``), worked out
    once per distinct value."""
    out = io.StringIO(newline="")
    if excel_bom:
        out.write("\ufeff")
    csv.writer(out, lineterminator=_END).writerow(COLUMNS)
    if rows:
        pieces = zip(*_pieces(register, rows, today), strict=True)
        out.write(_END.join(map(",".join, pieces)))
        out.write(_END)
    return out.getvalue()


def _pieces(register: AssetRegister, rows: Sequence[AssetRow], today: date) -> list[Sequence[str]]:
    """Each row's cells as columns of text ready to be joined by commas: one column a cell,
    or cells that come from the same field in one piece (customer and site; the warranty's
    state, end and days left)."""
    held = columns_of(rows)
    named = {s.id: s for s in register.sites()}
    places = {}
    for sid in set(held["site_id"]):
        site = named.get(sid)
        customer, name = (site.customer, site.name) if site else _UNKNOWN_SITE
        places[sid] = _cell(customer) + "," + _cell(name)
    vendor_of = register.rules.vendor_of
    return [
        _cells(held["id"]),
        _mapped(held["site_id"], places),
        *(_cells(held[name], _CONVERT.get(name)) for name in ASSET_COLUMNS),
        _cells(held["vendor"], lambda v: vendor_of(v) or v),
        _warranty(register, rows, held, today),
    ]


def _warranty(
    register: AssetRegister, rows: Sequence[AssetRow], held: dict[str, tuple[Any, ...]], today: date
) -> list[str]:
    """The state, end and days left cells, in one piece, made once per end date."""
    first_at, ends = warranty_ends(register, rows, held)
    thresholds = register.rules.thresholds
    told: dict[date | None, str] = {}
    cells: dict[int, str] = {}
    for at, end in ends.items():
        if end not in told:
            state, days_left, _band = status_on(end, thresholds, today)
            told[end] = ",".join(
                map(_cell, (state.value, end.isoformat() if end else "", _show(days_left)))
            )
        cells[at] = told[end]
    return _mapped(first_at, cells)


def _mapped(values: Iterable[Any], table: dict[Any, Any]) -> list[Any]:
    return list(map(table.__getitem__, values))


def _cells(values: Sequence[Any], convert: Callable[[Any], Any] | None = None) -> Sequence[str]:
    """``values`` as CSV cells (formula-safe, quoted where needed), each distinct value
    converted once; returned as they are when all are text that needs nothing: no cell
    starts as a formula would (csv_rows) and none holds what the csv module's minimal
    quoting quotes (the delimiter, the quote, a line break). Both tested in C."""
    distinct = set(values)
    if convert is None:
        try:
            joined = "".join(distinct)  # TypeError: not all of them text
            firsts = set(map(str.__getitem__, distinct, repeat(_FIRST)))
        except TypeError:
            joined, firsts = ",", set()
        if firsts.isdisjoint(_FORMULA_START) and not any(map(joined.__contains__, _QUOTED)):
            return values
    table = {v: _cell(convert(v) if convert else v) for v in distinct}
    return _mapped(values, table)


_FIRST = slice(0, 1)


def _cell(value: Any) -> str:
    """One value as ``csv_rows.write_csv`` and the csv module write it."""
    text = csv_cell(value)
    if any(map(text.__contains__, _QUOTED)):
        return '"' + text.replace('"', '""') + '"'
    return text


_QUOTED = (",", '"', "\r", "\n")


def _show(value: Any) -> str:
    return "" if value is None else str(value)


def _iso(value: str | None) -> str:
    # As the decoded date prints (asset_values shows the date, not the stored text).
    return "" if value is None else date.fromisoformat(value).isoformat()


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "installed_on": _iso,
    "warranty_start": _iso,
    "warranty_end": _iso,
    "warranty_months": _show,
    "warranty_extension_months": lambda v: _show(v or ""),
    "contract_id": _show,
    "console_baud": _show,
    "driver": _show,
    "status": lambda v: AssetStatus(v).value,
    "tags": ";".join,
}
