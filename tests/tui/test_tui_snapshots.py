"""SVG snapshots of every screen at 80x24 and 120x40 (pytest-textual-snapshot).

After an intended change of a screen, review and refresh them with
``pytest tests/tui/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from assettrack.domain.models import ItemResult
from assettrack.tui.screens.asset_detail import AssetDetailScreen
from assettrack.tui.screens.asset_form import AssetFormScreen
from assettrack.tui.screens.inspection import InspectionScreen

SIZES = [(80, 24), (120, 40)]


def demo_asset(app, serial: str):
    return next(a for a in app.context.register.store.assets.all() if a.serial_number == serial)


async def go_sites(pilot) -> None:
    await pilot.press("f2")


async def go_warranty(pilot) -> None:
    await pilot.press("f4")


async def go_visits(pilot) -> None:
    await pilot.press("f5", "left_square_bracket")  # last month: visits were made


async def go_faults(pilot) -> None:
    await pilot.press("f6")


async def go_help(pilot) -> None:
    await pilot.press("f1")


async def go_filter(pilot) -> None:
    await pilot.press(*"浦东 cisco")


async def go_detail(pilot) -> None:
    app = pilot.app
    app.push_screen(AssetDetailScreen(app.context, demo_asset(app, "FOC2327485")))


async def go_form(pilot) -> None:
    app = pilot.app
    app.push_screen(AssetFormScreen(app.context, asset=demo_asset(app, "FOC2327485")))


async def go_inspection(pilot) -> None:
    app = pilot.app
    asset = demo_asset(app, "FOC2327485")
    service = app.context.inspections
    draft = service.start(asset)
    service.answer(draft, asset, "room_temperature", value="24.5")
    service.answer(draft, asset, "room_humidity", value="85")
    service.answer(draft, asset, "dust", value="light", note="filters cleaned")
    service.answer(draft, asset, "grounding", result=ItemResult.PASS)
    app.push_screen(InspectionScreen(app.context, asset))


SCREENS = {
    "assets": None,
    "assets_filtered": go_filter,
    "sites": go_sites,
    "warranty": go_warranty,
    "visits": go_visits,
    "faults": go_faults,
    "help": go_help,
    "asset_detail": go_detail,
    "asset_form": go_form,
    "inspection": go_inspection,
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare, app_factory, screen: str, size: tuple[int, int]) -> None:
    assert snap_compare(app_factory(), terminal_size=size, run_before=SCREENS[screen])
