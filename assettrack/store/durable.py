"""Crash-safe file replacement.

``atomic_write`` writes a temporary file beside the target, flushes and fsyncs it, renames it
over the target (atomic on POSIX and Windows) and fsyncs the folder so the rename itself
survives a power cut. A reader therefore always sees the old or the new file, never a mix.
A partition file's save renames the same way but flushes neither: its content is made durable
first by the redo log (``store.redo_log``), which flushes the files at its checkpoints.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from assettrack.domain.texts import N_
from assettrack.store.errors import StoreWriteError

TEMP_MARK = ".tmp-"


def temp_path_for(path: Path) -> Path:
    return path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{os.urandom(4).hex()}")


def fsync_folder(folder: Path) -> None:
    if os.name == "nt":  # folders cannot be opened for fsync on Windows; NTFS journals renames
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new content."""
    temp = write_temp(path, data, flush=True).path
    try:
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise StoreWriteError(explain(path, exc)) from exc
    fsync_folder(path.parent)


class Temp(NamedTuple):
    path: Path
    inode: int  # the file keeps it once renamed into place
    made_folders: bool  # its folder had to be made (a new site or month)
    mtime_ns: int = 0  # as written: a rename keeps it (and the size and inode)


def write_temp(path: Path, data: bytes, *, flush: bool = False) -> Temp:
    """``data`` in a new temporary file beside ``path`` (its folders made if missing), to be
    renamed over it; fsynced if ``flush``. Nothing is left behind if it fails."""
    temp = temp_path_for(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    made = False
    try:
        try:
            fd = os.open(temp, flags, 0o644)
        except FileNotFoundError:  # a new site or month: its folder first
            path.parent.mkdir(parents=True, exist_ok=True)
            made = True
            fd = os.open(temp, flags, 0o644)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if flush:
                os.fsync(fd)
            st = os.fstat(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise StoreWriteError(explain(path, exc)) from exc
    return Temp(temp, st.st_ino, made, st.st_mtime_ns)


def explain(path: Path, exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        cause: str = N_("the disk is full (or the file size limit was reached)")
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        cause = N_("permission denied or read-only disk")
    else:
        cause = exc.strerror or str(exc)
    return N_(
        "could not save {name}: {cause}. Nothing was changed: the previous version "
        "of {path} is intact.",
        name=path.name,
        cause=cause,
        path=path,
    )


def remove_orphan_temp_files(
    folder: Path,
    *,
    unlocked: Iterable[str] = (),
    ignored: Iterable[str] = (),
    deep: bool = True,
) -> list[Path]:
    """Delete temporary files left by saves that a crash interrupted.

    The caller holds the writer lock, so no save of a data file is under way. Sub-folders
    named in ``unlocked`` are written without the lock (damaged documents set aside by
    readers, attachments' files): there only the files of processes no longer alive are
    removed. Sub-folders named in ``ignored`` hold the user's own files and are not looked in.
    Not ``deep``: only the folder itself and the ``unlocked`` ones are looked in (not below
    them), where writes that take no lock leave their temporary files.
    """
    removed = []
    skip_live = {folder / name for name in unlocked}
    skip = {folder / name for name in ignored}
    # os.walk: several times faster than Path.rglob over years of record files.
    walked = os.walk(folder) if deep else _shallow(folder, skip_live)
    for root, dirs, names in walked:
        if skip:
            dirs[:] = [d for d in dirs if Path(root) / d not in skip]
        for name in names:
            if not (name.startswith(".") and TEMP_MARK in name):
                continue
            temp = Path(root) / name
            if temp.parent in skip_live and _writer_alive(name):
                continue
            try:
                temp.unlink()
                removed.append(temp)
            except FileNotFoundError:
                pass
    return removed


def _shallow(
    folder: Path, subfolders: Iterable[Path]
) -> Iterable[tuple[str, list[str], list[str]]]:
    """``os.walk``'s answers for these folders alone, not below them."""
    for where in (folder, *subfolders):
        try:
            with os.scandir(where) as entries:
                names = [e.name for e in entries if e.name.startswith(".") and TEMP_MARK in e.name]
        except OSError:
            continue
        yield str(where), [], names


def _writer_alive(temp_name: str) -> bool:
    pid_text = temp_name.rsplit(TEMP_MARK, 1)[-1].split("-", 1)[0]
    try:
        os.kill(int(pid_text), 0)
    except (ValueError, ProcessLookupError):
        return False
    except OSError:
        return True  # another user's process
    return True


def read_at(fd: int, size: int, offset: int) -> bytes:
    """``os.pread``, or a seek and a read where there is none (Windows)."""
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, size)


def write_at(fd: int, data: bytes | memoryview, offset: int) -> int:
    """``os.pwrite``, or a seek and a write where there is none (Windows)."""
    if hasattr(os, "pwrite"):
        return os.pwrite(fd, data, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    return os.write(fd, data)


def overwrite_note(path: Path, data: bytes) -> None:
    """Rewrite a small advisory file in place (no new file, no rename, no fsync): cheap
    enough for every save. A reader may catch it half written and must treat that as
    "unknown", never as an error; data files never go this way."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
    try:
        os.write(fd, data)
        os.ftruncate(fd, len(data))
    finally:
        os.close(fd)
