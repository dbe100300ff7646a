"""The inspection: answer the checklist with single keys, read the console, complete, sign.

Every answer is saved at once as a draft; leaving and coming back resumes it. The console
is read in a worker thread (the screen stays responsive and the read can be cancelled);
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
from textual.widgets import Footer, Header, Input, Label, RichLog, Static
from textual.worker import Worker, WorkerState

from assettrack.console.errors import ConsoleError
from assettrack.domain.checklist import ChecklistItem, ItemKind
from assettrack.domain.errors import ValidationError
from assettrack.domain.models import Asset, Inspection, InspectionState, ItemResult
from assettrack.errors import AssetTrackError
from assettrack.services.console_reader import ConsoleReader, ReadCancelled, ReadOptions, ReadResult
from assettrack.tui.context import TuiContext
from assettrack.tui.screens.modals import LoginModal, SignOffModal
from assettrack.tui.widgets.fast_table import Column, FastTable, Row

RESULT_STYLE = {"pass": "bold green", "fail": "bold red", "n/a": "dim"}
COLUMNS = (
    Column("section", "Section", max_width=16),
    Column("item", "Item", max_width=34),
    Column("result", "Result", min_width=6),
    Column("value", "Value", max_width=14),
    Column("note", "Note / source", max_width=40),
)


class InspectionScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "result('pass')", "Pass"),
        Binding("f", "result('fail')", "Fail"),
        Binding("n", "result('n/a')", "N/A"),
        Binding("v", "edit('value')", "Value"),
        Binding("t", "edit('note')", "Note"),
        Binding("r", "read_console", "Read console"),
        Binding("c", "complete", "Complete"),
        Binding("s", "sign", "Sign"),
        Binding("escape", "back", "Back / cancel read"),
    ]

    def __init__(self, context: TuiContext, asset: Asset) -> None:
        super().__init__()
        self.context = context
        self.asset = asset
        self.inspection: Inspection | None = None
        self.items: dict[str, ChecklistItem] = {}
        self.reader: ConsoleReader | None = None
        self.editing: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="inspection-status")
        yield Static(id="flags")
        yield FastTable(COLUMNS, id="checklist")
        yield RichLog(id="console-log", highlight=False, markup=False, wrap=False, max_lines=2000)
        with Horizontal(id="edit-bar"):
            yield Label("", id="edit-label")
            yield Input(id="edit-input")
        yield Footer()

    def on_mount(self) -> None:
        a = self.asset
        self.title = f"Inspect {a.hostname or a.serial_number} · {a.vendor} {a.model}"
        self.query_one("#edit-bar").display = False
        self.query_one("#console-log").display = False
        try:
            self.inspection = self.context.inspections.start(a)
        except AssetTrackError as exc:
            self.notify(str(exc), severity="error")
            return
        self.items = self.context.inspections.checklist(a)
        if self.inspection.transcript:
            self._show_transcript(self.inspection.transcript)
        self.refresh_view()
        self.set_focus(self.query_one(FastTable))

    # -- view ------------------------------------------------------------------------------

    def refresh_view(self) -> None:
        inspection = self.inspection
        if inspection is None:
            return
        rows = []
        for entry in inspection.items:
            item = self.items.get(entry.item_id)
            result = entry.result.value if entry.result else "—"
            value = f"{entry.value} {entry.unit}".strip() if entry.value else ""
            note = entry.note
            if entry.filled_from:
                note = f"{note} [{entry.filled_from}]".strip()
            rows.append(
                Row(
                    entry.item_id,
                    (
                        item.section if item else "",
                        entry.label,
                        Text(result, style=RESULT_STYLE.get(result, "")),
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
            (f" {inspection.state.value.upper()} ", "reverse"),
            f"  {answered}/{len(inspection.items)} answered, ",
            (f"{failed} failed", "bold red" if failed else ""),
            f"  · started {inspection.created_at:%Y-%m-%d %H:%M}",
        )
        if inspection.sign_off:
            status.append(f"  · signed by {inspection.sign_off.representative}")
        self.query_one("#inspection-status", Static).update(status)
        flags = self.query_one("#flags", Static)
        flags.update("\n".join(f"⚠ {f}" for f in inspection.flags))
        flags.display = bool(inspection.flags)

    def _current(self) -> str | None:
        return self.query_one(FastTable).current_key

    # -- answering -------------------------------------------------------------------------

    def action_result(self, value: str) -> None:
        item_id = self._current()
        if item_id and self.inspection:
            self._answer(item_id, result=ItemResult(value))
            self.query_one(FastTable).action_cursor(1)

    def _answer(self, item_id: str, **answer: object) -> None:
        assert self.inspection is not None
        try:
            self.context.inspections.answer(self.inspection, self.asset, item_id, **answer)
        except AssetTrackError as exc:
            self.notify(str(exc), severity="error")
        self.refresh_view()

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
        self.query_one("#edit-label", Label).update(f"{what.title()} for {entry.label}{hint}: ")
        field = self.query_one("#edit-input", Input)
        field.value = entry.value if what == "value" else entry.note
        self.query_one("#edit-bar").display = True
        self.set_focus(field)  # at once: keys typed next must land here

    def on_key(self, event: Key) -> None:
        # Keys arrive queued at the checklist when typed fast (or scanned): v and t open the
        # edit bar here, at once, rather than as bindings (which the app runs later), so
        # that the keys behind them land in the value, and Enter ends it in order, before
        # a p that follows. Keys typed into the focused input never come here.
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
        if item_id and what:
            self._answer(item_id, **{what: value})
            if what == "value":  # like p/f/n, a measured value moves on to the next item
                self.query_one(FastTable).action_cursor(1)

    # -- console ---------------------------------------------------------------------------

    def action_read_console(self) -> None:
        if self.inspection is None or self.inspection.state is not InspectionState.DRAFT:
            self.notify("Only a draft can take new readings", severity="warning")
            return
        if self.reader is not None:
            self.notify("Already reading the console")
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
                "This asset has no console port: press e on its detail screen to "
                "set one (e.g. /dev/ttyUSB0)",
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
        self.sub_title = "reading the console… (Esc cancels)"
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
        self.reader = None
        self.sub_title = ""
        if event.state is WorkerState.SUCCESS:
            self._readings_arrived(event.worker.result)
        elif event.state is WorkerState.ERROR:
            self._read_failed(event.worker.error)

    def _readings_arrived(self, result: ReadResult) -> None:
        assert self.inspection is not None
        self.context.inspections.apply_readings(
            self.inspection, self.asset, result.readings, result.transcript, driver=result.driver
        )
        filled = sum(1 for e in self.inspection.items if e.filled_from.startswith("readings"))
        self.query_one("#console-log", RichLog).write(
            Text(
                f"✔ read with driver {result.driver} in {result.seconds:.1f} s: "
                f"{filled} item(s) filled — check them, then answer the rest",
                style="bold green",
            )
        )
        for problem in result.problems:
            self.query_one("#console-log", RichLog).write(Text(f"note: {problem}", style="yellow"))
        self.refresh_view()
        self.notify(f"Readings saved; {filled} item(s) filled from the device")

    def _read_failed(self, error: BaseException | None) -> None:
        log = self.query_one("#console-log", RichLog)
        transcript = getattr(error, "transcript", "")
        if isinstance(error, ReadCancelled):
            log.write(Text("✖ cancelled", style="bold yellow"))
            self.notify("Console read cancelled", severity="warning")
        elif isinstance(error, ConsoleError | AssetTrackError):
            log.write(Text(f"✖ {error}", style="bold red"))
            self.notify(str(error), severity="error", timeout=10)
        else:
            log.write(Text(f"✖ unexpected error: {error!r}", style="bold red"))
            self.notify(f"Console read failed: {error!r}", severity="error", timeout=10)
        if self.inspection is not None and (transcript or isinstance(error, ConsoleError)):
            # The failed read is kept beside the earlier ones; a good read's transcript stays.
            self.context.inspections.record_failed_read(
                self.inspection,
                str(error) or type(error).__name__,
                transcript,
                port=self.context.console_port(self.asset) or "",
            )

    def _show_transcript(self, transcript: str) -> None:
        log = self.query_one("#console-log", RichLog)
        log.display = True
        log.write(Text("— transcript of the last console read —", style="dim"))
        for line in transcript.splitlines()[-200:]:
            log.write(Text(line))

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
                f"{len(exc.problems)} item(s) have no result yet (n marks one not applicable)",
                severity="error",
            )
            return
        except AssetTrackError as exc:
            self.notify(str(exc), severity="error")
            return
        self.refresh_view()
        self.notify("Inspection complete — press s for the customer's sign-off")

    def action_sign(self) -> None:
        if self.inspection is None:
            return
        if self.inspection.state is not InspectionState.COMPLETE:
            self.notify("Complete the inspection first (c)", severity="warning")
            return
        self.app.push_screen(SignOffModal(), self._signed)

    def _signed(self, representative: str | None) -> None:
        if not representative or self.inspection is None:
            return
        try:
            self.context.inspections.sign(self.inspection, self.asset, representative)
        except AssetTrackError as exc:
            self.notify(str(exc), severity="error")
            return
        self.refresh_view()
        self.notify(f"Signed off by {representative}")

    def action_back(self) -> None:
        if self.editing:
            self.editing = None
            self.query_one("#edit-bar").display = False
            self.set_focus(self.query_one(FastTable))
        elif self.reader is not None:
            self.reader.cancel()
        else:
            self.app.pop_screen()
