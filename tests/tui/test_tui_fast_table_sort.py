"""The table sorts a column by its folded text, stably, whether its cells are plain text
(each distinct text folded once) or Rich Text (which cannot be hashed)."""

from __future__ import annotations

from rich.text import Text

from assettrack.tui.widgets.fast_table import Column, FastTable, Row

TEXTS = ["beta", "Alpha", "alpha", "Gamma", "beta", "ALPHA", "delta"]


def rows(cells: list) -> list[Row]:
    return [Row(f"k{i}", (cell, str(i))) for i, cell in enumerate(cells)]


def test_a_column_sorts_by_folded_text_keeping_equal_rows_in_their_order() -> None:
    table = FastTable([Column("name", "Name"), Column("n", "N")])
    table.sort_column = 0
    expected = ["k1", "k2", "k5", "k0", "k4", "k6", "k3"]  # alpha x3, beta x2, delta, gamma
    assert [r.key for r in table.sorted(rows(TEXTS))] == expected
    assert [r.key for r in table.sorted(rows([Text(t) for t in TEXTS]))] == expected
    table.sort_reverse = True
    assert [r.key for r in table.sorted(rows(TEXTS))][:2] == ["k3", "k6"]
