"""Reading a database file as it is on disk: its stat signature, and its bytes with the
signature of that very version. Every cache of the store compares signatures to tell a file
changed; opening a database and listing its assets needs nothing more than this from the
files (TinyDB and the gate come with ``store.storage``, when a file is parsed)."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

from assettrack.domain.texts import N_
from assettrack.store.errors import CorruptStoreError

Signature = tuple[int, int, int] | None  # size, mtime_ns, inode; None: no file


def signature(path: Path) -> Signature:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def signatures_in(root: Path, folder: str) -> dict[str, Signature]:
    """The stat signature of each partition file directly in ``folder`` (relative to the
    database ``root``), by name: one scandir, to tell which files changed since read."""
    found: dict[str, Signature] = {}
    try:
        with os.scandir(root / folder) as entries:
            for entry in entries:
                if entry.name.endswith(".json") and not entry.name.startswith("."):
                    st = entry.stat()
                    found[f"{folder}/{entry.name}"] = (st.st_size, st.st_mtime_ns, st.st_ino)
    except FileNotFoundError:
        pass
    return found


def read_file_bytes(path: Path) -> tuple[bytes | None, Signature]:
    """A partition file's bytes and the signature of that very version (None: no file)."""
    # Through one descriptor: a save swaps a whole file into place, so what is read is one
    # version, and the signature is that version's. Read again if the file was written in
    # place meanwhile (by hand, or a save's spare: the old version a save swapped out is a
    # later save's spare, ``store.spare_files``), or the name no longer points to it.
    for _ in range(5):
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        except FileNotFoundError:
            return None, None
        except OSError as exc:
            raise CorruptStoreError(
                path, N_("cannot be read ({reason})", reason=exc.strerror)
            ) from exc
        try:
            st = os.fstat(fd)
            raw = _read_all(fd, st.st_size)
            after = os.fstat(fd)
        except OSError as exc:
            raise CorruptStoreError(
                path, N_("cannot be read ({reason})", reason=exc.strerror)
            ) from exc
        finally:
            os.close(fd)
        seen: Signature = (st.st_size, st.st_mtime_ns, st.st_ino)
        if (after.st_size, after.st_mtime_ns) == seen[:2] and _still_at(path, st.st_ino):
            break
    return raw, seen


def _still_at(path: Path, inode: int) -> bool:
    try:
        return os.stat(path).st_ino == inode
    except FileNotFoundError:
        return False


def holds_content(path: Path, size: int, crc: int) -> bool:
    """Whether the file at ``path`` is ``size`` bytes with this CRC-32 (read, not parsed): a
    cache's entry still holds for a file copied or restored with new inodes and times. A
    file that cannot be read does not (read through the storage next, which says why)."""
    if crc < 0:
        return False
    try:
        raw, _seen = read_file_bytes(path)
    except CorruptStoreError:
        return False
    return raw is not None and len(raw) == size and zlib.crc32(raw) == crc


def _read_all(fd: int, size: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, max(size + 1, 1 << 16)):
        chunks.append(chunk)
        if len(chunks) == 1 and len(chunk) == size:
            break  # all of it (asked for one byte more); the caller's fstat tells if it grew
    return b"".join(chunks) if len(chunks) != 1 else chunks[0]
