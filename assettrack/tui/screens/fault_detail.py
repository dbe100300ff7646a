"""One fault from the call to its resolution: times against the targets, diagnosis, known
problem, loaner, escalation to the manufacturer, warranty decision, the photos and files
attached as evidence, and every time change."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from assettrack.domain.attachments import AttachmentTarget
from assettrack.domain.faults import (
    RESPONSE_TIMES,
    SlaCheck,
    exclusion_label,
)
from assettrack.domain.models import Fault
from assettrack.errors import AssetTrackError
from assettrack.i18n import N_, _, pgettext
from assettrack.i18n.errors import error_text
from assettrack.i18n.terms import FAULT_STATES, REPORTED_VIA, SLA, SLA_TARGETS, term, time_name
from assettrack.services.attachments import NOT_HERE
from assettrack.services.faults import FaultDetail, FaultService
from assettrack.tui.attach_flows import attach_file
from assettrack.tui.context import TuiContext
from assettrack.tui.fault_flows import edit_times, shown, stamp_now, time_label
from assettrack.tui.key_lines import key_lines
from assettrack.tui.screens import fault_forms
from assettrack.tui.widgets.footer import Footer

SLA_STYLE = {"met": "green", "missed": "bold red", "pending": "yellow", "no_target": "dim"}
CHECK_OF = {"responded_at": "respond", "on_site_at": "on_site", "resolved_at": "resolve"}
# Every key of the screen, on screen (the footer cannot hold them at 80 columns): two lines.
KEY_LINES = (
    (
        ("1", N_("responded")),
        ("2", N_("on site")),
        ("3", N_("resolved now")),
        ("t", N_("type times")),
        ("e", N_("details")),
        ("w", N_("warranty")),
    ),
    (
        ("k", N_("attach known problem")),
        ("p", N_("make known problem")),
        ("l", N_("loaner")),
        ("r", N_("RMA/escalation")),
    ),
    (("a", N_("attach a photo or file (or those dropped into the inbox folder)")),),
)


def duration(delta: timedelta | None) -> str:
    if delta is None:
        return ""
    total = int(delta / timedelta(minutes=1))
    if total >= 60:
        return _("{hours}h{minutes:02d}").format(hours=total // 60, minutes=total % 60)
    return _("{minutes} min").format(minutes=total)


def _state(check: SlaCheck) -> Text:
    if check.at_risk:
        return Text(_("at risk"), style="bold dark_orange")
    return Text(term(SLA, check.status.value), style=SLA_STYLE[check.status.value])


def _grid() -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True, min_width=13)  # the parts' values align
    grid.add_column()
    return grid


class FaultDetailScreen(Screen[None]):
    DEFAULT_CSS = """
    FaultDetailScreen #fault-body { height: 1fr; padding: 0 1; }
    FaultDetailScreen #fault-body > Static { margin-bottom: 1; }
    FaultDetailScreen #fault-notice { color: $error; text-style: bold; margin-bottom: 0; }
    FaultDetailScreen #fault-keys { height: auto; padding: 0 1; background: $boost; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back")),
        Binding("1", "stamp('responded_at')", N_("Responded"), show=False),
        Binding("2", "stamp('on_site_at')", N_("On site"), show=False),
        Binding("3", "stamp('resolved_at')", N_("Resolved"), show=False),
        Binding("t", "times", N_("Times"), show=False),
        Binding("e", "details", N_("Details"), show=False),
        Binding("w", "warranty", N_("Warranty"), show=False),
        Binding("k", "attach", N_("Known problem"), show=False),
        Binding("p", "make_known", N_("Make known problem"), show=False),
        Binding("l", "loaner", N_("Loaner"), show=False),
        Binding("r", "escalation", N_("RMA"), show=False),
        Binding("a", "attach_file", N_("Attach"), show=False),
    ]

    def __init__(self, context: TuiContext, fault: Fault) -> None:
        super().__init__()
        self.context = context
        self.fault = fault
        self.detail: FaultDetail | None = None

    @property
    def service(self) -> FaultService:
        service = self.context.faults
        assert service is not None
        return service

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="fault-body"):
            for part in ("notice", "head", "times", "report", "known", "unit", "files", "audit"):
                yield Static(id=f"fault-{part}")
        yield Static(key_lines(KEY_LINES), id="fault-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_detail()
        self.query_one("#fault-body").focus()

    def on_screen_resume(self) -> None:
        self.refresh_detail()

    def retranslate(self) -> None:
        self.query_one("#fault-keys", Static).update(key_lines(KEY_LINES))
        self.refresh_detail()

    def refresh_detail(self) -> None:
        stored = self.context.register.store.faults.get(self.fault.site_id, self.fault.id)
        self.fault = stored or self.fault
        detail = self.detail = self.service.detail(self.fault)
        fault, level = detail.fault, detail.sla.level
        self.title = _("Fault · level {level} {name} · {site}").format(
            level=fault.severity, name=_(level.name), site=detail.site_name
        )
        self._show("notice", self._notice(detail))
        self._show("head", self._head(detail))
        self._show("times", self._times(detail))
        self._show("report", self._report(fault))
        self._show("known", self._known(detail))
        self._show("unit", self._unit(detail))
        self._show("files", self._files())
        self._show("audit", self._audit(fault))

    def _show(self, part: str, content: object) -> None:
        widget = self.query_one(f"#fault-{part}", Static)
        widget.display = content is not None
        widget.update(content or "")  # type: ignore[arg-type]

    # -- the parts -------------------------------------------------------------------------

    @staticmethod
    def _notice(detail: FaultDetail) -> Text | None:
        resolve = detail.sla.resolution
        if detail.escalation_proposed:
            return Text(
                _(
                    "⚠ Escalation to the manufacturer proposed: the {target} resolution target "
                    "passed at {moment} with the fault open. Press r to record the RMA or case."
                ).format(target=duration(resolve.within), moment=shown(resolve.deadline))
            )
        late = [c for c in detail.sla.all_checks if c.at_risk]
        if late:
            names = ", ".join(
                _("{target} by {moment}").format(
                    target=term(SLA_TARGETS, c.target), moment=shown(c.deadline)
                )
                for c in late
            )
            return Text(_("⚠ At risk: {targets}").format(targets=names))
        return None

    @staticmethod
    def _head(detail: FaultDetail) -> Text:
        fault, level = detail.fault, detail.sla.level
        state = (
            (term(FAULT_STATES, "resolved"), "green")
            if fault.resolved_at
            else (term(FAULT_STATES, "open"), "bold")
        )
        site = f"{detail.site.customer} / {detail.site.name}" if detail.site else "?"
        asset = detail.asset
        via = term(REPORTED_VIA, fault.reported_via.value)
        return Text.assemble(
            (
                _("Level {level} {name}").format(level=fault.severity, name=_(level.name)),
                "bold",
            ),
            f" ({_(level.description)})" if level.description else "",
            "\n",
            state,
            _(" · reported by {via} · {site}").format(via=via, site=site),
            f" · {asset.serial_number} {asset.vendor} {asset.model}" if asset else "",
            _(" · engineer {name}").format(name=fault.engineer) if fault.engineer else "",
        )

    @staticmethod
    def _times(detail: FaultDetail) -> Table:
        table = Table(box=None, expand=False, padding=(0, 2, 0, 0), header_style="bold")
        for column in (N_("Time"), N_("When"), N_("Took"), N_("Target"), N_("State"), N_("Due")):
            table.add_column(_(column), no_wrap=True)
        checks = {c.target: c for c in detail.sla.all_checks}
        for name in RESPONSE_TIMES:
            when = shown(getattr(detail.fault, name))
            check = checks.get(CHECK_OF.get(name, ""))
            if check is None or check.within is None:
                table.add_row(time_label(name), when, "", "", "", "")
                continue
            due = shown(check.deadline) if check.took is None else ""
            table.add_row(
                time_label(name),
                when,
                duration(check.took),
                duration(check.within),
                _state(check),
                due,
            )
        return table

    @staticmethod
    def _report(fault: Fault) -> Table:
        grid = _grid()
        for label, value in (
            (_("Symptom"), fault.symptom),
            (_("Cause"), fault.cause),
            (pgettext("fault", "Result"), fault.result),
            (_("Diagnosis"), fault.diagnosis),
            (_("Resolution"), fault.resolution),
            (_("Spare parts"), ", ".join(fault.spare_parts)),
        ):
            grid.add_row(label, Text(value) if value else Text("—", style="dim"))
        return grid

    @staticmethod
    def _known(detail: FaultDetail) -> Table:
        grid = _grid()
        known = detail.known_problem
        if known:
            grid.add_row(
                _("Known problem"), Text.assemble((known.title, "bold"), f" — {known.solution}")
            )
        else:
            grid.add_row(_("Known problem"), Text(_("none attached (k attaches one)"), style="dim"))
        if detail.made_problem and detail.made_problem is not known:
            grid.add_row(_("Made into"), detail.made_problem.title)
        if not known:
            for number, match in enumerate(detail.suggestions[:3], 1):
                grid.add_row(
                    _("Seen before") if number == 1 else "",
                    f"{match.score:.2f} {match.problem.title} — {match.problem.solution}",
                )
        return grid

    @staticmethod
    def _unit(detail: FaultDetail) -> Table:
        fault = detail.fault
        grid = _grid()
        if fault.loaner_serial:
            loaner = _("{serial} · out {out} · back {back}").format(
                serial=fault.loaner_serial,
                out=shown(fault.loaner_out_at),
                back=shown(fault.loaner_returned_at),
            )
        else:
            loaner = _("none")
        grid.add_row(_("Loaner"), loaner)
        if fault.escalation_rma or fault.escalation_case or fault.sent_for_repair_at:
            escalation = _("RMA {rma} · case {case} · sent {sent} · returned {returned}").format(
                rma=fault.escalation_rma or "—",
                case=fault.escalation_case or "—",
                sent=shown(fault.sent_for_repair_at),
                returned=shown(fault.unit_returned_at),
            )
        else:
            escalation = _("not escalated")
        grid.add_row(_("Manufacturer"), escalation)
        grid.add_row(_("Warranty"), FaultDetailScreen._warranty(detail))
        return grid

    @staticmethod
    def _warranty(detail: FaultDetail) -> Text:
        fault = detail.fault
        action = f" · {fault.repair_action}" if fault.repair_action else ""
        if fault.warranty_covered is True:
            return Text(_("covered") + action, style="green")
        if fault.warranty_covered is False:
            label = _(exclusion_label(fault.warranty_exclusion))
            return Text(
                _("not covered: {reason} (billable)").format(reason=label) + action, style="bold"
            )
        register = {
            True: _("under warranty"),
            False: _("out of warranty"),
            None: _("warranty unknown"),
        }
        return Text(
            _("not decided · the register says {status}").format(
                status=register[detail.asset_in_warranty]
            )
            + action,
            style="yellow",
        )

    def _files(self) -> Group | Text | None:
        """The evidence attached: name, size, when, and whether the file is here."""
        service = self.context.attachments
        if service is None:
            return None
        listed = service.listed(service.for_record(AttachmentTarget.FAULT, self.fault))
        if not listed:
            return Text(_("Files: none (a attaches a photo or a document)"), style="dim")
        table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold")
        for column in (N_("File"), N_("Size"), N_("Added"), N_("By")):
            table.add_column(_(column), no_wrap=column != "File")
        for entry in listed:
            name = Text(entry.attachment.name)
            if entry.attachment.caption:
                name.append(f" — {entry.attachment.caption}", style="dim")
            if not entry.on_disk:
                name.append(f" ({_(NOT_HERE)})", style="yellow")
            table.add_row(name, entry.size, entry.added, entry.attachment.added_by)
        return Group(Text(_("Files ({count})").format(count=len(listed)), style="bold"), table)

    @staticmethod
    def _audit(fault: Fault) -> Group | Text:
        if not fault.time_changes:
            return Text(_("Time changes: none"), style="dim")
        table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold")
        for column in (N_("Changed"), N_("By"), N_("Time"), N_("Old → new")):
            table.add_column(_(column), no_wrap=True)
        for change in reversed(fault.time_changes):  # newest first
            table.add_row(
                shown(change.at),
                change.by or "?",
                time_name(change.name),
                f"{shown(change.old)} → {shown(change.new)}",
            )
        return Group(Text(_("Time changes"), style="bold"), table)

    # -- actions ---------------------------------------------------------------------------

    def action_stamp(self, name: str) -> None:
        stamp_now(self, self.service, self.fault, name, self.refresh_detail)

    def action_times(self) -> None:
        edit_times(self, self.service, self.fault, self.refresh_detail)

    def action_details(self) -> None:
        fault_forms.edit_details(self, self.service, self.fault, self.refresh_detail)

    def action_loaner(self) -> None:
        fault_forms.edit_loaner(self, self.service, self.fault, self.refresh_detail)

    def action_escalation(self) -> None:
        fault_forms.edit_escalation(self, self.service, self.fault, self.refresh_detail)

    def action_warranty(self) -> None:
        in_warranty = self.detail.asset_in_warranty if self.detail else None
        fault_forms.edit_warranty(self, self.service, self.fault, self.refresh_detail, in_warranty)

    def action_attach(self) -> None:
        from assettrack.tui.screens.known_problem_picker import DETACH, KnownProblemPicker

        detail = self.detail or self.service.detail(self.fault)
        others = self.service.known_problems.all()  # after the similar ones
        if not others and not self.fault.known_problem_id:
            self.notify(_("The known-problem base is empty (F9)"), severity="warning")
            return

        def chosen(problem_id: str | None) -> None:
            if problem_id is None:
                return
            try:
                self.service.attach_known_problem(
                    self.fault, None if problem_id == DETACH else problem_id
                )
            except AssetTrackError as exc:
                self.notify(error_text(exc), severity="error")
                return
            known = self.service.known_problem(self.fault)
            self.notify(
                _("Known problem: {title}").format(title=known.title)
                if known
                else _("Known problem detached")
            )
            self.refresh_detail()

        self.app.push_screen(
            KnownProblemPicker(detail.suggestions, others, self.fault.known_problem_id), chosen
        )

    def action_attach_file(self) -> None:
        attach_file(
            self.app,
            self.context,
            AttachmentTarget.FAULT,
            self.fault.id,
            done=self.refresh_detail,
        )

    def action_make_known(self) -> None:
        try:
            problem = self.service.make_known_problem(self.fault)
        except AssetTrackError as exc:
            self.notify(error_text(exc), severity="error")
            return
        self.notify(_("New known problem: {title}").format(title=problem.title))
        self.refresh_detail()
