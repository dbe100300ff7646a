"""The customer, site and contract commands, init, asset move and the missing-database hint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_inprocess import Cli, database_files


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


@pytest.fixture
def db(tmp_path: Path, cli: Cli) -> Path:
    """A customer with a site holding one asset, and a second customer without sites."""
    folder = tmp_path / "db"
    cli.ok("--db", folder, "init")
    cli.ok(
        "--db", folder, "customer", "add", "--name", "华东医院集团", "--code", "HD",
        "--name-en", "East China Hospital Group", "--notes", "key account",
        "--contact", "张伟 | 信息科主任 | 138 0013 8000 | | zw@example.com",
    )  # fmt: skip
    cli.ok("--db", folder, "customer", "add", "--name", "Contoso Retail", "--code", "CR")
    cli.ok(
        "--db", folder, "site", "add", "--customer", "HD", "--name", "门诊楼机房",
        "--address", "上海市延安西路 221 号",
    )  # fmt: skip
    sheet = folder.parent / "one.csv"
    sheet.write_text(
        "site,kind,vendor,model,serial_number,installed_on\n"
        "门诊楼机房,router,Cisco,ISR4331,FDO0001,2024-01-15\n",
        encoding="utf-8",
    )
    cli.ok("--db", folder, "import", "assets", sheet)
    return folder


def as_json(cli: Cli, *args: str | Path) -> object:
    return json.loads(cli.ok(*args))


# -- init and the missing database ---------------------------------------------------------


def test_init_creates_an_empty_database_and_names_the_next_commands(tmp_path, cli) -> None:
    folder = tmp_path / "new"
    out = cli.ok("init", "--db", folder)
    assert f"Created an empty database in {folder}" in out
    for step in ("customer add", "site add", "import assets", "--create-sites", "demo"):
        assert step in out
    assert f"assettrack --db {folder} customer add" in out  # the folder it was made in
    assert as_json(cli, "--db", folder, "customer", "list", "--format", "json") == []
    assert as_json(cli, "--db", folder, "warranty", "--format", "json")["assets"] == []


def test_init_on_an_existing_database_changes_nothing(cli, db) -> None:
    before = database_files(db)
    result = cli("--db", db, "init")
    assert result.returncode == 0
    assert "already a database" in result.stdout
    assert database_files(db) == before


def test_init_refuses_a_folder_of_other_files(tmp_path, cli) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = cli("--db", folder, "init")
    assert result.returncode == 1
    assert "not empty and holds no assettrack database" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_reading_a_missing_database_says_how_to_make_one(tmp_path, cli) -> None:
    folder = tmp_path / "nothing-here"
    for command in (("warranty",), ("customer", "list"), ("visits",), ("contracts",)):
        result = cli("--db", folder, *command)
        assert result.returncode == 1, command
        assert result.stderr == (
            f"error: no assettrack database at {folder};"
            f" run 'assettrack --db {folder} init' to create one\n"
        )
    assert not folder.exists()


def test_after_the_demo_a_missing_default_database_points_at_the_demo(tmp_path, cli) -> None:
    cli.ok("demo", "--no-tui")
    demo = tmp_path / "data-home" / "assettrack" / "demo"
    assert (demo / "DEMO").is_file()
    result = cli("warranty")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "no assettrack database at" in result.stderr and "run 'assettrack init'" in result.stderr
    assert f"'assettrack --db {demo} …'" in result.stderr
    assert f"ASSETTRACK_DB={demo}" in result.stderr
    cli.env["ASSETTRACK_DB"] = str(demo)  # as the hint says
    assert as_json(cli, "warranty", "--format", "json")["assets"]
    cli.env["ASSETTRACK_DB"] = None
    cli.ok("init")
    assert as_json(cli, "warranty", "--format", "json")["assets"] == []


# -- customers -----------------------------------------------------------------------------


def test_customer_edit_changes_only_what_is_given(cli, db) -> None:
    cli.ok("--db", db, "customer", "edit", "HD", "--notes", "renewal due")
    (hd,) = [
        c
        for c in as_json(cli, "--db", db, "customer", "list", "--format", "json")
        if c["code"] == "HD"
    ]
    shown = as_json(cli, "--db", db, "customer", "show", hd["id"], "--format", "json")
    customer = shown["customer"]
    assert customer["notes"] == "renewal due"
    assert customer["name_en"] == "East China Hospital Group"
    assert [c["name"] for c in customer["contacts"]] == ["张伟"]
    # A rename reaches the sites, which carry the customer's name.
    cli.ok("--db", db, "customer", "edit", "华东医院集团", "--name", "华东医院")
    sites = as_json(cli, "--db", db, "site", "list", "--format", "json")
    assert [s["customer"] for s in sites] == ["华东医院"]


def test_customer_show_lists_sites_and_contracts(cli, db) -> None:
    cli.ok(
        "--db", db, "contract", "add", "--customer", "HD", "--number", "HT-1", "--value", "1000",
        "--starts", "2026-01-01", "--years", "3", "--site", "门诊楼机房",
    )  # fmt: skip
    table = cli.ok("--db", db, "customer", "show", "HD")
    assert "Sites (1)" in table and "门诊楼机房" in table and "1 asset(s)" in table
    assert "Contracts (1)" in table and "HT-1" in table and "2026-01-01 to 2028-12-31" in table
    assert "张伟, 信息科主任, mobile 138 0013 8000, zw@example.com" in table


def test_customer_remove_waits_until_its_sites_are_gone(cli, db) -> None:
    refused = cli("--db", db, "customer", "remove", "HD")
    assert refused.returncode == 1
    assert refused.stderr.startswith("error: customer '华东医院集团' still has 1 site(s)")
    assert cli.ok("--db", db, "customer", "remove", "CR") == "Removed customer Contoso Retail\n"
    names = [c["name"] for c in as_json(cli, "--db", db, "customer", "list", "--format", "json")]
    assert names == ["华东医院集团"]
    again = cli("--db", db, "customer", "add", "--name", "Contoso Retail", "--code", "CR")
    assert again.returncode == 0  # the tombstone does not hold the name


def test_customer_list_csv(cli, db) -> None:
    out = cli.ok("--db", db, "customer", "list", "--format", "csv")
    assert out.splitlines()[0] == "name,name_en,code,sites,contracts,contacts,id"
    assert out.splitlines()[2].startswith("华东医院集团,East China Hospital Group,HD,1,0,1,")


# -- sites ---------------------------------------------------------------------------------


def test_site_show_gives_contacts_who_signs_and_the_plan_in_force(cli, db) -> None:
    cli.ok(
        "--db", db, "site", "edit", "门诊楼机房", "--directions", "B1; ask the guard",
        "--contact", "王芳 | 网管 | 139 1234 5678 | | | signs",
        "--contact", "李强 | 保安 | | 021-5555 1234",
        "--follow-ups-per-month", "2", "--preferred-weekdays", "thu,mon",
    )  # fmt: skip
    table = cli.ok("--db", db, "site", "show", "华东医院集团 / 门诊楼机房")
    assert "上海市延安西路 221 号" in table and "B1; ask the guard" in table
    assert "王芳, 网管, mobile 139 1234 5678  (signs off visits)" in table
    assert "李强, 保安, office 021-5555 1234\n" in table
    assert "2 scheduled a month\n" in table  # the configured default
    assert "2 follow-up(s) a month  (this site's own)" in table
    assert "weekdays: mon, thu  (this site's own)" in table
    assert "Assets      1" in table
    shown = as_json(cli, "--db", db, "site", "show", "门诊楼机房", "--format", "json")
    assert shown["plan"]["follow_ups_per_month"] == 2
    assert shown["plan"]["scheduled_per_month"] == 2
    assert shown["plan_own_keys"] == ["follow_ups_per_month", "preferred_weekdays"]
    # An empty value gives the key back to the default; the rest stays.
    cli.ok("--db", db, "site", "edit", "门诊楼机房", "--follow-ups-per-month", "")
    shown = as_json(cli, "--db", db, "site", "show", "门诊楼机房", "--format", "json")
    assert shown["plan_own_keys"] == ["preferred_weekdays"]
    assert shown["site"]["address"] == "上海市延安西路 221 号"


def test_site_list_by_customer(cli, db) -> None:
    cli.ok("--db", db, "site", "add", "--customer", "Contoso Retail", "--name", "Head Office")
    rows = as_json(cli, "--db", db, "site", "list", "--customer", "CR", "--format", "json")
    assert [(r["customer"], r["name"], r["assets"]) for r in rows] == [
        ("Contoso Retail", "Head Office", 0)
    ]
    assert len(as_json(cli, "--db", db, "site", "list", "--format", "json")) == 2


def test_the_same_site_name_under_two_customers(cli, db) -> None:
    cli.ok("--db", db, "site", "add", "--customer", "CR", "--name", "门诊楼机房")
    ambiguous = cli("--db", db, "site", "show", "门诊楼机房")
    assert ambiguous.returncode == 1 and "Customer / Site" in ambiguous.stderr
    shown = as_json(
        cli, "--db", db, "site", "show", "Contoso Retail / 门诊楼机房", "--format", "json"
    )
    assert shown["site"]["customer"] == "Contoso Retail" and shown["assets"] == 0


def test_asset_move_then_site_remove(cli, db) -> None:
    cli.ok("--db", db, "site", "add", "--customer", "HD", "--name", "住院部")
    out = cli.ok("--db", db, "asset", "move", "fdo0001", "--to", "住院部")
    assert out == "Moved FDO0001 from 华东医院集团 / 门诊楼机房 to 华东医院集团 / 住院部\n"
    (asset,) = as_json(cli, "--db", db, "export", "assets", "--format", "json")["assets"]
    assert asset["site"] == "住院部"
    assert (
        cli.ok("--db", db, "site", "remove", "门诊楼机房")
        == "Removed site 门诊楼机房 of 华东医院集团\n"
    )
    names = [s["name"] for s in as_json(cli, "--db", db, "site", "list", "--format", "json")]
    assert names == ["住院部"]
    unknown = cli("--db", db, "asset", "move", "NOPE", "--to", "住院部")
    assert (
        unknown.returncode == 1 and "no asset with id, serial number or hostname" in unknown.stderr
    )


# -- contracts -----------------------------------------------------------------------------


def test_contract_add_edit_show(cli, db) -> None:
    cli.ok(
        "--db", db, "contract", "add", "--customer", "HD", "--number", "HT-2026-001",
        "--value", "120000", "--currency", "cny", "--starts", "2026-01-01", "--years", "3",
        "--warranty-months", "per-vendor", "--site", "门诊楼机房", "--caps", "2,5",
    )  # fmt: skip
    shown = as_json(cli, "--db", db, "contract", "show", "HT-2026-001", "--format", "json")
    contract = shown["contract"]
    assert (contract["currency"], contract["ends_on"], contract["warranty_months"]) == (
        "CNY",
        "2028-12-31",
        None,
    )
    assert contract["cap_percents"] == ["2", "5"] and shown["covered_assets"] == 1
    # A new term moves the end; other fields stay.
    cli.ok("--db", db, "contract", "edit", "HT-2026-001", "--years", "5", "--warranty-months", "24")
    contract = as_json(cli, "--db", db, "contract", "show", "HT-2026-001", "--format", "json")[
        "contract"
    ]
    assert (contract["ends_on"], contract["warranty_months"], contract["value"]) == (
        "2030-12-31",
        24,
        "120000",
    )
    assert contract["site_ids"] and contract["cap_percents"] == ["2", "5"]
    table = cli.ok("--db", db, "contract", "show", "HT-2026-001")
    assert "years 1-3 after warranty: 2% of the value (this contract's)" in table
    assert "Covered assets  1" in table
    # Listing an asset by serial; --site '' empties the site list.
    cli.ok("--db", db, "contract", "edit", "HT-2026-001", "--site", "", "--asset", "FDO0001")
    shown = as_json(cli, "--db", db, "contract", "show", "HT-2026-001", "--format", "json")
    assert shown["sites"] == [] and shown["assets"] == ["FDO0001"] and shown["covered_assets"] == 1


def test_contracts_ending_is_the_renewal_list_soonest_first(cli, db) -> None:
    for number, ends in (
        ("C-LATE", "2027-06-30"),
        ("C-SOON", "2026-12-20"),
        ("C-MID", "2027-01-31"),
    ):
        cli.ok(
            "--db", db, "contract", "add", "--customer", "HD", "--number", number,
            "--value", "1", "--starts", "2025-01-01", "--ends", ends,
        )  # fmt: skip
    every = as_json(cli, "--db", db, "contracts", "--format", "json")
    assert sorted(c["number"] for c in every) == ["C-LATE", "C-MID", "C-SOON"]
    soon = as_json(cli, "--db", db, "contracts", "--ending", "90", "--format", "json")
    assert [(c["number"], c["days_left"]) for c in soon] == [("C-SOON", 19), ("C-MID", 61)]
    later = as_json(
        cli, "--db", db, "--today", "2027-05-01", "contracts", "--ending", "90", "--format", "json"
    )
    assert [c["number"] for c in later] == ["C-LATE"]
    negative = cli("--db", db, "contracts", "--ending", "-1")
    assert negative.returncode == 1 and "--ending must be 0 or more days" in negative.stderr


# -- bad input: a clear message naming the field, and nothing changed ----------------------

NEW_CONTRACT = ("contract", "add", "--customer", "HD", "--number", "C1")
REFUSED = [
    (("customer", "add", "--name", ""), "name: '' is required"),
    (("customer", "add", "--name", "  "), "name: '' is required"),
    (("customer", "add", "--name", "华东医院集团"), "name: '华东医院集团' is already the customer"),
    (
        ("customer", "add", "--name", "X", "--contact", "Li | IT | call me"),
        "contacts[1].mobile: 'call me' is not a phone number",
    ),
    (
        ("customer", "edit", "HD", "--contact", "Li | IT | | abcdefg"),
        "contacts[1].phone: 'abcdefg' is not a phone number",
    ),
    (("customer", "add", "--name", "Y", "--code", "two words"), "code: 'TWO WORDS' must be"),
    (
        ("site", "add", "--customer", "HD", "--name", "门诊楼机房"),
        "name: '门诊楼机房' is already a site of 华东医院集团",
    ),
    (
        ("site", "add", "--customer", "Nobody", "--name", "Z"),
        "customer_id: 'Nobody' is not a known customer",
    ),
    (
        ("site", "add", "--customer", "HD", "--name", "Z", "--scheduled-per-month", "many"),
        "scheduled_per_month: 'many' is not a whole number",
    ),
    (
        ("site", "add", "--customer", "HD", "--name", "Z", "--preferred-weekdays", "mon,fun"),
        "preferred_weekdays: 'fun' is not a weekday",
    ),
    (
        (*NEW_CONTRACT, "--value", "10", "--starts", "2026-06-01", "--ends", "2026-01-01"),
        "ends_on: '2026-01-01' is before the start 2026-06-01",
    ),
    ((*NEW_CONTRACT, "--value", "-5"), "value: '-5' must be zero or a positive amount"),
    ((*NEW_CONTRACT, "--value", "ten"), "value: 'ten' is not an amount"),
    (
        (*NEW_CONTRACT, "--value", "1", "--site", "Nowhere"),
        "site_ids: 'Nowhere' is not a known site",
    ),
    (("site", "remove", "门诊楼机房"), "site '门诊楼机房' still has 1 asset(s); move them"),
    (("customer", "remove", "HD"), "customer '华东医院集团' still has 1 site(s)"),
    (("site", "edit", "Nowhere", "--address", "x"), "no site with id or name 'Nowhere'"),
]


@pytest.mark.parametrize(
    ("args", "message"),
    REFUSED,
    ids=[" ".join(a[:2]) + f" {i}" for i, (a, _) in enumerate(REFUSED)],
)
def test_bad_input_is_one_clear_line_and_changes_nothing(
    cli: Cli, db: Path, args: tuple[str, ...], message: str
) -> None:
    before = database_files(db)
    result = cli("--db", db, *args)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert result.stdout == ""
    assert database_files(db) == before


def test_usage_errors_exit_2(cli, db) -> None:
    assert cli("--db", db, "site", "add", "--name", "No customer").returncode == 2
    assert cli("--db", db, "customer", "show", "HD", "--format", "xml").returncode == 2
    assert cli("--db", db, "contracts", "--ending", "soon").returncode == 2
