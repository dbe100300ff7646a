"""``export assets`` straight from the held rows: their order, and the CSV a column at a time.

Decoding 50,000 assets into views, then a dict per asset and a Python step per cell, took
most of a second. Here the rows (``store.assets.rows()``) are sorted by tuples compared in
C, turned into columns by ``zip``, each column's distinct values are converted once (a few
hundred dates, vendors and states among 50,000 cells; a column with nothing to convert is
used as it is; a column the same in every row becomes text between its neighbours), and
each row is its cells joined by commas in C, the rows joined once. The text is the one
``asset_transfer.export_row`` and ``csv_rows.write_csv`` make from the decoded assets, byte
for byte (tests compare them).

``HeldViews`` hands the rows to every exporter as the ``Sequence[AssetView]`` the plugin
API promises, decoding them only when an exporter reads a view; the built-in CSV exporters
recognise it and take the rows instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import date
from itertools import compress, count, pairwise, repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from assettrack.domain.asset_fields import ASSET_FIELDS
from assettrack.domain.models import AssetStatus
from assettrack.domain.warranty import status_on
from assettrack.services.csv_cells import FORMULA_START, csv_cell
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
_FORMULA_START = FORMULA_START  # a cell a spreadsheet would run
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


def held_json_assets(
    register: AssetRegister, rows: Iterable[AssetRow], today: date
) -> list[dict[str, Any]]:
    """The JSON export's assets of ``rows`` in their order, as ``asset_transfer.assets_json``
    makes them of their views, without decoding them: each document from its row
    (``asset_columns.document_of``), each distinct warranty status and site worked out once."""
    from assettrack.services.asset_transfer import warranty_json
    from assettrack.store.asset_columns import document_of

    statuses = register.statuses(today)
    status_json: dict[int, dict[str, Any]] = {}
    sites: dict[str, tuple[str, str]] = {}
    vendors: dict[str, str] = {}
    vendor_of = register.rules.vendor_of
    assets = []
    for row in rows:
        doc = document_of(row)
        named = sites.get(row.site_id)
        if named is None:
            site = register.site(row.site_id)
            named = sites[row.site_id] = (site.name, site.customer) if site else ("?", "?")
        doc["site"], doc["customer"] = named
        vendor = vendors.get(row.vendor)
        if vendor is None:
            vendor = vendors[row.vendor] = vendor_of(row.vendor) or row.vendor
        doc["vendor_resolved"] = vendor
        status = statuses(row)  # shared by the rows that share what decides it
        written = status_json.get(id(status))
        if written is None:
            written = status_json[id(status)] = warranty_json(status)
        doc["warranty_status"] = written
        assets.append(doc)
    return assets


def held_csv(
    register: AssetRegister, rows: Sequence[AssetRow], today: date, *, excel_bom: bool = False
) -> str:
    """The CSV of ``rows`` in their order, as ``asset_transfer.assets_csv`` writes their views.

    The header comes from the csv module; each row is its cells joined by commas in C,
    each cell formula-safe and quoted as the csv module quotes (``_cell``), worked out
    once per distinct value. The header, the rows and the last line break are joined in
    one go: the text is 10 MB at 50,000 assets, and each copy of it costs."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator=_END).writerow(COLUMNS)
    header = ("\ufeff" if excel_bom else "") + out.getvalue()
    if not rows:
        return header
    columns = _zipped(_pieces(register, rows, today), len(rows))
    lines = list(map(",".join, zip(*columns, strict=True)))
    lines.insert(0, header.removesuffix(_END))
    lines.append("")
    return _END.join(lines)


class _Keyed(NamedTuple):
    """A column of cells as each row's key and the cell of each key: mapped while the rows
    are joined, never held as a list of its own."""

    keys: Iterable[Any]
    cells: dict[Any, str]


# A piece of every row: one text (the same in every row), cells by key, or the cells.
_Piece = str | _Keyed | Sequence[str]


def _pieces(register: AssetRegister, rows: Sequence[AssetRow], today: date) -> list[_Piece]:
    """Each row's cells as pieces to be joined by commas: one piece a cell, or cells that
    come from the same field in one piece (customer and site; the warranty's state, end and
    days left)."""
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
        _Keyed(held["site_id"], places),
        *(_cells(held[name], _CONVERT.get(name)) for name in ASSET_COLUMNS),
        _cells(held["vendor"], lambda v: vendor_of(v) or v),
        _warranty(register, held, today),
    ]


def _zipped(pieces: list[_Piece], length: int) -> list[Iterable[str]]:
    """The pieces as columns for ``zip``, fewer of them: a run of pieces that are the same
    text in every row is one text, put in front of each cell of the keyed piece that
    follows it (a dict of a few hundred values), or else one column of its own. Fleets
    leave many columns empty everywhere (contracts, console settings, notes), and every
    column zipped and joined costs about a millisecond a column at 50,000 rows."""
    columns: list[Iterable[str]] = []
    same: list[str] = []  # texts of the run not yet placed
    for piece in pieces:
        if isinstance(piece, str):
            same.append(piece)
            continue
        if isinstance(piece, _Keyed):
            cells = piece.cells
            if same:
                lead = ",".join(same) + ","
                cells = {key: lead + cell for key, cell in cells.items()}
            columns.append(map(cells.__getitem__, piece.keys))
        else:
            if same:
                columns.append(repeat(",".join(same), length))
            columns.append(piece)
        same = []
    if same:
        columns.append(repeat(",".join(same), length))
    return columns


def _warranty(register: AssetRegister, held: dict[str, tuple[Any, ...]], today: date) -> _Piece:
    """The state, end and days left cells, in one piece, made once per end date. Only the
    state's text goes through ``_cell``: an ISO date (digits first) and a whole number of
    days (a plain number, even below zero) are their own cells."""
    first_at, ends = warranty_ends(register, held)
    thresholds = register.rules.thresholds
    states: dict[str, str] = {}
    told: dict[date | None, str] = {}
    cells: dict[int, str] = {}
    for at, end in ends.items():
        found = told.get(end)
        if found is None:
            state, days_left, _band = status_on(end, thresholds, today)
            said = states.get(state.value)
            if said is None:
                said = states[state.value] = _cell(state.value)
            found = told[end] = (
                f"{said},{end.isoformat()},{days_left}" if end is not None else said + ",,"
            )
        cells[at] = found
    if len(told) == 1:
        return next(iter(told.values()))
    return _Keyed(first_at, cells)


def _cells(values: Sequence[Any], convert: Callable[[Any], Any] | None = None) -> _Piece:
    """``values`` as CSV cells (formula-safe, quoted where needed): as they are when all
    are text the CSV writes unchanged (``_unchanged``), else each distinct value converted
    once; one text when every row has the same cell.

    Most columns hold a few hundred distinct values, shared objects whose hashes are known:
    those are tested once each. A column where nearly every value differs (ids, serial
    numbers, host names) is tested whole instead, which hashes none of its 50,000 texts;
    a sample of its first rows tells which kind of column it is."""
    if convert is None and len(set(values[:_SAMPLE])) > _SAMPLE // 2 and _unchanged(values):
        return values
    distinct = set(values)
    if len(distinct) == 1:
        [value] = distinct
        return _cell(convert(value) if convert else value)
    if convert is None and _unchanged(distinct):
        return values
    return _Keyed(values, {v: _cell(convert(v) if convert else v) for v in distinct})


_SAMPLE = 64


def _unchanged(values: Collection[Any]) -> bool:
    """Whether every value is text that is its own cell: none starts as a formula would
    (csv_rows) nor holds what the csv module's minimal quoting quotes (the delimiter, the
    quote, a line break). Tested on the values joined by line breaks, in C: a value starts
    with a formula's character only if that character follows a line break or starts the
    whole, which is looked for only when the character is there at all (a one-byte search)."""
    try:
        joined = "\n".join(values)  # TypeError: not all of them text
    except TypeError:
        return False
    if joined.count("\n") != len(values) - 1:  # a value holds a line break
        return False
    if joined[:1] in _FORMULA_START or any(map(joined.__contains__, _QUOTED_ON_A_LINE)):
        return False
    return not any("\n" + start in joined for start in _FORMULA_START if start in joined)


def _cell(value: Any) -> str:
    """One value as ``csv_rows.write_csv`` and the csv module write it."""
    text = csv_cell(value)
    if any(map(text.__contains__, _QUOTED)):
        return '"' + text.replace('"', '""') + '"'
    return text


_QUOTED = (",", '"', "\r", "\n")
_QUOTED_ON_A_LINE = _QUOTED[:3]


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
