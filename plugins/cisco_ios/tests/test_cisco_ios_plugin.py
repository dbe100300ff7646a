"""The Cisco plugin as assettrack loads it: driver choice, a real console read of the
simulated switch (the console profiles shipped with assettrack), checklist items, proposals
and warranty periods."""

from __future__ import annotations

from datetime import date

import assettrack_cisco_ios as plugin
import pytest

from assettrack.api import ItemResult, Readings, validate_readings
from assettrack.testing import (
    WarrantyRules,
    read_console,
    serial_mismatch,
    warranty_status,
)

# What the shipped `cisco_ios` console's Catalyst 3850 prints, as a read should find it (its
# `_failed_fan` and `_hot_sensor` twins differ only where the tests say).
VERSION = "16.9.5"
UPTIME_SECONDS = ((61 * 24 + 4) * 60 + 17) * 60  # "8 weeks, 5 days, 4 hours, 17 minutes"
CPU_PERCENT = 7
MEMORY_PERCENT = 26
TEMPERATURES = {"Inlet": 31, "Hotspot": 45}
INLET_CRITICAL = 56  # "Red Threshold" of the inlet sensor
FANS = {"FAN 1": "ok", "FAN 2": "ok", "FAN 3": "ok"}
POWER_SUPPLIES = {"1A": "ok"}  # bay 1B is empty
INTERFACES = 26
DOWN = [f"GigabitEthernet1/0/{n}" for n in (5, 10, 15, 20)]  # enabled, link down
CREDENTIALS = ("admin", "Cisco-Lab-3")  # the console's [login]


@pytest.fixture
def cisco_read(plugin_host, sample_asset, console_from_profile, monkeypatch):
    """read(asset_fields, console="cisco_ios", **simulator options) -> (ReadResult, the
    console's profile, asset)."""
    monkeypatch.setenv("CISCO_LAB_USER", CREDENTIALS[0])
    monkeypatch.setenv("CISCO_LAB_PASS", CREDENTIALS[1])

    def read(asset_fields: dict | None = None, console: str = "cisco_ios", **options):
        served = console_from_profile(console, **options)
        device = served.profile
        ext = plugin_host(plugin, builtins=True)
        fields = {"vendor": "Cisco", "model": device.model, "serial_number": device.serial}
        asset = sample_asset(**{**fields, **(asset_fields or {})})
        result = read_console(
            ext, asset, served, credentials_ref="env:CISCO_LAB_USER,CISCO_LAB_PASS"
        )
        assert ext.host.failures == []
        return result, device, asset

    return read


def test_reads_the_simulated_switch_with_a_failed_fan(cisco_read) -> None:
    result, device, _ = cisco_read(console="cisco_ios_failed_fan")
    r = result.readings
    assert result.driver == "cisco_ios"
    assert result.problems == []
    assert set(result.outputs) == set(plugin.DRIVER.commands)
    assert validate_readings(r) == []
    assert (r.vendor, r.model, r.serial_number, r.os_version, r.hostname) == (
        "Cisco",
        device.model,
        device.serial,
        VERSION,
        device.hostname,
    )
    assert r.uptime_seconds == UPTIME_SECONDS
    assert r.cpu_percent == CPU_PERCENT
    assert r.memory_used_percent == pytest.approx(MEMORY_PERCENT, abs=0.1)
    assert r.temperatures == {name: float(v) for name, v in TEMPERATURES.items()}
    fans = {**FANS, "FAN 1": "failed"}
    assert {name: r.fans[name] for name in fans} == fans
    assert r.fans["FAN 1"] == "failed"
    assert r.power_supplies == POWER_SUPPLIES
    assert r.extra["empty_power_bays"] == ["1B"]
    assert r.interfaces_down == DOWN
    assert any("FAN_FAILED" in alarm for alarm in r.alarms)
    assert r.extra["os_family"] == "IOS XE"


def test_hot_sensor_shows_its_temperature_and_alarm(cisco_read) -> None:
    result, _, _ = cisco_read(console="cisco_ios_hot_sensor")
    hot = INLET_CRITICAL + 3
    assert result.readings.temperatures["Inlet"] == hot
    assert result.readings.extra["system_temperature"] == {"Switch 1": "CRITICAL"}
    assert any("TEMP_CRITICAL" in alarm for alarm in result.readings.alarms)
    assert not any("FAN_FAILED" in alarm for alarm in result.readings.alarms)


def test_paging_refused_still_gives_complete_outputs(cisco_read) -> None:
    result, device, _ = cisco_read(refuse_paging_off=True, screen_length=24)
    assert result.problems == []
    assert "--More--" in result.transcript  # the device paged, and the reader answered
    version = result.outputs["show version"]
    assert "--More--" not in version
    assert version.rstrip().endswith("Configuration register is 0x102")
    r = result.readings
    assert r.serial_number == device.serial  # "System Serial Number" is on the second page
    assert r.extra["interfaces_total"] == INTERFACES
    assert r.interfaces_down == DOWN


def test_serial_read_differs_from_a_wrongly_recorded_serial(cisco_read) -> None:
    result, device, asset = cisco_read({"serial_number": "FCW0000X0XX"})
    assert result.readings.serial_number == device.serial
    message = serial_mismatch(asset, result.readings)
    assert message and device.serial in message and "FCW0000X0XX" in message
    result, _, asset = cisco_read()
    assert serial_mismatch(asset, result.readings) is None


# -- matching, checklist, proposals, warranty ----------------------------------------------


@pytest.mark.parametrize(
    ("vendor", "model", "score"),
    [
        ("Cisco", "WS-C3850-24T", 50),
        ("cisco systems, inc.", "ISR4331/K9", 50),
        ("CISCO", "C9300-48P", 50),
        ("Cisco", "N9K-C93180YC-EX", 0),  # NX-OS
        ("Cisco", "ASA5516-X", 0),
        ("Cisco", "ASR-9001", 0),  # IOS XR
        ("Cisco", "ASR9906", 0),  # IOS XR
        ("Cisco", "ASR-920-12CZ-A", 50),  # IOS XE, though its name starts with ASR9
        ("Cisco", "ASR-903", 50),  # IOS XE
        ("Huawei", "S5720-28X-SI-AC", 0),
        ("", "", 0),
    ],
)
def test_match(sample_asset, vendor: str, model: str, score: int) -> None:
    assert plugin.match(sample_asset(vendor=vendor, model=model)) == score


def test_the_cisco_driver_beats_the_generic_one(plugin_host, sample_asset) -> None:
    ext = plugin_host(plugin, builtins=True)
    assert ext.driver_for(sample_asset(vendor="Cisco")).name == "cisco_ios"
    # A Nexus runs NX-OS: the IOS driver declines it, and the shipped NX-OS profile reads it.
    nexus = ext.driver_for(sample_asset(vendor="Cisco", model="N9K-C9336C-FX2"))
    assert nexus.name == "cisco_nxos"
    assert ext.host.failures == []


def test_checklist_items_only_for_cisco(plugin_host, sample_asset) -> None:
    ext = plugin_host(plugin, builtins=True)
    ids = [item.id for item in ext.checklist_for(sample_asset(vendor="Cisco"))]
    assert ids[-4:] == [
        "cisco_config_saved",
        "cisco_redundant_power",
        "cisco_config_register",
        "cisco_reload_reason",
    ]
    huawei = [item.id for item in ext.checklist_for(sample_asset(vendor="Huawei"))]
    assert not [i for i in huawei if i.startswith("cisco_")]
    assert ext.host.failures == []


def _proposals(ext, asset, readings: Readings) -> dict:
    items = ext.checklist_for(asset)
    return {
        item_id: proposal for item_id, (_, proposal) in ext.propose(items, readings, asset).items()
    }


def test_proposals_refine_the_generic_rule(plugin_host, sample_asset) -> None:
    ext = plugin_host(plugin, builtins=True)
    asset = sample_asset(vendor="Cisco")
    one_bay_empty = Readings(
        power_supplies={"1A": "ok"},
        extra={
            "empty_power_bays": ["1B"],
            "config_register": "0x2142",
            "reload_reason": "Critical software exception",
        },
    )
    got = _proposals(ext, asset, one_bay_empty)
    assert got["power_supplies"].result is ItemResult.PASS  # the generic rule: all are ok
    assert (got["cisco_redundant_power"].result, got["cisco_redundant_power"].note) == (
        ItemResult.FAIL,
        "empty bay: 1B",
    )
    assert got["cisco_config_register"].result is ItemResult.FAIL
    assert got["cisco_reload_reason"].result is ItemResult.FAIL
    assert "cisco_config_saved" not in got  # no reading can tell: the engineer checks

    healthy = Readings(
        power_supplies={"1A": "ok", "1B": "ok"},
        extra={"config_register": "0x2102", "reload_reason": "Reload Command"},
    )
    got = _proposals(ext, asset, healthy)
    assert got["cisco_redundant_power"].result is ItemResult.PASS
    assert got["cisco_config_register"].result is ItemResult.PASS
    assert (got["cisco_reload_reason"].result, got["cisco_reload_reason"].value) == (
        ItemResult.PASS,
        "Reload Command",
    )

    single = _proposals(ext, asset, Readings(power_supplies={"1": "ok"}))
    assert single["cisco_redundant_power"].result is ItemResult.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("model", "end"),
    [
        ("WS-C3850-24T", date(2029, 1, 1)),
        ("ISR4331/K9", date(2027, 1, 1)),
        ("C9300-48P", date(2029, 1, 1)),
        ("CISCO2901/K9", date(2025, 1, 1)),
    ],
)
def test_warranty_periods(plugin_host, sample_asset, model: str, end: date) -> None:
    rules = plugin_host(plugin).warranty_rules(WarrantyRules())
    asset = sample_asset(vendor="Cisco", model=model, installed_on=date(2024, 1, 1))
    assert warranty_status(asset, rules, date(2025, 1, 1)).end == end
