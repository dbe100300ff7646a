"""Repositories: the only code that reads and writes TinyDB tables.

They speak domain objects and bump each document's revision on save. Every document
written passes the gate (``domain.gate``) first, whatever its way in (a form, a CSV row, a
command, a plugin, a merge); the storage sets aside damaged ones when reading
(``store.quarantine``). A save never overwrites another process's edit of the same document:
it checks the revision on disk is the one it read (``StaleDocumentError`` otherwise).

Every saved document also carries ``_sync``: the ids of its last revisions, who saved it and
when. Merging another laptop's data compares these histories to tell a newer copy from an
edit made on both sides. A deleted document leaves a tombstone (``_deleted``) so that a merge
does not bring it back.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from datetime import date, datetime
from functools import cached_property, lru_cache
from operator import itemgetter
from time import time
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

import orjson

from assettrack.bulk import bulk_build
from assettrack.domain.codec import from_doc, to_doc
from assettrack.domain.models import Asset, Fault, Inspection, Visit
from assettrack.domain.texts import N_
from assettrack.store import asset_columns
from assettrack.store.asset_columns import AssetRow, decode, row_of
from assettrack.store.checked_files import is_racy
from assettrack.store.database import Database
from assettrack.store.errors import (
    CorruptStoreError,
    RejectedDocumentError,
    StaleDocumentError,
    StoreError,
)
from assettrack.store.file_reads import (
    Signature,
    holds_content,
    read_file_bytes,
    signatures_in,
)
from assettrack.store.layout import INDEX_FOLDER
from assettrack.store.record_words import record_word

if TYPE_CHECKING:
    from assettrack.domain.attachments import Attachment
    from assettrack.store.record_index import RecordIndex

T = TypeVar("T")
_ROW_ID = itemgetter(AssetRow._fields.index("id"))
CATALOG = "catalog.json"
SYNC = "_sync"
DELETED = "_deleted"
REVISIONS_KEPT = 64


def _decode(db: Database, partition: str, model: type[T], doc: dict[str, Any]) -> T:
    try:
        return from_doc(model, doc)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise CorruptStoreError(
            db.folder / partition,
            N_(
                "{kind} {id} does not fit its shape ({reason})",
                kind=model.__name__.lower(),
                id=doc.get("id", "?"),
                reason=exc,
            ),
        ) from exc


def is_live(doc: dict[str, Any]) -> bool:
    return not doc.get(DELETED)


def sync_stamp(db: Database, previous: dict[str, Any] | None) -> dict[str, Any]:
    revisions = list(((previous or {}).get(SYNC) or {}).get("revs", []))
    revisions.append(os.urandom(6).hex())
    return {"revs": revisions[-REVISIONS_KEPT:], "by": db.author, "at": _local_time(int(time()))}


@lru_cache(maxsize=1)
def _local_time(second: int) -> str:
    """The stamp's time to the second, made once a second (every save asks)."""
    return datetime.fromtimestamp(second).isoformat(timespec="seconds")


@contextmanager
def saving(db: Database, partition: str) -> Iterator[None]:
    """Drop a partition's cached state when a save fails, so memory matches the disk."""
    try:
        yield
    except BaseException:
        db.discard(partition)
        raise


def check_documents(
    table_name: str, docs: Iterable[dict[str, Any]], *, decode: bool = True
) -> None:
    """The gate (``domain.gate``): refuse the whole save if one document is bad. ``decode``
    also builds each model from its document; documents ``to_doc`` just made from models
    need not be (as documents read back from the store are not)."""
    # Imported at the first save: a listing reads held rows and needs no gate of its own.
    from assettrack.domain.gate import check_document, describe

    for doc in docs:
        problems = check_document(table_name, doc, decode=decode)
        if problems:
            raise RejectedDocumentError(describe(table_name, doc, problems))


def _label(table_name: str) -> str:
    return record_word(table_name)


def _check_revisions(
    db: Database,
    partition: str,
    table_name: str,
    current: Mapping[str, dict[str, Any]],
    expected: Mapping[str, int | None],
    present: Iterable[str] = (),
) -> None:
    """Refuse to save over another's edit: each document on disk must still be at the
    revision this process read (``None``: any). Those in ``present`` were read from this very
    file and must still be in it (not moved elsewhere by another process)."""
    for doc_id in present:
        if doc_id not in current:
            raise StaleDocumentError(
                N_(
                    "{what} {id} was moved or removed by another process since it was read; "
                    "nothing was saved. Look at it again and make the change once more",
                    what=_label(table_name),
                    id=doc_id,
                )
            )
    for doc_id, revision in expected.items():
        found = current.get(doc_id)
        if found is None:
            continue  # new, or filed elsewhere before (an asset moving site)
        if not is_live(found):
            raise StaleDocumentError(
                N_(
                    "{what} was deleted by another process since it was read; nothing was saved",
                    what=N_("{what} {id}", what=_label(table_name), id=doc_id),
                )
            )
        if revision is not None and found.get("revision") != revision:
            raise StaleDocumentError(
                N_(
                    "{what} was changed by another process since it was read (revision "
                    "{found} in {partition}, this copy has {revision}); nothing was saved. "
                    "Look at it again and make the change once more",
                    what=N_("{what} {id}", what=_label(table_name), id=doc_id),
                    found=found.get("revision"),
                    partition=partition,
                    revision=revision,
                )
            )


def _current(db: Database, partition: str, table_name: str, pinned: bool) -> dict[str, Any]:
    tables = db.partition(partition, pinned=pinned).partition_storage.read() or {}
    return tables.get(table_name, {})


class Written(NamedTuple):
    """What a save found and left: the file's signature as found under the writer lock
    (``None``: there was no file) and as written."""

    found: Signature
    written: Signature


def write_documents(
    db: Database,
    partition: str,
    table_name: str,
    docs: Iterable[dict[str, Any]],
    *,
    pinned: bool = False,
    stamp: bool = True,
    previous: Mapping[str, dict[str, Any]] | None = None,
    expected: Mapping[str, int | None] | None = None,
    present: Iterable[str] = (),
    checked: bool = False,
    built: bool = False,
) -> Written | None:
    """Insert or wholly replace documents (by ``id``) with one durable save of the file.

    Every document passes the gate first; one bad document and nothing is saved. The save
    holds the writer lock and applies the documents to the file as it is on disk then,
    unless one of them was edited there meanwhile: ``expected`` gives the revision each
    document had when read (by default, one less than the revision it is saved with);
    ``present`` names those read from this file, which must still be in it. ``stamp=False``
    keeps the documents' own ``_sync`` (a merge copying another laptop's revision as it is).
    ``previous`` gives the earlier version of a document that lived in another file (an asset
    moved to another site), so its history carries on. ``built``: ``to_doc`` made the
    documents from models, whose fields the gate checks without building them again. A
    file whose content is known checked is not read whole: the documents' lines are spliced
    in (``store.document_lines``), and applied to its documents if they are held in memory.
    Returns the file's signature as found and as written (None: no docs).
    """
    docs = list(docs)
    if not docs:
        return None
    if not checked:  # ``checked``: a merge's documents, each past the gate as it came in
        check_documents(table_name, docs, decode=not built)
    if expected is None and stamp:
        expected = {d["id"]: d["revision"] - 1 for d in docs if isinstance(d.get("revision"), int)}
    present = list(present)
    with db.writing():
        db.refresh_partition(partition)
        with saving(db, partition):
            spliced = _splice(db, partition, table_name, docs, stamp, previous, expected, present)
            if spliced is not None:
                done, saved = spliced
                if db.holds_in_memory(partition):
                    storage = db.partition(partition, pinned=pinned).partition_storage
                    storage.took_in(table_name, saved, done.written)
                return done
            storage = db.partition(partition, pinned=pinned).partition_storage
            table = db.partition(partition, pinned=pinned).table(table_name)
            current = _current(db, partition, table_name, pinned)
            found = storage.signature
            _check_revisions(db, partition, table_name, current, expected or {}, present)
            db.note_before(
                partition,
                table_name,
                {d["id"]: current.get(d["id"]) for d in docs},
                created=found is None,
            )

            def replace(raw: dict[str, Any]) -> None:
                for doc in docs:
                    if stamp:
                        prior = raw.get(doc["id"]) or (previous or {}).get(doc["id"])
                        doc = {**doc, SYNC: sync_stamp(db, prior)}
                    raw[doc["id"]] = doc

            # TinyDB's public upsert merges fields into the old document and saves once per
            # document; this replaces whole documents in a single save (tinydb is pinned).
            table._update_table(replace)
            return Written(found, storage.signature)


def _splice(
    db: Database,
    partition: str,
    table_name: str,
    docs: list[dict[str, Any]],
    stamp: bool,
    previous: Mapping[str, dict[str, Any]] | None,
    expected: Mapping[str, int | None] | None,
    present: list[str],
) -> tuple[Written, list[dict[str, Any]]] | None:
    """The save of ``write_documents`` without reading the file whole: only the lines of
    these documents are read and replaced (or added). Returns the signatures and the
    documents as saved; None where the file must be read whole first: its content was never
    checked as it is, it is in another layout, or it has no such table yet."""
    from assettrack.store import document_lines  # saves only: a listing needs none

    raw, found = read_file_bytes(db.folder / partition)
    ids = [d["id"] for d in docs]
    lines = None
    if raw is not None:
        if not db.checked.is_checked(partition, found, raw):
            return None
        lines = document_lines.locate(raw, table_name, ids)
        if lines is None:
            return None
    current = document_lines.documents(raw, lines) if raw and lines else {}
    _check_revisions(db, partition, table_name, current, expected or {}, present)
    if stamp:
        earlier = previous or {}
        docs = [
            {**d, SYNC: sync_stamp(db, current.get(d["id"]) or earlier.get(d["id"]))} for d in docs
        ]
    if raw and lines:
        payload = document_lines.splice_at(raw, lines, {d["id"]: orjson.dumps(d) for d in docs})
    else:  # a new file
        payload = document_lines.dump({table_name: {d["id"]: d for d in docs}})
    db.note_before(partition, table_name, {i: current.get(i) for i in ids}, created=raw is None)
    crc = zlib.crc32(payload)  # once, for the log's frame and the checked-files cache
    written = db.save_file(partition, payload, existing=raw is not None, crc=crc)
    db.checked.checked(partition, written, crc=crc)  # every document passed the gate
    db.saved(partition)
    return Written(found, written), docs


def remove_documents(
    db: Database,
    partition: str,
    table_name: str,
    ids: Iterable[str],
    *,
    pinned: bool = False,
    expected: Mapping[str, int | None] | None = None,
    present: Iterable[str] = (),
) -> None:
    """Take documents out of a file entirely (no tombstone), in one save."""
    ids = list(ids)
    with db.writing():
        db.refresh_partition(partition)
        with saving(db, partition):
            current = _current(db, partition, table_name, pinned)
            _check_revisions(db, partition, table_name, current, expected or {}, present)
            before = {i: current[i] for i in ids if i in current}
            if not before:
                return
            db.note_before(partition, table_name, before, created=False)
            db.partition(partition, pinned=pinned).table(table_name).remove(doc_ids=list(before))


def delete_documents(
    db: Database,
    partition: str,
    table_name: str,
    ids: Iterable[str],
    *,
    pinned: bool = False,
    expected: Mapping[str, int | None] | None = None,
) -> None:
    """Replace documents by tombstones, in one save."""
    ids = list(ids)
    with db.writing():
        # What this process read: a document edited elsewhere since is not deleted unseen.
        known = _current(db, partition, table_name, pinned)
        read = {i: d.get("revision") for i, d in known.items()}
        db.refresh_partition(partition)
        current = _current(db, partition, table_name, pinned)
        expected = dict(expected or {})
        for doc_id in ids:
            expected.setdefault(doc_id, read.get(doc_id))
        _check_revisions(db, partition, table_name, current, expected)
        tombstones = [
            {"id": i, "schema": current[i]["schema"], DELETED: True}
            for i in ids
            if i in current and is_live(current[i])
        ]
        write_documents(db, partition, table_name, tombstones, pinned=pinned, expected={})


def live_documents(
    db: Database, partition: str, table_name: str, *, pinned: bool = False
) -> list[dict[str, Any]]:
    """The table's documents, minus tombstones, straight from the parsed file.

    Reading the storage directly skips TinyDB wrapping every document in a Document object,
    a third of the cost of loading 10,000 assets at start-up. Callers must not modify them.
    """
    return [doc for doc in _current(db, partition, table_name, pinned).values() if is_live(doc)]


class CatalogRepository(Generic[T]):
    """A small table kept in ``catalog.json`` (sites, contracts)."""

    def __init__(self, db: Database, table: str, model: type[T]) -> None:
        self.db = db
        self.table_name = table
        self.model = model

    def list(self) -> list[T]:
        return [
            _decode(self.db, CATALOG, self.model, doc)
            for doc in live_documents(self.db, CATALOG, self.table_name, pinned=True)
        ]

    def get(self, item_id: str) -> T | None:
        doc = _current(self.db, CATALOG, self.table_name, True).get(item_id)
        if doc is None or not is_live(doc):
            return None
        return _decode(self.db, CATALOG, self.model, doc)

    def save(self, item: T) -> T:
        item.revision += 1  # type: ignore[attr-defined]
        try:
            write_documents(
                self.db, CATALOG, self.table_name, [to_doc(item)], pinned=True, built=True
            )
        except BaseException:
            item.revision -= 1  # type: ignore[attr-defined]
            raise
        return item

    def delete(self, item_id: str) -> None:
        delete_documents(self.db, CATALOG, self.table_name, [item_id], pinned=True)


class AssetRepository:
    """Assets, one partition file per site, held as rows for the screens and listings.

    Each asset is held as its stored fields (``store.asset_columns.AssetRow``), decoded into
    an ``Asset`` only when asked for: ``get``, ``by_site`` and ``all`` give new objects each
    time, so a caller's change to one never reaches what is held. Opening takes the rows of
    every file unchanged since ``.index/assets.columns`` recorded it from that one file; a
    file changed since (or never recorded) is read through the storage and the gate, decoded
    into ``Asset`` objects to check it, and recorded again. Each file's stat signature when
    read tells, at the next ``refresh``, which files another process replaced since (one
    ``scandir`` of the folder).
    """

    TABLE = "assets"

    def __init__(self, db: Database) -> None:
        self.db = db
        # partition -> the rows read from it, by id (an asset moving site may briefly be in
        # two files: ``_where`` names the one whose copy is served)
        self._files: dict[str, dict[str, AssetRow]] = {}
        self._where: dict[str, str] = {}
        # partition -> its signature when read, and the unfinished changes its read hid
        self._read_as: dict[str, tuple[Signature, frozenset[str]]] = {}
        # Files whose rows may be recorded in the columns file, and what it holds now.
        self._trusted: set[str] = set()
        self._crc: dict[str, int] = {}  # the CRC-32 of each trusted file's content
        self._recorded: frozenset[tuple[str, Signature]] | None = None
        self._columns = asset_columns.path_in(db.folder / INDEX_FOLDER)
        # Grows with every change, so screens can tell whether to rebuild their rows.
        self.generation = 0
        self.refresh()

    @staticmethod
    def partition_of(site_id: str) -> str:
        return f"assets/{site_id}.json"

    @classmethod
    def recorded_columns(cls, db: Database) -> dict[str, tuple[Any, ...]] | None:
        """Each field's column of every asset's row, in the order ``rows()`` of a store
        opened now gives them, read from the columns file alone: only while it records
        every asset file as it is (else None: open the store, which reads what changed).
        Nothing is indexed, decoded or recorded, so a reader that needs the rows alone (the
        app's first paint with no snapshot) has them in a third of the time of an open."""
        changes = db.changes_signature()
        with bulk_build():  # 50,000 rows read: no collector walks meanwhile
            columns = asset_columns.recorded_columns(
                asset_columns.path_in(db.folder / INDEX_FOLDER),
                db.plan.current,
                signatures_in(db.folder, cls.TABLE),
            )
        # Another process committed a change meanwhile: what was read may predate it.
        return None if db.changes_signature() != changes else columns

    # -- reading -----------------------------------------------------------------------------

    def rows(self) -> list[AssetRow]:
        """Every asset's row (read-only): what a listing needs without decoding each asset."""
        files = self._files
        return [files[name][asset_id] for asset_id, name in self._where.items()]

    def row(self, asset_id: str) -> AssetRow | None:
        name = self._where.get(asset_id)
        return None if name is None else self._files[name][asset_id]

    def rows_at(self, site_id: str) -> list[AssetRow]:
        # The site's file says which: a look-up, not a pass over every asset.
        name = self.partition_of(site_id)
        where = self._where
        return [
            row
            for asset_id, row in self._files.get(name, {}).items()
            if where.get(asset_id) == name and row.site_id == site_id
        ]

    def all(self) -> list[Asset]:
        with bulk_build():
            return list(map(decode, self.rows()))

    def __len__(self) -> int:
        return len(self._where)

    def get(self, asset_id: str) -> Asset | None:
        row = self.row(asset_id)
        return None if row is None else decode(row)

    def by_site(self, site_id: str) -> list[Asset]:
        return list(map(decode, self.rows_at(site_id)))

    def refresh(self) -> bool:
        """Take in the asset files replaced since they were read (another process saved
        them); whether anything changed."""
        on_disk = signatures_in(self.db.folder, self.TABLE)
        recorded: asset_columns.Entries = {}
        opening = self._recorded is None
        if opening:  # the first read: what the columns file holds
            recorded = asset_columns.load(self._columns, self.db.plan.current)
            self._recorded = frozenset((n, entry.seen) for n, entry in recorded.items())
        changed = False
        values: dict[Any, Any] = {}  # each distinct value of the files parsed now, once
        for name in set(self._read_as) - set(on_disk):
            self._forget_file(name)
            changed = True
        live: set[str] | None = None
        for name, seen in sorted(on_disk.items()):  # the same order on every machine
            known = self._read_as.get(name)
            if known is not None and known[0] == seen:
                if not known[1]:
                    continue
                live = self.db.live_journal_names() if live is None else live
                if known[1] <= live:
                    continue  # the change it hid is still unfinished
            entry = recorded.get(name)
            if known is None and entry is not None and self._unchanged(name, entry, seen):
                self._take(name, entry.rows)  # unchanged since recorded
                self._read_as[name] = (seen, frozenset())
                self._crc[name] = entry.crc
                if not is_racy(seen):
                    self._trusted.add(name)
            else:
                self.db.refresh_partition(name)
                self._read_file(name, values.setdefault)
            changed = True
        if changed:
            self.generation += 1
        if opening:
            # Once, as the store opens. An app open all day takes in others' saves a file at
            # a time and does not write 10 MB for each: the next process to open does.
            self._record()
        return changed

    def _unchanged(self, name: str, entry: asset_columns.Entry, seen: Signature) -> bool:
        """Whether the file is as its rows were recorded: the same signature, or (a copy,
        a restore) the same size and checksum, read but not parsed."""
        if entry.seen == seen:
            return True
        if seen is None or entry.seen is None or seen[0] != entry.seen[0]:
            return False
        return holds_content(self.db.folder / name, seen[0], entry.crc)

    def _forget_file(self, name: str) -> None:
        for asset_id in self._files.pop(name, {}):
            if self._where.get(asset_id) == name:
                del self._where[asset_id]
        self._read_as.pop(name, None)
        self._trusted.discard(name)
        self._crc.pop(name, None)

    def _read_file(self, name: str, keep: Callable[[Any, Any], Any]) -> None:
        """Parse one site's file into rows, their values shared through ``keep``."""
        self._forget_file(name)
        storage = self.db.partition(name).partition_storage
        rows = []
        for doc in live_documents(self.db, name, self.TABLE):
            _decode(self.db, name, Asset, doc)  # the domain object's own check of the document
            rows.append(row_of(doc))
        self._take(name, asset_columns.shared(rows, keep))
        seen = storage.signature
        self._read_as[name] = (seen, storage.hidden_by)
        # Recorded only as the file is now with every document past the gate: not a file
        # with a damaged document, one showing another's unfinished change, nor one changed
        # this very moment (its next change could keep the same signature).
        if not storage.hidden_by and not is_racy(seen) and self.db.checked.is_checked(name, seen):
            self._trusted.add(name)
            self._crc[name] = storage.content_crc

    def _take(self, name: str, rows: list[AssetRow]) -> None:
        held = self._files.setdefault(name, {})
        files, where = self._files, self._where
        ids = list(map(_ROW_ID, rows))  # in C: a field's property is a Python-level step
        if where.keys().isdisjoint(ids):  # the usual case, as one pass in C
            held.update(zip(ids, rows, strict=True))
            where.update(dict.fromkeys(ids, name))
            return
        for row in rows:
            other = where.get(row.id)
            held[row.id] = row
            # A move between sites writes the new file first: serve the newer copy.
            if other is None or other == name or files[other][row.id].revision < row.revision:
                where[row.id] = name

    def _record(self) -> None:
        """Write the columns file if what it should hold changed (never inside this
        process's own write: a change not yet finished must not be trusted by others)."""
        if self.db.holds_lock:
            return
        trusted = sorted(n for n in self._trusted if n in self._files)
        now = frozenset((n, self._read_as[n][0]) for n in trusted)
        if now == self._recorded:
            return
        asset_columns.save(
            self._columns,
            self.db.plan.current,
            (
                (n, self._read_as[n][0], self._files[n].values(), self._crc.get(n, -1))
                for n in trusted
            ),
        )
        self._recorded = now

    # -- writing -----------------------------------------------------------------------------

    def save(self, asset: Asset) -> Asset:
        # Where the asset was last saved: the held row, not the object (the caller may have
        # changed it). Its revision is the one the caller read.
        where = self._where.get(asset.id)
        revision = asset.revision
        asset.revision = revision + 1
        name = self.partition_of(asset.site_id)
        moved_from = where if where is not None and where != name else None
        doc = to_doc(asset)
        try:
            # A move touches two files: both or neither, through a crash too.
            with self.db.transaction("asset move") if moved_from else nullcontext():
                previous = None
                if moved_from is not None:
                    old_doc = _current(self.db, moved_from, self.TABLE, False).get(asset.id)
                    previous = {asset.id: dict(old_doc)} if old_doc is not None else None
                written = write_documents(
                    self.db,
                    name,
                    self.TABLE,
                    [doc],
                    pinned=False,
                    previous=previous,
                    present=[asset.id] if where is not None and moved_from is None else [],
                    built=True,
                )
                if moved_from is not None:
                    # The old file keeps no copy (nor a tombstone, which would hide the asset
                    # from a merge).
                    remove_documents(
                        self.db,
                        moved_from,
                        self.TABLE,
                        [asset.id],
                        pinned=False,
                        expected={asset.id: revision},
                        present=[asset.id],
                    )
        except BaseException:
            asset.revision = revision
            raise
        self._remember(row_of(doc), name)
        elsewhere = self._changed_elsewhere(name, written)
        if not elsewhere and written is not None:
            self._note_written(name, written.written)
        if moved_from is not None:
            self._note_written(
                moved_from, self.db.partition(moved_from).partition_storage.signature
            )
        if elsewhere:
            self.refresh()  # others' assets in the file this save found changed
        return asset

    def _changed_elsewhere(self, name: str, written: Written | None) -> bool:
        """Whether the file the save went into was not as this repository read it: another
        process changed it meanwhile, and its assets are to be read again."""
        known = self._read_as.get(name)
        return written is not None and written.found != (known[0] if known else None)

    def _note_written(self, name: str, seen: Signature) -> None:
        """This process's own save: what is held is the file as written, not to be read
        again (unless another's change was found in it: then ``refresh``). Not recorded in
        the columns file: the next process to open reads it again."""
        self._read_as[name] = (seen, frozenset())
        self._trusted.discard(name)

    def _remember(self, row: AssetRow, name: str) -> None:
        self.generation += 1
        where = self._where.get(row.id)
        if where is not None and where != name:
            self._files.get(where, {}).pop(row.id, None)
        self._files.setdefault(name, {})[row.id] = row  # keeps its place in the site
        self._where[row.id] = name

    def add_many(self, assets: Iterable[Asset]) -> list[Asset]:
        """Insert new assets with one save per site file; all or nothing, through a crash too."""
        by_partition: dict[str, list[Asset]] = {}
        assets = list(assets)
        for asset in assets:
            if asset.id in self._where:
                raise StoreError(N_("asset {id} already exists", id=asset.id))
            by_partition.setdefault(self.partition_of(asset.site_id), []).append(asset)
        for asset in assets:
            asset.revision += 1
        docs = {name: [to_doc(a) for a in group] for name, group in by_partition.items()}
        try:
            written: dict[str, Written | None] = {}
            with self.db.transaction("import") if len(by_partition) > 1 else nullcontext():
                for name, group_docs in docs.items():
                    written[name] = write_documents(
                        self.db, name, self.TABLE, group_docs, built=True
                    )
        except BaseException:
            for asset in assets:
                asset.revision -= 1
            self.refresh()
            raise
        for name, group_docs in docs.items():
            for doc in group_docs:
                self._remember(row_of(doc), name)
            done = written[name]
            if done is not None and not self._changed_elsewhere(name, done):
                self._note_written(name, done.written)
        self.refresh()
        return assets

    def delete(self, asset_id: str) -> None:
        where = self._where.get(asset_id)
        if where is None:
            return
        delete_documents(
            self.db,
            where,
            self.TABLE,
            [asset_id],
            pinned=False,
            expected={asset_id: self._files[where][asset_id].revision},
        )
        del self._where[asset_id]
        self._files[where].pop(asset_id, None)
        self.generation += 1

    def reload(self) -> None:
        """Read the asset files again (after a merge wrote into them)."""
        for name in self.db.partition_names("assets"):
            self.db.discard(name)
        self.refresh()


class RecordRepository(Generic[T]):
    """Service records (inspections, visits, faults), one file per site and month."""

    def __init__(
        self, db: Database, table: str, model: type[T], dated_by: Callable[[T], datetime]
    ) -> None:
        self.db = db
        self.table_name = table
        self.model = model
        self.dated_by = dated_by

    @cached_property
    def index(self) -> RecordIndex:
        """Which month files hold each asset's records: made when a history is first asked
        for (opening a database to list its assets needs none)."""
        from assettrack.store.record_index import RecordIndex

        return RecordIndex(self.db, self.table_name)

    def partition_of(self, record: T) -> str:
        month = f"{self.dated_by(record):%Y-%m}"
        return f"records/{self.table_name}/{record.site_id}/{month}.json"  # type: ignore[attr-defined]

    def save(self, record: T) -> T:
        record.revision += 1  # type: ignore[attr-defined]
        try:
            write_documents(
                self.db, self.partition_of(record), self.table_name, [to_doc(record)], built=True
            )
        except BaseException:
            record.revision -= 1  # type: ignore[attr-defined]
            raise
        return record

    def add_many(self, records: Iterable[T]) -> int:
        """Insert new records with one save per site-month file; all or nothing."""
        by_partition: dict[str, list[T]] = {}
        records = list(records)
        for record in records:
            by_partition.setdefault(self.partition_of(record), []).append(record)
        for record in records:
            record.revision += 1  # type: ignore[attr-defined]
        try:
            with self.db.transaction("import") if len(by_partition) > 1 else nullcontext():
                for name, group in by_partition.items():
                    write_documents(
                        self.db, name, self.table_name, [to_doc(r) for r in group], built=True
                    )
        except BaseException:
            for record in records:
                record.revision -= 1  # type: ignore[attr-defined]
            raise
        return len(records)

    def _site_partitions(
        self, site_id: str, start: date | None = None, end: date | None = None
    ) -> list[str]:
        return _months(self.db.partition_names(f"records/{self.table_name}/{site_id}"), start, end)

    def get(self, site_id: str, record_id: str) -> T | None:
        for name in reversed(self._site_partitions(site_id)):  # recent months first
            doc = _current(self.db, name, self.table_name, False).get(record_id)
            if doc is not None and is_live(doc):
                return _decode(self.db, name, self.model, doc)
        return None

    def for_site(self, site_id: str, start: date | None = None, end: date | None = None) -> list[T]:
        """A site's records, optionally only those filed in the months from start to end."""
        return [r for name in self._site_partitions(site_id, start, end) for r in self._read(name)]

    def for_asset(self, site_id: str, asset_id: str) -> list[T]:
        """An asset's records, oldest month first: only the files that hold them are read
        (``store.record_index``)."""
        found = []
        for name, ids in sorted(self.index.files_for(site_id, asset_id).items()):
            storage = self.db.partition(name).partition_storage
            docs = storage.peek(self.table_name, ids)
            if docs is None:
                docs = _current(self.db, name, self.table_name, False)
            for doc_id in ids:
                doc = docs.get(doc_id)
                if doc is not None and is_live(doc) and doc.get("asset_id") == asset_id:
                    found.append(_decode(self.db, name, self.model, doc))
        return found

    def iter_all(self, start: date | None = None, end: date | None = None) -> Iterator[T]:
        """Every record (of the months from start to end), a file at a time: memory stays
        bounded, and years of history are not read to answer for one month."""
        for name in _months(self.db.partition_names(f"records/{self.table_name}"), start, end):
            yield from self._read(name)

    def delete(self, record: T) -> None:
        record_id = record.id  # type: ignore[attr-defined]
        delete_documents(
            self.db,
            self.partition_of(record),
            self.table_name,
            [record_id],
            expected={record_id: record.revision},  # type: ignore[attr-defined]
        )

    def _read(self, name: str) -> list[T]:
        return [
            _decode(self.db, name, self.model, doc)
            for doc in live_documents(self.db, name, self.table_name)
        ]


def _months(names: list[str], start: date | None, end: date | None) -> list[str]:
    """Partition files (named YYYY-MM.json) of the months from start to end."""
    first = f"{start:%Y-%m}" if start else ""
    last = f"{end:%Y-%m}" if end else "9999-99"
    return [n for n in names if first <= n.rsplit("/", 1)[-1][:7] <= last]


def inspections(db: Database) -> RecordRepository[Inspection]:
    return RecordRepository(db, "inspections", Inspection, lambda r: r.created_at)


def visits(db: Database) -> RecordRepository[Visit]:
    return RecordRepository(db, "visits", Visit, lambda r: r.started_at)


def faults(db: Database) -> RecordRepository[Fault]:
    return RecordRepository(db, "faults", Fault, lambda r: r.created_at)


def attachments(db: Database) -> RecordRepository[Attachment]:
    # Filed with the site's records by the month added; the files are in ``attachments/``.
    from assettrack.domain.attachments import Attachment

    return RecordRepository(db, "attachments", Attachment, lambda a: a.added_at)
