"""Huawei VRP command outputs -> standard readings.

Each command is parsed on its own; a parser that fails leaves its readings empty and notes
why in ``extra["parse_errors"]``. TextFSM templates from ntc-templates are used wherever one
fits the output; the others are small regular expressions, tested on captured outputs.

==========================  ================================================================
command                     parser
==========================  ================================================================
display version             ntc-templates (plus a regex for the patch line some releases add)
display esn                 regex (no template)
display device              ntc-templates
display temperature all     regex for the S-series table; ntc-templates for the router form
display fan                 regex (no template)
display power               regex (no template)
display cpu-usage           regex (no template)
display memory-usage        regex (no template)
display interface brief     ntc-templates
display alarm active        regex (no template)
==========================  ================================================================
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from assettrack.api import (
    FAILED,
    OK,
    Readings,
    member_name,
    normalize_newlines,
    ntc_parse,
    parse_outputs,
    uptime_seconds,
)

PLATFORM = "huawei_vrp"

DISPLAY_VERSION = "display version"
DISPLAY_ESN = "display esn"
DISPLAY_DEVICE = "display device"
DISPLAY_TEMPERATURE = "display temperature all"
DISPLAY_FAN = "display fan"
DISPLAY_POWER = "display power"
DISPLAY_CPU = "display cpu-usage"
DISPLAY_MEMORY = "display memory-usage"
DISPLAY_INTERFACES = "display interface brief"
DISPLAY_ALARMS = "display alarm active"


def _template(command: str, text: str) -> list[dict[str, Any]]:
    return ntc_parse(PLATFORM, command, text)


def _component(slot: str, name: str) -> str:
    """FAN1 on the first (or only) member; "Slot 1 FAN1" on the others of a stack."""
    return member_name(name, slot)


# -- one parser per command ---------------------------------------------------------------

_RELEASE = re.compile(r"\bV\d{3}R\d{3}\w*")
_PATCH = re.compile(r"^\s*Patch\s+[Vv]ersion\s*:\s*(\S+)", re.MULTILINE)
# Words after the model in "HUAWEI S5720-28X-SI-AC Routing Switch uptime is ..."
_MODEL_SUFFIX = re.compile(r"(\s+(Terabit|Routing|Switch|Router|Series))+\s*$", re.IGNORECASE)


def parse_version(text: str) -> Readings:
    text = normalize_newlines(text)
    try:
        rows = _template(DISPLAY_VERSION, text)
    except Exception:
        # The template stops at the first line it does not know; everything it reads
        # comes before the board details, so parse the head alone.
        head = text.split("\n\n", 1)[0] if "\n\n" in text.strip("\n") else text
        try:
            rows = _template(DISPLAY_VERSION, head)
        except Exception:
            rows = []  # a form the template does not know at all: read below
    if not rows or not (rows[0].get("product_version") or rows[0].get("model")):
        # Forms the template does not know (VRP 3.x: "Version 3.40, Release 0201P19"):
        # extend its result from the lines that state the image, the model and the uptime.
        return _old_form(text, rows[0] if rows else {})
    row = rows[0]
    readings = Readings(vendor="Huawei")
    model = _MODEL_SUFFIX.sub("", row.get("model") or "").strip()
    readings.model = model or None
    product = row.get("product_version") or ""
    release = _RELEASE.search(product)
    readings.os_version = release.group(0) if release else (product or None)
    readings.uptime_seconds = uptime_seconds(row.get("uptime") or "")
    extra: dict[str, Any] = {}
    if row.get("vrp_version"):
        extra["vrp_version"] = row["vrp_version"]
    patch = row.get("patch_version") or ""
    if not patch:
        found = _PATCH.search(text)
        patch = found.group(1) if found else ""
    if patch:
        extra["patch_version"] = patch
    readings.extra = extra
    return readings


_VRP_LINE = re.compile(
    r"VRP \(R\) [Ss]oftware,\s*Version\s+([\d.]+)(?:\s*\(([^)]*)\))?(?:,\s*Release\s+(\S+))?"
)
_UPTIME_LINE = re.compile(
    r"^(?:HUAWEI|Huawei|Quidway)\s+(\S+).*?\buptime is\s+(.+?)\s*$", re.MULTILINE
)


def _old_form(text: str, row: Mapping[str, Any]) -> Readings:
    image = _VRP_LINE.search(text)
    board = _UPTIME_LINE.search(text)
    if not image and not board:
        return Readings()
    readings = Readings(vendor="Huawei")
    if image:
        vrp, product, release = image.groups()
        found = _RELEASE.search(product or "")
        if found:
            readings.os_version = found.group(0)
        else:
            readings.os_version = f"{vrp} Release {release}" if release else vrp
        readings.extra = {"vrp_version": vrp}
    if board:
        readings.model = _MODEL_SUFFIX.sub("", row.get("model") or board.group(1)).strip() or None
        readings.uptime_seconds = uptime_seconds(board.group(2))
    return readings


_ESN = re.compile(
    r"^[ \t]*ESN[ \t]+of[ \t]+(?:slot[ \t]+)?(\w+)[ \t]*:[ \t]*(\w{6,})[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


def parse_esn(text: str) -> Readings:
    found = _ESN.findall(normalize_newlines(text))
    if not found:
        return Readings()
    extra = {"esn_by_slot": dict(found)} if len(found) > 1 else {}
    return Readings(serial_number=found[0][1], extra=extra)


def parse_device(text: str) -> Readings:
    rows = _template(DISPLAY_DEVICE, text)
    if not rows:
        return Readings()
    fans: dict[str, str] = {}
    supplies: dict[str, str] = {}
    boards: list[dict[str, str]] = []
    abnormal: list[str] = []
    for row in rows:
        slot, card, kind = row["slot"], row["card"], row["pid"].lstrip("*")
        # S-series: the slot on the board's line, the part in "card"; CE: the part in "slot".
        part = card if card not in ("-", "") else slot
        healthy = (
            row["online_status"].lower() == "present"
            and row["alarm_status"].lower() == "normal"
            and row["power_status"].lower() not in ("off", "poweroff")
        )
        state = OK if healthy else FAILED
        if part.upper().startswith("FAN") or kind.upper() == "FAN":
            fans[_component(slot if part == card else "", part)] = state
        elif part.upper().startswith(("PWR", "POWER", "PSU")) or kind.upper() == "POWER":
            supplies[_component(slot if part == card else "", part)] = state
        else:
            boards.append(
                {
                    "slot": slot,
                    "type": kind,
                    "online": row["online_status"],
                    "register": row["register_status"],
                    "alarm": row["alarm_status"],
                    "role": row["ha_status"],
                }
            )
            if not healthy:
                abnormal.append(
                    f"slot {slot} {kind}: {row['online_status']}, alarm {row['alarm_status']}"
                )
    readings = Readings(
        fans=fans, power_supplies=supplies, extra={"boards": boards, "abnormal_boards": abnormal}
    )
    master = next((b for b in boards if b["role"].lower() == "master"), None)
    if master and master["type"] not in ("-", ""):
        readings.extra["master_board"] = master["type"]
    return readings


# S-series: "0     NA     1      NORMAL   39         0         4           68        63"
_TEMP_ROW = re.compile(
    r"^\s*(\d+)\s+(\S+)\s+(\S+)\s+(NORMAL|ABNORMAL|\w+)\s+(-?\d+(?:\.\d+)?)\s+-?\d+\s+"
    r"-?\d+\s+(-?\d+)\s+-?\d+\s*$"
)


def parse_temperature(text: str) -> Readings:
    temperatures: dict[str, float] = {}
    abnormal: list[str] = []
    limits: dict[str, float] = {}
    for line in normalize_newlines(text).splitlines():
        row = _TEMP_ROW.match(line)
        if not row:
            continue
        slot, card, sensor, status, value, upper = row.groups()
        name = f"Slot {slot}"
        if card.upper() != "NA":
            name += f" card {card}"
        if sensor.upper() != "NA":
            name += f" sensor {sensor}"
        temperatures[name] = float(value)
        limits[name] = float(upper)
        if status.upper() != "NORMAL":
            abnormal.append(name)
    if not temperatures:
        # Routers (NE, CX, ATN) print one block per slot with PCB, I2C and thresholds.
        for row in _template("display temperature", text):
            name = f"Slot {row['slotid'].removeprefix('SlotID')} {row['pcb']}"
            base, n = name, 2
            while name in temperatures:
                name, n = f"{base} #{n}", n + 1
            temperatures[name] = float(row["temperature"])
            if row["status"].upper() != "NORMAL":
                abnormal.append(name)
    extra: dict[str, Any] = {}
    if limits:
        extra["temperature_upper_limits"] = limits
    if abnormal:
        extra["abnormal_temperatures"] = abnormal
    return Readings(temperatures=temperatures, extra=extra)


# " 0     1      [1-1]   YES      YES       50%    AUTO     Normal    Side-to-Back"
_FAN_ROW = re.compile(
    r"^\s*(\d+)\s+(\d+)\s+\S+\s+(YES|NO)\s+(YES|NO)\s+(\d+)%\s+\S+\s+(\w+)", re.IGNORECASE
)


def parse_fan(text: str) -> Readings:
    fans: dict[str, str] = {}
    speeds: dict[str, int] = {}
    for line in normalize_newlines(text).splitlines():
        row = _FAN_ROW.match(line)
        if not row:
            continue
        slot, fan_id, present, _, speed, status = row.groups()
        name = _component(slot, f"FAN{fan_id}")
        if present.upper() != "YES":
            fans[name] = FAILED  # a fan tray missing is a fault, not an empty option bay
            continue
        fans[name] = OK if status.lower() == "normal" else FAILED
        speeds[name] = int(speed)
    return Readings(fans=fans, extra={"fan_speed_percent": speeds} if speeds else {})


# " 0       PWR1     Present  AC     Supply     150.00" / " 0       PWR2     Absent   -  ..."
_POWER_ROW = re.compile(
    r"^\s*(\d+)\s+(PWR\d+|PSU\d+|\S+)\s+(Present|Absent)\s+(\S+)\s+(\S+)", re.IGNORECASE
)


def parse_power(text: str) -> Readings:
    supplies: dict[str, str] = {}
    empty: list[str] = []
    for line in normalize_newlines(text).splitlines():
        row = _POWER_ROW.match(line)
        if not row:
            continue
        slot, power_id, online, _mode, state = row.groups()
        name = _component(slot, power_id)
        if online.lower() == "absent":
            empty.append(name)
            continue
        supplies[name] = OK if state.lower() == "supply" else FAILED
    return Readings(power_supplies=supplies, extra={"empty_power_bays": empty} if empty else {})


_CPU = (
    re.compile(r"^\s*CPU\s+Usage\s*:\s*(\d+(?:\.\d+)?)%", re.IGNORECASE | re.MULTILINE),
    re.compile(r"five\s+seconds:\s*(\d+(?:\.\d+)?)%", re.IGNORECASE),
    re.compile(r"CPU\s+Using\s+Percentage\s*:\s*(\d+(?:\.\d+)?)%", re.IGNORECASE),
    re.compile(r"cpu\s+use\s+rate\s+is\s*:\s*(\d+(?:\.\d+)?)%", re.IGNORECASE),
)
_CPU_MAX = re.compile(r"CPU\s+Usage\s*:\s*\d+(?:\.\d+)?%\s+Max:\s*(\d+(?:\.\d+)?)%", re.IGNORECASE)


def parse_cpu(text: str) -> Readings:
    text = normalize_newlines(text)
    for pattern in _CPU:
        found = pattern.search(text)
        if found:
            value = float(found.group(1))
            if not 0 <= value <= 100:
                return Readings()
            peak = _CPU_MAX.search(text)
            extra = {"cpu_max_percent": float(peak.group(1))} if peak else {}
            return Readings(cpu_percent=value, extra=extra)
    return Readings()


_MEM_PERCENT = re.compile(
    r"Memory\s+Using\s+Percentage(?:\s+Is)?\s*:\s*(\d+(?:\.\d+)?)%", re.IGNORECASE
)
_MEM_TOTAL = re.compile(r"System\s+Total\s+Memory(?:\s+Is)?\s*:\s*(\d+)", re.IGNORECASE)
_MEM_USED = re.compile(r"Total\s+Memory\s+Used(?:\s+Is)?\s*:\s*(\d+)", re.IGNORECASE)


def parse_memory(text: str) -> Readings:
    text = normalize_newlines(text)
    total = _MEM_TOTAL.search(text)
    used = _MEM_USED.search(text)
    extra: dict[str, Any] = {}
    if total and used:
        extra = {"memory_total_bytes": int(total.group(1)), "memory_used_bytes": int(used.group(1))}
    percent = _MEM_PERCENT.search(text)
    if percent:
        value: float | None = float(percent.group(1))
    elif extra and extra["memory_total_bytes"] > 0:
        value = round(100.0 * extra["memory_used_bytes"] / extra["memory_total_bytes"], 1)
    else:
        value = None
    if value is not None and not 0 <= value <= 100:
        value = None
    return Readings(memory_used_percent=value, extra=extra)


def parse_interfaces(text: str) -> Readings:
    rows = _template(DISPLAY_INTERFACES, text)
    down = []
    for row in rows:
        name = re.sub(r"\(\w+\)$", "", row["interface"])  # GigabitEthernet1/0/1(10G)
        # "*down" is shut down by configuration, "^down" a standby link: neither is a fault.
        if row["phy"] == "down" or (row["phy"].startswith("up") and row["protocol"] == "down"):
            down.append(name)
    if not rows:
        return Readings()  # not the table: interfaces stay "not read"
    extra = {
        "interfaces_total": len(rows),
        "interfaces_admin_down": sum(r["phy"] == "*down" for r in rows),
    }
    return Readings(interfaces_down=down, extra=extra)


_ALARM_ROW = re.compile(
    r"^\s*\d+\s+(Critical|Major|Minor|Warning)\s+(\d{4}-\d{2}-\d{2})\s+(\d{2}:\d{2}:\d{2})"
    r"\s+(.+?)\s*$",
    re.IGNORECASE,
)


_ALARM_TABLE = re.compile(r"^\s*Index\s+Level\s+|No\s+alarm", re.IGNORECASE | re.MULTILINE)


def parse_alarms(text: str) -> Readings:
    alarms = []
    for line in normalize_newlines(text).splitlines():
        row = _ALARM_ROW.match(line)
        if row:
            level, day, time, info = row.groups()
            alarms.append(f"{level.capitalize()} {day} {time} {info}")
    if not alarms and not _ALARM_TABLE.search(text):
        return Readings()  # not the alarm table: alarms stay "not read"
    return Readings(alarms=alarms)


PARSERS: dict[str, Callable[[str], Readings]] = {
    DISPLAY_VERSION: parse_version,
    DISPLAY_ESN: parse_esn,
    DISPLAY_DEVICE: parse_device,
    DISPLAY_TEMPERATURE: parse_temperature,
    DISPLAY_FAN: parse_fan,
    DISPLAY_POWER: parse_power,
    DISPLAY_CPU: parse_cpu,
    DISPLAY_MEMORY: parse_memory,
    DISPLAY_INTERFACES: parse_interfaces,
    DISPLAY_ALARMS: parse_alarms,
}
COMMANDS: tuple[str, ...] = tuple(PARSERS)
# Outputs of the other forms of these commands are understood too.
PARSERS["display temperature"] = parse_temperature


def parse(outputs: Mapping[str, str]) -> Readings:
    """All outputs -> one set of readings; never raises. Earlier commands win on conflicts."""
    return parse_outputs(outputs, PARSERS)
