"""What the loaded plugins add up to: drivers, kinds, checklists, exporters, rules.

The rest of assettrack asks this object, never pluggy, so every call goes through the
isolation of ``PluginHost``.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from assettrack.console.profile import ConsoleProfile
from assettrack.domain.checklist import ChecklistItem, Proposal
from assettrack.domain.models import Asset, Inspection, ItemResult
from assettrack.domain.readings import Readings
from assettrack.domain.vendors import VendorAliases, VendorNames
from assettrack.domain.warranty import VendorRule, WarrantyRules
from assettrack.plugins.host import PluginHost
from assettrack.plugins.types import AssetKind, DeviceDriver, Exporter

# The generic driver's score: a driver that scores no more is a fallback, not a choice.
FALLBACK_SCORE = 1


@dataclass(frozen=True)
class DriverScore:
    """What one driver said of an asset: its score (None: its match failed) and why."""

    driver: str
    plugin: str
    score: int | None
    note: str = ""
    # It accepts the asset's vendor with no model given: it declined this model.
    declines_model: bool = False


@dataclass(frozen=True)
class DriverChoice:
    """The driver chosen for an asset, why, and every driver's score."""

    driver: DeviceDriver | None
    reason: str
    scores: tuple[DriverScore, ...]

    @property
    def declined(self) -> list[str]:
        """Drivers that take the asset's vendor but declined its model."""
        return [s.driver for s in self.scores if s.declines_model]


class Extensions:
    """What the loaded plugins add up to (``plugin_host`` returns one): ``drivers``,
    ``exporters`` and ``kinds`` by name, the checklist and proposals for an asset, the
    driver chosen for it, the warranty rules; ``host.failures`` lists every failure met."""

    def __init__(self, host: PluginHost) -> None:
        self.host = host
        self.kinds: dict[str, AssetKind] = self._unique(
            "assettrack_asset_kinds", AssetKind, lambda k: k.name
        )
        # Drivers are collected on first use: the shipped profiles compile hundreds of
        # patterns as they register (60 ms), which listings and exports never need. Their
        # failures still show wherever failures are read (``PluginHost.defer``).
        self._drivers_lock = threading.Lock()
        host.defer(self._collect_drivers)
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

    def _unique(
        self,
        hook: str,
        expected: type,
        key,
        check: Callable[[object], str | None] | None = None,
        plugins: dict[str, str] | None = None,
    ) -> dict:
        found: dict = {}
        for plugin, item in self.host.collect(hook, expected):
            problem = check(item) if check else None
            if problem:
                self.host.record_failure(plugin, hook, TypeError(problem))
                continue
            name = key(item)
            if name in found:
                self.host.record_failure(
                    plugin, hook, ValueError(f"{name!r} is already registered")
                )
                continue
            found[name] = item
            if plugins is not None:
                plugins[name] = plugin
        return found

    # Made by ``__getattr__`` on first use (see ``__init__``).
    drivers: dict[str, DeviceDriver]  # every driver registered, by name
    driver_plugins: dict[str, str]  # driver name -> the plugin that registered it

    def __getattr__(self, name: str) -> object:
        if name in ("drivers", "driver_plugins"):
            self._collect_drivers()
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _collect_drivers(self) -> None:
        with self._drivers_lock:
            if "drivers" in self.__dict__:
                return
            plugins: dict[str, str] = {}
            drivers = self._unique(
                "assettrack_register_drivers",
                DeviceDriver,
                lambda d: d.name,
                check=_driver_problem,
                plugins=plugins,
            )
            self.driver_plugins = plugins
            self.drivers = drivers  # last: its presence says the collection is done

    # -- start-up collections --------------------------------------------------------------

    def asset_kinds(self) -> tuple[str, ...]:
        """The names of every kind of equipment: the built-in four, then the plugins'."""
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
        """The checklist items every plugin gives for ``asset``, built-ins first; a failing
        plugin's are left out (its failure recorded), a repeated id dropped. The plugins see
        the asset with its vendor resolved through the alias table, as drivers do (an asset
        typed 瞻博 gets the Junos items with the Junos driver)."""
        items: dict[str, ChecklistItem] = {}
        for plugin, contributed in self.host.call(
            "assettrack_checklist_items", {"asset": self._resolved(asset)}, check=_check_items
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
        """item id -> (plugin, proposal) for every item some plugin can fill (the plugins
        see the asset with its vendor resolved, as for the checklist)."""
        proposals = {}
        asset = self._resolved(asset)
        for item in items:
            answers = self.host.call(
                "assettrack_autofill",
                {"item": item, "readings": readings, "asset": asset},
                check=_proposal_problem,
                newest_first=True,
                first_answer=True,
            )
            if answers:
                proposals[item.id] = answers[0]
        return proposals

    def _score(self, driver: DeviceDriver, asset: Asset) -> tuple[int | None, str]:
        """The driver's score for the asset (None when its match failed), and the failure."""
        try:
            score = driver.match(asset)
        except Exception as exc:
            failure = self.host.record_failure(self.plugin_of(driver), f"{driver.name}.match", exc)
            return None, f"match failed: {failure.error}"
        if not isinstance(score, int) or isinstance(score, bool):
            failure = self.host.record_failure(
                self.plugin_of(driver),
                f"{driver.name}.match",
                TypeError(
                    f"driver {driver.name!r}: match() must return an int score, "
                    f"got {type(score).__name__}"
                ),
            )
            return None, f"match failed: {failure.error}"
        return score, ""

    def plugin_of(self, driver: DeviceDriver) -> str:
        """The plugin that registered ``driver`` (its own name if none did)."""
        return self.driver_plugins.get(driver.name, driver.name)

    def _resolved(self, asset: Asset) -> Asset:
        """The asset as plugins see it: its vendor resolved through the alias table (思科 is
        Cisco); the record keeps the vendor as typed."""
        resolved = self.vendor_of(asset.vendor)
        return asset if resolved == asset.vendor else dataclasses.replace(asset, vendor=resolved)

    def matching_drivers(self, asset: Asset) -> list[tuple[int, DeviceDriver]]:
        """Drivers that accept the asset, best score first (the first registered first on a
        tie); a failing match counts as 0 and is recorded as the plugin's failure."""
        asset = self._resolved(asset)
        scored = []
        for driver in self.drivers.values():
            score, _ = self._score(driver, asset)
            if score is not None and score > 0:
                scored.append((score, driver))
        return sorted(scored, key=lambda pair: -pair[0])

    def driver_for(self, asset: Asset, name: str | None = None) -> DeviceDriver | None:
        """The driver named (by the asset or the caller), else the best match."""
        wanted = name or asset.driver
        if wanted:
            return self.drivers.get(wanted)
        best = self.matching_drivers(asset)
        return best[0][1] if best else None

    def choose_driver(self, asset: Asset, name: str | None = None) -> DriverChoice:
        """The driver for the asset with every driver's score and the reason it won.

        A driver that scores 0 but accepts the asset's vendor when no model is given has
        declined this model (``DriverScore.declines_model``): the caller can say which
        ``--driver`` to try rather than fall back to the generic driver in silence.
        """
        resolved = self._resolved(asset)
        vendor_only = dataclasses.replace(resolved, model="")
        scores = []
        for driver in self.drivers.values():
            score, note = self._score(driver, resolved)
            declines = False
            if score == 0 and resolved.vendor.strip() and resolved.model.strip():
                probe, _ = self._score(driver, vendor_only)
                declines = probe is not None and probe > FALLBACK_SCORE
                if declines:
                    note = f"takes {resolved.vendor} assets but declines model {asset.model}"
            scores.append(DriverScore(driver.name, self.plugin_of(driver), score, note, declines))
        wanted = name or asset.driver
        if wanted:
            chosen = self.drivers.get(wanted)
            whose = "--driver" if name else "the asset's driver field"
            reason = (
                f"{whose} names {wanted}"
                if chosen
                else f"{whose} names {wanted}, which no plugin registered"
            )
            return DriverChoice(chosen, reason, tuple(scores))
        ranked = sorted(
            (s for s in scores if s.score is not None and s.score > 0),
            key=lambda s: -(s.score or 0),
        )
        if not ranked:
            return DriverChoice(None, "no driver accepts this asset", tuple(scores))
        best = ranked[0]
        tied = [s.driver for s in ranked[1:] if s.score == best.score]
        reason = f"highest score, {best.score}, of {len(ranked)} driver(s) that accept it"
        if tied:
            reason += f"; registered before {', '.join(tied)} with the same score"
        if (best.score or 0) <= FALLBACK_SCORE:
            reason += " (a fallback: no driver for this vendor and model)"
        return DriverChoice(self.drivers[best.driver], reason, tuple(scores))

    # -- lifecycle -------------------------------------------------------------------------

    def inspection_completed(self, inspection: Inspection, asset: Asset) -> None:
        """Tell the plugins an inspection was completed (after it was saved)."""
        self.host.call(
            "assettrack_inspection_completed",
            {"inspection": inspection, "asset": asset},
            check=_nothing_expected,
        )

    def inspection_signed(self, inspection: Inspection, asset: Asset) -> None:
        """Tell the plugins an inspection was signed off (after it was saved)."""
        self.host.call(
            "assettrack_inspection_signed",
            {"inspection": inspection, "asset": asset},
            check=_nothing_expected,
        )


def _nothing_expected(value: object) -> str | None:
    return f"expected None (what this hook returns is not used), got {type(value).__name__}"


def _proposal_problem(value: object) -> str | None:
    if not isinstance(value, Proposal):
        return f"expected a Proposal or None, got {type(value).__name__}"
    if value.result is not None and not isinstance(value.result, ItemResult):
        return (
            "expected Proposal.result to be an ItemResult or None (no verdict), "
            f"got {type(value.result).__name__}"
        )
    for name in ("value", "note"):
        got = getattr(value, name)
        if not isinstance(got, str):
            return f"expected Proposal.{name} to be a str, got {type(got).__name__}"
    return None


def _driver_problem(driver: object) -> str | None:
    """Why a registered DeviceDriver cannot work (None when it can), naming the type wanted."""
    assert isinstance(driver, DeviceDriver)
    name = driver.name if isinstance(driver.name, str) else repr(driver.name)
    wanted: list[tuple[str, bool, str]] = [
        ("name", isinstance(driver.name, str) and bool(driver.name.strip()), "a non-empty str"),
        ("match", callable(driver.match), "a callable taking an Asset and returning an int"),
        ("console", isinstance(driver.console, ConsoleProfile), "a ConsoleProfile"),
        (
            "commands",
            isinstance(driver.commands, Sequence)
            and not isinstance(driver.commands, str)
            and all(isinstance(c, str) for c in driver.commands),
            "a sequence of str (a tuple of commands, not one string)",
        ),
        ("parse", callable(driver.parse), "a callable taking {command: output}, giving Readings"),
        (
            "deadline_seconds",
            isinstance(driver.deadline_seconds, int | float) and driver.deadline_seconds > 0,
            "a positive number of seconds",
        ),
    ]
    for field_name, good, expected in wanted:
        if not good:
            got = type(getattr(driver, field_name)).__name__
            return f"driver {name}: {field_name} must be {expected}, got {got}"
    return None


def _check_items(value: object) -> str | None:
    if not isinstance(value, list | tuple):
        return f"expected a list of ChecklistItem, got {type(value).__name__}"
    wrong = [type(v).__name__ for v in value if not isinstance(v, ChecklistItem)]
    return f"expected ChecklistItem entries, got {', '.join(wrong)}" if wrong else None
