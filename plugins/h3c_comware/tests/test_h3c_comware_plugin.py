"""The H3C plugin as assettrack loads it: driver choice, checklist, proposals, warranty and
vendor names, and real reads of the simulated Comware switch through `assettrack inspect`,
over TCP (a console server) and over a pseudo-terminal (a serial line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import assettrack_h3c_comware as plugin
import pytest

from assettrack.api import ItemResult, Readings

# The simulated switch (assettrack sim --vendor h3c) as it describes itself.
MODEL, SERIAL, RELEASE = "S6520X-30QC-EI", "219801A2AE8204Q00012", "6616P01"
SECRETS = ("h3cPublic", "kSOd9Wy3Ly5wzlXh52xRy", "Yr7tZMNvsiXzQcTy")


def cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSETTRACK_DB": str(db), "ASSETTRACK_TODAY": "2025-03-14"}
    return subprocess.run(
        [sys.executable, "-m", "assettrack", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def database(tmp_path: Path) -> Path:
    db = tmp_path / "db"
    rows = tmp_path / "assets.csv"
    rows.write_text(
        "customer,site,kind,vendor,model,serial_number,hostname\n"
        f"Contoso,Head Office,switch,新华三,{MODEL},{SERIAL},core-1\n",
        encoding="utf-8",
    )
    assert cli("init", db=db).returncode == 0
    done = cli("import", "assets", str(rows), "--create-sites", db=db)
    assert done.returncode == 0, done.stderr
    return db


def inspect(db: Path, port: str) -> dict:
    done = cli("inspect", SERIAL, "--port", port, "--idle-timeout", "1", "--format", "json", db=db)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_inspect_reads_the_simulated_switch_over_tcp(database, simulated_console) -> None:
    report = inspect(database, simulated_console("h3c", failed_fan=True))
    assert report["driver"] == "h3c_comware" and report["problems"] == []
    r = report["readings"]
    assert (r["vendor"], r["model"], r["serial_number"], r["hostname"]) == (
        "H3C",
        MODEL,
        SERIAL,
        "H3C",
    )
    assert r["os_version"] == f"7.1.070, Release {RELEASE}"
    assert (r["cpu_percent"], r["memory_used_percent"]) == (9.0, 38.0)
    assert r["fans"] == {"Fan 1": "failed", "Fan 2": "ok"}
    assert r["power_supplies"] == {"Power 1": "ok"}
    assert r["temperatures"] == {"hotspot 1": 43.0, "hotspot 2": 36.0, "inflow 1": 29.0}
    assert r["interfaces_down"] == ["XGE1/0/6", "XGE1/0/12", "XGE1/0/18", "FGE1/0/26"]
    assert r["extra"]["device_clock"] == "2025-03-14 09:30:00"
    items = {i["item_id"]: i for i in report["items"]}
    assert items["fans"]["result"] == "fail"
    assert (items["h3c_release"]["result"], items["h3c_release"]["value"]) == ("pass", RELEASE)
    assert items["h3c_redundant_power"]["result"] == "fail"  # one slot empty
    assert items["h3c_config_saved"]["result"] == "pass"
    config = report["configuration"]
    assert config["command"] == "display current-configuration" and config["saved"] is True
    assert not any(secret in json.dumps(report) for secret in SECRETS)


def test_inspect_reads_the_simulated_switch_over_a_serial_line(database) -> None:
    """`assettrack sim --vendor h3c` on a pseudo-terminal, read at 9600 baud."""
    if not hasattr(os, "openpty"):
        pytest.skip("pseudo-terminals need Linux or macOS")
    sim = subprocess.Popen(
        [sys.executable, "-m", "assettrack", "sim", "--vendor", "h3c"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = sim.stdout.readline() if sim.stdout else ""
        port = line.rsplit(": ", 1)[-1].strip()
        assert port.startswith("/dev/"), line
        started = time.monotonic()
        report = inspect(database, port)
        assert time.monotonic() - started < 60
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    assert report["driver"] == "h3c_comware" and report["problems"] == []
    assert report["readings"]["serial_number"] == SERIAL
    assert report["readings"]["fans"] == {"Fan 1": "ok", "Fan 2": "ok"}


# -- matching, checklist, proposals, warranty, names ----------------------------------------


@pytest.mark.parametrize(
    ("vendor", "score"),
    [
        ("H3C", 50),
        ("h3c", 50),
        ("New H3C Technologies Co., Ltd.", 50),
        ("新华三", 50),
        ("紫光新华三", 50),
        ("HPE Comware", 50),
        ("Huawei", 0),
        ("HPE", 0),
        ("Cisco", 0),
        ("", 0),
    ],
)
def test_match(sample_asset, vendor: str, score: int) -> None:
    assert plugin.match(sample_asset(vendor=vendor, model=MODEL)) == score


def test_the_h3c_driver_beats_the_generic_one(plugin_host, sample_asset) -> None:
    ext = plugin_host(plugin, builtins=True)
    assert ext.driver_for(sample_asset(vendor="H3C")).name == "h3c_comware"
    assert ext.driver_for(sample_asset(vendor="Huawei")).name == "generic"
    assert ext.host.failures == []


def test_checklist_items_only_for_h3c(plugin_host, sample_asset) -> None:
    ext = plugin_host(plugin, builtins=True)
    ids = [item.id for item in ext.checklist_for(sample_asset(vendor="H3C"))]
    assert ids[-3:] == ["h3c_config_saved", "h3c_redundant_power", "h3c_release"]
    assert not [
        i.id for i in ext.checklist_for(sample_asset(vendor="Cisco")) if i.id.startswith("h3c_")
    ]


def test_proposals(plugin_host, sample_asset) -> None:
    ext = plugin_host(plugin, builtins=True)
    asset = sample_asset(vendor="H3C")
    items = ext.checklist_for(asset)
    readings = Readings(
        power_supplies={"Power 1": "ok", "Power 2": "failed"},
        extra={"config_saved": False, "release": "6616P01"},
    )
    got = {k: p for k, (_, p) in ext.propose(items, readings, asset).items()}
    assert (got["h3c_config_saved"].result, got["h3c_config_saved"].value) == (
        ItemResult.FAIL,
        "no",
    )
    assert got["h3c_redundant_power"].result is ItemResult.FAIL
    assert got["h3c_release"].value == "6616P01"
    unknown = {k: p for k, (_, p) in ext.propose(items, Readings(), asset).items()}
    assert "h3c_config_saved" not in unknown  # the device was not asked


def test_warranty_period_and_vendor_names() -> None:
    rules: list = []
    plugin.assettrack_warranty_rules(rules.append)
    assert [(r.vendor, r.months) for r in rules] == [("H3C", 36)]
    names: list = []
    plugin.assettrack_vendor_aliases(names.append)
    (h3c,) = names
    assert h3c.vendor == "H3C" and {"新华三", "New H3C", "Huawei-3Com"} <= set(h3c.aliases)


def test_the_plugin_loads_with_no_failures(plugin_host) -> None:
    ext = plugin_host(plugin, builtins=True)
    assert "h3c_comware" in ext.drivers and ext.host.failures == []
