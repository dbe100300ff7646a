"""Chinese on a widget drawn over others keeps every character (``tui.cjk_cuts``).

Textual cuts each screen line wherever any widget starts or ends; a notification or a
menu passing over a form field's border had the Chinese character there cut in two and
shown as two spaces ("1 个问  需要修正"). Drawn whole, and English exactly as before.
"""

from __future__ import annotations

import re

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static

from assettrack.tui import cjk_cuts

CHINESE = "1 个问题需要修正，题题题题题题题题题"


class Overlay(App[None]):
    """Four form fields in a row and, on a layer above, a line passing over three edges."""

    CSS = """
    Screen { layers: below above; }
    Input { width: 17; }
    #over { layer: above; offset: 23 1; width: 40; height: 1; }
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Horizontal():
            for _ in range(4):
                yield Input()
        yield Static(self.text, id="over")


def test_the_cuts_are_used_for_this_textual() -> None:
    assert cjk_cuts.install(), "a Textual other than 8.2: check the upstream issue 6357"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (CHINESE, f"▊               ▎▊     {CHINESE}        ▎            "),
        ("no fields need attention here", "▊               ▎▊     no fields need attention here"),
    ],
)
async def test_a_line_over_other_widgets_is_drawn_whole(text: str, line: str) -> None:
    app = Overlay(text)
    async with app.run_test(size=(80, 6)) as pilot:
        await pilot.pause()
        strips = app.screen._compositor.render_strips()
    assert strips[1].text.startswith(line)
    assert all(strip.cell_length == 80 for strip in strips)


async def test_a_change_underneath_redraws_the_line_above_whole() -> None:
    app = Overlay(CHINESE)
    async with app.run_test(size=(80, 6)) as pilot:
        await pilot.pause()
        compositor = app.screen._compositor
        under = list(app.query(Input))[2]  # its left edge falls inside 要 of 需要
        under.refresh()
        compositor.update_widgets({under})
        update = compositor.render_partial_update()
        assert update is not None
        written = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", update.render_segments(app.console))
    assert "1 个问题需要修正" in written and "问  需" not in written


def test_the_textual_version_read_beside_the_package_is_the_installed_one() -> None:
    # Read from the metadata folder's name, so the app starts without importlib.metadata.
    from importlib.metadata import version

    assert cjk_cuts.textual_version() == version("textual")
