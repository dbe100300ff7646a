"""``export assets`` from the held rows (services.asset_export) against the views' export
(asset_transfer.assets_csv), on a real store holding every kind of awkward cell; and the
plugins' drivers collected only when asked, their failures listed all the same."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assettrack.domain.models import Asset, AssetStatus, ConsoleSettings, Site
from assettrack.plugins.loader import load_plugins
from assettrack.services.asset_export import COLUMNS, HeldViews, export_order, held_csv
from assettrack.services.asset_transfer import EXPORT_COLUMNS, assets_csv, assets_json
from assettrack.services.assets import AssetRegister
from tests.conftest import TODAY

AWKWARD = [
    "=SUM(A1:A9)",
    "+86 21 5080",
    "-1010",
    "-x",
    "@cmd",
    "\tindented",
    "a, b",
    'say "hi"',
    "two\nlines",
    "cr\rhere",
    "",
    "机房 3 楼",
    "'=quoted already",
]


def fill(register: AssetRegister) -> None:
    """Assets whose every text column takes each awkward value somewhere, with dates,
    periods, extensions and statuses of every kind, in two sites of one name."""
    one = register.add_site(Site(customer="华东医院集团", name="门诊楼机房"))
    two = register.add_site(Site(customer="华东医院集团", name="门诊楼机房"))
    other = register.add_site(Site(customer="=Evil, Inc.", name='Plant "B"'))
    sites = [one, two, other]
    for n in range(60):
        text = AWKWARD[n % len(AWKWARD)]
        register.store.assets.save(
            Asset(
                sites[n % 3].id,
                ("router", "switch", "firewall")[n % 3],
                ("Cisco", "华为", "H3C", "Juniper")[n % 4],
                f"M-{n % 5}",
                f"SN{n:04d}" if n % 7 else text.strip() or f"S{n}",
                hostname=text,
                management_address="",
                location=AWKWARD[(n + 3) % len(AWKWARD)],
                firmware=AWKWARD[(n + 5) % len(AWKWARD)],
                installed_on=date(2020, 1 + n % 12, 1 + n % 28) if n % 4 else None,
                warranty_start=date(2021, 2, 28) if n % 5 == 0 else None,
                warranty_months=(None, 12, 36)[n % 3],
                warranty_end=date(2026, 12, 1 + n % 20) if n % 6 == 0 else None,
                warranty_extension_months=n % 3 * 6,
                contract_id=None if n % 2 else f"C-{n}",
                console=ConsoleSettings(
                    port=AWKWARD[(n + 7) % len(AWKWARD)], baud=None if n % 2 else 9600
                ),
                driver=None if n % 3 else "cisco_ios",
                status=list(AssetStatus)[n % len(AssetStatus)],
                tags=[AWKWARD[n % len(AWKWARD)], "core"] if n % 2 else [],
                notes=AWKWARD[(n + 1) % len(AWKWARD)],
            )
        )


@pytest.fixture
def filled(register: AssetRegister) -> AssetRegister:
    fill(register)
    return register


def the_views_in_order(register: AssetRegister, site: str | None = None) -> list:
    views = register.views(TODAY)
    if site:
        views = [
            v for v in views if site.casefold() in v.site_name.casefold() or v.asset.site_id == site
        ]
    # The order the export had before: customer, site name, kind, serial (stable).
    views.sort(key=lambda v: (v.customer, v.site_name, v.asset.kind, v.asset.serial_number))
    return views


def test_the_columns_are_the_exports() -> None:
    assert COLUMNS == EXPORT_COLUMNS


@pytest.mark.parametrize("excel", [False, True])
def test_the_held_rows_export_byte_for_byte_as_the_views(filled, excel) -> None:
    rows = export_order(filled, filled.store.assets.rows(), None)
    written = held_csv(filled, rows, TODAY, excel_bom=excel)
    assert written == assets_csv(the_views_in_order(filled), excel_bom=excel)
    assert written.count("'=SUM(A1:A9)") > 0 and '"say ""hi"""' in written
    assert len(rows) == 60


@pytest.mark.parametrize("site", ["门诊", 'plant "b"', "nowhere"])
def test_the_site_filter_keeps_the_same_rows_in_the_same_order(filled, site) -> None:
    rows = export_order(filled, filled.store.assets.rows(), site)
    expected = the_views_in_order(filled, site)
    assert [r.id for r in rows] == [v.asset.id for v in expected]
    assert held_csv(filled, rows, TODAY) == assets_csv(expected)


def test_a_site_id_picks_that_site_alone(filled) -> None:
    one = filled.sites()[0]
    rows = export_order(filled, filled.store.assets.rows(), one.id)
    assert rows and {r.site_id for r in rows} == {one.id}


def test_no_rows_is_the_header_alone(register) -> None:
    assert held_csv(register, [], TODAY) == assets_csv([])


def test_the_held_views_are_the_views_for_other_exporters(filled) -> None:
    rows = export_order(filled, filled.store.assets.rows(), None)
    held = HeldViews(filled, rows, TODAY)
    views = the_views_in_order(filled)
    assert len(held) == len(views) and held[0] == views[0] and held[-2:] == views[-2:]
    assert list(held) == views
    assert assets_json(held, TODAY) == assets_json(views, TODAY)


def test_a_date_as_stored_is_written_as_the_date_reads(filled, tmp_path: Path) -> None:
    """The row holds the stored text; the export writes the decoded date (ISO either way)."""
    rows = export_order(filled, filled.store.assets.rows(), None)
    text = held_csv(filled, rows, TODAY)
    assert "2021-02-28" in text and "2026-12-01" in text


# -- drivers collected on first use ----------------------------------------------------------

FAILING_DRIVERS = """
from assettrack.plugins.hookspecs import hookimpl

@hookimpl
def assettrack_register_drivers(register):
    raise RuntimeError("no drivers today")
"""


def test_drivers_are_collected_when_first_asked_for(tmp_path: Path) -> None:
    ext = load_plugins({}, {}, entry_points=False)
    assert "drivers" not in vars(ext)  # an export or a listing never pays for them
    assert "generic" in ext.drivers and ext.plugin_of(ext.drivers["generic"]) == "generic_driver"
    assert ext.drivers is ext.drivers


def test_a_driver_failure_is_listed_though_no_driver_was_asked_for(tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "no_drivers.py").write_text(FAILING_DRIVERS, encoding="utf-8")
    ext = load_plugins({"plugins": {"folder": str(folder)}}, {}, entry_points=False)
    assert ext.host.refusals == [] and "drivers" not in vars(ext)
    mark = ext.host.mark()
    (failure,) = [f for f in ext.host.failures if f.plugin == "no_drivers"]
    assert failure.stage == "assettrack_register_drivers" and "no drivers today" in failure.error
    assert ext.host.failures_since(mark) == []  # recorded before the mark: at "load"
    assert "no_drivers" not in ext.driver_plugins.values()
