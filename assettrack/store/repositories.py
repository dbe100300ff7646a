"""Repositories: the only code that reads and writes TinyDB tables.

They speak domain objects, bump each document's revision on save, and turn a document that
does not fit its model into a ``CorruptStoreError`` naming the file and the document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Generic, TypeVar

from tinydb.table import Document

from assettrack.domain.codec import from_doc, to_doc
from assettrack.domain.models import Asset, Fault, Inspection, Visit
from assettrack.store.database import Database
from assettrack.store.errors import CorruptStoreError, StoreError

T = TypeVar("T")
CATALOG = "catalog.json"


def _decode(db: Database, partition: str, model: type[T], doc: dict[str, Any]) -> T:
    try:
        return from_doc(model, doc)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise CorruptStoreError(
            db.folder / partition,
            f"{model.__name__.lower()} {doc.get('id', '?')} does not fit its shape ({exc})",
        ) from exc


@contextmanager
def _saving(db: Database, partition: str) -> Iterator[None]:
    """Drop a partition's cached state when a save fails, so memory matches the disk."""
    try:
        yield
    except BaseException:
        db.discard(partition)
        raise


class CatalogRepository(Generic[T]):
    """A small table kept in ``catalog.json`` (sites, contracts)."""

    def __init__(self, db: Database, table: str, model: type[T]) -> None:
        self.db = db
        self.table_name = table
        self.model = model

    def _table(self) -> Any:
        return self.db.partition(CATALOG, pinned=True).table(self.table_name)

    def list(self) -> list[T]:
        return [_decode(self.db, CATALOG, self.model, dict(d)) for d in self._table().all()]

    def get(self, item_id: str) -> T | None:
        doc = self._table().get(doc_id=item_id)
        return None if doc is None else _decode(self.db, CATALOG, self.model, dict(doc))

    def save(self, item: T) -> T:
        item.revision += 1  # type: ignore[attr-defined]
        with _saving(self.db, CATALOG):
            self._table().upsert(Document(to_doc(item), doc_id=item.id))  # type: ignore[attr-defined]
        return item

    def delete(self, item_id: str) -> None:
        with _saving(self.db, CATALOG):
            self._table().remove(doc_ids=[item_id])


class AssetRepository:
    """Assets, one partition file per site, all held in memory for the screens."""

    TABLE = "assets"

    def __init__(self, db: Database) -> None:
        self.db = db
        self._assets: dict[str, Asset] = {}
        self._saved: dict[str, tuple[str, int]] = {}
        for name in db.partition_names("assets"):
            for doc in db.partition(name, pinned=True).table(self.TABLE).all():
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
        name = self.partition_of(asset.site_id)
        asset.revision = revision + 1
        try:
            with _saving(self.db, name):
                table = self.db.partition(name, pinned=True).table(self.TABLE)
                table.upsert(Document(to_doc(asset), doc_id=asset.id))
        except BaseException:
            asset.revision = revision
            raise
        if saved is not None and saved[0] != asset.site_id:
            old = self.partition_of(saved[0])
            with _saving(self.db, old):
                self.db.partition(old, pinned=True).table(self.TABLE).remove(doc_ids=[asset.id])
        self._remember(asset)
        return asset

    def _remember(self, asset: Asset) -> None:
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
        try:
            for name, group in by_partition.items():
                with _saving(self.db, name):
                    self.db.partition(name, pinned=True).table(self.TABLE).insert_multiple(
                        [Document(to_doc(a), doc_id=a.id) for a in group]
                    )
                done.append(name)
        except BaseException:
            for name in done:
                ids = [a.id for a in by_partition[name]]
                with _saving(self.db, name):
                    self.db.partition(name, pinned=True).table(self.TABLE).remove(doc_ids=ids)
            raise
        added = [a for group in by_partition.values() for a in group]
        for asset in added:
            self._remember(asset)
        return added

    def delete(self, asset_id: str) -> None:
        saved = self._saved.get(asset_id)
        if saved is None:
            return
        name = self.partition_of(saved[0])
        with _saving(self.db, name):
            self.db.partition(name, pinned=True).table(self.TABLE).remove(doc_ids=[asset_id])
        del self._assets[asset_id]
        del self._saved[asset_id]


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
        return f"records/{record.site_id}/{self.dated_by(record):%Y-%m}.json"  # type: ignore[attr-defined]

    def save(self, record: T) -> T:
        name = self.partition_of(record)
        record.revision += 1  # type: ignore[attr-defined]
        with _saving(self.db, name):
            self.db.partition(name).table(self.table_name).upsert(
                Document(to_doc(record), doc_id=record.id)  # type: ignore[attr-defined]
            )
        return record

    def add_many(self, records: Iterable[T]) -> int:
        """Insert new records with one save per site-month file (imports, merges)."""
        by_partition: dict[str, list[T]] = {}
        for record in records:
            record.revision += 1  # type: ignore[attr-defined]
            by_partition.setdefault(self.partition_of(record), []).append(record)
        for name, group in by_partition.items():
            with _saving(self.db, name):
                self.db.partition(name).table(self.table_name).insert_multiple(
                    [Document(to_doc(r), doc_id=r.id) for r in group]  # type: ignore[attr-defined]
                )
        return sum(len(g) for g in by_partition.values())

    def _site_partitions(self, site_id: str) -> list[str]:
        return self.db.partition_names(f"records/{site_id}")

    def get(self, site_id: str, record_id: str) -> T | None:
        for name in reversed(self._site_partitions(site_id)):  # recent months first
            doc = self.db.partition(name).table(self.table_name).get(doc_id=record_id)
            if doc is not None:
                return _decode(self.db, name, self.model, dict(doc))
        return None

    def for_site(self, site_id: str) -> list[T]:
        return [r for name in self._site_partitions(site_id) for r in self._read(name)]

    def for_asset(self, site_id: str, asset_id: str) -> list[T]:
        return [r for r in self.for_site(site_id) if getattr(r, "asset_id", None) == asset_id]

    def iter_all(self) -> Iterator[T]:
        """Every record, a partition at a time, so memory stays bounded."""
        for name in self.db.partition_names("records"):
            yield from self._read(name)

    def delete(self, record: T) -> None:
        name = self.partition_of(record)
        with _saving(self.db, name):
            self.db.partition(name).table(self.table_name).remove(doc_ids=[record.id])  # type: ignore[attr-defined]

    def _read(self, name: str) -> list[T]:
        table = self.db.partition(name).table(self.table_name)
        return [_decode(self.db, name, self.model, dict(d)) for d in table.all()]


def inspections(db: Database) -> RecordRepository[Inspection]:
    return RecordRepository(db, "inspections", Inspection, lambda r: r.created_at)


def visits(db: Database) -> RecordRepository[Visit]:
    return RecordRepository(db, "visits", Visit, lambda r: r.started_at)


def faults(db: Database) -> RecordRepository[Fault]:
    return RecordRepository(db, "faults", Fault, lambda r: r.created_at)
