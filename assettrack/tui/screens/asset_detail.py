"""Everything about one asset: identity, warranty with days left, console, history."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from assettrack.domain.models import Asset
from assettrack.tui.context import TuiContext
from assettrack.tui.rows import STATUS_STYLE


def vendor_shown(typed: str, resolved: str) -> str:
    """The vendor as typed, and the one it resolved to when that reads differently."""
    if not resolved or resolved == typed.strip():
        return typed
    return f"{typed} → {resolved}"


class AssetDetailScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("e", "edit", "Edit"),
        Binding("i", "inspect", "Inspect"),
    ]

    def __init__(self, context: TuiContext, asset: Asset) -> None:
        super().__init__()
        self.context = context
        self.asset = asset

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail"):
            yield Static(id="identity")
            yield Static(id="warranty")
            yield Static(id="history")
            yield Static(id="faults")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_detail()

    def on_screen_resume(self) -> None:
        fresh = self.context.register.store.assets.get(self.asset.id)
        if fresh is not None:
            self.asset = fresh
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
            ("Site", f"{view.customer} / {view.site_name}"),
            ("Kind", a.kind),
            ("Vendor / model", f"{vendor_shown(a.vendor, view.vendor_resolved)} {a.model}"),
            ("Serial number", a.serial_number),
            ("Hostname", a.hostname),
            ("Management address", a.management_address),
            ("Location", a.location),
            ("Firmware", a.firmware),
            ("Status", a.status.value.replace("_", " ")),
            ("Installed on", str(a.installed_on or "")),
            (
                "Console",
                " ".join(filter(None, [console.port, str(console.baud or ""), console.framing]))
                or "(not set)",
            ),
            ("Driver", a.driver or "(best match)"),
            ("Tags", ", ".join(a.tags)),
            ("Notes", a.notes),
        ):
            if value:
                identity.add_row(label, value)
        self.query_one("#identity", Static).update(identity)

        w = view.warranty
        text = Text("Warranty: ", style="bold")
        text.append(w.label, style=STATUS_STYLE[w.state.value])
        if w.end:
            days = (
                f"{w.days_left} days left" if w.days_left >= 0 else f"ended {-w.days_left} days ago"
            )
            text.append(f"  ends {w.end} ({days})")
        if w.start:
            text.append(
                f"\nfrom {w.start}, {w.months} months"
                if w.months is not None
                else f"\nfrom {w.start}"
            )
        if w.source:
            text.append(f" — {w.source}", style="dim")
        self.query_one("#warranty", Static).update(text)

        history = Table(title="Inspections", title_justify="left", expand=True, box=None)
        for column in ("Date", "State", "Engineer", "Failed items", "Signed by"):
            history.add_column(column)
        records = self.context.inspections.history(a)
        for record in records:
            failed = sum(
                1 for r in record.items if r.result is not None and r.result.value == "fail"
            )
            history.add_row(
                record.created_at.strftime("%Y-%m-%d %H:%M"),
                record.state.value,
                record.engineer,
                str(failed),
                record.sign_off.representative if record.sign_off else "",
            )
        if not records:
            history.add_row("(none yet — press i to inspect)", "", "", "", "")
        self.query_one("#history", Static).update(history)
        self.query_one("#faults", Static).update(self._faults_table())

    def _faults_table(self) -> Table:
        table = Table(title="Faults", title_justify="left", expand=True, box=None)
        for column in ("Reported", "Sev", "Symptom", "Response", "Resolved", "Warranty"):
            table.add_column(column)
        service = self.context.faults
        faults = [
            f
            for f in self.context.register.store.faults.for_site(self.asset.site_id)
            if f.asset_id == self.asset.id
        ]
        for fault in sorted(faults, key=lambda f: f.reported_at.isoformat(), reverse=True):
            sla = service.sla(fault) if service else None
            response = ("missed" if sla.missed else "met" if sla.met else "pending") if sla else ""
            covered = {
                True: "covered",
                False: f"not covered {fault.warranty_exclusion}".strip(),
                None: "",
            }[fault.warranty_covered]
            table.add_row(
                f"{fault.reported_at:%Y-%m-%d %H:%M}",
                str(fault.severity),
                fault.symptom,
                Text(response, style="bold red" if response == "missed" else ""),
                f"{fault.resolved_at:%Y-%m-%d}" if fault.resolved_at else "open",
                covered,
            )
        if not faults:
            table.add_row("(none)", "", "", "", "", "")
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
