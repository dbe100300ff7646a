"""A whole scheduled visit in the app, from a database that starts empty: start it at the site,
inspect three devices over the simulated console, record a fault found on site with a photo,
a hazard removed and a parameter change, take the customer's survey, complete, have the
customer sign, and write the maintenance record, which is then read back from the PDF."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader
from textual.widgets import Input, Select

from assettrack.domain.models import (
    Asset,
    ConsoleSettings,
    Contact,
    Customer,
    InspectionState,
    ItemResult,
    Site,
)
from assettrack.services.assets import AssetRegister
from assettrack.tui.app import make_app
from assettrack.tui.screens.fault_detail import FaultDetailScreen
from assettrack.tui.screens.form_modal import FormModal
from assettrack.tui.screens.inspection import InspectionScreen
from assettrack.tui.screens.sites import SitesScreen
from assettrack.tui.screens.visit import VisitScreen
from assettrack.tui.widgets.fast_table import FastTable
from tests.conftest import TODAY, Clock

# Answers for the site items a console cannot read (the device items it fills).
TYPED = {"room_temperature": "23", "room_humidity": "45", "dust": "light"}


async def wait_for(pilot, condition: Callable[[], Any], what: str) -> None:
    for _ in range(500):
        await pilot.pause(0.02)
        if condition():
            return
    raise AssertionError(f"never happened: {what}")


def fill(screen: FormModal, values: dict[str, str]) -> None:
    for name, value in values.items():
        widget = screen.query_one(f"#field-{name}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.value = value


@pytest.fixture
def field_day(store, settings, extensions, simulated_console, tmp_path):
    """An empty database given one customer, one site and three devices on consoles."""
    register = AssetRegister(
        store, extensions.warranty_rules(settings.warranty), extensions.asset_kinds()
    )
    customer = store.customers.save(Customer(name="华东医院集团", code="HDYY"))
    site = register.add_site(
        Site(
            customer=customer.name,
            customer_id=customer.id,
            name="门诊楼机房",
            contacts=[
                Contact("张工", "network admin", mobile="13900000001"),
                Contact("王主任", "信息科主任", mobile="13900000002", signs_off=True),
            ],
        )
    )
    for n, model in enumerate(("C9300-48P", "C9200-24T", "ISR4331")):
        store.assets.save(
            Asset(
                site_id=site.id,
                kind="switch" if n < 2 else "router",
                vendor="Cisco",
                model=model,
                serial_number=f"FOC24{n}0XYZ",
                hostname=f"opd-{n + 1}",
                location=f"Rack {n + 1}",
                firmware="17.9.4a",
                console=ConsoleSettings(port=simulated_console("cisco")),
            )
        )
    photo = tmp_path / "burnt-psu.jpg"
    Image.new("RGB", (640, 480), (150, 40, 20)).save(photo)
    app = make_app(
        register,
        extensions,
        TODAY,
        engineer="李工",
        export_folder=tmp_path / "exports",
        clock=Clock(),
        idle_timeout=1.0,
    )
    return app, register, site, photo


async def inspect_highlighted(app, pilot) -> None:
    """Enter on the highlighted device, read its console, answer the rest, complete."""
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, InspectionScreen), "inspection")
    screen = app.screen
    await pilot.press("r")
    await app.workers.wait_for_complete()
    await wait_for(pilot, lambda: screen.inspection.readings, "console read")
    table = screen.query_one(FastTable)
    for entry in list(screen.inspection.items):
        if entry.result is not None:
            continue  # filled from the console
        table.move_to_key(entry.item_id)
        if entry.item_id in TYPED:
            await pilot.press("v", *TYPED[entry.item_id], "enter")
        else:
            await pilot.press("p")
        await pilot.pause()
    await pilot.press("c")
    await wait_for(
        pilot, lambda: screen.inspection.state is InspectionState.COMPLETE, "inspection complete"
    )
    await pilot.press("escape")
    await wait_for(pilot, lambda: isinstance(app.screen, VisitScreen), "back on the visit")


async def test_a_whole_visit_from_start_to_the_signed_pdf(field_day) -> None:
    app, register, site, photo = field_day
    store = register.store
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, SitesScreen), "sites")
        await pilot.press("v", "s")
        await wait_for(pilot, lambda: isinstance(app.screen, VisitScreen), "the visit")
        visit_screen = app.screen
        assert visit_screen.progress.line() == "0/3 devices inspected"

        # Three devices, each from the visit's list, read over the simulated console.
        for number in range(3):
            visit_screen.query_one(FastTable).cursor_row = number
            await inspect_highlighted(app, pilot)
        assert visit_screen.progress.line() == "3/3 devices inspected"

        # A fault found on site, with a photo of the burnt power supply.
        device = visit_screen.progress.devices[2]
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal), "fault form")
        fill(
            app.screen,
            {
                "device": device.id,
                "symptom": "PSU 2 amber, burning smell",
                "cause": "PSU 2 capacitor failed",
                "result": "PSU 2 replaced from site spares; both PSUs green",
            },
        )
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is visit_screen, "fault recorded")
        [fault] = visit_screen.record.faults_of(visit_screen.visit)
        assert fault.visit_id == visit_screen.visit.id and fault.asset_id == device.id
        # Found and fixed on site: answered, on site and resolved as it was recorded.
        assert fault.responded_at == fault.on_site_at == fault.resolved_at is not None
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, FaultDetailScreen), "fault screen")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal), "attach form")
        fill(app.screen, {"path": str(photo), "caption": "PSU 2 burnt"})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, FaultDetailScreen), "attached")
        assert [a.name for a in store.attachments.for_site(site.id)] == ["burnt-psu.jpg"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is visit_screen, "back on the visit")

        # A hazard removed, and a parameter change.
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal), "hazard form")
        fill(app.screen, {"hazard": "cardboard boxes blocking rack 2's intake", "removed": "yes"})
        await pilot.press("ctrl+s")
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal), "change form")
        fill(
            app.screen,
            {
                "device": visit_screen.progress.devices[0].id,
                "parameter": "logging host",
                "old": "",
                "new": "10.8.0.9",
                "reason": "central syslog asked by the customer",
            },
        )
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is visit_screen, "change recorded")

        # Completing before the survey says what is missing and completes nothing.
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal), "what is missing")
        assert "4 question(s) unanswered" in str(app.screen.intro)
        await pilot.press("escape")
        assert store.visits.get(site.id, visit_screen.visit.id).completed_at is None

        # The customer's survey.
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal), "survey")
        questions = visit_screen.record.config.survey.questions
        answers = {f"score-{q.id}": "5" for q in questions}
        answers[f"score-{questions[0].id}"] = "4"
        answers[f"comment-{questions[0].id}"] = "arrived 10 minutes late, traffic"
        fill(app.screen, answers)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is visit_screen, "survey kept")

        # Complete, then the customer signs: the site's sign-off contact is offered.
        await pilot.press("c")
        await wait_for(pilot, lambda: visit_screen.visit.completed_at is not None, "complete")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal), "sign-off")
        assert app.screen.query_one("#field-name", Input).value == "王主任"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: visit_screen.visit.sign_off is not None, "signed")

        # Signed: the record is locked, a change is refused with who signed.
        await pilot.press("h")
        await pilot.pause()
        assert app.screen is visit_screen

        await pilot.press("r")
        await wait_for(pilot, lambda: visit_screen.written is not None, "record written")
        pdf_path: Path = visit_screen.written

    assert pdf_path.exists() and pdf_path.with_suffix(".md").exists()
    reader = PdfReader(BytesIO(pdf_path.read_bytes()))
    text = "".join(page.extract_text() for page in reader.pages)
    for expected in (
        "opd-1",
        "opd-2",
        "opd-3",
        "3 of 3 in service",
        "PSU 2 capacitor failed",
        "PSU 2 replaced from site spares",
        "cardboard boxes blocking rack 2's intake",
        "logging host",
        "10.8.0.9",
        "arrived 10 minutes late, traffic",
        "4 / 5",
        "王主任",
        "burnt-psu.jpg",
    ):
        assert expected in text, expected
    assert sum(len(page.images) for page in reader.pages) >= 1  # the photo itself


async def test_files_dropped_into_the_inbox_join_the_visit_on_screen(field_day) -> None:
    import os
    import time

    app, _register, _site, photo = field_day
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, SitesScreen), "sites")
        await pilot.press("v", "o")  # an on-site follow-up
        await wait_for(pilot, lambda: isinstance(app.screen, VisitScreen), "the visit")
        visit = app.screen.visit
        inbox = app.context.attachments.inbox_folder()
        dropped = inbox / "rodent-damage.jpg"
        dropped.write_bytes(photo.read_bytes())
        past = time.time() - 10  # a finished copy, not one still being written
        os.utime(dropped, (past, past))
        await wait_for(
            pilot,
            lambda: (
                [a.name for a in app.context.attachments.for_target("visit", visit.id)]
                == ["rodent-damage.jpg"]
            ),
            "attached from the inbox",
        )
        assert not dropped.exists()  # taken, and kept content-addressed in the database
        await wait_for(
            pilot,
            lambda: "rodent-damage.jpg" in str(app.screen.query_one("#visit-evidence").render()),
            "shown on the visit",
        )


async def test_a_signed_visit_is_corrected_by_an_amendment_in_the_app(field_day) -> None:
    from assettrack.services.visit_record import VisitRecordService

    app, register, site, _photo = field_day
    store = register.store
    context = app.context
    record = VisitRecordService(store, context.visits.config, "李工", context.visits.clock)
    visit = record.visits.start(site.id, "follow_up")
    device = record.progress(visit).devices[0]
    draft = context.inspections.start(device)
    for entry in draft.items:
        if entry.item_id == "room_temperature":
            context.inspections.answer(draft, device, entry.item_id, value="23")
        else:
            context.inspections.answer(
                draft, device, entry.item_id, result=ItemResult.NOT_APPLICABLE
            )
    context.inspections.complete(draft, device)
    visit = record.sign(record.complete(visit), "王主任")

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5", "l")
        await wait_for(pilot, lambda: app.screen.query_one("#visit-list", FastTable).rows, "list")
        app.screen.query_one("#visit-list", FastTable).move_to_key(f"{site.id}:{visit.id}")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, VisitScreen), "the signed visit")
        signed_screen = app.screen
        await pilot.press("h")  # refused: signed
        await pilot.pause()
        assert app.screen is signed_screen

        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal), "amendment form")
        fill(app.screen, {"why": "room temperature was 28, not 23"})
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, VisitScreen) and app.screen is not signed_screen,
            "the amendment",
        )
        amendment_screen = app.screen
        assert amendment_screen.visit.amends == visit.id
        amendment_screen.query_one(FastTable).move_to_key(device.id)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InspectionScreen), "the copy")
        copy = app.screen.inspection
        assert copy.amends == draft.id and copy.state is InspectionState.DRAFT
        app.screen.query_one(FastTable).move_to_key("room_temperature")
        await pilot.press("v", "2", "8", "enter")
        await pilot.pause()
        await pilot.press("c")
        await wait_for(
            pilot, lambda: app.screen.inspection.state is InspectionState.COMPLETE, "done"
        )
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is amendment_screen, "back on the amendment")
        await pilot.press("c")
        await wait_for(pilot, lambda: amendment_screen.visit.completed_at is not None, "complete")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormModal), "sign-off")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: amendment_screen.visit.sign_off is not None, "signed again")

    original = store.inspections.get(site.id, draft.id)
    temperature = {i.item_id: i.value for i in original.items}["room_temperature"]
    assert temperature == "23"  # the signed original is kept as signed
    corrected = store.inspections.get(site.id, copy.id)
    assert {i.item_id: i.value for i in corrected.items}["room_temperature"] == "28"
    assert store.visits.get(site.id, visit.id).sign_off.representative == "王主任"


async def test_a_visit_begun_by_mistake_is_removed_with_confirmation(field_day) -> None:
    app, register, site, _photo = field_day
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, SitesScreen), "sites")
        await pilot.press("v", "s")
        await wait_for(pilot, lambda: isinstance(app.screen, VisitScreen), "the visit")
        visit = app.screen.visit
        await pilot.press("D")
        await wait_for(pilot, lambda: not isinstance(app.screen, VisitScreen), "confirm")
        await pilot.press("enter")  # on "Remove"
        await wait_for(pilot, lambda: isinstance(app.screen, SitesScreen), "removed, back")
        assert register.store.visits.get(site.id, visit.id) is None
