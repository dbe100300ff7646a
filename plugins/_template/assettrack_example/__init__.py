"""An example assettrack plugin for the (fictional) vendor "Example Networks".

It adds a console driver for Example devices (built with the API's helpers: prompt
patterns, one parser per command, stack members named alike), a checklist item, fills an
item from the device's readings, and states Example's warranty period. Replace each piece
with your own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from assettrack.api import (
    FAILED,
    OK,
    Asset,
    ChecklistItem,
    ConsoleProfile,
    DeviceDriver,
    ItemKind,
    ItemResult,
    ModelRule,
    Proposal,
    Readings,
    VendorRule,
    exec_prompts,
    hookimpl,
    is_stack,
    member_name,
    normalize_newlines,
    parse_outputs,
    translator,
    uptime_seconds,
)

__version__ = "0.1.0"
# The plugin API this plugin is written for (docs/api.md): assettrack refuses to load it if it
# offers another, rather than let it half-work.
ASSETTRACK_API = ">=1.2,<2"
# Your messages in the interface's language: put the catalogs in locale/ beside this file,
# locale/zh_CN/LC_MESSAGES/assettrack_example.po (docs/glossary.md, "For plugin authors").
# Checklist labels and help are translated by assettrack from that catalog; call _ for the
# rest.
_ = translator(__name__)

VENDOR = "Example Networks"


def match(asset: Asset) -> int:
    """50 for an Example asset (the vendor driver's score), else 0."""
    return 50 if asset.vendor.casefold() == VENDOR.casefold() else 0


# -- the console driver -----------------------------------------------------------------

# "edge-1>" and "edge-1#": the device copies Cisco's prompts. Prompts are matched against
# the last line received only.
USER_PROMPT, PRIVILEGED_PROMPT = exec_prompts()
CONSOLE = ConsoleProfile(
    name="example_os",
    prompt_patterns=(USER_PROMPT, PRIVILEGED_PROMPT),
    paging_off_commands=("terminal length 0",),
    paging_marker=r"--More--",
    error_patterns=(r"^% Unknown command",),
)

_SYSTEM = re.compile(r"^\s*(Model|Serial|Version|Uptime)\s*:\s*(.+?)\s*$", re.MULTILINE)
# "  1     2     ok" under "Unit  Fan  State": a stack prints one line per member's fan.
_FAN = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\w+)\s*$", re.MULTILINE)


def parse_system(text: str) -> Readings:
    """``show system``: model, serial number, version and uptime."""
    found = dict(_SYSTEM.findall(normalize_newlines(text)))
    return Readings(
        vendor=VENDOR,
        model=found.get("Model"),
        serial_number=found.get("Serial"),
        os_version=found.get("Version"),
        uptime_seconds=uptime_seconds(found.get("Uptime", "")),
    )


def parse_fans(text: str) -> Readings:
    """``show fans``: "Fan 2" on a lone unit, "Unit 2 Fan 1" in a stack."""
    rows = _FAN.findall(normalize_newlines(text))
    stacked = is_stack(unit for unit, _, _ in rows)
    fans = {
        member_name(f"Fan {fan}", unit, word="Unit", stacked=stacked, lone=("",)): (
            OK if state.lower() == "ok" else FAILED
        )
        for unit, fan, state in rows
    }
    return Readings(fans=fans)


PARSERS: dict[str, Callable[[str], Readings]] = {
    "show system": parse_system,
    "show fans": parse_fans,
}


def parse(outputs: Mapping[str, str]) -> Readings:
    """Every command's output parsed on its own; never raises (a parser that fails leaves
    its readings empty and a note in ``extra["parse_errors"]``)."""
    return parse_outputs(outputs, PARSERS)


DRIVER = DeviceDriver(
    name="example_os",
    match=match,
    console=CONSOLE,
    commands=tuple(PARSERS),
    parse=parse,
    description="Example Networks devices: model, serial, version, uptime and fans.",
)


@hookimpl
def assettrack_register_drivers(register: Callable[[DeviceDriver], None]) -> None:
    register(DRIVER)


# -- checklist, proposals, warranty ---------------------------------------------------------

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
    if not match(asset):
        return []
    return [FILTER_ITEM, PSU_ITEM]


@hookimpl
def assettrack_autofill(item: ChecklistItem, readings: Readings) -> Proposal | None:
    if item.id != PSU_ITEM.id or not readings.power_supplies:
        return None
    count = len(readings.power_supplies)
    result = ItemResult.PASS if count >= 2 else ItemResult.FAIL
    return Proposal(result, str(count), _("power supplies reported by the device"))


@hookimpl
def assettrack_warranty_rules(register: Callable[[VendorRule], None]) -> None:
    register(VendorRule(VENDOR, months=24, models=(ModelRule("EX-9*", 60),)))
