"""The service-record commands end to end, in a child process as a user runs them."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from assettrack.domain.models import Asset, Contract, Site
from assettrack.store.store import Store
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    config = home / "team.toml"
    config.write_text('[engineer]\nname = "张工"\n', encoding="utf-8")
    return {"XDG_CONFIG_HOME": str(home / "config"), "ASSETTRACK_CONFIG": str(config)}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("svc") / "db"
    with Store.open(folder, author="张工") as store:
        site = store.sites.save(Site("华东医院集团", "门诊楼机房"))
        store.sites.save(Site("华东医院集团", "住院部机房"))
        store.assets.save(Asset(site.id, "switch", "Huawei", "S5735", "HW-9"))
        store.contracts.save(
            Contract("华东医院集团", "HT-001", Decimal("100000"), warranty_ends_on=None)
        )
    return folder


def cli(db: Path, env: dict[str, str], *args: str):
    return run_cli("--db", str(db), *args, env=env)


def test_visits_faults_and_reports(db: Path, env: dict[str, str], tmp_path: Path) -> None:
    added = cli(
        db, env, "visit", "add", "--site", "门诊楼机房", "--kind", "scheduled",
        "--start", "2026-11-03 09:00", "--end", "2026-11-03 11:30",
        "--hazard-found", "机柜积灰", "--hazard-removed", "机柜积灰", "--opinion", "满意",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    visit_id = added.stdout.split()[-1]
    overdue = cli(db, env, "visits", "--overdue", "--format", "json")
    assert overdue.returncode == 0, overdue.stderr
    rows = json.loads(overdue.stdout)
    assert {"门诊楼机房", "住院部机房"} == {r["site"] for r in rows}
    mine = [r for r in rows if r["site"] == "门诊楼机房" and r["period"] == "2026-11"]
    assert {(r["requirement"], r["done"], r["status"]) for r in mine} >= {
        ("scheduled on-site visits", 1, "missed")
    }
    fault = cli(
        db, env, "fault", "add", "--site", "门诊楼机房", "--severity", "2", "--via", "phone",
        "--reported", "2026-11-30 23:30", "--responded", "2026-12-01 00:20",
        "--asset", "HW-9", "--symptom", "端口 up/down",
    )  # fmt: skip
    assert fault.returncode == 0, fault.stderr
    assert "missed in 50m" in fault.stdout
    fault_id = fault.stdout.split()[1]
    missed = json.loads(cli(db, env, "faults", "--sla-missed", "--format", "json").stdout)
    assert [f["id"] for f in missed] == [fault_id]
    bad = cli(db, env, "fault", "update", fault_id[:8], "--not-covered")
    assert bad.returncode == 1 and bad.stderr.startswith("error: invalid fault")
    assert len(bad.stderr.strip().splitlines()) == 1
    loaner = cli(db, env, "fault", "update", fault_id[:8], "--loaner", "LOAN-1",
                 "--sent-for-repair", "2026-12-01 10:00")  # fmt: skip
    assert loaner.returncode == 0, loaner.stderr
    assert "HW-9: loaner_in_place" in loaner.stdout
    pdf = tmp_path / "visit.pdf"
    report = cli(db, env, "report", "visit", visit_id, "--format", "pdf", "-o", str(pdf))
    assert report.returncode == 0, report.stderr
    text = PdfReader(pdf).pages[0].extract_text()
    assert "门诊楼机房" in text and "机柜积灰" in text and "张工" in text
    month = cli(db, env, "report", "month", "门诊楼机房", "2026-11", "--format", "html")
    assert month.returncode == 0 and "端口 up/down" in month.stdout
    usage = cli(db, env, "visits", "--month", "2026-13")
    assert usage.returncode == 2
    no_pdf_file = cli(db, env, "report", "month", "门诊楼机房", "2026-11", "--format", "pdf")
    assert no_pdf_file.returncode == 2


def test_charges_warn_near_the_cap(db: Path, env: dict[str, str]) -> None:
    with Store.open(db) as store:
        (contract,) = store.contracts.list()
        contract.warranty_ends_on = contract.warranty_ends_on or __import__("datetime").date(
            2025, 1, 1
        )
        store.contracts.save(contract)
    ok = cli(db, env, "charge", "add", "--contract", "HT-001", "--site", "门诊楼机房",
             "--amount", "1000")  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "labour 1000.00 CNY of the 2000.00 CNY cap" in ok.stdout
    near = cli(db, env, "charge", "add", "--contract", "HT-001", "--site", "门诊楼机房",
               "--amount", "700")  # fmt: skip
    assert near.returncode == 0 and "WARNING: approaching the cap" in near.stderr
    listed = json.loads(cli(db, env, "charges", "--format", "json").stdout)
    assert listed[0]["status"] == "warning" and listed[0]["labour_in_period"] == "1700.00"


def test_bundle_between_two_laptops(db: Path, env: dict[str, str], tmp_path: Path) -> None:
    bundle = tmp_path / "a.bundle.json"
    other = tmp_path / "other"
    out = cli(db, env, "export-bundle", str(bundle))
    assert out.returncode == 0, out.stderr
    first = cli(other, env, "import-bundle", str(bundle))
    assert first.returncode == 0, first.stderr
    assert "0 conflict(s)" in first.stdout and " 0 added" not in first.stdout
    again = cli(other, env, "import-bundle", str(bundle))
    assert "0 added, 0 updated, 0 deleted, 0 conflict(s)" in again.stdout
    assert cli(other, env, "conflicts").stdout.strip() == "No conflicts."


def test_fault_warranty_uses_the_plugins_rules_like_the_app(tmp_path: Path) -> None:
    # Acme gives 60 months through a plugin; with the shipped rules alone (36 months) the
    # switch installed four years ago would be out of warranty.
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "acme_warranty.py").write_text(
        "from assettrack.api import VendorRule, hookimpl\n\n"
        "@hookimpl\n"
        "def assettrack_warranty_rules(register):\n"
        '    register(VendorRule("Acme", months=60))\n',
        encoding="utf-8",
    )
    config = tmp_path / "team.toml"
    config.write_text(f"[plugins]\nfolder = {str(plugins)!r}\n", encoding="utf-8")
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "ASSETTRACK_CONFIG": str(config)}
    folder = tmp_path / "db"
    with Store.open(folder, author="test") as store:
        site = store.sites.save(Site("Contoso", "Head Office"))
        store.assets.save(
            Asset(site.id, "switch", "Acme", "AX-1", "ACME-1", installed_on=date(2022, 12, 1))
        )
    added = cli(
        folder, env, "fault", "add", "--site", "Head Office", "--severity", "2",
        "--via", "phone", "--reported", "2026-11-30 09:00", "--asset", "ACME-1",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "asset is under warranty; decision pending" in added.stdout
