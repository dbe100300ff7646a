"""Short write locks: the app, the command line and a merge can all have the database open.

Each write takes the lock for itself; a write that waits too long says who holds the lock
(never a process that died); two processes' saves both land, and neither overwrites the
other's edit of the same document.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from assettrack.domain.models import Asset, Fault, ReportedVia, Site
from assettrack.store.errors import StaleDocumentError, StoreLockedError
from assettrack.store.lock import HOLDER_NAME, LOCK_NAME, NOTE_BLOCK
from assettrack.store.store import Store
from tests.conftest import run_cli

# A writer in the middle of a change: the transaction holds the lock until it ends.
HOLDER = """
import sys
from assettrack.store.store import Store
with Store.open(sys.argv[1]) as store, store.transaction("import"):
    print("ready", flush=True)
    sys.stdin.readline()
"""

# A process holding the bare OS lock, as a writer does in the instant before it notes its name.
BARE_HOLDER = """
import sys
from filelock import FileLock
with FileLock(sys.argv[1], preserve_lock_file=True):
    print("ready", flush=True)
    sys.stdin.readline()
"""


def seed(folder: Path) -> tuple[Site, Asset]:
    with Store.open(folder) as store:
        site = store.sites.save(Site("华东医院集团", "门诊楼机房"))
        asset = store.assets.save(Asset(site.id, "switch", "Huawei", "S5735", "HW0001"))
    return site, asset


def start(code: str, *args: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    return child


def dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], text=True,
                           capture_output=True, check=True)  # fmt: skip
    return int(child.stdout)


def test_the_busy_message_names_the_live_holder(tmp_path: Path) -> None:
    site, _ = seed(tmp_path / "db")
    holder = start(HOLDER, str(tmp_path / "db"))
    try:
        with Store.open(tmp_path / "db", lock_wait=0.3) as store:
            with pytest.raises(StoreLockedError) as err:
                store.assets.save(Asset(site.id, "router", "Cisco", "ISR4331", "FDO1"))
            assert len(store.assets) == 1  # nothing was saved, nothing is claimed
    finally:
        holder.communicate("\n", timeout=30)
    message = str(err.value)
    assert f"process {holder.pid}" in message and "since" in message
    assert "-c" in message  # the program it runs
    assert "waiting 0.3 s" in message and "run this again" in message
    assert "read-only" not in message


def test_the_busy_message_never_names_a_dead_process(tmp_path: Path) -> None:
    site, _ = seed(tmp_path / "db")
    gone = dead_pid()
    # A note left by a writer that died, and a live process holding the lock without one.
    (tmp_path / "db" / HOLDER_NAME).write_bytes(
        orjson.dumps(
            {"pid": gone, "host": os.uname().nodename, "user": "x", "since": "yesterday",
             "command": "assettrack import assets big.csv"}
        )
    )  # fmt: skip
    holder = start(BARE_HOLDER, str(tmp_path / "db" / LOCK_NAME))
    try:
        with (
            Store.open(tmp_path / "db", lock_wait=0.2) as store,
            pytest.raises(StoreLockedError) as err,
        ):
            store.assets.save(Asset(site.id, "router", "Cisco", "ISR4331", "FDO1"))
    finally:
        holder.communicate("\n", timeout=30)
    message = str(err.value)
    assert str(gone) not in message and "big.csv" not in message
    if Path("/proc/locks").exists():  # Linux: the kernel names the live holder
        assert f"process {holder.pid}" in message
    else:
        assert "another program" in message


def test_the_holders_note_is_rewritten_in_place_and_blanked_on_release(tmp_path: Path) -> None:
    """The note keeps its size (a change of size is a journalled change at every save);
    a release blanks it, which the next opening does not take for a holder that died."""
    site, asset = seed(tmp_path / "db")
    note = tmp_path / "db" / HOLDER_NAME
    with Store.open(tmp_path / "db") as store:
        assert not store.db._lock.found_dead_holder
        before = os.stat(note)
        for firmware in ("V200R019", "V200R021"):
            with store.db.writing():
                held = orjson.loads(note.read_bytes())
                assert held["pid"] == os.getpid() and held["since"]
                asset.firmware = firmware
                asset = store.assets.save(asset)
            after = os.stat(note)
            assert note.read_bytes().strip() == b""
            assert (after.st_ino, after.st_size) == (before.st_ino, before.st_size)
            assert after.st_size % NOTE_BLOCK == 0
    # An earlier version's release emptied the note: that is no dead holder either.
    note.write_bytes(b"")
    with Store.open(tmp_path / "db") as store:
        assert not store.db._lock.found_dead_holder
        store.assets.save(Asset(site.id, "router", "Cisco", "ISR4331", "FDO1"))
    # A longer note left by another process is cut to this one's size as it is written.
    note.write_bytes(b" " * (3 * NOTE_BLOCK))
    with Store.open(tmp_path / "db") as store, store.db.writing():
        assert orjson.loads(note.read_bytes())["pid"] == os.getpid()
        assert os.stat(note).st_size < 3 * NOTE_BLOCK


def test_a_writer_killed_mid_change_leaves_no_lock_and_no_message(tmp_path: Path) -> None:
    site, _ = seed(tmp_path / "db")
    holder = start(HOLDER, str(tmp_path / "db"))
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    assert (tmp_path / "db" / HOLDER_NAME).exists()  # its note stays behind
    with Store.open(tmp_path / "db", lock_wait=0.2) as store:
        store.assets.save(Asset(site.id, "router", "Cisco", "ISR4331", "FDO1"))
        assert len(store.assets) == 2
    assert not list((tmp_path / "db").glob(".journal-*"))


def test_two_processes_writing_both_land(tmp_path: Path) -> None:
    """The command line adds a fault while a store is open here; then this one saves."""
    site, asset = seed(tmp_path / "db")
    with Store.open(tmp_path / "db") as store:
        assert len(store.assets) == 1
        added = run_cli(
            "--db", str(tmp_path / "db"), "fault", "add", "--site", site.id, "--severity", "2",
            "--via", "phone", "--reported", "2026-11-30 09:00", "--symptom", "端口闪断",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        second = store.assets.save(Asset(site.id, "router", "Cisco", "ISR4331", "FDO2"))
        store.faults.save(
            Fault(
                site.id,
                3,
                ReportedVia.EMAIL,
                datetime(2026, 11, 30, 10),
                datetime(2026, 11, 30, 10),
            )
        )
        # Its own view takes in the other's saves when asked to.
        store.refresh()
        assert len(list(store.faults.iter_all())) == 2
    with Store.open(tmp_path / "db", read_only=True) as store:
        assert {a.id for a in store.assets.all()} == {asset.id, second.id}
        assert sorted(f.symptom for f in store.faults.iter_all()) == ["", "端口闪断"]


EDITOR = """
import sys
from assettrack.store.store import Store
with Store.open(sys.argv[1]) as store:
    asset = store.assets.get(sys.argv[2])
    asset.notes = "edited elsewhere"
    store.assets.save(asset)
"""


def test_an_edit_made_elsewhere_is_never_overwritten(tmp_path: Path) -> None:
    site, asset = seed(tmp_path / "db")
    with Store.open(tmp_path / "db") as store:
        mine = store.assets.get(asset.id)
        assert mine is not None
        other = subprocess.run(
            [sys.executable, "-c", EDITOR, str(tmp_path / "db"), asset.id],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert other.returncode == 0, other.stderr
        mine.firmware = "V200R023"
        with pytest.raises(StaleDocumentError, match=f"asset {asset.id} was changed by another"):
            store.assets.save(mine)
        # Another asset in the same file is saved over the re-read file, the edit kept.
        store.assets.save(Asset(site.id, "router", "Cisco", "ISR4331", "FDO3"))
    with Store.open(tmp_path / "db", read_only=True) as store:
        kept = store.assets.get(asset.id)
        assert kept is not None and kept.notes == "edited elsewhere" and kept.firmware == ""
        assert len(store.assets) == 2


def test_an_asset_moved_elsewhere_is_not_saved_back_into_its_old_file(tmp_path: Path) -> None:
    _, asset = seed(tmp_path / "db")
    with Store.open(tmp_path / "db") as store:
        other = store.sites.save(Site("华东医院集团", "住院部机房"))
        mine = store.assets.get(asset.id)
        moved = run_cli("--db", str(tmp_path / "db"), "asset", "move", asset.serial_number,
                        "--to", other.id)  # fmt: skip
        assert moved.returncode == 0, moved.stderr
        mine.notes = "stale copy"  # type: ignore[union-attr]
        with pytest.raises(StaleDocumentError, match="moved or removed"):
            store.assets.save(mine)  # type: ignore[arg-type]
    with Store.open(tmp_path / "db", read_only=True) as store:
        (only,) = store.assets.all()
        assert only.site_id == other.id and only.notes == ""
