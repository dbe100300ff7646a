"""Writing whole blocks past the page cache (``store.direct_writes``), on real files: what is
written, what is refused (and left for the caller to write through the cache)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assettrack.store.direct_writes import BLOCK, LARGEST, DirectWriter
from assettrack.store.redo_log import blocks

pytestmark = pytest.mark.skipif(not hasattr(os, "O_DIRECT"), reason="O_DIRECT is Linux's")


def a_file(tmp_path: Path, size: int = 4 * BLOCK) -> Path:
    path = tmp_path / "log"
    path.write_bytes(b"\xaa" * size)
    return path


def opened(path: Path) -> DirectWriter:
    writer = DirectWriter()
    writer.open(path, os.stat(path).st_ino)
    return writer


def takes_direct_writes(path: Path) -> bool:
    try:
        os.close(os.open(path, os.O_RDWR | os.O_DIRECT))
    except OSError:
        return False
    return True


def test_parts_are_written_then_zeros_to_the_length(tmp_path: Path) -> None:
    path = a_file(tmp_path)
    writer = opened(path)
    done = writer.write([b"head", b"-", b"data" * 300], BLOCK, 2 * BLOCK)
    writer.close()
    raw = path.read_bytes()
    assert done == takes_direct_writes(path)  # refused only where the file system refuses
    if done:
        written = b"head-" + b"data" * 300
        assert raw[BLOCK : 3 * BLOCK] == written + bytes(2 * BLOCK - len(written))
        assert raw[:BLOCK] == raw[3 * BLOCK :] == b"\xaa" * BLOCK  # nothing else touched
    else:
        assert raw == b"\xaa" * 4 * BLOCK


@pytest.mark.parametrize(
    ("offset", "length", "parts"),
    [
        (100, BLOCK, [b"x"]),  # not at a block
        (0, BLOCK + 1, [b"x"]),  # not whole blocks
        (0, BLOCK, [b"x" * (BLOCK + 1)]),  # more than the length
        (0, blocks(LARGEST + 1), [b"x" * (LARGEST + 1)]),  # larger than its buffer takes
    ],
)
def test_what_cannot_go_past_the_cache_is_refused_and_left_untouched(
    tmp_path: Path, offset: int, length: int, parts: list[bytes]
) -> None:
    path = a_file(tmp_path, blocks(LARGEST + 1))
    writer = opened(path)
    assert writer.write(parts, offset, length) is False
    writer.close()
    assert path.read_bytes() == b"\xaa" * blocks(LARGEST + 1)


def test_turned_off_nothing_is_opened_past_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSETTRACK_DIRECT_WRITES", "0")
    path = a_file(tmp_path)
    writer = opened(path)
    assert writer.write([b"x"], 0, BLOCK) is False
    assert path.read_bytes() == b"\xaa" * 4 * BLOCK


def test_a_file_replaced_between_the_two_opens_is_not_written(tmp_path: Path) -> None:
    path = a_file(tmp_path)
    inode = os.stat(path).st_ino
    replacement = tmp_path / "other"
    replacement.write_bytes(b"\xbb" * 4 * BLOCK)
    os.replace(replacement, path)  # the caller's descriptor is of the old file
    writer = DirectWriter()
    writer.open(path, inode)
    assert writer.write([b"x"], 0, BLOCK) is False
    assert path.read_bytes() == b"\xbb" * 4 * BLOCK


def test_the_redo_logs_frames_begin_where_direct_writes_may() -> None:
    from assettrack.store import redo_log

    assert redo_log.BLOCK % BLOCK == 0 and redo_log.FRAMES_START % BLOCK == 0
