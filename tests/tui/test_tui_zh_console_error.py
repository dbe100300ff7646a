"""A console read that fails, in Chinese (issue 16): the console log and the notice say the
console's error in the reader's language; the record keeps the English sentence."""

from __future__ import annotations

import socket

import pytest
from textual.widgets import RichLog

from assettrack import i18n
from tests.tui.test_tui_flows import cisco_asset, open_inspection


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


async def test_a_dead_port_is_said_in_chinese(app_factory, demo_register) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"socket://127.0.0.1:{port}"
    asset = cisco_asset(demo_register, url)
    app = app_factory(language="zh_CN")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_inspection(app, pilot, asset)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = f"没有任何程序接受到 {url} 的连接"
        log = [str(line.text) for line in screen.query_one("#console-log", RichLog).lines]
        assert any(line.startswith(f"✖ {said}") for line in log), log
        assert not any("Nothing accepted" in line for line in log)
        notices = [str(n.message) for n in app._notifications]
        assert any(n.startswith(said) for n in notices), notices
        saved = demo_register.store.inspections.get(asset.site_id, screen.inspection.id)
        assert any(r.outcome.startswith("Nothing accepted the connection") for r in saved.reads)
