"""`assettrack inspect` and `assettrack sim`, end to end in real processes."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from assettrack.console.simulator import TcpSimulator, cisco_state
from assettrack.store.store import Store
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("inspect") / "db"
    assert run_cli("--db", str(folder), "demo", "--no-tui").returncode == 0
    return folder


def a_c9300(folder: Path):
    with Store.open(folder, read_only=True) as store:
        return next(a for a in store.assets.all() if a.model == "C9300-48P")


def test_inspect_reads_the_device_into_the_draft(demo_db: Path) -> None:
    asset = a_c9300(demo_db)
    state = cisco_state(serial=asset.serial_number, model="C9300-48P")
    with TcpSimulator(state) as sim:
        result = run_cli(
            "--db",
            str(demo_db),
            "inspect",
            asset.serial_number,
            "--port",
            sim.url,
            "--idle-timeout",
            "1",
            "--format",
            "json",
        )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["driver"] == "cisco_ios" and report["state"] == "draft"
    assert report["readings"]["serial_number"] == asset.serial_number
    # The same unit (no serial flag), on another firmware than the register's: news to
    # accept, which the read alone does not write into the register.
    (flag,) = report["flags"]
    assert flag.startswith("firmware changed") and asset.firmware in flag
    filled = [i for i in report["items"] if i["filled_from"].startswith("readings")]
    assert len(filled) >= 8
    with Store.open(demo_db, read_only=True) as store:
        saved = store.inspections.get(asset.site_id, report["inspection"])
        assert saved.readings["os_version"] and "show version" in saved.transcript
        assert store.assets.get(asset.id).firmware == asset.firmware


def test_a_swapped_unit_is_flagged_in_text_output(demo_db: Path) -> None:
    asset = a_c9300(demo_db)
    with TcpSimulator(cisco_state(serial="FOC0000SWAP")) as sim:
        result = run_cli(
            "--db",
            str(demo_db),
            "inspect",
            asset.serial_number,
            "--port",
            sim.url,
            "--idle-timeout",
            "1",
        )
    assert result.returncode == 0, result.stderr
    assert "WARNING: serial number mismatch: the device reports FOC0000SWAP" in result.stdout


def test_a_dead_console_is_one_clear_line_and_the_transcript_is_kept(demo_db: Path) -> None:
    asset = a_c9300(demo_db)
    with TcpSimulator(cisco_state(), faults=frozenset({"garbage"})) as sim:
        result = run_cli(
            "--db",
            str(demo_db),
            "inspect",
            asset.serial_number,
            "--port",
            sim.url,
            "--idle-timeout",
            "0.5",
        )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    error = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(error) == 1 and "line speed" in error[0]
    with Store.open(demo_db, read_only=True) as store:
        drafts = [
            r
            for r in store.inspections.for_asset(asset.site_id, asset.id)
            if r.state.value == "draft"
        ]
        assert drafts and drafts[0].transcript  # what the device sent is kept


def test_unknown_asset_and_closed_port(demo_db: Path) -> None:
    result = run_cli("--db", str(demo_db), "inspect", "NO-SUCH-SERIAL", "--port", "loop://")
    assert result.returncode == 1 and "no asset with id, serial number or hostname" in result.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    asset = a_c9300(demo_db)
    result = run_cli(
        "--db", str(demo_db), "inspect", asset.serial_number, "--port", f"socket://127.0.0.1:{port}"
    )
    assert result.returncode == 1 and "Nothing accepted the connection" in result.stderr
