"""Visits: compliance against the plan, recording and signing visits."""

from __future__ import annotations

from functools import partial
from typing import Any

import click

from assettrack.commands.common import (
    FORMATS,
    emit,
    open_store,
    optional_time,
    service_config,
    split_pairs,
)
from assettrack.i18n import _
from assettrack.i18n.errors import error_text
from assettrack.i18n.terms import COMPLIANCE, VISIT_KINDS, VISIT_KINDS_SHORT, term
from assettrack.services.service_common import parse_time, short


@click.command(name="visits")
@click.option("--overdue", is_flag=True, help="Only what is behind or was missed.")
@click.option("--site", help="Only this site (id or name).")
@click.option(
    "--month",
    "months",
    multiple=True,
    metavar="YYYY-MM",
    help="Month(s) to check (default: this month and the last).",
)
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_obj
def visits_command(
    context: Any, overdue: bool, site: str | None, months: tuple[str, ...], fmt: str
) -> None:
    """Visit compliance per site and month against the visit plan, with each site's
    responsible engineer and when its next visit is due."""
    from assettrack.domain.visits import parse_month
    from assettrack.services.visits import VisitService

    try:
        wanted = [parse_month(m) for m in months] or None
    except ValueError as exc:
        raise click.BadParameter(error_text(exc), param_hint="--month") from None
    with open_store(context, read_only=True) as store:
        service = VisitService(store, service_config(context))
        rows = service.compliance_rows(context.today, wanted, site=site, overdue_only=overdue)
    emit(
        [
            {
                "customer": r.site.customer,
                "site": r.site.name,
                "site_id": r.site.id,
                "engineer": r.engineer,
                "period": r.requirement.period,
                "requirement": r.requirement.label,
                "required": r.requirement.required,
                "done": r.requirement.done,
                "expected_by_now": r.requirement.expected_by_now,
                "status": r.requirement.status.value,
                # The site's next visit, on the row of the requirement calling for it.
                "next_visit": r.next_visit.on.isoformat() if r.next_visit else "",
                "next_visit_deadline": r.next_visit.deadline.isoformat() if r.next_visit else "",
            }
            for r in rows
        ],
        (
            "customer",
            "site",
            "engineer",
            "period",
            "requirement",
            "required",
            "done",
            "status",
            "next_visit",
        ),
        fmt,
        _("Nothing is behind.") if overdue else _("No sites."),
        {"requirement": _, "status": partial(term, COMPLIANCE)},
    )


@click.group(name="visit")
def visit_group() -> None:
    """Record, list and sign visits."""


@visit_group.command(name="add")
@click.option("--site", required=True, help="Site id or name.")
@click.option(
    "--kind",
    required=True,
    type=click.Choice(["scheduled", "follow_up", "phone_follow_up", "fault_call_out"]),
)
@click.option("--start", "start", required=True, metavar="TIME", help="e.g. 2026-03-02 09:00")
@click.option("--end", "end", metavar="TIME")
@click.option("--engineer", help="Default: the configured engineer name.")
@click.option("--check", "checks", multiple=True, help="A check done (repeatable).")
@click.option("--hazard-found", "found", multiple=True, help="A hazard found (repeatable).")
@click.option("--hazard-removed", "removed", multiple=True, help="A hazard removed (repeatable).")
@click.option("--opinion", default="", help="The customer's opinion.")
@click.option("--feedback", multiple=True, metavar="KEY=VALUE", help="Feedback survey answers.")
@click.option("--inspection", "inspections", multiple=True, help="Maintenance record done.")
@click.option("--fault", "fault_id", help="The fault a call-out answered.")
@click.option("--notes", default="")
@click.pass_obj
def visit_add(
    context: Any,
    site: str,
    kind: str,
    start: str,
    end: str | None,
    engineer: str | None,
    checks: tuple[str, ...],
    found: tuple[str, ...],
    removed: tuple[str, ...],
    opinion: str,
    feedback: tuple[str, ...],
    inspections: tuple[str, ...],
    fault_id: str | None,
    notes: str,
) -> None:
    """Record a visit."""
    from assettrack.services.service_common import find_site
    from assettrack.services.visits import VisitService

    answers = split_pairs(feedback, "--feedback")
    with open_store(context) as store:
        service = VisitService(store, service_config(context), context.settings.engineer)
        fault = None
        if fault_id:
            from assettrack.services.faults import FaultService

            fault = FaultService(store, service_config(context)).find(fault_id)
        visit = service.record(
            find_site(store, site).id,
            kind,
            parse_time(start, "--start"),
            ended_at=optional_time(end, "--end"),
            engineer=engineer,
            checks=checks,
            hazards_found=found,
            hazards_removed=removed,
            customer_opinion=opinion,
            feedback=answers,
            inspection_ids=inspections,
            fault_id=fault.id if fault else None,
            notes=notes,
        )
    click.echo(_("Recorded visit {id}").format(id=visit.id))


@visit_group.command(name="sign")
@click.argument("visit_ref", metavar="VISIT")
@click.option("--by", "representative", required=True, help="The customer's representative.")
@click.option("--at", "at", metavar="TIME", help="Default: now.")
@click.option(
    "--anyway",
    metavar="REASON",
    default="",
    help="Complete it although something is missing, and why (the record shows both).",
)
@click.pass_obj
def visit_sign(
    context: Any, visit_ref: str, representative: str, at: str | None, anyway: str
) -> None:
    """Record the customer's sign-off of a visit (completing it first if it is not)."""
    with open_store(context) as store:
        record = _record_service(context, store)
        visit = record.visits.find(visit_ref)
        if visit.completed_at is None:
            visit = record.complete(visit, anyway=anyway)
        visit = record.sign(visit, representative, optional_time(at, "--at"))
    click.echo(
        _("Visit {short} signed by {representative}").format(
            short=short(visit.id), representative=representative
        )
    )


@visit_group.command(name="complete")
@click.argument("visit_ref", metavar="VISIT")
@click.option(
    "--anyway", metavar="REASON", default="", help="Complete although something is missing: why."
)
@click.pass_obj
def visit_complete(context: Any, visit_ref: str, anyway: str) -> None:
    """End a visit: checks what it must cover (every device on a scheduled visit, the
    survey, the call-out's fault) and says what is missing."""
    with open_store(context) as store:
        record = _record_service(context, store)
        visit = record.complete(record.visits.find(visit_ref), anyway=anyway)
    done = _("Visit {short} complete").format(short=short(visit.id))
    click.echo(
        done
        + (
            _("; not done: {items}").format(items="; ".join(visit.not_done))
            if visit.not_done
            else ""
        )
    )


@visit_group.command(name="show")
@click.argument("visit_ref", metavar="VISIT")
@click.pass_obj
def visit_show(context: Any, visit_ref: str) -> None:
    """A visit's progress and what it still lacks (the full record: report visit)."""
    with open_store(context, read_only=True) as store:
        record = _record_service(context, store)
        visit = record.visits.find(visit_ref)
        site = record.site_of(visit)
        progress = record.progress(visit)
        missing = record.missing(visit) if visit.completed_at is None else []
        found, removed = record.hazards(visit)
    state = (
        _("signed by {name} {moment}").format(
            name=visit.sign_off.representative, moment=f"{visit.sign_off.signed_at:%Y-%m-%d %H:%M}"
        )
        if visit.sign_off
        else _("complete, not signed")
        if visit.completed_at
        else _("not complete")
    )
    amends = _(" · amends {id}").format(id=short(visit.amends)) if visit.amends else ""
    lines = [
        _("Visit {id}").format(id=visit.id),
        f"  {site.customer} / {site.name} · {term(VISIT_KINDS, visit.kind.value)}"
        f" · {visit.engineer} · {visit.started_at:%Y-%m-%d %H:%M}",
        f"  {state}{amends}",
        f"  {progress.line()}",
    ]
    lines += [
        "  " + _("to inspect: {device}").format(device=a.hostname or a.serial_number)
        for a in progress.remaining
    ]
    lines += [
        "  "
        + (
            _("hazard found: {hazard} (removed)") if h in removed else _("hazard found: {hazard}")
        ).format(hazard=h)
        for h in found
    ]
    lines += ["  " + _("missing: {what}").format(what=m) for m in missing]
    lines += ["  " + _("not done: {what}").format(what=m) for m in visit.not_done]
    click.echo("\n".join(lines))


@visit_group.command(name="amend")
@click.argument("visit_ref", metavar="VISIT")
@click.option("--reason", required=True, help="What the amendment corrects.")
@click.pass_obj
def visit_amend(context: Any, visit_ref: str, reason: str) -> None:
    """Correct a signed visit: a copy to change and sign again; the original is kept."""
    with open_store(context) as store:
        record = _record_service(context, store)
        amendment = record.amend(record.visits.find(visit_ref), reason)
    click.echo(
        _("Amendment {id} of visit {short}: sign it again").format(
            id=amendment.id, short=short(amendment.amends or "")
        )
    )


@visit_group.command(name="remove")
@click.argument("visit_ref", metavar="VISIT")
@click.pass_obj
def visit_remove(context: Any, visit_ref: str) -> None:
    """Remove a visit begun by mistake (only while it holds nothing)."""
    with open_store(context) as store:
        record = _record_service(context, store)
        visit = record.visits.find(visit_ref)
        record.remove(visit)
    click.echo(_("Visit {short} removed").format(short=short(visit.id)))


def _record_service(context: Any, store: Any) -> Any:
    from assettrack.services.visit_record import VisitRecordService

    return VisitRecordService(store, service_config(context), context.settings.engineer)


@visit_group.command(name="list")
@click.option("--site", help="Only this site (id or name).")
@click.option("--month", metavar="YYYY-MM", help="Only this month.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_obj
def visit_list(context: Any, site: str | None, month: str | None, fmt: str) -> None:
    """List visits, newest first."""
    from assettrack.domain.visits import month_end, parse_month, visit_day
    from assettrack.services.service_common import find_site

    try:
        first = parse_month(month) if month else None
    except ValueError as exc:
        raise click.BadParameter(error_text(exc), param_hint="--month") from None
    with open_store(context, read_only=True) as store:
        sites = {s.id: s for s in store.sites.list()}
        only = find_site(store, site).id if site else None
        visits = [
            v
            for v in store.visits.iter_all()
            if (only is None or v.site_id == only)
            and (first is None or first <= visit_day(v) <= month_end(first))
        ]
    visits.sort(key=lambda v: v.started_at.isoformat(), reverse=True)
    emit(
        [
            {
                "id": v.id,
                "site": sites[v.site_id].name if v.site_id in sites else "?",
                "kind": v.kind.value,
                "engineer": v.engineer,
                "started_at": v.started_at.isoformat(timespec="minutes"),
                "ended_at": v.ended_at.isoformat(timespec="minutes") if v.ended_at else "",
                "hazards_found": len(v.hazards_found),
                "hazards_removed": len(v.hazards_removed),
                "signed_by": v.sign_off.representative if v.sign_off else "",
            }
            for v in visits
        ],
        ("id", "site", "kind", "engineer", "started_at", "ended_at", "signed_by"),
        fmt,
        _("No visits."),
        {"kind": partial(term, VISIT_KINDS_SHORT)},
    )


# -- faults -------------------------------------------------------------------------------
