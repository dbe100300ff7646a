"""Evidence from the screens: a photo attached to a fault with a, to an inspection's item with
e, and the files dropped into the inbox folder taken when the path is left empty."""

from __future__ import annotations

import os
import time
from pathlib import Path

from PIL import Image
from rich.console import Console
from textual.widgets import Input, Static

from assettrack.domain.attachments import AttachmentTarget
from assettrack.domain.models import ItemResult, SignOff
from assettrack.tui.screens.fault_detail import FaultDetailScreen
from assettrack.tui.screens.form_modal import FormModal
from assettrack.tui.screens.inspection import InspectionScreen
from assettrack.tui.widgets.fast_table import FastTable


def photo(path: Path, color: str = "orange") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (320, 240), color).save(path)
    return path


def plain(widget: Static) -> str:
    console = Console(width=120, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(widget.content)
    return console.export_text()


def said(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def fill(pilot, values: dict[str, str]) -> None:
    form = pilot.app.screen
    assert isinstance(form, FormModal), form
    for name, value in values.items():
        form.query_one(f"#field-{name}", Input).value = value
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_a_photo_attached_to_a_fault_with_a(app_factory, demo_register, tmp_path):
    app = app_factory()
    fault = next(f for f in demo_register.store.faults.iter_all() if "PWR1" in f.symptom)
    jpeg = photo(tmp_path / "burnt psu.jpg")
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(FaultDetailScreen(app.context, fault))
        await pilot.pause()
        screen = app.screen
        files = screen.query_one("#fault-files", Static)
        assert "Files: none (a attaches a photo or a document)" in plain(files)

        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        inbox = demo_register.store.folder / "inbox"
        assert str(inbox) in str(form.intro)  # where files can be dropped instead
        # A path pasted from a file manager comes quoted; a typo keeps the dialog open.
        await fill(pilot, {"path": str(tmp_path / "nope.jpg")})
        assert app.screen is form
        assert "no such file" in plain(form.query_one("#form-problem", Static))
        await fill(pilot, {"path": f"'{jpeg}'", "caption": "PSU after the short"})

        assert app.screen is screen
        size = jpeg.stat().st_size
        assert f"Attached burnt psu.jpg ({size / 1024:.1f} KB)" in said(app)
        (attachment,) = app.context.attachments.for_target(AttachmentTarget.FAULT, fault.id)
        assert attachment.caption == "PSU after the short" and attachment.added_by == "李工"
        shown = plain(files)
        assert "Files (1)" in shown and "burnt psu.jpg — PSU after the short" in shown
        assert f"{size / 1024:.1f} KB" in shown and f"{attachment.added_at:%Y-%m-%d %H:%M}" in shown

        # The path left empty: the files waiting in the inbox are attached.
        dropped = photo(inbox / "rma form.png", "white")
        old = time.time() - 60
        os.utime(dropped, (old, old))
        await pilot.press("a")
        await pilot.pause()
        await fill(pilot, {"path": ""})
        assert any(s.startswith("Attached rma form.png") for s in said(app))
        assert not dropped.exists() and "Files (2)" in plain(files)

        # A file gone from this computer is still listed, saying so.
        app.context.attachments.path_of(attachment).unlink()
        screen.refresh_detail()
        assert "(file not on this computer)" in plain(files)


async def test_a_photo_attached_to_the_highlighted_checklist_item_with_e(
    app_factory, demo_register, tmp_path
):
    app = app_factory()
    asset = next(a for a in demo_register.store.assets.all() if a.serial_number == "FOC2327485")
    service = app.context.inspections
    draft = service.start(asset)
    service.answer(draft, asset, "room_temperature", result=ItemResult.PASS)
    jpeg = photo(tmp_path / "dust.jpg", "gray")
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(InspectionScreen(app.context, asset))
        await pilot.pause()
        screen = app.screen
        screen.query_one(FastTable).move_to_key("dust")
        await pilot.pause()
        assert "e attaches a photo" in plain(screen.query_one("#item-detail", Static))
        await pilot.press("e")
        await pilot.pause()
        assert "Dust level" in str(app.screen.form_title)
        await fill(pilot, {"path": str(jpeg), "caption": "filters clogged"})

        assert app.screen is screen
        (attachment,) = app.context.attachments.for_target("inspection", draft.id)
        assert attachment.item_id == "dust" and attachment.caption == "filters clogged"
        assert "files: dust.jpg" in plain(screen.query_one("#item-detail", Static))
        (row,) = [r for r in screen.query_one(FastTable).rows if r.key == "dust"]
        assert "[1 file]" in str(row.cells[-1])

    # Signed, the record takes no more files: e is refused with who signed and when.
    draft.sign_off = SignOff("张伟", draft.created_at)
    draft.state = draft.state.SIGNED
    app.context.register.store.inspections.save(draft)
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        record = app.context.register.store.inspections.get(draft.site_id, draft.id)
        app.push_screen(InspectionScreen(app.context, asset, record))
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, InspectionScreen)
        assert any("Signed by 张伟" in s for s in said(app))
        assert len(app.context.attachments.for_target("inspection", draft.id)) == 1
