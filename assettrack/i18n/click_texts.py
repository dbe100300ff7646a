"""Click's own words in the current language: "Error: …", "Try '…' for help.", "No such
command …", "Missing option …".

Click (8.x) marks its texts with the standard library's ``gettext.gettext``: the process's
global text domain (``gettext.textdomain``, "messages" unless changed), with no catalog of
its own. So its messages are kept in assettrack's catalog (``CLICK_MESSAGES`` and
``_click_plurals`` below mark them for extraction), and ``speak_to_click`` points the global
domain at that catalog: ``bindtextdomain`` to a folder of the user cache laid out as gettext
looks for catalogs (``<language>/LC_MESSAGES/assettrack.mo``). gettext chooses the folder by
the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), not by assettrack's setting, so the folder
holds the chosen language's catalog under the locale's language as well: ``language =
"zh_CN"`` in the settings on an English locale still makes click speak Chinese. Only a C or
POSIX locale, for which gettext reads no catalog at all, leaves click's words English then.
English, the default, leaves click exactly as it is.
"""

from __future__ import annotations

import contextlib
import gettext as stdlib_gettext
import os
import re
import shutil
import time
from pathlib import Path

from assettrack.i18n import DEFAULT_LANGUAGE, DOMAIN, LOCALE_DIR, N_, ngettext
from assettrack.i18n.catalogs import cache_folder, compiled

# Click's messages people meet on the command line (its help's words: click_help.CLICK_TEXTS).
CLICK_MESSAGES = (
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("No such command {name!r}."),
    N_("No such option {name!r}."),
    N_("Missing command."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Option {name!r} does not take a value."),
    N_("Argument {name!r} takes {nargs} values."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{name} {filename!r} does not exist."),
    N_("Could not open file {filename!r}: {message}"),
    N_("unknown error"),
    N_("Aborted!"),
)
_STDLIB_DOMAIN = "messages"  # gettext's global domain until someone changes it
_KEPT = 7 * 86400  # seconds an older catalog folder stays (another checkout may use it)
_speaking: str | None = None  # the language click was last pointed at (None: its own)


def _click_plurals() -> None:  # never called: it marks click's plural messages for Babel
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1)
    ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1)
    ngettext(
        "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1
    )
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1)


def speak_to_click(language: str) -> None:
    """Make click's own messages speak ``language`` (English: click's own texts)."""
    global _speaking
    if language == (_speaking or DEFAULT_LANGUAGE):
        return
    folder = None if language == DEFAULT_LANGUAGE else _catalog_folder(language)
    if folder is None:  # English, or no catalog to be had: click's words as click has them
        stdlib_gettext.textdomain(_STDLIB_DOMAIN)
        _speaking = None
        return
    stdlib_gettext.bindtextdomain(DOMAIN, str(folder))
    stdlib_gettext.textdomain(DOMAIN)
    _speaking = language


def _catalog_folder(language: str) -> Path | None:
    """A cache folder gettext finds ``language``'s catalog in (None: it cannot be made)."""
    data = compiled(LOCALE_DIR, language, DOMAIN)
    if data is None:
        return None
    import hashlib  # here: English, the usual start, never needs it

    root = cache_folder() / f"{DOMAIN}-{language}-{hashlib.sha1(data).hexdigest()[:16]}.gettext"
    names = {language, language.split("_")[0], _locale_language()} - {"", "C", "POSIX"}
    try:
        for name in sorted(names):
            target = root / name / "LC_MESSAGES" / f"{DOMAIN}.mo"
            if target.is_file():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(f".{target.name}.{os.getpid()}")
            temp.write_bytes(data)
            os.replace(temp, target)
    except OSError:
        return None  # a cache that cannot be written: click stays English
    _forget_older(root, f"{DOMAIN}-{language}-")
    return root


def _locale_language(env: os._Environ[str] | dict[str, str] = os.environ) -> str:
    """The language of the first catalog gettext looks for under the locale ("en" for
    LANG=en_US.UTF-8): the same variables, in gettext's order."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return re.split(r"[_.@]", value.split(":")[0])[0]
    return ""


def _forget_older(current: Path, prefix: str) -> None:
    week_ago = time.time() - _KEPT
    for old in current.parent.glob(f"{prefix}*.gettext"):
        with contextlib.suppress(OSError):
            if old != current and old.stat().st_mtime < week_ago:
                shutil.rmtree(old, ignore_errors=True)
