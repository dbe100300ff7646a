"""The contract form: number, customer, value, term, warranty, the sites it covers, caps."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.widgets import Select, SelectionList

from assettrack.domain.models import Contract
from assettrack.domain.validation import contract_values, parse_id_list
from assettrack.i18n import _, pgettext
from assettrack.services.customers import CustomerBase
from assettrack.tui.context import TuiContext
from assettrack.tui.screens.record_form import Field, Heading, Part, RecordForm
from assettrack.tui.screens.site_form import customer_choices


def caps_hint(context: TuiContext) -> str:
    faults = context.faults
    if faults is None:
        return _("percent of the value, one per band; empty: the configured caps")
    bands = faults.config.caps.bands
    shown = ";".join(f"{b.percent}" for b in bands)
    years = ", ".join(
        _("years {first}-{last}").format(first=b.from_year, last=b.to_year) for b in bands
    )
    return _("empty: {caps} ({years} after warranty)").format(caps=shown, years=years)


def contract_parts(context: TuiContext, customers: CustomerBase) -> list[Part]:
    sites = [(f"{s.customer} / {s.name}", s.id) for s in context.register.sites()]
    return [
        Field("number", _("Contract number"), _("as printed on the contract")),
        Field(
            "customer_id",
            _("Customer"),
            _("Choose the customer"),
            "choice",
            customer_choices(customers),
        ),
        Field("value", pgettext("contract", "Value"), _("the contract total, e.g. 1,200,000")),
        Field("currency", _("Currency"), _("CNY")),
        Heading(_("Term and warranty")),
        Field("starts_on", _("Starts"), _("YYYY-MM-DD")),
        Field("ends_on", _("Ends"), _("YYYY-MM-DD; empty: from the service years")),
        Field("service_years", _("Service years"), _("usually 3-5")),
        Field("warranty_months", _("Warranty months"), _("per vendor")),
        Field("warranty_ends_on", _("Warranty ends"), _("YYYY-MM-DD; empty: from the assets")),
        Heading(_("What it covers"), _("every asset of the sites ticked (space ticks a site)")),
        Field("site_ids", _("Sites"), kind="choices", choices=sites),
        Heading(_("Charges after warranty")),
        Field("cap_percents", _("Labour caps %"), caps_hint(context)),
        Field("notes", _("Notes"), ""),
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
            _("Edit contract") if contract else _("New contract"),
            contract_parts(context, customers),
            values,
            lambda typed: customers.save_contract(typed, base=contract),
            saved=lambda saved: _("Saved contract {number} of {customer}").format(
                number=saved.number, customer=saved.customer
            ),
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
