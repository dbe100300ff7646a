"""What the service-record commands share: the store, times, output formats."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

import click

from assettrack.commands.database import require_database
from assettrack.i18n import N_, _, pgettext
from assettrack.services.csv_rows import write_csv
from assettrack.services.service_common import parse_time
from assettrack.services.service_config import ServiceConfig, load_service_config
from assettrack.store.store import Store

FORMATS = click.Choice(["table", "csv", "json"])


# -- shared helpers -----------------------------------------------------------------------


def service_config(context: Any) -> ServiceConfig:
    return load_service_config(context.settings.raw)


def open_store(context: Any, *, read_only: bool = False) -> Store:
    if read_only:  # nothing to read: say how to make a database (and where the demo is)
        require_database(context)
    return Store.open(
        context.settings.db_path, read_only=read_only, author=context.settings.engineer
    )


def now_of(context: Any) -> datetime:
    """Now, or the end of the day given with --today (so listings are reproducible)."""
    if context.today == date.today():
        return datetime.now()
    return datetime.combine(context.today, time(23, 59, 59))


def optional_time(value: str | None, field: str) -> datetime | None:
    return None if value is None else parse_time(value, field)


def minutes(delta: Any) -> str:
    if delta is None:
        return ""
    total = int(delta.total_seconds() // 60)
    sign = "-" if total < 0 else ""
    hours, minutes = divmod(abs(total), 60)
    return f"{sign}{hours}h{minutes:02d}" if hours else f"{sign}{minutes}m"


# The tables' column titles, for the catalog: emit() shows each column key in words
# ("warranty_end" -> "Warranty end"); JSON and CSV keep the keys.
TABLE_TITLES = (
    N_("Added"), N_("Address"), N_("Asset"), N_("Assets"), N_("By"), N_("Cap"), N_("Charges"),
    N_("Code"), N_("Contacts"), N_("Contract"), N_("Contracts"), N_("Covered assets"),
    N_("Currency"), N_("Customer"), N_("Days left"), N_("Done"), N_("Ended at"), N_("Ends on"),
    N_("Engineer"), N_("File"), N_("Id"), N_("Item"), N_("Kind"), N_("Known problem"),
    N_("Labour in period"), N_("Name"), N_("Name en"), N_("Next visit"), N_("Number"),
    N_("On site"), N_("On site in"), N_("Own plan"), N_("Period"), N_("Reported at"),
    N_("Required"), N_("Requirement"), N_("Resolve"), N_("Resolved at"), N_("Respond"),
    N_("Responded in"), N_("Score"), N_("Severity"), N_("Signed by"), N_("Site"), N_("Sites"),
    N_("Size"), N_("Solution"), N_("Started at"), N_("Starts on"), N_("Status"), N_("Symptom"),
    N_("Title"), N_("Total"), N_("Warranty end"), N_("Year"),
)  # fmt: skip


def column_title(column: str) -> str:
    """A table column's title in the current language."""
    if column == "value":  # the contract's value, everywhere a table shows one
        return pgettext("contract", "Value")
    return _(column.replace("_", " ").capitalize())


def emit(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    fmt: str,
    empty: str,
    shown: Mapping[str, Callable[[Any], str]] | None = None,
) -> None:
    """Rows as JSON, CSV (both keep the values as data) or a table for people, whose
    ``shown`` columns say their values in words of the language (a state, a kind)."""
    if fmt == "json":
        click.echo(json.dumps(list(rows), ensure_ascii=False, indent=2, default=str))
        return
    if fmt == "csv":
        # The same formula-safe cells as every export: a symptom typed as =HYPERLINK(...)
        # is shown as text in a spreadsheet, never run.
        sys.stdout.write(write_csv(rows, columns))
        return
    terminal = sys.stdout.isatty()
    words = shown or {}
    cells = [
        [words[c](row.get(c, "")) if c in words else str(row.get(c, "")) for c in columns]
        for row in rows
    ]
    if terminal and 0 < len(rows) <= RICH_ROWS:
        _rich_table(cells, columns)
    elif rows:
        # Plain aligned text (``text_table``): rich lays out a table cell by cell, 2.6 s for
        # the 5,000 rows of a large fleet's visit compliance. Piped, every character is
        # kept (grep, wide pagers); in a terminal the text columns are cut with "…" to fit.
        import shutil

        from assettrack.commands.text_table import TextColumn, render

        sys.stdout.write(
            render(
                [TextColumn(column_title(c), shrinks=True) for c in columns],
                cells,
                width=shutil.get_terminal_size().columns if terminal else None,
            )
        )
    shown_count = _("{count} row(s)").format(count=len(rows)) if rows else empty
    click.echo(_dim(shown_count, colour_wanted(terminal)))


RICH_ROWS = 500  # up to this many rows a terminal gets rich's table, whose cells wrap


def _rich_table(cells: Sequence[Sequence[str]], columns: Sequence[str]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in columns:
        table.add_column(column_title(column))
    for row in cells:
        table.add_row(*map(escape, row))  # a name with [brackets] is text, not markup
    Console().print(table)


def colour_wanted(is_terminal: bool) -> bool:
    from assettrack.commands.text_table import colour_wanted as wanted

    return wanted(is_terminal)


def _dim(text: str, colour: bool) -> str:
    return f"\x1b[2m{text}\x1b[0m" if colour else text


def split_pairs(values: Sequence[str], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(
                _("{value!r} is not KEY=VALUE").format(value=value), param_hint=option
            )
        pairs[key.strip()] = text.strip()
    return pairs


# -- visits -------------------------------------------------------------------------------
