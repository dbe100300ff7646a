"""`assettrack config`: where settings and the database live."""

from __future__ import annotations

import click

from assettrack.commands.context import Context, pass_context
from assettrack.config import user_config_dir
from assettrack.i18n import _


@click.command(name="config")
@pass_context
def show_config(context: Context) -> None:
    """Show where settings and the database live."""
    settings = context.settings
    click.echo(_("database:     {db_path}").format(db_path=settings.db_path))
    click.echo(_("user config:  {user_config_dir}").format(user_config_dir=user_config_dir()))
    for source in settings.sources:
        click.echo(_("read:         {source}").format(source=source))
    # Which language, and why: the setting, else the locale (LANG).
    click.echo(
        _("language:     {interface} (interface), {reports} (reports)").format(
            interface=settings.interface_language(), reports=settings.reports_language()
        )
    )
