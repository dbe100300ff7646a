"""Session benchmark: the app's memory over a long session, as an engineer leaves it open.

The real app (headless, driven by Textual's Pilot) opens a database, waits for the store to
load, then goes round its screens again and again: Sites (F2), Visits (F5), Faults (F6),
Assets (F3), Help (F1), and three letters typed into the asset filter and taken back. The
resident memory (VmRSS) is read after each round; the figure that matters is how much each
round adds once the caches are warm (the first ``--warm`` rounds are left out of the slope).
A leak shows as a steady slope; a bounded cache as a slope that flattens.

``--full-every`` sets how often a build collects the objects frozen by earlier builds
(``assettrack.bulk``; 60 s in the app). A session of this bench is faster than a person:
a round takes about two and a half seconds, where an engineer takes minutes.

    .venv/bin/python benchmarks/session_bench.py [--assets N | --db FOLDER] [--rounds N]
                                                 [--warm N] [--full-every SECONDS]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

ROUND = ("f2", "f5", "f6", "f3", "f1")
TODAY = date(2026, 12, 1)
SIZE = (120, 40)


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


async def one_round(pilot) -> None:  # type: ignore[no-untyped-def]
    for key in ROUND:
        await pilot.press(key)
        await pilot.pause(0.2)
    await pilot.press("c", "i", "s")
    await pilot.pause(0.2)
    await pilot.press("backspace", "backspace", "backspace")
    await pilot.pause(0.2)


async def session(db: Path, rounds: int, cache: Path) -> tuple[float, list[float], float]:
    from assettrack.commands.context import Context
    from assettrack.tui.launch import open_tui

    context = Context(None, db, TODAY)
    started = time.perf_counter()
    with open_tui(context, db, cache_folder=cache) as app:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(1500):
                await pilot.pause(0.02)
                if app.context.ready and app.get_screen("assets").loaded_generation >= 0:
                    break
            else:
                raise SystemExit("the store never finished loading")
            await pilot.pause(0.5)
            loaded = rss_mb()
            after = []
            for _ in range(rounds):
                await one_round(pilot)
                after.append(rss_mb())
            app.exit()
    return loaded, after, time.perf_counter() - started


def slope(values: list[float]) -> float:
    """MB a round, least squares."""
    xs = range(len(values))
    return statistics.linear_regression(xs, values).slope if len(values) > 1 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--db", type=Path, help="a database a bench kept (…/ours)")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--warm", type=int, default=10, help="rounds left out of the slope")
    parser.add_argument("--full-every", type=float, help="seconds (assettrack.bulk.FULL_EVERY)")
    args = parser.parse_args()
    if args.rounds <= args.warm + 1:
        raise SystemExit("--rounds must be more than --warm + 1")
    import assettrack.bulk as bulk

    if args.full_every is not None:
        bulk.FULL_EVERY = args.full_every
    with tempfile.TemporaryDirectory(prefix="assettrack-session-") as tmp:
        db = args.db
        if db is None:
            from bench_data import build_ours, fleet_of

            db = Path(tmp) / "db"
            build_ours(db, fleet_of(args.assets, args.assets * 2))
        loaded, after, seconds = asyncio.run(session(db, args.rounds, Path(tmp) / "cache"))
    warm = after[args.warm :]
    print(f"database: {db if args.db else f'{args.assets:,} assets, built for this run'}")
    every = getattr(bulk, "FULL_EVERY", None)  # None: a version that never collected them
    print(
        f"full collection of frozen objects every {every:g} s"
        if every
        else "frozen objects never collected"
    )
    print(f"{args.rounds} rounds of {' '.join(ROUND)} and the filter in {seconds:.0f} s")
    print(f"  memory once loaded: {loaded:.0f} MB")
    marks = sorted({args.warm, len(after) // 2, len(after)} - {0})
    print("  after round " + ", ".join(f"{n}: {after[n - 1]:.0f} MB" for n in marks))
    print(
        f"  growth after the first {args.warm} rounds: {slope(warm):.2f} MB a round "
        f"({warm[-1] - warm[0]:+.0f} MB over {len(warm) - 1} rounds)"
    )


if __name__ == "__main__":
    main()
