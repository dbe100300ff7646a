"""Vendor names as people write them: one vendor each, for warranty, serials and exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from assettrack.config import load_settings
from assettrack.domain.errors import ValidationError
from assettrack.domain.models import Asset, Site
from assettrack.domain.vendors import VendorAliases, VendorNames
from assettrack.domain.warranty import WarrantyState, warranty_status
from assettrack.errors import AssetTrackError
from assettrack.plugins.loader import load_plugins
from assettrack.services.asset_transfer import assets_csv, assets_json, plan_assets_import
from assettrack.services.assets import AssetRegister
from assettrack.store.store import Store
from assettrack.tui.app import make_app
from assettrack.tui.screens.asset_detail import AssetDetailScreen
from tests.conftest import TODAY


@pytest.mark.parametrize(
    ("typed", "vendor"),
    [
        ("华为", "Huawei"),
        ("HUAWEI", "Huawei"),
        ("huawei", "Huawei"),
        ("Huawei Technologies", "Huawei"),
        ("Huawei Technologies Co., Ltd.", "Huawei"),
        ("HuaweiTechnologies Co.,Ltd", "Huawei"),
        ("华为技术有限公司", "Huawei"),
        ("ＨＵＡＷＥＩ", "Huawei"),  # full-width letters, as a Chinese input method types them
        ("思科", "Cisco"),
        ("CISCO", "Cisco"),
        ("Cisco Systems", "Cisco"),
        ("Cisco Systems, Inc.", "Cisco"),
        ("新华三", "H3C"),
        ("H3C", "H3C"),
        ("HPE (H3C)", "H3C"),
        ("HPE（H3C）", "H3C"),
        ("Huawei-3Com", "H3C"),  # H3C's old name: not Huawei
        ("锐捷", "Ruijie"),
        ("Ruijie Networks", "Ruijie"),
        ("锐捷网络股份有限公司", "Ruijie"),
        ("瞻博", "Juniper"),
        ("Juniper Networks", "Juniper"),
        ("飞塔", "Fortinet"),
        ("Fortinet", "Fortinet"),
        ("  fortinet  ", "Fortinet"),
    ],
)
def test_the_shipped_table_resolves_the_ways_people_write_vendors(
    settings, typed: str, vendor: str
) -> None:
    assert settings.vendors.resolve(typed) == vendor
    assert settings.warranty.vendor_of(typed) == vendor


def test_only_what_the_table_lists_is_matched(settings) -> None:
    aliases = settings.vendors
    # Not listed: stays as typed (trimmed), and the table says it does not know it.
    assert aliases.resolve(" Acme Networks ") == "Acme Networks"
    assert aliases.known("Acme Networks") is None
    assert aliases.resolve("Huawei GmbH") == "Huawei GmbH"  # GmbH is no listed suffix
    assert aliases.resolve("Cisco Co") == "Cisco Co"  # nor is a bare "Co"
    assert aliases.resolve("HPE") == "HPE"  # HPE alone is not H3C
    # Suffixes are dropped only where the table lists them.
    bare = VendorAliases((VendorNames("Huawei", ("Huawei Technologies",)),))
    assert bare.known("Huawei Technologies") == "Huawei"
    assert bare.known("Huawei Technologies Co., Ltd.") is None
    # A suffix alone is no vendor.
    assert VendorAliases((VendorNames("Acme"),), ("Inc.",)).known("Inc.") is None


def test_the_first_entry_wins_a_name_two_vendors_claim() -> None:
    aliases = VendorAliases(
        (
            VendorNames("Huawei", ("华为",)),
            VendorNames("Honor", ("华为",)),  # claims a taken name: ignored
            VendorNames("HUAWEI", ("华为终端",)),  # another spelling of a known vendor
        )
    )
    assert aliases.resolve("华为") == "Huawei"
    assert aliases.resolve("华为终端") == "Huawei"
    assert aliases.resolve("Honor") == "Honor"


def test_vendor_names_are_layered_like_the_other_settings(tmp_path: Path) -> None:
    user = tmp_path / "user"
    user.mkdir()
    (user / "vendors.toml").write_text(
        '[acme]\nname = "Acme"\naliases = ["艾克米"]\n\n'
        '[huawei_local]\nname = "Huawei"\naliases = ["华为（深圳）"]\n',
        encoding="utf-8",
    )
    team = tmp_path / "team.toml"
    team.write_text('[vendors.fortinet]\naliases = ["FortiGate"]\n', encoding="utf-8")
    settings = load_settings(config_file=team, db_path=tmp_path / "db", env={}, user_dir=user)
    assert settings.vendors.resolve("艾克米") == "Acme"
    assert settings.vendors.resolve("华为(深圳)") == "Huawei"  # added to the shipped Huawei
    assert settings.vendors.resolve("华为") == "Huawei"  # ... which keeps its own names
    assert settings.vendors.resolve("FortiGate") == "Fortinet"
    assert settings.vendors.resolve("飞塔") == "飞塔"  # a list given replaces the shipped one
    assert user / "vendors.toml" in settings.sources


def test_a_bad_vendor_table_names_the_field_and_the_file(tmp_path: Path) -> None:
    user = tmp_path / "user"
    user.mkdir()
    (user / "vendors.toml").write_text('[acme]\naliases = "艾克米"\n', encoding="utf-8")
    with pytest.raises(AssetTrackError, match=r"acme\.aliases.*vendors\.toml"):
        load_settings(db_path=tmp_path / "db", env={}, user_dir=user)
    with pytest.raises(ValidationError, match="suffixes"):
        VendorAliases.from_mapping({"suffixes": "Ltd."})


# -- warranty ------------------------------------------------------------------------------


def test_warranty_rules_look_up_the_resolved_vendor(settings) -> None:
    rules = settings.warranty
    # Before, 瞻博网络 missed its vendor's rules and got the general 36 months.
    assert rules.period_for("瞻博网络", "EX4300") == (60, "Juniper EX*")
    assert rules.period_for("Acme", "X") == (36, "general default")
    # Cisco's and Huawei's periods come from their installed plugins, as the app and the
    # commands judge; 思科 and 华为 find them.
    composed = load_plugins({}).warranty_rules(rules)
    assert composed.period_for("思科", "CISCO2901/K9") == (12, "Cisco default")
    assert composed.period_for("Cisco Systems, Inc.", "C9300-48P") == (60, "Cisco C9[23]00*")
    assert composed.period_for("华为", "USG6525E") == (36, "Huawei default")
    assert composed.period_for("华为", "S5735-L48T4X-A1") == (60, "Huawei S57*")
    asset = Asset("s", "switch", "华为", "S5735-L48T4X-A1", "X", installed_on=date(2022, 6, 30))
    status = warranty_status(asset, composed, TODAY)
    assert (status.end, status.state) == (date(2027, 6, 30), WarrantyState.ACTIVE)


# -- serials and exports -------------------------------------------------------------------


@pytest.fixture
def aliased_register(store: Store, settings) -> AssetRegister:
    return AssetRegister(store, settings.warranty)


def test_a_serial_is_unique_per_resolved_vendor(aliased_register: AssetRegister) -> None:
    site = aliased_register.add_site(Site("华东医院集团", "门诊楼机房"))
    values = {"site_id": site.id, "kind": "switch", "model": "S5735", "serial_number": "HW-1"}
    first = aliased_register.save_asset({**values, "vendor": "华为"})
    with pytest.raises(ValidationError, match=f"already registered for Huawei.*{first.id}"):
        aliased_register.save_asset({**values, "vendor": "Huawei Technologies Co., Ltd."})
    # The same serial under another vendor is another device.
    aliased_register.save_asset({**values, "vendor": "思科"})
    # Editing the asset itself is no clash.
    aliased_register.save_asset({**values, "vendor": "HUAWEI", "notes": "x"}, base=first)


def test_one_file_cannot_hold_a_serial_twice_under_two_spellings(
    aliased_register: AssetRegister,
) -> None:
    aliased_register.add_site(Site("华东医院集团", "门诊楼机房"))
    text = (
        "site,kind,vendor,model,serial_number\n"
        "门诊楼机房,switch,华为,S5735,HW-9\n"
        "门诊楼机房,switch,Huawei,S5735,HW-9\n"
    )
    with pytest.raises(AssetTrackError, match=r"line 3, column serial_number.*also line 2"):
        plan_assets_import(text, aliased_register)


def test_exports_carry_the_resolved_vendor_and_keep_the_typed_one(
    aliased_register: AssetRegister, tmp_path: Path
) -> None:
    site = aliased_register.add_site(Site("华东医院集团", "门诊楼机房"))
    for vendor, serial in (("华为", "HW-1"), ("Acme", "AC-1")):
        aliased_register.save_asset(
            {"site_id": site.id, "kind": "switch", "vendor": vendor, "model": "M"}
            | {"serial_number": serial}
        )
    views = sorted(aliased_register.views(TODAY), key=lambda v: v.asset.serial_number)
    text = assets_csv(views)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["vendor"], r["vendor_resolved"]) for r in rows] == [
        ("Acme", "Acme"),
        ("华为", "Huawei"),
    ]
    header = text.splitlines()[0].split(",")
    assert header.index("vendor_resolved") > header.index("vendor")
    doc = json.loads(assets_json(views, TODAY))
    assert [(a["vendor"], a["vendor_resolved"]) for a in doc["assets"]] == [
        ("Acme", "Acme"),
        ("华为", "Huawei"),
    ]
    # The exported file imports again (into another database): the column is accepted, and
    # the asset keeps its vendor as typed.
    with Store.open(tmp_path / "other") as other:
        register = AssetRegister(other, aliased_register.rules)
        register.add_site(Site("华东医院集团", "门诊楼机房", id=site.id))
        planned = plan_assets_import(text, register)
    assert sorted(a.vendor for a in planned.assets) == ["Acme", "华为"]


# -- the asset detail screen ---------------------------------------------------------------


def _plain(renderable) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def test_the_detail_screen_shows_the_vendor_it_resolved_to(
    store: Store, settings, tmp_path: Path
) -> None:
    extensions = load_plugins({})
    register = AssetRegister(
        store, extensions.warranty_rules(settings.warranty), extensions.asset_kinds()
    )
    site = register.add_site(Site("华东医院集团", "门诊楼机房"))
    typed = register.save_asset(
        {"site_id": site.id, "kind": "switch", "vendor": "华为", "model": "S5735-L48T4X-A1"}
        | {"serial_number": "HW-1", "installed_on": "2022-06-30"}
    )
    plain = register.save_asset(
        {"site_id": site.id, "kind": "switch", "vendor": "Huawei", "model": "S5735"}
        | {"serial_number": "HW-2"}
    )
    app = make_app(register, extensions, TODAY, export_folder=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(AssetDetailScreen(app.context, typed))
        await pilot.pause()
        identity = _plain(app.screen.query_one("#identity").content)
        warranty = _plain(app.screen.query_one("#warranty").content)
        assert "华为 → Huawei S5735-L48T4X-A1" in identity
        assert "ends 2027-06-30" in warranty and "Huawei S57*" in warranty
        app.push_screen(AssetDetailScreen(app.context, plain))
        await pilot.pause()
        identity = _plain(app.screen.query_one("#identity").content)
        assert "Huawei S5735" in identity and "→" not in identity


def test_a_device_typed_in_chinese_gets_its_vendors_driver(settings) -> None:
    extensions = load_plugins(settings.raw)
    extensions.warranty_rules(settings.warranty)
    asset = Asset("s", "switch", "华为", "S5735-L48T4X-A1", "HW-1")
    driver = extensions.driver_for(asset)
    assert (
        driver is not None
        and driver.name
        == extensions.driver_for(Asset("s", "switch", "Huawei", "S5735-L48T4X-A1", "HW-1")).name
    )
    assert driver.name != "generic"
    assert asset.vendor == "华为"  # matching never changes the asset itself
