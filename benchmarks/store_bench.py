"""Store benchmark: assettrack's partitioned store against stock TinyDB on the same data.

Builds 10,000 assets on 200 sites and 100,000 maintenance records (about 25 fields and 30
checklist items each, ~280 MB as one JSON file), then times, for each store:
open and load the asset list; query assets by site; free-text query over assets; save one
new record; update one asset. Each store is measured in its own child process so that its
peak memory (max RSS) is its own.

    .venv/bin/python benchmarks/store_bench.py [--assets N] [--records N] [--stock-runs N]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assettrack.domain.codec import to_doc
from assettrack.domain.models import (
    Asset,
    ChecklistResult,
    Inspection,
    ItemResult,
    ParameterChange,
    SignOff,
    Site,
)

SITES = 200
# A fleet repeats a few dozen models (the warranty rules are looked up per model).
MODELS = tuple(
    f"{series}-{n:02d}"
    for series in ("C9300", "S5735", "MSR36", "EX4300", "FG100F", "RG-S57")
    for n in range(10)
)


def make_data(
    n_assets: int, n_records: int, seed: int = 1
) -> tuple[list[Site], list[Asset], list[Inspection]]:
    rng = random.Random(seed)
    sites = [
        Site(customer=f"Customer {i // 4}", name=f"Site {i:03d} 数据中心") for i in range(SITES)
    ]
    vendors = ("Cisco", "Huawei", "H3C", "Juniper", "Fortinet", "Ruijie")
    assets = [
        Asset(
            site_id=sites[i % SITES].id,
            kind=rng.choice(("router", "switch", "firewall", "gateway")),
            vendor=rng.choice(vendors),
            model=rng.choice(MODELS),
            serial_number=f"SN{i:08d}",
            hostname=f"dev-{i}",
            management_address=f"10.{i // 65536}.{i // 256 % 256}.{i % 256}",
            location=f"Room {i % 7} / Rack {i % 40}",
            firmware=f"V{rng.randint(1, 9)}.{rng.randint(0, 20)}",
            installed_on=(datetime(2020, 1, 1) + timedelta(days=rng.randint(0, 2000))).date(),
            tags=["core"] if i % 5 == 0 else [],
        )
        for i in range(n_assets)
    ]
    start = datetime(2022, 1, 1)
    records = []
    for i in range(n_records):
        asset = assets[rng.randrange(n_assets)]
        created = start + timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 4))
        records.append(
            Inspection(
                site_id=asset.site_id,
                asset_id=asset.id,
                created_at=created,
                visit_id=f"visit-{i // 20}",
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
                parameter_changes=[
                    ParameterChange("ntp server", "10.0.0.1", "10.0.0.2", "new NTP")
                ],
                notes="巡检正常，客户满意。",
                completed_at=created + timedelta(hours=1),
                sign_off=SignOff("王经理", created + timedelta(hours=2)),
            )
        )
    return sites, assets, records


def build_ours(folder: Path, sites, assets, records) -> None:
    from assettrack.store.store import Store

    with Store.open(folder) as store:
        for site in sites:
            store.sites.save(site)
        store.assets.add_many(assets)
        store.inspections.add_many(records)


def build_stock(path: Path, sites, assets, records) -> None:
    def table(items):
        return {str(i + 1): to_doc(x) for i, x in enumerate(items)}

    with open(path, "w", encoding="utf-8") as handle:
        json.dump(
            {"sites": table(sites), "assets": table(assets), "inspections": table(records)}, handle
        )


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure_ours(folder: str, runs: int) -> dict[str, float]:
    from assettrack.domain.models import Inspection
    from assettrack.store.store import Store

    t0 = time.perf_counter()
    store = Store.open(Path(folder))
    assets = store.assets.all()
    figures = {"open + asset list": (time.perf_counter() - t0) * 1000}
    site_id = assets[0].site_id
    figures["query assets by site"] = median_ms(lambda: store.assets.by_site(site_id), runs)

    def free_text() -> list:
        needle = "rack 17"
        return [
            a
            for a in store.assets.all()
            if needle in f"{a.hostname} {a.location} {a.model} {a.serial_number}".lower()
        ]

    figures["free-text query (assets)"] = median_ms(free_text, runs)
    sample = store.inspections.for_asset(site_id, assets[0].id)[0]

    def save_record() -> None:
        record = Inspection(
            site_id=site_id,
            asset_id=assets[0].id,
            created_at=datetime(2025, 6, 1),
            items=sample.items,
            readings=sample.readings,
            notes="bench",
        )
        store.inspections.save(record)

    figures["save one record"] = median_ms(save_record, runs)
    asset = assets[1]

    def update_asset() -> None:
        asset.firmware = f"V{time.perf_counter_ns() % 1000}"
        store.assets.save(asset)

    figures["update one asset"] = median_ms(update_asset, runs)
    figures["asset history (one site)"] = median_ms(
        lambda: store.inspections.for_asset(site_id, assets[0].id), 5
    )
    store.close()
    return figures


def measure_stock(path: str, runs: int) -> dict[str, float]:
    from tinydb import Query, TinyDB

    t0 = time.perf_counter()
    db = TinyDB(path)
    assets = db.table("assets").all()
    figures = {"open + asset list": (time.perf_counter() - t0) * 1000}
    site_id = assets[0]["site_id"]
    q = Query()
    figures["query assets by site"] = median_ms(
        lambda: (db.table("assets").clear_cache(), db.table("assets").search(q.site_id == site_id)),
        runs,
    )
    needle = "rack 17"
    figures["free-text query (assets)"] = median_ms(
        lambda: db.table("assets").search(q.location.test(lambda v: needle in v.lower())), runs
    )
    record = db.table("inspections").get(doc_id=1)
    figures["save one record"] = median_ms(
        lambda: db.table("inspections").insert(dict(record)), runs
    )
    figures["update one asset"] = median_ms(
        lambda: db.table("assets").update({"firmware": "V9"}, doc_ids=[2]), runs
    )
    figures["asset history (one site)"] = median_ms(
        lambda: db.table("inspections").search(q.asset_id == assets[0]["id"]), 1
    )
    return figures


def peak_memory_mb() -> float:
    # VmHWM belongs to this program's own address space; ru_maxrss on Linux would also
    # count the parent's peak, inherited across fork and exec.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, target: str, runs: int) -> None:
    figures = measure_ours(target, runs) if kind == "ours" else measure_stock(target, runs)
    figures["peak memory MB"] = peak_memory_mb()
    print(json.dumps(figures))


def run_child(kind: str, target: Path, runs: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(target), str(runs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30, help="repetitions for assettrack's store")
    parser.add_argument(
        "--stock-runs", type=int, default=3, help="repetitions for stock TinyDB (slow)"
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    with tempfile.TemporaryDirectory(prefix="assettrack-bench-") as tmp:
        t0 = time.perf_counter()
        sites, assets, records = make_data(args.assets, args.records)
        ours, stock = Path(tmp) / "ours", Path(tmp) / "stock.json"
        build_ours(ours, sites, assets, records)
        build_stock(stock, sites, assets, records)
        del sites, assets, records
        ours_size = sum(p.stat().st_size for p in ours.rglob("*.json"))
        files = sum(1 for _ in ours.rglob("*.json"))
        print(
            f"data: {args.assets:,} assets, {args.records:,} records; stock file "
            f"{stock.stat().st_size / 1e6:.0f} MB; "
            f"assettrack {ours_size / 1e6:.0f} MB in {files:,} files "
            f"(built in {time.perf_counter() - t0:.0f} s)"
        )
        mine = run_child("ours", ours, args.runs)
        theirs = run_child("stock", stock, args.stock_runs)
    print(f"\n{'operation (median)':28} {'assettrack':>12} {'stock TinyDB':>14} {'speed-up':>10}")
    for key in mine:
        unit = "MB" if "memory" in key else "ms"
        ratio = theirs[key] / mine[key] if mine[key] else float("inf")
        label = f"{ratio:,.0f}x" if "memory" not in key else f"{ratio:.1f}x less"
        print(f"{key:28} {mine[key]:>9.1f} {unit} {theirs[key]:>11.1f} {unit} {label:>10}")
    print(
        "\ntargets: save one record <= 20 ms and >= 400x stock; open + asset list <= 300 ms; "
        "peak memory <= 300 MB"
    )
    ok = (
        mine["save one record"] <= 20
        and theirs["save one record"] / mine["save one record"] >= 400
        and mine["open + asset list"] <= 300
        and mine["peak memory MB"] <= 300
    )
    print("all targets met" if ok else "SOME TARGETS MISSED")


if __name__ == "__main__":
    main()
