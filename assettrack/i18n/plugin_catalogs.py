"""A plugin's own gettext catalog, and its translator (``assettrack.api.translator``).

A plugin keeps its messages in its own domain (the ``.po`` file's name, by convention its
package's name) in a folder of its own, ``<folder>/<language>/LC_MESSAGES/<domain>.po``.
``translator`` registers that folder, so the app finds the plugin's checklist labels, help
and kinds there, and returns a ``Translator`` for the plugin's own messages: the plugin's
catalog first, then assettrack's, in the language the interface speaks at the moment of the
call (a language switch in the app, a report in the customer's language). Catalogs are
compiled at first use, as assettrack's are (``catalogs``).
"""

from __future__ import annotations

import gettext as _gettext
import importlib
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from assettrack import i18n
from assettrack.i18n.catalogs import load_translations

_lock = threading.Lock()
# (domain, language) -> the plugin's catalog with assettrack's behind it.
_chains: dict[tuple[str, str], _gettext.NullTranslations] = {}
_folders: dict[str, Path] = {}


@dataclass(frozen=True)
class Translator:
    """A plugin's messages in the current language: ``_ = translator(__name__)``, then
    ``_("Fan tray seated")``. A message its catalog lacks is looked up in assettrack's, then
    shown as written (English)."""

    domain: str
    folder: Path

    def gettext(self, message: str) -> str:
        """``message`` in the current language."""
        return _chain(self).gettext(message) if message else message

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The form of ``singular``/``plural`` for ``count``, in the current language."""
        return _chain(self).ngettext(singular, plural, count)

    def pgettext(self, context: str, message: str) -> str:
        """``message`` as meant in ``context``, in the current language."""
        return _chain(self).pgettext(context, message)

    @staticmethod
    def N_(message: str) -> str:  # the name gettext tools know
        """Mark ``message`` for the catalog only (a table of texts made at import); pass it
        through the translator where it is shown."""
        return message


def translator(domain: str, folder: Path | str | None = None) -> Translator:
    """The translator of a plugin's messages, its catalog registered with assettrack.

    ``domain``: the name of the plugin's ``.po`` files, by convention its package's name
    (``translator(__name__)`` in the package's ``__init__``). ``folder``: where the catalogs
    are, ``<folder>/zh_CN/LC_MESSAGES/<domain>.po``; by default ``locale/`` beside the
    module that calls this (a package's ``__init__``: inside the package). A folder with no
    catalog yet is no error: the messages are shown as assettrack's catalog or the plugin
    writes them."""
    place = Path(folder) if folder is not None else _beside(sys._getframe(1), domain)
    with _lock:
        if _folders.get(domain) != place:
            _folders[domain] = place
            _chains.clear()
    i18n.add_catalogs(place, domain)
    return Translator(domain, place)


def _beside(caller: FrameType, domain: str) -> Path:
    file = caller.f_globals.get("__file__")
    if not file:  # called from no module (a console): the domain's package, if any
        module = importlib.import_module(domain)
        file = getattr(module, "__file__", None)
    if not file:
        raise ValueError(f"{domain!r} has no file to find its locale folder beside: give folder")
    return Path(file).resolve().parent / "locale"


def _chain(translator: Translator) -> _gettext.NullTranslations:
    language = i18n.current_language()
    key = (translator.domain, language)
    found = _chains.get(key)
    if found is None:
        own = load_translations(translator.folder, language, translator.domain)
        own.add_fallback(i18n.translation(language))
        with _lock:
            found = _chains.setdefault(key, own)
    return found


def forget() -> None:
    """Drop the cached chains (assettrack's catalogs were added to or reloaded)."""
    with _lock:
        _chains.clear()
