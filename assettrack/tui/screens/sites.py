"""Customers and their sites: assets, warranties expiring soon, the last and next visit."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Static

from assettrack.domain.models import Customer, Site
from assettrack.domain.warranty import WarrantyState
from assettrack.i18n import N_, _
from assettrack.services.customers import CustomerBase
from assettrack.tui import customer_flows, visit_flows
from assettrack.tui.context import TuiContext
from assettrack.tui.screens.first_start import GettingStarted
from assettrack.tui.visit_due import due_cell
from assettrack.tui.widgets.fast_table import Column, FastTable, Row
from assettrack.tui.widgets.footer import Footer

# The next visit comes right after the site, so it stays on screen at 80 columns.
COLUMNS = (
    Column("customer", N_("Customer"), max_width=24),
    Column("site", N_("Site"), max_width=24),
    Column("due", N_("Next visit due"), min_width=10),
    Column("assets", N_("Assets"), justify="right"),
    Column("expiring", N_("Expiring ≤90d"), justify="right"),
    Column("expired", N_("Expired"), justify="right"),
    Column("last", N_("Last inspection"), min_width=10),
)


# Row keys of customers that have no site yet (site rows are keyed by the site's id).
CUSTOMER_ROW = "customer:"


class SitesScreen(Screen[None]):
    TITLE = N_("Sites")  # translated where shown (tui.language)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", N_("Assets of site"), show=False),
        Binding("v", "start_visit", N_("Visit")),
        Binding("n", "new_site", N_("New site")),
        Binding("e", "edit_site", N_("Edit")),
        Binding("d", "remove_site", N_("Remove")),
        Binding("c", "new_customer", N_("Customer")),
        Binding("C", "edit_customer", N_("Edit customer")),
    ]

    def __init__(self, context: TuiContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="sites-summary")
        yield FastTable(COLUMNS, id="sites")
        yield Static(id="sites-next", classes="next-step")
        # In place of the table while there are no sites.
        yield GettingStarted(self.context, id="sites-guide")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _(self.TITLE)
        self.reload()
        self._show_guide()

    def on_screen_resume(self) -> None:
        self.reload()
        self._show_guide()
        self._show_open_visit(self.query_one(FastTable).current_key)

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
                        due_text,
                        str(len(mine)),
                        Text(str(expiring), style="bold yellow" if expiring else "dim"),
                        Text(str(expired), style="red" if expired else "dim"),
                        str(last or _("never")),
                    ),
                )
            )
        sites = len(rows)
        rows.extend(self._customers_without_sites())
        self.query_one(FastTable).set_rows(rows)
        self.query_one("#sites-summary", Static).update(
            " "
            + _(
                "{sites} sites · {assets} assets · {overdue} site(s) due for a visit · as of {day}"
            ).format(sites=sites, assets=len(views), overdue=overdue, day=today)
        )

    def _customers_without_sites(self) -> list[Row]:
        """A customer with no site yet gets a row of its own, so it can be seen, given its
        first site (n or Enter), edited (e) or removed (d)."""
        with_sites = {s.customer_id for s in self.context.register.sites()}
        return [
            Row(
                f"{CUSTOMER_ROW}{c.id}",
                (c.name, Text(_("no site yet: n adds one"), style="dim italic"), *[""] * 5),
            )
            for c in CustomerBase(self.context.register).customers()
            if c.id not in with_sites
        ]

    @on(FastTable.RowSelected)
    def _selected(self, event: FastTable.RowSelected) -> None:
        self._open(event.key)

    @on(FastTable.RowHighlighted)
    def _highlighted(self, event: FastTable.RowHighlighted) -> None:
        self._show_open_visit(event.key)

    def _show_open_visit(self, key: str | None) -> None:
        # The header says when the highlighted site has a visit open: work there joins it.
        site = self.context.register.site(key) if key else None
        self.sub_title = visit_flows.open_visit_line(self.context, site) if site else ""

    def action_start_visit(self) -> None:
        site = self._selected_site()
        if site is not None:
            visit_flows.start_visit(
                self.app, self.context, site, lambda _visit: self._show_open_visit(site.id)
            )

    def action_open(self) -> None:
        key = self.query_one(FastTable).current_key
        if key:
            self._open(key)

    def _open(self, site_id: str) -> None:
        from assettrack.tui.screens.assets import AssetsScreen

        if site_id.startswith(CUSTOMER_ROW):
            self.action_new_site()
            return

        site = self.context.register.site(site_id)
        if site is not None:
            self.app.push_screen(AssetsScreen(self.context, site=site))

    # -- no sites or no assets yet: what to do next ----------------------------------------

    def _show_guide(self) -> None:
        now = customer_flows.progress(self.context)
        guide = self.query_one(GettingStarted)
        table = self.query_one(FastTable)
        guide.display = not (now.sites or now.customers)
        table.display = not guide.display
        guide.show_progress()
        hint = self.query_one("#sites-next", Static)
        hint.display = bool(now.customers) and not now.assets
        hint.update(
            " "
            + _(
                "No assets yet: F3 then n adds one by hand; F3 also offers to import a"
                " spreadsheet of assets with their sites."
            )
            if now.sites
            else " " + _("No sites yet: n adds the selected customer's first site.")
        )
        if guide.display:
            guide.focus_first()
        else:
            table.focus()

    @on(GettingStarted.Changed)
    def _guide_used(self) -> None:
        self.reload()
        self._show_guide()

    def _selected_site(self) -> Site | None:
        key = self.query_one(FastTable).current_key
        site = self.context.register.site(key) if key else None
        if site is None:
            self.notify(_("No site selected"), severity="warning")
        return site

    def _selected_customer(self) -> Customer | None:
        """The customer of the selected row (a site's, or a customer with no site yet)."""
        key = self.query_one(FastTable).current_key or ""
        customers = CustomerBase(self.context.register)
        if key.startswith(CUSTOMER_ROW):
            return customers.customer(key.removeprefix(CUSTOMER_ROW))
        site = self.context.register.site(key)
        if site is None:
            return None
        # Sites from before customers were documents know their customer by name only.
        return customers.find_customer(site.customer_id or site.customer)

    def _saved(self, result: object) -> None:
        # Put the cursor on the site just saved.
        key = getattr(result, "id", None)
        if key:
            self._guide_used()
            self.query_one(FastTable).move_to_key(key)

    def _on_customer_row(self) -> bool:
        return (self.query_one(FastTable).current_key or "").startswith(CUSTOMER_ROW)

    def action_new_site(self) -> None:
        customer = self._selected_customer()
        customer_flows.add_site(
            self.app, self.context, self._saved, customer_id=customer.id if customer else None
        )

    def action_edit_site(self) -> None:
        if self._on_customer_row():
            self.action_edit_customer()
            return
        site = self._selected_site()
        if site is not None:
            customer_flows.edit_site(self.app, self.context, site, self._saved)

    def action_remove_site(self) -> None:
        if self._on_customer_row():
            customer = self._selected_customer()
            if customer is not None:
                customer_flows.remove_customer(self.app, self.context, customer, self._removed)
            return
        site = self._selected_site()
        if site is not None:
            customer_flows.remove_site(self.app, self.context, site, self._removed)

    def _removed(self, result: object) -> None:
        if result is not None:
            self._guide_used()

    def action_new_customer(self) -> None:
        customer_flows.add_customer(self.app, self.context)

    def action_edit_customer(self) -> None:
        customer = self._selected_customer()
        if customer is None:
            self.notify(
                _("This site's customer has no record yet: add it with c"), severity="warning"
            )
            return
        customer_flows.edit_customer(self.app, self.context, customer, self._saved)
