"""Small things that decide whether a field engineer trusts the app (issue 12)."""

from __future__ import annotations

import dataclasses

import pytest
from textual.widgets import Input, RichLog, Select, Static
from textual.widgets._footer import FooterKey

from assettrack.domain.models import ConsoleSettings, InspectionState, ItemResult
from assettrack.errors import AssetTrackError
from assettrack.tui.screens.asset_detail import AssetDetailScreen
from assettrack.tui.screens.assets import AssetsScreen
from assettrack.tui.screens.dialogs import ConfirmModal
from assettrack.tui.screens.form_modal import FormModal
from assettrack.tui.screens.inspection import InspectionScreen
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


def notifications(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def open_detail(app, pilot, asset) -> AssetDetailScreen:
    app.push_screen(AssetDetailScreen(app.context, asset))
    await pilot.pause()
    assert isinstance(app.screen, AssetDetailScreen)
    return app.screen


async def inspect(app, pilot, asset) -> InspectionScreen:
    await open_detail(app, pilot, asset)
    await pilot.press("i")
    await pilot.pause()
    assert isinstance(app.screen, InspectionScreen)
    return app.screen


def entry(record, item_id: str):
    return next(e for e in record.items if e.item_id == item_id)


async def test_a_wrong_value_stays_on_its_item_and_says_what_to_type(
    app_factory, demo_register
) -> None:
    asset = demo_register.store.assets.all()[0]
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await inspect(app, pilot, asset)
        await pilot.press("v", "2", "x", "enter")  # room temperature, a typo
        await pilot.pause()
        assert table(app).current_key == "room_temperature"  # not skipped
        assert entry(screen.inspection, "room_temperature").result is None
        said = notifications(app)
        assert "Room temperature: '2x' is not a number — type e.g. 22.5 (°C, 10–35 passes)" in said
        assert not any("room_temperature" in message for message in said)  # no internal key
        await pilot.press("down", "down", "v", *"some", "enter")  # dust level: a choice
        await pilot.pause()
        assert table(app).current_key == "dust"
        assert (
            "Dust level: 'some' is not one of the choices — type one of clean / light / heavy"
            in (notifications(app))
        )
        await pilot.press("up", "up", "v", *"24.5", "enter")  # corrected: on to the next item
        await pilot.pause()
        assert entry(screen.inspection, "room_temperature").result is ItemResult.PASS
        assert table(app).current_key == "room_humidity"


def is_tombstone(store, record) -> bool:
    """The record's document is still in its file, marked deleted (what a merge carries)."""
    from assettrack.store.repositories import is_live

    name = store.inspections.partition_of(record)
    doc = store.db.partition(name).table("inspections").get(doc_id=record.id)
    return doc is not None and not is_live(doc)


async def test_a_draft_is_discarded_after_a_question(app_factory, demo_register) -> None:
    store = demo_register.store
    asset = store.assets.all()[1]
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await inspect(app, pilot, asset)
        draft = screen.inspection
        await pilot.press("p", "d")  # one answer, then discard
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("enter")  # Keep has the focus: Enter keeps the draft
        await pilot.pause()
        assert app.screen is screen and store.inspections.get(asset.site_id, draft.id)
        await pilot.press("d")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, AssetDetailScreen)  # back where the draft was started
        assert store.inspections.get(asset.site_id, draft.id) is None
        assert is_tombstone(store, draft)
        assert "Draft discarded" in notifications(app)
        assert draft.id not in app.screen.records


async def test_only_drafts_are_discarded_from_the_asset_detail(app_factory, demo_register) -> None:
    store, service = demo_register.store, None
    asset = next(a for a in store.assets.all() if store.inspections.for_asset(a.site_id, a.id))
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        service = app.context.inspections
        draft = service.start(asset)  # a draft made by i and left
        screen = await open_detail(app, pilot, asset)
        records = screen.query_one("#history", FastTable)
        assert records.has_focus and records.current_key == draft.id  # newest first
        signed = store.inspections.get(asset.site_id, records.rows[1].key)
        assert signed.state is InspectionState.SIGNED
        await pilot.press("down", "d")  # a signed record: refused, nothing asked
        await pilot.pause()
        assert app.screen is screen
        assert any("never discarded" in m for m in notifications(app))
        assert store.inspections.get(asset.site_id, signed.id).state is InspectionState.SIGNED
        await pilot.press("up", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.click("#yes")
        await pilot.pause()
        assert store.inspections.get(asset.site_id, draft.id) is None
        assert [r.key for r in records.rows] == [r.id for r in service.history(asset)]
        with pytest.raises(AssetTrackError, match="only a draft can be discarded"):
            service.discard_draft(signed)  # the service refuses too
        assert store.inspections.get(asset.site_id, signed.id) is not None


async def test_a_signed_record_opens_read_only(app_factory, demo_register) -> None:
    store = demo_register.store
    asset = next(a for a in store.assets.all() if store.inspections.for_asset(a.site_id, a.id))
    signed = max(store.inspections.for_asset(asset.site_id, asset.id), key=lambda r: r.created_at)
    signed.transcript = "Switch#show version\nCisco IOS XE Software, Version 16.9.5"
    signed.readings = {**signed.readings, "os_version": "16.9.5", "cpu_percent": 12}
    signed.items[0].note = "measured at the intake of rack 3, behind the cold-aisle door"
    store.inspections.save(signed)
    revision = signed.revision
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(app, pilot, asset)
        await pilot.press("enter")  # the newest record is highlighted
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InspectionScreen) and screen.read_only
        assert screen.inspection.id == signed.id
        shown = {row.key: cell(row, 2) for row in table(app).rows}
        assert shown == {e.item_id: e.result.value for e in signed.items}  # every answer
        detail = str(screen.query_one("#item-detail", Static).render())
        assert "behind the cold-aisle door" in detail  # the whole note, not cut short
        log = [str(line.text) for line in screen.query_one("#console-log", RichLog).lines]
        assert any(line.startswith("firmware") and "16.9.5" in line for line in log)
        assert any(line.startswith("cpu") and "12 %" in line for line in log)
        assert "Cisco IOS XE Software, Version 16.9.5" in log  # the transcript
        status = str(screen.query_one("#inspection-status", Static).render())
        assert "read-only" in status and signed.sign_off.representative in status
        for key in ("p", "v", "c", "d", "r"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen and not screen.editing
        assert any("read-only and cannot change" in m for m in notifications(app))
        assert store.inspections.get(asset.site_id, signed.id).revision == revision
        own = {k for k, a in screen.active_bindings.items() if a.node is screen and a.binding.show}
        assert own == {"escape"}  # the footer offers no key that would change the record


def shown_keys(screen, width: int) -> set[str]:
    """The keys whose whole label is on screen in the footer (not cut off or hidden behind
    the command palette's key)."""
    keys = list(screen.query(FooterKey))
    palette = [k for k in keys if k.has_class("-command-palette")]
    limit = palette[0].region.x if palette else width
    return {k.key for k in keys if not k.has_class("-command-palette") and k.region.right <= limit}


MAIN_KEYS = {
    "assets": {"slash", "n", "i", "s"},
    "sites": {"v", "n", "e", "d", "c", "C"},
    "visits": {"n", "r", "o", "left_square_bracket", "right_square_bracket"},
    "conflicts": {"l", "t"},
    "charges": {"n", "e", "r", "w"},
    "warranty": {"3", "6", "9", "x", "g", "e"},
    "detail": {"enter", "escape", "e", "i", "d"},
    "inspection": {"p", "f", "n", "v", "t", "r", "c", "s"},
    "record": {"escape"},
}


async def test_the_main_keys_are_on_screen_at_80_columns(app_factory, demo_register) -> None:
    store = demo_register.store
    asset = next(a for a in store.assets.all() if store.inspections.for_asset(a.site_id, a.id))
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:

        async def check(name: str) -> None:
            await pilot.pause()
            missing = MAIN_KEYS[name] - shown_keys(app.screen, 80)
            assert not missing, (name, missing)

        await check("assets")
        for key, name in (
            ("f2", "sites"),
            ("f5", "visits"),
            ("f7", "conflicts"),
            ("f8", "charges"),
        ):
            await pilot.press(key)
            await check(name)
        await pilot.press("f4")
        await check("warranty")
        await pilot.press("f3")
        await open_detail(app, pilot, asset)
        await check("detail")
        await pilot.press("i")
        await check("inspection")
        await pilot.press("escape", "down", "enter")  # the draft i made is first: a signed one
        await check("record")


async def test_a_firmware_read_is_a_change_to_accept(
    app_factory, demo_register, simulated_console
) -> None:
    store = demo_register.store
    asset = next(a for a in store.assets.all() if a.model == "C9300-48P")
    asset = store.assets.save(
        dataclasses.replace(
            asset, firmware="17.9.4a", console=ConsoleSettings(port=simulated_console("cisco"))
        )
    )
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await inspect(app, pilot, asset)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        flags = str(screen.query_one("#flags", Static).render())
        assert "firmware changed" in flags and "16.9.5" in flags and "17.9.4a" in flags
        (change,) = screen.inspection.parameter_changes
        assert (change.parameter, change.old_value, change.new_value) == (
            "firmware",
            "17.9.4a",
            "16.9.5",
        )
        assert store.assets.get(asset.id).firmware == "17.9.4a"  # the read alone changes nothing
        assert "a" in footer_keys(screen)
        await pilot.press("a")
        await pilot.pause()
        assert store.assets.get(asset.id).firmware == "16.9.5"
        saved = store.inspections.get(asset.site_id, screen.inspection.id)
        assert saved.parameter_changes[0].reason.startswith("read from the console, accepted")
        assert not any(f.startswith("firmware") for f in saved.flags)
        assert "a" not in footer_keys(screen)


def test_completing_never_changes_the_firmware_by_itself(demo_register, app_factory) -> None:
    from assettrack.domain.readings import Readings

    app = app_factory()
    service = app.context.inspections
    store = demo_register.store
    asset = store.assets.save(dataclasses.replace(store.assets.all()[5], firmware="IOS-XE 17.9.4a"))
    draft = service.start(asset)
    service.apply_readings(draft, asset, Readings(os_version="17.9.4a"), "")
    assert draft.flags == [] and draft.parameter_changes == []  # the same version, written short
    service.apply_readings(draft, asset, Readings(os_version="16.9.5"), "")
    assert service.pending_firmware(draft) is not None
    for item in draft.items:
        service.answer(draft, asset, item.item_id, result=ItemResult.NOT_APPLICABLE)
    service.complete(draft, asset)
    assert store.assets.get(asset.id).firmware == "IOS-XE 17.9.4a"
    assert draft.flags and draft.flags[0].startswith("firmware changed")  # kept on the record


async def test_enter_enter_after_a_filter_opens_the_asset(app_factory, demo_register) -> None:
    """Keys that arrive together (typed fast, or pasted): the second Enter opens the asset."""
    from textual import events

    serial = demo_register.store.assets.all()[7].serial_number
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        for key, char in [*((c, c) for c in serial), ("enter", None), ("enter", None)]:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        assert isinstance(app.screen, AssetDetailScreen)
        assert app.screen.asset.serial_number == serial


async def test_a_completed_record_opens_read_only_and_can_be_signed(
    app_factory, demo_register
) -> None:
    store = demo_register.store
    asset = store.assets.all()[2]
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        service = app.context.inspections
        record = service.start(asset)
        for item in record.items:
            service.answer(record, asset, item.item_id, result=ItemResult.PASS)
        service.complete(record, asset)
        await open_detail(app, pilot, asset)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InspectionScreen) and screen.read_only
        assert "s" in shown_keys(screen, 80) and "p" not in footer_keys(screen)
        await pilot.press("f")
        await pilot.pause()
        assert any("can be signed (s) but no longer changed" in m for m in notifications(app))
        assert all(e.result is ItemResult.PASS for e in screen.inspection.items)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SignOffModal)
        await pilot.press(*"Amira", "enter")
        await pilot.pause()
        saved = store.inspections.get(asset.site_id, record.id)
        assert saved.state is InspectionState.SIGNED
        assert "s" not in footer_keys(screen)  # signed: nothing left to do but read it
