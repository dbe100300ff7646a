"""Textual's footer, with each key's description in the current language.

Key bindings are made when their class is defined, so their descriptions stay the English
msgids (marked with ``N_``); Textual recomposes the footer whenever a screen's bindings are
refreshed, and this footer translates them then. A language switch refreshes every screen's
bindings (``tui.language``), so the keys change with everything else, without a restart.

Chinese descriptions: a key that does not fit whole beside the command palette's key is
left out. Textual would draw it under that key, and where the hidden key's edge falls inside
a Chinese character of the palette's key the character is lost (the compositor cuts a line
at every widget's edge, and a two-column character cut in two becomes two blanks). English
keeps Textual's own layout.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey  # not exported; textual is pinned

from assettrack.i18n import _
from assettrack.i18n.formats import cells

# A key's cells beyond its key and description: " f1 " and "帮助 " (the footer's own CSS).
KEY_PADDING = 3
PALETTE_EXTRA = 2  # the palette key's left border and right padding


def key_width(key: FooterKey) -> int:
    return KEY_PADDING + cells(key.key_display) + cells(key.description)


class Footer(TextualFooter):
    def compose(self) -> ComposeResult:
        self._forget_removed_keys()
        widgets: list[Widget] = []
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description)
                if isinstance(widget.tooltip, str):
                    widget.tooltip = _(widget.tooltip)
            widgets.append(widget)
        yield from self._fitting(widgets)

    def _forget_removed_keys(self) -> None:
        """Drop the watchers of the keys the last compose made, removed by now.

        Each key watches the footer's ``compact`` (``data_bind``), and Textual keeps such a
        watcher on the footer until ``compact`` changes (textual#6666), which it never
        does: every key of every recompose (at each switch of screens) was kept alive,
        about 0.7 MB a round of five screens (``benchmarks/session_bench.py``)."""
        watchers: dict[str, list[tuple[Any, Any]]] = getattr(self, "__watchers", {})
        for entries in watchers.values():
            entries[:] = [
                (node, callback)
                for node, callback in entries
                if not (getattr(node, "_closing", False) or getattr(node, "_closed", False))
            ]

    def _fitting(self, widgets: list[Widget]) -> list[Widget]:
        """The keys that fit whole, when a description is Chinese (see the module)."""
        keys = [w for w in widgets if isinstance(w, FooterKey)]
        width = self.size.width
        if len(keys) != len(widgets) or not width or all(k.description.isascii() for k in keys):
            return widgets
        palette = [k for k in keys if k.has_class("-command-palette")]
        room = width - sum(key_width(k) + PALETTE_EXTRA for k in palette)
        shown: list[Widget] = []
        for key in keys:
            if key in palette:
                shown.append(key)
            elif key_width(key) <= room:
                room -= key_width(key)
                shown.append(key)
            else:
                room = 0  # keep the order: no later key jumps into the gap
        return shown
