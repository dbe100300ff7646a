"""Held asset rows as columns, for work done over every asset at once (the export, the
asset table): ``zip`` turns 50,000 rows into columns in C, and what depends on a few
fields is worked out once per distinct combination of them rather than once per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from itertools import count, repeat
from typing import TYPE_CHECKING, Any

from assettrack.domain.warranty import WarrantyRules, add_months
from assettrack.store.asset_columns import FIELDS, AssetRow

if TYPE_CHECKING:
    from assettrack.services.assets import AssetRegister

Columns = dict[str, tuple[Any, ...]]


def columns_of(rows: Sequence[AssetRow]) -> Columns:
    """Each field's column (empty columns for no rows)."""
    if not rows:
        return {name: () for name in FIELDS}
    return dict(zip(FIELDS, zip(*rows, strict=True), strict=True))


def warranty_ends(
    register: AssetRegister, held: Columns
) -> tuple[list[int], dict[int, date | None]]:
    """Each row's warranty end under the register's rules (``ends_by_rules``)."""
    return ends_by_rules(register.rules, held)


def ends_by_rules(rules: WarrantyRules, held: Columns) -> tuple[list[int], dict[int, date | None]]:
    """Each row's warranty end (of the rows whose columns are ``held``), as
    ``AssetRegister.warranty_ends`` gives it: for each row the place of the first row of
    the same key, and the end of each such first row.

    The end depends only on the fields keyed here (the vendor and model through the period
    the rules give them), so it is worked out for one row of each key. A row's key is told
    by a dict's ``setdefault`` in C, each key hashed once; a field the same in every row is
    left out of the key (most fleets leave their own end dates, months and extensions
    alone), and a key of one field is that field, not a tuple."""
    period_for = rules.period_for
    vendors, models, length = held["vendor"], held["model"], len(held["id"])
    model_at = _first_of(_keys([vendors, models], length))
    periods = {at: period_for(vendors[at], models[at])[0] for at in set(model_at)}
    fields = [
        held["warranty_end"],
        held["warranty_start"],
        held["installed_on"],
        held["warranty_months"],
        held["warranty_extension_months"],
        list(map(periods.__getitem__, model_at)),
    ]
    first_at = _first_of(_keys(fields, length))
    # Thousands of keys share a few hundred start dates (and fewer periods): each date is
    # read once, and each key's end worked out from the columns rather than its row.
    ends, starts, installed, months, extensions = (
        held[name]
        for name in (
            "warranty_end",
            "warranty_start",
            "installed_on",
            "warranty_months",
            "warranty_extension_months",
        )
    )
    read: dict[str, date] = {}
    found: dict[int, date | None] = {}
    for at in set(first_at):
        extension = extensions[at] or 0
        end = ends[at]
        if end is not None:  # the asset's own end date beats the rules
            start, length = end, extension
        else:
            start = starts[at] or installed[at]
            if start is None:
                found[at] = None
                continue
            period = months[at]
            length = (periods[model_at[at]] if period is None else period) + extension
        day = read.get(start)
        if day is None:
            day = read[start] = date.fromisoformat(start)
        found[at] = add_months(day, length)
    return first_at, found


def _keys(fields: list[Sequence[Any]], length: int) -> Iterable[Any]:
    """Each row's key of ``fields`` (columns of ``length`` rows), without the fields that
    hold one value in every row (``count`` compares in C, mostly by identity)."""
    varying = [field for field in fields if field and field.count(field[0]) != length]
    if not varying:
        return repeat(None, length)
    if len(varying) == 1:
        return varying[0]
    return zip(*varying, strict=True)


def _first_of(keys: Iterable[Any]) -> list[int]:
    """For each key, the place of the first row with that key."""
    seen: dict[Any, int] = {}
    return list(map(seen.setdefault, keys, count()))
