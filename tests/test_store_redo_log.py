"""The redo log (``store.redo_log``): a save is durable once its frame is flushed, and what a
power cut takes from the files is put back when the database is next opened.

A power cut is simulated on real files, as the disk would have them: a writer process saves
and reports each save, then dies without closing (``os._exit``: no checkpoint); the files it
replaced (flushed only by checkpoints) are put back as they were at the last checkpoint - or
emptied, or cut short, as other file systems leave them - while the log keeps what was
flushed. Its header is given another boot, as after a restart.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from assettrack.domain.models import Asset, Site
from assettrack.store import redo_log
from assettrack.store.database import Database
from assettrack.store.log_tail import LogTail
from assettrack.store.redo_log import (
    CHECKPOINT_BYTES,
    CHECKPOINT_FRAMES,
    FRAME,
    FRAMES_START,
    GROW,
    HEADER,
    LOG_NAME,
    NewerLogError,
    RedoLog,
)
from assettrack.store.store import Store

# Saves what it is told, one line each, and answers once the save has returned; "exit" dies
# without closing the store, so nothing is checkpointed.
WRITER = """
import os, shutil, sys
from datetime import datetime
from pathlib import Path
from assettrack.domain.models import Asset, Inspection, Site
from assettrack.store.store import Store
store = Store.open(Path(sys.argv[1]), report=None)
print("ready", flush=True)
for line in sys.stdin:
    op, *args = line.split()
    if op == "site":
        answer = store.sites.save(Site(customer="Contoso", name=args[0])).id
    elif op == "asset":
        answer = store.assets.save(Asset(args[0], "router", "Cisco", "ISR4331", args[1])).id
    elif op == "edit":
        asset = store.assets.get(args[0])
        asset.location = args[1]
        answer = store.assets.save(asset).id
    elif op == "record":
        when = datetime.fromisoformat(args[2])
        answer = store.inspections.save(Inspection(args[0], args[1], when)).id
    elif op == "undo":
        try:
            with store.transaction("import"):
                for serial in args[1:]:
                    store.assets.save(Asset(args[0], "switch", "Huawei", "S5735", serial))
                raise RuntimeError("the import fails after its saves")
        except RuntimeError:
            answer = "undone"
    elif op == "exit":
        os._exit(0)
    print(answer, flush=True)
"""

DATA = ("catalog.json", "assets", "records")


class Writer:
    """A real process saving into the database, told what to save line by line."""

    def __init__(self, folder: Path) -> None:
        self.child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.read() == "ready"

    def read(self) -> str:
        assert self.child.stdout is not None
        return self.child.stdout.readline().strip()

    def __call__(self, *words: str) -> str:
        assert self.child.stdin is not None
        self.child.stdin.write(" ".join(words) + "\n")
        self.child.stdin.flush()
        answer = self.read()
        assert answer, f"the writer died on {words}"
        return answer

    def die(self) -> None:
        """Gone without closing: no checkpoint, the lock freed by the OS."""
        assert self.child.stdin is not None
        self.child.stdin.write("exit\n")
        self.child.stdin.flush()
        self.child.wait(timeout=30)


def data_files(folder: Path) -> dict[str, bytes]:
    found = {}
    for top in DATA:
        start = folder / top
        paths = [start] if start.is_file() else start.rglob("*.json") if start.is_dir() else []
        for path in paths:
            if path.is_file() and not path.name.startswith("."):
                found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def power_cut(folder: Path, durable: dict[str, bytes], *, lost: str = "old") -> None:
    """What the disk holds after a power cut, for files replaced but never flushed: the
    durable version (``lost="old"``: ext4 keeps the old file), or an empty or cut-short
    file where a new one was renamed into place (other file systems). Files and folders
    made since the last checkpoint are gone. The computer restarts: another boot."""
    for name, data in data_files(folder).items():
        path = folder / name
        if data == durable.get(name):
            continue
        if name not in durable:
            path.unlink()
            continue
        if lost == "old":
            content = durable[name]
        elif lost == "empty":
            content = b""
        else:
            content = data[: len(data) // 2]
        temp = path.with_name(".cut")
        temp.write_bytes(content)
        os.replace(temp, path)  # another file than the one the save renamed into place
    kept_folders = {str(Path(n).parent) for n in durable}
    for top in ("assets", "records"):
        for sub in sorted((folder / top).rglob("*"), key=lambda p: -len(p.parts)):
            relative = sub.relative_to(folder).as_posix()
            if sub.is_dir() and not any(k.startswith(relative) for k in kept_folders):
                shutil.rmtree(sub)
    restart(folder)


def restart(folder: Path) -> None:
    """The log's header names another boot of the computer."""
    set_header(folder, boot=b"\x01" * 16)


def set_header(folder: Path, *, boot: bytes | None = None, version: int | None = None) -> None:
    log = folder / LOG_NAME
    raw = bytearray(log.read_bytes())
    magic, found, generation, was_boot, _crc = HEADER.unpack_from(raw)
    body = HEADER.pack(magic, version or found, generation, boot or was_boot, 0)[:-4]
    raw[: HEADER.size] = body + struct.pack("<I", zlib.crc32(body))
    log.write_bytes(bytes(raw))


def live_frames(folder: Path) -> int:
    log = RedoLog(folder)
    log.refresh()
    count = log.frames
    log.close()
    return count


def logged_frames(folder: Path) -> list[tuple[str, int, int]]:
    """Each frame of the live generation, read from the file by its format: (name, offset,
    end). Format 2 begins each frame on a 4 KB block; format 1 puts them end to end."""
    raw = (folder / LOG_NAME).read_bytes()
    _magic, version, generation, _boot, _crc = HEADER.unpack_from(raw)
    found, offset = [], FRAMES_START
    while raw[offset : offset + 4] == b"ATRF" and raw[offset + 4 : offset + 12] == generation:
        _magic, _gen, _seq, name_size, data_size, _inode, _flags = FRAME.unpack_from(raw, offset)
        start = offset + FRAME.size + 4
        end = start + name_size + data_size
        found.append((raw[start : start + name_size].decode(), offset, end))
        offset = -(-end // 4096) * 4096 if version >= 2 else end
    return found


def setup_database(folder: Path) -> tuple[Site, Asset]:
    with Store.open(folder, report=None) as store:
        site = store.sites.save(Site(customer="Contoso", name="Head Office"))
        asset = store.assets.save(Asset(site.id, "router", "Cisco", "ISR4331", "FDO1"))
    assert live_frames(folder) == 0  # closing checkpointed: everything is in its file
    return site, asset


def open_and_read(folder: Path, notices: list[str] | None = None) -> Store:
    said = notices if notices is not None else []
    return Store.open(folder, report=said.append)


# -- power cuts ----------------------------------------------------------------------------


@pytest.fixture(params=["past the cache", "through the cache"])
def frame_writes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Frames written past the page cache (where the file system takes it) or, as where it
    does not, through it; the writer processes inherit the setting."""
    monkeypatch.setenv(
        "ASSETTRACK_DIRECT_WRITES", "1" if request.param == "past the cache" else "0"
    )
    return str(request.param)


@pytest.mark.parametrize("lost", ["old", "empty", "cut short"])
def test_every_save_reported_done_survives_a_power_cut(
    tmp_path: Path, lost: str, frame_writes: str
) -> None:
    folder = tmp_path / "db"
    site, asset = setup_database(folder)
    durable = data_files(folder)
    writer = Writer(folder)
    other = writer("site", "Branch")  # the catalog
    new_asset = writer("asset", other, "FDO2")  # a new site file
    writer("edit", asset.id, "rack-7")  # an existing one, replaced
    records = [
        writer("record", site.id, asset.id, day)
        for day in ("2026-03-01T09:00", "2026-03-02T09:00", "2026-04-01T09:00")
    ]  # a new folder, then a file replaced, then a new month
    writer.die()
    assert live_frames(folder) == 6
    saved = data_files(folder)
    power_cut(folder, durable, lost=lost)
    assert data_files(folder) != saved

    notices: list[str] = []
    with open_and_read(folder, notices) as store:
        assert store.sites.get(other) is not None
        assert store.assets.get(new_asset) is not None
        assert store.assets.get(asset.id).location == "rack-7"
        history = store.inspections.for_asset(site.id, asset.id)
        assert {r.id for r in history} == set(records)
    assert any("after the computer stopped" in n for n in notices), notices
    assert live_frames(folder) == 0  # replayed, flushed and the log begun again
    assert not (folder / "backups").exists()  # after a restart the files found are old ones


def test_a_file_saved_twice_survives_the_loss_of_the_version_its_spare_held(
    tmp_path: Path,
) -> None:
    """The second save of a file writes, in place, into the spare that holds the version the
    first save swapped out (``store.spare_files``): the file's last flushed version, which
    its name still points to on disk until the first exchange reaches the disk. After a
    power cut the name may show that version half overwritten: the log writes it again."""
    folder = tmp_path / "db"
    _site, asset = setup_database(folder)
    durable = data_files(folder)
    writer = Writer(folder)
    writer("edit", asset.id, "rack-7")
    writer("edit", asset.id, "rack-9")  # written into the spare that held the flushed version
    writer.die()
    power_cut(folder, durable, lost="cut short")
    with open_and_read(folder) as store:
        assert store.assets.get(asset.id).location == "rack-9"
    assert live_frames(folder) == 0


def test_a_second_power_cut_after_the_replay_loses_nothing_either(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    site, asset = setup_database(folder)
    durable = data_files(folder)
    writer = Writer(folder)
    writer("edit", asset.id, "rack-1")
    writer.die()
    power_cut(folder, durable)
    Store.open(folder, report=None).close()  # replays, checkpoints
    durable = data_files(folder)  # all flushed by the replay's checkpoint
    writer = Writer(folder)
    writer("edit", asset.id, "rack-2")
    added = writer("asset", site.id, "FDO9")
    writer.die()
    power_cut(folder, durable)
    with Store.open(folder, report=None) as store:
        assert store.assets.get(asset.id).location == "rack-2"
        assert store.assets.get(added) is not None


def test_two_writers_append_to_one_log_and_both_survive(tmp_path: Path, frame_writes: str) -> None:
    """Each writer learns at the lock where the other's frames end (from the tail note when
    the frame it knows as the last is still the last begun): none overwrites another."""
    folder = tmp_path / "db"
    site, asset = setup_database(folder)
    durable = data_files(folder)
    first, second = Writer(folder), Writer(folder)
    saved = []
    for n in range(6):
        writer = first if n % 2 else second
        saved.append(writer("asset", site.id, f"TWO-{n}"))
    first("edit", asset.id, "from-first")
    first.die()
    second.die()
    assert live_frames(folder) == 7
    power_cut(folder, durable)
    with Store.open(folder, report=None) as store:
        assert all(store.assets.get(i) is not None for i in saved)
        assert store.assets.get(asset.id).location == "from-first"


def test_an_undone_change_does_not_come_back_after_a_power_cut(tmp_path: Path) -> None:
    """Undoing writes past the log, so the log is checkpointed first: a replay after a power
    cut must not bring the undone saves back."""
    folder = tmp_path / "db"
    site, asset = setup_database(folder)
    writer = Writer(folder)
    writer("edit", asset.id, "before-the-import")
    assert writer("undo", site.id, "UNDO-1", "UNDO-2") == "undone"
    durable = data_files(folder)  # the undo flushed its files (and the checkpoint the rest)
    later = writer("asset", site.id, "AFTER")
    writer.die()
    power_cut(folder, durable)
    with Store.open(folder, report=None) as store:
        serials = {a.serial_number for a in store.assets.all()}
        assert "UNDO-1" not in serials and "UNDO-2" not in serials
        assert store.assets.get(later) is not None
        assert store.assets.get(asset.id).location == "before-the-import"


# -- what the log itself may hold -----------------------------------------------------------


def test_a_torn_last_frame_is_dropped_and_the_log_goes_on(tmp_path: Path) -> None:
    """The save being written when the power went was never reported done: its frame, cut
    short, ends the log; the next save overwrites it and survives the next cut."""
    folder = tmp_path / "db"
    _site, asset = setup_database(folder)
    durable = data_files(folder)
    writer = Writer(folder)
    writer("edit", asset.id, "rack-3")
    writer.die()
    log = RedoLog(folder)
    log.refresh()
    end, frame = log.end, next(iter(log.latest.values()))
    log.close()
    raw = (folder / LOG_NAME).read_bytes()
    whole = raw[frame.offset : frame.end]
    torn = bytearray(whole[: len(whole) // 2])
    struct.pack_into("<I", torn, 12, frame.seq + 1)  # the next frame, cut short
    with open(folder / LOG_NAME, "r+b") as stream:
        stream.seek(end)
        stream.write(bytes(torn))
    power_cut(folder, durable)
    notices: list[str] = []
    with open_and_read(folder, notices) as store:
        assert store.assets.get(asset.id).location == "rack-3"
    assert not any("damaged" in n for n in notices), notices
    assert not (folder / "quarantine").exists()
    durable = data_files(folder)
    writer = Writer(folder)
    writer("edit", asset.id, "rack-4")
    writer.die()
    power_cut(folder, durable)
    with Store.open(folder, report=None) as store:
        assert store.assets.get(asset.id).location == "rack-4"


def test_garbage_after_the_last_frame_is_no_frame(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    _site, asset = setup_database(folder)
    durable = data_files(folder)
    writer = Writer(folder)
    writer("edit", asset.id, "rack-5")
    writer.die()
    log = RedoLog(folder)
    log.refresh()
    end = log.end
    log.close()
    with open(folder / LOG_NAME, "r+b") as stream:
        stream.seek(end)
        stream.write(b"ATRF" + os.urandom(4000))
    power_cut(folder, durable)
    with Store.open(folder, report=None) as store:
        assert store.assets.get(asset.id).location == "rack-5"


def test_a_damaged_frame_in_the_middle_is_said_and_later_saves_still_count(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "db"
    _site, asset = setup_database(folder)
    durable = data_files(folder)
    writer = Writer(folder)
    other = writer("site", "Branch")
    ids = [writer("asset", other, f"MID-{n}") for n in range(3)]
    writer("edit", asset.id, "rack-6")
    writer.die()
    first_mid = logged_frames(folder)[1]  # catalog, then MID-0's save of the site file
    assert first_mid[0] == f"assets/{other}.json"
    with open(folder / LOG_NAME, "r+b") as stream:  # one bit flipped in its data
        stream.seek(first_mid[2] - 10)
        byte = stream.read(1)
        stream.seek(first_mid[2] - 10)
        stream.write(bytes([byte[0] ^ 0x01]))
    power_cut(folder, durable)
    notices: list[str] = []
    with open_and_read(folder, notices) as store:
        # Each frame is a file's whole content: the later saves of the same file and of
        # other files are all there, only what the damaged frame alone held could be lost.
        assert store.sites.get(other) is not None
        assert all(store.assets.get(i) is not None for i in ids)
        assert store.assets.get(asset.id).location == "rack-6"
    assert any(f"{LOG_NAME} was damaged" in n for n in notices), notices
    assert list((folder / "quarantine").glob("redo-*.log"))


def test_a_log_of_a_newer_format_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    _site, asset = setup_database(folder)
    writer = Writer(folder)
    writer("edit", asset.id, "rack-8")
    writer.die()
    set_header(folder, version=redo_log.FORMAT + 1)
    log_before, files_before = (folder / LOG_NAME).read_bytes(), data_files(folder)
    newer = rf"newer assettrack \(redo log format {redo_log.FORMAT + 1}"
    with pytest.raises(NewerLogError, match=newer):
        Store.open(folder, report=None)
    assert (folder / LOG_NAME).read_bytes() == log_before
    assert data_files(folder) == files_before
    notices: list[str] = []
    with Store.open(folder, read_only=True, report=notices.append) as store:
        assert store.assets.get(asset.id).location == "rack-8"  # the files are complete
    assert any("newer assettrack" in n for n in notices)
    assert (folder / LOG_NAME).read_bytes() == log_before


def test_a_file_removed_since_its_save_is_written_again_from_the_log(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    site, asset = setup_database(folder)
    writer = Writer(folder)
    record = writer("record", site.id, asset.id, "2026-05-01T10:00")
    writer.die()
    shutil.rmtree(folder / "records")  # by hand, or a disk put back without its last writes
    notices: list[str] = []
    with open_and_read(folder, notices) as store:
        assert [r.id for r in store.inspections.for_asset(site.id, asset.id)] == [record]
    assert any("brought back to their last save" in n for n in notices), notices


def test_a_writer_killed_between_its_frame_and_its_rename(tmp_path: Path) -> None:
    """Its save was never reported done, but it is whole in the log: the next opening writes
    it, and keeps the file it replaces."""
    folder = tmp_path / "db"
    site, asset = setup_database(folder)
    name = f"assets/{site.id}.json"
    before = (folder / name).read_bytes()
    logged = before.replace(b'"location":""', b'"location":"logged"')
    assert logged != before
    log = RedoLog(folder)
    log.refresh()
    log.append(name, logged, inode=0)  # the rename never happened
    log.close()
    notices: list[str] = []
    with open_and_read(folder, notices) as store:
        assert store.assets.get(asset.id).location == "logged"
    kept = list((folder / "backups").iterdir())
    assert [k.read_bytes() for k in kept] == [before]
    assert any("versions found are in backups/" in n for n in notices), notices


def test_on_the_same_boot_files_in_place_are_not_rewritten_nor_the_log_emptied(
    tmp_path: Path,
) -> None:
    """Another process's saves are complete in the page cache: opening leaves them (and its
    frames) as they are."""
    folder = tmp_path / "db"
    site, asset = setup_database(folder)
    writer = Writer(folder)
    writer("edit", asset.id, "rack-9")
    inode = os.stat(folder / f"assets/{site.id}.json").st_ino
    with Store.open(folder, read_only=True, report=None) as store:
        assert store.assets.get(asset.id).location == "rack-9"
    with Store.open(folder, report=None):
        pass
    assert os.stat(folder / f"assets/{site.id}.json").st_ino == inode
    assert live_frames(folder) == 1
    writer.die()


# -- frames on blocks, written past the cache; the tail note ----------------------------


def direct_descriptors(path: Path) -> int:
    """How many of this process's descriptors of ``path`` write past the page cache."""
    count, real = 0, os.path.realpath(path)
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") != real:
                continue
            flags = Path(f"/proc/self/fdinfo/{fd}").read_text().split("flags:")[1].split()[0]
        except (OSError, IndexError):
            continue
        count += bool(int(flags, 8) & os.O_DIRECT)
    return count


def takes_direct_writes(folder: Path) -> bool:
    probe = folder / "probe"
    probe.write_bytes(bytes(4096))
    try:
        os.close(os.open(probe, os.O_RDWR | os.O_DIRECT))
    except OSError:
        return False
    finally:
        probe.unlink()
    return True


@pytest.mark.skipif(not hasattr(os, "O_DIRECT"), reason="O_DIRECT is Linux's")
def test_frames_begin_on_blocks_and_go_past_the_page_cache(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    _site, asset = setup_database(folder)
    with Store.open(folder, report=None) as store:
        for n in range(3):
            asset.location = f"rack-{n}"
            store.assets.save(asset)
        store.sites.save(Site(customer="Contoso", name="Branch"))
        raw = (folder / LOG_NAME).read_bytes()
        frames = logged_frames(folder)
        assert HEADER.unpack_from(raw)[1] == redo_log.FORMAT == 2
        assert [name for name, _, _ in frames][-1] == "catalog.json"
        assert len(frames) == 4
        for _name, offset, end in frames:
            assert offset % 4096 == 0
            assert raw[end : -(-end // 4096) * 4096] == bytes(-end % 4096)  # zeros to the block
        # Where this file system takes writes past the cache, the log has one such writer.
        assert direct_descriptors(folder / LOG_NAME) == int(takes_direct_writes(tmp_path))


@pytest.mark.skipif(not hasattr(os, "O_DIRECT"), reason="O_DIRECT is Linux's")
def test_only_a_writer_opens_the_log_past_the_cache(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    _site, asset = setup_database(folder)
    with Store.open(folder, report=None) as store:  # the opening reads the log
        assert store.assets.get(asset.id) is not None
        assert direct_descriptors(folder / LOG_NAME) == 0
        asset.location = "rack-1"
        store.assets.save(asset)
        assert direct_descriptors(folder / LOG_NAME) == int(takes_direct_writes(tmp_path))


def test_with_direct_writes_off_the_log_is_written_through_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSETTRACK_DIRECT_WRITES", "0")
    folder = tmp_path / "db"
    _site, asset = setup_database(folder)
    with Store.open(folder, report=None) as store:
        asset.location = "rack-1"
        store.assets.save(asset)
        assert direct_descriptors(folder / LOG_NAME) == 0
        assert [offset % 4096 for _, offset, _ in logged_frames(folder)] == [0]


def as_format_1(folder: Path) -> None:
    """The log as an earlier version wrote it: frames end to end, each one's checksum taken
    over its header, name and data in that order."""
    raw = (folder / LOG_NAME).read_bytes()
    out = bytearray(raw[:FRAMES_START])
    for _name, offset, end in logged_frames(folder):
        head, body = raw[offset : offset + FRAME.size], raw[offset + FRAME.size + 4 : end]
        out += head + struct.pack("<I", zlib.crc32(body, zlib.crc32(head))) + body
    (folder / LOG_NAME).write_bytes(bytes(out) + bytes(len(raw) - len(out)))
    set_header(folder, version=1)


def test_a_log_of_format_1_is_replayed_and_continued_end_to_end(tmp_path: Path) -> None:
    """A log an earlier version left (frames end to end) is read as it is, and its
    generation goes on end to end, as that version would read it; the next is format 2."""
    folder = tmp_path / "db"
    site, asset = setup_database(folder)
    durable = data_files(folder)
    writer = Writer(folder)
    writer("edit", asset.id, "rack-1")
    writer("edit", asset.id, "rack-2")
    writer.die()
    as_format_1(folder)
    writer = Writer(folder)
    added = writer("asset", site.id, "OLD-1")
    writer("edit", asset.id, "rack-3")
    writer.die()
    frames = logged_frames(folder)  # read as format 1: each frame where the last ended
    assert len(frames) == 4
    assert [offset for _, offset, _ in frames[1:]] == [end for _, _, end in frames[:-1]]
    power_cut(folder, durable)  # another boot; the header still says format 1
    notices: list[str] = []
    with open_and_read(folder, notices) as store:
        assert store.assets.get(asset.id).location == "rack-3"
        assert store.assets.get(added) is not None
    assert not any("damaged" in n for n in notices), notices
    assert HEADER.unpack_from((folder / LOG_NAME).read_bytes())[1] == 2  # begun again


def test_a_frame_noted_but_never_written_leaves_the_log_whole(tmp_path: Path) -> None:
    """A writer that died between noting its frame in the tail and writing it: the note
    names a frame nobody else knows, so the next writer reads the log and appends where it
    ends, and every save is replayed."""
    folder = tmp_path / "db"
    site, asset = setup_database(folder)
    durable = data_files(folder)
    writer = Writer(folder)
    writer("edit", asset.id, "rack-1")
    log = RedoLog(folder)
    log.refresh()
    assert log.generation is not None
    LogTail(folder).claim(log.generation, log.seq + 1)  # what the dead writer noted
    log.close()
    added = writer("asset", site.id, "AFTER-1")
    writer("edit", asset.id, "rack-2")
    writer.die()
    assert live_frames(folder) == 3
    power_cut(folder, durable)
    notices: list[str] = []
    with open_and_read(folder, notices) as store:
        assert store.assets.get(asset.id).location == "rack-2"
        assert store.assets.get(added) is not None
    assert not any("damaged" in n for n in notices), notices


# -- checkpoints ---------------------------------------------------------------------------


def test_checkpoints_keep_the_log_small(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    _site, asset = setup_database(folder)
    with Store.open(folder, report=None) as store:
        for n in range(CHECKPOINT_FRAMES + 10):
            asset.location = f"rack-{n}"
            store.assets.save(asset)
        assert live_frames(folder) == 10  # one checkpoint on the way
    assert live_frames(folder) == 0  # and one at closing
    most = FRAMES_START + CHECKPOINT_BYTES + GROW + 2 * (FRAME.size + 4096 + 200)
    assert (folder / LOG_NAME).stat().st_size <= most


def test_closing_leaves_the_frames_to_a_writer_at_work(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    _site, asset = setup_database(folder)
    store = Store.open(folder, report=None)
    asset.location = "rack-10"
    store.assets.save(asset)
    holder = Database(folder, report=None).open()
    with holder.writing():
        store.close()  # the lock is taken: no waiting, the frames stay (they are durable)
        assert live_frames(folder) == 1
    holder.checkpoint()  # what the team sync may call before it reads the files
    assert live_frames(folder) == 0
    holder.close()
    with Store.open(folder, report=None) as store:
        assert store.assets.get(asset.id).location == "rack-10"


def damage_header(folder: Path) -> None:
    with open(folder / LOG_NAME, "r+b") as stream:
        stream.seek(20)  # in the generation
        stream.write(b"\xff\xff")


def test_a_damaged_header_gives_way_to_the_first_frame(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    site, asset = setup_database(folder)
    durable = data_files(folder)
    writer = Writer(folder)
    writer("edit", asset.id, "rack-11")
    added = writer("asset", site.id, "HDR-1")
    writer.die()
    power_cut(folder, durable)
    damage_header(folder)
    with Store.open(folder, report=None) as store:
        assert store.assets.get(asset.id).location == "rack-11"
        assert store.assets.get(added) is not None


def test_a_damaged_header_never_brings_back_a_checkpointed_generation(tmp_path: Path) -> None:
    """A file written past the log after a checkpoint (as an undo writes) stays as it is,
    even if the header is lost: the checkpoint voided the old generation's first frame."""
    folder = tmp_path / "db"
    site, asset = setup_database(folder)
    with Store.open(folder, report=None) as store:
        asset.location = "logged"
        store.assets.save(asset)
    name = folder / f"assets/{site.id}.json"
    written_past_the_log = name.read_bytes().replace(b'"logged"', b'"undone"')
    name.write_bytes(written_past_the_log)
    damage_header(folder)
    with Store.open(folder, report=None) as store:
        assert store.assets.get(asset.id).location == "undone"
    assert name.read_bytes() == written_past_the_log
