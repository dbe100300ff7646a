"""The interface's language: gettext catalogs (Babel), chosen by setting or locale.

Every user-visible string goes through ``_`` (or ``ngettext``/``pgettext``); a string kept
in a module-level table or a Textual ``Binding`` is marked with ``N_`` (which only marks it
for extraction) and translated where it is shown, so switching the language in the app
changes it without a restart.

The language is one for the process (``set_language``); ``using`` switches it for one block
of code on one thread or task only (a report in the customer's language while the screens
stay in the engineer's). The catalogs are ``assettrack/locale/<language>/LC_MESSAGES/
assettrack.po``, compiled on first use (``catalogs``); plugins add theirs with
``add_catalogs``. No Textual, no settings here: the callers choose the language.
"""

from __future__ import annotations

import gettext as _gettext
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from types import ModuleType
from typing import Any

from assettrack.domain.texts import Text
from assettrack.i18n.catalogs import DOMAIN, LOCALE_DIR, load_translations

# The languages assettrack speaks, by catalog name, each named in its own language.
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
DEFAULT_LANGUAGE = "en"

__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "UnknownLanguage",
    "_",
    "add_catalogs",
    "add_plugin_catalogs",
    "choose_language",
    "current_language",
    "gettext",
    "language_from_env",
    "ngettext",
    "normalize_language",
    "pgettext",
    "set_language",
    "translator",
    "using",
]


class UnknownLanguage(ValueError):
    """A language name that is none of ``LANGUAGES``."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


_language = DEFAULT_LANGUAGE
# Set only inside ``using``: a context variable, so one report's language stays its own.
_override: ContextVar[str | None] = ContextVar("assettrack_language", default=None)
_lock = threading.Lock()
_translations: dict[str, _gettext.NullTranslations] = {}
# Plugins' catalog folders, by gettext domain, looked in after assettrack's own catalog.
_extra: dict[str, Path] = {}


def normalize_language(value: str) -> str | None:
    """``zh_CN`` for "zh_CN", "zh-cn", "zh", "zh_CN.UTF-8", "中文"; ``en`` for "en_US",
    "C", "POSIX"; None for ""; ``UnknownLanguage`` for anything else."""
    text = value.strip()
    if text in ("中文", "简体中文", "汉语"):
        return "zh_CN"
    code = text.split(".")[0].split("@")[0].replace("-", "_").casefold()
    if not code:
        return None
    if code in ("c", "posix") or code == "en" or code.startswith("en_"):
        return "en"
    if code == "zh" or code.startswith("zh_"):
        return "zh_CN"  # the one Chinese catalog: simplified
    raise UnknownLanguage(value)


def language_from_env(env: Mapping[str, str]) -> str:
    """The locale's language as gettext reads it: LANGUAGE (a list), LC_ALL, LC_MESSAGES,
    LANG; a language assettrack does not speak, or none, is English."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if not value:
            continue
        for candidate in value.split(":") if name == "LANGUAGE" else [value]:
            try:
                found = normalize_language(candidate)
            except UnknownLanguage:
                continue
            if found:
                return found
        if name != "LANGUAGE":
            return DEFAULT_LANGUAGE  # fr_FR.UTF-8: no catalog, English
    return DEFAULT_LANGUAGE


def choose_language(setting: str, env: Mapping[str, str]) -> str:
    """The setting (``[interface] language``) when it names one, else the locale's."""
    return normalize_language(setting) or language_from_env(env)


def current_language() -> str:
    return _override.get() or _language


def set_language(language: str) -> str:
    """Make ``language`` the process's language (``UnknownLanguage`` if it is none)."""
    global _language
    _language = normalize_language(language) or DEFAULT_LANGUAGE
    return _language


@contextmanager
def using(language: str | None) -> Iterator[str]:
    """Speak ``language`` inside the block (None or "": the current one)."""
    chosen = normalize_language(language or "") or current_language()
    token = _override.set(chosen)
    try:
        yield chosen
    finally:
        _override.reset(token)


def add_catalogs(folder: Path, domain: str) -> None:
    """Look up messages missing from assettrack's catalog in ``folder/<language>/
    LC_MESSAGES/<domain>.po`` too (a plugin's catalogs)."""
    with _lock:
        if _extra.get(domain) != folder:
            _extra[domain] = folder
            _translations.clear()
            changed = True
        else:
            changed = False
    if changed:
        from assettrack.i18n import plugin_catalogs  # its chains end in these catalogs

        plugin_catalogs.forget()


def add_plugin_catalogs(plugins: Iterable[object]) -> None:
    """The catalogs the loaded plugins ship: ``<package>/locale/<language>/LC_MESSAGES/
    <package>.po`` beside each plugin's module (docs/glossary.md, for plugin authors)."""
    for plugin in plugins:
        if isinstance(plugin, ModuleType):  # a loose file is in no sys.modules: itself
            module: Any = plugin
            name = plugin.__name__
        else:
            name = getattr(plugin, "__name__", "") or type(plugin).__module__
            module = sys.modules.get(name) or sys.modules.get(type(plugin).__module__)
        file = getattr(module, "__file__", None)
        if not file:
            continue
        # A loose file of the plugins folder (``plugins.host`` names it under
        # ``assettrack_folder_plugins``) keeps ``<its name>.po``: locale/ is the folder's.
        folder_plugin = name.startswith("assettrack_folder_plugins.")
        package = name.rsplit(".", 1)[-1] if folder_plugin else name.split(".")[0]
        folder = Path(file).resolve().parent / "locale"
        if folder.is_dir():
            add_catalogs(folder, package)


def translation(language: str | None = None) -> _gettext.NullTranslations:
    language = language or current_language()
    found = _translations.get(language)
    if found is None:
        with _lock:
            found = load_translations(LOCALE_DIR, language, DOMAIN)
            for domain, folder in _extra.items():
                found.add_fallback(load_translations(folder, language, domain))
            _translations[language] = found
    return found


def gettext(message: str) -> str:
    """``message`` in the current language (itself when the catalog lacks it); a domain
    ``Text`` with its values filled in."""
    if isinstance(message, Text):
        from assettrack.i18n.errors import translated

        return translated(message)
    return translation().gettext(message) if message else message


_ = gettext


def ngettext(singular: str, plural: str, count: int) -> str:
    return translation().ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """``message`` as meant in ``context`` ("fault status", "open"): one English word, two
    Chinese ones."""
    return translation().pgettext(context, message)


def N_(message: str) -> str:  # the name gettext tools know
    """Mark ``message`` for extraction only; it is translated where it is shown."""
    return message


def translator(domain: str) -> _gettext.NullTranslations:
    """A plugin's own catalog (``add_catalogs``) in the current language, alone."""
    folder = _extra.get(domain)
    if folder is None:
        return _gettext.NullTranslations()
    return load_translations(folder, current_language(), domain)
