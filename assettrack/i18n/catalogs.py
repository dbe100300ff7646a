"""Finding and compiling the gettext catalogs.

The ``.po`` files are kept in the repository; their compiled ``.mo`` form is made at first
use, not committed nor made by the install: an editable install, a wheel and a translator's
edited ``.po`` all get an up-to-date catalog with no build step, and the compiled file is
cached (user cache folder) under the ``.po``'s size and time, so a start reads one small
file. A ``.mo`` beside the ``.po`` that is not older (``make i18n-compile``, a packager's
build) is used as it is. A catalog that cannot be read leaves that language's messages in
English and says why (``problems``); nothing is written into the package folder.

The English catalog holds the code's own words: its messages are the msgids, and a
translator fills one only to change the English on screen. While none is filled it is not
compiled at all (Babel took about 45 ms on a first start) nor looked for in the cache: a
scan of the ``.po`` (``untranslated``, about a millisecond) says so, and gettext's
``NullTranslations`` answer as its compiled form would.
"""

from __future__ import annotations

import contextlib
import gettext
import io
import os
import re
from pathlib import Path

DOMAIN = "assettrack"
# The language of the msgids: its catalog may leave every message as it is.
SOURCE_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

# Catalogs that could not be read, one line each (the language falls back to English).
problems: list[str] = []


def po_path(folder: Path, language: str, domain: str) -> Path:
    return folder / language / "LC_MESSAGES" / f"{domain}.po"


def cache_folder() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("assettrack", appauthor=False)) / "locale"


def load_translations(folder: Path, language: str, domain: str) -> gettext.NullTranslations:
    """``domain``'s catalog for ``language`` in ``folder``; an empty one if there is none."""
    po = po_path(folder, language, domain)
    try:
        stat = po.stat()
    except OSError:
        return gettext.NullTranslations()
    try:
        data = _compiled(po, stat, domain, language)
        if data is None:  # nothing translated: the msgids as they are
            return gettext.NullTranslations()
        return gettext.GNUTranslations(io.BytesIO(data))
    except Exception as exc:  # a damaged catalog must not stop the app: English instead
        problems.append(f"catalog {po} could not be read ({exc}): its messages stay in English")
        return gettext.NullTranslations()


def compiled(folder: Path, language: str, domain: str) -> bytes | None:
    """``domain``'s compiled catalog for ``language`` (None: there is none, it translates
    nothing, or it cannot be read), from the cache as ``load_translations`` has it."""
    po = po_path(folder, language, domain)
    try:
        return _compiled(po, po.stat(), domain, language)
    except Exception:  # a damaged or missing catalog: English, as load_translations says
        return None


def _compiled(po: Path, stat: os.stat_result, domain: str, language: str) -> bytes | None:
    """The compiled catalog; None for a source-language catalog that translates nothing."""
    beside = po.with_suffix(".mo")
    with contextlib.suppress(OSError):
        if beside.stat().st_mtime_ns >= stat.st_mtime_ns:
            return beside.read_bytes()
    if language == SOURCE_LANGUAGE and untranslated(po.read_text(encoding="utf-8")):
        return None
    import hashlib  # here: an English start never needs it

    signature = f"{po.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()
    name = f"{domain}-{language}-{hashlib.sha1(signature).hexdigest()[:16]}.mo"
    cached = cache_folder() / name
    with contextlib.suppress(OSError):
        return cached.read_bytes()
    data = compile_po(po)
    _store(cached, data, f"{domain}-{language}-")
    return data


def untranslated(text: str) -> bool:
    """Whether the ``.po`` text fills no message: every msgid has a msgstr, each empty
    (the header's aside) and ending its line, and no line is other than a comment, a
    keyword's line or a string's continuation. Anything else, damage included, is for
    Babel to compile or refuse (False). Counted in C; the header is the one entry whose
    empty first line is continued."""
    text = "\n" + text + "\n"
    if text.count('\nmsgid "') != text.count('\nmsgstr "') + text.count('\nmsgstr[0] "'):
        return False
    empty = text.count('\nmsgstr ""\n') + len(_EMPTY_PLURAL.findall(text))
    if text.count("\nmsgstr") != empty:
        return False
    continued = text.count('\nmsgstr ""\n"') + len(_CONTINUED_PLURAL.findall(text))
    if continued > (1 if '\nmsgid ""\nmsgstr ""\n"' in text else 0):
        return False
    return _ODD_LINE.search(text) is None


_EMPTY_PLURAL = re.compile(r'\nmsgstr\[\d+\] ""(?=\n)')
_CONTINUED_PLURAL = re.compile(r'\nmsgstr\[\d+\] ""\n"')
_ODD_LINE = re.compile(r'\n[^#m"\n]')  # not a comment, a keyword, a string or blank


def compile_po(po: Path) -> bytes:
    """The ``.mo`` bytes of a ``.po`` file; fuzzy and empty translations are left out."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _store(path: Path, data: bytes, prefix: str) -> None:
    # A cache: a folder that cannot be written only means compiling again next time.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}")
        temp.write_bytes(data)
        os.replace(temp, path)
        # Earlier versions of this catalog, left a week (another checkout may use one).
        week_ago = path.stat().st_mtime - 7 * 86400
        for old in path.parent.glob(f"{prefix}*.mo"):
            if old.stat().st_mtime < week_ago:
                old.unlink(missing_ok=True)
    except OSError:
        pass
