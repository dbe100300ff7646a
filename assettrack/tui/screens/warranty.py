"""The team lead's warranty review: what expires soon, grouped by month or by site.

It opens on what can still be renewed (within 90 days); the expired ones, often many
more, wait behind x so they do not bury that list.
"""

from __future__ import annotations

from itertools import groupby
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Static

from assettrack.errors import AssetTrackError
from assettrack.i18n import N_, _
from assettrack.i18n.errors import error_text
from assettrack.i18n.terms import warranty_label
from assettrack.services.asset_transfer import assets_csv
from assettrack.services.assets import AssetView
from assettrack.tui.context import TuiContext
from assettrack.tui.rows import STATUS_STYLE
from assettrack.tui.widgets.fast_table import Column, FastTable, Row
from assettrack.tui.widgets.footer import Footer

COLUMNS = (
    Column("group", N_("Group"), max_width=22),
    Column("ends", N_("Ends"), min_width=10),
    Column("days", N_("Days"), justify="right"),
    Column("status", N_("Status"), min_width=8),
    Column("customer", N_("Customer"), max_width=20),
    Column("site", N_("Site"), max_width=16),
    Column("vendor", N_("Vendor"), max_width=10),
    Column("model", N_("Model"), max_width=20),
    Column("serial", N_("Serial"), max_width=16),
)
WINDOWS = (30, 60, 90)


class WarrantyScreen(Screen[None]):
    TITLE = N_("Warranty review")  # translated where shown (tui.language)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("3", "window(30)", N_("30d")),
        Binding("6", "window(60)", N_("60d")),
        Binding("9", "window(90)", N_("90d")),
        # One key, two labels: the footer says what x will do now.
        Binding("x", "show_expired(True)", N_("Show expired")),
        Binding("x", "show_expired(False)", N_("Hide expired")),
        Binding("g", "toggle_grouping", N_("Group")),
        Binding("e", "export", N_("Export CSV")),
    ]

    def __init__(self, context: TuiContext) -> None:
        super().__init__()
        self.context = context
        self.within = 90
        self.include_expired = False
        self.by_site = False
        self.views: list[AssetView] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="warranty-summary")
        yield FastTable(COLUMNS, id="warranty")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _(self.TITLE)
        self.reload()
        self.query_one(FastTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        views = self.context.register.warranty_list(
            self.context.today, within_days=self.within, include_expired=True
        )
        expired = sum(1 for v in views if (v.warranty.days_left or 0) < 0)
        if not self.include_expired:  # counted all the same, for the summary
            views = [v for v in views if (v.warranty.days_left or 0) >= 0]
        self.views = views
        if self.by_site:
            self.views.sort(key=lambda v: (v.customer, v.site_name, v.warranty.end))

        def group_of(view: AssetView) -> str:
            if self.by_site:
                return f"{view.customer} / {view.site_name}"
            if view.warranty.days_left is not None and view.warranty.days_left < 0:
                return _("expired")
            return f"{view.warranty.end:%Y-%m}"

        rows = []
        for group, members in groupby(self.views, key=group_of):
            for index, view in enumerate(members):
                w, a = view.warranty, view.asset
                rows.append(
                    Row(
                        a.id,
                        (
                            Text(group, style="bold") if index == 0 else "",
                            str(w.end),
                            str(w.days_left),
                            Text(
                                warranty_label(w.state.value, w.band),
                                style=STATUS_STYLE[w.state.value],
                            ),
                            view.customer,
                            view.site_name,
                            a.vendor,
                            a.model,
                            a.serial_number,
                        ),
                    )
                )
        table = self.query_one(FastTable)
        table.set_rows(rows)
        counts = {
            n: sum(1 for v in self.views if 0 <= (v.warranty.days_left or 0) <= n) for n in WINDOWS
        }
        # One line at 80 columns, even with four-digit counts.
        grouping = _("by site") if self.by_site else _("by month")
        summary = Text.assemble(
            " " + _("next {days} days").format(days=self.within) + f" · {grouping} · ",
            (_("≤30d: {count}").format(count=counts[30]), "bold red"),
            " ",
            (_("≤60d: {count}").format(count=counts[60]), "bold yellow"),
            " ",
            (_("≤90d: {count}").format(count=counts[90]), "yellow"),
            " · ",
            (_("expired: {count}").format(count=expired), "red"),
            " " + (_("shown") if self.include_expired else _("(x shows)")),
        )
        self.query_one("#warranty-summary", Static).update(summary)

    def action_window(self, days: int) -> None:
        self.within = days
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_expired":
            return parameters[0] != self.include_expired
        return True

    def action_show_expired(self, show: bool) -> None:
        self.include_expired = show
        self.reload()
        self.refresh_bindings()

    def action_toggle_grouping(self) -> None:
        self.by_site = not self.by_site
        self.reload()

    def action_export(self) -> None:
        folder = self.context.export_folder
        target = folder / f"warranty-{self.context.today}-{self.within}d.csv"
        from assettrack.files import write_user_file

        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_user_file(target, assets_csv(self.views, excel_bom=True).encode("utf-8"))
        except OSError as exc:
            self.notify(
                _("cannot write {path}: {reason}").format(path=target, reason=exc.strerror),
                severity="error",
            )
            return
        except AssetTrackError as exc:  # whole or not at all: an older export stays as it was
            self.notify(error_text(exc), severity="error")
            return
        self.notify(
            _("Exported {count} asset(s) to {path}").format(count=len(self.views), path=target),
            timeout=8,
        )
