"""Small things that decide whether a field engineer trusts the app (issue 12)."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from assettrack.tui.screens.asset_detail import AssetDetailScreen
from assettrack.tui.screens.assets import AssetsScreen
from assettrack.tui.screens.form_modal import FormModal
from assettrack.tui.screens.modals import LoginModal, SignOffModal
from assettrack.tui.screens.warranty import WarrantyScreen
from assettrack.tui.widgets.fast_table import FastTable


def table(app) -> FastTable:
    return app.screen.query_one(FastTable)


def cell(row, index: int) -> str:
    value = row.cells[index]
    return value if isinstance(value, str) else value.plain


async def test_filter_down_enter_opens_the_highlighted_asset(app_factory, demo_register) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"cisco")
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#filter", Input)
        filtered = table(app).rows
        assert len(filtered) > 2
        await pilot.press("down")  # from the filter box into the table, one row on
        await pilot.pause()
        assert table(app).has_focus and table(app).current_key == filtered[1].key
        await pilot.press("enter")  # the first Enter opens it
        await pilot.pause()
        assert isinstance(app.screen, AssetDetailScreen)
        assert app.screen.asset.id == filtered[1].key


async def test_clearing_the_filter_keeps_the_cursor_on_the_asset(
    app_factory, demo_register
) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"cisco", "enter", "down", "down")  # Enter: from the box to the table
        await pilot.pause()
        chosen = table(app).current_key
        assert chosen is not None and chosen != table(app).rows[0].key
        await pilot.press("escape")  # the filter is cleared: every asset again
        await pilot.pause()
        assert len(table(app).rows) == 200
        assert table(app).current_key == chosen
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AssetDetailScreen) and app.screen.asset.id == chosen
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AssetsScreen) and table(app).current_key == chosen


def footer_keys(screen) -> dict[str, str]:
    """The keys the footer shows, with their labels."""
    return {
        key: active.binding.description
        for key, active in screen.active_bindings.items()
        if active.binding.show and active.enabled
    }


async def test_warranty_opens_on_what_expires_soon(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WarrantyScreen)
        days = [int(cell(r, 2)) for r in table(app).rows]
        assert days and all(0 <= d <= 90 for d in days)  # nothing expired on top
        summary = str(screen.query_one("#warranty-summary", Static).render())
        assert "expired: " in summary and "(x shows)" in summary
        assert footer_keys(screen)["x"] == "Show expired"
        await pilot.press("x")
        await pilot.pause()
        assert cell(table(app).rows[0], 0) == "expired"
        assert footer_keys(screen)["x"] == "Hide expired"
        await pilot.press("x")
        await pilot.pause()
        assert all(int(cell(r, 2)) >= 0 for r in table(app).rows)


async def test_every_dialog_opens_with_its_first_field_focused(app_factory, demo_register) -> None:
    asset = demo_register.store.assets.all()[0]
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        for go in (("f5", "n"), ("f6", "n")):  # record a visit, report a fault
            await pilot.press(*go)
            await pilot.pause()
            form = app.screen
            assert isinstance(form, FormModal)
            first = form.query_one(f"#field-{form.fields[0].name}")
            assert form.focused is first, (go, form.focused)
            await pilot.press("escape")
            await pilot.pause()
        for modal, first_id in ((SignOffModal(), "representative"), (LoginModal(), "username")):
            app.push_screen(modal)
            await pilot.pause()
            assert modal.focused is modal.query_one(f"#{first_id}", Input)
            modal.dismiss(None)
            await pilot.pause()
        app.push_screen(AssetDetailScreen(app.context, asset))
        await pilot.pause()
        await pilot.press("e")  # the asset form
        await pilot.pause()
        assert isinstance(app.screen.focused, Input | Select)
