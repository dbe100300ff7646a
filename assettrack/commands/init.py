"""`assettrack init`: an empty database, and the commands that fill it."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import click

from assettrack.commands.database import database_exists
from assettrack.errors import AssetTrackError
from assettrack.i18n import _
from assettrack.store.store import Store


@click.command(name="init")
@click.option(
    "--db",
    "db_option",
    type=click.Path(path_type=Path, file_okay=False),
    help="Create it in this folder (default: the --db before the command, else the usual one).",
)
@click.pass_obj
def init_command(context: Any, db_option: Path | None) -> None:
    """Create an empty database and say how to fill it."""
    folder = db_option or context.settings.db_path
    # The commands shown must name the folder when later commands would not find it alone.
    named = db_option is not None or context.db_option is not None
    prefix = f"assettrack --db {shlex.quote(str(folder))}" if named else "assettrack"
    if database_exists(folder):
        click.echo(
            _("There is already a database at {folder}; nothing was changed.").format(folder=folder)
        )
        click.echo(_("See what it holds with '{prefix} customer list'.").format(prefix=prefix))
        return
    if folder.is_dir() and any(folder.iterdir()):
        raise AssetTrackError(
            _(
                "{folder} is not empty and holds no assettrack database; choose another folder "
                "with --db"
            ).format(folder=folder)
        )
    with Store.open(folder, author=context.settings.engineer):
        pass  # opening for writing lays down the header: an empty, valid database
    click.echo(_("Created an empty database in {folder}.").format(folder=folder))
    click.echo(_next_steps(prefix))


def _next_steps(at: str) -> str:
    return f"""
Next, add your own customers and sites:
  {at} customer add --name "Contoso Retail" --code CR
  {at} site add --customer CR --name "Head Office" --address "1 Main Street" \\
      --contact "Li Wei | IT manager | 138 0013 8000 | | li.wei@example.com | signs"
  {at} contract add --customer CR --number C-2026-01 --value 120000 --starts 2026-01-01 --years 3

or import them from spreadsheets (CSV, UTF-8 or GB18030; 'export' shows the columns):
  {at} import customers customers.csv
  {at} import sites sites.csv
  {at} import assets assets.csv --create-sites

or look around a demo database first (it is kept apart from yours):
  assettrack demo"""
