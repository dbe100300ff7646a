"""The assettrack hook specifications: the whole plugin API in one place.

Every hook is optional. Implement one with ``@assettrack.hookimpl`` and a function of the
same name; you may accept fewer arguments than the spec lists. The plugin guide
(docs/plugins.md) has an example of each and says when it is called.
"""

from __future__ import annotations

from collections.abc import Callable

import pluggy

from assettrack import hookimpl
from assettrack.domain.checklist import ChecklistItem, Proposal
from assettrack.domain.models import Asset, Inspection
from assettrack.domain.readings import Readings
from assettrack.domain.vendors import VendorNames
from assettrack.domain.warranty import VendorRule
from assettrack.plugins.types import AssetKind, DeviceDriver, Exporter

PROJECT = "assettrack"
hookspec = pluggy.HookspecMarker(PROJECT)
__all__ = ["PROJECT", "hookimpl", "hookspec"]


@hookspec
def assettrack_register_drivers(register: Callable[[DeviceDriver], None]) -> None:
    """Register device drivers: call ``register(DeviceDriver(...))`` once per driver.

    Called once at start-up.
    """


@hookspec
def assettrack_asset_kinds(register: Callable[[AssetKind], None]) -> None:
    """Register kinds of equipment beyond router, switch, firewall and gateway.

    Called once at start-up.
    """


@hookspec
def assettrack_warranty_rules(register: Callable[[VendorRule], None]) -> None:
    """Register warranty periods for a vendor's models: ``register(VendorRule(...))``.

    The user's warranty.toml wins where both state a period. Called once at start-up.
    """


@hookspec
def assettrack_vendor_aliases(register: Callable[[VendorNames], None]) -> None:
    """Register the ways people write a vendor's name: ``register(VendorNames(...))``.

    Warranty rules, serial checks and exports then know those names as that vendor. The
    user's vendors.toml wins where both claim a name. Called once at start-up.
    """


@hookspec
def assettrack_checklist_items(asset: Asset) -> list[ChecklistItem] | None:
    """Checklist items for inspecting ``asset`` (return [] or None when it is not yours).

    Called each time an inspection of the asset starts. ``asset.vendor`` is the vendor as
    resolved through the alias table (瞻博 is Juniper), as a driver's ``match`` gets it.
    Items are shown in plugin order, built-ins first; an item id may appear only once (later
    duplicates are dropped).
    """


@hookspec
def assettrack_autofill(item: ChecklistItem, readings: Readings, asset: Asset) -> Proposal | None:
    """Propose a result for ``item`` from the device's ``readings``, or return None.

    Called for each item after a console read (``asset`` with its vendor resolved, as for
    the checklist). The most recently registered plugin that answers wins, so a vendor
    plugin can refine the built-in rule. The engineer can always override a proposal.
    """


@hookspec
def assettrack_register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register export formats: ``register(Exporter(...))``. Called once at start-up."""


@hookspec
def assettrack_inspection_completed(inspection: Inspection, asset: Asset) -> None:
    """Told when the engineer completes an inspection (after it is saved)."""


@hookspec
def assettrack_inspection_signed(inspection: Inspection, asset: Asset) -> None:
    """Told when the customer signs an inspection off (after it is saved)."""
