"""The English catalog (the msgids' own language) is compiled only when it fills a message
(i18n.catalogs.untranslated): as shipped, every start answers with the msgids and nothing
is compiled or cached; a filled message, or a damaged file, goes to Babel as before."""

from __future__ import annotations

import gettext
import io
import shutil
from pathlib import Path

import pytest

from assettrack.i18n import catalogs

SHIPPED = catalogs.po_path(catalogs.LOCALE_DIR, "en", catalogs.DOMAIN)


@pytest.fixture
def english(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the shipped English catalog, with the cache and the problems of its own."""
    monkeypatch.setattr(catalogs, "cache_folder", lambda: tmp_path / "cache")
    monkeypatch.setattr(catalogs, "problems", [])
    target = catalogs.po_path(tmp_path / "locale", "en", catalogs.DOMAIN)
    target.parent.mkdir(parents=True)
    shutil.copy(SHIPPED, target)
    return target


def load(po: Path) -> gettext.NullTranslations:
    return catalogs.load_translations(po.parents[2], "en", catalogs.DOMAIN)


def test_the_shipped_english_catalog_fills_nothing_and_is_not_compiled(english, tmp_path) -> None:
    assert catalogs.untranslated(english.read_text(encoding="utf-8"))
    translations = load(english)
    assert type(translations) is gettext.NullTranslations
    assert translations.gettext("Sites") == "Sites"
    assert translations.ngettext("{count} asset", "{count} assets", 2) == "{count} assets"
    assert not (tmp_path / "cache").exists() and catalogs.problems == []


def test_every_message_reads_as_the_compiled_catalog_has_it(english) -> None:
    """Babel compiles an empty plural's forms as its msgids; gettext's plain answer for
    English (one: the first) is the same for the catalog's plurals as the code calls them."""
    compiled = gettext.GNUTranslations(io.BytesIO(catalogs.compile_po(english)))
    plain = load(english)
    lines = english.read_text(encoding="utf-8").splitlines()
    singular, plural = [], []
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        if line.startswith('msgid "') and line != 'msgid ""':
            if following.startswith('msgid_plural "'):
                plural.append((line[7:-1], following[14:-1]))
            else:
                singular.append(line[7:-1])
    assert len(singular) > 1000 and len(plural) > 3
    for msgid in singular:
        assert plain.gettext(msgid) == compiled.gettext(msgid) == msgid
    for one, many in plural:
        for n in (0, 1, 2, 11):
            assert plain.ngettext(one, many, n) == compiled.ngettext(one, many, n)


def test_a_filled_english_message_is_compiled_and_shown(english, tmp_path) -> None:
    text = english.read_text(encoding="utf-8")
    english.write_text(
        text.replace('msgid "Sites"\nmsgstr ""', 'msgid "Sites"\nmsgstr "Locations"')
    )
    assert not catalogs.untranslated(english.read_text(encoding="utf-8"))
    assert load(english).gettext("Sites") == "Locations"
    assert list((tmp_path / "cache").glob("assettrack-en-*.mo"))


@pytest.mark.parametrize(
    "damage",
    [
        ('msgid "Sites"\nmsgstr ""\n', 'msgid "Sites"\n'),  # a msgstr missing
        ('msgid "Sites"\nmsgstr ""\n', 'msgid "Sites"\nmsgstr ""\n"continued"\n'),
        ('msgid "Sites"\nmsgstr ""\n', 'msgid "Sites"\nmsgstr ""\nSites = here\n'),
        ('msgid "Sites"\nmsgstr ""\n', 'msgid "Sites"\nmsgstr[0] ""\nmsgstr[1] "x"\n'),
    ],
)
def test_anything_but_empty_messages_goes_to_babel(english, damage) -> None:
    text = english.read_text(encoding="utf-8")
    assert damage[0] in text
    assert not catalogs.untranslated(text.replace(damage[0], damage[1], 1))


def test_a_damaged_english_catalog_still_says_why(english) -> None:
    english.write_text('msgid "Sites"\n', encoding="utf-8")
    assert load(english).gettext("Sites") == "Sites"
    assert len(catalogs.problems) == 1 and "could not be read" in catalogs.problems[0]
