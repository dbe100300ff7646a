"""How a profile's command output becomes rows: an ntc-templates template (by platform and
command), a TextFSM template file shipped beside the profile, or a regular expression.

Every parser yields the same shape: a list of rows, each a dict of lower-case field names to
text (or a list of texts, for a TextFSM ``List`` value). ``fields`` tells, before any output
is seen, which names a parser's rows carry, so a profile's mapping can be checked when it is
loaded.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

Row = dict[str, Any]


class TemplateProblem(ValueError):
    """A parser that cannot be used: no such template, a template that does not compile."""


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class NtcParser:
    """The ntc-templates template for ``platform`` and ``command``, as ``parse_output``
    finds it in the installed package's index."""

    platform: str
    command: str
    template: str = ""  # the template file the index names (for messages and docs)
    fields: tuple[str, ...] = ()

    @classmethod
    def find(cls, platform: str, command: str) -> NtcParser:
        template = ntc_template_for(platform, command)
        return cls(platform, command, template, _fsm_fields(_ntc_dir() / template))

    def rows(self, text: str) -> list[Row]:
        from ntc_templates.parse import parse_output

        rows = parse_output(
            platform=self.platform, command=self.command, data=normalize_newlines(text)
        )
        return [dict(row) for row in rows]

    def describe(self) -> str:
        return f"ntc-templates {self.template}"


@dataclass(frozen=True)
class TextFsmParser:
    """A TextFSM template file (read once, when the profile is loaded)."""

    path: Path
    source: str = field(repr=False, default="")
    fields: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path) -> TextFsmParser:
        try:
            source = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise TemplateProblem(f"no template file {path.name!r} beside the profile") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateProblem(f"the template {path.name!r} cannot be read ({exc})") from None
        return cls(path, source, _fsm_fields_of(source, path.name))

    def rows(self, text: str) -> list[Row]:
        import textfsm

        fsm = textfsm.TextFSM(io.StringIO(self.source))
        header = [h.lower() for h in fsm.header]
        return [
            dict(zip(header, values, strict=True))
            for values in fsm.ParseText(normalize_newlines(text))
        ]

    def describe(self) -> str:
        return f"TextFSM {self.path.name}"


@dataclass(frozen=True)
class RegexParser:
    """One row per match of a regular expression; its named groups are the fields."""

    pattern: re.Pattern[str]
    fields: tuple[str, ...] = ()

    @classmethod
    def compile(cls, pattern: str) -> RegexParser:
        try:
            compiled = re.compile(pattern, re.MULTILINE)
        except re.error as exc:
            raise TemplateProblem(f"not a regular expression ({exc})") from None
        if not compiled.groupindex:
            raise TemplateProblem("name the parts to keep: (?P<field>...)")
        return cls(compiled, tuple(name.lower() for name in compiled.groupindex))

    def rows(self, text: str) -> list[Row]:
        return [
            {k.lower(): (v or "") for k, v in m.groupdict().items()}
            for m in self.pattern.finditer(normalize_newlines(text))
        ]

    def describe(self) -> str:
        return "regular expression"


Parser = NtcParser | TextFsmParser | RegexParser


# -- ntc-templates' index, read as clitable reads it ----------------------------------------


def _ntc_dir() -> Path:
    try:
        from ntc_templates.parse import _get_template_dir
    except ImportError:
        raise TemplateProblem(
            "ntc-templates is not installed (pip install ntc-templates), or give a TextFSM "
            "template file (textfsm = ...)"
        ) from None
    return Path(_get_template_dir())


@cache
def _ntc_index(folder: str) -> tuple[tuple[str, str, str], ...]:
    """(platform pattern, command pattern, template) per line of the index, in order.

    As ``textfsm.clitable`` reads it: ``abc[[xyz]]`` completes to ``abc(x(y(z)?)?)?`` and a
    command matches from its start. Commands are compiled only for the platforms asked for.
    """
    rows = []
    header_seen = False
    with open(os.path.join(folder, "index"), encoding="utf-8") as handle:
        for line in handle:
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            if not header_seen:
                header_seen = True  # "Template, Hostname, Platform, Command"
                continue
            parts = [p.strip() for p in text.split(",", 3)]
            if len(parts) == 4:
                rows.append((parts[2], parts[3], parts[0]))
    return tuple(rows)


@cache
def _platform_pattern(platform: str) -> re.Pattern[str]:
    return re.compile(platform)


@cache
def _command_pattern(command: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\[\[(.+?)\]\]", _completion, command))


def _completion(match: re.Match[str]) -> str:
    word = match.group(1)
    return "(" + "(".join(word) + ")?" * len(word)


def ntc_template_for(platform: str, command: str) -> str:
    """The template file ntc-templates uses for ``command`` on ``platform``."""
    folder = _ntc_dir()
    platforms = set()
    for platform_pattern, command_pattern, template in _ntc_index(str(folder)):
        if platform_pattern != platform and not _platform_pattern(platform_pattern).match(platform):
            continue
        platforms.add(platform_pattern)
        # Most lines differ in their first letters: compile only those that could match.
        literal = re.split(r"[\[\](){}\\.*+?|^$]", command_pattern, maxsplit=1)[0]
        if command.startswith(literal) and _command_pattern(command_pattern).match(command):
            return template.split(":")[0]
    if not platforms:
        raise TemplateProblem(f"ntc-templates knows no platform {platform!r}")
    raise TemplateProblem(
        f"ntc-templates has no template for {command!r} on {platform}; give a TextFSM "
        "template file (textfsm = ...) or a regular expression (regex = ...)"
    )


_VALUE = re.compile(
    r"^Value\s+(?:(?:Filldown|Fillup|Key|Required|List)(?:,\w+)*\s+)?(\w+)\s", re.MULTILINE
)


@cache
def _fsm_fields(path: Path) -> tuple[str, ...]:
    """The fields of a template of ntc-templates (known to compile): its Value names."""
    return tuple(name.lower() for name in _VALUE.findall(path.read_text(encoding="utf-8")))


def _fsm_fields_of(source: str, name: str) -> tuple[str, ...]:
    import textfsm

    try:
        fsm = textfsm.TextFSM(io.StringIO(source))
    except textfsm.TextFSMTemplateError as exc:
        raise TemplateProblem(f"the template {name!r} does not compile: {exc}") from None
    return tuple(h.lower() for h in fsm.header)


def field_names(rows: Sequence[Row]) -> list[str]:
    names: list[str] = []
    for row in rows:
        names += [k for k in row if k not in names]
    return names
