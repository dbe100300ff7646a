"""Dates and numbers as the current language writes them (Babel's formatters).

English keeps the product's own forms (ISO dates, ``1,234``), which its screens, exports and
tests were built on; Chinese gets CLDR's (``2026年12月1日``, ``2026年12月``). Dates in
sentences, headings and the printed reports take the language's form; tables on screen and
on the command line keep ISO dates in both (they sort and align as text, and CLDR's Chinese
form is three columns wider). Amounts are grouped in both (CLDR groups Chinese digits by
three with a comma too).

Whole numbers skip Babel: both locales group digits by three with a comma (CLDR), and
Babel's first call (70 ms, its locale data) would delay the asset table's first paint; a test
holds the shortcut to Babel's answer.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal

from assettrack.i18n import current_language

# Babel's locale for each catalog, and the date patterns of each (None: CLDR's own).
BABEL_LOCALES = {"en": "en_US", "zh_CN": "zh_Hans_CN"}
DATE_PATTERNS: dict[str, dict[str, str | None]] = {
    "en": {"short": "yyyy-MM-dd", "medium": "yyyy-MM-dd", "long": "d MMMM yyyy"},
    "zh_CN": {"short": "yyyy-MM-dd", "medium": None, "long": None},
}


def cells(text: str) -> int:
    """How many terminal columns ``text`` takes: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def babel_locale(language: str | None = None) -> str:
    return BABEL_LOCALES.get(language or current_language(), "en_US")


def format_date(day: date, style: str = "medium", language: str | None = None) -> str:
    """``2026-12-01`` / ``2026年12月1日`` (medium), ``1 December 2026`` / ``2026年12月1日``
    (long); short is ISO in both."""
    language = language or current_language()
    pattern = DATE_PATTERNS.get(language, DATE_PATTERNS["en"]).get(style) or style
    if pattern == "yyyy-MM-dd":
        return day.isoformat()
    from babel.dates import format_date as babel_format_date

    return babel_format_date(day, pattern, locale=babel_locale(language))


def format_datetime(moment: datetime, language: str | None = None) -> str:
    """``2026-12-01 09:30`` in English, ``2026年12月1日 09:30`` in Chinese."""
    return f"{format_date(moment.date(), 'medium', language)} {moment:%H:%M}"


def format_month(day: date, language: str | None = None) -> str:
    """The month of ``day``: ``2026-12`` / ``2026年12月``."""
    language = language or current_language()
    if language == "en":
        return f"{day:%Y-%m}"
    from babel.dates import format_date as babel_format_date

    return babel_format_date(day, "y年M月", locale=babel_locale(language))


def format_money(amount: Decimal | float, language: str | None = None) -> str:
    """An amount with its cents, digits grouped: ``1,250.50``."""
    return format_number(amount, 2, language)


def format_number(value: float, decimals: int = 0, language: str | None = None) -> str:
    """Grouped digits with ``decimals`` places: ``12,345`` / ``1,234.5``."""
    if not decimals and isinstance(value, int):
        return f"{value:,}"
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, pattern, locale=babel_locale(language))
