"""What the inspection screen says, in the words of the checklist rather than its keys.

No Textual here: a problem with a typed value, one item's full answer, the readings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assettrack.domain.checklist import ChecklistItem, ItemKind
from assettrack.domain.models import ChecklistResult, Inspection
from assettrack.i18n import N_, _
from assettrack.i18n.formats import cells, format_date
from assettrack.i18n.terms import ITEM_RESULTS, term
from assettrack.services.record_texts import record_text


def expected_value(item: ChecklistItem) -> str:
    """What to type for an item, e.g. "type e.g. 22.5 (°C, 10–35 passes)"."""
    if item.kind is ItemKind.CHOICE:
        return _("type one of {choices}").format(choices=" / ".join(item.choices))
    if item.kind is not ItemKind.NUMBER:
        return _("type what was found")
    if item.low is not None and item.high is not None:
        example = (item.low + item.high) / 2
        limits = _("{low:g}–{high:g} passes").format(low=item.low, high=item.high)
    else:
        example, limits = item.low or item.high or 12, ""
    hint = ", ".join(filter(None, (item.unit, limits)))
    return _("type e.g. {example:.1f}").format(example=example) + (f" ({hint})" if hint else "")


def value_problem(item: ChecklistItem, value: str) -> str:
    """Why a typed value was refused, naming the item by its label."""
    if item.kind is ItemKind.CHOICE:
        said = _("{item}: '{value}' is not one of the choices — {expected}")
    else:
        said = _("{item}: '{value}' is not a number — {expected}")
    return said.format(item=_(item.label), value=value, expected=expected_value(item))


def item_line(entry: ChecklistResult, item: ChecklistItem | None) -> str:
    """One item's whole answer, for the line under the checklist (the table truncates)."""
    result = term(ITEM_RESULTS, entry.result.value) if entry.result else _("no result yet")
    parts = [_(entry.label), result]
    if entry.value:
        parts.append(f"{entry.value} {entry.unit}".strip())
    if entry.note:
        parts.append(record_text(entry.note))
    if entry.filled_from:
        parts.append(_("from {source}").format(source=record_text(entry.filled_from)))
    elif entry.result is None and item and item.help:
        parts.append(_(item.help))
    return " · ".join(parts)


def _joined(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(map(str, value)) or _("none")
    return str(value)


READING_LABELS = (
    ("hostname", N_("hostname"), ""),
    ("model", N_("model"), ""),
    ("serial_number", N_("serial"), ""),
    ("os_version", N_("firmware"), ""),
    ("uptime_seconds", N_("uptime"), " s"),
    ("cpu_percent", N_("cpu"), " %"),
    ("memory_used_percent", N_("memory"), " %"),
    ("temperatures", N_("temperatures"), " °C"),
    ("fans", N_("fans"), ""),
    ("power_supplies", N_("power"), ""),
    ("alarms", N_("alarms"), ""),
    ("interfaces_down", N_("interfaces down"), ""),
)


def readings_lines(readings: Mapping[str, Any]) -> list[str]:
    """The device's readings as the record keeps them, one per line; empty ones left out."""
    lines = []
    for key, label, unit in READING_LABELS:
        value = readings.get(key)
        if value is None or value == {} or value == "":
            continue
        if key == "temperatures":
            shown = ", ".join(f"{k} {v:g}{unit}" for k, v in value.items())
        else:
            shown = _joined(value) + (unit if not isinstance(value, Mapping | list) else "")
        label = _(label)  # padded by terminal cells: a Chinese label is twice as wide
        lines.append(f"{label}{' ' * max(0, 16 - cells(label))} {shown}")
    return lines


def record_log(inspection: Inspection, *, whole: bool) -> list[tuple[str, bool]]:
    """The readings, the console reads and the transcript kept with a record, as (line,
    is_heading). ``whole``: every read and the whole transcript (a read-only record)."""
    lines = [(line, False) for line in readings_lines(inspection.readings or {})]
    if lines:
        lines.insert(0, (_("— readings —"), True))
    if whole and len(inspection.reads) > 1:  # a failed read is part of the record too
        lines.append((_("— console reads —"), True))
        for read in inspection.reads:
            outcome = read.outcome if read.ok else _("failed: {why}").format(why=read.outcome)
            lines.append((f"{read.at:%Y-%m-%d %H:%M}  {read.driver or '-'}  {outcome}", False))
            lines.extend((f"    {failure}", False) for failure in read.plugin_failures)
    elif inspection.reads and inspection.reads[-1].plugin_failures:
        lines.append((_("— plugin failures in the last console read —"), True))
        lines.extend((failure, False) for failure in inspection.reads[-1].plugin_failures)
    transcript = inspection.transcript.splitlines()
    if transcript:
        lines.append((_("— transcript of the last console read —"), True))
        lines.extend((line, False) for line in (transcript if whole else transcript[-200:]))
    return lines


def read_only_reason(inspection: Inspection) -> str:
    """Why a completed or signed record refuses a change, and what to do instead."""
    sign_off = inspection.sign_off
    if sign_off is not None:
        why = _("Signed by {name} on {day}: this record is read-only and cannot change.").format(
            name=sign_off.representative, day=format_date(sign_off.signed_at.date())
        )
    else:
        why = _("Complete: this record can be signed (s) but no longer changed.")
    return f"{why} " + _("For a new inspection, press i on the asset.")
