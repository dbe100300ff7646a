"""CSV files in the encodings spreadsheets save, read as what they are or refused: never
stored as mojibake. A quote left open is an error on its line."""

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
    folder = tmp_path / "db"
    cli.ok("--db", folder, "init")
    return folder


def sheet(tmp_path: Path, text: str, encoding: str, name: str = "customers.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def customer_names(cli: Cli, db: Path) -> list[str]:
    exported = json.loads(cli.ok("--db", db, "export", "customers", "--format", "json"))
    return sorted(c["name"] for c in exported["customers"])


def test_latin1_csv_is_read_as_latin1_not_gb18030(tmp_path: Path, cli: Cli, db: Path) -> None:
    path = sheet(
        tmp_path,
        "name,code,notes\r\nMüller Straße GmbH,MS,Lieferung über Tor 3\r\nCafé Zürich,CZ,\r\n",
        "latin-1",
    )
    result = cli.ok("--db", db, "import", "customers", path)
    assert "(read as latin-1)" in result
    assert customer_names(cli, db) == ["Café Zürich", "Müller Straße GmbH"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
def test_the_usual_encodings_need_no_option(
    tmp_path: Path, cli: Cli, db: Path, encoding: str
) -> None:
    path = sheet(tmp_path, "name,code\r\n华东医院集团,HD\r\n上海浦东发展银行,PD\r\n", encoding)
    cli.ok("--db", db, "import", "customers", path)
    assert customer_names(cli, db) == sorted(["华东医院集团", "上海浦东发展银行"])


def test_ambiguous_encoding_asks_for_encoding_option(tmp_path: Path, cli: Cli, db: Path) -> None:
    # 中兴 in GB18030 is the same four bytes as ÖÐÐË in Latin-1: both read as names.
    path = sheet(tmp_path, "name,code\r\n中兴,ZX\r\n", "gb18030")
    before = database_files(db)
    result = cli("--db", db, "import", "customers", path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "--encoding gb18030 or --encoding latin-1" in result.stderr
    assert "'中兴'" in result.stderr and "'ÖÐÐË'" in result.stderr  # both readings shown
    assert database_files(db) == before
    cli.ok("--db", db, "import", "customers", path, "--encoding", "gb18030")
    assert customer_names(cli, db) == ["中兴"]


@pytest.mark.parametrize("kind", ["assets", "customers", "sites", "contracts"])
def test_every_import_takes_the_encoding_option(
    tmp_path: Path, cli: Cli, db: Path, kind: str
) -> None:
    path = sheet(tmp_path, "name\r\nÖÐÐË\r\n", "latin-1")
    result = cli("--db", db, "import", kind, path, "--encoding", "no-such-codec")
    assert result.returncode == 2 and "is not an encoding" in result.stderr


def test_a_file_that_is_not_the_named_encoding_says_where(
    tmp_path: Path, cli: Cli, db: Path
) -> None:
    path = sheet(tmp_path, "name,code\r\nACME,AC\r\nMüller,MU\r\n", "latin-1")
    result = cli("--db", db, "import", "customers", path, "--encoding", "utf-8")
    assert result.returncode == 1
    assert "is not utf-8-sig text: line 3 has bytes fc" in result.stderr
    assert customer_names(cli, db) == []


def test_text_in_none_of_the_encodings_is_refused_not_guessed(
    tmp_path: Path, cli: Cli, db: Path
) -> None:
    # A Western Windows "CSV" with typographic quotes: not Latin-1, and not guessed as it.
    path = sheet(tmp_path, "name,notes\r\nACME,Room “A” – north\r\n", "cp1252")
    result = cli("--db", db, "import", "customers", path)
    assert result.returncode == 1 and "give its encoding with --encoding" in result.stderr
    assert customer_names(cli, db) == []
    cli.ok("--db", db, "import", "customers", path, "--encoding", "cp1252")
    assert customer_names(cli, db) == ["ACME"]


def test_unclosed_quote_is_a_line_error(tmp_path: Path, cli: Cli, db: Path) -> None:
    path = sheet(
        tmp_path,
        'name,code,notes\r\nACME,AC,fine\r\nBeta,BE,"opened here\r\nGamma,GA,swallowed\r\n',
        "utf-8",
    )
    before = database_files(db)
    result = cli("--db", db, "import", "customers", path)
    assert result.returncode == 1 and "nothing imported" in result.stderr
    assert "line 3:" in result.stderr and "never closed" in result.stderr
    assert database_files(db) == before


def test_unclosed_quote_in_an_asset_file_is_a_line_error(
    tmp_path: Path, cli: Cli, db: Path
) -> None:
    path = sheet(
        tmp_path,
        'site,kind,vendor,model,serial_number,notes\r\nHQ,switch,Cisco,C9300,FOC1,"rack 3\r\n'
        "HQ,switch,Cisco,C9300,FOC2,\r\n",
        "utf-8",
        "assets.csv",
    )
    result = cli("--db", db, "import", "assets", path, "--create-sites")
    assert result.returncode == 1 and "line 2:" in result.stderr and "never closed" in result.stderr
