"""Command line for service records: visits, faults, known problems, charges, reports and
merging another laptop's data.

The commands receive the root group's context object (``assettrack.cli.Context``) through
``click.pass_obj``; ``register_commands(cli)`` adds them to the root group.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import click

from assettrack.errors import AssetTrackError
from assettrack.services.service_common import parse_time, short
from assettrack.services.service_config import ServiceConfig, load_service_config
from assettrack.store.store import Store

FORMATS = click.Choice(["table", "csv", "json"])


# -- shared helpers -----------------------------------------------------------------------


def _config(context: Any) -> ServiceConfig:
    return load_service_config(context.settings.raw)


def _open(context: Any, *, read_only: bool = False) -> Store:
    return Store.open(
        context.settings.db_path, read_only=read_only, author=context.settings.engineer
    )


def _now(context: Any) -> datetime:
    """Now, or the end of the day given with --today (so listings are reproducible)."""
    if context.today == date.today():
        return datetime.now()
    return datetime.combine(context.today, time(23, 59, 59))


def _time(value: str | None, field: str) -> datetime | None:
    return None if value is None else parse_time(value, field)


def _minutes(delta: Any) -> str:
    if delta is None:
        return ""
    total = int(delta.total_seconds() // 60)
    sign = "-" if total < 0 else ""
    hours, minutes = divmod(abs(total), 60)
    return f"{sign}{hours}h{minutes:02d}" if hours else f"{sign}{minutes}m"


def _emit(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, empty: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(list(rows), ensure_ascii=False, indent=2, default=str))
        return
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        sys.stdout.write(out.getvalue())
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 200)
    if not rows:
        console.print(empty, style="dim")
        return
    table = Table(box=None, header_style="bold")
    for column in columns:
        table.add_column(column.replace("_", " ").capitalize())
    for row in rows:
        table.add_row(*(str(row.get(c, "")) for c in columns))
    console.print(table)
    console.print(f"{len(rows)} row(s)", style="dim")


def _split_pairs(values: Sequence[str], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{value!r} is not KEY=VALUE", param_hint=option)
        pairs[key.strip()] = text.strip()
    return pairs


# -- visits -------------------------------------------------------------------------------


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
    """Visit compliance per site and month against the visit plan."""
    from assettrack.domain.visits import parse_month
    from assettrack.services.visits import VisitService

    try:
        wanted = [parse_month(m) for m in months] or None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--month") from None
    with _open(context, read_only=True) as store:
        service = VisitService(store, _config(context))
        rows = service.compliance_rows(context.today, wanted, site=site, overdue_only=overdue)
    _emit(
        [
            {
                "customer": r.site.customer,
                "site": r.site.name,
                "site_id": r.site.id,
                "period": r.requirement.period,
                "requirement": r.requirement.label,
                "required": r.requirement.required,
                "done": r.requirement.done,
                "expected_by_now": r.requirement.expected_by_now,
                "status": r.requirement.status.value,
            }
            for r in rows
        ],
        ("customer", "site", "period", "requirement", "required", "done", "status"),
        fmt,
        "Nothing is behind." if overdue else "No sites.",
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

    answers = _split_pairs(feedback, "--feedback")
    with _open(context) as store:
        service = VisitService(store, _config(context), context.settings.engineer)
        fault = None
        if fault_id:
            from assettrack.services.faults import FaultService

            fault = FaultService(store, _config(context)).find(fault_id)
        visit = service.record(
            find_site(store, site).id,
            kind,
            parse_time(start, "--start"),
            ended_at=_time(end, "--end"),
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
    click.echo(f"Recorded visit {visit.id}")


@visit_group.command(name="sign")
@click.argument("visit_ref", metavar="VISIT")
@click.option("--by", "representative", required=True, help="The customer's representative.")
@click.option("--at", "at", metavar="TIME", help="Default: now.")
@click.pass_obj
def visit_sign(context: Any, visit_ref: str, representative: str, at: str | None) -> None:
    """Record the customer's sign-off of a visit."""
    from assettrack.services.visits import VisitService

    with _open(context) as store:
        service = VisitService(store, _config(context), context.settings.engineer)
        visit = service.sign(service.find(visit_ref), representative, _time(at, "--at"))
    click.echo(f"Visit {short(visit.id)} signed by {representative}")


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
        raise click.BadParameter(str(exc), param_hint="--month") from None
    with _open(context, read_only=True) as store:
        sites = {s.id: s for s in store.sites.list()}
        only = find_site(store, site).id if site else None
        visits = [
            v
            for v in store.visits.iter_all()
            if (only is None or v.site_id == only)
            and (first is None or first <= visit_day(v) <= month_end(first))
        ]
    visits.sort(key=lambda v: v.started_at.isoformat(), reverse=True)
    _emit(
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
        "No visits.",
    )


# -- faults -------------------------------------------------------------------------------


def _fault_row(view: Any) -> dict[str, Any]:
    fault = view.fault
    respond, on_site = view.sla.checks
    return {
        "id": fault.id,
        "site": view.site_name,
        "asset": view.asset.serial_number if view.asset else "",
        "severity": fault.severity,
        "via": fault.reported_via.value,
        "reported_at": fault.reported_at.isoformat(timespec="minutes"),
        "respond": respond.status.value,
        "responded_in": _minutes(respond.took),
        "on_site": on_site.status.value,
        "on_site_in": _minutes(on_site.took),
        "resolved_at": fault.resolved_at.isoformat(timespec="minutes") if fault.resolved_at else "",
        "symptom": fault.symptom,
        "warranty": {True: "covered", False: "billable", None: ""}[fault.warranty_covered],
        "loaner": fault.loaner_serial,
    }


@click.command(name="faults")
@click.option("--sla-missed", is_flag=True, help="Only faults that missed a response target.")
@click.option("--open", "open_only", is_flag=True, help="Only faults not yet resolved.")
@click.option("--site", help="Only this site (id or name).")
@click.option("--since", metavar="YYYY-MM-DD", help="Only faults reported on or after this day.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_obj
def faults_command(
    context: Any, sla_missed: bool, open_only: bool, site: str | None, since: str | None, fmt: str
) -> None:
    """Faults, newest first, with their response times against the severity targets."""
    from assettrack.services.faults import FaultService

    try:
        since_day = date.fromisoformat(since) if since else None
    except ValueError:
        raise click.BadParameter(f"{since!r} is not YYYY-MM-DD", param_hint="--since") from None
    with _open(context, read_only=True) as store:
        service = FaultService(store, _config(context))
        views = service.views(
            now=_now(context),
            open_only=open_only,
            sla_missed=sla_missed,
            site=site,
            since=since_day,
        )
    _emit(
        [_fault_row(v) for v in views],
        (
            "id",
            "site",
            "asset",
            "severity",
            "reported_at",
            "respond",
            "responded_in",
            "on_site",
            "on_site_in",
            "resolved_at",
            "symptom",
        ),
        fmt,
        "No faults missed their targets." if sla_missed else "No faults.",
    )


@click.group(name="fault")
def fault_group() -> None:
    """Record and update faults."""


def _fault_options(func: Any) -> Any:
    options = [
        click.option("--asset", "asset_ref", help="Asset id, serial number or hostname."),
        click.option("--symptom"),
        click.option("--cause"),
        click.option("--result"),
        click.option("--diagnosis"),
        click.option("--resolution"),
        click.option("--responded", metavar="TIME", help="When the engineer responded."),
        click.option("--on-site", "on_site", metavar="TIME", help="When the engineer arrived."),
        click.option("--resolved", metavar="TIME"),
        click.option("--rma", help="The manufacturer's RMA number (escalation)."),
        click.option("--spare-part", "spare_parts", multiple=True, help="A part replaced."),
        click.option("--loaner", help="Serial number of a loaner unit left on site."),
        click.option("--sent-for-repair", metavar="TIME", help="When the unit left for repair."),
        click.option("--returned", metavar="TIME", help="When the repaired unit came back."),
        click.option("--covered/--not-covered", "covered", default=None, help="Warranty."),
        click.option("--exclusion", help="Why not covered ('assettrack fault exclusions')."),
        click.option("--action", type=click.Choice(["repair", "replace", "refund"])),
        click.option("--known-problem", "known_problem", help="Id of the known problem applied."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _fault_changes(store: Store, context: Any, values: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if values.get("asset_ref"):
        changes["asset_id"] = context.register(store).find_asset(values["asset_ref"]).id
    for option, field in (
        ("symptom", "symptom"),
        ("cause", "cause"),
        ("result", "result"),
        ("diagnosis", "diagnosis"),
        ("resolution", "resolution"),
        ("rma", "escalation_rma"),
        ("loaner", "loaner_serial"),
        ("exclusion", "warranty_exclusion"),
        ("action", "repair_action"),
    ):
        if values.get(option) is not None:
            changes[field] = values[option]
    for option, field in (
        ("responded", "responded_at"),
        ("on_site", "on_site_at"),
        ("resolved", "resolved_at"),
        ("sent_for_repair", "sent_for_repair_at"),
        ("returned", "unit_returned_at"),
    ):
        if values.get(option) is not None:
            changes[field] = parse_time(values[option], "--" + option.replace("_", "-"))
    if values.get("known_problem"):
        ref = values["known_problem"].strip()
        matches = [p.id for p in store.known_problems.list() if p.id.startswith(ref)]
        if len(matches) != 1:
            raise AssetTrackError(f"no single known problem with id {ref!r}")
        changes["known_problem_id"] = matches[0]
    if values.get("spare_parts"):
        changes["spare_parts"] = list(values["spare_parts"])
    if values.get("covered") is not None:
        changes["warranty_covered"] = values["covered"]
        if values["covered"] and "warranty_exclusion" not in changes:
            changes["warranty_exclusion"] = ""
    return changes


def _print_fault(service: Any, fault: Any, now: datetime) -> None:
    sla = service.sla(fault, now)
    click.echo(f"Fault {fault.id} (severity {fault.severity}, {sla.level.name})")
    for check in sla.checks:
        if check.within is None:
            continue
        took = f" in {_minutes(check.took)}" if check.took is not None else ""
        target = _minutes(check.within)
        click.echo(f"  {check.target:8} target {target}: {check.status.value}{took}")
    if fault.warranty_covered is None:
        covered = service.in_warranty(fault)
        if covered is not None:
            click.echo(f"  asset {'is' if covered else 'is NOT'} under warranty; decision pending")


@fault_group.command(name="add")
@click.option("--site", required=True, help="Site id or name.")
@click.option("--severity", required=True, type=int)
@click.option(
    "--via",
    required=True,
    type=click.Choice(["phone", "email", "fax", "on_site"]),
    help="How the customer reported it.",
)
@click.option("--reported", required=True, metavar="TIME", help="When the customer notified us.")
@_fault_options
@click.pass_obj
def fault_add(
    context: Any, site: str, severity: int, via: str, reported: str, **values: Any
) -> None:
    """Record a fault; similar known problems are offered."""
    from assettrack.services.faults import FaultService
    from assettrack.services.service_common import find_site

    with _open(context) as store:
        service = FaultService(
            store,
            _config(context),
            context.settings.engineer,
            warranty_rules=context.settings.warranty,
        )
        changes = _fault_changes(store, context, values)
        fault = service.report(
            find_site(store, site).id, severity, via, parse_time(reported, "--reported"), **changes
        )
        _print_fault(service, fault, _now(context))
        for match in service.suggestions(fault):
            p = match.problem
            click.echo(f"  known problem ({match.score:.2f}) {p.title}: {p.solution}")


@fault_group.command(name="update")
@click.argument("fault_ref", metavar="FAULT")
@click.option("--severity", type=int)
@_fault_options
@click.pass_obj
def fault_update(context: Any, fault_ref: str, severity: int | None, **values: Any) -> None:
    """Change a fault: timestamps, diagnosis, loaner, warranty decision..."""
    from assettrack.services.faults import FaultService

    with _open(context) as store:
        service = FaultService(
            store,
            _config(context),
            context.settings.engineer,
            warranty_rules=context.settings.warranty,
        )
        fault = service.find(fault_ref)
        changes = _fault_changes(store, context, values)
        if severity is not None:
            changes["severity"] = severity
        if not changes:
            raise AssetTrackError("nothing to change: give at least one option")
        fault = service.update(fault, **changes)
        _print_fault(service, fault, _now(context))
        if fault.asset_id:
            asset = store.assets.get(fault.asset_id)
            if asset is not None:
                click.echo(f"  asset {asset.serial_number}: {asset.status.value}")


@fault_group.command(name="exclusions")
def fault_exclusions() -> None:
    """The reasons a fault is not covered by warranty (for --exclusion)."""
    from assettrack.domain.faults import WARRANTY_EXCLUSIONS

    for code, label in WARRANTY_EXCLUSIONS:
        click.echo(f"{code:32} {label}")


@fault_group.command(name="levels")
@click.pass_obj
def fault_levels(context: Any) -> None:
    """The configured severity levels and their response targets."""
    for level in _config(context).severity.levels.values():
        click.echo(
            f"{level.level}  {level.name:10} respond {_minutes(level.respond_within) or '-':6} "
            f"on site {_minutes(level.on_site_within) or '-':6} {level.description}"
        )


# -- known problems -----------------------------------------------------------------------


@click.group(name="known-problems")
def known_group() -> None:
    """The base of known problems and their solutions."""


@known_group.command(name="search")
@click.argument("text")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_obj
def known_search(context: Any, text: str, limit: int, fmt: str) -> None:
    """Known problems most like TEXT, best first."""
    from assettrack.services.known_problems import KnownProblemService

    with _open(context, read_only=True) as store:
        matches = KnownProblemService(store, _config(context)).search(text, limit=limit)
    _emit(
        [
            {
                "score": f"{m.score:.2f}",
                "title": m.problem.title,
                "symptom": m.problem.symptom,
                "solution": m.problem.solution,
                "vendor": m.problem.vendor,
                "id": m.problem.id,
            }
            for m in matches
        ],
        ("score", "title", "symptom", "solution"),
        fmt,
        "No known problem matches.",
    )


@known_group.command(name="add")
@click.option("--title", required=True)
@click.option("--symptom", required=True)
@click.option("--solution", required=True)
@click.option("--cause", default="")
@click.option("--vendor", default="")
@click.option("--model", default="")
@click.option("--tag", "tags", multiple=True)
@click.pass_obj
def known_add(context: Any, **values: Any) -> None:
    """Add a known problem."""
    from assettrack.services.known_problems import KnownProblemService

    with _open(context) as store:
        service = KnownProblemService(store, _config(context), context.settings.engineer)
        problem = service.add(
            values["title"],
            values["symptom"],
            values["solution"],
            cause=values["cause"],
            vendor=values["vendor"],
            model=values["model"],
            tags=values["tags"],
        )
    click.echo(f"Added known problem {problem.id}")


@known_group.command(name="from-fault")
@click.argument("fault_ref", metavar="FAULT")
@click.option("--title", default="")
@click.pass_obj
def known_from_fault(context: Any, fault_ref: str, title: str) -> None:
    """Add a resolved fault's symptom and resolution as a known problem."""
    from assettrack.services.faults import FaultService

    with _open(context) as store:
        service = FaultService(store, _config(context), context.settings.engineer)
        problem = service.known_problems.from_fault(service.find(fault_ref), title)
    click.echo(f"Added known problem {problem.id}")


# -- charges ------------------------------------------------------------------------------


@click.command(name="charges")
@click.option("--contract", help="Only this contract (id or number).")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_obj
def charges_command(context: Any, contract: str | None, fmt: str) -> None:
    """Charges per contract against the labour cap after warranty."""
    from assettrack.services.charges import ChargeService

    with _open(context, read_only=True) as store:
        service = ChargeService(
            store, _config(context), context.settings.warranty, today=lambda: context.today
        )
        rows = service.summary(context.today, contract)
    out = []
    for row in rows:
        cap = row.cap
        out.append(
            {
                "customer": row.contract.customer,
                "contract": row.contract.number,
                "value": str(row.contract.value),
                "currency": row.contract.currency,
                "warranty_end": row.warranty_end or "",
                "charges": len(row.charges),
                "total": str(row.total),
                "year": cap.year if cap else "",
                "cap": str(cap.cap) if cap and cap.cap is not None else "",
                "labour_in_period": str(cap.used) if cap else "",
                "status": cap.level.value if cap else "no warranty end",
            }
        )
    _emit(
        out,
        (
            "customer",
            "contract",
            "value",
            "warranty_end",
            "charges",
            "total",
            "year",
            "cap",
            "labour_in_period",
            "status",
        ),
        fmt,
        "No contracts.",
    )
    for row in rows:
        if row.cap is not None and row.cap.alert and fmt == "table":
            from assettrack.domain.charges import cap_message

            click.echo(
                f"WARNING: contract {row.contract.number}: "
                f"{cap_message(row.cap, row.contract.currency)}",
                err=True,
            )


@click.group(name="charge")
def charge_group() -> None:
    """Record service charges."""


@charge_group.command(name="add")
@click.option("--contract", required=True, help="Contract id or number.")
@click.option("--site", required=True, help="Site id or name.")
@click.option("--amount", required=True)
@click.option(
    "--kind",
    type=click.Choice(["labour", "parts", "travel", "other"]),
    default="labour",
    show_default=True,
)
@click.option("--on", "charged_on", metavar="YYYY-MM-DD", help="Default: today.")
@click.option("--description", default="")
@click.option("--fault", "fault_ref", help="The fault the charge is for.")
@click.pass_obj
def charge_add(
    context: Any,
    contract: str,
    site: str,
    amount: str,
    kind: str,
    charged_on: str | None,
    description: str,
    fault_ref: str | None,
) -> None:
    """Record a charge; warns when labour approaches or passes the contract's cap."""
    from assettrack.domain.charges import cap_message
    from assettrack.services.charges import ChargeService
    from assettrack.services.faults import FaultService
    from assettrack.services.service_common import find_site

    try:
        day = date.fromisoformat(charged_on) if charged_on else None
    except ValueError:
        raise click.BadParameter(f"{charged_on!r} is not YYYY-MM-DD", param_hint="--on") from None
    with _open(context) as store:
        config = _config(context)
        service = ChargeService(
            store,
            config,
            context.settings.warranty,
            context.settings.engineer,
            today=lambda: context.today,
        )
        fault_id = FaultService(store, config).find(fault_ref).id if fault_ref else None
        result = service.add(
            contract,
            find_site(store, site).id,
            amount,
            charged_on=day,
            kind=kind,
            description=description,
            fault_id=fault_id,
        )
        currency = service.find_contract(contract).currency
    click.echo(f"Recorded charge {result.charge.id}: {result.charge.amount} {currency}")
    if result.cap is not None and not result.warnings:
        click.echo(f"  {cap_message(result.cap, currency)}")
    for warning in result.warnings:
        click.echo(f"WARNING: {warning}", err=True)


# -- reports ------------------------------------------------------------------------------

REPORT_FORMATS = click.Choice(["md", "html", "pdf"])


@click.group(name="report")
def report_group() -> None:
    """Visit reports (the maintenance record form) and monthly summaries."""


def _write_report(report: Any, fmt: str, output: Path | None) -> None:
    from assettrack.services.report_render import to_html, to_markdown, write_report

    if output is None:
        if fmt == "pdf":
            raise click.UsageError("a PDF needs a file: give -o FILE")
        sys.stdout.write(to_markdown(report) if fmt == "md" else to_html(report))
        return
    try:
        write_report(report, fmt, output)
    except OSError as exc:
        raise AssetTrackError(f"cannot write {output}: {exc.strerror}") from exc
    click.echo(f"Wrote {output}", err=True)


@report_group.command(name="visit")
@click.argument("visit_ref", metavar="VISIT")
@click.option("--format", "fmt", type=REPORT_FORMATS, default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_obj
def report_visit(context: Any, visit_ref: str, fmt: str, output: Path | None) -> None:
    """The maintenance record of a visit, for the customer to sign."""
    from assettrack.services.reports import ReportService

    with _open(context, read_only=True) as store:
        report = ReportService(store, _config(context), lambda: _now(context)).visit_report(
            visit_ref
        )
    _write_report(report, fmt, output)


@report_group.command(name="month")
@click.argument("site")
@click.argument("month", metavar="YYYY-MM")
@click.option("--format", "fmt", type=REPORT_FORMATS, default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_obj
def report_month(context: Any, site: str, month: str, fmt: str, output: Path | None) -> None:
    """A site's monthly service summary: visit plan, visits, faults, charges."""
    from assettrack.domain.visits import parse_month
    from assettrack.services.reports import ReportService

    try:
        first = parse_month(month)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="MONTH") from None
    with _open(context, read_only=True) as store:
        service = ReportService(store, _config(context), lambda: _now(context))
        report = service.month_report(site, first, context.today)
    _write_report(report, fmt, output)


# -- merging laptops ----------------------------------------------------------------------


@click.command(name="export-bundle")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_obj
def export_bundle_command(context: Any, file: Path) -> None:
    """Write every record of this database to FILE, for another laptop to import."""
    from assettrack.services.sync import export_bundle

    with _open(context, read_only=True) as store:
        count = export_bundle(store, file)
    click.echo(f"Exported {count} document(s) to {file}")


@click.command(name="import-bundle")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.pass_obj
def import_bundle_command(context: Any, file: Path) -> None:
    """Merge another laptop's bundle: newer copies are taken, edits made on both sides are
    kept side by side as conflicts (see 'assettrack conflicts'); nothing is lost."""
    from assettrack.services.sync import import_bundle

    with _open(context) as store:
        report = import_bundle(store, file)
    click.echo(f"Imported {file}: {report.summary()}")
    if report.conflicts:
        click.echo(
            f"{report.conflicts} record(s) were changed on both laptops: "
            "see 'assettrack conflicts' and resolve them",
            err=True,
        )


@click.group(name="conflicts", invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_context
def conflicts_group(ctx: click.Context, fmt: str) -> None:
    """Records changed on two laptops, waiting for a choice."""
    if ctx.invoked_subcommand is not None:
        return
    from assettrack.services.sync import list_conflicts

    with _open(ctx.obj, read_only=True) as store:
        conflicts = list_conflicts(store)
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "table": c.table,
                        "doc_id": c.doc_id,
                        "label": c.label,
                        "fields": list(c.fields),
                        "local_by": c.local_by,
                        "local_at": c.local_at,
                        "theirs_by": c.theirs_by,
                        "theirs_at": c.theirs_at,
                        "local": {k: (c.local or {}).get(k) for k in c.fields},
                        "theirs": {k: c.theirs.get(k) for k in c.fields},
                    }
                    for c in conflicts
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not conflicts:
        click.echo("No conflicts.")
        return
    for c in conflicts:
        click.echo(f"{short(c.id)}  {c.table} {short(c.doc_id)} {c.label}")
        click.echo(f"    local:  {c.local_by or '?'} at {c.local_at or '?'}")
        click.echo(f"    theirs: {c.theirs_by or '?'} at {c.theirs_at or '?'}")
        for name in c.fields:
            mine = (c.local or {}).get(name)
            click.echo(f"    {name}: local {mine!r} | theirs {c.theirs.get(name)!r}")
    click.echo(f"{len(conflicts)} conflict(s): assettrack conflicts resolve ID --keep local|theirs")


@conflicts_group.command(name="resolve")
@click.argument("conflict_ref", metavar="ID")
@click.option("--keep", required=True, type=click.Choice(["local", "theirs"]))
@click.pass_obj
def conflicts_resolve(context: Any, conflict_ref: str, keep: str) -> None:
    """Keep the local copy or theirs; the other laptop takes the choice at its next import."""
    from assettrack.services.sync import resolve_conflict

    with _open(context) as store:
        conflict = resolve_conflict(store, conflict_ref, keep)
    click.echo(f"Kept {keep} copy of {conflict.table} {short(conflict.doc_id)} {conflict.label}")


COMMANDS: tuple[click.Command, ...] = (
    visits_command,
    visit_group,
    faults_command,
    fault_group,
    known_group,
    charges_command,
    charge_group,
    report_group,
    export_bundle_command,
    import_bundle_command,
    conflicts_group,
)


def register_commands(group: click.Group) -> None:
    """Add the service-record commands to the root command group."""
    for command in COMMANDS:
        if command.name not in group.commands:
            group.add_command(command)
