"""Discarding a draft inspection, asked the same way from the inspection and the asset detail.

Only a draft: a completed or signed record is the maintenance record and is never removed.
A discarded draft leaves a tombstone (a merge removes it on the other laptops too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen
from textual.widgets import Button

from assettrack.domain.models import Inspection, InspectionState
from assettrack.errors import AssetTrackError
from assettrack.i18n import _
from assettrack.i18n.errors import error_text
from assettrack.i18n.terms import INSPECTION_STATES, term
from assettrack.tui.context import TuiContext
from assettrack.tui.screens.dialogs import ConfirmModal


def ask_to_discard(
    screen: Screen[Any], context: TuiContext, record: Inspection, done: Callable[[], None]
) -> None:
    """Ask (saying what would go) and discard the draft; ``done`` runs once it is gone."""
    if record.state is not InspectionState.DRAFT:
        screen.notify(
            _(
                "This inspection is {state}: it is the maintenance record and is never "
                "discarded (only a draft can be)"
            ).format(state=term(INSPECTION_STATES, record.state.value)),
            severity="warning",
            timeout=8,
        )
        return
    answered = sum(1 for e in record.items if e.result is not None)
    said = (
        _(
            "The draft started {moment} ({answered} of {items} items answered, console "
            "readings) is removed. Completed and signed records are never removed."
        )
        if record.readings
        else _(
            "The draft started {moment} ({answered} of {items} items answered) is removed. "
            "Completed and signed records are never removed."
        )
    )
    confirm = ConfirmModal(
        _("Discard this draft?"),
        said.format(
            moment=f"{record.created_at:%Y-%m-%d %H:%M}", answered=answered, items=len(record.items)
        ),
        yes=_("Discard"),
        no=_("Keep"),
    )

    def confirmed(discard: bool | None) -> None:
        if not discard:
            return
        try:
            context.inspections.discard_draft(record)
        except AssetTrackError as exc:
            screen.notify(error_text(exc), severity="error")
            return
        screen.notify(_("Draft discarded"))
        done()

    screen.app.push_screen(confirm, confirmed)
    # Keep has the focus: an Enter typed out of habit keeps the draft.
    confirm.call_after_refresh(lambda: confirm.query_one("#no", Button).focus())
