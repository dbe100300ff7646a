"""`assettrack config`: where settings and the database live."""

from __future__ import annotations

import click

from assettrack.commands.context import Context, pass_context
from assettrack.config import user_config_dir


@click.command(name="config")
@pass_context
def show_config(context: Context) -> None:
    """Show where settings and the database live."""
    settings = context.settings
    click.echo(f"database:     {settings.db_path}")
    click.echo(f"user config:  {user_config_dir()}")
    for source in settings.sources:
        click.echo(f"read:         {source}")
