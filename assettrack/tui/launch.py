"""Starting the TUI on a database folder: what ``assettrack`` and ``assettrack demo`` run."""

from __future__ import annotations

from pathlib import Path

from assettrack.commands.context import Context
from assettrack.store.store import Store


def run_tui(context: Context, db_path: Path, *, demo: bool = False) -> None:
    from assettrack.tui.app import make_app

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
