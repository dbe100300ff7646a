"""Dates near year 9999 are refused at the door, so nothing saved can overflow later."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli


def _database_with_a_site(tmp_path: Path) -> Path:
    db = tmp_path / "db"
    for args in (
        ("init",),
        ("customer", "add", "--name", "Contoso Retail", "--code", "CR"),
        ("site", "add", "--customer", "CR", "--name", "Head Office"),
    ):
        result = run_cli("--db", str(db), *args)
        assert result.returncode == 0, result.stderr
    return db


def test_today_in_year_9999_is_a_usage_error_not_a_traceback(tmp_path: Path) -> None:
    result = run_cli("--db", str(tmp_path / "db"), "--today", "9999-12-31", "visits")
    assert result.returncode == 2
    assert "outside the years 1970-2200" in result.stderr
    assert "Traceback" not in result.stderr


def test_fault_reported_in_year_9999_is_refused_and_not_saved(tmp_path: Path) -> None:
    db = _database_with_a_site(tmp_path)
    result = run_cli(
        "--db", str(db), "fault", "add", "--site", "Head Office", "--severity", "2",
        "--via", "phone", "--reported", "9999-12-31 23:59", "--symptom", "down",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "outside the years 1970-2200" in result.stderr
    listed = run_cli("--db", str(db), "faults", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []


def test_asset_installed_in_year_9999_is_a_line_error(tmp_path: Path) -> None:
    db = _database_with_a_site(tmp_path)
    csv_file = tmp_path / "assets.csv"
    csv_file.write_text(
        "site,kind,vendor,model,serial_number,installed_on\n"
        "Head Office,router,Cisco,ISR4331,FDO123,2024-01-01\n"
        "Head Office,switch,Cisco,C9300,FOC456,9999-12-31\n",
        encoding="utf-8",
    )
    result = run_cli("--db", str(db), "import", "assets", str(csv_file))
    assert result.returncode == 1
    assert "line 3, column installed_on: '9999-12-31' is outside the years 1970-2200" in (
        result.stderr
    )
    warranty = run_cli("--db", str(db), "warranty", "--include-expired", "--format", "json")
    assert warranty.returncode == 0, warranty.stderr
    assert json.loads(warranty.stdout)["assets"] == []
