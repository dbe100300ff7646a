"""What a user types or asks for cannot hurt them: files asked for with -o are written whole
or not at all, money is bounded, CSV is formula-safe, a killed demo build can be rebuilt."""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from assettrack.services.csv_rows import neutralise
from tests.cli_inprocess import Cli, database_files
from tests.conftest import TODAY, run_cli


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


@pytest.fixture
def db(tmp_path: Path, cli: Cli) -> Path:
    folder = tmp_path / "db"
    cli.ok("--db", folder, "init")
    cli.ok("--db", folder, "customer", "add", "--name", "Contoso Retail", "--code", "CR")
    cli.ok("--db", folder, "site", "add", "--customer", "CR", "--name", "Head Office")
    sheet = tmp_path / "assets.csv"
    sheet.write_text(
        "site,kind,vendor,model,serial_number,warranty_end\n"
        "Head Office,switch,Cisco,C9300,FOC0001,2024-02-25\n"
        "Head Office,router,Cisco,ISR4331,FDO0001,2028-01-31\n",
        encoding="utf-8",
    )
    cli.ok("--db", folder, "import", "assets", sheet)
    cli.ok(
        "--db", folder, "contract", "add", "--customer", "CR", "--number", "HT-1",
        "--value", "120000", "--starts", "2026-01-01", "--years", "3", "--site", "Head Office",
    )  # fmt: skip
    cli.ok(
        "--db", folder, "fault", "add", "--site", "Head Office", "--severity", "2",
        "--via", "phone", "--reported", "2026-11-20 09:00",
        "--symptom", '=HYPERLINK("http://evil.example","click")',
    )  # fmt: skip
    return folder


def one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    return lines[0]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# -- files asked for with -o ----------------------------------------------------------------


def test_export_to_a_missing_folder_is_one_line_and_keeps_nothing_half_written(
    tmp_path: Path, cli: Cli, db: Path
) -> None:
    target = tmp_path / "no-such-folder" / "assets.csv"
    result = cli("--db", db, "export", "assets", "-o", target)
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert "the folder" in line and "does not exist" in line
    assert not target.parent.exists()


@pytest.mark.parametrize("kind", ["assets", "customers", "sites", "contracts"])
def test_export_into_a_path_whose_parent_is_a_file_keeps_the_previous_export(
    tmp_path: Path, cli: Cli, db: Path, kind: str
) -> None:
    previous = tmp_path / f"{kind}.csv"
    cli.ok("--db", db, "export", kind, "-o", previous)
    before = previous.read_bytes()
    result = cli("--db", db, "export", kind, "-o", previous / "again.csv")
    assert result.returncode == 1
    assert "is a file, not a folder" in one_error_line(result.stderr)
    assert previous.read_bytes() == before


def test_export_onto_a_file_of_the_system_is_one_line(cli: Cli, db: Path) -> None:
    result = cli("--db", db, "export", "assets", "-o", "/proc/version")
    assert result.returncode == 1
    assert "cannot write /proc/version" in one_error_line(result.stderr)


def test_export_replaces_the_previous_file_whole_and_leaves_no_temporary_file(
    tmp_path: Path, cli: Cli, db: Path
) -> None:
    target = tmp_path / "out" / "assets.csv"
    target.parent.mkdir()
    target.write_text("an older export\n", encoding="utf-8")
    target.chmod(0o600)
    cli.ok("--db", db, "export", "assets", "-o", target)
    assert target.read_text(encoding="utf-8").startswith("id,customer,site,")
    assert target.stat().st_mode & 0o777 == 0o600  # the user's permissions are kept
    assert leftovers(target.parent) == []


def test_export_onto_a_read_only_disk_keeps_the_previous_export(
    tmp_path: Path, cli: Cli, db: Path
) -> None:
    # A disk mounted read-only refuses root too (folder permissions would not).
    with tiny_disk(tmp_path / "disk") as disk:
        target = disk / "assets.csv"
        cli.ok("--db", db, "export", "assets", "-o", target)
        before = target.read_bytes()
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = cli("--db", db, "export", "assets", "-o", target)
        assert result.returncode == 1
        line = one_error_line(result.stderr)
        assert "read-only" in line or "permission denied" in line, line
        assert target.read_bytes() == before and leftovers(disk) == []


@contextlib.contextmanager
def tiny_disk(folder: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs mounted on ``folder``; skips the test where mounting is not allowed."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip() or 'no mount'}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> None:
    """Write until the disk is full (unbuffered: every byte that fits is written)."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"x" * 1024)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)


def test_export_on_a_full_disk_keeps_the_previous_export(
    tmp_path: Path, cli: Cli, db: Path
) -> None:
    with tiny_disk(tmp_path / "disk") as disk:
        target = disk / "assets.csv"
        cli.ok("--db", db, "export", "assets", "-o", target)
        before = target.read_bytes()
        fill(disk)
        result = cli("--db", db, "export", "assets", "-o", target)
        assert result.returncode == 1
        line = one_error_line(result.stderr)
        assert "the disk is full" in line and "the previous assets.csv is unchanged" in line
        assert target.read_bytes() == before
        assert leftovers(disk) == []


def test_report_pdf_on_a_full_disk_keeps_the_previous_report(
    tmp_path: Path, cli: Cli, db: Path
) -> None:
    with tiny_disk(tmp_path / "disk") as disk:
        target = disk / "month.pdf"
        cli.ok(
            "--db", db, "report", "month", "Head Office", "2026-11", "--format", "pdf", "-o", target
        )
        before = target.read_bytes()
        assert before.startswith(b"%PDF")
        fill(disk)
        result = cli(
            "--db", db, "report", "month", "Head Office", "2026-11", "--format", "pdf", "-o", target
        )  # fmt: skip
        assert result.returncode == 1
        assert "the disk is full" in one_error_line(result.stderr)
        assert target.read_bytes() == before
        assert leftovers(disk) == []


def test_report_into_a_missing_folder_is_one_line(tmp_path: Path, cli: Cli, db: Path) -> None:
    target = tmp_path / "nowhere" / "month.md"
    result = cli("--db", db, "report", "month", "Head Office", "2026-11", "-o", target)
    assert result.returncode == 1
    assert "does not exist" in one_error_line(result.stderr)


def test_bundle_into_a_missing_folder_is_one_line_and_the_previous_bundle_stays(
    tmp_path: Path, cli: Cli, db: Path
) -> None:
    result = cli("--db", db, "export-bundle", tmp_path / "nowhere" / "team.json")
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert "does not exist" in line and "intact" not in line  # there was no previous one
    with tiny_disk(tmp_path / "disk") as disk:
        previous = disk / "team.json"
        previous.write_bytes(b'{"an": "older bundle"}')
        fill(disk)
        full = cli("--db", db, "export-bundle", previous)
        assert full.returncode == 1 and "the disk is full" in one_error_line(full.stderr)
        assert previous.read_bytes() == b'{"an": "older bundle"}' and leftovers(disk) == []


def test_export_to_a_terminal_or_pipe_writes_straight_into_it(cli: Cli, db: Path) -> None:
    # -o /dev/null is a device: replacing it with a file would break the machine.
    cli.ok("--db", db, "export", "assets", "-o", "/dev/null")
    assert Path("/dev/null").is_char_device()


# -- CSV output -----------------------------------------------------------------------------


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_faults_csv_neutralises_formulas(cli: Cli, db: Path) -> None:
    rows = csv_rows(cli.ok("--db", db, "faults", "--format", "csv"))
    assert [r["symptom"] for r in rows] == ['\'=HYPERLINK("http://evil.example","click")']
    assert rows[0]["severity"] == "2"


def test_negative_days_stay_numbers_in_csv(cli: Cli, db: Path) -> None:
    exported = {r["serial_number"]: r for r in csv_rows(cli.ok("--db", db, "export", "assets"))}
    expired = exported["FOC0001"]["warranty_days_left"]
    assert expired == str((date(2024, 2, 25) - TODAY).days)  # -1010: a number, no apostrophe
    listed = csv_rows(cli.ok("--db", db, "warranty", "--include-expired", "--format", "csv"))
    assert {r["serial_number"]: r["warranty_days_left"] for r in listed}["FOC0001"] == expired


def test_a_number_is_never_neutralised_but_a_formula_always_is() -> None:
    for number in ("-1010", "-3.5", "+7", "-2e3", "0"):
        assert neutralise(number) == number
    for formula in ("-1+2", "=1+2", "+A1", "-A1", "@SUM(A1)", "\t=1", "-", "--5", "-1,5"):
        assert neutralise(formula) == "'" + formula


# -- money -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("1e400", "is more than 10,000,000,000,000"),
        ("1e20", "is more than 10,000,000,000,000"),
        ("nan", "is not an amount of money"),
        ("-inf", "is not an amount of money"),
        ("sNaN", "is not an amount of money"),
        ("twelve", "is not an amount of money"),
        ("-5", "must be 0 or more"),
    ],
)
def test_charge_amount_is_finite_positive_and_bounded(
    cli: Cli, db: Path, amount: str, reason: str
) -> None:
    before = database_files(db)
    result = cli(
        "--db", db, "charge", "add", "--contract", "HT-1", "--site", "Head Office",
        "--amount", amount,
    )  # fmt: skip
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert line.startswith(f"error: invalid charge: amount: {amount!r} {reason}"), line
    assert database_files(db) == before


def test_a_charge_with_thousands_separators_or_of_zero_is_recorded(cli: Cli, db: Path) -> None:
    for amount, shown in (("1,250.505", "1250.51"), ("0", "0.00")):
        out = cli.ok(
            "--db", db, "charge", "add", "--contract", "HT-1", "--site", "Head Office",
            "--amount", amount,
        )  # fmt: skip
        assert f": {shown} " in out


# -- the demo database -----------------------------------------------------------------------


def building(folder: Path) -> bool:
    """A demo database is being written: beside the folder, or in it before its marker."""
    beside = list(folder.parent.glob(".*building*/*.json"))
    in_place = list(folder.glob("*.json")) and not (folder / "DEMO").exists()
    return bool(beside or in_place)


def kill_during_build(folder: Path, *options: str) -> None:
    """Start `demo --no-tui` and kill it (SIGKILL: no clean-up runs) once its database is
    being written."""
    child = subprocess.Popen(
        [sys.executable, "-m", "assettrack", "--db", str(folder), "demo", "--no-tui", *options],
        env={**os.environ, "ASSETTRACK_TODAY": TODAY.isoformat()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while child.poll() is None and not building(folder):
            time.sleep(0.002)  # waiting for the build to start; nothing here is timed
        assert child.poll() is None, "the demo was built before it could be killed"
    finally:
        child.kill()
        child.wait()


def test_demo_fresh_after_a_kill_works(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    kill_during_build(folder)  # the very first build
    assert not folder.exists()  # no half-built demo in its place
    assert run_cli("--db", str(folder), "demo", "--no-tui").returncode == 0
    before = database_files(folder)
    kill_during_build(folder, "--fresh")
    assert (folder / "DEMO").is_file() and database_files(folder) == before  # the old demo
    for options in ((), ("--fresh",)):
        result = run_cli("--db", str(folder), "demo", "--no-tui", *options)
        assert result.returncode == 0, result.stderr
    assert (folder / "DEMO").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]  # what the kills left is cleared
