"""Fault severity levels, response-time checks and the warranty exclusions.

Times:
- Response and on-site times count from ``reported_at`` (the customer's notification).
- Two aware datetimes are compared as instants (in UTC), so a fault reported at 09:00+08:00
  and answered at 01:30Z took 30 minutes. Two naive datetimes are compared on the wall clock.
  A naive time next to an aware one is read in the aware one's zone (both were typed at the
  same site).
- A fault reported on site was responded to and attended when it was reported.
- Without the timestamp a target is ``pending`` while its deadline is still ahead of ``now``
  and ``missed`` once it has passed. A pending target is *at risk* once the configured share
  of its time (75 % by default) is used.
- Three targets: respond, on site (``checks``, the response targets) and resolve
  (``resolution``). An open fault whose resolution target has passed, not yet taken to the
  manufacturer (no RMA or case number), has escalation proposed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.models import Fault, ReportedVia
from assettrack.domain.texts import N_

# Not covered by warranty (code, label). A fault tagged with one is billable.
WARRANTY_EXCLUSIONS: tuple[tuple[str, str], ...] = (
    ("env_temperature", "out of the rated environment: temperature"),
    ("env_humidity", "out of the rated environment: humidity"),
    ("env_acidity", "out of the rated environment: acidity"),
    ("env_dust", "out of the rated environment: dust"),
    ("env_vibration", "out of the rated environment: vibration"),
    ("env_voltage", "out of the rated environment: voltage"),
    ("env_grounding", "out of the rated environment: grounding"),
    ("unsuitable_place", "moved into an unsuitable place"),
    ("excessive_force", "excessive force"),
    ("hot_plugging", "hot-plugging cables or parts"),
    ("moved_while_running", "moved while running"),
    ("unauthorised_disassembly", "unauthorised disassembly"),
    ("unauthorised_part_change", "unauthorised part change"),
    ("unauthorised_parameter_change", "unauthorised parameter change"),
    ("rodents", "rodents"),
    ("liquid", "liquid"),
    ("virus", "virus"),
    ("fire", "fire"),
    ("flood", "flood"),
    ("lightning", "lightning"),
    ("earthquake", "earthquake"),
    ("transport", "transport"),
    ("human_damage", "other human damage"),
)
EXCLUSION_LABELS: dict[str, str] = dict(WARRANTY_EXCLUSIONS)
REPAIR_ACTIONS = ("repair", "replace", "refund")


@dataclass(frozen=True)
class SeverityLevel:
    level: int
    name: str
    description: str = ""
    respond_within: timedelta | None = None
    on_site_within: timedelta | None = None
    resolve_within: timedelta | None = None


TARGET_MINUTES = ("respond_minutes", "on_site_minutes", "resolve_minutes")
# Level 1 is "system down": its customers are promised a fix time, so it must have one.
NEEDS_RESOLUTION = (1,)
AT_RISK_PERCENT = 75


@dataclass(frozen=True)
class SeverityRules:
    levels: Mapping[int, SeverityLevel]
    at_risk: float = AT_RISK_PERCENT / 100  # share of a target's time used: "at risk"

    @classmethod
    def from_mapping(
        cls,
        data: Mapping[str, Any],
        source: str = N_("fault settings"),
        *,
        require_resolution: bool = False,
    ) -> SeverityRules:
        """``[levels.1] name, description, respond_minutes, on_site_minutes,
        resolve_minutes`` (0 or absent: no target) and ``at_risk_percent``.

        ``require_resolution``: the levels of ``NEEDS_RESOLUTION`` must have a resolve target
        (the settings the app runs with; a test may leave it out).
        """
        problems: list[FieldProblem] = []
        levels: dict[int, SeverityLevel] = {}
        for key, table in (data.get("levels") or {}).items():
            try:
                level = int(key)
            except ValueError:
                problems.append(FieldProblem("levels", key, N_("must be a level number")))
                continue
            if not isinstance(table, Mapping):
                problems.append(FieldProblem(f"levels.{key}", table, N_("must be a table")))
                continue
            targets: dict[str, timedelta | None] = {}
            for name in TARGET_MINUTES:
                value = table.get(name, 0)
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    problems.append(
                        FieldProblem(
                            f"levels.{key}.{name}", value, N_("must be minutes, 0 or more")
                        )
                    )
                    value = 0
                targets[name] = timedelta(minutes=value) if value else None
            levels[level] = SeverityLevel(
                level,
                str(table.get("name", f"level {level}")),
                str(table.get("description", "")),
                targets["respond_minutes"],
                targets["on_site_minutes"],
                targets["resolve_minutes"],
            )
        if not levels:
            problems.append(FieldProblem("levels", {}, N_("must define at least one level")))
        if require_resolution:
            problems.extend(
                FieldProblem(
                    f"levels.{n}.resolve_minutes", 0, N_("is needed: level 1 needs a target")
                )
                for n in NEEDS_RESOLUTION
                if n in levels and levels[n].resolve_within is None
            )
        percent = data.get("at_risk_percent", AT_RISK_PERCENT)
        if (
            isinstance(percent, bool)
            or not isinstance(percent, int | float)
            or not 0 < percent < 100
        ):
            problems.append(
                FieldProblem(
                    "at_risk_percent", percent, N_("must be a percentage between 0 and 100")
                )
            )
            percent = AT_RISK_PERCENT
        if problems:
            raise ValidationError(problems, what=source)
        return cls(dict(sorted(levels.items())), percent / 100)

    def get(self, level: int) -> SeverityLevel:
        try:
            return self.levels[level]
        except KeyError:
            known = ", ".join(map(str, self.levels))
            raise ValidationError(
                [
                    FieldProblem(
                        "severity", level, N_("is not a configured level ({known})", known=known)
                    )
                ],
                what=N_("fault"),
            ) from None


class SlaStatus(StrEnum):
    MET = "met"
    MISSED = "missed"
    PENDING = "pending"
    NO_TARGET = "no_target"


@dataclass(frozen=True)
class SlaCheck:
    target: str  # respond, on_site, resolve
    within: timedelta | None
    took: timedelta | None
    deadline: datetime | None
    status: SlaStatus
    at_risk: bool = False  # pending, with most of its time used

    @property
    def late(self) -> bool:
        return self.status is SlaStatus.MISSED or self.at_risk


NO_CHECK = SlaCheck("resolve", None, None, None, SlaStatus.NO_TARGET)


@dataclass(frozen=True)
class FaultSla:
    fault_id: str
    level: SeverityLevel
    checks: tuple[SlaCheck, ...]  # the response targets: respond, on site
    resolution: SlaCheck = NO_CHECK

    @property
    def missed(self) -> bool:
        """A response target (respond, on site) was missed."""
        return any(c.status is SlaStatus.MISSED for c in self.checks)

    @property
    def met(self) -> bool:
        """Every response target with a deadline was met (none missed, none pending)."""
        return all(c.status in (SlaStatus.MET, SlaStatus.NO_TARGET) for c in self.checks)

    @property
    def all_checks(self) -> tuple[SlaCheck, ...]:
        return (*self.checks, self.resolution)

    @property
    def any_missed(self) -> bool:
        """Any target missed, resolution included."""
        return any(c.status is SlaStatus.MISSED for c in self.all_checks)

    @property
    def at_risk(self) -> bool:
        """A target still pending has used most of its time."""
        return any(c.at_risk for c in self.all_checks)


def _aligned(a: datetime, b: datetime) -> tuple[datetime, datetime]:
    if (a.tzinfo is None) == (b.tzinfo is None):
        return a, b
    if a.tzinfo is None:
        return a.replace(tzinfo=b.tzinfo), b
    return a, b.replace(tzinfo=a.tzinfo)


def elapsed(start: datetime, end: datetime) -> timedelta:
    """``end - start``; aware times as instants, a naive one read in the other's zone."""
    start, end = _aligned(start, end)
    return end - start


def is_before(a: datetime, b: datetime) -> bool:
    return elapsed(b, a) < timedelta(0)


def _check(
    target: str,
    within: timedelta | None,
    reported: datetime,
    at: datetime | None,
    now: datetime,
    at_risk: float,
) -> SlaCheck:
    took = elapsed(reported, at) if at is not None else None
    if within is None:
        return SlaCheck(target, None, took, None, SlaStatus.NO_TARGET)
    deadline = reported + within
    if took is not None:
        return SlaCheck(
            target, within, took, deadline, SlaStatus.MET if took <= within else SlaStatus.MISSED
        )
    used = elapsed(reported, now)
    if used > within:
        return SlaCheck(target, within, None, deadline, SlaStatus.MISSED)
    return SlaCheck(target, within, None, deadline, SlaStatus.PENDING, used >= within * at_risk)


def fault_sla(fault: Fault, rules: SeverityRules, now: datetime) -> FaultSla:
    # A level no longer configured (settings changed, or another laptop's levels) has no
    # targets: its faults still list, rather than stopping every fault listing.
    level = rules.levels.get(fault.severity) or SeverityLevel(
        fault.severity, N_("level {level} (not configured)", level=fault.severity)
    )
    on_site = fault.reported_via is ReportedVia.ON_SITE
    responded = fault.responded_at or (fault.reported_at if on_site else None)
    attended = fault.on_site_at or (fault.reported_at if on_site else None)
    reported, risk = fault.reported_at, rules.at_risk
    return FaultSla(
        fault.id,
        level,
        (
            _check("respond", level.respond_within, reported, responded, now, risk),
            _check("on_site", level.on_site_within, reported, attended, now, risk),
        ),
        _check("resolve", level.resolve_within, reported, fault.resolved_at, now, risk),
    )


def escalated(fault: Fault) -> bool:
    """Taken to the manufacturer: an RMA or a case number."""
    return bool(fault.escalation_rma or fault.escalation_case)


def escalation_proposed(fault: Fault, sla: FaultSla) -> bool:
    """The resolution target passed with the fault still open and not yet escalated."""
    return is_open(fault) and not escalated(fault) and sla.resolution.status is SlaStatus.MISSED


# The times of a fault: every change to one after the report is kept (``time_changes``).
TIME_LABELS: dict[str, str] = {
    "reported_at": "reported",
    "responded_at": "responded",
    "on_site_at": "on site",
    "resolved_at": "resolved",
    "loaner_out_at": "loaner out",
    "loaner_returned_at": "loaner back",
    "sent_for_repair_at": "sent for repair",
    "unit_returned_at": "unit returned",
}
# The four a response is judged by, in order.
RESPONSE_TIMES = ("reported_at", "responded_at", "on_site_at", "resolved_at")


def time_differences(
    fault: Fault, changes: Mapping[str, Any]
) -> list[tuple[str, datetime | None, datetime | None]]:
    """(field, old, new) for each time ``changes`` would change, in ``TIME_LABELS`` order."""
    return [
        (name, getattr(fault, name), changes[name])
        for name in TIME_LABELS
        if name in changes and getattr(fault, name) != changes[name]
    ]


def exclusion_label(code: str) -> str:
    """An exclusion code in words (an unknown code as it is)."""
    return EXCLUSION_LABELS.get(code, code)


def _shown(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def _time_problem(name: str, value: datetime, reason: str) -> FieldProblem:
    # Worded for a person: the time's label and minutes, not the field and microseconds.
    return FieldProblem(TIME_LABELS[name], _shown(value), reason)


def timestamp_problems(fault: Fault) -> list[FieldProblem]:
    """Timestamps that cannot be: before the report, or resolved before attended."""
    problems = []
    for name in (
        "responded_at",
        "on_site_at",
        "resolved_at",
        "sent_for_repair_at",
        "loaner_out_at",
    ):
        value = getattr(fault, name)
        if value is not None and is_before(value, fault.reported_at):
            problems.append(
                _time_problem(
                    name,
                    value,
                    N_(
                        "is before the fault was reported ({moment})",
                        moment=_shown(fault.reported_at),
                    ),
                )
            )
    if fault.on_site_at and fault.resolved_at and is_before(fault.resolved_at, fault.on_site_at):
        problems.append(
            _time_problem(
                "resolved_at",
                fault.resolved_at,
                N_("is before on-site arrival ({moment})", moment=_shown(fault.on_site_at)),
            )
        )
    if (
        fault.unit_returned_at
        and fault.sent_for_repair_at
        and is_before(fault.unit_returned_at, fault.sent_for_repair_at)
    ):
        problems.append(
            _time_problem(
                "unit_returned_at",
                fault.unit_returned_at,
                N_("is before it was sent ({moment})", moment=_shown(fault.sent_for_repair_at)),
            )
        )
    if (
        fault.loaner_returned_at
        and fault.loaner_out_at
        and is_before(fault.loaner_returned_at, fault.loaner_out_at)
    ):
        problems.append(
            _time_problem(
                "loaner_returned_at",
                fault.loaner_returned_at,
                N_("is before the loaner went out ({moment})", moment=_shown(fault.loaner_out_at)),
            )
        )
    if (fault.loaner_out_at or fault.loaner_returned_at) and not fault.loaner_serial:
        problems.append(FieldProblem("loaner serial", "", N_("is needed with the loaner's times")))
    return problems


def warranty_problems(fault: Fault) -> list[FieldProblem]:
    """The warranty decision: not covered needs a known exclusion; covered has none."""
    problems = []
    exclusion = fault.warranty_exclusion
    if exclusion and exclusion not in EXCLUSION_LABELS:
        problems.append(
            FieldProblem("warranty_exclusion", exclusion, N_("is not a known exclusion reason"))
        )
    if fault.warranty_covered is False and not exclusion:
        problems.append(
            FieldProblem(
                "warranty_exclusion", "", N_("is needed when the fault is not covered by warranty")
            )
        )
    if fault.warranty_covered is True and exclusion:
        problems.append(
            FieldProblem("warranty_exclusion", exclusion, N_("contradicts 'covered by warranty'"))
        )
    if fault.repair_action and fault.repair_action not in REPAIR_ACTIONS:
        problems.append(
            FieldProblem(
                "repair_action",
                fault.repair_action,
                N_("must be one of {values}", values=REPAIR_ACTIONS),
            )
        )
    return problems


def billable(fault: Fault) -> bool:
    return fault.warranty_covered is False


def is_open(fault: Fault) -> bool:
    return fault.resolved_at is None


def unit_away(fault: Fault) -> bool:
    """The faulty unit is off site (a loaner stands in, or it went for repair)."""
    return bool(
        fault.asset_id
        and (fault.loaner_serial or fault.sent_for_repair_at)
        and fault.unit_returned_at is None
    )
