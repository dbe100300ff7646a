"""Switching the interface's language while the app runs: every screen at once.

Screens compose their fixed texts through ``_`` and build the rest in ``reload``; key
descriptions and table titles stay English msgids translated where they are drawn. So a
switch (1) translates, in every screen made so far, the fixed texts still showing the old
language (labels, buttons, placeholders, titles: each looked up back to its msgid),
(2) calls ``retranslate`` of every screen or widget that has texts of its own making, then
each screen's ``reload``,
and (3) refreshes the bindings and tables, which redraw themselves in the new language.
Nothing is recomposed: a half-filled form keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Static

from assettrack import i18n
from assettrack.i18n import _

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget


def screens_made(app: App[object]) -> Iterator[Screen[object]]:
    """Every screen on the stack and every installed screen already made, once each."""
    seen: set[int] = set()
    installed = [s for s in app._installed_screens.values() if isinstance(s, Screen)]
    for screen in [*app.screen_stack, *installed]:
        if id(screen) not in seen:
            seen.add(id(screen))
            yield screen


def reverse_catalog(language: str) -> dict[str, str]:
    """Each translation in ``language`` -> its msgid (English needs none: text is msgid).
    A translation of two msgids ("保修检查": "Warranty review", "warranty review") is left
    out: which one a text was is not known, and guessing could change its English."""
    catalog = getattr(i18n.translation(language), "_catalog", {})
    found: dict[str, str] = {}
    twice: set[str] = set()
    for key, text in catalog.items():
        if isinstance(key, str) and key and text:
            if text in found:
                twice.add(text)
            found[text] = key
    return {text: key for text, key in found.items() if text not in twice}


def switch_language(app: App[object], language: str) -> str:
    """Speak ``language`` on every screen; returns the language now spoken."""
    old = i18n.current_language()
    with i18n.using(old):
        old_titles = {id(s): i18n._(s.TITLE) for s in screens_made(app) if s.TITLE}
    new = i18n.set_language(language)
    if new == old:
        return new
    back = reverse_catalog(old)
    for screen in screens_made(app):
        for widget in [screen, *screen.walk_children()]:
            _translate_fixed(widget, back, old_titles)
        for widget in [screen, *screen.walk_children()]:
            own = getattr(widget, "retranslate", None)
            if callable(own):
                own()
        reload = getattr(screen, "reload", None)
        if callable(reload) and screen.is_mounted:
            reload()
        screen.refresh_bindings()
        screen.refresh(layout=True)
        for child in screen.walk_children():
            child.refresh(layout=True)
    return new


def _again(text: str, back: dict[str, str]) -> str | None:
    """``text`` (in the old language) in the new one; None if it is no catalog message."""
    msgid = back.get(text, text)
    translated = _(msgid)
    return translated if translated != text else None


def _translate_fixed(
    widget: Widget | Screen[object], back: dict[str, str], old_titles: dict[int, str]
) -> None:
    if isinstance(widget, Screen):
        # A screen titled by its TITLE msgid (the main screens) is titled again from it.
        if widget.TITLE and widget.title == old_titles.get(id(widget)):
            widget.title = _(widget.TITLE)
            return
        for attribute in ("title", "sub_title"):
            value = getattr(widget, attribute)
            if isinstance(value, str) and (new := _again(value, back)):
                setattr(widget, attribute, new)
    elif isinstance(widget, Button | Checkbox):  # a Checkbox is a Static: first
        label = widget.label
        plain = label.plain if isinstance(label, Content) else str(label)
        if new := _again(plain, back):
            widget.label = new
    elif isinstance(widget, Static) and isinstance(widget.content, str):
        if new := _again(widget.content, back):
            widget.update(new)
    elif isinstance(widget, Input) and (new := _again(widget.placeholder, back)):
        widget.placeholder = new
