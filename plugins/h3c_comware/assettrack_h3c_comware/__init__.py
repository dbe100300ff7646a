"""H3C Comware for assettrack: a console driver, checklist items, warranty period, vendor names.

The driver reads H3C (New H3C) switches and routers running Comware 7 or Comware 5 over
their console, and the Comware switches HPE sold (vendor "HPE Comware").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assettrack.api import (
    Asset,
    ChecklistItem,
    ConfigCommands,
    ConsoleProfile,
    DeviceDriver,
    ItemKind,
    ItemResult,
    Proposal,
    Readings,
    VendorNames,
    VendorRule,
    angle_prompt,
    bracket_prompt,
    hookimpl,
    redundancy_proposal,
)
from assettrack_h3c_comware.parsing import COMMANDS, parse

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

__all__ = ["CHECKLIST", "DRIVER", "PROFILE", "WARRANTY", "match", "parse"]

VENDOR = "H3C"
SECTION = "H3C Comware"

# The names H3C goes by (vendors.toml lists them too; a user's copy may not): matched
# without regard to case, spaces or a legal-form ending.
H3C_NAMES = (
    "H3C",
    "New H3C",
    "New H3C Technologies",
    "H3C Technologies",
    "新华三",
    "新华三技术",
    "紫光新华三",
    "华三",
    "HPE (H3C)",
    "Huawei-3Com",
    "华为3Com",
)
# Comware devices sold under another name: the driver reads them, the warranty is theirs.
COMWARE_RESELLERS = ("HPE Comware", "HP Comware", "3Com Comware")
_LEGAL_FORM = re.compile(
    r"[,.\s]*(co\.?,?\s*ltd\.?|company limited|limited|ltd\.?|inc\.?|corp(oration|\.)?|"
    r"股份有限公司|有限责任公司|有限公司)$",
    re.IGNORECASE,
)


def _key(name: str) -> str:
    name = _LEGAL_FORM.sub("", name.strip())
    return re.sub(r"\s+", "", name).casefold()


_MATCHED = {_key(n) for n in (*H3C_NAMES, *COMWARE_RESELLERS)}


def match(asset: Asset) -> int:
    """50 for an H3C asset (any of its names) or a Comware device sold by HPE, else 0."""
    return 50 if _key(asset.vendor) in _MATCHED else 0


# Comware's console: <name> in user view, [name] in system view (and [name-GigabitE...] in
# the views below it). Prompts are matched against the last line received.
PROFILE = ConsoleProfile(
    name="h3c_comware",
    prompt_patterns=(angle_prompt(), bracket_prompt()),
    login_prompt=r"(?i)(username|login)\s*:\s*$",
    login_failure_patterns=(r"(?i)authentication failed", r"(?i)login failed"),
    paging_off_commands=("screen-length disable",),
    paging_marker=r"[ \t]*---- More ----",
    error_patterns=(
        r"^\s*% ?Unrecognized command",
        r"^\s*% ?Incomplete command",
        r"^\s*% ?Ambiguous command",
        r"^\s*% ?Wrong parameter",
        r"^\s*% ?Too many parameters",
    ),
)

DRIVER = DeviceDriver(
    name="h3c_comware",
    match=match,
    console=PROFILE,
    commands=COMMANDS,
    parse=parse,
    description="H3C Comware 7 and 5 (S-series switches, MSR routers): version, "
    "manufacturing information, clock, fans, power, CPU, memory, temperatures, interfaces.",
    # Nine commands; a stack of several members at 9600 baud still reads within this.
    deadline_seconds=180.0,
    config=ConfigCommands(
        running="display current-configuration",
        saved="display saved-configuration",
    ),
    # Beyond the built-in ones (cipher, SNMP communities, password simple).
    secret_patterns=(
        r"\bpassword\s+hash\s+(?P<v>\S+)",
        r"\bsuper\s+password\s+(?:role\s+\S+\s+)?(?:hash|simple|cipher)\s+(?P<v>\S+)",
        r"\b(?:key|password)\s+(?:simple|plain)\s+(?P<v>\S+)",
        r"\bkey\s+(?:authentication|accounting)\s+(?:simple|cipher)\s+(?P<v>\S+)",
    ),
)

CONFIG_SAVED = ChecklistItem(
    id="h3c_config_saved",
    label="Configuration saved (saved = current)",
    help="`display saved-configuration` is the same as `display current-configuration`; "
    "otherwise `save force` once the customer agrees.",
    reading="extra.config_saved",
    section=SECTION,
)
REDUNDANT_POWER = ChecklistItem(
    id="h3c_redundant_power",
    label="Redundant power module present",
    help="Both power module slots filled and each module Normal (`display power`).",
    reading="power_supplies",
    section=SECTION,
)
RELEASE = ChecklistItem(
    id="h3c_release",
    label="Software release recorded",
    help="`display version`: note the release (e.g. 6616P01) and compare it with the "
    "release H3C recommends for the model.",
    kind=ItemKind.TEXT,
    reading="extra.release",
    section=SECTION,
)
CHECKLIST: tuple[ChecklistItem, ...] = (CONFIG_SAVED, REDUNDANT_POWER, RELEASE)

# Hardware warranty, months: the period assettrack has shipped for H3C. A site's
# warranty.toml (and an asset's own period) wins where it states one.
WARRANTY = VendorRule(VENDOR, months=36)
NAMES = VendorNames(VENDOR, aliases=tuple(n for n in H3C_NAMES if n != VENDOR))


@hookimpl
def assettrack_register_drivers(register: Callable[[DeviceDriver], None]) -> None:
    register(DRIVER)


@hookimpl
def assettrack_checklist_items(asset: Asset) -> list[ChecklistItem]:
    return list(CHECKLIST) if match(asset) else []


@hookimpl
def assettrack_autofill(item: ChecklistItem, readings: Readings) -> Proposal | None:
    if item.id == CONFIG_SAVED.id:
        saved = readings.extra.get("config_saved")
        if saved is True:
            return Proposal(ItemResult.PASS, "yes", _("the saved configuration is the current one"))
        if saved is False:
            return Proposal(
                ItemResult.FAIL, "no", _("the current configuration differs from the saved one")
            )
        return None
    if item.id == REDUNDANT_POWER.id:
        return redundancy_proposal(
            readings.power_supplies,
            list(readings.extra.get("empty_power_bays") or []),
            failed_word="not normal",
            slot_word="empty slot",
            unit="power module",
        )
    if item.id == RELEASE.id:
        release = str(readings.extra.get("release") or "").strip()
        if release:
            return Proposal(ItemResult.PASS, release, _("as the device reports it"))
    return None


@hookimpl
def assettrack_warranty_rules(register: Callable[[VendorRule], None]) -> None:
    register(WARRANTY)


@hookimpl
def assettrack_vendor_aliases(register: Callable[[VendorNames], None]) -> None:
    register(NAMES)
