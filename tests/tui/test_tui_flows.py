"""The app driven by Pilot, as an engineer and a team lead use it."""

from __future__ import annotations

import dataclasses
import socket

from textual.widgets import Input, RichLog, Static

from assettrack.domain.models import ConsoleSettings, InspectionState, ItemResult
from assettrack.tui.screens.asset_detail import AssetDetailScreen
from assettrack.tui.screens.asset_form import AssetFormScreen
from assettrack.tui.screens.assets import AssetsScreen
from assettrack.tui.screens.help import HelpScreen
from assettrack.tui.screens.inspection import InspectionScreen
from assettrack.tui.screens.modals import SignOffModal
from assettrack.tui.screens.sites import SitesScreen
from assettrack.tui.screens.warranty import WarrantyScreen
from assettrack.tui.widgets.fast_table import FastTable


def table_rows(app) -> list:
    return app.screen.query_one(FastTable).rows


def cell(row, index: int) -> str:
    value = row.cells[index]
    return value if isinstance(value, str) else value.plain


async def test_type_to_filter_and_sort(app_factory, demo_register) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, AssetsScreen)
        assert len(table_rows(app)) == 200
        await pilot.press(*"huawei")  # typed straight into the table: it goes to the filter
        await pilot.pause()
        assert app.screen.query_one("#filter", Input).value == "huawei"
        rows = table_rows(app)
        assert rows and all(cell(r, 2) == "Huawei" for r in rows)
        assert str(app.screen.query_one("#count", Static).render()).startswith(
            f"{len(rows)} of 200"
        )
        await pilot.press("space", *"expired")  # every word must match
        await pilot.pause()
        assert all(cell(r, 5) == "expired" for r in table_rows(app))
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
        assert len(table_rows(app)) == 200
        table = app.screen.query_one(FastTable)
        await pilot.click(FastTable, offset=(table.widths[0] + 2, 0))  # the Kind title
        await pilot.pause()
        kinds = [cell(r, 1) for r in table_rows(app)]
        assert kinds == sorted(kinds)
        await pilot.click(FastTable, offset=(table.widths[0] + 2, 0))
        await pilot.pause()
        kinds = [cell(r, 1) for r in table_rows(app)]
        assert kinds == sorted(kinds, reverse=True)


async def test_add_an_asset_with_messages_beside_the_fields(app_factory, demo_register) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AssetFormScreen)
        site = demo_register.sites()[0]
        form.query_one("#field-site_id").value = site.id
        form.query_one("#field-kind").value = "firewall"
        form.query_one("#field-model", Input).value = "USG6525E"
        form.query_one("#field-serial_number", Input).value = "has space"
        form.query_one("#field-installed_on", Input).value = "2026-02-30"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AssetFormScreen)
        errors = {e.id: str(e.render()) for e in form.query(".form-error.shown")}
        assert set(errors) == {"error-vendor", "error-serial_number", "error-installed_on"}
        assert "is required" in errors["error-vendor"]
        assert "not a valid date" in errors["error-installed_on"]
        form.query_one("#field-vendor", Input).value = "Huawei"
        form.query_one("#field-serial_number", Input).value = "2102399999"
        form.query_one("#field-installed_on", Input).value = "2026-02-28"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AssetsScreen)
        added = [a for a in demo_register.store.assets.all() if a.serial_number == "2102399999"]
        assert len(added) == 1 and added[0].site_id == site.id
        assert app.screen.query_one(FastTable).current_key == added[0].id


async def test_edit_from_the_detail_screen(app_factory, demo_register) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        key = app.screen.query_one(FastTable).current_key
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AssetDetailScreen)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#field-location", Input).value = "机房 B / 机柜 07"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AssetDetailScreen)
        assert app.screen.asset.location == "机房 B / 机柜 07"  # the detail shows the saved asset
        assert demo_register.store.assets.get(key).location == "机房 B / 机柜 07"


def cisco_asset(register, url: str):
    asset = next(a for a in register.store.assets.all() if a.model == "C9300-48P")
    return register.store.assets.save(dataclasses.replace(asset, console=ConsoleSettings(port=url)))


async def open_inspection(app, pilot, asset) -> InspectionScreen:
    app.push_screen(AssetDetailScreen(app.context, asset))
    await pilot.pause()
    await pilot.press("i")
    await pilot.pause()
    assert isinstance(app.screen, InspectionScreen)
    return app.screen


async def test_read_the_console_of_a_simulated_device(
    app_factory, demo_register, simulated_console
) -> None:
    asset = cisco_asset(demo_register, simulated_console("cisco", failed_fan=True))
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_inspection(app, pilot, asset)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        items = {e.item_id: e for e in screen.inspection.items}
        assert items["fans"].result is ItemResult.FAIL
        assert items["cpu"].result is ItemResult.PASS
        assert items["fans"].filled_from == "readings (autofill)"
        log = screen.query_one("#console-log", RichLog)
        assert log.display and any("show version" in str(line.text) for line in log.lines)
        saved = demo_register.store.inspections.get(asset.site_id, screen.inspection.id)
        assert saved.driver == "cisco_ios" and saved.readings["cpu_percent"] is not None
        assert "show version" in saved.transcript


async def test_a_dead_port_is_reported_and_nothing_is_lost(app_factory, demo_register) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    asset = cisco_asset(demo_register, f"socket://127.0.0.1:{port}")
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_inspection(app, pilot, asset)
        await pilot.press("p")
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        log = screen.query_one("#console-log", RichLog)
        assert any("Nothing accepted the connection" in str(line.text) for line in log.lines)
        saved = demo_register.store.inspections.get(asset.site_id, screen.inspection.id)
        assert saved.items[0].result is ItemResult.PASS


async def test_cancel_a_read_that_hangs(app_factory, demo_register, simulated_console) -> None:
    asset = cisco_asset(demo_register, simulated_console("cisco", faults=frozenset({"silence"})))
    app = app_factory(idle_timeout=30.0)  # without cancel this read would wait a long time
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_inspection(app, pilot, asset)
        await pilot.press("r")
        await pilot.pause(0.3)
        assert screen.reader is not None
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.reader is None
        assert isinstance(app.screen, InspectionScreen)  # cancelling did not leave the screen
        log = screen.query_one("#console-log", RichLog)
        assert any("cancelled" in str(line.text) for line in log.lines)


async def test_leave_and_resume_a_draft(app_factory, demo_register) -> None:
    asset = demo_register.store.assets.all()[0]
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_inspection(app, pilot, asset)
        first_id = screen.inspection.id
        await pilot.press("v", "2", "6", "enter")  # room temperature
        await pilot.press("f")  # humidity: fail, and on to the next item
        await pilot.press("up", "t", *"wet", "enter")
        await pilot.pause()
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, InspectionScreen)
    again = app_factory()  # a new app on the same database: as after a crash
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await open_inspection(again, pilot, asset)
        assert screen.inspection.id == first_id
        items = screen.inspection.items
        assert (items[0].value, items[0].result) == ("26", ItemResult.PASS)
        assert (items[1].result, items[1].note) == (ItemResult.FAIL, "wet")


async def test_complete_and_sign(app_factory, demo_register) -> None:
    asset = demo_register.store.assets.all()[3]
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_inspection(app, pilot, asset)
        await pilot.press("c")  # nothing answered yet: refused, cursor on the first open item
        await pilot.pause()
        assert screen.inspection.state is InspectionState.DRAFT
        for _ in screen.inspection.items:
            await pilot.press("n")
        await pilot.press("c")
        await pilot.pause()
        assert screen.inspection.state is InspectionState.COMPLETE
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SignOffModal)
        await pilot.press(*"Wang", "enter")
        await pilot.pause()
        saved = demo_register.store.inspections.get(asset.site_id, screen.inspection.id)
        assert saved.state is InspectionState.SIGNED and saved.sign_off.representative == "Wang"
        assert demo_register.store.assets.get(asset.id).last_inspection is not None


async def test_warranty_review_groups_and_exports(app_factory, tmp_path) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WarrantyScreen)
        assert all(0 <= int(cell(r, 2)) <= 90 for r in table_rows(app))  # expired behind x
        await pilot.press("x")
        await pilot.pause()
        rows = table_rows(app)
        assert rows and cell(rows[0], 0) == "expired"
        await pilot.press("x", "3")  # no expired, within 30 days
        await pilot.pause()
        assert all(0 <= int(cell(r, 2)) <= 30 for r in table_rows(app))
        await pilot.press("g")
        await pilot.pause()
        assert " / " in cell(table_rows(app)[0], 0)  # grouped by customer / site
        await pilot.press("e")
        await pilot.pause()
        exported = list((tmp_path / "exports").glob("warranty-*.csv"))
        assert len(exported) == 1
        lines = exported[0].read_text(encoding="utf-8-sig").splitlines()
        assert len(lines) == len(table_rows(app)) + 1


async def test_sites_lead_to_their_assets(app_factory, demo_register) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, SitesScreen)
        rows = table_rows(app)
        assert len(rows) == 8
        site_name = cell(rows[0], 1)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AssetsScreen) and app.screen.site is not None
        assert {cell(r, 0) for r in table_rows(app)} == {site_name}
        await pilot.press("f3")  # back to all assets
        await pilot.pause()
        assert len(table_rows(app)) == 200


async def test_help_palette_and_theme(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is not dark
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"warranty review", "enter")
        await pilot.pause()
        assert isinstance(app.screen, WarrantyScreen)


async def test_fast_typing_loses_no_key(app_factory, demo_register) -> None:
    """Keys that arrive together (a fast typist, a barcode scanner) all land where meant."""
    from textual import events

    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        serial = demo_register.store.assets.all()[7].serial_number
        for ch in serial:  # all queued before the app handles the first
            app.post_message(events.Key(ch, ch))
        await pilot.pause()
        assert app.screen.query_one("#filter", Input).value == serial
        assert [cell(r, 4) for r in table_rows(app)] == [serial]
        asset = demo_register.store.assets.all()[7]
        screen = await open_inspection(app, pilot, asset)
        for key, ch in [
            ("v", "v"),
            ("2", "2"),
            ("3", "3"),
            ("full_stop", "."),
            ("5", "5"),
            ("enter", None),
            ("p", "p"),
        ]:
            app.post_message(events.Key(key, ch))
        await pilot.pause()
        items = screen.inspection.items
        assert (items[0].value, items[0].result) == ("23.5", ItemResult.PASS)
        assert items[1].result is ItemResult.PASS  # the p after Enter answered the next item
