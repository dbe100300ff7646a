from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from assettrack.domain.errors import ValidationError
from assettrack.services.asset_transfer import (
    ImportRejected,
    assets_csv,
    assets_json,
    import_assets_file,
    parse_assets_csv,
)
from assettrack.store.store import Store
from tests.conftest import TODAY

HEADER = "site,kind,vendor,model,serial_number,installed_on,management_address,tags,notes\n"


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "assets.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_import_good_file(tmp_path, register, site) -> None:
    path = write(
        tmp_path,
        HEADER
        + "门诊楼机房,router,Cisco,ISR4331/K9,FDO2301A,2024-02-29,10.0.0.1,core;wan,主路由器\n"
        + f"{site.id},switch,Huawei,S5735,2102351234,,sw-1.example.net,,\n",
    )
    added, encoding = import_assets_file(register, path)
    assert encoding == "utf-8-sig" and len(added) == 2
    with Store.open(register.store.folder, read_only=True) as reader:
        saved = sorted(reader.assets.all(), key=lambda a: a.serial_number)
    assert [a.serial_number for a in saved] == ["2102351234", "FDO2301A"]
    assert saved[1].tags == ["core", "wan"] and saved[1].notes == "主路由器"
    assert saved[1].installed_on.isoformat() == "2024-02-29"


def test_every_bad_row_is_reported_and_nothing_is_imported(tmp_path, register, site) -> None:
    path = write(
        tmp_path,
        HEADER
        + "门诊楼机房,router,Cisco,ISR4331,FDO1,2023-02-30,,,\n"  # line 2: no such day
        + "Nowhere,switch,Huawei,S5735,HW1,,,,\n"  # line 3: unknown site
        + "门诊楼机房,toaster,Huawei,S5735,HW2,,999.1.1.1,,\n"  # line 4: kind and address
        + "门诊楼机房,switch,Huawei,S5735,HW3\n"  # line 5: too few fields
        + "门诊楼机房,switch,Huawei,S5735,FDO9,,,,\n"  # line 6: good
        + "门诊楼机房,switch,Huawei,S5735,fdo9,,,,\n"  # line 7: serial twice (case ignored)
        + "门诊楼机房,switch,Huawei,,has space,01/02/2024,,,\n",  # line 8: model, serial, date
    )
    with pytest.raises(ImportRejected) as err:
        import_assets_file(register, path)
    message = str(err.value)
    assert "nothing imported" in message
    assert "line 2, column installed_on: '2023-02-30' is not a valid date" in message
    assert "line 3, column site: 'Nowhere' is not a known site" in message
    assert "line 4, column kind: 'toaster' is not a known kind" in message
    assert "line 4, column management_address: '999.1.1.1'" in message
    assert "line 5: has 5 fields, the header has 9" in message
    assert "line 7, column serial_number: 'fdo9' appears twice in the file (also line 6)" in message
    assert "line 8, column model" in message and "line 8, column serial_number" in message
    assert (
        "line 8, column installed_on: '01/02/2024' is not a date in the form YYYY-MM-DD" in message
    )
    assert len(register.store.assets) == 0


def test_serial_already_in_the_register_is_refused(tmp_path, register, site) -> None:
    register.save_asset(
        dict(site_id=site.id, kind="switch", vendor="Huawei", model="S5735", serial_number="HW1")
    )
    path = write(tmp_path, HEADER + "门诊楼机房,switch,huawei,S5735,hw1,,,,\n")
    with pytest.raises(
        ImportRejected, match="line 2, column serial_number: 'hw1' is already registered"
    ):
        import_assets_file(register, path)


def test_header_problems(tmp_path, register, site) -> None:
    with pytest.raises(ImportRejected) as err:
        parse_assets_csv("site,kind,vendr,model\n", register)
    message = str(err.value)
    assert "line 1, column vendr: is not a known column" in message
    assert "column serial_number: required column is missing" in message
    with pytest.raises(ImportRejected, match="the file is empty"):
        parse_assets_csv("", register)


def test_gb18030_file_from_chinese_excel(tmp_path, register, site) -> None:
    path = write(
        tmp_path, HEADER + "门诊楼机房,switch,华为,S5735,HW77,,,,备用\n", encoding="gb18030"
    )
    added, encoding = import_assets_file(register, path)
    assert encoding == "gb18030"
    assert added[0].vendor == "华为" and added[0].notes == "备用"


def test_export_neutralises_formulas_and_round_trips(tmp_path, register, site) -> None:
    register.save_asset(
        dict(
            site_id=site.id,
            kind="router",
            vendor="Cisco",
            model="ISR4331",
            serial_number="FDO5",
            notes='=HYPERLINK("http://x")',
            location="@rack",
        )
    )
    text = assets_csv(register.views(TODAY), excel_bom=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0]["notes"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["location"] == "'@rack"
    assert rows[0]["site"] == "门诊楼机房"
    # Re-importing the export into a fresh store restores the original text.
    with Store.open(tmp_path / "other") as other_store:
        from assettrack.services.assets import AssetRegister

        other = AssetRegister(other_store, register.rules)
        other.add_site(site)
        path = write(tmp_path, text.lstrip("\ufeff"))
        (added,), _ = import_assets_file(other, path)
        assert added.notes == '=HYPERLINK("http://x")' and added.location == "@rack"


def test_json_export_carries_warranty_status(register, site) -> None:
    register.save_asset(
        dict(
            site_id=site.id,
            kind="router",
            vendor="Cisco",
            model="ISR4331",
            serial_number="FDO6",
            installed_on="2024-01-15",
        )
    )
    data = json.loads(assets_json(register.views(TODAY), TODAY))
    (doc,) = data["assets"]
    assert doc["site"] == "门诊楼机房"
    assert doc["warranty_status"]["end"] == "2027-01-15"  # Cisco ISR4*: 36 months
    assert doc["warranty_status"]["state"] == "expiring"
    assert doc["warranty_status"]["days_left"] == 45


def test_form_validation_lists_every_problem(register, site) -> None:
    with pytest.raises(ValidationError) as err:
        register.save_asset(
            dict(
                site_id=site.id,
                kind="switch",
                vendor="",
                model="X",
                serial_number="S1",
                console_baud="9601",
                console_framing="9X1",
                warranty_months="-1",
                status="lost",
            )
        )
    fields = [p.field for p in err.value.problems]
    assert fields == ["vendor", "warranty_months", "console_baud", "console_framing", "status"]
