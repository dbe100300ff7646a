"""The device's configuration, captured by a console read: compared with the saved one,
diffed against the asset's previous inspection, shown in the record. What Oxidized does,
inside the inspection.

Secrets are masked before anything leaves the read (``ConsoleReader``), so every text here
is already redacted: the stored configuration, its diff, the report's rows.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from assettrack.domain.models import ConfigSnapshot, Inspection
from assettrack.i18n import N_, _, ngettext
from assettrack.services import record_texts
from assettrack.services.report_render import Block, Paragraph, Table

# A flag kept with the record (English data, matched by its start; shown through
# ``record_texts``).
NOT_SAVED = "running configuration not saved"
NOT_SAVED_FLAG = record_texts.NOT_SAVED
# The diff's file labels, kept in the stored diff (English); ``diff_label`` says them.
OLD_LABEL = "inspection of {moment}"
NEW_LABEL = "this inspection ({moment})"
DIFF_CONTEXT = 2  # lines of context around each change: enough to see the section
REPORT_ROWS = 300  # diff lines in a printed record; the whole diff stays with the record


@dataclass(frozen=True)
class ConfigRead:
    """What a read captured: the configuration (redacted) and whether it is saved."""

    command: str
    text: str
    saved: bool | None = None  # None: the device was not asked, or could not say
    # The driver's lines that change without a change of configuration (left out of diffs).
    ignore: tuple[str, ...] = ()


def _compiled(patterns: Sequence[str]) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in patterns]


def config_lines(text: str, ignore: Sequence[str] = ()) -> list[str]:
    """The configuration's lines as compared: line ends and trailing blanks cleaned, the
    lines that change without a change of configuration (``ignore``) left out, and the
    blank lines around it."""
    skip = _compiled(ignore)
    lines = [
        line.rstrip()
        for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if not any(p.search(line) for p in skip)
    ]
    while lines and not lines[0]:
        del lines[0]
    while lines and not lines[-1]:
        del lines[-1]
    return lines


def same_configuration(running: str, saved: str, ignore: Sequence[str] = ()) -> bool:
    return config_lines(running, ignore) == config_lines(saved, ignore)


def config_diff(
    old: str, new: str, ignore: Sequence[str] = (), *, old_label: str = "", new_label: str = ""
) -> str:
    """A unified diff of two configurations ("" when they are the same)."""
    lines = difflib.unified_diff(
        config_lines(old, ignore),
        config_lines(new, ignore),
        fromfile=old_label or "before",
        tofile=new_label or "now",
        n=DIFF_CONTEXT,
        lineterm="",
    )
    return "\n".join(lines)


def diff_counts(diff: str) -> tuple[int, int]:
    """(lines added, lines removed) of a unified diff."""
    added = removed = 0
    for line in diff.splitlines():
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed


def diff_rows(diff: str) -> list[tuple[str, str]]:
    """The diff as (change, line) rows for a table: "added", "removed", "" for context and
    "…" between distant changes."""
    rows: list[tuple[str, str]] = []
    for line in diff.splitlines():
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            if rows:
                rows.append(("…", ""))
            continue
        mark, text = line[:1], line[1:]
        rows.append(({"+": "added", "-": "removed"}.get(mark, ""), text))
    return rows


def snapshot(read: ConfigRead, read_at: datetime, previous: Inspection | None) -> ConfigSnapshot:
    """The configuration to keep with the record, diffed against ``previous`` (the asset's
    last inspection that kept one)."""
    before = previous.configuration if previous is not None else None
    shot = ConfigSnapshot(read.command, read_at, read.text, read.saved)
    if previous is not None and before is not None:
        shot.compared_with = previous.id
        shot.compared_at = before.read_at
        shot.config_diff = config_diff(
            before.config_text,
            read.text,
            read.ignore,
            old_label=OLD_LABEL.format(moment=f"{before.read_at:%Y-%m-%d %H:%M}"),
            new_label=NEW_LABEL.format(moment=f"{read_at:%Y-%m-%d %H:%M}"),
        )
    return shot


def diff_label(line: str) -> str:
    """A stored diff's line in the current language: its ``---``/``+++`` file labels
    translated, any other line as it is."""
    for start, label, message in (
        ("--- ", OLD_LABEL, N_("inspection of {moment}")),
        ("+++ ", NEW_LABEL, N_("this inspection ({moment})")),
    ):
        head, _sep, tail = label.partition("{moment}")
        rest = line.removeprefix(start)
        if line.startswith(start) and rest.startswith(head) and rest.endswith(tail):
            moment = rest[len(head) : len(rest) - len(tail)]
            return start + _(message).format(moment=moment)
    return line


def summary(shot: ConfigSnapshot) -> str:
    """One line: what the captured configuration says about changes."""
    if shot.compared_at is None:
        return _(
            "configuration captured ({command}); no earlier inspection to compare with"
        ).format(command=shot.command)
    day = f"{shot.compared_at:%Y-%m-%d}"
    if not shot.config_diff:
        return _(
            "no parameter changes found in the configuration since the inspection of {day}"
        ).format(day=day)
    added, removed = diff_counts(shot.config_diff)
    return ngettext(
        "parameter changes found in the configuration since the inspection of {day}: "
        "{added} line added, {removed} removed",
        "parameter changes found in the configuration since the inspection of {day}: "
        "{added} lines added, {removed} removed",
        added,
    ).format(day=day, added=added, removed=removed)


CHANGE_WORDS = {"added": N_("added"), "removed": N_("removed")}


def configuration_blocks(inspection: Inspection) -> list[Block]:
    """The record's "parameter changes found" block: the configuration diff as a table."""
    shot = inspection.configuration
    if shot is None:
        return []
    text = summary(shot)
    said = _("{summary} (secrets masked).").format(summary=text[:1].upper() + text[1:])
    blocks: list[Block] = [Paragraph(said)]
    rows = [
        (_(CHANGE_WORDS[c]) if c in CHANGE_WORDS else c, line)
        for c, line in diff_rows(shot.config_diff)
    ]
    if rows:
        shown = rows[:REPORT_ROWS]
        if len(rows) > len(shown):
            more = len(rows) - len(shown)
            shown.append(("…", _("{count} more lines, kept with the record").format(count=more)))
        blocks.append(Table((_("Change"), _("Configuration line")), tuple(shown)))
    return blocks


def previous_with_configuration(
    history: Iterable[Inspection], current: Inspection
) -> Inspection | None:
    """The asset's latest inspection before ``current`` that kept a configuration."""
    earlier = [
        r
        for r in history
        if r.id != current.id and r.configuration is not None and r.created_at <= current.created_at
    ]
    return max(earlier, key=lambda r: r.created_at) if earlier else None
