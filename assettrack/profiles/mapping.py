"""From parsed rows to standard readings: the ``[commands.readings]`` table of a profile.

Each reading is given by the fields of the command's rows, so a vendor needs no code:

- ``hostname``, ``vendor``, ``model``, ``serial_number``, ``os_version``: a field name, or a
  text with ``{field}`` parts, or a table ``{ field = "...", pattern = "...", when = {...} }``
  (``pattern``: a regular expression; its first group, else the whole match, is kept). The
  first row that gives a value wins.
- ``uptime_seconds``: the same, read as a duration ("9 days, 4 hours", "1w2d 03:04",
  "12 days, 3:04:05", "120 day(s), 3 hour(s)"), or ``{ field = "...", unit = "seconds" }``
  for a bare number, or ``{ days = "...", hours = "...", minutes = "..." }`` from fields.
- ``cpu_percent``, ``memory_used_percent``: a field holding the percentage, or
  ``{ idle = "..." }`` (100 minus it), ``{ used = "...", total = "..." }`` or
  ``{ free = "...", total = "..." }`` (sizes may carry units: k, M, G, KiB...). Where
  several rows give one (the members of a stack), the highest counts.
- ``temperatures``: ``{ name = "...", value = "..." }`` per row, in degrees Celsius; a
  name given twice is numbered the second time ("Board sensor (2)").
- ``fans``, ``power_supplies``: ``{ name = "...", state = "...", ok = [...], absent = [...] }``
  per row: a state matching ``ok`` is "ok", ``absent`` leaves an empty bay (kept in
  ``extra.empty_fan_bays`` / ``extra.empty_power_bays``), anything else is "failed".
- ``alarms``: ``{ text = "..." }`` per row; no row means "no alarms".
- ``interfaces_down``: ``{ name = "..." }`` per row (with ``when`` saying which rows are down).
- ``extra``: a table of names to values as for ``hostname`` (``all = true``: every row's).

Every table may carry ``when`` and ``unless``: ``{ field = "regular expression" }``, matched
against the whole value, ignoring case; a row counts only if all of ``when`` match and not all
of ``unless`` do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assettrack.domain.readings import FAILED, OK, Readings

Row = Mapping[str, Any]

SCALARS = ("hostname", "vendor", "model", "serial_number", "os_version")
READINGS = (
    *SCALARS,
    "uptime_seconds",
    "cpu_percent",
    "memory_used_percent",
    "temperatures",
    "fans",
    "power_supplies",
    "alarms",
    "interfaces_down",
    "extra",
)
DEFAULT_OK = (
    "ok",
    "good",
    "normal",
    "up",
    "on",
    "online",
    "active",
    "running",
    "green",
    "spinning at normal speed",
    "powered on",
)
DEFAULT_ABSENT = (
    "absent",
    "not ?present",
    "not ?installed",
    "not inserted",
    "empty",
    "missing",
    "n/a",
)
EMPTY_BAYS = {"fans": "empty_fan_bays", "power_supplies": "empty_power_bays"}


class MappingProblem(ValueError):
    """A mapping that cannot work; ``key`` says where (below ``readings``)."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


# -- values taken from a row ----------------------------------------------------------------

_PLACE = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Expr:
    """A field name, or a text with ``{field}`` parts."""

    text: str

    @property
    def fields(self) -> tuple[str, ...]:
        found = _PLACE.findall(self.text)
        return tuple(f.lower() for f in found) if found else (self.text.lower(),)

    def value(self, row: Row) -> str:
        if not _PLACE.search(self.text):
            return _text(row.get(self.text.lower()))
        return " ".join(_PLACE.sub(lambda m: _text(row.get(m.group(1).lower())), self.text).split())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value if str(v).strip())
    return str(value).strip()


@dataclass(frozen=True)
class Rows:
    """Which rows count: all of ``when`` match, and not all of ``unless``."""

    when: tuple[tuple[str, re.Pattern[str]], ...] = ()
    unless: tuple[tuple[str, re.Pattern[str]], ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(name for name, _ in (*self.when, *self.unless))

    def pick(self, rows: Sequence[Row]) -> list[Row]:
        return [r for r in rows if self._ok(r)]

    def _ok(self, row: Row) -> bool:
        if not all(p.fullmatch(_text(row.get(n))) for n, p in self.when):
            return False
        return not (self.unless and all(p.fullmatch(_text(row.get(n))) for n, p in self.unless))


@dataclass(frozen=True)
class Scalar:
    expr: Expr
    pattern: re.Pattern[str] | None = None
    rows: Rows = field(default_factory=Rows)

    @property
    def fields(self) -> tuple[str, ...]:
        return (*self.expr.fields, *self.rows.fields)

    def values(self, rows: Sequence[Row]) -> list[str]:
        found = []
        for row in self.rows.pick(rows):
            text = self.expr.value(row)
            if text and self.pattern is not None:
                match = self.pattern.search(text)
                # The first group that took part (alternatives may each have one), else the
                # whole match.
                kept = next((g for g in match.groups() if g), match.group(0)) if match else ""
                text = kept.strip()
            if text:
                found.append(text)
        return found

    def first(self, rows: Sequence[Row]) -> str | None:
        values = self.values(rows)
        return values[0] if values else None


# -- numbers --------------------------------------------------------------------------------

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_AMOUNT = re.compile(r"(-?\d+(?:\.\d+)?)\s*([kmgt]i?b?|b)?(?![a-z])", re.IGNORECASE)
_SCALE = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def number(text: str) -> float | None:
    """The first number in ``text`` ("45 degrees C" -> 45; "1,983,264" -> 1983264)."""
    match = _NUMBER.search(re.sub(r"(?<=\d),(?=\d{3}\b)", "", text or ""))
    return float(match.group(0)) if match else None


def amount(text: str) -> float | None:
    """A size with its unit, in units of one ("1983264k" -> 2030862336)."""
    match = _AMOUNT.search(re.sub(r"(?<=\d),(?=\d{3}\b)", "", text or ""))
    if not match:
        return None
    unit = (match.group(2) or "").lower()[:1]
    return float(match.group(1)) * _SCALE.get(unit, 1)


_DURATION = re.compile(
    r"(\d+)\s*(years?|yrs?|y|weeks?|wks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m|"
    r"seconds?|secs?|s)(?![a-z])",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"(?<![\d:])(\d{1,3}):(\d{2})(?::(\d{2}))?(?![\d:])")
_UNIT_SECONDS = {"y": 365 * 86400, "w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}


def duration_seconds(text: str) -> int | None:
    """Seconds in the uptime phrases devices print; None when there is no figure."""
    total = 0
    found = False
    for count, unit in _DURATION.findall(text or ""):
        total += int(count) * _UNIT_SECONDS[unit[0].lower()]
        found = True
    clock = _CLOCK.search(text or "")
    if clock:
        hours, minutes, seconds = clock.groups()
        total += int(hours) * 3600 + int(minutes) * 60 + int(seconds or 0)
        found = True
    return total if found else None


# -- one reading each -----------------------------------------------------------------------


@dataclass(frozen=True)
class Duration:
    scalar: Scalar | None = None
    unit: str = ""  # "", or the unit of a bare number
    parts: tuple[tuple[str, Expr], ...] = ()  # (unit letter, field) to add up
    rows: Rows = field(default_factory=Rows)

    @property
    def fields(self) -> tuple[str, ...]:
        own = self.scalar.fields if self.scalar else ()
        return (*own, *(f for _, e in self.parts for f in e.fields), *self.rows.fields)

    def evaluate(self, rows: Sequence[Row]) -> int | None:
        if self.scalar is not None:
            text = self.scalar.first(rows)
            if text is None:
                return None
            if self.unit:
                value = number(text)
                return None if value is None else int(value * _UNIT_SECONDS[self.unit])
            return duration_seconds(text)
        for row in self.rows.pick(rows):
            values = [(unit, number(e.value(row))) for unit, e in self.parts]
            if any(v is not None for _, v in values):
                return int(sum((v or 0) * _UNIT_SECONDS[u] for u, v in values))
        return None


@dataclass(frozen=True)
class Percent:
    direct: Scalar | None = None
    idle: Expr | None = None
    used: Expr | None = None
    free: Expr | None = None
    total: Expr | None = None
    rows: Rows = field(default_factory=Rows)

    @property
    def fields(self) -> tuple[str, ...]:
        exprs = [e for e in (self.idle, self.used, self.free, self.total) if e]
        own = self.direct.fields if self.direct else ()
        return (*own, *(f for e in exprs for f in e.fields), *self.rows.fields)

    def evaluate(self, rows: Sequence[Row]) -> float | None:
        """The highest of the rows' percentages: a stack's busiest member, the busier of two
        Routing Engines (what a limit is about); None when no row gives one."""
        if self.direct is not None:
            values = [number(text) for text in self.direct.values(rows)]
        else:
            values = [self._of(row) for row in self.rows.pick(rows)]
        found = [v for v in values if v is not None]
        return _clamp(max(found)) if found else None

    def _of(self, row: Row) -> float | None:
        if self.idle is not None:
            idle = number(self.idle.value(row))
            return None if idle is None else 100.0 - idle
        total = amount(self.total.value(row)) if self.total else None
        if not total:
            return None
        if self.used is not None:
            used = amount(self.used.value(row))
            return None if used is None else 100.0 * used / total
        free = amount(self.free.value(row)) if self.free else None
        return None if free is None else 100.0 - 100.0 * free / total


def _clamp(value: float) -> float:
    return round(min(max(value, 0.0), 100.0), 1)


@dataclass(frozen=True)
class Sensors:
    name: Expr
    value: Expr
    rows: Rows = field(default_factory=Rows)

    @property
    def fields(self) -> tuple[str, ...]:
        return (*self.name.fields, *self.value.fields, *self.rows.fields)

    def evaluate(self, rows: Sequence[Row]) -> dict[str, float]:
        """Sensor name -> degrees; a second sensor of the same name (two "Board sensor"s on
        one card) is "Board sensor (2)", so that none is lost."""
        found: dict[str, float] = {}
        for row in self.rows.pick(rows):
            name, value = self.name.value(row), number(self.value.value(row))
            if not name or value is None:
                continue
            unique, count = name, 1
            while unique in found:
                count += 1
                unique = f"{name} ({count})"
            found[unique] = value
        return found


@dataclass(frozen=True)
class States:
    name: Expr
    state: Expr
    ok: tuple[re.Pattern[str], ...]
    absent: tuple[re.Pattern[str], ...]
    rows: Rows = field(default_factory=Rows)

    @property
    def fields(self) -> tuple[str, ...]:
        return (*self.name.fields, *self.state.fields, *self.rows.fields)

    def evaluate(self, rows: Sequence[Row]) -> tuple[dict[str, str], list[str]]:
        states: dict[str, str] = {}
        empty: list[str] = []
        for row in self.rows.pick(rows):
            name, state = self.name.value(row), self.state.value(row)
            if not name or name in states or name in empty:
                continue
            if any(p.fullmatch(state) for p in self.absent):
                empty.append(name)
            else:
                states[name] = OK if any(p.fullmatch(state) for p in self.ok) else FAILED
        return states, empty


@dataclass(frozen=True)
class Texts:
    expr: Expr
    rows: Rows = field(default_factory=Rows)
    needs_rows: bool = False  # interfaces: no row at all means "not read", not "none down"

    @property
    def fields(self) -> tuple[str, ...]:
        return (*self.expr.fields, *self.rows.fields)

    def evaluate(self, rows: Sequence[Row]) -> list[str] | None:
        if self.needs_rows and not rows:
            return None
        found = []
        for row in self.rows.pick(rows):
            text = self.expr.value(row)
            if text and text not in found:
                found.append(text)
        return found


@dataclass(frozen=True)
class Extra:
    scalar: Scalar
    all: bool = False
    as_number: bool = False

    @property
    def fields(self) -> tuple[str, ...]:
        return self.scalar.fields

    def evaluate(self, rows: Sequence[Row]) -> Any:
        values: list[Any] = self.scalar.values(rows)
        if self.as_number:
            values = [v for v in (number(t) for t in values) if v is not None]
        if self.all:
            return values or None
        return values[0] if values else None


@dataclass(frozen=True)
class ReadingsMap:
    """How one command's rows fill the standard readings."""

    scalars: tuple[tuple[str, Scalar], ...] = ()
    uptime: Duration | None = None
    percents: tuple[tuple[str, Percent], ...] = ()
    temperatures: Sensors | None = None
    states: tuple[tuple[str, States], ...] = ()
    alarms: Texts | None = None
    interfaces_down: Texts | None = None
    extra: tuple[tuple[str, Extra], ...] = ()

    def parts(self) -> list[tuple[str, Any]]:
        found: list[tuple[str, Any]] = [*self.scalars, *self.percents, *self.states]
        for name in ("uptime", "temperatures", "alarms", "interfaces_down"):
            spec = getattr(self, name)
            if spec is not None:
                found.append(("uptime_seconds" if name == "uptime" else name, spec))
        found += [(f"extra.{k}", v) for k, v in self.extra]
        return found

    def evaluate(self, rows: Sequence[Row]) -> Readings:
        readings = Readings()
        for name, scalar in self.scalars:
            setattr(readings, name, scalar.first(rows))
        if self.uptime is not None:
            readings.uptime_seconds = self.uptime.evaluate(rows)
        for name, percent in self.percents:
            setattr(readings, name, percent.evaluate(rows))
        if self.temperatures is not None:
            readings.temperatures = self.temperatures.evaluate(rows)
        for name, spec in self.states:
            states, empty = spec.evaluate(rows)
            setattr(readings, name, states)
            if empty:
                readings.extra[EMPTY_BAYS[name]] = empty
        if self.alarms is not None:
            readings.alarms = self.alarms.evaluate(rows)
        if self.interfaces_down is not None:
            readings.interfaces_down = self.interfaces_down.evaluate(rows)
        for key, extra in self.extra:
            value = extra.evaluate(rows)
            if value is not None:
                readings.extra[key] = value
        return readings


# -- reading the table ----------------------------------------------------------------------


def readings_map(table: Mapping[str, Any]) -> ReadingsMap:
    """A ``ReadingsMap`` from a ``[commands.readings]`` table; ``MappingProblem`` if wrong."""
    unknown = [k for k in table if k not in READINGS]
    if unknown:
        raise MappingProblem(unknown[0], f"not a standard reading (one of {', '.join(READINGS)})")
    values: dict[str, Any] = {}
    values["scalars"] = tuple((n, _scalar(table[n], n)) for n in SCALARS if n in table)
    if "uptime_seconds" in table:
        values["uptime"] = _duration(table["uptime_seconds"], "uptime_seconds")
    values["percents"] = tuple(
        (n, _percent(table[n], n)) for n in ("cpu_percent", "memory_used_percent") if n in table
    )
    if "temperatures" in table:
        spec = _table(table["temperatures"], "temperatures", ("name", "value"))
        values["temperatures"] = Sensors(
            _expr(spec, "name", "temperatures"),
            _expr(spec, "value", "temperatures"),
            _rows(spec, "temperatures"),
        )
    values["states"] = tuple(
        (n, _states(table[n], n)) for n in ("fans", "power_supplies") if n in table
    )
    if "alarms" in table:
        spec = _table(table["alarms"], "alarms", ("text",))
        values["alarms"] = Texts(_expr(spec, "text", "alarms"), _rows(spec, "alarms"))
    if "interfaces_down" in table:
        spec = _table(table["interfaces_down"], "interfaces_down", ("name",))
        values["interfaces_down"] = Texts(
            _expr(spec, "name", "interfaces_down"), _rows(spec, "interfaces_down"), needs_rows=True
        )
    if "extra" in table:
        extra = table["extra"]
        if not isinstance(extra, Mapping) or not extra:
            raise MappingProblem("extra", "a table of names and the fields that give them")
        values["extra"] = tuple((k, _extra(v, f"extra.{k}")) for k, v in extra.items())
    return ReadingsMap(**values)


_ROW_KEYS = ("when", "unless")


def _table(
    spec: Any, key: str, required: Sequence[str], optional: Sequence[str] = ()
) -> Mapping[str, Any]:
    if not isinstance(spec, Mapping):
        raise MappingProblem(key, f"a table with {', '.join(required)}")
    known = (*required, *optional, *_ROW_KEYS)
    for name in spec:
        if name not in known:
            raise MappingProblem(f"{key}.{name}", f"unknown key (known here: {', '.join(known)})")
    for name in required:
        if name not in spec:
            raise MappingProblem(f"{key}.{name}", "missing")
    return spec


def _expr(spec: Mapping[str, Any], name: str, key: str) -> Expr:
    value = spec[name]
    if not isinstance(value, str) or not value.strip():
        raise MappingProblem(f"{key}.{name}", "a field name, or a text with {field} parts")
    return Expr(value.strip())


def _rows(spec: Mapping[str, Any], key: str) -> Rows:
    return Rows(
        _conditions(spec.get("when"), f"{key}.when"),
        _conditions(spec.get("unless"), f"{key}.unless"),
    )


def _conditions(value: Any, key: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping) or not value:
        raise MappingProblem(key, '{ field = "regular expression" }, one or more')
    found = []
    for name, pattern in value.items():
        found.append((name.lower(), _regex(pattern, f"{key}.{name}")))
    return tuple(found)


def _regex(pattern: Any, key: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    if not isinstance(pattern, str):
        raise MappingProblem(key, "a regular expression (a string)")
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise MappingProblem(key, f"not a regular expression ({exc})") from None


def _scalar(spec: Any, key: str) -> Scalar:
    if isinstance(spec, str):
        return Scalar(_expr({"field": spec}, "field", key))
    spec = _table(spec, key, ("field",), ("pattern",))
    pattern = _regex(spec["pattern"], f"{key}.pattern", 0) if "pattern" in spec else None
    return Scalar(_expr(spec, "field", key), pattern, _rows(spec, key))


_DURATION_PARTS = {
    "years": "y",
    "weeks": "w",
    "days": "d",
    "hours": "h",
    "minutes": "m",
    "seconds": "s",
}


def _duration(spec: Any, key: str) -> Duration:
    if isinstance(spec, str):
        return Duration(_scalar(spec, key))
    if isinstance(spec, Mapping) and "field" in spec:
        unit = spec.get("unit", "")
        rest = {k: v for k, v in spec.items() if k != "unit"}
        if unit and unit not in _DURATION_PARTS:
            raise MappingProblem(f"{key}.unit", f"one of {', '.join(_DURATION_PARTS)}")
        return Duration(_scalar(rest, key), _DURATION_PARTS.get(unit, ""))
    spec = _table(spec, key, (), tuple(_DURATION_PARTS))
    parts = tuple((_DURATION_PARTS[k], _expr(spec, k, key)) for k in _DURATION_PARTS if k in spec)
    if not parts:
        raise MappingProblem(key, "a field, or days/hours/minutes... fields to add up")
    return Duration(parts=parts, rows=_rows(spec, key))


def _percent(spec: Any, key: str) -> Percent:
    if isinstance(spec, str) or (isinstance(spec, Mapping) and "field" in spec):
        return Percent(direct=_scalar(spec, key))
    spec = _table(spec, key, (), ("idle", "used", "free", "total"))
    if "idle" in spec:
        return Percent(idle=_expr(spec, "idle", key), rows=_rows(spec, key))
    if "total" in spec and ("used" in spec) != ("free" in spec):
        which = "used" if "used" in spec else "free"
        return Percent(
            **{which: _expr(spec, which, key)},
            total=_expr(spec, "total", key),
            rows=_rows(spec, key),
        )
    raise MappingProblem(
        key, "a field with the percentage, or idle = ..., or used (or free) and total = ..."
    )


def _states(spec: Any, key: str) -> States:
    spec = _table(spec, key, ("name", "state"), ("ok", "absent"))
    return States(
        _expr(spec, "name", key),
        _expr(spec, "state", key),
        _patterns(spec.get("ok", DEFAULT_OK), f"{key}.ok"),
        _patterns(spec.get("absent", DEFAULT_ABSENT), f"{key}.absent"),
        _rows(spec, key),
    )


def _patterns(values: Any, key: str) -> tuple[re.Pattern[str], ...]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple):
        raise MappingProblem(key, "a list of regular expressions")
    return tuple(_regex(v, key) for v in values)


def _extra(spec: Any, key: str) -> Extra:
    if isinstance(spec, str):
        return Extra(_scalar(spec, key))
    spec = _table(spec, key, ("field",), ("pattern", "all", "number"))
    flags = {}
    for name in ("all", "number"):
        value = spec.get(name, False)
        if not isinstance(value, bool):
            raise MappingProblem(f"{key}.{name}", "true or false")
        flags[name] = value
    rest = {k: v for k, v in spec.items() if k not in ("all", "number")}
    return Extra(_scalar(rest, key), all=flags["all"], as_number=flags["number"])


def check_fields(mapping: ReadingsMap, fields: Sequence[str], describe: Callable[[], str]) -> None:
    """Every field the mapping names is one the parser's rows carry."""
    known = set(fields)
    for name, spec in mapping.parts():
        for wanted in spec.fields:
            if wanted not in known:
                raise MappingProblem(
                    name,
                    f"the {describe()} has no field {wanted!r} (its fields: "
                    f"{', '.join(fields) or 'none'})",
                )
