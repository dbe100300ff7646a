"""Standard readings: what a device driver reports, in fixed units, for every vendor alike.

This is the contract between drivers and the rest of assettrack. Every field is optional
(``None`` or empty when the device did not say); units never vary:

==================== ====================================================================
hostname             the device's configured name
vendor, model        as the device reports them
serial_number        the chassis serial number (checked against the asset's record)
os_version           software / firmware version string
uptime_seconds       whole seconds since boot
cpu_percent          CPU load, 0-100 (5-second or 1-minute figure, as the device gives)
memory_used_percent  memory in use, 0-100
temperatures         sensor name -> degrees Celsius
fans                 fan name -> "ok" or "failed"
power_supplies       power supply name -> "ok" or "failed"
alarms               active alarms or recent alarm log lines, as text ([] when the device
                     reports none; None when it was not asked)
interfaces_down      names of interfaces administratively up but operationally down
                     ([] when all are up; None when not asked)
extra                anything vendor-specific, JSON-serialisable
==================== ====================================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any

OK = "ok"
FAILED = "failed"


@dataclass
class Readings:
    """What a driver read from a device, in fixed units (docs/plugins.md, "Standard
    readings"); every field optional: leave what the device did not say empty."""

    hostname: str | None = None
    vendor: str | None = None
    model: str | None = None
    serial_number: str | None = None
    os_version: str | None = None
    uptime_seconds: int | None = None
    cpu_percent: float | None = None
    memory_used_percent: float | None = None
    temperatures: dict[str, float] = field(default_factory=dict)
    fans: dict[str, str] = field(default_factory=dict)
    power_supplies: dict[str, str] = field(default_factory=dict)
    # None means "not read": only a device that was asked can say "no alarms".
    alarms: list[str] | None = None
    interfaces_down: list[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def merge(self, other: Readings) -> Readings:
        """These readings with the gaps filled from ``other`` (first parser to answer wins)."""
        merged = Readings()
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, dict):
                value: Any = {**theirs, **mine}
            elif isinstance(mine, list) and isinstance(theirs, list):
                value = mine + [x for x in theirs if x not in mine]
            else:
                value = mine if mine is not None else theirs
            setattr(merged, f.name, value)
        return merged

    def is_empty(self) -> bool:
        return all(not getattr(self, f.name) and getattr(self, f.name) != 0 for f in fields(self))

    def value_of(self, path: str) -> Any:
        """A reading by dotted path: ``cpu_percent``, ``temperatures.inlet``, ``temperatures.*``."""
        head, _, rest = path.partition(".")
        value = getattr(self, head, None)
        if not rest:
            return value
        if not isinstance(value, dict):
            return None
        if rest == "*":
            return value or None
        return value.get(rest)


def validate_readings(readings: Any) -> list[str]:
    """Why ``readings`` breaks the contract (empty when it is fine); for plugin isolation."""
    if not isinstance(readings, Readings):
        return [f"expected Readings, got {type(readings).__name__}"]
    problems = []
    for name in ("cpu_percent", "memory_used_percent"):
        value = getattr(readings, name)
        if value is not None and (not isinstance(value, int | float) or not 0 <= value <= 100):
            problems.append(f"{name} must be a number from 0 to 100, got {value!r}")
    if readings.uptime_seconds is not None and (
        not isinstance(readings.uptime_seconds, int) or readings.uptime_seconds < 0
    ):
        problems.append(
            f"uptime_seconds must be a whole number >= 0, got {readings.uptime_seconds!r}"
        )
    for sensor, celsius in readings.temperatures.items():
        if not isinstance(celsius, int | float):
            problems.append(f"temperatures[{sensor!r}] must be degrees Celsius, got {celsius!r}")
    for group in ("fans", "power_supplies"):
        for name, state in getattr(readings, group).items():
            if state not in (OK, FAILED):
                problems.append(f"{group}[{name!r}] must be 'ok' or 'failed', got {state!r}")
    return problems


_SECONDS = {
    "year": 365 * 86400,
    "week": 7 * 86400,
    "day": 86400,
    "hour": 3600,
    "minute": 60,
    "second": 1,
}
_UPTIME_PART = re.compile(r"(\d+)\s*(year|week|day|hour|minute|second)s?\b", re.IGNORECASE)


def uptime_seconds(text: str) -> int | None:
    """Seconds from the uptime phrases most vendors print, for drivers' parsers.

    ``"1 year, 2 weeks, 3 days, 4 hours, 5 minutes"`` (Cisco) and ``"3 weeks, 2 days, 0 hour,
    41 minutes"`` (Huawei) alike; None when there is no figure.
    """
    parts = _UPTIME_PART.findall(text or "")
    if not parts:
        return None
    return sum(int(n) * _SECONDS[unit.lower()] for n, unit in parts)
