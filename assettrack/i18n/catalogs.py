"""Finding and compiling the gettext catalogs.

The ``.po`` files are kept in the repository; their compiled ``.mo`` form is made at first
use, not committed nor made by the install: an editable install, a wheel and a translator's
edited ``.po`` all get an up-to-date catalog with no build step, and the compiled file is
cached (user cache folder) under the ``.po``'s size and time, so a start reads one small
file. A ``.mo`` beside the ``.po`` that is not older (``make i18n-compile``, a packager's
build) is used as it is. A catalog that cannot be read leaves that language's messages in
English and says why (``problems``); nothing is written into the package folder.
"""

from __future__ import annotations

import contextlib
import gettext
import hashlib
import io
import os
from pathlib import Path

DOMAIN = "assettrack"
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
        return gettext.GNUTranslations(io.BytesIO(_compiled(po, stat, domain, language)))
    except Exception as exc:  # a damaged catalog must not stop the app: English instead
        problems.append(f"catalog {po} could not be read ({exc}): its messages stay in English")
        return gettext.NullTranslations()


def compiled(folder: Path, language: str, domain: str) -> bytes | None:
    """``domain``'s compiled catalog for ``language`` (None: there is none, or it cannot be
    read), from the cache as ``load_translations`` has it."""
    po = po_path(folder, language, domain)
    try:
        return _compiled(po, po.stat(), domain, language)
    except Exception:  # a damaged or missing catalog: English, as load_translations says
        return None


def _compiled(po: Path, stat: os.stat_result, domain: str, language: str) -> bytes:
    beside = po.with_suffix(".mo")
    with contextlib.suppress(OSError):
        if beside.stat().st_mtime_ns >= stat.st_mtime_ns:
            return beside.read_bytes()
    signature = f"{po.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()
    name = f"{domain}-{language}-{hashlib.sha1(signature).hexdigest()[:16]}.mo"
    cached = cache_folder() / name
    with contextlib.suppress(OSError):
        return cached.read_bytes()
    data = compile_po(po)
    _store(cached, data, f"{domain}-{language}-")
    return data


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
