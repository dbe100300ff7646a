"""`assettrack customer …`: add, edit, list, show and remove customers."""

from __future__ import annotations

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
    joined,
    term,
)
from assettrack.commands.common import FORMATS, emit
from assettrack.domain.codec import to_doc
from assettrack.domain.validation import customer_values
from assettrack.i18n import _


@click.group(name="customer")
def customer_group() -> None:
    """Add, edit, list, show and remove customers."""


def _options(function: Any) -> Any:
    for option in reversed(
        (
            click.option("--name-en", help="English name."),
            click.option("--code", help="Short code, unique, e.g. ACME (used in other commands)."),
            click.option("--notes"),
            contact_option,
        )
    ):
        function = option(function)
    return function


@customer_group.command(name="add")
@click.option("--name", required=True, help="The customer's name, as they write it.")
@_options
@click.pass_obj
def customer_add(
    context: Any,
    name: str,
    name_en: str | None,
    code: str | None,
    notes: str | None,
    contacts: tuple[str, ...],
) -> None:
    """Add a customer."""
    with customer_base(context, write=True, create=True) as base:
        customer = base.save_customer(
            {
                "name": name,
                "name_en": name_en,
                "code": code,
                "notes": notes,
                "contacts": contacts_cell(contacts),
            }
        )
    code_text = f" ({customer.code})" if customer.code else ""
    click.echo(
        _("Added customer {name}{code_text}, id {id}").format(
            name=customer.name, code_text=code_text, id=customer.id
        )
    )


@customer_group.command(name="edit")
@click.argument("key")
@click.option("--name", help="New name.")
@_options
@click.pass_obj
def customer_edit(
    context: Any,
    key: str,
    name: str | None,
    name_en: str | None,
    code: str | None,
    notes: str | None,
    contacts: tuple[str, ...],
) -> None:
    """Change a customer (KEY: id, code or name); only the options given change."""
    with customer_base(context, write=True) as base:
        customer = base.require_customer(key)
        values = given(
            customer_values(customer),
            name=name,
            name_en=name_en,
            code=code,
            notes=notes,
            contacts=contacts_cell(contacts) if contacts else None,
        )
        saved = base.save_customer(values, base=customer)
    click.echo(_("Saved customer {name}, id {id}").format(name=saved.name, id=saved.id))


@customer_group.command(name="list")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_obj
def customer_list(context: Any, fmt: str) -> None:
    """Every customer with the number of sites and contracts."""
    with customer_base(context, write=False) as base:
        sites: dict[str | None, int] = {}
        for site in base.register.sites():
            sites[site.customer_id] = sites.get(site.customer_id, 0) + 1
        contracts: dict[str | None, int] = {}
        for contract in base.contracts():
            contracts[contract.customer_id] = contracts.get(contract.customer_id, 0) + 1
        rows = [
            {
                "id": c.id,
                "name": c.name,
                "name_en": c.name_en,
                "code": c.code,
                "sites": sites.get(c.id, 0),
                "contracts": contracts.get(c.id, 0),
                "contacts": len(c.contacts),
            }
            for c in base.customers()
        ]
    emit(
        rows,
        ("name", "name_en", "code", "sites", "contracts", "contacts", "id"),
        fmt,
        _("No customers yet: add one with 'assettrack customer add --name …'."),
    )


@customer_group.command(name="show")
@click.argument("key")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def customer_show(context: Any, key: str, fmt: str) -> None:
    """A customer with its contacts, sites and contracts."""
    with customer_base(context, write=False) as base:
        customer = base.require_customer(key)
        sites = [(s, len(base.store.assets.by_site(s.id))) for s in base.sites_of(customer.id)]
        contracts = [c for c in base.contracts() if c.customer_id == customer.id]
    if fmt == "json":
        echo_json(
            {
                "customer": to_doc(customer),
                "sites": [{**to_doc(s), "assets": n} for s, n in sites],
                "contracts": [to_doc(c) for c in contracts],
            }
        )
        return
    echo_details(
        [
            (_("Customer"), customer.name),
            (_("English"), customer.name_en),
            (_("Code"), customer.code),
            (_("Id"), customer.id),
            (_("Notes"), customer.notes),
            (_("Contacts"), [contact_line(c) for c in customer.contacts]),
            (
                _("Sites ({count})").format(count=len(sites)),
                [
                    joined(s.name, s.address, _("{count} asset(s)").format(count=n))
                    for s, n in sites
                ],
            ),
            (
                _("Contracts ({count})").format(count=len(contracts)),
                [
                    joined(c.number, f"{c.value} {c.currency}", term(c.starts_on, c.ends_on))
                    for c in contracts
                ],
            ),
        ]
    )


@customer_group.command(name="remove")
@click.argument("key")
@click.pass_obj
def customer_remove(context: Any, key: str) -> None:
    """Remove a customer that has no sites or contracts left."""
    with customer_base(context, write=True) as base:
        customer = base.remove_customer(key)
    click.echo(_("Removed customer {name}").format(name=customer.name))
