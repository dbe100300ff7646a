"""A value as a CSV cell that is safe to open in a spreadsheet (csv_rows says why and how).

Apart from ``csv_rows`` because every export needs these few lines and nothing else of it:
importing ``csv_rows`` (its problems, messages and reading helpers) cost an export 2-3 ms.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A number a spreadsheet reads as a number (-1010, -3.5, +2e3): never run as a formula.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: str) -> str:
    if value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_cell(value: Any) -> str:
    """A value as a formula-safe CSV cell; None is an empty cell."""
    return "" if value is None else neutralise(str(value))
