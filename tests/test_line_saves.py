"""Saves that splice one document's line into a partition file (``store.document_lines``)."""

from __future__ import annotations

import zlib
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from assettrack.domain.models import Asset, Inspection, Site
from assettrack.store import document_lines
from assettrack.store.errors import CorruptStoreError, StaleDocumentError
from assettrack.store.store import Store


def asset(site_id: str, serial: str) -> Asset:
    return Asset(site_id, "router", "Cisco", "ISR4331", serial)


# -- the layout, as bytes ------------------------------------------------------------------


def test_the_layout_is_the_same_json_one_document_a_line() -> None:
    tables = {
        "inspections": {"a": {"id": "a", "n": "x\ny"}, "b": {"id": "b"}},
        "empty": {},
        "faults": {"c": {"id": "c", "nested": {"k": [1, 2]}}},
    }
    raw = document_lines.dump(tables)
    assert orjson.loads(raw) == tables
    lines = raw.split(b"\n")
    assert lines[0] == b"{" and lines[-1] == b"}"
    assert b'"a":{"id":"a","n":"x\\ny"},' in lines  # a line break in text stays escaped
    assert document_lines.dump({}) == b"{\n}" and orjson.loads(document_lines.dump({})) == {}


def test_splicing_replaces_a_line_or_adds_one_and_leaves_the_rest_as_it_was() -> None:
    tables = {"t": {"a": {"id": "a", "v": 1}, "b": {"id": "b", "v": 2}}, "empty": {}}
    raw = document_lines.dump(tables)
    replaced = document_lines.splice(raw, "t", {"a": orjson.dumps({"id": "a", "v": 9})})
    assert orjson.loads(replaced) == {
        "t": {"a": {"id": "a", "v": 9}, "b": tables["t"]["b"]},
        "empty": {},
    }
    assert replaced.count(b"\n") == raw.count(b"\n")
    added = document_lines.splice(raw, "t", {"c": b'{"id":"c"}'})
    assert list(orjson.loads(added)["t"]) == ["a", "b", "c"]  # at the end, as a whole save
    into_empty = document_lines.splice(raw, "empty", {"d": b'{"id":"d"}'})
    assert orjson.loads(into_empty)["empty"] == {"d": {"id": "d"}}
    again = document_lines.splice(into_empty, "empty", {"e": b'{"id":"e"}'})
    assert list(orjson.loads(again)["empty"]) == ["d", "e"]
    assert document_lines.read_documents(again, "t", ["b", "zz"]) == {"b": {"id": "b", "v": 2}}


def test_an_id_that_is_a_prefix_of_another_or_a_value_elsewhere_is_not_confused() -> None:
    tables = {"t": {"ab": {"id": "ab", "ref": "a"}, "a": {"id": "a", "ref": "ab"}}}
    raw = document_lines.dump(tables)
    spliced = document_lines.splice(raw, "t", {"a": b'{"id":"a","ref":"new"}'})
    assert orjson.loads(spliced)["t"] == {"ab": tables["t"]["ab"], "a": {"id": "a", "ref": "new"}}


def test_an_id_in_two_tables_is_found_in_the_table_asked_for() -> None:
    tables = {
        "before": {"a": {"id": "a", "in": "before"}},
        "t": {"b": {"id": "b"}, "a": {"id": "a", "in": "t"}},
        "after": {"a": {"id": "a", "in": "after"}, "c": {"id": "c"}},
    }
    raw = document_lines.dump(tables)
    for table in tables:
        assert document_lines.read_documents(raw, table, ["a"]) == {"a": tables[table]["a"]}
        spliced = document_lines.splice(raw, table, {"a": b'{"id":"a","in":"new"}'})
        assert orjson.loads(spliced) == {
            **tables,
            table: {**tables[table], "a": {"id": "a", "in": "new"}},
        }
    # Not in the table asked for (only in the others): added at its end.
    added = document_lines.splice(raw, "after", {"b": b'{"id":"b","in":"after"}'})
    assert list(orjson.loads(added)["after"]) == ["a", "c", "b"]
    assert orjson.loads(added)["t"] == tables["t"]


def test_a_file_in_another_layout_or_without_the_table_is_refused() -> None:
    compact = orjson.dumps({"t": {"a": {"id": "a"}}})
    assert document_lines.splice(compact, "t", {"a": b"{}"}) is None
    assert document_lines.read_documents(compact, "t", ["a"]) is None
    raw = document_lines.dump({"t": {"a": {"id": "a"}}})
    assert document_lines.splice(raw, "other", {"a": b"{}"}) is None


# -- saves in the store --------------------------------------------------------------------


def _one_record(folder: Path) -> tuple[Site, Asset, Inspection]:
    """A new database with a site, an asset and its inspection of 2 March 2026."""
    with Store.open(folder) as store:
        site = store.sites.save(Site(customer="Contoso", name="HQ"))
        device = store.assets.save(asset(site.id, "FDO1"))
        record = store.inspections.save(Inspection(site.id, device.id, datetime(2026, 3, 2)))
    return site, device, record


def _month_file(folder: Path, site: Site) -> Path:
    return folder / "records" / "inspections" / site.id / "2026-03.json"


def test_a_save_into_a_checked_file_splices_its_line_without_reading_the_file_whole(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "db"
    site, device, first = _one_record(folder)
    before = _month_file(folder, site).read_bytes()
    with Store.open(folder) as store:
        second = store.inspections.save(Inspection(site.id, device.id, datetime(2026, 3, 9)))
        name = f"records/inspections/{site.id}/2026-03.json"
        assert not store.db.holds_in_memory(name)  # spliced: never parsed whole
        first.notes = "fan replaced"
        store.inspections.save(first)
        assert not store.db.holds_in_memory(name)
    after = _month_file(folder, site).read_bytes()
    assert after.startswith(before.split(b"\n")[0] + b"\n" + before.split(b"\n")[1])
    with Store.open(folder, read_only=True) as store:
        history = store.inspections.for_asset(site.id, device.id)
        assert [(r.id, r.revision, r.notes) for r in history] == [
            (first.id, 2, "fan replaced"),
            (second.id, 1, ""),
        ]


def test_a_splice_still_refuses_to_save_over_anothers_edit(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    site, _device, record = _one_record(folder)
    with Store.open(folder) as mine, Store.open(folder) as theirs:
        copy = mine.inspections.get(site.id, record.id)
        other = theirs.inspections.get(site.id, record.id)
        other.notes = "theirs"
        theirs.inspections.save(other)
        copy.notes = "mine"
        with pytest.raises(StaleDocumentError, match="changed by another process"):
            mine.inspections.save(copy)
    with Store.open(folder, read_only=True) as store:
        assert store.inspections.get(site.id, record.id).notes == "theirs"


def test_a_file_damaged_since_it_was_checked_is_read_whole_and_refused_not_spliced(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "db"
    site, device, _record = _one_record(folder)
    month = _month_file(folder, site)
    damaged = month.read_bytes()[:-40]  # cut short, in place (a disk error, a bad copy)
    month.write_bytes(damaged)
    with Store.open(folder) as store, pytest.raises(CorruptStoreError, match="not valid JSON"):
        store.inspections.save(Inspection(site.id, device.id, datetime(2026, 3, 9)))
    assert month.read_bytes() == damaged  # left as found, for a person to look at


def test_a_damaged_document_in_an_unchecked_file_is_set_aside_before_the_save(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "db"
    site, device, bad = _one_record(folder)
    month = _month_file(folder, site)
    data = orjson.loads(month.read_bytes())
    data["inspections"][bad.id]["created_at"] = "9999-01-01T00:00:00"
    month.write_bytes(document_lines.dump(data))  # in the layout, but never checked so
    with Store.open(folder) as store:
        store.inspections.save(Inspection(site.id, device.id, datetime(2026, 3, 9)))
        assert any(bad.id in notice for notice in store.db.notices)
    assert bad.id not in orjson.loads(month.read_bytes())["inspections"]
    assert any((folder / "quarantine").iterdir())


def test_an_asset_saved_into_a_site_file_another_process_changed_takes_in_its_assets(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "db"
    with Store.open(folder) as store:
        site = store.sites.save(Site(customer="Contoso", name="HQ"))
        mine = store.assets.save(asset(site.id, "FDO1"))
    with Store.open(folder) as app, Store.open(folder) as cli:
        cli.assets.save(asset(site.id, "FDO2"))  # the app has not looked since
        held = app.assets.get(mine.id)
        held.firmware = "17.9"
        app.assets.save(held)
        assert sorted(a.serial_number for a in app.assets.all()) == ["FDO1", "FDO2"]
    with Store.open(folder, read_only=True) as store:
        assert {a.serial_number: a.firmware for a in store.assets.all()} == {
            "FDO1": "17.9",
            "FDO2": "",
        }


def test_a_copied_database_keeps_its_files_known_checked_by_their_content(
    tmp_path: Path,
) -> None:
    import shutil

    folder = tmp_path / "db"
    site, device, _record = _one_record(folder)
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)  # new inodes and times: only the content is the same
    with Store.open(copy) as store:
        store.inspections.save(Inspection(site.id, device.id, datetime(2026, 3, 9)))
        assert not store.db.holds_in_memory(f"records/inspections/{site.id}/2026-03.json")


def test_a_splice_into_a_file_held_in_memory_updates_what_is_held(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    site, device, first = _one_record(folder)
    with Store.open(folder) as store:
        assert len(store.inspections.for_site(site.id)) == 1  # the month file, held parsed
        name = f"records/inspections/{site.id}/2026-03.json"
        storage = store.db.partition(name).partition_storage
        version = storage.version
        first.notes = "checked twice"
        store.inspections.save(first)
        second = store.inspections.save(Inspection(site.id, device.id, datetime(2026, 3, 9)))
        assert storage.version == version  # never read again: what is held was updated
        held = {r.id: r for r in store.inspections.for_site(site.id)}
        assert held[first.id].notes == "checked twice" and held[first.id].revision == 2
        assert second.id in held
        assert not storage.is_stale()
    with Store.open(folder, read_only=True) as store:
        on_disk = {r.id: r for r in store.inspections.for_site(site.id)}
        assert on_disk == held


def test_a_damaged_entry_of_the_checked_files_cache_is_dropped_not_trusted(
    tmp_path: Path,
) -> None:
    from assettrack.store.checked_files import CheckedFiles

    (tmp_path / "checked").mkdir()
    (tmp_path / "checked" / "top.json").write_bytes(
        orjson.dumps({"format": 2, "files": {"a.json": [1, "x", 3, 4], "b.json": [1, 2, 3, 99]}})
    )
    cache = CheckedFiles(tmp_path)
    assert not cache.is_checked("a.json", (1, 2, 3), b"x")  # damaged: as if never checked
    assert cache.is_checked("b.json", (1, 2, 3))
    cache.checked("a.json", (5, 6, 7), b"abcde")
    cache.save()  # and writing the cache again does not trip over it
    saved = orjson.loads((tmp_path / "checked" / "top.json").read_bytes())["files"]
    assert saved["a.json"] == [5, 6, 7, zlib.crc32(b"abcde")]


def test_the_checked_files_cache_is_kept_a_folder_at_a_time(tmp_path: Path) -> None:
    """Looking up one file's entry reads its folder's shard only; the single file of earlier
    versions is split into shards once, its entries still trusted, and removed."""
    from assettrack.store.checked_files import CheckedFiles, shard_of

    month, other = "records/inspections/s1/2025-03.json", "records/inspections/s2/2025-03.json"
    old = {"format": 2, "files": {"catalog.json": [1, 2, 3, 4], month: [5, 6, 7, 8]}}
    (tmp_path / "checked.json").write_bytes(orjson.dumps(old))
    cache = CheckedFiles(tmp_path)
    assert cache.is_checked(month, (5, 6, 7)) and cache.is_checked("catalog.json", (1, 2, 3))
    assert not (tmp_path / "checked.json").exists()
    assert sorted(p.name for p in (tmp_path / "checked").iterdir()) == [
        "records~inspections~s1.json",
        "top.json",
    ]
    cache.checked(other, (9, 10, 11), b"abc")
    cache.save()
    assert shard_of(other) == "records~inspections~s2"
    again = CheckedFiles(tmp_path)
    assert again.is_checked(other, (9, 10, 11))
    assert list(again._shards) == ["records~inspections~s2"]  # the one shard it needed
    assert again.is_checked(month, (5, 6, 7))


@pytest.mark.parametrize("seed", range(6))
def test_splicing_any_batch_gives_what_a_whole_save_gives(seed: int) -> None:
    import random

    rng = random.Random(seed)
    alphabet = ["a", "b", "1", "-", '"', ":", "\\\\", "\\n", "é", "机", '":', " "]

    def new_id() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))

    ids = list(dict.fromkeys(new_id() for _ in range(rng.randint(0, 40))))
    tables = {"other": {"x": {"id": "x"}}, "t": {i: {"id": i, "n": n} for n, i in enumerate(ids)}}
    raw = document_lines.dump(tables)
    changed = rng.sample(ids, k=min(len(ids), rng.randint(0, 20)))
    added = [i for i in dict.fromkeys(new_id() for _ in range(rng.randint(0, 15))) if i not in ids]
    docs = {i: {"id": i, "new": True} for i in [*changed, *added]}
    spliced = document_lines.splice(raw, "t", {i: orjson.dumps(d) for i, d in docs.items()})
    expected = {"other": tables["other"], "t": {**tables["t"], **docs}}
    assert orjson.loads(spliced) == expected
    assert list(orjson.loads(spliced)["t"]) == list(expected["t"])  # the same order
    assert document_lines.read_documents(spliced, "t", list(docs)) == docs
