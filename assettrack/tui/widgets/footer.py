"""Textual's footer, with each key's description in the current language.

Key bindings are made when their class is defined, so their descriptions stay the English
msgids (marked with ``N_``); Textual recomposes the footer whenever a screen's bindings are
refreshed, and this footer translates them then. A language switch refreshes every screen's
bindings (``tui.language``), so the keys change with everything else, without a restart.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey  # not exported; textual is pinned

from assettrack.i18n import _


class Footer(TextualFooter):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description)
                if isinstance(widget.tooltip, str):
                    widget.tooltip = _(widget.tooltip)
            yield widget
