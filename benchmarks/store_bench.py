"""Store benchmark: assettrack's store against SQLite and stock TinyDB, on the same fleet.

For each size (``--assets 1000 10000 50000``; 10 records an asset unless told), builds one
fleet (50 assets a site, records of about 4.5 KB) into the three stores of
``store_sides.py``, then measures each store in child processes of its own:

- open + asset list: a new process opens the store and decodes every asset
  (``--open-runs`` processes per store, interleaved);
- query assets by site, one asset's history, save one record (fsynced), update one asset:
  ``--runs`` times in one process, each time another asset (and, where the fleet has enough,
  another site), so no answer comes from a cache the previous run filled;
- the same histories again in a new process: what a store kept on disk from the first reads
  (an index, say) counts, what it kept in memory does not. On a fresh build the first reads
  are the first ever; on a kept database (``--db``) they are not;
- peak memory: that process's own high-water mark (VmHWM).

Before each of those processes the page cache's unwritten data is written out (``sync``),
so no store's timed flushes queue behind what the build, a previous store or a previous run
left for the kernel to write.

assettrack's modules are compiled to bytecode first (``bytecode.py``), as a user's install has
them: open + asset list includes importing the store.

Stock TinyDB rewrites its whole records file to save one record; past ``--stock-max-records``
(about 0.5 GB, 3.3 GB in memory) its record operations are not run. Every store must give
the same answers (assets per site, records per asset), or the bench stops.

    python benchmarks/store_bench.py [--assets N ...] [--runs N] [--keep-db] [--db FOLDER ...]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_data import (  # noqa: E402
    Fleet,
    OursWriter,
    SqliteWriter,
    StockWriter,
    build,
    fleet_of,
    folder_size,
    make_record,
)
from machine import load_line  # noqa: E402
from store_sides import BENCH, NAMES, SIDES  # noqa: E402

STORES = ("ours", "sqlite", "stock")
TARGETS_VS_SQLITE = {  # assettrack / SQLite at most
    "open + asset list": 1.0,
    "query assets by site": 1.5,
    "save one record": 1.5,
    "update one asset": 1.5,
}
GOLDEN = 0.6180339887
HISTORY_TARGET_MS = 10.0
MEMORY_TARGET_MB = 200.0
AGAIN = "history again, new process"
WITH_CLOSE = "a write, close shared"
OPERATIONS = (
    "open + asset list",
    "query assets by site",
    "one asset's history",
    AGAIN,
    "save one record",
    "update one asset",
    WITH_CLOSE,
)
SHOWN_ONLY = {WITH_CLOSE}  # no target of its own: it tells what the medians leave out
TODAY = datetime(2025, 6, 15, 10)  # within the fleet's four years of records


def location(folder: Path, kind: str) -> Path:
    return folder / {"ours": "ours", "sqlite": "sqlite.db", "stock": "stock"}[kind]


# -- the children ----------------------------------------------------------------------------


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


def child_open(kind: str, target: str) -> dict[str, Any]:
    started = time.perf_counter()
    side = SIDES[kind](Path(target))
    assets = side.open_list()
    ms = (time.perf_counter() - started) * 1000
    side.close()
    return {"open + asset list": ms, "assets": len(assets), "peak MB": peak_memory_mb()}


def picks(assets: list, runs: int) -> list:
    """``runs`` assets spread over the fleet by golden-ratio steps through the serial
    numbers: every store picks the same ones, and fewer runs pick the first of them.
    Consecutive serial numbers sit on consecutive sites."""
    ordered = sorted(assets, key=lambda a: a.serial_number)
    return [ordered[int(k * GOLDEN * len(ordered)) % len(ordered)] for k in range(runs)]


def timed(action: Callable[[Any], Any], items: list) -> tuple[list[float], list[Any]]:
    times, answers = [], []
    for item in items:
        started = time.perf_counter()
        answers.append(action(item))
        times.append((time.perf_counter() - started) * 1000)
    return times, answers


def child_ops(kind: str, target: str, runs: int) -> dict[str, Any]:
    side = SIDES[kind](Path(target))
    started = time.perf_counter()
    assets = side.open_list()
    figures: dict[str, Any] = {"open + asset list": [(time.perf_counter() - started) * 1000]}
    chosen = picks(assets, runs)
    times, answers = timed(lambda a: side.by_site(a.site_id), chosen)
    figures["query assets by site"] = times
    figures["answers"] = {"assets per site": [len(x) for x in answers]}
    has_records = kind != "stock" or (Path(target) / "records.json").exists()
    if has_records:
        times, answers = timed(lambda a: side.history(a.site_id, a.id), chosen)
        figures["one asset's history"] = times
        figures["answers"]["records per asset"] = [len(x) for x in answers]
        # Today's record goes into a month that already holds records, as it would.
        rng = random.Random(7)
        records = [make_record(a, TODAY, rng, "visit-bench") for a in chosen]
        for record in records:
            # Filed with the asset's site and month, but under an asset of its own: the
            # fleet's histories stay as built, run after run on a kept database.
            record.asset_id = f"{BENCH}{record.asset_id}"
        figures["save one record"], _ = timed(side.save_record, records)
    for asset in chosen:
        asset.firmware = "V9.99-bench"
    figures["update one asset"], _ = timed(side.update_asset, chosen)
    started = time.perf_counter()
    side.close()
    closed = (time.perf_counter() - started) * 1000
    # The user's work ends here: the clean-up below opens the store again, which a user's
    # process never does (it was half of this process's peak at 50,000 assets).
    figures["peak MB"] = peak_memory_mb()
    if has_records:
        side.forget_saved(records)  # untimed: a kept database's month files stay as built
    if "save one record" in figures:
        # What a write costs once the work each store leaves for later (ours: the redo log's
        # checkpoint and deleting replaced files; SQLite: its WAL checkpoint) is paid.
        writes = figures["save one record"] + figures["update one asset"]
        figures[WITH_CLOSE] = [(sum(writes) + closed) / len(writes)]
    return figures


def child_history(kind: str, target: str, runs: int) -> dict[str, Any]:
    """The same histories read again by a new process: what a store kept on disk from the
    first reads (an index, say) counts; what it kept in memory does not."""
    side = SIDES[kind](Path(target))
    chosen = picks(side.open_list(), runs)
    times, answers = timed(lambda a: side.history(a.site_id, a.id), chosen)
    side.close()
    return {AGAIN: times, "answers": {"records per asset": [len(x) for x in answers]}}


def run_child(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True
    )
    if out.returncode != 0:
        raise SystemExit(f"child {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout)


# -- one size --------------------------------------------------------------------------------


def build_all(folder: Path, fleet: Fleet, stock_max_records: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stock_records = fleet.records <= stock_max_records
    started = time.perf_counter()
    build(
        fleet,
        [
            OursWriter(location(folder, "ours")),
            SqliteWriter(location(folder, "sqlite")),
            StockWriter(location(folder, "stock"), records=stock_records),
        ],
    )
    (folder / "fleet.json").write_text(
        json.dumps({"assets": fleet.assets, "records": fleet.records, "seed": fleet.seed})
    )
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def read_fleet(folder: Path) -> Fleet:
    try:
        spec = json.loads((folder / "fleet.json").read_text())
    except (OSError, ValueError) as exc:
        raise SystemExit(
            f"{folder} is not a database this bench kept (fleet.json: {exc})"
        ) from None
    return Fleet(spec["assets"], spec["records"], spec["seed"])


def measure(
    folder: Path, runs: int, open_runs: int, stock_runs: int, ops_rounds: int
) -> dict[str, Any]:
    fleet = read_fleet(folder)
    print(f"\n{fleet.label()}; {load_line()}")
    for kind in STORES:
        path = location(folder, kind)
        files = sum(1 for p in path.rglob("*") if p.is_file()) if path.is_dir() else 1
        print(f"  {NAMES[kind]:13} {folder_size(path) / 1e6:8,.0f} MB in {files:,} file(s)")
    results: dict[str, dict[str, Any]] = {k: {"open + asset list": []} for k in STORES}
    # Interleaved, so a slow spell of this shared machine weighs on every store alike.
    for _ in range(open_runs):
        for kind in STORES:
            opened = run_child("open", kind, str(location(folder, kind)))
            if opened["assets"] != fleet.assets:
                raise SystemExit(
                    f"{NAMES[kind]} lists {opened['assets']} assets, not {fleet.assets}"
                )
            results[kind]["open + asset list"].append(opened["open + asset list"])
            results[kind]["open peak MB"] = opened["peak MB"]
    # Rounds of one process per store, alternating, their figures pooled: a slow spell of
    # the machine during one store's process would otherwise decide the ratio alone.
    for round_number in range(ops_rounds):
        for kind in STORES:
            if kind == "stock" and round_number:
                continue  # seconds a run: one round says enough
            ops_runs = str(stock_runs if kind == "stock" else runs)
            os.sync()
            ops = run_child("ops", kind, str(location(folder, kind)), ops_runs)
            ops.pop("open + asset list")
            pool(results[kind], ops)
            if "one asset's history" in ops:
                os.sync()
                again = run_child("history", kind, str(location(folder, kind)), ops_runs)
                if again["answers"] != {"records per asset": ops["answers"]["records per asset"]}:
                    raise SystemExit(f"{NAMES[kind]} read other histories the second time")
                results[kind].setdefault(AGAIN, []).extend(again[AGAIN])
    check_answers(results)
    return {"fleet": fleet.__dict__, "results": results}


def pool(into: dict[str, Any], ops: dict[str, Any]) -> None:
    """Add one ops process's figures to the store's: times pooled, the highest peak, the
    same answers every round (or the bench stops)."""
    for key, value in ops.items():
        if key == "answers":
            if into.setdefault(key, value) != value:
                raise SystemExit(f"another round gave other answers: {value}")
        elif key == "peak MB":
            into[key] = max(into.get(key, 0.0), value)
        else:
            into.setdefault(key, []).extend(value)


def check_answers(results: dict[str, dict[str, Any]]) -> None:
    """Every store gives the same answers (stock, with fewer runs, for the first picks)."""
    ours = results["ours"]["answers"]
    if 0 in ours["assets per site"] or 0 in ours.get("records per asset", [1]):
        raise SystemExit(f"assettrack found nothing for some picks: {ours}")
    for kind in ("sqlite", "stock"):
        for what, counts in results[kind]["answers"].items():
            if ours[what][: len(counts)] != counts:
                raise SystemExit(f"{NAMES[kind]} {what}: {counts}; assettrack: {ours[what]}")


def stats(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def cell(values: list[float] | None, unit: str = "ms") -> str:
    if not values:
        return "not run"
    mid, low, high = stats(values)
    if len(values) == 1:
        return f"{num(mid)} {unit}"
    return f"{num(mid)} {unit} ({num(low)}-{num(high)})"


def num(x: float) -> str:
    return f"{x:.2f}" if x < 1 else f"{x:,.1f}" if x < 100 else f"{x:,.0f}"


def report(measured: dict[str, Any]) -> bool:
    results = measured["results"]
    ours, sqlite = results["ours"], results["sqlite"]
    print(
        f"\n  {'median (fastest-slowest)':24} {'assettrack':>24} {'SQLite':>24} "
        f"{'stock TinyDB':>26} {'ours/SQLite':>11}  target"
    )
    met = True
    for op in OPERATIONS:
        row = f"  {op:24}"
        for kind, width in (("ours", 24), ("sqlite", 24), ("stock", 26)):
            row += f" {cell(results[kind].get(op)):>{width}}"
        if op not in ours or op not in sqlite:
            continue
        ratio = statistics.median(ours[op]) / statistics.median(sqlite[op])
        row += f" {ratio:>10.2f}x"
        if op in SHOWN_ONLY:
            print(row + "  (saves and updates with the close, per write)")
            continue
        if op in TARGETS_VS_SQLITE:
            ok = ratio <= TARGETS_VS_SQLITE[op]
            row += f"  <= {TARGETS_VS_SQLITE[op]:g}x SQLite: {'met' if ok else 'MISSED'}"
        else:
            ok = statistics.median(ours[op]) <= HISTORY_TARGET_MS
            row += f"  <= {HISTORY_TARGET_MS:g} ms: {'met' if ok else 'MISSED'}"
        met = met and ok
        print(row)
    peaks = [results[k]["peak MB"] for k in STORES]
    ok = ours["peak MB"] <= MEMORY_TARGET_MB
    met = met and ok
    print(
        f"  {'peak memory':24}"
        + "".join(f" {num(p) + ' MB':>{w}}" for p, w in zip(peaks, (24, 24, 26), strict=True))
        + f" {ours['peak MB'] / sqlite['peak MB']:>10.2f}x  <= {MEMORY_TARGET_MB:g} MB: "
        + ("met" if ok else "MISSED")
    )
    return met


def curve(all_measured: list[dict[str, Any]]) -> None:
    sizes = [m["fleet"]["assets"] for m in all_measured]
    print("\ncost curve, median ms (peak memory MB):")
    print(f"  {'':24} {'':13}" + "".join(f" {f'{n:,} assets':>16}" for n in sizes))
    for op in (*OPERATIONS, "peak MB"):
        for kind in STORES:
            row = f"  {op if kind == 'ours' else '':24} {NAMES[kind]:13}"
            for measured in all_measured:
                values = measured["results"][kind].get(op)
                if isinstance(values, list):
                    text = num(statistics.median(values)) if values else "not run"
                else:
                    text = num(values) if values is not None else "not run"
                row += f" {text:>16}"
            print(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, nargs="+", default=[10_000], metavar="N")
    parser.add_argument("--records-per-asset", type=int, default=10)
    parser.add_argument("--runs", type=int, default=30, help="repetitions per operation")
    parser.add_argument("--open-runs", type=int, default=5, help="processes that open a store")
    parser.add_argument("--stock-runs", type=int, default=3, help="repetitions for stock TinyDB")
    parser.add_argument(
        "--ops-rounds",
        type=int,
        default=3,
        help="processes per store for the operations, alternating stores (stock: one)",
    )
    parser.add_argument(
        "--stock-max-records",
        type=int,
        default=100_000,
        help="largest record count stock TinyDB gets a records file for (default 100,000)",
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the built databases")
    parser.add_argument(
        "--db", type=Path, nargs="+", metavar="FOLDER", help="measure databases a run kept"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "open":
            print(json.dumps(child_open(*rest)))
        else:
            child = child_ops if kind == "ops" else child_history
            print(json.dumps(child(rest[0], rest[1], int(rest[2]))))
        return
    if min(args.runs, args.open_runs, args.stock_runs, args.ops_rounds) < 1:
        raise SystemExit("--runs, --open-runs, --stock-runs and --ops-rounds need at least 1")
    from bytecode import compile_bytecode

    # Open + asset list includes importing the store, as a user's first command does: with
    # the bytecode a user's install has, not compiling every module (an outside rerun's flaw).
    print(f"measured {compile_bytecode()}", flush=True)

    all_measured = []
    met = True
    rounds = (args.runs, args.open_runs, args.stock_runs, args.ops_rounds)
    if args.db:
        folders = args.db
        for folder in folders:
            all_measured.append(measure(folder, *rounds))
            met = report(all_measured[-1]) and met
    else:
        root = Path(tempfile.mkdtemp(prefix="assettrack-store-bench-"))
        folders = []
        try:
            for n in args.assets:
                fleet = fleet_of(n, n * args.records_per_asset)
                folder = root / f"assets-{n}"
                print(f"building {fleet.label()}", flush=True)
                build_all(folder, fleet, args.stock_max_records)
                folders.append(folder)
                all_measured.append(measure(folder, *rounds))
                met = report(all_measured[-1]) and met
        finally:
            if not args.keep_db:
                import shutil

                shutil.rmtree(root, ignore_errors=True)
        if args.keep_db:
            print(f"\nkept: {root}")
            print(f"  rerun:   python benchmarks/store_bench.py --db {' '.join(map(str, folders))}")
            print(
                f"  one side, raw figures: python benchmarks/store_bench.py --child ops ours "
                f"{folders[0] / 'ours'} {args.runs}"
            )
            print(f"  the app on it: assettrack --db {folders[0] / 'ours'}")
    if len(all_measured) > 1:
        curve(all_measured)
    if args.json:
        args.json.write_text(json.dumps(all_measured, indent=1))
    print(
        f"\ntargets: history <= {HISTORY_TARGET_MS:g} ms; query by site, save and update each "
        f"<= 1.5x SQLite; open + asset list <= SQLite; peak memory <= {MEMORY_TARGET_MB:g} MB"
    )
    print("all targets met" if met else "SOME TARGETS MISSED")
    print(f"at the end, {load_line()}")


if __name__ == "__main__":
    main()
