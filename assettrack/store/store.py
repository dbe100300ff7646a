"""The store: one database folder and its repositories, opened and closed together."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, time
from pathlib import Path
from typing import Any

from assettrack.bulk import bulk_build
from assettrack.domain.charges import Charge
from assettrack.domain.known_problems import KnownProblem
from assettrack.domain.models import Contract, Customer, Site
from assettrack.store.database import Database
from assettrack.store.repositories import (
    AssetRepository,
    CatalogRepository,
    RecordRepository,
    attachments,
    faults,
    inspections,
    visits,
)
from assettrack.store.schema import CURRENT_PLAN, SchemaPlan


class Store:
    def __init__(self, db: Database) -> None:
        with bulk_build():
            changes = db.changes_signature()
            self._load(db)
            # Another process committed a change while the files were read: read again what
            # it replaced, so no part of what this store serves predates it.
            for _ in range(3):
                if db.changes_signature() == changes:
                    break
                changes = db.changes_signature()
                self.refresh()

    def _load(self, db: Database) -> None:
        self.db = db
        self.customers: CatalogRepository[Customer] = CatalogRepository(db, "customers", Customer)
        self.sites: CatalogRepository[Site] = CatalogRepository(db, "sites", Site)
        self.contracts: CatalogRepository[Contract] = CatalogRepository(db, "contracts", Contract)
        self.assets = AssetRepository(db)
        self.inspections = inspections(db)
        self.visits = visits(db)
        self.faults = faults(db)
        self.attachments = attachments(db)  # what is known of each file; not the file itself
        # Service charges live with the site's records; known problems are a small catalog.
        self.charges: RecordRepository[Charge] = RecordRepository(
            db, "charges", Charge, lambda c: datetime.combine(c.charged_on, time())
        )
        self.known_problems: CatalogRepository[KnownProblem] = CatalogRepository(
            db, "known_problems", KnownProblem
        )

    @classmethod
    def open(
        cls,
        folder: Path,
        *,
        read_only: bool = False,
        plan: SchemaPlan = CURRENT_PLAN,
        author: str = "",
        **options: Any,
    ) -> Store:
        """``options`` go to ``Database``: ``lock_wait``, ``report``."""
        db = Database(folder, read_only=read_only, plan=plan, author=author, **options).open()
        try:
            return cls(db)
        except BaseException:
            db.close()
            raise

    @property
    def folder(self) -> Path:
        return self.db.folder

    def transaction(self, kind: str) -> AbstractContextManager[None]:
        """Saves made inside are one change: all of them or, after a failure or a crash, none;
        no reader sees part of it. Holds the writer lock throughout: keep it short."""
        return self.db.transaction(kind)

    def refresh(self) -> bool:
        """Take in what other processes saved since the files were read; whether anything
        had changed (cached repositories and screens then read again)."""
        stale = self.db.refresh()
        return self.assets.refresh() or bool(stale)

    def checkpoint(self) -> None:
        """Flush every file the redo log names and empty it (``Database.checkpoint``). Not
        needed before reading files (each save's file is complete on disk at once); it
        bounds the log and what a power cut leaves to replay."""
        self.db.checkpoint()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
