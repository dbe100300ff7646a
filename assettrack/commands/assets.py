"""Asset commands: the warranty list, moving an asset, and import and export of assets,
customers, sites and contracts."""

from __future__ import annotations

import dataclasses
import sys
from datetime import date
from pathlib import Path

import click

from assettrack.commands.context import Context, pass_context
from assettrack.commands.database import require_database
from assettrack.i18n import _
from assettrack.services.assets import AssetView
from assettrack.store.store import Store

CATALOG_KINDS = ("customers", "sites", "contracts")
# The header row: the column names scripts and imports read (the same in every language),
# or Chinese titles for people (i18n.csv_titles).
headers_option = click.option(
    "--headers",
    type=click.Choice(["names", "zh"]),
    default="names",
    show_default=True,
    help="The CSV's first row: the column names, or zh for Chinese titles (for people).",
)


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
    with Store.open(require_database(context), read_only=True) as store:
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
    # Imported when asked for: the table, the usual answer, needs neither.
    from assettrack.services.asset_transfer import assets_csv, assets_json

    if fmt == "csv":
        sys.stdout.write(assets_csv(rows, excel_bom=excel))
    elif fmt == "json":
        click.echo(assets_json(rows, today))
    else:
        _print_table(rows)


def _print_table(rows: list[AssetView]) -> None:
    # Plain aligned text: rich's table took a second for the 1,650 rows of a large fleet.
    import shutil

    from assettrack.commands.text_table import TextColumn, colour_wanted, render
    from assettrack.i18n.terms import warranty_label

    styles = {"active": "green", "expiring": "yellow", "expired": "red", "unknown": "dim"}
    columns = [
        TextColumn(_("Ends")),
        TextColumn(_("Days"), right=True),
        TextColumn(_("Status")),
        TextColumn(_("Customer"), shrinks=True),
        TextColumn(_("Site"), shrinks=True),
        TextColumn(_("Vendor"), shrinks=True),
        TextColumn(_("Model"), shrinks=True),
        TextColumn(_("Serial")),
    ]
    cells = []
    for view in rows:
        w = view.warranty
        cells.append(
            (
                str(w.end or ""),
                "" if w.days_left is None else str(w.days_left),
                warranty_label(w.state.value, w.band),
                view.customer,
                view.site_name,
                view.asset.vendor,
                view.asset.model,
                view.asset.serial_number,
            )
        )
    terminal = sys.stdout.isatty()
    colour = colour_wanted(terminal)
    # Piped output is read by people in wide pagers and by grep: every character is kept.
    text = render(
        columns,
        cells,
        styles=[styles[v.warranty.state.value] for v in rows],
        style_column=2,
        width=shutil.get_terminal_size().columns if terminal else None,
        colour=colour,
    )
    count = _("{count} asset(s)").format(count=len(rows))
    sys.stdout.write(text + (f"\x1b[2m{count}\x1b[0m\n" if colour else count + "\n"))


@click.group(name="import")
def import_group() -> None:
    """Import data from files."""


def _check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from assettrack.services.csv_encoding import check_encoding_name

    if value is not None:
        try:
            check_encoding_name(value)
        except LookupError:
            raise click.BadParameter(
                _("{value!r} is not an encoding (e.g. utf-8, gb18030, latin-1, cp1252)").format(
                    value=value
                )
            ) from None
    return value


encoding_option = click.option(
    "--encoding",
    callback=_check_encoding,
    help="The file's encoding (utf-8, gb18030, latin-1...); by default it is decided from the"
    " file, and a file that could be two is refused until this says which.",
)


@import_group.command(name="assets")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--create-sites",
    is_flag=True,
    help="Create the customers (column customer) and sites (column site) the file names.",
)
@encoding_option
@pass_context
def import_assets_command(
    context: Context, file: Path, create_sites: bool, encoding: str | None
) -> None:
    """Import assets from a CSV file: every row is checked first; all or nothing."""
    with Store.open(context.settings.db_path, author=context.settings.engineer) as store:
        from assettrack.services.asset_transfer import import_assets

        done, encoding = import_assets(
            context.register(store), file, create_sites=create_sites, encoding=encoding
        )
    said = (
        _(
            "Imported {count} asset(s), {customers} new customer(s) and {sites} new site(s) "
            "from {file}{read_as}"
        )
        if done.customers or done.sites
        else _("Imported {count} asset(s) from {file}{read_as}")
    )
    click.echo(
        said.format(
            count=len(done.assets),
            customers=len(done.customers),
            sites=len(done.sites),
            file=file,
            read_as=_read_as(encoding),
        )
    )


def _read_as(encoding: str) -> str:
    return "" if encoding == "utf-8-sig" else _(" (read as {encoding})").format(encoding=encoding)


def _import_catalog(kind: str) -> click.Command:
    @click.command(name=kind)
    @click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
    @encoding_option
    @pass_context
    def command(context: Context, file: Path, encoding: str | None) -> None:
        from assettrack.services.catalog_transfer import import_catalog_file

        with Store.open(context.settings.db_path, author=context.settings.engineer) as store:
            done, encoding = import_catalog_file(kind, context.register(store), file, encoding)
        click.echo(
            _("Imported {kind} from {file}{read_as}: {added} added, {updated} updated").format(
                kind=_(kind),
                file=file,
                read_as=_read_as(encoding),
                added=len(done.added),
                updated=len(done.updated),
            )
        )

    command.help = (
        f"Import {kind} from a CSV file (see 'assettrack export {kind}' for the columns). A row"
        " with the id of one updates it, a row without adds one; every row is checked first,"
        " all or nothing."
    )
    return command


for _kind in CATALOG_KINDS:
    import_group.add_command(_import_catalog(_kind))


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
@headers_option
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file instead of standard output.",
)
@pass_context
def export_assets(
    context: Context, fmt: str, site: str | None, excel: bool, headers: str, output: Path | None
) -> None:
    """Export every asset with its warranty status."""
    from assettrack.bulk import bulk_build
    from assettrack.services.asset_export import HeldViews, export_order

    with Store.open(require_database(context), read_only=True) as store:
        register = context.register(store)
        rows = store.assets.rows()
    exporters = context.extensions.exporters
    if excel and fmt == "csv":
        fmt = "excel-csv"
    if fmt not in exporters:
        raise click.BadParameter(
            _("{fmt!r} is not an export format (known: {known})").format(
                fmt=fmt, known=", ".join(exporters)
            ),
            param_hint="--format",
        )
    # Sorting and writing 50,000 rows makes tens of thousands of tuples: without the pause
    # the collector walked every held row now and then (25-30 ms at 50,000 assets).
    with bulk_build():
        # Chosen and ordered by their rows; an exporter decodes them only if it reads a view.
        views = HeldViews(register, export_order(register, rows, site), context.today)
        text = exporters[fmt].render(views, context.today)
    write_output(_titled(text, headers, fmt), output)
    if output is not None:
        click.echo(
            _("Wrote {count} asset(s) to {output}").format(count=len(views), output=output),
            err=True,
        )


def _titled(text: str, headers: str, fmt: str) -> str:
    """The export with its header row in Chinese when asked (CSV formats only)."""
    if headers == "names":
        return text
    if "csv" not in fmt:
        raise click.UsageError(
            _("--headers {headers} is for CSV exports, not {format}").format(
                headers=headers, format=fmt
            )
        )
    from assettrack.i18n.csv_titles import with_titles

    return with_titles(text)


def write_output(text: str, output: Path | None) -> None:
    """To standard output, or to a file replaced whole: a failed write leaves the old one."""
    if output is None:
        sys.stdout.write(text)
    else:
        # Here: its temporary names import secrets (4 ms), and most exports are piped.
        from assettrack.files import write_user_file

        write_user_file(output, text.encode("utf-8"))


def _export_catalog(kind: str) -> click.Command:
    @click.command(name=kind)
    @click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
    @click.option(
        "--excel", is_flag=True, help="CSV with a UTF-8 BOM, so Excel reads Chinese text right."
    )
    @headers_option
    @click.option(
        "--output",
        "-o",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Write to this file instead of standard output.",
    )
    @pass_context
    def command(context: Context, fmt: str, excel: bool, headers: str, output: Path | None) -> None:
        from assettrack.services.catalog_transfer import catalog_csv, catalog_json
        from assettrack.services.customers import CustomerBase

        with Store.open(require_database(context), read_only=True) as store:
            base = CustomerBase(context.register(store))
            if fmt == "json":
                text = catalog_json(kind, base)
            else:
                text = catalog_csv(kind, base, excel_bom=excel)
        write_output(_titled(text, headers, fmt), output)
        if output is not None:
            click.echo(_("Wrote {kind} to {output}").format(kind=_(kind), output=output), err=True)

    command.help = (
        f"Export {kind} for a spreadsheet (edit, then 'assettrack import {kind}' updates them"
        " by id) or for scripts."
    )
    return command


for _kind in CATALOG_KINDS:
    export_group.add_command(_export_catalog(_kind))


@click.group(name="asset")
def asset_group() -> None:
    """Work on one asset."""


@asset_group.command(name="move")
@click.argument("asset")
@click.option("--to", "to_site", required=True, help="The new site: id, name or 'Customer / Site'.")
@pass_context
def asset_move(context: Context, asset: str, to_site: str) -> None:
    """Move an asset (serial, hostname or id) to another site."""
    from assettrack.services.customers import CustomerBase

    with Store.open(require_database(context), author=context.settings.engineer) as store:
        base = CustomerBase(context.register(store))
        found = base.register.find_asset(asset)
        site = base.find_site(to_site)
        old = base.register.site(found.site_id)
        if found.site_id == site.id:
            click.echo(
                _("{serial_number} is already at {name}; nothing changed").format(
                    serial_number=found.serial_number, name=site.name
                )
            )
            return
        # The repository moves the document between the sites' files.
        store.assets.save(dataclasses.replace(found, site_id=site.id))
    was = f"{old.customer} / {old.name}" if old else "an unknown site"
    click.echo(
        _("Moved {serial_number} from {was} to {customer} / {name}").format(
            serial_number=found.serial_number, was=was, customer=site.customer, name=site.name
        )
    )


# The asset's fields as options, named as the asset form and the CSV name them.
ASSET_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("kind", "--kind", "router, switch, firewall, gateway, or a plugin's kind"),
    ("vendor", "--vendor", "Cisco, Huawei, H3C…"),
    ("model", "--model", "e.g. C9300-48P"),
    ("serial_number", "--serial", "as on the chassis label"),
    ("hostname", "--hostname", ""),
    ("management_address", "--address", "management IP address or host name"),
    ("location", "--location", "room / rack"),
    ("firmware", "--firmware", ""),
    ("installed_on", "--installed-on", "YYYY-MM-DD"),
    ("warranty_start", "--warranty-start", "YYYY-MM-DD (default: installed on)"),
    ("warranty_months", "--warranty-months", "empty: from the vendor's rules"),
    ("warranty_end", "--warranty-end", "YYYY-MM-DD, overrides the rules"),
    ("console_port", "--console-port", "/dev/ttyUSB0, COM3, socket://host:port"),
    ("console_baud", "--console-baud", "9600"),
    ("console_credentials_ref", "--credentials", "env:USER,PASS · keyring:svc/user · prompt"),
    ("driver", "--driver", "a driver's name; empty: best match"),
    ("status", "--status", "in_service, spare, out_for_repair, loaner_in_place, retired"),
    ("tags", "--tags", "separated by ;"),
    ("notes", "--notes", ""),
)


def _asset_options(command: click.Command) -> click.Command:
    for name, flag, hint in reversed(ASSET_OPTIONS):
        command = click.option(flag, name, default=None, help=hint or None)(command)
    return command


def _save_asset(context: Context, given: dict[str, str | None], asset_ref: str | None) -> None:
    from assettrack.domain.errors import ValidationError
    from assettrack.domain.validation import asset_values
    from assettrack.errors import AssetTrackError
    from assettrack.services.customers import CustomerBase

    with Store.open(require_database(context), author=context.settings.engineer) as store:
        register = context.register(store)
        base = register.find_asset(asset_ref) if asset_ref else None
        values = asset_values(base) if base else {"status": "in_service"}
        site = given.pop("site", None)
        if site is not None:
            values["site_id"] = CustomerBase(register).find_site(site).id
        values.update({k: v for k, v in given.items() if v is not None})
        try:
            saved = register.save_asset(values, base=base)
        except ValidationError as exc:
            # One line per problem, in the options' names.
            flags = {name: flag for name, flag, _hint in ASSET_OPTIONS} | {"site_id": "--site"}
            lines = [f"{flags.get(p.field, p.field)}: {p.value!r} {p.reason}" for p in exc.problems]
            said = _("the asset was not saved:")
            raise AssetTrackError(said + "\n  " + "\n  ".join(lines)) from None
    said = _("Saved {vendor} {model} {serial_number}, id {id}")
    if base is None:
        said = _("Added {vendor} {model} {serial_number}, id {id}")
    click.echo(
        said.format(
            vendor=saved.vendor,
            model=saved.model,
            serial_number=saved.serial_number,
            id=saved.id,
        )
    )


@asset_group.command(name="add")
@click.option("--site", required=True, help="Site id, name or 'Customer / Site'.")
@_asset_options
@pass_context
def asset_add(context: Context, site: str, **fields: str | None) -> None:
    """Add one asset (many at once: import assets FILE.csv)."""
    _save_asset(context, {"site": site, **fields}, None)


@asset_group.command(name="edit")
@click.argument("asset")
@click.option("--site", default=None, help="Move it to this site (or use asset move).")
@_asset_options
@pass_context
def asset_edit(context: Context, asset: str, site: str | None, **fields: str | None) -> None:
    """Change the fields given of an asset (serial, hostname or id); an empty value clears."""
    _save_asset(context, {"site": site, **fields}, asset)
