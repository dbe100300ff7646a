"""Reports: the visit report (the maintenance record form the customer signs) and the monthly
service summary of a site. Built as ``report_render.Report`` and rendered to md/html/pdf.

A report speaks its own language (``language``: the ``[reports] language`` setting), which
may differ from the screens': a customer may want Chinese while the engineer reads English.
Its headings are the commitment's (维修保养记录单, 故障现象, 故障原因, 处理结果, 客户签字).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from assettrack.domain.charges import Charge
from assettrack.domain.faults import EXCLUSION_LABELS
from assettrack.domain.models import Fault, Inspection, Visit, VisitKind
from assettrack.domain.visits import month_end
from assettrack.i18n import N_, _, current_language, pgettext, using
from assettrack.i18n.formats import format_date, format_datetime, format_money, format_month
from assettrack.i18n.terms import (
    COMPLIANCE,
    INSPECTION_STATES,
    ITEM_RESULTS,
    REPORTED_VIA,
    SLA,
    SLA_TARGETS,
    survey_scale,
    term,
)
from assettrack.services.attachments import AttachmentService, evidence_blocks
from assettrack.services.config_capture import configuration_blocks
from assettrack.services.faults import FaultService
from assettrack.services.inspections import FIRMWARE
from assettrack.services.record_texts import record_text
from assettrack.services.report_render import (
    Block,
    Fields,
    Paragraph,
    Report,
    Section,
    Signatures,
    Table,
)
from assettrack.services.seals import seal_state, short
from assettrack.services.service_common import find_site
from assettrack.services.service_config import ServiceConfig
from assettrack.services.visit_record import VisitRecordService
from assettrack.services.visits import VisitService
from assettrack.store.store import Store

KIND_LABELS = {
    "scheduled": N_("scheduled on-site visit"),
    "follow_up": N_("on-site follow-up"),
    "phone_follow_up": N_("phone follow-up"),
    "fault_call_out": N_("fault call-out"),
}
CHARGE_KINDS = {
    "labour": N_("labour"),
    "parts": N_("parts"),
    "travel": N_("travel"),
    "other": N_("other"),
}


def _t(value: datetime | date | None) -> str:
    """A date or time as the report's language writes it: ``2026-12-01 09:30`` (with its
    zone, when it has one) in English, ``2026年12月1日 09:30`` in Chinese."""
    if value is None:
        return ""
    if current_language() != "en":
        return format_datetime(value) if isinstance(value, datetime) else format_date(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return value.isoformat()


def _duration(visit: Visit) -> str:
    if visit.ended_at is None:
        return ""
    from assettrack.domain.faults import elapsed

    minutes = int(elapsed(visit.started_at, visit.ended_at).total_seconds() // 60)
    return _("{hours} h {minutes:02d} min").format(hours=minutes // 60, minutes=minutes % 60)


def _lines(items: list[str]) -> str:
    return "\n".join(f"- {i}" for i in items) if items else _("none")


class ReportService:
    def __init__(
        self,
        store: Store,
        config: ServiceConfig,
        clock: Callable[[], datetime] = datetime.now,
        *,
        language: str | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.clock = clock
        # The reports' own language (None: the interface's).
        self.language = language
        self.visits = VisitService(store, config, clock=clock)
        self.faults = FaultService(store, config, clock=clock)
        self.record = VisitRecordService(store, config, clock=clock)
        self.attachments = AttachmentService(store, clock=clock)

    # -- the visit report ------------------------------------------------------------------

    def visit_report(self, visit_ref: str) -> Report:
        return self.visit_record_report(self.visits.find(visit_ref))

    def visit_record_report(self, visit: Visit) -> Report:
        with using(self.language) as language:
            report = self._visit_record_report(visit)
        report.language = language
        return report

    def _visit_record_report(self, visit: Visit) -> Report:
        site = self.record.site_of(visit)
        inspections = self.record.inspections_of(visit)
        progress = self.record.progress(visit)
        title = _("Maintenance record (amendment)") if visit.amends else _("Maintenance record")
        report = Report(
            title,
            f"{site.customer} · {site.name} · {_t(visit.started_at)} · "
            + _("visit {id}").format(id=visit.id[:8]),
        )
        devices = _("{inspected} of {devices} in service").format(
            inspected=progress.inspected, devices=len(progress.devices)
        )
        fields = [
            (_("Customer"), site.customer),
            (_("Site"), site.name),
            (_("Address"), site.address),
            (_("Kind"), _(KIND_LABELS.get(visit.kind.value, visit.kind.value))),
            (_("Engineer"), visit.engineer),
            (_("Started"), _t(visit.started_at)),
            (_("Ended"), _t(visit.ended_at)),
            (_("Duration"), _duration(visit)),
            (_("Devices inspected"), devices),
        ]
        if visit.amends:
            fields.append((_("Amends"), self._amended(visit)))
            fields.append((_("Correction"), visit.amendment_reason))
        report.sections.append(Section(_("Visit"), [Fields(tuple(fields))]))
        checks: list[Block] = [Paragraph(_lines(visit.checks))] if visit.checks else []
        checks.append(
            Table(
                (_("Asset"), _("Serial"), _("Firmware"), _("State"), _("Failed items")),
                tuple(self._inspection_row(i) for i in inspections),
                empty=_("No devices inspected on this visit."),
            )
        )
        if progress.remaining and visit.kind is not VisitKind.PHONE_FOLLOW_UP:
            checks.append(
                Paragraph(
                    _("Not inspected: {devices}").format(
                        devices=", ".join(self._asset_label(a.id)[0] for a in progress.remaining)
                    )
                )
            )
        report.sections.append(Section(_("Checks and inspections"), checks))
        for inspection in inspections:
            report.sections.append(self._inspection_section(inspection))
        found, removed = self.record.hazards(visit)
        report.sections.append(
            Section(
                _("Hazards"),
                [
                    Table((_("Hazard found"),), tuple((h,) for h in found), empty=_("None found.")),
                    Table(
                        (_("Hazard removed"),),
                        tuple((h,) for h in removed),
                        empty=_("None removed."),
                    ),
                ],
            )
        )
        changes = self.record.parameter_changes(visit)
        upgrades = self.record.firmware_upgrades(visit)
        report.sections.append(
            Section(
                _("Parameter changes and firmware upgrades"),
                [
                    Table(
                        (_("Device"), _("Parameter"), _("From"), _("To"), _("Why")),
                        tuple(
                            (
                                self._asset_label(c.asset_id)[0] if c.asset_id else "",
                                c.parameter,
                                c.old_value,
                                c.new_value,
                                record_text(c.reason),
                            )
                            for c in changes
                        ),
                        empty=_("No parameters changed."),
                    ),
                    Table(
                        (_("Device"), _("Firmware from"), _("To"), _("Why")),
                        tuple(
                            (self._asset_label(u.asset_id)[0], u.old, u.new, record_text(u.reason))
                            for u in upgrades
                        ),
                        empty=_("No firmware upgraded."),
                    ),
                ],
            )
        )
        for fault in self.record.faults_of(visit):
            report.sections.append(self._fault_section(fault))
        report.sections.append(self._feedback_section(visit))
        evidence = self._evidence("visit", visit.id)
        if evidence:
            report.sections.append(Section(_("Photos and documents"), evidence))
        if visit.not_done:
            report.sections.append(
                Section(_("Not done, as completed"), [Paragraph(_lines(visit.not_done))])
            )
        if visit.notes:
            report.sections.append(Section(_("Notes"), [Paragraph(visit.notes)]))
        signed = visit.sign_off
        report.sections.append(
            Section(
                _("Sign-off"),
                [
                    Signatures(
                        (
                            (_("Engineer"), visit.engineer, _t(visit.ended_at or visit.started_at)),
                            (
                                _("Customer representative"),
                                signed.representative if signed else "",
                                _t(signed.signed_at) if signed else "",
                            ),
                        )
                    ),
                    *self._seal(visit),
                ],
            )
        )
        return report

    def _seal(self, visit: Visit) -> list[Block]:
        """The seal taken at signing and the commit that holds it: a customer's copy is
        checked later with ``assettrack verify --seal``."""
        line = seal_state(self.store, "visits", visit).line()
        if not line:
            return []
        check = f"assettrack verify --seal {short(line.split()[1])}"
        return [Paragraph(_("{seal}. To check this copy: {check}").format(seal=line, check=check))]

    def _amended(self, visit: Visit) -> str:
        original = self.store.visits.get(visit.site_id, visit.amends or "")
        if original is None or original.sign_off is None:
            return _("visit {id}").format(id=(visit.amends or "")[:8])
        return _("visit {id}, signed by {name} on {moment} (kept unchanged)").format(
            id=original.id[:8],
            name=original.sign_off.representative,
            moment=_t(original.sign_off.signed_at),
        )

    def _feedback_section(self, visit: Visit) -> Section:
        survey = self.config.survey
        blocks: list[Block] = []
        if visit.survey or survey.asked_on(visit.kind):
            answers = {a.question_id: a for a in visit.survey}
            rows = [
                (
                    _(a.question),
                    "" if a.score is None else f"{a.score} / {survey.highest}",
                    a.comment,
                )
                for a in visit.survey
            ]
            rows += (
                [(_(q.text), "", "") for q in survey.questions if q.id not in answers]
                if survey.asked_on(visit.kind)
                else []
            )
            blocks.append(Paragraph(_("Scale: {scale}").format(scale=survey_scale(survey))))
            blocks.append(Table((_("Question"), _("Score"), _("Comment")), tuple(rows)))
        blocks.append(Paragraph(visit.customer_opinion or _("(no opinion recorded)")))
        if visit.feedback:
            blocks.append(
                Table(
                    (_("Question"), _("Answer")),
                    tuple((k, str(v)) for k, v in visit.feedback.items()),
                )
            )
        return Section(_("Customer's feedback"), blocks)

    def _asset_label(self, asset_id: str) -> tuple[str, str, str]:
        asset = self.store.assets.get(asset_id)
        if asset is None:
            return (asset_id[:8], "", "")
        name = " ".join(p for p in (asset.vendor, asset.model, asset.hostname) if p)
        return (name, asset.serial_number, asset.firmware)

    def _inspection_row(self, inspection: Inspection) -> tuple[str, ...]:
        name, serial, firmware = self._asset_label(inspection.asset_id)
        failed = [_(i.label) for i in inspection.items if i.result and i.result.value == "fail"]
        state = term(INSPECTION_STATES, inspection.state.value)
        return (name, serial, firmware, state, "; ".join(failed) or _("none"))

    def _inspection_section(self, inspection: Inspection) -> Section:
        name, serial, _firmware = self._asset_label(inspection.asset_id)
        blocks: list = [
            Table(
                (_("Item"), _("Result"), _("Value"), _("Note")),
                tuple(
                    (
                        _(item.label),
                        term(ITEM_RESULTS, item.result.value) if item.result else "",
                        f"{item.value} {item.unit}".strip(),
                        record_text(item.note),
                    )
                    for item in inspection.items
                ),
                empty=_("No checklist items."),
            )
        ]
        if inspection.parameter_changes:
            blocks.append(
                Table(
                    (_("Parameter"), _("Old"), _("New"), _("Reason")),
                    tuple(
                        (
                            _(c.parameter) if c.parameter == FIRMWARE else c.parameter,
                            c.old_value,
                            c.new_value,
                            record_text(c.reason),
                        )
                        for c in inspection.parameter_changes
                    ),
                )
            )
        # Parameter changes found: the configuration's diff against the last inspection.
        blocks += configuration_blocks(inspection)
        if inspection.flags:
            # What the engineer was asked to look at (a serial or firmware that differs).
            blocks.append(Paragraph(_lines([record_text(f) for f in inspection.flags])))
        if inspection.notes:
            blocks.append(Paragraph(inspection.notes))
        blocks += self._evidence("inspection", inspection.id)
        return Section(
            _("Maintenance record: {device} ({serial})").format(device=name, serial=serial), blocks
        )

    def _fault_section(self, fault: Fault) -> Section:
        sla = self.faults.sla(fault, self.clock())
        exclusion = _(EXCLUSION_LABELS.get(fault.warranty_exclusion, fault.warranty_exclusion))
        warranty = {
            True: _("covered"),
            False: _("not covered: {reason}").format(reason=exclusion),
            None: _("not decided"),
        }
        targets = ", ".join(
            f"{term(SLA_TARGETS, c.target)} {term(SLA, c.status.value)}" for c in sla.checks
        )
        rows = [
            (
                _("Severity"),
                _("{level} ({name})").format(level=fault.severity, name=_(sla.level.name)),
            ),
            (
                _("Reported"),
                _("{moment} by {via}").format(
                    moment=_t(fault.reported_at), via=term(REPORTED_VIA, fault.reported_via.value)
                ),
            ),
            (_("Responded"), _t(fault.responded_at)),
            (_("On site"), _t(fault.on_site_at)),
            (_("Resolved"), _t(fault.resolved_at)),
            (_("Response targets"), targets),
            (_("Symptom"), fault.symptom),
            (_("Cause"), fault.cause),
            (_("Diagnosis"), fault.diagnosis),
            (_("Resolution"), fault.resolution),
            (pgettext("fault", "Result"), fault.result),
            (_("Spare parts"), ", ".join(fault.spare_parts)),
            (_("Manufacturer RMA"), fault.escalation_rma),
            (_("Loaner unit"), fault.loaner_serial),
            (_("Warranty"), warranty[fault.warranty_covered]),
        ]
        return Section(
            _("Fault"),
            [Fields(tuple((k, v) for k, v in rows if v)), *self._evidence("fault", fault.id)],
        )

    def _evidence(self, target: str, target_id: str) -> list[Block]:
        """Photos in the record, scaled, and the list of files: what settles a dispute."""
        return evidence_blocks(self.attachments, target, target_id)

    # -- the monthly summary ---------------------------------------------------------------

    def month_report(self, site_ref: str, month: date, today: date) -> Report:
        with using(self.language) as language:
            report = self._month_report(site_ref, month, today)
        report.language = language
        return report

    def _month_report(self, site_ref: str, month: date, today: date) -> Report:
        site = find_site(self.store, site_ref)
        first, last = month.replace(day=1), month_end(month.replace(day=1))
        report = Report(
            _("Monthly service summary {month}").format(month=format_month(first)),
            f"{site.customer} · {site.name}",
        )
        compliance = self.visits.compliance(site, first, today)
        report.sections.append(
            Section(
                _("Visit plan"),
                [
                    Table(
                        (_("Requirement"), _("Period"), _("Required"), _("Done"), _("Status")),
                        tuple(
                            (
                                _(r.label),
                                r.period,
                                str(r.required),
                                str(r.done),
                                term(COMPLIANCE, r.status.value),
                            )
                            for r in compliance.requirements
                        ),
                        empty=_("This site has no visit plan."),
                    )
                ],
            )
        )
        visits = self.visits.visits_for(site.id, first, last)
        report.sections.append(
            Section(
                _("Visits"),
                [
                    Table(
                        (
                            _("Date"),
                            _("Kind"),
                            _("Engineer"),
                            _("Hazards found"),
                            _("Removed"),
                            _("Signed by"),
                        ),
                        tuple(
                            (
                                _t(v.started_at),
                                _(KIND_LABELS.get(v.kind.value, v.kind.value)),
                                v.engineer,
                                "; ".join(v.hazards_found),
                                "; ".join(v.hazards_removed),
                                v.sign_off.representative if v.sign_off else "",
                            )
                            for v in visits
                        ),
                        empty=_("No visits this month."),
                    )
                ],
            )
        )
        faults = sorted(
            (
                f
                for f in self.store.faults.for_site(site.id, start=first)  # filed when recorded
                if first <= f.reported_at.date() <= last
            ),
            key=lambda f: f.reported_at.isoformat(),
        )
        now = self.clock()
        report.sections.append(
            Section(
                _("Faults"),
                [
                    Table(
                        (
                            _("Reported"),
                            _("Severity"),
                            _("Symptom"),
                            _("Response"),
                            _("On site"),
                            _("Resolved"),
                        ),
                        tuple(self._fault_row(f, now) for f in faults),
                        empty=_("No faults this month."),
                    )
                ],
            )
        )
        charges: list[Charge] = sorted(
            (
                c
                for c in self.store.charges.for_site(site.id, first, last)
                if first <= c.charged_on <= last
            ),
            key=lambda c: (c.charged_on, c.id),
        )
        contracts = {c.id: c for c in self.store.contracts.list()}
        report.sections.append(
            Section(
                _("Charges"),
                [
                    Table(
                        (_("Date"), _("Contract"), _("Kind"), _("Amount"), _("Description")),
                        tuple(
                            (
                                _t(c.charged_on),
                                contracts[c.contract_id].number
                                if c.contract_id in contracts
                                else c.contract_id[:8],
                                _(CHARGE_KINDS.get(c.kind.value, c.kind.value)),
                                f"{format_money(c.amount)} "
                                + (
                                    contracts[c.contract_id].currency
                                    if c.contract_id in contracts
                                    else ""
                                ),
                                c.description,
                            )
                            for c in charges
                        ),
                        empty=_("No charges this month."),
                    )
                ],
            )
        )
        found = sum(len(v.hazards_found) for v in visits)
        removed = sum(len(v.hazards_removed) for v in visits)
        report.sections.append(
            Section(
                _("Totals"),
                [
                    Fields(
                        (
                            (_("Visits"), str(len(visits))),
                            (_("Hazards found / removed"), f"{found} / {removed}"),
                            (_("Faults"), str(len(faults))),
                            (
                                _("Faults that missed a response target"),
                                str(sum(self.faults.sla(f, now).missed for f in faults)),
                            ),
                            (_("Visit plan met"), _("yes") if compliance.ok else _("no")),
                        )
                    )
                ],
            )
        )
        return report

    def _fault_row(self, fault: Fault, now: datetime) -> tuple[str, ...]:
        respond, on_site = self.faults.sla(fault, now).checks
        return (
            _t(fault.reported_at),
            str(fault.severity),
            fault.symptom,
            term(SLA, respond.status.value),
            term(SLA, on_site.status.value),
            _t(fault.resolved_at),
        )
