"""A visit's maintenance record, as the engineer fills it on site and the customer signs it.

What the visit screen and the visit report both need: progress over the site's devices,
the record form of the commitment (hazards found and removed, parameter changes, firmware
upgrades, the feedback survey), completion against what the visit must cover, sign-off,
amendments of a signed visit, and removing a visit begun by mistake.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from assettrack.domain.models import (
    Asset,
    AssetStatus,
    Fault,
    FirmwareUpgrade,
    Inspection,
    InspectionState,
    ParameterChange,
    Site,
    SurveyAnswer,
    Visit,
    VisitKind,
    new_id,
)
from assettrack.errors import AssetTrackError
from assettrack.i18n import _
from assettrack.services.inspections import FIRMWARE_ACCEPTED
from assettrack.services.service_config import ServiceConfig
from assettrack.services.visits import VisitService
from assettrack.store.store import Store

# The commitment: a scheduled visit inspects all the site's equipment in service.
INSPECTS_EVERY_DEVICE = (VisitKind.SCHEDULED,)
ON_SITE = (VisitKind.SCHEDULED, VisitKind.FOLLOW_UP, VisitKind.FAULT_CALL_OUT)


class VisitIncomplete(AssetTrackError):
    """Completing found what the visit still lacks; ``missing`` lists it in words."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(_("not complete yet: {missing}").format(missing="; ".join(missing)))
        self.missing = missing


@dataclass(frozen=True)
class Progress:
    """Devices inspected on the visit against the devices in service at the site."""

    devices: tuple[Asset, ...]
    inspections: dict[str, Inspection]  # asset id -> the visit's record of it

    def done(self, asset_id: str) -> bool:
        record = self.inspections.get(asset_id)
        return record is not None and record.state is not InspectionState.DRAFT

    @property
    def inspected(self) -> int:
        return sum(1 for a in self.devices if self.done(a.id))

    @property
    def remaining(self) -> list[Asset]:
        return [a for a in self.devices if not self.done(a.id)]

    def line(self) -> str:
        return _("{done}/{total} devices inspected").format(
            done=self.inspected, total=len(self.devices)
        )


class VisitRecordService:
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
        self.visits = VisitService(store, config, engineer, clock)

    # -- what the visit holds -----------------------------------------------------------------

    def site_of(self, visit: Visit) -> Site:
        site = self.store.sites.get(visit.site_id)
        if site is None:
            raise AssetTrackError(
                _("the visit's site {site_id} is not in the database").format(site_id=visit.site_id)
            )
        return site

    def inspections_of(self, visit: Visit) -> list[Inspection]:
        """The visit's maintenance records; an amendment shows its original's records except
        those it corrects."""
        own = self.visits.inspections_of(visit)
        if visit.amends is None:
            return own
        original = self.store.visits.get(visit.site_id, visit.amends)
        if original is None:
            return own
        corrected = {i.amends for i in own if i.amends}
        kept = [i for i in self.inspections_of(original) if i.id not in corrected]
        return sorted([*kept, *own], key=lambda r: r.created_at)

    def progress(self, visit: Visit) -> Progress:
        latest: dict[str, Inspection] = {}
        for record in self.inspections_of(visit):
            kept = latest.get(record.asset_id)
            # A completed record beats a later draft of the same device.
            if kept is None or kept.state is InspectionState.DRAFT:
                latest[record.asset_id] = record
        if visit.completed_at is not None and visit.device_ids:
            wanted = set(visit.device_ids)  # as counted when it completed
        else:
            wanted = {
                a.id
                for a in self.store.assets.by_site(visit.site_id)
                if a.status is AssetStatus.IN_SERVICE
            }
        # A device inspected on the visit counts even if it left service since (a loaner).
        wanted |= set(latest)
        devices = [a for a in map(self.store.assets.get, wanted) if a is not None]
        devices.sort(key=lambda a: (a.location, a.hostname, a.serial_number))
        return Progress(tuple(devices), latest)

    def faults_of(self, visit: Visit) -> list[Fault]:
        """The fault a call-out answered, then those found or worked on during the visit."""
        answered = self.store.faults.get(visit.site_id, visit.fault_id) if visit.fault_id else None
        # A fault is filed when it was recorded: never before the visit's month.
        first = visit.started_at.date().replace(day=1)
        ids = {visit.id, visit.amends} - {None}  # records made before visits have none
        during = sorted(
            (
                f
                for f in self.store.faults.for_site(visit.site_id, start=first)
                if f.visit_id in ids and f.id != visit.fault_id
            ),
            key=lambda f: f.reported_at.isoformat(),
        )
        return [answered, *during] if answered is not None else during

    def hazards(self, visit: Visit) -> tuple[list[str], list[str]]:
        """(found, removed) on the visit and its inspections, each hazard once."""
        found = list(visit.hazards_found)
        removed = list(visit.hazards_removed)
        for inspection in self.inspections_of(visit):
            found += [h for h in inspection.hazards_found if h not in found]
            removed += [h for h in inspection.hazards_removed if h not in removed]
        found += [h for h in removed if h not in found]
        return found, removed

    def parameter_changes(self, visit: Visit) -> list[ParameterChange]:
        """The visit's changes and its inspections' (a firmware accepted is an upgrade)."""
        changes = list(visit.parameter_changes)
        for inspection in self.inspections_of(visit):
            changes += [
                dataclasses.replace(c, asset_id=c.asset_id or inspection.asset_id)
                for c in inspection.parameter_changes
                if c.parameter != "firmware"
            ]
        return changes

    def firmware_upgrades(self, visit: Visit) -> list[FirmwareUpgrade]:
        """Upgrades recorded on the visit, and firmware changes accepted from console reads."""
        upgrades = list(visit.firmware_upgrades)
        for inspection in self.inspections_of(visit):
            upgrades += [
                FirmwareUpgrade(inspection.asset_id, c.old_value, c.new_value, c.reason)
                for c in inspection.parameter_changes
                if c.parameter == "firmware" and c.reason.startswith(FIRMWARE_ACCEPTED)
            ]
        return upgrades

    def is_empty(self, visit: Visit) -> bool:
        return not (
            self.visits.inspections_of(visit)
            or any(f.visit_id == visit.id for f in self.faults_of(visit))
            or visit.hazards_found
            or visit.hazards_removed
            or visit.parameter_changes
            or visit.firmware_upgrades
            or visit.survey
            or visit.customer_opinion
            or visit.notes
            or any(a.target_id == visit.id for a in self.store.attachments.for_site(visit.site_id))
        )

    # -- the record form ----------------------------------------------------------------------

    def add_hazard(self, visit: Visit, hazard: str, *, removed: bool) -> Visit:
        text = hazard.strip()
        if not text:
            raise AssetTrackError(_("describe the hazard (what, where)"))
        if removed and visit.kind is VisitKind.PHONE_FOLLOW_UP:
            raise AssetTrackError(_("a hazard is removed on site, not on a phone follow-up"))
        if text not in visit.hazards_found:
            visit.hazards_found.append(text)
        if removed and text not in visit.hazards_removed:
            visit.hazards_removed.append(text)
        return self.visits.save(visit)

    def mark_removed(self, visit: Visit, hazard: str) -> Visit:
        if hazard not in visit.hazards_found:
            raise AssetTrackError(_("no hazard {hazard} on this visit").format(hazard=repr(hazard)))
        if hazard not in visit.hazards_removed:
            visit.hazards_removed.append(hazard)
        return self.visits.save(visit)

    def drop_hazard(self, visit: Visit, hazard: str) -> Visit:
        visit.hazards_found = [h for h in visit.hazards_found if h != hazard]
        visit.hazards_removed = [h for h in visit.hazards_removed if h != hazard]
        return self.visits.save(visit)

    def add_parameter_change(
        self,
        visit: Visit,
        parameter: str,
        old: str,
        new: str,
        reason: str,
        asset_id: str | None = None,
    ) -> Visit:
        what = parameter.strip()
        if not what:
            raise AssetTrackError(_("name the parameter changed (e.g. a port's speed, an ACL)"))
        if not new.strip():
            raise AssetTrackError(_("{what}: give the new value").format(what=what))
        if not reason.strip():
            raise AssetTrackError(
                _("{what}: say why it was changed (the customer signs it)").format(what=what)
            )
        if asset_id is not None:
            self._asset_at_site(visit, asset_id)
        visit.parameter_changes.append(
            ParameterChange(what, old.strip(), new.strip(), reason.strip(), asset_id)
        )
        return self.visits.save(visit)

    def drop_parameter_change(self, visit: Visit, index: int) -> Visit:
        del visit.parameter_changes[index]
        return self.visits.save(visit)

    def add_firmware_upgrade(self, visit: Visit, asset_id: str, new: str, reason: str) -> Visit:
        """The engineer upgraded a device's firmware: the record and the register say so."""
        if visit.kind is VisitKind.PHONE_FOLLOW_UP:
            raise AssetTrackError(_("firmware is upgraded on site, not on a phone follow-up"))
        asset = self._asset_at_site(visit, asset_id)
        version = new.strip()
        if not version:
            raise AssetTrackError(_("give the firmware version now running"))
        if version == asset.firmware:
            raise AssetTrackError(
                _("the register already has firmware {version} for this device").format(
                    version=version
                )
            )
        visit.firmware_upgrades.append(
            FirmwareUpgrade(asset.id, asset.firmware, version, reason.strip())
        )
        self.visits.save(visit)
        self.store.assets.save(dataclasses.replace(asset, firmware=version))
        return visit

    def answer_survey(self, visit: Visit, answers: Iterable[SurveyAnswer]) -> Visit:
        by_id = {a.question_id: a for a in visit.survey}
        for answer in answers:
            by_id[answer.question_id] = answer
        order = [q.id for q in self.config.survey.questions]
        visit.survey = sorted(
            by_id.values(),
            key=lambda a: order.index(a.question_id) if a.question_id in order else len(order),
        )
        return self.visits.save(visit)

    def _asset_at_site(self, visit: Visit, asset_id: str) -> Asset:
        asset = self.store.assets.get(asset_id)
        if asset is None or asset.site_id != visit.site_id:
            raise AssetTrackError(_("that device is not at this visit's site"))
        return asset

    # -- completion and sign-off --------------------------------------------------------------

    def missing(self, visit: Visit) -> list[str]:
        """What the visit must still cover before it is complete, in words; empty: nothing."""
        missing: list[str] = []
        if visit.kind in INSPECTS_EVERY_DEVICE:
            progress = self.progress(visit)
            remaining = progress.remaining
            if remaining:
                names = ", ".join(_device(a) for a in remaining[:5])
                more = (
                    _(" and {count} more").format(count=len(remaining) - 5)
                    if len(remaining) > 5
                    else ""
                )
                missing.append(
                    _("{count} of {total} devices not inspected ({names}{more})").format(
                        count=len(remaining), total=len(progress.devices), names=names, more=more
                    )
                )
        drafts = [i for i in self.inspections_of(visit) if i.state is InspectionState.DRAFT]
        for draft in drafts:
            asset = self.store.assets.get(draft.asset_id)
            missing.append(
                _("the inspection of {device} is a draft").format(
                    device=_device(asset) if asset else draft.asset_id
                )
            )
        if self.config.survey.asked_on(visit.kind):
            unanswered = self.config.survey.unanswered(visit.survey)
            if unanswered:
                missing.append(
                    _("the customer's survey: {count} question(s) unanswered").format(
                        count=len(unanswered)
                    )
                )
        if visit.kind is VisitKind.FAULT_CALL_OUT and visit.fault_id:
            fault = self.store.faults.get(visit.site_id, visit.fault_id)
            if fault is not None:
                lacking = [n for n in ("cause", "result") if not getattr(fault, n).strip()]
                if len(lacking) == 2:
                    missing.append(_("the fault it answers has no cause or result"))
                elif lacking == ["cause"]:
                    missing.append(_("the fault it answers has no cause"))
                elif lacking:
                    missing.append(_("the fault it answers has no result"))
        for fault in self.faults_of(visit):
            if not fault.symptom.strip():
                missing.append(
                    _("a fault reported {time} has no symptom").format(
                        time=f"{fault.reported_at:%H:%M}"
                    )
                )
        return missing

    def complete(self, visit: Visit, *, anyway: str = "") -> Visit:
        """End the visit. Anything missing refuses, unless the engineer says why (``anyway``),
        which the record then shows next to what was not done."""
        missing = self.missing(visit)
        if missing and not anyway.strip():
            raise VisitIncomplete(missing)
        now = self.clock()
        visit.device_ids = [a.id for a in self.progress(visit).devices]
        visit.not_done = [f"{m}: {anyway.strip()}" for m in missing]
        visit.completed_at = now
        if visit.ended_at is None:
            visit.ended_at = max(now, visit.started_at, key=lambda t: t.timestamp())
        return self.visits.save(visit)

    def reopen(self, visit: Visit) -> Visit:
        """Undo a completion before the customer signed (something was forgotten)."""
        visit.completed_at = None
        visit.device_ids = []
        visit.not_done = []
        visit.ended_at = None
        return self.visits.save(visit)

    def signer(self, visit: Visit) -> str:
        """Who signs for the customer by default: the site's sign-off contact."""
        site = self.store.sites.get(visit.site_id)
        contacts = site.contacts if site else []
        chosen = next((c for c in contacts if c.signs_off), None)
        return chosen.name if chosen else ""

    def sign(self, visit: Visit, representative: str, at: datetime | None = None) -> Visit:
        if visit.completed_at is None:
            raise AssetTrackError(_("complete the visit before the customer signs it"))
        return self.visits.sign(visit, representative, at)

    # -- amendments and removal ---------------------------------------------------------------

    def amendments_of(self, visit: Visit) -> list[Visit]:
        first = visit.started_at.date().replace(day=1)
        found = [
            v
            for v in self.store.visits.for_site(visit.site_id, start=first)
            if v.amends == visit.id
        ]
        return sorted(found, key=lambda v: v.revision)

    def amend(self, visit: Visit, reason: str) -> Visit:
        """A correction of a signed visit: a new visit that copies it and amends it, to be
        signed again. The signed original is kept unchanged."""
        if visit.sign_off is None:
            raise AssetTrackError(_("this visit is not signed yet: change it directly"))
        if not reason.strip():
            raise AssetTrackError(_("say what the amendment corrects"))
        for existing in self.amendments_of(visit):
            if existing.sign_off is None:
                return existing  # one correction at a time: go on with the open one
        amendment = dataclasses.replace(
            visit,
            id=new_id(),
            revision=0,
            sign_off=None,
            completed_at=None,
            device_ids=[],
            not_done=[],
            amends=visit.id,
            amendment_reason=reason.strip(),
            engineer=self.engineer or visit.engineer,
            hazards_found=list(visit.hazards_found),
            hazards_removed=list(visit.hazards_removed),
            parameter_changes=[dataclasses.replace(c) for c in visit.parameter_changes],
            firmware_upgrades=[dataclasses.replace(u) for u in visit.firmware_upgrades],
            survey=[dataclasses.replace(a) for a in visit.survey],
            checks=list(visit.checks),
            feedback=dict(visit.feedback),
        )
        return self.store.visits.save(amendment)

    def amend_inspection(self, amendment: Visit, inspection: Inspection) -> Inspection:
        """A draft copy of a signed visit's record, to correct within its amendment."""
        if amendment.amends is None or amendment.sign_off is not None:
            raise AssetTrackError(_("records are corrected within an unsigned amendment"))
        for record in self.visits.inspections_of(amendment):
            if record.amends == inspection.id:
                return record
        copy = dataclasses.replace(
            inspection,
            id=new_id(),
            revision=0,
            visit_id=amendment.id,
            state=InspectionState.DRAFT,
            sign_off=None,
            completed_at=None,
            amends=inspection.id,
            items=[dataclasses.replace(i) for i in inspection.items],
            parameter_changes=[dataclasses.replace(c) for c in inspection.parameter_changes],
            hazards_found=list(inspection.hazards_found),
            hazards_removed=list(inspection.hazards_removed),
            flags=list(inspection.flags),
            reads=list(inspection.reads),
            readings=dict(inspection.readings),
        )
        return self.store.inspections.save(copy)

    def remove(self, visit: Visit) -> None:
        """Remove a visit started by mistake; one that holds anything is kept."""
        stored = self.store.visits.get(visit.site_id, visit.id) or visit
        if stored.sign_off is not None:
            raise AssetTrackError(_("a signed visit is the customer's record and is kept"))
        if not self.is_empty(stored):
            raise AssetTrackError(
                _(
                    "this visit holds records (inspections, faults, hazards, changes "
                    "or answers) and is kept: correct it instead"
                )
            )
        self.store.visits.delete(stored)


def _device(asset: Asset) -> str:
    return asset.hostname or f"{asset.model} {asset.serial_number}".strip()
