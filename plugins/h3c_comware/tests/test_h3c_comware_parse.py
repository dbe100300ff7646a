"""Parsing Comware 7 and Comware 5 outputs (tests/fixtures) into standard readings."""

from __future__ import annotations

from pathlib import Path

import pytest
from assettrack_h3c_comware import DRIVER, parse
from assettrack_h3c_comware import parsing as p

from assettrack.api import Readings

FIXTURES = Path(__file__).parent / "fixtures"


def read(command: str, name: str) -> Readings:
    return parse({command: (FIXTURES / name).read_text()})


def test_display_version_comware7_stack_with_a_patch() -> None:
    r = read(p.DISPLAY_VERSION, "display_version_s6520x.txt")
    assert (r.vendor, r.model, r.os_version) == (
        "H3C",
        "S6520X-54QC-EI",
        "7.1.070, Release 6616P01",
    )
    assert r.uptime_seconds == (12 * 7 + 3) * 86400 + 4 * 3600 + 28 * 60
    assert r.extra["release"] == "6616P01" and r.extra["patch_version"] == "6616P01H03"
    assert r.extra["last_reboot_reason"] == "Cold reboot"


def test_display_version_router_keeps_the_system_uptime_not_the_boards() -> None:
    r = read(p.DISPLAY_VERSION, "display_version_msr3620.txt")
    assert (r.model, r.os_version) == ("MSR3620", "7.1.064, Release 0821P16")
    assert r.uptime_seconds == 86400 + 7 * 60
    assert "patch_version" not in r.extra  # "None"


def test_display_version_comware5_and_hpe() -> None:
    old = read(p.DISPLAY_VERSION, "display_version_s5120_comware5.txt")
    assert (old.model, old.os_version) == ("S5120-28P-SI", "5.20.99, Release 1106P05")
    assert old.uptime_seconds == (85 * 7 + 4) * 86400 + 10 * 60
    hpe = read(p.DISPLAY_VERSION, "display_version_hpe5130.txt")
    assert (hpe.vendor, hpe.model, hpe.extra["release"]) == ("HPE", "5130 24G 4SFP+ EI", "3208P07")


def test_manuinfo_gives_the_first_members_serial_and_every_part() -> None:
    r = read(p.DISPLAY_MANUINFO, "display_device_manuinfo_stack.txt")
    assert (r.model, r.serial_number) == ("S6520X-54QC-EI", "219801A2AE8204Q00012")
    assert r.extra["serial_by_slot"]["2"] == "219801A2AE8204Q00377"
    assert [c["part"] for c in r.extra["components"]] == ["Slot 1", "Power 1", "Fan 1", "Slot 2"]


@pytest.mark.parametrize(
    ("name", "clock", "zone"),
    [
        ("display_clock_comware7.txt", "2025-03-14 10:09:00", "Beijing"),
        ("display_clock_comware5.txt", "2017-06-21 09:37:44", "UTC"),
    ],
)
def test_display_clock_both_forms(name: str, clock: str, zone: str) -> None:
    r = read(p.DISPLAY_CLOCK, name)
    assert (r.extra["device_clock"], r.extra["device_time_zone"]) == (clock, zone)


def test_fans_of_a_stack_name_their_member() -> None:
    r = read(p.DISPLAY_FAN, "display_fan_stack_failed.txt")
    assert r.fans == {
        "Slot 1 Fan 1": "ok",
        "Slot 1 Fan 2": "ok",
        "Slot 2 Fan 1": "failed",
        "Slot 2 Fan 2": "failed",
    }  # Fault, Absent
    assert read(p.DISPLAY_FAN, "display_fan_comware5.txt").fans == {"Fan 1": "ok"}


def test_power_table_and_comware5_blocks() -> None:
    r = read(p.DISPLAY_POWER, "display_power_s6520x.txt")
    assert r.power_supplies == {"Power 1": "ok"}
    assert r.extra["empty_power_bays"] == ["Power 2"] and r.extra["power_watts"] == {
        "Power 1": 43.0
    }
    old = read(p.DISPLAY_POWER, "display_power_comware5_fault.txt")
    assert old.power_supplies == {"Power 1": "ok", "Power 2": "failed"}


def test_cpu_is_the_busiest_member() -> None:
    r = read(p.DISPLAY_CPU, "display_cpu_usage_stack.txt")
    assert r.cpu_percent == 23.0 and r.extra["cpu_by_member"]["Slot 1 CPU 0"] == 6.0
    assert read(p.DISPLAY_CPU, "display_cpu_usage_comware5.txt").cpu_percent == 12.0


def test_memory_both_forms() -> None:
    new = read(p.DISPLAY_MEMORY, "display_memory_comware7.txt")
    assert new.memory_used_percent == 38.5  # 61.5 % free
    assert new.extra["memory_total_bytes"] == 1990328 * 1024
    old = read(p.DISPLAY_MEMORY, "display_memory_comware5.txt")
    assert old.memory_used_percent == 44.0 and old.extra["memory_total_bytes"] == 431869088


def test_environment_stack_flags_a_sensor_over_its_warning_limit() -> None:
    r = read(p.DISPLAY_ENVIRONMENT, "display_environment_s6520x.txt")
    assert r.temperatures["Slot 1 hotspot 1"] == 43.0 and r.temperatures["Slot 2 hotspot 1"] == 82.0
    assert r.extra["abnormal_temperatures"] == ["Slot 2 hotspot 1"]
    old = read(p.DISPLAY_ENVIRONMENT, "display_environment_comware5.txt")
    assert old.temperatures == {"Slot 1": 38.0}


def test_interfaces_down_are_not_the_shut_or_standby_ones() -> None:
    r = read(p.DISPLAY_INTERFACES, "display_interface_brief_s6520x.txt")
    assert r.interfaces_down == ["XGE1/0/2"]
    assert (r.extra["interfaces_total"], r.extra["interfaces_admin_down"]) == (7, 1)


def test_every_command_together_and_nothing_raises() -> None:
    outputs = {
        p.DISPLAY_VERSION: (FIXTURES / "display_version_s6520x.txt").read_text(),
        p.DISPLAY_MANUINFO: (FIXTURES / "display_device_manuinfo_stack.txt").read_text(),
        p.DISPLAY_FAN: "garbage\r\n\x00\x80",
        p.DISPLAY_POWER: "",
    }
    r = parse(outputs)
    assert r.serial_number == "219801A2AE8204Q00012" and r.fans == {}
    assert set(DRIVER.commands) == set(p.PARSERS)
    assert parse(None).extra["parse_errors"]  # type: ignore[arg-type]
