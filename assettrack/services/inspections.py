"""Inspections (maintenance records): start or resume a draft, answer items, take device
readings, complete, sign. Every change is saved at once, so nothing is lost to a crash."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime

from assettrack.domain.checklist import ChecklistItem, ItemKind, Proposal, judge_number
from assettrack.domain.codec import to_doc
from assettrack.domain.console_reads import READ_OK, add_read
from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.models import (
    Asset,
    ChecklistResult,
    Inspection,
    InspectionState,
    ItemResult,
    ParameterChange,
    ReadAttempt,
    SignOff,
)
from assettrack.domain.readings import Readings
from assettrack.domain.seal import seal
from assettrack.errors import AssetTrackError
from assettrack.i18n import _
from assettrack.i18n.terms import INSPECTION_STATES, term
from assettrack.plugins.extensions import Extensions
from assettrack.services import record_texts
from assettrack.services.config_capture import (
    NOT_SAVED,
    NOT_SAVED_FLAG,
    ConfigRead,
    previous_with_configuration,
    snapshot,
)
from assettrack.services.open_visit import open_visit
from assettrack.services.record_texts import (
    FILLED_FROM,
    FIRMWARE_CHANGED,
    FIRMWARE_NEW,
    NEWLY_DOWN,
    SERIAL_MISMATCH,
    STILL_DOWN,
)
from assettrack.store.store import Store

MANUAL = ""  # filled_from of an answer the engineer gave
# What a read writes into the record, in English (``record_texts.record_text`` shows it translated).
INTERFACES_ITEM = "interfaces"


def newly_down_proposal(down_now: list[str], down_before: list[str]) -> Proposal:
    """Unused ports are down at every visit; only a port that was up last time is news."""
    new = [name for name in down_now if name not in set(down_before)]
    if new:
        return Proposal(ItemResult.FAIL, str(len(new)), NEWLY_DOWN.format(ports=", ".join(new[:8])))
    note = STILL_DOWN.format(count=len(down_now)) if down_now else ""
    return Proposal(ItemResult.PASS, "0", note)


def serial_mismatch(asset: Asset, readings: Readings) -> str | None:
    read = (readings.serial_number or "").strip()
    if read and read.casefold() != asset.serial_number.strip().casefold():
        return SERIAL_MISMATCH.format(read=read, registered=asset.serial_number)
    return None


# A firmware read that differs from the register is news (an upgrade, or a swapped unit):
# it is proposed as a parameter change, and the register changes only when accepted.
FIRMWARE = "firmware"
FIRMWARE_PROPOSED = record_texts.FIRMWARE_PROPOSED
FIRMWARE_ACCEPTED = record_texts.FIRMWARE_ACCEPTED
FIRMWARE_FLAGS = ("firmware changed", "firmware not in the register")


def _versions(text: str) -> set[str]:
    """The words of a firmware string that carry a number: "IOS-XE 17.9.4a" -> {"17.9.4a"}."""
    return {w.strip(",;") for w in text.casefold().split() if any(c.isdigit() for c in w)}


def firmware_change(asset: Asset, readings: Readings) -> tuple[ParameterChange, str] | None:
    """The change a read proposes for the register's firmware, and its flag (None: same).
    The same version written another way ("17.9.4a", "IOS-XE 17.9.4a") is no change."""
    read = (readings.os_version or "").strip()
    recorded = asset.firmware.strip()
    same_version = bool(_versions(read)) and _versions(read) == _versions(recorded)
    if not read or read.casefold() == recorded.casefold() or same_version:
        return None
    change = ParameterChange(FIRMWARE, recorded, read, FIRMWARE_PROPOSED)
    if not recorded:
        return change, FIRMWARE_NEW.format(read=read)
    return change, FIRMWARE_CHANGED.format(read=read, registered=recorded)


class InspectionService:
    def __init__(
        self,
        store: Store,
        extensions: Extensions,
        engineer: str = "",
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.store = store
        self.extensions = extensions
        self.engineer = engineer
        self.clock = clock

    def checklist(self, asset: Asset) -> dict[str, ChecklistItem]:
        return {item.id: item for item in self.extensions.checklist_for(asset)}

    def draft_for(self, asset: Asset) -> Inspection | None:
        drafts = [
            r
            for r in self.store.inspections.for_asset(asset.site_id, asset.id)
            if r.state is InspectionState.DRAFT
        ]
        return max(drafts, key=lambda r: r.created_at) if drafts else None

    def history(self, asset: Asset) -> list[Inspection]:
        records = self.store.inspections.for_asset(asset.site_id, asset.id)
        return sorted(records, key=lambda r: r.created_at, reverse=True)

    def start(self, asset: Asset, visit_id: str | None = None) -> Inspection:
        """Resume the asset's draft if there is one, else start a new one from its checklist.
        Without a visit named, the site's open visit (if any) takes the inspection."""
        now = self.clock()  # one reading: the open visit's and the new record's time agree
        if visit_id is None:
            running = open_visit(self.store, asset.site_id, now)
            visit_id = running.id if running else None
        draft = self.draft_for(asset)
        if draft is not None:
            if draft.visit_id is None and visit_id is not None:
                draft.visit_id = visit_id  # a draft begun before the visit joins it
                self.store.inspections.save(draft)
            return self._add_new_items(draft, asset)
        inspection = Inspection(
            site_id=asset.site_id,
            asset_id=asset.id,
            created_at=now,
            visit_id=visit_id,
            engineer=self.engineer,
            items=[
                ChecklistResult(i.id, i.label, unit=i.unit) for i in self.checklist(asset).values()
            ],
        )
        return self.store.inspections.save(inspection)

    def _add_new_items(self, draft: Inspection, asset: Asset) -> Inspection:
        # A plugin installed since the draft began may contribute items: add them, keep answers.
        known = {r.item_id for r in draft.items}
        new = [i for i in self.checklist(asset).values() if i.id not in known]
        if not new:
            return draft
        draft.items.extend(ChecklistResult(i.id, i.label, unit=i.unit) for i in new)
        return self.store.inspections.save(draft)

    def answer(
        self,
        inspection: Inspection,
        asset: Asset,
        item_id: str,
        *,
        result: ItemResult | None = None,
        value: str | None = None,
        note: str | None = None,
    ) -> Inspection:
        """Record the engineer's answer for one item and save the draft at once."""
        self._require_editable(inspection)
        entry = next((r for r in inspection.items if r.item_id == item_id), None)
        if entry is None:
            raise AssetTrackError(
                _("item {item_id} is not on this checklist").format(item_id=repr(item_id))
            )
        item = self.checklist(asset).get(item_id)
        if value is not None:
            value = value.strip()
            judged = self._judge_value(item, item_id, value) if item else None
            entry.value = value
            if result is None and judged is not None:
                result = judged
        if result is not None:
            entry.result = result
            entry.filled_from = MANUAL
        if note is not None:
            entry.note = note.strip()
        return self.store.inspections.save(inspection)

    @staticmethod
    def _judge_value(item: ChecklistItem, item_id: str, value: str) -> ItemResult | None:
        if not value:
            return None
        if item.kind is ItemKind.NUMBER:
            try:
                number = float(value.replace(",", "."))
            except ValueError:
                raise ValidationError(
                    [
                        FieldProblem(
                            item_id,
                            value,
                            _("is not a number ({unit})").format(unit=item.unit or _("no unit")),
                        )
                    ],
                    what=_("answer"),
                ) from None
            return judge_number(item, number)
        if item.kind is ItemKind.CHOICE:
            if value not in item.choices:
                raise ValidationError(
                    [
                        FieldProblem(
                            item_id,
                            value,
                            _("must be one of {names}").format(names=", ".join(item.choices)),
                        )
                    ],
                    what=_("answer"),
                )
            return ItemResult.PASS if value in item.passing else ItemResult.FAIL
        return None

    def apply_readings(
        self,
        inspection: Inspection,
        asset: Asset,
        readings: Readings,
        transcript: str,
        driver: str = "",
        port: str = "",
        configuration: ConfigRead | None = None,
        plugin_failures: Sequence[str] = (),
    ) -> Inspection:
        """Store the device's readings and transcript (and the configuration it printed,
        secrets masked, with its diff against the last record); fill items left open.

        A proposal may carry a value with no verdict (``Proposal.result`` None): the item
        keeps the value and stays unanswered for the engineer. Plugin failures of the read
        (``plugin_failures``) and of filling the checklist are kept with the read."""
        self._require_editable(inspection)
        failures_mark = self.extensions.host.mark()
        inspection.readings = to_doc(readings)
        now = self.clock()
        attempt = ReadAttempt(now, driver, port, True, READ_OK, transcript)
        add_read(inspection, attempt)
        if configuration is not None:
            self._keep_configuration(inspection, asset, configuration, now)
        inspection.driver = driver
        mismatch = serial_mismatch(asset, readings)
        inspection.flags = [f for f in inspection.flags if not f.startswith("serial number")]
        if mismatch:
            inspection.flags.append(mismatch)
        self._propose_firmware(inspection, asset, readings)
        items = self.checklist(asset)
        open_items = [
            items[r.item_id]
            for r in inspection.items
            if r.item_id in items and (r.result is None or r.filled_from != MANUAL)
        ]
        proposals = self.extensions.propose(open_items, readings, asset)
        if INTERFACES_ITEM in proposals and readings.interfaces_down is not None:
            baseline = self._interfaces_down_before(asset, inspection)
            if baseline is not None:
                proposals[INTERFACES_ITEM] = (
                    "history",
                    newly_down_proposal(readings.interfaces_down, baseline),
                )
        for entry in inspection.items:
            if entry.item_id in proposals:
                plugin, proposal = proposals[entry.item_id]
                entry.result = proposal.result
                entry.value = proposal.value
                entry.note = proposal.note
                entry.filled_from = FILLED_FROM.format(plugin=plugin)
            elif entry.filled_from != MANUAL:
                # Filled by an earlier read that this one does not confirm: open it again.
                entry.result, entry.value, entry.note, entry.filled_from = None, "", "", MANUAL
        attempt.plugin_failures = _joined(
            plugin_failures,
            [str(f) for f in self.extensions.host.failures_since(failures_mark)],
        )
        return self.store.inspections.save(inspection)

    def _keep_configuration(
        self, inspection: Inspection, asset: Asset, read: ConfigRead, now: datetime
    ) -> None:
        # A read that captured none keeps the one before: only a new capture replaces it.
        previous = previous_with_configuration(self.history(asset), inspection)
        inspection.configuration = snapshot(read, now, previous)
        inspection.flags = [f for f in inspection.flags if not f.startswith(NOT_SAVED)]
        if read.saved is False:
            inspection.flags.append(NOT_SAVED_FLAG)

    def record_failed_read(
        self,
        inspection: Inspection,
        error: str,
        transcript: str,
        driver: str = "",
        port: str = "",
        plugin_failures: Sequence[str] = (),
    ) -> Inspection:
        """Keep a failed read with its transcript beside the earlier reads; the record's
        readings and its good transcript stay as they were."""
        self._require_editable(inspection)
        attempt = ReadAttempt(self.clock(), driver, port, False, error, transcript)
        attempt.plugin_failures = list(plugin_failures)
        add_read(inspection, attempt)
        return self.store.inspections.save(inspection)

    def _interfaces_down_before(self, asset: Asset, current: Inspection) -> list[str] | None:
        """Interfaces down at the asset's last finished inspection (None: no such record)."""
        earlier = [
            r
            for r in self.history(asset)
            if r.id != current.id
            and r.state is not InspectionState.DRAFT
            and (r.readings or {}).get("interfaces_down") is not None
        ]
        return list(earlier[0].readings["interfaces_down"]) if earlier else None

    def complete(self, inspection: Inspection, asset: Asset) -> Inspection:
        self._require_editable(inspection)
        unanswered = [r for r in inspection.items if r.result is None]
        if unanswered:
            raise ValidationError(
                [FieldProblem(r.item_id, r.label, _("has no result yet")) for r in unanswered],
                what=_("inspection (answer every item, n/a where it does not apply)"),
            )
        inspection.state = InspectionState.COMPLETE
        inspection.completed_at = self.clock()
        self.store.inspections.save(inspection)
        self._record_on_asset(inspection, asset)
        self.extensions.inspection_completed(inspection, asset)
        return inspection

    def sign(self, inspection: Inspection, asset: Asset, representative: str) -> Inspection:
        if inspection.state is not InspectionState.COMPLETE:
            raise AssetTrackError(_("only a completed inspection can be signed off"))
        self._require_visit_unsigned(inspection)
        if not representative.strip():
            raise ValidationError(
                [FieldProblem("representative", representative, _("is required"))],
                what=_("sign-off"),
            )
        inspection.sign_off = SignOff(representative.strip(), self.clock())
        inspection.state = InspectionState.SIGNED
        seal(inspection)
        self.store.inspections.save(inspection)
        self.extensions.inspection_signed(inspection, asset)
        return inspection

    def _record_on_asset(self, inspection: Inspection, asset: Asset) -> None:
        # Not the firmware: a read never changes it, only accept_firmware does.
        fresh = self.store.assets.get(asset.id) or asset
        self.store.assets.save(
            dataclasses.replace(fresh, last_inspection=inspection.created_at.date())
        )

    # -- a firmware change read from the device ---------------------------------------------

    def _propose_firmware(self, inspection: Inspection, asset: Asset, readings: Readings) -> None:
        # Each read replaces the proposal of the one before; an accepted change stays.
        inspection.flags = [f for f in inspection.flags if not f.startswith(FIRMWARE_FLAGS)]
        inspection.parameter_changes = [
            c for c in inspection.parameter_changes if not _proposed_firmware(c)
        ]
        found = firmware_change(asset, readings)
        if found:
            change, flag = found
            inspection.parameter_changes.append(change)
            inspection.flags.append(flag)

    @staticmethod
    def pending_firmware(inspection: Inspection) -> ParameterChange | None:
        """The firmware change read from the device and not accepted yet (None: none)."""
        return next((c for c in inspection.parameter_changes if _proposed_firmware(c)), None)

    def accept_firmware(self, inspection: Inspection, asset: Asset) -> Asset:
        """The engineer confirms the firmware read: the register takes it, the record says so."""
        self._require_editable(inspection)
        change = self.pending_firmware(inspection)
        if change is None:
            raise AssetTrackError(_("no firmware change to accept: the read matches the register"))
        fresh = self.store.assets.get(asset.id) or asset
        saved = self.store.assets.save(dataclasses.replace(fresh, firmware=change.new_value))
        change.old_value = fresh.firmware
        change.reason = " by ".join(filter(None, (FIRMWARE_ACCEPTED, self.engineer)))
        inspection.flags = [f for f in inspection.flags if not f.startswith(FIRMWARE_FLAGS)]
        self.store.inspections.save(inspection)
        return saved

    # -- discarding a draft -----------------------------------------------------------------

    def discard_draft(self, inspection: Inspection) -> None:
        """Remove a draft nobody needs. It leaves a tombstone, so a merge removes it on the
        other laptops too. A completed or signed record is never removed."""
        stored = self.store.inspections.get(inspection.site_id, inspection.id)
        for record in (inspection, stored):
            if record is not None and record.state is not InspectionState.DRAFT:
                raise AssetTrackError(
                    _("this inspection is {state}: only a draft can be discarded").format(
                        state=term(INSPECTION_STATES, record.state.value)
                    )
                )
        if stored is not None:
            self.store.inspections.delete(stored)

    def _require_editable(self, inspection: Inspection) -> None:
        if inspection.state is not InspectionState.DRAFT:
            raise AssetTrackError(
                _("this inspection is {state} and can no longer change").format(
                    state=term(INSPECTION_STATES, inspection.state.value)
                )
            )
        self._require_visit_unsigned(inspection)

    def _require_visit_unsigned(self, inspection: Inspection) -> None:
        # The customer signed the visit with its records as they were: they stay so.
        visit = (
            self.store.visits.get(inspection.site_id, inspection.visit_id)
            if inspection.visit_id
            else None
        )
        if visit is not None and visit.sign_off is not None:
            raise AssetTrackError(
                _(
                    "this inspection belongs to a visit signed by {representative} on "
                    "{signed_at} and can no longer change"
                ).format(
                    representative=visit.sign_off.representative,
                    signed_at=f"{visit.sign_off.signed_at:%Y-%m-%d %H:%M}",
                )
            )


def _joined(*groups: Sequence[str]) -> list[str]:
    """The lines of every group, each once, in order."""
    return list(dict.fromkeys(line for group in groups for line in group))


def _proposed_firmware(change: ParameterChange) -> bool:
    return change.parameter == FIRMWARE and change.reason == FIRMWARE_PROPOSED
