"""Attached files in the database folder, each content kept once under its SHA-256.

``attachments/<sha[:2]>/<sha256>`` holds the bytes; the attachment documents (who, when, what
it belongs to) are saved by the repository like any record. A file is copied to a temporary
file in ``attachments/`` while it is hashed, fsynced, renamed to its name and the folder
fsynced: a crash leaves the file whole or absent, never half written. No writer lock is
needed: the name is the content, so two programs storing the same photo rename the same
bytes onto the same name. ``inbox/`` is the folder users drop files into, to be attached.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from assettrack.domain.texts import N_
from assettrack.errors import AssetTrackError
from assettrack.store.durable import fsync_folder, temp_path_for
from assettrack.store.layout import ATTACHMENTS, INBOX

CHUNK = 1024 * 1024
HEAD = 64  # bytes kept to tell the media type
SETTLE_SECONDS = 2.0  # a file changed more recently may still be being copied in
# Names that are never evidence: partial downloads and copies, editors' and systems' own.
SKIPPED_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".download", ".swp", "~")
SKIPPED_NAMES = frozenset({"thumbs.db", "desktop.ini"})


class AttachmentFileError(AssetTrackError):
    """A file that cannot be attached, or stored: the message says which and why."""


@dataclass(frozen=True)
class StoredContent:
    sha256: str
    size: int
    head: bytes  # the first bytes, to tell the media type


def content_path(folder: Path, sha256: str) -> Path:
    return folder / ATTACHMENTS / sha256[:2] / sha256


def is_present(folder: Path, sha256: str) -> bool:
    """Whether the content is on this computer (a JSON bundle brings documents, not files)."""
    return content_path(folder, sha256).is_file()


def check_source(path: Path) -> int:
    """The size of a file that can be attached, or ``AttachmentFileError`` saying why not."""
    name = path.name or str(path)
    try:
        found = path.stat()
    except FileNotFoundError:
        raise AttachmentFileError(N_("{path}: no such file", path=path)) from None
    except OSError as exc:
        raise AttachmentFileError(
            N_("cannot read {path}: {reason}", path=path, reason=_reason(exc))
        ) from None
    if stat.S_ISDIR(found.st_mode):
        raise AttachmentFileError(
            N_("{path} is a folder; attach the files in it one by one", path=path)
        )
    if not stat.S_ISREG(found.st_mode):
        raise AttachmentFileError(N_("{path} is not a regular file", path=path))
    _check_size(name, found.st_size)
    return found.st_size


def _check_size(name: str, size: int) -> None:
    # Imported here: the database (and this module's folder names) open before the app's
    # first paint, which loads no domain models.
    from assettrack.domain.attachments import MAX_SIZE, MAX_SIZE_SHOWN, human_size

    if size == 0:
        raise AttachmentFileError(N_("{name} is empty; there is nothing to attach", name=name))
    if size > MAX_SIZE:
        raise AttachmentFileError(
            N_(
                "{name} is {size}; attachments are limited to {limit}",
                name=name,
                size=human_size(size),
                limit=MAX_SIZE_SHOWN,
            )
        )


def store_content(folder: Path, source: Path) -> StoredContent:
    """Copy ``source`` into the database folder under its hash, durably; stored once."""
    from assettrack.domain.attachments import MAX_SIZE

    check_source(source)
    root = folder / ATTACHMENTS
    temp = temp_path_for(root / "incoming")
    try:
        _ensure_folder(root)
        try:
            reader = open(source, "rb")  # noqa: SIM115 - closed below, errors told apart
        except OSError as exc:
            raise AttachmentFileError(
                N_("cannot read {source}: {reason}", source=source, reason=_reason(exc))
            ) from None
        with reader:
            sha, size, head = _copy(reader, temp, source, MAX_SIZE)
        _check_size(source.name, size)  # emptied since it was looked at
        target = content_path(folder, sha)
        _ensure_folder(target.parent)
        if _same_size(target, size):
            temp.unlink()  # this content is kept already
        else:
            os.replace(temp, target)
            fsync_folder(target.parent)
    except OSError as exc:
        raise AttachmentFileError(
            N_(
                "could not store {name} in the database folder: {reason}; nothing was attached",
                name=source.name,
                reason=_reason(exc),
            )
        ) from None
    finally:
        temp.unlink(missing_ok=True)
    return StoredContent(sha, size, head)


def _copy(reader: BinaryIO, temp: Path, source: Path, limit: int) -> tuple[str, int, bytes]:
    """Copy while hashing; a file that grows past the limit meanwhile is refused."""
    import hashlib  # at the first use: every command imports this module

    hasher, size, head = hashlib.sha256(), 0, b""
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    try:
        while True:
            try:
                chunk = reader.read(CHUNK)
            except OSError as exc:
                raise AttachmentFileError(
                    N_("cannot read {source}: {reason}", source=source, reason=_reason(exc))
                ) from None
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                _check_size(source.name, max(size, os.fstat(reader.fileno()).st_size))
            hasher.update(chunk)
            if len(head) < HEAD:
                head += chunk[: HEAD - len(head)]
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    return hasher.hexdigest(), size, head


def _same_size(target: Path, size: int) -> bool:
    try:
        return target.stat().st_size == size
    except FileNotFoundError:
        return False


def _ensure_folder(path: Path) -> None:
    """Make a folder so that it survives a power cut (its parent fsynced)."""
    if path.is_dir():
        return
    _ensure_folder(path.parent)
    path.mkdir(exist_ok=True)
    fsync_folder(path.parent)


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return N_("the disk is full")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return N_("permission denied")
    if exc.errno == errno.EROFS:
        return N_("read-only disk")
    return exc.strerror or str(exc)


# -- the inbox ----------------------------------------------------------------------------


def inbox_path(folder: Path) -> Path:
    return folder / INBOX


def ensure_inbox(folder: Path) -> Path:
    inbox = inbox_path(folder)
    try:
        _ensure_folder(inbox)
    except OSError as exc:
        raise AttachmentFileError(
            N_("cannot make the inbox folder {inbox}: {reason}", inbox=inbox, reason=_reason(exc))
        ) from None
    return inbox


def waiting_files(inbox: Path, now: float | None = None) -> list[Path]:
    """The complete files in the inbox, oldest first: regular files, not hidden nor partial,
    and unchanged for a few seconds (one being copied in is left for the next scan)."""
    moment = time.time() if now is None else now
    found: list[tuple[float, str, Path]] = []
    try:
        entries = list(os.scandir(inbox))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise AttachmentFileError(
            N_("cannot read the inbox folder {inbox}: {reason}", inbox=inbox, reason=_reason(exc))
        ) from None
    for entry in entries:
        name = entry.name
        lowered = name.lower()
        if name.startswith((".", "~")) or lowered.endswith(SKIPPED_SUFFIXES):
            continue
        if lowered in SKIPPED_NAMES:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue  # taken away meanwhile
        if not stat.S_ISREG(info.st_mode) or moment - info.st_mtime < SETTLE_SECONDS:
            continue
        found.append((info.st_mtime, name, Path(entry.path)))
    return [path for _, _, path in sorted(found)]


def remove_from_inbox(path: Path) -> None:
    """Take a file out of the inbox once it is attached (its content and document saved)."""
    try:
        path.unlink(missing_ok=True)
        fsync_folder(path.parent)
    except OSError as exc:
        raise AttachmentFileError(
            N_(
                "{name} is attached, but could not be taken out of the inbox: {reason}",
                name=path.name,
                reason=_reason(exc),
            )
        ) from None
