"""An example assettrack plugin for the (fictional) vendor "Example Networks".

It adds a checklist item for Example devices, fills that item from the device's readings,
and states Example's warranty period. Replace each piece with your own.
"""

from __future__ import annotations

from collections.abc import Callable

from assettrack.api import (
    Asset,
    ChecklistItem,
    ItemKind,
    ItemResult,
    ModelRule,
    Proposal,
    Readings,
    VendorRule,
    hookimpl,
)

__version__ = "0.1.0"
# The plugin API this plugin is written for (docs/api.md): assettrack refuses to load it if it
# offers another, rather than let it half-work.
ASSETTRACK_API = ">=1.1,<2"

VENDOR = "Example Networks"

FILTER_ITEM = ChecklistItem(
    id="example_filter",
    label="Dust filter clean",
    help="Slide the filter out at the front; replace it if grey.",
    kind=ItemKind.PASS_FAIL,
    section="Example Networks",
)
PSU_ITEM = ChecklistItem(
    id="example_psu_redundancy",
    label="Both power supplies present",
    kind=ItemKind.NUMBER,
    low=2,
    reading="power_supplies",
    section="Example Networks",
)


@hookimpl
def assettrack_checklist_items(asset: Asset) -> list[ChecklistItem]:
    if asset.vendor.casefold() != VENDOR.casefold():
        return []
    return [FILTER_ITEM, PSU_ITEM]


@hookimpl
def assettrack_autofill(item: ChecklistItem, readings: Readings) -> Proposal | None:
    if item.id != PSU_ITEM.id or not readings.power_supplies:
        return None
    count = len(readings.power_supplies)
    result = ItemResult.PASS if count >= 2 else ItemResult.FAIL
    return Proposal(result, str(count), "power supplies reported by the device")


@hookimpl
def assettrack_warranty_rules(register: Callable[[VendorRule], None]) -> None:
    register(VendorRule(VENDOR, months=24, models=(ModelRule("EX-9*", 60),)))
