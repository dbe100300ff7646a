"""Charges after warranty and the labour caps: years after warranty, percentages, warnings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from assettrack.domain.charges import (
    CapLevel,
    CapRules,
    Charge,
    ChargeKind,
    cap_status,
    year_after_warranty,
    year_bounds,
)
from assettrack.domain.errors import ValidationError
from assettrack.domain.models import Asset, Contract, ReportedVia, Site
from assettrack.errors import AssetTrackError
from assettrack.services.charges import ChargeService
from assettrack.services.faults import FaultService
from assettrack.services.service_config import load_service_config
from assettrack.store.store import Store

RULES = CapRules()
END = date(2025, 6, 30)  # warranty ends; year 1 after warranty starts 2025-07-01
VALUE = Decimal("1000000.00")  # 2 % = 20,000.00; 5 % = 50,000.00


def labour(day: date, amount: str, kind: ChargeKind = ChargeKind.LABOUR) -> Charge:
    return Charge("c", "s", day, Decimal(amount), kind)


def test_years_after_warranty() -> None:
    assert year_after_warranty(END, END) == 0
    assert year_after_warranty(END, date(2025, 7, 1)) == 1
    assert year_after_warranty(END, date(2026, 6, 30)) == 1
    assert year_after_warranty(END, date(2026, 7, 1)) == 2
    assert year_after_warranty(END, date(2028, 7, 1)) == 4
    assert year_bounds(END, 4) == (date(2028, 7, 1), date(2029, 6, 30))
    # A warranty ending on a leap day: the years end on 28 February, then 29 again.
    leap = date(2024, 2, 29)
    assert year_bounds(leap, 1) == (date(2024, 3, 1), date(2025, 2, 28))
    assert year_after_warranty(leap, date(2025, 3, 1)) == 2


def test_two_percent_in_years_one_to_three() -> None:
    charges = [labour(date(2026, 8, 1), "10000"), labour(date(2026, 9, 1), "5000")]
    status = cap_status(VALUE, END, charges, date(2026, 10, 1), RULES)
    assert (status.year, status.cap, status.used) == (2, Decimal("20000.00"), Decimal("15000"))
    assert status.level is CapLevel.OK and status.remaining == Decimal("5000.00")
    # 80 % of the cap is the warning line; a cent over the cap is exceeded.
    charges.append(labour(date(2026, 10, 1), "1000"))
    assert cap_status(VALUE, END, charges, date(2026, 10, 1), RULES).level is CapLevel.WARNING
    charges.append(labour(date(2026, 10, 2), "3999.99"))
    at_cap = cap_status(VALUE, END, charges, date(2026, 10, 2), RULES)
    assert at_cap.used == Decimal("19999.99") and at_cap.level is CapLevel.WARNING
    charges.append(labour(date(2026, 10, 3), "0.02"))
    assert cap_status(VALUE, END, charges, date(2026, 10, 3), RULES).level is CapLevel.EXCEEDED


def test_each_year_has_its_own_cap_and_only_labour_counts() -> None:
    charges = [
        labour(date(2026, 6, 30), "19000"),  # last day of year 1
        labour(date(2026, 7, 1), "100"),  # first day of year 2
        labour(date(2026, 7, 2), "90000", ChargeKind.PARTS),
    ]
    year1 = cap_status(VALUE, END, charges, date(2026, 6, 30), RULES)
    year2 = cap_status(VALUE, END, charges, date(2026, 7, 2), RULES)
    assert (year1.used, year1.level) == (Decimal("19000"), CapLevel.WARNING)
    assert (year2.used, year2.level) == (Decimal("100"), CapLevel.OK)
    band = CapRules(period="band")
    whole = cap_status(VALUE, END, charges, date(2026, 7, 2), band)
    assert whole.starts_on == date(2025, 7, 1) and whole.ends_on == date(2028, 6, 30)
    assert whole.used == Decimal("19100")


def test_five_percent_in_years_four_to_six_and_none_after() -> None:
    status = cap_status(VALUE, END, [labour(date(2029, 1, 1), "40000")], date(2029, 1, 1), RULES)
    assert (status.year, status.cap, status.level) == (4, Decimal("50000.00"), CapLevel.WARNING)
    late = cap_status(VALUE, END, [], date(2031, 7, 1), RULES)
    assert (late.year, late.level, late.cap) == (7, CapLevel.NO_CAP, None)
    inside = cap_status(VALUE, END, [labour(END, "10")], END, RULES)
    assert inside.level is CapLevel.IN_WARRANTY and inside.used == Decimal("10")


def test_cap_rounds_to_the_cent_half_up() -> None:
    status = cap_status(Decimal("1234.25"), END, [], date(2025, 8, 1), RULES)
    assert status.cap == Decimal("24.69")  # 24.685


def test_cap_rules_from_config() -> None:
    config = load_service_config(
        {
            "charges": {
                "caps": [{"from_year": 1, "to_year": 2, "percent": 1.5}],
                "warn_at_percent": 50,
            }
        },
        user_dir=Path("/nowhere"),
    )
    assert config.caps.bands[0].percent == Decimal("1.5") and len(config.caps.bands) == 1
    with pytest.raises(ValidationError, match="overlapping"):
        CapRules.from_mapping(
            {
                "caps": [
                    {"from_year": 1, "to_year": 3, "percent": 2},
                    {"from_year": 3, "to_year": 4, "percent": 5},
                ]
            }
        )
    with pytest.raises(ValidationError, match="period"):
        CapRules.from_mapping({"period": "decade"})


@pytest.fixture
def contract(store: Store) -> Contract:
    return store.contracts.save(
        Contract("华东医院集团", "HT-2023-001", Decimal("500000"), warranty_ends_on=END)
    )


@pytest.fixture
def site(store: Store) -> Site:
    return store.sites.save(Site("华东医院集团", "门诊楼机房"))


def test_service_warns_as_the_cap_approaches(store: Store, contract, site) -> None:
    config = load_service_config({}, user_dir=Path("/nowhere"))
    service = ChargeService(store, config, engineer="张工", today=lambda: date(2026, 1, 15))
    first = service.add("HT-2023-001", site.id, "5000")  # cap 10,000.00
    assert first.warnings == () and first.cap.level is CapLevel.OK  # type: ignore[union-attr]
    second = service.add(contract.id, site.id, "3500.00", description="更换电源 人工")
    assert second.cap.level is CapLevel.WARNING  # type: ignore[union-attr]
    assert "approaching the cap" in second.warnings[0]
    parts = service.add(contract.id, site.id, "9999", kind="parts")
    assert parts.warnings == ()
    third = service.add(contract.id, site.id, "2000", charged_on=date(2026, 2, 1))
    assert "cap exceeded" in third.warnings[0]
    (row,) = service.summary(date(2026, 2, 1))
    assert row.labour == Decimal("10500.00") and row.total == Decimal("20499.00")
    assert len(service.for_contract(contract.id)) == 4
    with pytest.raises(AssetTrackError, match="more than 0"):
        service.add(contract.id, site.id, "-5")
    with pytest.raises(AssetTrackError, match="no contract"):
        service.add("HT-nope", site.id, "5")
    with pytest.raises(AssetTrackError, match="kind of charge"):
        service.add(contract.id, site.id, "5", kind="bribe")


def test_warranty_end_from_the_assets_and_warranty_fault(store: Store, site) -> None:
    config = load_service_config({}, user_dir=Path("/nowhere"))
    contract = store.contracts.save(Contract("客户", "HT-2", Decimal("100000")))
    service = ChargeService(store, config, today=lambda: date(2026, 1, 15))
    assert service.add(contract.id, site.id, "10").cap is None  # no warranty end known
    for start in (date(2020, 1, 1), date(2021, 5, 1)):
        store.assets.save(
            Asset(
                site.id,
                "switch",
                "Huawei",
                "S",
                f"SN{start.year}",
                warranty_start=start,
                contract_id=contract.id,
            )
        )
    assert service.warranty_end(contract) == date(2024, 5, 1)  # the later of two 36-month ends
    fault = FaultService(store, config).report(
        site.id, 2, ReportedVia.PHONE, datetime(2026, 1, 10, 9), warranty_covered=True
    )
    result = service.add(contract.id, site.id, "100", fault_id=fault.id)
    assert any("covered by warranty" in w for w in result.warnings)
