"""Visit compliance per site and month against the visit plan; record a visit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from assettrack.domain.models import Visit, VisitKind
from assettrack.services.service_common import parse_time
from assettrack.tui.context import TuiContext
from assettrack.tui.screens.form_modal import Field, FormModal
from assettrack.tui.visit_due import due_cell
from assettrack.tui.widgets.fast_table import Column, FastTable, Row

STATUS_STYLE = {"met": "green", "on_track": "cyan", "behind": "bold yellow", "missed": "bold red"}
COLUMNS = (
    Column("customer", "Customer", max_width=22),
    Column("site", "Site", max_width=18),
    Column("period", "Period", min_width=7),
    Column("what", "Requirement", max_width=30),
    Column("done", "Done", justify="right"),
    Column("status", "Status", min_width=8),
    # The site's next visit, on the row of the requirement that calls for it (this month).
    Column("next", "Next visit", min_width=10),
    Column("engineer", "Engineer", max_width=16),
)


LIST_COLUMNS = (
    Column("customer", "Customer", max_width=22),
    Column("site", "Site", max_width=18),
    Column("started", "Started", min_width=11),
    Column("kind", "Kind", max_width=16),
    Column("engineer", "Engineer", max_width=12),
    Column("state", "State", max_width=26),
)
KIND_SHORT = {
    "scheduled": "scheduled",
    "follow_up": "follow-up",
    "phone_follow_up": "phone follow-up",
    "fault_call_out": "call-out",
}


class VisitsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        # Short labels, so that all six fit 80 columns (F1 help says more).
        Binding("l", "toggle_list", "Visits/plan"),
        Binding("n", "record", "Record"),
        Binding("r", "month_report", "Report"),
        Binding("o", "toggle_overdue", "Overdue"),
        Binding("left_square_bracket", "month(-1)", "Prev"),
        Binding("right_square_bracket", "month(1)", "Next"),
    ]

    def __init__(self, context: TuiContext) -> None:
        super().__init__()
        self.context = context
        self.month = context.today.replace(day=1)
        self.overdue_only = False
        self.listing = False  # the month's visits instead of the plan's requirements

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="visits-summary")
        yield FastTable(COLUMNS, id="visits")
        yield FastTable(LIST_COLUMNS, id="visit-list")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Visits"
        self.query_one("#visit-list").display = False
        self.reload()
        self.query_one("#visits", FastTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        if self.listing:
            self._reload_list()
        else:
            self._reload_plan()

    def action_toggle_list(self) -> None:
        self.listing = not self.listing
        plan, listed = (
            self.query_one("#visits", FastTable),
            self.query_one("#visit-list", FastTable),
        )
        plan.display, listed.display = not self.listing, self.listing
        self.reload()
        (listed if self.listing else plan).focus()

    def _reload_list(self) -> None:
        """Every visit started in the month, newest first; Enter opens it."""
        service = self.context.visits
        assert service is not None
        first = self.month
        last = date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
        rows = []
        open_count = 0
        for site in self.context.register.sites():
            for visit in service.visits_for(site.id, first, last):
                state = _state(visit)
                open_count += visit.sign_off is None
                rows.append(
                    Row(
                        f"{site.id}:{visit.id}",
                        (
                            site.customer,
                            site.name,
                            f"{visit.started_at:%m-%d %H:%M}",
                            KIND_SHORT.get(visit.kind.value, visit.kind.value),
                            visit.engineer,
                            state,
                        ),
                        (None, None, visit.started_at.isoformat()),
                    )
                )
        rows.sort(key=lambda r: r.sort_keys[2], reverse=True)
        self.query_one("#visit-list", FastTable).set_rows(rows)
        self.query_one("#visits-summary", Static).update(
            f" {self.month:%Y-%m} · {len(rows)} visits, {open_count} not signed"
            " · Enter opens · l plan · [ ] month"
        )

    @on(FastTable.RowSelected, "#visit-list")
    def _open_visit(self, event: FastTable.RowSelected) -> None:
        from assettrack.tui.screens.visit import VisitScreen

        site_id, visit_id = event.key.split(":", 1)
        visit = self.context.register.store.visits.get(site_id, visit_id)
        if visit is not None:
            self.app.push_screen(VisitScreen(self.context, visit))

    def _reload_plan(self) -> None:
        service = self.context.visits
        assert service is not None
        rows = []
        for row in service.compliance_rows(
            self.context.today, [self.month], overdue_only=self.overdue_only
        ):
            r = row.requirement
            rows.append(
                Row(
                    f"{row.site.id}:{r.key}:{r.period}",
                    (
                        row.site.customer,
                        row.site.name,
                        r.period,
                        r.label,
                        f"{r.done}/{r.required}",
                        Text(
                            r.status.value.replace("_", " "),
                            style=STATUS_STYLE.get(r.status.value, ""),
                        ),
                        due_cell(row.next_visit) if row.next_visit else "",
                        row.engineer,
                    ),
                )
            )
        self.query_one("#visits", FastTable).set_rows(rows)
        behind = sum(1 for r in rows if str(r.cells[5]) in ("behind", "missed"))
        self.query_one("#visits-summary", Static).update(
            f" {self.month:%Y-%m} · {behind} requirement(s) behind or missed"
            f"{' · overdue only' if self.overdue_only else ''}"
            " · [ ] month · l lists the visits"
        )

    def action_month_report(self) -> None:
        """The highlighted site's service summary for the month, as a PDF for the customer."""
        from assettrack.errors import AssetTrackError
        from assettrack.services.report_render import write_report
        from assettrack.services.reports import ReportService

        table = self.query_one("#visit-list" if self.listing else "#visits", FastTable)
        key = table.current_key
        if not key:
            return
        site_id = key.split(":", 1)[0]
        service = self.context.visits
        assert service is not None
        site = self.context.register.site(site_id)
        target = (
            self.context.export_folder / f"service-{site.name if site else site_id}-"
            f"{self.month:%Y-%m}.pdf"
        )
        try:
            report = ReportService(
                self.context.register.store, service.config, service.clock
            ).month_report(site_id, self.month, self.context.today)
            target.parent.mkdir(parents=True, exist_ok=True)
            write_report(report, "pdf", target)
        except (AssetTrackError, OSError) as exc:
            self.notify(f"No report: {exc}", severity="error")
            return
        self.notify(f"Month report written to {target}", timeout=8)

    def action_toggle_overdue(self) -> None:
        self.overdue_only = not self.overdue_only
        self.reload()

    def action_month(self, step: int) -> None:
        moved = (
            self.month + timedelta(days=32 * step) if step > 0 else self.month - timedelta(days=1)
        )
        self.month = date(moved.year, moved.month, 1)
        self.reload()

    def action_record(self) -> None:
        service = self.context.visits
        assert service is not None
        sites = [(f"{s.customer} / {s.name}", s.id) for s in self.context.register.sites()]
        kinds = [(k.value.replace("_", " "), k.value) for k in VisitKind]
        now = self.context.inspections.clock().replace(second=0, microsecond=0)
        fields = [
            # One site: nothing to choose.
            Field("site", "Site", sites[0][1] if len(sites) == 1 else "", choices=sites),
            Field("kind", "Kind", VisitKind.SCHEDULED.value, choices=kinds),
            Field("engineer", "Engineer", service.engineer),
            Field("start", "Started", f"{now:%Y-%m-%d %H:%M}", "YYYY-MM-DD HH:MM"),
            Field("end", "Ended", "", "YYYY-MM-DD HH:MM (empty: still on site)"),
            Field("found", "Hazards found", "", "separated by ;"),
            Field("removed", "Hazards removed", "", "separated by ;"),
            Field("opinion", "Customer's opinion", ""),
        ]

        def submit(values: dict[str, str]) -> object:
            from assettrack.errors import AssetTrackError

            if not values["site"]:
                raise AssetTrackError("choose the site")
            return service.record(
                values["site"],
                values["kind"],
                parse_time(values["start"], "started"),
                ended_at=parse_time(values["end"], "ended") if values["end"] else None,
                engineer=values["engineer"],
                hazards_found=values["found"].split(";"),
                hazards_removed=values["removed"].split(";"),
                customer_opinion=values["opinion"],
            )

        def done(visit: object) -> None:
            if visit is not None:
                self.notify("Visit recorded")
                self.reload()

        self.app.push_screen(FormModal("Record a visit", fields, submit), done)


def _state(visit: Visit) -> Text:
    if visit.sign_off is not None:
        return Text(f"signed · {visit.sign_off.representative}", style="green")
    if visit.completed_at is not None:
        return Text("complete, not signed", style="cyan")
    if visit.ended_at is not None:
        return Text("ended, not signed", style="cyan")  # recorded, never completed
    amends = " (amendment)" if visit.amends else ""
    return Text(f"not complete{amends}", style="bold yellow")
