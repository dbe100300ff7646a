"""Visit plans and visit compliance per site, month and quarter.

The service commitment: scheduled on-site visits twice a month; an unscheduled follow-up at
least once a month (a phone follow-up may stand in for it when the system runs well); at least
three on-site follow-ups a quarter. Every number is configurable, per site too.

Rules, as computed here:
- A visit belongs to the calendar month (and quarter) of the day it *started*, on the wall
  clock it was recorded with: a visit from 31 March 23:30 to 1 April 01:00 counts in March.
- "Runs well" means no fault was reported at the site in that month. Only then does a phone
  follow-up count toward the monthly follow-up (``phone_counts = "when_no_faults"``; also
  ``"always"`` or ``"never"``). It never counts toward the quarter's on-site follow-ups.
- Fault call-outs count as on-site follow-ups only if ``call_outs_count`` is true.
- A requirement is ``met`` when done >= required. In a period that has ended it is otherwise
  ``missed``. In the running period it is ``behind`` when fewer visits were made than the
  share of the period gone by calls for (two scheduled visits a month: one by mid-month), and
  ``on_track`` otherwise. ``behind`` and ``missed`` are what ``visits --overdue`` lists.
- A plan with ``starts_on`` (a site added by hand or by import gets the day it was added) owes
  nothing for periods that end before it; the period it falls in runs from that day and owes
  its share of the period's visits, rounded up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.models import Visit, VisitKind
from assettrack.domain.texts import N_
from assettrack.domain.validation import MAX_NAME, WEEKDAY_SEPARATORS, WEEKDAYS, weekday_of

PHONE_RULES = ("when_no_faults", "always", "never")


@dataclass(frozen=True)
class VisitPlan:
    scheduled_per_month: int = 2
    follow_ups_per_month: int = 1
    on_site_follow_ups_per_quarter: int = 3
    phone_counts: str = "when_no_faults"
    call_outs_count: bool = False
    enabled: bool = True
    # Days the site likes visits on ("mon" .. "sun", in week order); empty: any day.
    preferred_weekdays: tuple[str, ...] = ()
    engineer: str = ""  # the engineer responsible for the site's visits; empty: nobody named
    # The first day under the plan (a new site's: the day it was added). Periods before it owe
    # nothing; the period it falls in owes its share of the visits from that day on.
    starts_on: date | None = None

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], base: VisitPlan | None = None, source: str = N_("visit plan")
    ) -> VisitPlan:
        """A plan from TOML or a site's ``visit_plan``; keys not given come from ``base``."""
        plan = base or cls()
        problems: list[FieldProblem] = []
        changes: dict[str, Any] = {}
        counts = ("scheduled_per_month", "follow_ups_per_month", "on_site_follow_ups_per_quarter")
        for key in counts:
            if key in data:
                value = data[key]
                if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
                    problems.append(FieldProblem(key, value, N_("must be a whole number, 0-100")))
                else:
                    changes[key] = value
        if "phone_counts" in data:
            rule = data["phone_counts"]
            if rule not in PHONE_RULES:
                problems.append(
                    FieldProblem(
                        "phone_counts", rule, N_("must be one of {values}", values=PHONE_RULES)
                    )
                )
            else:
                changes["phone_counts"] = data["phone_counts"]
        for key in ("call_outs_count", "enabled"):
            if key in data:
                if not isinstance(data[key], bool):
                    problems.append(FieldProblem(key, data[key], N_("must be true or false")))
                else:
                    changes[key] = data[key]
        if "preferred_weekdays" in data:
            days = _weekdays(data["preferred_weekdays"], problems)
            if days is not None:
                changes["preferred_weekdays"] = days
        if "engineer" in data:
            name = data["engineer"]
            if not isinstance(name, str) or len(name.strip()) > MAX_NAME:
                problems.append(
                    FieldProblem(
                        "engineer",
                        name,
                        N_("must be text of at most {limit} characters", limit=MAX_NAME),
                    )
                )
            else:
                changes["engineer"] = name.strip()
        if "starts_on" in data:
            starts_on = _day(data["starts_on"])
            if starts_on is None:
                problems.append(FieldProblem("starts_on", data["starts_on"], N_("is not a date")))
            else:
                changes["starts_on"] = starts_on
        if problems:
            raise ValidationError(problems, what=source)
        return replace(plan, **changes)


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _weekdays(value: Any, problems: list[FieldProblem]) -> tuple[str, ...] | None:
    """``["mon", "thu"]`` (or ``"mon;thu"``; full names too) as week-ordered abbreviations."""
    if isinstance(value, str):
        value = [part for part in re.split(WEEKDAY_SEPARATORS, value) if part]
    if not isinstance(value, list | tuple):
        problems.append(FieldProblem("preferred_weekdays", value, N_("must be a list of weekdays")))
        return None
    days: set[str] = set()
    for part in value:
        day = weekday_of(part) if isinstance(part, str) else None
        if day is None:
            problems.append(
                FieldProblem(
                    "preferred_weekdays",
                    part,
                    N_("is not one of {values}", values=", ".join(WEEKDAYS)),
                )
            )
            return None
        days.add(day)
    return tuple(sorted(days, key=WEEKDAYS.index))


class ComplianceStatus(StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MISSED = "missed"


OVERDUE = (ComplianceStatus.BEHIND, ComplianceStatus.MISSED)


@dataclass(frozen=True)
class Requirement:
    key: str  # scheduled, follow_up, on_site_follow_up
    label: str
    period: str  # "2026-03" or "2026-Q1"
    starts_on: date
    ends_on: date  # last day of the period
    required: int
    done: int
    expected_by_now: int
    status: ComplianceStatus

    @property
    def overdue(self) -> bool:
        return self.status in OVERDUE


@dataclass(frozen=True)
class MonthCompliance:
    site_id: str
    month: date  # first day of the month
    requirements: tuple[Requirement, ...]

    @property
    def ok(self) -> bool:
        return not any(r.overdue for r in self.requirements)

    @property
    def overdue(self) -> list[Requirement]:
        return [r for r in self.requirements if r.overdue]


# -- calendar helpers ---------------------------------------------------------------------


def parse_month(text: str) -> date:
    """``YYYY-MM`` to the month's first day."""
    try:
        year, month = (int(p) for p in text.strip().split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ValueError(N_("{text} is not a month in the form YYYY-MM", text=repr(text))) from None


def month_end(first: date) -> date:
    return next_month(first) - timedelta(days=1)


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def quarter_bounds(day: date) -> tuple[date, date]:
    start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return start, month_end(date(start.year, start.month + 2, 1))


def quarter_label(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def visit_day(visit: Visit) -> date:
    return visit.started_at.date()


# -- compliance ---------------------------------------------------------------------------


def _status(required: int, done: int, start: date, end: date, today: date) -> tuple[int, str]:
    if done >= required:
        return required, ComplianceStatus.MET
    if today > end:
        return required, ComplianceStatus.MISSED
    if today < start:
        return 0, ComplianceStatus.ON_TRACK
    total = (end - start).days + 1
    elapsed = (today - start).days + 1
    expected = required * elapsed // total
    return expected, ComplianceStatus.BEHIND if done < expected else ComplianceStatus.ON_TRACK


def _requirement(
    key: str, label: str, period: str, start: date, end: date, required: int, done: int, today: date
) -> Requirement:
    expected, status = _status(required, done, start, end, today)
    return Requirement(key, label, period, start, end, required, done, expected, status)


def _from_plan_start(
    plan: VisitPlan, start: date, end: date, required: int
) -> tuple[date, int] | None:
    """The period as the plan owes it: None before the plan starts; the period it starts in
    from that day, with its share of the visits (rounded up: 2 a month from the 4th of a
    31-day month is still 2; 3 a quarter with a month left is 1)."""
    starts_on = plan.starts_on
    if starts_on is None or starts_on <= start:
        return start, required
    if starts_on > end:
        return None
    share = (end - starts_on).days + 1
    return starts_on, -(-required * share // ((end - start).days + 1))


def month_compliance(
    plan: VisitPlan,
    site_id: str,
    month: date,
    visits: Iterable[Visit],
    today: date,
    *,
    fault_days: Iterable[date] = (),
) -> MonthCompliance:
    """How the site's visits of ``month`` (and of its quarter) measure up to the plan.

    ``visits`` may hold any of the site's visits; only those of the month's quarter count.
    ``fault_days`` are the days faults were reported at the site (whether it "runs well").
    """
    month = month.replace(day=1)
    if not plan.enabled:
        return MonthCompliance(site_id, month, ())
    m_end = month_end(month)
    q_start, q_end = quarter_bounds(month)
    in_quarter = [v for v in visits if v.site_id == site_id and q_start <= visit_day(v) <= q_end]
    in_month = [v for v in in_quarter if month <= visit_day(v) <= m_end]
    runs_well = not any(month <= d <= m_end for d in fault_days)
    phone_counts = plan.phone_counts == "always" or (
        plan.phone_counts == "when_no_faults" and runs_well
    )

    def on_site_follow_up(v: Visit) -> bool:
        return v.kind is VisitKind.FOLLOW_UP or (
            plan.call_outs_count and v.kind is VisitKind.FAULT_CALL_OUT
        )

    scheduled = sum(v.kind is VisitKind.SCHEDULED for v in in_month)
    follow_ups = sum(
        on_site_follow_up(v) or (phone_counts and v.kind is VisitKind.PHONE_FOLLOW_UP)
        for v in in_month
    )
    quarter_follow_ups = sum(on_site_follow_up(v) for v in in_quarter)
    period = f"{month:%Y-%m}"
    follow_up_label = "follow-ups" + (" (phone counts)" if phone_counts else " (on site)")
    wanted = (
        ("scheduled", "scheduled on-site visits", period, month, m_end,
         plan.scheduled_per_month, scheduled),
        ("follow_up", follow_up_label, period, month, m_end,
         plan.follow_ups_per_month, follow_ups),
        ("on_site_follow_up", "on-site follow-ups this quarter", quarter_label(month), q_start,
         q_end, plan.on_site_follow_ups_per_quarter, quarter_follow_ups),
    )  # fmt: skip
    requirements = []
    for key, label, name, start, end, required, done in wanted:
        owed = _from_plan_start(plan, start, end, required) if required else None
        if owed is not None:
            requirements.append(_requirement(key, label, name, owed[0], end, owed[1], done, today))
    return MonthCompliance(site_id, month, tuple(requirements))


# -- the next visit -----------------------------------------------------------------------

# Periods to look ahead past requirements already met (visits recorded in advance).
_LOOKAHEAD = 12


@dataclass(frozen=True)
class VisitDue:
    """When a site's next visit is due, and which requirement calls for it."""

    site_id: str
    on: date  # the day to plan the visit for
    deadline: date  # from this day on, unless the visit is made, the requirement is behind
    requirement: Requirement  # what drives it, in the period the visit will count for
    overdue: bool  # the requirement is behind or missed, exactly as the Visits screen says

    @property
    def key(self) -> str:
        return self.requirement.key


def deadline_of(requirement: Requirement) -> date | None:
    """The first day ``_status`` calls the requirement behind unless one more visit is made.

    ``_status`` expects ``required * elapsed // days`` visits once ``elapsed`` days of the
    period have begun; that reaches ``done + 1`` from ``elapsed = ceil((done + 1) * days /
    required)``. Two scheduled visits in a 31-day month: the 16th, then the 31st. None when
    the requirement is met.
    """
    r = requirement
    if r.done >= r.required:
        return None
    days = (r.ends_on - r.starts_on).days + 1
    elapsed = -(-(r.done + 1) * days // r.required)
    return r.starts_on + timedelta(days=elapsed - 1)


def requirement_due(
    site_id: str, requirement: Requirement, today: date, preferred_weekdays: Iterable[str] = ()
) -> VisitDue | None:
    """When the requirement's next visit is due (None when it is met); rule as for
    ``next_visit_due``."""
    deadline = deadline_of(requirement)
    if deadline is None:
        return None
    on = deadline
    if not requirement.overdue:
        on = _preferred_day(deadline, max(today, requirement.starts_on), preferred_weekdays)
    return VisitDue(site_id, on, deadline, requirement, requirement.overdue)


def _preferred_day(deadline: date, earliest: date, weekdays: Iterable[str]) -> date:
    """The latest preferred weekday from ``earliest`` to ``deadline``; else the deadline."""
    wanted = {WEEKDAYS.index(day) for day in weekdays}
    for back in range(7 if wanted else 0):
        day = deadline - timedelta(days=back)
        if day < earliest:
            break
        if day.weekday() in wanted:
            return day
    return deadline


def next_visit_due(
    plan: VisitPlan,
    site_id: str,
    visits: Iterable[Visit],
    today: date,
    *,
    fault_days: Iterable[date] = (),
) -> VisitDue | None:
    """When the site's next visit is due, from its plan, its visits and today.

    Each requirement of today's month (and quarter) has a *deadline*: the first day on which,
    unless one more visit is made, ``month_compliance`` calls it ``behind`` (``deadline_of``).
    A requirement already met looks to the next period it is not met in (next month, next
    quarter). The rule for the day to plan the visit for:

    - Past the deadline (today on or after it) the visit is overdue and due on its deadline:
      the day it fell due. A preferred weekday does not move it.
    - Otherwise, with preferred weekdays, it is due on the latest preferred weekday on or
      before the deadline that is neither before today nor before the period (a visit made
      earlier counts for another month). If there is no such day - the last one has passed -
      it is due on the deadline itself: the date stays the real last day, never in the past.
    - Without preferred weekdays it is due on the deadline.

    The site's next visit is its most overdue requirement's (earliest deadline) if any is
    overdue, else the requirement due soonest. So a site is overdue here exactly when the
    Visits screen shows one of this month's requirements ``behind``. None when the plan asks
    for nothing (disabled, or every count 0).

    ``visits`` should hold the site's visits from the start of today's quarter (later ones
    only matter when recorded in advance); ``fault_days`` as for ``month_compliance``.
    """
    visits, fault_days = list(visits), list(fault_days)
    current = month_compliance(plan, site_id, today, visits, today, fault_days=fault_days)
    found: list[tuple[int, VisitDue]] = []
    for order, requirement in enumerate(current.requirements):
        for _ in range(_LOOKAHEAD):
            due = requirement_due(site_id, requirement, today, plan.preferred_weekdays)
            if due is not None:
                found.append((order, due))
                break
            later = month_compliance(
                plan,
                site_id,
                requirement.ends_on + timedelta(days=1),
                visits,
                today,
                fault_days=fault_days,
            )
            requirement = next(r for r in later.requirements if r.key == requirement.key)
    if not found:
        return None
    return min(found, key=_urgency)[1]


def _urgency(item: tuple[int, VisitDue]) -> tuple[bool, date, int]:
    # Overdue first, oldest deadline first; then the soonest; ties in the plan's order.
    order, due = item
    return (not due.overdue, due.deadline if due.overdue else due.on, order)
