"""How the command line prints a fault: the plain record (JSON, CSV and table rows of
``faults``) and the page of ``fault show``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from assettrack.commands.common import minutes
from assettrack.domain.faults import (
    RESPONSE_TIMES,
    TIME_LABELS,
    SlaCheck,
    escalation_proposed,
    exclusion_label,
)
from assettrack.i18n import _

if TYPE_CHECKING:
    from assettrack.domain.known_problems import KnownProblem
    from assettrack.services.faults import FaultDetail, FaultView

WARRANTY = {True: "covered", False: "billable", None: ""}
CHECK_TIMES = {"respond": "responded_at", "on_site": "on_site_at", "resolve": "resolved_at"}


def _t(moment: datetime | None) -> str:
    return moment.isoformat(timespec="minutes") if moment else ""


def _target(check: SlaCheck) -> dict[str, Any]:
    return {
        "target": check.target,
        "within": minutes(check.within),
        "deadline": _t(check.deadline),
        "took": minutes(check.took),
        "status": check.status.value,
        "at_risk": check.at_risk,
    }


def fault_record(
    view: FaultView | FaultDetail, known: KnownProblem | None = None
) -> dict[str, Any]:
    """Every field of a fault, its targets and its known problem's title, as plain values."""
    fault, sla = view.fault, view.sla
    respond, on_site = sla.checks
    resolve = sla.resolution
    exclusion = fault.warranty_exclusion
    return {
        "id": fault.id,
        "site": view.site_name,
        "site_id": fault.site_id,
        "asset": view.asset.serial_number if view.asset else "",
        "asset_id": fault.asset_id or "",
        "severity": fault.severity,
        "level": sla.level.name,
        "via": fault.reported_via.value,
        "engineer": fault.engineer,
        "reported_at": _t(fault.reported_at),
        "responded_at": _t(fault.responded_at),
        "on_site_at": _t(fault.on_site_at),
        "resolved_at": _t(fault.resolved_at),
        "respond": respond.status.value,
        "responded_in": minutes(respond.took),
        "on_site": on_site.status.value,
        "on_site_in": minutes(on_site.took),
        "resolve": resolve.status.value,
        "resolved_in": minutes(resolve.took),
        "at_risk": [c.target for c in sla.all_checks if c.at_risk],
        "targets": [_target(c) for c in sla.all_checks],
        "symptom": fault.symptom,
        "cause": fault.cause,
        "result": fault.result,
        "diagnosis": fault.diagnosis,
        "resolution": fault.resolution,
        "spare_parts": list(fault.spare_parts),
        "known_problem_id": fault.known_problem_id or "",
        "known_problem": known.title if known else "",
        "loaner": fault.loaner_serial,
        "loaner_out_at": _t(fault.loaner_out_at),
        "loaner_returned_at": _t(fault.loaner_returned_at),
        "rma": fault.escalation_rma,
        "escalation_case": fault.escalation_case,
        "sent_for_repair_at": _t(fault.sent_for_repair_at),
        "unit_returned_at": _t(fault.unit_returned_at),
        "escalation_proposed": escalation_proposed(fault, sla),
        "warranty": WARRANTY[fault.warranty_covered],
        "warranty_covered": fault.warranty_covered,
        "warranty_exclusion": exclusion,
        "warranty_exclusion_label": exclusion_label(exclusion) if exclusion else "",
        "repair_action": fault.repair_action,
        "time_changes": [
            {
                "time": change.name,
                "old": _t(change.old),
                "new": _t(change.new),
                "by": change.by,
                "at": _t(change.at),
            }
            for change in fault.time_changes
        ],
        "created_at": _t(fault.created_at),
    }


# -- fault show ---------------------------------------------------------------------------


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "-"


def _time_line(detail: FaultDetail, name: str) -> str:
    shown = _when(getattr(detail.fault, name))
    check = next((c for c in detail.sla.all_checks if CHECK_TIMES[c.target] == name), None)
    if check is None or check.within is None:
        return shown
    took = f"in {minutes(check.took)}" if check.took is not None else ""
    state = "at risk" if check.at_risk else check.status.value
    due = f", due {_when(check.deadline)}" if check.took is None else ""
    return f"{shown:16}  {took:9} target {minutes(check.within)}: {state}{due}"


def _warranty_line(detail: FaultDetail) -> str:
    fault = detail.fault
    if fault.warranty_covered is True:
        decided = "covered"
    elif fault.warranty_covered is False:
        code = fault.warranty_exclusion
        decided = f"not covered: {exclusion_label(code)} ({code}), billable"
    else:
        register = {True: "under warranty", False: "NOT under warranty", None: "unknown"}
        decided = f"not decided (the asset is {register[detail.asset_in_warranty]})"
    return f"{decided}; action {fault.repair_action}" if fault.repair_action else decided


def _rows(detail: FaultDetail) -> list[tuple[str, str]]:
    fault, level = detail.fault, detail.sla.level
    asset = detail.asset
    site = f"{detail.site.customer} / {detail.site.name}" if detail.site else "?"
    rows = [
        ("Site", site),
        ("Asset", f"{asset.serial_number} ({asset.vendor} {asset.model})" if asset else "-"),
        ("Severity", f"{fault.severity} {level.name}: {level.description}".strip(": ")),
        ("Reported via", fault.reported_via.value.replace("_", " ")),
        ("Engineer", fault.engineer or "-"),
        ("State", "resolved" if fault.resolved_at else "open"),
    ]
    rows += [(TIME_LABELS[n].capitalize(), _time_line(detail, n)) for n in RESPONSE_TIMES]
    rows += [
        ("Symptom", fault.symptom or "-"),
        ("Cause", fault.cause or "-"),
        ("Result", fault.result or "-"),
        ("Diagnosis", fault.diagnosis or "-"),
        ("Resolution", fault.resolution or "-"),
        ("Spare parts", ", ".join(fault.spare_parts) or "-"),
    ]
    known = detail.known_problem
    rows.append(("Known problem", f"{known.title} ({known.id[:8]})" if known else "-"))
    if detail.made_problem and detail.made_problem is not known:
        rows.append(("Made into", f"{detail.made_problem.title} ({detail.made_problem.id[:8]})"))
    if not known:
        rows += [
            ("Seen before", f"{m.score:.2f} {m.problem.title} ({m.problem.id[:8]})")
            for m in detail.suggestions
        ]
    rows += [
        ("Loaner", fault.loaner_serial or "-"),
        ("Loaner out", _when(fault.loaner_out_at)),
        ("Loaner back", _when(fault.loaner_returned_at)),
        ("RMA", fault.escalation_rma or "-"),
        ("Case", fault.escalation_case or "-"),
        ("Sent for repair", _when(fault.sent_for_repair_at)),
        ("Unit returned", _when(fault.unit_returned_at)),
        ("Warranty", _warranty_line(detail)),
    ]
    return rows


def print_fault_page(detail: FaultDetail) -> None:
    fault = detail.fault
    click.echo(_("Fault {id}").format(id=fault.id))
    if detail.escalation_proposed:
        resolve = detail.sla.resolution
        click.echo(
            _(
                "  ESCALATION PROPOSED: the {minutes} resolution target passed at {when} "
                "unresolved; take it to the manufacturer (fault update --rma/--case)"
            ).format(minutes=minutes(resolve.within), when=_when(resolve.deadline))
        )
    for label, value in _rows(detail):
        click.echo(f"  {label:16}{value}")
    click.echo("  " + _("Time changes") + ("" if fault.time_changes else "    -"))
    for change in fault.time_changes:
        what = TIME_LABELS.get(change.name, change.name)
        click.echo(
            f"    {_when(change.at)}  {change.by or '?'}  {what}: "
            f"{_when(change.old)} -> {_when(change.new)}"
        )
