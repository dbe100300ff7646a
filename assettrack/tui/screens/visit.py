"""One visit, the frame of a field day: the site's devices and what is left to inspect, the
faults, hazards, changes and upgrades, the customer's survey, completion, sign-off and the
maintenance record."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from assettrack.domain.models import Asset, Inspection, InspectionState, Visit, VisitKind
from assettrack.errors import AssetTrackError
from assettrack.services.attachments import describe
from assettrack.services.faults import FaultService
from assettrack.services.reports import KIND_LABELS
from assettrack.services.visit_record import Progress, VisitRecordService
from assettrack.tui import visit_forms
from assettrack.tui.context import TuiContext
from assettrack.tui.widgets.fast_table import Column, FastTable, Row

DEVICE_COLUMNS = (
    Column("state", "", min_width=1, max_width=1),
    Column("device", "Device", max_width=22),
    Column("serial", "Serial", max_width=16),
    Column("location", "Location", max_width=18),
    Column("record", "Inspection", min_width=9),
    Column("failed", "Failed items", max_width=36),
)
INBOX_EVERY = 2.0  # seconds between looks into the inbox folder
RECORD_STYLE = {"draft": "yellow", "complete": "green", "signed": "bold green"}
# Every key on screen, in two lines that fit 80 columns (the footer cannot hold them).
KEY_LINES = (
    (
        ("Enter", "inspect"),
        ("f", "fault"),
        ("F", "open fault"),
        ("h", "hazard"),
        ("x", "removed"),
        ("p", "change"),
        ("u", "upgrade"),
    ),
    (
        ("q", "survey"),
        ("a", "attach"),
        ("e", "edit"),
        ("c", "complete"),
        ("s", "sign"),
        ("r", "record"),
        ("A", "amend"),
        ("D", "remove"),
    ),
)
# Keys that change the visit: refused with the reason on a signed one.
CHANGES = frozenset(
    {
        "fault",
        "hazard",
        "removed",
        "change",
        "upgrade",
        "survey",
        "attach",
        "edit",
        "complete",
        "sign",
        "remove",
    }
)


def _grid() -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True, min_width=12)
    grid.add_column()
    return grid


def _when(moment: object) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "—"


class VisitScreen(Screen[None]):
    DEFAULT_CSS = """
    VisitScreen #visit-head { height: auto; padding: 0 1; background: $boost; }
    VisitScreen #visit-devices { height: 6; }
    VisitScreen #visit-body { height: 1fr; padding: 0 1; }
    VisitScreen #visit-body > Static { margin-bottom: 1; }
    VisitScreen #visit-keys { height: auto; padding: 0 1; background: $boost; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("f", "fault", "Fault", show=False),
        Binding("F", "open_fault", "Open fault", show=False),
        Binding("h", "hazard", "Hazard", show=False),
        Binding("x", "removed", "Removed", show=False),
        Binding("p", "change", "Change", show=False),
        Binding("u", "upgrade", "Upgrade", show=False),
        Binding("q", "survey", "Survey", show=False),
        Binding("a", "attach", "Attach", show=False),
        Binding("e", "edit", "Edit", show=False),
        Binding("c", "complete", "Complete", show=False),
        Binding("s", "sign", "Sign", show=False),
        Binding("r", "write_record", "Record", show=False),
        Binding("o", "open_record", "Open record", show=False),
        Binding("A", "amend", "Amend", show=False),
        Binding("D", "remove", "Remove", show=False),
    ]

    def __init__(self, context: TuiContext, visit: Visit) -> None:
        super().__init__()
        self.context = context
        self.visit = visit
        visits = context.visits
        assert visits is not None
        self.record = VisitRecordService(
            context.register.store, visits.config, visits.engineer, visits.clock
        )
        self.progress: Progress | None = None
        self.written: Path | None = None  # the record PDF last written from here
        self.warned: set[str] = set()

    @property
    def faults(self) -> FaultService:
        service = self.context.faults
        assert service is not None
        return service

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="visit-head")
        yield FastTable(DEVICE_COLUMNS, id="visit-devices")
        with VerticalScroll(id="visit-body"):
            for part in ("faults", "hazards", "changes", "survey", "evidence", "notes"):
                yield Static(id=f"visit-{part}")
        yield Static(self._keys(), id="visit-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_visit()
        self.query_one(FastTable).focus()
        # The watched folder: files dropped into the inbox join the visit on screen.
        self.set_interval(INBOX_EVERY, self.take_inbox)

    def on_screen_resume(self) -> None:
        self.refresh_visit()

    # -- the view ----------------------------------------------------------------------------

    def refresh_visit(self) -> None:
        store = self.context.register.store
        self.visit = store.visits.get(self.visit.site_id, self.visit.id) or self.visit
        visit, record = self.visit, self.record
        site = record.site_of(visit)
        kind = KIND_LABELS.get(visit.kind.value, visit.kind.value)
        self.title = f"Visit · {kind}{' · amendment' if visit.amends else ''}"
        self.sub_title = f"{site.customer} / {site.name}"
        progress = self.progress = record.progress(visit)
        self.query_one("#visit-head", Static).update(self._head(visit, progress))
        table = self.query_one(FastTable)
        rows = self._device_rows(progress)
        table.set_rows(rows)
        self._size_devices()
        self._show("faults", self._faults(visit))
        self._show("hazards", self._hazards(visit))
        self._show("changes", self._changes(visit))
        self._show("survey", self._survey(visit))
        self._show("evidence", self._evidence(visit))
        self._show("notes", self._notes(visit))

    def on_resize(self) -> None:
        self._size_devices()

    def _size_devices(self) -> None:
        # Enough rows to pick from, and room left below for the record at 24 lines.
        table = self.query_one(FastTable)
        fits = max(3, (self.size.height - 12) // 2)
        # A row more for the horizontal scroll bar when the columns are wider than the screen.
        scroll_bar = 1 if table.total_width > self.size.width - 2 else 0
        table.styles.height = min(len(table.rows), fits, 12) + 1 + scroll_bar

    def _show(self, part: str, content: object) -> None:
        widget = self.query_one(f"#visit-{part}", Static)
        widget.display = content is not None
        widget.update(content or "")  # type: ignore[arg-type]

    @staticmethod
    def _keys() -> Text:
        text = Text()
        for number, keys in enumerate(KEY_LINES):
            text.append("\n" if number else "")
            for key, label in keys:
                text.append(key, style="bold reverse")
                text.append(f" {label}  ")
        return text

    def _head(self, visit: Visit, progress: Progress) -> Text:
        if visit.sign_off is not None:
            state = Text(
                f"Signed by {visit.sign_off.representative} "
                f"{visit.sign_off.signed_at:%m-%d %H:%M} · A amends",
                style="bold green",
            )
        elif visit.completed_at is not None:
            state = Text("Complete · s: the customer signs", style="cyan")
        else:
            state = Text("Open · c completes it", style="bold")
        remaining = progress.remaining
        count_style = "green" if not remaining else "yellow"
        line = Text.assemble(
            state,
            " · ",
            (progress.line(), count_style),
            f" · {visit.engineer or 'no engineer'} · {visit.started_at:%m-%d %H:%M}",
            f"→{visit.ended_at:%H:%M}" if visit.ended_at else "",
        )
        if visit.amends:
            line.append(f"\nAmends the signed visit {visit.amends[:8]}: {visit.amendment_reason}")
        if remaining and visit.kind is not VisitKind.PHONE_FOLLOW_UP and visit.sign_off is None:
            names = ", ".join(a.hostname or a.serial_number for a in remaining[:6])
            more = f" +{len(remaining) - 6}" if len(remaining) > 6 else ""
            line.append(f"\nStill to inspect: {names}{more}", style="yellow")
        return line

    def _device_rows(self, progress: Progress) -> list[Row]:
        rows = []
        for asset in progress.devices:
            inspection = progress.inspections.get(asset.id)
            done = progress.done(asset.id)
            state = inspection.state.value if inspection else "to do"
            failed = (
                [i.label for i in inspection.items if i.result and i.result.value == "fail"]
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
                        Text(state, style=RECORD_STYLE.get(state, "dim")),
                        Text("; ".join(failed), style="red") if failed else "",
                    ),
                )
            )
        return rows

    def _faults(self, visit: Visit) -> Group | Text:
        faults = self.record.faults_of(visit)
        if not faults:
            return Text("Faults: none on this visit (f records one found on site)", style="dim")
        table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold", expand=True)
        for column in ("Level", "Symptom", "Cause", "Result", "State"):
            table.add_column(column, overflow="fold")
        for fault in faults:
            answered = " (answered)" if fault.id == visit.fault_id else ""
            table.add_row(
                f"{fault.severity}{answered}",
                fault.symptom or "—",
                fault.cause or "—",
                fault.result or "—",
                "resolved" if fault.resolved_at else "open",
            )
        return Group(Text("Faults (F opens one)", style="bold"), table)

    def _hazards(self, visit: Visit) -> Table:
        found, removed = self.record.hazards(visit)
        still = [h for h in found if h not in removed]
        grid = _grid()
        grid.add_row("Hazards found", "\n".join(found) or Text("none", style="dim"))
        grid.add_row("Removed", "\n".join(removed) or Text("none", style="dim"))
        if still:
            grid.add_row("Still there", Text("\n".join(still), style="yellow"))
        return grid

    def _changes(self, visit: Visit) -> Group:
        changes = self.record.parameter_changes(visit)
        upgrades = self.record.firmware_upgrades(visit)
        table = Table(box=None, padding=(0, 2, 0, 0), header_style="bold", expand=True)
        for column in ("Device", "Changed", "From", "To", "Why"):
            table.add_column(column, overflow="fold")
        for change in changes:
            table.add_row(
                self._device(change.asset_id),
                change.parameter,
                change.old_value or "—",
                change.new_value,
                change.reason,
            )
        for upgrade in upgrades:
            table.add_row(
                self._device(upgrade.asset_id),
                "firmware",
                upgrade.old or "—",
                upgrade.new,
                upgrade.reason,
            )
        if not changes and not upgrades:
            return Group(Text("Parameter changes and firmware upgrades: none", style="dim"))
        return Group(Text("Parameter changes and firmware upgrades", style="bold"), table)

    def _survey(self, visit: Visit) -> Group | None:
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
            grid.add_row(score, Text.assemble(question.text, (comment, "italic")))
        if visit.customer_opinion:
            grid.add_row("Opinion", visit.customer_opinion)
        return Group(Text(f"The customer's survey ({survey.scale()})", style="bold"), grid)

    def _notes(self, visit: Visit) -> Table | None:
        if not (visit.notes or visit.not_done or visit.checks):
            return None
        grid = _grid()
        if visit.checks:
            grid.add_row("Checks", "; ".join(visit.checks))
        if visit.not_done:
            grid.add_row("Not done", Text("\n".join(visit.not_done), style="yellow"))
        if visit.notes:
            grid.add_row("Notes", visit.notes)
        return grid

    def _evidence(self, visit: Visit) -> Text:
        service = self.context.attachments
        if service is None:
            return Text("")
        found = [(a, "") for a in service.for_record("visit", visit)]
        for fault in self.record.faults_of(visit):
            found += [(a, "fault") for a in service.for_record("fault", fault)]
        for inspection in self.record.inspections_of(visit):
            device = self._device(inspection.asset_id)
            found += [(a, device) for a in service.for_record("inspection", inspection)]
        text = Text("Photos and files", style="bold")
        if not found:
            text.append(" none", style="dim")
        for attachment, where in found:
            on = f" · {where}" if where else ""
            missing = "" if service.is_on_disk(attachment) else " · not on this computer"
            text.append(
                f"\n{describe(attachment)} {attachment.added_at:%H:%M}{on}"
                f"{' — ' + attachment.caption if attachment.caption else ''}{missing}",
                style="" if not missing else "yellow",
            )
        if visit.sign_off is None:
            text.append(
                "\na attaches a file (it names the folder where dropped files join this visit)",
                style="dim",
            )
        return text

    def take_inbox(self) -> None:
        service = self.context.attachments
        if service is None or self.visit.sign_off is not None or self.app.screen is not self:
            return
        problems: list[str] = []
        try:
            taken = service.scan_inbox("visit", self.visit.id, problems=problems)
        except AssetTrackError as exc:
            problems.append(str(exc))
            taken = []
        if taken:
            names = ", ".join(describe(a) for a in taken)
            self.notify(f"Attached from the inbox: {names}")
            self.refresh_visit()
        for problem in problems:
            if problem not in self.warned:  # a file that stays is said once, not every look
                self.warned.add(problem)
                self.notify(f"Inbox: {problem}", severity="warning", timeout=8)

    def _device(self, asset_id: str | None) -> str:
        asset = self.context.register.store.assets.get(asset_id) if asset_id else None
        return (asset.hostname or asset.serial_number) if asset else "site"

    # -- keys --------------------------------------------------------------------------------

    def _changeable(self) -> bool:
        signed = self.visit.sign_off
        if signed is None:
            return True
        self.notify(
            f"Signed by {signed.representative} on {_when(signed.signed_at)}: "
            "A makes an amendment to correct it",
            severity="warning",
        )
        return False

    def _saved(self, message: str) -> visit_forms.Done:
        def done(_result: object) -> None:
            self.refresh_visit()
            self.notify(message)

        return done

    @on(FastTable.RowSelected, "#visit-devices")
    def _inspect(self, event: FastTable.RowSelected) -> None:
        asset = self.context.register.store.assets.get(event.key)
        if asset is not None:
            self.inspect(asset)

    def inspect(self, asset: Asset) -> None:
        """Open the device's record of this visit, or start one that belongs to it."""
        from assettrack.tui.screens.inspection import InspectionScreen

        progress = self.progress or self.record.progress(self.visit)
        existing = progress.inspections.get(asset.id)
        try:
            if self.visit.sign_off is not None:
                if existing is None:
                    self.notify("Not inspected on this signed visit", severity="warning")
                    return
                record: Inspection = existing  # read only: the customer signed it
            elif self.visit.amends and existing is not None and existing.visit_id != self.visit.id:
                record = self.record.amend_inspection(self.visit, existing)
                self.notify("A copy of the signed record, to correct in this amendment")
            elif existing is not None and existing.state is not InspectionState.DRAFT:
                record = existing
            else:
                record = self.context.inspections.start(asset, visit_id=self.visit.id)
        except AssetTrackError as exc:
            self.notify(str(exc), severity="error")
            return
        self.app.push_screen(InspectionScreen(self.context, asset, record))

    def action_fault(self) -> None:
        if self._changeable():
            visit_forms.record_fault(
                self,
                self.faults,
                self.record,
                self.visit,
                self._saved("Fault recorded on this visit"),
            )

    def action_open_fault(self) -> None:
        from assettrack.tui.screens.fault_detail import FaultDetailScreen
        from assettrack.tui.screens.form_modal import Field, FormModal

        faults = self.record.faults_of(self.visit)
        if not faults:
            self.notify("No fault on this visit", severity="warning")
            return
        if len(faults) == 1:
            self.app.push_screen(FaultDetailScreen(self.context, faults[0]))
            return
        by_id = {f.id: f for f in faults}
        choices = [(f"S{f.severity} {f.symptom or 'no symptom'}"[:60], f.id) for f in faults]

        def opened(fault_id: object) -> None:
            if isinstance(fault_id, str) and fault_id in by_id:
                self.app.push_screen(FaultDetailScreen(self.context, by_id[fault_id]))

        self.app.push_screen(
            FormModal(
                "Open a fault",
                [Field("fault", "Fault", faults[0].id, choices=choices)],
                lambda v: v["fault"],
            ),
            opened,
        )

    def action_hazard(self) -> None:
        if self._changeable():
            visit_forms.add_hazard(self, self.record, self.visit, self._saved("Hazard recorded"))

    def action_removed(self) -> None:
        if self._changeable():
            visit_forms.mark_removed(self, self.record, self.visit, self._saved("Hazard updated"))

    def action_change(self) -> None:
        if self._changeable():
            visit_forms.add_parameter_change(
                self, self.record, self.visit, self._saved("Parameter change recorded")
            )

    def action_upgrade(self) -> None:
        if self._changeable():
            visit_forms.add_firmware_upgrade(
                self,
                self.record,
                self.visit,
                self._saved("Firmware upgrade recorded; the register has the new version"),
            )

    def action_survey(self) -> None:
        if self._changeable():
            visit_forms.answer_survey(
                self, self.record, self.visit, self._saved("Survey answers kept")
            )

    def action_attach(self) -> None:
        from assettrack.tui.attach_flows import attach_file

        if self._changeable():
            attach_file(self.app, self.context, "visit", self.visit.id, done=self.refresh_visit)

    def action_edit(self) -> None:
        if self._changeable():
            visit_forms.edit_visit(self, self.record, self.visit, self._saved("Visit saved"))

    def action_complete(self) -> None:
        if not self._changeable():
            return
        if self.visit.completed_at is not None:
            self.notify("Already complete: s has the customer sign it", severity="information")
            return
        visit_forms.complete(
            self, self.record, self.visit, self._saved("Visit complete: s has the customer sign it")
        )

    def action_sign(self) -> None:
        if self._changeable():
            visit_forms.sign(
                self,
                self.record,
                self.visit,
                self._saved("Signed: the visit and its inspections are locked"),
            )

    def action_amend(self) -> None:
        if self.visit.sign_off is None:
            self.notify("Not signed yet: change the visit directly", severity="warning")
            return

        def opened(amendment: object) -> None:
            if isinstance(amendment, Visit):
                self.app.push_screen(VisitScreen(self.context, amendment))

        visit_forms.amend(self, self.record, self.visit, opened)

    def action_remove(self) -> None:
        from assettrack.tui.screens.dialogs import ConfirmModal

        if not self._changeable():
            return
        if not self.record.is_empty(self.visit):
            self.notify("This visit holds records and is kept: e corrects it", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.record.remove(self.visit)
            except AssetTrackError as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify("Visit removed")
            self.app.pop_screen()

        self.app.push_screen(
            ConfirmModal("Remove this visit?", "It holds nothing yet. Remove it?", yes="Remove"),
            answered,
        )

    def action_write_record(self) -> None:
        """The maintenance record as PDF and Markdown, where exports go."""
        from assettrack.files import FileWriteError
        from assettrack.services.report_render import write_report
        from assettrack.services.reports import ReportService

        visit = self.visit
        site = self.record.site_of(visit)
        stem = f"maintenance-record-{site.name}-{visit.started_at:%Y-%m-%d}-{visit.id[:8]}"
        folder = self.context.export_folder
        try:
            report = ReportService(
                self.context.register.store, self.record.config, self.record.clock
            ).visit_record_report(visit)
            folder.mkdir(parents=True, exist_ok=True)
            write_report(report, "pdf", folder / f"{stem}.pdf")
            write_report(report, "md", folder / f"{stem}.md")
        except (AssetTrackError, FileWriteError, OSError) as exc:
            self.notify(f"No record written: {exc}", severity="error")
            return
        self.written = folder / f"{stem}.pdf"
        unsigned = "" if visit.sign_off else " (not signed yet)"
        self.notify(
            f"Maintenance record{unsigned} written to {self.written} and .md · o opens it",
            timeout=10,
        )

    def action_open_record(self) -> None:
        import click

        if self.written is None or not self.written.exists():
            self.notify("Write the record first (r)", severity="warning")
            return
        if click.launch(str(self.written)) != 0:
            self.notify(f"No viewer opened it: the file is {self.written}", severity="warning")
