"""The site form: whose site it is, where, how to get in, who to call, how often to visit."""

from __future__ import annotations

from dataclasses import asdict

from assettrack.domain.models import Site
from assettrack.domain.validation import site_values
from assettrack.domain.visits import VisitPlan
from assettrack.services.customers import CustomerBase
from assettrack.tui.context import TuiContext
from assettrack.tui.screens.record_form import Field, Heading, Part, RecordForm


def customer_choices(customers: CustomerBase) -> list[tuple[str, str]]:
    return [(c.name + (f" ({c.code})" if c.code else ""), c.id) for c in customers.customers()]


def site_parts(context: TuiContext, customers: CustomerBase) -> list[Part]:
    # The placeholders show what an empty plan field means: the configured default.
    visits = context.visits
    plan = visits.config.visit_plan if visits is not None else VisitPlan()
    return [
        Field(
            "customer_id", "Customer", "Choose the customer", "choice", customer_choices(customers)
        ),
        Field("name", "Site name", "e.g. 门诊楼机房 / main building server room"),
        Field("address", "Address", ""),
        Field("directions", "Directions", "gate, floor, who has the key"),
        Heading("Contacts at the site", "the person who signs off visits is ticked"),
        Field("contacts", "Contacts", kind="contacts"),
        Heading("Visit plan", "empty: the default plan"),
        Field("scheduled_per_month", "Visits a month", f"default {plan.scheduled_per_month}"),
        Field("follow_ups_per_month", "Follow-ups a month", f"default {plan.follow_ups_per_month}"),
        Field(
            "on_site_follow_ups_per_quarter",
            "On site a quarter",
            f"default {plan.on_site_follow_ups_per_quarter} follow-ups on site",
        ),
        Field("preferred_weekdays", "Weekdays", "any day; or e.g. tue;thu"),
        Field("engineer", "Engineer", "who usually goes; empty: anyone"),
    ]


def site_form(
    context: TuiContext, site: Site | None = None, *, customer_id: str | None = None
) -> RecordForm[Site]:
    customers = CustomerBase(context.register)
    values: dict[str, object] = dict(site_values(site)) if site else {}
    values["contacts"] = [asdict(c) for c in site.contacts] if site else []
    if site is None:
        known = customers.customers()
        # One customer, or the one the site is being added for: chosen already.
        chosen = customer_id or (known[0].id if len(known) == 1 else "")
        values["customer_id"] = chosen
    return RecordForm(
        "Edit site" if site else "New site",
        site_parts(context, customers),
        values,
        lambda typed: customers.save_site(typed, base=site),
        saved=lambda saved: f"Saved site {saved.customer} / {saved.name}",
    )
