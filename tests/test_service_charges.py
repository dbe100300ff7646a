"""Charges after warranty and the labour caps: years after warranty, windows, percentages,
warnings; the warranty end a contract's caps count from, the same in the command line and
the app."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from assettrack.commands.context import Context
from assettrack.domain.charges import (
    CapLevel,
    CapRules,
    Charge,
    ChargeKind,
    cap_message,
    cap_status,
    year_after_warranty,
    year_bounds,
)
from assettrack.domain.errors import ValidationError
from assettrack.domain.models import Asset, Contract, Customer, ReportedVia, Site
from assettrack.domain.warranty import WarrantyRules
from assettrack.errors import AssetTrackError
from assettrack.services.charges import ChargeService
from assettrack.services.faults import FaultService
from assettrack.services.service_config import load_service_config
from assettrack.store.store import Store
from assettrack.tui.launch import open_tui
from assettrack.tui.screens.charges import COLUMNS, ChargesScreen
from assettrack.tui.widgets.fast_table import FastTable
from tests.conftest import TODAY, run_cli

RULES = CapRules()  # the default: one cap over each band's window of years
PER_YEAR = CapRules(period="per_year")
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


def test_per_year_each_year_has_its_own_cap_and_only_labour_counts() -> None:
    charges = [
        labour(date(2026, 6, 30), "19000"),  # last day of year 1
        labour(date(2026, 7, 1), "100"),  # first day of year 2
        labour(date(2026, 7, 2), "90000", ChargeKind.PARTS),
    ]
    year1 = cap_status(VALUE, END, charges, date(2026, 6, 30), PER_YEAR)
    year2 = cap_status(VALUE, END, charges, date(2026, 7, 2), PER_YEAR)
    assert (year1.used, year1.level) == (Decimal("19000"), CapLevel.WARNING)
    assert (year2.starts_on, year2.ends_on) == (date(2026, 7, 1), date(2027, 6, 30))
    assert (year2.cap, year2.used, year2.level) == (
        Decimal("20000.00"),
        Decimal("100"),
        CapLevel.OK,
    )
    whole = cap_status(VALUE, END, charges, date(2026, 7, 2), RULES)
    assert whole.starts_on == date(2025, 7, 1) and whole.ends_on == date(2028, 6, 30)
    assert (whole.cap, whole.used) == (Decimal("20000.00"), Decimal("19100"))


def test_the_window_caps_the_total_of_its_three_years() -> None:
    # 2 % of 1,000,000.00 for years 1-3 together, not 20,000.00 in each year.
    charges = [
        labour(date(2025, 9, 1), "8000.00"),  # year 1
        labour(date(2026, 9, 1), "8000.00"),  # year 2
        labour(date(2027, 9, 1), "5000.00"),  # year 3
        labour(date(2028, 8, 1), "30000.00"),  # year 4: the next window
        labour(date(2030, 8, 1), "25000.00"),  # year 6
    ]
    window = cap_status(VALUE, END, charges, date(2027, 9, 1), RULES)
    assert (window.year, window.first_year, window.last_year) == (3, 1, 3)
    assert (window.starts_on, window.ends_on) == (date(2025, 7, 1), date(2028, 6, 30))
    assert (window.cap, window.used) == (Decimal("20000.00"), Decimal("21000.00"))
    assert window.level is CapLevel.EXCEEDED and window.remaining == Decimal("-1000.00")
    assert cap_message(window, "CNY") == (
        "cap exceeded: labour 21000.00 CNY of the 20000.00 CNY cap "
        "(2025-07-01 to 2028-06-30, years 1-3 after warranty, now year 3)"
    )
    one_year = cap_status(VALUE, END, charges, date(2027, 9, 1), PER_YEAR)
    assert (one_year.starts_on, one_year.ends_on) == (date(2027, 7, 1), date(2028, 6, 30))
    assert (one_year.cap, one_year.used, one_year.level) == (
        Decimal("20000.00"),
        Decimal("5000.00"),
        CapLevel.OK,
    )
    assert cap_message(one_year) == (
        "labour 5000.00 of the 20000.00 cap (2027-07-01 to 2028-06-30, year 3 after warranty)"
    )
    # Years 4-6: 5 % = 50,000.00 over the window, 55,000.00 charged in it.
    later = cap_status(VALUE, END, charges, date(2030, 8, 1), RULES)
    assert (later.starts_on, later.ends_on) == (date(2028, 7, 1), date(2031, 6, 30))
    assert (later.cap, later.used, later.level) == (
        Decimal("50000.00"),
        Decimal("55000.00"),
        CapLevel.EXCEEDED,
    )
    year6 = cap_status(VALUE, END, charges, date(2030, 8, 1), PER_YEAR)
    assert (year6.cap, year6.used, year6.percent) == (
        Decimal("50000.00"),
        Decimal("25000.00"),
        Decimal("50.0"),
    )


def test_a_contracts_own_percents_replace_the_configured_ones_band_by_band() -> None:
    both = RULES.with_percents([Decimal("1.5"), Decimal("4")])
    assert cap_status(VALUE, END, [], date(2026, 1, 1), both).cap == Decimal("15000.00")
    assert cap_status(VALUE, END, [], date(2029, 1, 1), both).cap == Decimal("40000.00")
    first_only = RULES.with_percents([Decimal("3")])
    assert cap_status(VALUE, END, [], date(2026, 1, 1), first_only).cap == Decimal("30000.00")
    assert cap_status(VALUE, END, [], date(2029, 1, 1), first_only).cap == Decimal("50000.00")
    assert RULES.with_percents([]) is RULES
    assert (
        first_only.period == "window" and PER_YEAR.with_percents([Decimal(1)]).period == "per_year"
    )


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
    with pytest.raises(ValidationError, match="must be 'window' or 'per_year'"):
        CapRules.from_mapping({"period": "decade"})


def test_the_window_is_the_default_and_old_period_names_still_work() -> None:
    shipped = load_service_config({}, user_dir=Path("/nowhere")).caps
    assert shipped.period == "window" and CapRules().period == "window"
    assert [(b.from_year, b.to_year, b.percent) for b in shipped.bands] == [
        (1, 3, Decimal(2)),
        (4, 6, Decimal(5)),
    ]
    assert CapRules.from_mapping({"period": "band"}).period == "window"
    assert CapRules.from_mapping({"period": "year"}).period == "per_year"
    assert CapRules.from_mapping({"period": "per_year"}).period == "per_year"
    old_file = load_service_config({"charges": {"period": "year"}}, user_dir=Path("/nowhere"))
    assert old_file.caps == PER_YEAR


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
    with pytest.raises(AssetTrackError, match="must be 0 or more"):
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


def test_the_warranty_end_the_caps_count_from(store: Store, site) -> None:
    config = load_service_config({}, user_dir=Path("/nowhere"))
    service = ChargeService(store, config, WarrantyRules(), today=lambda: TODAY)
    other_site = store.sites.save(Site("华东医院集团", "住院部机房"))
    on_site = store.assets.save(
        Asset(site.id, "switch", "Acme", "A", "A-1", installed_on=date(2022, 4, 30))
    )
    listed = store.assets.save(
        Asset(other_site.id, "switch", "Acme", "A", "A-2", installed_on=date(2023, 2, 28))
    )
    store.assets.save(
        Asset(other_site.id, "switch", "Acme", "A", "A-3", installed_on=date(2024, 1, 1))
    )  # at a site the contract does not cover
    covering = Contract("华东医院集团", "HT-9", VALUE, site_ids=[site.id], asset_ids=[listed.id])
    # 3. The latest of the covered assets (36 months each here): the listed one.
    found = service.warranty(covering)
    assert (found.end, found.source) == (date(2026, 2, 28), "the latest of 2 covered asset(s)")
    # An asset naming the contract is covered too.
    store.assets.save(
        Asset(
            other_site.id,
            "switch",
            "Acme",
            "A",
            "A-4",
            installed_on=date(2023, 5, 31),
            contract_id=covering.id,
        )
    )
    assert service.warranty_end(covering) == date(2026, 5, 31)
    # 2. The warranty the contract gives, counted from its start; months without a start
    # date say nothing.
    covering.warranty_months = 24
    assert service.warranty_end(covering) == date(2026, 5, 31)
    covering.starts_on = date(2023, 3, 31)
    found = service.warranty(covering)
    assert (found.end, found.source) == (
        date(2025, 3, 31),
        "the contract's 24 months from 2023-03-31",
    )
    # 1. The contract's own warranty end wins over both.
    covering.warranty_ends_on = date(2025, 1, 15)
    assert service.warranty(covering).end == date(2025, 1, 15)
    assert on_site.id in service._customers.covered_assets(covering)


def test_the_summary_uses_the_contracts_own_cap_percents(store: Store, site) -> None:
    config = load_service_config({}, user_dir=Path("/nowhere"))
    contract = store.contracts.save(
        Contract("华东医院集团", "HT-3", VALUE, warranty_ends_on=END, cap_percents=[Decimal("1")])
    )
    service = ChargeService(store, config, today=lambda: date(2027, 1, 1))
    service.add(contract.id, site.id, "6000", charged_on=date(2025, 8, 1))
    result = service.add(contract.id, site.id, "4500", charged_on=date(2026, 12, 1))
    assert result.cap is not None
    assert (result.cap.cap, result.cap.used) == (Decimal("10000.00"), Decimal("10500.00"))
    assert result.warnings == (
        "cap exceeded: labour 10500.00 CNY of the 10000.00 CNY cap "
        "(2025-07-01 to 2028-06-30, years 1-3 after warranty, now year 2)",
    )
    (row,) = service.summary()
    assert row.cap == result.cap and row.warranty_source == "the contract's warranty end"


# -- the command line and the app agree ----------------------------------------------------


@pytest.fixture
def charged_db(tmp_path: Path) -> Path:
    """Contracts whose warranty ends come from the installed vendor plugins' model rules.

    The shipped warranty.toml states no Cisco or Huawei period (36 months by default); the
    Huawei and Cisco plugins give these models 60. Vendors are typed as people write them.
    """
    folder = tmp_path / "db"
    with Store.open(folder, author="test") as store:
        customer = store.customers.save(Customer("华东医院集团"))
        a = store.sites.save(Site(customer.name, "门诊楼机房", customer_id=customer.id))
        b = store.sites.save(Site(customer.name, "住院部机房", customer_id=customer.id))
        for vendor, model, serial, installed in (
            ("华为", "S5735-L48T4X-A1", "HW-1", date(2021, 6, 7)),  # plugin: ends 2026-06-07
            ("思科", "WS-C2960X-24TS-L", "CS-1", date(2020, 10, 17)),  # plugin: 2025-10-17
        ):
            store.assets.save(Asset(a.id, "switch", vendor, model, serial, installed_on=installed))
        whole_site = store.contracts.save(
            Contract(customer.name, "HT-A", Decimal("1000000.00"), site_ids=[a.id])
        )
        own_terms = store.contracts.save(
            Contract(
                customer.name,
                "HT-B",
                Decimal("500000.00"),
                starts_on=date(2023, 3, 15),
                warranty_months=24,
                cap_percents=[Decimal("1.5")],
            )
        )
        listed = store.assets.save(
            Asset(b.id, "switch", "HUAWEI TECH", "S5720-28X", "HW-2", installed_on=date(2018, 5, 1))
        )
        by_assets = store.contracts.save(
            Contract(customer.name, "HT-C", Decimal("200000.00"), asset_ids=[listed.id])
        )
        store.assets.save(
            Asset(
                b.id,
                "switch",
                "Cisco Systems, Inc.",
                "WS-C3650-24TS",
                "CS-2",
                installed_on=date(2019, 1, 10),  # plugin: ends 2024-01-10
                contract_id=by_assets.id,
            )
        )
        for contract, day, amount, kind in (
            (whole_site, date(2025, 9, 1), "9000.00", ChargeKind.LABOUR),  # in warranty
            (whole_site, date(2026, 8, 1), "12000.00", ChargeKind.LABOUR),
            (whole_site, date(2026, 10, 1), "5000.00", ChargeKind.LABOUR),
            (own_terms, date(2025, 5, 1), "3000.00", ChargeKind.LABOUR),
            (own_terms, date(2026, 11, 1), "5000.00", ChargeKind.LABOUR),
            (own_terms, date(2026, 11, 1), "9999.00", ChargeKind.PARTS),
        ):
            store.charges.save(Charge(contract.id, a.id, day, Decimal(amount), kind))
    return folder


EXPECTED = {  # contract -> warranty end, year, cap, from, to, labour in the window, level
    "HT-A": ("2026-06-07", 1, "20000.00", "2026-06-08", "2029-06-07", "17000.00", "warning"),
    "HT-B": ("2025-03-15", 2, "7500.00", "2025-03-16", "2028-03-15", "8000.00", "exceeded"),
    "HT-C": ("2024-01-10", 3, "4000.00", "2024-01-11", "2027-01-10", "0", "ok"),
}


def _user_env(tmp_path: Path) -> dict[str, str]:
    """No user settings, no --config file: the shipped rules and the installed plugins of
    this repository (third-party ones stay blocked, as for every test)."""
    return {
        "XDG_CONFIG_HOME": str(tmp_path / "no-user-config"),
        "ASSETTRACK_CONFIG": "",
    }


async def test_the_command_line_and_the_app_judge_charges_alike(
    charged_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _user_env(tmp_path)
    listed = run_cli("--db", str(charged_db), "charges", "--format", "json", env=env)
    assert listed.returncode == 0, listed.stderr
    cli = {
        r["contract"]: (
            r["warranty_end"],
            r["year"],
            r["cap"],
            r["cap_from"],
            r["cap_to"],
            r["labour_in_period"],
            r["status"],
        )
        for r in json.loads(listed.stdout)
    }
    assert cli == EXPECTED
    sources = {r["contract"]: r["warranty_source"] for r in json.loads(listed.stdout)}
    assert sources == {
        "HT-A": "the latest of 2 covered asset(s)",
        "HT-B": "the contract's 24 months from 2023-03-15",
        "HT-C": "the latest of 2 covered asset(s)",
    }

    # The app on the same database, opened as the command line opens it; F8 reads the table.
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    context = Context(None, charged_db, TODAY)
    with open_tui(context, charged_db, cache_folder=tmp_path / "cache") as app:
        async with app.run_test(size=(160, 40)) as pilot:
            await pilot.press("f8")
            await pilot.pause()
            assert isinstance(app.screen, ChargesScreen)
            column = {c.key: i for i, c in enumerate(COLUMNS)}
            with Store.open(charged_db, read_only=True) as store:
                numbers = {c.id: c.number for c in store.contracts.list()}

            def cell(row, key: str) -> str:
                value = row.cells[column[key]]
                return value if isinstance(value, str) else value.plain

            shown = {
                numbers[row.key]: (
                    cell(row, "warranty"),
                    int(cell(row, "year")),
                    cell(row, "cap").replace(",", ""),
                    cell(row, "used").replace(",", ""),
                    cell(row, "level").replace(" ", "_"),
                )
                for row in app.screen.query_one(FastTable).rows
            }
    assert shown == {
        number: (end, year, cap, str(Decimal(used).quantize(Decimal("0.01"))), level)
        for number, (end, year, cap, _, _, used, level) in cli.items()
    }

    # The configured rules alone (what the command line used before) give other ends.
    with Store.open(charged_db, read_only=True) as store:
        settings = context.settings
        alone = ChargeService(store, load_service_config({}), settings.warranty)
        ends = {c.number: alone.warranty_end(c) for c in store.contracts.list()}
    assert (ends["HT-A"], ends["HT-C"]) == (date(2024, 6, 7), date(2022, 1, 10))

    # charge add judges the cap with the same rules: years 1-3 counted from 2026-06-07.
    added = run_cli(
        "--db", str(charged_db), "charge", "add", "--contract", "HT-A", "--site", "门诊楼机房",
        "--amount", "3500", "--on", "2026-12-01", env=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stderr.strip() == (
        "WARNING: cap exceeded: labour 20500.00 CNY of the 20000.00 CNY cap "
        "(2026-06-08 to 2029-06-07, years 1-3 after warranty, now year 1)"
    )
