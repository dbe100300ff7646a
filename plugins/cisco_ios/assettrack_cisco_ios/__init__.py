"""Cisco IOS and IOS XE for assettrack: a console driver, checklist items, warranty periods.

The driver reads Catalyst switches and ISR/ASR routers running IOS or IOS XE over their
console. Cisco devices running other systems (NX-OS, IOS XR, ASA, Meraki, AireOS) are left
to other drivers.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assettrack.api import (
    CISCO_IOS,
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
from assettrack_cisco_ios.parsing import COMMANDS, parse, uptime_seconds

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

VENDOR = "Cisco"
SECTION = "Cisco IOS"

# Cisco product lines that do not run IOS or IOS XE: their consoles answer other commands.
# ASR 9000s (four digits: ASR9001, ASR-9906) run IOS XR; ASR 900s (ASR-903, ASR-920) run IOS XE.
NOT_IOS = re.compile(
    r"^(N\d{1,2}K-|NEXUS|ASR-?9\d{3}|NCS|CRS|ASA|FPR|FIREPOWER|MERAKI|M[SRX]\d{2,3}\b|"
    r"AIR-CT|UCS)",
    re.IGNORECASE,
)


def is_cisco(asset: Asset) -> bool:
    # "Cisco", "cisco", "Cisco Systems", "Cisco Systems, Inc." as registers spell it.
    return asset.vendor.strip().casefold().startswith("cisco")


def match(asset: Asset) -> int:
    """50 for a Cisco asset, 0 for anything else or a Cisco line that does not run IOS."""
    if not is_cisco(asset) or NOT_IOS.match(asset.model.strip()):
        return 0
    return 50


DRIVER = DeviceDriver(
    name="cisco_ios",
    match=match,
    console=CISCO_IOS,
    commands=COMMANDS,
    parse=parse,
    description="Cisco IOS and IOS XE (Catalyst, ISR, ASR 1000): version, inventory, "
    "environment, CPU, memory, interfaces and serious log messages.",
    # Nine commands; a four-high stack at 9600 baud still reads well within this.
    deadline_seconds=180.0,
    # The configuration (privileged mode: the reader enters it), compared with the startup one.
    config=ConfigCommands(
        running="show running-config",
        saved="show startup-config",
        # Headers with the size or the time of the last change, and the clock's drift.
        ignore=(
            r"^Building configuration",
            r"^Current configuration\s*:",
            r"^Using \d+ out of \d+ bytes",
            r"^! (Last configuration change|NVRAM config last updated|No configuration change)",
            r"^ntp clock-period",
        ),
    ),
    # Beyond the built-in ones (secret 5/8/9, password 7, communities, server keys).
    secret_patterns=(
        r"\bmessage-digest-key\s+\d+\s+md5\s+(?:\d\s+)?(?P<v>\S+)",
        r"\bauthentication-key\s+(?:\d\s+)?(?P<v>\S+)",
        r"\bisakmp\s+key\s+(?:\d\s+)?(?P<v>\S+)",
        r"\bwpa-psk\s+(?:ascii|hex)\s+(?:\d\s+)?(?P<v>\S+)",
    ),
)

CONFIG_SAVED = ChecklistItem(
    id="cisco_config_saved",
    label="Configuration saved (startup = running)",
    help="`show archive config differences nvram:startup-config system:running-config` "
    "shows no differences; otherwise save with `copy running-config startup-config` "
    "once the customer agrees.",
    section=SECTION,
)
REDUNDANT_POWER = ChecklistItem(
    id="cisco_redundant_power",
    label="Redundant power supply present",
    help="Both power supply bays filled and each supply OK (`show environment power all`).",
    reading="power_supplies",
    section=SECTION,
)
CONFIG_REGISTER = ChecklistItem(
    id="cisco_config_register",
    label="Configuration register normal (0x2102 / 0x102)",
    help="Any other value, e.g. 0x2142 left over from password recovery, makes the device "
    "ignore its saved configuration at the next boot.",
    reading="extra.config_register",
    section=SECTION,
)
RELOAD_REASON = ChecklistItem(
    id="cisco_reload_reason",
    label="Last reload reason",
    help="A crash, watchdog or unexplained reload needs a case with Cisco TAC.",
    kind=ItemKind.TEXT,
    reading="extra.reload_reason",
    section=SECTION,
)
CHECKLIST: tuple[ChecklistItem, ...] = (
    CONFIG_SAVED,
    REDUNDANT_POWER,
    CONFIG_REGISTER,
    RELOAD_REASON,
)

NORMAL_CONFIG_REGISTERS = {"0x2102", "0x102", "0x0102", "0xf", "0x000f"}
CRASH_REASONS = re.compile(
    r"crash|exception|watchdog|error|critical|bus error|address error|cpu signal|"
    r"s/w reset|abort|unknown",
    re.IGNORECASE,
)

# Hardware warranty periods, months. The Catalyst access lines carry Cisco's limited
# lifetime warranty, counted here as five years; ISR 4000 routers three years (as
# assettrack's shipped rules always gave them); the rest one year. A user's warranty.toml
# wins where it states a period; this rule wins over the shipped defaults.
WARRANTY = VendorRule(
    VENDOR,
    months=12,
    models=(
        ModelRule("WS-C29*", 60),
        ModelRule("WS-C36*", 60),
        ModelRule("WS-C38*", 60),
        ModelRule("C9[23]00*", 60),  # Catalyst 9200 and 9300
        ModelRule("C1000-*", 60),
        ModelRule("C9400*", 12),
        ModelRule("C9500*", 12),
        ModelRule("ISR4*", 36),
        ModelRule("C8*", 12),
        ModelRule("ASR1*", 12),
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
    if item.id == CONFIG_REGISTER.id:
        value = str(readings.extra.get("config_register") or "").strip()
        if not value:
            return None
        if value.casefold() in NORMAL_CONFIG_REGISTERS:
            return Proposal(ItemResult.PASS, value)
        return Proposal(
            ItemResult.FAIL,
            value,
            _("the device will not boot normally from its saved configuration"),
        )
    if item.id == RELOAD_REASON.id:
        reason = str(readings.extra.get("reload_reason") or "").strip()
        if not reason:
            return None
        if CRASH_REASONS.search(reason):
            return Proposal(ItemResult.FAIL, reason, _("not a planned reload: check crashinfo"))
        return Proposal(ItemResult.PASS, reason)
    return None


def _redundant_power(readings: Readings) -> Proposal | None:
    return redundancy_proposal(
        readings.power_supplies,
        list(readings.extra.get("empty_power_bays") or []),
        failed_word="failed",
        slot_word="empty bay",
        unit="power supply",
    )


@hookimpl
def assettrack_warranty_rules(register: Callable[[VendorRule], None]) -> None:
    register(WARRANTY)
