"""At the size of a large integrator (50,000 assets on 1,000 sites), the questions read only
the files they should: counted by the files opened, not timed (timings are the benchmarks').

The database is written by a fast builder (the store's own layout, files written directly),
then used only through the store and the app, as a user would."""

from __future__ import annotations

import dataclasses
import os
import random
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import orjson
import pytest

from assettrack.domain.codec import to_doc
from assettrack.domain.models import Asset, Customer, Inspection, Site
from assettrack.plugins.loader import load_plugins
from assettrack.services.assets import AssetRegister
from assettrack.store.store import Store
from assettrack.tui.app import make_app
from assettrack.tui.widgets.fast_table import FastTable
from tests.conftest import TODAY
from tests.file_opens import age, opened_files

SITES = 1_000
PER_SITE = 50
VENDORS = ("Cisco", "Huawei", "H3C", "Juniper")
COLUMNS = ".index/assets.columns"


def _build(folder: Path) -> tuple[list[Site], dict[str, list[Asset]]]:
    """50,000 assets in the store's layout; a month of records per asset at two sites."""
    with Store.open(folder):
        pass  # the header, as init writes it
    rng = random.Random(5)
    customer = Customer("华东医院集团")
    sites = [Site("华东医院集团", f"机房 {n:04d}", customer_id=customer.id) for n in range(SITES)]
    catalog = {
        "customers": {customer.id: {**to_doc(customer), "revision": 1}},
        "sites": {s.id: {**to_doc(s), "revision": 1} for s in sites},
    }
    (folder / "catalog.json").write_bytes(orjson.dumps(catalog))
    (folder / "assets").mkdir()
    by_site: dict[str, list[Asset]] = {}
    for site in sites:
        assets = [
            Asset(
                site.id,
                "switch",
                rng.choice(VENDORS),
                "S5735",
                f"SN{len(by_site):04d}{n:02d}",
                location=f"rack {n}",
                installed_on=date(2022, 1, 1 + n % 28),
                revision=1,
            )
            for n in range(PER_SITE)
        ]
        by_site[site.id] = assets
        docs = {a.id: to_doc(a) for a in assets}
        (folder / "assets" / f"{site.id}.json").write_bytes(orjson.dumps({"assets": docs}))
    with Store.open(folder) as store:
        for site in sites[:2]:
            store.inspections.add_many(
                Inspection(site.id, asset.id, datetime(2025, month, 2 + n % 20, 10))
                for n, asset in enumerate(by_site[site.id])
                for month in (1 + n % 12, 1 + (n + 5) % 12)
            )
    age(folder)  # written before today's session
    return sites, by_site


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Site], dict]:
    folder = tmp_path_factory.mktemp("scale") / "db"
    sites, by_site = _build(folder)
    return folder, sites, by_site


def _kinds(opened: list[str]) -> Counter[str]:
    return Counter(p.split("/")[0] for p in opened)


def test_opening_reads_each_asset_file_once_and_no_record(large) -> None:
    folder, sites, by_site = large
    (folder / COLUMNS).unlink(missing_ok=True)  # as after an upgrade: no columns file yet
    with opened_files(folder) as opened:
        store = Store.open(folder)
    try:
        assert len(store.assets) == SITES * PER_SITE
        asset_files = [p for p in opened if p.startswith("assets/")]
        assert len(asset_files) == SITES and len(set(asset_files)) == SITES
        assert not [p for p in opened if p.startswith("records/")]
        store.sites.list()  # the catalog, read once
        # A site's assets, and the site list again: no file read at all.
        with opened_files(folder) as asked:
            assert len(store.assets.by_site(sites[500].id)) == PER_SITE
            assert len(store.sites.list()) == SITES
        assert asked == []
    finally:
        store.close()
    # The next open reads the columns file those reads recorded, and no asset file.
    with opened_files(folder) as opened, Store.open(folder, read_only=True) as store:
        assert len(store.assets) == SITES * PER_SITE
        assert store.assets.get(by_site[sites[7].id][3].id) == by_site[sites[7].id][3]
    assert COLUMNS in opened
    assert not [p for p in opened if p.startswith(("assets/", "records/"))]


def test_one_site_edited_elsewhere_is_the_one_file_read_again(large) -> None:
    folder, sites, by_site = large
    with Store.open(folder):
        pass  # the columns file, as recorded
    asset = dataclasses.replace(by_site[sites[42].id][0], firmware="V9", revision=2)
    path = folder / "assets" / f"{sites[42].id}.json"
    was = path.stat()
    docs = orjson.loads(path.read_bytes())
    docs["assets"][asset.id] = to_doc(asset)
    path.write_bytes(orjson.dumps(docs))
    os.utime(path, ns=(was.st_atime_ns, was.st_mtime_ns))  # in place, time kept: its size tells
    with opened_files(folder) as opened, Store.open(folder, read_only=True) as store:
        assert store.assets.get(asset.id).firmware == "V9"
    assert [p for p in opened if p.startswith("assets/")] == [f"assets/{sites[42].id}.json"]
    with opened_files(folder) as opened, Store.open(folder, read_only=True) as store:
        assert store.assets.get(asset.id).firmware == "V9"
    assert not [p for p in opened if p.startswith("assets/")]


def test_one_assets_history_reads_only_its_months(large) -> None:
    folder, sites, by_site = large
    asset = by_site[sites[1].id][7]
    with Store.open(folder) as store:
        store.inspections.for_asset(sites[1].id, by_site[sites[1].id][0].id)  # builds the index
    with Store.open(folder) as store, opened_files(folder) as opened:
        history = store.inspections.for_asset(sites[1].id, asset.id)
    assert [r.created_at.month for r in history] == [1, 8]
    months = sorted(p.rsplit("/", 1)[1] for p in opened if p.startswith("records/"))
    assert months == ["2025-01.json", "2025-08.json"]
    assert [p for p in opened if p.startswith(".index/")] == [
        f".index/inspections.{sites[1].id}.json"
    ]
    # A site with no records at all reads no record file either.
    with Store.open(folder) as store, opened_files(folder) as opened:
        assert store.inspections.for_asset(sites[900].id, by_site[sites[900].id][0].id) == []
    assert not [p for p in opened if p.startswith("records/")]


async def test_the_apps_first_screen_reads_no_record_file(large, settings) -> None:
    folder, _, _ = large
    with Store.open(folder):
        pass  # the columns file, as any earlier open leaves it
    extensions = load_plugins({})
    with opened_files(folder) as opened:
        store = Store.open(folder)
        try:
            register = AssetRegister(
                store, extensions.warranty_rules(settings.warranty), extensions.asset_kinds()
            )
            app = make_app(register, extensions, TODAY, engineer="李工")
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                table = app.screen.query_one(FastTable)
                assert len(table.rows) == SITES * PER_SITE
        finally:
            store.close()
    kinds = _kinds(opened)
    assert kinds["records"] == 0
    # The columns file recorded by an earlier open, once; no site's asset file.
    assert kinds["assets"] == 0 and opened.count(COLUMNS) == 1


def test_the_clis_listings_read_the_columns_file_and_no_asset_or_record_file(
    large, tmp_path: Path
) -> None:
    from tests.cli_inprocess import Cli

    folder, _, by_site = large
    with Store.open(folder):
        pass  # the columns file, as any earlier open leaves it
    cli = Cli(tmp_path)
    for command in (("warranty", "--within", "400"), ("export", "assets")):
        with opened_files(folder) as opened:
            result = cli("--db", folder, *command)
        assert result.returncode == 0, result.stderr
        assert opened.count(COLUMNS) == 1, command
        assert not [p for p in opened if p.startswith(("assets/", "records/"))], command
    assert len(result.stdout.splitlines()) == SITES * PER_SITE + 1  # the export: every asset
    assert by_site[next(iter(by_site))][0].serial_number in result.stdout
