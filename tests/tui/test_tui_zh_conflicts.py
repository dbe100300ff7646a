"""The conflicts screen in Chinese (issue 16): a record deleted here and edited on another
laptop is labelled （已删除）, its detail's columns in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Static

from assettrack import i18n
from assettrack.services.git_sync import init_sync, sync
from assettrack.store.store import Store
from assettrack.tui.screens.conflicts import ConflictsScreen
from assettrack.tui.widgets.fast_table import FastTable
from tests.test_git_sync import seed


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


def deleted_here_edited_there(store: Store, other: Path, remote: Path) -> None:
    seeded = seed(store)
    init_sync(store, str(remote))
    with Store.open(other, author="张工") as theirs:
        init_sync(theirs, str(remote))
        fault = theirs.faults.get(seeded.site.id, seeded.fault.id)
        assert fault is not None
        fault.resolution = "更换电源模块"
        theirs.faults.save(fault)
        sync(theirs)
    store.faults.delete(store.faults.get(seeded.site.id, seeded.fault.id))  # type: ignore[arg-type]
    assert sync(store).merge.conflicts == 1


async def test_a_deleted_records_conflict_in_chinese(
    app_factory, demo_register, tmp_path: Path
) -> None:
    remote = tmp_path / "team.git"
    remote.mkdir()
    deleted_here_edited_there(demo_register.store, tmp_path / "zhang", remote)
    app = app_factory(language="zh_CN")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(ConflictsScreen(app.context))
        await pilot.pause()
        (row,) = app.screen.query_one(FastTable).rows
        assert row.cells[0] == "（已删除）"
        detail = app.screen.query_one("#conflict-detail", Static).content
        console = Console(width=118, record=True)
        console.print(detail)
        shown = console.export_text()
        assert "（已删除）" in shown and "(deleted)" not in shown
        assert "字段" in shown and "本机" in shown and "对方" in shown
        assert "Field" not in shown and "Theirs" not in shown
