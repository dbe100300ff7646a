"""One asset's history reads its records' own lines: the record index is built from the
documents' lines (``document_lines.live_field_texts``), with the same answer as parsing every
document for every shape a line can take, and the records are read from their own lines
(``PartitionStorage.peek``). A file that cannot be read that way is read whole, as before."""

from __future__ import annotations

import os
import random
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from assettrack.domain.models import Asset, Inspection, Site
from assettrack.domain.schema_version import SCHEMA_VERSION
from assettrack.store.document_lines import dump, live_field_texts
from assettrack.store.errors import CorruptStoreError
from assettrack.store.schema import SchemaPlan
from assettrack.store.store import Store
from tests.file_opens import age

TABLE = "inspections"


def parsed(raw: bytes, schema: int = SCHEMA_VERSION) -> list[tuple[str, str | None]]:
    """What parsing every document gives (the index's answer before)."""
    found = []
    for doc_id, doc in orjson.loads(raw)[TABLE].items():
        if not doc.get("_deleted"):
            value = doc.get("asset_id")
            found.append((doc_id, value if isinstance(value, str) else None))
    return found


def tricky_doc(rng: random.Random, n: int) -> tuple[str, dict]:
    doc_id = rng.choice([f"r{n}", f"记录{n}", f'q"{n}', f"b\\{n}", f"r{n}:x"])
    doc: dict = {"id": doc_id, "schema": SCHEMA_VERSION}
    shape = rng.randrange(10)
    if shape != 0:  # 0: no asset_id at all
        doc["asset_id"] = rng.choice([f"a{n % 5}", f"资产{n % 3}", 'a"1', "a\\2", 7, None])
    if shape == 1:  # a nested object with a key of the same name, before or after
        doc = {"readings": {"asset_id": "nested", "schema": 1}, **doc}
    if shape == 2:
        doc["readings"] = [{"asset_id": "nested"}]
    if shape == 7:  # ...before the document's own key, without a schema of its own
        doc = {"checks": [{"asset_id": "nested"}], **doc}
    if shape == 8:  # as a record is written: the site first, a nested asset_id later
        doc = {"site_id": "s", **doc, "parameter_changes": [{"asset_id": None}]}
    if shape == 3:
        doc["_deleted"] = rng.choice([True, False])
    if shape == 4:  # the key's bytes inside a text, escaped
        doc["notes"] = '"asset_id":"fake" and "schema":1'
    if shape == 5:  # another key ending in the field's name
        doc['x\\"asset_id'] = "tail"
    if shape == 6:
        doc["notes"] = "line one\nline two"  # escaped by JSON, still one line
    return doc_id, doc


def test_lines_give_what_parsing_gives_for_every_shape() -> None:
    rng = random.Random(11)
    for round_ in range(200):
        docs = dict(tricky_doc(rng, round_ * 10 + k) for k in range(rng.randrange(0, 12)))
        raw = dump({"assets": {"x": {"id": "x"}}, TABLE: docs})
        assert live_field_texts(raw, TABLE, "asset_id", SCHEMA_VERSION) == parsed(raw)
        # Edited by hand: whitespace around a key's colon.
        for edited in (
            raw.replace(b'"asset_id":', b'"asset_id": '),
            raw.replace(b'"asset_id":', b'"asset_id"\t:'),
            raw.replace(b'"schema":', b'"schema" : '),
        ):
            assert live_field_texts(edited, TABLE, "asset_id", SCHEMA_VERSION) == parsed(edited)


def test_a_file_to_read_whole_is_told() -> None:
    current = {"r1": {"id": "r1", "schema": SCHEMA_VERSION, "asset_id": "a1"}}
    older = {"r2": {"id": "r2", "schema": SCHEMA_VERSION - 1, "asset_id": "a1"}}
    assert live_field_texts(dump({TABLE: current}), TABLE, "asset_id", SCHEMA_VERSION) == [
        ("r1", "a1")
    ]
    # To be migrated first (its field may have had another name), or newer: read whole.
    assert live_field_texts(dump({TABLE: {**current, **older}}), TABLE, "asset_id", 3) is None
    assert live_field_texts(dump({TABLE: current}), TABLE, "asset_id", SCHEMA_VERSION - 1) is None
    # Written compactly (an earlier version, a merge, by hand): not this layout.
    assert live_field_texts(orjson.dumps({TABLE: current}), TABLE, "asset_id", 3) is None
    # An id twice: the parser keeps one of them; the file is read whole.
    line = b'"r1":' + orjson.dumps(current["r1"])
    twice = b'{\n"' + TABLE.encode() + b'":{\n' + line + b",\n" + line + b"\n}\n}"
    assert live_field_texts(twice, TABLE, "asset_id", SCHEMA_VERSION) is None
    # A damaged line: read whole, where the gate sets the document aside.
    damaged = twice.replace(b",\n" + line, b',\n"r2":{"id":"r2",')
    assert live_field_texts(damaged, TABLE, "asset_id", SCHEMA_VERSION) is None
    # Edited by hand to an older schema, beside a nested key of the current one.
    spaced = dump({TABLE: {"r3": {"id": "r3", "schema": SCHEMA_VERSION, "asset_id": "a1"}}})
    spaced = spaced.replace(
        b'"schema":%d' % SCHEMA_VERSION,
        b'"schema" : %d,"checks":[{"schema":%d}]' % (SCHEMA_VERSION - 1, SCHEMA_VERSION),
    )
    assert orjson.loads(spaced)[TABLE]["r3"]["schema"] == SCHEMA_VERSION - 1
    assert live_field_texts(spaced, TABLE, "asset_id", SCHEMA_VERSION) is None
    nested_first = (
        b'{\n"%s":{\n"r4":{"asset_id":"a1","checks":[{"schema":%d}],"id":"r4","schema" : %d}\n}\n}'
        % (
            TABLE.encode(),
            SCHEMA_VERSION,
            SCHEMA_VERSION - 1,
        )
    )
    assert orjson.loads(nested_first)[TABLE]["r4"]["schema"] == SCHEMA_VERSION - 1
    assert live_field_texts(nested_first, TABLE, "asset_id", SCHEMA_VERSION) is None
    # No such table: nothing of it.
    assert live_field_texts(dump({"other": current}), TABLE, "asset_id", SCHEMA_VERSION) is None
    assert live_field_texts(dump({TABLE: {}}), TABLE, "asset_id", SCHEMA_VERSION) == []


def test_the_index_built_from_lines_holds_nothing_parsed(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    with Store.open(folder) as store:
        site = store.sites.save(Site("Harbour Clinic", "Server room"))
        assets = store.assets.add_many(
            Asset(site.id, "switch", "Huawei", "S5735", f"HW{n}") for n in range(4)
        )
        records = [
            Inspection(site.id, a.id, datetime(2025, month, 3, 10), notes=f"{a.serial_number}")
            for a in assets
            for month in (1, 2, 3)
        ]
        store.inspections.add_many(records)
        store.inspections.delete(records[0])  # a tombstone: not indexed
        age(folder)
    with Store.open(folder, read_only=True) as store:
        history = store.inspections.for_asset(site.id, assets[0].id)
        assert [r.created_at.month for r in history] == [2, 3]
        names = store.db.partition_names(f"records/inspections/{site.id}")
        assert len(names) == 3
        # Built from the lines: no month file parsed whole and held.
        assert not any(store.db.holds_in_memory(name) for name in names)
        assert [r.notes for r in store.inspections.for_asset(site.id, assets[3].id)] == ["HW3"] * 3


def two_assets_in_one_month(folder: Path) -> tuple[Site, Asset, Asset, str]:
    """A site with two routers, each inspected twice in May 2025, all in one month file
    (its name is returned), written before today's session."""
    with Store.open(folder) as store:
        site = store.sites.save(Site("Harbour Clinic", "Server room"))
        first, second = store.assets.add_many(
            Asset(site.id, "router", "Cisco", "ISR4331", f"FGL{n}") for n in range(2)
        )
        store.inspections.add_many(
            Inspection(site.id, a.id, datetime(2025, 5, day, 10), notes=a.serial_number)
            for a in (first, second)
            for day in (3, 17)
        )
        (name,) = store.db.partition_names(f"records/inspections/{site.id}")
    age(folder)
    return site, first, second, name


def test_a_damaged_line_is_told_not_passed_over(tmp_path: Path) -> None:
    """Lines are read one by one, but a record whose line is damaged is never left out of
    a history in silence: the file is read whole, and said to be damaged."""
    folder = tmp_path / "db"
    site, first, second, name = two_assets_in_one_month(folder)
    with Store.open(folder, read_only=True) as store:
        history = store.inspections.for_asset(site.id, first.id)
        assert [(r.created_at.day, r.notes) for r in history] == [(3, "FGL0"), (17, "FGL0")]
    path = folder / name
    lines = path.read_bytes().split(b"\n")
    damaged = next(i for i, line in enumerate(lines) if second.id.encode() in line)
    lines[damaged] = lines[damaged][:40] + b"...,"  # one record's line cut short
    path.write_bytes(b"\n".join(lines))
    with Store.open(folder, read_only=True) as store:
        for asset in (first, second):
            with pytest.raises(CorruptStoreError, match="not valid JSON"):
                store.inspections.for_asset(site.id, asset.id)


def test_records_of_an_older_schema_are_migrated_before_they_are_read(tmp_path: Path) -> None:
    """A record file of an earlier schema may name the field otherwise (here ``asset_ID``
    became ``asset_id``): its lines are not served as they are, the file is migrated first,
    even where the index still holds for it (the same signature)."""
    folder = tmp_path / "db"
    site, _first, second, name = two_assets_in_one_month(folder)
    with Store.open(folder) as store:
        assert len(store.inspections.for_asset(site.id, second.id)) == 2  # indexed
    path = folder / name
    seen = os.stat(path)
    with open(path, "r+b") as file:  # in place, the same size, the same times: the index holds
        old = file.read().replace(b'"asset_id":', b'"asset_ID":')
        file.seek(0)
        file.write(old)
    os.utime(path, ns=(seen.st_atime_ns, seen.st_mtime_ns))

    def v1_to_v2(table: str, doc: dict) -> dict:
        if table == "inspections":
            doc["asset_id"] = doc.pop("asset_ID")
        return doc

    plan = SchemaPlan(current=SCHEMA_VERSION + 1, migrations={SCHEMA_VERSION: v1_to_v2})
    for read_only in (True, False):  # migrated in memory, then on disk
        with Store.open(folder, plan=plan, read_only=read_only) as store:
            history = store.inspections.for_asset(site.id, second.id)
            assert [(r.created_at.day, r.notes) for r in history] == [(3, "FGL1"), (17, "FGL1")]
