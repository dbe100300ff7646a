"""The start-up snapshot's file name: one per database folder, made without hashlib, and the
file earlier versions kept under a SHA-256 name removed when the snapshot is next written."""

from __future__ import annotations

import hashlib
from pathlib import Path

from assettrack.services.assets import AssetRegister
from assettrack.store.store import Store
from assettrack.tui.asset_facts import register_facts
from assettrack.tui.row_snapshot import RowSnapshot, snapshot_path
from tests.conftest import TODAY


def test_each_database_folder_has_its_own_snapshot_file(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    names = {snapshot_path(cache, tmp_path / f"db-{n}").name for n in range(200)}
    assert len(names) == 200
    assert snapshot_path(cache, tmp_path / "db-1") == snapshot_path(cache, tmp_path / "db-1")
    assert snapshot_path(cache, tmp_path / "db-1") == snapshot_path(cache, tmp_path / "x/../db-1")


def test_writing_a_snapshot_removes_the_one_named_by_sha256(tmp_path: Path, settings) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    folder = tmp_path / "db"
    digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    legacy = cache / f"asset-rows-{digest}.bin"
    legacy.write_bytes(b"a snapshot of an earlier version")
    other = cache / "asset-rows-0123456789abcdef.bin"  # another database's: kept
    other.write_bytes(b"kept")
    with Store.open(folder, author="test") as store:
        register = AssetRegister(store, settings.warranty)
        snapshot = RowSnapshot(snapshot_path(cache, folder), store.db, settings.warranty)
        snapshot.save(register_facts(register, TODAY))
        snapshot.wait()
    assert snapshot_path(cache, folder).is_file()
    assert not legacy.exists() and other.read_bytes() == b"kept"
