"""A repository's save passes the gate without building the model again from the document
``to_doc`` just made of it (``write_documents(built=True)``), as a load does for documents
read back from the store. That is safe only while the gate's field checks refuse every
document that building the model would: checked here for each field of every model, and of
an inspection's checklist items, set to values a model should not hold."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from assettrack.domain.codec import to_doc
from assettrack.domain.gate import MODELS, check_document
from assettrack.domain.models import Asset, ChecklistResult, Inspection, ItemResult
from assettrack.store.errors import RejectedDocumentError
from assettrack.store.store import Store

ODD_VALUES: list[Any] = [
    None,
    "",
    "not-a-date",
    "2024-02-30",
    0,
    -1,
    10**13,
    1.5,
    float("nan"),
    True,
    [],
    {"a": 1},
    ["a"],
    date(9999, 1, 1),
    datetime(1800, 1, 1),
    Decimal("NaN"),
    object(),
    "x" * 200_000,
]


def _placeholder(annotation: str) -> Any:
    if "datetime" in annotation:
        return datetime(2026, 1, 1)
    if "date" in annotation:
        return date(2026, 1, 1)
    if "Decimal" in annotation:
        return Decimal(1)
    if annotation == "int":
        return 1
    if annotation.startswith("list"):
        return []
    if annotation.startswith("dict"):
        return {}
    return "id-1"


def _made(model: type) -> Any:
    """An instance of ``model`` with placeholders for its required fields."""
    required = [
        f
        for f in dataclasses.fields(model)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    return model(*[_placeholder(str(f.type)) for f in required])


def _same_verdict(table: str, obj: Any) -> bool:
    try:
        doc = to_doc(obj)
    except (TypeError, ValueError):
        return True  # not even a document: nothing reaches the gate
    return bool(check_document(table, doc)) == bool(check_document(table, doc, decode=False))


@pytest.mark.parametrize("table", sorted(MODELS))
def test_the_field_checks_refuse_what_building_the_model_would(table: str) -> None:
    model = MODELS[table]
    tried = 0
    for f in dataclasses.fields(model):
        for value in ODD_VALUES:
            obj = _made(model)
            setattr(obj, f.name, value)
            assert _same_verdict(table, obj), (table, f.name, repr(value)[:40])
            tried += 1
    assert tried > 0


def test_so_do_the_checks_of_an_inspections_checklist_items() -> None:
    for f in dataclasses.fields(ChecklistResult):
        for value in ODD_VALUES:
            item = ChecklistResult("i1", "Label", ItemResult.PASS)
            setattr(item, f.name, value)
            record = Inspection("site-1", "a1", datetime(2026, 1, 1), items=[item])
            assert _same_verdict("inspections", record), (f.name, repr(value)[:40])


def test_a_save_of_a_model_holding_a_bad_value_is_still_refused(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db") as store:
        asset = Asset("site-1", "router", "Cisco", "ISR", "S1")
        asset.installed_on = "2024-02-30"  # type: ignore[assignment]
        with pytest.raises(RejectedDocumentError, match="installed_on"):
            store.assets.save(asset)
        record = Inspection("site-1", "a1", datetime(2026, 1, 1))
        record.items = [ChecklistResult("i1", "Label", "maybe")]  # type: ignore[list-item]
        with pytest.raises(RejectedDocumentError, match="items"):
            store.inspections.save(record)
        assert len(store.assets) == 0
