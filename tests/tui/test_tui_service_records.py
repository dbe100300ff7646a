"""The service-record screens: visits, faults, merge conflicts."""

from __future__ import annotations

import dataclasses

from textual.widgets import Input, Select

from assettrack.services.known_problems import KnownProblemService
from assettrack.services.sync import export_bundle, import_bundle, list_conflicts
from assettrack.store.store import Store
from assettrack.tui.screens.conflicts import ConflictsScreen
from assettrack.tui.screens.faults import FaultsScreen
from assettrack.tui.screens.form_modal import FormModal
from assettrack.tui.screens.visits import VisitsScreen
from assettrack.tui.widgets.fast_table import FastTable


async def test_record_a_visit(app_factory, demo_register) -> None:
    app = app_factory()
    site = demo_register.sites()[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, VisitsScreen)
        rows = app.screen.query_one(FastTable).rows
        # On the 1st no scheduled visit of the month is made yet (the quarter has some).
        before = [str(r.cells[4]) for r in rows if ":scheduled" in r.key]
        assert before and all(d.startswith("0/") for d in before)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        await pilot.press("ctrl+s")  # no site chosen: the dialog stays, saying why
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        form.query_one("#field-site", Select).value = site.id
        form.query_one("#field-end", Input).value = "2026-12-01 11:30"
        form.query_one("#field-found", Input).value = "cable trip hazard; 灰尘"
        form.query_one("#field-removed", Input).value = "cable trip hazard"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, VisitsScreen)
        (visit,) = [
            v
            for v in demo_register.store.visits.for_site(site.id)
            if v.started_at.date() == app.context.today  # not last month's visits
        ]
        assert visit.hazards_found == ["cable trip hazard", "灰尘"]
        assert visit.engineer == "李工"
        rows = app.screen.query_one(FastTable).rows
        scheduled = next(r for r in rows if r.key.startswith(f"{site.id}:scheduled"))
        assert str(scheduled.cells[4]) == "1/2"


async def test_report_a_fault_get_a_known_problem_and_stamp_it(app_factory, demo_register) -> None:
    app = app_factory()
    KnownProblemService(demo_register.store, app.context.faults.config).add(
        "Fan tray failure", "fan failed alarm, temperature rising", "Replace the fan tray"
    )
    site = demo_register.sites()[1]
    asset = demo_register.store.assets.by_site(site.id)[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, FaultsScreen)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        form.query_one("#field-site", Select).value = site.id
        form.query_one("#field-asset", Input).value = asset.serial_number
        form.query_one("#field-symptom", Input).value = "fan failed alarm"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FaultsScreen)
        (fault,) = demo_register.store.faults.for_site(site.id)
        assert fault.asset_id == asset.id and fault.severity == 1
        assert any("Fan tray failure" in str(n.message) for n in app._notifications)
        assert app.screen.query_one(FastTable).current_key == fault.id
        await pilot.press("1")
        await pilot.pause()
        assert demo_register.store.faults.get(site.id, fault.id).responded_at is not None


async def test_conflicts_are_shown_and_resolved(app_factory, demo_register, tmp_path) -> None:
    store = demo_register.store
    asset = store.assets.all()[0]
    other_folder = tmp_path / "other-laptop"
    bundle = tmp_path / "bundle.json"
    export_bundle(store, bundle)
    with Store.open(other_folder, author="陈工") as other:
        import_bundle(other, bundle)
        other.assets.save(dataclasses.replace(other.assets.get(asset.id), notes="theirs"))
        export_bundle(other, bundle)
    store.assets.save(dataclasses.replace(store.assets.get(asset.id), notes="ours"))
    report = import_bundle(store, bundle)
    assert report.conflicts == 1
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        summary = app.screen.query_one("#conflicts-summary")
        # The explanation and its keys wrap onto a second line at 80 columns, not cut.
        assert summary.size.height == 2 and "t keeps theirs" in str(summary.render())
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, ConflictsScreen)
        assert len(app.screen.query_one(FastTable).rows) == 1
        assert app.screen.query_one("#conflicts-summary").size.height == 1
        await pilot.press("t")
        await pilot.pause()
        assert list_conflicts(store) == []
        assert store.assets.get(asset.id).notes == "theirs"


async def test_month_report_from_the_visits_screen(app_factory, demo_register, tmp_path) -> None:
    from pypdf import PdfReader

    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5", "left_square_bracket")  # last month, when visits were made
        await pilot.pause()
        key = app.screen.query_one(FastTable).current_key
        site = demo_register.site(key.split(":", 1)[0])
        await pilot.press("r")
        await pilot.pause()
    (pdf,) = (tmp_path / "exports").glob("service-*.pdf")
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert site.name in text and site.customer in text


async def test_contracts_show_the_labour_cap(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        rows = app.screen.query_one(FastTable).rows
        levels = {str(r.cells[1]): str(r.cells[7]) for r in rows}
        assert "warning" in levels.values() and "ok" in levels.values()  # the demo's two
        warned = next(r for r in rows if str(r.cells[7]) == "warning")
        app.screen.query_one(FastTable).move_to_key(warned.key)
        await pilot.pause()
        detail = str(app.screen.query_one("#charge-detail").render())
        assert "approaching the cap" in detail


async def test_search_the_known_problems(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        assert len(app.screen.query_one(FastTable).rows) == 4  # the demo's base
        await pilot.press(*"PWR1 电源告警")
        await pilot.pause()
        first = app.screen.query_one(FastTable).rows[0]
        assert str(first.cells[0]) == "电源模块故障"
