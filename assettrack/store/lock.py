"""One writer per database, enforced by an OS file lock that dies with its process.

Beside the lock, the holder writes who it is, so a second writer is told which process holds
the database and since when instead of silently overwriting its work.
"""

from __future__ import annotations

import getpass
import os
import socket
import sys
from datetime import datetime
from pathlib import Path

import orjson
from filelock import FileLock, Timeout

from assettrack.store.durable import atomic_write
from assettrack.store.errors import StoreLockedError

LOCK_NAME = ".writer.lock"
HOLDER_NAME = ".writer.json"


class WriterLock:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = FileLock(folder / LOCK_NAME, timeout=0, thread_local=False)

    def acquire(self) -> None:
        try:
            self._lock.acquire()
        except Timeout:
            raise StoreLockedError(self._describe_holder()) from None
        atomic_write(
            self.folder / HOLDER_NAME,
            orjson.dumps(
                {
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "user": _user(),
                    "since": datetime.now().isoformat(timespec="seconds"),
                    "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200],
                }
            ),
        )

    def release(self) -> None:
        if self._lock.is_locked:
            (self.folder / HOLDER_NAME).unlink(missing_ok=True)
            self._lock.release()

    def _describe_holder(self) -> str:
        base = f"database {self.folder} is already open for writing"
        try:
            holder = orjson.loads((self.folder / HOLDER_NAME).read_bytes())
            who = (
                f" by process {holder['pid']} ({holder['user']}@{holder['host']}, "
                f"'{holder['command']}') since {holder['since']}"
            )
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
            who = " by another process"
        return base + who + ". Close it there, or open this one read-only."


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
