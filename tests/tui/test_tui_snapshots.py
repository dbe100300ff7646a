"""SVG snapshots of every screen at 80x24 and 120x40 (pytest-textual-snapshot).

After an intended change of a screen, review and refresh them with
``pytest tests/tui/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from assettrack.domain.models import ItemResult
from assettrack.services.assets import AssetRegister
from assettrack.tui.app import make_app
from assettrack.tui.screens.asset_detail import AssetDetailScreen
from assettrack.tui.screens.asset_form import AssetFormScreen
from assettrack.tui.screens.contract_form import contract_form
from assettrack.tui.screens.customer_form import customer_form
from assettrack.tui.screens.first_start import FirstStartScreen
from assettrack.tui.screens.inspection import InspectionScreen
from assettrack.tui.screens.site_form import site_form
from tests.conftest import TODAY

SIZES = [(80, 24), (120, 40)]


def demo_asset(app, serial: str):
    return next(a for a in app.context.register.store.assets.all() if a.serial_number == serial)


async def go_sites(pilot) -> None:
    await pilot.press("f2")


async def go_visit_kind(pilot) -> None:
    # v on the highlighted site: the kinds of visit, one key each.
    await pilot.press("f2")
    await pilot.pause()
    await pilot.press("v")


async def go_warranty(pilot) -> None:
    await pilot.press("f4")


async def go_visits(pilot) -> None:
    await pilot.press("f5", "left_square_bracket")  # last month: visits were made


async def go_faults(pilot) -> None:
    await pilot.press("f6")


async def go_conflicts(pilot) -> None:
    await pilot.press("f7")


async def go_charges(pilot) -> None:
    await pilot.press("f8")


async def go_known_problems(pilot) -> None:
    await pilot.press("f9")


async def go_fault_detail(pilot) -> None:
    # The level-1 fault still open long past its 4-hour fix: escalation is proposed.
    from assettrack.tui.screens.fault_detail import FaultDetailScreen

    await pilot.press("f6")
    app = pilot.app
    fault = next(f for f in app.context.register.store.faults.iter_all() if "PWR1" in f.symptom)
    app.push_screen(FaultDetailScreen(app.context, fault))


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


async def go_signed_record(pilot) -> None:
    # A signed maintenance record, opened read-only from the asset detail's list.
    await go_detail(pilot)
    await pilot.pause()
    await pilot.press("enter")


def demo_customer(app, name: str = "华东医院集团"):
    return next(c for c in app.context.register.store.customers.list() if c.name == name)


async def go_customer_form(pilot) -> None:
    app = pilot.app
    app.push_screen(customer_form(app.context, demo_customer(app)))


async def go_site_form(pilot) -> None:
    app = pilot.app
    site = next(s for s in app.context.register.sites() if s.name == "门诊楼机房")
    app.push_screen(site_form(app.context, site))


async def go_contract_form(pilot) -> None:
    app = pilot.app
    customer = demo_customer(app)
    contract = next(
        c for c in app.context.register.store.contracts.list() if c.customer_id == customer.id
    )
    app.push_screen(contract_form(app.context, contract))


async def scrolled_to_end(pilot, go) -> None:
    # The lower half of a long form: it must be reachable at 80x24.
    await go(pilot)
    await pilot.pause()
    pilot.app.screen.query_one("#form").scroll_end(animate=False)
    await pilot.pause()


async def go_site_form_end(pilot) -> None:
    await scrolled_to_end(pilot, go_site_form)


async def go_contract_form_end(pilot) -> None:
    await scrolled_to_end(pilot, go_contract_form)


async def go_visit(pilot) -> None:
    # A scheduled visit under way: two devices inspected, a hazard removed, a change made,
    # half the survey answered.
    from assettrack.services.visit_record import VisitRecordService
    from assettrack.tui.screens.visit import VisitScreen

    app = pilot.app
    context = app.context
    site = next(s for s in context.register.sites() if s.name == "门诊楼机房")
    record = VisitRecordService(
        context.register.store, context.visits.config, "李工", context.visits.clock
    )
    visit = record.visits.start(site.id, "scheduled")
    devices = record.progress(visit).devices
    for asset in devices[:2]:
        draft = context.inspections.start(asset)
        for item_id, item in context.inspections.checklist(asset).items():
            if item.kind == "value":
                context.inspections.answer(draft, asset, item_id, value="24")
            else:
                context.inspections.answer(draft, asset, item_id, result=ItemResult.PASS)
        context.inspections.complete(draft, asset)
    record.add_hazard(visit, "cardboard boxes blocking rack 2's air intake", removed=True)
    record.add_hazard(visit, "UPS battery bulging", removed=False)
    record.add_parameter_change(
        visit, "logging host", "", "10.8.0.9", "central syslog", devices[0].id
    )
    survey = record.config.survey
    record.answer_survey(visit, [survey.answer(q, "5") for q in survey.questions[:2]])
    app.push_screen(VisitScreen(context, visit))


async def go_config_diff(pilot) -> None:
    # Two inspections of one switch, each reading the simulated console: between them an
    # interface was shut and a log server added without saving. g shows what changed.
    from dataclasses import replace

    from assettrack.console.simulator import TcpSimulator, cisco_state, with_unsaved_change
    from assettrack.services.console_reader import ReadOptions

    app = pilot.app
    context = app.context
    asset = demo_asset(app, "FOC2327485")
    before = cisco_state(serial=asset.serial_number, model=asset.model, hostname=asset.hostname)
    after = with_unsaved_change(before)
    after.interfaces = [
        replace(i, admin_up=False) if i.name.endswith("1/0/3") else i for i in before.interfaces
    ]
    for number, state in enumerate((before, after)):
        draft = context.inspections.start(asset)
        with TcpSimulator(state) as sim:
            result = context.reader().read(asset, ReadOptions(port=sim.url, idle_timeout=1.0))
        context.inspections.apply_readings(
            draft,
            asset,
            result.readings,
            result.transcript,
            driver=result.driver,
            configuration=result.configuration,
        )
        if number == 0:
            for entry in draft.items:
                if entry.result is None:
                    context.inspections.answer(
                        draft, asset, entry.item_id, result=ItemResult.NOT_APPLICABLE
                    )
            context.inspections.complete(draft, asset)
    app.push_screen(InspectionScreen(app.context, asset))
    await pilot.pause()
    await pilot.press("g")


async def go_visit_list(pilot) -> None:
    await pilot.press("f5", "left_square_bracket", "l")


SCREENS = {
    "assets": None,
    "assets_filtered": go_filter,
    "sites": go_sites,
    "visit_kind": go_visit_kind,
    "warranty": go_warranty,
    "visits": go_visits,
    "visit": go_visit,
    "visit_list": go_visit_list,
    "faults": go_faults,
    "fault_detail": go_fault_detail,
    "help": go_help,
    "asset_detail": go_detail,
    "asset_form": go_form,
    "inspection": go_inspection,
    "signed_record": go_signed_record,
    "config_diff": go_config_diff,
    "customer_form": go_customer_form,
    "site_form": go_site_form,
    "contract_form": go_contract_form,
    "site_form_end": go_site_form_end,
    "contract_form_end": go_contract_form_end,
    "conflicts": go_conflicts,
    "charges": go_charges,
    "known_problems": go_known_problems,
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare, app_factory, screen: str, size: tuple[int, int]) -> None:
    assert snap_compare(app_factory(), terminal_size=size, run_before=SCREENS[screen])


@pytest.fixture
def empty_app(store, settings, extensions, tmp_path):
    register = AssetRegister(
        store, extensions.warranty_rules(settings.warranty), extensions.asset_kinds()
    )
    return make_app(register, extensions, TODAY, export_folder=tmp_path / "exports")


async def wait_for_first_start(pilot) -> None:
    for _ in range(100):
        await pilot.pause(0.02)
        if isinstance(pilot.app.screen, FirstStartScreen):
            return
    raise AssertionError("no first-start screen")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_first_start(snap_compare, empty_app, size: tuple[int, int]) -> None:
    assert snap_compare(empty_app, terminal_size=size, run_before=wait_for_first_start)
