"""What the loaded plugins add up to: drivers, kinds, checklists, exporters, rules.

The rest of assettrack asks this object, never pluggy, so every call goes through the
isolation of ``PluginHost``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from assettrack.domain.checklist import ChecklistItem, Proposal
from assettrack.domain.models import Asset, Inspection
from assettrack.domain.readings import Readings
from assettrack.domain.vendors import VendorAliases, VendorNames
from assettrack.domain.warranty import VendorRule, WarrantyRules
from assettrack.plugins.host import PluginHost
from assettrack.plugins.types import AssetKind, DeviceDriver, Exporter


class Extensions:
    def __init__(self, host: PluginHost) -> None:
        self.host = host
        self.kinds: dict[str, AssetKind] = self._unique(
            "assettrack_asset_kinds", AssetKind, lambda k: k.name
        )
        self.drivers: dict[str, DeviceDriver] = self._unique(
            "assettrack_register_drivers", DeviceDriver, lambda d: d.name
        )
        self.exporters: dict[str, Exporter] = self._unique(
            "assettrack_register_exporters", Exporter, lambda e: e.name
        )
        self.vendor_rules: list[VendorRule] = [
            rule for _, rule in host.collect("assettrack_warranty_rules", VendorRule)
        ]
        self.vendor_of: Callable[[str], str] = str
        self.vendor_names: list[VendorNames] = [
            names for _, names in host.collect("assettrack_vendor_aliases", VendorNames)
        ]

    def _unique(self, hook: str, expected: type, key) -> dict:
        found: dict = {}
        for plugin, item in self.host.collect(hook, expected):
            name = key(item)
            if name in found:
                self.host.record_failure(
                    plugin, hook, ValueError(f"{name!r} is already registered")
                )
                continue
            found[name] = item
        return found

    # -- start-up collections --------------------------------------------------------------

    def asset_kinds(self) -> tuple[str, ...]:
        return tuple(self.kinds)

    def vendor_aliases(self, configured: VendorAliases) -> VendorAliases:
        """The configured alias table with the plugins' names after it (it wins on a clash)."""
        return configured.with_names(self.vendor_names)

    def warranty_rules(self, configured: WarrantyRules) -> WarrantyRules:
        """The configured rules, knowing the plugins' vendor names, with the plugins' periods
        filling in what they do not state."""
        rules = configured
        if self.vendor_names:
            rules = configured.with_aliases(self.vendor_aliases(configured.aliases))
        # Drivers then match the vendor a name resolves to, as warranty does (华为 -> Huawei).
        self.vendor_of = rules.vendor_of
        return rules.with_vendor_rules(self.vendor_rules)

    # -- per asset -------------------------------------------------------------------------

    def checklist_for(self, asset: Asset) -> list[ChecklistItem]:
        items: dict[str, ChecklistItem] = {}
        for plugin, contributed in self.host.call(
            "assettrack_checklist_items", {"asset": asset}, check=_check_items
        ):
            for item in contributed:
                if item.id in items:
                    self.host.record_failure(
                        plugin,
                        "assettrack_checklist_items",
                        ValueError(f"item id {item.id!r} is already used"),
                    )
                    continue
                items[item.id] = item
        return list(items.values())

    def propose(
        self, items: Iterable[ChecklistItem], readings: Readings, asset: Asset
    ) -> dict[str, tuple[str, Proposal]]:
        """item id -> (plugin, proposal) for every item some plugin can fill."""
        proposals = {}
        for item in items:
            answers = self.host.call(
                "assettrack_autofill",
                {"item": item, "readings": readings, "asset": asset},
                check=lambda v: (
                    None
                    if isinstance(v, Proposal)
                    else f"expected a Proposal or None, got {type(v).__name__}"
                ),
                newest_first=True,
                first_answer=True,
            )
            if answers:
                proposals[item.id] = answers[0]
        return proposals

    def matching_drivers(self, asset: Asset) -> list[tuple[int, DeviceDriver]]:
        """Drivers that accept the asset, best score first; a failing match counts as 0."""
        scored = []
        resolved = self.vendor_of(asset.vendor)
        if resolved != asset.vendor:
            asset = dataclasses.replace(asset, vendor=resolved)
        for driver in self.drivers.values():
            try:
                score = driver.match(asset)
            except Exception as exc:
                self.host.record_failure(driver.name, "match", exc)
                continue
            if isinstance(score, int) and not isinstance(score, bool) and score > 0:
                scored.append((score, driver))
        return sorted(scored, key=lambda pair: -pair[0])

    def driver_for(self, asset: Asset, name: str | None = None) -> DeviceDriver | None:
        """The driver named (by the asset or the caller), else the best match."""
        wanted = name or asset.driver
        if wanted:
            return self.drivers.get(wanted)
        best = self.matching_drivers(asset)
        return best[0][1] if best else None

    # -- lifecycle -------------------------------------------------------------------------

    def inspection_completed(self, inspection: Inspection, asset: Asset) -> None:
        self.host.call(
            "assettrack_inspection_completed", {"inspection": inspection, "asset": asset}
        )

    def inspection_signed(self, inspection: Inspection, asset: Asset) -> None:
        self.host.call("assettrack_inspection_signed", {"inspection": inspection, "asset": asset})


def _check_items(value: object) -> str | None:
    if not isinstance(value, list | tuple):
        return f"expected a list of ChecklistItem, got {type(value).__name__}"
    wrong = [type(v).__name__ for v in value if not isinstance(v, ChecklistItem)]
    return f"expected ChecklistItem entries, got {', '.join(wrong)}" if wrong else None
