"""A large table paints the first screen's rows alone, then takes every row right behind it.

From ``FIRST_SCREEN_FROM`` rows the asset table's first frame is made of the rows that fit
on the screen, picked without making the others, with the count, widths and scroll bar of
every row; the rest are made once that frame is drawn. What is painted must be what the
whole table shows at its top, and nothing typed meanwhile may be lost or act on the first
rows alone. Real parts: a database of 2,400 assets written by the store, the app as the
command line opens it (``open_tui``), driven by Textual's Pilot.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from assettrack.commands.context import Context
from assettrack.domain.models import Asset, Site
from assettrack.services.assets import AssetRegister
from assettrack.store.store import Store
from assettrack.tui.app import AssetTrackApp
from assettrack.tui.asset_facts import AssetFacts, FactColumns, fact_columns
from assettrack.tui.launch import open_tui
from assettrack.tui.rows import ASSET_COLUMNS, AssetRows
from assettrack.tui.screens.assets import FIRST_SCREEN_FROM, AssetsScreen
from assettrack.tui.widgets.fast_table import FastTable
from tests.conftest import TODAY
from tests.tui.conftest import context_for

SIZE = (120, 40)
# Sites whose names sort the same folded (a run of rows from several sites, in the store's
# order), Chinese names, and sizes that put the first screen's edge inside such a run.
SITES = [
    ("华东医院集团", "Site b", 7),
    ("Another customer", "site B", 5),
    ("华东医院集团", "SITE A", 30),
    ("Another customer", "Site a", 4),
    ("华东医院集团", "机房 0001", 60),
    ("Another customer", "Ärzte Haus", 3),
]
ASSETS = 2_400


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,400 assets on 46 sites (most on sites named "Z rack 00".."Z rack 39", which sort
    after the others), saved by the store: a table past ``FIRST_SCREEN_FROM`` rows."""
    from assettrack.config import load_settings

    folder = tmp_path_factory.mktemp("first-screen") / "db"
    settings = load_settings(env={}, user_dir=folder.parent / "none")
    named = [*SITES, *(("Rack owner", f"Z rack {n:02d}", 0) for n in range(40))]
    placed = sum(count for *_, count in SITES)
    each = (ASSETS - placed) // 40
    with Store.open(folder, author="test") as store:
        register = AssetRegister(store, settings.warranty)
        assets = []
        for customer, name, count in named:
            site = register.add_site(Site(customer, name))
            for n in range(count or each):
                assets.append(
                    Asset(
                        site.id,
                        ("switch", "router", "firewall")[n % 3],
                        ("Cisco", "Huawei", "H3C")[n % 3],
                        f"M{n % 7}",
                        f"SN-{len(assets):05d}",
                        location=f"rack {n % 9}",
                        installed_on=date(2021, 1, 1) + timedelta(days=17 * n),
                    )
                )
        assets += [
            Asset(assets[0].site_id, "switch", "Cisco", "C9300", f"SN-extra-{n}")
            for n in range(ASSETS - len(assets))
        ]
        store.assets.add_many(assets)
    assert len(assets) == ASSETS >= FIRST_SCREEN_FROM
    return folder


@pytest.fixture
def context(big_db: Path, settings, extensions) -> Context:
    return context_for(big_db, settings, extensions)


def plain(row) -> tuple[str, tuple[str, ...]]:
    return row.key, tuple(c if isinstance(c, str) else c.plain for c in row.cells)


def test_the_first_rows_are_the_top_of_the_whole_table_sorted_by_site() -> None:
    # Facts with sites that fold alike ("Site a", "SITE A"), in runs and scattered, and a
    # first screen whose edge falls inside such a run or between two: the rows picked are
    # the sorted table's first rows, in its order, at every count.
    sites = ["Site b", "SITE A", "机房", "Site a", "site B", "Ärzte", "SITE A", "Site a", "b"]
    facts = [
        AssetFacts(f"id{n}", sites[(n * 7) % len(sites)], "c", "switch", "Cisco", "M",
                   f"SN{n}", "", "", "", f"2027-01-0{1 + n % 9}", "", "", "")
        for n in range(300)
    ]  # fmt: skip
    table = FastTable(ASSET_COLUMNS)
    table.sort_column = 0
    for held in (facts, FactColumns(fact_columns(facts))):
        expected = [plain(r) for r in table.sorted(AssetRows(held, TODAY, (30,)).rows)]
        for count in (1, 2, 33, 34, 35, 40, 100, 299, 300, 500):
            rows = AssetRows(held, TODAY, (30,))
            assert [plain(r) for r in rows.first(count)] == expected[:count]
            assert not rows.made  # the first rows alone were made


async def test_a_large_table_paints_its_first_screen_then_takes_every_row(
    context, big_db, tmp_path, monkeypatch
) -> None:
    frames: list[dict] = []
    display = AssetTrackApp._display

    def seen(app, screen, renderable) -> None:  # the table as each frame shows it
        display(app, screen, renderable)
        table = app.screen.query(FastTable)
        if renderable is not None and table and table.first().rows and not frames:
            table = table.first()
            frames.append(
                {
                    "complete": table.complete,
                    "rows": [plain(r) for r in table.rows],
                    "count": table.row_count,
                    "widths": list(table.widths),
                    "height": table.virtual_size.height,
                    "label": str(app.screen.query_one("#count").render()),
                }
            )

    monkeypatch.setattr(AssetTrackApp, "_display", seen)
    with open_tui(context, big_db, cache_folder=tmp_path / "cache") as app:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            table = app.screen.query_one(FastTable)
            # Right behind the first frame: every row, in the same order, same widths.
            assert table.complete and len(table.rows) == ASSETS
            every = [plain(r) for r in table.rows]
            assert every == [plain(r) for r in table.sorted(list(table.rows))]
            first = frames[0]
            assert not first["complete"]  # the first frame had the first screen's rows alone
            assert SIZE[1] >= len(first["rows"]) >= SIZE[1] - 5
            assert first["rows"] == every[: len(first["rows"])]
            assert first["count"] == ASSETS and first["height"] == ASSETS + 1  # the scroll bar
            assert first["widths"] == list(table.widths)
            assert first["label"] == "2,400 of 2,400" == label(app)
            # The screen's edge falls inside the run of "site b" rows (two sites).
            sites = Counter(cells[0].casefold() for _key, cells in first["rows"])
            assert sites == {"site a": 34, "site b": 6}


def label(app) -> str:
    return str(app.screen.query_one("#count", Static).render())


@pytest.mark.parametrize(
    "keys", [("end",), ("h", "3", "c"), ("s",), ("pagedown", "pagedown", "down"), ("r",)]
)
async def test_keys_read_before_every_row_is_taken_act_on_every_row(
    context, big_db, tmp_path, monkeypatch, keys
) -> None:
    # A key read before the rows are all taken (they are taken right behind the paint; a
    # key may come first) takes them itself: with nothing taking them behind the paint
    # here, each key acts on the whole table, and none is lost. Compared with the same
    # keys pressed on the table once it had every row.
    async def after(keys: tuple[str, ...], partial: bool) -> tuple:
        cache = tmp_path / ("partial" if partial else "whole")
        with open_tui(context, big_db, cache_folder=cache) as app:
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                table = app.screen.query_one(FastTable)
                assert table.complete is not partial
                await pilot.press(*keys)
                await pilot.pause()
                return (
                    table.current_key,
                    table.sort_state,
                    [r.key for r in table.rows],
                    app.screen.query_one("#filter", Input).value,
                    label(app),
                )

    expected = await after(keys, partial=False)
    with monkeypatch.context() as patch:
        for waits in ("_fill_table", "_prepare_filter"):
            patch.setattr(AssetsScreen, waits, lambda *_args: None)
        got = await after(keys, partial=True)
    assert got == expected
    current, _sort, rows, typed, _count = got
    if keys == ("end",):
        assert current == rows[-1] and len(rows) == ASSETS
    if keys[0] == "h":
        assert typed == "h3c" and 0 < len(rows) < ASSETS


async def test_scrolling_past_the_first_rows_draws_the_whole_tables_rows(
    context, big_db, tmp_path, monkeypatch
) -> None:
    # The mouse wheel or the scroll bar moves the view, not the cursor: the lines past the
    # first rows are drawn from every row, taken then (nothing takes them behind the paint
    # here).
    for waits in ("_fill_table", "_prepare_filter"):
        monkeypatch.setattr(AssetsScreen, waits, lambda *_args: None)
    with open_tui(context, big_db, cache_folder=tmp_path / "cache") as app:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            table = app.screen.query_one(FastTable)
            assert not table.complete
            table.scroll_to(y=1_000, animate=False)
            await pilot.pause()
            assert table.complete
            every = [r.key for r in table.sorted(list(table.rows))]
            assert [r.key for r in table.rows] == every
            line = table.render_line(1).text  # the first row in view
            assert table.rows[1_000].cells[4] in line  # its serial number
