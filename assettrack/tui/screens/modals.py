"""Small dialogs: the customer's sign-off and a console login."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from assettrack.i18n import N_, _


class SignOffModal(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Customer sign-off"), classes="dialog-title")
            yield Label(_("The customer's representative confirms the maintenance record."))
            yield Input(placeholder=_("Representative's name"), id="representative")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Sign"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#representative", Input).focus()

    def on_input_submitted(self) -> None:
        self._done()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._done()
        else:
            self.dismiss(None)

    def _done(self) -> None:
        name = self.query_one("#representative", Input).value.strip()
        if not name:
            self.notify(_("Enter the representative's name"), severity="warning")
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


class LoginModal(ModalScreen[tuple[str, str, str] | None]):
    """Asks for console credentials; they are used for this read only, never stored."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Console login"), classes="dialog-title")
            yield Input(placeholder=_("Username"), id="username")
            yield Input(placeholder=_("Password"), password=True, id="password")
            yield Input(placeholder=_("Enable secret (if any)"), password=True, id="enable")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Log in"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "enable":
            self._done()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._done()
        else:
            self.dismiss(None)

    def _done(self) -> None:
        self.dismiss(
            tuple(self.query_one(f"#{n}", Input).value for n in ("username", "password", "enable"))
        )  # type: ignore[arg-type]

    def action_cancel(self) -> None:
        self.dismiss(None)
