"""Customers, sites and contracts through spreadsheets: export, edit, import again."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.cli_inprocess import Cli, database_files


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


@pytest.fixture
def db(tmp_path: Path, cli: Cli) -> Path:
    folder = tmp_path / "db"
    cli.ok("--db", folder, "init")
    for name, code in (("华东医院集团", "HD"), ("Contoso Retail", "CR")):
        cli.ok(
            "--db", folder, "customer", "add", "--name", name, "--code", code,
            "--contact", "Li Wei | IT | 138 0013 8000 | | | signs",
        )  # fmt: skip
    for customer, site in (("HD", "门诊楼机房"), ("HD", "住院部"), ("CR", "Head Office")):
        cli.ok(
            "--db", folder, "site", "add", "--customer", customer, "--name", site,
            "--scheduled-per-month", "3",
            "--contact", "王芳 | 网管 | 139 1234 5678 | | | signs",
            "--contact", "李强 | 保安 | | 021-5555 1234",
        )  # fmt: skip
    sheet = tmp_path / "assets.csv"
    sheet.write_text(
        "customer,site,kind,vendor,model,serial_number\n"
        "HD,门诊楼机房,router,Cisco,ISR4331,FDO0001\n"
        "CR,Head Office,switch,Huawei,S5735,HW0001\n",
        encoding="utf-8",
    )
    cli.ok("--db", folder, "import", "assets", sheet)
    cli.ok(
        "--db", folder, "contract", "add", "--customer", "HD", "--number", "HT-1",
        "--value", "120000", "--starts", "2026-01-01", "--years", "3",
        "--site", "门诊楼机房", "--asset", "HW0001", "--caps", "2,5", "--notes", "=SUM(A1)",
    )  # fmt: skip
    return folder


def export_rows(cli: Cli, db: Path, kind: str, *options: str) -> list[dict[str, str]]:
    text = cli.ok("--db", db, "export", kind, *options)
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def write_rows(path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8") -> Path:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


@pytest.mark.parametrize(
    ("kind", "pick", "column", "new_value", "check"),
    [
        ("customers", "HD", "notes", "续约中", lambda doc: doc["notes"] == "续约中"),
        (
            "sites",
            "住院部",
            "address",
            "上海市长乐路 1 号",
            lambda doc: doc["address"] == "上海市长乐路 1 号",
        ),
        ("contracts", "HT-1", "value", "150000.50", lambda doc: doc["value"] == "150000.50"),
    ],
)
def test_export_edit_a_cell_import_updates_in_place(
    tmp_path, cli, db, kind, pick, column, new_value, check
) -> None:
    rows = export_rows(cli, db, kind, "--excel")
    before = json.loads(cli.ok("--db", db, "export", kind, "--format", "json"))[kind]
    key = {"customers": "code", "sites": "name", "contracts": "number"}[kind]
    (row,) = [r for r in rows if r[key] == pick]
    row[column] = new_value
    # Saved again the way a Chinese Excel saves CSV.
    sheet = write_rows(tmp_path / f"{kind}.csv", rows, encoding="gb18030")
    out = cli.ok("--db", db, "import", kind, sheet)
    assert f": 0 added, {len(rows)} updated" in out
    after = json.loads(cli.ok("--db", db, "export", kind, "--format", "json"))[kind]
    assert len(after) == len(before)
    assert [d["id"] for d in after] == [d["id"] for d in before]
    changed = [d for d in after if d["id"] == row["id"]]
    assert check(changed[0])
    untouched = {d["id"]: d for d in before}
    for doc in after:
        if doc["id"] != row["id"]:
            assert {k: v for k, v in doc.items() if k != "revision"} == {
                k: v for k, v in untouched[doc["id"]].items() if k != "revision"
            }


def test_round_trip_keeps_contacts_plans_links_and_formula_text(tmp_path, cli, db) -> None:
    before = {
        kind: json.loads(cli.ok("--db", db, "export", kind, "--format", "json"))[kind]
        for kind in ("customers", "sites", "contracts")
    }
    (contract_row,) = export_rows(cli, db, "contracts")
    assert contract_row["notes"] == "'=SUM(A1)"  # shown as text by a spreadsheet
    assert contract_row["sites"] == "门诊楼机房" and contract_row["assets"] == "HW0001"
    for kind in ("customers", "sites", "contracts"):
        sheet = tmp_path / f"{kind}.csv"
        sheet.write_text(cli.ok("--db", db, "export", kind), encoding="utf-8")
        cli.ok("--db", db, "import", kind, sheet)
        after = json.loads(cli.ok("--db", db, "export", kind, "--format", "json"))[kind]
        strip = [{k: v for k, v in d.items() if k != "revision"} for d in after]
        assert strip == [{k: v for k, v in d.items() if k != "revision"} for d in before[kind]]
    (contract,) = before["contracts"]
    assert contract["notes"] == "=SUM(A1)" and contract["cap_percents"] == ["2", "5"]


def test_rows_without_id_add_and_names_resolve_by_code(tmp_path, cli, db) -> None:
    sheet = tmp_path / "sites.csv"
    sheet.write_text(
        "customer,name,address,contacts,scheduled_per_month,preferred_weekdays,engineer\n"
        "CR,Warehouse,Dock 4,Ann | guard | 138 0000 1111 | | | signs; Bo | IT,4,mon;thu,Zhao\n"
        "Contoso Retail,Shop 12,,,,,\n",
        encoding="utf-8",
    )
    assert "2 added, 0 updated" in cli.ok("--db", db, "import", "sites", sheet)
    shown = json.loads(cli.ok("--db", db, "site", "show", "Warehouse", "--format", "json"))
    assert shown["site"]["customer"] == "Contoso Retail"
    assert [(c["name"], c["signs_off"]) for c in shown["site"]["contacts"]] == [
        ("Ann", True),
        ("Bo", False),
    ]
    assert shown["plan"]["scheduled_per_month"] == 4
    assert shown["site"]["visit_plan"]["preferred_weekdays"] == ["mon", "thu"]
    contracts = tmp_path / "contracts.csv"
    contracts.write_text(
        "number,customer,value,starts_on,service_years,sites,assets,warranty_months\n"
        'CR-9,CR,"1,000",2026-03-01,5,Warehouse; Head Office,HW0001,per vendor\n',
        encoding="utf-8",
    )
    assert "1 added" in cli.ok("--db", db, "import", "contracts", contracts)
    shown = json.loads(cli.ok("--db", db, "contract", "show", "CR-9", "--format", "json"))
    assert shown["sites"] == ["Warehouse", "Head Office"]
    assert shown["contract"]["ends_on"] == "2031-02-28" and shown["contract"]["value"] == "1000"
    assert shown["covered_assets"] == 1  # HW0001 at Head Office, counted once


def test_a_site_name_in_a_contract_is_looked_for_under_its_customer_first(
    tmp_path, cli, db
) -> None:
    cli.ok("--db", db, "site", "add", "--customer", "CR", "--name", "住院部")  # HD has one too
    contracts = tmp_path / "contracts.csv"
    contracts.write_text("number,customer,value,sites\nCR-2,CR,5,住院部\n", encoding="utf-8")
    cli.ok("--db", db, "import", "contracts", contracts)
    shown = json.loads(cli.ok("--db", db, "contract", "show", "CR-2", "--format", "json"))
    cr_sites = json.loads(
        cli.ok("--db", db, "site", "list", "--customer", "CR", "--format", "json")
    )
    (cr_ward,) = [s for s in cr_sites if s["name"] == "住院部"]
    assert shown["contract"]["site_ids"] == [cr_ward["id"]]


BAD_FILES = [
    (
        "sites",
        "customer,name\nHD,New ward\nNobody,Annex\n",
        ["line 3, column customer: 'Nobody' is not a known customer id, code or name"],
    ),
    (
        "sites",
        "customer,name,scheduled_per_month\nHD,A,2\nHD,a,3\nHD,B,x\nHD,门诊楼机房,\n",
        [
            "line 3, column name: 'a' appears twice in the file (also line 2)",
            "line 4, column scheduled_per_month: 'x' is not a whole number",
            "line 5, column name: '门诊楼机房' is already a site of 华东医院集团",
        ],
    ),
    (
        "customers",
        "id,name,code,contacts\n,,ZZ,\n,New Co,HD,\n,Other,,Li | IT | phone me\nnot-an-id,Z,,\n",
        [
            "line 2, column name: is required",
            "line 3, column code: 'HD' is already used by customer",
            "line 4, column contacts[1].mobile: 'phone me' is not a phone number",
            "line 5, column id: 'not-an-id' is not the id of a customer here",
        ],
    ),
    (
        "contracts",
        "number,customer,value,starts_on,ends_on,sites,assets\n"
        "C-1,HD,-3,2026-05-01,2026-01-01,Nowhere,NOPE\n"
        "C-2,HD,ten,,,,\n"
        "HT-1,HD,10,,,住院部,\n",
        [
            "line 2, column value: '-3' must be zero or a positive amount",
            "line 2, column ends_on: '2026-01-01' is before the start 2026-05-01",
            "line 2, column sites: 'Nowhere' is not a known site id or name",
            "line 2, column assets: 'NOPE' no asset with id, serial number or hostname",
            "line 3, column value: 'ten' is not an amount",
            "line 4, column number: 'HT-1' is already contract",
        ],
    ),
    ("customers", "name,colour\nX,red\n", ["line 1, column colour: is not a known column"]),
]


@pytest.mark.parametrize(("kind", "text", "messages"), BAD_FILES)
def test_a_bad_file_names_every_problem_and_imports_nothing(
    tmp_path, cli, db, kind, text, messages
) -> None:
    before = database_files(db)
    sheet = tmp_path / "bad.csv"
    sheet.write_text(text, encoding="utf-8")
    result = cli("--db", db, "import", kind, sheet)
    assert result.returncode == 1 and "nothing imported" in result.stderr
    for message in messages:
        assert message in result.stderr
    assert database_files(db) == before


def test_export_to_a_file_is_atomic_and_a_failure_is_one_line(tmp_path, cli, db) -> None:
    target = tmp_path / "customers.csv"
    target.write_text("old", encoding="utf-8")
    result = cli("--db", db, "export", "customers", "-o", target)
    assert result.returncode == 0 and "Wrote customers to" in result.stderr
    assert target.read_text(encoding="utf-8").startswith("id,name,name_en,code,notes,contacts")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".customers")] == []
    missing = cli("--db", db, "export", "sites", "-o", tmp_path / "no-such-folder" / "s.csv")
    assert missing.returncode == 1
    assert "error: cannot write" in missing.stderr and "does not exist" in missing.stderr
    assert missing.stderr.count("\n") == 1


def test_import_assets_without_create_sites_points_at_the_flag(tmp_path, cli, db) -> None:
    before = database_files(db)
    sheet = tmp_path / "assets.csv"
    sheet.write_text(
        "customer,site,kind,vendor,model,serial_number\n"
        "HD,门诊楼机房,router,Cisco,ISR4331,FDO0002\n"
        "HD,新楼,router,Cisco,ISR4331,FDO0003\n"
        "新客户,总部,router,Cisco,ISR4331,FDO0004\n",
        encoding="utf-8",
    )
    result = cli("--db", db, "import", "assets", sheet)
    assert result.returncode == 1
    hint = "(import with --create-sites"
    assert f"line 3, column site: '新楼' is not a site of 华东医院集团 {hint}" in result.stderr
    assert "line 4, column customer: '新客户' is not a known customer" in result.stderr
    assert database_files(db) == before
    # With the flag, one bad asset row still keeps the new customer and sites out.
    bad = tmp_path / "bad.csv"
    bad.write_text(sheet.read_text(encoding="utf-8") + "新客户,总部,toaster,X,Y,ZZ01\n", "utf-8")
    refused = cli("--db", db, "import", "assets", bad, "--create-sites")
    assert refused.returncode == 1 and "line 5, column kind: 'toaster'" in refused.stderr
    assert database_files(db) == before
    assert "3 asset(s), 1 new customer(s) and 2 new site(s)" in cli.ok(
        "--db", db, "import", "assets", sheet, "--create-sites"
    )
