"""``export assets`` writes columns three ways (services.asset_export): a column the same in
every row folded into the text between its neighbours, a column of distinct values tested
whole, and the rest a distinct value at a time. Each way must write what the views' export
(asset_transfer.assets_csv) writes, on a real store, wherever the awkward value sits."""

from __future__ import annotations

from datetime import date

import pytest

from assettrack.domain.models import Asset, ConsoleSettings, Site
from assettrack.services.asset_export import _SAMPLE, export_order, held_csv
from assettrack.services.asset_transfer import assets_csv
from assettrack.services.assets import AssetRegister
from tests.conftest import TODAY

# More rows than the sample that decides how a column is tested, so a value past it counts.
COUNT = _SAMPLE * 2 + 5


def views_in_order(register: AssetRegister) -> list:
    views = register.views(TODAY)
    views.sort(key=lambda v: (v.customer, v.site_name, v.asset.kind, v.asset.serial_number))
    return views


def save_fleet(register: AssetRegister, **fields: object) -> None:
    """COUNT assets alike in everything but their serial numbers and the ``fields`` given as
    a function of the asset's number."""
    site = register.add_site(Site(customer="客户 1", name="Plant A"))
    for n in range(COUNT):
        values = {name: make(n) for name, make in fields.items()}  # type: ignore[operator]
        register.store.assets.save(
            Asset(
                site.id,
                values.pop("kind", "router"),
                values.pop("vendor", "Cisco"),
                values.pop("model", "ISR4331"),
                values.pop("serial_number", f"SN{n:05d}"),
                installed_on=date(2024, 3, 1),
                console=ConsoleSettings(port="COM1", baud=9600),
                **values,
            )
        )


def exported(register: AssetRegister) -> str:
    rows = export_order(register, register.store.assets.rows(), None)
    return held_csv(register, rows, TODAY)


def test_columns_the_same_in_every_row_are_written_in_their_places(register) -> None:
    """Alike in all but the serial number: runs of same cells before a plain column, before
    a keyed one and at the end of the row."""
    save_fleet(register)
    written = exported(register)
    assert written == assets_csv(views_in_order(register))
    assert written.count("\r\n") == COUNT + 1
    assert len({line.split(",")[0] for line in written.splitlines()[1:]}) == COUNT


@pytest.mark.parametrize(
    "awkward",
    ["=SUM(A1)", "-x", "+86 21", "@cmd", "\tin", "a, b", 'say "hi"', "two\nlines", "cr\rhere"],
)
@pytest.mark.parametrize("at", [0, _SAMPLE - 1, COUNT - 1])
def test_an_awkward_value_in_a_column_of_distinct_values(register, awkward, at) -> None:
    """Host names all different; one of them needs a quote or the apostrophe, at the start,
    in the sample or past it."""
    save_fleet(register, hostname=lambda n: awkward if n == at else f"dev-{n}")
    written = exported(register)
    assert written == assets_csv(views_in_order(register))
    assert "dev-7," in written


@pytest.mark.parametrize("awkward", ["=cmd", "-1010", "a,b", "", "机房"])
def test_an_awkward_value_among_few_distinct_ones(register, awkward) -> None:
    """A column of two values, and a column the same in every row but one."""
    save_fleet(
        register,
        location=lambda n: awkward if n % 2 else "Room 1",
        notes=lambda n: awkward if n == COUNT - 1 else "",
        firmware=lambda n: awkward,
    )
    assert exported(register) == assets_csv(views_in_order(register))
