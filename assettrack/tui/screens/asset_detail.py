"""Everything about one asset: identity, warranty with days left, console, history.

Its inspections are a list: Enter opens one (a completed or signed record read-only), d
discards a draft.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from assettrack.domain.models import Asset, Inspection, InspectionState, ItemResult
from assettrack.i18n import N_, _
from assettrack.i18n.formats import format_date
from assettrack.i18n.terms import (
    ASSET_STATUSES,
    FAULT_STATES,
    INSPECTION_STATES,
    SLA,
    asset_kind,
    term,
    warranty_label,
    warranty_source,
)
from assettrack.tui.context import TuiContext
from assettrack.tui.rows import STATUS_STYLE
from assettrack.tui.widgets.fast_table import Column, FastTable, Row
from assettrack.tui.widgets.footer import Footer

HISTORY_COLUMNS = (
    Column("date", N_("Date"), min_width=16),
    Column("state", N_("State"), min_width=8),
    Column("engineer", N_("Engineer"), max_width=16),
    Column("failed", N_("Failed"), justify="right"),
    Column("signed", N_("Signed by"), max_width=20),
)
STATE_STYLE = {"draft": "bold yellow", "complete": "", "signed": "green"}
SHOWN_RECORDS = 8  # rows of the list before it scrolls


class RecordList(FastTable, inherit_bindings=False):
    """The asset's inspections. Up and Down move in the list (bringing it into view);
    Page Up and Down, Home and End scroll the whole detail screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", N_("Up"), show=False),
        Binding("down", "cursor(1)", N_("Down"), show=False),
        Binding("enter", "select", N_("Open")),
    ]

    def action_cursor(self, delta: int) -> None:
        super().action_cursor(delta)
        self.scroll_visible(animate=False)


def vendor_shown(typed: str, resolved: str) -> str:
    """The vendor as typed, and the one it resolved to when that reads differently."""
    if not resolved or resolved == typed.strip():
        return typed
    return f"{typed} → {resolved}"


class AssetDetailScreen(Screen[None]):
    AUTO_FOCUS = ""  # the list of inspections has it (below), else the scrolling detail
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back")),
        Binding("e", "edit", N_("Edit")),
        Binding("i", "inspect", N_("Inspect")),
        Binding("d", "discard", N_("Discard draft")),
    ]

    def __init__(self, context: TuiContext, asset: Asset) -> None:
        super().__init__()
        self.context = context
        self.asset = asset
        self.records: dict[str, Inspection] = {}  # the list's rows, by id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail"):
            yield Static(id="identity")
            yield Static(id="warranty")
            yield Static(id="history-title")
            yield RecordList(HISTORY_COLUMNS, id="history")
            yield Static(id="faults")
        yield Footer()

    def on_mount(self) -> None:
        # The list's title sits right above it; the space goes below the list.
        self.query_one(RecordList).styles.margin = (0, 0, 1, 0)
        self.refresh_detail()  # Up and Down pick an inspection: the list has the focus
        if self.focused is None:
            self.set_focus(self.query_one("#detail"), scroll_visible=False)

    def on_screen_resume(self) -> None:
        fresh = self.context.register.store.assets.get(self.asset.id)
        if fresh is not None:
            self.asset = fresh
        self.refresh_detail()

    def retranslate(self) -> None:
        self.refresh_detail()

    def refresh_detail(self) -> None:
        view = self.context.register.view(self.asset, self.context.today)
        a = self.asset
        self.title = f"{a.vendor} {a.model} · {a.serial_number}"
        identity = Table.grid(padding=(0, 2))
        identity.add_column(style="bold", no_wrap=True)
        identity.add_column()
        console = a.console
        for label, value in (
            (_("Site"), f"{view.customer} / {view.site_name}"),
            (_("Kind"), asset_kind(a.kind)),
            (_("Vendor / model"), f"{vendor_shown(a.vendor, view.vendor_resolved)} {a.model}"),
            (_("Serial number"), a.serial_number),
            (_("Hostname"), a.hostname),
            (_("Management address"), a.management_address),
            (_("Location"), a.location),
            (_("Firmware"), a.firmware),
            (_("Status"), term(ASSET_STATUSES, a.status.value)),
            (_("Installed on"), str(a.installed_on or "")),
            (
                _("Console"),
                " ".join(filter(None, [console.port, str(console.baud or ""), console.framing]))
                or _("(not set)"),
            ),
            (_("Driver"), a.driver or _("(best match)")),
            (_("Tags"), ", ".join(a.tags)),
            (_("Notes"), a.notes),
        ):
            if value:
                identity.add_row(label, value)
        self.query_one("#identity", Static).update(identity)

        w = view.warranty
        text = Text(_("Warranty: "), style="bold")
        text.append(warranty_label(w.state.value, w.band), style=STATUS_STYLE[w.state.value])
        if w.end:
            days = (
                _("{days} days left").format(days=w.days_left)
                if w.days_left >= 0
                else _("ended {days} days ago").format(days=-w.days_left)
            )
            text.append("  " + _("ends {day} ({days})").format(day=format_date(w.end), days=days))
        if w.start:
            text.append(
                "\n"
                + _("from {day}, {months} months").format(day=format_date(w.start), months=w.months)
                if w.months is not None
                else "\n" + _("from {day}").format(day=format_date(w.start))
            )
        if w.source:
            text.append(f" — {warranty_source(w.source)}", style="dim")
        self.query_one("#warranty", Static).update(text)

        self._show_records()
        self.query_one("#faults", Static).update(self._faults_table())

    def _show_records(self) -> None:
        records = self.context.inspections.history(self.asset)
        self.records = {r.id: r for r in records}
        title = Text(_("Inspections"), style="bold")
        if not records:
            title.append("  " + _("(none yet — press i to inspect)"), style="dim")
        elif any(r.state is InspectionState.DRAFT for r in records):
            title.append("  " + _("enter opens one, d discards a draft"), style="dim")
        else:
            title.append("  " + _("enter opens one (read-only once complete)"), style="dim")
        heading = self.query_one("#history-title", Static)
        heading.update(title)
        heading.styles.margin = (0, 0, 0 if records else 1, 0)  # the list's own space below
        table = self.query_one(RecordList)
        was_shown, table.display = table.display, bool(records)
        if records and (self.focused is None or not was_shown):
            self.set_focus(table, scroll_visible=False)  # the screen still opens at its top
        elif not records and table.has_focus:
            self.set_focus(self.query_one("#detail"), scroll_visible=False)
        table.styles.height = min(len(records), SHOWN_RECORDS) + 1
        key = table.current_key
        table.set_rows([_record_row(r) for r in records])
        if key is not None:
            table.move_to_key(key)

    def _faults_table(self) -> Table:
        table = Table(title=_("Faults"), title_justify="left", expand=True, box=None)
        for column in (
            N_("Reported"),
            N_("Sev"),
            N_("Symptom"),
            N_("Response"),
            N_("Resolved"),
            N_("Warranty"),
        ):
            table.add_column(_(column))
        service = self.context.faults
        faults = [
            f
            for f in self.context.register.store.faults.for_site(self.asset.site_id)
            if f.asset_id == self.asset.id
        ]
        for fault in sorted(faults, key=lambda f: f.reported_at.isoformat(), reverse=True):
            sla = service.sla(fault) if service else None
            status = ("missed" if sla.missed else "met" if sla.met else "pending") if sla else ""
            response = term(SLA, status) if status else ""
            covered = {
                True: _("covered"),
                False: (_("not covered") + f" {fault.warranty_exclusion}").strip(),
                None: "",
            }[fault.warranty_covered]
            table.add_row(
                f"{fault.reported_at:%Y-%m-%d %H:%M}",
                str(fault.severity),
                fault.symptom,
                Text(response, style="bold red" if status == "missed" else ""),
                f"{fault.resolved_at:%Y-%m-%d}"
                if fault.resolved_at
                else term(FAULT_STATES, "open"),
                covered,
            )
        if not faults:
            table.add_row(_("(none)"), "", "", "", "", "")
        return table

    def action_edit(self) -> None:
        from assettrack.tui.screens.asset_form import AssetFormScreen

        def saved(asset_id: str | None) -> None:
            if asset_id:
                self.on_screen_resume()

        self.app.push_screen(AssetFormScreen(self.context, asset=self.asset), saved)

    def action_inspect(self) -> None:
        from assettrack.tui.screens.inspection import InspectionScreen

        self.app.push_screen(InspectionScreen(self.context, self.asset))

    def _highlighted(self) -> Inspection | None:
        key = self.query_one(RecordList).current_key
        return self.records.get(key) if key else None

    @on(FastTable.RowSelected, "#history")
    def _open_record(self) -> None:
        from assettrack.tui.screens.inspection import InspectionScreen

        record = self._highlighted()
        if record is not None:
            self.app.push_screen(InspectionScreen(self.context, self.asset, record))

    def action_discard(self) -> None:
        from assettrack.tui.discard_draft import ask_to_discard

        record = self._highlighted()
        if record is None:
            self.notify(_("No inspection to discard"), severity="warning")
            return
        ask_to_discard(self, self.context, record, self.refresh_detail)


def _record_row(record: Inspection) -> Row:
    failed = sum(1 for r in record.items if r.result is ItemResult.FAIL)
    state = record.state.value
    return Row(
        record.id,
        (
            f"{record.created_at:%Y-%m-%d %H:%M}",
            Text(term(INSPECTION_STATES, state), style=STATE_STYLE.get(state, "")),
            record.engineer,
            str(failed),
            record.sign_off.representative if record.sign_off else "",
        ),
    )
