"""Contacts typed one person at a time: name, role, mobile, office phone, e-mail, who signs.

Each part has its own labelled box, so nobody has to remember the order of a one-line
contact, and a problem lands beside the exact box it is about. Blocks left blank are not
contacts; two blocks are shown to begin with, more on request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Static

from assettrack.i18n import N_, _

# (part, label, placeholder): the parts of a Contact, in the order they are typed (msgids).
PARTS: tuple[tuple[str, str, str], ...] = (
    ("name", N_("Name"), N_("who to ask for")),
    ("role", N_("Role"), N_("e.g. IT manager")),
    ("mobile", N_("Mobile"), N_("e.g. 138 0013 8000")),
    ("phone", N_("Office"), N_("e.g. 021 6321 5678-12")),
    ("email", N_("E-mail"), "name@example.com"),
)
FIRST_BLOCKS = 2


def _text(contact: Mapping[str, Any], part: str) -> str:
    value = contact.get(part)
    return "" if value is None else str(value)


class ContactBlock(Vertical):
    """One person."""

    def __init__(self, number: int, contact: Mapping[str, Any] | None = None) -> None:
        super().__init__(classes="contact-block", id=f"contact-{number}")
        self.number = number
        self.contact = contact or {}

    def compose(self) -> ComposeResult:
        yield Label(_("Contact {number}").format(number=self.number), classes="contact-title")
        with Grid(classes="contact-grid"):
            for part, label, hint in PARTS:
                yield Label(_(label), classes="contact-label")
                yield Input(
                    _text(self.contact, part),
                    placeholder=_(hint),
                    id=f"field-contacts-{self.number}-{part}",
                    classes="contact-input",
                )
            yield Checkbox(
                _("signs off visits"),
                bool(self.contact.get("signs_off")),
                id=f"field-contacts-{self.number}-signs_off",
                classes="contact-signs",
            )
        yield Static("", id=f"error-contacts-{self.number}", classes="form-error")

    def value(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            part: self.query_one(f"#field-contacts-{self.number}-{part}", Input).value.strip()
            for part, _label, _hint in PARTS
        }
        found["signs_off"] = self.signs().value
        return found

    def signs(self) -> Checkbox:
        return self.query_one(Checkbox)

    def is_blank(self) -> bool:
        value = self.value()
        return not value.pop("signs_off") and not any(value.values())


class ContactsEditor(Widget):
    DEFAULT_CSS = """
    ContactsEditor { height: auto; }
    """

    def __init__(self, contacts: Sequence[Mapping[str, Any]] = (), *, id: str) -> None:
        super().__init__(id=id)
        self.first = list(contacts)
        # Which block each contact of the last value() came from: problems name the contact
        # by its place among those given, and blank blocks are not given.
        self.sent_from: list[int] = []
        self.problems: dict[int, list[str]] = {}

    def compose(self) -> ComposeResult:
        count = max(FIRST_BLOCKS, len(self.first))
        for number in range(1, count + 1):
            yield ContactBlock(
                number, self.first[number - 1] if number <= len(self.first) else None
            )
        yield Button(_("+ Another contact"), id="add-contact", classes="add-contact")

    def blocks(self) -> list[ContactBlock]:
        return list(self.query(ContactBlock))

    def value(self) -> list[dict[str, Any]]:
        found, self.sent_from = [], []
        for block in self.blocks():
            if not block.is_blank():
                found.append(block.value())
                self.sent_from.append(block.number)
        return found

    def first_input(self) -> Input:
        return self.query(Input).first()

    def clear_problems(self) -> None:
        self.problems.clear()
        for error in self.query(".form-error"):
            error.update("")
            error.remove_class("shown")
        for widget in self.query(".contact-input, .contact-signs"):
            widget.remove_class("-invalid")

    def show_problem(self, index: int | None, part: str | None, reason: str) -> Widget:
        """Show a problem of the ``index``-th contact given (1-based), or of the contacts as a
        whole; return the widget to focus."""
        if index is None or not 0 < index <= len(self.sent_from):
            target_block = self.blocks()[0]
            text = reason
        else:
            target_block = self.blocks()[self.sent_from[index - 1] - 1]
            label = {p: _(lbl) for p, lbl, _hint in PARTS}.get(part or "", part or "")
            text = f"{label}: {reason}" if label else reason
        shown = self.problems.setdefault(target_block.number, [])
        shown.append(f"⚠ {text}")
        error = self.query_one(f"#error-contacts-{target_block.number}", Static)
        error.update("\n".join(shown))
        error.add_class("shown")
        if part:
            found = target_block.query(f"#field-contacts-{target_block.number}-{part}")
            if found:
                found.first().add_class("-invalid")
                return found.first()
        return target_block.query(Input).first()

    @on(Button.Pressed, "#add-contact")
    async def _add(self, event: Button.Pressed) -> None:
        event.stop()
        block = ContactBlock(len(self.blocks()) + 1)
        await self.mount(block, before=self.query_one("#add-contact"))
        block.query(Input).first().focus()

    @on(Checkbox.Changed)
    def _one_signs(self, event: Checkbox.Changed) -> None:
        # Only one person signs at a site: ticking one unticks the others.
        if event.value:
            for block in self.blocks():
                if block.signs() is not event.checkbox and block.signs().value:
                    block.signs().value = False
