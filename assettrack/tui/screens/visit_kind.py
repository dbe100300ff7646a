"""Which kind of visit to start: one key each, so a phone follow-up is `v` then `p`."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from assettrack.domain.models import VisitKind
from assettrack.i18n import N_, _

# (key, kind, label): the key is the label's first letter where it can be.
CHOICES = (
    ("s", VisitKind.SCHEDULED, N_("Scheduled")),
    ("o", VisitKind.FOLLOW_UP, N_("On-site follow-up")),
    ("p", VisitKind.PHONE_FOLLOW_UP, N_("Phone follow-up")),
    ("c", VisitKind.FAULT_CALL_OUT, N_("Fault call-out")),
)


class VisitKindModal(ModalScreen[VisitKind | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        *(Binding(key, f"pick('{kind.value}')", label) for key, kind, label in CHOICES),
    ]

    def __init__(self, site_name: str) -> None:
        super().__init__()
        self.site_name = site_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                _("Start a visit · {site}").format(site=self.site_name), classes="dialog-title"
            )
            # One under the other: four side by side do not fit 80 columns.
            for key, kind, label in CHOICES:
                yield Button(f"{key}  {_(label)}", id=f"kind-{kind.value}", classes="visit-kind")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_pick((event.button.id or "").removeprefix("kind-"))

    def action_pick(self, kind: str) -> None:
        self.dismiss(VisitKind(kind))

    def action_cancel(self) -> None:
        self.dismiss(None)
