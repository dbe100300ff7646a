from __future__ import annotations

from datetime import date, timedelta

import pytest

from assettrack.config import load_settings
from assettrack.domain.errors import ValidationError
from assettrack.domain.models import Asset
from assettrack.domain.vendors import VendorAliases, VendorNames
from assettrack.domain.warranty import (
    ModelRule,
    VendorRule,
    WarrantyRules,
    WarrantyState,
    add_months,
    warranty_status,
)
from assettrack.errors import AssetTrackError


def asset(**overrides) -> Asset:
    values = dict(site_id="s", kind="switch", vendor="Huawei", model="S5735", serial_number="X1")
    values.update(overrides)
    return Asset(**values)


RULES = WarrantyRules.from_mapping(
    {
        "default_months": 36,
        "expiring_days": [30, 90, 60],
        "vendors": {
            "cisco": {
                "name": "Cisco",
                "months": 12,
                "models": [{"pattern": "C9[23]00*", "months": 60}],
            },
            "huawei": {"name": "Huawei"},
        },
    }
)


def test_thirty_six_months_from_a_month_end() -> None:
    assert add_months(date(2023, 1, 31), 36) == date(2026, 1, 31)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2023, 1, 31), 13) == date(2024, 2, 29)


def test_month_arithmetic_agrees_with_dateutil() -> None:
    from dateutil.relativedelta import relativedelta

    starts = [date(2020, 1, 1) + timedelta(days=d) for d in range(0, 1500, 7)]
    starts += [date(2023, 1, 31), date(2024, 2, 29), date(2023, 12, 31), date(2024, 3, 31)]
    for start in starts:
        for months in (0, 1, 11, 12, 13, 35, 36, 60, 119):
            assert add_months(start, months) == start + relativedelta(months=months)


def test_leap_day_start() -> None:
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 48) == date(2028, 2, 29)


def test_unknown_vendor_gets_three_years() -> None:
    status = warranty_status(
        asset(vendor="Acme", installed_on=date(2023, 1, 31)), RULES, date(2025, 1, 1)
    )
    assert status.end == date(2026, 1, 31)
    assert status.months == 36
    assert status.source == "general default"
    assert status.state is WarrantyState.ACTIVE


def test_vendor_without_months_falls_back_to_default() -> None:
    months, source = RULES.period_for("HUAWEI", "S5735")
    assert (months, source) == (36, "general default")


def test_model_pattern_wins_over_vendor_months() -> None:
    assert RULES.period_for("cisco", "c9300-48p") == (60, "Cisco C9[23]00*")
    assert RULES.period_for("Cisco", "ISR4331") == (12, "Cisco default")


def test_last_day_is_covered_and_the_next_is_expired() -> None:
    a = asset(installed_on=date(2023, 1, 31))
    on_end = warranty_status(a, RULES, date(2026, 1, 31))
    after = warranty_status(a, RULES, date(2026, 2, 1))
    assert (on_end.state, on_end.days_left, on_end.band) == (WarrantyState.EXPIRING, 0, 30)
    assert (after.state, after.days_left) == (WarrantyState.EXPIRED, -1)


@pytest.mark.parametrize(
    ("today", "state", "band"),
    [
        (date(2025, 11, 1), WarrantyState.ACTIVE, None),  # 91 days left
        (date(2025, 11, 2), WarrantyState.EXPIRING, 90),  # 90 days left
        (date(2025, 12, 2), WarrantyState.EXPIRING, 60),  # 60 days left
        (date(2026, 1, 1), WarrantyState.EXPIRING, 30),  # 30 days left
    ],
)
def test_expiring_bands(today: date, state: WarrantyState, band: int | None) -> None:
    status = warranty_status(asset(installed_on=date(2023, 1, 31)), RULES, today)
    assert (status.state, status.band) == (state, band)


def test_no_dates_is_unknown() -> None:
    status = warranty_status(asset(), RULES, date(2026, 1, 1))
    assert status.state is WarrantyState.UNKNOWN
    assert status.end is None and status.days_left is None


def test_warranty_start_wins_over_installation() -> None:
    a = asset(installed_on=date(2020, 1, 1), warranty_start=date(2022, 6, 15))
    assert warranty_status(a, RULES, date(2024, 1, 1)).end == date(2025, 6, 15)


def test_asset_overrides_and_extension() -> None:
    own_months = asset(installed_on=date(2023, 1, 1), warranty_months=60)
    assert warranty_status(own_months, RULES, date(2024, 1, 1)).end == date(2028, 1, 1)
    own_end = asset(installed_on=date(2023, 1, 1), warranty_end=date(2024, 3, 31))
    status = warranty_status(own_end, RULES, date(2024, 1, 1))
    assert (status.end, status.source) == (date(2024, 3, 31), "asset's own end date")
    extended = asset(installed_on=date(2023, 1, 31), warranty_extension_months=12)
    status = warranty_status(extended, RULES, date(2024, 1, 1))
    assert status.end == date(2027, 1, 31)
    assert "extension" in status.source


def test_plugin_rules_fill_gaps_but_config_wins() -> None:
    merged = RULES.with_vendor_rules(
        [
            VendorRule("Cisco", 24, (ModelRule("C9[23]00*", 12), ModelRule("ISR*", 48))),
            VendorRule("Ruijie", 24),
        ]
    )
    assert merged.period_for("Cisco", "C9300-48P") == (60, "Cisco C9[23]00*")  # config kept
    assert merged.period_for("Cisco", "ISR4331")[0] == 48  # plugin added a model
    assert merged.period_for("ruijie", "x")[0] == 24  # plugin added a vendor
    assert merged.period_for("Cisco", "WS-C2960")[0] == 12  # config's vendor months kept


def test_rules_are_looked_up_by_the_vendor_a_name_resolves_to() -> None:
    aliases = VendorAliases(
        (VendorNames("Huawei", ("华为", "Huawei Technologies")),), ("Co., Ltd.",)
    )
    assert RULES.period_for("华为", "S5735") == (36, "general default")  # no alias table
    # Two configured rules whose names resolve to one vendor become one rule, the first
    # stating a figure winning.
    rules = WarrantyRules.from_mapping(
        {
            "vendors": {
                "huawei": {"name": "Huawei", "models": [{"pattern": "S57*", "months": 60}]},
                "hw": {"name": "华为", "months": 24, "models": [{"pattern": "S57*", "months": 1}]},
            }
        }
    ).with_aliases(aliases)
    assert rules.period_for("华为", "S5735") == (60, "Huawei S57*")
    assert rules.period_for("Huawei Technologies Co., Ltd.", "AR6280") == (24, "Huawei default")
    assert rules.period_for("HUAWEI", "AR6280") == (24, "Huawei default")
    assert rules.vendor_of("华为") == "Huawei" and rules.vendor_of("Acme ") == "Acme"
    # Plugins' rules given under an alias fill the same rule's gaps.
    more = rules.with_vendor_rules([VendorRule("华为", 99, (ModelRule("AR6*", 48),))])
    assert more.period_for("华为", "AR6280") == (48, "Huawei AR6*")
    assert more.aliases == aliases  # kept for the next look-up


def test_bad_rules_name_the_field() -> None:
    with pytest.raises(ValidationError) as err:
        WarrantyRules.from_mapping(
            {"default_months": -3, "vendors": {"x": {"months": "ten", "models": [{"months": 5}]}}}
        )
    text = str(err.value)
    assert "default_months: -3" in text
    assert "vendors.x.months: 'ten'" in text
    assert "vendors.x.models[0].pattern" in text


def test_shipped_rules_load_and_user_files_override(tmp_path) -> None:
    user = tmp_path / "user"
    user.mkdir()
    (user / "warranty.toml").write_text("default_months = 24\n[vendors.juniper]\nmonths = 6\n")
    settings = load_settings(env={}, user_dir=user, db_path=tmp_path / "db")
    assert settings.warranty.default_months == 24
    assert settings.warranty.period_for("Juniper", "MX204")[0] == 6
    # The rest of the shipped Juniper rule is kept: its model pattern still applies.
    assert settings.warranty.period_for("Juniper", "EX4300-48T")[0] == 60
    extra = tmp_path / "extra.toml"
    extra.write_text('[warranty]\ndefault_months = 48\n[database]\npath = "/x/y"\n')
    layered = load_settings(config_file=extra, env={}, user_dir=user)
    assert layered.warranty.default_months == 48
    assert str(layered.db_path) == "/x/y"
    by_env = load_settings(
        env={"ASSETTRACK_CONFIG": str(extra), "ASSETTRACK_DB": "/e"}, user_dir=user
    )
    assert (by_env.warranty.default_months, str(by_env.db_path)) == (48, "/e")


def test_broken_config_file_is_reported_with_its_name(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("default_months = \n")
    with pytest.raises(AssetTrackError, match=r"bad\.toml is not valid TOML"):
        load_settings(config_file=bad, env={}, user_dir=tmp_path)


def test_the_precedence_example_of_the_plugin_guide() -> None:
    """docs/plugins.md's worked example: the asset's own period, the user's rules, the
    plugins', the shipped file's, the default; a model pattern before a vendor's months."""
    shipped = {
        "acme": {"name": "Acme", "months": 12, "models": [{"pattern": "AX-1*", "months": 6}]}
    }
    users = {"acme": {"name": "Acme", "models": [{"pattern": "AX-95*", "months": 36}]}}
    rules = WarrantyRules.from_mapping({"vendors": users}, shipped=shipped).with_vendor_rules(
        [VendorRule("Acme", months=24, models=(ModelRule("AX-9*", 60),))]
    )
    start, today = date(2024, 1, 1), date(2024, 6, 1)

    def months(model: str, vendor: str = "Acme", **own) -> int:
        item = asset(vendor=vendor, model=model, installed_on=start, **own)
        return warranty_status(item, rules, today).months

    assert months("AX-9500", warranty_months=48) == 48
    assert months("AX-9500") == 36
    assert months("AX-9100") == 60
    assert months("AX-1000") == 6
    assert months("AX-200") == 24
    assert months("BX-1", vendor="Bcme") == 36
    assert rules.period_for("Acme", "AX-9500") == (36, "Acme AX-95*")
    assert rules.period_for("Acme", "AX-200") == (24, "Acme default")
