"""`assettrack demo`: build the demo database and open it in the TUI."""

from __future__ import annotations

import shutil

import click

from assettrack.commands.context import Context, pass_context
from assettrack.errors import AssetTrackError
from assettrack.store.store import Store
from assettrack.tui.launch import run_tui


@click.command()
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
