"""One full-screen form for customers, sites and contracts; each problem beside its field.

A form is described as data (fields and headings) with a ``submit`` that turns the typed
values into a saved document or raises ``ValidationError``. The first field has the focus
when the form opens; after a refused save, the first field with a problem has it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, TypeVar

from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Header, Input, Label, Select, SelectionList, Static

from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.errors import AssetTrackError
from assettrack.i18n import N_, _, ngettext
from assettrack.i18n.errors import error_text, translated
from assettrack.tui.widgets.contacts_editor import ContactsEditor
from assettrack.tui.widgets.footer import Footer

T = TypeVar("T")
Kind = Literal["text", "choice", "choices", "contacts"]
# "contacts[2].mobile" -> ("contacts", 2, "mobile")
_WHERE = re.compile(r"(?P<name>\w+)(?:\[(?P<index>\d+)\])?(?:\.(?P<part>\w+))?")
# Fields the services name differently from the form's boxes.
ALIASES = {"customer": "customer_id", "site": "site_id"}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    placeholder: str = ""
    kind: Kind = "text"
    choices: Sequence[tuple[str, str]] = ()  # (shown, value) for "choice" and "choices"


@dataclass(frozen=True)
class Heading:
    text: str
    note: str = ""


Part = Field | Heading


# Priority bindings move the focus before the next key is dispatched, so text typed or
# pasted after an Enter or a Tab lands in the next box, not in the one it left.
FIELD_KEYS: list[BindingType] = [
    Binding("enter", "next_field", N_("Next"), show=False, priority=True),
    Binding("tab", "app.focus_next", N_("Next"), show=False, priority=True),
    Binding("shift+tab", "app.focus_previous", N_("Previous"), show=False, priority=True),
]


def next_field(screen: Screen[Any]) -> None:
    """Enter moves on, as on a paper form (ctrl+s saves); buttons, lists and ticks keep
    their own Enter."""
    if not isinstance(screen.focused, Input):
        raise SkipAction()
    screen.focus_next()


class RecordForm(Screen[T | None], Generic[T]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save")),
        Binding("escape", "cancel", N_("Cancel")),
        *FIELD_KEYS,
    ]

    def __init__(
        self,
        title: str,
        parts: Sequence[Part],
        values: Mapping[str, Any],
        submit: Callable[[dict[str, Any]], T],
        *,
        saved: Callable[[T], str] = lambda _result: _("Saved"),
    ) -> None:
        super().__init__()
        self.form_title = title
        self.parts = list(parts)
        self.fields = [p for p in parts if isinstance(p, Field)]
        # Values this form does not show (e.g. a contract's asset list) go back as they came.
        self.initial = dict(values)
        self.submit = submit
        self.saved_message = saved

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="form", classes="record-form"):
            for part in self.parts:
                # Texts may be msgids (N_, forms made at import) or translated already.
                if isinstance(part, Heading):
                    yield Label(_(part.text), classes="form-heading")
                    if part.note:
                        yield Label(_(part.note), classes="form-note")
                else:
                    yield from self._row(part)
            yield Static("", id="error-form", classes="form-error")
            with Horizontal(id="form-buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")
        yield Footer()

    def _row(self, field: Field) -> ComposeResult:
        value = self.initial.get(field.name)
        if field.kind == "contacts":
            yield ContactsEditor(value or (), id=f"field-{field.name}")
            yield Static("", id=f"error-{field.name}", classes="form-error")
            return
        with Horizontal(classes="form-row" + (" form-row-tall" if field.kind == "choices" else "")):
            yield Label(_(field.label), classes="form-label")
            yield self._widget(field, value)
        yield Static("", id=f"error-{field.name}", classes="form-error")

    def _widget(self, field: Field, value: Any) -> Widget:
        wid = f"field-{field.name}"
        if field.kind == "choice":
            known = {v for _, v in field.choices}
            return Select(
                list(field.choices),
                value=value if value in known else Select.NULL,
                prompt=_(field.placeholder) if field.placeholder else _("Select"),
                id=wid,
            )
        if field.kind == "choices":
            chosen = set(value or ())
            return SelectionList[str](*((s, v, v in chosen) for s, v in field.choices), id=wid)
        return Input("" if value is None else str(value), placeholder=_(field.placeholder), id=wid)

    def on_mount(self) -> None:
        self.title = self.form_title
        self.field_widget(self.fields[0].name).focus()

    def field_widget(self, name: str) -> Widget:
        widget = self.query_one(f"#field-{name}")
        return widget.first_input() if isinstance(widget, ContactsEditor) else widget

    # -- values ----------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        collected = dict(self.initial)
        for field in self.fields:
            widget = self.query_one(f"#field-{field.name}")
            if isinstance(widget, ContactsEditor):
                collected[field.name] = widget.value()
            elif isinstance(widget, SelectionList):
                collected[field.name] = list(widget.selected)
            elif isinstance(widget, Select):
                value = widget.value
                collected[field.name] = "" if value is Select.NULL or value is None else str(value)
            elif isinstance(widget, Input):
                collected[field.name] = widget.value
        return collected

    # -- saving ----------------------------------------------------------------------------

    def action_save(self) -> None:
        self.clear_problems()
        try:
            result = self.submit(self.values())
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return
        except AssetTrackError as exc:
            self._show_error("form", error_text(exc))
            self.notify(error_text(exc), severity="error")
            return
        self.notify(self.saved_message(result))
        self.dismiss(result)

    def clear_problems(self) -> None:
        for error in self.query(".form-error"):
            error.update("")
            error.remove_class("shown")
        for widget in self.query(".-invalid"):
            widget.remove_class("-invalid")
        for editor in self.query(ContactsEditor):
            editor.clear_problems()

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        order = {f.name: i for i, f in enumerate(self.fields)}
        field_kinds = {f.name: f.kind for f in self.fields}
        first: tuple[int, Widget] | None = None
        shown: dict[str, list[str]] = {}
        for problem in problems:
            match = _WHERE.fullmatch(problem.field)
            name = match["name"] if match else problem.field
            name = ALIASES.get(name, name)
            if name not in order:
                shown.setdefault("form", []).append(str(problem))
                self._show_error("form", "\n".join(shown["form"]))
                continue
            widget = self.query_one(f"#field-{name}")
            if isinstance(widget, ContactsEditor):
                index = int(match["index"]) if match and match["index"] else None
                target = widget.show_problem(
                    index, match["part"] if match else None, translated(problem.reason)
                )
            else:
                target = widget
                target.add_class("-invalid")
                lines = shown.setdefault(name, [])  # a list (sites, caps) may have several
                listed = field_kinds[name] == "choices" or bool(match and match["index"])
                reason = translated(problem.reason)
                lines.append(f"{problem.value}: {reason}" if listed else reason)
                self._show_error(name, "\n".join(lines))
            if first is None or order[name] < first[0]:
                first = (order[name], target)
        if first is not None:
            first[1].focus()
        count = len(problems)
        self.notify(
            ngettext("{count} problem to fix", "{count} problems to fix", count).format(
                count=count
            ),
            severity="error",
        )

    def _show_error(self, name: str, text: str) -> None:
        error = self.query_one(f"#error-{name}", Static)
        error.update("\n".join(f"⚠ {line}" for line in text.splitlines()))
        error.add_class("shown")

    # -- keys and buttons ------------------------------------------------------------------

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_next_field(self) -> None:
        next_field(self)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "cancel":
            self.action_cancel()
