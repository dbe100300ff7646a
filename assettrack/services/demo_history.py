"""A few months of service history for the demo: visits, signed maintenance records, faults
(one that missed its response time, one with a loaner on site), known problems and charges.

Relative to ``today`` and seeded, like the register it completes, so every screen and report
has something true to show.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from assettrack.domain.models import (
    ChecklistResult,
    Inspection,
    InspectionState,
    ItemResult,
    SignOff,
    Visit,
    VisitKind,
)
from assettrack.domain.seal import seal
from assettrack.domain.visits import next_month, quarter_bounds
from assettrack.plugins.builtin.site_checklist import DEVICE_ITEMS, SITE_ITEMS
from assettrack.services.assets import AssetRegister
from assettrack.services.charges import ChargeService
from assettrack.services.demo_consoles import DemoConsoles
from assettrack.services.faults import FaultService
from assettrack.services.known_problems import KnownProblemService
from assettrack.services.service_config import load_service_config
from assettrack.services.visits import VisitService
from assettrack.store.store import Store

ENGINEERS = ("李工", "陈工", "A. Novak")
REPRESENTATIVES = ("王磊", "李娜", "Jana Weber", "Amira Khan")

KNOWN_PROBLEMS = (
    (
        "Fan tray failure on Catalyst 9300",
        "fan failed, chassis temperature rising, FAN 1 alarm",
        "Replace the fan tray (hot-swappable); check the air filter.",
        "Cisco",
        "C9300*",
    ),
    (
        "PoE budget exceeded",
        "access points reboot, PoE power denied in the log",
        "Move APs to the second switch or add a power supply.",
        "Cisco",
        "",
    ),
    (
        "电源模块故障",
        "电源告警 PWR1 异常，设备单电源运行",
        "更换电源模块，检查机柜 PDU 供电。",
        "Huawei",
        "S57*",
    ),
    (
        "Firewall session table full",
        "new connections dropped, high CPU, session limit alarm",
        "Shorten idle timeouts; upgrade to FortiOS 7.2.8 which fixes the session leak.",
        "Fortinet",
        "",
    ),
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def build_history(register: AssetRegister, today: date, seed: int = 11) -> None:
    rng = random.Random(seed)
    store = register.store
    config = load_service_config({})
    visits = VisitService(store, config, ENGINEERS[0])
    faults = FaultService(
        store, config, ENGINEERS[0], clock=lambda: _at(today, 8), warranty_rules=register.rules
    )
    known = KnownProblemService(store, config, ENGINEERS[0], clock=lambda: _at(today, 8))
    for title, symptom, solution, vendor, model in KNOWN_PROBLEMS:
        known.add(title, symptom, solution, vendor=vendor, model=model)

    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    for number, site in enumerate(register.sites()):
        assets = store.assets.by_site(site.id)
        # Most sites kept their plan last month; some are behind this month.
        for month, days in ((last_month, (3, 17)), (this_month, (3,) if number % 3 else ())):
            for day in days:
                visit_day = month.replace(day=day)
                if visit_day > today:
                    continue
                engineer = ENGINEERS[number % len(ENGINEERS)]
                visit = visits.record(
                    site.id,
                    VisitKind.SCHEDULED,
                    _at(visit_day, 9, 30),
                    ended_at=_at(visit_day, 12, 15),
                    engineer=engineer,
                    hazards_found=["dust on rack intakes"] if day == 3 else [],
                    hazards_removed=["dust on rack intakes"] if day == 3 else [],
                    customer_opinion="满意" if number % 2 else "Satisfied",
                )
                for asset in assets[: 3 + number % 3]:
                    _signed_inspection(store, asset, visit.id, visit.started_at, engineer, rng)
                _completed_and_signed(store, visit, REPRESENTATIVES[number % len(REPRESENTATIVES)])
        # On-site follow-ups on the 10th of each month of the quarter so far: three sites in
        # four keep the quarter's plan, the fourth shows up as overdue.
        quarter_start, _ = quarter_bounds(today)
        month = quarter_start
        while number % 4 != 3 and month.replace(day=10) <= today:
            follow_up = visits.record(
                site.id,
                VisitKind.FOLLOW_UP,
                _at(month.replace(day=10), 14),
                ended_at=_at(month.replace(day=10), 15, 30),
                engineer=ENGINEERS[number % len(ENGINEERS)],
                customer_opinion="满意" if number % 2 else "Satisfied",
            )
            _completed_and_signed(store, follow_up, REPRESENTATIVES[number % len(REPRESENTATIVES)])
            month = next_month(month)
        if number % 2 == 0:
            call = visits.record(
                site.id,
                VisitKind.PHONE_FOLLOW_UP,
                _at(last_month.replace(day=24), 15),
                ended_at=_at(last_month.replace(day=24), 15, 10),
                engineer=ENGINEERS[1],
                customer_opinion="System runs well",
            )
            call.completed_at = call.ended_at  # nobody signs a phone call
            store.visits.save(call)

    sites = register.sites()

    def unit(site_index: int, vendor: str) -> str:
        here = store.assets.by_site(sites[site_index].id)
        return next((a for a in here if a.vendor == vendor), here[0]).id

    day = today - timedelta(days=9)
    # Severity 1 answered at once, on site within the hour: met.
    met = faults.report(
        sites[0].id,
        1,
        "phone",
        _at(day, 10, 5),
        symptom="core switch down",
        asset_id=unit(0, "Cisco"),
    )
    faults.update(
        met,
        responded_at=_at(day, 10, 8),
        on_site_at=_at(day, 10, 52),
        resolved_at=_at(day, 13, 40),
        cause="fan tray failure",
        resolution="fan tray replaced",
        warranty_covered=True,
    )
    # Severity 1 reported late at night, on site after two hours: missed.
    late = faults.report(
        sites[4].id,
        1,
        "phone",
        _at(day, 23, 30),
        symptom="电源告警 PWR1 异常，业务中断",
        asset_id=unit(4, "Huawei"),
    )
    faults.update(
        late,
        responded_at=_at(day + timedelta(days=1), 0, 10),
        on_site_at=_at(day + timedelta(days=1), 1, 35),
    )
    # Severity 2, still open, with a loaner unit on site while the broken one is repaired.
    away = faults.report(
        sites[2].id,
        2,
        "email",
        _at(today - timedelta(days=3), 9, 0),
        symptom="firewall drops new sessions",
        asset_id=unit(2, "Fortinet"),
    )
    _charges(register, today)
    faults.update(
        away,
        responded_at=_at(today - timedelta(days=3), 9, 40),
        loaner_serial="FG100FTK-LOAN1",
        escalation_rma="RMA-2026-0415",
    )


def _completed_and_signed(store: Store, visit: Visit, representative: str) -> None:
    """A past visit as the app leaves it: completed when it ended, signed by the customer."""
    visit.completed_at = visit.ended_at
    visit.sign_off = SignOff(representative, visit.ended_at or visit.started_at)
    inspections = [i for i in store.inspections.for_site(visit.site_id) if i.visit_id == visit.id]
    seal(visit, inspections)
    store.visits.save(visit)


def _signed_inspection(
    store, asset, visit_id: str, started: datetime, engineer: str, rng: random.Random
) -> None:
    items = []
    for item in (*SITE_ITEMS, *DEVICE_ITEMS):
        value = ""
        if item.id == "room_temperature":
            value = str(rng.randint(19, 27))
        elif item.id == "room_humidity":
            value = str(rng.randint(35, 60))
        elif item.id == "firmware":
            value = asset.firmware
        result = ItemResult.FAIL if rng.random() < 0.04 else ItemResult.PASS
        items.append(ChecklistResult(item.id, item.label, result, value, item.unit))
    record = Inspection(
        site_id=asset.site_id,
        asset_id=asset.id,
        created_at=started + timedelta(minutes=20),
        visit_id=visit_id,
        engineer=engineer,
        state=InspectionState.SIGNED,
        items=items,
        # What the demo's simulated console will report, so the next read has a baseline.
        readings={
            "os_version": asset.firmware,
            "interfaces_down": [
                i.name for i in DemoConsoles.state_for(asset).interfaces if i.admin_up and not i.up
            ],
        },
        completed_at=started + timedelta(hours=1),
        sign_off=SignOff(rng.choice(REPRESENTATIVES), started + timedelta(hours=2, minutes=30)),
    )
    seal(record)
    store.inspections.save(record)
    if asset.last_inspection is None or asset.last_inspection < record.created_at.date():
        asset.last_inspection = record.created_at.date()
        store.assets.save(asset)


def _charges(register: AssetRegister, today: date) -> None:
    """Labour billed after warranty on two contracts: one well under its cap, one near it."""
    store = register.store
    service = ChargeService(
        store, load_service_config({}), register.rules, ENGINEERS[0], today=lambda: today
    )
    for number, contract in enumerate(store.contracts.list()[:2]):
        # Its warranty ended a year and more ago: service is billed, capped at 2 % a year.
        contract.warranty_ends_on = today - timedelta(days=400 + 150 * number)
        store.contracts.save(contract)
        site = next(s for s in register.sites() if s.customer == contract.customer)
        share = Decimal("0.004") if number == 0 else Decimal("0.0085")
        for month_back in (2, 1):
            service.add(
                contract.number,
                site.id,
                (contract.value * share).quantize(Decimal(1)),
                charged_on=today - timedelta(days=30 * month_back),
                description="on-site repair after warranty",
            )
