"""Starting the TUI on a database folder: what ``assettrack`` and ``assettrack demo`` run.

The order is chosen so the asset table is on screen as soon as Textual can paint it:

1. open the database: no lock is held while the app runs - each save takes the writer lock
   for itself, so the command line and merges can write meanwhile (the app polls for their
   changes, see ``AssetTrackApp.poll_store``), and warnings go to the app, not the terminal;
2. if the row snapshot still matches the files, paint the asset table from it and load the
   store (and the plugins) on a worker thread right after the first paint;
3. if only a few asset files changed since (another program saved some assets), patch the
   snapshot with those files' rows (``row_patch``) and go on as in 2;
4. if not, the table's rows are read before the first paint, by a child forked while this
   process imports Textual and starts the app, which asks for them as the asset table is
   mounted (``forked_work``, ``cold_rows``; here, first, where no child can be forked):
   from the store's columns file alone while it records every asset file as it is
   (``AssetRepository.recorded_columns``, no store opened, no asset decoded), else from the
   store, as any command reads it (``row_facts``). The store and the services are made
   behind the first paint, as in 2, which also leaves the rows painted as the next start's
   snapshot. The end dates are worked out with the warranty rules the last start kept
   (``kept_rules``, plugins' included) while what they depend on is unchanged, so the
   plugins load behind the paint here too, and the rows are made again if theirs differ;
   with no rules kept, the child loads the plugins for their rules first, while this
   process makes every fact but the ends of what the child sent so far.

At 50,000 assets the rows take about 90 ms from the columns file (120 ms through the
store), and importing and starting the app about 110 ms: forked, the paint waits for the
longer of the two and the rows' passage (20-25 ms), not for both. An earlier child that
wrote the snapshot for this process to read back was slower than loading here (1.1-1.2 s
against 0.8-0.9 s to the first paint), when the rows took most of a second; this one
hands them over in memory.

A folder that does not exist yet is made into an empty database; there are no rows to
snapshot, and the app opens on its getting-started screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from assettrack.commands.context import Context
from assettrack.domain.warranty import WarrantyRules
from assettrack.store.database import HEADER_NAME, Database
from assettrack.tui import kept_rules
from assettrack.tui.cold_rows import StoreRows, from_parts, parts, read_rows, take_first
from assettrack.tui.context import Loaded, TuiContext
from assettrack.tui.forked_work import ForkedWork
from assettrack.tui.row_facts import (
    facts_of_held,
    facts_of_rows,
)
from assettrack.tui.row_snapshot import RowSnapshot, snapshot_path

if TYPE_CHECKING:
    from assettrack.services.assets import AssetRegister
    from assettrack.store.store import Store
    from assettrack.tui.app import AssetTrackApp
    from assettrack.tui.asset_facts import AssetFacts


def _site_ids(register: AssetRegister) -> list[str]:
    return list(map(itemgetter(0), register.store.assets.rows()))  # AssetRow.site_id


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
    forked: ForkedWork | None = None
    cache = cache_folder or default_cache_folder()
    try:
        # Keyed by the configured rules: plugins' rules are known only once plugins load,
        # and the check after the load catches what they change.
        snapshot = RowSnapshot(snapshot_path(cache, db_path), db, settings.warranty)
        # A new database has no assets: nothing to snapshot, nothing to wait for.
        first_rows = [] if new else snapshot.load()
        stale = None if first_rows is not None else snapshot.stale()
        if stale is not None:
            # Only some asset files changed since: their rows in place of the snapshot's
            # (``row_patch``); the store loads behind the paint, as on a warm start.
            from assettrack.tui.row_patch import patched

            # The rules the snapshot's ends were worked out with: the plugins are loaded
            # behind the paint, whose check replaces the rows if theirs differ now.
            first_rows = patched(stale, db, lambda: stale.full_rules() or context.warranty_rules)

        def read_store() -> Store:
            from assettrack.store.store import Store

            return Store(db)

        rules_file = kept_rules.rules_path(cache)
        rules_key: list[list[Any] | None] = []  # worked out once, when first needed

        def kept_key() -> list[Any] | None:
            if not rules_key:
                rules_key.append(kept_rules.rules_key(settings.warranty, settings.raw))
            return rules_key[0]

        def kept() -> WarrantyRules | None:
            """The rules the last start kept (``kept_rules``), if still good."""
            key = kept_key() if rules_file.exists() else None
            return None if key is None else kept_rules.load(rules_file, key)

        def no_rules_kept() -> bool:
            return not rules_file.exists()  # a first start: the plugins load for the rules

        def rules_for_rows() -> WarrantyRules:
            # The plugins' rules are not known without them; with rules kept, they load
            # behind the paint, and their rules are compared there.
            rules = kept()
            return context.warranty_rules if rules is None else rules

        def rows_through_store() -> StoreRows:
            rules = kept()
            store = read_store()
            if rules is None:
                register = context.register(store)
                return StoreRows(facts_of_rows(register), register.rules, store, register)
            sites = {site.id: (site.name, site.customer) for site in store.sites.list()}
            return StoreRows(facts_of_held(store.assets.rows(), sites, rules), rules, store)

        # The table's rows read from the store (``cold_rows``), with the rules their ends
        # were worked out with: the rules the last start kept, if still good, else the
        # plugins' (then loaded for them).
        rows_of_store = partial(read_rows, db, rules_for_rows, rows_through_store)
        # No snapshot: a child works the rows out while this process imports the app.
        if first_rows is None:
            forked = ForkedWork.start(
                partial(parts, db, rules_for_rows, no_rules_kept, rows_through_store)
            )
        from assettrack.tui.app import AssetTrackApp

        if demo:
            from assettrack.services.demo_consoles import DemoConsoles

            consoles = DemoConsoles()

        def load(
            store: Store | None = None,
            facts: list[AssetFacts] | None = None,
            register: AssetRegister | None = None,
            painted_rules: WarrantyRules | None = None,
        ) -> Loaded:
            """The services (and the table's facts, unless ``facts`` are the store's
            already, made with the rules the plugins give), made behind the first paint."""
            from assettrack.tui.app import make_services

            if register is None:
                register = context.register(read_store() if store is None else store)
            key = kept_key()
            if key is not None:  # for the next start with no snapshot
                kept_rules.save(rules_file, key, register.rules)
            remade = painted_rules is not None and painted_rules.plain() != register.rules.plain()
            if remade:
                facts = None  # painted with rules the plugins no longer give: made anew
            _ = context.extensions.drivers  # collected here, not on the screen's thread
            services = make_services(
                register,
                context.extensions,
                engineer=settings.engineer,
                service_settings=settings.raw,
            )
            # The next start's snapshot records each asset file's rows: the facts are in
            # the store's order, a site's rows after another's.
            snapshot.site_ids = partial(_site_ids, register)
            snapshot.full_rules = register.rules
            if facts is None:
                facts = facts_of_rows(register)
                if stale is not None or remade:
                    snapshot.save(facts)  # painted from a patched snapshot: made anew
            else:
                snapshot.save(facts)  # painted from the store: the next start's snapshot
            return Loaded(services, facts)

        load_services: Callable[[], Loaded] = load

        def rows_read_here() -> Sequence[AssetFacts]:
            """The rows read in this process (no child, or it failed); the services are
            made behind the first paint, as on a warm start."""
            nonlocal load_services
            made = rows_of_store()
            if made.register is not None:
                load_services = partial(load, made.store, made.facts, made.register)
            else:
                load_services = partial(load, made.store, made.facts, painted_rules=made.rules)
            return made.facts

        def rows_from_child() -> Sequence[AssetFacts]:
            """The child's rows; the store and the plugins load behind the paint, as on a
            warm start, and the rules are compared there."""
            nonlocal load_services
            if forked is None:
                return rows_read_here()
            first = forked.next_part()
            # Made here while the child works out the rest (``cold_rows``).
            taken = None if first is None else take_first(first)
            second = None if taken is None else forked.next_part()
            if taken is None or second is None:
                return rows_read_here()
            facts, painted = from_parts(taken, second)
            load_services = partial(load, None, facts, painted_rules=painted)
            return facts

        rows_coming = None
        if forked is not None:
            # Asked for as the asset table is mounted: Textual starts meanwhile.
            rows_coming = rows_from_child
        elif first_rows is None:
            first_rows = rows_read_here()

        def load_services_once_rows_are_in() -> Loaded:
            _ = tui.first_rows  # which settles how the services are loaded
            return load_services()

        tui = TuiContext(
            context.today,
            Path.cwd(),
            load=load_services_once_rows_are_in,
            first_rows=first_rows,
            rows_coming=rows_coming,
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
        if forked is not None:
            forked.close()
        db.close()
        if consoles is not None:
            consoles.close()
