"""Command line: the TUI when no sub-command is given, sub-commands for scripts.

Exit codes: 0 success, 1 a user error (one clear line on stderr, no traceback), 2 usage.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import click

from assettrack import __version__
from assettrack.commands import register_commands as register_service_commands
from assettrack.config import Settings, load_settings, user_config_dir
from assettrack.console.simulator.cli import sim_command
from assettrack.errors import AssetTrackError
from assettrack.plugins.extensions import Extensions
from assettrack.plugins.loader import load_plugins
from assettrack.services.asset_transfer import assets_csv, assets_json, import_assets_file
from assettrack.services.assets import AssetRegister, AssetView
from assettrack.store.store import Store


@dataclass
class Context:
    config_file: Path | None
    db_option: Path | None
    today: date
    _settings: Settings | None = field(default=None, init=False)
    _extensions: Extensions | None = field(default=None, init=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(config_file=self.config_file, db_path=self.db_option)
        return self._settings

    @property
    def extensions(self) -> Extensions:
        if self._extensions is None:
            self._extensions = load_plugins(self.settings.raw)
        return self._extensions

    def register(self, store: Store) -> AssetRegister:
        ext = self.extensions
        return AssetRegister(store, ext.warranty_rules(self.settings.warranty), ext.asset_kinds())


pass_context = click.make_pass_decorator(Context)


def _parse_today(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


@click.group(invoke_without_command=True)
@click.option(
    "--db",
    "db_option",
    type=click.Path(path_type=Path),
    help="Database folder (default: the user data folder; env ASSETTRACK_DB).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path),
    help="Extra settings file (TOML) over the defaults; env ASSETTRACK_CONFIG.",
)
@click.option(
    "--today",
    "today_text",
    metavar="YYYY-MM-DD",
    envvar="ASSETTRACK_TODAY",
    help="Evaluate warranties and schedules as of this day.",
)
@click.version_option(__version__, prog_name="assettrack")
@click.pass_context
def cli(
    ctx: click.Context, db_option: Path | None, config_file: Path | None, today_text: str | None
) -> None:
    """assettrack: network assets, warranties and site inspections."""
    ctx.obj = Context(config_file, db_option, _parse_today(today_text))
    if ctx.invoked_subcommand is None:
        run_tui(ctx.obj, ctx.obj.settings.db_path)


def run_tui(context: Context, db_path: Path, *, demo: bool = False) -> None:
    from assettrack.tui.app import make_app  # Textual is only imported for the TUI

    consoles = None
    if demo:
        from assettrack.services.demo_consoles import DemoConsoles

        consoles = DemoConsoles()
    try:
        with Store.open(db_path, author=context.settings.engineer) as store:
            app = make_app(
                context.register(store),
                context.extensions,
                context.today,
                engineer=context.settings.engineer,
                export_folder=Path.cwd(),
                demo_console=consoles.url_for if consoles else None,
            )
            app.run()
    finally:
        if consoles is not None:
            consoles.close()


@cli.command()
@click.option("--fresh", is_flag=True, help="Rebuild the demo database even if it exists.")
@click.option("--no-tui", is_flag=True, help="Only create the demo database.")
@pass_context
def demo(context: Context, fresh: bool, no_tui: bool) -> None:
    """Create a demo database (sites, ~200 assets, every warranty state) and open it."""
    from assettrack.services.demo import build_demo
    from assettrack.services.demo_history import build_history

    folder = context.db_option or (context.settings.db_path.parent / "demo")
    marker = folder / "DEMO"
    if folder.exists() and any(folder.iterdir()) and not marker.exists():
        raise AssetTrackError(
            f"{folder} holds a database that is not a demo; choose another folder with --db"
        )
    if fresh and folder.exists():
        shutil.rmtree(folder)
    if not marker.exists():
        try:
            with Store.open(folder, author=context.settings.engineer) as store:
                register = context.register(store)
                build_demo(register, context.today)
                build_history(register, context.today)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)  # a half-built demo is no use
            raise
        marker.write_text("A demo database made by 'assettrack demo'; safe to delete.\n")
        click.echo(f"Demo database created in {folder}", err=True)
    if not no_tui:
        run_tui(context, folder, demo=True)


@cli.command()
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


@cli.group(name="import")
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


@cli.group(name="export")
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


@cli.command()
@click.argument("asset_ref", metavar="ASSET")
@click.option(
    "--port",
    help="Console port or URL (default: the asset's console port), "
    "e.g. /dev/ttyUSB0, COM3, socket://console-server:7001.",
)
@click.option("--driver", help="Use this driver instead of the best match.")
@click.option("--baud", type=int, help="Line speed (default: the asset's, else the driver's).")
@click.option("--autobaud", is_flag=True, help="Try the common line speeds first.")
@click.option(
    "--credentials",
    "credentials_ref",
    metavar="REF",
    help="env:USER_VAR,PASS_VAR | keyring:service/user | prompt (default: the asset's).",
)
@click.option(
    "--idle-timeout",
    type=click.FloatRange(min=0.1),
    default=3.0,
    show_default=True,
    help="Seconds of silence before the console counts as not answering.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_context
def inspect(
    context: Context,
    asset_ref: str,
    port: str | None,
    driver: str | None,
    baud: int | None,
    autobaud: bool,
    credentials_ref: str | None,
    idle_timeout: float,
    fmt: str,
) -> None:
    """Read ASSET's status over its console into its maintenance record (draft)."""
    from assettrack.console.errors import ConsoleError
    from assettrack.console.session import autobaud as find_speed
    from assettrack.services.console_reader import ConsoleReader, ReadOptions
    from assettrack.services.inspections import InspectionService

    def ask(label: str, secret: bool) -> str:
        return click.prompt(label, hide_input=secret, err=True)

    def show_progress(step: str, text: str) -> None:
        if fmt == "text" and not text:
            click.echo(f"… {step}", err=True)

    with Store.open(context.settings.db_path, author=context.settings.engineer) as store:
        register = context.register(store)
        asset = register.find_asset(asset_ref)
        reader = ConsoleReader(context.extensions)
        chosen = reader.choose_driver(asset, driver)
        url = port or asset.console.port
        if autobaud and url:
            baud = find_speed(url, chosen.console, idle_timeout=min(idle_timeout, 1.0))
            click.echo(f"… line speed {baud} baud", err=True)
        service = InspectionService(store, context.extensions, context.settings.engineer)
        inspection = service.start(asset)
        options = ReadOptions(
            port=url or "",
            driver=chosen.name,
            baud=baud,
            credentials_ref=credentials_ref,
            idle_timeout=idle_timeout,
            prompt=ask,
        )
        try:
            result = reader.read(asset, options, on_progress=show_progress)
        except ConsoleError as exc:
            # Keep what the device did say with the draft, for the record and for support.
            inspection.transcript = exc.transcript
            store.inspections.save(inspection)
            raise
        inspection = service.apply_readings(
            inspection, asset, result.readings, result.transcript, driver=result.driver
        )
    _print_inspection(inspection, result, fmt)


def _print_inspection(inspection: Any, result: Any, fmt: str) -> None:
    from assettrack.domain.codec import to_doc

    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "inspection": inspection.id,
                    "state": inspection.state.value,
                    "driver": result.driver,
                    "seconds": round(result.seconds, 3),
                    "readings": to_doc(result.readings),
                    "flags": inspection.flags,
                    "problems": result.problems,
                    "items": [to_doc(i) for i in inspection.items],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    r = result.readings
    click.echo(
        f"Read with driver {result.driver} in {result.seconds:.1f} s "
        f"(maintenance record {inspection.id}, {inspection.state.value})"
    )
    rows = [
        ("hostname", r.hostname),
        ("model", r.model),
        ("serial", r.serial_number),
        ("version", r.os_version),
        ("uptime", r.uptime_seconds and f"{r.uptime_seconds} s"),
        ("cpu", r.cpu_percent is not None and f"{r.cpu_percent:g} %"),
        ("memory", r.memory_used_percent is not None and f"{r.memory_used_percent:g} %"),
        ("temperatures", ", ".join(f"{k} {v:g} °C" for k, v in r.temperatures.items())),
        ("fans", ", ".join(f"{k} {v}" for k, v in r.fans.items())),
        ("power", ", ".join(f"{k} {v}" for k, v in r.power_supplies.items())),
        ("alarms", "; ".join(r.alarms or [])),
        ("interfaces down", ", ".join(r.interfaces_down or [])),
    ]
    for label, value in rows:
        if value:
            click.echo(f"  {label:16} {value}")
    filled = [i for i in inspection.items if i.filled_from.startswith("readings")]
    click.echo(f"Checklist items filled from the readings: {len(filled)}")
    for item in filled:
        click.echo(f"  [{item.result.value:4}] {item.label}: {item.value} {item.note}".rstrip())
    for flag in inspection.flags:
        click.echo(f"WARNING: {flag}")
    for problem in result.problems:
        click.echo(f"note: {problem}")


@cli.command(name="plugins")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--traceback", "show_tracebacks", is_flag=True, help="Show each error's traceback.")
@pass_context
def list_plugins(context: Context, fmt: str, show_tracebacks: bool) -> None:
    """List every plugin: name, version, source, hooks implemented, and its errors."""
    ext = context.extensions
    host = ext.host
    rows = []
    for info in host.infos.values():
        rows.append(
            {
                "name": info.name,
                "version": info.version,
                "source": info.source,
                "blocked": info.blocked,
                "hooks": info.hooks,
                "errors": [str(f) for f in host.failures_of(info.name)],
            }
        )
    known = {r["name"] for r in rows}
    for failure in host.failures:  # plugins that never got as far as registering
        if failure.plugin not in known:
            known.add(failure.plugin)
            rows.append(
                {
                    "name": failure.plugin,
                    "version": "",
                    "source": "?",
                    "blocked": False,
                    "hooks": [],
                    "errors": [str(f) for f in host.failures_of(failure.plugin)],
                }
            )
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "plugins": rows,
                    "drivers": sorted(ext.drivers),
                    "exporters": sorted(ext.exporters),
                    "kinds": sorted(ext.kinds),
                },
                indent=2,
            )
        )
        return
    for row in rows:
        state = "blocked" if row["blocked"] else ("ERROR" if row["errors"] else "ok")
        version = f" {row['version']}" if row["version"] else ""
        click.echo(f"{row['name']}{version}  [{row['source']}]  {state}")
        hooks = ", ".join(h.removeprefix("assettrack_") for h in row["hooks"])
        if hooks:
            click.echo(f"    hooks: {hooks}")
        for error in row["errors"]:
            click.echo(f"    error: {error}")
    if show_tracebacks:
        for failure in host.failures:
            click.echo(f"\n--- {failure.plugin} ({failure.stage})\n{failure.details}")
    click.echo(f"drivers: {', '.join(sorted(ext.drivers))}")
    click.echo(f"export formats: {', '.join(sorted(ext.exporters))}")
    click.echo(f"asset kinds: {', '.join(ext.kinds)}")


@cli.command(name="config")
@pass_context
def show_config(context: Context) -> None:
    """Show where settings and the database live."""
    settings = context.settings
    click.echo(f"database:     {settings.db_path}")
    click.echo(f"user config:  {user_config_dir()}")
    for source in settings.sources:
        click.echo(f"read:         {source}")


cli.add_command(sim_command, "sim")
register_service_commands(cli)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except AssetTrackError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except SystemExit:
        raise
