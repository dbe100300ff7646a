"""A small dialog of labelled fields, for recording visits and faults."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from assettrack.errors import AssetTrackError
from assettrack.i18n import N_, _
from assettrack.i18n.errors import error_text


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    choices: Sequence[tuple[str, str]] = ()  # (shown, value): a Select instead of an Input


# Turns the values into a saved record; raises AssetTrackError to keep the dialog open.
Submit = Callable[[dict[str, str]], Any]


class FormModal(ModalScreen[Any]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save")),
    ]

    def __init__(
        self, title: str, fields: Sequence[Field], submit: Submit, *, intro: str = ""
    ) -> None:
        super().__init__()
        self.form_title = title
        self.intro = intro  # a few lines above the fields: what the form is about
        self.fields = list(fields)
        self.submit = submit

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form-dialog"):
            yield Label(self.form_title, classes="dialog-title")
            if self.intro:
                yield Static(self.intro, classes="form-intro", markup=False)
            for field in self.fields:
                with Horizontal(classes="form-row"):
                    yield Label(_(field.label), classes="form-label")
                    if field.choices:
                        yield Select(
                            list(field.choices),
                            value=field.value or Select.NULL,
                            prompt=_("Select"),
                            id=f"field-{field.name}",
                        )
                    else:
                        yield Input(
                            field.value, placeholder=_(field.placeholder), id=f"field-{field.name}"
                        )
            yield Static("", id="form-problem", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        # The scrolling dialog itself can take the focus and would by default: the first
        # field must have it, so typing starts filling the form.
        if self.fields:
            self.query_one(f"#field-{self.fields[0].name}").focus()

    def values(self) -> dict[str, str]:
        found = {}
        for field in self.fields:
            value = self.query_one(f"#field-{field.name}").value  # type: ignore[attr-defined]
            found[field.name] = "" if value is Select.NULL or value is None else str(value)
        return found

    def action_save(self) -> None:
        problem = self.query_one("#form-problem", Static)
        try:
            result = self.submit(self.values())
        except AssetTrackError as exc:
            problem.update(f"⚠ {error_text(exc)}")
            problem.add_class("shown")
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_save()
        else:
            self.dismiss(None)
