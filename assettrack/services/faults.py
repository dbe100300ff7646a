"""Faults: report, update, check response times, and track a unit away for repair.

Loaner and repair rule (the asset's ``status`` shows where the registered unit is):
- A fault has the unit away when a loaner was left on site (``loaner_serial``) or the unit
  was sent for repair (``sent_for_repair_at``) and it has not come back
  (``unit_returned_at`` empty).
- While any of the asset's faults has it away, the asset is ``loaner_in_place`` if one of
  them left a loaner, else ``out_for_repair``.
- When none has it away any more (``unit_returned_at`` set), the asset goes back to
  ``in_service``; the loaner leaves with the engineer.
- A retired asset is never changed.

- A loaner taken back (``loaner_returned_at``) no longer stands in: the unit is then only
  ``out_for_repair`` if it is still away.

Warranty decision: ``warranty_covered`` true, false (then ``warranty_exclusion`` must name one
of ``WARRANTY_EXCLUSIONS``; the fault becomes billable) or not yet decided (None).

Times: every change of a time once the fault is reported is kept on the fault
(``time_changes``: which, old, new, who, when). ``stamp`` sets a time that is still empty and
refuses, with ``TimeAlreadySet``, to replace one unless asked to: a second press of "responded
now" must not silently move 10:15 to 10:16.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.faults import (
    TIME_LABELS,
    FaultSla,
    escalation_proposed,
    fault_sla,
    is_open,
    time_differences,
    timestamp_problems,
    unit_away,
    warranty_problems,
)
from assettrack.domain.known_problems import KnownProblem, Match
from assettrack.domain.models import Asset, AssetStatus, Fault, ReportedVia, Site, TimeChange
from assettrack.domain.warranty import WarrantyRules, WarrantyState, warranty_status
from assettrack.errors import AssetTrackError
from assettrack.i18n import N_, _
from assettrack.services.known_problems import KnownProblemService
from assettrack.services.open_visit import open_visit
from assettrack.services.service_common import find_record, find_site, parse_choice
from assettrack.services.service_config import ServiceConfig
from assettrack.store.store import Store

AWAY_STATUSES = (AssetStatus.LOANER_IN_PLACE, AssetStatus.OUT_FOR_REPAIR)
# Fields ``update`` may change; site, reporting time and creation time file the record.
EDITABLE = frozenset(
    f.name
    for f in dataclasses.fields(Fault)
    if f.name not in ("site_id", "created_at", "time_changes", "id", "schema", "revision")
)
STATUSES = ("open", "resolved")
# Which targets a listing keeps: missed ones, at-risk ones, or either ("late").
TARGET_FILTERS = ("missed", "at_risk", "late")


class TimeAlreadySet(AssetTrackError):
    """A time that is already recorded would be replaced: the caller asks first."""

    def __init__(self, name: str, old: datetime) -> None:
        self.name = name
        self.old = old
        super().__init__(f"{TIME_LABELS.get(name, name)} is already recorded: {old:%Y-%m-%d %H:%M}")


@dataclass(frozen=True)
class FaultView:
    fault: Fault
    site: Site | None
    asset: Asset | None
    sla: FaultSla

    @property
    def site_name(self) -> str:
        return self.site.name if self.site else "?"


@dataclass(frozen=True)
class FaultDetail:
    """Everything the fault screen and ``fault show`` tell about one fault."""

    fault: Fault
    site: Site | None
    asset: Asset | None
    sla: FaultSla
    known_problem: KnownProblem | None  # the one attached
    made_problem: KnownProblem | None  # the one made from this fault
    suggestions: list[Match]  # similar known problems, best first
    asset_in_warranty: bool | None  # on the day it was reported, by the register
    escalation_proposed: bool

    @property
    def site_name(self) -> str:
        return self.site.name if self.site else "?"


def parse_reported_via(value: str | ReportedVia) -> ReportedVia:
    return parse_choice(
        ReportedVia,
        value,
        N_("a way of reporting"),
        aliases={"e_mail": "email", "mail": "email", "onsite": "on_site"},
    )


class FaultService:
    def __init__(
        self,
        store: Store,
        config: ServiceConfig,
        engineer: str = "",
        clock: Callable[[], datetime] = datetime.now,
        warranty_rules: WarrantyRules | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.engineer = engineer
        self.clock = clock
        self.warranty_rules = warranty_rules or WarrantyRules()
        self.known_problems = KnownProblemService(store, config, engineer, clock)

    # -- recording -------------------------------------------------------------------------

    def report(
        self,
        site_id: str,
        severity: int,
        reported_via: ReportedVia | str,
        reported_at: datetime,
        **fields: Any,
    ) -> Fault:
        """Record a new fault (any other field may be given too)."""
        if self.store.sites.get(site_id) is None:
            raise AssetTrackError(_("no site with id {site_id}").format(site_id=repr(site_id)))
        fault = Fault(
            site_id=site_id,
            severity=severity,
            reported_via=parse_reported_via(reported_via),
            reported_at=reported_at,
            created_at=self.clock(),
            engineer=self.engineer,
        )
        if "visit_id" not in fields:
            running = open_visit(self.store, site_id, self.clock())
            fields["visit_id"] = running.id if running else None
        return self._save(fault, None, fields)

    def update(self, fault: Fault, **changes: Any) -> Fault:
        """Change fields of a fault, check them, save, and apply the loaner rule."""
        before = dataclasses.replace(fault)
        return self._save(fault, before, changes)

    def stamp(
        self, fault: Fault, name: str, at: datetime | None = None, *, replace: bool = False
    ) -> Fault:
        """Record a time (now unless given); one already recorded only with ``replace``."""
        if name not in TIME_LABELS:
            raise AssetTrackError(_("{name} is not a time of a fault").format(name=name))
        old = getattr(fault, name)
        if old is not None and not replace:
            raise TimeAlreadySet(name, old)
        return self.update(fault, **{name: at or self.clock()})

    def checked(self, fault: Fault, **changes: Any) -> Fault:
        """A copy of ``fault`` with ``changes``, checked but not saved (to ask before saving)."""
        copy = dataclasses.replace(fault)
        self._apply(copy, changes)
        problems = self.problems(copy)
        if problems:
            raise ValidationError(problems, what=_("fault"))
        return copy

    def return_unit(self, fault: Fault, at: datetime | None = None) -> Fault:
        if not unit_away(fault):
            raise AssetTrackError(_("this fault has no unit away for repair"))
        return self.update(fault, unit_returned_at=at or self.clock())

    def _apply(self, fault: Fault, changes: dict[str, Any]) -> None:
        unknown = set(changes) - EDITABLE
        if unknown:
            raise AssetTrackError(
                _("cannot change {names} of a fault").format(names=", ".join(sorted(unknown)))
            )
        if "reported_via" in changes:
            changes["reported_via"] = parse_reported_via(changes["reported_via"])
        for name, value in changes.items():
            setattr(fault, name, value.strip() if isinstance(value, str) else value)

    def _save(self, fault: Fault, before: Fault | None, changes: dict[str, Any]) -> Fault:
        self._apply(fault, changes)
        problems = self.problems(fault)
        if problems:
            if before is not None:  # the caller's object goes back to what is stored
                for name in changes:
                    setattr(fault, name, getattr(before, name))
            raise ValidationError(problems, what=_("fault"))
        if before is not None:
            moved = time_differences(before, {n: getattr(fault, n) for n in changes})
            if moved:
                at = self.clock()
                # A new list: ``before`` shares the old one.
                fault.time_changes = [
                    *fault.time_changes,
                    *(TimeChange(name, old, new, self.engineer, at) for name, old, new in moved),
                ]
        self.store.faults.save(fault)
        self._apply_unit_status(fault)
        return fault

    def problems(self, fault: Fault) -> list[FieldProblem]:
        problems: list[FieldProblem] = []
        try:
            self.config.severity.get(fault.severity)
        except ValidationError as exc:
            problems.extend(exc.problems)
        if fault.asset_id is not None:
            asset = self.store.assets.get(fault.asset_id)
            if asset is None:
                problems.append(FieldProblem("asset", fault.asset_id, _("is not a known asset")))
            elif asset.site_id != fault.site_id:
                problems.append(FieldProblem("asset", asset.serial_number, _("is at another site")))
        if (fault.loaner_serial or fault.sent_for_repair_at) and not fault.asset_id:
            problems.append(
                FieldProblem("asset", None, _("is needed to track a unit away for repair"))
            )
        return problems + timestamp_problems(fault) + warranty_problems(fault)

    def _apply_unit_status(self, fault: Fault) -> None:
        asset = self.store.assets.get(fault.asset_id) if fault.asset_id else None
        if asset is None or asset.status is AssetStatus.RETIRED:
            return
        # Every fault of the unit counts: one may have left a loaner while another is open.
        others = [
            f for f in self.store.faults.for_asset(asset.site_id, asset.id) if f.id != fault.id
        ]
        away = [f for f in [fault, *others] if unit_away(f)]
        if any(f.loaner_serial and f.loaner_returned_at is None for f in away):
            wanted = AssetStatus.LOANER_IN_PLACE
        elif away:
            wanted = AssetStatus.OUT_FOR_REPAIR
        elif asset.status in AWAY_STATUSES:
            wanted = AssetStatus.IN_SERVICE
        else:
            return
        if asset.status is not wanted:
            self.store.assets.save(dataclasses.replace(asset, status=wanted))

    # -- reading ---------------------------------------------------------------------------

    def open_at(self, site_id: str) -> list[Fault]:
        """The site's faults not resolved yet, the latest reported first."""
        found = [f for f in self.store.faults.for_site(site_id) if f.resolved_at is None]
        return sorted(found, key=lambda f: f.reported_at.isoformat(), reverse=True)

    def find(self, ref: str) -> Fault:
        return find_record(self.store.faults, ref, "fault")

    def sla(self, fault: Fault, now: datetime | None = None) -> FaultSla:
        return fault_sla(fault, self.config.severity, now or self.clock())

    def suggestions(self, fault: Fault) -> list[Match]:
        """Known problems like this fault's symptom (and cause), best first."""
        asset = self.store.assets.get(fault.asset_id) if fault.asset_id else None
        return self.known_problems.similar(
            " ".join((fault.symptom, fault.cause)),
            vendor=asset.vendor if asset else "",
            model=asset.model if asset else "",
        )

    def detail(self, fault: Fault, now: datetime | None = None) -> FaultDetail:
        sla = self.sla(fault, now)
        return FaultDetail(
            fault,
            self.store.sites.get(fault.site_id),
            self.store.assets.get(fault.asset_id) if fault.asset_id else None,
            sla,
            self.known_problem(fault),
            self.known_problems.from_fault_of(fault.id),
            self.suggestions(fault),
            self.in_warranty(fault),
            escalation_proposed(fault, sla),
        )

    def known_problem(self, fault: Fault) -> KnownProblem | None:
        if not fault.known_problem_id:
            return None
        return self.store.known_problems.get(fault.known_problem_id)

    def attach_known_problem(self, fault: Fault, problem_id: str | None) -> Fault:
        """Name the known problem whose solution was applied (None: none)."""
        if problem_id and self.store.known_problems.get(problem_id) is None:
            raise AssetTrackError(
                _("no known problem with id {problem_id}").format(problem_id=repr(problem_id))
            )
        return self.update(fault, known_problem_id=problem_id or None)

    def make_known_problem(self, fault: Fault, title: str = "") -> KnownProblem:
        """A resolved fault becomes a known problem; a fault with none attached names it
        (one already attached stays: its solution is the one that was applied)."""
        if fault.resolved_at is None:
            raise AssetTrackError(_("only a resolved fault becomes a known problem"))
        problem = self.known_problems.from_fault(fault, title)
        if not fault.known_problem_id:
            self.update(fault, known_problem_id=problem.id)
        return problem

    def in_warranty(self, fault: Fault, day: date | None = None) -> bool | None:
        """Whether the fault's asset is under warranty on ``day`` (None: unknown or no asset)."""
        asset = self.store.assets.get(fault.asset_id) if fault.asset_id else None
        if asset is None:
            return None
        status = warranty_status(asset, self.warranty_rules, day or fault.reported_at.date())
        if status.state is WarrantyState.UNKNOWN:
            return None
        return status.state is not WarrantyState.EXPIRED

    def views(
        self,
        *,
        now: datetime | None = None,
        open_only: bool = False,
        sla_missed: bool = False,
        site: str | None = None,
        since: date | None = None,
        severities: Collection[int] = (),
        status: str | None = None,
        targets: str | None = None,
    ) -> list[FaultView]:
        """Faults newest first, with their site, asset and target checks.

        ``status``: "open" or "resolved"; ``targets``: keep faults with a target "missed"
        (any, resolution too), "at_risk" or either ("late"). ``sla_missed`` is ``targets=
        "missed"``.
        """
        now = now or self.clock()
        if status not in (None, *STATUSES):
            raise AssetTrackError(
                _("{status} is not a status ({names})").format(
                    status=repr(status), names=", ".join(STATUSES)
                )
            )
        if targets not in (None, *TARGET_FILTERS):
            raise AssetTrackError(
                _("{targets} is not a target filter").format(targets=repr(targets))
            )
        targets = targets or ("missed" if sla_missed else None)
        status = status or ("open" if open_only else None)
        site_filter = find_site(self.store, site).id if site else None
        sites = {s.id: s for s in self.store.sites.list()}
        rows = []
        # Filed by when they were recorded, which is never before they were reported.
        for fault in self.store.faults.iter_all(start=since):
            if site_filter and fault.site_id != site_filter:
                continue
            if severities and fault.severity not in severities:
                continue
            if status and (status == "open") != is_open(fault):
                continue
            if since and fault.reported_at.date() < since:
                continue
            sla = self.sla(fault, now)
            if targets and not _keeps(targets, sla):
                continue
            asset = self.store.assets.get(fault.asset_id) if fault.asset_id else None
            rows.append(FaultView(fault, sites.get(fault.site_id), asset, sla))
        rows.sort(key=lambda v: v.fault.reported_at.isoformat(), reverse=True)
        return rows


def _keeps(targets: str, sla: FaultSla) -> bool:
    missed, at_risk = sla.any_missed, sla.at_risk
    return {"missed": missed, "at_risk": at_risk, "late": missed or at_risk}[targets]
