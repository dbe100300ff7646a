"""Warranty periods by vendor and model, and an asset's warranty status on a given day.

Conventions (documented for users in the README):
- The period starts on the asset's warranty start date, or its installation date if no
  start is recorded; with neither, the status is *unknown*.
- A period of N months ends on the same day of the month N months later (clamped to the
  month's last day: 36 months from 2023-01-31 end on 2026-01-31, 12 months from 2024-02-29
  on 2025-02-28). The end date is the last day covered.
- An asset's own end date overrides the rules; extension months are added on top.
- Rules are looked up by the vendor the name resolves to (``domain.vendors``): an asset
  whose vendor is typed 华为 gets the Huawei rule.
- Precedence: the asset's own period (or end date); then the vendor rules of, in turn, the
  user's configuration (warranty.toml in the user config folder, ``[warranty]`` of
  --config), the plugins, and the shipped config/warranty.toml (vendors no plugin
  covers): a model pattern that matches, looked for in those three in that order, comes
  before a vendor's months, looked for in the same order; then the default, 36 months.
"""

from __future__ import annotations

from calendar import isleap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.texts import N_
from assettrack.domain.vendors import VendorAliases

if TYPE_CHECKING:  # the settings read warranty rules before anything needs an Asset
    from assettrack.domain.models import Asset

DEFAULT_MONTHS = 36
DEFAULT_THRESHOLDS = (90, 60, 30)
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class ModelRule:
    """Months of warranty for the models matching ``pattern``: shell wildcards (``*``,
    ``?``, ``[...]``), matched without regard to case (``"C9300*"``, ``"S57*"``)."""

    pattern: str
    months: int


@dataclass(frozen=True)
class VendorRule:
    """A vendor's warranty periods: ``models`` (the first matching pattern wins), else
    ``months`` for all its other models (None: the next rule down decides)."""

    vendor: str
    months: int | None = None
    models: tuple[ModelRule, ...] = ()


@dataclass(frozen=True)
class WarrantyRules:
    """Warranty periods by vendor and model, and the expiring thresholds (days).

    Three layers of vendor rules, looked at in turn (see the module's precedence):
    ``vendors`` the user's, ``plugins`` the plugins', ``shipped`` the shipped file's.
    """

    default_months: int = DEFAULT_MONTHS
    thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS
    # Keyed by the case-folded vendor each rule's name resolves to.
    vendors: Mapping[str, VendorRule] = field(default_factory=dict)
    aliases: VendorAliases = field(default_factory=VendorAliases)
    # The plugins' vendor rules, then the shipped file's; keyed like ``vendors``.
    plugins: Mapping[str, VendorRule] = field(default_factory=dict)
    shipped: Mapping[str, VendorRule] = field(default_factory=dict)
    # (vendor, model) -> period; thousands of assets share a few hundred models.
    _periods: dict[tuple[str, str], tuple[int, str]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def from_mapping(
        cls,
        data: Mapping[str, Any],
        source: str = N_("warranty rules"),
        shipped: Mapping[str, Any] | None = None,
    ) -> WarrantyRules:
        """Rules from parsed TOML: ``default_months``, ``expiring_days`` and ``[vendors.X]``;
        ``shipped`` are the shipped file's ``[vendors.X]`` tables (below the plugins')."""
        problems: list[FieldProblem] = []

        def months_value(path: str, value: Any) -> int | None:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 600:
                problems.append(
                    FieldProblem(path, value, N_("must be a whole number of months, 0-600"))
                )
                return None
            return value

        default = months_value("default_months", data.get("default_months", DEFAULT_MONTHS))
        raw_thresholds = data.get("expiring_days", list(DEFAULT_THRESHOLDS))
        if not (
            isinstance(raw_thresholds, list)
            and raw_thresholds
            and all(
                isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in raw_thresholds
            )
        ):
            problems.append(
                FieldProblem(
                    "expiring_days", raw_thresholds, N_("must be a list of positive day counts")
                )
            )
            raw_thresholds = list(DEFAULT_THRESHOLDS)

        def vendor_rules(tables: Mapping[str, Any]) -> dict[str, VendorRule]:
            vendors: dict[str, VendorRule] = {}
            for key, raw in tables.items():
                if not isinstance(raw, Mapping):
                    problems.append(FieldProblem(f"vendors.{key}", raw, N_("must be a table")))
                    continue
                name = str(raw.get("name", key))
                months = (
                    months_value(f"vendors.{key}.months", raw["months"])
                    if "months" in raw
                    else None
                )
                models = []
                for i, model in enumerate(raw.get("models") or []):
                    pattern = model.get("pattern") if isinstance(model, Mapping) else None
                    if not isinstance(pattern, str) or not pattern:
                        problems.append(
                            FieldProblem(
                                f"vendors.{key}.models[{i}].pattern", pattern, N_("is required")
                            )
                        )
                        continue
                    model_months = months_value(
                        f"vendors.{key}.models[{i}].months", model.get("months")
                    )
                    if model_months is not None:
                        models.append(ModelRule(pattern, model_months))
                vendors[name.casefold()] = VendorRule(name, months, tuple(models))
            return vendors

        vendors = vendor_rules(data.get("vendors") or {})
        shipped_vendors = vendor_rules(shipped or {})
        if problems:
            raise ValidationError(problems, what=source)
        return cls(
            default_months=default if default is not None else DEFAULT_MONTHS,
            thresholds=tuple(sorted(set(raw_thresholds), reverse=True)),
            vendors=vendors,
            shipped=shipped_vendors,
        )

    def with_aliases(self, aliases: VendorAliases) -> WarrantyRules:
        """These rules looked up through ``aliases``; rules of one layer whose names now
        resolve to one vendor are merged, the earlier one winning where both state a period."""
        resolve = aliases.resolve
        return replace(
            self,
            aliases=aliases,
            vendors=_keyed(self.vendors.values(), resolve),
            plugins=_keyed(self.plugins.values(), resolve),
            shipped=_keyed(self.shipped.values(), resolve),
            _periods={},
        )

    def with_vendor_rules(self, extra: Iterable[VendorRule]) -> WarrantyRules:
        """These rules with the plugins' ``extra`` rules below the configured ones and above
        the shipped file's: a user can always correct a plugin, and a plugin knows its
        vendor better than the shipped defaults. Among plugins, the first registered wins
        where two state a period."""
        plugins = _keyed([*self.plugins.values(), *extra], self.vendor_of)
        return replace(self, plugins=plugins, _periods={})

    def plain(self) -> tuple[Any, ...]:
        """These rules as plain values (texts, numbers, tuples, dicts), as ``marshal``
        writes them; ``from_plain`` makes the same rules of them (the app's start-up
        snapshot keeps the rules its end dates were worked out with, plugins' included)."""

        def layer(rules: Mapping[str, VendorRule]) -> dict[str, Any]:
            return {
                key: (r.vendor, r.months, tuple((m.pattern, m.months) for m in r.models))
                for key, r in rules.items()
            }

        aliases = (
            tuple((n.vendor, tuple(n.aliases)) for n in self.aliases.names),
            tuple(self.aliases.suffixes),
        )
        return (
            self.default_months,
            tuple(self.thresholds),
            layer(self.vendors),
            aliases,
            layer(self.plugins),
            layer(self.shipped),
        )

    @classmethod
    def from_plain(cls, data: Any) -> WarrantyRules:
        """The rules ``plain`` gave ``data`` of; TypeError or ValueError if ``data`` is not
        of that shape."""
        from assettrack.domain.vendors import VendorNames

        def layer(rules: Any) -> dict[str, VendorRule]:
            return {
                key: VendorRule(vendor, months, tuple(ModelRule(p, m) for p, m in models))
                for key, (vendor, months, models) in dict(rules).items()
            }

        default, thresholds, vendors, (names, suffixes), plugins, shipped = data
        return cls(
            default_months=default,
            thresholds=tuple(thresholds),
            vendors=layer(vendors),
            aliases=VendorAliases(
                tuple(VendorNames(vendor, tuple(more)) for vendor, more in names),
                tuple(suffixes),
            ),
            plugins=layer(plugins),
            shipped=layer(shipped),
        )

    def vendor_of(self, vendor: str) -> str:
        """The vendor a name resolves to (the name itself when the alias table lacks it)."""
        return self.aliases.resolve(vendor)

    def period_for(self, vendor: str, model: str) -> tuple[int, str]:
        """Months of warranty for a vendor's model, and where that figure comes from."""
        key = (vendor, model)
        found = self._periods.get(key)
        if found is None:
            found = self._periods[key] = self._find_period(vendor, model)
        return found

    def _find_period(self, vendor: str, model: str) -> tuple[int, str]:
        key = self.vendor_of(vendor).casefold()
        wanted = model.strip().upper()
        layers = (self.vendors, self.plugins, self.shipped)
        rules = [rule for layer in layers if (rule := layer.get(key)) is not None]
        for rule in rules:  # the most specific first: a model pattern of any layer
            for model_rule in rule.models:
                if fnmatchcase(wanted, model_rule.pattern.upper()):
                    return model_rule.months, f"{rule.vendor} {model_rule.pattern}"
        for rule in rules:
            if rule.months is not None:
                return rule.months, f"{rule.vendor}{VENDOR_DEFAULT}"
        return self.default_months, GENERAL_DEFAULT


def _keyed(rules: Iterable[VendorRule], vendor_of: Callable[[str], str]) -> dict[str, VendorRule]:
    """Rules keyed by the case-folded vendor their names resolve to; rules naming the same
    vendor merged, the earlier winning where both state a period."""
    keyed: dict[str, VendorRule] = {}
    for rule in rules:
        vendor = vendor_of(rule.vendor)  # a rule given for 华为 is Huawei's
        mine = keyed.get(vendor.casefold())
        keyed[vendor.casefold()] = (
            replace(rule, vendor=vendor) if mine is None else _merged(mine, rule)
        )
    return keyed


def _merged(mine: VendorRule, other: VendorRule) -> VendorRule:
    """``mine`` with the months and model patterns only ``other`` states."""
    known = {m.pattern for m in mine.models}
    return VendorRule(
        mine.vendor,
        mine.months if mine.months is not None else other.months,
        mine.models + tuple(m for m in other.models if m.pattern not in known),
    )


# Where a warranty period came from (``WarrantyStatus.source``), as data; the screens say
# it in words of the language (``i18n.terms.warranty_source``). Made once: the register
# evaluates every asset's warranty at start-up.
OWN_END = N_("asset's own end date")
OWN_PERIOD = N_("asset's own period")
NO_START = N_("no start or installation date")
GENERAL_DEFAULT = N_("general default")
VENDOR_DEFAULT = " default"  # after the vendor's name: "Huawei default"
EXTENSION = " + {months} months extension"


class WarrantyState(StrEnum):
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class WarrantyStatus:
    """An asset's warranty on a given day: its state, start and end (the last day
    covered), months, days left, the expiring band it is in, and where the period came
    from (``source``: "asset's own period", "Cisco C9300*", "Huawei default", "general
    default"...)."""

    state: WarrantyState
    start: date | None = None
    end: date | None = None
    months: int | None = None
    days_left: int | None = None
    band: int | None = None  # the expiring threshold (e.g. 30) the asset falls within
    source: str = ""

    @property
    def label(self) -> str:
        """What the screens show: "active", "expiring ≤30d", "expired" or "unknown"."""
        return status_label(self.state, self.band)


def status_label(state: WarrantyState, band: int | None) -> str:
    """What the screens and exports show: "active", "expiring ≤30d", "expired", "unknown"."""
    if state is WarrantyState.EXPIRING:
        return f"expiring ≤{band}d"
    return state.value


def status_on(
    end: date | None, thresholds: Iterable[int], today: date
) -> tuple[WarrantyState, int | None, int | None]:
    """State, days left and expiring band of a warranty ending on ``end``, as of ``today``."""
    if end is None:
        return WarrantyState.UNKNOWN, None, None
    days_left = (end - today).days
    if days_left < 0:
        return WarrantyState.EXPIRED, days_left, None
    bands = [t for t in sorted(thresholds) if days_left <= t]
    if bands:
        return WarrantyState.EXPIRING, days_left, bands[0]
    return WarrantyState.ACTIVE, days_left, None


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (Jan 31 + 1 = Feb 28).

    Same result as dateutil's relativedelta(months=...) (the tests compare them), at a tenth
    of the cost: the asset list evaluates 10,000 warranties at start-up.
    """
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last_day = 29 if month == 1 and isleap(year) else _MONTH_DAYS[month]
    return date(year, month + 1, min(start.day, last_day))


def warranty_status(asset: Asset, rules: WarrantyRules, today: date) -> WarrantyStatus:
    start = asset.warranty_start or asset.installed_on
    extension = asset.warranty_extension_months or 0
    if asset.warranty_end is not None:
        end = add_months(asset.warranty_end, extension)
        months, source = None, OWN_END
    elif start is None:
        return WarrantyStatus(WarrantyState.UNKNOWN, source=NO_START)
    else:
        if asset.warranty_months is not None:
            months, source = asset.warranty_months, OWN_PERIOD
        else:
            months, source = rules.period_for(asset.vendor, asset.model)
        months += extension
        end = add_months(start, months)
    if extension:
        source += EXTENSION.format(months=extension)
    state, days_left, band = status_on(end, rules.thresholds, today)
    return WarrantyStatus(state, start, end, months, days_left, band, source)
