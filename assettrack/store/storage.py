"""A TinyDB storage that keeps one partition file in memory and saves it durably.

Stock TinyDB re-reads and re-parses the whole file on every query; this storage parses once,
serves reads from memory and saves through the database (``Database.save_file``: a frame in
the redo log, then the file renamed into place), one document a line
(``store.document_lines``). Most saves do not come here: ``repositories.write_documents``
splices a file known checked without parsing it, and tells a held copy (``took_in``). If a
save fails, the cached copy (which TinyDB has already changed in place) is dropped, so memory
never claims what the disk does not hold.

Reading is tolerant: a file that cannot be parsed at all is refused (``CorruptStoreError``,
the file left as it is), but a damaged *document* is set aside (``store.quarantine``) and the
rest of the file served. Documents of a change still in progress, or cut short by a crash
(``store.journal``), are served as they were before it. The file's stat signature is kept,
so the database can tell when another process has replaced the file since it was read.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from assettrack.domain.texts import N_
from assettrack.store import document_lines
from assettrack.store.durable import fsync_folder, fsync_path
from assettrack.store.errors import (
    CorruptStoreError,
    NewerSchemaError,
    ReadOnlyStoreError,
    StoreLockedError,
    StoreWriteError,
)
from assettrack.store.file_reads import (
    Signature,
    read_file_bytes,
    signature,
)
from assettrack.store.schema import SchemaPlan

if TYPE_CHECKING:
    from assettrack.store.database import Database

Tables = dict[str, dict[str, dict[str, Any]]]
CONFLICTS = "conflicts"
_loads = itertools.count(1)


class PartitionStorage(Storage):
    def __init__(self, path: Path, *, db: Database, name: str) -> None:
        self.path = path
        self.db = db
        self.name = name
        self._data: Tables | None = None
        self.signature: Signature = None
        self.version = 0  # a new number at every load: a repository can tell it re-read
        self.hidden_by: frozenset[str] = frozenset()  # journals whose documents it hides
        self.unsaved_damage = False  # a damaged document whose copy could not be made
        self.content_crc = -1  # CRC-32 of the file as read or written (-1: not known)
        self.on_change: Callable[[], None] = lambda: None  # the TinyDB's caches to clear

    @property
    def plan(self) -> SchemaPlan:
        return self.db.plan

    def read(self) -> Tables | None:
        if self._data is None:
            self._data = self._load()
        return self._data

    @property
    def loaded(self) -> bool:
        return self._data is not None

    def is_stale(self) -> bool:
        """Replaced on disk since it was read, or hiding a change that has since finished."""
        if self._data is None:
            return False
        if signature(self.path) != self.signature:
            return True
        return bool(self.hidden_by) and not self.hidden_by <= self.db.live_journal_names()

    def write(self, data: Tables) -> None:
        problem = None
        if self.db.read_only:
            self._data = None
            raise ReadOnlyStoreError(self.path)
        if not self.db.holds_lock:
            problem = N_("it was about to be saved without the writer lock")
        elif self.hidden_by:
            problem = N_("it shows documents of another's unfinished change")
        elif self.unsaved_damage:
            problem = N_(
                "it holds a damaged document that could not be copied to quarantine/, and "
                "saving would drop it; free some disk space or move the file aside by hand"
            )
        if problem:
            self._data = None
            raise StoreWriteError(
                N_(
                    "{path} was not saved: {problem}. Nothing was changed.",
                    path=self.path,
                    problem=problem,
                )
            )
        payload = document_lines.dump(data)
        crc = zlib.crc32(payload)  # once, for the log's frame and the checked-files cache
        try:
            written = self.db.save_file(self.name, payload, crc=crc)
        except BaseException:
            self._data = None
            raise
        self._data = data
        self.signature = written
        self.content_crc = crc
        # Every document passed the gate.
        self.db.checked.checked(self.name, self.signature, crc=self.content_crc)
        self.db.saved(self.name)

    def took_in(self, table: str, docs: list[dict[str, Any]], seen: Signature) -> None:
        """A save spliced these documents into the file, now ``seen``: the same documents
        held in memory, as a whole save would have left them."""
        if self._data is None:
            return
        held = self._data.setdefault(table, {})
        for doc in docs:
            held[doc["id"]] = doc
        self.signature = seen
        self.content_crc = -1  # the spliced bytes are not at hand
        self.on_change()

    def peek(self, table: str, ids: list[str]) -> dict[str, dict[str, Any]] | None:
        """Some documents of the file, each checked by the gate, without loading (and so
        checking) every document of it: one asset's records in a month of a large site,
        each parsed from its own line. None when the file must be loaded whole: a document
        asked for is damaged (loading sets it aside) or needs migrating, or another's
        unfinished change is in the file."""
        if self._data is not None:
            docs = self._data.get(table, {})
            return {i: docs[i] for i in ids if i in docs}
        from assettrack.domain.gate import check_document

        if self.db.hides_changes_in(self.name):
            return None
        docs = self._lines_of(table, ids)
        if docs is None:
            data, outdated, _seen, _raw = self._read_file()
            if outdated:
                return None
            docs = data.get(table, {})
        found = {}
        for doc_id in ids:
            doc = docs.get(doc_id)
            if doc is None:
                continue
            if not isinstance(doc, dict) or doc.get("id") != doc_id:
                return None
            if doc.get("schema") != self.plan.current or check_document(table, doc, decode=False):
                return None  # to be migrated, newer, or damaged: the file is loaded whole
            found[doc_id] = doc
        return found

    def _lines_of(self, table: str, ids: list[str]) -> dict[str, Any] | None:
        """The documents asked for, only their own lines parsed (a month file of a large
        site holds many others); None where the file is to be parsed whole: gone, not in
        the one-line layout, or a line that is not JSON."""
        raw, _seen = read_file_bytes(self.path)
        if raw is None:
            return None
        try:
            return document_lines.read_documents(raw, table, ids)
        except orjson.JSONDecodeError:
            return None

    # -- loading ---------------------------------------------------------------------------

    def _load(self) -> Tables:
        data, outdated, seen, raw = self._read_file()
        if outdated and not self.db.read_only and not self.db.holds_lock:
            try:
                with self.db.writing():  # migrate what is on disk now, under the lock
                    data, outdated, seen, raw = self._read_file()
                    return self._finish_load(data, outdated, seen, raw)
            except StoreLockedError:
                pass  # busy: migrate in memory now, on disk at the next load
        return self._finish_load(data, outdated, seen, raw)

    def _finish_load(
        self, data: dict[str, Any], outdated: bool, seen: Signature, raw: bytes
    ) -> Tables:
        content: bytes | None = raw
        if outdated:
            data = self._migrate(data)
            seen, content = signature(self.path), None
        self.content_crc = zlib.crc32(content) if content else -1
        if not self.db.checked.is_checked(self.name, seen, content):
            before = len(self.db.set_aside)
            self._set_aside_damaged(data)
            if len(self.db.set_aside) == before and not self.unsaved_damage:
                # Every document passed: this file, as it is, need not be checked again.
                self.db.checked.checked(self.name, seen, content)
        self.hidden_by = self.db.hide_unfinished(self.name, data)
        self.signature = seen
        self.version = next(_loads)
        return data

    def _read_file(self) -> tuple[dict[str, Any], bool, Signature, bytes]:
        raw, seen = read_file_bytes(self.path)
        if raw is None:
            return {}, False, None, b""
        if not raw.strip():
            raise CorruptStoreError(self.path, N_("the file is empty"))
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise CorruptStoreError(self.path, N_("not valid JSON ({reason})", reason=exc)) from exc
        outdated = check_shape(self.path, data, self.plan.current)
        return data, outdated, seen, raw

    def _set_aside_damaged(self, data: dict[str, Any]) -> None:
        # Imported here: the app paints its first screen before the models are imported.
        from assettrack.domain.gate import MODELS, check_document, summary

        for table, docs in data.items():
            checked = table in MODELS or table == CONFLICTS  # others: a plugin's, served as is
            for key, doc in list(docs.items()):
                if not isinstance(doc, dict):
                    problem: str | None = f"document {key} is not an object"
                elif not checked and not _has_schema(doc):
                    problem = "it has no valid schema version"
                elif not checked:
                    continue
                elif found := check_document(table, doc, decode=False):
                    problem = summary(found)
                elif doc["id"] != key:
                    problem = f"it is filed under another id ({key})"
                else:
                    continue
                del docs[key]
                aside = self.db.set_doc_aside(self.name, table, key, doc, problem)
                self.unsaved_damage |= aside.copy is None

    def _migrate(self, data: Tables) -> Tables:
        migrated: Tables = {}
        for table, docs in data.items():
            migrated[table] = {}
            for key, doc in docs.items():
                if not isinstance(doc, dict) or not _has_schema(doc):
                    migrated[table][key] = doc  # set aside next, as it is
                    continue
                try:
                    migrated[table][key] = self.plan.migrate(table, doc)
                except (LookupError, KeyError, TypeError, ValueError) as exc:
                    raise CorruptStoreError(
                        self.path, N_("cannot be migrated: {reason}", reason=exc)
                    ) from exc
        if not self.db.read_only and self.db.holds_lock:
            self._back_up()
            self.db.save_file(self.name, document_lines.dump(migrated))
            self.db.saved(self.name)
        return migrated

    def _back_up(self) -> None:
        backups = self.db.folder / "backups"
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        backups.mkdir(parents=True, exist_ok=True)
        # Named by the whole partition: every site has a 2025-06.json.
        flat = self.name.removesuffix(self.path.suffix).replace("/", "~")
        target = backups / f"{flat}.{stamp}{self.path.suffix}"
        import shutil  # only for a backup copy

        shutil.copy2(self.path, target)
        fsync_path(target)
        fsync_folder(backups)


def _has_schema(doc: dict[str, Any]) -> bool:
    version = doc.get("schema")
    return isinstance(version, int) and not isinstance(version, bool) and version >= 1


def check_shape(path: Path, data: Any, supported: int) -> bool:
    """Refuse a file that is not ``{table: {id: ...}}`` or holds a newer schema.

    Returns whether some document has an older schema and needs migrating. Documents that are
    damaged themselves are left for the gate, which sets them aside.
    """
    if not isinstance(data, dict):
        raise CorruptStoreError(
            path, N_("expected an object of tables, found {kind}", kind=type(data).__name__)
        )
    outdated = False
    for table, docs in data.items():
        if not isinstance(docs, dict):
            raise CorruptStoreError(path, N_("table {table!r} is not an object", table=table))
        for doc in docs.values():
            if not isinstance(doc, dict) or not _has_schema(doc):
                continue
            version = doc["schema"]
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

    @property
    def partition_storage(self) -> PartitionStorage:
        return self.storage  # type: ignore[return-value]

    def clear_cache(self) -> None:
        """Forget the tables' query caches (documents changed beneath TinyDB)."""
        for table in self._tables.values():
            table.clear_cache()

    def close(self) -> None:
        # The storage's callback is this partition's bound method: a cycle, which only the
        # cyclic collector would free, and a partition evicted during a bulk build (the
        # collector off, then frozen) was never freed: a rebuild of 50,000 assets' rows
        # kept every site file's parsed documents, 120 MB, for the process's life.
        self.partition_storage.on_change = _nothing
        super().close()


def _nothing() -> None:
    pass


def open_partition(db: Database, name: str) -> PartitionDB:
    partition = PartitionDB(storage=_storage_factory(db, name), path=db.folder / name)
    partition.partition_storage.on_change = partition.clear_cache
    return partition


def _storage_factory(db: Database, name: str) -> Callable[..., PartitionStorage]:
    def make(path: Path) -> PartitionStorage:
        return PartitionStorage(path, db=db, name=name)

    return make
