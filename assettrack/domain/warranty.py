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
"""

from __future__ import annotations

from calendar import isleap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.vendors import VendorAliases

if TYPE_CHECKING:  # the settings read warranty rules before anything needs an Asset
    from assettrack.domain.models import Asset

DEFAULT_MONTHS = 36
DEFAULT_THRESHOLDS = (90, 60, 30)
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class ModelRule:
    pattern: str
    months: int


@dataclass(frozen=True)
class VendorRule:
    vendor: str
    months: int | None = None
    models: tuple[ModelRule, ...] = ()


@dataclass(frozen=True)
class WarrantyRules:
    default_months: int = DEFAULT_MONTHS
    thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS
    # Keyed by the case-folded vendor each rule's name resolves to.
    vendors: Mapping[str, VendorRule] = field(default_factory=dict)
    aliases: VendorAliases = field(default_factory=VendorAliases)
    # (vendor, model) -> period; thousands of assets share a few hundred models.
    _periods: dict[tuple[str, str], tuple[int, str]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "warranty rules") -> WarrantyRules:
        """Rules from parsed TOML: ``default_months``, ``expiring_days`` and ``[vendors.X]``."""
        problems: list[FieldProblem] = []

        def months_value(path: str, value: Any) -> int | None:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 600:
                problems.append(
                    FieldProblem(path, value, "must be a whole number of months, 0-600")
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
                    "expiring_days", raw_thresholds, "must be a list of positive day counts"
                )
            )
            raw_thresholds = list(DEFAULT_THRESHOLDS)
        vendors: dict[str, VendorRule] = {}
        for key, raw in (data.get("vendors") or {}).items():
            if not isinstance(raw, Mapping):
                problems.append(FieldProblem(f"vendors.{key}", raw, "must be a table"))
                continue
            name = str(raw.get("name", key))
            months = (
                months_value(f"vendors.{key}.months", raw["months"]) if "months" in raw else None
            )
            models = []
            for i, model in enumerate(raw.get("models") or []):
                pattern = model.get("pattern") if isinstance(model, Mapping) else None
                if not isinstance(pattern, str) or not pattern:
                    problems.append(
                        FieldProblem(f"vendors.{key}.models[{i}].pattern", pattern, "is required")
                    )
                    continue
                model_months = months_value(
                    f"vendors.{key}.models[{i}].months", model.get("months")
                )
                if model_months is not None:
                    models.append(ModelRule(pattern, model_months))
            vendors[name.casefold()] = VendorRule(name, months, tuple(models))
        if problems:
            raise ValidationError(problems, what=source)
        return cls(
            default_months=default if default is not None else DEFAULT_MONTHS,
            thresholds=tuple(sorted(set(raw_thresholds), reverse=True)),
            vendors=vendors,
        )

    def with_aliases(self, aliases: VendorAliases) -> WarrantyRules:
        """These rules looked up through ``aliases``; rules whose names now resolve to one
        vendor are merged, the earlier one winning where both state a period."""
        return WarrantyRules(self.default_months, self.thresholds, {}, aliases).with_vendor_rules(
            self.vendors.values()
        )

    def with_vendor_rules(self, extra: Iterable[VendorRule]) -> WarrantyRules:
        """These rules with ``extra`` filling in vendors and models they do not state.

        Configured rules win over plugin-supplied ones, so a site can always correct a plugin.
        """
        vendors = dict(self.vendors)
        for rule in extra:
            vendor = self.vendor_of(rule.vendor)  # a rule given for 华为 is Huawei's
            mine = vendors.get(vendor.casefold())
            vendors[vendor.casefold()] = (
                replace(rule, vendor=vendor) if mine is None else _merged(mine, rule)
            )
        return WarrantyRules(self.default_months, self.thresholds, vendors, self.aliases)

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
        rule = self.vendors.get(self.vendor_of(vendor).casefold())
        if rule is not None:
            for model_rule in rule.models:
                if fnmatchcase(model.strip().upper(), model_rule.pattern.upper()):
                    return model_rule.months, f"{rule.vendor} {model_rule.pattern}"
            if rule.months is not None:
                return rule.months, f"{rule.vendor} default"
        return self.default_months, "general default"


def _merged(mine: VendorRule, other: VendorRule) -> VendorRule:
    """``mine`` with the months and model patterns only ``other`` states."""
    known = {m.pattern for m in mine.models}
    return VendorRule(
        mine.vendor,
        mine.months if mine.months is not None else other.months,
        mine.models + tuple(m for m in other.models if m.pattern not in known),
    )


class WarrantyState(StrEnum):
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class WarrantyStatus:
    state: WarrantyState
    start: date | None = None
    end: date | None = None
    months: int | None = None
    days_left: int | None = None
    band: int | None = None  # the expiring threshold (e.g. 30) the asset falls within
    source: str = ""

    @property
    def label(self) -> str:
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
        months, source = None, "asset's own end date"
    elif start is None:
        return WarrantyStatus(WarrantyState.UNKNOWN, source="no start or installation date")
    else:
        if asset.warranty_months is not None:
            months, source = asset.warranty_months, "asset's own period"
        else:
            months, source = rules.period_for(asset.vendor, asset.model)
        months += extension
        end = add_months(start, months)
    if extension:
        source += f" + {extension} months extension"
    state, days_left, band = status_on(end, rules.thresholds, today)
    return WarrantyStatus(state, start, end, months, days_left, band, source)
