"""The inspection: answer the checklist with single keys, read the console, complete, sign.

Every answer is saved at once as a draft; leaving and coming back resumes it, and d
discards it. A completed or signed record opens read-only: every answer, the readings and
the transcript are shown, and the keys that would change it are refused; e still attaches a
photo or a document to the highlighted item until the record is signed. The console is
read in a worker thread (the screen stays responsive and the read can be cancelled);
everything that touches the store runs back on the app's thread.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Header, Input, Label, RichLog, Static
from textual.worker import Worker, WorkerState

from assettrack.console.errors import ConsoleError
from assettrack.domain.attachments import Attachment, AttachmentTarget
from assettrack.domain.checklist import ChecklistItem, ItemKind
from assettrack.domain.errors import ValidationError
from assettrack.domain.models import Asset, ChecklistResult, Inspection, InspectionState, ItemResult
from assettrack.errors import AssetTrackError
from assettrack.i18n import N_, _, ngettext
from assettrack.i18n.errors import error_text
from assettrack.i18n.terms import INSPECTION_STATES, ITEM_RESULTS, term
from assettrack.services.attachments import describe
from assettrack.services.config_capture import summary as config_summary
from assettrack.services.console_reader import ConsoleReader, ReadCancelled, ReadOptions, ReadResult
from assettrack.services.inspections import FIRMWARE_FLAGS
from assettrack.services.record_texts import record_text
from assettrack.tui.attach_flows import attach_file
from assettrack.tui.context import TuiContext
from assettrack.tui.inspection_text import item_line, read_only_reason, record_log, value_problem
from assettrack.tui.screens.modals import LoginModal, SignOffModal
from assettrack.tui.widgets.fast_table import Column, FastTable, Row
from assettrack.tui.widgets.footer import Footer


def files_count(files: list[Attachment]) -> str:
    return ngettext("{count} file", "{count} files", len(files)).format(count=len(files))


RESULT_STYLE = {"pass": "bold green", "fail": "bold red", "n/a": "dim"}
COLUMNS = (
    Column("section", N_("Section"), max_width=16),
    Column("item", N_("Item"), max_width=34),
    Column("result", N_("Result"), min_width=6),
    Column("value", N_("Value"), max_width=14),
    Column("note", N_("Note / source"), max_width=40),
)
# Keys that would change the record: a completed or signed one refuses them, saying why.
CHANGE_KEYS = {"p", "f", "n", "v", "t", "r", "c", "a", "d"}
CHANGE_ACTIONS = {"result", "edit", "read_console", "complete", "accept_firmware", "discard"}


class InspectionScreen(Screen[None]):
    DEFAULT_CSS = """
    #item-detail { height: auto; max-height: 3; padding: 0 1; background: $boost; }
    """
    # Short labels, the main keys first: up to Sign they fit 80 columns. Accept, Discard and
    # Attach follow (the flag line names a, the asset detail's footer d, the item's line e);
    # Esc (back, or cancel a read) is in the F1 help, and in the footer only on a read-only
    # record.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "result('pass')", N_("Pass")),
        Binding("f", "result('fail')", N_("Fail")),
        Binding("n", "result('n/a')", N_("N/A")),
        Binding("v", "edit('value')", N_("Value")),
        Binding("t", "edit('note')", N_("Note")),
        Binding("r", "read_console", N_("Read")),
        Binding("c", "complete", N_("Complete")),
        Binding("s", "sign", N_("Sign")),
        Binding("a", "accept_firmware", N_("Accept")),
        Binding("d", "discard", N_("Discard")),
        Binding("e", "attach_file", N_("Attach")),
        Binding("g", "show_config", N_("Config")),
        Binding("escape", "back_shown", N_("Back")),
        Binding("escape", "back", N_("Back"), show=False),
    ]

    def __init__(self, context: TuiContext, asset: Asset, record: Inspection | None = None) -> None:
        super().__init__()
        self.context = context
        self.asset = asset
        # A record chosen on the asset's detail; without one, the asset's draft (or a new one).
        self.record = record
        self.inspection: Inspection | None = None
        self.items: dict[str, ChecklistItem] = {}
        self.reader: ConsoleReader | None = None
        self.editing: str | None = None
        self.files: dict[str, list[Attachment]] = {}  # item id -> the files attached to it

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="inspection-status")
        yield Static(id="flags")
        yield FastTable(COLUMNS, id="checklist")
        yield Static(id="item-detail")
        yield RichLog(id="console-log", highlight=False, markup=False, wrap=False, max_lines=2000)
        with Horizontal(id="edit-bar"):
            yield Label("", id="edit-label")
            yield Input(id="edit-input")
        yield Footer()

    def on_mount(self) -> None:
        a = self.asset
        self.query_one("#edit-bar").display = False
        self.query_one("#console-log").display = False
        # A second line rather than a cut one, when a signer's name makes it long.
        self.query_one("#inspection-status").styles.height = "auto"
        try:
            self.inspection = self.record or self.context.inspections.start(a)
        except AssetTrackError as exc:
            self.notify(error_text(exc), severity="error")
            return
        self.items = self.context.inspections.checklist(a)
        self.retitle()
        self._show_record_log(self.inspection)
        self._read_files()
        self.refresh_view()
        self.set_focus(self.query_one(FastTable))
        self._tell_plugin_failures()  # the checklist's plugins were just asked

    def retitle(self) -> None:
        a = self.asset
        what = _("Record") if self.read_only else _("Inspect")
        self.title = f"{what} {a.hostname or a.serial_number} · {a.vendor} {a.model}"

    def retranslate(self) -> None:
        if self.inspection is not None:
            self.retitle()
            self.refresh_view()

    def _tell_plugin_failures(self) -> None:
        show = getattr(self.app, "show_plugin_failures", None)
        if callable(show):
            show()

    @property
    def read_only(self) -> bool:
        """A completed or signed record is read, not changed."""
        return self.inspection is not None and self.inspection.state is not InspectionState.DRAFT

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Hidden from the footer when they cannot apply; the keys are refused with a reason.
        record = self.inspection
        if record is None:
            return True
        if action in CHANGE_ACTIONS and self.read_only:
            return False
        if action == "accept_firmware":
            return self.context.inspections.pending_firmware(record) is not None
        if action in ("sign", "attach_file"):
            return record.state is not InspectionState.SIGNED
        if action == "show_config":
            return record.configuration is not None
        if action == "back_shown":
            return self.read_only
        return True

    # -- view ------------------------------------------------------------------------------

    def refresh_view(self) -> None:
        inspection = self.inspection
        if inspection is None:
            return
        rows = []
        for entry in inspection.items:
            item = self.items.get(entry.item_id)
            result = entry.result.value if entry.result else "—"
            shown_result = term(ITEM_RESULTS, result) if entry.result else "—"
            value = f"{entry.value} {entry.unit}".strip() if entry.value else ""
            note = record_text(entry.note)
            if entry.filled_from:
                note = f"{note} [{record_text(entry.filled_from)}]".strip()
            if self.files.get(entry.item_id):
                note = f"{note} [{files_count(self.files[entry.item_id])}]".strip()
            rows.append(
                Row(
                    entry.item_id,
                    (
                        _(item.section) if item else "",
                        _(entry.label),
                        Text(shown_result, style=RESULT_STYLE.get(result, "")),
                        value,
                        note,
                    ),
                )
            )
        table = self.query_one(FastTable)
        table.set_rows(rows)
        answered = sum(1 for e in inspection.items if e.result is not None)
        failed = sum(1 for e in inspection.items if e.result is ItemResult.FAIL)
        status = Text.assemble(
            (f" {term(INSPECTION_STATES, inspection.state.value).upper()} ", "reverse"),
            (" " + _("read-only") if self.read_only else "", "bold"),
            "  "
            + _("{answered}/{items} answered, ").format(
                answered=answered, items=len(inspection.items)
            ),
            (_("{count} failed").format(count=failed), "bold red" if failed else ""),
            "  " + _("· started {moment}").format(moment=f"{inspection.created_at:%Y-%m-%d %H:%M}"),
        )
        if inspection.sign_off:
            status.append(
                "  " + _("· signed by {name}").format(name=inspection.sign_off.representative)
            )
        self.query_one("#inspection-status", Static).update(status)
        flags = self.query_one("#flags", Static)
        lines = [f"⚠ {self._flag_text(f)}" for f in inspection.flags]
        if inspection.configuration is not None:
            lines.append(f"⚙ {config_summary(inspection.configuration)} — " + _("g shows it"))
        flags.update("\n".join(lines))
        flags.display = bool(lines)
        self._show_item()
        self.refresh_bindings()

    def _flag_text(self, flag: str) -> str:
        if flag.startswith(FIRMWARE_FLAGS) and not self.read_only:
            return f"{record_text(flag)} — " + _("a accepts it into the register")
        return record_text(flag)

    @on(FastTable.RowHighlighted, "#checklist")
    def _show_item(self) -> None:
        # The whole answer of the highlighted item: the table cuts long notes short.
        item_id = self._current()
        entry = self._entry(item_id) if item_id else None
        detail = self.query_one("#item-detail", Static)
        line = item_line(entry, self.items.get(entry.item_id)) if entry else ""
        files = self.files.get(item_id or "", [])
        if files:
            line += " · " + _("files: {files}").format(files=", ".join(describe(a) for a in files))
        elif entry and not self.read_only:
            line += " · " + _("e attaches a photo")
        detail.update(line)

    def _entry(self, item_id: str) -> ChecklistResult | None:
        if self.inspection is None:
            return None
        return next((e for e in self.inspection.items if e.item_id == item_id), None)

    def _current(self) -> str | None:
        return self.query_one(FastTable).current_key

    # -- answering -------------------------------------------------------------------------

    def action_result(self, value: str) -> None:
        item_id = self._current()
        if item_id and self.inspection and self._answer(item_id, result=ItemResult(value)):
            self.query_one(FastTable).action_cursor(1)

    def _answer(self, item_id: str, **answer: object) -> bool:
        """Save one answer; False (and why, in the checklist's words) if it was refused."""
        assert self.inspection is not None
        try:
            self.context.inspections.answer(self.inspection, self.asset, item_id, **answer)
        except ValidationError as exc:
            item, value = self.items.get(item_id), answer.get("value")
            message = (
                value_problem(item, str(value)) if item and value is not None else error_text(exc)
            )
            self.notify(message, severity="error", timeout=10)
            self.refresh_view()
            return False
        except AssetTrackError as exc:
            self.notify(error_text(exc), severity="error")
            self.refresh_view()
            return False
        self.refresh_view()
        return True

    def _refuse_change(self) -> None:
        assert self.inspection is not None
        self.notify(read_only_reason(self.inspection), severity="warning", timeout=8)

    def action_edit(self, what: str) -> None:
        item_id = self._current()
        if not item_id or self.inspection is None:
            return
        entry = next(e for e in self.inspection.items if e.item_id == item_id)
        item = self.items.get(item_id)
        hint = ""
        if item and item.kind is ItemKind.NUMBER:
            hint = (
                f" ({item.unit}, {item.low:g}–{item.high:g})"
                if item.low is not None and item.high is not None
                else f" ({item.unit})"
            )
        elif item and item.kind is ItemKind.CHOICE:
            hint = f" ({' / '.join(item.choices)})"
        self.editing = what
        label = _("Value for {item}") if what == "value" else _("Note for {item}")
        self.query_one("#edit-label", Label).update(label.format(item=_(entry.label)) + f"{hint}: ")
        field = self.query_one("#edit-input", Input)
        field.value = entry.value if what == "value" else entry.note
        self.query_one("#edit-bar").display = True
        self.set_focus(field)  # at once: keys typed next must land here

    def on_key(self, event: Key) -> None:
        # Keys arrive queued at the checklist when typed fast (or scanned): v and t open the
        # edit bar here, at once, rather than as bindings (which the app runs later), so
        # that the keys behind them land in the value, and Enter ends it in order, before
        # a p that follows. Keys typed into the focused input never come here.
        signed = self.inspection is not None and self.inspection.sign_off is not None
        if (self.read_only and event.key in CHANGE_KEYS) or (signed and event.key == "e"):
            self._refuse_change()
            event.stop()
            event.prevent_default()
            return
        if not self.editing:
            if event.key in ("v", "t") and self.reader is None:
                self.action_edit("value" if event.key == "v" else "note")
                event.stop()
                event.prevent_default()
            return
        field = self.query_one("#edit-input", Input)
        if event.key == "enter":
            self._finish_edit(field.value)
        elif event.is_printable and event.character:
            field.insert_text_at_cursor(event.character)
        else:
            return
        event.stop()
        event.prevent_default()

    @on(Input.Submitted, "#edit-input")
    def _edit_done(self, event: Input.Submitted) -> None:
        if self.editing:
            self._finish_edit(event.value)

    def _finish_edit(self, value: str) -> None:
        item_id = self._current()
        what, self.editing = self.editing, None
        self.query_one("#edit-bar").display = False
        self.set_focus(self.query_one(FastTable))  # at once: keys typed next must land here
        # Like p/f/n, a measured value moves on to the next item; a refused one stays.
        if item_id and what and self._answer(item_id, **{what: value}) and what == "value":
            self.query_one(FastTable).action_cursor(1)

    # -- console ---------------------------------------------------------------------------

    def action_read_console(self) -> None:
        if self.inspection is None or self.inspection.state is not InspectionState.DRAFT:
            self.notify(_("Only a draft can take new readings"), severity="warning")
            return
        if self.reader is not None:
            self.notify(_("Already reading the console"))
            return
        if self.asset.console.credentials_ref.strip().lower() == "prompt":
            self.app.push_screen(LoginModal(), self._login_given)
        else:
            self._start_read(None)

    def _login_given(self, login: tuple[str, str, str] | None) -> None:
        if login is not None:
            self._start_read(login)

    def _start_read(self, login: tuple[str, str, str] | None) -> None:
        port = self.context.console_port(self.asset)
        if not port:
            self.notify(
                _(
                    "This asset has no console port: press e on its detail screen to "
                    "set one (e.g. /dev/ttyUSB0)"
                ),
                severity="error",
                timeout=8,
            )
            return
        log = self.query_one("#console-log", RichLog)
        log.clear()
        log.display = True
        self.reader = self.context.reader()

        def answer(label: str, secret: bool) -> str:
            assert login is not None
            if not secret:
                return login[0]
            return login[2] if "enable" in label.lower() else login[1]

        options = ReadOptions(
            port=port,
            idle_timeout=self.context.idle_timeout,
            credentials_ref="prompt" if login else None,
            prompt=answer if login else None,
        )
        self.sub_title = _("reading the console… (Esc cancels)")
        self._read(self.reader, options)

    @work(thread=True, exclusive=True, exit_on_error=False, group="console")
    def _read(self, reader: ConsoleReader, options: ReadOptions) -> ReadResult:
        def progress(step: str, text: str) -> None:
            self.app.call_from_thread(self._progress, step, text)

        return reader.read(self.asset, options, on_progress=progress)

    def _progress(self, step: str, text: str) -> None:
        log = self.query_one("#console-log", RichLog)
        if text:
            for line in text.splitlines():
                log.write(Text(line))
        else:
            log.write(Text(f"… {step}", style="italic cyan"))
        self.sub_title = step

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "console" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            return
        reader, self.reader = self.reader, None
        self.sub_title = ""
        if event.state is WorkerState.SUCCESS:
            self._readings_arrived(event.worker.result)
        elif event.state is WorkerState.ERROR:
            self._read_failed(event.worker.error, reader.plugin_failures() if reader else [])
        self._tell_plugin_failures()

    def _readings_arrived(self, result: ReadResult) -> None:
        assert self.inspection is not None
        self.context.inspections.apply_readings(
            self.inspection,
            self.asset,
            result.readings,
            result.transcript,
            driver=result.driver,
            plugin_failures=result.plugin_failures,
        )
        filled = sum(1 for e in self.inspection.items if e.filled_from.startswith("readings"))
        self.query_one("#console-log", RichLog).write(
            Text(
                "✔ "
                + _(
                    "read with driver {driver} in {seconds:.1f} s: {filled} item(s) filled — "
                    "check them, then answer the rest"
                ).format(driver=result.driver, seconds=result.seconds, filled=filled),
                style="bold green",
            )
        )
        for problem in result.problems:
            self.query_one("#console-log", RichLog).write(
                Text(_("note: {problem}").format(problem=problem), style="yellow")
            )
        for failure in self.inspection.reads[-1].plugin_failures if self.inspection.reads else ():
            self.query_one("#console-log", RichLog).write(Text(f"✖ {failure}", style="yellow"))
        self.refresh_view()
        self.notify(
            _("Readings saved; {filled} item(s) filled from the device").format(filled=filled)
        )
        change = self.context.inspections.pending_firmware(self.inspection)
        if change is not None:
            self.notify(
                _(
                    "Firmware: the device reports {new}, the register has {old}. Press a to "
                    "accept it into the register."
                ).format(new=change.new_value, old=change.old_value or _("none")),
                severity="warning",
                timeout=15,
            )

    def _read_failed(self, error: BaseException | None, plugin_failures: list[str]) -> None:
        log = self.query_one("#console-log", RichLog)
        transcript = getattr(error, "transcript", "")
        if isinstance(error, ReadCancelled):
            log.write(Text(_("✖ cancelled"), style="bold yellow"))
            self.notify(_("Console read cancelled"), severity="warning")
        elif isinstance(error, ConsoleError | AssetTrackError):
            log.write(Text(f"✖ {error_text(error)}", style="bold red"))
            self.notify(error_text(error), severity="error", timeout=10)
        else:
            log.write(
                Text("✖ " + _("unexpected error: {error!r}").format(error=error), style="bold red")
            )
            self.notify(
                _("Console read failed: {error!r}").format(error=error),
                severity="error",
                timeout=10,
            )
        if self.inspection is not None and (transcript or isinstance(error, ConsoleError)):
            # The failed read is kept beside the earlier ones; a good read's transcript stays.
            self.context.inspections.record_failed_read(
                self.inspection,
                str(error) or type(error).__name__,
                transcript,
                port=self.context.console_port(self.asset) or "",
                plugin_failures=plugin_failures,
            )

    def _show_record_log(self, inspection: Inspection) -> None:
        """The readings and transcript kept with the record (all of it on a read-only one)."""
        lines = record_log(inspection, whole=self.read_only)
        log = self.query_one("#console-log", RichLog)
        log.display = log.display or bool(lines)
        for line, heading in lines:
            log.write(Text(line, style="dim" if heading else ""))

    # -- completing ------------------------------------------------------------------------

    def action_complete(self) -> None:
        if self.inspection is None:
            return
        try:
            self.context.inspections.complete(self.inspection, self.asset)
        except ValidationError as exc:
            first = exc.problems[0].field
            self.query_one(FastTable).move_to_key(first)
            self.notify(
                _("{count} item(s) have no result yet (n marks one not applicable)").format(
                    count=len(exc.problems)
                ),
                severity="error",
            )
            return
        except AssetTrackError as exc:
            self.notify(error_text(exc), severity="error")
            return
        self.refresh_view()
        self._tell_plugin_failures()  # the plugins told of the completion
        if self.inspection.visit_id:
            # The customer signs the visit, and with it all its maintenance records.
            message = _("Inspection complete — Esc back to the visit, where the customer signs")
        else:
            message = _("Inspection complete — press s for the customer's sign-off")
        if self.context.inspections.pending_firmware(self.inspection) is not None:
            message += " " + _("(firmware not accepted: the register keeps {firmware})").format(
                firmware=self.asset.firmware
            )
        self.notify(message)

    def action_sign(self) -> None:
        if self.inspection is None:
            return
        if self.inspection.state is not InspectionState.COMPLETE:
            self.notify(_("Complete the inspection first (c)"), severity="warning")
            return
        self.app.push_screen(SignOffModal(), self._signed)

    def _signed(self, representative: str | None) -> None:
        if not representative or self.inspection is None:
            return
        try:
            self.context.inspections.sign(self.inspection, self.asset, representative)
        except AssetTrackError as exc:
            self.notify(error_text(exc), severity="error")
            return
        self.refresh_view()
        self.notify(_("Signed off by {name}").format(name=representative))
        self._tell_plugin_failures()

    # -- the configuration the read captured ------------------------------------------------

    def action_show_config(self) -> None:
        from assettrack.tui.screens.config_diff import ConfigScreen

        shot = self.inspection.configuration if self.inspection else None
        if shot is None:
            self.notify(_("No configuration read yet: r reads the console"), severity="warning")
            return
        a = self.asset
        self.app.push_screen(
            ConfigScreen(
                shot,
                _("Configuration {device} · {model}").format(
                    device=a.hostname or a.serial_number, model=a.model
                ),
            )
        )

    # -- the firmware read from the device ------------------------------------------------

    def action_accept_firmware(self) -> None:
        if self.inspection is None:
            return
        change = self.context.inspections.pending_firmware(self.inspection)
        if change is None:
            self.notify(_("No firmware change to accept"), severity="warning")
            return
        try:
            self.asset = self.context.inspections.accept_firmware(self.inspection, self.asset)
        except AssetTrackError as exc:
            self.notify(error_text(exc), severity="error")
            return
        self.refresh_view()
        self.notify(
            _("The register's firmware is now {new} (was {old})").format(
                new=change.new_value, old=change.old_value or _("none")
            )
        )

    # -- evidence ------------------------------------------------------------------------------

    def _read_files(self) -> None:
        service = self.context.attachments
        if service is None or self.inspection is None:
            return
        self.files = {}
        for attachment in service.for_record(AttachmentTarget.INSPECTION, self.inspection):
            self.files.setdefault(attachment.item_id, []).append(attachment)

    def action_attach_file(self) -> None:
        item_id = self._current()
        if self.inspection is None or not item_id:
            return
        attach_file(
            self.app,
            self.context,
            AttachmentTarget.INSPECTION,
            self.inspection.id,
            item_id=item_id,
            done=self._files_attached,
        )

    def _files_attached(self) -> None:
        self._read_files()
        self.refresh_view()

    # -- discarding the draft ----------------------------------------------------------------

    def action_discard(self) -> None:
        from assettrack.tui.discard_draft import ask_to_discard

        if self.inspection is None:
            return
        if self.reader is not None:
            self.notify(_("A console read is under way: Esc cancels it first"), severity="warning")
            return
        ask_to_discard(self, self.context, self.inspection, self._discarded)

    def _discarded(self) -> None:
        self.inspection = None
        self.app.pop_screen()

    def action_back_shown(self) -> None:
        self.action_back()

    def action_back(self) -> None:
        if self.editing:
            self.editing = None
            self.query_one("#edit-bar").display = False
            self.set_focus(self.query_one(FastTable))
        elif self.reader is not None:
            self.reader.cancel()
        else:
            self.app.pop_screen()
