"""Reports: the visit report (the maintenance record form the customer signs) and the monthly
service summary of a site. Built as ``report_render.Report`` and rendered to md/html/pdf."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from assettrack.domain.charges import Charge
from assettrack.domain.faults import EXCLUSION_LABELS
from assettrack.domain.models import Fault, Inspection, Visit, VisitKind
from assettrack.domain.visits import month_end
from assettrack.services.attachments import AttachmentService, evidence_blocks
from assettrack.services.config_capture import configuration_blocks
from assettrack.services.faults import FaultService
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
    "scheduled": "scheduled on-site visit",
    "follow_up": "on-site follow-up",
    "phone_follow_up": "phone follow-up",
    "fault_call_out": "fault call-out",
}


def _t(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return value.isoformat()


def _duration(visit: Visit) -> str:
    if visit.ended_at is None:
        return ""
    from assettrack.domain.faults import elapsed

    minutes = int(elapsed(visit.started_at, visit.ended_at).total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _lines(items: list[str]) -> str:
    return "\n".join(f"- {i}" for i in items) if items else "none"


class ReportService:
    def __init__(
        self,
        store: Store,
        config: ServiceConfig,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.store = store
        self.config = config
        self.clock = clock
        self.visits = VisitService(store, config, clock=clock)
        self.faults = FaultService(store, config, clock=clock)
        self.record = VisitRecordService(store, config, clock=clock)
        self.attachments = AttachmentService(store, clock=clock)

    # -- the visit report ------------------------------------------------------------------

    def visit_report(self, visit_ref: str) -> Report:
        return self.visit_record_report(self.visits.find(visit_ref))

    def visit_record_report(self, visit: Visit) -> Report:
        site = self.record.site_of(visit)
        inspections = self.record.inspections_of(visit)
        progress = self.record.progress(visit)
        title = "Maintenance record" + (" (amendment)" if visit.amends else "")
        report = Report(
            title,
            f"{site.customer} · {site.name} · {_t(visit.started_at)} · visit {visit.id[:8]}",
        )
        fields = [
            ("Customer", site.customer),
            ("Site", site.name),
            ("Address", site.address),
            ("Kind", KIND_LABELS.get(visit.kind.value, visit.kind.value)),
            ("Engineer", visit.engineer),
            ("Started", _t(visit.started_at)),
            ("Ended", _t(visit.ended_at)),
            ("Duration", _duration(visit)),
            ("Devices inspected", f"{progress.inspected} of {len(progress.devices)} in service"),
        ]
        if visit.amends:
            fields.append(("Amends", self._amended(visit)))
            fields.append(("Correction", visit.amendment_reason))
        report.sections.append(Section("Visit", [Fields(tuple(fields))]))
        checks: list[Block] = [Paragraph(_lines(visit.checks))] if visit.checks else []
        checks.append(
            Table(
                ("Asset", "Serial", "Firmware", "State", "Failed items"),
                tuple(self._inspection_row(i) for i in inspections),
                empty="No devices inspected on this visit.",
            )
        )
        if progress.remaining and visit.kind is not VisitKind.PHONE_FOLLOW_UP:
            checks.append(
                Paragraph(
                    "Not inspected: "
                    + ", ".join(self._asset_label(a.id)[0] for a in progress.remaining)
                )
            )
        report.sections.append(Section("Checks and inspections", checks))
        for inspection in inspections:
            report.sections.append(self._inspection_section(inspection))
        found, removed = self.record.hazards(visit)
        report.sections.append(
            Section(
                "Hazards",
                [
                    Table(("Hazard found",), tuple((h,) for h in found), empty="None found."),
                    Table(("Hazard removed",), tuple((h,) for h in removed), empty="None removed."),
                ],
            )
        )
        changes = self.record.parameter_changes(visit)
        upgrades = self.record.firmware_upgrades(visit)
        report.sections.append(
            Section(
                "Parameter changes and firmware upgrades",
                [
                    Table(
                        ("Device", "Parameter", "From", "To", "Why"),
                        tuple(
                            (
                                self._asset_label(c.asset_id)[0] if c.asset_id else "",
                                c.parameter,
                                c.old_value,
                                c.new_value,
                                c.reason,
                            )
                            for c in changes
                        ),
                        empty="No parameters changed.",
                    ),
                    Table(
                        ("Device", "Firmware from", "To", "Why"),
                        tuple(
                            (self._asset_label(u.asset_id)[0], u.old, u.new, u.reason)
                            for u in upgrades
                        ),
                        empty="No firmware upgraded.",
                    ),
                ],
            )
        )
        for fault in self.record.faults_of(visit):
            report.sections.append(self._fault_section(fault))
        report.sections.append(self._feedback_section(visit))
        evidence = self._evidence("visit", visit.id)
        if evidence:
            report.sections.append(Section("Photos and documents", evidence))
        if visit.not_done:
            report.sections.append(
                Section("Not done, as completed", [Paragraph(_lines(visit.not_done))])
            )
        if visit.notes:
            report.sections.append(Section("Notes", [Paragraph(visit.notes)]))
        signed = visit.sign_off
        report.sections.append(
            Section(
                "Sign-off",
                [
                    Signatures(
                        (
                            ("Engineer", visit.engineer, _t(visit.ended_at or visit.started_at)),
                            (
                                "Customer representative",
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
        return [Paragraph(f"{line}. To check this copy: {check}")]

    def _amended(self, visit: Visit) -> str:
        original = self.store.visits.get(visit.site_id, visit.amends or "")
        if original is None or original.sign_off is None:
            return f"visit {(visit.amends or '')[:8]}"
        return (
            f"visit {original.id[:8]}, signed by {original.sign_off.representative} on "
            f"{_t(original.sign_off.signed_at)} (kept unchanged)"
        )

    def _feedback_section(self, visit: Visit) -> Section:
        survey = self.config.survey
        blocks: list[Block] = []
        if visit.survey or survey.asked_on(visit.kind):
            answers = {a.question_id: a for a in visit.survey}
            rows = [
                (a.question, "" if a.score is None else f"{a.score} / {survey.highest}", a.comment)
                for a in visit.survey
            ]
            rows += (
                [(q.text, "", "") for q in survey.questions if q.id not in answers]
                if survey.asked_on(visit.kind)
                else []
            )
            blocks.append(Paragraph(f"Scale: {survey.scale()}"))
            blocks.append(Table(("Question", "Score", "Comment"), tuple(rows)))
        blocks.append(Paragraph(visit.customer_opinion or "(no opinion recorded)"))
        if visit.feedback:
            blocks.append(
                Table(("Question", "Answer"), tuple((k, str(v)) for k, v in visit.feedback.items()))
            )
        return Section("Customer's feedback", blocks)

    def _asset_label(self, asset_id: str) -> tuple[str, str, str]:
        asset = self.store.assets.get(asset_id)
        if asset is None:
            return (asset_id[:8], "", "")
        name = " ".join(p for p in (asset.vendor, asset.model, asset.hostname) if p)
        return (name, asset.serial_number, asset.firmware)

    def _inspection_row(self, inspection: Inspection) -> tuple[str, ...]:
        name, serial, firmware = self._asset_label(inspection.asset_id)
        failed = [i.label for i in inspection.items if i.result and i.result.value == "fail"]
        return (name, serial, firmware, inspection.state.value, "; ".join(failed) or "none")

    def _inspection_section(self, inspection: Inspection) -> Section:
        name, serial, _ = self._asset_label(inspection.asset_id)
        blocks: list = [
            Table(
                ("Item", "Result", "Value", "Note"),
                tuple(
                    (
                        item.label,
                        item.result.value if item.result else "",
                        f"{item.value} {item.unit}".strip(),
                        item.note,
                    )
                    for item in inspection.items
                ),
                empty="No checklist items.",
            )
        ]
        if inspection.parameter_changes:
            blocks.append(
                Table(
                    ("Parameter", "Old", "New", "Reason"),
                    tuple(
                        (c.parameter, c.old_value, c.new_value, c.reason)
                        for c in inspection.parameter_changes
                    ),
                )
            )
        # Parameter changes found: the configuration's diff against the last inspection.
        blocks += configuration_blocks(inspection)
        if inspection.flags:
            # What the engineer was asked to look at (a serial or firmware that differs).
            blocks.append(Paragraph(_lines(inspection.flags)))
        if inspection.notes:
            blocks.append(Paragraph(inspection.notes))
        blocks += self._evidence("inspection", inspection.id)
        return Section(f"Maintenance record: {name} ({serial})", blocks)

    def _fault_section(self, fault: Fault) -> Section:
        sla = self.faults.sla(fault, self.clock())
        exclusion = EXCLUSION_LABELS.get(fault.warranty_exclusion, fault.warranty_exclusion)
        warranty = {True: "covered", False: f"not covered: {exclusion}", None: "not decided"}
        rows = [
            ("Severity", f"{fault.severity} ({sla.level.name})"),
            ("Reported", f"{_t(fault.reported_at)} by {fault.reported_via.value}"),
            ("Responded", _t(fault.responded_at)),
            ("On site", _t(fault.on_site_at)),
            ("Resolved", _t(fault.resolved_at)),
            ("Response targets", ", ".join(f"{c.target} {c.status.value}" for c in sla.checks)),
            ("Symptom", fault.symptom),
            ("Cause", fault.cause),
            ("Diagnosis", fault.diagnosis),
            ("Resolution", fault.resolution),
            ("Result", fault.result),
            ("Spare parts", ", ".join(fault.spare_parts)),
            ("Manufacturer RMA", fault.escalation_rma),
            ("Loaner unit", fault.loaner_serial),
            ("Warranty", warranty[fault.warranty_covered]),
        ]
        return Section(
            "Fault",
            [Fields(tuple((k, v) for k, v in rows if v)), *self._evidence("fault", fault.id)],
        )

    def _evidence(self, target: str, target_id: str) -> list[Block]:
        """Photos in the record, scaled, and the list of files: what settles a dispute."""
        return evidence_blocks(self.attachments, target, target_id)

    # -- the monthly summary ---------------------------------------------------------------

    def month_report(self, site_ref: str, month: date, today: date) -> Report:
        site = find_site(self.store, site_ref)
        first, last = month.replace(day=1), month_end(month.replace(day=1))
        report = Report(f"Monthly service summary {first:%Y-%m}", f"{site.customer} · {site.name}")
        compliance = self.visits.compliance(site, first, today)
        report.sections.append(
            Section(
                "Visit plan",
                [
                    Table(
                        ("Requirement", "Period", "Required", "Done", "Status"),
                        tuple(
                            (r.label, r.period, str(r.required), str(r.done), r.status.value)
                            for r in compliance.requirements
                        ),
                        empty="This site has no visit plan.",
                    )
                ],
            )
        )
        visits = self.visits.visits_for(site.id, first, last)
        report.sections.append(
            Section(
                "Visits",
                [
                    Table(
                        ("Date", "Kind", "Engineer", "Hazards found", "Removed", "Signed by"),
                        tuple(
                            (
                                _t(v.started_at),
                                KIND_LABELS.get(v.kind.value, v.kind.value),
                                v.engineer,
                                "; ".join(v.hazards_found),
                                "; ".join(v.hazards_removed),
                                v.sign_off.representative if v.sign_off else "",
                            )
                            for v in visits
                        ),
                        empty="No visits this month.",
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
                "Faults",
                [
                    Table(
                        ("Reported", "Severity", "Symptom", "Response", "On site", "Resolved"),
                        tuple(self._fault_row(f, now) for f in faults),
                        empty="No faults this month.",
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
                "Charges",
                [
                    Table(
                        ("Date", "Contract", "Kind", "Amount", "Description"),
                        tuple(
                            (
                                _t(c.charged_on),
                                contracts[c.contract_id].number
                                if c.contract_id in contracts
                                else c.contract_id[:8],
                                c.kind.value,
                                f"{c.amount} "
                                + (
                                    contracts[c.contract_id].currency
                                    if c.contract_id in contracts
                                    else ""
                                ),
                                c.description,
                            )
                            for c in charges
                        ),
                        empty="No charges this month.",
                    )
                ],
            )
        )
        found = sum(len(v.hazards_found) for v in visits)
        removed = sum(len(v.hazards_removed) for v in visits)
        report.sections.append(
            Section(
                "Totals",
                [
                    Fields(
                        (
                            ("Visits", str(len(visits))),
                            ("Hazards found / removed", f"{found} / {removed}"),
                            ("Faults", str(len(faults))),
                            (
                                "Faults that missed a response target",
                                str(sum(self.faults.sla(f, now).missed for f in faults)),
                            ),
                            ("Visit plan met", "yes" if compliance.ok else "no"),
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
            respond.status.value,
            on_site.status.value,
            _t(fault.resolved_at),
        )
