"""A proposal may carry a value with no verdict: the item is filled, pass/fail is left to the
engineer, in the inspection service and on the inspection screen."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import assettrack_cisco_ios
import pytest

from assettrack.api import ChecklistItem, ItemKind, ItemResult, Proposal, Readings, hookimpl
from assettrack.domain.errors import ValidationError
from assettrack.domain.models import ConsoleSettings
from assettrack.services.inspections import MANUAL, InspectionService
from assettrack.testing import make_extensions
from assettrack.tui.inspection_text import item_line
from assettrack.tui.screens.asset_detail import AssetDetailScreen
from assettrack.tui.screens.inspection import InspectionScreen
from assettrack.tui.widgets.fast_table import FastTable

RESTART = ChecklistItem(
    "last_restart",
    "Last restart expected",
    help="Ask the customer whether the device was restarted on purpose.",
    kind=ItemKind.TEXT,
    reading="uptime_seconds",
    section="Device status",
)
NOTE = "the device cannot say why: ask the customer"


class Restart:
    """Proposes how long the device has been up, and leaves the verdict to the engineer."""

    @hookimpl
    def assettrack_checklist_items(self, asset):
        return [RESTART]

    @hookimpl
    def assettrack_autofill(self, item, readings):
        if item.id != RESTART.id or readings.uptime_seconds is None:
            return None
        return Proposal(None, f"up {readings.uptime_seconds // 86400} days", NOTE)


@pytest.fixture
def extensions():
    return make_extensions(Restart(), assettrack_cisco_ios, builtins=True)


def test_the_service_keeps_the_value_and_leaves_the_result(store, extensions, sample_asset):
    service = InspectionService(store, extensions, "李工", clock=lambda: datetime(2026, 12, 1, 9))
    asset = store.assets.save(sample_asset(vendor="Cisco", model="C9300-48P"))
    draft = service.start(asset)
    service.apply_readings(draft, asset, Readings(uptime_seconds=3 * 86400 + 5), "transcript")
    saved = store.inspections.get(asset.site_id, draft.id)
    entry = next(e for e in saved.items if e.item_id == RESTART.id)
    assert (entry.result, entry.value, entry.note) == (None, "up 3 days", NOTE)
    assert entry.filled_from == "readings (Restart)"
    assert extensions.host.failures == []
    # Not answered: completing names it among the items with no result.
    for other in saved.items:
        if other.item_id != RESTART.id:
            service.answer(saved, asset, other.item_id, result=ItemResult.NOT_APPLICABLE)
    with pytest.raises(ValidationError) as unanswered:
        service.complete(saved, asset)
    assert [p.field for p in unanswered.value.problems] == [RESTART.id]
    # The engineer judges; the value read stays, and a later read leaves the answer alone.
    service.answer(saved, asset, RESTART.id, result=ItemResult.PASS)
    service.apply_readings(saved, asset, Readings(uptime_seconds=4 * 86400), "again")
    entry = next(e for e in saved.items if e.item_id == RESTART.id)
    assert (entry.result, entry.value, entry.filled_from) == (ItemResult.PASS, "up 3 days", MANUAL)
    service.complete(saved, asset)


async def test_the_screen_shows_the_value_and_asks_for_the_verdict(
    app_factory, demo_register, simulated_console
) -> None:
    asset = next(a for a in demo_register.store.assets.all() if a.model == "C9300-48P")
    asset = demo_register.store.assets.save(
        dataclasses.replace(asset, console=ConsoleSettings(port=simulated_console("cisco")))
    )
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(AssetDetailScreen(app.context, asset))
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InspectionScreen)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        entry = next(e for e in screen.inspection.items if e.item_id == RESTART.id)
        assert entry.result is None and entry.value.startswith("up ") and entry.note == NOTE
        table = screen.query_one(FastTable)
        table.move_to_key(RESTART.id)
        await pilot.pause()
        row = next(r for r in table.rows if r.key == RESTART.id)
        assert str(row.cells[2]) == "—" and row.cells[3] == entry.value
        line = item_line(entry, RESTART)
        assert "no result yet" in line and entry.value in line and NOTE in line
        await pilot.press("p")
        await pilot.pause()
        saved = demo_register.store.inspections.get(asset.site_id, screen.inspection.id)
        kept = next(e for e in saved.items if e.item_id == RESTART.id)
        assert (kept.result, kept.value) == (ItemResult.PASS, entry.value)
