"""Texts the domain writes for people, marked for translation without the catalog.

The domain has no interface and reads no settings, so it cannot know the language a text
will be read in. ``N_("must be between {low} and {high}", low=1, high=9)`` gives a ``Text``:
a plain ``str`` holding the English sentence (what the domain always said, so equality,
joins and stored data are unchanged), which also keeps its message and values. Whoever
shows it to a person translates it then (``assettrack.i18n.errors.translated``). Babel extracts
the message, as for any ``N_``.
"""

from __future__ import annotations

from typing import Any


class Text(str):
    """English text that remembers its message and values, for the interface to translate."""

    message: str
    values: dict[str, Any]

    def __new__(cls, message: str, **values: Any) -> Text:
        made = super().__new__(cls, message.format(**values) if values else message)
        made.message = message
        made.values = values
        return made

    def __reduce__(self) -> tuple[Any, ...]:  # copies and pickles keep the message
        return (_remade, (self.message, self.values))


def _remade(message: str, values: dict[str, Any]) -> Text:
    return Text(message, **values)


def N_(message: str, **values: Any) -> Text:  # the name gettext tools know
    """Mark ``message`` for translation; ``values`` fill its ``{placeholders}``."""
    return Text(message, **values)
