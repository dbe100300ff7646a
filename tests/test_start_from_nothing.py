"""Done when: a real customer base from nothing, through the command line alone.

init, a customer, a site with two contacts and its own plan, a contract, then 50 assets
from a spreadsheet saved by a Chinese Excel (GB18030) that names new customers and sites;
the warranty list and visit compliance then answer for all of them.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

from tests.cli_inprocess import Cli, database_files
from tests.conftest import TODAY, run_cli

# Models and the periods their vendors' plugins state (the first-party Cisco and Huawei
# plugins, installed as any user installs them); written out here, not read from the rules.
MODELS = (  # vendor, model, kind, months
    ("Cisco", "ISR4331/K9", "router", 36),  # ISR4*
    ("Cisco", "C9300-48P", "switch", 60),  # C9[23]00*
    ("Cisco", "FPR-1120", "firewall", 12),  # Cisco's months
    ("Huawei", "USG6555E", "firewall", 36),  # Huawei's months
    ("Huawei", "AirEngine9700-M1", "gateway", 36),  # Huawei's months
)
# (customer cell, site cell, rows): the existing site, a new site of the existing customer
# named by code and by name, and a new customer with two new sites.
PLACES = (
    ("华东医院集团", "门诊楼机房", 15),
    ("HD", "住院部", 10),
    ("华东医院集团", "住院部", 5),
    ("上海浦东发展银行", "陆家嘴机房", 10),
    ("上海浦东发展银行", "张江数据中心", 10),
)


def warranty_months(vendor: str, model: str) -> int:
    return next(m for v, mo, _, m in MODELS if (v, mo) == (vendor, model))


def asset_rows() -> list[dict[str, str]]:
    rows = []
    places = [(c, s) for c, s, n in PLACES for _ in range(n)]
    for i, (customer, site) in enumerate(places):
        vendor, model, kind, _ = MODELS[i % len(MODELS)]
        months = warranty_months(vendor, model)
        # Ends spread from 40 days ago to 160 days ahead; every 13th has no date at all.
        ends_near = TODAY + timedelta(days=(i * 17) % 200 - 40)
        installed = "" if i % 13 == 12 else (ends_near - relativedelta(months=months)).isoformat()
        rows.append(
            {
                "customer": customer,
                "site": site,
                "kind": kind,
                "vendor": vendor,
                "model": model,
                "serial_number": f"{vendor[:2].upper()}{2400 + i:06d}",
                "installed_on": installed,
                "notes": "机房" if i % 5 == 0 else "",
            }
        )
    return rows


def expected_warranty_list(rows: list[dict[str, str]]) -> dict[str, str]:
    """Serial -> end date of the assets whose warranty ends within 90 days from today."""
    expected = {}
    for row in rows:
        if not row["installed_on"]:
            continue
        months = warranty_months(row["vendor"], row["model"])
        end = date.fromisoformat(row["installed_on"]) + relativedelta(months=months)
        if 0 <= (end - TODAY).days <= 90:
            expected[row["serial_number"]] = end.isoformat()
    return expected


def write_gb18030_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = list(rows[0])
    lines = [",".join(columns)] + [",".join(row[c] for c in columns) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    return path


def test_a_customer_base_from_nothing(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    db = tmp_path / "db"
    assert "Created an empty database" in cli.ok("--db", db, "init")
    cli.ok("--db", db, "customer", "add", "--name", "华东医院集团", "--code", "HD")
    cli.ok(
        "--db", db, "site", "add", "--customer", "HD", "--name", "门诊楼机房",
        "--address", "上海市延安西路 221 号", "--directions", "B1, key at the guard",
        "--contact", "王芳 | 网络管理员 | 139 1234 5678 | 021-6321 5678 | wf@example.com | signs",
        "--contact", "李强 | 保安 | +86 21 5555 1234",
        "--scheduled-per-month", "4", "--preferred-weekdays", "mon,thu", "--engineer", "赵工",
    )  # fmt: skip
    cli.ok(
        "--db", db, "contract", "add", "--customer", "华东医院集团", "--number", "HT-2026-001",
        "--value", "1,200,000.00", "--starts", "2026-01-01", "--years", "3",
        "--site", "门诊楼机房", "--caps", "2,5",
    )  # fmt: skip

    rows = asset_rows()
    assert len(rows) == 50
    sheet = write_gb18030_csv(tmp_path / "设备清单.csv", rows)
    with_sites = cli.ok("--db", db, "import", "assets", sheet, "--create-sites")
    assert "Imported 50 asset(s), 1 new customer(s) and 3 new site(s)" in with_sites
    assert "(read as gb18030)" in with_sites

    customers = json.loads(cli.ok("--db", db, "customer", "list", "--format", "json"))
    assert sorted((c["name"], c["sites"]) for c in customers) == [
        ("上海浦东发展银行", 2),
        ("华东医院集团", 2),
    ]
    sites = json.loads(cli.ok("--db", db, "site", "list", "--format", "json"))
    assert sorted((s["customer"], s["name"], s["assets"]) for s in sites) == [
        ("上海浦东发展银行", "张江数据中心", 10),
        ("上海浦东发展银行", "陆家嘴机房", 10),
        ("华东医院集团", "住院部", 15),  # named by code and by name: one site
        ("华东医院集团", "门诊楼机房", 15),
    ]

    listed = json.loads(cli.ok("--db", db, "warranty", "--format", "json"))["assets"]
    expected = expected_warranty_list(rows)
    assert len(expected) >= 10  # the spread above puts a good share within 90 days
    assert {a["serial_number"]: a["warranty_status"]["end"] for a in listed} == expected
    ends = [a["warranty_status"]["end"] for a in listed]
    assert ends == sorted(ends)
    by_serial = {r["serial_number"]: r for r in rows}
    for asset in listed:
        row = by_serial[asset["serial_number"]]
        assert (asset["customer"], asset["site"]) == (
            "华东医院集团" if row["customer"] == "HD" else row["customer"],
            row["site"],
        )

    shown = json.loads(cli.ok("--db", db, "site", "show", "门诊楼机房", "--format", "json"))
    assert [(c["name"], c["signs_off"]) for c in shown["site"]["contacts"]] == [
        ("王芳", True),
        ("李强", False),
    ]
    assert shown["site"]["contacts"][0]["phone"] == "021-6321 5678"
    assert shown["plan"]["scheduled_per_month"] == 4
    assert shown["plan"]["follow_ups_per_month"] == 1  # the configured default
    assert shown["assets"] == 15

    contract = json.loads(cli.ok("--db", db, "contract", "show", "HT-2026-001", "--format", "json"))
    assert contract["covered_assets"] == 15
    assert contract["contract"]["ends_on"] == "2028-12-31"
    assert contract["contract"]["value"] == "1200000.00"

    compliance = json.loads(cli.ok("--db", db, "visits", "--format", "json"))
    scheduled = {
        (r["site"], r["period"]): r["required"]
        for r in compliance
        if r["requirement"] == "scheduled on-site visits"
    }
    # Every site was added on 1 December: its plan owes nothing for November.
    assert scheduled == {
        (site, "2026-12"): 4 if site == "门诊楼机房" else 2
        for site in ("门诊楼机房", "住院部", "陆家嘴机房", "张江数据中心")
    }


def test_refusals_through_the_console_script_are_one_line(tmp_path: Path) -> None:
    """The installed command, in its own process: a refused removal is one line, exit 1,
    no traceback, and the database stays as it was."""
    db = tmp_path / "db"
    cli = Cli(tmp_path)
    cli.ok("--db", db, "init")
    cli.ok("--db", db, "customer", "add", "--name", "Contoso Retail", "--code", "CR")
    cli.ok("--db", db, "site", "add", "--customer", "CR", "--name", "Head Office")
    sheet = tmp_path / "assets.csv"
    sheet.write_text(
        "site,kind,vendor,model,serial_number\nHead Office,router,Cisco,ISR4331,FDO1\n",
        encoding="utf-8",
    )
    cli.ok("--db", db, "import", "assets", sheet)
    before = database_files(db)
    result = run_cli("--db", str(db), "site", "remove", "Head Office")
    assert result.returncode == 1
    assert result.stderr.startswith("error: site 'Head Office' still has 1 asset(s)")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert database_files(db) == before
