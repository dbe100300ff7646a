"""Service charges per contract against the labour cap after warranty."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import click

from assettrack.commands.common import (
    FORMATS,
    emit,
    open_store,
    service_config,
)
from assettrack.i18n import N_, _
from assettrack.i18n.errors import translated
from assettrack.i18n.terms import CAP_LEVELS, term

if TYPE_CHECKING:
    from assettrack.services.charges import ChargeService
    from assettrack.store.store import Store


def charge_service(context: Any, store: Store) -> ChargeService:
    """The service with the warranty rules the app judges by: the configured rules with the
    plugins' vendor rules (the configured ones alone gave other warranty ends than F8)."""
    from assettrack.services.charges import ChargeService

    return ChargeService(
        store,
        service_config(context),
        context.warranty_rules,
        context.settings.engineer,
        today=lambda: context.today,
    )


@click.command(name="charges")
@click.option("--contract", help="Only this contract (id or number).")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_obj
def charges_command(context: Any, contract: str | None, fmt: str) -> None:
    """Charges per contract against the labour cap after warranty."""
    with open_store(context, read_only=True) as store:
        rows = charge_service(context, store).summary(context.today, contract)
    out = []
    for row in rows:
        cap = row.cap
        capped = cap if cap and cap.cap is not None else None
        out.append(
            {
                "customer": row.contract.customer,
                "contract": row.contract.number,
                "value": str(row.contract.value),
                "currency": row.contract.currency,
                "warranty_end": row.warranty_end or "",
                "warranty_source": row.warranty_source,
                "charges": len(row.charges),
                "total": str(row.total),
                "year": cap.year if cap else "",
                "cap": str(cap.cap) if cap and cap.cap is not None else "",
                # The days the cap covers: a window of years after warranty, or one year.
                "cap_from": capped.starts_on if capped else "",
                "cap_to": capped.ends_on if capped else "",
                "labour_in_period": str(cap.used) if cap else "",
                "status": cap.level.value if cap else NO_WARRANTY_END,
            }
        )
    emit(
        out,
        (
            "customer",
            "contract",
            "value",
            "warranty_end",
            "charges",
            "total",
            "year",
            "cap",
            "labour_in_period",
            "status",
        ),
        fmt,
        _("No contracts."),
        {"status": _cap_state},
    )
    for row in rows:
        if row.cap is not None and row.cap.alert and fmt == "table":
            from assettrack.domain.charges import cap_message

            click.echo(
                _("WARNING: contract {number}: {cap_message}").format(
                    number=row.contract.number,
                    cap_message=translated(cap_message(row.cap, row.contract.currency)),
                ),
                err=True,
            )


NO_WARRANTY_END = N_("no warranty end")  # as data (JSON, CSV); shown through _cap_state


def _cap_state(value: str) -> str:
    """A contract's labour against its cap, in words: ok, warning, exceeded…"""
    return _(NO_WARRANTY_END) if value == NO_WARRANTY_END else term(CAP_LEVELS, value)


def _amount(value: str) -> Decimal:
    """Checked before the database is opened: a bad amount is one line (exit 1)."""
    from assettrack.domain.charges import parse_amount

    return parse_amount(value)


@click.group(name="charge")
def charge_group() -> None:
    """Record service charges."""


@charge_group.command(name="add")
@click.option("--contract", required=True, help="Contract id or number.")
@click.option("--site", required=True, help="Site id or name.")
@click.option(
    "--amount",
    required=True,
    callback=lambda ctx, param, value: _amount(value),
    help="The amount, e.g. 1250.50: 0 or more, rounded to the cent.",
)
@click.option(
    "--kind",
    type=click.Choice(["labour", "parts", "travel", "other"]),
    default="labour",
    show_default=True,
)
@click.option("--on", "charged_on", metavar="YYYY-MM-DD", help="Default: today.")
@click.option("--description", default="")
@click.option("--fault", "fault_ref", help="The fault the charge is for.")
@click.pass_obj
def charge_add(
    context: Any,
    contract: str,
    site: str,
    amount: Decimal,
    kind: str,
    charged_on: str | None,
    description: str,
    fault_ref: str | None,
) -> None:
    """Record a charge; warns when labour approaches or passes the contract's cap."""
    from assettrack.domain.charges import cap_message
    from assettrack.services.faults import FaultService
    from assettrack.services.service_common import find_site

    try:
        day = date.fromisoformat(charged_on) if charged_on else None
    except ValueError:
        raise click.BadParameter(
            _("{charged_on!r} is not YYYY-MM-DD").format(charged_on=charged_on), param_hint="--on"
        ) from None
    with open_store(context) as store:
        service = charge_service(context, store)
        fault_id = FaultService(store, service.config).find(fault_ref).id if fault_ref else None
        result = service.add(
            contract,
            find_site(store, site).id,
            amount,
            charged_on=day,
            kind=kind,
            description=description,
            fault_id=fault_id,
        )
        currency = service.find_contract(contract).currency
    click.echo(
        _("Recorded charge {id}: {amount} {currency}").format(
            id=result.charge.id, amount=result.charge.amount, currency=currency
        )
    )
    if result.cap is not None and not result.warnings:
        click.echo(f"  {translated(cap_message(result.cap, currency))}")
    for warning in result.warnings:
        click.echo(_("WARNING: {warning}").format(warning=warning), err=True)


# -- reports ------------------------------------------------------------------------------
