"""Command line: the TUI when no sub-command is given, sub-commands for scripts.

Exit codes: 0 success, 1 a user error (one clear line on stderr, no traceback), 2 usage.
Sub-commands are imported only when they run (see ``assettrack.commands``), so the TUI starts
without paying for them.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from assettrack import __version__
from assettrack.commands import COMMANDS
from assettrack.commands.context import Context
from assettrack.commands.lazy import LazyGroup
from assettrack.errors import AssetTrackError
from assettrack.i18n import _


def _parse_today(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            _("{value} is not a date in the form YYYY-MM-DD").format(value=repr(value))
        ) from None
    if not 1970 <= day.year <= 2200:
        # Schedules and warranty bands add years to today: keep them inside what dates hold.
        raise click.BadParameter(
            _("{value} is outside the years {first}-{last}").format(
                value=repr(value), first=1970, last=2200
            )
        )
    return day


@click.group(cls=LazyGroup, lazy_commands=COMMANDS, invoke_without_command=True)
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
        from assettrack.tui.launch import run_tui

        run_tui(ctx.obj, ctx.obj.settings.db_path)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(_("Aborted."), err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except AssetTrackError as exc:
        from assettrack.i18n.errors import error_text

        click.echo(_("error: {message}").format(message=error_text(exc)), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # a bug: one line for the user, the traceback in a file
        report = _write_crash_report(exc)
        where = _("; details in {file}").format(file=report) if report else ""
        said = _("unexpected {kind}: {message}").format(kind=type(exc).__name__, message=exc)
        click.echo(_("error: {message}").format(message=said + where), err=True)
        sys.exit(1)


def _write_crash_report(exc: BaseException) -> Path | None:
    import traceback
    from datetime import datetime

    import platformdirs

    folder = Path(platformdirs.user_cache_dir("assettrack", appauthor=False)) / "crashes"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{datetime.now():%Y%m%d-%H%M%S-%f}.txt"
        text = "".join(traceback.format_exception(exc))
        path.write_text(f"assettrack {__version__}\nargs: {sys.argv[1:]}\n\n{text}", "utf-8")
    except OSError:
        return None
    return path
