"""TUI benchmark: start-up to a painted asset table, and filtering (10,000 assets unless
``--assets`` or ``--db`` says otherwise; the labels give the rows actually shown).

In one run, each in its own headless child process (so start-up includes the interpreter
and imports, and peak memory is the child's own):

- bare:       a Textual app that paints an empty screen (the floor: mostly importing Textual)
- stock:      Textual's DataTable filled with the same asset rows, until painted
- cold start: ``assettrack --db DB`` (the real command) with no row snapshot, until its
              first frame shows the asset table: first with an empty cache folder (the
              first start on this machine), then with the cache folder the last start left
              but its row snapshot (the plugins' entry points found before are kept there)
- changed:    the cache folder the last start left, snapshot included, after another
              program saved one site's asset file (the file is replaced by a copy of itself:
              a new inode and time, the database unchanged): the snapshot is stale, and the
              app patches it with that file's rows
- warm start: the same with the row snapshot the previous start left, the usual case;
              also when the store has finished loading behind the painted table
- filtering:  keystrokes in the filter, each until the table is updated; every keystroke
              must change the rows listed (the bench refuses a sequence where one does not)

"Painted" is the moment Textual has composed the frame (``App._display``): the same for the
bare app and ours, before the terminal write that headless mode skips. A large table's first
frame holds the rows that fit on the screen, with every row's count and widths; "every row
taken" is when the table held them all (right behind the paint), shown beside each start.

Start-up is measured with bytecode, as a user's ``pip install`` has it: the bench first
compiles assettrack and the first-party plugins into their ``__pycache__`` folders
(``python -m compileall``), since an editable install under PYTHONDONTWRITEBYTECODE (as on
the test machines) would otherwise compile every module at every start.

    .venv/bin/python benchmarks/tui_bench.py [--assets N] [--runs N] [--db FOLDER]
"""

from __future__ import annotations

# Only what a start child needs, imported before the command it times: the parent's and the
# other children's modules (asyncio, subprocess...) are imported where used, so a start
# imports them when the real command would, with Textual (asyncio: 20 ms) or not at all.
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

# Each keystroke changes the rows listed, and the lists are wide and narrow alike: "h"
# (about half the rows), "h3" (H3C), back to "h", "hu" (Huawei), back to "h" and to every
# row; then a serial number's digits "4", "47", "471" (one asset or a few) and back.
BACKSPACE = "backspace"
FILTER_KEYS = ("h", "3", BACKSPACE, "u", BACKSPACE, BACKSPACE, "4", "7", "1", *[BACKSPACE] * 3)
SIZE = (120, 40)
BARE_FACTOR = 2.0  # painted <= 2x the bare app
FILTER_MEDIAN_MS, FILTER_WORST_MS = 30.0, 60.0
APP_MEMORY_MB = 300.0


def peak_memory_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(**figures: Any) -> None:
    import json

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
    import asyncio

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
    report(paint_ms=paint_ms, refill_ms=refill_ms, rows=len(rows))


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
    # The rows of the asset table, once it has drawn a line with rows: all it has, though
    # it may hold the first screen's alone, the rest taken right behind the paint.
    table_rows = [0]
    tables: list[FastTable] = []
    render_line = FastTable.render_line

    def drawing(self: FastTable, y: int):  # type: ignore[no-untyped-def]
        if not table_rows[0] and self.rows:
            table_rows[0] = self.row_count
            tables.append(self)
        return render_line(self, y)

    def display(self: AssetTrackApp, screen, renderable) -> None:  # type: ignore[no-untyped-def]
        App._display(self, screen, renderable)
        if renderable is not None and table_rows[0] and "paint_ms" not in times:
            times["paint_ms"] = since_spawn()
            times["rows"] = table_rows[0]
            if tables[0].complete:
                times["complete_ms"] = times["paint_ms"]
            finish_when_loaded(self)

    fill = FastTable.fill

    def filled(self: FastTable) -> None:
        fill(self)
        if tables and self is tables[0] and "complete_ms" not in times:
            times["complete_ms"] = since_spawn()

    services_ready = AssetsScreen.services_ready

    def ready(self: AssetsScreen, facts) -> None:  # type: ignore[no-untyped-def]
        services_ready(self, facts)
        times["ready_ms"] = since_spawn()

    def finish_when_loaded(app: AssetTrackApp) -> None:
        loaded = app.context.ready and app.get_screen("assets").loaded_generation >= 0
        if loaded and "complete_ms" in times:
            times.setdefault("ready_ms", times["paint_ms"])
            app.exit()
        else:
            app.set_timer(0.01, lambda: finish_when_loaded(app))

    FastTable.render_line = drawing  # type: ignore[method-assign]
    FastTable.fill = filled  # type: ignore[method-assign]
    AssetTrackApp._display = display  # type: ignore[method-assign]
    AssetsScreen.services_ready = ready  # type: ignore[method-assign]
    run = App.run
    App.run = lambda self, **_: run(self, headless=True, size=SIZE)  # type: ignore[method-assign]


def child_filter(db: str) -> None:
    import asyncio
    import statistics

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

        async def typing() -> tuple[list[float], list[int]]:
            app = make_app(register, extensions, date(2026, 12, 1))
            times, counts = [], []
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                table = app.screen.query_one(FastTable)
                listed = {row.key for row in table.rows}
                for n, key in enumerate(FILTER_KEYS, 1):
                    t0 = time.perf_counter()
                    await pilot.press(key)
                    await pilot.pause()
                    times.append((last_paint[0] - t0) * 1000)
                    now = {row.key for row in table.rows}
                    if now == listed:
                        raise SystemExit(
                            f"keystroke {n} ({key!r}) left the same {len(now):,} rows: the "
                            "bench would time a keystroke that changes nothing; pick others"
                        )
                    listed = now
                    counts.append(len(now))
                assert len(table.rows) == len(register.store.assets)
            return times, counts

        times, counts = asyncio.run(typing())
    report(
        filter_median_ms=statistics.median(times),
        filter_min_ms=min(times),
        filter_max_ms=max(times),
        filter_times=times,  # type: ignore[arg-type]
        filter_rows=counts,  # type: ignore[arg-type]
        rows=len(register.store.assets),
    )


# -- the parent ------------------------------------------------------------------------------


def run(kind: str, *args: str, cache: Path | None = None) -> dict[str, float]:
    import json
    import subprocess

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


def spread(values: list[float]) -> str:
    """The median with the fastest and slowest: "674 ms (655-702)"."""
    import statistics

    mid = statistics.median(values)
    return f"{mid:,.0f} ms ({min(values):,.0f}-{max(values):,.0f})"


def without_snapshot(cache: Path, tmp: str, run: int) -> Path:
    """A copy of the cache folder the last start left, less its row snapshots: a start
    after another program changed the assets finds everything else there."""
    import shutil

    copy = Path(tmp) / f"changed-cache-{run}"
    shutil.copytree(cache, copy)
    for snapshot in copy.glob("assettrack/asset-rows-*.bin"):
        snapshot.unlink()
    return copy


def replace_a_site_file(db: Path) -> None:
    """Another program's save of one site's assets, as the store writes one: the file
    replaced by a new one (a new inode and time), here of the same bytes, so the database
    the bench measures stays the same."""
    import shutil

    name = min((db / "assets").glob("*.json"))
    copy = name.with_name(f".bench-{name.name}")  # a hidden name is no partition file
    shutil.copyfile(name, copy)
    os.replace(copy, name)


def build_fleet(folder: Path, assets: int, records: int | None) -> None:
    from bench_data import build_ours, fleet_of

    fleet = fleet_of(assets, records)
    t0 = time.perf_counter()
    build_ours(folder, fleet)
    print(f"data: {fleet.label()} (built in {time.perf_counter() - t0:.0f} s)", flush=True)


def main() -> None:
    if sys.argv[1:2] == ["--child"]:  # before argparse: a start child times the command
        kind, *rest = sys.argv[2:-1]  # the last argument is the spawn time
        children = {
            "bare": child_bare,
            "stock": child_stock,
            "start": child_start,
            "filter": child_filter,
        }
        children[kind](*rest)
        return
    import argparse
    import statistics
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--records", type=int, help="records (default: 10 an asset)")
    parser.add_argument("--runs", type=int, default=7, help="start-ups of each kind")
    parser.add_argument("--db", type=Path, help="an existing database instead of a new one")
    args = parser.parse_args()

    from bytecode import compile_bytecode
    from machine import load_line

    print(f"start-up {compile_bytecode()}\n{load_line()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="assettrack-tui-bench-") as tmp:
        db = args.db or Path(tmp) / "db"
        if args.db is None:
            build_fleet(db, args.assets, args.records)
        warm_cache = Path(tmp) / "warm-cache"
        run("start", str(db), cache=warm_cache)  # leaves the snapshot the warm starts use
        bare, cold, changed, warm, patched = [], [], [], [], []
        # Interleaved, so a slow spell of this machine weighs on all of them alike.
        for i in range(args.runs):
            bare.append(run("bare"))
            cold.append(run("start", str(db), cache=Path(tmp) / f"cold-cache-{i}"))
            changed.append(run("start", str(db), cache=without_snapshot(warm_cache, tmp, i)))
            warm.append(run("start", str(db), cache=warm_cache))
        # After the others, which a changed file would slow: the first process to open the
        # database after a change records the store's asset columns again.
        for _ in range(args.runs):
            replace_a_site_file(db)
            patched.append(run("start", str(db), cache=warm_cache))  # leaves its snapshot
        stock = run("stock", str(db))
        typing = run("filter", str(db))
    rows = int(typing["rows"])
    for result in (*cold, *changed, *warm, *patched):
        if result["rows"] != rows:
            raise SystemExit(f"a start painted {result['rows']:,} rows, not all {rows:,}")
    bare_ms = statistics.median(r["paint_ms"] for r in bare)

    def complete(label: str, results: list[dict[str, float]]) -> tuple:
        """When the table held every row: the first paint may show the first screen's
        rows alone (with every row's count and widths), the rest taken right behind it."""
        return (f"  {label}, every row taken", [r["complete_ms"] for r in results], results)

    lines = [
        ("bare Textual app, empty screen", [r["paint_ms"] for r in bare], bare),
        (f"stock DataTable, {stock['rows']:,} rows", [stock["paint_ms"]], [stock]),
        (f"cold start, {rows:,} rows painted", [r["paint_ms"] for r in cold], cold),
        complete("cold start", cold),
        ("cold start, cache kept, no snapshot", [r["paint_ms"] for r in changed], changed),
        complete("no snapshot", changed),
        ("start after one site's file changed", [r["paint_ms"] for r in patched], patched),
        complete("site's file changed", patched),
        (f"warm start, {rows:,} rows painted", [r["paint_ms"] for r in warm], warm),
        complete("warm start", warm),
        ("warm start, store loaded behind it", [r["ready_ms"] for r in warm], warm),
    ]
    print(f"\n{args.runs} start-ups each, median (fastest-slowest)")
    print(f"{'':38} {'time':>22} {'vs bare':>8} {'peak MB':>8}")
    for label, times, results in lines:
        ms = statistics.median(times)
        peak = max(r["peak_mb"] for r in results)
        print(f"{label:38} {spread(times):>22} {ms / bare_ms:>7.2f}x {peak:>8.0f}")
    counts = ", ".join(f"{n:,}" for n in typing["filter_rows"])
    print(
        f"\nfilter keystroke -> table updated, {len(FILTER_KEYS)} keystrokes, each changing the "
        f"rows (to {counts}):\n  median {typing['filter_median_ms']:.1f} ms, "
        f"fastest {typing['filter_min_ms']:.1f} ms, slowest {typing['filter_max_ms']:.1f} ms"
        f"   (stock DataTable clear + refill: {stock['refill_ms']:,.0f} ms)"
    )
    warm_ms = statistics.median(r["paint_ms"] for r in warm)
    peak = max(r["peak_mb"] for r in [*cold, *changed, *warm, *patched, typing])
    cold_ms = statistics.median(r["paint_ms"] for r in cold)
    changed_ms = statistics.median(r["paint_ms"] for r in changed)
    patched_ms = statistics.median(r["paint_ms"] for r in patched)
    checks = [
        (f"warm start painted <= {BARE_FACTOR:g}x bare", warm_ms <= BARE_FACTOR * bare_ms),
        (f"cold start painted <= {BARE_FACTOR:g}x bare", cold_ms <= BARE_FACTOR * bare_ms),
        (
            f"cold start, no snapshot, painted <= {BARE_FACTOR:g}x bare",
            changed_ms <= BARE_FACTOR * bare_ms,
        ),
        (
            f"start after a site's file changed painted <= {BARE_FACTOR:g}x bare",
            patched_ms <= BARE_FACTOR * bare_ms,
        ),
        (
            f"filter median <= {FILTER_MEDIAN_MS:g} ms",
            typing["filter_median_ms"] <= FILTER_MEDIAN_MS,
        ),
        (f"filter slowest <= {FILTER_WORST_MS:g} ms", typing["filter_max_ms"] <= FILTER_WORST_MS),
        (f"app peak memory <= {APP_MEMORY_MB:g} MB", peak <= APP_MEMORY_MB),
    ]
    print("targets: " + "; ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in checks))
    print("all targets met" if all(ok for _, ok in checks) else "SOME TARGETS MISSED")
    print(f"at the end, {load_line()}")


if __name__ == "__main__":
    main()
