"""`assettrack contract …` and `assettrack contracts`: the service contracts and their
renewal list."""

from __future__ import annotations

from typing import Any

import click

from assettrack.commands.catalog import customer_base, echo_details, echo_json, given, term
from assettrack.commands.common import FORMATS, emit, service_config
from assettrack.domain.codec import to_doc
from assettrack.domain.models import Contract
from assettrack.domain.validation import contract_values
from assettrack.i18n import _, pgettext
from assettrack.services.catalog_transfer import site_ids_for
from assettrack.services.customers import CustomerBase


@click.group(name="contract")
def contract_group() -> None:
    """Add, edit, list and show service contracts."""


def _options(function: Any) -> Any:
    for option in reversed(
        (
            click.option("--currency", help="Three letters (default CNY)."),
            click.option("--starts", metavar="YYYY-MM-DD"),
            click.option("--ends", metavar="YYYY-MM-DD", help="Default: --starts plus --years."),
            click.option("--years", metavar="N", help="Service term in years (1-30)."),
            click.option(
                "--warranty-months",
                metavar="N|per-vendor",
                help="Warranty the contract gives; per-vendor: each vendor's own.",
            ),
            click.option("--warranty-ends", metavar="YYYY-MM-DD"),
            click.option(
                "--site",
                "sites",
                multiple=True,
                help="A covered site: id or name (repeat; on edit the list is replaced).",
            ),
            click.option(
                "--asset",
                "assets",
                multiple=True,
                help="A covered asset: serial or id (repeat; on edit the list is replaced).",
            ),
            click.option(
                "--caps",
                metavar="2,5",
                help="Labour caps after warranty, percent of the value, one per band of the"
                " charges settings.",
            ),
            click.option("--notes"),
        )
    ):
        function = option(function)
    return function


def _values(
    base: CustomerBase, values: dict[str, Any], sites: tuple[str, ...], assets: tuple[str, ...]
) -> dict[str, Any]:
    """Typed option values resolved to what the builder reads (site names to ids)."""
    customer = base.find_customer(str(values.get("customer_id") or ""))
    if sites:
        keys = [s.strip() for s in sites if s.strip()]
        values["site_ids"] = site_ids_for(base, keys, customer)
    if assets:
        values["asset_ids"] = [a.strip() for a in assets if a.strip()]
    return values


def _typed(options: dict[str, Any]) -> dict[str, Any]:
    renames = {
        "starts": "starts_on",
        "ends": "ends_on",
        "years": "service_years",
        "warranty_ends": "warranty_ends_on",
        "caps": "cap_percents",
    }
    typed = {renames.get(k, k): v for k, v in options.items()}
    if str(typed.get("warranty_months") or "").strip().casefold() == "per-vendor":
        typed["warranty_months"] = "per vendor"
    return typed


@contract_group.command(name="add")
@click.option("--customer", required=True, help="Customer id, code or name.")
@click.option("--number", required=True, help="The contract number, unique.")
@click.option("--value", required=True, help="The contract's total value.")
@_options
@click.pass_obj
def contract_add(
    context: Any,
    customer: str,
    sites: tuple[str, ...],
    assets: tuple[str, ...],
    **options: Any,
) -> None:
    """Add a service contract."""
    with customer_base(context, write=True, create=True) as base:
        values = _values(base, given({"customer_id": customer}, **_typed(options)), sites, assets)
        contract = base.save_contract(values)
    click.echo(
        _("Added contract {number} of {customer}, id {id}").format(
            number=contract.number, customer=contract.customer, id=contract.id
        )
    )


@contract_group.command(name="edit")
@click.argument("key")
@click.option("--customer", help="Customer id, code or name.")
@click.option("--number", help="New number.")
@click.option("--value")
@_options
@click.pass_obj
def contract_edit(
    context: Any,
    key: str,
    customer: str | None,
    sites: tuple[str, ...],
    assets: tuple[str, ...],
    **options: Any,
) -> None:
    """Change a contract (KEY: id or number); only the options given change."""
    typed = _typed(options)
    with customer_base(context, write=True) as base:
        contract = base.require_contract(key)
        values = given(contract_values(contract), customer_id=customer, **typed)
        if typed["ends_on"] is None and (typed["starts_on"] or typed["service_years"]):
            values["ends_on"] = ""  # a new start or term moves the end with it
        saved = base.save_contract(_values(base, values, sites, assets), base=contract)
    click.echo(
        _("Saved contract {number} of {customer}, id {id}").format(
            number=saved.number, customer=saved.customer, id=saved.id
        )
    )


def _row(base: CustomerBase, contract: Contract, today: Any) -> dict[str, Any]:
    return {
        "id": contract.id,
        "number": contract.number,
        "customer": contract.customer,
        "value": str(contract.value),
        "currency": contract.currency,
        "starts_on": contract.starts_on.isoformat() if contract.starts_on else "",
        "ends_on": contract.ends_on.isoformat() if contract.ends_on else "",
        "days_left": (contract.ends_on - today).days if contract.ends_on else "",
        "sites": len(contract.site_ids),
        "covered_assets": len(base.covered_assets(contract)),
    }


COLUMNS = (
    "number",
    "customer",
    "value",
    "currency",
    "starts_on",
    "ends_on",
    "days_left",
    "sites",
    "covered_assets",
    "id",
)


@contract_group.command(name="list")
@click.option("--customer", help="Only this customer's contracts (id, code or name).")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_obj
def contract_list(context: Any, customer: str | None, fmt: str) -> None:
    """Every contract."""
    with customer_base(context, write=False) as base:
        contracts = base.contracts()
        if customer:
            owner = base.require_customer(customer)
            contracts = [c for c in contracts if c.customer_id == owner.id]
        rows = [_row(base, c, context.today) for c in contracts]
    emit(rows, COLUMNS, fmt, _("No contracts."))


@click.command(name="contracts")
@click.option(
    "--ending",
    "ending_days",
    type=int,
    metavar="DAYS",
    help="Only contracts ending within DAYS days (the renewal list), soonest first.",
)
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_obj
def contracts_command(context: Any, ending_days: int | None, fmt: str) -> None:
    """Service contracts, or with --ending the ones to renew soon."""
    with customer_base(context, write=False) as base:
        if ending_days is None:
            contracts = base.contracts()
        else:
            contracts = base.contracts_ending(context.today, ending_days)
        rows = [_row(base, c, context.today) for c in contracts]
    empty = (
        "No contracts." if ending_days is None else f"No contract ends within {ending_days} days."
    )
    emit(rows, COLUMNS, fmt, empty)


@contract_group.command(name="show")
@click.argument("key")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def contract_show(context: Any, key: str, fmt: str) -> None:
    """A contract: term, warranty, caps, what it covers."""
    with customer_base(context, write=False) as base:
        contract = base.require_contract(key)
        covered = base.covered_assets(contract)
        sites = [base.register.site(i) for i in contract.site_ids]
        site_names = [s.name if s else i for s, i in zip(sites, contract.site_ids, strict=True)]
        listed = [
            a.serial_number if (a := base.store.assets.get(i)) else i for i in contract.asset_ids
        ]
    if fmt == "json":
        echo_json(
            {
                "contract": to_doc(contract),
                "sites": site_names,
                "assets": listed,
                "covered_assets": len(covered),
            }
        )
        return
    echo_details(
        [
            (_("Contract"), contract.number),
            (_("Customer"), contract.customer),
            (_("Id"), contract.id),
            (pgettext("contract", "Value"), f"{contract.value} {contract.currency}"),
            (_("Term"), term(contract.starts_on, contract.ends_on)),
            (_("Service years"), contract.service_years),
            (
                _("Warranty"),
                _("per vendor")
                if contract.warranty_months is None
                else _("{months} months").format(months=contract.warranty_months),
            ),
            (_("Warranty ends"), contract.warranty_ends_on),
            (_("Labour caps"), _caps(context, contract)),
            (_("Sites"), site_names),
            (_("Assets listed"), listed),
            (_("Covered assets"), len(covered)),
            (_("Notes"), contract.notes),
        ]
    )


def _caps(context: Any, contract: Contract) -> list[str]:
    """The caps in force after warranty: the contract's own percents, band by band, over
    the configured ones."""
    own = contract.cap_percents
    lines = []
    for i, band in enumerate(service_config(context).caps.bands):
        said = (
            _("years {first}-{last} after warranty: {percent}% of the value (this contract's)")
            if i < len(own)
            else _("years {first}-{last} after warranty: {percent}% of the value (configured)")
        )
        percent = own[i] if i < len(own) else band.percent
        lines.append(said.format(first=band.from_year, last=band.to_year, percent=percent))
    return lines
