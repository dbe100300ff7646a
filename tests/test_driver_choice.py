"""Choosing a driver explains itself, and an asset whose vendor has a driver is never read
by the generic driver in silence."""

from __future__ import annotations

import json
from pathlib import Path

import assettrack_cisco_ios
import pytest

from assettrack.domain.models import Asset, ConsoleSettings, Site
from assettrack.services.console_reader import ConsoleReader, NoDriver
from assettrack.store.store import Store
from assettrack.testing import make_extensions
from tests.cli_inprocess import Cli

# An ASR 9000 runs IOS XR: the Cisco IOS driver declines it, and no driver here reads it.
ASR_9006 = "ASR-9006"


def test_a_driver_that_declines_the_model_is_named(sample_asset) -> None:
    ext = make_extensions(assettrack_cisco_ios, builtins=True)
    asset = sample_asset(vendor="Cisco Systems, Inc.", model=ASR_9006)
    choice = ext.choose_driver(asset)
    assert choice.driver is not None and choice.driver.name == "generic"
    assert choice.declined == ["cisco_ios"]
    scores = {s.driver: (s.score, s.plugin) for s in choice.scores}
    assert scores["generic"] == (1, "generic_driver")
    assert scores["cisco_ios"] == (0, "assettrack_cisco_ios")
    with pytest.raises(NoDriver) as refused:
        ConsoleReader(ext).choose_driver(asset)
    message = str(refused.value)
    assert "driver cisco_ios reads Cisco Systems, Inc. devices but declines this model" in message
    assert "try --driver cisco_ios" in message and "--driver generic" in message
    # Asked for by name (the command's --driver or the asset's driver field), it is used.
    assert ConsoleReader(ext).choose_driver(asset, "cisco_ios").name == "cisco_ios"
    assert ConsoleReader(ext).choose_driver(asset, "generic").name == "generic"
    named = sample_asset(vendor="Cisco", model=ASR_9006, driver="cisco_ios")
    assert ConsoleReader(ext).choose_driver(named).name == "cisco_ios"
    catalyst = ext.choose_driver(sample_asset(vendor="Cisco", model="C9300-48P"))
    assert catalyst.driver.name == "cisco_ios"
    assert catalyst.reason.startswith("highest score, 50, of ")
    # A vendor no driver takes still gets the generic driver: nothing was declined.
    unknown = sample_asset(vendor="Acme Networks", model="AX-1")
    assert ConsoleReader(ext).choose_driver(unknown).name == "generic"
    assert ext.host.failures == []


@pytest.fixture
def asr_920(tmp_path: Path) -> tuple[Cli, Path, Asset]:
    db = tmp_path / "db"
    with Store.open(db, author="test") as store:
        site = store.sites.save(Site(customer="华东医院集团", name="门诊楼机房"))
        asset = store.assets.save(
            Asset(site.id, "router", "思科", ASR_9006, "CAT2222X0AB", hostname="pe-1",
                  console=ConsoleSettings(port="socket://127.0.0.1:9"))
        )  # fmt: skip
    return Cli(tmp_path), db, asset


def test_explain_driver_prints_every_score_and_why(asr_920) -> None:
    cli, db, asset = asr_920
    text = cli.ok("--db", db, "inspect", asset.serial_number, "--explain-driver")
    lines = text.splitlines()
    assert lines[0] == f"Drivers for pe-1: 思科 (→ Cisco) {ASR_9006}"
    assert any(
        line.split()[:3] == ["generic", "1", "plugin"] and "(fallback)" in line for line in lines
    )
    assert any(
        line.split()[:2] == ["cisco_ios", "0"]
        and f"takes Cisco assets but declines model {ASR_9006}" in line
        for line in lines
    )
    assert any(line.startswith("no read: ") and "try --driver cisco_ios" in line for line in lines)
    explained = json.loads(
        cli.ok("--db", db, "inspect", asset.serial_number, "--explain-driver", "--format", "json")
    )
    assert explained["vendor_resolved"] == "Cisco" and explained["chosen"] is None
    by_name = {d["driver"]: d for d in explained["drivers"]}
    assert by_name["cisco_ios"]["declines_model"] and by_name["cisco_ios"]["score"] == 0
    # With the driver named, it wins, and says why.
    named = cli.ok(
        "--db", db, "inspect", asset.serial_number, "--explain-driver", "--driver", "cisco_ios"
    )
    assert named.splitlines()[-1] == "chosen: cisco_ios — --driver names cisco_ios"


def test_inspect_says_which_driver_to_try_instead_of_reading_nothing(
    asr_920, simulated_console
) -> None:
    cli, db, asset = asr_920
    refused = cli("--db", db, "inspect", asset.serial_number, "--idle-timeout", "1")
    assert refused.returncode == 1 and refused.stdout == ""
    assert "try --driver cisco_ios" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    with Store.open(db, read_only=True) as store:
        assert store.inspections.for_asset(asset.site_id, asset.id) == []  # nothing made
    url = simulated_console("cisco")
    args = ("--db", db, "inspect", asset.serial_number, "--port", url, "--driver", "cisco_ios")
    read = json.loads(cli.ok(*args, "--idle-timeout", "1", "--format", "json"))
    assert read["driver"] == "cisco_ios" and read["readings"]["os_version"]
    assert read["plugin_failures"] == []
