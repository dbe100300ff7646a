"""Asset commands: the warranty list, asset import and asset export."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from assettrack.commands.context import Context, pass_context
from assettrack.services.asset_transfer import assets_csv, assets_json, import_assets_file
from assettrack.services.assets import AssetView
from assettrack.store.store import Store


@click.command()
@click.option(
    "--within",
    "within_days",
    type=int,
    metavar="DAYS",
    help="Warranties ending in the next DAYS days (default: the largest expiring threshold, 90).",
)
@click.option("--include-expired", is_flag=True, help="Also list warranties already expired.")
@click.option("--site", help="Only sites whose name contains this text (or a site id).")
@click.option("--vendor", help="Only this vendor (text contained in the vendor name).")
@click.option("--customer", help="Only customers whose name contains this text.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option(
    "--excel", is_flag=True, help="CSV with a UTF-8 BOM, so Excel reads Chinese text right."
)
@pass_context
def warranty(
    context: Context,
    within_days: int | None,
    include_expired: bool,
    site: str | None,
    vendor: str | None,
    customer: str | None,
    fmt: str,
    excel: bool,
) -> None:
    """Warranties that expire soon, soonest first."""
    with Store.open(context.settings.db_path, read_only=True) as store:
        register = context.register(store)
        rows = register.warranty_list(
            context.today,
            within_days=within_days,
            include_expired=include_expired,
            site=site,
            vendor=vendor,
            customer=customer,
        )
    _emit_assets(rows, fmt, context.today, excel)


def _emit_assets(rows: list[AssetView], fmt: str, today: date, excel: bool = False) -> None:
    if fmt == "csv":
        sys.stdout.write(assets_csv(rows, excel_bom=excel))
    elif fmt == "json":
        click.echo(assets_json(rows, today))
    else:
        _print_table(rows)


def _print_table(rows: list[AssetView]) -> None:
    from rich.console import Console
    from rich.table import Table

    styles = {"active": "green", "expiring": "yellow", "expired": "red", "unknown": "dim"}
    table = Table(box=None, header_style="bold")
    for column in ("Ends", "Days", "Status", "Customer", "Site", "Vendor", "Model", "Serial"):
        table.add_column(
            column,
            justify="right" if column == "Days" else "left",
            no_wrap=column in ("Ends", "Days", "Status", "Serial"),
        )
    for view in rows:
        w = view.warranty
        table.add_row(
            str(w.end or ""),
            "" if w.days_left is None else str(w.days_left),
            f"[{styles[w.state.value]}]{w.label}[/]",
            view.customer,
            view.site_name,
            view.asset.vendor,
            view.asset.model,
            view.asset.serial_number,
        )
    # Piped output is read by people in wide pagers and by grep: do not squeeze it to 80.
    console = Console(width=None if sys.stdout.isatty() else 200)
    console.print(table)
    console.print(f"{len(rows)} asset(s)", style="dim")


@click.group(name="import")
def import_group() -> None:
    """Import data from files."""


@import_group.command(name="assets")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@pass_context
def import_assets(context: Context, file: Path) -> None:
    """Import assets from a CSV file: every row is checked first; all or nothing."""
    with Store.open(context.settings.db_path, author=context.settings.engineer) as store:
        added, encoding = import_assets_file(context.register(store), file)
    note = "" if encoding == "utf-8-sig" else f" (read as {encoding})"
    click.echo(f"Imported {len(added)} asset(s) from {file}{note}")


@click.group(name="export")
def export_group() -> None:
    """Export data for spreadsheets and scripts."""


@export_group.command(name="assets")
@click.option(
    "--format",
    "fmt",
    default="csv",
    show_default=True,
    help="csv, excel-csv, json, or a format added by a plugin (see 'assettrack plugins').",
)
@click.option("--site", help="Only sites whose name contains this text (or a site id).")
@click.option(
    "--excel", is_flag=True, help="CSV with a UTF-8 BOM, so Excel reads Chinese text right."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file instead of standard output.",
)
@pass_context
def export_assets(
    context: Context, fmt: str, site: str | None, excel: bool, output: Path | None
) -> None:
    """Export every asset with its warranty status."""
    with Store.open(context.settings.db_path, read_only=True) as store:
        register = context.register(store)
        views = register.views(context.today)
    if site:
        wanted = site.casefold()
        views = [v for v in views if wanted in v.site_name.casefold() or v.asset.site_id == site]
    views.sort(key=lambda v: (v.customer, v.site_name, v.asset.kind, v.asset.serial_number))
    exporters = context.extensions.exporters
    if excel and fmt == "csv":
        fmt = "excel-csv"
    if fmt not in exporters:
        raise click.BadParameter(
            f"{fmt!r} is not an export format (known: {', '.join(exporters)})",
            param_hint="--format",
        )
    text = exporters[fmt].render(views, context.today)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8", newline="")
        click.echo(f"Wrote {len(views)} asset(s) to {output}", err=True)
