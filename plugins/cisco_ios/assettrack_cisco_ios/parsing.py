"""Cisco IOS / IOS XE command outputs -> standard readings.

Each command is parsed on its own; a parser that fails leaves its readings empty and notes
why in ``extra["parse_errors"]``. TextFSM templates from ntc-templates are used wherever one
fits the output; the others are small regular expressions, tested on captured outputs.

=====================================================  =============================
command                                                parser
=====================================================  =============================
show version                                           ntc-templates
show inventory                                         ntc-templates
show environment temperature                           ntc-templates, regex fallback
show environment power all                             ntc-templates
show environment fan                                   regex (no template)
show processes cpu | include CPU utilization           regex (filtered output)
show processes memory | include Processor Pool         regex (filtered output)
show ip interface brief                                ntc-templates
show logging | include %.*-[0-3]-                      ntc-templates
=====================================================  =============================
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
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

PLATFORM = "cisco_ios"

SHOW_VERSION = "show version"
SHOW_INVENTORY = "show inventory"
SHOW_TEMPERATURE = "show environment temperature"
SHOW_POWER = "show environment power all"
SHOW_FANS = "show environment fan"
# Filtered: the full process tables run to hundreds of lines, a minute at 9600 baud.
SHOW_CPU = "show processes cpu | include CPU utilization"
SHOW_MEMORY = "show processes memory | include Processor Pool"
SHOW_INTERFACES = "show ip interface brief"
# Log messages of severity 0-3 (emergencies, alerts, critical, errors) only.
SHOW_LOGGING = "show logging | include %.*-[0-3]-"

# Kept in the alarms: this many of the most recent serious log messages.
MAX_ALARMS = 20
# Severity-3 messages that report routine events, not faults (a port going down is reported
# through interfaces_down instead).
ROUTINE_MESSAGES = {("LINK", "UPDOWN"), ("LINEPROTO", "UPDOWN")}


def _template(command: str, text: str) -> list[dict[str, Any]]:
    return ntc_parse(PLATFORM, command, text)


def _switch_part(name: str, switch: str, stacked: bool) -> str:
    """ "Switch 2 FAN 1" in a stack, "FAN 1" on a switch alone."""
    return member_name(name, switch, word="Switch", stacked=stacked, lone=("",))


# -- one parser per command ---------------------------------------------------------------


# The line that names the running image: "Cisco IOS Software, … Version 15.0(2)SE4, …" or,
# on old images, "IOS (tm) C2950 Software (…), Version 12.1(22)EA13, …". Lab builds say
# "Experimental Version". Never the ROM's or boot loader's "Version" further down.
_IMAGE_LINE = re.compile(
    r"^(?:Cisco IOS Software|IOS \(tm\))\b.*?\b(?:Experimental )?Version\s+([^\s,]+)",
    re.MULTILINE,
)


def running_version(template_version: str, text: str) -> str | None:
    """The running image's version as it states it, from the template's result where it has
    one: "12.1(22)EA4, PLATFORM SPECIFIC" -> "12.1(22)EA4"; none for a lab build -> read
    from the image line."""
    version = template_version.strip().split(",")[0].split()[0] if template_version else ""
    if version:
        return version
    found = _IMAGE_LINE.search(text)
    return found.group(1) if found else None


def parse_version(text: str) -> Readings:
    rows = _template(SHOW_VERSION, text)
    if not rows:
        # A form the template does not know: the running image's version is still news.
        version = running_version("", text)
        return Readings(vendor="Cisco", os_version=version) if version else Readings()
    row = rows[0]
    readings = Readings(vendor="Cisco")
    readings.hostname = row.get("hostname") or None
    readings.os_version = running_version(row.get("version") or "", text)
    hardware = [h for h in row.get("hardware") or [] if h]
    serials = [s for s in row.get("serial") or [] if s]
    readings.model = hardware[0] if hardware else None
    readings.serial_number = serials[0] if serials else None
    readings.uptime_seconds = uptime_seconds(row.get("uptime") or "")
    xe = bool(re.search(r"IOS[ -]XE", text))
    extra: dict[str, Any] = {"os_family": "IOS XE" if xe else "IOS"}
    for key in (
        "software_image",
        "rommon",
        "reload_reason",
        "config_register",
        "running_image",
        "restarted",
    ):
        if row.get(key):
            extra[key] = row[key]
    if len(hardware) > 1:
        extra["stack_models"] = hardware
    if len(serials) > 1:
        extra["stack_serials"] = serials
    readings.extra = extra
    return readings


def parse_inventory(text: str) -> Readings:
    rows = _template(SHOW_INVENTORY, text)
    inventory = [
        {"name": r["name"], "descr": r["descr"], "pid": r["pid"].strip(), "serial": r["sn"]}
        for r in rows
        if r["pid"].strip() or r["sn"]
    ]
    if not inventory:
        return Readings()
    readings = Readings(extra={"inventory": inventory})
    # The chassis (or stack) entry comes first; its serial is the one on the label.
    first = inventory[0]
    readings.serial_number = first["serial"] or None
    readings.model = first["pid"] or None
    return readings


_TEMP_LINE = re.compile(r"^\s*(.+?)\s+Temperature Value:\s*(-?\d+(?:\.\d+)?)\s*Degree", re.I)
_SWITCH_LINE = re.compile(r"^\s*Switch\s+(\d+):\s+SYSTEM TEMPERATURE is\s+(\w+)", re.I)


def parse_temperature(text: str) -> Readings:
    temperatures: dict[str, float] = {}
    system: dict[str, str] = {}
    try:
        rows = _template(SHOW_TEMPERATURE, text)
    except Exception:  # other sensor names than Inlet/Hotspot: the regex below reads them
        rows = []
    stacked = len(rows) > 1
    for row in rows:
        for sensor in ("inlet", "hotspot"):
            value = row.get(f"{sensor}_temperature_value")
            if value:
                temperatures[_switch_part(sensor.capitalize(), row["switch"], stacked)] = float(
                    value
                )
        if row.get("switch_temperature"):
            system[f"Switch {row['switch']}"] = row["switch_temperature"]
    if not temperatures:
        temperatures, system = _temperature_by_regex(text)
    extra = {"system_temperature": system} if system else {}
    return Readings(temperatures=temperatures, extra=extra)


def _temperature_by_regex(text: str) -> tuple[dict[str, float], dict[str, str]]:
    lines = normalize_newlines(text).splitlines()
    switches = [m for m in map(_SWITCH_LINE.match, lines) if m]
    stacked = len(switches) > 1
    temperatures: dict[str, float] = {}
    system: dict[str, str] = {}
    switch = ""
    for line in lines:
        head = _SWITCH_LINE.match(line)
        if head:
            switch = head.group(1)
            system[f"Switch {switch}"] = head.group(2)
            continue
        value = _TEMP_LINE.match(line)
        if value:
            name = _switch_part(value.group(1).strip(), switch, stacked)
            temperatures[name] = float(value.group(2))
    return temperatures, system


def parse_power(text: str) -> Readings:
    rows = _template(SHOW_POWER, text)
    supplies: dict[str, str] = {}
    empty: list[str] = []
    details: dict[str, dict[str, str]] = {}
    for row in rows:
        name, pid = row["ps_module"], row["pid"]
        if pid.lower() == "not present":
            empty.append(name)
            continue
        # Built-in supplies (2960-S/X) give only "Sys Pwr"; the others a status as well.
        status = (row.get("status") or row.get("sys_pwr") or "").strip()
        supplies[name] = OK if status.upper() in ("OK", "GOOD") else FAILED
        details[name] = {
            "pid": pid,
            "serial": row.get("serial", ""),
            "status": status,
            "watts": row.get("watts", ""),
        }
    extra: dict[str, Any] = {}
    if details:
        extra["power_supply_details"] = details
    if empty:
        extra["empty_power_bays"] = empty
    return Readings(power_supplies=supplies, extra=extra)


# "Switch 1 FAN 1 is OK" (3850 on 3.x, and the simulator), "FAN PS-1 is OK", "FAN is OK"
# (2960), and the 16.x table "  1       1     14240     OK" under "Switch   FAN     Speed".
_FAN_SENTENCE = re.compile(
    r"^\s*(?:Switch\s+(\d+)\s+)?(FAN(?:\s+[\w\-/]+)?)\s+is\s+(.+?)\s*$", re.IGNORECASE
)
_FAN_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+\d+\s+([A-Za-z][\w ]*?)\s*(?:\s{2,}.*)?$")


def parse_fans(text: str) -> Readings:
    found: list[tuple[str, str, str]] = []  # (switch or "", fan, state)
    in_table = False
    for line in normalize_newlines(text).splitlines():
        if re.match(r"^\s*Switch\s+FAN\s+Speed\s+State", line, re.IGNORECASE):
            in_table = True
            continue
        sentence = _FAN_SENTENCE.match(line)
        if sentence:
            switch, fan, state = sentence.groups()
            found.append((switch or "", " ".join(fan.upper().split()), state))
            continue
        row = _FAN_ROW.match(line) if in_table else None
        if row:
            switch, fan, state = row.groups()
            found.append((switch, f"FAN {fan}", state))
    # Names carry the switch only in a stack, as the temperatures do.
    stacked = is_stack(switch for switch, _, _ in found)
    fans: dict[str, str] = {}
    empty: list[str] = []
    for switch, fan, state in found:
        _fan_state(fans, empty, _switch_part(fan, switch, stacked), state)
    extra = {"empty_fan_bays": empty} if empty else {}
    return Readings(fans=fans, extra=extra)


def _fan_state(fans: dict[str, str], empty: list[str], name: str, state: str) -> None:
    state = state.strip().upper()
    if "NOT PRESENT" in state:
        empty.append(name)
    else:
        fans[name] = OK if state in ("OK", "GOOD", "NORMAL") else FAILED


_CPU = re.compile(
    r"CPU utilization for five seconds:\s*(\d+)%(?:/(\d+)%)?;\s*one minute:\s*"
    r"(\d+)%;\s*five minutes:\s*(\d+)%",
    re.IGNORECASE,
)


def parse_cpu(text: str) -> Readings:
    match = _CPU.search(normalize_newlines(text))
    if not match:
        return Readings()
    five_sec, _, one_min, five_min = match.groups()
    return Readings(
        cpu_percent=float(five_sec),
        extra={
            "cpu_one_minute_percent": float(one_min),
            "cpu_five_minutes_percent": float(five_min),
        },
    )


_MEMORY = re.compile(
    r"Processor\s+Pool\s+Total:\s*(\d+)\s+Used:\s*(\d+)\s+Free:\s*(\d+)", re.IGNORECASE
)


def parse_memory(text: str) -> Readings:
    match = _MEMORY.search(normalize_newlines(text))
    if not match:
        return Readings()
    total, used, _ = (int(g) for g in match.groups())
    if total <= 0:
        return Readings()
    percent = round(100.0 * used / total, 1)
    return Readings(
        memory_used_percent=min(percent, 100.0),
        extra={"memory_total_bytes": total, "memory_used_bytes": used},
    )


def parse_interfaces(text: str) -> Readings:
    rows = _template(SHOW_INTERFACES, text)
    down = [
        r["interface"]
        for r in rows
        if r["status"] == "down" or (r["status"] == "up" and r["proto"] == "down")
    ]
    if not rows:
        return Readings()  # not the table: interfaces stay "not read"
    extra = {
        "interfaces_total": len(rows),
        "interfaces_admin_down": sum(r["status"] == "administratively down" for r in rows),
    }
    return Readings(interfaces_down=down, extra=extra)


def parse_logging(text: str) -> Readings:
    """Serious log messages; no output from the filtered command means there are none."""
    rows = _template("show logging", text)
    if text.strip() and not rows:
        return Readings()  # neither log lines nor an empty answer: alarms stay "not read"
    alarms = []
    for row in rows:
        severity = row.get("severity")
        if not severity or int(severity) > 3:
            continue
        if (row["facility"], row["mnemonic"]) in ROUTINE_MESSAGES:
            continue
        when = " ".join(p for p in (row["month"], row["day"], row["time"]) if p)
        message = " ".join(row["message"])
        alarms.append(
            f"{when}: %{row['facility']}-{severity}-{row['mnemonic']}: {message}".strip(": ")
        )
    extra = {"serious_log_messages": len(alarms)} if alarms else {}
    return Readings(alarms=alarms[-MAX_ALARMS:], extra=extra)


PARSERS: dict[str, Callable[[str], Readings]] = {
    SHOW_VERSION: parse_version,
    SHOW_INVENTORY: parse_inventory,
    SHOW_TEMPERATURE: parse_temperature,
    SHOW_POWER: parse_power,
    SHOW_FANS: parse_fans,
    SHOW_CPU: parse_cpu,
    SHOW_MEMORY: parse_memory,
    SHOW_INTERFACES: parse_interfaces,
    SHOW_LOGGING: parse_logging,
}
COMMANDS: tuple[str, ...] = tuple(PARSERS)
# Commands whose empty output is an answer (the filter matched nothing), not a failed read.
EMPTY_IS_AN_ANSWER = {SHOW_LOGGING}
# Outputs of the unfiltered or longer forms are understood too (e.g. captured by hand).
PARSERS.update(
    {
        "show processes cpu": parse_cpu,
        "show processes cpu sorted": parse_cpu,
        "show processes memory": parse_memory,
        "show processes memory sorted": parse_memory,
        "show logging": parse_logging,
        "show environment power": parse_power,
    }
)


def parse(outputs: Mapping[str, str]) -> Readings:
    """All outputs -> one set of readings; never raises.

    Earlier commands win where two say the same thing (``show version`` names the model
    and serial before ``show inventory`` does).
    """
    return parse_outputs(outputs, PARSERS, empty_is_an_answer=EMPTY_IS_AN_ANSWER)
