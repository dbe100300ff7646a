"""Contracts: service charged after warranty against the labour cap of the current year."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from assettrack.domain.charges import CapLevel, cap_message
from assettrack.services.charges import ChargeService, ContractCharges
from assettrack.tui.context import TuiContext
from assettrack.tui.widgets.fast_table import Column, FastTable, Row

LEVEL_STYLE = {
    "ok": "green",
    "warning": "bold yellow",
    "exceeded": "bold red",
    "in_warranty": "dim",
    "no_cap": "dim",
}
COLUMNS = (
    Column("customer", "Customer", max_width=24),
    Column("contract", "Contract", max_width=16),
    Column("value", "Value", justify="right"),
    Column("warranty", "Warranty ends", min_width=10),
    Column("year", "Year after", justify="right"),
    Column("cap", "Labour cap", justify="right"),
    Column("used", "Labour used", justify="right"),
    Column("level", "Cap", min_width=8),
)


class ChargesScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self, context: TuiContext) -> None:
        super().__init__()
        self.context = context
        self.rows: dict[str, ContractCharges] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="charges-summary")
        yield FastTable(COLUMNS, id="charges")
        yield Static(id="charge-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Contracts and charges"
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
                        Text(level.replace("_", " "), style=LEVEL_STYLE.get(level, "dim")),
                    ),
                )
            )
        self.query_one(FastTable).set_rows(rows)
        alerts = sum(1 for c in summary if c.cap and c.cap.alert)
        self.query_one("#charges-summary", Static).update(
            Text.assemble(
                f" {len(summary)} contract(s) · ",
                (f"{alerts} near or over the labour cap", "bold red" if alerts else "green"),
                " · record charges with: assettrack charge add",
            )
        )

    @on(FastTable.RowHighlighted)
    def _detail(self, event: FastTable.RowHighlighted) -> None:
        item = self.rows.get(event.key or "")
        detail = self.query_one("#charge-detail", Static)
        if item is None:
            detail.update("")
            return
        lines = (
            [cap_message(item.cap, item.contract.currency)]
            if item.cap
            else [
                "no warranty end known for this contract or its assets: the cap cannot be checked"
            ]
        )
        if item.cap and item.cap.level is CapLevel.IN_WARRANTY:
            lines = ["in warranty: labour is free"]
        for charge in item.charges[-5:]:
            lines.append(
                f"{charge.charged_on}  {charge.kind.value:8} {charge.amount:>12,.2f}  "
                f"{charge.description}"
            )
        detail.update("\n".join(lines))
