"""The asset table's filter keeps every row in the table's sort order, narrows as one types
and finds earlier answers on backspace: whatever the order of typing and sorting, the rows
listed are exactly the matching ones, sorted as the table sorts."""

from __future__ import annotations

from textual.widgets import Input

from assettrack.tui.screens.assets import AssetsScreen
from assettrack.tui.widgets.fast_table import FastTable


def _text(cell: object) -> str:
    return cell if isinstance(cell, str) else cell.plain  # type: ignore[attr-defined]


def _expected(screen: AssetsScreen, table: FastTable, query: str) -> list[str]:
    """The matching rows found the plain way: every word in the row's facts, sorted anew."""
    words = query.casefold().split()
    facts = {f.id: f for f in screen.all_rows.facts}
    matching = []
    for row in screen.all_rows.rows:
        f = facts[row.key]
        text = " ".join([*f[1:], *map(_text, row.cells)]).casefold()  # all but the id
        if all(w in text for w in words):
            matching.append(row)
    return [r.key for r in table.sorted(matching)]


async def test_filtering_and_sorting_in_any_order_list_the_matching_rows_sorted(
    app_factory,
) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AssetsScreen)
        table = screen.query_one(FastTable)
        box = screen.query_one("#filter", Input)

        async def shown(query: str) -> None:
            box.value = query
            await pilot.pause()
            assert [r.key for r in table.rows] == _expected(screen, table, query), query

        for query in ("h", "hu", "h", "", "c", "ci", "cisco ex", "ci", ""):
            await shown(query)
        table.sort_by(2)  # the vendor column
        for query in ("2", "20", "2", "", "huawei", ""):
            await shown(query)
        table.sort_by(2)  # reversed
        await shown("a")
        table.sort_by(5)  # warranty, by days left: a column with keys of its own
        for query in ("exp", "", "active"):
            await shown(query)
        assert len(table.rows) < len(screen.all_rows)
        await shown("")
        assert len(table.rows) == len(screen.all_rows) == 200
