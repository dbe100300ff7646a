"""The contract form: number, customer, value, term, warranty, the sites it covers, caps."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.widgets import Select, SelectionList

from assettrack.domain.models import Contract
from assettrack.domain.validation import contract_values, parse_id_list
from assettrack.services.customers import CustomerBase
from assettrack.tui.context import TuiContext
from assettrack.tui.screens.record_form import Field, Heading, Part, RecordForm
from assettrack.tui.screens.site_form import customer_choices


def caps_hint(context: TuiContext) -> str:
    faults = context.faults
    if faults is None:
        return "percent of the value, one per band; empty: the configured caps"
    bands = faults.config.caps.bands
    shown = ";".join(f"{b.percent}" for b in bands)
    years = ", ".join(f"years {b.from_year}-{b.to_year}" for b in bands)
    return f"empty: {shown} ({years} after warranty)"


def contract_parts(context: TuiContext, customers: CustomerBase) -> list[Part]:
    sites = [(f"{s.customer} / {s.name}", s.id) for s in context.register.sites()]
    return [
        Field("number", "Contract number", "as printed on the contract"),
        Field(
            "customer_id", "Customer", "Choose the customer", "choice", customer_choices(customers)
        ),
        Field("value", "Value", "the contract total, e.g. 1,200,000"),
        Field("currency", "Currency", "CNY"),
        Heading("Term and warranty"),
        Field("starts_on", "Starts", "YYYY-MM-DD"),
        Field("ends_on", "Ends", "YYYY-MM-DD; empty: from the service years"),
        Field("service_years", "Service years", "usually 3-5"),
        Field("warranty_months", "Warranty months", "per vendor"),
        Field("warranty_ends_on", "Warranty ends", "YYYY-MM-DD; empty: from the assets"),
        Heading("What it covers", "every asset of the sites ticked (space ticks a site)"),
        Field("site_ids", "Sites", kind="choices", choices=sites),
        Heading("Charges after warranty"),
        Field("cap_percents", "Labour caps %", caps_hint(context)),
        Field("notes", "Notes", ""),
    ]


class ContractForm(RecordForm[Contract]):
    """Lists only the chosen customer's sites: a contract covers one customer's sites."""

    def __init__(self, context: TuiContext, contract: Contract | None = None) -> None:
        customers = CustomerBase(context.register)
        values: dict[str, Any] = dict(contract_values(contract)) if contract else {}
        values["site_ids"] = parse_id_list(values.get("site_ids"))
        if contract is None:
            known = customers.customers()
            values["customer_id"] = known[0].id if len(known) == 1 else ""
        super().__init__(
            "Edit contract" if contract else "New contract",
            contract_parts(context, customers),
            values,
            lambda typed: customers.save_contract(typed, base=contract),
            saved=lambda saved: f"Saved contract {saved.number} of {saved.customer}",
        )
        self.context = context

    def on_mount(self) -> None:
        super().on_mount()
        self._show_sites_of(self.initial.get("customer_id") or "")

    @on(Select.Changed, "#field-customer_id")
    def _customer_chosen(self, event: Select.Changed) -> None:
        value = event.value
        self._show_sites_of("" if value is Select.NULL else str(value))

    def _show_sites_of(self, customer_id: str) -> None:
        sites = self.query_one("#field-site_ids", SelectionList)
        ticked = set(sites.selected)
        shown = [
            s
            for s in self.context.register.sites()
            if not customer_id or s.customer_id == customer_id
        ]
        sites.clear_options()
        sites.add_options(
            [
                (f"{s.customer} / {s.name}" if not customer_id else s.name, s.id, s.id in ticked)
                for s in shown
            ]
        )


def contract_form(context: TuiContext, contract: Contract | None = None) -> ContractForm:
    return ContractForm(context, contract)
