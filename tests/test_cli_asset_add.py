"""One asset from the command line: added, edited, refused in the options' own names."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_inprocess import Cli


def test_an_asset_is_added_and_edited_from_the_command_line(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    db = tmp_path / "db"
    cli("--db", db, "init")
    cli("--db", db, "customer", "add", "--name", "Acme")
    cli("--db", db, "site", "add", "--customer", "Acme", "--name", "HQ")
    base = ("--db", db, "asset", "add", "--site", "Acme / HQ", "--kind", "switch",
            "--vendor", "Cisco", "--model", "C9300-48P", "--serial", "FOC1")  # fmt: skip

    refused = cli(*base, "--installed-on", "2026-13-01", "--warranty-months", "many")
    assert refused.returncode == 1
    assert "--installed-on: '2026-13-01'" in refused.stderr
    assert "--warranty-months: 'many'" in refused.stderr
    added = cli(*base, "--hostname", "core1", "--console-port", "socket://127.0.0.1:7001")
    assert added.returncode == 0 and "Added Cisco C9300-48P FOC1" in added.stdout
    again = cli(*base)
    assert again.returncode == 1 and "--serial: 'FOC1' is already registered" in again.stderr

    edited = cli(
        "--db", db, "asset", "edit", "core1", "--location", "Rack 4", "--firmware", "17.9.4a"
    )
    assert edited.returncode == 0, edited.stderr
    listed = cli("--db", db, "export", "assets", "--format", "json")
    [asset] = json.loads(listed.stdout)["assets"]
    assert (asset["hostname"], asset["location"], asset["firmware"]) == (
        "core1",
        "Rack 4",
        "17.9.4a",
    )
