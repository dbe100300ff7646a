"""Drivers written as data: every driver profile (``*.toml``) becomes a registered driver.

The profiles shipped with assettrack and those in the user's folders (see
``assettrack.profiles.catalog``) are registered through ``assettrack_register_drivers`` like
any plugin's drivers; their checklist items are offered for the assets they match. A profile
that cannot be loaded is reported as this plugin's failure, naming the file, the key and the
problem, and the other profiles still register.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assettrack.plugins.hookspecs import hookimpl

# The profiles' code is imported when a hook first runs, not with the plugin: every command
# loads the plugins, few need a driver or a checklist.
if TYPE_CHECKING:
    from assettrack.domain.checklist import ChecklistItem, Proposal
    from assettrack.domain.models import Asset
    from assettrack.domain.readings import Readings
    from assettrack.plugins.types import DeviceDriver
    from assettrack.profiles.catalog import Catalog


def _catalog() -> Catalog:
    from assettrack.profiles.catalog import current_catalog

    return current_catalog()


@hookimpl
def assettrack_register_drivers(register: Callable[[DeviceDriver], None]) -> None:
    for profile in _catalog().profiles:
        register(profile.driver())


@hookimpl(specname="assettrack_register_drivers")
def refused_profiles(register: Callable[[DeviceDriver], None]) -> None:
    """Registers nothing: says which profiles could not be loaded, so that it shows."""
    errors = _catalog().errors
    if errors:
        from assettrack.plugins.profile_refusal import ProfilesRefused

        raise ProfilesRefused(errors)


@hookimpl
def assettrack_checklist_items(asset: Asset) -> list[ChecklistItem]:
    items: list[ChecklistItem] = []
    for profile in _catalog().profiles:
        if profile.checklist and profile.match.score_of(asset) > 0:
            items += [i for i in profile.checklist if all(i.id != j.id for j in items)]
    return items


@hookimpl
def assettrack_autofill(item: ChecklistItem, readings: Readings) -> Proposal | None:
    """A profile's ``rule = "redundant"`` items, and its choice items (the reading's value
    among the choices, passing if it is one of ``passing``); the built-in rule does the
    rest."""
    from assettrack.domain.checklist import ItemKind, redundancy_proposal

    for profile in _catalog().profiles:
        if profile.rules.get(item.id) == "redundant":
            group = item.reading.split(".")[0]
            empty_key = "empty_fan_bays" if group == "fans" else "empty_power_bays"
            unit = "fan" if group == "fans" else "power supply"
            return redundancy_proposal(
                readings.value_of(group) or {},
                list(readings.extra.get(empty_key) or []),
                unit=unit,
            )
        if item.kind is ItemKind.CHOICE and any(i.id == item.id for i in profile.checklist):
            return _choice(item, readings.value_of(item.reading))
    return None


def _choice(item: ChecklistItem, value: object) -> Proposal | None:
    from assettrack.domain.checklist import Proposal
    from assettrack.domain.models import ItemResult

    if value is None or value == "":
        return None
    text = str(value).strip()
    chosen = next((c for c in item.choices if c.casefold() == text.casefold()), None)
    if chosen is None:
        chosen = "other" if "other" in item.choices else None
    if chosen is None:
        return Proposal(ItemResult.FAIL, text, "not one of the expected values")
    result = ItemResult.PASS if chosen in item.passing else ItemResult.FAIL
    return Proposal(result, chosen, "" if chosen == text else f"the device says {text!r}")
