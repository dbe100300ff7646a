"""Parsing captured-style Huawei VRP outputs into standard readings."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from assettrack_huawei_vrp import DRIVER, parse, uptime_seconds
from assettrack_huawei_vrp import parsing as p

from assettrack.api import Readings, validate_readings

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("3 weeks, 2 days, 6 hours, 41 minutes", 23 * 86400 + 6 * 3600 + 41 * 60),
        ("85 weeks, 4 days, 0 hour, 10 minutes", 599 * 86400 + 10 * 60),
        ("161 days, 0 hour, 20 minutes", 161 * 86400 + 20 * 60),
        ("0 week, 0 day, 0 hour, 3 minutes", 180),
        ("1 year, 2 weeks, 3 days, 4 hours, 5 minutes", 382 * 86400 + 4 * 3600 + 300),
        ("unknown", None),
    ],
)
def test_uptime_to_seconds(text: str, seconds: int | None) -> None:
    assert uptime_seconds(text) == seconds


def test_display_version_s5720() -> None:
    r = parse({p.DISPLAY_VERSION: fixture("display_version_s5720.txt")})
    assert (r.vendor, r.model, r.os_version) == (
        "Huawei",
        "S5720-52X-PWR-SI-AC",
        "V200R011C10SPC600",
    )
    assert r.uptime_seconds == uptime_seconds("34 weeks, 2 days, 5 hours, 33 minutes")
    assert r.extra == {"vrp_version": "5.170"}


def test_display_version_router_with_patch() -> None:
    r = parse({p.DISPLAY_VERSION: fixture("display_version_cx600_patch.txt")})
    assert (r.model, r.os_version) == ("CX600-M2E", "V800R007C10SPC100")
    assert r.uptime_seconds == 266 * 86400 + 8 * 3600 + 59 * 60
    assert r.extra["patch_version"] == "V800R007SPH019"
    assert r.extra["vrp_version"] == "8.100"


def test_display_version_quidway_model_without_the_product_words() -> None:
    r = parse({p.DISPLAY_VERSION: fixture("display_version_quidway_s7706.txt")})
    assert (r.model, r.os_version) == ("S7706", "V200R010C00SPC600")
    assert r.uptime_seconds == 599 * 86400 + 10 * 60


def test_display_esn_of_a_stack_gives_the_first_member() -> None:
    r = parse({p.DISPLAY_ESN: fixture("display_esn_stack.txt")})
    assert r.serial_number == "2102351931P0C3000154"
    assert r.extra["esn_by_slot"]["1"] == "2102351931P0C3000377"


def test_display_device_modular_switch() -> None:
    r = parse({p.DISPLAY_DEVICE: fixture("display_device_ce12808.txt")})
    assert r.power_supplies == {"PWR1": "ok", "PWR2": "failed"}
    assert r.fans == {"FAN1": "ok", "FAN2": "failed"}
    assert r.extra["abnormal_boards"] == ["slot 4 CE-L24LQ-EC1: Present, alarm Abnormal"]
    assert r.extra["master_board"] == "CE-MPUA-S"
    assert len(r.extra["boards"]) == 6


def test_display_device_stack_member_offline() -> None:
    r = parse({p.DISPLAY_DEVICE: fixture("display_device_ce6850_stack.txt")})
    assert r.fans == {"Slot 1 FAN1": "ok"}
    assert r.power_supplies == {"Slot 1 PWR2": "ok"}
    assert r.extra["abnormal_boards"] == ["slot 2 CE6850-48S4Q-EI: Offline, alarm -"]


def test_temperature_table_of_a_campus_switch_stack() -> None:
    r = parse({p.DISPLAY_TEMPERATURE: fixture("display_temperature_all_s5720_stack.txt")})
    assert r.temperatures == {"Slot 0": 37.0, "Slot 1": 71.0}
    assert r.extra["abnormal_temperatures"] == ["Slot 1"]
    assert r.extra["temperature_upper_limits"]["Slot 1"] == 68.0


def test_temperature_of_a_router_by_template() -> None:
    r = parse({"display temperature": fixture("display_temperature_ne40e.txt")})
    assert r.temperatures == {
        "Slot 2 LPUF41A": 38.0,
        "Slot 2 LPUF41A #2": 36.0,
        "Slot 2 EFGF": 30.0,
        "Slot 27 FAN": 25.0,
    }


def test_fans_and_power_of_a_stack() -> None:
    r = parse(
        {
            p.DISPLAY_FAN: fixture("display_fan_s5720_stack.txt"),
            p.DISPLAY_POWER: fixture("display_power_s5720.txt"),
        }
    )
    assert r.fans == {"FAN1": "ok", "Slot 1 FAN1": "failed"}
    assert r.extra["fan_speed_percent"] == {"FAN1": 45, "Slot 1 FAN1": 0}
    assert r.power_supplies == {"PWR1": "ok", "PWR2": "failed", "Slot 1 PWR1": "ok"}
    assert r.extra["empty_power_bays"] == ["Slot 1 PWR2"]


def test_display_device_names_agree_with_display_fan_and_power() -> None:
    r = parse(
        {
            p.DISPLAY_DEVICE: fixture("display_device_ce12808.txt"),
            p.DISPLAY_POWER: " 0       PWR1     Present  AC     Supply     3000.00\n",
        }
    )
    assert r.power_supplies == {"PWR1": "ok", "PWR2": "failed"}


@pytest.mark.parametrize(
    ("name", "cpu", "peak"),
    [("display_cpu_usage_s5720.txt", 23.0, 87.0), ("display_cpu_usage_ce.txt", 12.0, None)],
)
def test_cpu(name: str, cpu: float, peak: float | None) -> None:
    r = parse({p.DISPLAY_CPU: fixture(name)})
    assert r.cpu_percent == cpu
    assert r.extra.get("cpu_max_percent") == peak


def test_memory_percent_stated_or_computed() -> None:
    stated = parse({p.DISPLAY_MEMORY: fixture("display_memory_usage_s5720.txt")})
    assert stated.memory_used_percent == 51.0
    assert stated.extra["memory_total_bytes"] == 473956352
    computed = parse({p.DISPLAY_MEMORY: fixture("display_memory_usage_no_percent.txt")})
    assert computed.memory_used_percent == 25.0


def test_interfaces_down_leave_out_shut_and_standby_ones() -> None:
    r = parse({p.DISPLAY_INTERFACES: fixture("display_interface_brief_ar.txt")})
    # *down (shut) and ^down (standby) are not faults; up/down and (10G) names are handled.
    assert r.interfaces_down == [
        "GigabitEthernet0/0/0",
        "GigabitEthernet0/0/4",
        "GigabitEthernet0/0/5",
        "GigabitEthernet16/0/1",
    ]
    assert r.extra["interfaces_admin_down"] == 1


def test_active_alarms_and_none() -> None:
    r = parse({p.DISPLAY_ALARMS: fixture("display_alarm_active_s5720.txt")})
    assert r.alarms == [
        "Critical 2024-11-04 22:13:51 The power supply on PWR2 in slot 0 is abnormal, "
        "or no power input.",
        "Minor 2024-11-05 09:02:17 The fan in slot 1 is abnormal.",
    ]
    assert parse({p.DISPLAY_ALARMS: fixture("display_alarm_active_none.txt")}).alarms == []
    assert parse({}).alarms is None


def _standard_fields_empty(readings: Readings) -> bool:
    return all(
        getattr(readings, f.name) in (None, {}, []) for f in fields(readings) if f.name != "extra"
    )


NONSENSE = [
    "",
    "\r\n  \r\n",
    "                 ^\r\nError: Unrecognized command found at '^' position.",
    "lorem ipsum dolor sit amet\nconsectetur adipiscing elit\n",
    "\x00\x80\xf8\xfe\xe0\x9e garbage at the wrong line speed \xfc\xc0",
    "Slot Card Type\n------\n0 - X\n ESN of slot : \n CPU Usage : lots\n 0 PWR1 Present\n" * 2,
    "Memory Using Percentage Is: 250%\nCPU Usage : 400%",
]


@pytest.mark.parametrize("text", NONSENSE)
def test_nonsense_never_raises_and_reads_nothing(text: str) -> None:
    readings = parse({command: text for command in DRIVER.commands})
    assert _standard_fields_empty(readings)
    assert set(readings.extra) <= {"parse_errors"}
    assert validate_readings(readings) == []


def test_empty_and_odd_inputs() -> None:
    assert parse({}) == Readings()
    assert parse({"display clock": "2025-03-14 09:30:00+00:00"}) == Readings()
    odd = parse({p.DISPLAY_VERSION: None, p.DISPLAY_CPU: 42})  # type: ignore[dict-item]
    assert _standard_fields_empty(odd)
    broken = parse(None)  # type: ignore[arg-type]
    assert _standard_fields_empty(broken) and broken.extra["parse_errors"]


def test_a_failing_command_leaves_a_note_and_the_others_still_parse() -> None:
    readings = parse(
        {
            p.DISPLAY_DEVICE: "Device status:\nthis line breaks the template\n",
            p.DISPLAY_CPU: " CPU Usage            : 7% Max: 30%",
        }
    )
    assert readings.cpu_percent == 7.0
    assert readings.fans == {}
    assert readings.extra["parse_errors"][0].startswith(p.DISPLAY_DEVICE)


def test_a_vrp_3_version_the_template_does_not_know_is_still_read() -> None:
    # VRP 3.x states no product version in brackets: "Version 3.40, Release 0201P19".
    text = (
        "Huawei Versatile Routing Platform Software\n"
        "VRP (R) Software, Version 3.40, Release 0201P19\n"
        "Copyright (c) 1998-2009 Huawei Technologies Co., Ltd. All rights reserved.\n"
        "Quidway S3928P-EI uptime is 1 week, 2 days, 3 hours, 4 minutes\n"
    )
    readings = parse({p.DISPLAY_VERSION: text})
    assert readings.os_version == "3.40 Release 0201P19"
    assert readings.model == "S3928P-EI"
    assert readings.uptime_seconds == uptime_seconds("1 week, 2 days, 3 hours, 4 minutes")
