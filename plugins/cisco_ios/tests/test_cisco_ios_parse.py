"""Parsing captured-style Cisco IOS / IOS XE outputs into standard readings."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from assettrack_cisco_ios import DRIVER, parse, uptime_seconds
from assettrack_cisco_ios import parsing as p

from assettrack.api import Readings, validate_readings

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        (
            "1 year, 2 weeks, 3 days, 4 hours, 5 minutes",
            365 * 86400 + 14 * 86400 + 3 * 86400 + 4 * 3600 + 5 * 60,
        ),
        ("8 weeks, 5 days, 4 hours, 17 minutes", 61 * 86400 + 4 * 3600 + 17 * 60),
        (
            "2 years, 31 weeks, 6 days, 9 hours, 55 minutes",
            2 * 365 * 86400 + 223 * 86400 + 9 * 3600 + 55 * 60,
        ),
        ("3 weeks, 6 days, 32 minutes", 27 * 86400 + 32 * 60),
        ("1 minute", 60),
        ("", None),
        ("a while", None),
    ],
)
def test_uptime_to_seconds(text: str, seconds: int | None) -> None:
    assert uptime_seconds(text) == seconds


def test_show_version_classic_ios_catalyst_4948e() -> None:
    r = parse({p.SHOW_VERSION: fixture("show_version_c4948e_ios.txt")})
    assert (r.vendor, r.hostname, r.model, r.serial_number, r.os_version) == (
        "Cisco",
        "dist-sw-02",
        "WS-C4948E",
        "CAT1602R0KZ",
        "12.2(54)SG1",
    )
    assert r.uptime_seconds == uptime_seconds("2 years, 31 weeks, 6 days, 9 hours, 55 minutes")
    assert r.extra["os_family"] == "IOS"
    assert r.extra["config_register"] == "0x2142"
    assert r.extra["software_image"] == "cat4500e-ENTSERVICESK9-M"


def test_show_version_ios_xe_catalyst_9500() -> None:
    r = parse({p.SHOW_VERSION: fixture("show_version_c9500_iosxe.txt")})
    assert (r.hostname, r.model, r.serial_number, r.os_version) == (
        "core-sw-01",
        "C9500-40X",
        "FCW2301A1B2",
        "16.12.4",
    )
    assert r.uptime_seconds == 45394680  # 1 year, 22 weeks, 6 days, 9 hours, 38 minutes
    assert r.extra["os_family"] == "IOS XE"
    assert r.extra["reload_reason"] == "Reload Command"
    assert r.extra["config_register"] == "0x102"


def test_show_inventory_stack_gives_chassis_serial_and_parts() -> None:
    r = parse({p.SHOW_INVENTORY: fixture("show_inventory_c9300_stack.txt")})
    assert (r.model, r.serial_number) == ("C9300-48P", "FOC2245X0LM")
    parts = {item["name"]: item for item in r.extra["inventory"]}
    assert parts["Switch 1 - Power Supply B"]["serial"] == "DCB2243G2CD"
    assert parts["Te1/1/1"]["pid"] == "SFP-10G-SR"
    assert len(parts) == 8


def test_show_version_wins_over_inventory() -> None:
    r = parse(
        {
            p.SHOW_INVENTORY: fixture("show_inventory_c9300_stack.txt"),
            p.SHOW_VERSION: fixture("show_version_c9500_iosxe.txt"),
        }
    )
    assert (r.model, r.serial_number) == ("C9500-40X", "FCW2301A1B2")


def test_power_supplies_of_a_stack_with_a_failed_and_empty_bays() -> None:
    r = parse({p.SHOW_POWER: fixture("show_environment_power_all_3850_stack.txt")})
    assert r.power_supplies == {"1A": "ok", "2B": "failed", "3A": "ok", "3B": "ok"}
    assert r.extra["empty_power_bays"] == ["1B", "2A"]
    assert r.extra["power_supply_details"]["2B"]["status"] == "No Input Power"


def test_built_in_power_supplies_of_2960() -> None:
    r = parse({p.SHOW_POWER: fixture("show_environment_power_all_2960s.txt")})
    assert r.power_supplies == {"1": "ok", "2": "ok"}


def test_temperatures_of_a_stack_by_template() -> None:
    r = parse({p.SHOW_TEMPERATURE: fixture("show_environment_temperature_stack.txt")})
    assert r.temperatures == {
        "Switch 1 Inlet": 29.0,
        "Switch 1 Hotspot": 67.0,
        "Switch 2 Inlet": 48.0,
        "Switch 2 Hotspot": 69.0,
    }
    assert r.extra["system_temperature"] == {"Switch 1": "OK", "Switch 2": "WARNING"}


def test_temperature_sensor_the_template_does_not_know_is_read_by_regex() -> None:
    r = parse({p.SHOW_TEMPERATURE: fixture("show_environment_temperature_outlet.txt")})
    assert r.temperatures == {"Inlet": 27.0, "Outlet": 38.0, "Hotspot": 52.0}
    assert "parse_errors" not in r.extra


def test_fans_table_of_a_stack_with_a_failed_fan() -> None:
    r = parse({p.SHOW_FANS: fixture("show_environment_fan_9300.txt")})
    assert r.fans["Switch 1 FAN 3"] == "failed"
    assert r.fans["Switch 2 FAN 3"] == "ok"
    assert r.fans["FAN PS-1"] == "ok"
    assert len(r.fans) == 7
    assert r.extra["empty_fan_bays"] == ["FAN PS-2"]


def test_single_fan_sentence_of_2960() -> None:
    assert parse({p.SHOW_FANS: fixture("show_environment_fan_2960.txt")}).fans == {"FAN": "ok"}


def test_cpu_from_full_and_filtered_output() -> None:
    full = parse({"show processes cpu": fixture("show_processes_cpu_full.txt")})
    assert full.cpu_percent == 4.0
    assert full.extra["cpu_one_minute_percent"] == 6.0
    line = "CPU utilization for five seconds: 93%/12%; one minute: 71%; five minutes: 40%\r\n"
    assert parse({p.SHOW_CPU: line}).cpu_percent == 93.0


def test_memory_percent_from_processor_pool() -> None:
    r = parse({"show processes memory sorted": fixture("show_processes_memory_sorted.txt")})
    assert r.memory_used_percent == pytest.approx(25.7, abs=0.05)
    assert r.extra["memory_total_bytes"] == 919638648


def test_interfaces_down_are_enabled_ones_only() -> None:
    r = parse({p.SHOW_INTERFACES: fixture("show_ip_interface_brief_isr.txt")})
    # "administratively down" and "deleted" are not faults; up/down (protocol) is.
    assert r.interfaces_down == ["GigabitEthernet0/0/2", "Serial0/1/0"]
    assert r.extra["interfaces_total"] == 8


def test_alarms_are_serious_log_messages_without_routine_link_changes() -> None:
    r = parse({"show logging": fixture("show_logging_mixed.txt")})
    assert r.alarms == [
        "Jun 19 04:15:10: %PLATFORM_ENV-1-FAN: Faulty fan1 detected",
        "Jun 19 05:40:55: %ILPOWER-3-CONTROLLER_PORT_ERR: Controller port error, "
        "Interface Gi2/0/7: Power Controller reports power Imax error detected",
    ]


def test_no_serious_log_message_means_no_alarms_but_no_output_means_not_read() -> None:
    assert parse({p.SHOW_LOGGING: ""}).alarms == []
    assert parse({}).alarms is None


def _standard_fields_empty(readings: Readings) -> bool:
    return all(
        getattr(readings, f.name) in (None, {}, []) for f in fields(readings) if f.name != "extra"
    )


NONSENSE = [
    "",
    "   \r\n\r\n",
    "% Invalid input detected at '^' marker.",
    "lorem ipsum dolor sit amet\nconsectetur adipiscing elit\n",
    "\x00\x80\xf8\xfe\xe0\x9e garbage at the wrong line speed \xfc\xc0",
    "NAME: broken\nPID: , VID: , SN:\nSwitch 9: SYSTEM TEMPERATURE is\n1A  \n" * 3,
    "CPU utilization for five seconds: lots",
]


@pytest.mark.parametrize("text", NONSENSE)
def test_nonsense_never_raises_and_reads_nothing(text: str) -> None:
    readings = parse({command: text for command in DRIVER.commands})
    assert _standard_fields_empty(readings)
    assert set(readings.extra) <= {"parse_errors"}
    assert validate_readings(readings) == []


def test_empty_and_odd_inputs() -> None:
    assert parse({}) == Readings()
    assert parse({"show clock": "*09:30:00.000 UTC Fri Mar 14 2025"}) == Readings()
    odd = parse({p.SHOW_VERSION: None, p.SHOW_CPU: 42})  # type: ignore[dict-item]
    assert _standard_fields_empty(odd)
    broken = parse(None)  # type: ignore[arg-type]
    assert _standard_fields_empty(broken) and broken.extra["parse_errors"]


def test_a_failing_command_leaves_a_note_and_the_others_still_parse() -> None:
    readings = parse(
        {
            p.SHOW_POWER: "SW  PID  Serial#\n?? this line breaks the template\n",
            p.SHOW_CPU: "CPU utilization for five seconds: 5%/1%; one minute: 4%; five minutes: 3%",
        }
    )
    assert readings.cpu_percent == 5.0
    assert readings.power_supplies == {}
    assert readings.extra["parse_errors"][0].startswith(p.SHOW_POWER)


# The version lines an outside check met on real devices, as their first lines read. The
# running image's version, never the ROM's, and without the release words after it.
VERSION_FORMS = {
    "Cisco IOS Software, 7200 Software (C7200-ADVENTERPRISEK9-M), Experimental Version "
    "15.1(20130726:213425) [dstivers 104]": "15.1(20130726:213425)",
    "ROM: System Bootstrap, Version 12.2(44r)SE3, RELEASE SOFTWARE (fc1)\n"
    "Cisco IOS Software, Experimental Version 15.6(20170101:000000) [user 100]": (
        "15.6(20170101:000000)"
    ),
    "Cisco Internetwork Operating System Software\nIOS (tm) C2600 Software (C2600-I-M), Version "
    "12.2(13), RELEASE SOFTWARE (fc1)\nROM: System Bootstrap, Version 11.3(2)XA4, RELEASE "
    "SOFTWARE (fc1)": "12.2(13)",
    "IOS (tm) C3550 Software (C3550-I5Q3L2-M), Version 12.1(22)EA4, PLATFORM SPECIFIC RELEASE "
    "SOFTWARE (fc1)": "12.1(22)EA4",
    "IOS (tm) 7200 Software (C7200-JS-M), Version 12.3(4)T4,  EARLY DEPLOYMENT RELEASE SOFTWARE "
    "(fc2)": "12.3(4)T4",
    "Cisco IOS Software, C3750 Software (C3750-IPBASEK9-M), Version "
    "15.2(CML_NIGHTLY_20151103)FLO_DSGS7, EARLY DEPLOYMENT DEVELOPMENT BUILD": (
        "15.2(CML_NIGHTLY_20151103)FLO_DSGS7"
    ),
}


@pytest.mark.parametrize("head", list(VERSION_FORMS), ids=range(len(VERSION_FORMS)))
def test_the_running_image_version_in_every_form(head: str) -> None:
    text = f"{head}\nTechnical Support: http://www.cisco.com/techsupport\nr1 uptime is 5 minutes\n"
    assert parse({p.SHOW_VERSION: text}).os_version == VERSION_FORMS[head]
