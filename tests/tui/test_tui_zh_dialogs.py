"""The visit's dialogs in Chinese: each opens, offers its choices in Chinese and saves.

Walking a visit in Chinese found the hazard and fault dialogs crashing the app: their
choice's default was a translated word ("否") that none of the choices' values is.
"""

from __future__ import annotations

import pytest
from textual.widgets import Select

from assettrack import i18n
from tests.tui.test_tui_snapshots import go_visit


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


@pytest.mark.parametrize(
    ("key", "field", "value", "shown"),
    [
        ("h", "removed", "no", "否，仍存在"),
        ("x", "what", "removed", "已消除"),
        ("f", "fixed", "yes", "是：本次回访已解决"),
    ],
)
async def test_a_visit_dialog_in_chinese(app_factory, key, field, value, shown) -> None:
    app = app_factory(language="zh_CN")
    async with app.run_test(size=(80, 24)) as pilot:
        await go_visit(pilot)
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        choice = app.screen.query_one(f"#field-{field}", Select)
        assert choice.value == value
        assert dict((v, s) for s, v in choice._options)[value] == shown
