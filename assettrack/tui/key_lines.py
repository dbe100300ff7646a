"""Keys shown on the screen itself, in lines that fit 80 columns, for screens with more keys
than the footer can hold."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from assettrack.i18n import _


def key_lines(lines: Sequence[Sequence[tuple[str, str]]]) -> Text:
    """``[[("1", "responded"), …], …]`` as lines of reversed keys and their labels (msgids,
    shown in the current language)."""
    text = Text()
    for number, keys in enumerate(lines):
        text.append("\n" if number else "")
        for key, label in keys:
            text.append(key, style="bold reverse")
            text.append(f" {_(label)}  ")
    return text
