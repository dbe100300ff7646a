"""The warranty ends of held rows worked out a column at a time (``row_columns``, for the
asset table and the export) are those ``AssetRegister.warranty_ends`` gives row by row:
own end dates with extensions, starts shared by assets of other periods, months clamped at
a month's end, no start at all, and one model name under two vendors of other periods."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assettrack.domain.models import Asset, Site
from assettrack.domain.warranty import WarrantyRules
from assettrack.services.assets import AssetRegister
from assettrack.services.row_columns import columns_of, warranty_ends
from assettrack.store.store import Store

RULES = WarrantyRules.from_mapping(
    {
        "default_months": 36,
        "vendors": {
            "huawei": {
                "name": "Huawei",
                "months": 60,
                "models": [{"pattern": "S57*", "months": 13}],
            },
            "cisco": {"name": "Cisco", "months": 24},
        },
    }
)
STARTS = (date(2024, 1, 31), date(2023, 8, 31), date(2024, 2, 29), date(2025, 3, 1))


def _assets(site_id: str) -> list[Asset]:
    assets = []
    for n in range(160):
        start = STARTS[n % len(STARTS)]
        assets.append(
            Asset(
                site_id,
                "switch",
                ("Huawei", "Cisco", "Juniper", "华为")[n % 4],
                ("S5735", "S5735-L", "C9300")[n % 3],  # S5735 under every vendor
                f"SN{n:04d}",
                installed_on=start if n % 11 else None,
                warranty_start=start if n % 5 == 0 else None,
                warranty_months=1 if n % 6 == 0 else None,
                warranty_end=date(2027, 1, 31) if n % 9 == 0 else None,
                warranty_extension_months=(0, 1, 13)[n % 3] if n % 2 else 0,
            )
        )
    return assets


def test_each_rows_end_is_the_registers_row_by_row(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db") as store:
        site = store.sites.save(Site("Contoso", "Plant 2"))
        store.assets.add_many(_assets(site.id))
        register = AssetRegister(store, RULES)
        rows = store.assets.rows()
        first_at, ends = warranty_ends(register, columns_of(rows))
        expected = list(map(register.warranty_ends(), rows))
    assert [ends[at] for at in first_at] == expected
    assert None in expected and len(set(expected)) > 10  # every case above was reached


def test_rows_of_one_key_and_no_rows(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db") as store:
        site = store.sites.save(Site("Contoso", "Plant 2"))
        register = AssetRegister(store, RULES)
        assert warranty_ends(register, columns_of([])) == ([], {})
        store.assets.add_many(
            [
                Asset(site.id, "switch", "Cisco", "C9300", f"SN{n}", installed_on=STARTS[0])
                for n in range(3)
            ]
        )
        rows = store.assets.rows()
        assert warranty_ends(register, columns_of(rows)) == (
            [0, 0, 0],
            {0: date(2026, 1, 31)},
        )
