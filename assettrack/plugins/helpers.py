"""Helpers every vendor driver needs, so that no driver keeps its own copy.

A driver's ``parse`` gets ``{command: output}`` and must never raise; the usual shape is one
small parser per command, each turning one output into ``Readings``, merged by
:func:`parse_outputs`. Outputs come with the console's line endings: :func:`normalize_newlines`
first. :func:`ntc_parse` runs an ntc-templates TextFSM template; :func:`member_name` and
:func:`is_stack` name the parts of a stack of switches the same way for every vendor.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from assettrack.domain.readings import Readings

PARSE_ERRORS = "parse_errors"
"""The key of ``Readings.extra`` under which :func:`parse_outputs` notes failed parsers."""

# Members that are the lone unit or a stack's first one: their parts keep their plain names.
LONE_MEMBERS = ("", "0", "-", "NA")


def normalize_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` (as consoles send them) become ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_outputs(
    outputs: Mapping[str, str],
    parsers: Mapping[str, Callable[[str], Readings]],
    *,
    empty_is_an_answer: Collection[str] = (),
) -> Readings:
    """Parse each command's output with its parser and merge the readings; never raises.

    ``parsers`` maps a command to a function ``(output) -> Readings``; commands are parsed in
    its order, so an earlier command wins where two report the same reading (``show
    version``'s serial before ``show inventory``'s). Outputs of commands with no parser, and
    blank outputs, are skipped, except for the commands in ``empty_is_an_answer`` (a filtered
    command that printed nothing has said "none"). A parser that raises, or returns
    something other than ``Readings``, leaves its readings empty and notes why in
    ``extra["parse_errors"]`` (``"command: ErrorType: message"``); the other commands' readings
    are kept.
    """
    readings = Readings()
    errors: list[str] = []
    order = list(parsers)
    try:
        items = sorted(
            outputs.items(),
            key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order),
        )
    except Exception as exc:  # not a mapping of commands to texts after all
        return Readings(extra={PARSE_ERRORS: [f"outputs: {type(exc).__name__}: {exc}"]})
    for command, text in items:
        parser = parsers.get(command)
        if parser is None or not isinstance(text, str):
            continue
        if not text.strip() and command not in empty_is_an_answer:
            continue
        try:
            part = parser(text)
        except Exception as exc:
            errors.append(f"{command}: {type(exc).__name__}: {str(exc)[:160]}")
            continue
        if not isinstance(part, Readings):
            errors.append(f"{command}: TypeError: expected Readings, got {type(part).__name__}")
            continue
        readings = readings.merge(part)
    if errors:
        readings.extra[PARSE_ERRORS] = errors
    return readings


def ntc_parse(platform: str, command: str, text: str) -> list[dict[str, Any]]:
    """The rows ntc-templates' TextFSM template for ``platform`` and ``command`` reads from
    ``text`` (line endings normalised first), one dict per row with the template's field
    names in lower case.

    Raises what ntc-templates raises (no template for the command, or output the template
    cannot read); inside :func:`parse_outputs` that becomes a note in ``parse_errors``.
    Needs the ``ntc-templates`` package: declare it in your plugin's dependencies.
    """
    try:
        from ntc_templates.parse import parse_output
    except ImportError as exc:
        raise ImportError(
            "ntc_parse needs the ntc-templates package: add it to the plugin's dependencies"
        ) from exc
    rows = parse_output(platform=platform, command=command, data=normalize_newlines(text))
    return list(rows)


def is_stack(members: Iterable[str | int | None]) -> bool:
    """Whether parts come from more than one stack member (distinct non-empty members)."""
    return len({str(m).strip() for m in members if m is not None and str(m).strip()}) > 1


def member_name(
    name: str,
    member: str | int | None = "",
    *,
    word: str = "Slot",
    stacked: bool = True,
    lone: Collection[str] = LONE_MEMBERS,
) -> str:
    """A part's name, prefixed with its stack member only where that tells parts apart.

    ``member_name("FAN1", "2")`` is ``"Slot 2 FAN1"``; ``member_name("FAN1", "0")`` stays
    ``"FAN1"`` (the lone unit or a stack's first member: members in ``lone``);
    ``member_name("FAN 1", "1", word="Switch", stacked=is_stack(switches), lone=("",))`` is
    ``"Switch 1 FAN 1"`` in a stack and ``"FAN 1"`` on a switch alone.
    """
    member = "" if member is None else str(member).strip()
    if not stacked or member in lone:
        return name
    return f"{word} {member} {name}"
