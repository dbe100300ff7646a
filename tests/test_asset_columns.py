"""The asset columns file (``.index/assets.columns``): a second open reads it instead of every
site's asset file, and a columns file that is stale, truncated or damaged is rebuilt from the
asset files, never trusted. Counted by the files opened, on real databases."""

from __future__ import annotations

import dataclasses
import marshal
import os
import zlib
from datetime import date
from pathlib import Path

import orjson
import pytest

from assettrack.domain.codec import from_doc, to_doc
from assettrack.domain.models import Asset, AssetStatus, ConsoleSettings, Site
from assettrack.store import asset_columns
from assettrack.store.asset_columns import FIELDS, AssetRow, columns_of, decode, row_of
from assettrack.store.database import Database
from assettrack.store.repositories import AssetRepository
from assettrack.store.store import Store
from tests.file_opens import age, opened_files

COLUMNS = ".index/assets.columns"
SITES = 4


def _assets(site_id: str, n: int) -> list[Asset]:
    return [
        Asset(
            site_id,
            "switch",
            "华为" if i % 2 else "Cisco",
            "S5735",
            f"SN-{site_id[:4]}-{i}",
            hostname=f"核心-{i}",
            installed_on=date(2022, 1, 1 + i),
            warranty_end=date(2027, 3, 31) if i == 1 else None,
            warranty_extension_months=12 if i == 2 else 0,
            console=ConsoleSettings("/dev/ttyUSB0", 9600, "8N1", "env:U,P")
            if i == 0
            else ConsoleSettings(),
            status=AssetStatus.SPARE if i == 3 else AssetStatus.IN_SERVICE,
            tags=["核心", "dc"] if i == 0 else [],
            last_inspection=date(2026, 5, 2) if i == 0 else None,
        )
        for i in range(n)
    ]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    folder = tmp_path / "db"
    with Store.open(folder) as store:
        for n in range(SITES):
            site = store.sites.save(Site("华东医院集团", f"机房 {n}"))
            store.assets.add_many(_assets(site.id, 5))
    age(folder)  # written before today's session: signatures that can be trusted
    (folder / COLUMNS).unlink(missing_ok=True)
    return folder


def _listing(store: Store) -> dict[str, dict]:
    return {a.id: to_doc(a) for a in store.assets.all()}


def _opened(folder: Path) -> tuple[dict[str, dict], list[str]]:
    with opened_files(folder) as opened, Store.open(folder, read_only=True) as store:
        listing = _listing(store)
    return listing, opened


def _write_long_ago(path: Path, data: bytes) -> None:
    """Replace a file behind the store's back, dated as long ago: only its signature (a new
    size, time or inode) tells it changed."""
    path.write_bytes(data)
    then = path.stat().st_mtime - 7200
    os.utime(path, (then, then))


def _asset_files(opened: list[str]) -> list[str]:
    return [p for p in opened if p.startswith("assets/")]


def test_rows_decode_to_what_the_documents_decode_to(db: Path) -> None:
    for path in sorted((db / "assets").iterdir()):
        for doc in orjson.loads(path.read_bytes())["assets"].values():
            assert to_doc(decode(row_of(doc))) == to_doc(from_doc(Asset, doc))
            assert decode(row_of(doc)) == from_doc(Asset, doc)
    # A document that leaves out optional fields gets the model's defaults, as the codec does.
    short = {"id": "a1", "site_id": "s1", "kind": "router", "vendor": "Cisco", "model": "M"}
    short |= {"serial_number": "X", "schema": 1, "revision": 1}
    assert decode(row_of(short)) == from_doc(Asset, short)
    with pytest.raises(KeyError):
        row_of({k: v for k, v in short.items() if k != "serial_number"})


def test_a_rows_document_is_the_documents_as_the_codec_writes_it(db: Path) -> None:
    for path in sorted((db / "assets").iterdir()):
        for doc in orjson.loads(path.read_bytes())["assets"].values():
            row = row_of(doc)
            made = asset_columns.document_of(row)
            assert made == to_doc(decode(row))
            assert list(made) == list(to_doc(decode(row)))  # the same order, for the JSON
            made["tags"].append("mine")  # the caller's own: the row is as read
            assert "mine" not in row.tags


def test_the_row_follows_the_models_fields() -> None:
    names = [name if sub is None else f"{name}_{sub}" for name, sub, _f in columns_of(Asset)]
    assert list(AssetRow._fields) == names


def test_a_decoded_asset_is_the_callers_own(db: Path) -> None:
    with Store.open(db) as store:
        asset = next(a for a in store.assets.all() if a.tags)
        asset.tags.append("changed")
        asset.console.port = "COM9"
        asset.firmware = "changed"
        held = store.assets.get(asset.id)
        assert "changed" not in held.tags and held.console.port == "/dev/ttyUSB0"
        assert held.firmware == ""


def test_a_second_open_reads_the_columns_file_and_no_asset_file(db: Path) -> None:
    first, opened = _opened(db)
    assert len(set(_asset_files(opened))) == SITES
    assert (db / COLUMNS).exists()
    second, opened = _opened(db)
    assert second == first and len(second) == SITES * 5
    assert _asset_files(opened) == [] and COLUMNS in opened


def test_a_file_edited_behind_its_back_is_read_again_alone(db: Path) -> None:
    before, _ = _opened(db)
    path = sorted((db / "assets").iterdir())[2]
    data = orjson.loads(path.read_bytes())
    edited = next(iter(data["assets"]))
    data["assets"][edited]["firmware"] = "V200R022 edited by hand"
    _write_long_ago(path, orjson.dumps(data))
    after, opened = _opened(db)
    assert after[edited]["firmware"] == "V200R022 edited by hand"
    assert {k: v for k, v in after.items() if k != edited} == {
        k: v for k, v in before.items() if k != edited
    }
    assert _asset_files(opened) == [f"assets/{path.name}"]
    # Recorded again: the next open reads no asset file.
    again, opened = _opened(db)
    assert again == after and _asset_files(opened) == []


def _held_rows(folder: Path) -> dict[str, list[AssetRow]]:
    with Store.open(folder, read_only=True) as store:
        repo = store.assets
        return {name: list(rows.values()) for name, rows in repo._files.items()}


def test_equal_values_are_one_object_as_read_back(db: Path) -> None:
    """The columns file keeps each distinct value once, so a store holds each once: every
    file parsed at the first recording; and a file parsed again later shares its values
    among its own rows (the rows read from the file are passed over when recording)."""
    _opened(db)
    held = _held_rows(db)
    every = [row for rows in held.values() for row in rows]
    assert len({id(r.vendor) for r in every}) == len({r.vendor for r in every}) == 2
    assert len({id(r.model) for r in every}) == 1

    path = sorted((db / "assets").iterdir())[1]
    data = orjson.loads(path.read_bytes())
    for doc in data["assets"].values():
        doc["location"] = "三楼 机柜 B"
    _write_long_ago(path, orjson.dumps(data))
    _opened(db)  # parses that file alone, records again
    held = _held_rows(db)
    parsed = held[f"assets/{path.name}"]
    assert len(parsed) == 5 and {r.location for r in parsed} == {"三楼 机柜 B"}
    assert len({id(r.location) for r in parsed}) == 1
    assert len({id(r.model) for r in parsed}) == 1
    others = [row for name, rows in held.items() if name != f"assets/{path.name}" for row in rows]
    assert len({id(r.model) for r in others}) == 1


def test_a_site_file_added_or_removed_behind_its_back_shows(db: Path) -> None:
    before, _ = _opened(db)
    gone = sorted((db / "assets").iterdir())[0]
    lost = set(orjson.loads(gone.read_bytes())["assets"])
    gone.unlink()
    after, opened = _opened(db)
    assert set(after) == set(before) - lost and _asset_files(opened) == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # truncated
        lambda raw: b"",  # emptied
        lambda raw: raw[:-40] + b"\x00" * 40,  # garbage, same length
        lambda raw: raw.replace(b"S5735", b"S5736", 1),  # one value changed, still JSON
        lambda raw: b"not a columns file at all\n{}",
    ],
    ids=["truncated", "empty", "garbage", "changed", "foreign"],
)
def test_a_damaged_columns_file_is_rebuilt_never_trusted(db: Path, damage) -> None:
    before, _ = _opened(db)
    columns = db / COLUMNS
    columns.write_bytes(damage(columns.read_bytes()))
    after, opened = _opened(db)
    assert after == before
    assert len(set(_asset_files(opened))) == SITES  # every file read again
    assert asset_columns.load(columns, 1)  # and rebuilt whole
    _again, opened = _opened(db)
    assert _asset_files(opened) == []


def _reshaped(raw: bytes, reshape) -> bytes:
    """The columns file with its content reshaped and a checksum that fits it: what only
    the shape checks catch."""
    head, payload = raw.split(b"\n", 1)
    magic, fmt, schema, _length, _digest = head.split(b" ")
    fields, files = marshal.loads(payload)
    payload = marshal.dumps((fields, reshape(files)), 4)
    digest = b"%08x" % zlib.crc32(payload)
    return b" ".join((magic, fmt, schema, b"%d" % len(payload), digest)) + b"\n" + payload


def _first_row(files: dict, change) -> dict:
    name = next(iter(files))
    seen, rows, crc = files[name]
    return {**files, name: (seen, [change(rows[0]), *rows[1:]], crc)}


def _id_not_text(row: tuple) -> tuple:
    at = asset_columns.FIELDS.index("id")
    return (*row[:at], 7, *row[at + 1 :])


def _cells_in_one_list(files: dict) -> dict:
    """A file's rows as one list of their cells (a layout tried and not kept)."""
    return {
        name: (seen, [cell for row in rows for cell in row], crc)
        for name, (seen, rows, crc) in files.items()
    }


@pytest.mark.parametrize(
    "reshape",
    [
        lambda files: _first_row(files, lambda row: row[:-1]),
        lambda files: _first_row(files, _id_not_text),
        _cells_in_one_list,
    ],
    ids=["a-row-short", "an-id-not-text", "cells-in-one-list"],
)
def test_a_columns_file_of_another_shape_is_rebuilt(db: Path, reshape) -> None:
    before, _ = _opened(db)
    columns = db / COLUMNS
    columns.write_bytes(_reshaped(columns.read_bytes(), reshape))
    assert asset_columns.load(columns, 1) == {}
    after, opened = _opened(db)
    assert after == before
    assert len(set(_asset_files(opened))) == SITES


def test_another_schema_version_is_not_trusted(db: Path) -> None:
    _opened(db)
    assert asset_columns.load(db / COLUMNS, 1)
    assert asset_columns.load(db / COLUMNS, 2) == {}


def test_a_file_with_a_damaged_document_is_never_recorded(db: Path) -> None:
    _opened(db)
    path = sorted((db / "assets").iterdir())[1]
    data = orjson.loads(path.read_bytes())
    bad = next(iter(data["assets"]))
    data["assets"][bad]["serial_number"] = {"not": "text"}
    _write_long_ago(path, orjson.dumps(data))
    for _ in range(2):  # each open checks it again and sets the document aside again
        with opened_files(db) as opened, Store.open(db, read_only=True, report=None) as store:
            assert bad not in _listing(store)
            assert [s.doc_id for s in store.db.set_aside] == [bad]
        assert _asset_files(opened) == [f"assets/{path.name}"]


def test_a_file_changed_this_very_moment_is_not_recorded(db: Path) -> None:
    _opened(db)
    with Store.open(db) as store:
        asset = store.assets.all()[0]
        store.assets.save(dataclasses.replace(asset, firmware="V2"))
    # Just written: a coarse clock could give its next change the same signature.
    after, opened = _opened(db)
    assert after[asset.id]["firmware"] == "V2"
    assert _asset_files(opened) == [f"assets/{asset.site_id}.json"]
    _again, opened = _opened(db)
    assert _asset_files(opened) == [f"assets/{asset.site_id}.json"]


def test_a_move_between_sites_shows_once_in_the_new_site(db: Path) -> None:
    _opened(db)
    with Store.open(db) as store:
        sites = [s.id for s in store.sites.list()]
        asset = store.assets.by_site(sites[0])[0]
        store.assets.save(dataclasses.replace(asset, site_id=sites[1]))
        assert asset.id not in {a.id for a in store.assets.by_site(sites[0])}
        assert asset.id in {a.id for a in store.assets.by_site(sites[1])}
    age(db)
    with Store.open(db, read_only=True) as store:
        assert [a.site_id for a in store.assets.all() if a.id == asset.id] == [sites[1]]
        assert len(store.assets) == SITES * 5


def test_the_columns_file_is_not_written_by_an_unfinished_change(db: Path) -> None:
    _opened(db)
    columns = db / COLUMNS
    recorded = columns.read_bytes()
    with Store.open(db) as store, store.transaction("import"):
        sites = [s.id for s in store.sites.list()]
        store.assets.add_many(_assets(sites[0], 1) + _assets(sites[1], 1))
        assert columns.read_bytes() == recorded  # others must not trust a change in progress
    assert os.path.exists(columns)


def test_a_copied_database_takes_its_rows_by_the_files_checksums(db: Path) -> None:
    import shutil

    first, _ = _opened(db)
    copy = db.parent / "copy"
    shutil.copytree(db, copy)  # new inodes and times: every recorded signature differs
    with Store.open(copy, read_only=True) as store:
        assert _listing(store) == first
        # Each site file was read and its checksum compared; none was parsed again.
        names = store.db.partition_names("assets")
        assert len(names) == SITES and not any(store.db.holds_in_memory(n) for n in names)
    again, opened = _opened(copy)  # recorded with the copies' own signatures
    assert again == first and _asset_files(opened) == []


# -- the rows a column each, straight from the file (the app's first paint, no snapshot) -----


def _recorded_columns(folder: Path) -> tuple[dict | None, list[str]]:
    with opened_files(folder) as opened, Database(folder, read_only=True, report=None) as db:
        return AssetRepository.recorded_columns(db), opened


def _stores_columns(folder: Path) -> dict:
    with Store.open(folder, read_only=True) as store:
        rows = store.assets.rows()
    return dict(zip(FIELDS, zip(*rows, strict=True), strict=True))


def test_the_recorded_columns_are_the_stores_rows_read_from_the_columns_file_alone(
    db: Path,
) -> None:
    _opened(db)  # records every file
    columns, opened = _recorded_columns(db)
    assert columns == _stores_columns(db)  # every field, the rows in the store's order
    assert len(columns["id"]) == SITES * 5
    assert _asset_files(opened) == [] and COLUMNS in opened


def _edit_a_file(db: Path) -> None:
    path = sorted((db / "assets").iterdir())[2]
    data = orjson.loads(path.read_bytes())
    next(iter(data["assets"].values()))["firmware"] = "V200R022 edited by hand"
    _write_long_ago(path, orjson.dumps(data))


def _remove_a_file(db: Path) -> None:
    sorted((db / "assets").iterdir())[0].unlink()


def _add_a_file(db: Path) -> None:
    path = sorted((db / "assets").iterdir())[0]
    data = orjson.loads(path.read_bytes())
    moved = {key: {**doc, "site_id": "s-new"} for key, doc in data["assets"].items()}
    path.unlink()  # its assets moved to a site of their own, each once
    _write_long_ago(path.with_name("s-new.json"), orjson.dumps({**data, "assets": moved}))


def _damage_the_columns_file(db: Path) -> None:
    columns = db / COLUMNS
    raw = columns.read_bytes()
    columns.write_bytes(raw[:-40] + b"\x00" * 40)


@pytest.mark.parametrize(
    "change",
    [
        _edit_a_file,
        _remove_a_file,
        _add_a_file,
        _damage_the_columns_file,
        lambda db: (db / COLUMNS).unlink(),
    ],
    ids=["edited", "removed", "added", "damaged", "no columns file"],
)
def test_recorded_columns_are_not_given_unless_every_asset_file_is_as_recorded(
    db: Path, change
) -> None:
    _opened(db)
    change(db)
    assert _recorded_columns(db)[0] is None  # the store's own open reads what changed
    _opened(db)  # which records it again
    assert _recorded_columns(db)[0] == _stores_columns(db)


def test_recorded_columns_are_not_given_for_an_asset_in_two_files(db: Path) -> None:
    # An asset moving site is briefly in both files, the new one written first: the store
    # serves one copy (the later revision), which the columns alone cannot tell.
    files = sorted((db / "assets").iterdir())
    old, new = (orjson.loads(path.read_bytes()) for path in files[:2])
    key, doc = next(iter(old["assets"].items()))
    new["assets"][key] = {**doc, "site_id": next(iter(new["assets"].values()))["site_id"]}
    _write_long_ago(files[1], orjson.dumps(new))
    _opened(db)  # both files recorded as they are
    assert _recorded_columns(db)[0] is None
    assert len(_stores_columns(db)["id"]) == SITES * 5
