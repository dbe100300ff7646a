"""The store: one database folder and its repositories, opened and closed together."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assettrack.bulk import bulk_build

# Imported with the collector paused (``bulk``): the store's modules make thousands of objects
# that live as long as the process, and the collections they set off walked every object the
# importing program had made (0.5-0.7 ms of the 7 ms a new process takes to list 1,000
# assets).
with bulk_build():
    from assettrack.domain.models import Contract, Customer, Site
    from assettrack.store.database import Database
    from assettrack.store.repositories import (
        AssetRepository,
        CatalogRepository,
        RecordRepository,
        faults,
        inspections,
        visits,
    )
    from assettrack.store.schema import CURRENT_PLAN, SchemaPlan

if TYPE_CHECKING:
    from assettrack.domain.attachments import Attachment
    from assettrack.domain.charges import Charge
    from assettrack.domain.known_problems import KnownProblem


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
        for lazy in ("attachments", "charges", "known_problems"):
            self.__dict__.pop(lazy, None)  # made again, for this database, when first asked

    # Made when first asked: their models are imported then, which most commands never do.

    @cached_property
    def attachments(self) -> RecordRepository[Attachment]:
        """What is known of each attached file; not the file itself."""
        from assettrack.store.repositories import attachments

        return attachments(self.db)

    @cached_property
    def charges(self) -> RecordRepository[Charge]:
        """Service charges, filed with the site's records."""
        from assettrack.domain.charges import Charge

        return RecordRepository(
            self.db, "charges", Charge, lambda c: datetime.combine(c.charged_on, time())
        )

    @cached_property
    def known_problems(self) -> CatalogRepository[KnownProblem]:
        """The base of known problems: a small catalog."""
        from assettrack.domain.known_problems import KnownProblem

        return CatalogRepository(self.db, "known_problems", KnownProblem)

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
