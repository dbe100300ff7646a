"""The ``.changes`` file: one line per write, so an open app notices others' saves.

Every write (under the writer lock) appends ``<writer token> <time in ns>`` to it through a
descriptor kept open in append mode: one system call, where reading the file, adding an
entry and writing it back cost a save five calls and two JSON conversions (an update's work
at 10,000 assets went from 152-155 µs to 143-146 µs). An app asks whether the file's
signature changed (one ``stat``); only then does it read the lines and look for another
writer's, newer than the last it saw. The file is cut back to its last lines once it grows
past ``LIMIT`` bytes.

In place and never flushed: it only prompts a re-read, and a reader that catches it half
written or damaged re-reads too; the data files are durable on their own. A file written
by an earlier version (one JSON object) is read the same way: anything that is not lines of
entries counts as a change.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from assettrack.store.durable import read_at, write_at
from assettrack.store.file_reads import Signature, signature

KEPT = 32  # entries left when the file is cut back: more than an app misses between polls
LIMIT = 64 * 1024  # bytes the file may grow to before it is cut back
CHECK_EVERY = 256  # appends of this process between two looks at the file's size
_FLAGS = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)


class ChangeMarks:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._token = os.urandom(6).hex()  # this writer's entries
        self._pid = os.getpid()  # whose token and descriptor these are
        self._fd = -1
        self._appends = 0
        self._seen: Signature = None
        self._since = time.time_ns()

    @property
    def token(self) -> str:
        self._own()
        return self._token

    def _own(self) -> None:
        """A forked process is a writer of its own: a token of its own, and a descriptor
        of its own (its copy of the parent's is closed; the parent's stays open)."""
        if self._pid == os.getpid():
            return
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd, self._token, self._pid = -1, os.urandom(6).hex(), os.getpid()

    def start_watching(self) -> None:
        """What ``seen_elsewhere`` compares against first: the file as it is now."""
        self._seen = signature(self.path)

    def signature(self) -> Signature:
        return signature(self.path)

    # -- a writer (under the writer lock) ----------------------------------------------------

    def mark(self) -> None:
        """Append this write's entry (best effort: a failure only delays others' notice)."""
        try:
            fd = self._descriptor()
            os.write(fd, f"{self._token} {time.time_ns()}\n".encode())
        except OSError:
            self.close()  # opened again at the next write
            return
        self._appends += 1
        if self._appends % CHECK_EVERY == 0:
            self.cut_back()

    def cut_back(self) -> None:
        """Leave the last ``KEPT`` entries if the file outgrew ``LIMIT``, or holds anything
        but entries (damaged, or an earlier version's). Under the writer lock, at each
        checkpoint and every ``CHECK_EVERY`` appends: no entry is appended meanwhile."""
        try:
            fd = os.open(self.path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        except OSError:
            return
        try:
            size = os.fstat(fd).st_size
            raw = read_at(fd, LIMIT, max(0, size - LIMIT))
            if size <= LIMIT and _entries(raw) is not None:
                return
            lines = raw.split(b"\n")[1 if size > LIMIT else 0 :]  # the first may be cut
            kept = [line + b"\n" for line in lines if _entry(line) is not None][-KEPT:]
            write_at(fd, b"".join(kept), 0)
            os.ftruncate(fd, sum(map(len, kept)))
        except OSError:
            pass
        finally:
            os.close(fd)

    def _descriptor(self) -> int:
        self._own()
        if self._fd < 0:
            fd = os.open(self.path, _FLAGS, 0o644)
            if os.fstat(fd).st_size and not _lines_at_start(fd):
                os.ftruncate(fd, 0)  # an earlier version's JSON: lines from here on
            self._fd = fd
        return self._fd

    def close(self) -> None:
        self._own()
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd = -1

    # -- a reader ----------------------------------------------------------------------------

    def seen_elsewhere(self) -> bool:
        """Whether another writer wrote since the last call: one ``stat`` when nothing
        changed. This process's own writes change the file too; they are read past."""
        seen = signature(self.path)
        if seen == self._seen:
            return False
        self._seen = seen
        try:
            raw = self.path.read_bytes()
        except OSError:
            return True
        entries = _entries(raw)
        if entries is None:
            return True  # damaged, half cut back, or an earlier version's: read again
        since = self._since
        self._since = max([since, *(at for _, at in entries)])
        own = self.token
        return any(token != own and at > since for token, at in entries)


def _entries(raw: bytes) -> list[tuple[str, int]] | None:
    """The entries, or None where any line is not one (a complete file ends in a newline)."""
    if not raw:
        return []
    if not raw.endswith(b"\n"):
        return None
    entries = []
    for line in raw[:-1].split(b"\n"):
        entry = _entry(line)
        if entry is None:
            return None
        entries.append(entry)
    return entries


def _entry(line: bytes) -> tuple[str, int] | None:
    token, _, at = line.partition(b" ")
    if len(token) != 12 or not at.isdigit() or not token.isalnum():
        return None
    return token.decode("ascii"), int(at)


def _lines_at_start(fd: int) -> bool:
    return _entry(read_at(fd, 64, 0).split(b"\n", 1)[0]) is not None
