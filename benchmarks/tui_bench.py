"""TUI benchmark: start-up to a painted asset table, and filtering, at 10,000 assets.

In one run, each in its own headless child process (so start-up includes the interpreter
and imports, and peak memory is the child's own):

- bare:       a Textual app that paints an empty screen (the floor: mostly importing Textual)
- stock:      Textual's DataTable filled with the same 10,000 asset rows, until painted
- cold start: ``assettrack --db DB`` (the real command) with no row snapshot, until its
              first frame shows the asset table; as after another program changed assets
- warm start: the same with the row snapshot the previous start left, the usual case;
              also when the store has finished loading behind the painted table
- filtering:  keystrokes in the filter, each until the table is updated

"Painted" is the moment Textual has composed the frame (``App._display``): the same for the
bare app and ours, before the terminal write that headless mode skips.

    .venv/bin/python benchmarks/tui_bench.py [--assets N] [--records N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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
SIZE = (120, 40)


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

    painted: list[float] = []

    class Bare(App[None]):
        def _display(self, screen, renderable) -> None:  # type: ignore[no-untyped-def]
            super()._display(screen, renderable)
            if renderable is not None and not painted:
                painted.append(since_spawn())
                self.exit()

    Bare().run(headless=True, size=SIZE)
    report(paint_ms=painted[0])


def child_stock(db: str) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    from assettrack.config import load_settings
    from assettrack.services.assets import AssetRegister
    from assettrack.store.store import Store
    from assettrack.tui.asset_facts import register_facts
    from assettrack.tui.rows import ASSET_COLUMNS, AssetRows

    with Store.open(Path(db), read_only=True) as store:
        register = AssetRegister(store, load_settings(env={}).warranty)
        today = date(2026, 12, 1)
        rows = AssetRows(register_facts(register, today), today, (90,)).rows

    painted: list[float] = []

    class Stock(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(*(c.label for c in ASSET_COLUMNS))
            table.add_rows([r.cells for r in rows])

        def _display(self, screen, renderable) -> None:  # type: ignore[no-untyped-def]
            super()._display(screen, renderable)
            if renderable is not None and not painted and self.query_one(DataTable).row_count:
                painted.append(since_spawn())
                self.exit()

    Stock().run(headless=True, size=SIZE)
    paint_ms = painted[0]

    async def refill() -> float:
        app = Stock()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            table = app.query_one(DataTable)
            t0 = time.perf_counter()
            table.clear()
            table.add_rows([r.cells for r in rows if "huawei" in r.cells[2].lower()])
            await pilot.pause()
            return (time.perf_counter() - t0) * 1000

    refill_ms = asyncio.run(refill())
    report(paint_ms=paint_ms, refill_ms=refill_ms)


def child_start(db: str) -> None:
    """``assettrack --db DB`` as typed, headless: until the first frame with the asset table,
    and until the store is loaded behind it. The row snapshot lives in $XDG_CACHE_HOME.

    Textual is not imported here before the command imports it (a cold start imports it
    while a child process makes the snapshot): the timing hooks go in once the app's
    context is made, by which time the command has imported Textual itself."""
    from assettrack.tui.context import TuiContext

    times: dict[str, float] = {}
    make_context = TuiContext.__init__

    def context_made(self: TuiContext, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        make_context(self, *args, **kwargs)
        install_hooks(times)

    TuiContext.__init__ = context_made  # type: ignore[method-assign]

    from assettrack.cli import cli

    cli.main(["--db", db, "--today", "2026-12-01"], standalone_mode=False)
    report(**times)


def install_hooks(times: dict[str, float]) -> None:
    from textual.app import App

    from assettrack.tui.app import AssetTrackApp
    from assettrack.tui.screens.assets import AssetsScreen
    from assettrack.tui.widgets.fast_table import FastTable

    if getattr(AssetTrackApp, "_bench_hooked", False):
        return
    AssetTrackApp._bench_hooked = True  # type: ignore[attr-defined]
    table_drawn = [False]
    render_line = FastTable.render_line

    def drawing(self: FastTable, y: int):  # type: ignore[no-untyped-def]
        table_drawn[0] = table_drawn[0] or bool(self.rows)
        return render_line(self, y)

    def display(self: AssetTrackApp, screen, renderable) -> None:  # type: ignore[no-untyped-def]
        App._display(self, screen, renderable)
        if renderable is not None and table_drawn[0] and "paint_ms" not in times:
            times["paint_ms"] = since_spawn()
            finish_when_loaded(self)

    services_ready = AssetsScreen.services_ready

    def ready(self: AssetsScreen, facts) -> None:  # type: ignore[no-untyped-def]
        services_ready(self, facts)
        times["ready_ms"] = since_spawn()

    def finish_when_loaded(app: AssetTrackApp) -> None:
        if app.context.ready and app.get_screen("assets").loaded_generation >= 0:
            times.setdefault("ready_ms", times["paint_ms"])
            app.exit()
        else:
            app.set_timer(0.01, lambda: finish_when_loaded(app))

    FastTable.render_line = drawing  # type: ignore[method-assign]
    AssetTrackApp._display = display  # type: ignore[method-assign]
    AssetsScreen.services_ready = ready  # type: ignore[method-assign]
    run = App.run
    App.run = lambda self, **_: run(self, headless=True, size=SIZE)  # type: ignore[method-assign]


def child_filter(db: str) -> None:
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
        # The time a keystroke's effect reaches the screen: the last row the table drew.
        last_paint = [0.0]
        original = FastTable.render_line

        def render_line(self: FastTable, y: int):  # type: ignore[no-untyped-def]
            last_paint[0] = time.perf_counter()
            return original(self, y)

        FastTable.render_line = render_line  # type: ignore[method-assign]

        async def typing() -> list[float]:
            app = make_app(register, extensions, date(2026, 12, 1))
            times = []
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                table = app.screen.query_one(FastTable)
                for key in [*FILTER_KEYS, *["backspace"] * len(FILTER_KEYS)]:
                    t0 = time.perf_counter()
                    await pilot.press(key)
                    await pilot.pause()
                    times.append((last_paint[0] - t0) * 1000)
                assert len(table.rows) == len(register.store.assets)
            return times

        times = asyncio.run(typing())
    report(filter_median_ms=statistics.median(times), filter_max_ms=max(times))


# -- the parent ------------------------------------------------------------------------------


def run(kind: str, *args: str, cache: Path | None = None) -> dict[str, float]:
    env = dict(os.environ)
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)  # where the row snapshot is kept
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, *args, str(time.time())],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env=env,
    )
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
    if out.returncode != 0 or not lines:
        raise SystemExit(f"{kind} child failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")
    return json.loads(lines[-1].removeprefix("RESULT "))


def median(results: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="start-ups of each kind")
    parser.add_argument("--db", type=Path, help="an existing database instead of a new one")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child[:-1]  # the last argument is the spawn time
        children = {
            "bare": child_bare,
            "stock": child_stock,
            "start": child_start,
            "filter": child_filter,
        }
        children[kind](*rest)
        return

    with tempfile.TemporaryDirectory(prefix="assettrack-tui-bench-") as tmp:
        db = args.db or Path(tmp) / "db"
        if args.db is None:
            from store_bench import build_ours, make_data

            t0 = time.perf_counter()
            build_ours(db, *make_data(args.assets, args.records))
            print(
                f"data: {args.assets:,} assets, {args.records:,} records "
                f"(built in {time.perf_counter() - t0:.0f} s)"
            )
        warm_cache = Path(tmp) / "warm-cache"
        run("start", str(db), cache=warm_cache)  # leaves the snapshot the warm starts use
        bare, cold, warm = [], [], []
        # Interleaved, so a slow spell of this machine weighs on all three alike.
        for i in range(args.runs):
            bare.append(run("bare"))
            cold.append(run("start", str(db), cache=Path(tmp) / f"cold-cache-{i}"))
            warm.append(run("start", str(db), cache=warm_cache))
        stock = run("stock", str(db))
        typing = run("filter", str(db))
    bare_ms = median(bare, "paint_ms")
    lines = [
        ("bare Textual app, empty screen", bare_ms, max(r["peak_mb"] for r in bare)),
        ("stock DataTable, 10,000 rows", stock["paint_ms"], stock["peak_mb"]),
        ("cold start (no snapshot), table", median(cold, "paint_ms"), cold[-1]["peak_mb"]),
        ("warm start, asset table painted", median(warm, "paint_ms"), warm[-1]["peak_mb"]),
        ("warm start, store loaded behind it", median(warm, "ready_ms"), warm[-1]["peak_mb"]),
    ]
    print(f"\nmedian of {args.runs} start-ups{'':9} {'time':>10} {'vs bare':>8} {'peak MB':>8}")
    for label, ms, mb in lines:
        print(f"{label:38} {ms:>7.0f} ms {ms / bare_ms:>7.2f}x {mb:>8.0f}")
    print(
        f"\nfilter keystroke -> table updated (median / max of {2 * len(FILTER_KEYS)}): "
        f"{typing['filter_median_ms']:.1f} / {typing['filter_max_ms']:.1f} ms"
        f"   stock DataTable clear + refill: {stock['refill_ms']:.0f} ms"
    )
    warm_ms = median(warm, "paint_ms")
    peak = max(r["peak_mb"] for r in [*cold, *warm, typing])
    ok = warm_ms <= 2 * bare_ms and typing["filter_median_ms"] <= 50 and peak <= 300
    print(
        "targets: painted <= 2x bare, filter <= 50 ms, memory <= 300 MB: "
        + ("all met" if ok else "SOME MISSED")
    )


if __name__ == "__main__":
    main()
