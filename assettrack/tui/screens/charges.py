"""Contracts: service charged after warranty against the labour cap of the current year.

New and edited contracts, and the renewal list: contracts whose term ends soon.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Static

from assettrack.domain.charges import CapLevel, cap_message
from assettrack.i18n import N_, _, pgettext
from assettrack.i18n.errors import translated
from assettrack.i18n.formats import cells
from assettrack.i18n.terms import CAP_LEVELS, CHARGE_KINDS, term
from assettrack.services.charges import ChargeService, ContractCharges
from assettrack.services.customers import CustomerBase
from assettrack.tui import customer_flows
from assettrack.tui.context import TuiContext
from assettrack.tui.widgets.fast_table import Column, FastTable, Row
from assettrack.tui.widgets.footer import Footer

LEVEL_STYLE = {
    "ok": "green",
    "warning": "bold yellow",
    "exceeded": "bold red",
    "in_warranty": "dim",
    "no_cap": "dim",
}
COLUMNS = (
    Column("customer", N_("Customer"), max_width=24),
    Column("contract", N_("Contract"), max_width=16),
    Column("value", lambda: pgettext("contract", "Value"), justify="right"),
    Column("warranty", N_("Warranty ends"), min_width=10),
    Column("year", N_("Year after"), justify="right"),
    Column("cap", N_("Labour cap"), justify="right"),
    Column("used", N_("Labour used"), justify="right"),
    Column("level", N_("Cap"), min_width=8),
    Column("ends", N_("Term ends"), min_width=10),
)


# Renewal windows, in days, that w steps through.
RENEWAL_WINDOWS = (30, 60, 90, 180, 365)


class ChargesScreen(Screen[None]):
    TITLE = N_("Contracts and charges")  # translated where shown (tui.language)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_contract", N_("New contract")),
        Binding("e", "edit_contract", N_("Edit")),
        Binding("r", "renewals", N_("Renewals")),
        Binding("w", "window", N_("Window")),
    ]

    def __init__(self, context: TuiContext) -> None:
        super().__init__()
        self.context = context
        self.rows: dict[str, ContractCharges] = {}
        # Only contracts whose term ends within ``window`` days, when on.
        self.renewals = False
        self.window = 90

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="charges-summary")
        yield FastTable(COLUMNS, id="charges")
        yield Static(id="charge-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _(self.TITLE)
        self.reload()
        self.query_one(FastTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def service(self) -> ChargeService:
        faults = self.context.faults
        assert faults is not None
        return ChargeService(
            self.context.register.store,
            faults.config,
            self.context.register.rules,
            today=lambda: self.context.today,
        )

    def reload(self) -> None:
        summary = self.service().summary(self.context.today)
        if self.renewals:
            ending = CustomerBase(self.context.register).contracts_ending(
                self.context.today, self.window
            )
            order = {c.id: i for i, c in enumerate(ending)}
            summary = sorted(
                (c for c in summary if c.contract.id in order), key=lambda c: order[c.contract.id]
            )
        self.rows = {c.contract.id: c for c in summary}
        rows = []
        for item in summary:
            contract, cap = item.contract, item.cap
            level = cap.level.value if cap else "unknown"
            rows.append(
                Row(
                    contract.id,
                    (
                        contract.customer,
                        contract.number,
                        f"{contract.value:,.0f} {contract.currency}",
                        str(item.warranty_end or "?"),
                        str(cap.year) if cap and cap.year else "",
                        f"{cap.cap:,.2f}" if cap and cap.cap is not None else "",
                        f"{cap.used:,.2f}" if cap else f"{item.labour:,.2f}",
                        Text(term(CAP_LEVELS, level), style=LEVEL_STYLE.get(level, "dim")),
                        str(contract.ends_on or ""),
                    ),
                )
            )
        self.query_one(FastTable).set_rows(rows)
        alerts = sum(1 for c in summary if c.cap and c.cap.alert)
        if self.renewals:
            shown = Text.assemble(
                (
                    _(" Renewals: {count} contract(s) ending within {days} days").format(
                        count=len(summary), days=self.window
                    ),
                    "bold",
                ),
                _(" · w: another window · r: every contract"),
            )
        elif not summary:
            shown = Text(_(" No contracts yet: n adds one (a customer is needed first)"))
        else:
            shown = Text.assemble(
                _(" {count} contract(s) · ").format(count=len(summary)),
                (
                    _("{count} near or over the labour cap").format(count=alerts),
                    "bold red" if alerts else "green",
                ),
                _(" · r: renewals · record charges with: assettrack charge add"),
            )
        self.query_one("#charges-summary", Static).update(shown)

    @on(FastTable.RowHighlighted)
    def _detail(self, event: FastTable.RowHighlighted) -> None:
        item = self.rows.get(event.key or "")
        detail = self.query_one("#charge-detail", Static)
        if item is None:
            detail.update("")
            return
        lines = (
            [translated(cap_message(item.cap, item.contract.currency))]
            if item.cap
            else [
                _(
                    "no warranty end known for this contract or its assets: the cap cannot be "
                    "checked"
                )
            ]
        )
        if item.cap and item.cap.level is CapLevel.IN_WARRANTY:
            lines = [_("in warranty: labour is free")]
        for charge in item.charges[-5:]:
            kind = term(CHARGE_KINDS, charge.kind.value)
            kind += " " * max(0, 8 - cells(kind))  # a Chinese character is two columns
            lines.append(
                f"{charge.charged_on}  {kind} {charge.amount:>12,.2f}  {charge.description}"
            )
        detail.update("\n".join(lines))

    # -- contracts -------------------------------------------------------------------------

    def _saved(self, contract: object) -> None:
        key = getattr(contract, "id", None)
        if key:
            self.reload()
            self.query_one(FastTable).move_to_key(key)

    def action_new_contract(self) -> None:
        if not CustomerBase(self.context.register).customers():
            self.notify(_("A contract is a customer's: add the customer first (F2, c)"))
            customer_flows.add_customer(self.app, self.context, self._customer_added)
            return
        customer_flows.add_contract(self.app, self.context, self._saved)

    def _customer_added(self, customer: object) -> None:
        if customer is not None:
            customer_flows.add_contract(self.app, self.context, self._saved)

    def action_edit_contract(self) -> None:
        item = self.rows.get(self.query_one(FastTable).current_key or "")
        if item is None:
            self.notify(_("No contract selected"), severity="warning")
            return
        customer_flows.edit_contract(self.app, self.context, item.contract, self._saved)

    @on(FastTable.RowSelected)
    def _chosen(self) -> None:
        self.action_edit_contract()  # enter or a double click

    def action_renewals(self) -> None:
        self.renewals = not self.renewals
        self.reload()

    def action_window(self) -> None:
        later = [w for w in RENEWAL_WINDOWS if w > self.window]
        self.window = later[0] if later else RENEWAL_WINDOWS[0]
        self.renewals = True
        self.reload()
