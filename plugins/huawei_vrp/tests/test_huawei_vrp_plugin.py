"""The Huawei plugin as assettrack loads it: driver choice, a real console read of the
simulated switch (the console profiles shipped with assettrack), checklist items, proposals
and warranty periods."""

from __future__ import annotations

from datetime import date

import assettrack_huawei_vrp as plugin
import pytest

from assettrack.api import ItemResult, Readings, validate_readings
from assettrack.testing import (
    WarrantyRules,
    read_console,
    serial_mismatch,
    warranty_status,
)

# What the shipped `huawei_vrp` console's S5720 prints, as a read should find it (its
# `_failed_fan` and `_hot_sensor` twins differ only where the tests say).
VERSION = "V200R011C10SPC600"
VRP_RELEASE = "5.170"
UPTIME_SECONDS = ((23 * 24 + 6) * 60 + 41) * 60  # "3 weeks, 2 days, 6 hours, 41 minutes"
CPU_PERCENT = 12
MEMORY_PERCENT = 41
TEMPERATURES = {"1": 39, "2": 44}
CRITICAL = 78  # the upper limit of sensor 1
FANS = {"FAN1": "ok"}
POWER_SUPPLIES = {"PWR1": "ok"}  # bay PWR2 is empty
INTERFACES = 31
DOWN = [
    *(f"GigabitEthernet0/0/{n}" for n in (4, 8, 12, 16, 20)),
    *(f"XGigabitEthernet0/0/{n}" for n in (2, 3, 4)),
]  # enabled, link down
CREDENTIALS = ("admin", "Huawei-Lab-4")  # the console's [login]


@pytest.fixture
def huawei_read(plugin_host, sample_asset, console_from_profile, monkeypatch):
    """read(asset_fields, console="huawei_vrp", **simulator options) -> (ReadResult, the
    console's profile, asset)."""
    monkeypatch.setenv("HUAWEI_LAB_USER", CREDENTIALS[0])
    monkeypatch.setenv("HUAWEI_LAB_PASS", CREDENTIALS[1])

    def read(asset_fields: dict | None = None, console: str = "huawei_vrp", **options):
        served = console_from_profile(console, **options)
        device = served.profile
        ext = plugin_host(plugin, builtins=True)
        fields = {
            "vendor": "Huawei",
            "model": device.model,
            "serial_number": device.serial,
            "kind": "switch",
        }
        asset = sample_asset(**{**fields, **(asset_fields or {})})
        result = read_console(
            ext, asset, served, credentials_ref="env:HUAWEI_LAB_USER,HUAWEI_LAB_PASS"
        )
        assert ext.host.failures == []
        return result, device, asset

    return read


def sensor(name: str) -> str:
    """The simulated switch's sensor "1" is read as "Slot 0 sensor 1"."""
    return f"Slot 0 sensor {name}"


def test_reads_the_simulated_switch_with_a_failed_fan(huawei_read) -> None:
    result, device, _ = huawei_read(console="huawei_vrp_failed_fan")
    r = result.readings
    assert result.driver == "huawei_vrp"
    assert result.problems == []
    assert set(result.outputs) == set(plugin.DRIVER.commands)
    assert validate_readings(r) == []
    assert (r.vendor, r.model, r.serial_number, r.os_version, r.hostname) == (
        "Huawei",
        device.model,
        device.serial,
        VERSION,
        device.hostname,
    )
    assert r.uptime_seconds == UPTIME_SECONDS
    assert r.cpu_percent == CPU_PERCENT
    assert r.memory_used_percent == MEMORY_PERCENT
    assert r.temperatures == {sensor(n): float(v) for n, v in TEMPERATURES.items()}
    assert r.fans == {**FANS, "FAN1": "failed"}
    assert r.fans["FAN1"] == "failed"
    assert r.power_supplies == POWER_SUPPLIES
    assert r.extra["empty_power_bays"] == ["PWR2"]
    assert r.interfaces_down == DOWN
    assert r.alarms == ["Major 2025-03-14 08:48:00 FAN1 had a rotation error reported."]
    assert r.extra["vrp_version"] == VRP_RELEASE


def test_hot_sensor_shows_its_temperature_and_alarm(huawei_read) -> None:
    result, _, _ = huawei_read(console="huawei_vrp_hot_sensor")
    hot = CRITICAL + 3
    r = result.readings
    assert r.temperatures[sensor("1")] == hot
    assert r.extra["abnormal_temperatures"] == [sensor("1")]
    assert [a.split()[0] for a in r.alarms] == ["Critical"]
    assert r.fans == {"FAN1": "ok"}


def test_healthy_switch_reports_no_alarms(huawei_read) -> None:
    result, _, _ = huawei_read()
    assert result.readings.alarms == []
    assert result.readings.extra["abnormal_boards"] == []


def test_paging_refused_still_gives_complete_outputs(huawei_read) -> None:
    result, _, _ = huawei_read(refuse_paging_off=True, screen_length=24)
    assert result.problems == []
    assert "---- More ----" in result.transcript  # the device paged, and the reader answered
    brief = result.outputs["display interface brief"]
    assert "More" not in brief
    assert brief.rstrip().splitlines()[-1].startswith("Vlanif1")
    r = result.readings
    assert r.extra["interfaces_total"] == INTERFACES
    assert r.interfaces_down == DOWN


def test_serial_read_differs_from_a_wrongly_recorded_serial(huawei_read) -> None:
    result, device, asset = huawei_read({"serial_number": "2102350000000000001"})
    assert result.readings.serial_number == device.serial
    message = serial_mismatch(asset, result.readings)
    assert message and device.serial in message and "2102350000000000001" in message


# -- matching, checklist, proposals, warranty ----------------------------------------------


@pytest.mark.parametrize(
    ("vendor", "score"),
    [
        ("Huawei", 50),
        ("HUAWEI TECH", 50),
        ("huawei technologies co., ltd.", 50),
        ("H3C", 0),
        ("Cisco", 0),
        ("", 0),
    ],
)
def test_match(sample_asset, vendor: str, score: int) -> None:
    assert plugin.match(sample_asset(vendor=vendor, model="S5720-28X-SI-AC")) == score


def test_the_huawei_driver_beats_the_generic_one(plugin_host, sample_asset) -> None:
    ext = plugin_host(plugin, builtins=True)
    assert ext.driver_for(sample_asset(vendor="Huawei")).name == "huawei_vrp"
    assert ext.driver_for(sample_asset(vendor="Juniper")).name != "huawei_vrp"
    assert ext.driver_for(sample_asset(vendor="Acme Networks")).name == "generic"


def test_checklist_items_only_for_huawei(plugin_host, sample_asset) -> None:
    ext = plugin_host(plugin, builtins=True)
    ids = [item.id for item in ext.checklist_for(sample_asset(vendor="Huawei"))]
    assert ids[-4:] == [
        "huawei_patch_level",
        "huawei_config_saved",
        "huawei_redundant_power",
        "huawei_boards_normal",
    ]
    cisco = [item.id for item in ext.checklist_for(sample_asset(vendor="Cisco"))]
    assert not [i for i in cisco if i.startswith("huawei_")]
    assert ext.host.failures == []


def _proposals(ext, asset, readings: Readings) -> dict:
    items = ext.checklist_for(asset)
    return {
        item_id: proposal for item_id, (_, proposal) in ext.propose(items, readings, asset).items()
    }


def test_proposals(plugin_host, sample_asset) -> None:
    ext = plugin_host(plugin, builtins=True)
    asset = sample_asset(vendor="Huawei")
    degraded = Readings(
        power_supplies={"PWR1": "ok", "PWR2": "failed"},
        extra={
            "patch_version": "V200R011SPH012",
            "abnormal_boards": ["slot 1 S5720-28X-SI-AC: Offline, alarm -"],
        },
    )
    got = _proposals(ext, asset, degraded)
    assert (got["huawei_redundant_power"].result, got["huawei_redundant_power"].note) == (
        ItemResult.FAIL,
        "not supplying: PWR2",
    )
    assert (got["huawei_patch_level"].result, got["huawei_patch_level"].value) == (
        ItemResult.PASS,
        "V200R011SPH012",
    )
    assert got["huawei_boards_normal"].result is ItemResult.FAIL  # by the generic rule
    assert "huawei_config_saved" not in got

    one_slot_empty = Readings(
        power_supplies={"PWR1": "ok"}, extra={"empty_power_bays": ["PWR2"], "abnormal_boards": []}
    )
    got = _proposals(ext, asset, one_slot_empty)
    assert got["huawei_redundant_power"].result is ItemResult.FAIL
    assert got["huawei_boards_normal"].result is ItemResult.PASS
    assert "huawei_patch_level" not in got

    both = _proposals(ext, asset, Readings(power_supplies={"PWR1": "ok", "PWR2": "ok"}))
    assert both["huawei_redundant_power"].result is ItemResult.PASS


@pytest.mark.parametrize(
    ("model", "end"),
    [
        ("S5720-28X-SI-AC", date(2029, 1, 1)),
        ("AR6280", date(2025, 1, 1)),
        ("CE6850-48S4Q-EI", date(2025, 1, 1)),
        ("USG6555E", date(2027, 1, 1)),
    ],
)
def test_warranty_periods(plugin_host, sample_asset, model: str, end: date) -> None:
    rules = plugin_host(plugin).warranty_rules(WarrantyRules())
    asset = sample_asset(vendor="Huawei", model=model, installed_on=date(2024, 1, 1))
    assert warranty_status(asset, rules, date(2025, 1, 1)).end == end
