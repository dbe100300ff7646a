"""Service charges after warranty and the caps on labour charges.

The commitment: "保修期满后三年内不超过合同总价的2%; 第四年后三年内不超过合同总价的5%" —
labour charged in the three years after warranty may not exceed 2 % of the contract total
*together*, and 5 % together in years 4-6 (bands configurable). Arithmetic, as done here:
- Year N after warranty runs from ``warranty_end + (N-1) years + 1 day`` to
  ``warranty_end + N years`` (calendar years, so leap days fall where they belong).
- ``period = "window"`` (the default): one cap for each band's years together (its window),
  labour of all those years counted; contract 1,000,000.00: 20,000.00 for years 1-3 in all.
  ``period = "per_year"``: every year of a band has the band's cap to itself (20,000.00 in
  year 1, another 20,000.00 in year 2...). ``"band"`` and ``"year"``, the names of old
  settings files, mean the same two.
- A contract's own ``cap_percents`` replace the configured percents band by band: the first
  the first band's, and so on; bands past its list keep the configured percent (and
  percents past the bands have no band to cap).
- Caps are rounded to the cent, half up; money never passes through float.
- Only labour counts toward the cap. A charge dated on or before the warranty end is in
  warranty: no cap applies (labour should be free; the service warns).
- ``warning`` from ``warn_at_percent`` of the cap on, ``exceeded`` above the cap.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.models import SCHEMA_VERSION, new_id
from assettrack.domain.texts import N_
from assettrack.domain.validation import MAX_CONTRACT_VALUE

CENT = Decimal("0.01")
# One charge is at most the largest contract value: far beyond any real charge, and far
# inside what the cent arithmetic and the store take (1e400 would overflow them).
MAX_CHARGE = MAX_CONTRACT_VALUE


class ChargeKind(StrEnum):
    LABOUR = "labour"
    PARTS = "parts"
    TRAVEL = "travel"
    OTHER = "other"


@dataclass
class Charge:
    """Money billed for service under a contract (a document, kept with the site's records)."""

    contract_id: str
    site_id: str
    charged_on: date
    amount: Decimal
    kind: ChargeKind = ChargeKind.LABOUR
    description: str = ""
    fault_id: str | None = None
    visit_id: str | None = None
    engineer: str = ""
    id: str = field(default_factory=new_id)
    schema: int = SCHEMA_VERSION
    revision: int = 0


@dataclass(frozen=True)
class CapBand:
    from_year: int
    to_year: int
    percent: Decimal


WINDOW = "window"  # one cap over all the years of a band
PER_YEAR = "per_year"  # each year of a band its own cap
PERIODS = (WINDOW, PER_YEAR)
# Names the setting had before: old settings files keep working.
OLD_PERIODS = {"band": WINDOW, "year": PER_YEAR}


@dataclass(frozen=True)
class CapRules:
    bands: tuple[CapBand, ...] = (
        CapBand(1, 3, Decimal(2)),
        CapBand(4, 6, Decimal(5)),
    )
    period: str = WINDOW
    warn_at_percent: Decimal = Decimal(80)

    def __post_init__(self) -> None:
        object.__setattr__(self, "period", OLD_PERIODS.get(self.period, self.period))

    def with_percents(self, percents: Sequence[Decimal]) -> CapRules:
        """These rules with a contract's own percents, band by band (none: unchanged)."""
        if not percents:
            return self
        bands = tuple(
            replace(band, percent=percents[i]) if i < len(percents) else band
            for i, band in enumerate(self.bands)
        )
        return replace(self, bands=bands)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = N_("charge settings")) -> CapRules:
        problems: list[FieldProblem] = []
        bands = []
        for i, band in enumerate(data.get("caps", [])):
            try:
                first, last = int(band["from_year"]), int(band["to_year"])
                percent = Decimal(str(band["percent"]))
            except (KeyError, TypeError, ValueError, ArithmeticError):
                problems.append(
                    FieldProblem(f"caps[{i}]", band, N_("needs from_year, to_year and percent"))
                )
                continue
            if not 1 <= first <= last or percent < 0:
                problems.append(
                    FieldProblem(f"caps[{i}]", band, N_("has impossible years or percent"))
                )
                continue
            bands.append(CapBand(first, last, percent))
        bands.sort(key=lambda b: b.from_year)
        for a, b in itertools.pairwise(bands):
            if b.from_year <= a.to_year:
                problems.append(FieldProblem("caps", data.get("caps"), N_("has overlapping years")))
        period = data.get("period", WINDOW)
        if period not in (*PERIODS, *OLD_PERIODS):
            problems.append(FieldProblem("period", period, N_("must be 'window' or 'per_year'")))
        try:
            warn = Decimal(str(data.get("warn_at_percent", 80)))
        except ArithmeticError:
            warn = Decimal(-1)
        if not 0 <= warn <= 100:
            problems.append(FieldProblem("warn_at_percent", data.get("warn_at_percent"), "0-100"))
        if problems:
            raise ValidationError(problems, what=source)
        return cls(tuple(bands), period, warn)


class CapLevel(StrEnum):
    IN_WARRANTY = "in_warranty"
    NO_CAP = "no_cap"  # past the last configured year
    OK = "ok"
    WARNING = "warning"
    EXCEEDED = "exceeded"


@dataclass(frozen=True)
class CapStatus:
    level: CapLevel
    year: int  # year after warranty; 0 in warranty
    starts_on: date | None  # the period the cap covers
    ends_on: date | None
    cap: Decimal | None
    used: Decimal  # labour charged in the period
    percent: Decimal | None  # of the cap
    # The years after warranty the period spans: a band's window, or the one year.
    first_year: int = 0
    last_year: int = 0

    @property
    def remaining(self) -> Decimal | None:
        return None if self.cap is None else self.cap - self.used

    @property
    def alert(self) -> bool:
        return self.level in (CapLevel.WARNING, CapLevel.EXCEEDED)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(value: str | Decimal) -> Decimal:
    """A charge's amount from what was typed: finite, 0 or more, at most ``MAX_CHARGE``,
    rounded to the cent (thousands separators allowed: 1,250.50)."""
    text = str(value).strip().replace(",", "").replace("_", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():  # also nan and inf, which Decimal accepts
        reason = N_("is not an amount of money (digits and a decimal point, e.g. 1250.50)")
    elif amount < 0:
        reason = N_("must be 0 or more")
    elif amount > MAX_CHARGE:
        reason = N_("is more than {limit}, the most one charge can be", limit=f"{MAX_CHARGE:,f}")
    else:
        return money(amount)
    raise ValidationError([FieldProblem("amount", str(value), reason)], what=N_("charge"))


def year_after_warranty(warranty_end: date, day: date) -> int:
    """1 for the first 12 months after the warranty end, 0 on or before it."""
    from dateutil.relativedelta import relativedelta  # few commands ask: kept off the start

    year = 0
    while day > warranty_end + relativedelta(years=year):
        year += 1
    return year


def year_bounds(warranty_end: date, year: int) -> tuple[date, date]:
    from dateutil.relativedelta import relativedelta

    return (
        warranty_end + relativedelta(years=year - 1) + relativedelta(days=1),
        warranty_end + relativedelta(years=year),
    )


def cap_status(
    contract_value: Decimal,
    warranty_end: date,
    charges: Iterable[Charge],
    on: date,
    rules: CapRules,
) -> CapStatus:
    """The cap that applies on ``on`` and the labour charged against it so far."""
    year = year_after_warranty(warranty_end, on)
    labour = [c for c in charges if c.kind is ChargeKind.LABOUR]
    if year == 0:
        used = sum((c.amount for c in labour if c.charged_on <= warranty_end), Decimal(0))
        return CapStatus(CapLevel.IN_WARRANTY, 0, None, warranty_end, None, used, None)
    band = next((b for b in rules.bands if b.from_year <= year <= b.to_year), None)
    if band is None:
        start, end = year_bounds(warranty_end, year)
        used = sum((c.amount for c in labour if start <= c.charged_on <= end), Decimal(0))
        return CapStatus(CapLevel.NO_CAP, year, start, end, None, used, None, year, year)
    first, last = (band.from_year, band.to_year) if rules.period == WINDOW else (year, year)
    start, end = year_bounds(warranty_end, first)[0], year_bounds(warranty_end, last)[1]
    cap = money(contract_value * band.percent / 100)
    used = sum((c.amount for c in labour if start <= c.charged_on <= end), Decimal(0))
    percent = (used * 100 / cap).quantize(Decimal("0.1")) if cap else None
    if used > cap:
        level = CapLevel.EXCEEDED
    elif used and used * 100 >= cap * rules.warn_at_percent:
        level = CapLevel.WARNING
    else:
        level = CapLevel.OK
    return CapStatus(level, year, start, end, cap, used, percent, first, last)


def cap_message(status: CapStatus, currency: str = "") -> str:
    """Where the labour stands against the cap, in one line (a ``Text``: the interface
    translates it)."""
    unit = f" {currency}" if currency else ""
    if status.level is CapLevel.IN_WARRANTY:
        return N_("in warranty: labour should not be charged")
    if status.level is CapLevel.NO_CAP:
        return N_("year {year} after warranty: no cap configured", year=status.year)
    assert status.cap is not None
    years = (
        N_(
            "years {first}-{last} after warranty, now year {year}",
            first=status.first_year,
            last=status.last_year,
            year=status.year,
        )
        if status.last_year > status.first_year
        else N_("year {year} after warranty", year=status.year)
    )
    text = N_(
        "labour {used}{unit} of the {cap}{unit} cap ({start} to {end}, {years})",
        used=status.used,
        unit=unit,
        cap=status.cap,
        start=status.starts_on,
        end=status.ends_on,
        years=years,
    )
    if status.level is CapLevel.EXCEEDED:
        return N_("cap exceeded: {text}", text=text)
    if status.level is CapLevel.WARNING:
        return N_("approaching the cap: {text}", text=text)
    return text
