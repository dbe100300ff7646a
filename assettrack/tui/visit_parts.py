"""What the visit screen shows, part by part: the state line, the devices with what is left
to inspect, faults, hazards, changes and upgrades, the survey, photos and files, notes."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group
from rich.table import Table
from rich.text import Text

from assettrack.domain.models import Visit, VisitKind
from assettrack.i18n import N_, _, pgettext
from assettrack.i18n.formats import format_datetime
from assettrack.i18n.terms import FAULT_STATES, INSPECTION_STATES, survey_scale, term
from assettrack.services.attachments import AttachmentService, describe
from assettrack.services.record_texts import record_text
from assettrack.services.visit_record import Progress, VisitRecordService
from assettrack.tui.widgets.fast_table import Column, Row

DEVICE_COLUMNS = (
    Column("state", "", min_width=1, max_width=1),
    Column("device", N_("Device"), max_width=22),
    Column("serial", N_("Serial"), max_width=16),
    Column("location", N_("Location"), max_width=18),
    Column("record", N_("Inspection"), min_width=9),
    Column("failed", N_("Failed items"), max_width=36),
)
RECORD_STYLE = {"draft": "yellow", "complete": "green", "signed": "bold green"}


def _grid() -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True, min_width=12)
    grid.add_column()
    return grid


def when(moment: datetime | None) -> str:
    """A time in a sentence, as the language writes it (``2026年12月1日 09:30``)."""
    return format_datetime(moment) if moment else "—"


class VisitParts:
    """Renders a visit's parts from the record service (and the attachments, if any)."""

    def __init__(self, record: VisitRecordService, attachments: AttachmentService | None) -> None:
        self.record = record
        self.attachments = attachments

    def head(self, visit: Visit, progress: Progress) -> Text:
        if visit.sign_off is not None:
            state = Text(
                _("Signed by {name} {moment} · A amends").format(
                    name=visit.sign_off.representative,
                    moment=f"{visit.sign_off.signed_at:%m-%d %H:%M}",
                ),
                style="bold green",
            )
        elif visit.completed_at is not None:
            state = Text(_("Complete · s: the customer signs"), style="cyan")
        else:
            state = Text(_("Open · c completes it"), style="bold")
        remaining = progress.remaining
        count_style = "green" if not remaining else "yellow"
        line = Text.assemble(
            state,
            " · ",
            (
                _("{inspected}/{devices} devices inspected").format(
                    inspected=progress.inspected, devices=len(progress.devices)
                ),
                count_style,
            ),
            f" · {visit.engineer or _('no engineer')} · {visit.started_at:%m-%d %H:%M}",
            f"→{visit.ended_at:%H:%M}" if visit.ended_at else "",
        )
        if visit.amends:
            line.append(
                "\n"
                + _("Amends the signed visit {visit}: {reason}").format(
                    visit=visit.amends[:8], reason=visit.amendment_reason
                )
            )
        if remaining and visit.kind is not VisitKind.PHONE_FOLLOW_UP and visit.sign_off is None:
            names = ", ".join(a.hostname or a.serial_number for a in remaining[:6])
            more = f" +{len(remaining) - 6}" if len(remaining) > 6 else ""
            line.append(
                "\n" + _("Still to inspect: {devices}").format(devices=names + more),
                style="yellow",
            )
        return line

    def device_rows(self, progress: Progress) -> list[Row]:
        rows = []
        for asset in progress.devices:
            inspection = progress.inspections.get(asset.id)
            done = progress.done(asset.id)
            state = inspection.state.value if inspection else "to do"
            shown_state = term(INSPECTION_STATES, state) if inspection else _("to do")
            failed = (
                [_(i.label) for i in inspection.items if i.result and i.result.value == "fail"]
                if inspection
                else []
            )
            rows.append(
                Row(
                    asset.id,
                    (
                        Text("✓", style="green") if done else Text("·", style="dim"),
                        asset.hostname or asset.model,
                        asset.serial_number,
                        asset.location,
                        Text(shown_state, style=RECORD_STYLE.get(state, "dim")),
                        Text("; ".join(failed), style="red") if failed else "",
                    ),
                )
            )
        return rows

    def faults(self, visit: Visit) -> Group | Text:
        faults = self.record.faults_of(visit)
        if not faults:
            return Text(_("Faults: none on this visit (f records one found on site)"), style="dim")
        table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold", expand=True)
        heads = (_("Level"), _("Symptom"), _("Cause"), pgettext("fault", "Result"), _("State"))
        for head in heads:
            table.add_column(head, overflow="fold")
        for fault in faults:
            answered = " " + _("(answered)") if fault.id == visit.fault_id else ""
            table.add_row(
                f"{fault.severity}{answered}",
                fault.symptom or "—",
                fault.cause or "—",
                fault.result or "—",
                term(FAULT_STATES, "resolved" if fault.resolved_at else "open"),
            )
        return Group(Text(_("Faults (F opens one)"), style="bold"), table)

    def hazards(self, visit: Visit) -> Table:
        found, removed = self.record.hazards(visit)
        still = [h for h in found if h not in removed]
        grid = _grid()
        grid.add_row(_("Hazards found"), "\n".join(found) or Text(_("none"), style="dim"))
        grid.add_row(_("Removed"), "\n".join(removed) or Text(_("none"), style="dim"))
        if still:
            grid.add_row(_("Still there"), Text("\n".join(still), style="yellow"))
        return grid

    def changes(self, visit: Visit) -> Group:
        changes = self.record.parameter_changes(visit)
        upgrades = self.record.firmware_upgrades(visit)
        table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold", expand=True)
        # "Changed" is the parameter changed here (in a fault's audit it is when).
        heads = (_("Device"), pgettext("parameter change", "Changed"), _("From"), _("To"), _("Why"))
        for head in heads:
            table.add_column(head, overflow="fold")
        for change in changes:
            table.add_row(
                self.device(change.asset_id),
                change.parameter,
                change.old_value or "—",
                change.new_value,
                record_text(change.reason),
            )
        for upgrade in upgrades:
            table.add_row(
                self.device(upgrade.asset_id),
                _("firmware"),
                upgrade.old or "—",
                upgrade.new,
                record_text(upgrade.reason),
            )
        if not changes and not upgrades:
            return Group(Text(_("Parameter changes and firmware upgrades: none"), style="dim"))
        return Group(Text(_("Parameter changes and firmware upgrades"), style="bold"), table)

    def survey(self, visit: Visit) -> Group | None:
        survey = self.record.config.survey
        if not (visit.survey or survey.asked_on(visit.kind)):
            return None
        grid = _grid()
        answers = {a.question_id: a for a in visit.survey}
        for question in survey.questions:
            answer = answers.get(question.id)
            score = (
                Text(f"{answer.score}/{survey.highest}", style="bold")
                if answer and answer.score is not None
                else Text("—", style="dim")
            )
            comment = f"  {answer.comment}" if answer and answer.comment else ""
            grid.add_row(score, Text.assemble(_(question.text), (comment, "italic")))
        if visit.customer_opinion:
            grid.add_row(_("Opinion"), visit.customer_opinion)
        title = _("The customer's survey ({scale})").format(scale=survey_scale(survey))
        return Group(Text(title, style="bold"), grid)

    def notes(self, visit: Visit) -> Table | None:
        if not (visit.notes or visit.not_done or visit.checks):
            return None
        grid = _grid()
        if visit.checks:
            grid.add_row(_("Checks"), "; ".join(visit.checks))
        if visit.not_done:
            grid.add_row(_("Not done"), Text("\n".join(visit.not_done), style="yellow"))
        if visit.notes:
            grid.add_row(_("Notes"), visit.notes)
        return grid

    def evidence(self, visit: Visit) -> Text:
        service = self.attachments
        if service is None:
            return Text("")
        found = [(a, "") for a in service.for_record("visit", visit)]
        for fault in self.record.faults_of(visit):
            found += [(a, _("fault")) for a in service.for_record("fault", fault)]
        for inspection in self.record.inspections_of(visit):
            device = self.device(inspection.asset_id)
            found += [(a, device) for a in service.for_record("inspection", inspection)]
        text = Text(_("Photos and files"), style="bold")
        if not found:
            text.append(" " + _("none"), style="dim")
        for attachment, where in found:
            on = f" · {where}" if where else ""
            missing = "" if service.is_on_disk(attachment) else " · " + _("not on this computer")
            text.append(
                f"\n{describe(attachment)} {attachment.added_at:%H:%M}{on}"
                f"{' — ' + attachment.caption if attachment.caption else ''}{missing}",
                style="" if not missing else "yellow",
            )
        if visit.sign_off is None:
            text.append(
                "\n"
                + _("a attaches a file (it names the folder where dropped files join this visit)"),
                style="dim",
            )
        return text

    def device(self, asset_id: str | None) -> str:
        asset = self.record.store.assets.get(asset_id) if asset_id else None
        return (asset.hostname or asset.serial_number) if asset else "site"
