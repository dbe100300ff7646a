"""Repositories: the only code that reads and writes TinyDB tables.

They speak domain objects, bump each document's revision on save, and turn a document that
does not fit its model into a ``CorruptStoreError`` naming the file and the document.

Every saved document also carries ``_sync``: the ids of its last revisions, who saved it and
when. Merging another laptop's data compares these histories to tell a newer copy from an
edit made on both sides. A deleted document leaves a tombstone (``_deleted``) so that a merge
does not bring it back.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from assettrack.domain.codec import from_doc, to_doc
from assettrack.domain.models import Asset, Fault, Inspection, Visit
from assettrack.store.database import Database
from assettrack.store.errors import CorruptStoreError, StoreError
from assettrack.store.journal import InsertJournal

T = TypeVar("T")
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
            f"{model.__name__.lower()} {doc.get('id', '?')} does not fit its shape ({exc})",
        ) from exc


def is_live(doc: dict[str, Any]) -> bool:
    return not doc.get(DELETED)


def sync_stamp(db: Database, previous: dict[str, Any] | None) -> dict[str, Any]:
    revisions = list(((previous or {}).get(SYNC) or {}).get("revs", []))
    revisions.append(secrets.token_hex(6))
    return {
        "revs": revisions[-REVISIONS_KEPT:],
        "by": db.author,
        "at": datetime.now().isoformat(timespec="seconds"),
    }


@contextmanager
def saving(db: Database, partition: str) -> Iterator[None]:
    """Drop a partition's cached state when a save fails, so memory matches the disk."""
    try:
        yield
    except BaseException:
        db.discard(partition)
        raise


def write_documents(
    db: Database,
    partition: str,
    table_name: str,
    docs: Iterable[dict[str, Any]],
    *,
    pinned: bool = False,
    stamp: bool = True,
    previous: Mapping[str, dict[str, Any]] | None = None,
) -> None:
    """Insert or wholly replace documents (by ``id``) with one durable save of the file.

    ``stamp=False`` keeps the documents' own ``_sync`` (a merge copying another laptop's
    revision as it is). ``previous`` gives the earlier version of a document that lived in
    another file (an asset moved to another site), so its history carries on.
    """
    docs = list(docs)
    if not docs:
        return
    with saving(db, partition):
        table = db.partition(partition, pinned=pinned).table(table_name)

        def replace(raw: dict[str, Any]) -> None:
            for doc in docs:
                if stamp:
                    prior = raw.get(doc["id"]) or (previous or {}).get(doc["id"])
                    doc = {**doc, SYNC: sync_stamp(db, prior)}
                raw[doc["id"]] = doc

        # TinyDB's public upsert merges fields into the old document and saves once per
        # document; this replaces whole documents in a single save (tinydb is pinned).
        table._update_table(replace)


def delete_documents(
    db: Database, partition: str, table_name: str, ids: Iterable[str], *, pinned: bool = False
) -> None:
    """Replace documents by tombstones, in one save."""
    table = db.partition(partition, pinned=pinned).table(table_name)
    tombstones = []
    for doc_id in ids:
        old = table.get(doc_id=doc_id)
        if old is None or not is_live(old):
            continue
        tombstones.append({"id": doc_id, "schema": old["schema"], DELETED: True})
    write_documents(db, partition, table_name, tombstones, pinned=pinned)


def live_documents(
    db: Database, partition: str, table_name: str, *, pinned: bool = False
) -> list[dict[str, Any]]:
    """The table's documents, minus tombstones, straight from the parsed file.

    Reading the storage directly skips TinyDB wrapping every document in a Document object,
    a third of the cost of loading 10,000 assets at start-up. Callers must not modify them.
    """
    tables = db.partition(partition, pinned=pinned).storage.read() or {}
    return [doc for doc in tables.get(table_name, {}).values() if is_live(doc)]


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
        table = self.db.partition(CATALOG, pinned=True).table(self.table_name)
        doc = table.get(doc_id=item_id)
        if doc is None or not is_live(doc):
            return None
        return _decode(self.db, CATALOG, self.model, doc)

    def save(self, item: T) -> T:
        item.revision += 1  # type: ignore[attr-defined]
        try:
            write_documents(self.db, CATALOG, self.table_name, [to_doc(item)], pinned=True)
        except BaseException:
            item.revision -= 1  # type: ignore[attr-defined]
            raise
        return item

    def delete(self, item_id: str) -> None:
        delete_documents(self.db, CATALOG, self.table_name, [item_id], pinned=True)


class AssetRepository:
    """Assets, one partition file per site, all held in memory for the screens."""

    TABLE = "assets"

    def __init__(self, db: Database) -> None:
        self.db = db
        self._assets: dict[str, Asset] = {}
        self._saved: dict[str, tuple[str, int]] = {}
        # Grows with every change, so screens can tell whether to rebuild their rows.
        self.generation = 0
        for name in db.partition_names("assets"):
            for doc in live_documents(db, name, self.TABLE, pinned=True):
                asset = _decode(db, name, Asset, doc)
                known = self._assets.get(asset.id)
                # A move between sites writes the new file first: keep the newer copy.
                if known is None or asset.revision > known.revision:
                    self._remember(asset)

    @staticmethod
    def partition_of(site_id: str) -> str:
        return f"assets/{site_id}.json"

    def all(self) -> list[Asset]:
        return list(self._assets.values())

    def __len__(self) -> int:
        return len(self._assets)

    def get(self, asset_id: str) -> Asset | None:
        return self._assets.get(asset_id)

    def by_site(self, site_id: str) -> list[Asset]:
        return [a for a in self._assets.values() if a.site_id == site_id]

    def save(self, asset: Asset) -> Asset:
        # Where and at which revision the asset was last saved: the caller may have changed
        # the very object held here, so the object itself cannot tell.
        saved = self._saved.get(asset.id)
        revision = saved[1] if saved else asset.revision
        asset.revision = revision + 1
        moved_from = saved[0] if saved is not None and saved[0] != asset.site_id else None
        previous = None
        if moved_from is not None:
            old_doc = (
                self.db.partition(self.partition_of(moved_from), pinned=True)
                .table(self.TABLE)
                .get(doc_id=asset.id)
            )
            previous = {asset.id: dict(old_doc)} if old_doc is not None else None
        try:
            write_documents(
                self.db,
                self.partition_of(asset.site_id),
                self.TABLE,
                [to_doc(asset)],
                pinned=True,
                previous=previous,
            )
        except BaseException:
            asset.revision = revision
            raise
        if saved is not None and saved[0] != asset.site_id:
            # Moved to another site: the old file keeps no copy (nor a tombstone, which
            # would hide the asset from a merge).
            old = self.partition_of(saved[0])
            with saving(self.db, old):
                self.db.partition(old, pinned=True).table(self.TABLE).remove(doc_ids=[asset.id])
        self._remember(asset)
        return asset

    def _remember(self, asset: Asset) -> None:
        self.generation += 1
        self._assets[asset.id] = asset
        self._saved[asset.id] = (asset.site_id, asset.revision)

    def add_many(self, assets: Iterable[Asset]) -> list[Asset]:
        """Insert new assets with one save per site file; all or nothing if a save fails."""
        by_partition: dict[str, list[Asset]] = {}
        for asset in assets:
            if asset.id in self._assets:
                raise StoreError(f"asset {asset.id} already exists")
            asset.revision += 1
            by_partition.setdefault(self.partition_of(asset.site_id), []).append(asset)
        done: list[str] = []
        # Several files: a journal makes the whole insert undoable after a crash too.
        journal = (
            InsertJournal(self.db, self.TABLE,
                          {name: [a.id for a in group] for name, group in by_partition.items()})
            if len(by_partition) > 1 else None
        )
        try:
            for name, group in by_partition.items():
                write_documents(self.db, name, self.TABLE, [to_doc(a) for a in group], pinned=True)
                done.append(name)
        except BaseException:
            try:
                for name in done:
                    ids = [a.id for a in by_partition[name]]
                    with saving(self.db, name):
                        self.db.partition(name, pinned=True).table(self.TABLE).remove(doc_ids=ids)
            except BaseException:
                pass  # the journal stays, and the next open finishes taking them out
            else:
                if journal is not None:
                    journal.finish()
            raise
        if journal is not None:
            journal.finish()
        added = [a for group in by_partition.values() for a in group]
        for asset in added:
            self._remember(asset)
        return added

    def delete(self, asset_id: str) -> None:
        saved = self._saved.get(asset_id)
        if saved is None:
            return
        delete_documents(self.db, self.partition_of(saved[0]), self.TABLE, [asset_id], pinned=True)
        del self._assets[asset_id]
        del self._saved[asset_id]
        self.generation += 1

    def reload(self) -> None:
        """Read the asset files again (after a merge wrote into them)."""
        for name in self.db.partition_names("assets"):
            self.db.discard(name)
        self.__init__(self.db)  # type: ignore[misc]


class RecordRepository(Generic[T]):
    """Service records (inspections, visits, faults), one file per site and month."""

    def __init__(
        self, db: Database, table: str, model: type[T], dated_by: Callable[[T], datetime]
    ) -> None:
        self.db = db
        self.table_name = table
        self.model = model
        self.dated_by = dated_by

    def partition_of(self, record: T) -> str:
        month = f"{self.dated_by(record):%Y-%m}"
        return f"records/{self.table_name}/{record.site_id}/{month}.json"  # type: ignore[attr-defined]

    def save(self, record: T) -> T:
        record.revision += 1  # type: ignore[attr-defined]
        try:
            write_documents(self.db, self.partition_of(record), self.table_name, [to_doc(record)])
        except BaseException:
            record.revision -= 1  # type: ignore[attr-defined]
            raise
        return record

    def add_many(self, records: Iterable[T]) -> int:
        """Insert new records with one save per site-month file (imports, merges)."""
        by_partition: dict[str, list[T]] = {}
        for record in records:
            record.revision += 1  # type: ignore[attr-defined]
            by_partition.setdefault(self.partition_of(record), []).append(record)
        for name, group in by_partition.items():
            write_documents(self.db, name, self.table_name, [to_doc(r) for r in group])
        return sum(len(g) for g in by_partition.values())

    def _site_partitions(
        self, site_id: str, start: date | None = None, end: date | None = None
    ) -> list[str]:
        return _months(self.db.partition_names(f"records/{self.table_name}/{site_id}"), start, end)

    def get(self, site_id: str, record_id: str) -> T | None:
        for name in reversed(self._site_partitions(site_id)):  # recent months first
            doc = self.db.partition(name).table(self.table_name).get(doc_id=record_id)
            if doc is not None and is_live(doc):
                return _decode(self.db, name, self.model, doc)
        return None

    def for_site(self, site_id: str, start: date | None = None, end: date | None = None) -> list[T]:
        """A site's records, optionally only those filed in the months from start to end."""
        return [r for name in self._site_partitions(site_id, start, end) for r in self._read(name)]

    def for_asset(self, site_id: str, asset_id: str) -> list[T]:
        return [r for r in self.for_site(site_id) if getattr(r, "asset_id", None) == asset_id]

    def iter_all(self, start: date | None = None, end: date | None = None) -> Iterator[T]:
        """Every record (of the months from start to end), a file at a time: memory stays
        bounded, and years of history are not read to answer for one month."""
        for name in _months(self.db.partition_names(f"records/{self.table_name}"), start, end):
            yield from self._read(name)

    def delete(self, record: T) -> None:
        delete_documents(self.db, self.partition_of(record), self.table_name, [record.id])  # type: ignore[attr-defined]

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
