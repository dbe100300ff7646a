"""A stale start-up snapshot patched with the asset files changed since (``row_patch``).

Real parts: a demo database on disk, changed by another process's store as the command
line would change it, the real plugins, the app as the command line opens it. The table
painted from a patch is the store's own table (rows, order and widths); when a patch cannot
be trusted the store is read first, as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assettrack.commands.context import Context
from assettrack.domain.models import Asset, Site
from assettrack.services.assets import AssetRegister
from assettrack.store.store import Store
from assettrack.tui.asset_facts import SHOWN, FactColumns
from assettrack.tui.launch import open_tui
from assettrack.tui.row_facts import facts_of_rows
from assettrack.tui.row_snapshot import RowSnapshot, snapshot_path
from tests.conftest import TODAY
from tests.tui.conftest import wait_until_loaded

SIZE = (120, 40)


@pytest.fixture
def stores_made(monkeypatch) -> list[Store]:
    """Every Store made meanwhile: a patched start makes none before its first paint."""
    made: list[Store] = []
    init = Store.__init__

    def counted(self, *args, **kwargs) -> None:
        made.append(self)
        init(self, *args, **kwargs)

    monkeypatch.setattr(Store, "__init__", counted)
    return made


def the_stores_facts(db_path: Path, settings, extensions) -> FactColumns:
    with Store.open(db_path, read_only=True) as store:
        register = AssetRegister(
            store, extensions.warranty_rules(settings.warranty), extensions.asset_kinds()
        )
        return facts_of_rows(register)


async def start_once(context: Context, db_path: Path, cache: Path) -> None:
    with open_tui(context, db_path, cache_folder=cache) as app:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until_loaded(app, pilot)


def assert_same_table(first: FactColumns, expected: FactColumns) -> None:
    assert first.columns == expected.columns  # every fact, in the store's order
    assert {name: first.width(name) for name in SHOWN} == {
        name: expected.width(name) for name in SHOWN
    }


async def test_assets_changed_elsewhere_are_patched_into_the_snapshot(
    context, db_path, cache, settings, extensions, stores_made
) -> None:
    await start_once(context, db_path, cache)
    with Store.open(db_path, author="another laptop") as store:
        assets = store.assets.all()
        changed = assets[0]
        changed.firmware = "V200R099C00-a-much-longer-firmware-text"  # widens its column
        store.assets.save(changed)
        gone = next(a for a in assets if a.site_id != changed.site_id)
        store.assets.delete(gone.id)
        added = Asset(changed.site_id, "router", "Cisco", "ISR4331", "FGL-NEW-1")
        store.assets.save(added)
    expected = the_stores_facts(db_path, settings, extensions)
    stores_made.clear()
    fresh = Context(None, db_path, TODAY)  # no plugins loaded yet, as the command starts
    fresh._settings = settings

    with open_tui(fresh, db_path, cache_folder=cache) as app:
        first = app.context.first_rows
        assert not stores_made  # painted from the patched snapshot, the store not read
        # ...and with the rules the snapshot kept (the plugins' periods included): the
        # plugins load behind the paint.
        assert fresh._extensions is None
        assert isinstance(first, FactColumns)
        assert_same_table(first, expected)
        assert added.id in first.columns["id"] and gone.id not in first.columns["id"]
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(200):
                await pilot.pause(0.02)
                if app.context.ready:
                    break
            await pilot.pause(0.1)
    # The store loaded behind the paint, and the snapshot was made again for the next start.
    with Store.open(db_path, read_only=True) as store:
        snapshot = RowSnapshot(snapshot_path(cache, db_path), store.db, settings.warranty)
        assert snapshot.load() == expected


async def test_a_changed_file_that_cannot_be_patched_is_read_by_the_store(
    context, db_path, cache, settings, extensions, stores_made
) -> None:
    await start_once(context, db_path, cache)
    with Store.open(db_path, author="another laptop") as store:
        moving = store.assets.all()[0]
        site = next(s for s in store.sites.list() if s.id != moving.site_id)
        moving.site_id = site.id
        store.assets.save(moving)  # the asset's old file and its new one both change
        store.sites.save(Site("Fabrikam", "Depot"))  # and the catalog
    expected = the_stores_facts(db_path, settings, extensions)
    stores_made.clear()
    with open_tui(context, db_path, cache_folder=cache) as app:
        assert stores_made  # the catalog changed: the store was read before the paint
        assert_same_table(app.context.first_rows, expected)


async def test_an_asset_moved_between_unchanged_sites_files_is_patched(
    context, db_path, cache, settings, extensions, stores_made
) -> None:
    await start_once(context, db_path, cache)
    with Store.open(db_path, author="another laptop") as store:
        moving = store.assets.all()[0]
        site = next(s for s in store.sites.list() if s.id != moving.site_id)
        moving.site_id = site.id
        store.assets.save(moving)
    expected = the_stores_facts(db_path, settings, extensions)
    stores_made.clear()
    with open_tui(context, db_path, cache_folder=cache) as app:
        assert not stores_made
        assert_same_table(app.context.first_rows, expected)


async def test_a_damaged_document_in_a_changed_file_is_left_to_the_store(
    context, db_path, cache, settings, extensions, stores_made
) -> None:
    await start_once(context, db_path, cache)
    with Store.open(db_path, author="another laptop") as store:
        asset = store.assets.all()[0]
        asset.firmware = "changed"
        store.assets.save(asset)
        name = store.assets.partition_of(asset.site_id)
    path = db_path / name
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"kind":"', '"kind":7,"x":"', 1), encoding="utf-8")
    stores_made.clear()
    with open_tui(context, db_path, cache_folder=cache) as app:
        assert stores_made  # not patched: the store read it, and reports the damage
        with Store.open(db_path, read_only=True) as store:
            register = AssetRegister(
                store, extensions.warranty_rules(settings.warranty), extensions.asset_kinds()
            )
            assert app.context.first_rows == facts_of_rows(register)
        notices = list(app.context.register.store.db.notices)
    # Reported once, as a start without a snapshot reports it.
    for snapshot in cache.rglob("asset-rows-*.bin"):
        snapshot.unlink()
    with open_tui(context, db_path, cache_folder=cache) as app:
        assert list(app.context.register.store.db.notices) == notices
    assert len(notices) == 1, notices


async def test_an_asset_also_in_an_unchanged_file_is_left_to_the_store(
    context, db_path, cache, settings, extensions, stores_made
) -> None:
    from assettrack.domain.codec import to_doc
    from assettrack.store.repositories import write_documents

    await start_once(context, db_path, cache)
    # A move half done (the new site's file written, the old one not yet): the asset is
    # in an unchanged file and in the changed one.
    with Store.open(db_path, author="another laptop") as store:
        asset = store.assets.all()[0]
        site = next(s for s in store.sites.list() if s.id != asset.site_id)
        asset.site_id = site.id
        asset.revision += 1
        write_documents(store.db, store.assets.partition_of(site.id), "assets", [to_doc(asset)])
    expected = the_stores_facts(db_path, settings, extensions)
    assert list(expected.columns["id"]).count(asset.id) == 1
    stores_made.clear()
    with open_tui(context, db_path, cache_folder=cache) as app:
        assert stores_made  # not patched: the store decides which copy it serves
        assert_same_table(app.context.first_rows, expected)
