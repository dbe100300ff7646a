"""CLI benchmark: ``assettrack warranty`` and ``assettrack export assets`` as a team lead's
script runs them, timed from the command's start to its exit (interpreter, imports, opening
the store, the listing, writing it out); beside them, with no target, the JSON export,
``visits`` and ``site list``.

Each command runs ``--runs`` times (3 by default) on each database; the median is shown
with the fastest and slowest. Output goes to a pipe that the bench reads: an export must
list every asset (a header and one line each) or the bench stops. Measured with bytecode
(see ``bytecode.py``). Target: each command <= 0.5 s.

    python benchmarks/cli_bench.py [--assets N ...] [--runs N] [--db FOLDER ...]

``--db`` takes assettrack databases, such as those ``store_bench.py --keep-db`` leaves
(``.../assets-10000/ours``); without it the bench builds its own.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

TODAY = "2026-12-01"
COMMANDS = {
    "warranty": ["warranty"],  # expiring within the next 90 days, soonest first
    "export": ["export", "assets"],  # every asset, CSV
    # Shown beside them, with no target of their own: other listings a team lead scripts.
    "export json": ["export", "assets", "--format", "json"],
    "visits": ["visits"],  # compliance of every site, this month and the last
    "site list": ["site", "list"],
}
TARGETED = ("warranty", "export")  # the targets
TARGET_S = 0.5


def assettrack() -> list[str]:
    """The installed command, as a user types it; else the module."""
    script = Path(sys.executable).with_name("assettrack")
    return [str(script)] if script.exists() else [sys.executable, "-m", "assettrack"]


def run_once(db: Path, args: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    out = subprocess.run(
        [*assettrack(), "--db", str(db), "--today", TODAY, *args],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if out.returncode != 0:
        raise SystemExit(f"assettrack {' '.join(args)} failed: {out.stderr.strip()[-2000:]}")
    return seconds, out.stdout


def count_assets(db: Path) -> int:
    from assettrack.store.store import Store

    with Store.open(db, read_only=True) as store:
        return len(store.assets)


def measure(db: Path, runs: int) -> dict[str, list[float]]:
    assets = count_assets(db)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, args in COMMANDS.items():  # interleaved
            seconds, output = run_once(db, args)
            times[name].append(seconds)
            if name == "export" and len(output.splitlines()) != assets + 1:
                lines = len(output.splitlines())
                raise SystemExit(f"export listed {lines - 1:,} assets of {assets:,}")
    return {"assets": [assets], **times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, nargs="+", default=[10_000], metavar="N")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, nargs="+", metavar="FOLDER")
    args = parser.parse_args()
    if args.runs < 1:
        raise SystemExit("--runs needs at least 1")

    from bytecode import compile_bytecode
    from machine import load_line

    print(f"measured {compile_bytecode()}\n{load_line()}", flush=True)
    results = []
    tmp = None
    try:
        if args.db:
            folders = args.db
        else:
            from bench_data import build_ours, fleet_of

            tmp = Path(tempfile.mkdtemp(prefix="assettrack-cli-bench-"))
            folders = []
            for n in args.assets:
                fleet = fleet_of(n)
                print(f"building {fleet.label()}", flush=True)
                folders.append(tmp / f"assets-{n}")
                build_ours(folders[-1], fleet)
        for folder in folders:
            results.append(measure(folder, args.runs))
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nseconds, median of {args.runs} (fastest-slowest); target <= {TARGET_S:g} s")
    sizes = [f"{r['assets'][0]:,} assets" for r in results]
    print(f"{'command':40}" + "".join(f" {size:>24}" for size in sizes))
    met = True
    for name, command in COMMANDS.items():
        row = f"{'assettrack ' + ' '.join(command):40}"
        for result in results:
            times = result[name]
            mid = statistics.median(times)
            ok = mid <= TARGET_S
            if name in TARGETED:
                met = met and ok
                verdict = "met" if ok else "MISSED"
            else:
                verdict = "(shown)"
            text = f"{mid:.2f} ({min(times):.2f}-{max(times):.2f}) {verdict}"
            row += f" {text:>24}"
        print(row)
    print("all targets met" if met else "SOME TARGETS MISSED")
    print(f"at the end, {load_line()}")


if __name__ == "__main__":
    main()
