"""`assettrack site …`: add, edit, list, show and remove sites, with their own visit plan."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import click

from assettrack.commands.catalog import (
    contact_line,
    contact_option,
    contacts_cell,
    customer_base,
    echo_details,
    echo_json,
    given,
)
from assettrack.commands.common import FORMATS, emit, service_config
from assettrack.domain.codec import to_doc
from assettrack.domain.models import Site
from assettrack.domain.validation import plan_values, site_values
from assettrack.i18n import _
from assettrack.i18n.formats import format_date

PLAN_KEYS = (
    "scheduled_per_month",
    "follow_ups_per_month",
    "on_site_follow_ups_per_quarter",
    "preferred_weekdays",
    "engineer",
)


@click.group(name="site")
def site_group() -> None:
    """Add, edit, list, show and remove sites."""


def _options(function: Any) -> Any:
    """The site's fields and its own visit plan (an empty value: back to the default)."""
    for option in reversed(
        (
            click.option("--address"),
            click.option("--directions", help="How to get there: gate, floor, who has the key."),
            contact_option,
            click.option("--scheduled-per-month", metavar="N", help="Scheduled visits a month."),
            click.option("--follow-ups-per-month", metavar="N", help="Follow-ups a month."),
            click.option(
                "--on-site-follow-ups-per-quarter",
                metavar="N",
                help="On-site follow-ups a quarter.",
            ),
            click.option("--preferred-weekdays", metavar="mon,thu", help="Days to visit on."),
            click.option("--engineer", metavar="NAME", help="Who looks after the site."),
        )
    ):
        function = option(function)
    return function


@site_group.command(name="add")
@click.option("--customer", required=True, help="Customer id, code or name.")
@click.option("--name", required=True)
@_options
@click.pass_obj
def site_add(
    context: Any, customer: str, name: str, contacts: tuple[str, ...], **fields: Any
) -> None:
    """Add a site to a customer."""
    values = given({}, **fields)
    values.update(customer_id=customer, name=name, contacts=contacts_cell(contacts))
    with customer_base(context, write=True, create=True) as base:
        site = base.save_site(values)
    click.echo(
        _("Added site {name} of {customer}, id {id}").format(
            name=site.name, customer=site.customer, id=site.id
        )
    )


@site_group.command(name="edit")
@click.argument("key")
@click.option("--customer", help="Move the site to this customer (id, code or name).")
@click.option("--name", help="New name.")
@_options
@click.pass_obj
def site_edit(
    context: Any,
    key: str,
    customer: str | None,
    name: str | None,
    contacts: tuple[str, ...],
    **fields: Any,
) -> None:
    """Change a site (KEY: id, name, or 'Customer / Site'); only the options given change."""
    with customer_base(context, write=True) as base:
        site = base.find_site(key)
        values = given(
            site_values(site),
            customer_id=customer,
            name=name,
            contacts=contacts_cell(contacts) if contacts else None,
            **fields,
        )
        saved = base.save_site(values, base=site)
    click.echo(
        _("Saved site {name} of {customer}, id {id}").format(
            name=saved.name, customer=saved.customer, id=saved.id
        )
    )


@site_group.command(name="list")
@click.option("--customer", help="Only this customer's sites (id, code or name).")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_obj
def site_list(context: Any, customer: str | None, fmt: str) -> None:
    """Sites with their asset counts and own visit plans."""
    with customer_base(context, write=False) as base:
        sites = base.register.sites()
        if customer:
            owner = base.require_customer(customer)
            sites = [s for s in sites if s.customer_id == owner.id]
        rows = [
            {
                "id": s.id,
                "customer": s.customer,
                "name": s.name,
                "address": s.address,
                "assets": len(base.store.assets.rows_at(s.id)),  # counted, not decoded
                "contacts": len(s.contacts),
                "own_plan": _own_plan(s),
            }
            for s in sites
        ]
    emit(
        rows,
        ("customer", "name", "address", "assets", "contacts", "own_plan", "id"),
        fmt,
        _("No sites yet: add one with 'assettrack site add --customer … --name …'."),
    )


def _own_plan(site: Site) -> str:
    shown = plan_values(site.visit_plan)
    return ", ".join(f"{k}={v}" for k, v in shown.items() if v)


def plan_in_force(context: Any, site: Site) -> dict[str, Any]:
    """The configured plan with the site's own keys on top (what compliance is judged by)."""
    return dataclasses.asdict(service_config(context).plan_for(site))


@site_group.command(name="show")
@click.argument("key")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def site_show(context: Any, key: str, fmt: str) -> None:
    """A site: address, directions, contacts, the visit plan in force and its assets."""
    with customer_base(context, write=False) as base:
        site = base.find_site(key)
        assets = len(base.store.assets.by_site(site.id))
        contracts = [c.number for c in base.contracts() if site.id in c.site_ids]
    plan = plan_in_force(context, site)
    own = [k for k in PLAN_KEYS if k in site.visit_plan]
    if fmt == "json":
        echo_json(
            {
                "site": to_doc(site),
                "plan": plan,
                "plan_own_keys": own,
                "assets": assets,
                "contracts": contracts,
            }
        )
        return

    echo_details(
        [
            (_("Site"), site.name),
            (_("Customer"), site.customer),
            (_("Id"), site.id),
            (_("Address"), site.address),
            (_("Directions"), site.directions),
            (_("Contacts"), [contact_line(c) for c in site.contacts]),
            (_("Visit plan"), _plan_lines(plan, own)),
            (_("Assets"), assets),
            (_("Contracts"), contracts),
        ]
    )


def _plan_lines(plan: dict[str, Any], own: list[str]) -> list[str]:
    lines = {
        "scheduled_per_month": _("{count} scheduled a month").format(
            count=plan["scheduled_per_month"]
        ),
        "follow_ups_per_month": _("{count} follow-up(s) a month").format(
            count=plan["follow_ups_per_month"]
        ),
        "on_site_follow_ups_per_quarter": _("{count} on-site follow-up(s) a quarter").format(
            count=plan["on_site_follow_ups_per_quarter"]
        ),
        "preferred_weekdays": _("weekdays: {days}").format(
            days=", ".join(plan["preferred_weekdays"]) or _("any")
        ),
        "engineer": _("engineer: {name}").format(name=plan["engineer"] or _("anyone")),
    }
    mine = _("  (this site's own)")
    shown = [text + (mine if key in own else "") for key, text in lines.items()]
    if plan.get("starts_on"):
        shown.append(
            _("owed from {day} (the day the site was added)").format(day=_day(plan["starts_on"]))
        )
    return shown if plan["enabled"] else [_("no visits planned for this site"), *shown]


def _day(value: Any) -> str:
    """A plan's day as the language writes it in a sentence (ISO text as it is)."""
    return format_date(value) if isinstance(value, date) else str(value)


@site_group.command(name="remove")
@click.argument("key")
@click.pass_obj
def site_remove(context: Any, key: str) -> None:
    """Remove a site that has no assets, records or contracts left."""
    with customer_base(context, write=True) as base:
        site = base.remove_site(key)
    click.echo(
        _("Removed site {name} of {customer}").format(name=site.name, customer=site.customer)
    )
