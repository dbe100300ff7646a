"""Warranty rules as plain values (``WarrantyRules.plain``), as the app's start-up snapshot
keeps them with marshal: the same rules come back, every layer, alias and threshold, and
anything of another shape is refused."""

from __future__ import annotations

import marshal

import pytest

from assettrack.domain.vendors import VendorAliases
from assettrack.domain.warranty import ModelRule, VendorRule, WarrantyRules

RULES = (
    WarrantyRules.from_mapping(
        {
            "default_months": 24,
            "expiring_days": [45, 10],
            "vendors": {
                "huawei": {
                    "name": "Huawei",
                    "months": 60,
                    "models": [{"pattern": "S57*", "months": 12}],
                },
                "h3c": {"name": "H3C"},
            },
        },
        shipped={
            "juniper": {
                "name": "Juniper",
                "months": 12,
                "models": [{"pattern": "EX*", "months": 60}],
            }
        },
    )
    .with_aliases(
        VendorAliases.from_mapping(
            {"suffixes": ["Ltd", "有限公司"], "huawei": {"name": "Huawei", "aliases": ["华为"]}}
        )
    )
    .with_vendor_rules([VendorRule("Cisco", 12, (ModelRule("C9[23]00*", 60),))])
)


def test_the_plain_rules_are_the_same_rules() -> None:
    back = WarrantyRules.from_plain(marshal.loads(marshal.dumps(RULES.plain(), 4)))
    assert back == RULES and repr(back) == repr(RULES)
    for vendor, model in [
        ("华为", "S5735"),
        ("Huawei Ltd", "CE6800"),
        ("Cisco", "C9300-48"),
        ("Juniper", "EX4300"),
        ("H3C", "S5130"),
        ("瞻博", "MX"),
    ]:
        assert back.period_for(vendor, model) == RULES.period_for(vendor, model)
        assert back.vendor_of(vendor) == RULES.vendor_of(vendor)
    assert WarrantyRules.from_plain(WarrantyRules().plain()) == WarrantyRules()


@pytest.mark.parametrize(
    "damaged",
    [
        None,
        (),
        7,
        RULES.plain()[:-1],
        (*RULES.plain()[:2], {"huawei": ("Huawei", 60)}, *RULES.plain()[3:]),
    ],
)
def test_another_shape_is_refused(damaged) -> None:
    with pytest.raises((TypeError, ValueError)):
        WarrantyRules.from_plain(damaged)
