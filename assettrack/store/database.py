"""A database folder: a header file, the writer lock and TinyDB partition files.

Layout (every JSON file is a TinyDB database saved by ``atomic_write``)::

    assettrack.json                 header: format and schema version
    catalog.json                    sites, contracts and other small reference tables
    assets/<site id>.json           one site's assets
    records/<kind>/<site id>/<YYYY-MM>.json  one site's inspections (visits, faults,
                                    charges) of a month
    backups/                        copies made before a migration

Splitting keeps every save small: saving a maintenance record rewrites one site-month file
(kilobytes), not years of history; and a question about faults or one month reads only
those files.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import orjson

from assettrack.store.durable import atomic_write, remove_orphan_temp_files
from assettrack.store.errors import CorruptStoreError, NewerSchemaError, StoreError
from assettrack.store.journal import roll_back, unfinished_journals
from assettrack.store.lock import WriterLock
from assettrack.store.schema import CURRENT_PLAN, SchemaPlan
from assettrack.store.storage import PartitionDB, open_partition

HEADER_NAME = "assettrack.json"
FORMAT_NAME = "assettrack-store"
# Record partitions kept parsed in memory; the rest are re-read on demand.
RECORD_CACHE_SIZE = 64


class Database:
    def __init__(
        self,
        folder: Path,
        *,
        read_only: bool = False,
        plan: SchemaPlan = CURRENT_PLAN,
        author: str = "",
    ) -> None:
        self.folder = Path(folder)
        self.author = author  # recorded with every save, for merging laptops' data
        self.read_only = read_only
        self.plan = plan
        self._lock: WriterLock | None = None
        self._partitions: OrderedDict[str, PartitionDB] = OrderedDict()
        self._pinned: set[str] = set()
        self.removed_temp_files: list[Path] = []
        self.rolled_back = 0  # documents of unfinished inserts taken out at open

    # -- lifecycle -------------------------------------------------------------------------

    def open(self) -> Database:
        if self.read_only:
            if not (self.folder / HEADER_NAME).exists():
                raise StoreError(f"no assettrack database at {self.folder}")
            self._check_header()
            return self
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create database folder {self.folder}: {exc.strerror}"
            ) from exc
        if (self.folder / HEADER_NAME).exists():
            self._check_header()  # refuse before taking the lock or deleting anything
        self._lock = WriterLock(self.folder)
        self._lock.acquire()
        try:
            self.removed_temp_files = remove_orphan_temp_files(self.folder)
            if not (self.folder / HEADER_NAME).exists():
                self._write_header()
            for journal in unfinished_journals(self.folder):
                self.rolled_back += roll_back(self, journal)
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        for db in self._partitions.values():
            db.close()
        self._partitions.clear()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Database:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- header ----------------------------------------------------------------------------

    def _check_header(self) -> None:
        path = self.folder / HEADER_NAME
        try:
            header = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError as exc:
            raise CorruptStoreError(path, f"not valid JSON ({exc})") from exc
        except OSError as exc:
            raise CorruptStoreError(path, f"cannot be read ({exc.strerror})") from exc
        if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
            raise CorruptStoreError(path, "this is not an assettrack database header")
        schema = header.get("schema")
        if not isinstance(schema, int):
            raise CorruptStoreError(path, "the header has no schema version")
        if schema > self.plan.current:
            raise NewerSchemaError(path, schema, self.plan.current)
        if schema < self.plan.current and not self.read_only:
            self._write_header(created=header.get("created_at"))

    def _write_header(self, created: str | None = None) -> None:
        atomic_write(
            self.folder / HEADER_NAME,
            orjson.dumps(
                {
                    "format": FORMAT_NAME,
                    "schema": self.plan.current,
                    "created_at": created or datetime.now().isoformat(timespec="seconds"),
                },
                option=orjson.OPT_INDENT_2,
            ),
        )

    # -- partitions ------------------------------------------------------------------------

    def partition(self, name: str, *, pinned: bool = False) -> PartitionDB:
        """The TinyDB of one partition file, e.g. ``assets/<site>.json``.

        Pinned partitions (catalog, assets) stay in memory; record partitions are evicted
        least-recently-used so years of history never sit in memory at once.
        """
        db = self._partitions.get(name)
        if db is not None:
            self._partitions.move_to_end(name)
            return db
        db = open_partition(
            self.folder / name,
            plan=self.plan,
            read_only=self.read_only,
            backup_folder=self.folder / "backups",
        )
        self._partitions[name] = db
        if pinned:
            self._pinned.add(name)
        self._evict()
        return db

    def _evict(self) -> None:
        unpinned = [n for n in self._partitions if n not in self._pinned]
        for name in unpinned[: max(0, len(unpinned) - RECORD_CACHE_SIZE)]:
            self._partitions.pop(name).close()

    def partition_names(self, folder: str) -> list[str]:
        """Names of the partition files under ``folder`` (relative to the database)."""
        # os.walk rather than Path.rglob: a tenth of the time for a few hundred site files.
        names = []
        for parent, _folders, files in os.walk(self.folder / folder):
            prefix = Path(parent).relative_to(self.folder).as_posix()
            names += [
                f"{prefix}/{name}"
                for name in files
                if name.endswith(".json") and not name.startswith(".")
            ]
        return sorted(names)

    def stamps(self, names: Iterable[str]) -> list[list[str | int]]:
        """``[name, size, mtime_ns, inode]`` of each partition file that exists.

        A cache compares these to tell whether files changed since it was made: every save
        replaces its file, so it gets a new inode or time, and usually a new size.
        """
        stamps: list[list[str | int]] = []
        for name in names:
            try:
                st = os.stat(self.folder / name)
            except FileNotFoundError:
                continue
            stamps.append([name, st.st_size, st.st_mtime_ns, st.st_ino])
        return stamps

    def discard(self, name: str) -> None:
        """Forget a partition's in-memory state (after a failed save) so it is re-read."""
        db = self._partitions.pop(name, None)
        if db is not None:
            db.close()
