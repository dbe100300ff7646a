from __future__ import annotations

from textual.widgets import DataTable

from assettrack.services.demo import build_demo
from assettrack.tui.app import make_app
from tests.conftest import TODAY


async def test_asset_list_shows_every_asset_with_coloured_status(register) -> None:
    build_demo(register, TODAY, assets_per_site=5)
    app = make_app(register, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.query_one("#assets", DataTable)
        assert table.row_count == len(register.store.assets) == 40
        statuses = {
            table.get_row_at(i)[-1].plain: str(table.get_row_at(i)[-1].style)
            for i in range(table.row_count)
        }
        assert statuses["expired"] == "bold red"
        assert any(label.startswith("expiring") for label in statuses)
        assert "as of 2026-12-01" in app.sub_title
        await pilot.press("q")
    assert app.return_code == 0
