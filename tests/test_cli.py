from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import TODAY, run_cli


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "db"
    result = run_cli("--db", str(folder), "demo", "--no-tui")
    assert result.returncode == 0, result.stderr
    return folder


def test_demo_has_sites_assets_and_every_warranty_state(demo_db: Path) -> None:
    result = run_cli("--db", str(demo_db), "export", "assets", "--format", "json")
    assert result.returncode == 0, result.stderr
    assets = json.loads(result.stdout)["assets"]
    assert 150 <= len(assets) <= 250
    assert {a["kind"] for a in assets} == {"router", "switch", "firewall", "gateway"}
    assert {"Cisco", "Huawei", "H3C", "Juniper", "Fortinet", "Ruijie"} <= {
        a["vendor"] for a in assets
    }
    states = {a["warranty_status"]["state"] for a in assets}
    assert states == {"active", "expiring", "expired", "unknown"}
    assert any("浦东" in a["site"] for a in assets)


def test_warranty_list_soonest_first_with_filters(demo_db: Path) -> None:
    result = run_cli("--db", str(demo_db), "warranty", "--within", "60", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["assets"]
    ends = [r["warranty_status"]["end"] for r in rows]
    assert rows and ends == sorted(ends)
    assert all(0 <= r["warranty_status"]["days_left"] <= 60 for r in rows)
    huawei = json.loads(
        run_cli(
            "--db",
            str(demo_db),
            "warranty",
            "--vendor",
            "huawei",
            "--include-expired",
            "--within",
            "90",
            "--format",
            "json",
        ).stdout
    )["assets"]
    assert huawei and all(r["vendor"] == "Huawei" for r in huawei)
    assert any(r["warranty_status"]["days_left"] < 0 for r in huawei)
    site = json.loads(
        run_cli(
            "--db",
            str(demo_db),
            "warranty",
            "--site",
            "外滩",
            "--within",
            "3650",
            "--format",
            "json",
        ).stdout
    )["assets"]
    assert site and all(r["site"] == "外滩分行" for r in site)


def test_warranty_table_and_csv(demo_db: Path) -> None:
    table = run_cli("--db", str(demo_db), "warranty")
    assert table.returncode == 0
    assert "expiring" in table.stdout and "asset(s)" in table.stdout
    as_csv = run_cli("--db", str(demo_db), "warranty", "--format", "csv", "--excel")
    assert as_csv.stdout.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout.lstrip("\ufeff"))))
    assert rows and all(r["warranty_status"] == "expiring" for r in rows)


def test_today_option_changes_the_answer(demo_db: Path) -> None:
    later = (TODAY.replace(year=TODAY.year + 10)).isoformat()
    rows = json.loads(
        run_cli("--db", str(demo_db), "--today", later, "warranty", "--format", "json").stdout
    )["assets"]
    assert rows == []  # ten years on, everything has expired


def test_user_errors_are_one_line_with_exit_1(demo_db: Path, tmp_path: Path) -> None:
    result = run_cli("--db", str(demo_db), "warranty", "--within", "-5")
    assert result.returncode == 1
    assert result.stderr.strip() == "error: --within must be 0 or more days, not -5"
    bad = tmp_path / "bad.csv"
    bad.write_text("site,kind,vendor,model,serial_number\nNowhere,router,Cisco,X,S1\n")
    result = run_cli("--db", str(demo_db), "import", "assets", str(bad))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "line 2, column site: 'Nowhere' is not a known site" in result.stderr
    missing = run_cli("--db", str(demo_db), "import", "assets", str(tmp_path / "none.csv"))
    assert missing.returncode == 1 and "cannot read" in missing.stderr


def test_usage_errors_exit_2(demo_db: Path) -> None:
    assert run_cli("--db", str(demo_db), "warranty", "--format", "xml").returncode == 2
    assert run_cli("--db", str(demo_db), "no-such-command").returncode == 2
    bad_day = run_cli("--db", str(demo_db), "--today", "2026-02-30", "warranty")
    assert bad_day.returncode == 2 and "YYYY-MM-DD" in bad_day.stderr


def test_corrupt_database_is_one_clear_line(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    assert run_cli("--db", str(folder), "demo", "--no-tui").returncode == 0
    (folder / "catalog.json").write_text('{"sites": ')
    result = run_cli("--db", str(folder), "warranty")
    assert result.returncode == 1
    assert "catalog.json is damaged: not valid JSON" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_import_then_export(tmp_path: Path, demo_db: Path) -> None:
    folder = tmp_path / "db"
    assert run_cli("--db", str(folder), "demo", "--no-tui").returncode == 0
    good = tmp_path / "good.csv"
    good.write_text(
        "site,kind,vendor,model,serial_number,installed_on\n"
        "Plant 2,firewall,Fortinet,FortiGate-100F,FG100FTK0001,2025-06-30\n",
        encoding="utf-8",
    )
    result = run_cli("--db", str(folder), "import", "assets", str(good))
    assert result.returncode == 0 and "Imported 1 asset(s)" in result.stdout
    out = tmp_path / "out.csv"
    result = run_cli("--db", str(folder), "export", "assets", "--site", "Plant 2", "-o", str(out))
    assert result.returncode == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    mine = [r for r in rows if r["serial_number"] == "FG100FTK0001"]
    assert mine and mine[0]["warranty_ends"] == date(2026, 6, 30).isoformat()  # Fortinet: 12 months
    assert {r["site"] for r in rows} == {"Plant 2"}


def test_demo_refuses_a_real_database(tmp_path: Path) -> None:
    folder = tmp_path / "real"
    good = tmp_path / "none.csv"
    good.write_text("site,kind,vendor,model,serial_number\n")
    assert run_cli("--db", str(folder), "import", "assets", str(good)).returncode == 0
    result = run_cli("--db", str(folder), "demo", "--no-tui")
    assert result.returncode == 1 and "not a demo" in result.stderr


def test_a_write_while_another_process_saves_gets_a_clear_message(tmp_path: Path) -> None:
    import subprocess
    import sys

    folder = tmp_path / "db"
    assert run_cli("--db", str(folder), "demo", "--no-tui").returncode == 0
    # The holder is in the middle of a change: it holds the writer lock until it ends.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nfrom assettrack.store.store import Store\n"
            "with Store.open(sys.argv[1]) as store, store.transaction('test'):\n"
            "    print('ready', flush=True)\n    sys.stdin.readline()",
            str(folder),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        good = tmp_path / "x.csv"
        good.write_text("site,kind,vendor,model,serial_number\n外滩分行,switch,Cisco,C9300,FOC77\n")
        result = run_cli(
            "--db", str(folder), "import", "assets", str(good), env={"ASSETTRACK_LOCK_WAIT": "0.3"}
        )
        assert result.returncode == 1
        assert f"is busy: process {holder.pid}" in result.stderr and "since" in result.stderr
        assert "read-only" not in result.stderr
    finally:
        holder.communicate("\n", timeout=30)
