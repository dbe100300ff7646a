"""Faults: response times against the severity targets, recording and updating."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click

from assettrack.commands.common import (
    FORMATS,
    emit,
    minutes,
    now_of,
    open_store,
    service_config,
)
from assettrack.commands.fault_output import fault_record, print_fault_page
from assettrack.domain.faults import escalation_proposed
from assettrack.errors import AssetTrackError
from assettrack.i18n import _, pgettext
from assettrack.i18n.terms import SLA, term, time_name
from assettrack.services.service_common import parse_time
from assettrack.store.store import Store

if TYPE_CHECKING:
    from assettrack.services.faults import FaultService


TABLE_COLUMNS = (
    "id",
    "site",
    "asset",
    "severity",
    "reported_at",
    "respond",
    "responded_in",
    "on_site",
    "on_site_in",
    "resolve",
    "resolved_at",
    "symptom",
    "known_problem",
)


def _targets_filter(sla_missed: bool, at_risk: bool) -> str | None:
    if sla_missed and at_risk:
        return "late"
    return "missed" if sla_missed else "at_risk" if at_risk else None


@click.command(name="faults")
@click.option(
    "--sla-missed", is_flag=True, help="Only faults that missed a target (resolution too)."
)
@click.option(
    "--at-risk",
    is_flag=True,
    help="Only faults with a target still running and mostly used (with --sla-missed: either).",
)
@click.option("--open", "open_only", is_flag=True, help="Only faults not yet resolved.")
@click.option("--status", type=click.Choice(["open", "resolved"]), help="Open or resolved only.")
@click.option(
    "--severity", "severities", type=int, multiple=True, help="Only this level (repeatable)."
)
@click.option("--site", help="Only this site (id or name).")
@click.option("--since", metavar="YYYY-MM-DD", help="Only faults reported on or after this day.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_obj
def faults_command(
    context: Any,
    sla_missed: bool,
    at_risk: bool,
    open_only: bool,
    status: str | None,
    severities: tuple[int, ...],
    site: str | None,
    since: str | None,
    fmt: str,
) -> None:
    """Faults, newest first, with their times against the severity's targets."""
    from assettrack.services.faults import FaultService

    try:
        since_day = date.fromisoformat(since) if since else None
    except ValueError:
        raise click.BadParameter(
            _("{since!r} is not YYYY-MM-DD").format(since=since), param_hint="--since"
        ) from None
    if open_only and status == "resolved":
        raise click.BadParameter(_("--open and --status resolved exclude each other"))
    with open_store(context, read_only=True) as store:
        service = FaultService(store, service_config(context))
        views = service.views(
            now=now_of(context),
            status=status or ("open" if open_only else None),
            targets=_targets_filter(sla_missed, at_risk),
            site=site,
            since=since_day,
            severities=severities,
        )
        known = {p.id: p for p in store.known_problems.list()}
    empty = _("No faults.")
    if sla_missed or at_risk:
        empty = _("No faults missed or are close to missing their targets.")
    rows = [fault_record(v, known.get(v.fault.known_problem_id or "")) for v in views]
    if fmt == "table":  # a glance tells which target is close to missed
        for row in rows:
            row.update({target: AT_RISK for target in row["at_risk"]})
    states = dict.fromkeys(("respond", "on_site", "resolve"), _target_state)
    emit(rows, TABLE_COLUMNS, fmt, empty, states)


AT_RISK = "at risk"


def _target_state(value: str) -> str:
    """A target's state in a fault table: met, missed, pending, at risk..."""
    return pgettext("fault target", "at risk") if value == AT_RISK else term(SLA, value)


def _recording_service(store: Store, context: Any) -> FaultService:
    """The fault service that records and judges warranty as the app does (plugin rules too)."""
    from assettrack.services.faults import FaultService

    return FaultService(
        store,
        service_config(context),
        context.settings.engineer,
        warranty_rules=context.warranty_rules,
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
        click.option("--case", help="The manufacturer's case number (escalation)."),
        click.option("--spare-part", "spare_parts", multiple=True, help="A part replaced."),
        click.option("--loaner", help="Serial number of a loaner unit left on site."),
        click.option("--loaner-out", metavar="TIME", help="When the loaner was left on site."),
        click.option("--loaner-back", metavar="TIME", help="When the loaner was taken back."),
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
        ("case", "escalation_case"),
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
        ("loaner_out", "loaner_out_at"),
        ("loaner_back", "loaner_returned_at"),
        ("reported", "reported_at"),
    ):
        if values.get(option) is not None:
            changes[field] = parse_time(values[option], "--" + option.replace("_", "-"))
    if values.get("known_problem"):
        ref = values["known_problem"].strip()
        matches = [p.id for p in store.known_problems.list() if p.id.startswith(ref)]
        if len(matches) != 1:
            raise AssetTrackError(_("no single known problem with id {ref!r}").format(ref=ref))
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
    click.echo(
        _("Fault {id} (severity {severity}, {name})").format(
            id=fault.id, severity=fault.severity, name=sla.level.name
        )
    )
    for check in sla.all_checks:
        if check.within is None:
            continue
        took = f" in {minutes(check.took)}" if check.took is not None else ""
        state = "at risk" if check.at_risk else check.status.value
        click.echo(
            _("  {target:8} target {minutes}: {state}{took}").format(
                target=check.target, minutes=minutes(check.within), state=state, took=took
            )
        )
    if escalation_proposed(fault, sla):
        click.echo(_("  escalation to the manufacturer proposed: the resolution target passed"))
    if fault.warranty_covered is None:
        covered = service.in_warranty(fault)
        if covered is not None:
            click.echo(
                _("  asset is under warranty; decision pending")
                if covered
                else _("  asset is NOT under warranty; decision pending")
            )


def _print_time_changes(before: list[Any], fault: Any) -> None:
    """The times this command changed, old -> new (each is kept on the fault)."""
    for change in fault.time_changes[len(before) :]:
        old = f"{change.old:%Y-%m-%d %H:%M}" if change.old else "-"
        new = f"{change.new:%Y-%m-%d %H:%M}" if change.new else "-"
        click.echo(
            _("  {time}: {old} -> {new} (by {who})").format(
                time=time_name(change.name), old=old, new=new, who=change.by or "?"
            )
        )


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
    from assettrack.services.service_common import find_site

    with open_store(context) as store:
        service = _recording_service(store, context)
        changes = _fault_changes(store, context, values)
        fault = service.report(
            find_site(store, site).id, severity, via, parse_time(reported, "--reported"), **changes
        )
        _print_fault(service, fault, now_of(context))
        matches = service.suggestions(fault)
        for match in matches:
            p = match.problem
            click.echo(
                _("  known problem {id} ({score:.2f}) {title}: {solution}").format(
                    id=p.id[:8], score=match.score, title=p.title, solution=p.solution
                )
            )
        if matches:
            click.echo(_("  attach one with: assettrack fault update FAULT --known-problem ID"))


@fault_group.command(name="update")
@click.argument("fault_ref", metavar="FAULT")
@click.option("--severity", type=int)
@click.option("--reported", metavar="TIME", help="Correct when the customer notified us.")
@_fault_options
@click.pass_obj
def fault_update(context: Any, fault_ref: str, severity: int | None, **values: Any) -> None:
    """Change a fault: timestamps, diagnosis, loaner, warranty decision..."""
    with open_store(context) as store:
        service = _recording_service(store, context)
        fault = service.find(fault_ref)
        changes = _fault_changes(store, context, values)
        if severity is not None:
            changes["severity"] = severity
        if not changes:
            raise AssetTrackError(_("nothing to change: give at least one option"))
        before = list(fault.time_changes)
        fault = service.update(fault, **changes)
        _print_fault(service, fault, now_of(context))
        _print_time_changes(before, fault)
        if fault.asset_id:
            asset = store.assets.get(fault.asset_id)
            if asset is not None:
                click.echo(
                    _("  asset {serial_number}: {status}").format(
                        serial_number=asset.serial_number, status=asset.status.value
                    )
                )


@fault_group.command(name="show")
@click.argument("fault_ref", metavar="FAULT")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def fault_show(context: Any, fault_ref: str, fmt: str) -> None:
    """Everything about one fault: times against targets, diagnosis, known problem,
    loaner, escalation, warranty decision and every change of its times."""
    from assettrack.services.faults import FaultService

    with open_store(context, read_only=True) as store:
        service = FaultService(
            store, service_config(context), warranty_rules=context.warranty_rules
        )
        detail = service.detail(service.find(fault_ref), now_of(context))
    if fmt == "json":
        record = fault_record(detail, detail.known_problem)
        record["suggestions"] = [
            {"id": m.problem.id, "title": m.problem.title, "score": m.score}
            for m in detail.suggestions
        ]
        record["made_into_known_problem"] = detail.made_problem.id if detail.made_problem else ""
        record["asset_in_warranty"] = detail.asset_in_warranty
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    print_fault_page(detail)


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
    for level in service_config(context).severity.levels.values():
        click.echo(
            _(
                "{level}  {name:10} respond {respond:6} on site {on_site:6} resolve {resolve:6} "
                "{description}"
            ).format(
                level=level.level,
                name=_(level.name),
                respond=minutes(level.respond_within) or "-",
                on_site=minutes(level.on_site_within) or "-",
                resolve=minutes(level.resolve_within) or "-",
                description=_(level.description),
            )
        )


# -- known problems -----------------------------------------------------------------------
