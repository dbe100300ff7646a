"""TUI benchmark: start-up to a painted asset table, and filtering, at 10,000 assets.

In one run, each in its own headless child process (so start-up includes the interpreter
and imports, and peak memory is the child's own):

- bare:      a Textual app that paints an empty screen (the floor: mostly importing Textual)
- stock:     Textual's DataTable filled with the same 10,000 asset rows, until painted
- assettrack: the real app on a store of 10,000 assets and 100,000 records, until its asset
             table is painted; then keystrokes in the filter, each until the table is updated

    .venv/bin/python benchmarks/tui_bench.py [--assets N] [--records N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

FILTER_KEYS = "huawei"


def peak_memory_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(**figures: float) -> None:
    figures["peak_mb"] = peak_memory_mb()
    print("RESULT " + json.dumps(figures), flush=True)


# -- the children ----------------------------------------------------------------------------


def since_spawn() -> float:
    """Milliseconds since the parent started this process (wall clock, passed as argv)."""
    return (time.time() - float(sys.argv[-1])) * 1000


def child_bare() -> None:
    from textual.app import App

    class Bare(App[None]):
        def on_mount(self) -> None:
            self.call_after_refresh(self.exit)

    Bare().run(headless=True, size=(120, 40))
    report(paint_ms=since_spawn())


def child_stock(db: str) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    from assettrack.config import load_settings
    from assettrack.services.assets import AssetRegister
    from assettrack.store.store import Store
    from assettrack.tui.rows import ASSET_COLUMNS, asset_row

    with Store.open(Path(db), read_only=True) as store:
        register = AssetRegister(store, load_settings(env={}).warranty)
        rows = [asset_row(v).row for v in register.views(date(2026, 12, 1))]

    class Stock(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(*(c.label for c in ASSET_COLUMNS))
            table.add_rows([r.cells for r in rows])
            self.call_after_refresh(self.exit)

    Stock().run(headless=True, size=(120, 40))
    paint_ms = since_spawn()

    async def refill() -> float:
        app = Stock()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            table = app.query_one(DataTable)
            t0 = time.perf_counter()
            table.clear()
            table.add_rows([r.cells for r in rows if "huawei" in r.cells[2].lower()])
            await pilot.pause()
            return (time.perf_counter() - t0) * 1000

    refill_ms = asyncio.run(refill())
    report(paint_ms=paint_ms, refill_ms=refill_ms)


def child_app(db: str) -> None:
    from assettrack.config import load_settings
    from assettrack.plugins.loader import load_plugins
    from assettrack.services.assets import AssetRegister
    from assettrack.store.store import Store
    from assettrack.tui.app import make_app
    from assettrack.tui.widgets.fast_table import FastTable

    settings = load_settings(env={})
    extensions = load_plugins(settings.raw)
    with Store.open(Path(db), read_only=True) as store:
        register = AssetRegister(
            store, extensions.warranty_rules(settings.warranty), extensions.asset_kinds()
        )
        app = make_app(register, extensions, date(2026, 12, 1))

        def painted() -> None:
            table = app.screen.query(FastTable)
            if table and table.first().rows:
                app.exit()
            else:
                app.set_timer(0.005, painted)

        app.call_later(lambda: app.call_after_refresh(painted))
        app.run(headless=True, size=(120, 40))
        paint_ms = since_spawn()

        # The time a keystroke's effect reaches the screen: the last row the table drew.
        last_paint = [0.0]
        original = FastTable.render_line

        def render_line(self: FastTable, y: int):
            last_paint[0] = time.perf_counter()
            return original(self, y)

        FastTable.render_line = render_line  # type: ignore[method-assign]

        async def typing() -> list[float]:
            second = make_app(register, extensions, date(2026, 12, 1))
            times = []
            async with second.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                table = second.screen.query_one(FastTable)
                for key in [*FILTER_KEYS, *["backspace"] * len(FILTER_KEYS)]:
                    t0 = time.perf_counter()
                    await pilot.press(key)
                    await pilot.pause()
                    times.append((last_paint[0] - t0) * 1000)
                assert len(table.rows) == len(register.store.assets)
            return times

        times = asyncio.run(typing())
    report(paint_ms=paint_ms, filter_median_ms=statistics.median(times), filter_max_ms=max(times))


# -- the parent ------------------------------------------------------------------------------


def run(kind: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, *args, str(time.time())],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
    if out.returncode != 0 or not lines:
        raise SystemExit(f"{kind} child failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")
    return json.loads(lines[-1].removeprefix("RESULT "))


def time_to_paint(kind: str, *args: str, runs: int = 3) -> tuple[float, dict[str, float]]:
    """Median over runs of a child that exits as soon as its first screen is painted."""
    results = [run(kind, *args) for _ in range(runs)]
    return statistics.median(r["paint_ms"] for r in results), results[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child[:-1]  # the last argument is the spawn time
        {"bare": child_bare, "stock": child_stock, "app": child_app}[kind](*rest)
        return

    from store_bench import build_ours, make_data

    with tempfile.TemporaryDirectory(prefix="assettrack-tui-bench-") as tmp:
        db = Path(tmp) / "db"
        t0 = time.perf_counter()
        build_ours(db, *make_data(args.assets, args.records))
        print(
            f"data: {args.assets:,} assets, {args.records:,} records "
            f"(built in {time.perf_counter() - t0:.0f} s)"
        )
        bare_ms, bare = time_to_paint("bare")
        stock_ms, stock = time_to_paint("stock", str(db), runs=1)
        app_ms, app = time_to_paint("app", str(db))
    print(f"\n{'':38} {'time':>10} {'vs bare':>8} {'peak MB':>8}")
    print(
        f"{'bare Textual app, empty screen':38} {bare_ms:>7.0f} ms {1:>7.2f}x "
        f"{bare['peak_mb']:>8.0f}"
    )
    print(
        f"{'stock DataTable, 10,000 rows painted':38} {stock_ms:>7.0f} ms "
        f"{stock_ms / bare_ms:>7.2f}x {stock['peak_mb']:>8.0f}"
    )
    print(
        f"{'assettrack, asset table painted':38} {app_ms:>7.0f} ms "
        f"{app_ms / bare_ms:>7.2f}x {app['peak_mb']:>8.0f}"
    )
    print(
        f"\nfilter keystroke -> table updated (median / max of {2 * len(FILTER_KEYS)}): "
        f"{app['filter_median_ms']:.1f} / {app['filter_max_ms']:.1f} ms"
        f"   stock DataTable clear + refill: {stock['refill_ms']:.0f} ms"
    )
    ok = app_ms <= 2 * bare_ms and app["filter_median_ms"] <= 50 and app["peak_mb"] <= 300
    print(
        "targets: painted <= 2x bare, filter <= 50 ms, memory <= 300 MB: "
        + ("all met" if ok else "SOME MISSED")
    )


if __name__ == "__main__":
    main()
