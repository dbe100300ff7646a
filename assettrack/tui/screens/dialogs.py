"""Yes/no questions and messages that must be read before going on (a toast may be missed)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from assettrack.i18n import N_, _


class ConfirmModal(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "no", N_("Cancel"))]

    def __init__(self, title: str, text: str, *, yes: str = N_("Yes"), no: str = N_("No")) -> None:
        super().__init__()
        self.question = title
        self.text = text
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            yield Static(self.text)
            with Horizontal(classes="dialog-buttons"):
                # The callers' words are translated already; the defaults are msgids.
                yield Button(_(self.yes_label), variant="primary", id="yes")
                yield Button(_(self.no_label), id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_no(self) -> None:
        self.dismiss(False)


class MessageModal(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "close", N_("Close"))]

    def __init__(self, title: str, text: str, *, error: bool = False) -> None:
        super().__init__()
        self.heading = title
        self.text = text
        self.error = error

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label(self.heading, classes="dialog-title")
            yield Static(self.text, classes="dialog-error" if self.error else "")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("OK"), variant="primary", id="ok")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
