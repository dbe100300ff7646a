"""Merging two laptops' databases edited independently: export a bundle, import it."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from assettrack.domain.models import Asset, AssetStatus, Fault, ReportedVia, Site, Visit, VisitKind
from assettrack.errors import AssetTrackError
from assettrack.services.sync import (
    count_conflicts,
    export_bundle,
    import_bundle,
    list_conflicts,
    resolve_conflict,
)
from assettrack.store.store import Store


@pytest.fixture
def laptops(tmp_path: Path):
    a = Store.open(tmp_path / "a", author="张工")
    b = Store.open(tmp_path / "b", author="李工")
    yield a, b
    a.close()
    b.close()


def exchange(source: Store, target: Store, tmp_path: Path, name: str = "bundle.json"):
    path = tmp_path / name
    export_bundle(source, path)
    return import_bundle(target, path)


def seed(store: Store) -> tuple[Site, Site, Asset, Visit, Fault]:
    one = store.sites.save(Site("华东医院集团", "门诊楼机房"))
    two = store.sites.save(Site("华东医院集团", "住院部机房"))
    asset = store.assets.save(Asset(one.id, "switch", "Huawei", "S5735", "HW1"))
    visit = store.visits.save(Visit(one.id, "张工", VisitKind.SCHEDULED, datetime(2026, 3, 2, 9)))
    fault = store.faults.save(
        Fault(one.id, 1, ReportedVia.PHONE, datetime(2026, 3, 3, 8), datetime(2026, 3, 3, 8))
    )
    return one, two, asset, visit, fault


def test_first_import_adds_everything_and_again_changes_nothing(laptops, tmp_path) -> None:
    a, b = laptops
    one, _, asset, visit, fault = seed(a)
    report = exchange(a, b, tmp_path)
    assert (report.added, report.conflicts, report.updated) == (5, 0, 0)
    assert b.assets.get(asset.id).serial_number == "HW1"  # type: ignore[union-attr]
    assert b.visits.get(one.id, visit.id) is not None
    assert b.faults.get(one.id, fault.id) is not None
    again = exchange(a, b, tmp_path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    # Round trip back: nothing changes on A either.
    back = exchange(b, a, tmp_path)
    assert back.unchanged == 5 and back.added == back.updated == back.conflicts == 0


def test_new_on_both_sides_are_both_kept(laptops, tmp_path) -> None:
    a, b = laptops
    one, *_ = seed(a)
    exchange(a, b, tmp_path)
    va = a.visits.save(Visit(one.id, "张工", VisitKind.FOLLOW_UP, datetime(2026, 3, 10, 9)))
    vb = b.visits.save(Visit(one.id, "李工", VisitKind.PHONE_FOLLOW_UP, datetime(2026, 3, 11, 9)))
    kp = b.known_problems.save(
        __import__("assettrack.domain.known_problems", fromlist=["KnownProblem"]).KnownProblem(
            "风扇告警", "风扇转速低", "更换风扇"
        )
    )
    assert exchange(a, b, tmp_path).added == 1
    assert exchange(b, a, tmp_path, "back.json").added == 2
    for store in (a, b):
        assert {v.id for v in store.visits.for_site(one.id)} >= {va.id, vb.id}
    assert a.known_problems.get(kp.id) is not None


def test_edit_on_one_side_fast_forwards(laptops, tmp_path) -> None:
    a, b = laptops
    one, _, asset, _, fault = seed(a)
    exchange(a, b, tmp_path)
    f = b.faults.get(one.id, fault.id)
    assert f is not None
    f.responded_at = datetime(2026, 3, 3, 8, 10)
    b.faults.save(f)
    b.assets.save(dataclasses.replace(b.assets.get(asset.id), status=AssetStatus.LOANER_IN_PLACE))  # type: ignore[type-var]
    report = exchange(b, a, tmp_path)
    assert (report.updated, report.conflicts) == (2, 0)
    assert a.faults.get(one.id, fault.id).responded_at == datetime(2026, 3, 3, 8, 10)  # type: ignore[union-attr]
    assert a.assets.get(asset.id).status is AssetStatus.LOANER_IN_PLACE  # type: ignore[union-attr]
    # A's older copy coming back to B is not newer: B keeps its edit.
    assert exchange(a, b, tmp_path, "again.json").unchanged == 5


def test_same_record_edited_on_both_sides_is_kept_side_by_side(laptops, tmp_path) -> None:
    a, b = laptops
    one, _, _, _, fault = seed(a)
    exchange(a, b, tmp_path)
    fa = a.faults.get(one.id, fault.id)
    fb = b.faults.get(one.id, fault.id)
    assert fa is not None and fb is not None
    fa.symptom = "核心交换机宕机"
    a.faults.save(fa)
    fb.cause = "电源模块故障"
    b.faults.save(fb)
    report = exchange(a, b, tmp_path)
    assert (report.conflicts, report.updated) == (1, 0)
    # B's copy is untouched; A's waits beside it.
    assert b.faults.get(one.id, fault.id).cause == "电源模块故障"  # type: ignore[union-attr]
    (conflict,) = list_conflicts(b)
    assert conflict.table == "faults" and conflict.doc_id == fault.id
    assert set(conflict.fields) == {"symptom", "cause"}
    assert (conflict.local_by, conflict.theirs_by) == ("李工", "张工")
    assert conflict.theirs["symptom"] == "核心交换机宕机"
    # Importing the same bundle again does not pile up conflicts.
    assert exchange(a, b, tmp_path).conflicts == 0 and len(list_conflicts(b)) == 1
    resolve_conflict(b, conflict.id[:8], "theirs")
    assert list_conflicts(b) == []
    assert b.faults.get(one.id, fault.id).symptom == "核心交换机宕机"  # type: ignore[union-attr]
    # The resolution descends from both: A takes it as newer, without a conflict.
    back = exchange(b, a, tmp_path, "back.json")
    assert (back.updated, back.conflicts) == (1, 0)
    assert a.faults.get(one.id, fault.id).symptom == "核心交换机宕机"  # type: ignore[union-attr]


def test_keep_local_wins_on_the_other_laptop_too(laptops, tmp_path) -> None:
    a, b = laptops
    one, *_ = seed(a)
    exchange(a, b, tmp_path)
    sa, sb = a.sites.get(one.id), b.sites.get(one.id)
    sa.address, sb.address = "上海 A 路", "上海 B 路"  # type: ignore[union-attr]
    a.sites.save(sa)  # type: ignore[arg-type]
    b.sites.save(sb)  # type: ignore[arg-type]
    exchange(a, b, tmp_path)
    (conflict,) = list_conflicts(b)
    resolve_conflict(b, conflict.id, "local")
    assert b.sites.get(one.id).address == "上海 B 路"  # type: ignore[union-attr]
    exchange(b, a, tmp_path, "back.json")
    assert a.sites.get(one.id).address == "上海 B 路"  # type: ignore[union-attr]
    assert list_conflicts(a) == []
    with pytest.raises(AssetTrackError, match="no conflict"):
        resolve_conflict(b, "nope", "local")


def test_deleted_on_one_side(laptops, tmp_path) -> None:
    a, b = laptops
    one, _, _, visit, fault = seed(a)
    exchange(a, b, tmp_path)
    a.visits.delete(visit)
    report = exchange(a, b, tmp_path)
    assert report.deleted == 1
    assert b.visits.get(one.id, visit.id) is None
    # The tombstone keeps it deleted when B's older bundle comes back to A.
    assert exchange(b, a, tmp_path, "back.json").deleted == 0
    assert a.visits.get(one.id, visit.id) is None
    # Deleted on A while edited on B: a conflict, nothing lost.
    f = b.faults.get(one.id, fault.id)
    f.resolution = "更换电源"  # type: ignore[union-attr]
    b.faults.save(f)  # type: ignore[arg-type]
    a.faults.delete(a.faults.get(one.id, fault.id))
    report = exchange(a, b, tmp_path)
    assert report.conflicts == 1
    assert b.faults.get(one.id, fault.id).resolution == "更换电源"  # type: ignore[union-attr]
    (conflict,) = list_conflicts(b)
    assert conflict.label and conflict.theirs.get("_deleted") is True
    resolve_conflict(b, conflict.id, "theirs")
    assert b.faults.get(one.id, fault.id) is None


def test_asset_moved_to_another_site_is_found_across_files(laptops, tmp_path) -> None:
    a, b = laptops
    one, two, asset, *_ = seed(a)
    exchange(a, b, tmp_path)
    a.assets.save(dataclasses.replace(a.assets.get(asset.id), site_id=two.id))  # type: ignore[type-var]
    assert exchange(a, b, tmp_path).updated == 1
    assert b.assets.get(asset.id).site_id == two.id  # type: ignore[union-attr]
    assert [x.id for x in b.assets.by_site(two.id)] == [asset.id]
    old_file = b.folder / "assets" / f"{one.id}.json"
    assert asset.id not in orjson.loads(old_file.read_bytes()).get("assets", {})
    # Reopened from disk, the asset is there once.
    b.close()
    with Store.open(b.folder) as again:
        assert len(again.assets) == 1 and again.assets.get(asset.id).site_id == two.id  # type: ignore[union-attr]
    b.db = Store.open(b.folder).db  # the fixture closes it


def test_same_change_on_both_sides_is_no_conflict(laptops, tmp_path) -> None:
    a, b = laptops
    one, *_ = seed(a)
    exchange(a, b, tmp_path)
    for store in (a, b):
        site = store.sites.get(one.id)
        site.address = "上海"  # type: ignore[union-attr]
        store.sites.save(site)  # type: ignore[arg-type]
    assert exchange(a, b, tmp_path).conflicts == 0


def test_bad_bundles_are_refused(laptops, tmp_path) -> None:
    _, b = laptops
    path = tmp_path / "bad.json"
    path.write_text("not json")
    with pytest.raises(AssetTrackError, match="not an assettrack bundle"):
        import_bundle(b, path)
    doc = {"id": "x", "schema": 99, "_sync": {"revs": ["r1"]}}
    bundle = {"format": "assettrack-bundle", "version": 1, "documents": []}
    bundle["documents"] = [{"partition": "catalog.json", "table": "sites", "doc": doc}]
    path.write_bytes(orjson.dumps(bundle))
    with pytest.raises(AssetTrackError, match="schema 99"):
        import_bundle(b, path)
    doc["schema"] = 1
    bundle["documents"] = [{"partition": "../evil.json", "table": "sites", "doc": doc}]
    path.write_bytes(orjson.dumps(bundle))
    with pytest.raises(AssetTrackError, match="impossible place"):
        import_bundle(b, path)
    assert not (tmp_path / "evil.json").exists()


def test_newer_copy_in_another_file_replaces_the_old_one(laptops, tmp_path) -> None:
    """The merge side of a move, with the history carried along as a move should do."""
    from assettrack.store.repositories import write_documents

    a, b = laptops
    one, two, asset, *_ = seed(a)
    exchange(a, b, tmp_path)
    old_file = f"assets/{one.id}.json"
    history = a.db.partition(old_file, pinned=True).table("assets").get(doc_id=asset.id)["_sync"]
    a.assets.save(dataclasses.replace(a.assets.get(asset.id), site_id=two.id))  # type: ignore[type-var]
    new_file = f"assets/{two.id}.json"
    moved = dict(a.db.partition(new_file, pinned=True).table("assets").get(doc_id=asset.id))
    moved["_sync"] = {**moved["_sync"], "revs": history["revs"] + moved["_sync"]["revs"]}
    write_documents(a.db, new_file, "assets", [moved], pinned=True, stamp=False)
    assert exchange(a, b, tmp_path).updated == 1
    assert b.assets.get(asset.id).site_id == two.id  # type: ignore[union-attr]
    assert asset.id not in orjson.loads((b.folder / old_file).read_bytes()).get("assets", {})


def test_listing_conflicts_reads_only_the_files_that_can_hold_them(laptops, tmp_path) -> None:
    from tests.file_opens import opened_files

    a, b = laptops
    one, two, asset, _visit, fault = seed(a)
    # History elsewhere that a listing must not read: another site's records.
    a.visits.save(Visit(two.id, "张工", VisitKind.SCHEDULED, datetime(2026, 4, 2, 9)))
    exchange(a, b, tmp_path)
    fa, fb = a.faults.get(one.id, fault.id), b.faults.get(one.id, fault.id)
    fa.symptom, fb.cause = "核心交换机宕机", "电源模块故障"  # type: ignore[union-attr]
    a.faults.save(fa)  # type: ignore[arg-type]
    b.faults.save(fb)  # type: ignore[arg-type]
    aa, ab = a.assets.get(asset.id), b.assets.get(asset.id)
    aa.firmware, ab.firmware = "V200R022", "V200R021"  # type: ignore[union-attr]
    a.assets.save(aa)  # type: ignore[arg-type]
    b.assets.save(ab)  # type: ignore[arg-type]
    assert exchange(a, b, tmp_path).conflicts == 2
    with Store.open(b.folder, read_only=True) as fresh:  # nothing read yet but the assets
        with opened_files(b.folder) as opened:
            conflicts = list_conflicts(fresh)
        assert count_conflicts(fresh) == 2
    assert {(c.table, c.local is not None) for c in conflicts} == {
        ("faults", True),
        ("assets", True),
    }
    read = {p for p in opened if p.endswith(".json") and not p.startswith(".")}
    faults = f"records/faults/{one.id}/2026-03.json"
    # The asset's site file may be held from the opening already: no other file is read.
    assert faults in read and read <= {"catalog.json", f"assets/{one.id}.json", faults}


def test_an_asset_deleted_here_and_moved_there_shows_its_tombstone(laptops, tmp_path) -> None:
    a, b = laptops
    _one, two, asset, _visit, _fault = seed(a)
    exchange(a, b, tmp_path)
    moved = a.assets.get(asset.id)
    moved.site_id, moved.location = two.id, "B-02"  # type: ignore[union-attr]
    a.assets.save(moved)  # type: ignore[arg-type]
    b.assets.delete(asset.id)
    assert exchange(a, b, tmp_path).conflicts == 1
    (conflict,) = list_conflicts(b)
    # The tombstone is in the site file it was deleted from, which A's copy does not name.
    assert conflict.theirs["site_id"] == two.id
    assert conflict.local is not None and conflict.local.get("_deleted") is True
