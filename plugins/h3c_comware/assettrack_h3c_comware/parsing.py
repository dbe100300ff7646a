"""H3C Comware command outputs -> standard readings.

Each command is parsed on its own; a parser that fails leaves its readings empty and notes
why in ``extra["parse_errors"]``. ntc-templates' ``hp_comware`` templates are used where
they exist; the other commands have TextFSM templates of their own in ``templates/``, built
on the outputs in ``tests/fixtures`` (Comware 7 and Comware 5 forms).

==========================  ================================================================
command                     parser
==========================  ================================================================
display version             templates/h3c_comware_display_version.textfsm
display device manuinfo     ntc-templates
display clock               ntc-templates (Comware 5 form); a regex for Comware 7's, which
                            prints milliseconds the template does not expect
display fan                 templates/h3c_comware_display_fan.textfsm
display power               templates/h3c_comware_display_power.textfsm
display cpu-usage           templates/h3c_comware_display_cpu-usage.textfsm
display memory              templates/h3c_comware_display_memory.textfsm
display environment         templates/h3c_comware_display_environment.textfsm
display interface brief     ntc-templates
==========================  ================================================================
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from assettrack.api import (
    FAILED,
    OK,
    Readings,
    is_stack,
    member_name,
    normalize_newlines,
    ntc_parse,
    parse_outputs,
    uptime_seconds,
)

PLATFORM = "hp_comware"  # ntc-templates' name for Comware
TEMPLATES = Path(__file__).parent / "templates"

DISPLAY_VERSION = "display version"
DISPLAY_MANUINFO = "display device manuinfo"
DISPLAY_CLOCK = "display clock"
DISPLAY_FAN = "display fan"
DISPLAY_POWER = "display power"
DISPLAY_CPU = "display cpu-usage"
DISPLAY_MEMORY = "display memory"
DISPLAY_ENVIRONMENT = "display environment"
DISPLAY_INTERFACES = "display interface brief"


@cache
def _template_text(command: str) -> str:
    return (TEMPLATES / f"h3c_comware_{command.replace(' ', '_')}.textfsm").read_text()


def _own(command: str, text: str) -> list[dict[str, str]]:
    """This plugin's template for ``command``: rows as {lower-case field: value}."""
    import io

    import textfsm

    fsm = textfsm.TextFSM(io.StringIO(_template_text(command)))
    header = [h.lower() for h in fsm.header]
    rows = fsm.ParseText(normalize_newlines(text))
    return [dict(zip(header, row, strict=True)) for row in rows]


def _member(name: str, slot: str, slots: set[str]) -> str:
    """ "Fan 1" on a single switch; "Slot 2 Fan 1" (slot 1's too) in an IRF stack."""
    return member_name(name, slot, stacked=is_stack(slots), lone=("",))


# -- one parser per command ---------------------------------------------------------------

# Words after the model: "HP A5800-24G-SFP Switch with 1 Interface Slot", "HPE 5130 ... Switch"
_MODEL_TAIL = re.compile(r"\s+(Switch|Router)\b.*$", re.IGNORECASE)


def parse_version(text: str) -> Readings:
    rows = _own(DISPLAY_VERSION, text)
    if not rows or not rows[0]["software_version"]:
        return Readings()
    row = rows[0]
    vendor = row["vendor"] or "H3C"
    readings = Readings(vendor="H3C" if vendor.upper() == "H3C" else vendor)
    readings.model = _MODEL_TAIL.sub("", row["model"]).strip() or None
    readings.os_version = f"{row['software_version']}, Release {row['release']}"
    readings.uptime_seconds = uptime_seconds(row["uptime"])
    extra: dict[str, Any] = {
        "comware_version": row["software_version"],
        "release": row["release"],
    }
    if row["last_reboot_reason"]:
        extra["last_reboot_reason"] = row["last_reboot_reason"]
    if row["system_image"]:
        extra["system_image"] = row["system_image"]
    if row["patch_version"] and row["patch_version"].lower() != "none":
        extra["patch_version"] = row["patch_version"]
    readings.extra = extra
    return readings


# Entries that are the device itself: the chassis, a slot (a box, an IRF member, or a board
# of a chassis that does not print its own entry), or the one entry a box prints with no
# slot heading (wireless controllers); not fans or power supplies.
_UNITS = ("chassis", "slot", "")


def parse_manuinfo(text: str) -> Readings:
    rows = ntc_parse(PLATFORM, DISPLAY_MANUINFO, text)
    boards = [r for r in rows if r["slot_type"].lower() in _UNITS and r["device_name"]]
    if not boards:
        return Readings()
    first = boards[0]
    extra: dict[str, Any] = {
        "components": [
            {
                "part": f"{r['slot_type']} {r['slot_id']}".strip() or "Device",
                "name": r["device_name"].strip(),
                "serial": r["device_serial_number"],
                "made": r["manufacturing_date"],
            }
            for r in rows
            if r["device_name"]
        ]
    }
    if len(boards) > 1:
        # "2", or "1/self" and "2/self" for the chassis of two chassis in one IRF.
        extra["serial_by_slot"] = {
            "/".join(p for p in (r["chassis_id"], r["slot_id"]) if p): r["device_serial_number"]
            for r in boards
        }
    if first["mac_address"]:
        extra["mac_address"] = first["mac_address"]
    serial = first["device_serial_number"] or None
    return Readings(model=first["device_name"].strip(), serial_number=serial, extra=extra)


# Comware 7: "10:09:00.258 UTC Fri 03/16/2018"; Comware 5: "09:37:44 UTC Wed 06/21/2017"
_CLOCK = re.compile(
    r"^\s*(\d{1,2}:\d{2}:\d{2})(?:\.\d+)?\s+(\S+)\s+\w{3}\s+(\d{2})/(\d{2})/(\d{4})\s*$",
    re.MULTILINE,
)


def parse_clock(text: str) -> Readings:
    rows = ntc_parse(PLATFORM, DISPLAY_CLOCK, text)
    if rows:
        row = rows[0]
        time, zone, month, day, year = (
            row["time"],
            row["timezone"],
            row["month"],
            row["day"],
            row["year"],
        )
    else:
        found = _CLOCK.search(normalize_newlines(text))
        if not found:
            return Readings()
        time, zone, month, day, year = found.groups()
    clock = f"{year}-{int(month):02d}-{int(day):02d} {time}"
    return Readings(extra={"device_clock": clock, "device_time_zone": zone})


_GOOD = {"normal", "ok"}


def parse_fan(text: str) -> Readings:
    rows = _own(DISPLAY_FAN, text)
    slots = {r["slot"] for r in rows}
    fans: dict[str, str] = {}
    for row in rows:
        name = _member(f"Fan {row['fan']}", row["slot"], slots)
        # A fan tray missing ("Absent") is a fault, not an empty option bay.
        fans[name] = OK if row["state"].lower() in _GOOD else FAILED
    return Readings(fans=fans)


def parse_power(text: str) -> Readings:
    rows = _own(DISPLAY_POWER, text)
    slots = {r["slot"] for r in rows}
    supplies: dict[str, str] = {}
    empty: list[str] = []
    watts: dict[str, float] = {}
    for row in rows:
        name = _member(f"Power {row['power']}", row["slot"], slots)
        state = row["state"].lower()
        if state in ("absent", "notinstalled", "not-install"):
            empty.append(name)
            continue
        supplies[name] = OK if state in _GOOD else FAILED
        if re.fullmatch(r"\d+(\.\d+)?", row["watts"]):
            watts[name] = float(row["watts"])
    extra: dict[str, Any] = {}
    if empty:
        extra["empty_power_bays"] = empty
    if watts:
        extra["power_watts"] = watts
    return Readings(power_supplies=supplies, extra=extra)


def parse_cpu(text: str) -> Readings:
    rows = [r for r in _own(DISPLAY_CPU, text) if r["five_seconds"]]
    if not rows:
        return Readings()
    by_member = {f"Slot {r['slot']} CPU {r['cpu']}": float(r["five_seconds"]) for r in rows}
    value = max(float(r["five_seconds"]) for r in rows)  # the busiest member of a stack
    if not 0 <= value <= 100:
        return Readings()
    extra: dict[str, Any] = {"cpu_one_minute_percent": float(rows[0]["one_minute"])}
    if len(rows) > 1:
        extra["cpu_by_member"] = by_member
    return Readings(cpu_percent=value, extra=extra)


def parse_memory(text: str) -> Readings:
    rows = _own(DISPLAY_MEMORY, text)
    percents: list[float] = []
    extra: dict[str, Any] = {}
    for row in rows:
        if row["free_ratio"]:  # Comware 7: the share free; used is the rest
            percents.append(round(100.0 - float(row["free_ratio"]), 1))
        elif row["used_rate"]:
            percents.append(float(row["used_rate"]))
        if row["total"] and row["used"] and "memory_total_bytes" not in extra:
            scale = 1024 if row["unit"] == "KB" else 1
            extra["memory_total_bytes"] = int(row["total"]) * scale
            extra["memory_used_bytes"] = int(row["used"]) * scale
    if not percents:
        return Readings()
    value = max(percents)
    if not 0 <= value <= 100:
        return Readings(extra=extra)
    return Readings(memory_used_percent=value, extra=extra)


def parse_environment(text: str) -> Readings:
    rows = _own(DISPLAY_ENVIRONMENT, text)
    slots = {r["slot"] for r in rows}
    temperatures: dict[str, float] = {}
    limits: dict[str, float] = {}
    hot: list[str] = []
    for row in rows:
        sensor = row["sensor"]
        name = _member(sensor, row["slot"], slots) if sensor else f"Slot {row['slot']}"
        value = float(row["temperature"])
        temperatures[name] = value
        if row["warning"] not in ("", "NA"):
            limits[name] = float(row["warning"])
            if value >= limits[name]:
                hot.append(name)
    extra: dict[str, Any] = {}
    if limits:
        extra["temperature_warning_limits"] = limits
    if hot:
        extra["abnormal_temperatures"] = hot
    return Readings(temperatures=temperatures, extra=extra)


def parse_interfaces(text: str) -> Readings:
    rows = ntc_parse(PLATFORM, DISPLAY_INTERFACES, text)
    if not rows:
        return Readings()  # not the table: interfaces stay "not read"
    # "ADM" is shut down by configuration, "Stby" a standby link: neither is a fault.
    down = [r["interface"] for r in rows if r["link"].upper() == "DOWN"]
    extra = {
        "interfaces_total": len(rows),
        "interfaces_admin_down": sum(r["link"].upper() == "ADM" for r in rows),
    }
    return Readings(interfaces_down=down, extra=extra)


PARSERS: dict[str, Callable[[str], Readings]] = {
    DISPLAY_VERSION: parse_version,
    DISPLAY_MANUINFO: parse_manuinfo,
    DISPLAY_CLOCK: parse_clock,
    DISPLAY_FAN: parse_fan,
    DISPLAY_POWER: parse_power,
    DISPLAY_CPU: parse_cpu,
    DISPLAY_MEMORY: parse_memory,
    DISPLAY_ENVIRONMENT: parse_environment,
    DISPLAY_INTERFACES: parse_interfaces,
}
COMMANDS: tuple[str, ...] = tuple(PARSERS)


def parse(outputs: Mapping[str, str]) -> Readings:
    """All outputs -> one set of readings; never raises. Earlier commands win on conflicts;
    a command whose output cannot be parsed is noted in ``extra["parse_errors"]``."""
    return parse_outputs(outputs, PARSERS)
