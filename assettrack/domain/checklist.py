"""Checklist items contributed by plugins, and proposing results from device readings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from assettrack.domain.models import ItemResult
from assettrack.domain.readings import FAILED, OK, Readings


class ItemKind(StrEnum):
    """How an item is answered: pass/fail; a number against ``low``/``high``; text; one of
    ``choices``."""

    PASS_FAIL = "pass_fail"
    NUMBER = "number"
    TEXT = "text"
    CHOICE = "choice"


@dataclass(frozen=True)
class ChecklistItem:
    """One line of an inspection checklist.

    ``reading`` names the standard reading that can fill the item (``temperatures.*``,
    ``cpu_percent``, ``fans``…); ``low``/``high`` are the limits a number must stay within
    to pass; for a CHOICE item, ``passing`` lists the choices that count as a pass.
    """

    id: str
    label: str
    help: str = ""
    kind: ItemKind = ItemKind.PASS_FAIL
    unit: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    passing: tuple[str, ...] = ()
    reading: str = ""
    section: str = "Device"


@dataclass(frozen=True)
class Proposal:
    """A result proposed for an item from readings; the engineer may override it.

    ``result`` None proposes the value alone and leaves pass/fail to the engineer (the
    device clock when its time-zone offset is unknown): the item is filled, not answered.
    """

    result: ItemResult | None
    value: str = ""
    note: str = ""
    source: str = field(default="readings")


def judge_number(item: ChecklistItem, value: float) -> ItemResult:
    if item.low is not None and value < item.low:
        return ItemResult.FAIL
    if item.high is not None and value > item.high:
        return ItemResult.FAIL
    return ItemResult.PASS


def propose_from_readings(item: ChecklistItem, readings: Readings) -> Proposal | None:
    """The generic rule: numbers against limits, component states all ok, lists empty."""
    if not item.reading:
        return None
    value: Any = readings.value_of(item.reading)
    if value is None or value == {}:
        return None
    low = "-∞" if item.low is None else f"{item.low:g}"
    high = "∞" if item.high is None else f"{item.high:g}"
    limits = f"{low}–{high}"
    if isinstance(value, dict) and all(v in (OK, FAILED) for v in value.values()):
        failed = sorted(k for k, v in value.items() if v == FAILED)
        if failed:
            return Proposal(
                ItemResult.FAIL, f"{len(failed)} failed", "failed: " + ", ".join(failed)
            )
        return Proposal(ItemResult.PASS, f"{len(value)} ok")
    if isinstance(value, dict):  # several numeric sensors: judge the worst one
        numbers = {k: v for k, v in value.items() if isinstance(v, int | float)}
        if not numbers:
            return None
        name, worst = max(numbers.items(), key=lambda kv: kv[1])
        result = judge_number(item, worst)
        return Proposal(
            result, f"{worst:g}", f"highest: {name} {worst:g} {item.unit} (limits {limits})"
        )
    if isinstance(value, list):
        if value:
            return Proposal(ItemResult.FAIL, str(len(value)), "; ".join(map(str, value[:5])))
        return Proposal(ItemResult.PASS, "0")
    if isinstance(value, int | float) and not isinstance(value, bool):
        result = judge_number(item, float(value))
        return Proposal(result, f"{value:g}", f"limits {limits} {item.unit}".strip())
    return Proposal(ItemResult.PASS, str(value)) if item.kind is ItemKind.TEXT else None


def redundancy_proposal(
    states: Mapping[str, str],
    empty_slots: Sequence[str] = (),
    *,
    failed_word: str = "failed",
    slot_word: str = "empty bay",
    unit: str = "power supply",
) -> Proposal | None:
    """Judge redundant units (power supplies, fan trays) from their states, for plugins.

    Any failed unit or empty slot fails the item; two or more working units pass; a single
    unit with no empty slot is "not applicable" (that model has no redundancy).
    """
    if not states:
        return None
    working = sorted(n for n, s in states.items() if s == OK)
    failed = sorted(n for n, s in states.items() if s == FAILED)
    value = f"{len(working)} ok"
    if failed:
        return Proposal(ItemResult.FAIL, value, f"{failed_word}: " + ", ".join(failed))
    if empty_slots:
        return Proposal(ItemResult.FAIL, value, f"{slot_word}: " + ", ".join(empty_slots))
    if len(working) >= 2:
        return Proposal(ItemResult.PASS, value)
    return Proposal(
        ItemResult.NOT_APPLICABLE,
        value,
        f"one {unit} and no {slot_word} reported: no redundancy on this model",
    )
