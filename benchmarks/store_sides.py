"""The three stores the store benchmark compares, behind one small interface.

Each side opens its data and answers in domain objects (``Asset``, ``Inspection``), so the
decoding every real caller pays is in every figure:

- ``OursSide``: assettrack's store (``Store.open``) and its repositories.
- ``SqliteSide``: the reference a team would reach for: SQLite in WAL mode with
  ``synchronous=FULL`` (every commit fsynced), a JSON document per row, indexed columns for
  the look-ups, rows decoded with the same codec and JSON parser (orjson) as ours; an update
  checks the revision read, as ours does.
- ``StockSide``: stock TinyDB (``JSONStorage``, which fsyncs each write), laid out fairly:
  customers, sites and assets in ``assets.json``, the records in ``records.json``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Protocol

import orjson

from assettrack.domain.codec import from_doc, to_doc
from assettrack.domain.models import Asset, Inspection

# The saved records' asset ids begin so: filed with a real asset's site and month, under an
# asset of their own, so the fleet's histories stay as built.
BENCH = "bench-"


class Side(Protocol):
    def open_list(self) -> list[Asset]: ...
    def by_site(self, site_id: str) -> list[Asset]: ...
    def history(self, site_id: str, asset_id: str) -> list[Inspection]: ...
    def save_record(self, record: Inspection) -> None: ...
    def update_asset(self, asset: Asset) -> None: ...
    def forget_saved(self, records: list[Inspection]) -> None: ...
    def close(self) -> None: ...


class OursSide:
    def __init__(self, target: Path) -> None:
        self.target = target

    def open_list(self) -> list[Asset]:
        from assettrack.store.store import Store

        self.store = Store.open(self.target)
        return self.store.assets.all()

    def by_site(self, site_id: str) -> list[Asset]:
        return self.store.assets.by_site(site_id)

    def history(self, site_id: str, asset_id: str) -> list[Inspection]:
        return self.store.inspections.for_asset(site_id, asset_id)

    def save_record(self, record: Inspection) -> None:
        self.store.inspections.save(record)

    def update_asset(self, asset: Asset) -> None:
        self.store.assets.save(asset)

    def forget_saved(self, records: list[Inspection]) -> None:
        """Take the bench's saved records out again (untimed), so the month files they went
        into do not grow from run to run on a kept database."""
        from assettrack.store.repositories import remove_documents
        from assettrack.store.store import Store

        with Store.open(self.target) as store:
            repo = store.inspections
            for name, site in sorted({(repo.partition_of(r), r.site_id) for r in records}):
                month = name.rsplit("/", 1)[1].removesuffix(".json")
                day = date.fromisoformat(f"{month}-01")
                ids = [r.id for r in repo.for_site(site, day, day) if r.asset_id.startswith(BENCH)]
                remove_documents(store.db, name, repo.table_name, ids)

    def close(self) -> None:
        self.store.close()


class SqliteSide:
    def __init__(self, target: Path) -> None:
        self.target = target

    def open_list(self) -> list[Asset]:
        import sqlite3

        self.db = sqlite3.connect(self.target)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        return self._assets("SELECT doc FROM assets")

    def _assets(self, sql: str, *args: object) -> list[Asset]:
        return [from_doc(Asset, orjson.loads(doc)) for (doc,) in self.db.execute(sql, args)]

    def by_site(self, site_id: str) -> list[Asset]:
        return self._assets("SELECT doc FROM assets WHERE site_id = ?", site_id)

    def history(self, site_id: str, asset_id: str) -> list[Inspection]:
        rows = self.db.execute(
            "SELECT doc FROM inspections WHERE asset_id = ? ORDER BY created_at", (asset_id,)
        )
        return [from_doc(Inspection, orjson.loads(doc)) for (doc,) in rows]

    def save_record(self, record: Inspection) -> None:
        from bench_data import record_row

        record.revision += 1
        with self.db:
            self.db.execute("INSERT INTO inspections VALUES (?, ?, ?, ?, ?, ?)", record_row(record))

    def update_asset(self, asset: Asset) -> None:
        read = asset.revision
        asset.revision += 1
        with self.db:
            changed = self.db.execute(
                "UPDATE assets SET doc = ?, revision = ?, site_id = ?"
                " WHERE id = ? AND revision = ?",
                (
                    orjson.dumps(to_doc(asset)).decode(),
                    asset.revision,
                    asset.site_id,
                    asset.id,
                    read,
                ),
            ).rowcount
        if changed != 1:
            raise RuntimeError(f"asset {asset.id} changed since it was read")

    def forget_saved(self, records: list[Inspection]) -> None:
        import sqlite3

        db = sqlite3.connect(self.target)
        with db:
            db.execute("DELETE FROM inspections WHERE asset_id LIKE ?", (f"{BENCH}%",))
        db.close()

    def close(self) -> None:
        self.db.close()


class StockSide:
    def __init__(self, target: Path) -> None:
        self.target = target

    def open_list(self) -> list[Asset]:
        from tinydb import Query, TinyDB

        self.query = Query()
        self.catalog = TinyDB(self.target / "assets.json")
        records = self.target / "records.json"
        self.records = TinyDB(records) if records.exists() else None
        docs = self.catalog.table("assets").all()
        self.doc_ids = {doc["id"]: doc.doc_id for doc in docs}
        return [from_doc(Asset, dict(doc)) for doc in docs]

    def by_site(self, site_id: str) -> list[Asset]:
        table = self.catalog.table("assets")
        table.clear_cache()  # its query cache would answer a repeated site from memory
        found = table.search(self.query.site_id == site_id)
        return [from_doc(Asset, dict(doc)) for doc in found]

    def history(self, site_id: str, asset_id: str) -> list[Inspection]:
        assert self.records is not None
        table = self.records.table("inspections")
        table.clear_cache()
        found = table.search(self.query.asset_id == asset_id)
        records = [from_doc(Inspection, dict(doc)) for doc in found]
        return sorted(records, key=lambda r: r.created_at)

    def save_record(self, record: Inspection) -> None:
        assert self.records is not None
        record.revision += 1
        self.records.table("inspections").insert(to_doc(record))

    def update_asset(self, asset: Asset) -> None:
        asset.revision += 1
        self.catalog.table("assets").update(to_doc(asset), doc_ids=[self.doc_ids[asset.id]])

    def forget_saved(self, records: list[Inspection]) -> None:
        """Kept: stock TinyDB rewrites its whole records file at every save, so a few records
        more change nothing measurable, and taking them out costs a rewrite of half a GB."""

    def close(self) -> None:
        self.catalog.close()
        if self.records is not None:
            self.records.close()


SIDES: dict[str, type] = {"ours": OursSide, "sqlite": SqliteSide, "stock": StockSide}
NAMES = {"ours": "assettrack", "sqlite": "SQLite", "stock": "stock TinyDB"}
