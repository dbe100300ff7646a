"""What the customer, site and contract commands share: the opened customer base, the
contact option, and the plain "label  value" detail view."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from assettrack.commands.database import require_database
from assettrack.domain.models import Contact
from assettrack.i18n import N_, _
from assettrack.i18n.formats import cells
from assettrack.services.customers import CustomerBase
from assettrack.store.store import Store

F = TypeVar("F", bound=Callable[..., Any])
CONTACT_HELP = N_(  # translated where click shows it (i18n.click_help)
    "'NAME | ROLE | MOBILE | OFFICE PHONE | EMAIL | signs' (trailing parts may be left out;"
    " 'signs' marks who signs off visits). Repeat for several; on edit the list is replaced,"
    " and --contact '' empties it."
)


@contextmanager
def customer_base(context: Any, *, write: bool, create: bool = False) -> Iterator[CustomerBase]:
    """The customer base of the command's database. Only ``create`` (adding) makes a new
    database; the other commands need one to exist already."""
    folder = context.settings.db_path if create else require_database(context)
    with Store.open(folder, read_only=not write, author=context.settings.engineer) as store:
        yield CustomerBase(context.register(store))


def joined(*parts: Any) -> str:
    return "  ".join(str(p) for p in parts if p not in (None, ""))


def contact_option(function: F) -> F:
    return click.option(
        "--contact", "contacts", multiple=True, metavar="'NAME | ROLE | …'", help=CONTACT_HELP
    )(function)


def contacts_cell(contacts: Sequence[str]) -> str:
    """Several --contact options as the one ``;``-separated text the builders read."""
    return ";".join(contacts)


def given(values: dict[str, Any], **options: Any) -> dict[str, Any]:
    """``values`` with the options that were given (not None) on top: an edit changes only
    what was typed."""
    return {**values, **{k: v for k, v in options.items() if v is not None}}


def contact_line(contact: Contact) -> str:
    parts = [
        contact.name,
        contact.role,
        _("mobile {number}").format(number=contact.mobile) if contact.mobile else "",
        _("office {number}").format(number=contact.phone) if contact.phone else "",
        contact.email,
    ]
    line = ", ".join(p for p in parts if p)
    return line + (_("  (signs off visits)") if contact.signs_off else "")


def echo_details(pairs: Sequence[tuple[str, Any]]) -> None:
    """Label (in words of the language) and value, one per line; lists continue on
    indented lines. Labels are padded by terminal cells: a Chinese one is twice as wide."""
    width = max((cells(label) for label, _value in pairs), default=0)
    for label, value in pairs:
        lines = value if isinstance(value, list) else [value]
        lines = [str(v) for v in lines if v not in (None, "")] or ["-"]
        click.echo(f"{label}{' ' * (width - cells(label))}  {lines[0]}")
        for more in lines[1:]:
            click.echo(f"{'':<{width}}  {more}")


def echo_json(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


def term(starts: Any, ends: Any) -> str:
    """A contract's term, e.g. "2026-01-01 to 2028-12-31"."""
    if not starts and not ends:
        return ""
    return _("{starts} to {ends}").format(starts=starts or "?", ends=ends or "?")
