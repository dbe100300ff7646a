"""What the asset table shows and searches for each asset, as plain text.

Plain strings, so the start-up snapshot (``row_snapshot``) can keep them in a file. Nothing
here imports Textual or Rich when imported: the snapshot is checked, and made, before they
are (``text_width`` measures with Rich when a column's width is first asked for). Facts are
held a row each (``AssetFacts``) or a column each (``FactColumns``, as the snapshot keeps
them and the table is made from them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import partial
from itertools import filterfalse
from typing import TYPE_CHECKING, NamedTuple, overload

if TYPE_CHECKING:
    from assettrack.domain.models import Asset
    from assettrack.services.assets import AssetRegister, AssetView


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
    tags: str  # space-separated


FIELDS: tuple[str, ...] = AssetFacts._fields
# The facts the asset table shows as they are, whose widths it sizes its columns by.
SHOWN: tuple[str, ...] = (
    "site",
    "vendor",
    "model",
    "serial",
    "ends",
    "inspected",
    "location",
    "firmware",
)
# A row of the right length as facts: tuple's own constructor, in C.
_new_facts = partial(tuple.__new__, AssetFacts)


class FactColumns(Sequence[AssetFacts]):
    """Facts held a column at a time, as the start-up snapshot keeps them: the asset table
    is made from the columns, and each asset's ``AssetFacts`` only when one is first read
    (all at once), which the first paint never does. Equal to any sequence of the same
    facts in the same order. ``widths``: each column's widest text in terminal cells,
    measured once (or as the snapshot recorded them)."""

    __slots__ = ("_rows", "columns", "widths")

    def __init__(
        self, columns: dict[str, Sequence[str]], widths: dict[str, int] | None = None
    ) -> None:
        self.columns = columns  # every field of FIELDS, each as long as the others
        self.widths = {} if widths is None else widths
        self._rows: list[AssetFacts] | None = None

    def width(self, name: str) -> int:
        """The widest text of the column ``name``, in terminal cells."""
        found = self.widths.get(name)
        if found is None:
            found = self.widths[name] = text_width(self.columns[name])
        return found

    def rows(self) -> list[AssetFacts]:
        if self._rows is None:
            self._rows = list(
                map(_new_facts, zip(*map(self.columns.__getitem__, FIELDS), strict=True))
            )
        return self._rows

    def __len__(self) -> int:
        return len(self.columns[FIELDS[0]])

    @overload
    def __getitem__(self, index: int) -> AssetFacts: ...
    @overload
    def __getitem__(self, index: slice) -> list[AssetFacts]: ...
    def __getitem__(self, index: int | slice) -> AssetFacts | list[AssetFacts]:
        return self.rows()[index]

    def __iter__(self) -> Iterator[AssetFacts]:
        return iter(self.rows())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FactColumns):
            return self.columns == other.columns
        if isinstance(other, Sequence):
            return self.rows() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # as a list's: the facts are compared


def text_width(texts: Iterable[str]) -> int:
    """The widest of ``texts`` in terminal cells: the longest (a pass in C), and the cells
    of each distinct text that is not ASCII, as only those can be wider than they are long."""
    from rich.cells import cell_len  # here: the snapshot is read before Rich is imported

    longest = max(map(len, texts), default=0)
    wide = set(filterfalse(str.isascii, texts))
    return max(longest, *map(cell_len, wide)) if wide else longest


def as_columns(facts: Sequence[AssetFacts]) -> FactColumns:
    """``facts`` held as columns (as they are if they are)."""
    return facts if isinstance(facts, FactColumns) else FactColumns(fact_columns(facts))


def fact_columns(facts: Sequence[AssetFacts]) -> dict[str, Sequence[str]]:
    """Each field's column of ``facts`` (a pass of ``zip`` in C when they are rows)."""
    if isinstance(facts, FactColumns):
        return facts.columns
    if not facts:
        return {name: () for name in FIELDS}
    return dict(zip(FIELDS, zip(*facts, strict=True), strict=True))


def fact_rows(facts: Sequence[AssetFacts]) -> Sequence[AssetFacts]:
    """``facts`` as rows one can index quickly."""
    return facts.rows() if isinstance(facts, FactColumns) else facts


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
        " ".join(a.tags),
    )


def register_facts(
    register: AssetRegister, today: date, assets: Iterable[Asset] | None = None
) -> list[AssetFacts]:
    """The facts of every asset in ``register`` (or of ``assets``), as of ``today``."""
    return [facts_of(v) for v in register.views(today, assets)]
