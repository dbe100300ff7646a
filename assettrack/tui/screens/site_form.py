"""The site form: whose site it is, where, how to get in, who to call, how often to visit."""

from __future__ import annotations

from dataclasses import asdict

from assettrack.domain.models import Site
from assettrack.domain.validation import site_values
from assettrack.domain.visits import VisitPlan
from assettrack.i18n import _
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
            "customer_id",
            _("Customer"),
            _("Choose the customer"),
            "choice",
            customer_choices(customers),
        ),
        Field("name", _("Site name"), _("e.g. 门诊楼机房 / main building server room")),
        Field("address", _("Address"), ""),
        Field("directions", _("Directions"), _("gate, floor, who has the key")),
        Heading(_("Contacts at the site"), _("the person who signs off visits is ticked")),
        Field("contacts", _("Contacts"), kind="contacts"),
        Heading(_("Visit plan"), _("empty: the default plan")),
        Field(
            "scheduled_per_month",
            _("Visits a month"),
            _("default {count}").format(count=plan.scheduled_per_month),
        ),
        Field(
            "follow_ups_per_month",
            _("Follow-ups a month"),
            _("default {count}").format(count=plan.follow_ups_per_month),
        ),
        Field(
            "on_site_follow_ups_per_quarter",
            _("On site a quarter"),
            _("default {count} follow-ups on site").format(
                count=plan.on_site_follow_ups_per_quarter
            ),
        ),
        Field("preferred_weekdays", _("Weekdays"), _("any day; or e.g. tue;thu")),
        Field("engineer", _("Engineer"), _("who usually goes; empty: anyone")),
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
        _("Edit site") if site else _("New site"),
        site_parts(context, customers),
        values,
        lambda typed: customers.save_site(typed, base=site),
        saved=lambda saved: _("Saved site {customer} / {site}").format(
            customer=saved.customer, site=saved.name
        ),
    )
