"""The same screens as test_tui_snapshots, in Chinese (zh_CN), at 80x24 and 120x40.

A Chinese character takes two columns: these show that every screen still fits 80 columns,
that the footer's keys stay visible and that nothing is cut mid-character. Refresh after an
intended change with ``pytest tests/tui/test_tui_snapshots_zh.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from assettrack import i18n
from tests.tui.test_tui_snapshots import SCREENS, SIZES, wait_for_first_start


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_zh(snap_compare, app_factory, screen: str, size: tuple[int, int]) -> None:
    app = app_factory(language="zh_CN")
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_first_start_zh(snap_compare, empty_app_zh, size: tuple[int, int]) -> None:
    assert snap_compare(empty_app_zh, terminal_size=size, run_before=wait_for_first_start)


@pytest.fixture
def empty_app_zh(store, settings, extensions, tmp_path):
    from assettrack.services.assets import AssetRegister
    from assettrack.tui.app import make_app
    from tests.conftest import TODAY

    register = AssetRegister(
        store, extensions.warranty_rules(settings.warranty), extensions.asset_kinds()
    )
    return make_app(
        register, extensions, TODAY, export_folder=tmp_path / "exports", language="zh_CN"
    )
