"""A sync that fails in the Chinese app (issue 16): the notice says the store's error in the
reader's language, not the English sentence the error was made with."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.worker import WorkerFailed

from assettrack import i18n
from assettrack.services.git_sync import init_sync
from assettrack.store.database import HEADER_NAME


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


async def test_a_sync_on_a_damaged_file_is_said_in_chinese(
    app_factory, demo_register, tmp_path: Path
) -> None:
    store = demo_register.store
    remote = tmp_path / "team.git"
    remote.mkdir()
    init_sync(store, str(remote))
    app = app_factory(language="zh_CN")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        header = store.folder / HEADER_NAME
        kept = header.read_bytes()
        header.write_text("garbage\n", encoding="utf-8")  # the sync opens a store of its own
        app.action_sync()
        with pytest.raises(WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()
        notices = [str(n.message) for n in app._notifications]
        damaged = [n for n in notices if str(header) in n]
        assert damaged, notices
        assert damaged[0].startswith(f"数据库文件 {header} 已损坏：不是有效的 JSON（"), damaged
        assert "It was left untouched" not in damaged[0]
        assert header.read_text(encoding="utf-8") == "garbage\n"  # nothing lost
        header.write_bytes(kept)
