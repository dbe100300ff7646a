"""The store: one database folder and its repositories, opened and closed together."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

from assettrack.bulk import bulk_build
from assettrack.domain.charges import Charge
from assettrack.domain.known_problems import KnownProblem
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


class Store:
    def __init__(self, db: Database) -> None:
        with bulk_build():
            self._load(db)

    def _load(self, db: Database) -> None:
        self.db = db
        self.customers: CatalogRepository[Customer] = CatalogRepository(db, "customers", Customer)
        self.sites: CatalogRepository[Site] = CatalogRepository(db, "sites", Site)
        self.contracts: CatalogRepository[Contract] = CatalogRepository(db, "contracts", Contract)
        self.assets = AssetRepository(db)
        self.inspections = inspections(db)
        self.visits = visits(db)
        self.faults = faults(db)
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
    ) -> Store:
        db = Database(folder, read_only=read_only, plan=plan, author=author).open()
        try:
            return cls(db)
        except BaseException:
            db.close()
            raise

    @property
    def folder(self) -> Path:
        return self.db.folder

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
