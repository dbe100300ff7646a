"""Customers and their sites: assets, warranties expiring soon, the last and next visit."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from assettrack.domain.warranty import WarrantyState
from assettrack.tui.context import TuiContext
from assettrack.tui.visit_due import due_cell
from assettrack.tui.widgets.fast_table import Column, FastTable, Row

COLUMNS = (
    Column("customer", "Customer", max_width=24),
    Column("site", "Site", max_width=24),
    Column("assets", "Assets", justify="right"),
    Column("expiring", "Expiring ≤90d", justify="right"),
    Column("expired", "Expired", justify="right"),
    Column("last", "Last inspection", min_width=10),
    Column("due", "Next visit due", min_width=10),
)


class SitesScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Assets of site", show=False),
    ]

    def __init__(self, context: TuiContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="sites-summary")
        yield FastTable(COLUMNS, id="sites")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Sites"
        self.reload()
        self.query_one(FastTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        register, today = self.context.register, self.context.today
        views = register.views(today)
        rows, overdue = [], 0
        for site in register.sites():
            mine = [v for v in views if v.asset.site_id == site.id]
            expiring = sum(1 for v in mine if v.warranty.state is WarrantyState.EXPIRING)
            expired = sum(1 for v in mine if v.warranty.state is WarrantyState.EXPIRED)
            inspected = [v.asset.last_inspection for v in mine if v.asset.last_inspection]
            last = max(inspected) if inspected else None
            # The same rule as the Visits screen and `visits --overdue` (the site's plan).
            due = self.context.visits.next_due(site, today) if self.context.visits else None
            overdue += bool(due and due.overdue)
            due_text = due_cell(due)
            rows.append(
                Row(
                    site.id,
                    (
                        site.customer,
                        site.name,
                        str(len(mine)),
                        Text(str(expiring), style="bold yellow" if expiring else "dim"),
                        Text(str(expired), style="red" if expired else "dim"),
                        str(last or "never"),
                        due_text,
                    ),
                )
            )
        self.query_one(FastTable).set_rows(rows)
        self.query_one("#sites-summary", Static).update(
            f" {len(rows)} sites · {len(views)} assets · {overdue} site(s) due for a visit"
            f" · as of {today}"
        )

    @on(FastTable.RowSelected)
    def _selected(self, event: FastTable.RowSelected) -> None:
        self._open(event.key)

    def action_open(self) -> None:
        key = self.query_one(FastTable).current_key
        if key:
            self._open(key)

    def _open(self, site_id: str) -> None:
        from assettrack.tui.screens.assets import AssetsScreen

        site = self.context.register.site(site_id)
        if site is not None:
            self.app.push_screen(AssetsScreen(self.context, site=site))
