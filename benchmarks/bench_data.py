"""Bench data: one fleet of customers, sites, assets and maintenance records, written alike
to each store the benchmarks compare (assettrack's, SQLite, stock TinyDB).

A site holds 50 assets; each asset has 10 maintenance records by default (30 checklist
items, readings, a short transcript: about 4.5 KB of JSON each), dated over four years.
Records are made one site at a time, so half a million of them never sit in memory at once.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import orjson

from assettrack.domain.codec import to_doc
from assettrack.domain.models import (
    Asset,
    ChecklistResult,
    Customer,
    Inspection,
    ItemResult,
    ParameterChange,
    SignOff,
    Site,
)

ASSETS_PER_SITE = 50
SITES_PER_CUSTOMER = 4
RECORDS_PER_ASSET = 10
VENDORS = ("Cisco", "Huawei", "H3C", "Juniper", "Fortinet", "Ruijie")
KINDS = ("router", "switch", "firewall", "gateway")
# A fleet repeats a few dozen models (the warranty rules are looked up per model).
MODELS = tuple(
    f"{series}-{n:02d}"
    for series in ("C9300", "S5735", "MSR36", "EX4300", "FG100F", "RG-S57")
    for n in range(10)
)
FIRST_RECORD = datetime(2022, 1, 1)
RECORD_SPAN_MINUTES = 60 * 24 * 365 * 4

# The SQLite reference: a JSON document per row, with the columns its look-ups need.
SQLITE_SCHEMA = """
CREATE TABLE customers (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE sites (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE assets (
    id TEXT PRIMARY KEY, site_id TEXT NOT NULL, revision INTEGER NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX assets_by_site ON assets (site_id);
CREATE TABLE inspections (
    id TEXT PRIMARY KEY, site_id TEXT NOT NULL, asset_id TEXT NOT NULL,
    created_at TEXT NOT NULL, revision INTEGER NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX inspections_by_asset ON inspections (asset_id, created_at);
CREATE INDEX inspections_by_site ON inspections (site_id, created_at);
"""


@dataclass(frozen=True)
class Fleet:
    assets: int
    records: int
    seed: int = 1

    @property
    def sites(self) -> int:
        return max(1, -(-self.assets // ASSETS_PER_SITE))

    def label(self) -> str:
        return f"{self.assets:,} assets, {self.records:,} records on {self.sites:,} sites"


def fleet_of(assets: int, records: int | None = None) -> Fleet:
    return Fleet(assets, RECORDS_PER_ASSET * assets if records is None else records)


def make_catalog(fleet: Fleet) -> tuple[list[Customer], list[Site], list[Asset]]:
    rng = random.Random(fleet.seed)
    customers = [
        Customer(name=f"客户 {i}", name_en=f"Customer {i}", code=f"C{i:04d}")
        for i in range(-(-fleet.sites // SITES_PER_CUSTOMER))
    ]
    sites = []
    for i in range(fleet.sites):
        customer = customers[i // SITES_PER_CUSTOMER]
        sites.append(
            Site(customer=customer.name, customer_id=customer.id, name=f"Site {i:04d} 数据中心")
        )
    assets = [
        Asset(
            site_id=sites[i % fleet.sites].id,
            kind=rng.choice(KINDS),
            vendor=rng.choice(VENDORS),
            model=rng.choice(MODELS),
            serial_number=f"SN{i:08d}",
            hostname=f"dev-{i}",
            management_address=f"10.{i // 65536}.{i // 256 % 256}.{i % 256}",
            location=f"Room {i % 7} / Rack {i % 40}",
            firmware=f"V{rng.randint(1, 9)}.{rng.randint(0, 20)}",
            installed_on=date(2020, 1, 1) + timedelta(days=rng.randint(0, 2000)),
            tags=["core"] if i % 5 == 0 else [],
        )
        for i in range(fleet.assets)
    ]
    return customers, sites, assets


def make_record(asset: Asset, created: datetime, rng: random.Random, visit: str) -> Inspection:
    return Inspection(
        site_id=asset.site_id,
        asset_id=asset.id,
        created_at=created,
        visit_id=visit,
        engineer="李工程师",
        state="signed",
        items=[
            ChecklistResult(
                f"item-{k}",
                f"Check number {k}",
                ItemResult.PASS,
                f"{rng.randint(20, 45)}",
                "°C",
                "ok",
            )
            for k in range(30)
        ],
        readings={
            "cpu_percent": rng.randint(1, 90),
            "memory_used_percent": rng.randint(10, 90),
            "temperatures": {"inlet": rng.randint(20, 40)},
            "os_version": asset.firmware,
        },
        transcript="show version\n" + "x" * 100,
        hazards_found=["dust on intake"],
        hazards_removed=["dust on intake"],
        parameter_changes=[ParameterChange("ntp server", "10.0.0.1", "10.0.0.2", "new NTP")],
        notes="巡检正常，客户满意。",
        completed_at=created + timedelta(hours=1),
        sign_off=SignOff("王经理", created + timedelta(hours=2)),
    )


def records_by_site(
    fleet: Fleet, sites: list[Site], assets: list[Asset]
) -> Iterator[list[Inspection]]:
    """Each site's records in turn: every asset gets records // assets of them (the first
    records % assets one more), at random times over four years."""
    per_asset, extra = divmod(fleet.records, fleet.assets)
    by_site: dict[str, list[tuple[int, Asset]]] = {}
    for i, asset in enumerate(assets):
        by_site.setdefault(asset.site_id, []).append((i, asset))
    for s, site in enumerate(sites):
        rng = random.Random(fleet.seed * 1_000_003 + s)
        records = []
        for i, asset in by_site.get(site.id, []):
            for _ in range(per_asset + (i < extra)):
                created = FIRST_RECORD + timedelta(minutes=rng.randint(0, RECORD_SPAN_MINUTES))
                records.append(make_record(asset, created, rng, f"visit-{s}-{created:%Y%m}"))
        yield records


# -- writers ---------------------------------------------------------------------------------


class OursWriter:
    """assettrack's store, through its own repositories, a site's records in one change."""

    def __init__(self, folder: Path) -> None:
        from assettrack.store.store import Store

        self.store = Store.open(folder)

    def catalog(self, customers: list[Customer], sites: list[Site], assets: list[Asset]) -> None:
        for customer in customers:
            self.store.customers.save(customer)
        for site in sites:
            self.store.sites.save(site)
        self.store.assets.add_many(assets)

    def records(self, records: list[Inspection]) -> None:
        self.store.inspections.add_many(records)

    def close(self) -> None:
        self.store.close()


class SqliteWriter:
    """The SQLite reference: WAL, one transaction per site while building."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=OFF")  # building only; measured with FULL
        self.db.executescript(SQLITE_SCHEMA)

    def catalog(self, customers: list[Customer], sites: list[Site], assets: list[Asset]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT INTO customers VALUES (?, ?, ?)", [_row(c) for c in customers]
            )
            self.db.executemany("INSERT INTO sites VALUES (?, ?, ?)", [_row(s) for s in sites])
            self.db.executemany(
                "INSERT INTO assets VALUES (?, ?, ?, ?)",
                [(a.id, a.site_id, a.revision, _json(a)) for a in assets],
            )

    def records(self, records: list[Inspection]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT INTO inspections VALUES (?, ?, ?, ?, ?, ?)",
                [record_row(r) for r in records],
            )

    def close(self) -> None:
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()


def _json(item: object) -> str:
    return orjson.dumps(to_doc(item)).decode()


def _row(item: Customer | Site) -> tuple[str, int, str]:
    return (item.id, item.revision, _json(item))


def record_row(record: Inspection) -> tuple[str, str, str, str, int, str]:
    return (
        record.id,
        record.site_id,
        record.asset_id,
        record.created_at.isoformat(),
        record.revision,
        _json(record),
    )


class StockWriter:
    """Stock TinyDB, fairly laid out: customers, sites and assets in ``assets.json``, the
    records in ``records.json`` (left out when ``records`` is False: too big to load)."""

    def __init__(self, folder: Path, records: bool) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.handle = (folder / "records.json").open("w", encoding="utf-8") if records else None
        self.count = 0
        if self.handle:
            self.handle.write('{"inspections": {')

    def catalog(self, customers: list[Customer], sites: list[Site], assets: list[Asset]) -> None:
        def table(items: list) -> dict[str, object]:
            return {str(i + 1): to_doc(x) for i, x in enumerate(items)}

        with (self.folder / "assets.json").open("w", encoding="utf-8") as handle:
            json.dump(
                {"customers": table(customers), "sites": table(sites), "assets": table(assets)},
                handle,
            )

    def records(self, records: list[Inspection]) -> None:
        if self.handle is None:
            return
        parts = []
        for record in records:
            self.count += 1
            parts.append(f'"{self.count}": {json.dumps(to_doc(record))}')
        if parts:
            self.handle.write(("," if self.count > len(parts) else "") + ", ".join(parts))

    def close(self) -> None:
        if self.handle:
            self.handle.write("}}")
            self.handle.close()


def build(fleet: Fleet, writers: list) -> None:
    customers, sites, assets = make_catalog(fleet)
    for writer in writers:
        writer.catalog(customers, sites, assets)
    for records in records_by_site(fleet, sites, assets):
        for writer in writers:
            writer.records(records)
    for writer in writers:
        writer.close()


def build_ours(folder: Path, fleet: Fleet) -> None:
    build(fleet, [OursWriter(folder)])


def folder_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
