"""The customer form: names, a short code, notes and the people to call."""

from __future__ import annotations

from dataclasses import asdict

from assettrack.domain.models import Customer
from assettrack.domain.validation import customer_values
from assettrack.i18n import N_, _
from assettrack.services.customers import CustomerBase
from assettrack.tui.context import TuiContext
from assettrack.tui.screens.record_form import Field, Heading, Part, RecordForm

PARTS: tuple[Part, ...] = (
    Field("name", N_("Name"), N_("as the customer writes it, e.g. 华东医院集团")),
    Field("name_en", N_("English name"), N_("if any")),
    Field("code", N_("Code"), N_("short and unique, e.g. HDYY")),
    Field("notes", N_("Notes"), ""),
    Heading(N_("Contacts"), N_("the customer's own people (each site has its contacts too)")),
    Field("contacts", N_("Contacts"), kind="contacts"),
)


def customer_form(context: TuiContext, customer: Customer | None = None) -> RecordForm[Customer]:
    customers = CustomerBase(context.register)
    values: dict[str, object] = dict(customer_values(customer)) if customer else {}
    values["contacts"] = [asdict(c) for c in customer.contacts] if customer else []
    return RecordForm(
        _("Edit customer") if customer else _("New customer"),
        PARTS,
        values,
        lambda typed: customers.save_customer(typed, base=customer),
        saved=lambda saved: _("Saved customer {name}").format(name=saved.name),
    )
