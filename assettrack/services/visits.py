"""Visits: record them, sign them, and measure each site's visits against its plan.

The plan rules (what counts where, ``behind`` versus ``missed``, when the next visit is due)
are in ``assettrack.domain.visits``; this module gathers the site's visits and faults for
them. Every screen and command asks ``next_due`` for a site's next visit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.faults import is_before
from assettrack.domain.models import Inspection, SignOff, Site, Visit, VisitKind
from assettrack.domain.seal import seal
from assettrack.domain.visits import (
    MonthCompliance,
    Requirement,
    VisitDue,
    month_compliance,
    month_end,
    next_visit_due,
    previous_month,
    quarter_bounds,
    visit_day,
)
from assettrack.errors import AssetTrackError
from assettrack.i18n import N_, _
from assettrack.i18n.terms import VISIT_KINDS, term
from assettrack.services.open_visit import open_visit
from assettrack.services.service_common import find_record, find_site, parse_choice
from assettrack.services.service_config import ServiceConfig
from assettrack.store.store import Store


@dataclass(frozen=True)
class ComplianceRow:
    """One requirement of one site in one month, as the overdue list and reports show it."""

    site: Site
    month: date
    requirement: Requirement
    engineer: str = ""  # responsible for the site's visits (its plan), if named
    # The site's next visit, on the row of the requirement (this period's) that calls for it.
    next_visit: VisitDue | None = None


def parse_kind(value: str | VisitKind) -> VisitKind:
    return parse_choice(VisitKind, value, N_("a visit kind"))


class VisitService:
    def __init__(
        self,
        store: Store,
        config: ServiceConfig,
        engineer: str = "",
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.store = store
        self.config = config
        self.engineer = engineer
        self.clock = clock

    # -- recording -------------------------------------------------------------------------

    def record(
        self,
        site_id: str,
        kind: VisitKind | str,
        started_at: datetime,
        *,
        ended_at: datetime | None = None,
        engineer: str | None = None,
        hazards_found: Iterable[str] = (),
        hazards_removed: Iterable[str] = (),
        customer_opinion: str = "",
        feedback: Mapping[str, Any] | None = None,
        checks: Iterable[str] = (),
        notes: str = "",
        fault_id: str | None = None,
        inspection_ids: Iterable[str] = (),
    ) -> Visit:
        """Save a visit; the inspections named are linked to it (same site only)."""
        if self.store.sites.get(site_id) is None:
            raise AssetTrackError(_("no site with id {site_id}").format(site_id=repr(site_id)))
        visit = Visit(
            site_id=site_id,
            engineer=(engineer if engineer is not None else self.engineer).strip(),
            kind=parse_kind(kind),
            started_at=started_at,
            ended_at=ended_at,
            hazards_found=_clean(hazards_found),
            hazards_removed=_clean(hazards_removed),
            customer_opinion=customer_opinion.strip(),
            feedback=dict(feedback or {}),
            checks=_clean(checks),
            notes=notes.strip(),
            fault_id=fault_id,
        )
        # A hazard removed was found first: keep the two lists consistent for the report.
        visit.hazards_found += [h for h in visit.hazards_removed if h not in visit.hazards_found]
        problems = self.problems(visit)
        inspections = [self._inspection(visit.site_id, i) for i in inspection_ids]
        if problems:
            raise ValidationError(problems, what=_("visit"))
        self.store.visits.save(visit)
        for inspection in inspections:
            if inspection.visit_id != visit.id:
                inspection.visit_id = visit.id
                self.store.inspections.save(inspection)
        return visit

    def start(self, site_id: str, kind: VisitKind | str, *, fault_id: str | None = None) -> Visit:
        """Open a visit at the site now; what is inspected or found there joins it."""
        running = self.open_at(site_id)
        if running is not None:
            raise AssetTrackError(
                _(
                    "a {kind} visit is already open at this site (since {started_at}): end or "
                    "sign it first"
                ).format(
                    kind=term(VISIT_KINDS, running.kind.value),
                    started_at=f"{running.started_at:%Y-%m-%d %H:%M}",
                )
            )
        kind = parse_kind(kind)
        if kind is VisitKind.FAULT_CALL_OUT and not fault_id:
            raise AssetTrackError(_("a fault call-out answers a fault: pick the open fault"))
        if fault_id:
            fault = self.store.faults.get(site_id, fault_id)
            if fault is None:
                raise AssetTrackError(
                    _("no fault {fault_id} at this site").format(fault_id=repr(fault_id))
                )
        return self.record(site_id, kind, self.clock(), fault_id=fault_id)

    def open_at(self, site_id: str) -> Visit | None:
        """The site's open visit: started, not ended, not signed."""
        return open_visit(self.store, site_id, self.clock())

    def problems(self, visit: Visit) -> list[FieldProblem]:
        problems = []
        if not visit.engineer:
            problems.append(FieldProblem("engineer", "", _("is needed (set [engineer] name)")))
        if visit.ended_at is not None and is_before(visit.ended_at, visit.started_at):
            problems.append(
                FieldProblem("ended_at", visit.ended_at.isoformat(), _("is before the start"))
            )
        if visit.kind is VisitKind.PHONE_FOLLOW_UP and visit.hazards_removed:
            problems.append(
                FieldProblem("hazards_removed", visit.hazards_removed, _("need someone on site"))
            )
        return problems

    def _inspection(self, site_id: str, ref: str) -> Inspection:
        inspection = find_record(self.store.inspections, ref, N_("maintenance record"))
        if inspection.site_id != site_id:
            raise AssetTrackError(
                _("maintenance record {ref} belongs to another site").format(ref=ref)
            )
        return inspection

    def sign(self, visit: Visit, representative: str, at: datetime | None = None) -> Visit:
        self._require_unsigned(visit)
        if not representative.strip():
            raise AssetTrackError(_("the customer's representative must be named to sign"))
        visit.sign_off = SignOff(representative.strip(), at or self.clock())
        seal(visit, self.inspections_of(visit))
        return self.store.visits.save(visit)

    def save(self, visit: Visit) -> Visit:
        """Save changes to a visit (its start month must not change: it files the visit)."""
        self._require_unsigned(visit)
        problems = self.problems(visit)
        if problems:
            raise ValidationError(problems, what=_("visit"))
        return self.store.visits.save(visit)

    def _require_unsigned(self, visit: Visit) -> None:
        """A signed visit is the customer's record: refuse any change (the stored copy rules)."""
        stored = self.store.visits.get(visit.site_id, visit.id)
        signed = stored.sign_off if stored is not None else None
        if signed is not None:
            raise AssetTrackError(
                _(
                    "this visit was signed by {representative} on {signed_at} and can "
                    "no longer change"
                ).format(
                    representative=signed.representative,
                    signed_at=f"{signed.signed_at:%Y-%m-%d %H:%M}",
                )
            )

    def find(self, ref: str) -> Visit:
        return find_record(self.store.visits, ref, "visit")

    def inspections_of(self, visit: Visit) -> list[Inspection]:
        records = self.store.inspections.for_site(visit.site_id)
        found = [r for r in records if r.visit_id == visit.id]
        return sorted(found, key=lambda r: r.created_at)

    # -- reading ---------------------------------------------------------------------------

    def visits_for(self, site_id: str, start: date, end: date) -> list[Visit]:
        # Visits are filed by the month they started: only those months' files are read.
        found = [
            v
            for v in self.store.visits.for_site(site_id, start, end)
            if start <= visit_day(v) <= end
        ]
        return sorted(found, key=lambda v: v.started_at.isoformat())

    def fault_days(self, site_id: str, start: date, end: date) -> list[date]:
        """The days faults were reported at the site from start to end (it "runs well")."""
        # A fault is filed when it was recorded, never before it was reported.
        return [
            f.reported_at.date()
            for f in self.store.faults.for_site(site_id, start=start)
            if start <= f.reported_at.date() <= end
        ]

    def compliance(self, site: Site, month: date, today: date) -> MonthCompliance:
        q_start, q_end = quarter_bounds(month)
        visits = self.visits_for(site.id, q_start, q_end)
        m_start, m_end = month.replace(day=1), month_end(month.replace(day=1))
        return month_compliance(
            self.config.plan_for(site),
            site.id,
            month,
            visits,
            today,
            fault_days=self.fault_days(site.id, m_start, m_end),
        )

    def next_due(self, site: Site, today: date) -> VisitDue | None:
        """When the site's next visit is due (None: its plan asks for none)."""
        # This quarter's visits decide; the next quarter's only if recorded in advance.
        q_start, q_end = quarter_bounds(today)
        until = quarter_bounds(q_end + timedelta(days=1))[1]
        return next_visit_due(
            self.config.plan_for(site),
            site.id,
            self.visits_for(site.id, q_start, until),
            today,
            fault_days=self.fault_days(site.id, today.replace(day=1), until),
        )

    def compliance_rows(
        self,
        today: date,
        months: Iterable[date] | None = None,
        *,
        site: str | None = None,
        overdue_only: bool = False,
    ) -> list[ComplianceRow]:
        """Requirements per site and month (default: this month and the last), by customer,
        site and month. The quarter's requirement appears once per quarter: with its last
        month asked for."""
        if months is None:
            this_month = today.replace(day=1)
            months = [previous_month(this_month), this_month]
        months = sorted({m.replace(day=1) for m in months})
        sites = [find_site(self.store, site)] if site else self.store.sites.list()
        rows = []
        for s in sorted(sites, key=lambda s: (s.customer, s.name)):
            engineer = self.config.plan_for(s).engineer
            due = self.next_due(s, today)
            quarters_done: set[date] = set()
            for month in reversed(months):
                quarter = quarter_bounds(month)[0]
                for requirement in self.compliance(s, month, today).requirements:
                    if requirement.key == "on_site_follow_up":
                        if quarter in quarters_done:
                            continue
                        quarters_done.add(quarter)
                    if overdue_only and not requirement.overdue:
                        continue
                    shown = due if _calls_for(requirement, due, today) else None
                    rows.append(ComplianceRow(s, month, requirement, engineer, shown))
        order = {"scheduled": 0, "follow_up": 1, "on_site_follow_up": 2}
        rows.sort(
            key=lambda r: (r.site.customer, r.site.name, r.month, order.get(r.requirement.key, 9))
        )
        return rows

    def overdue(
        self, today: date, months: Iterable[date] | None = None, *, site: str | None = None
    ) -> list[ComplianceRow]:
        return self.compliance_rows(today, months, site=site, overdue_only=True)


def _calls_for(requirement: Requirement, due: VisitDue | None, today: date) -> bool:
    """Whether this row is where the site's next visit is shown: this period's row of the
    requirement that calls for it (also when that visit counts for the next period)."""
    return (
        due is not None
        and requirement.key == due.key
        and requirement.starts_on <= today <= requirement.ends_on
    )


def _clean(values: Iterable[str]) -> list[str]:
    return [v.strip() for v in values if v and v.strip()]
