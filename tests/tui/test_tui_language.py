"""Switching the interface's language in the running app: every screen at once, no restart,
nothing typed lost; the command palette offers it."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from assettrack import i18n
from assettrack.tui.commands import MainActions
from assettrack.tui.widgets.fast_table import FastTable


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


def footer(app) -> list[str]:
    return [key.description for key in app.screen.query(FooterKey)]


def header_line(table: FastTable) -> str:
    return table.render_line(0).text


async def test_the_palette_switches_every_screen_at_once(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f2")  # sites, then back to assets: two screens made
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        assert "New asset" in footer(app)
        assert app.screen.title == "Assets"

        await app.run_action("language('zh_CN')")
        await pilot.pause()
        await pilot.pause()
        assert "新建资产" in footer(app) and "New asset" not in footer(app)
        assert app.screen.title == "资产"
        assert "站点" in header_line(app.screen.query_one(FastTable))
        assert app.sub_title.startswith("截至 ")
        filter_box = app.screen.query_one("#filter", Input)
        assert filter_box.placeholder.startswith("输入以筛选")

        await pilot.press("f2")  # a screen made before the switch
        await pilot.pause()
        assert app.screen.title == "站点"
        assert "新建站点" in footer(app)
        summary = str(app.screen.query_one("#sites-summary", Static).render())
        assert "个站点" in summary and "项资产" in summary

        await pilot.press("f4")  # one made after it
        await pilot.pause()
        assert app.screen.title == "保修检查"
        assert "导出 CSV" in footer(app)

        await app.run_action("language('en')")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.title == "Warranty review"
        assert "Export CSV" in footer(app)


async def test_a_half_filled_form_keeps_what_was_typed(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")  # a new asset
        await pilot.pause()
        vendor = app.screen.query_one("#field-vendor", Input)
        vendor.value = "华为"
        await app.run_action("language('zh_CN')")
        await pilot.pause()
        assert app.screen.query_one("#field-vendor", Input).value == "华为"
        labels = [str(label.render()) for label in app.screen.query(".form-label")]
        assert "厂商" in labels and "Vendor" not in labels
        assert "保存" in footer(app)


async def test_the_palette_lists_the_languages_in_their_own_words(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert CommandPalette.is_open(app)
        names = [name for name, _action, _help in MainActions(app.screen).entries()]
        assert "Language / 语言: 简体中文" in names and "Language / 语言: English" in names
        await pilot.press(*"简体中文", "enter")
        await pilot.pause()
        await pilot.pause()
        assert i18n.current_language() == "zh_CN"
        assert app.screen.title == "资产"
        chinese = [name for name, _action, _help in MainActions(app.screen).entries()]
        assert "转到站点" in chinese and "语言 / Language：English" in chinese
