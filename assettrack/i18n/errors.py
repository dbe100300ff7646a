"""Errors and the domain's texts as people read them, in the current language.

The domain marks its sentences with its own ``N_`` (``domain.texts.Text``: English, with
the message and values kept) and raises ``ValidationError`` with the problems of each field;
it never reads the language. The command line, the app and the services show them through
``translated`` and ``error_text``, which translate them at the moment they are shown. A service's
error is translated when it is raised (the services speak the interface's language), so
for it ``error_text`` is ``str``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from assettrack.domain.errors import FieldProblem, ValidationError
from assettrack.domain.texts import Text
from assettrack.i18n import _
from assettrack.i18n.formats import format_date


def translated(value: Any) -> str:
    """A domain ``Text`` in the current language, its dates as the language writes them;
    any other value as ``str`` shows it."""
    if not isinstance(value, Text):
        return str(value)
    values = {name: _shown(v) for name, v in value.values.items()}
    message = _(str(value.message))
    try:
        return message.format(**values) if values else message
    except (KeyError, IndexError, ValueError):  # a damaged translation: the English one
        return str(value)


def _shown(value: Any) -> Any:
    if isinstance(value, Text):
        return translated(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return format_date(value)
    return value


def problem_text(problem: FieldProblem) -> str:
    """``serial_number: '' is required``, its reason in the current language."""
    return f"{problem.field}: {problem.value!r} {translated(problem.reason)}"


def error_text(exc: BaseException) -> str:
    """What an error says, in the current language."""
    if isinstance(exc, ValidationError):
        problems = "; ".join(problem_text(p) for p in exc.problems)
        return _("invalid {what}: {problems}").format(what=translated(exc.what), problems=problems)
    if len(exc.args) == 1 and isinstance(exc.args[0], Text):
        return translated(exc.args[0])
    return str(exc)
