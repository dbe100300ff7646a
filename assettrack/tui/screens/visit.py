"""One visit, the frame of a field day: the site's devices and what is left to inspect, the
faults, hazards, changes and upgrades, the customer's survey, completion, sign-off and the
maintenance record."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from assettrack.domain.models import Asset, Inspection, InspectionState, Visit
from assettrack.errors import AssetTrackError
from assettrack.i18n import N_, _
from assettrack.i18n.errors import error_text
from assettrack.services.attachments import describe
from assettrack.services.faults import FaultService
from assettrack.services.reports import KIND_LABELS
from assettrack.services.visit_record import Progress, VisitRecordService
from assettrack.tui import visit_forms
from assettrack.tui.context import TuiContext
from assettrack.tui.key_lines import key_lines
from assettrack.tui.visit_parts import DEVICE_COLUMNS, VisitParts, when
from assettrack.tui.widgets.fast_table import FastTable
from assettrack.tui.widgets.footer import Footer

INBOX_EVERY = 2.0  # seconds between looks into the inbox folder
# Every key on screen, in two lines that fit 80 columns (the footer cannot hold them).
KEY_LINES = (
    (
        ("Enter", N_("inspect")),
        ("f", N_("fault")),
        ("F", N_("open fault")),
        ("h", N_("hazard")),
        ("x", N_("removed")),
        ("p", N_("change")),
        ("u", N_("upgrade")),
    ),
    (
        ("q", N_("survey")),
        ("a", N_("attach")),
        ("e", N_("edit")),
        ("c", N_("complete")),
        ("s", N_("sign")),
        ("r", N_("record")),
        ("A", N_("amend")),
        ("D", N_("remove")),
    ),
)


class VisitScreen(Screen[None]):
    DEFAULT_CSS = """
    VisitScreen #visit-head { height: auto; padding: 0 1; background: $boost; }
    VisitScreen #visit-devices { height: 6; }
    VisitScreen #visit-body { height: 1fr; padding: 0 1; }
    VisitScreen #visit-body > Static { margin-bottom: 1; }
    VisitScreen #visit-keys { height: auto; padding: 0 1; background: $boost; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back")),
        Binding("f", "fault", N_("Fault"), show=False),
        Binding("F", "open_fault", N_("Open fault"), show=False),
        Binding("h", "hazard", N_("Hazard"), show=False),
        Binding("x", "removed", N_("Removed"), show=False),
        Binding("p", "change", N_("Change"), show=False),
        Binding("u", "upgrade", N_("Upgrade"), show=False),
        Binding("q", "survey", N_("Survey"), show=False),
        Binding("a", "attach", N_("Attach"), show=False),
        Binding("e", "edit", N_("Edit"), show=False),
        Binding("c", "complete", N_("Complete"), show=False),
        Binding("s", "sign", N_("Sign"), show=False),
        Binding("r", "write_record", N_("Record"), show=False),
        Binding("o", "open_record", N_("Open record"), show=False),
        Binding("A", "amend", N_("Amend"), show=False),
        Binding("D", "remove", N_("Remove"), show=False),
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
        self.parts = VisitParts(self.record, context.attachments)
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
        yield Static(key_lines(KEY_LINES), id="visit-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_visit()
        self.query_one(FastTable).focus()
        # The watched folder: files dropped into the inbox join the visit on screen.
        self.set_interval(INBOX_EVERY, self.take_inbox)

    def on_screen_resume(self) -> None:
        self.refresh_visit()

    # -- the view ----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.query_one("#visit-keys", Static).update(key_lines(KEY_LINES))
        self.refresh_visit()

    def refresh_visit(self) -> None:
        store = self.context.register.store
        self.visit = store.visits.get(self.visit.site_id, self.visit.id) or self.visit
        visit, record = self.visit, self.record
        site = record.site_of(visit)
        kind = _(KIND_LABELS.get(visit.kind.value, visit.kind.value))
        self.title = (
            _("Visit · {kind} · amendment") if visit.amends else _("Visit · {kind}")
        ).format(kind=kind)
        self.sub_title = f"{site.customer} / {site.name}"
        progress = self.progress = record.progress(visit)
        self.query_one("#visit-head", Static).update(self.parts.head(visit, progress))
        table = self.query_one(FastTable)
        rows = self.parts.device_rows(progress)
        table.set_rows(rows)
        self._size_devices()
        self._show("faults", self.parts.faults(visit))
        self._show("hazards", self.parts.hazards(visit))
        self._show("changes", self.parts.changes(visit))
        self._show("survey", self.parts.survey(visit))
        self._show("evidence", self.parts.evidence(visit))
        self._show("notes", self.parts.notes(visit))

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

    def take_inbox(self) -> None:
        service = self.context.attachments
        if service is None or self.visit.sign_off is not None or self.app.screen is not self:
            return
        problems: list[str] = []
        try:
            taken = service.scan_inbox("visit", self.visit.id, problems=problems)
        except AssetTrackError as exc:
            problems.append(error_text(exc))
            taken = []
        if taken:
            names = ", ".join(describe(a) for a in taken)
            self.notify(_("Attached from the inbox: {files}").format(files=names))
            self.refresh_visit()
        for problem in problems:
            if problem not in self.warned:  # a file that stays is said once, not every look
                self.warned.add(problem)
                self.notify(
                    _("Inbox: {problem}").format(problem=problem), severity="warning", timeout=8
                )

    # -- keys --------------------------------------------------------------------------------

    def _changeable(self) -> bool:
        signed = self.visit.sign_off
        if signed is None:
            return True
        self.notify(
            _("Signed by {name} on {moment}: A makes an amendment to correct it").format(
                name=signed.representative, moment=when(signed.signed_at)
            ),
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
                    self.notify(_("Not inspected on this signed visit"), severity="warning")
                    return
                record: Inspection = existing  # read only: the customer signed it
            elif self.visit.amends and existing is not None and existing.visit_id != self.visit.id:
                record = self.record.amend_inspection(self.visit, existing)
                self.notify(_("A copy of the signed record, to correct in this amendment"))
            elif existing is not None and existing.state is not InspectionState.DRAFT:
                record = existing
            else:
                record = self.context.inspections.start(asset, visit_id=self.visit.id)
        except AssetTrackError as exc:
            self.notify(error_text(exc), severity="error")
            return
        self.app.push_screen(InspectionScreen(self.context, asset, record))

    def action_fault(self) -> None:
        if self._changeable():
            visit_forms.record_fault(
                self,
                self.faults,
                self.record,
                self.visit,
                self._saved(_("Fault recorded on this visit")),
            )

    def action_open_fault(self) -> None:
        from assettrack.tui.screens.fault_detail import FaultDetailScreen
        from assettrack.tui.screens.form_modal import Field, FormModal

        faults = self.record.faults_of(self.visit)
        if not faults:
            self.notify(_("No fault on this visit"), severity="warning")
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
                _("Open a fault"),
                [Field("fault", _("Fault"), faults[0].id, choices=choices)],
                lambda v: v["fault"],
            ),
            opened,
        )

    def action_hazard(self) -> None:
        if self._changeable():
            visit_forms.add_hazard(self, self.record, self.visit, self._saved(_("Hazard recorded")))

    def action_removed(self) -> None:
        if self._changeable():
            visit_forms.mark_removed(
                self, self.record, self.visit, self._saved(_("Hazard updated"))
            )

    def action_change(self) -> None:
        if self._changeable():
            visit_forms.add_parameter_change(
                self, self.record, self.visit, self._saved(_("Parameter change recorded"))
            )

    def action_upgrade(self) -> None:
        if self._changeable():
            visit_forms.add_firmware_upgrade(
                self,
                self.record,
                self.visit,
                self._saved(_("Firmware upgrade recorded; the register has the new version")),
            )

    def action_survey(self) -> None:
        if self._changeable():
            visit_forms.answer_survey(
                self, self.record, self.visit, self._saved(_("Survey answers kept"))
            )

    def action_attach(self) -> None:
        from assettrack.tui.attach_flows import attach_file

        if self._changeable():
            attach_file(self.app, self.context, "visit", self.visit.id, done=self.refresh_visit)

    def action_edit(self) -> None:
        if self._changeable():
            visit_forms.edit_visit(self, self.record, self.visit, self._saved(_("Visit saved")))

    def action_complete(self) -> None:
        if not self._changeable():
            return
        if self.visit.completed_at is not None:
            self.notify(_("Already complete: s has the customer sign it"), severity="information")
            return
        visit_forms.complete(
            self,
            self.record,
            self.visit,
            self._saved(_("Visit complete: s has the customer sign it")),
        )

    def action_sign(self) -> None:
        if self._changeable():
            visit_forms.sign(
                self,
                self.record,
                self.visit,
                self._saved(_("Signed: the visit and its inspections are locked")),
            )

    def action_amend(self) -> None:
        if self.visit.sign_off is None:
            self.notify(_("Not signed yet: change the visit directly"), severity="warning")
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
            self.notify(
                _("This visit holds records and is kept: e corrects it"), severity="warning"
            )
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.record.remove(self.visit)
            except AssetTrackError as exc:
                self.notify(error_text(exc), severity="error")
                return
            self.notify(_("Visit removed"))
            self.app.pop_screen()

        self.app.push_screen(
            ConfirmModal(
                _("Remove this visit?"), _("It holds nothing yet. Remove it?"), yes=_("Remove")
            ),
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
                self.context.register.store,
                self.record.config,
                self.record.clock,
                language=self.context.report_language,
            ).visit_record_report(visit)
            folder.mkdir(parents=True, exist_ok=True)
            write_report(report, "pdf", folder / f"{stem}.pdf")
            write_report(report, "md", folder / f"{stem}.md")
        except (AssetTrackError, FileWriteError, OSError) as exc:
            self.notify(_("No record written: {reason}").format(reason=exc), severity="error")
            return
        self.written = folder / f"{stem}.pdf"
        said = (
            _("Maintenance record written to {path} and .md · o opens it")
            if visit.sign_off
            else _("Maintenance record (not signed yet) written to {path} and .md · o opens it")
        )
        self.notify(said.format(path=self.written), timeout=10)

    def action_open_record(self) -> None:
        import click

        if self.written is None or not self.written.exists():
            self.notify(_("Write the record first (r)"), severity="warning")
            return
        if click.launch(str(self.written)) != 0:
            self.notify(
                _("No viewer opened it: the file is {path}").format(path=self.written),
                severity="warning",
            )
