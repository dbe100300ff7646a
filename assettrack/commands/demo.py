"""`assettrack demo`: build the demo database and open it in the TUI."""

from __future__ import annotations

from pathlib import Path

import click

from assettrack.commands.context import Context, pass_context
from assettrack.commands.database import DEMO_MARKER, demo_folder
from assettrack.errors import AssetTrackError
from assettrack.i18n import _
from assettrack.store.store import Store
from assettrack.tui.launch import run_tui

MARKER_TEXT = "A demo database made by 'assettrack demo'; safe to delete.\n"


@click.command()
@click.option("--fresh", is_flag=True, help="Rebuild the demo database even if it exists.")
@click.option("--no-tui", is_flag=True, help="Only create the demo database.")
@pass_context
def demo(context: Context, fresh: bool, no_tui: bool) -> None:
    """Create a demo database (sites, ~200 assets, every warranty state) and open it."""
    from assettrack.services.demo import build_demo
    from assettrack.services.demo_folder import build_demo_folder, clear_interrupted
    from assettrack.services.demo_history import build_history

    folder = context.db_option or demo_folder(context)
    marker = folder / DEMO_MARKER
    clear_interrupted(folder)
    if folder.exists() and any(folder.iterdir()) and not marker.exists():
        raise AssetTrackError(
            _(
                "{folder} holds a database that is not a demo; choose another folder with --db"
            ).format(folder=folder)
        )

    def fill(new: Path) -> None:
        with Store.open(new, author=context.settings.engineer) as store:
            register = context.register(store)
            build_demo(register, context.today)
            build_history(register, context.today)
        (new / DEMO_MARKER).write_text(MARKER_TEXT, encoding="utf-8")  # last: complete

    if fresh or not marker.exists():
        # Built beside the folder and swapped in whole: a kill leaves the old demo or none.
        build_demo_folder(folder, fill)
        click.echo(_("Demo database created in {folder}").format(folder=folder), err=True)
    if not no_tui:
        run_tui(context, folder, demo=True)
