"""The customer form: names, a short code, notes and the people to call."""

from __future__ import annotations

from dataclasses import asdict

from assettrack.domain.models import Customer
from assettrack.domain.validation import customer_values
from assettrack.services.customers import CustomerBase
from assettrack.tui.context import TuiContext
from assettrack.tui.screens.record_form import Field, Heading, Part, RecordForm

PARTS: tuple[Part, ...] = (
    Field("name", "Name", "as the customer writes it, e.g. 华东医院集团"),
    Field("name_en", "English name", "if any"),
    Field("code", "Code", "short and unique, e.g. HDYY"),
    Field("notes", "Notes", ""),
    Heading("Contacts", "the customer's own people (each site has its contacts too)"),
    Field("contacts", "Contacts", kind="contacts"),
)


def customer_form(context: TuiContext, customer: Customer | None = None) -> RecordForm[Customer]:
    customers = CustomerBase(context.register)
    values: dict[str, object] = dict(customer_values(customer)) if customer else {}
    values["contacts"] = [asdict(c) for c in customer.contacts] if customer else []
    return RecordForm(
        "Edit customer" if customer else "New customer",
        PARTS,
        values,
        lambda typed: customers.save_customer(typed, base=customer),
        saved=lambda saved: f"Saved customer {saved.name}",
    )
