"""How the Sites and Visits screens show a site's next visit: one cell, read the same way."""

from __future__ import annotations

from rich.text import Text

from assettrack.domain.visits import VisitDue
from assettrack.i18n import _

OVERDUE_STYLE = "bold red"


def due_cell(due: VisitDue | None) -> Text:
    """``2026-12-16``, ``2026-12-16 overdue`` (the day it fell due), or ``no plan``."""
    if due is None:
        return Text(_("no plan"), style="dim")
    if due.overdue:
        return Text(_("{day} overdue").format(day=due.on), style=OVERDUE_STYLE)
    return Text(str(due.on))
