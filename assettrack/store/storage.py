"""A TinyDB storage that keeps one partition file in memory and saves it durably.

Stock TinyDB re-reads and re-parses the whole file on every query; this storage parses once,
serves reads from memory and writes through ``atomic_write``. If a save fails, the cached copy
(which TinyDB has already changed in place) is dropped, so memory never claims what the disk
does not hold.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from assettrack.store.durable import atomic_write, fsync_folder
from assettrack.store.errors import CorruptStoreError, NewerSchemaError, ReadOnlyStoreError
from assettrack.store.schema import SchemaPlan

Tables = dict[str, dict[str, dict[str, Any]]]


class PartitionStorage(Storage):
    def __init__(
        self,
        path: Path,
        *,
        plan: SchemaPlan,
        read_only: bool,
        backup_folder: Path,
    ) -> None:
        self.path = path
        self.plan = plan
        self.read_only = read_only
        self.backup_folder = backup_folder
        self._data: Tables | None = None

    def read(self) -> Tables | None:
        if self._data is None:
            self._data = self._load()
        return self._data

    def write(self, data: Tables) -> None:
        if self.read_only:
            self._data = None
            raise ReadOnlyStoreError(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, orjson.dumps(data))
        except BaseException:
            self._data = None
            raise
        self._data = data

    def _load(self) -> Tables:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise CorruptStoreError(self.path, f"cannot be read ({exc.strerror})") from exc
        if not raw.strip():
            raise CorruptStoreError(self.path, "the file is empty")
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise CorruptStoreError(self.path, f"not valid JSON ({exc})") from exc
        outdated = check_shape(self.path, data, self.plan.current)
        if outdated:
            data = self._migrate(data)
        return data

    def _migrate(self, data: Tables) -> Tables:
        migrated: Tables = {}
        for table, docs in data.items():
            try:
                migrated[table] = {k: self.plan.migrate(table, d) for k, d in docs.items()}
            except (LookupError, KeyError, TypeError, ValueError) as exc:
                raise CorruptStoreError(self.path, f"cannot be migrated: {exc}") from exc
        if not self.read_only:
            self._back_up()
            atomic_write(self.path, orjson.dumps(migrated))
        return migrated

    def _back_up(self) -> None:
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        self.backup_folder.mkdir(parents=True, exist_ok=True)
        target = self.backup_folder / f"{self.path.stem}.{stamp}{self.path.suffix}"
        shutil.copy2(self.path, target)
        fd = os.open(target, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        fsync_folder(self.backup_folder)


def check_shape(path: Path, data: Any, supported: int) -> bool:
    """Refuse anything that is not ``{table: {id: {..., "schema": int}}}``.

    Returns whether some document has an older schema and needs migrating.
    """
    if not isinstance(data, dict):
        raise CorruptStoreError(path, f"expected an object of tables, found {type(data).__name__}")
    outdated = False
    for table, docs in data.items():
        if not isinstance(docs, dict):
            raise CorruptStoreError(path, f"table {table!r} is not an object")
        for key, doc in docs.items():
            if not isinstance(doc, dict):
                raise CorruptStoreError(path, f"document {key} in {table!r} is not an object")
            version = doc.get("schema")
            if isinstance(version, bool) or not isinstance(version, int) or version < 1:
                raise CorruptStoreError(
                    path, f"document {key} in {table!r} has no valid schema version"
                )
            if version > supported:
                raise NewerSchemaError(path, version, supported)
            outdated |= version < supported
    return outdated


class UuidTable(Table):
    """Documents are keyed by their uuid string instead of TinyDB's counter."""

    document_id_class = str  # type: ignore[assignment]

    def _get_next_id(self) -> Any:  # pragma: no cover - every insert names its id
        raise TypeError("documents must be inserted with an explicit uuid")


class PartitionDB(TinyDB):
    table_class = UuidTable


def open_partition(
    path: Path, *, plan: SchemaPlan, read_only: bool, backup_folder: Path
) -> PartitionDB:
    return PartitionDB(
        storage=_storage_factory(plan=plan, read_only=read_only, backup_folder=backup_folder),
        path=path,
    )


def _storage_factory(**options: Any) -> Callable[..., PartitionStorage]:
    def make(path: Path) -> PartitionStorage:
        return PartitionStorage(path, **options)

    return make
