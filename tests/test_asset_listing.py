"""Listings from held rows: the warranty ends, statuses, views and expiry list the register
works out from ``store.assets.rows()`` are the ones it gives for the decoded assets one by
one; and the warranty table printed as plain text lines up Chinese text in columns."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from assettrack.domain.models import Asset, Site
from assettrack.domain.warranty import WarrantyRules, warranty_status
from assettrack.i18n.formats import cells
from assettrack.services.assets import AssetRegister
from assettrack.store.asset_columns import decode
from assettrack.store.store import Store
from tests.conftest import TODAY

RULES = WarrantyRules.from_mapping(
    {
        "default_months": 36,
        "expiring_days": [90, 60, 30],
        "vendors": {
            "huawei": {
                "name": "Huawei",
                "months": 60,
                "models": [{"pattern": "S57*", "months": 12}],
            },
            "cisco": {"name": "Cisco", "months": 24},
        },
    }
)


def _fleet(site_ids: list[str]) -> list[Asset]:
    assets = []
    for n in range(240):
        installed = TODAY - timedelta(days=11 * n)
        assets.append(
            Asset(
                site_ids[n % len(site_ids)],
                "switch",
                ("华为", "Huawei", "Cisco", "Juniper")[n % 4],
                ("S5735", "CE6800", "C9300")[n % 3],
                f"SN{n:04d}",
                installed_on=installed if n % 7 else None,
                warranty_start=installed + timedelta(days=30) if n % 5 == 0 else None,
                warranty_months=18 if n % 6 == 0 else None,
                warranty_end=TODAY + timedelta(days=n - 100) if n % 9 == 0 else None,
                warranty_extension_months=12 if n % 8 == 0 else 0,
            )
        )
    return assets


@pytest.fixture
def register(tmp_path: Path):
    with Store.open(tmp_path / "db") as store:
        sites = [
            store.sites.save(Site(customer, name))
            for customer, name in (("华东医院集团", "门诊楼机房"), ("Contoso", "Plant 2"))
        ]
        store.assets.add_many(_fleet([s.id for s in sites]))
        yield AssetRegister(store, RULES, today=TODAY)


def test_ends_and_statuses_of_rows_are_those_of_the_decoded_assets(register) -> None:
    ends = register.warranty_ends()
    for today in (TODAY, TODAY + timedelta(days=400)):
        statuses = register.statuses(today)
        for row in register.store.assets.rows():
            expected = warranty_status(decode(row), RULES, today)
            assert ends(row) == expected.end
            assert statuses(row) == expected


def test_views_of_rows_are_the_views_of_each_asset(register) -> None:
    views = register.views(TODAY)
    assert views == [register.view(a, TODAY) for a in register.store.assets.all()]
    assert len(views) == 240


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"include_expired": True},
        {"within_days": 30},
        {"within_days": 3650, "include_expired": True, "vendor": "华为"},
        {"include_expired": True, "site": "门诊"},
        {"include_expired": True, "customer": "contoso"},
        {"within_days": 10**12, "include_expired": True},  # past the last date there is
        {"within_days": 10},
    ],
)
def test_the_expiry_list_is_the_one_worked_out_asset_by_asset(register, options) -> None:
    within = options.get("within_days", 90)
    expected = [
        v
        for v in (register.view(a, TODAY) for a in register.store.assets.all())
        if v.warranty.days_left is not None
        and (v.warranty.days_left >= 0 or options.get("include_expired"))
        and v.warranty.days_left <= within
        and options.get("site", "") in v.site_name
        and options.get("vendor", "") in v.asset.vendor
        and options.get("customer", "") in v.customer.casefold()
    ]
    expected.sort(key=lambda v: (v.warranty.end, v.customer, v.site_name, v.asset.serial_number))
    found = register.warranty_list(TODAY, **options)
    assert found == expected and found


def test_the_warranty_table_lines_up_chinese_text_in_a_pipe(register, tmp_path: Path) -> None:
    folder = register.store.folder
    register.store.close()
    result = subprocess.run(
        [
            *(sys.executable, "-m", "assettrack", "--db", str(folder), "--today", str(TODAY)),
            *("warranty", "--include-expired", "--within", "3650"),
        ],
        capture_output=True,
        text=True,
        env={"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "\x1b" not in result.stdout  # no colour into a pipe
    assert lines[-1] == f"{len(lines) - 2} asset(s)"
    header, body = lines[0], lines[1:-1]
    assert re.split(r"\s{2,}", header) == [
        "Ends",
        "Days",
        "Status",
        "Customer",
        "Site",
        "Vendor",
        "Model",
        "Serial",
    ]
    # Every row's serial number starts in the same terminal column as the header's title,
    # whatever Chinese text (two columns a character) stands before it.
    serial_at = header.index("Serial")
    for line in body:
        serial = line.split()[-1]
        assert cells(line[: line.rindex(serial)]) == serial_at, line
    assert any("华东医院集团" in line for line in body)
    assert any("门诊楼机房" in line and "华为" in line for line in body)


def test_the_asset_tables_facts_of_rows_are_those_of_the_decoded_assets(register) -> None:
    from assettrack.tui.asset_facts import register_facts
    from assettrack.tui.row_facts import facts_of_rows

    assert facts_of_rows(register) == register_facts(register, TODAY)
    site = register.sites()[0]
    assert facts_of_rows(register, register.store.assets.rows_at(site.id)) == register_facts(
        register, TODAY, register.store.assets.by_site(site.id)
    )


@pytest.mark.parametrize("site", [None, "门诊", "plant"])
def test_the_export_is_every_view_in_order(register, tmp_path: Path, monkeypatch, site) -> None:
    from assettrack.commands.context import Context
    from assettrack.services.asset_transfer import assets_csv
    from tests.cli_inprocess import Cli

    cli = Cli(tmp_path)
    for name, value in cli.env.items():  # the command's settings and plugins, here too
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    folder = register.store.folder
    register.store.close()
    with Store.open(folder, read_only=True) as store:
        views = Context(None, folder, TODAY).register(store).views(TODAY)
    if site:
        views = [v for v in views if site in v.site_name.casefold()]
    views.sort(key=lambda v: (v.customer, v.site_name, v.asset.kind, v.asset.serial_number))
    result = cli("--db", folder, "export", "assets", *(["--site", site] if site else []))
    assert result.returncode == 0, result.stderr
    assert result.stdout == assets_csv(views) and len(views) > 10
