"""Writing a file the user asked for (an export, a report, a bundle): whole or not at all.

The bytes go to a temporary file beside the target, are flushed and fsynced, and then replace
the target in one rename. A full disk, a read-only folder or a kill therefore leaves the
user's previous file exactly as it was, and every failure is one line naming the file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from assettrack.errors import AssetTrackError

_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_DENIED = (errno.EACCES, errno.EPERM)


class FileWriteError(AssetTrackError):
    """A user's file could not be written; the previous one (if any) is untouched."""


def write_user_file(path: Path | str, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, or raise ``FileWriteError``."""
    path = Path(path)
    target = Path(os.path.realpath(path))  # a link is followed: the file it names is replaced
    existing = _existing(path, target)
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        # A pipe or a terminal (-o /dev/stdout) has no old content to keep: write straight in.
        _write_stream(path, target, data)
        return
    _check_folder(path, target.parent)
    temp = target.with_name(f".{target.name}.part-{os.getpid()}-{secrets.token_hex(3)}")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        try:
            if existing is not None and hasattr(os, "fchmod"):
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))  # keep the old file's permissions
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise FileWriteError(_explain(path, exc, existing is not None)) from None
    with contextlib.suppress(OSError):  # the data is written; a folder fsync is a bonus
        _fsync_folder(target.parent)


def _existing(path: Path, target: Path) -> os.stat_result | None:
    try:
        found = target.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None  # _check_folder says which part of the path is missing
    except OSError as exc:
        raise FileWriteError(_explain(path, exc, False)) from None
    if stat.S_ISDIR(found.st_mode):
        raise FileWriteError(f"cannot write {path}: it is a folder; give a file name")
    return found


def _check_folder(path: Path, folder: Path) -> None:
    for nearest in (folder, *folder.parents):
        if nearest.is_dir():
            break
        if nearest.exists():
            raise FileWriteError(f"cannot write {path}: {nearest} is a file, not a folder")
    if nearest != folder:
        raise FileWriteError(f"cannot write {path}: the folder {folder} does not exist")


def _write_stream(path: Path, target: Path, data: bytes) -> None:
    try:
        with open(target, "wb") as stream:
            stream.write(data)
    except OSError as exc:
        raise FileWriteError(_explain(path, exc, False)) from None


def _explain(path: Path, exc: OSError, existed: bool) -> str:
    if exc.errno in _FULL:
        cause = "the disk is full"
    elif exc.errno == errno.EROFS:
        cause = "the disk is read-only"
    elif exc.errno in _DENIED:
        cause = "permission denied"
    elif exc.errno == errno.ENOENT:
        cause = f"no file can be created in {Path(os.path.realpath(path)).parent}"
    else:
        cause = exc.strerror or str(exc)
    kept = f"; the previous {path.name} is unchanged" if existed else "; nothing was written"
    return f"cannot write {path}: {cause}{kept}"


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":  # folders cannot be opened for fsync on Windows; NTFS journals renames
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
