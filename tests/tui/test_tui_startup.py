"""Start-up: the asset table painted from the row snapshot, the store loaded behind it.

Real parts throughout: a demo database on disk, the real plugins, the app as the command
line opens it (``open_tui``), driven by Textual's Pilot.
"""

from __future__ import annotations

import marshal
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from rich.cells import cell_len

from assettrack.commands.context import Context
from assettrack.config import load_settings
from assettrack.domain.warranty import WarrantyRules
from assettrack.errors import AssetTrackError
from assettrack.services.assets import AssetRegister
from assettrack.store.database import Database
from assettrack.store.store import Store
from assettrack.tui.asset_facts import SHOWN, FactColumns, register_facts
from assettrack.tui.context import Loaded, TuiContext
from assettrack.tui.launch import open_tui
from assettrack.tui.row_snapshot import (
    FORMAT,
    MAGIC,
    RowSnapshot,
    decode,
    encode,
    snapshot_path,
)
from assettrack.tui.rows import ASSET_COLUMNS, AssetRows
from assettrack.tui.screens.assets import AssetsScreen
from assettrack.tui.widgets.fast_table import FastTable
from tests.conftest import TODAY
from tests.file_opens import age
from tests.tui.conftest import wait_until_loaded

SIZE = (120, 40)


def store_rows(db_path: Path, settings, extensions) -> list[tuple[str, tuple[str, ...]]]:
    """The asset table's rows as the store gives them (key and plain cells), sorted."""
    with Store.open(db_path, read_only=True) as store:
        register = AssetRegister(
            store, extensions.warranty_rules(settings.warranty), extensions.asset_kinds()
        )
        facts = register_facts(register, TODAY)
    rows = AssetRows(facts, TODAY, settings.warranty.thresholds).rows
    return sorted(plain(r) for r in rows)


def plain(row) -> tuple[str, tuple[str, ...]]:
    return row.key, tuple(c if isinstance(c, str) else c.plain for c in row.cells)


def shown_rows(app) -> list[tuple[str, tuple[str, ...]]]:
    return sorted(plain(r) for r in app.screen.query_one(FastTable).rows)


def read_snapshot(path: Path) -> tuple[dict, list[list[str]]]:
    """The key and rows of a snapshot file (as lists, to edit), which holds them a column
    at a time."""
    found = decode(path.read_bytes())
    assert found is not None, "not a snapshot"
    key, columns, _widths, _segments, _rules = found
    return key, [list(row) for row in zip(*columns, strict=True)]


def marshalled(key: dict, columns: object, widths: object, segments: object = None) -> bytes:
    """A snapshot file of any columns, widths and asset file segments, whole and checksummed
    (``encode`` takes facts only)."""
    payload = marshal.dumps((key, columns, widths, segments, None), 4)
    return b"%s %d %d %08x\n" % (MAGIC, FORMAT, len(payload), zlib.crc32(payload)) + payload


async def start_once(context: Context, db_path: Path, cache: Path) -> None:
    """Open the app and quit, as a user would: the start leaves its row snapshot behind."""
    with open_tui(context, db_path, cache_folder=cache) as app:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()


async def test_first_start_loads_the_store_then_snapshots_the_table(
    context, db_path, cache, settings, extensions
) -> None:
    expected = store_rows(db_path, settings, extensions)
    with open_tui(context, db_path, cache_folder=cache) as app:
        # No snapshot yet: the table's rows were read from the store before the paint,
        # the services are made behind it.
        assert not app.context.ready and app.context.first_rows
        async with app.run_test(size=SIZE) as pilot:
            assert shown_rows(app) == expected  # painted from the store's rows
            await wait_until_loaded(app, pilot)
            assert shown_rows(app) == expected
    _, saved = read_snapshot(snapshot_path(cache, db_path))
    assert sorted(fact[0] for fact in saved) == sorted(key for key, _ in expected)


async def test_second_start_paints_from_the_snapshot_and_loads_the_store_after(
    context, db_path, cache, settings, extensions
) -> None:
    await start_once(context, db_path, cache)
    expected = store_rows(db_path, settings, extensions)

    with open_tui(context, db_path, cache_folder=cache) as app:
        assert not app.context.ready  # the snapshot matched: nothing loaded yet
        async with app.run_test(size=SIZE) as pilot:
            assert shown_rows(app) == expected  # painted from the snapshot
            await wait_until_loaded(app, pilot)
            assert shown_rows(app) == expected
            # The store is really there behind the table: open an asset and edit nothing.
            await pilot.press("enter")
            await pilot.pause()
            assert type(app.screen).__name__ == "AssetDetailScreen"


async def test_a_stale_snapshot_is_replaced_by_the_store_rows(
    context, db_path, cache, settings, extensions
) -> None:
    await start_once(context, db_path, cache)
    # A change the file stamps cannot see (a coarse clock, say): firmware edited in the
    # snapshot only, its key left as it was.
    path = snapshot_path(cache, db_path)
    key, saved = read_snapshot(path)
    index = 9  # AssetFacts.firmware
    for fact in saved:
        fact[index] = "STALE-9.9"
    path.write_bytes(encode(key, saved))

    with open_tui(context, db_path, cache_folder=cache) as app:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            firmware_column = 9
            await wait_until_loaded(app, pilot)
            shown = shown_rows(app)
            assert all(cells[firmware_column] != "STALE-9.9" for _, cells in shown)
            assert shown == store_rows(db_path, settings, extensions)
    # ...and the snapshot was written again with the store's rows.
    _, resaved = read_snapshot(path)
    assert all(fact[index] != "STALE-9.9" for fact in resaved)


async def test_an_asset_saved_elsewhere_invalidates_the_snapshot(
    context, db_path, cache, settings, extensions
) -> None:
    await start_once(context, db_path, cache)
    with Store.open(db_path, author="another laptop") as store:
        asset = store.assets.all()[0]
        asset.firmware = "17.9.4a"
        store.assets.save(asset)

    with open_tui(context, db_path, cache_folder=cache) as app:
        # The asset file changed: its rows were read again (the snapshot patched with them).
        firmware = {fact.id: fact.firmware for fact in app.context.first_rows}
        assert firmware[asset.id] == "17.9.4a"
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            shown = dict(shown_rows(app))
            assert shown[asset.id][9] == "17.9.4a"


def test_snapshot_is_refused_when_anything_it_depends_on_changed(
    db_path, cache, settings, extensions
) -> None:
    path = snapshot_path(cache, db_path)
    with Store.open(db_path, author="test") as store:
        register = AssetRegister(store, settings.warranty)
        facts = register_facts(register, TODAY)
        snapshot = RowSnapshot(path, store.db, settings.warranty)
        assert snapshot.load() is None  # none yet
        snapshot.save(facts)
        snapshot.wait()
        assert snapshot.load() == facts

        # Other warranty rules give other end dates.
        other_rules = WarrantyRules.from_mapping({"default_months": 24})
        assert RowSnapshot(path, store.db, other_rules).load() is None

        # A site renamed changes the catalog file.
        site = register.sites()[0]
        site.name += " (new building)"
        store.sites.save(site)
        assert snapshot.load() is None

    # Unreadable, damaged or foreign files are no snapshot, and are not an error either.
    whole = encode(snapshot.key(), facts)  # what a good snapshot of the database is now
    path.write_bytes(whole)
    with Database(db_path, read_only=True).open() as db:
        assert RowSnapshot(path, db, settings.warranty).load() == facts
    head, _, payload = whole.partition(b"\n")
    damaged = bytearray(whole)
    damaged[-10] ^= 0xFF
    for junk in (
        b"",
        b"{not json",
        b'{"key": {}, "assets": []}',  # the JSON of format 2
        whole[:-1],  # cut short
        bytes(damaged),  # a byte changed: the checksum differs
        head.replace(b" %d " % FORMAT, b" %d " % (FORMAT + 1), 1) + b"\n" + payload,  # later
        head.replace(b" %d " % FORMAT, b" 3 ", 1) + b"\n" + payload,  # format 3 kept rows
        encode({"key": 1}, facts),
        head + b"\n" + payload[:-1] + bytes([payload[-1] ^ 1]),  # the last byte changed
    ):
        path.write_bytes(junk)
        with Database(db_path, read_only=True).open() as db:
            assert RowSnapshot(path, db, settings.warranty).load() is None


def test_the_table_is_made_from_the_snapshots_columns_with_no_fact_made(
    db_path, cache, settings
) -> None:
    # The snapshot holds the facts a column at a time; the table's rows and widths are
    # made from the columns, and each asset's facts only once something reads them.
    path = snapshot_path(cache, db_path)
    with Store.open(db_path, author="test") as store:
        register = AssetRegister(store, settings.warranty)
        facts = register_facts(register, TODAY)
        snapshot = RowSnapshot(path, store.db, settings.warranty)
        snapshot.save(facts)
        snapshot.wait()
        loaded = snapshot.load()
    assert isinstance(loaded, FactColumns) and len(loaded) == len(facts) > 0
    # The facts the table shows as they are (not the status and the kind in words).
    assert {c.key for c in ASSET_COLUMNS} - {"status", "kind"} == set(SHOWN)
    assert loaded.widths == {  # recorded in the snapshot, not measured at the start
        name: max(map(cell_len, (getattr(f, name) for f in facts))) for name in SHOWN
    }
    table = AssetRows(loaded, TODAY, settings.warranty.thresholds)
    widths = table.widths()
    assert loaded._rows is None  # no AssetFacts made for the paint
    from_facts = AssetRows(facts, TODAY, settings.warranty.thresholds)
    assert [plain(r) for r in table.rows] == [plain(r) for r in from_facts.rows]
    assert [r.sort_keys for r in table.rows] == [r.sort_keys for r in from_facts.rows]
    assert widths == from_facts.widths()
    # Read as facts, they are the facts saved, equal either way round.
    assert loaded == facts and facts == loaded and list(loaded) == facts
    assert loaded[3] == facts[3] and loaded != facts[1:]
    assert table.filter(facts[0].serial) == from_facts.filter(facts[0].serial)


def test_snapshot_with_a_bad_row_is_refused(db_path, cache, settings) -> None:
    path = snapshot_path(cache, db_path)
    with Store.open(db_path, author="test") as store:
        register = AssetRegister(store, settings.warranty)
        snapshot = RowSnapshot(path, store.db, settings.warranty)
        snapshot.save(register_facts(register, TODAY))
        snapshot.wait()
        assert snapshot.load() is not None
        good = path.read_bytes()
        key, columns, widths, _segments, _rules = decode(good)
        path.write_bytes(marshalled(key, columns, widths))
        assert snapshot.load() is not None  # as written
        damaged = {
            "short column": (*columns[:3], columns[3][:-1], *columns[4:]),
            "a column missing": columns[:-1],
            "not columns": {},
            "a column not a tuple": (*columns[:-1], list(columns[-1])),
        }
        for damage, kept in damaged.items():
            path.write_bytes(marshalled(key, kept, widths))
            assert snapshot.load() is None, damage
        for damage, kept in {
            "a width missing": {k: v for k, v in widths.items() if k != "site"},
            "a width not a number": {**widths, "site": "16"},
            "no widths": [],
        }.items():
            path.write_bytes(marshalled(key, columns, kept))
            assert snapshot.load() is None, damage
        path.write_bytes(good)
        key, saved = read_snapshot(path)
        saved[0][10] = "2026-02-31"  # a bad date
        path.write_bytes(encode(key, saved))
        assert snapshot.load() is None


def test_services_asked_for_before_the_worker_starts_are_loaded_there(
    db_path, settings, extensions
) -> None:
    with Database(db_path, author="test").open() as db:
        calls = []

        def load() -> Loaded:
            from assettrack.tui.app import make_services

            calls.append("load")
            register = AssetRegister(Store(db), settings.warranty)
            return Loaded(make_services(register, extensions), [])

        context = TuiContext(TODAY, Path("."), load=load, thresholds=(90,))
        assert not context.ready
        assert len(context.register.store.assets) > 0  # loads here, does not wait forever
        assert context.ready
        assert context.load() is None  # the worker, starting late, has nothing left to do
        assert calls == ["load"]


async def test_a_failed_load_ends_the_app_with_its_error(
    tmp_path, context, db_path, cache, extensions
) -> None:
    await start_once(context, db_path, cache)
    # Service settings that do not parse: found only when the services are made, after
    # the snapshot was painted.
    bad = tmp_path / "bad.toml"
    bad.write_text('[visits]\nscheduled_per_month = "twice"\n', encoding="utf-8")
    context._settings = load_settings(
        config_file=bad, db_path=db_path, env={}, user_dir=tmp_path / "none"
    )
    with open_tui(context, db_path, cache_folder=cache) as app:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(100):
                await pilot.pause(0.02)
                if app.load_error is not None:
                    break
        assert isinstance(app.load_error, AssetTrackError)
        assert app.return_code == 1


def test_the_command_line_starts_the_tui_without_importing_what_it_does_not_show() -> None:
    # Start-up time is import time first: keep the services, plugins, console code and
    # models off the path to the first paint (they load after it).
    code = (
        "import sys, assettrack.cli, assettrack.tui.launch, assettrack.tui.app;"
        "print('\\n'.join(sorted(sys.modules)))"
    )
    modules = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    eager = [
        m
        for m in modules
        if m.startswith(
            (
                "assettrack.services",
                "assettrack.plugins",
                "assettrack.console",
                "assettrack.commands.assets",
                "assettrack.domain.models",
                "assettrack.store.store",
                "pluggy",  # only loading the plugins needs it (assettrack.hookimpl)
                "importlib.metadata",  # the plugins' entry points (not Textual's version)
            )
        )
    ]
    assert eager == []
    assert "assettrack.tui.screens.assets" in modules
    assert "assettrack.tui.screens.sites" not in modules  # imported when first shown


async def test_other_screens_still_open_on_a_warm_start(context, db_path, cache) -> None:
    await start_once(context, db_path, cache)
    with open_tui(context, db_path, cache_folder=cache) as app:
        async with app.run_test(size=SIZE) as pilot:
            for key, screen in (("f2", "SitesScreen"), ("f4", "WarrantyScreen")):
                await pilot.press(key)
                await pilot.pause()
                assert type(app.screen).__name__ == screen
            await pilot.press("f3")
            await pilot.pause()
            assert isinstance(app.screen, AssetsScreen)
            assert app.screen.query_one(FastTable).rows


# A start in a fresh process, as the command line runs it, counting the forks (or refusing
# them, as where a process cannot be forked); each script below goes on from here.
START = """
import asyncio, os, sys
from datetime import date
from pathlib import Path
from assettrack.commands.context import Context
from assettrack.config import load_settings
from assettrack.tui.launch import open_tui
forks = []
fork = os.fork
def counted_fork():
    if {no_fork!r}:
        raise OSError("no fork here")  # as where a process cannot be forked
    forks.append(1)
    return fork()
os.fork = counted_fork
db = Path({db!r})
context = Context(None, db, date.fromisoformat({today!r}))
context._settings = load_settings(db_path=db, env={{}}, user_dir=Path({user_dir!r}))
"""

COLD_START = """
async def start():
    with open_tui(context, db, cache_folder=Path({cache!r})) as app:
        # The store's files read (or a child forked to read them) before the paint
        read = "assettrack.store.repositories" in sys.modules
        how = "forked" if forks else "read here" if read else "from snapshot"
        print(how, len(app.context.first_rows))
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(50):
                await pilot.pause(0.02)
                if app.context.ready:
                    break
            print("ends", *sorted(f"{{f.id}}={{f.ends}}" for f in app.context.first_rows))
asyncio.run(start())
"""


def start_script(body: str, tmp_path: Path, db_path: Path, cache: Path, no_fork: bool) -> str:
    """``START`` then ``body``, filled in: the database, today, no user settings, the
    cache folder, and whether a fork is refused."""
    return (START + body).format(
        no_fork=no_fork,
        db=str(db_path),
        today=TODAY.isoformat(),
        user_dir=str(tmp_path / "none"),
        cache=str(cache),
    )


@pytest.mark.parametrize("recorded", [True, False], ids=["columns file", "store"])
@pytest.mark.parametrize(
    ("no_fork", "first"), [(False, "forked"), (True, "read here")], ids=["forked", "no fork"]
)
def test_a_cold_start_reads_the_rows_and_the_next_paints_from_its_snapshot(
    tmp_path, db_path, cache, settings, extensions, no_fork, first, recorded
) -> None:
    # In fresh processes, as the command line runs them: the first start has no snapshot,
    # so its rows are read before the paint (by a child forked while the app is imported,
    # or here where no child can be forked), with the plugins' warranty rules, and the
    # table it paints leaves the snapshot; the second paints from it. The rows come from
    # the columns file while it records every asset file (files dated back, the store
    # opened once), else through the store (files just written are not recorded).
    if recorded:
        age(db_path)
        with Store.open(db_path, read_only=True):
            pass
    script = start_script(COLD_START, tmp_path, db_path, cache, no_fork)
    expected = store_rows(db_path, settings, extensions)
    ends = sorted(f"{key}={cells[6]}" for key, cells in expected)
    for start in (first, "from snapshot"):
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr
        said, shown = out.stdout.splitlines()
        assert said == f"{start} {len(expected)}"
        # The end dates painted are the store's, worked out with the plugins' rules.
        assert shown.split() == ["ends", *ends]
    _, saved = read_snapshot(snapshot_path(cache, db_path))
    assert sorted(f"{fact[0]}={fact[10]}" for fact in saved) == ends


DAMAGED_START = """
async def start():
    try:
        with open_tui(context, db, cache_folder=Path({cache!r})) as app:
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause(0.5)
            print("forked" if forks else "not forked", "app ended:", type(app.load_error).__name__)
    except Exception as error:
        print("forked" if forks else "not forked", "raised:", type(error).__name__)
asyncio.run(start())
"""


@pytest.mark.parametrize(
    ("no_fork", "said"),
    [
        (False, "forked app ended: CorruptStoreError"),
        (True, "not forked raised: CorruptStoreError"),
    ],
    ids=["forked", "no fork"],
)
def test_a_damaged_asset_file_on_a_cold_start_ends_with_its_error(
    tmp_path, db_path, cache, no_fork, said
) -> None:
    # The rows are read before the paint: the damaged file's error reaches the command
    # line (which says it in a line, and exits 1) rather than the app's screen, whether
    # the app started while a child read them (it ends and leaves the error) or not.
    damaged = sorted((db_path / "assets").glob("*.json"))[0]
    damaged.write_bytes(b'{"assets": {"x": [1, 2')
    script = start_script(DAMAGED_START, tmp_path, db_path, cache, no_fork)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [said]
    assert damaged.read_bytes() == b'{"assets": {"x": [1, 2'  # left as it was


def test_a_warm_start_paints_before_importing_the_plugins_models_or_visits(
    tmp_path, db_path, cache
) -> None:
    # In a fresh process, as the command line runs it: what is imported when the table
    # first draws a row of the snapshot. The plugins (pluggy, their entry points, the API
    # range check), the store's model and the visit and getting-started code load behind
    # the paint, or when first needed; hashlib (OpenSSL, 3 ms) is not needed at all.
    script = f"""
import asyncio, sys
from datetime import date
from pathlib import Path
from assettrack.commands.context import Context
from assettrack.config import load_settings
from assettrack.tui.launch import open_tui
from assettrack.tui.widgets.fast_table import FastTable
db = Path({str(db_path)!r})
context = Context(None, db, date.fromisoformat({TODAY.isoformat()!r}))
context._settings = load_settings(db_path=db, env={{}}, user_dir=Path({str(tmp_path / "none")!r}))
at_first_row = []
draw = FastTable.render_line
def drawing(self, y):
    if self.rows and not at_first_row:
        at_first_row.append(set(sys.modules))
    return draw(self, y)
FastTable.render_line = drawing
async def start():
    with open_tui(context, db, cache_folder=Path({str(cache)!r})) as app:
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(50):
                await pilot.pause(0.02)
                if app.context.ready:
                    break
asyncio.run(start())
watched = ["pluggy", "importlib.metadata", "packaging", "assettrack.plugins.host",
           "assettrack.domain.models", "assettrack.tui.visit_flows",
           "assettrack.tui.screens.first_start", "hashlib"]
print(" ".join(m for m in watched if m in at_first_row[0]) or "none")
print(" ".join(m for m in watched[:5] if m in sys.modules))
"""
    runs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
        for _ in range(2)  # the first leaves the snapshot the second paints from
    ]
    for out in runs:
        assert out.returncode == 0, out.stderr
    before_paint, by_the_end = runs[1].stdout.splitlines()
    assert before_paint == "none"
    # ...and they were loaded behind it.
    assert {"pluggy", "assettrack.plugins.host", "assettrack.domain.models"} <= set(
        by_the_end.split()
    )


@pytest.mark.parametrize("blocker", ["cache folder is a file", "snapshot path is a folder"])
def test_a_snapshot_that_cannot_be_written_costs_nothing_but_time(
    tmp_path, db_path, settings, monkeypatch, blocker
) -> None:
    import threading

    errors: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(args.exc_value))
    if blocker == "cache folder is a file":
        (tmp_path / "blocked").write_text("not a folder")
        path = snapshot_path(tmp_path / "blocked", db_path)
    else:
        path = snapshot_path(tmp_path / "cache", db_path)
        path.mkdir(parents=True)
    with Store.open(db_path, author="test") as store:
        register = AssetRegister(store, settings.warranty)
        snapshot = RowSnapshot(path, store.db, settings.warranty)
        snapshot.save(register_facts(register, TODAY))
        snapshot.wait()
        assert errors == []
        assert RowSnapshot(path, store.db, settings.warranty).load() is None
