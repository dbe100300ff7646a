"""Making the row snapshot in a child process while this one imports the interface.

With no usable snapshot (the first start, or after another program changed the assets),
the store must be loaded before the first paint. Loading 10,000 assets and importing
Textual each take about a third of a second and neither needs the other, so a forked child
loads the assets and writes the snapshot while the parent imports Textual; the parent then
starts as if the snapshot had been there. Where there is no fork (Windows), or the child
fails or takes too long, the parent loads the store itself, as it would anyway.

The child only reads, and writes nothing but the snapshot (its warnings, such as a damaged
document set aside, are left to the app, which finds the same when it loads). Another
process may save meanwhile: the snapshot is keyed by the files' stamps, and the app polls
for others' saves once loaded.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assettrack.domain.warranty import WarrantyRules
    from assettrack.services.assets import AssetRegister
    from assettrack.store.store import Store


class SnapshotChild:
    def __init__(self, pid: int) -> None:
        self.pid = pid

    @classmethod
    def start(
        cls,
        db_folder: Path,
        snapshot_path: Path,
        configured_rules: WarrantyRules,
        make_register: Callable[[Store], AssetRegister],
        today: date,
    ) -> SnapshotChild | None:
        """Fork a child that writes the snapshot; None where that cannot be done."""
        # A fork copies only the calling thread: with others running, a lock one of them
        # holds would stay locked in the child for ever.
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return None
        try:
            pid = os.fork()
        except OSError:
            return None
        if pid == 0:  # the child: never returns into the caller's code
            status = 1
            try:
                _write_snapshot(db_folder, snapshot_path, configured_rules, make_register, today)
                status = 0
            finally:
                os._exit(status)  # no atexit handlers, no flushing the parent's buffers
        return cls(pid)

    def wait(self, timeout: float = 60.0) -> bool:
        """True if the child wrote the snapshot; a child still busy after ``timeout`` is
        stopped (the caller then loads the store itself)."""
        deadline = time.monotonic() + timeout
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status) == 0
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                return False
            time.sleep(0.005)


def _write_snapshot(
    db_folder: Path,
    snapshot_path: Path,
    configured_rules: WarrantyRules,
    make_register: Callable[[Store], AssetRegister],
    today: date,
) -> None:
    from assettrack.store.database import Database
    from assettrack.store.store import Store
    from assettrack.tui.asset_facts import register_facts
    from assettrack.tui.row_snapshot import RowSnapshot

    with Database(db_folder, read_only=True, report=None).open() as db:
        # The register the app uses, plugins' warranty rules included, so the first paint
        # shows the end dates the store will confirm once loaded.
        register = make_register(Store(db))
        snapshot = RowSnapshot(snapshot_path, db, configured_rules)
        snapshot.save(register_facts(register, today))
        snapshot.wait()
