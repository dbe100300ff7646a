"""Huawei VRP for assettrack: a console driver, checklist items, warranty periods.

The driver reads Huawei campus and data-centre switches (S, CE series) and AR routers
running VRP over their console.
"""

from __future__ import annotations

from collections.abc import Callable

from assettrack.api import (
    HUAWEI_VRP,
    Asset,
    ChecklistItem,
    ConfigCommands,
    DeviceDriver,
    ItemKind,
    ItemResult,
    ModelRule,
    Proposal,
    Readings,
    VendorRule,
    hookimpl,
    redundancy_proposal,
)
from assettrack_huawei_vrp.parsing import COMMANDS, parse, uptime_seconds

__version__ = "0.1.0"
# The plugin API this plugin is written for: assettrack refuses it if it offers another.
ASSETTRACK_API = ">=1.1,<2"

# Its messages in the interface's language: locale/<language>/LC_MESSAGES/<package>.po,
# through the API's translator (1.2); an assettrack of API 1.1 shows them in English.
try:
    from assettrack.api import translator
except ImportError:  # API 1.1

    def _(message: str) -> str:
        return message

else:
    _ = translator(__name__)

__all__ = ["CHECKLIST", "DRIVER", "WARRANTY", "match", "parse", "uptime_seconds"]

VENDOR = "Huawei"
SECTION = "Huawei VRP"


def match(asset: Asset) -> int:
    """50 for a Huawei asset ("Huawei", "HUAWEI TECH", "Huawei Technologies"), else 0."""
    return 50 if asset.vendor.strip().casefold().startswith("huawei") else 0


DRIVER = DeviceDriver(
    name="huawei_vrp",
    match=match,
    console=HUAWEI_VRP,
    commands=COMMANDS,
    parse=parse,
    description="Huawei VRP (S, CE and AR series): version, ESN, boards, temperatures, "
    "fans, power, CPU, memory, interfaces and active alarms.",
    # Ten commands; a stack of several members at 9600 baud still reads within this.
    deadline_seconds=180.0,
    # The configuration, compared with the one saved for the next startup.
    config=ConfigCommands(
        running="display current-configuration",
        saved="display saved-configuration",
        ignore=(r"^!Last configuration was (updated|saved) at", r"^!Time:"),
    ),
    # Beyond the built-in ones (cipher, irreversible-cipher, password simple, communities).
    secret_patterns=(
        r"\bauthentication-mode\s+(?:md5|hmac-sha256|simple)\s+(?:\d+\s+)?(?:plain\s+)?(?P<v>\S+)",
        r"\bshared-key\s+(?:cipher\s+|simple\s+)?(?P<v>\S+)",
        r"\b(?:key|password)\s+(?:simple|plain)\s+(?P<v>\S+)",
    ),
)

PATCH_LEVEL = ChecklistItem(
    id="huawei_patch_level",
    label="Patch level recorded",
    help="`display patch-information`: note the running patch (e.g. V200R011SPH012) and "
    "compare it with the recommended patch for the release.",
    kind=ItemKind.TEXT,
    reading="extra.patch_version",
    section=SECTION,
)
CONFIG_SAVED = ChecklistItem(
    id="huawei_config_saved",
    label="Configuration saved (next-startup = current)",
    help="`compare configuration` reports no difference; otherwise `save` once the customer "
    "agrees.",
    section=SECTION,
)
REDUNDANT_POWER = ChecklistItem(
    id="huawei_redundant_power",
    label="Redundant power module present",
    help="Both power module slots filled and each module supplying (`display power`).",
    reading="power_supplies",
    section=SECTION,
)
BOARDS_NORMAL = ChecklistItem(
    id="huawei_boards_normal",
    label="All boards registered, no board alarm",
    help="`display device`: every board Present, Registered and Normal.",
    reading="extra.abnormal_boards",
    section=SECTION,
)
CHECKLIST: tuple[ChecklistItem, ...] = (PATCH_LEVEL, CONFIG_SAVED, REDUNDANT_POWER, BOARDS_NORMAL)

# Hardware warranty periods, months: campus switches five years; the CE, AR, NE and S12700
# lines one year; the rest three years (as assettrack's shipped rules always gave them). A
# user's warranty.toml wins where it states a period; this rule wins over the shipped
# defaults.
WARRANTY = VendorRule(
    VENDOR,
    months=36,
    models=(
        ModelRule("S57*", 60),
        ModelRule("S67*", 60),
        ModelRule("S53*", 60),
        ModelRule("S27*", 60),
        ModelRule("S127*", 12),
        ModelRule("CE*", 12),
        ModelRule("AR*", 12),
        ModelRule("NE*", 12),
    ),
)


@hookimpl
def assettrack_register_drivers(register: Callable[[DeviceDriver], None]) -> None:
    register(DRIVER)


@hookimpl
def assettrack_checklist_items(asset: Asset) -> list[ChecklistItem]:
    return list(CHECKLIST) if match(asset) else []


@hookimpl
def assettrack_autofill(item: ChecklistItem, readings: Readings) -> Proposal | None:
    if item.id == REDUNDANT_POWER.id:
        return _redundant_power(readings)
    if item.id == PATCH_LEVEL.id:
        patch = str(readings.extra.get("patch_version") or "").strip()
        if patch:
            return Proposal(ItemResult.PASS, patch, _("as the device reports it"))
    return None


def _redundant_power(readings: Readings) -> Proposal | None:
    return redundancy_proposal(
        readings.power_supplies,
        list(readings.extra.get("empty_power_bays") or []),
        failed_word="not supplying",
        slot_word="empty slot",
        unit="power module",
    )


@hookimpl
def assettrack_warranty_rules(register: Callable[[VendorRule], None]) -> None:
    register(WARRANTY)
