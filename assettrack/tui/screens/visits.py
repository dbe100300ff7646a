"""Visit compliance per site and month against the visit plan; record a visit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Static

from assettrack.domain.models import Visit, VisitKind
from assettrack.i18n import N_, _
from assettrack.i18n.terms import COMPLIANCE, VISIT_KINDS, VISIT_KINDS_SHORT, term
from assettrack.services.service_common import parse_time
from assettrack.tui.context import TuiContext
from assettrack.tui.screens.form_modal import Field, FormModal
from assettrack.tui.visit_due import due_cell
from assettrack.tui.widgets.fast_table import Column, FastTable, Row
from assettrack.tui.widgets.footer import Footer

STATUS_STYLE = {"met": "green", "on_track": "cyan", "behind": "bold yellow", "missed": "bold red"}
COLUMNS = (
    Column("customer", N_("Customer"), max_width=22),
    Column("site", N_("Site"), max_width=18),
    Column("period", N_("Period"), min_width=7),
    Column("what", N_("Requirement"), max_width=30),
    Column("done", N_("Done"), justify="right"),
    Column("status", N_("Status"), min_width=8),
    # The site's next visit, on the row of the requirement that calls for it (this month).
    Column("next", N_("Next visit"), min_width=10),
    Column("engineer", N_("Engineer"), max_width=16),
)


LIST_COLUMNS = (
    Column("customer", N_("Customer"), max_width=22),
    Column("site", N_("Site"), max_width=18),
    Column("started", N_("Started"), min_width=11),
    Column("kind", N_("Kind"), max_width=16),
    Column("engineer", N_("Engineer"), max_width=12),
    Column("state", N_("State"), max_width=26),
)


class VisitsScreen(Screen[None]):
    TITLE = N_("Visits")  # translated where shown (tui.language)
    BINDINGS: ClassVar[list[BindingType]] = [
        # Short labels, so that all six fit 80 columns (F1 help says more).
        Binding("l", "toggle_list", N_("Visits/plan")),
        Binding("n", "record", N_("Record")),
        Binding("r", "month_report", N_("Report")),
        Binding("o", "toggle_overdue", N_("Overdue")),
        Binding("left_square_bracket", "month(-1)", N_("Prev")),
        Binding("right_square_bracket", "month(1)", N_("Next")),
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
        self.title = _(self.TITLE)
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
                            term(VISIT_KINDS_SHORT, visit.kind.value),
                            visit.engineer,
                            state,
                        ),
                        (None, None, visit.started_at.isoformat()),
                    )
                )
        rows.sort(key=lambda r: r.sort_keys[2], reverse=True)
        self.query_one("#visit-list", FastTable).set_rows(rows)
        self.query_one("#visits-summary", Static).update(
            f" {self.month:%Y-%m} · "
            + _("{count} visits, {open} not signed · Enter opens · l plan · [ ] month").format(
                count=len(rows), open=open_count
            ),
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
                        _(r.label),
                        f"{r.done}/{r.required}",
                        Text(
                            term(COMPLIANCE, r.status.value),
                            style=STATUS_STYLE.get(r.status.value, ""),
                        ),
                        due_cell(row.next_visit) if row.next_visit else "",
                        row.engineer,
                    ),
                )
            )
        self.query_one("#visits", FastTable).set_rows(rows)
        late = {term(COMPLIANCE, "behind"), term(COMPLIANCE, "missed")}
        behind = sum(1 for r in rows if str(r.cells[5]) in late)
        self.query_one("#visits-summary", Static).update(
            f" {self.month:%Y-%m} · "
            + _("{count} requirement(s) behind or missed").format(count=behind)
            + (_(" · overdue only") if self.overdue_only else "")
            + _(" · [ ] month · l lists the visits"),
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
                self.context.register.store,
                service.config,
                service.clock,
                language=self.context.report_language,
            ).month_report(site_id, self.month, self.context.today)
            target.parent.mkdir(parents=True, exist_ok=True)
            write_report(report, "pdf", target)
        except (AssetTrackError, OSError) as exc:
            self.notify(_("No report: {reason}").format(reason=exc), severity="error")
            return
        self.notify(_("Month report written to {path}").format(path=target), timeout=8)

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
        kinds = [(term(VISIT_KINDS, k.value), k.value) for k in VisitKind]
        now = self.context.inspections.clock().replace(second=0, microsecond=0)
        fields = [
            # One site: nothing to choose.
            Field("site", _("Site"), sites[0][1] if len(sites) == 1 else "", choices=sites),
            Field("kind", _("Kind"), VisitKind.SCHEDULED.value, choices=kinds),
            Field("engineer", _("Engineer"), service.engineer),
            Field("start", _("Started"), f"{now:%Y-%m-%d %H:%M}", "YYYY-MM-DD HH:MM"),  # no-i18n
            Field("end", _("Ended"), "", _("YYYY-MM-DD HH:MM (empty: still on site)")),
            Field("found", _("Hazards found"), "", _("separated by ;")),
            Field("removed", _("Hazards removed"), "", _("separated by ;")),
            Field("opinion", _("Customer's opinion"), ""),
        ]

        def submit(values: dict[str, str]) -> object:
            from assettrack.errors import AssetTrackError

            if not values["site"]:
                raise AssetTrackError(_("choose the site"))
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
                self.notify(_("Visit recorded"))
                self.reload()

        self.app.push_screen(FormModal(_("Record a visit"), fields, submit), done)


def _state(visit: Visit) -> Text:
    if visit.sign_off is not None:
        return Text(_("signed · {name}").format(name=visit.sign_off.representative), style="green")
    if visit.completed_at is not None:
        return Text(_("complete, not signed"), style="cyan")
    if visit.ended_at is not None:
        return Text(_("ended, not signed"), style="cyan")  # recorded, never completed
    if visit.amends:
        return Text(_("not complete (amendment)"), style="bold yellow")
    return Text(_("not complete"), style="bold yellow")
