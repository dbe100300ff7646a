"""One asset's history reads only the record files that hold its records (``store.record_index``);
the index is a cache: lost, damaged or stale, it costs a re-read and never a wrong answer."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson

from assettrack.domain.models import Asset, Inspection, Site
from assettrack.store.checked_files import CheckedFiles
from assettrack.store.file_reads import signature
from assettrack.store.record_index import INDEX_FOLDER
from assettrack.store.store import Store
from tests.file_opens import age, opened_files


def _site_with_history(store: Store) -> tuple[Site, list[Asset]]:
    site = store.sites.save(Site("华东医院集团", "门诊楼机房"))
    assets = store.assets.add_many(
        Asset(site.id, "switch", "Huawei", "S5735", f"HW{n}") for n in range(6)
    )
    records = [
        # Asset n is inspected in months n+1 and n+7 only (of twelve).
        Inspection(site.id, asset.id, datetime(2025, month, 3, 10), notes=f"{asset.serial_number}")
        for n, asset in enumerate(assets)
        for month in (n + 1, n + 7)
    ]
    store.inspections.add_many(records)
    age(store.folder)  # written before today's session: the index may trust them
    return site, assets


def _record_files(opened: list[str]) -> set[str]:
    return {p for p in opened if p.startswith("records/")}


def test_history_reads_only_the_files_that_hold_the_assets_records(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db") as store:
        site, assets = _site_with_history(store)
    with Store.open(tmp_path / "db") as store:
        with opened_files(tmp_path / "db") as first:
            history = store.inspections.for_asset(site.id, assets[2].id)
        assert [r.created_at.month for r in history] == [3, 9]
        assert all(r.asset_id == assets[2].id for r in history)
        # The first question builds the index: every month file is read once.
        assert len(_record_files(first)) == 12
    with Store.open(tmp_path / "db") as store:
        with opened_files(tmp_path / "db") as later:
            history = store.inspections.for_asset(site.id, assets[4].id)
        assert [r.notes for r in history] == ["HW4", "HW4"]
        folder = f"records/inspections/{site.id}"
        assert _record_files(later) == {f"{folder}/2025-05.json", f"{folder}/2025-11.json"}


def test_a_lost_or_damaged_index_is_rebuilt_with_the_same_answer(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db") as store:
        site, assets = _site_with_history(store)
        expected = [r.id for r in store.inspections.for_asset(site.id, assets[1].id)]
    index = tmp_path / "db" / INDEX_FOLDER / f"inspections.{site.id}.json"
    assert index.is_file()
    for damage in (b"", b"{not json", b'{"format": 1, "files": {"x": 3}}', None):
        if damage is None:
            index.unlink()
        else:
            index.write_bytes(damage)
        with Store.open(tmp_path / "db") as store:
            found = [r.id for r in store.inspections.for_asset(site.id, assets[1].id)]
        assert found == expected
    assert index.is_file()  # written again


def test_records_saved_by_another_process_are_in_the_next_answer(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db") as store:
        site, assets = _site_with_history(store)
        assert len(store.inspections.for_asset(site.id, assets[0].id)) == 2
        with Store.open(tmp_path / "db") as other:  # another laptop window, the CLI
            other.inspections.save(Inspection(site.id, assets[0].id, datetime(2025, 4, 9)))
            other.inspections.save(Inspection(site.id, assets[0].id, datetime(2026, 1, 9)))
            gone = other.inspections.for_asset(site.id, assets[0].id)[0]
            other.inspections.delete(gone)
        store.db.refresh()
        months = [
            r.created_at.strftime("%Y-%m")
            for r in store.inspections.for_asset(site.id, assets[0].id)
        ]
        assert months == ["2025-04", "2025-07", "2026-01"]


def test_a_damaged_record_in_the_history_is_set_aside_as_any_read_would(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db") as store:
        site, assets = _site_with_history(store)
    month = tmp_path / "db" / f"records/inspections/{site.id}/2025-02.json"
    data = orjson.loads(month.read_bytes())
    (damaged_id,) = [i for i, d in data["inspections"].items() if d["asset_id"] == assets[1].id]
    data["inspections"][damaged_id]["created_at"] = "9999-02-03T10:00:00"
    month.write_bytes(orjson.dumps(data))
    with Store.open(tmp_path / "db") as store:
        history = store.inspections.for_asset(site.id, assets[1].id)
        assert [r.created_at.month for r in history] == [8]  # the damaged one is not served
        assert any(damaged_id in notice for notice in store.db.notices)
    assert any((tmp_path / "db" / "quarantine").iterdir())


def test_a_file_damaged_after_it_was_checked_is_checked_again(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db") as store:
        site, assets = _site_with_history(store)
    asset_file = tmp_path / "db" / f"assets/{site.id}.json"
    with Store.open(tmp_path / "db") as store:  # read and checked: remembered as checked
        assert len(store.assets) == 6
    data = orjson.loads(asset_file.read_bytes())
    data["assets"][assets[3].id]["installed_on"] = "9999-01-01"
    asset_file.write_bytes(orjson.dumps(data))  # edited by hand: another signature
    with Store.open(tmp_path / "db") as store:
        assert len(store.assets) == 5 and store.assets.get(assets[3].id) is None
        assert any(assets[3].id in notice for notice in store.db.notices)


def test_a_file_changed_this_very_second_is_not_trusted_to_the_cache(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db") as store:
        site, _ = _site_with_history(store)  # dated an hour back
        store.assets.save(Asset(site.id, "router", "Cisco", "ISR4331", "FDO1"))  # just now
        store.db.refresh()
        store.inspections.for_site(site.id)  # every month file read, and checked
    checked = CheckedFiles(tmp_path / "db" / INDEX_FOLDER)
    fresh = signature(tmp_path / "db" / f"assets/{site.id}.json")
    old = signature(tmp_path / "db" / f"records/inspections/{site.id}/2025-03.json")
    assert not checked.is_checked(f"assets/{site.id}.json", fresh)
    assert checked.is_checked(f"records/inspections/{site.id}/2025-03.json", old)


def test_a_copied_database_keeps_its_index_by_the_files_checksums(tmp_path: Path) -> None:
    import shutil

    with Store.open(tmp_path / "db") as store:
        site, assets = _site_with_history(store)
    with Store.open(tmp_path / "db") as store:
        store.inspections.for_asset(site.id, assets[0].id)  # the index is built
    shutil.copytree(tmp_path / "db", tmp_path / "copy")  # new inodes: every signature differs
    folder = f"records/inspections/{site.id}"
    with Store.open(tmp_path / "copy") as store:
        history = store.inspections.for_asset(site.id, assets[4].id)
        assert [r.notes for r in history] == ["HW4", "HW4"]
        # The other months were read and their checksums compared, not parsed again.
        parsed = [n for n in store.db.partition_names(folder) if store.db.holds_in_memory(n)]
        assert parsed == []
    with Store.open(tmp_path / "copy") as store:  # and the entries now name the copies
        with opened_files(tmp_path / "copy") as later:
            store.inspections.for_asset(site.id, assets[4].id)
        assert _record_files(later) == {f"{folder}/2025-05.json", f"{folder}/2025-11.json"}
