"""Faults with their times against the severity's targets; report them, stamp their times,
filter by target, status, level and site, and open one (Enter) on the fault screen."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Static

from assettrack.domain.models import ReportedVia
from assettrack.errors import AssetTrackError
from assettrack.i18n import N_, _
from assettrack.i18n.errors import error_text
from assettrack.i18n.terms import FAULT_STATES, REPORTED_VIA, SLA, term
from assettrack.services.faults import FaultView
from assettrack.services.service_common import parse_time
from assettrack.tui.context import TuiContext
from assettrack.tui.fault_flows import stamp_now
from assettrack.tui.screens.fault_detail import SLA_STYLE, duration
from assettrack.tui.screens.form_modal import Field, FormModal
from assettrack.tui.widgets.fast_table import Column, FastTable, Row
from assettrack.tui.widgets.footer import Footer

COLUMNS = (
    Column("reported", N_("Reported"), min_width=16),
    Column("sev", N_("Sev"), justify="right"),
    # The targets come first: at 80 columns a late fault shows without scrolling.
    Column("respond", N_("Response"), min_width=8),
    Column("on_site", N_("On site"), min_width=8),
    Column("resolve", N_("Resolve"), min_width=8),
    Column("site", N_("Site"), max_width=16),
    Column("asset", N_("Asset"), max_width=14),
    Column("symptom", N_("Symptom"), max_width=30),
    Column("state", N_("State"), min_width=8),
)
# The filters the keys step through: None is "all".
TARGETS = (None, "late", "missed")
TARGET_SHOWN = {"late": N_("at risk or missed"), "missed": N_("missed")}
STATUSES = (None, "open", "resolved")
# Every key, on screen: the footer cannot hold them at 80 columns.
HINT = N_("⏎ open the fault   1 / 2 / 3 responded / on site / resolved now")


def _took(view: FaultView, target: str) -> Text:
    check = next((c for c in view.sla.all_checks if c.target == target), None)
    if check is None:
        return Text("")
    if check.at_risk:
        return Text(_("at risk"), style="bold dark_orange")
    took = duration(check.took)
    return Text(took or term(SLA, check.status.value), style=SLA_STYLE.get(check.status.value, ""))


def _step(values: tuple[object, ...], current: object) -> object:
    return values[(values.index(current) + 1) % len(values)]


class FaultsScreen(Screen[None]):
    TITLE = N_("Faults")  # translated where shown (tui.language)
    DEFAULT_CSS = """
    FaultsScreen #faults-keys { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", N_("Open"), show=False),
        Binding("n", "report", N_("Report")),
        Binding("m", "targets", N_("Late")),
        Binding("o", "status", N_("Status")),
        Binding("l", "level", N_("Level")),
        Binding("s", "site", N_("Site")),
        Binding("1", "stamp('responded_at')", N_("Responded now"), show=False),
        Binding("2", "stamp('on_site_at')", N_("On site now"), show=False),
        Binding("3", "stamp('resolved_at')", N_("Resolved now"), show=False),
    ]

    def __init__(self, context: TuiContext) -> None:
        super().__init__()
        self.context = context
        self.targets: str | None = None
        self.status: str | None = None
        self.level: int | None = None
        self.site_id: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="faults-summary")
        yield Static(_(HINT), id="faults-keys")
        yield FastTable(COLUMNS, id="faults")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _(self.TITLE)
        self.reload()
        self.query_one(FastTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        service = self.context.faults
        assert service is not None
        # A year of faults: older ones are in the reports and `assettrack faults --since`.
        since = self.context.today - timedelta(days=365)
        views = service.views(
            since=since,
            targets=self.targets,
            status=self.status,
            severities=(self.level,) if self.level else (),
            site=self.site_id,
        )
        rows = []
        for view in views:
            fault = view.fault
            state = term(FAULT_STATES, "resolved" if fault.resolved_at else "open")
            rows.append(
                Row(
                    fault.id,
                    (
                        f"{fault.reported_at:%Y-%m-%d %H:%M}",
                        str(fault.severity),
                        _took(view, "respond"),
                        _took(view, "on_site"),
                        _took(view, "resolve"),
                        view.site_name,
                        view.asset.serial_number if view.asset else "",
                        fault.symptom,
                        Text(state, style="dim" if fault.resolved_at else "bold"),
                    ),
                )
            )
        self.query_one(FastTable).set_rows(rows)
        self.query_one("#faults-summary", Static).update(self._summary(views))
        self.query_one("#faults-keys", Static).update(self._filters())

    @staticmethod
    def _summary(views: list[FaultView]) -> Text:
        missed = sum(1 for v in views if v.sla.any_missed)
        at_risk = sum(1 for v in views if v.sla.at_risk and not v.sla.any_missed)
        return Text.assemble(
            _("{count} fault(s) in 12 months").format(count=len(views)) + " · ",
            (_("{count} missed a target").format(count=missed), "bold red" if missed else "green"),
            " · ",
            (
                _("{count} at risk").format(count=at_risk),
                "bold dark_orange" if at_risk else "green",
            ),
        )

    def _filters(self) -> Text:
        filters = [
            _(TARGET_SHOWN[self.targets]) if self.targets else "",
            term(FAULT_STATES, self.status) if self.status else "",
            _("level {level}").format(level=self.level) if self.level else "",
            _("site {name}").format(name=self._site_name()) if self.site_id else "",
        ]
        return Text.assemble(
            _("Filters: "),
            (", ".join(f for f in filters if f) or _("none"), "bold"),
            _(" (m targets, o status, l level, s site)") + "\n",
            _(HINT),
        )

    def _site_name(self) -> str:
        site = self.context.register.store.sites.get(self.site_id or "")
        return site.name if site else "?"

    # -- filters ---------------------------------------------------------------------------

    def action_targets(self) -> None:
        self.targets = _step(TARGETS, self.targets)  # type: ignore[assignment]
        self.reload()

    def action_status(self) -> None:
        self.status = _step(STATUSES, self.status)  # type: ignore[assignment]
        self.reload()

    def action_level(self) -> None:
        service = self.context.faults
        assert service is not None
        levels = (None, *service.config.severity.levels)
        self.level = _step(levels, self.level)  # type: ignore[assignment]
        self.reload()

    def action_site(self) -> None:
        sites = [(f"{s.customer} / {s.name}", s.id) for s in self.context.register.sites()]
        field = Field("site", _("Site (blank: all)"), self.site_id or "", choices=sites)

        def chosen(site_id: object) -> None:
            if site_id is not None:
                self.site_id = str(site_id) or None
                self.reload()

        self.app.push_screen(
            FormModal(_("Only the faults of"), [field], lambda values: values["site"]), chosen
        )

    # -- one fault -------------------------------------------------------------------------

    @on(FastTable.RowSelected)
    def _open(self, event: FastTable.RowSelected) -> None:
        self._open_fault(event.key)

    def action_open(self) -> None:
        key = self.query_one(FastTable).current_key
        if key:
            self._open_fault(key)

    def _open_fault(self, key: str) -> None:
        from assettrack.tui.screens.fault_detail import FaultDetailScreen

        service = self.context.faults
        assert service is not None
        try:
            fault = service.find(key)
        except AssetTrackError as exc:
            self.notify(error_text(exc), severity="error")
            return
        self.app.push_screen(FaultDetailScreen(self.context, fault))

    def action_stamp(self, field: str) -> None:
        service = self.context.faults
        assert service is not None
        key = self.query_one(FastTable).current_key
        if not key:
            return
        try:
            fault = service.find(key)
        except AssetTrackError as exc:
            self.notify(error_text(exc), severity="error")
            return
        stamp_now(self, service, fault, field, self.reload)

    def action_report(self) -> None:
        service = self.context.faults
        assert service is not None
        register = self.context.register
        sites = [(f"{s.customer} / {s.name}", s.id) for s in register.sites()]
        levels = [
            (f"{lvl.level} — {_(lvl.name)}", str(lvl.level))
            for lvl in service.config.severity.levels.values()
        ]
        ways = [(term(REPORTED_VIA, w.value), w.value) for w in ReportedVia]
        now = service.clock().replace(second=0, microsecond=0)
        fields = [
            # One site: nothing to choose.
            Field("site", _("Site"), sites[0][1] if len(sites) == 1 else "", choices=sites),
            Field("asset", _("Asset serial"), "", _("optional")),
            Field("severity", _("Severity"), levels[0][1] if levels else "1", choices=levels),
            Field("via", _("Reported by"), ReportedVia.PHONE.value, choices=ways),
            Field("at", _("Reported at"), f"{now:%Y-%m-%d %H:%M}", "YYYY-MM-DD HH:MM"),  # no-i18n
            Field("symptom", _("Symptom"), ""),
        ]

        def submit(values: dict[str, str]) -> object:
            if not values["site"]:
                raise AssetTrackError(_("choose the site"))
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
            self.query_one(FastTable).move_to_key(fault.id)  # type: ignore[attr-defined]
            matches = service.suggestions(fault)  # type: ignore[arg-type]
            if matches:
                best = matches[0]
                self.notify(
                    _("Known problem: {title} — {solution}").format(
                        title=best.problem.title, solution=best.problem.solution
                    )
                    + "\n"
                    + _("Enter opens the fault; k there attaches it."),
                    title=_("Seen before"),
                    timeout=15,
                )
            else:
                self.notify(_("Fault recorded"))

        self.app.push_screen(FormModal(_("Report a fault"), fields, submit), done)
