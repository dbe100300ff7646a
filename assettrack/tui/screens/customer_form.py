"""The customer form: names, a short code, notes and the people to call."""

from __future__ import annotations

from dataclasses import asdict

from assettrack.domain.models import Customer
from assettrack.domain.validation import customer_values
from assettrack.i18n import _, pgettext
from assettrack.services.customers import CustomerBase
from assettrack.tui.context import TuiContext
from assettrack.tui.screens.record_form import Field, Heading, Part, RecordForm


def customer_parts() -> tuple[Part, ...]:
    return (
        # A customer's name is a company's: not a person's (姓名) but a name (名称).
        Field(
            "name",
            pgettext("customer", "Name"),
            _("as the customer writes it, e.g. 华东医院集团"),
        ),
        Field("name_en", _("English name"), _("if any")),
        Field("code", _("Code"), _("short and unique, e.g. HDYY")),
        Field("notes", _("Notes"), ""),
        Heading(_("Contacts"), _("the customer's own people (each site has its contacts too)")),
        Field("contacts", _("Contacts"), kind="contacts"),
    )


def customer_form(context: TuiContext, customer: Customer | None = None) -> RecordForm[Customer]:
    customers = CustomerBase(context.register)
    values: dict[str, object] = dict(customer_values(customer)) if customer else {}
    values["contacts"] = [asdict(c) for c in customer.contacts] if customer else []
    return RecordForm(
        _("Edit customer") if customer else _("New customer"),
        customer_parts(),
        values,
        lambda typed: customers.save_customer(typed, base=customer),
        saved=lambda saved: _("Saved customer {name}").format(name=saved.name),
    )
