"""``to_doc`` encodes each dataclass with a function generated for its class: it must give
what the plain recursive walk over the fields gives, key for key and in the same order, for
every document a real demo database holds and for values a model should not hold (which the
gate, not the encoder, refuses)."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from assettrack.domain.codec import from_doc, to_doc
from assettrack.domain.gate import DELETED, MODELS
from assettrack.domain.models import Asset, AssetStatus, ConsoleSettings
from assettrack.services.assets import AssetRegister
from assettrack.services.demo import build_demo
from assettrack.services.demo_history import build_history
from assettrack.store.store import Store
from tests.conftest import TODAY


def walked(obj: Any) -> Any:
    """The encoding as a walk over the fields (what ``to_doc`` did before it was generated)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: walked(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, list | tuple):
        return [walked(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): walked(v) for k, v in obj.items()}
    return obj


def same(a: Any, b: Any) -> bool:
    """Equal, with every mapping's keys in the same order (the bytes saved depend on it)."""
    return orjson.dumps(a) == orjson.dumps(b) and a == b


def test_every_document_of_a_demo_database(tmp_path: Path, settings) -> None:
    folder = tmp_path / "db"
    with Store.open(folder, author="test") as store:
        register = AssetRegister(store, settings.warranty)
        build_demo(register, TODAY)
        build_history(register, TODAY)  # visits, inspections, faults, charges
    seen: dict[str, int] = {}
    for path in folder.rglob("*.json"):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        tables = orjson.loads(path.read_bytes())
        if not isinstance(tables, dict):
            continue
        for table, docs in tables.items():
            model = MODELS.get(table)
            if model is None or not isinstance(docs, dict):
                continue
            for doc in docs.values():
                if doc.get(DELETED):
                    continue
                obj = from_doc(model, {k: v for k, v in doc.items() if k != "_sync"})
                assert same(to_doc(obj), walked(obj)), (table, doc["id"])
                seen[table] = seen.get(table, 0) + 1
    # The demo fills every table but attachments; a walk that found none would prove nothing.
    for table in MODELS.keys() - {"attachments"}:
        assert seen.get(table, 0) > 0, table


def test_values_a_model_should_not_hold_are_encoded_as_the_walk_does() -> None:
    asset = Asset(site_id="s1", kind="router", vendor="Cisco", model="ISR", serial_number="X1")
    asset.installed_on = "2024-13-45"  # type: ignore[assignment]  # text where a date goes
    asset.warranty_months = Decimal("36.5")  # type: ignore[assignment]
    asset.tags = ("a", date(2025, 1, 2), AssetStatus.RETIRED)  # type: ignore[assignment]
    asset.notes = {"when": datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC), 3: [1.5]}  # type: ignore[assignment]
    asset.console = ConsoleSettings(port="COM3", baud=True)  # type: ignore[arg-type]
    asset.status = AssetStatus.SPARE
    encoded = to_doc(asset)
    assert same(encoded, walked(asset))
    assert encoded["tags"] == ["a", "2025-01-02", "retired"]
    assert encoded["notes"] == {"when": "2025-03-04T05:06:07+00:00", "3": [1.5]}
    assert encoded["status"] == "spare" and type(encoded["status"]) is str
    assert encoded["warranty_months"] == "36.5"


def test_a_subclass_and_a_class_with_slots_get_encoders_of_their_own() -> None:
    @dataclass
    class Base:
        name: str
        when: date | None = None

    @dataclass
    class Child(Base):
        extra: list[int] = field(default_factory=list)

    @dataclass(slots=True)
    class Slotted:
        value: Decimal
        parts: list[Base]

    base = Base("a", date(2026, 1, 1))
    child = Child("b", None, [1, 2])
    assert same(to_doc(base), {"name": "a", "when": "2026-01-01"})
    assert same(to_doc(child), {"name": "b", "when": None, "extra": [1, 2]})
    slotted = Slotted(Decimal("1.10"), [base, child])
    assert same(to_doc(slotted), walked(slotted))
    assert to_doc(Base) is Base  # a class itself is not a document
