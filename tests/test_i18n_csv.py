"""Spreadsheets with Chinese column titles (``export … --headers zh``) import back.

The column names stay what scripts read; the titles are for people. An import takes either
header, never a mix of the two, and names the columns of a titled file by their titles.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from tests.conftest import run_cli

CHINESE = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LANGUAGE": "", "ASSETTRACK_CONFIG": ""}


def export(db: Path, kind: str, *options: str) -> str:
    result = run_cli("--db", str(db), "export", kind, *options)
    assert result.returncode == 0, result.stderr
    return result.stdout


def rows_without(text: str, *dropped: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    return [{k: v for k, v in row.items() if k not in dropped} for row in rows]


def test_assets_exported_with_chinese_titles_import_into_a_new_database(
    tmp_path: Path, demo_source: Path
) -> None:
    titled = tmp_path / "资产.csv"
    titled.write_text(export(demo_source, "assets", "--headers", "zh"), encoding="utf-8")
    assert titled.read_text(encoding="utf-8").startswith("编号,客户,站点,类型,厂商,型号,序列号")
    fresh = tmp_path / "fresh"
    assert run_cli("--db", str(fresh), "init").returncode == 0
    imported = run_cli("--db", str(fresh), "import", "assets", str(titled), "--create-sites")
    assert imported.returncode == 0, imported.stderr
    # The same assets, field by field (ids are the new database's own).
    assert rows_without(export(fresh, "assets"), "id") == rows_without(
        export(demo_source, "assets"), "id"
    )


def test_customers_sites_and_contracts_round_trip_with_titles(
    tmp_path: Path, demo_source: Path
) -> None:
    db = tmp_path / "db"
    shutil.copytree(demo_source, db)
    for kind in ("customers", "sites", "contracts"):
        before = export(db, kind)
        titled = tmp_path / f"{kind}.csv"
        titled.write_text(export(db, kind, "--headers", "zh"), encoding="utf-8")
        result = run_cli("--db", str(db), "import", kind, str(titled))
        assert result.returncode == 0, result.stderr
        assert " 0 added" in result.stdout or "0 added" in result.stdout, result.stdout
        assert export(db, kind) == before, kind  # every row read back as it was


def test_a_header_mixing_titles_and_names_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    db = tmp_path / "db"
    assert run_cli("--db", str(db), "init").returncode == 0
    sheet = tmp_path / "mixed.csv"
    sheet.write_text(
        "站点,kind,厂商,model,序列号\n门诊楼机房,switch,Huawei,S5735,HW1\n", encoding="utf-8"
    )
    refused = run_cli("--db", str(db), "import", "assets", str(sheet), "--create-sites")
    assert refused.returncode == 1
    assert "nothing imported" in refused.stderr
    assert (
        "the header mixes Chinese titles (站点, 厂商, 序列号) and column names (kind, model)"
        in (refused.stderr)
    )
    chinese = run_cli("--db", str(db), "import", "assets", str(sheet), env=CHINESE)
    assert "表头混用了中文列标题（站点, 厂商, 序列号）和列名（kind, model）" in chinese.stderr
    assert "HW1" not in export(db, "assets")


def test_a_titled_file_names_its_columns_by_title(tmp_path: Path) -> None:
    db = tmp_path / "db"
    assert run_cli("--db", str(db), "init").returncode == 0
    sheet = tmp_path / "titled.csv"
    sheet.write_text(
        "客户,站点,类型,厂商,型号,序列号,安装日期,备注2\n"
        "华东医院,门诊楼机房,switch,Huawei,S5735,HW1,2026-02-30,x\n",
        encoding="utf-8",
    )
    unknown = run_cli("--db", str(db), "import", "assets", str(sheet), "--create-sites")
    assert unknown.returncode == 1
    assert "line 1, column 备注2: is not a known column (known: 站点, 类型, 厂商" in unknown.stderr
    sheet.write_text(sheet.read_text(encoding="utf-8").replace(",备注2", "").replace(",x\n", "\n"))
    bad_day = run_cli("--db", str(db), "import", "assets", str(sheet), "--create-sites")
    assert "line 2, column 安装日期: '2026-02-30' is not a valid date" in bad_day.stderr
    chinese = run_cli(
        "--db", str(db), "import", "assets", str(sheet), "--create-sites", env=CHINESE
    )
    assert "第 2 行，安装日期 列：'2026-02-30' 不是有效日期" in chinese.stderr, chinese.stderr
    missing = tmp_path / "missing.csv"
    missing.write_text("站点,类型,厂商,型号\n门诊楼机房,switch,Huawei,S5735\n", encoding="utf-8")
    lacking = run_cli("--db", str(db), "import", "assets", str(missing))
    assert "line 1, column 序列号: required column is missing" in lacking.stderr
