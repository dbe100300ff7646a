"""Starting a visit in the app: v on a site, a key for the kind; the header shows it open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual.widgets import Select

from assettrack.domain.models import ReportedVia, VisitKind
from assettrack.tui.screens.assets import AssetsScreen
from assettrack.tui.screens.sites import SitesScreen
from assettrack.tui.screens.visit import VisitScreen
from assettrack.tui.screens.visit_kind import VisitKindModal
from assettrack.tui.widgets.fast_table import FastTable


async def wait_for(pilot, condition: Callable[[], Any], what: str) -> None:
    for _ in range(300):
        await pilot.pause(0.02)
        if condition():
            return
    raise AssertionError(f"never happened: {what}")


async def test_a_phone_follow_up_is_two_keys_and_the_header_shows_it(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, SitesScreen), "sites")
        sites = app.screen
        site_id = sites.query_one(FastTable).current_key
        service = app.context.visits
        assert service.open_at(site_id) is None

        await pilot.press("v", "p")
        await wait_for(pilot, lambda: service.open_at(site_id) is not None, "visit started")
        visit = service.open_at(site_id)
        assert visit.kind is VisitKind.PHONE_FOLLOW_UP and visit.engineer == "李工"
        # The visit's own screen opens at once: the frame of the day's work there.
        await wait_for(pilot, lambda: isinstance(app.screen, VisitScreen), "visit screen")
        assert app.screen.visit.id == visit.id
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is sites, "back on sites")
        await wait_for(pilot, lambda: "phone follow up visit open" in sites.sub_title, "header")

        # v again opens the open visit: one visit at a time, never a second.
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, VisitScreen), "the open visit")
        assert not isinstance(app.screen, VisitKindModal) and app.screen.visit.id == visit.id
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is sites, "back on sites again")

        # The site's assets say so too, and what is inspected there joins the visit.
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AssetsScreen), "assets")
        assert "phone follow up visit open" in app.screen.sub_title
        asset_id = app.screen.query_one(FastTable).current_key
        asset = app.context.register.store.assets.get(asset_id)
        draft = app.context.inspections.start(asset)
        assert draft.visit_id == visit.id


async def test_a_call_out_picks_the_open_fault_it_answers(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, SitesScreen), "sites")
        site_id = app.screen.query_one(FastTable).current_key
        faults = app.context.faults
        for old in faults.open_at(site_id):  # the demo's own faults: only ours is open
            faults.update(old, resolved_at=datetime(2026, 12, 1, 8, 0))
        fault = faults.report(
            site_id, 2, ReportedVia.PHONE, datetime(2026, 12, 1, 8, 30), symptom="link down"
        )

        await pilot.press("v", "c")
        await wait_for(pilot, lambda: app.screen.query("#field-fault"), "fault picker")
        assert app.screen.query_one("#field-fault", Select).value == fault.id
        await pilot.press("ctrl+s")
        service = app.context.visits
        await wait_for(pilot, lambda: service.open_at(site_id) is not None, "call-out started")
        visit = service.open_at(site_id)
        assert visit.kind is VisitKind.FAULT_CALL_OUT and visit.fault_id == fault.id
