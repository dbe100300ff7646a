"""Choose the known problem a fault matches: the similar ones first, any one of the base."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from assettrack.domain.known_problems import KnownProblem, Match
from assettrack.i18n import N_, _

DETACH = "-"


class KnownProblemPicker(ModalScreen[str | None]):
    """Dismissed with the chosen problem's id, ``DETACH`` to detach, None if cancelled."""

    DEFAULT_CSS = """
    KnownProblemPicker OptionList { height: auto; max-height: 14; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(
        self, matches: list[Match], others: list[KnownProblem], attached: str | None
    ) -> None:
        super().__init__()
        self.matches = matches
        self.others = others
        self.attached = attached

    def compose(self) -> ComposeResult:
        options: list[Option] = []
        if self.attached:
            options.append(Option(_("(none: detach the known problem)"), id=DETACH))
        seen = set()
        for match in self.matches:
            p = match.problem
            seen.add(p.id)
            options.append(Option(Text.assemble((f"{match.score:.2f} ", "bold"), p.title), p.id))
        options += [Option(p.title, p.id) for p in self.others if p.id not in seen]
        with Vertical(classes="dialog"):
            yield Label(_("Attach a known problem"), classes="dialog-title")
            yield Static(
                _("The most similar first, with their score, then the rest of the base.")
                if self.matches
                else _("None is like this fault's symptom: the whole base, by title."),
                classes="dim",
            )
            yield OptionList(*options, id="known-choices")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
