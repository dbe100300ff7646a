"""Starting the TUI on a database folder: what ``assettrack`` and ``assettrack demo`` run.

The order is chosen so the asset table is on screen as soon as Textual can paint it:

1. open the database: no lock is held while the app runs - each save takes the writer lock
   for itself, so the command line and merges can write meanwhile (the app polls for their
   changes, see ``AssetTrackApp.poll_store``), and warnings go to the app, not the terminal;
2. if the row snapshot still matches the files, paint the asset table from it and load the
   store (and the plugins) on a worker thread right after the first paint;
3. if not, a child process makes the snapshot while this one imports Textual, then 2;
4. failing that, load the store first, as any command does.

A folder that does not exist yet is made into an empty database; there are no rows to
snapshot, so no child is started, and the app opens on its getting-started screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from assettrack.commands.context import Context
from assettrack.store.database import HEADER_NAME, Database
from assettrack.tui.context import Loaded, TuiContext
from assettrack.tui.row_snapshot import RowSnapshot, snapshot_path
from assettrack.tui.snapshot_child import SnapshotChild

if TYPE_CHECKING:
    from assettrack.tui.app import AssetTrackApp


def default_cache_folder() -> Path:
    return Path(platformdirs.user_cache_dir("assettrack", appauthor=False))


def run_tui(
    context: Context,
    db_path: Path,
    *,
    demo: bool = False,
    cache_folder: Path | None = None,
    **run_options: Any,
) -> None:
    """Run the app until the user quits; ``run_options`` go to Textual's ``App.run``."""
    with open_tui(context, db_path, demo=demo, cache_folder=cache_folder) as app:
        app.run(**run_options)
    if app.load_error is not None:
        raise app.load_error


@contextmanager
def open_tui(
    context: Context, db_path: Path, *, demo: bool = False, cache_folder: Path | None = None
) -> Iterator[AssetTrackApp]:
    """The app on ``db_path``, ready to run; the database stays open until the block ends."""
    settings = context.settings
    context.tell_refusals = False  # the app shows refused plugins as notices
    new = not (db_path / HEADER_NAME).exists()
    # Warnings (a damaged document set aside) are kept in db.notices for the app to show.
    db = Database(db_path, author=settings.engineer, report=None).open()
    consoles = None
    try:
        # Keyed by the configured rules: plugins' rules are known only once plugins load,
        # and the check after the load catches what they change.
        snapshot = RowSnapshot(
            snapshot_path(cache_folder or default_cache_folder(), db_path), db, settings.warranty
        )
        # A new database has no assets: nothing to snapshot, nothing to wait for.
        first_rows = [] if new else snapshot.load()
        child = None
        if first_rows is None:
            child = SnapshotChild.start(
                db_path, snapshot.path, settings.warranty, context.register, context.today
            )
        from assettrack.tui.app import AssetTrackApp  # Textual: while the child works

        if child is not None and child.wait():
            first_rows = snapshot.load()
        if demo:
            from assettrack.services.demo_consoles import DemoConsoles

            consoles = DemoConsoles()

        def load() -> Loaded:
            from assettrack.store.store import Store
            from assettrack.tui.app import make_services
            from assettrack.tui.row_facts import facts_of_rows

            register = context.register(Store(db))
            services = make_services(
                register,
                context.extensions,
                engineer=settings.engineer,
                service_settings=settings.raw,
            )
            return Loaded(services, facts_of_rows(register))

        loaded = load() if first_rows is None else None
        tui = TuiContext(
            context.today,
            Path.cwd(),
            services=loaded.services if loaded else None,
            load=None if loaded else load,
            first_rows=loaded.asset_facts if loaded else first_rows,
            thresholds=settings.warranty.thresholds,
            on_asset_rows=snapshot.save,
            demo_console=consoles.url_for if consoles else None,
            report_language=settings.report_language or None,
        )
        try:
            yield AssetTrackApp(tui)
        finally:
            snapshot.wait()
    finally:
        db.close()
        if consoles is not None:
            consoles.close()
