"""A device driver written as data: one TOML file (and any TextFSM templates beside it).

``load_driver_profile(path)`` reads and checks the whole file (every pattern compiled, every
template found, every field the mapping names present in its template) and returns a
``DriverProfile``; ``profile.driver()`` is the ``DeviceDriver`` it registers, exactly what a
Python plugin would register. Anything wrong is one ``ProfileError`` naming the file, the
key and the problem. docs/profiles.md describes every key, with a complete example.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assettrack.console.profile import ConsoleProfile
from assettrack.domain.checklist import ChecklistItem, ItemKind
from assettrack.domain.models import Asset
from assettrack.domain.readings import Readings
from assettrack.plugins.types import ConfigCommands, DeviceDriver
from assettrack.profiles.mapping import MappingProblem, ReadingsMap, check_fields, readings_map
from assettrack.profiles.templates import (
    NtcParser,
    Parser,
    RegexParser,
    TemplateProblem,
    TextFsmParser,
)

NAME = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
READING_ROOTS = (
    "hostname",
    "vendor",
    "model",
    "serial_number",
    "os_version",
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
RULES = ("redundant",)
PARSE_ERRORS = "parse_errors"


class ProfileError(ValueError):
    """A driver profile that cannot be used: the file, the key, the problem."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        self.problem = problem
        super().__init__(f"{source}: {key}: {problem}" if key else f"{source}: {problem}")


@dataclass(frozen=True)
class ProfileCommand:
    """One command the driver sends, how its output is parsed and what it fills."""

    command: str
    parser: Parser
    readings: ReadingsMap
    empty_is_answer: bool = False

    def read(self, text: str) -> Readings:
        rows = [] if not text.strip() else self.parser.rows(text)
        return self.readings.evaluate(rows)


@dataclass(frozen=True)
class MatchRules:
    vendors: tuple[str, ...]
    models: tuple[str, ...] = ()
    exclude_models: tuple[str, ...] = ()
    score: int = 50

    def score_of(self, asset: Asset) -> int:
        vendor = " ".join(asset.vendor.casefold().split())
        if not any(
            vendor == v or vendor.startswith(v + " ") or vendor.startswith(v + ",")
            for v in (" ".join(n.casefold().split()) for n in self.vendors)
        ):
            return 0
        model = asset.model.strip().upper()
        if any(fnmatch.fnmatchcase(model, p.upper()) for p in self.exclude_models):
            return 0
        if self.models and not any(fnmatch.fnmatchcase(model, p.upper()) for p in self.models):
            return 0
        return self.score


@dataclass(frozen=True)
class DriverProfile:
    name: str
    source: str
    vendor: str
    platform: str
    description: str
    console: ConsoleProfile
    commands: tuple[ProfileCommand, ...]
    match: MatchRules
    checklist: tuple[ChecklistItem, ...] = ()
    rules: Mapping[str, str] = field(default_factory=dict)  # checklist item id -> rule
    config: ConfigCommands | None = None
    secret_patterns: tuple[str, ...] = ()
    deadline_seconds: float = 120.0

    def driver(self) -> DeviceDriver:
        sent = tuple(dict.fromkeys(c.command for c in self.commands))
        return DeviceDriver(
            name=self.name,
            match=self.match.score_of,
            console=self.console,
            commands=sent,
            parse=self.parse,
            description=self.description or f"{self.vendor} (profile {Path(self.source).name})",
            deadline_seconds=self.deadline_seconds,
            config=self.config,
            secret_patterns=self.secret_patterns,
        )

    def parse(self, outputs: Mapping[str, str]) -> Readings:
        """All outputs -> one set of readings; never raises. Earlier commands win where two
        fill the same reading; a command that cannot be parsed is noted in
        ``extra.parse_errors`` and leaves its readings empty."""
        readings = Readings(vendor=self.vendor or None)
        errors: list[str] = []
        for spec in self.commands:
            try:
                text = outputs.get(spec.command)
            except Exception as exc:  # not a mapping after all
                return Readings(extra={PARSE_ERRORS: [f"outputs: {exc}"]})
            if not isinstance(text, str) or (not text.strip() and not spec.empty_is_answer):
                continue
            try:
                readings = readings.merge(spec.read(text))
            except Exception as exc:
                errors.append(f"{spec.command}: {type(exc).__name__}: {str(exc)[:160]}")
        if errors:
            readings.extra[PARSE_ERRORS] = errors
        return readings


# -- loading --------------------------------------------------------------------------------


def load_driver_profile(path: str | Path) -> DriverProfile:
    """Read and check a driver profile; ``ProfileError`` names what is wrong."""
    path = Path(path)
    source = str(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ProfileError(source, "", "no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(source, "", f"not valid TOML ({exc})") from None
    except OSError as exc:
        raise ProfileError(source, "", f"cannot be read ({exc.strerror})") from None
    return profile_from_mapping(data, base=path.parent, source=source)


def profile_from_mapping(data: Mapping[str, Any], *, base: Path, source: str) -> DriverProfile:
    r = _Reader(source)
    r.known(data, "", ("driver", "match", "console", "config", "commands", "checklist"))
    driver = r.table(data, "driver", required=True)
    r.known(driver, "driver", ("name", "description", "vendor", "platform", "deadline_seconds"))
    name = r.text(driver, "name", "driver.name", required=True)
    if not NAME.match(name):
        raise ProfileError(
            source,
            "driver.name",
            f"{name!r} is not a driver name: lower-case "
            "letters, digits and _, starting with a letter (e.g. juniper_junos)",
        )
    vendor = r.text(driver, "vendor", "driver.vendor", required=True)
    platform = r.text(driver, "platform", "driver.platform")
    deadline = r.number(driver, "deadline_seconds", "driver.deadline_seconds", 120.0)
    if not 1 <= deadline <= 3600:
        raise ProfileError(source, "driver.deadline_seconds", "give 1 to 3600 seconds")
    config, secrets = _config(r, data)
    commands = _commands(r, data, base, platform)
    checklist, rules = _checklist(r, data)
    return DriverProfile(
        name=name,
        source=source,
        vendor=vendor,
        platform=platform,
        description=r.text(driver, "description", "driver.description"),
        console=_console(r, data, name),
        commands=commands,
        match=_match(r, data, vendor),
        checklist=checklist,
        rules=rules,
        config=config,
        secret_patterns=secrets,
        deadline_seconds=deadline,
    )


_CONSOLE_KEYS = {
    # TOML key: (ConsoleProfile field, kind)
    "prompts": ("prompt_patterns", "patterns"),
    "privileged_prompt": ("privileged_prompt_pattern", "pattern"),
    "login_prompt": ("login_prompt", "pattern"),
    "password_prompt": ("password_prompt", "pattern"),
    "login_failures": ("login_failure_patterns", "patterns"),
    "enable": ("enable_command", "text"),
    "enable_password_prompt": ("enable_password_prompt", "pattern"),
    "paging_off": ("paging_off_commands", "texts"),
    "paging_marker": ("paging_marker", "pattern"),
    "paging_answer": ("paging_answer", "text"),
    "errors": ("error_patterns", "patterns"),
    "baud": ("baud", "int"),
    "framing": ("framing", "text"),
    "line_ending": ("line_ending", "text"),
    "encoding": ("encoding", "text"),
}


def _console(r: _Reader, data: Mapping[str, Any], name: str) -> ConsoleProfile:
    table = r.table(data, "console", required=True)
    r.known(table, "console", tuple(_CONSOLE_KEYS))
    if "prompts" not in table:
        raise ProfileError(r.source, "console.prompts", "missing: the prompt patterns")
    values: dict[str, Any] = {"name": name}
    for key, (attribute, kind) in _CONSOLE_KEYS.items():
        if key not in table:
            continue
        where = f"console.{key}"
        if kind == "patterns":
            values[attribute] = tuple(
                r.pattern(p, f"{where}[{i}]") for i, p in enumerate(r.texts(table, key, where))
            )
        elif kind == "pattern":
            values[attribute] = r.pattern(r.text(table, key, where, required=True), where)
        elif kind == "texts":
            values[attribute] = r.texts(table, key, where)
        elif kind == "int":
            values[attribute] = int(r.number(table, key, where, 0))
        else:
            values[attribute] = r.text(table, key, where, required=True)
    if not values.get("prompt_patterns"):
        raise ProfileError(r.source, "console.prompts", "give at least one prompt pattern")
    try:
        return ConsoleProfile(**values)
    except ValueError as exc:  # a framing such as "8X1"
        raise ProfileError(r.source, "console", str(exc)) from None


def _match(r: _Reader, data: Mapping[str, Any], vendor: str) -> MatchRules:
    table = r.table(data, "match")
    r.known(table, "match", ("vendors", "models", "exclude_models", "score"))
    vendors = r.texts(table, "vendors", "match.vendors") if "vendors" in table else (vendor,)
    models = r.texts(table, "models", "match.models") if "models" in table else ()
    exclude = (
        r.texts(table, "exclude_models", "match.exclude_models")
        if "exclude_models" in table
        else ()
    )
    score = int(r.number(table, "score", "match.score", 100 if models else 50))
    if not 1 <= score <= 1000:
        raise ProfileError(
            r.source, "match.score", "give 1 to 1000 (a vendor's driver: 50, a model's: 100)"
        )
    return MatchRules(vendors, models, exclude, score)


def _config(r: _Reader, data: Mapping[str, Any]) -> tuple[ConfigCommands | None, tuple[str, ...]]:
    table = r.table(data, "config")
    r.known(table, "config", ("running", "saved", "ignore", "secret_patterns"))
    secrets = (
        tuple(
            r.pattern(p, f"config.secret_patterns[{i}]")
            for i, p in enumerate(r.texts(table, "secret_patterns", "config.secret_patterns"))
        )
        if "secret_patterns" in table
        else ()
    )
    if not table or "running" not in table:
        if table and set(table) - {"secret_patterns"}:
            raise ProfileError(
                r.source,
                "config.running",
                "missing: the command that prints the running configuration",
            )
        return None, secrets
    ignore = (
        tuple(
            r.pattern(p, f"config.ignore[{i}]")
            for i, p in enumerate(r.texts(table, "ignore", "config.ignore"))
        )
        if "ignore" in table
        else ()
    )
    saved = r.text(table, "saved", "config.saved") or None
    return ConfigCommands(
        r.text(table, "running", "config.running", required=True), saved, ignore
    ), secrets


def _commands(
    r: _Reader, data: Mapping[str, Any], base: Path, platform: str
) -> tuple[ProfileCommand, ...]:
    entries = data.get("commands")
    if not isinstance(entries, list) or not entries:
        raise ProfileError(r.source, "commands", "missing: one [[commands]] table per command")
    found = []
    for index, entry in enumerate(entries):
        where = f"commands[{index}]"
        if not isinstance(entry, Mapping):
            raise ProfileError(r.source, where, "must be a table ([[commands]])")
        r.known(
            entry,
            where,
            ("command", "ntc", "textfsm", "regex", "platform", "empty_is_answer", "readings"),
        )
        command = " ".join(r.text(entry, "command", f"{where}.command", required=True).split())
        where = f'commands[{index}] ("{command}")'
        parser = _parser(
            r,
            entry,
            where,
            base,
            r.text(entry, "platform", f"{where}.platform") or platform,
            command,
        )
        table = entry.get("readings")
        if not isinstance(table, Mapping) or not table:
            raise ProfileError(
                r.source, f"{where}.readings", "missing: which readings this command's fields fill"
            )
        try:
            mapping = readings_map(table)
            check_fields(mapping, parser.fields, parser.describe)
        except MappingProblem as exc:
            raise ProfileError(r.source, f"{where}.readings.{exc.key}", exc.problem) from None
        empty = entry.get("empty_is_answer", False)
        if not isinstance(empty, bool):
            raise ProfileError(r.source, f"{where}.empty_is_answer", "true or false")
        found.append(ProfileCommand(command, parser, mapping, empty))
    return tuple(found)


def _parser(
    r: _Reader, entry: Mapping[str, Any], where: str, base: Path, platform: str, command: str
) -> Parser:
    given = [k for k in ("ntc", "textfsm", "regex") if k in entry]
    if len(given) > 1:
        raise ProfileError(r.source, where, f"give one parser, not {' and '.join(given)}")
    kind = given[0] if given else "ntc"
    key = f"{where}.{kind}"
    try:
        if kind == "textfsm":
            name = r.text(entry, "textfsm", key, required=True)
            return TextFsmParser.load(base / name)
        if kind == "regex":
            return RegexParser.compile(r.text(entry, "regex", key, required=True))
        value = entry.get("ntc", True)
        if value is True:
            value = command
        if not isinstance(value, str) or not value.strip():
            raise ProfileError(r.source, key, "the command as ntc-templates knows it, or true")
        if not platform:
            raise ProfileError(
                r.source,
                "driver.platform",
                "missing: the ntc-templates platform (e.g. juniper_junos)",
            )
        return NtcParser.find(platform, " ".join(value.split()))
    except TemplateProblem as exc:
        raise ProfileError(r.source, key, str(exc)) from None


def _checklist(
    r: _Reader, data: Mapping[str, Any]
) -> tuple[tuple[ChecklistItem, ...], dict[str, str]]:
    from assettrack.plugins.builtin.site_checklist import BUILTIN_ITEM_IDS

    entries = data.get("checklist", [])
    if not isinstance(entries, list):
        raise ProfileError(r.source, "checklist", "one [[checklist]] table per item")
    items: list[ChecklistItem] = []
    rules: dict[str, str] = {}
    for index, entry in enumerate(entries):
        where = f"checklist[{index}]"
        if not isinstance(entry, Mapping):
            raise ProfileError(r.source, where, "must be a table ([[checklist]])")
        r.known(
            entry,
            where,
            (
                "id",
                "label",
                "help",
                "kind",
                "unit",
                "low",
                "high",
                "choices",
                "passing",
                "reading",
                "section",
                "rule",
            ),
        )
        item_id = r.text(entry, "id", f"{where}.id", required=True)
        if not NAME.match(item_id):
            raise ProfileError(
                r.source,
                f"{where}.id",
                f"{item_id!r} is not an item id: lower-case letters, digits and _",
            )
        if item_id in BUILTIN_ITEM_IDS:
            raise ProfileError(
                r.source,
                f"{where}.id",
                f"{item_id!r} is a built-in item on "
                "every inspection; give yours its own id (e.g. with the "
                "vendor's prefix)",
            )
        if any(i.id == item_id for i in items):
            raise ProfileError(r.source, f"{where}.id", f"{item_id!r} is used twice")
        kind_text = r.text(entry, "kind", f"{where}.kind") or "pass_fail"
        try:
            kind = ItemKind(kind_text)
        except ValueError:
            raise ProfileError(
                r.source,
                f"{where}.kind",
                f"{kind_text!r} is not a kind (one of {', '.join(k.value for k in ItemKind)})",
            ) from None
        reading = r.text(entry, "reading", f"{where}.reading")
        if reading and reading.split(".")[0] not in READING_ROOTS:
            raise ProfileError(
                r.source,
                f"{where}.reading",
                f"{reading!r} names no standard reading (one of {', '.join(READING_ROOTS)})",
            )
        low = r.number(entry, "low", f"{where}.low", None)
        high = r.number(entry, "high", f"{where}.high", None)
        if low is not None and high is not None and low > high:
            raise ProfileError(r.source, f"{where}.low", "is above high")
        choices = r.texts(entry, "choices", f"{where}.choices") if "choices" in entry else ()
        passing = r.texts(entry, "passing", f"{where}.passing") if "passing" in entry else ()
        if kind is ItemKind.CHOICE and not choices:
            raise ProfileError(r.source, f"{where}.choices", "a choice item needs its choices")
        if set(passing) - set(choices):
            raise ProfileError(r.source, f"{where}.passing", "must be among the choices")
        rule = r.text(entry, "rule", f"{where}.rule")
        if rule:
            if rule not in RULES:
                raise ProfileError(
                    r.source, f"{where}.rule", f"{rule!r} is not a rule (one of {', '.join(RULES)})"
                )
            if reading not in ("fans", "power_supplies"):
                raise ProfileError(
                    r.source,
                    f"{where}.rule",
                    "redundant judges fans or power_supplies: give that reading",
                )
            rules[item_id] = rule
        items.append(
            ChecklistItem(
                id=item_id,
                label=r.text(entry, "label", f"{where}.label", required=True),
                help=r.text(entry, "help", f"{where}.help"),
                kind=kind,
                unit=r.text(entry, "unit", f"{where}.unit"),
                low=low,
                high=high,
                choices=choices,
                passing=passing,
                reading=reading,
                section=r.text(entry, "section", f"{where}.section") or "Device",
            )
        )
    return tuple(items), rules


class _Reader:
    """Typed access to parsed TOML that names the key of anything of the wrong kind."""

    def __init__(self, source: str) -> None:
        self.source = source

    def known(self, table: Mapping[str, Any], where: str, allowed: Sequence[str]) -> None:
        for key in table:
            if key not in allowed:
                name = f"{where}.{key}" if where else key
                raise ProfileError(
                    self.source, name, f"unknown key (known here: {', '.join(allowed)})"
                )

    def table(
        self, data: Mapping[str, Any], key: str, *, required: bool = False
    ) -> Mapping[str, Any]:
        value = data.get(key)
        if value is None:
            if required:
                raise ProfileError(self.source, key, "missing")
            return {}
        if not isinstance(value, Mapping):
            raise ProfileError(self.source, key, "must be a table")
        return value

    def text(self, data: Mapping[str, Any], name: str, key: str, *, required: bool = False) -> str:
        value = data.get(name)
        if value is None or value == "":
            if required:
                raise ProfileError(self.source, key, "missing")
            return ""
        if not isinstance(value, str):
            raise ProfileError(self.source, key, f"must be a string, not {type(value).__name__}")
        return value

    def texts(self, data: Mapping[str, Any], name: str, key: str) -> tuple[str, ...]:
        value = data.get(name)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ProfileError(self.source, key, "must be a list of strings")
        return tuple(value)

    def number(self, data: Mapping[str, Any], name: str, key: str, default: Any) -> Any:
        value = data.get(name, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ProfileError(self.source, key, f"must be a number, not {value!r}")
        return float(value) if isinstance(default, float) else value

    def pattern(self, value: str, key: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ProfileError(self.source, key, f"not a regular expression ({exc})") from None
        return value
