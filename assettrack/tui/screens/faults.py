"""Faults with their response times against the severity's targets; report and update them."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from assettrack.domain.models import ReportedVia
from assettrack.errors import AssetTrackError
from assettrack.services.faults import FaultView
from assettrack.services.service_common import parse_time
from assettrack.tui.context import TuiContext
from assettrack.tui.screens.form_modal import Field, FormModal
from assettrack.tui.widgets.fast_table import Column, FastTable, Row

SLA_STYLE = {"met": "green", "missed": "bold red", "pending": "yellow", "no_target": "dim"}
COLUMNS = (
    Column("reported", "Reported", min_width=16),
    Column("sev", "Sev", justify="right"),
    Column("site", "Site", max_width=16),
    Column("asset", "Asset", max_width=14),
    Column("symptom", "Symptom", max_width=30),
    Column("respond", "Response", min_width=10),
    Column("on_site", "On site", min_width=10),
    Column("state", "State", min_width=8),
)


def _took(view: FaultView, target: str) -> Text:
    check = next((c for c in view.sla.checks if c.target == target), None)
    if check is None:
        return Text("")
    took = ""
    if check.took is not None:
        minutes = int(check.took / timedelta(minutes=1))
        took = f"{minutes // 60}h{minutes % 60:02d}" if minutes >= 60 else f"{minutes} min"
    return Text(f"{took or check.status.value}", style=SLA_STYLE.get(check.status.value, ""))


class FaultsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "report", "Report fault"),
        Binding("1", "stamp('responded_at')", "Responded now"),
        Binding("2", "stamp('on_site_at')", "On site now"),
        Binding("3", "stamp('resolved_at')", "Resolved now"),
        Binding("m", "toggle('missed')", "SLA missed"),
        Binding("o", "toggle('open')", "Open only"),
    ]

    def __init__(self, context: TuiContext) -> None:
        super().__init__()
        self.context = context
        self.missed_only = False
        self.open_only = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="faults-summary")
        yield FastTable(COLUMNS, id="faults")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Faults"
        self.reload()
        self.query_one(FastTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        service = self.context.faults
        assert service is not None
        # A year of faults: older ones are in the reports and `assettrack faults --since`.
        since = self.context.today - timedelta(days=365)
        views = service.views(open_only=self.open_only, sla_missed=self.missed_only, since=since)
        rows = []
        for view in views:
            fault = view.fault
            state = "resolved" if fault.resolved_at else "open"
            rows.append(
                Row(
                    fault.id,
                    (
                        f"{fault.reported_at:%Y-%m-%d %H:%M}",
                        str(fault.severity),
                        view.site_name,
                        view.asset.serial_number if view.asset else "",
                        fault.symptom,
                        _took(view, "respond"),
                        _took(view, "on_site"),
                        Text(state, style="dim" if fault.resolved_at else "bold"),
                    ),
                )
            )
        self.query_one(FastTable).set_rows(rows)
        missed = sum(1 for v in views if v.sla.missed)
        self.query_one("#faults-summary", Static).update(
            Text.assemble(
                f" {len(views)} fault(s) in the last 12 months · ",
                (f"{missed} missed their response time", "bold red" if missed else "green"),
                " · filters: ",
                "SLA missed " if self.missed_only else "",
                "open " if self.open_only else "",
                "" if self.missed_only or self.open_only else "none",
            )
        )

    def action_toggle(self, what: str) -> None:
        if what == "missed":
            self.missed_only = not self.missed_only
        else:
            self.open_only = not self.open_only
        self.reload()

    def action_stamp(self, field: str) -> None:
        service = self.context.faults
        assert service is not None
        key = self.query_one(FastTable).current_key
        if not key:
            return
        try:
            fault = service.find(key)
            service.update(fault, **{field: service.clock()})
        except AssetTrackError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(f"{field.removesuffix('_at').replace('_', ' ')} recorded")
        self.reload()

    def action_report(self) -> None:
        service = self.context.faults
        assert service is not None
        register = self.context.register
        sites = [(f"{s.customer} / {s.name}", s.id) for s in register.sites()]
        levels = [
            (f"{lvl.level} — {lvl.name}", str(lvl.level))
            for lvl in service.config.severity.levels.values()
        ]
        ways = [(w.value.replace("_", " "), w.value) for w in ReportedVia]
        now = service.clock().replace(second=0, microsecond=0)
        fields = [
            Field("site", "Site", choices=sites),
            Field("asset", "Asset serial", "", "optional"),
            Field("severity", "Severity", levels[0][1] if levels else "1", choices=levels),
            Field("via", "Reported by", ReportedVia.PHONE.value, choices=ways),
            Field("at", "Reported at", f"{now:%Y-%m-%d %H:%M}", "YYYY-MM-DD HH:MM"),
            Field("symptom", "Symptom", ""),
        ]

        def submit(values: dict[str, str]) -> object:
            if not values["site"]:
                raise AssetTrackError("choose the site")
            extra = {"symptom": values["symptom"]}
            if values["asset"]:
                extra["asset_id"] = register.find_asset(values["asset"]).id
            return service.report(
                values["site"],
                int(values["severity"]),
                values["via"],
                parse_time(values["at"], "reported at"),
                **extra,
            )

        def done(fault: object) -> None:
            if fault is None:
                return
            self.reload()
            matches = service.suggestions(fault)  # type: ignore[arg-type]
            if matches:
                best = matches[0]
                self.notify(
                    f"Known problem: {best.problem.title} — {best.problem.solution}",
                    title="Seen before",
                    timeout=15,
                )
            else:
                self.notify("Fault recorded")

        self.app.push_screen(FormModal("Report a fault", fields, submit), done)
