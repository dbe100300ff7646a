from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import orjson
import pytest

from assettrack.domain.models import Asset, Inspection, Site
from assettrack.store.database import HEADER_NAME
from assettrack.store.errors import (
    CorruptStoreError,
    NewerSchemaError,
    ReadOnlyStoreError,
    StoreError,
    StoreLockedError,
)
from assettrack.store.schema import SchemaPlan
from assettrack.store.store import Store

HERE = Path(__file__).parent


def make_asset(site_id: str, serial: str, **kw) -> Asset:
    return Asset(
        site_id=site_id, kind="router", vendor="Cisco", model="ISR4331", serial_number=serial, **kw
    )


def fill(folder: Path) -> tuple[Site, Asset]:
    with Store.open(folder) as store:
        site = store.sites.save(Site(customer="Contoso", name="Head Office"))
        asset = store.assets.save(make_asset(site.id, "FDO1"))
    return site, asset


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


# -- basic behaviour ---------------------------------------------------------------------


def test_round_trip_and_revisions(tmp_path: Path) -> None:
    site, asset = fill(tmp_path / "db")
    with Store.open(tmp_path / "db") as store:
        loaded = store.assets.get(asset.id)
        assert loaded == asset and loaded.revision == 1
        loaded.firmware = "17.9.4a"
        store.assets.save(loaded)
        assert loaded.revision == 2
        assert store.sites.get(site.id).name == "Head Office"
    with Store.open(tmp_path / "db", read_only=True) as store:
        assert store.assets.get(asset.id).firmware == "17.9.4a"


def test_assets_are_split_by_site_and_records_by_site_and_month(tmp_path: Path) -> None:
    site, asset = fill(tmp_path / "db")
    with Store.open(tmp_path / "db") as store:
        other = store.sites.save(Site(customer="Contoso", name="Warehouse"))
        store.assets.save(make_asset(other.id, "FDO2"))
        for month in (1, 1, 2):
            store.inspections.save(Inspection(site.id, asset.id, datetime(2026, month, 3)))
        assert len(store.inspections.for_asset(site.id, asset.id)) == 3
    files = sorted(snapshot(tmp_path / "db"))
    assert f"assets/{site.id}.json" in files and f"assets/{other.id}.json" in files
    assert f"records/inspections/{site.id}/2026-01.json" in files
    assert f"records/inspections/{site.id}/2026-02.json" in files
    with Store.open(tmp_path / "db", read_only=True) as store:
        assert len(store.inspections.for_site(site.id, start=date(2026, 2, 1))) == 1
        assert len(list(store.inspections.iter_all(end=date(2026, 1, 31)))) == 2
        assert store.visits.for_site(site.id) == []  # another kind, other files


def test_moving_an_asset_to_another_site_moves_its_file(tmp_path: Path) -> None:
    site, asset = fill(tmp_path / "db")
    with Store.open(tmp_path / "db") as store:
        other = store.sites.save(Site(customer="Contoso", name="Warehouse"))
        moved = store.assets.get(asset.id)
        moved.site_id = other.id  # changed in place, as a careless caller would
        store.assets.save(moved)
    with Store.open(tmp_path / "db") as store:
        assert len(store.assets) == 1
        assert store.assets.get(asset.id).site_id == other.id
    old = orjson.loads((tmp_path / "db" / "assets" / f"{site.id}.json").read_bytes())
    assert old["assets"] == {}


def test_read_only_store_refuses_to_save(tmp_path: Path) -> None:
    site, _ = fill(tmp_path / "db")
    with Store.open(tmp_path / "db", read_only=True) as store, pytest.raises(ReadOnlyStoreError):
        store.assets.save(make_asset(site.id, "FDO9"))


def test_read_only_open_of_a_missing_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no assettrack database"):
        Store.open(tmp_path / "nothing", read_only=True)


# -- one writer --------------------------------------------------------------------------

# A writer in the middle of a change (a transaction holds the lock until it ends).
HOLDER = """
import sys
from assettrack.store.store import Store
with Store.open(sys.argv[1]) as store, store.transaction("test"):
    print("ready", flush=True)
    sys.stdin.readline()
"""


def test_a_save_during_anothers_write_is_told_who_holds_the_database(tmp_path: Path) -> None:
    site, _ = fill(tmp_path / "db")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / "db")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with Store.open(tmp_path / "db", lock_wait=0.2) as store:  # opening is fine
            with pytest.raises(StoreLockedError) as err:
                store.assets.save(make_asset(site.id, "FDO7"))
            assert len(store.assets) == 1
        message = str(err.value)
        assert f"process {holder.pid}" in message and "since" in message
        with Store.open(tmp_path / "db", read_only=True) as reader:  # readers are fine
            assert len(reader.assets) == 1
    finally:
        holder.communicate("done\n", timeout=30)
    with Store.open(tmp_path / "db") as store:  # released when the holder's change ends
        store.assets.save(make_asset(site.id, "FDO7"))
        assert len(store.assets) == 2


def test_lock_dies_with_a_killed_writer(tmp_path: Path) -> None:
    fill(tmp_path / "db")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / "db")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "ready"
    holder.kill()
    holder.wait(timeout=30)
    with Store.open(tmp_path / "db") as store:
        assert len(store.assets) == 1


# -- refusing bad files, touching nothing ------------------------------------------------


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda raw: raw[: len(raw) // 2], "not valid JSON"),
        (lambda raw: b"\x00\x13garbage", "not valid JSON"),
        (lambda raw: b"", "empty"),
        (lambda raw: b"[1, 2, 3]", "expected an object of tables"),
        (lambda raw: b'{"assets": [5]}', "is not an object"),
    ],
)
# A damaged document inside a sound file is set aside instead: tests/test_store_gate.py.
def test_corrupt_asset_file_is_refused_and_left_untouched(tmp_path: Path, damage, expected) -> None:
    site, _ = fill(tmp_path / "db")
    path = tmp_path / "db" / "assets" / f"{site.id}.json"
    path.write_bytes(damage(path.read_bytes()))
    before = snapshot(tmp_path / "db")
    with pytest.raises(CorruptStoreError) as err:
        Store.open(tmp_path / "db")
    assert expected in str(err.value) and str(path) in str(err.value)
    assert snapshot(tmp_path / "db") == before
    # The lock was released: once the file is repaired, the database opens.
    path.unlink()
    Store.open(tmp_path / "db").close()


def test_corrupt_header_is_refused(tmp_path: Path) -> None:
    fill(tmp_path / "db")
    (tmp_path / "db" / HEADER_NAME).write_text('{"format": "something else"}')
    with pytest.raises(CorruptStoreError, match="not an assettrack database"):
        Store.open(tmp_path / "db")


def test_newer_document_is_refused_untouched(tmp_path: Path) -> None:
    site, _ = fill(tmp_path / "db")
    path = tmp_path / "db" / "catalog.json"
    data = orjson.loads(path.read_bytes())
    data["sites"][site.id]["schema"] = 7
    path.write_bytes(orjson.dumps(data))
    before = snapshot(tmp_path / "db")
    with Store.open(tmp_path / "db") as store, pytest.raises(NewerSchemaError, match="schema 7"):
        store.sites.list()
    assert snapshot(tmp_path / "db") == before


def test_newer_database_header_is_refused_before_anything_is_touched(tmp_path: Path) -> None:
    fill(tmp_path / "db")
    header = tmp_path / "db" / HEADER_NAME
    header.write_text(json.dumps({"format": "assettrack-store", "schema": 9}))
    (tmp_path / "db" / ".catalog.json.tmp-1-aa").write_text("orphan")
    before = snapshot(tmp_path / "db")
    with pytest.raises(NewerSchemaError, match="newer assettrack"):
        Store.open(tmp_path / "db")
    assert snapshot(tmp_path / "db") == before


def test_older_documents_are_migrated_after_a_backup(tmp_path: Path) -> None:
    site, asset = fill(tmp_path / "db")
    original = (tmp_path / "db" / "assets" / f"{site.id}.json").read_bytes()

    def v1_to_v2(table: str, doc: dict) -> dict:
        if table == "assets":
            doc["notes"] = (doc["notes"] + " [migrated]").strip()
        return doc

    plan = SchemaPlan(current=2, migrations={1: v1_to_v2})
    with Store.open(tmp_path / "db", plan=plan) as store:
        migrated = store.assets.get(asset.id)
        assert migrated.notes == "[migrated]" and migrated.schema == 2
    backups = list((tmp_path / "db" / "backups").iterdir())
    assert original in [b.read_bytes() for b in backups]
    saved = orjson.loads((tmp_path / "db" / "assets" / f"{site.id}.json").read_bytes())
    assert saved["assets"][asset.id]["schema"] == 2
    header = orjson.loads((tmp_path / "db" / HEADER_NAME).read_bytes())
    assert header["schema"] == 2
    # The old version now refuses what the new one wrote.
    with pytest.raises(NewerSchemaError):
        Store.open(tmp_path / "db")


# -- failures while saving ---------------------------------------------------------------

FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from assettrack.domain.models import Asset
from assettrack.store.errors import StoreWriteError
from assettrack.store.store import Store

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # make the kernel fail the write with EFBIG
folder = Path(sys.argv[1])
with Store.open(folder) as store:
    site = store.sites.list()[0]
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    big = Asset(site_id=site.id, kind="switch", vendor="Huawei", model="S5735",
                serial_number="HUGE1", notes="x" * 20000)
    try:
        store.assets.save(big)
    except StoreWriteError as exc:
        print(exc)
        # Memory still matches the disk: the failed asset is not there.
        print("in memory:", store.assets.get(big.id) is not None)
        sys.exit(3)
print("saved?!")
"""


def test_a_save_that_fails_for_lack_of_space_keeps_the_old_data(tmp_path: Path) -> None:
    _, asset = fill(tmp_path / "db")
    before = snapshot(tmp_path / "db")
    child = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(tmp_path / "db")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 3, child.stdout + child.stderr
    assert "disk is full" in child.stdout and "previous version" in child.stdout
    assert "in memory: False" in child.stdout
    after = snapshot(tmp_path / "db")

    # Nothing changed but the lock holder note, and no temporary file was left behind. (The
    # blank spare the save took, if any, is removed with what was written into it.)
    def kept(files: dict[str, bytes]) -> dict[str, bytes]:
        return {k: v for k, v in files.items() if not k.startswith((".writer", ".spares/.blank-"))}

    assert kept(after) == kept(before)
    with Store.open(tmp_path / "db") as store:
        assert [a.id for a in store.assets.all()] == [asset.id]


def test_leftover_temporary_files_are_removed_on_open(tmp_path: Path) -> None:
    site, _ = fill(tmp_path / "db")
    orphans = [
        tmp_path / "db" / ".catalog.json.tmp-4242-deadbeef",
        tmp_path / "db" / "assets" / f".{site.id}.json.tmp-4242-cafe0000",
    ]
    for orphan in orphans:
        orphan.write_bytes(b"x" * 1000)
    # The writer that left them died holding the lock: its note is still there.
    (tmp_path / "db" / ".writer.json").write_bytes(b'{"pid": 4242}')
    with Store.open(tmp_path / "db") as store:
        assert sorted(store.db.removed_temp_files) == sorted(orphans)
    assert not any(o.exists() for o in orphans)


def test_the_folder_is_walked_for_leftovers_when_a_writer_died_or_once_a_day(
    tmp_path: Path,
) -> None:
    site, _ = fill(tmp_path / "db")
    with Store.open(tmp_path / "db", read_only=True):
        pass  # walked when first opened: the mark is fresh
    # A damaged document's copy cut short by a killed reader (written without the lock, at
    # the top of its folder), and a save's file whose writer's note a power cut lost.
    copy = tmp_path / "db" / "quarantine" / ".x.json.tmp-999999999-deadbeef"
    copy.parent.mkdir(exist_ok=True)
    copy.write_bytes(b"x")
    # A shard of the checked-files cache, which readers write too, cut short the same way.
    shard = tmp_path / "db" / ".index" / "checked" / ".assets.json.tmp-999999999-0badcafe"
    shard.parent.mkdir(exist_ok=True)
    shard.write_bytes(b"x")
    deep = tmp_path / "db" / "assets" / f".{site.id}.json.tmp-999999999-cafe0000"
    deep.write_bytes(b"x")
    with Store.open(tmp_path / "db", read_only=True) as store:
        # Looked for at every opening.
        assert sorted(store.db.removed_temp_files) == sorted([copy, shard])
    assert deep.exists()  # no dead holder's note, and walked today
    mark = tmp_path / "db" / ".index" / "orphans-walked"
    day_ago = time.time() - 25 * 3600
    os.utime(mark, (day_ago, day_ago))
    with Store.open(tmp_path / "db", read_only=True) as store:
        assert store.db.removed_temp_files == [deep]
    assert not deep.exists()


def test_old_versions_an_earlier_version_left_aside_are_deleted_at_opening(
    tmp_path: Path,
) -> None:
    _site, asset = fill(tmp_path / "db")
    # Earlier versions moved each replaced file into .retired/ until a checkpoint; one that
    # was killed between saves left them there.
    retired = tmp_path / "db" / ".retired"
    retired.mkdir()
    (retired / f".{asset.site_id}.json.tmp-4242-cafe0000").write_bytes(b"an old version")
    with Store.open(tmp_path / "db", read_only=True) as store:
        assert store.assets.get(asset.id) is not None
    assert not any(retired.iterdir())


def test_random_kills_never_lose_a_saved_record(tmp_path: Path) -> None:
    """Kill a writing process 50 times at random moments; every acknowledged save survives."""
    folder = tmp_path / "db"
    site, _ = fill(folder)
    rng = random.Random(1234)
    acknowledged: dict[str, str] = {}
    for _ in range(50):
        writer = subprocess.Popen(
            [sys.executable, str(HERE / "store_writer.py"), str(folder), site.id],
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        first = writer.stdout.readline()  # wait until it is writing
        assert first, "writer produced nothing"
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(writer.pid, signal.SIGKILL)
        rest, _ = writer.communicate(timeout=30)
        for line in [first, *rest.splitlines()]:
            parts = line.split()
            if len(parts) == 2:  # a line cut by the kill was never fully acknowledged
                acknowledged[parts[0]] = parts[1]
        with Store.open(folder) as store:  # opens cleanly after every kill
            stored = {r.id for r in store.inspections.for_site(site.id)}
            missing = set(acknowledged) - stored
            assert not missing, f"{len(missing)} acknowledged record(s) lost"
    assert len(acknowledged) > 100
    leftovers = [p for p in folder.rglob(".*tmp-*")]
    assert leftovers == []


def test_saves_carry_revision_history_and_deletes_leave_tombstones(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    with Store.open(folder, author="李工") as store:
        site = store.sites.save(Site(customer="Contoso", name="Head Office"))
        asset = store.assets.save(make_asset(site.id, "FDO1"))
        asset.notes = "edited"
        store.assets.save(asset)
        raw = orjson.loads((folder / "assets" / f"{site.id}.json").read_bytes())
        sync = raw["assets"][asset.id]["_sync"]
        assert len(sync["revs"]) == 2 and sync["by"] == "李工"
        store.assets.delete(asset.id)
        assert store.assets.get(asset.id) is None
    raw = orjson.loads((folder / "assets" / f"{site.id}.json").read_bytes())
    tomb = raw["assets"][asset.id]
    assert tomb["_deleted"] is True and len(tomb["_sync"]["revs"]) == 3
    assert "serial_number" not in tomb
    with Store.open(folder) as store:
        assert len(store.assets) == 0  # the tombstone is not an asset


def test_a_save_replaces_the_whole_document(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db") as store:
        site = store.sites.save(Site(customer="Contoso", name="Head Office"))
        record = store.inspections.save(Inspection(site.id, "a1", datetime(2026, 1, 2), notes="x"))
        table = store.db.partition(store.inspections.partition_of(record)).table("inspections")
        assert table.get(doc_id=record.id)["notes"] == "x"
        record.notes = ""
        store.inspections.save(record)
        assert table.get(doc_id=record.id)["notes"] == ""
        assert store.inspections.get(site.id, record.id).revision == 2


IMPORTER = """
import sys
from pathlib import Path
from assettrack.domain.models import Asset
from assettrack.store.store import Store

with Store.open(Path(sys.argv[1])) as store:
    sites = store.sites.list()
    batch = [Asset(site_id=s.id, kind="switch", vendor="Huawei", model="S5735",
                   serial_number=f"B{sys.argv[2]}-{n}") for n, s in enumerate(sites)]
    print("start", flush=True)
    store.assets.add_many(batch)
    print("done", flush=True)
"""


def test_a_multi_site_import_killed_half_way_is_undone_at_the_next_open(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    with Store.open(folder) as store:
        for n in range(60):
            store.sites.save(Site(customer="Contoso", name=f"Branch {n:02d}"))
    rng = random.Random(7)
    # One import left to finish tells how long an import takes on this machine.
    first = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(folder), "0"], stdout=subprocess.PIPE, text=True
    )
    assert first.stdout.readline().strip() == "start"
    started = time.perf_counter()
    assert first.stdout.readline().strip() == "done"
    duration = time.perf_counter() - started
    first.wait(timeout=30)
    rolled_back = 0
    for attempt in range(1, 13):
        child = subprocess.Popen(
            [sys.executable, "-c", IMPORTER, str(folder), str(attempt)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout.readline().strip() == "start"
        time.sleep(rng.uniform(0.0, duration * 0.9))
        child.kill()
        finished = "done" in child.communicate(timeout=30)[0]
        with Store.open(folder) as store:
            mine = [a for a in store.assets.all() if a.serial_number.startswith(f"B{attempt}-")]
            assert len(mine) in (0, 60), f"attempt {attempt}: {len(mine)} of 60 assets"
            assert (len(mine) == 60) >= finished  # a finished import is never undone
            rolled_back += store.db.rolled_back
        assert not list(folder.glob(".journal-*"))
    assert rolled_back > 0  # some kills did land half-way, and were undone
