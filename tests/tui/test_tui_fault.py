"""The fault screen, driven as an engineer does: a level-1 fault from the customer's call to
its resolution, times judged against the targets, corrections kept, nothing re-stamped
silently; and the fault list's filters."""

from __future__ import annotations

from datetime import timedelta

from rich.console import Console
from textual.widgets import Input, Select, Static

from assettrack.domain.faults import SlaStatus
from assettrack.domain.models import AssetStatus, Fault
from assettrack.tui.screens.dialogs import ConfirmModal
from assettrack.tui.screens.fault_detail import FaultDetailScreen
from assettrack.tui.screens.faults import FaultsScreen
from assettrack.tui.screens.form_modal import FormModal
from assettrack.tui.screens.known_problem_picker import KnownProblemPicker
from assettrack.tui.widgets.fast_table import FastTable


def text_of(screen, part: str) -> str:
    """What a part of the fault screen shows, as plain text."""
    console = Console(width=120, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(screen.query_one(f"#fault-{part}", Static).content)
    return console.export_text()


def stored(app, fault: Fault) -> Fault:
    found = app.context.register.store.faults.get(fault.site_id, fault.id)
    assert found is not None
    return found


async def fill(pilot, values: dict[str, str]) -> None:
    form = pilot.app.screen
    assert isinstance(form, FormModal), form
    for name, value in values.items():
        widget = form.query_one(f"#field-{name}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.value = value
    await pilot.press("ctrl+s")
    await pilot.pause()


async def answer(pilot, yes: bool) -> None:
    assert isinstance(pilot.app.screen, ConfirmModal), pilot.app.screen
    await pilot.press("enter" if yes else "escape")  # the focus starts on the yes button
    await pilot.pause()


def fmt(moment) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


async def test_a_level_one_fault_from_the_call_to_its_resolution(app_factory, demo_register):
    app = app_factory()
    site = next(s for s in demo_register.sites() if s.name == "Head Office")
    asset = next(a for a in demo_register.store.assets.by_site(site.id) if a.vendor == "Cisco")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        # The call: recorded at once, level 1 (the first level is offered).
        await pilot.press("n")
        await pilot.pause()
        await fill(
            pilot,
            {"site": site.id, "asset": asset.serial_number, "symptom": "FAN 1 alarm, fan failed"},
        )
        assert isinstance(app.screen, FaultsScreen)
        table = app.screen.query_one(FastTable)
        (fault,) = [
            f for f in demo_register.store.faults.for_site(site.id) if f.symptom.startswith("FAN")
        ]
        assert fault.severity == 1 and table.current_key == fault.id
        # Enter opens the fault.
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FaultDetailScreen)
        assert "Seen before" in text_of(screen, "known")  # the fan-tray problem is offered
        assert "Level 1 critical" in text_of(screen, "head")

        # Responded, then on site, stamped now: both within the level's targets.
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        fault = stored(app, fault)
        assert fault.responded_at and fault.on_site_at
        sla = app.context.faults.sla(fault)
        respond, on_site = sla.checks
        assert respond.status is SlaStatus.MET and respond.within == timedelta(minutes=15)
        assert on_site.status is SlaStatus.MET and on_site.within == timedelta(hours=1)
        assert respond.took is not None and respond.took <= respond.within
        times = text_of(screen, "times")
        responded_row = next(line for line in times.splitlines() if "Responded" in line)
        assert fmt(fault.responded_at) in responded_row and "met" in responded_row
        assert "15 min" in responded_row
        on_site_row = next(line for line in times.splitlines() if "On site" in line)
        assert "1h00" in on_site_row and "met" in on_site_row

        # Pressing 1 again asks first; "Keep" leaves the time as it was.
        first_response = fault.responded_at
        await pilot.press("1")
        await pilot.pause()
        question = app.screen
        assert isinstance(question, ConfirmModal)
        assert f"already recorded at {fmt(first_response)}" in question.question
        await answer(pilot, yes=False)
        assert stored(app, fault).responded_at == first_response
        changes_before = len(stored(app, fault).time_changes)

        # The on-site time typed, not stamped: old -> new is confirmed, then kept.
        arrived = fault.on_site_at
        corrected = (arrived - timedelta(minutes=3)).replace(second=0, microsecond=0)
        await pilot.press("t")
        await pilot.pause()
        await fill(pilot, {"on_site_at": fmt(corrected)})
        assert isinstance(app.screen, ConfirmModal)
        assert f"On site: {fmt(arrived)} → {fmt(corrected)}" in str(app.screen.text)
        await answer(pilot, yes=True)
        fault = stored(app, fault)
        assert fault.on_site_at == corrected
        assert len(fault.time_changes) == changes_before + 1
        line = fault.time_changes[-1]
        assert (line.name, line.old, line.new, line.by) == (
            "on_site_at",
            arrived,
            corrected,
            "李工",
        )
        assert line.at is not None and line.at > arrived
        audit = text_of(screen, "audit")
        shown = next(row for row in audit.splitlines() if f"{fmt(arrived)} → " in row)
        assert shown.split() == [
            *fmt(line.at).split(),
            "李工",
            "on",
            "site",
            *(f"{fmt(arrived)} → {fmt(corrected)}".split()),
        ]

        # The known problem offered is attached from the suggestions.
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, KnownProblemPicker)
        await pilot.press("enter")
        await pilot.pause()
        fault = stored(app, fault)
        attached = app.context.faults.known_problem(fault)
        assert attached is not None and attached.title == "Fan tray failure on Catalyst 9300"
        assert "Fan tray failure on Catalyst 9300" in text_of(screen, "known")

        # A loaner stands in while the unit goes to the manufacturer under an RMA.
        await pilot.press("l")
        await pilot.pause()
        out_prefilled = app.screen.query_one("#field-loaner_out_at", Input).value
        assert out_prefilled  # a new loaner goes out now
        await fill(pilot, {"serial": "LOAN-C9300-1"})
        await pilot.press("r")
        await pilot.pause()
        sent = fmt(corrected + timedelta(minutes=40))
        await fill(pilot, {"rma": "RMA-77001", "case": "TAC 698-112", "sent_for_repair_at": sent})
        fault = stored(app, fault)
        assert fault.loaner_serial == "LOAN-C9300-1" and fmt(fault.loaner_out_at) == out_prefilled
        assert (fault.escalation_rma, fault.escalation_case) == ("RMA-77001", "TAC 698-112")
        assert demo_register.store.assets.get(asset.id).status is AssetStatus.LOANER_IN_PLACE
        unit = text_of(screen, "unit")
        assert "LOAN-C9300-1" in unit and "RMA RMA-77001 · case TAC 698-112" in unit

        # The warranty decision: not covered, with a code from the list, shown in words.
        await pilot.press("w")
        await pilot.pause()
        await fill(pilot, {"decision": "not_covered"})
        assert isinstance(app.screen, FormModal)  # a reason is needed: the dialog stays
        assert "needed" in str(app.screen.query_one("#form-problem", Static).content)
        await fill(pilot, {"exclusion": "liquid", "action": "replace"})
        fault = stored(app, fault)
        assert (fault.warranty_covered, fault.warranty_exclusion) == (False, "liquid")
        assert fault.repair_action == "replace"
        assert "not covered: liquid (billable) · replace" in text_of(screen, "unit")

        # Diagnosis and resolution, then resolved now: within the 4-hour fix.
        await pilot.press("e")
        await pilot.pause()
        await fill(
            pilot,
            {
                "cause": "fan tray worn, coffee spilt on the intake",
                "result": "switch overheated, 40 minutes down",
                "diagnosis": "FAN 1 stalled",
                "resolution": "switch replaced by the loaner; fan tray under RMA",
                "parts": "FAN-T1; air filter",
            },
        )
        await pilot.press("3")
        await pilot.pause()
        fault = stored(app, fault)
        assert fault.spare_parts == ["FAN-T1", "air filter"] and fault.resolved_at is not None
        resolve = app.context.faults.sla(fault).resolution
        assert resolve.status is SlaStatus.MET and resolve.within == timedelta(hours=4)
        report = text_of(screen, "report")
        assert "fan tray worn" in report and "switch overheated" in report
        assert "resolved" in text_of(screen, "head")

        # The repaired unit comes back and the loaner goes home.
        back = fmt(fault.resolved_at + timedelta(days=1))
        await pilot.press("r")
        await pilot.pause()
        await fill(pilot, {"unit_returned_at": back})
        await pilot.press("l")
        await pilot.pause()
        await fill(pilot, {"loaner_returned_at": back})
        fault = stored(app, fault)
        assert fmt(fault.unit_returned_at) == back and fmt(fault.loaner_returned_at) == back
        assert demo_register.store.assets.get(asset.id).status is AssetStatus.IN_SERVICE

        # One key makes the resolved fault a known problem; the one applied stays attached.
        await pilot.press("p")
        await pilot.pause()
        made = app.context.faults.known_problems.from_fault_of(fault.id)
        assert made is not None and made.solution.startswith("switch replaced")
        assert stored(app, fault).known_problem_id == attached.id
        assert "Made into" in text_of(screen, "known")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FaultsScreen)
        row = next(r for r in app.screen.query_one(FastTable).rows if r.key == fault.id)
        assert str(row.cells[-1]) == "resolved"


async def test_pressing_one_twice_on_the_list_asks_before_restamping(app_factory, demo_register):
    app = app_factory()
    site = demo_register.sites()[0]
    fault = app.context.faults.report(site.id, 2, "phone", app.context.faults.clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        app.screen.query_one(FastTable).move_to_key(fault.id)
        await pilot.press("1")
        await pilot.pause()
        first = stored(app, fault).responded_at
        assert first is not None and not isinstance(app.screen, ConfirmModal)
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert f"Responded: {fmt(first)} → " in str(app.screen.text)
        await answer(pilot, yes=False)
        assert stored(app, fault).responded_at == first
        await pilot.press("1")
        await pilot.pause()
        await answer(pilot, yes=True)
        again = stored(app, fault)
        assert again.responded_at is not None and again.responded_at > first
        assert [(c.old, c.new) for c in again.time_changes][-1] == (first, again.responded_at)


async def test_the_fault_list_filters_by_target_status_level_and_site(app_factory, demo_register):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one(FastTable)

        def symptoms() -> set[str]:
            return {str(r.cells[7]) for r in table.rows}

        everything = symptoms()
        assert len(everything) == 3
        await pilot.press("o")  # open only
        await pilot.pause()
        assert "core switch down" not in symptoms() and len(symptoms()) == 2
        await pilot.press("o")  # resolved only
        await pilot.pause()
        assert symptoms() == {"core switch down"}
        await pilot.press("o")  # all again
        await pilot.press("l")  # level 1
        await pilot.pause()
        assert "firewall drops new sessions" not in symptoms() and len(symptoms()) == 2
        filters = str(screen.query_one("#faults-keys", Static).content)
        assert filters.startswith("Filters: level 1")
        await pilot.press("l", "l", "l", "l")  # 2, 3, 4, all
        await pilot.pause()
        assert symptoms() == everything
        await pilot.press("m")  # at risk or missed: the two open demo faults missed a target
        await pilot.pause()
        assert "core switch down" not in symptoms() and len(symptoms()) == 2
        await pilot.press("m", "m")  # missed only, then all
        await pilot.pause()
        assert symptoms() == everything
        await pilot.press("s")
        await pilot.pause()
        hub = next(s for s in demo_register.sites() if s.name == "Hamburg Hub")
        await fill(pilot, {"site": hub.id})
        assert symptoms() == {"firewall drops new sessions"}
        assert "site Hamburg Hub" in str(screen.query_one("#faults-keys", Static).content)
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#field-site", Select).clear()  # blank: every site
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert symptoms() == everything
